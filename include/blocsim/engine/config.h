//! \file config.h
//! \brief Plain configuration structs for a scenario, with defaults.
//!
//! A `ScenarioConfig` is what a scenario YAML file becomes after loading,
//! `extends:` resolution and `--set` overrides (see scenario.h). It holds no
//! behaviour: the engine (world.h, phases.h, simulation.h) reads it.
//!
//! Every scalar model parameter is described once, in the registries returned
//! by `model_params()`, `power_params()` and `network_params()`: the
//! registries give the YAML key path, default, range, unit and meaning. The
//! loader, the validator, `--set`, timeline `set:` events and the generated
//! parameter reference (`blocsim params`, docs/parameters.md) all read them,
//! so a parameter cannot be documented in one place and parsed differently in
//! another.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace blocsim {

inline constexpr int kMaxDimensions = 32;  //!< upper bound on D (identity dimensions)
inline constexpr int kMaxPowers = 16;      //!< upper bound on K (powers)

//! Position of a value in a source file (1-based line and column; 0 = unknown).
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
};

// ---------------------------------------------------------------------------
// Model parameters (scenario key `model:`)
// ---------------------------------------------------------------------------

//! Global model parameters. Defaults are the values in `model_params()`;
//! the member initialisers below repeat them only so that a default-constructed
//! struct is usable in tests (a unit test checks the two agree).
struct ModelParams {
  // identity phase (docs/design.md §3.3)
  double mu = 0.05;              //!< peer influence rate, 1/tick
  double epsilon = 0.5;          //!< bounded-confidence radius (Euclidean, identity units)
  double kappa = 0.05;           //!< grievance push on the sovereignty dimension
  double identity_noise = 0.0;   //!< s.d. of Gaussian identity noise per tick
  // courtship phase (docs/design.md §3.2)
  double theta = 1.0;            //!< absorptive-capacity exponent for open models
  double gamma_grievance = 0.1;  //!< grievance per tick from full denial at strictness 1
  double swing_scale = 0.25;     //!< utility margin scale of `swing` aid targeting
  // choice phase (docs/design.md §3.4)
  double beta_identity = 2.0;
  double beta_ties = 1.0;
  double beta_access = 1.0;
  double beta_aid = 0.5;
  double beta_peer = 0.5;
  double beta_lock = 0.5;
  double beta_grievance = 0.5;
  double beta_security = 1.0;
  double beta_inertia = 0.3;
  double beta_hedge = 1.6;
  double lambda = 5.0;           //!< logit intensity of choice; +inf = best response
  double revision_rate = 0.25;   //!< probability per tick that a country reconsiders
  // standards phase (docs/design.md §3.5)
  double alpha_bloc = 1.0;
  double alpha_network = 1.5;
  double alpha_lock = 0.5;
  double alpha_multilateral = 2.0;
  double alpha_inertia = 0.5;
  double lambda_standards = 5.0;
  double revision_rate_standards = 0.15;
  // material phase (docs/design.md §3.6)
  double capacity_growth = 0.05;
  double aid_capacity = 0.05;
  double lock_decay = 0.05;
  double lock_aid = 0.02;
  double lock_adoption = 0.01;
  double grievance_decay = 0.1;
  double tie_drift = 0.02;
  double tie_bonus = 0.2;
  double frontier_control_drag = 0.5;
  double frontier_open_spillover = 0.02;
  // model v2 (issue 11; docs/ODD.md §7.9): rivalry, hedging, inducements, open
  // weights, identity anchoring, standards reach. Each is 0 in the docking
  // reductions, where the v1 equations hold unchanged.
  double beta_rivalry = 2.0;       //!< utility cost of aligning with a power one is in rivalry with
  double beta_threat = 0.5;        //!< balance of threat: pull toward the rivals of a threatening power
  double hedge_sovereignty = 0.5;  //!< hedge utility per unit of sovereignty identity
  double hedge_evenness = 0.4;     //!< hedge utility for evenly split economic ties
  double hedge_group = 0.3;        //!< hedge utility of membership in a hedge group (NAM)
  double multi_alignment = 0.5;    //!< share of the best offer (vs the mean) a hedger keeps
  double aid_half = 0.5;           //!< aid at which its utility reaches half of beta_aid
  double aid_cap = 4.0;            //!< max aid per country, multiple of the mean (B_k)
  double beta_open = 1.0;          //!< utility weight of open-weight value O_ik
  double open_denial = 1.0;        //!< extra open-weight value where closed access is denied
  double open_sovereignty = 1.0;   //!< extra open-weight value per unit of sovereignty
  double open_capacity = 0.02;     //!< capacity growth per tick from usable open weights
  double alpha_open = 0.5;         //!< pull of a power's open ecosystem on its standard
  double alpha_rivalry = 1.0;      //!< cost of adopting a rival power's standard
  double alpha_threshold = 1.0;    //!< scale of heterogeneous adoption thresholds
  double effort_flat = 0.0;        //!< share of standards effort that reaches every country (v1 = 1)
  double effort_ties = 0.5;        //!< share of standards effort that acts through ties
  double effort_bodies = 0.3;      //!< share that acts through standards-body membership
  double effort_capacity = 0.2;    //!< share that acts through capacity
  double identity_anchor = 0.05;   //!< restoring force toward the observed identity, 1/tick
  double alignment_feedback = 0.01;//!< pull of the chosen bloc's power identity, 1/tick
  // record phase (docs/design.md §4)
  double polarization_alpha = 1.6;  //!< Esteban–Ray sensitivity α

  //! Identity dimension pushed by grievance ("" = none).
  std::string grievance_dimension = "sovereignty";
  //! Identity dimension that values the neutral/international standard ("" = none).
  std::string multilateral_dimension = "multilateralism";
  //! Dimension that values hedging and open weights (sovereignty; "" = none).
  std::string sovereignty_dimension = "sovereignty";
  //! Groups whose members value hedging (e.g. the Non-Aligned Movement).
  std::vector<std::string> hedge_groups;
};

//! One entry of a parameter registry.
template <class Owner>
struct ParamSpec {
  std::string_view key;      //!< YAML key inside its section, e.g. "mu"
  double Owner::*field;      //!< where the value lives
  double default_value;
  double min;                //!< inclusive lower bound
  double max;                //!< inclusive upper bound (may be +inf)
  bool allow_inf;            //!< whether +inf is a legal value (only the logit λs)
  std::string_view unit;
  std::string_view group;    //!< phase or section, for the reference
  std::string_view meaning;  //!< one line
  //! Plausible range for sampling and the no-dead-levers test (NaN = derive
  //! from default and bounds: default/2 … 2·default within [min, max]).
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
  std::string_view reason = {};  //!< why this range (model v2 parameters)
  //! Where the default comes from, e.g. "calibrated: hindcast_2018 posterior
  //! median (2026-12-02)", "set by hand: <reason>", "from data: <source>".
  //! Empty = the registry's generic "set by hand" entry (param_source()).
  std::string_view source = {};
};

//! The source of a registry entry's default: its `source` field, else the
//! generic one for its registry ("model", "powers", "network").
template <class Owner>
std::string param_source(const ParamSpec<Owner>& s, std::string_view registry) {
  if (!s.source.empty()) return std::string(s.source);
  if (registry == "powers") return "set by hand: scenario lever or power setting, a relative judgement stated per scenario (scenarios/base.yaml)";
  if (registry == "network") return "set by hand: network construction choice (docs/ODD.md section 7.8)";
  if (!s.reason.empty()) return "set by hand (model v2, docs/ODD.md section 7.9): " + std::string(s.reason);
  return "set by hand: v1 default chosen so that utilities stay O(1) (docs/design.md); not estimated";
}

//! Registry of `model:` parameters, in reference order.
std::span<const ParamSpec<ModelParams>> model_params();

// ---------------------------------------------------------------------------
// Powers (scenario key `powers:`, a list; each addressed by its `id`)
// ---------------------------------------------------------------------------

//! Aid targeting rule of the capacity-building lever.
enum class Targeting { need, swing, allies, population };

//! How a power assigns export-control tiers τ_ik.
//! `list`: default + groups + countries (fixed until an event changes it);
//! `by_alignment`: rival-aligned → 2, non-aligned → 1, own bloc → 0, every tick.
enum class TierRule { list, by_alignment };

//! Tier assignment (export-control lever). Precedence: `countries` over
//! `groups` (later groups win over earlier ones) over `default_tier`.
struct TierSpec {
  TierRule rule = TierRule::list;
  int default_tier = 0;
  std::vector<std::pair<std::string, int>> groups;     //!< group id → tier, in order
  std::vector<std::pair<std::string, int>> countries;  //!< ISO3 → tier
};

//! A reactive rule (issue 11): evaluated in the policy phase from the
//! previous tick's state; fires its action when its condition holds.
struct ReactiveRule {
  std::string name;
  //! Signal: global (frontier_gap, own_/rival_bloc_{count,gdp,pop},
  //! own_/rival_standard_{count,gdp}) or per country (margin).
  std::string signal;
  std::optional<double> below, above;  //!< condition (at least one)
  // global action: set or add to a lever (power_params key), clamped to range
  std::string set;                     //!< power lever key ("" = country action)
  std::optional<double> to, by;        //!< new value or increment
  std::optional<double> limit;         //!< never beyond this value (cap for by>0, floor for by<0)
  // country action (signal margin): extra aid to each matching country
  double aid = 0.0;                    //!< aid per matched country per tick
  double budget = 0.0;                 //!< aid per tick available to the rule
  int cooldown = 0;                    //!< ticks between firings
  int max_firings = -1;                //!< −1 = unlimited
  SourceLoc loc;
};

struct PowerConfig {
  std::string id;            //!< short id used in paths and CSV columns (e.g. "us")
  std::string name;          //!< display name
  std::string home;          //!< ISO3 of the home country (pinned to this bloc); "" = none
  std::vector<double> identity;  //!< y_k, length D, each in [0,1]
  double frontier = 1.0;         //!< f_k > 0 at t = 0
  double frontier_growth = 0.03; //!< g_k per tick
  double narrative_radius = 0.6; //!< ε_k: narrative reaches countries closer than this
  // levers
  double strictness = 0.0;       //!< σ_k export-control strictness
  TierSpec tiers;
  double open_models = 0.0;      //!< o_k openness
  double aid_budget = 0.0;       //!< B_k mean aid per country per tick
  Targeting targeting = Targeting::need;
  double standards_effort = 0.0; //!< e_k
  double narrative = 0.0;        //!< ν_k
  double alliance_pressure = 0.0;//!< π_k
  // ties with countries (world data columns or defaults)
  std::string trade_column;      //!< default "trade_<id>"
  std::string security_column;   //!< default "security_<id>"
  std::optional<double> default_trade;     //!< used when the column is absent
  std::optional<double> default_security;  //!< used when the column is absent
  std::vector<std::string> security_groups;//!< members of these groups get S_ik = 1
  // model v2
  std::string rivalry_column;              //!< default "rivalry_<id>" (optional column)
  std::vector<std::pair<std::string, double>> rivalries;  //!< ISO3 → R_ik, overrides the column
  std::vector<std::string> standards_groups;  //!< members sit in this power's standards fora
  std::vector<ReactiveRule> reactions;     //!< reactive strategy rules
};

//! Registry of scalar power parameters. `key` is the path inside a power,
//! e.g. "export_controls.strictness" (full path `powers.<id>.<key>`).
std::span<const ParamSpec<PowerConfig>> power_params();

// ---------------------------------------------------------------------------
// World and network
// ---------------------------------------------------------------------------

//! One country row (from CSV or inline YAML).
struct CountryRow {
  std::string iso3, name, region, subregion;
  double gdp = 1.0;       //!< any consistent unit (default world: current US$ bn)
  double pop = 1.0;       //!< any consistent unit (default world: millions)
  double capacity = 0.5;  //!< c_i ∈ [0,1]
  std::vector<double> identity;            //!< length D
  std::map<std::string, double> trade;     //!< power id → T_ik
  std::map<std::string, double> security;  //!< power id → S_ik
  std::map<std::string, double> rivalry;   //!< power id → R_ik (optional column)
  std::string estimated;                   //!< free text: which columns are estimates
  SourceLoc loc;                           //!< where the row was defined
};

struct Edge {
  std::string a, b;   //!< ISO3 codes
  double weight = 1.0;
};

//! A named group of countries (membership list).
struct Group {
  std::string id;
  std::vector<std::string> members;
};

struct SyntheticWorld {
  std::int64_t countries = 0;  //!< N ≥ 2
  double degree = 10.0;        //!< mean degree of the small-world network
  double rewire = 0.1;         //!< Watts–Strogatz rewiring probability
};

struct NetworkConfig {
  double border_weight = 1.0;  //!< weight of a shared land border
  double group_weight = 0.25;  //!< weight per shared group (of `groups` below)
  double trade_weight = 0.5;   //!< multiplier of trade-edge weights
  double edge_weight = 1.0;    //!< multiplier of custom edge weights
  std::vector<std::string> groups;  //!< group ids that create ties; empty = all
};
std::span<const ParamSpec<NetworkConfig>> network_params();

struct WorldConfig {
  std::optional<SyntheticWorld> synthetic;  //!< set ⇒ the lists below are empty
  std::vector<CountryRow> countries;
  std::vector<Group> groups;
  std::vector<Edge> borders;
  std::vector<Edge> trade;
  std::vector<Edge> edges;  //!< custom edges
  std::vector<std::string> source_files;  //!< data files read (for provenance)
  std::vector<std::string> source_sha256;  //!< SHA-256 of each source file when it was read
  //! Column of the countries CSV that supplies c_i: "capacity" (default) or a
  //! `capacity_*` alternative; an empty cell there falls back to `capacity`.
  std::string capacity_column = "capacity";
  //! Absolute paths of the files the lists above were read from ("" = given
  //! inline in the scenario, or synthetic). resolved_yaml() refers to them.
  std::string countries_file, groups_file, borders_file, trade_file, edges_file;
};

// ---------------------------------------------------------------------------
// Timeline, initial state, outputs
// ---------------------------------------------------------------------------

//! A parameter assignment addressed by key path (same paths as `--set`).
struct Assignment {
  std::string path;   //!< e.g. "model.mu" or "powers.us.open_models"
  double value = 0.0;
  SourceLoc loc;
};

struct TierChange {
  std::string power;  //!< power id
  TierSpec tiers;     //!< replaces the power's tier spec from this tick on
};

struct MembershipChange {
  std::string group;
  std::vector<std::string> add, remove;
};

struct SecurityChange {
  std::string power;
  std::vector<std::pair<std::string, double>> values;  //!< ISO3 → S_ik
};

struct RivalryChange {
  std::string power;
  std::vector<std::pair<std::string, double>> values;  //!< ISO3 → R_ik (0 ends a rivalry)
};

struct Event {
  int tick = 0;           //!< tick at which the event applies (≥ 1)
  std::string date;       //!< "YYYY-MM" if given as a date
  std::string label;      //!< shown in figures
  std::vector<Assignment> set;
  std::vector<TierChange> tiers;
  std::vector<MembershipChange> memberships;
  std::vector<SecurityChange> security;
  std::vector<RivalryChange> rivalry;
  SourceLoc loc;
};

enum class InitialMode { equilibrium, data, nonaligned };

struct InitialConfig {
  InitialMode alignment = InitialMode::equilibrium;
  InitialMode standards = InitialMode::equilibrium;
  std::vector<std::pair<std::string, std::string>> pin;  //!< ISO3 → bloc id (pinned forever)
  int equilibrium_iterations = 50;
};

struct OutputConfig {
  bool countries = true;     //!< write countries.csv
  int countries_every = 1;   //!< every n ticks (tick 0 and the last tick always)
};

enum class CalendarStep { month, quarter, year };

struct Calendar {
  int start_year = 2025;
  int start_month = 7;  //!< tick 0 is this month
  CalendarStep step = CalendarStep::quarter;
};

// ---------------------------------------------------------------------------
// The scenario
// ---------------------------------------------------------------------------

struct ScenarioConfig {
  std::string name;
  std::string description;
  std::string path;                      //!< file it came from ("" if built in code)
  std::string source_sha256;             //!< SHA-256 of that file's bytes as read ("" if built in code)
  std::vector<std::string> dimensions;   //!< identity dimension names, length D
  std::uint64_t seed = 1;
  int ticks = 40;
  Calendar calendar;
  WorldConfig world;
  NetworkConfig network;
  std::vector<PowerConfig> powers;       //!< K ≥ 1
  ModelParams model;
  InitialConfig initial;
  std::vector<Event> timeline;           //!< sorted by tick (stable)
  OutputConfig outputs;
  std::vector<std::string> overrides;    //!< "--set" strings applied, in order
};

//! Number of countries (agents) of the scenario's world: the synthetic size, or the country table's rows.
inline std::int64_t country_count(const ScenarioConfig& cfg) {
  return cfg.world.synthetic ? cfg.world.synthetic->countries : static_cast<std::int64_t>(cfg.world.countries.size());
}

//! Calendar label of a tick, "YYYY-MM" (tick 0 = start).
std::string tick_date(const Calendar& cal, int tick);

//! Tick of a "YYYY-MM" date (must fall on a tick boundary).
//! @returns nullopt if the date is malformed or not on a tick.
std::optional<int> date_tick(const Calendar& cal, std::string_view date);

//! Index of a power by id, or -1.
int find_power(const ScenarioConfig& cfg, std::string_view id);

//! Index of a named identity dimension, or -1.
int find_dimension(const ScenarioConfig& cfg, std::string_view name);

//! Set a scalar parameter by key path (`model.mu`, `powers.us.open_models`,
//! `network.border_weight`, `ticks`, `seed`).
//! @throws ConfigError if the path is unknown or the value is out of range
//!         (message carries `loc`).
void set_param(ScenarioConfig& cfg, std::string_view path, double value, const SourceLoc& loc = {});

//! Read a scalar parameter by key path. @throws ConfigError if unknown.
double get_param(const ScenarioConfig& cfg, std::string_view path);

//! Every scalar key path accepted by set_param (for "did you mean").
std::vector<std::string> param_paths(const ScenarioConfig& cfg);

}  // namespace blocsim
