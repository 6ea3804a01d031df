// Parameter registries, calendar arithmetic and key-path access to scalar
// parameters (see include/blocsim/engine/config.h).
#include "blocsim/engine/config.h"

#include <array>
#include <cmath>
#include <cstdio>

#include "blocsim/io/error.h"
#include "blocsim/output/format.h"

namespace blocsim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using M = ModelParams;
using P = PowerConfig;
using N = NetworkConfig;

//! A registry entry with its `source` (where the default comes from).
template <class Owner>
constexpr ParamSpec<Owner> with_source(ParamSpec<Owner> s, std::string_view source) {
  s.source = source;
  return s;
}

// Keep the defaults here equal to the member initialisers in config.h
// (tests/test_config.cpp checks it).
const std::array kModelParams = {
    // identity phase
    with_source(ParamSpec<M>{"mu", &M::mu, 0.05, 0, 1, false, "1/tick", "identity",
                 "peer influence rate: share of the gap to like-minded neighbours closed per tick"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 0.356 [90 % 0.0143, 0.91] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    ParamSpec<M>{"epsilon", &M::epsilon, 0.5, 0, kInf, false, "identity distance", "identity",
                 "bounded-confidence radius: neighbours farther than this exert no influence"},
    ParamSpec<M>{"kappa", &M::kappa, 0.05, 0, 10, false, "identity / grievance", "identity",
                 "push of new grievance on the grievance dimension (self-reliance)"},
    ParamSpec<M>{"identity_noise", &M::identity_noise, 0.0, 0, 1, false, "identity units", "identity",
                 "standard deviation of Gaussian identity noise per tick"},
    // courtship phase
    ParamSpec<M>{"theta", &M::theta, 1.0, 0, 10, false, "1", "courtship",
                 "absorptive-capacity exponent: open models reach a country as o_k * c_i^theta"},
    ParamSpec<M>{"gamma_grievance", &M::gamma_grievance, 0.1, 0, 10, false, "grievance/tick", "courtship",
                 "grievance added per tick by full denial (tier 2) at strictness 1"},
    ParamSpec<M>{"swing_scale", &M::swing_scale, 0.25, 1e-6, 100, false, "utility", "courtship",
                 "utility-margin scale of `swing` aid targeting (smaller = aid only to the closest calls)"},
    // choice phase
    with_source(ParamSpec<M>{"beta_identity", &M::beta_identity, 2.0, 0, 20, false, "utility", "choice",
                 "weight of identity similarity to the power"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 8.88 [90 % 4.65, 15.3] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    with_source(ParamSpec<M>{"beta_ties", &M::beta_ties, 1.0, 0, 20, false, "utility", "choice",
                 "weight of economic ties T_ik"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 1.24 [90 % 0.116, 4.4] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    ParamSpec<M>{"beta_access", &M::beta_access, 1.0, 0, 20, false, "utility", "choice",
                 "weight of technology access A_ik"},
    ParamSpec<M>{"beta_aid", &M::beta_aid, 0.5, 0, 20, false, "utility", "choice",
                 "weight of capacity-building aid received"},
    ParamSpec<M>{"beta_peer", &M::beta_peer, 0.5, 0, 20, false, "utility", "choice",
                 "weight of the share of neighbours aligned with the power"},
    ParamSpec<M>{"beta_lock", &M::beta_lock, 0.5, 0, 20, false, "utility", "choice",
                 "weight of lock-in L_ik (installed infrastructure)"},
    ParamSpec<M>{"beta_grievance", &M::beta_grievance, 0.5, 0, 20, false, "utility", "choice",
                 "weight of grievance G_ik (subtracted)"},
    with_source(ParamSpec<M>{"beta_security", &M::beta_security, 1.0, 0, 20, false, "utility", "choice",
                 "weight of security ties S_ik"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 0.293 [90 % 0.11, 1.17] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    ParamSpec<M>{"beta_inertia", &M::beta_inertia, 0.3, 0, 20, false, "utility", "choice",
                 "bonus for keeping the current alignment"},
    with_source(ParamSpec<M>{"beta_hedge", &M::beta_hedge, 1.6, -20, 20, false, "utility", "choice",
                 "base utility of staying non-aligned (hedging)"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 2.72 [90 % -0.411, 4.6] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    with_source(ParamSpec<M>{"lambda", &M::lambda, 5.0, 0, kInf, true, "1/utility", "choice",
                 "logit intensity of choice; .inf = best response"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 2.37 [90 % 0.677, 33.1] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    ParamSpec<M>{"revision_rate", &M::revision_rate, 0.25, 0, 1, false, "1/tick", "choice",
                 "probability per tick that a country reconsiders its alignment"},
    // standards phase
    ParamSpec<M>{"alpha_bloc", &M::alpha_bloc, 1.0, 0, 20, false, "utility", "standards",
                 "value of using the standards of one's own bloc"},
    ParamSpec<M>{"alpha_network", &M::alpha_network, 1.5, 0, 20, false, "utility", "standards",
                 "weight of the GDP-weighted share of neighbours on the same standard"},
    ParamSpec<M>{"alpha_lock", &M::alpha_lock, 0.5, 0, 20, false, "utility", "standards",
                 "weight of lock-in into the standard's power"},
    ParamSpec<M>{"alpha_multilateral", &M::alpha_multilateral, 2.0, 0, 20, false, "utility", "standards",
                 "weight of the multilateral identity dimension for the international standard"},
    ParamSpec<M>{"alpha_inertia", &M::alpha_inertia, 0.5, 0, 20, false, "utility", "standards",
                 "bonus for keeping the current standard"},
    ParamSpec<M>{"lambda_standards", &M::lambda_standards, 5.0, 0, kInf, true, "1/utility", "standards",
                 "logit intensity of standards choice; .inf = best response"},
    ParamSpec<M>{"revision_rate_standards", &M::revision_rate_standards, 0.15, 0, 1, false, "1/tick",
                 "standards", "probability per tick that a country reconsiders its standard"},
    // material phase
    ParamSpec<M>{"capacity_growth", &M::capacity_growth, 0.05, 0, 1, false, "1/tick", "material",
                 "rate at which capacity grows toward the accessible frontier"},
    ParamSpec<M>{"aid_capacity", &M::aid_capacity, 0.05, 0, 10, false, "capacity/aid", "material",
                 "capacity gained per unit of aid (with diminishing returns)"},
    ParamSpec<M>{"lock_decay", &M::lock_decay, 0.05, 0, 1, false, "1/tick", "material",
                 "decay rate delta_L of lock-in"},
    ParamSpec<M>{"lock_aid", &M::lock_aid, 0.02, 0, 10, false, "lock-in/aid", "material",
                 "lock-in created per unit of aid received"},
    ParamSpec<M>{"lock_adoption", &M::lock_adoption, 0.01, 0, 1, false, "lock-in/tick", "material",
                 "lock-in created per tick of using a power's standards"},
    ParamSpec<M>{"grievance_decay", &M::grievance_decay, 0.1, 0, 1, false, "1/tick", "material",
                 "decay rate delta_G of grievance"},
    ParamSpec<M>{"tie_drift", &M::tie_drift, 0.02, 0, 1, false, "1/tick", "material",
                 "rate at which economic ties drift toward the chosen bloc"},
    ParamSpec<M>{"tie_bonus", &M::tie_bonus, 0.2, 0, 1, false, "ties", "material",
                 "tie level gained toward the chosen bloc's power"},
    ParamSpec<M>{"frontier_control_drag", &M::frontier_control_drag, 0.5, 0, 1, false, "1", "material",
                 "share of frontier growth lost to rivals' export controls at strictness 1"},
    ParamSpec<M>{"frontier_open_spillover", &M::frontier_open_spillover, 0.02, 0, 1, false, "1/tick",
                 "material", "pull of a rival's open models on a power's frontier"},
    // model v2 (issue 11; docs/ODD.md §7.9). lo/hi: plausible range for sampling
    with_source(ParamSpec<M>{"beta_rivalry", &M::beta_rivalry, 2.0, 0, 20, false, "utility", "choice",
                 "utility cost per unit of rivalry R_ik of aligning with power k", 0.5, 4.0,
                 "a full rivalry (R = 1) must outweigh identity (beta_identity = 2) but not security ties plus identity"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 1.15 [90 % 0.0548, 4.18] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    ParamSpec<M>{"beta_threat", &M::beta_threat, 0.5, 0, 20, false, "utility", "choice",
                 "balance of threat: utility of aligning with the rivals of a power one is in rivalry with", 0.0, 1.5,
                 "Walt (1987): threatened states balance; kept below beta_rivalry so hedging stays open"},
    with_source(ParamSpec<M>{"hedge_sovereignty", &M::hedge_sovereignty, 0.5, 0, 20, false, "utility", "choice",
                 "hedge utility per unit of the sovereignty identity dimension", 0.0, 2.0,
                 "halved (issue 11) from 1.0, set on the synthetic world: on the real-data world 1.0 made ~70 % of countries non-aligned; sovereignty spans 0.3-0.95, so up to ~0.3 utility"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 0.898 [90 % 0.157, 1.85] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    with_source(ParamSpec<M>{"hedge_evenness", &M::hedge_evenness, 0.4, 0, 20, false, "utility", "choice",
                 "hedge utility of evenly split economic ties (E_i = 1 - normalised spread of T_ik)", 0.0, 2.0,
                 "even dependence on both powers makes choosing costly (Kuik 2008); halved (issue 11) from 0.8 with the other hedge weights for the real-data world"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 1.05 [90 % 0.0807, 1.9] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    with_source(ParamSpec<M>{"hedge_group", &M::hedge_group, 0.3, 0, 20, false, "utility", "choice",
                 "hedge utility of membership in a hedge group (model.hedge_groups, e.g. NAM)", 0.0, 1.5,
                 "a stated non-alignment doctrine; halved (issue 11) from 0.6 with the other hedge weights for the real-data world"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 0.944 [90 % 0.0616, 1.95] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    with_source(ParamSpec<M>{"multi_alignment", &M::multi_alignment, 0.5, 0, 1, false, "1", "choice",
                 "share of the best offer (rather than the mean) a hedger obtains by taking from both", 0.0, 1.0,
                 "0 = hedgers get the mean offer (v1), 1 = they get the best offer of every power"},
                "set by hand, face-validity checked (docs/ODD.md section 7); hindcast_2018 posterior median 0.487 [90 % 0.0451, 0.907] (2026-12-02) NOT adopted: it fails the face-validity suite (docs/ODD.md section 10)"),
    ParamSpec<M>{"aid_half", &M::aid_half, 0.5, 1e-6, 100, false, "aid/tick", "choice",
                 "aid at which its utility reaches half of beta_aid (saturating inducement)", 0.2, 2.0,
                 "diminishing returns: the base budgets (0.3) sit below half-saturation"},
    ParamSpec<M>{"aid_cap", &M::aid_cap, 4.0, 1, 1000, false, "1", "courtship",
                 "maximum aid a country receives, as a multiple of the power's mean aid B_k", 2.0, 10.0,
                 "no country absorbs more than a few times the average (excess is re-spent on the others)"},
    ParamSpec<M>{"beta_open", &M::beta_open, 1.0, 0, 20, false, "utility", "choice",
                 "utility weight of the open-weight value O_ik", 0.3, 2.0, "open weights are worth about as much as access"},
    ParamSpec<M>{"open_denial", &M::open_denial, 1.0, 0, 10, false, "1", "courtship",
                 "extra open-weight value in proportion to the closed access any power denies the country", 0.0, 2.0,
                 "open weights are the substitute for denied closed models"},
    ParamSpec<M>{"open_sovereignty", &M::open_sovereignty, 1.0, 0, 10, false, "1", "courtship",
                 "extra open-weight value per unit of sovereignty (weights can run locally)", 0.0, 2.0,
                 "local deployment matters more to sovereigntist states"},
    ParamSpec<M>{"open_capacity", &M::open_capacity, 0.02, 0, 1, false, "1/tick", "material",
                 "capacity growth per tick from usable open weights", 0.0, 0.05,
                 "below capacity_growth: open weights help, but less than frontier access"},
    ParamSpec<M>{"alpha_open", &M::alpha_open, 0.5, 0, 20, false, "utility", "standards",
                 "pull of a power's open-weight ecosystem on adoption of its standard", 0.0, 1.5,
                 "ecosystems pull standards (model formats, toolchains); below alpha_bloc"},
    ParamSpec<M>{"alpha_rivalry", &M::alpha_rivalry, 1.0, 0, 20, false, "utility", "standards",
                 "cost per unit of rivalry of adopting that power's standard", 0.0, 2.0,
                 "rivals avoid each other's stacks (e.g. India's 2020 app bans)"},
    ParamSpec<M>{"alpha_threshold", &M::alpha_threshold, 1.0, 0, 20, false, "utility", "standards",
                 "scale of the heterogeneous adoption threshold of a power's standard", 0.25, 2.0,
                 "spread of thresholds comparable to the network term, so effort tips countries one by one"},
    ParamSpec<M>{"effort_flat", &M::effort_flat, 0.0, 0, 10, false, "1", "standards",
                 "share of standards effort that reaches every country alike (1 with the others 0 = v1 flat bonus)", 0.0, 0.3,
                 "v1 made all effort flat, which tipped every country at once; kept for the docking reduction"},
    ParamSpec<M>{"effort_ties", &M::effort_ties, 0.5, 0, 10, false, "1", "standards",
                 "weight of economic ties in the reach of standards diplomacy", 0.2, 1.0,
                 "diplomacy travels through trade relations"},
    ParamSpec<M>{"effort_bodies", &M::effort_bodies, 0.3, 0, 10, false, "1", "standards",
                 "weight of membership of the power's standards fora in the reach of its diplomacy", 0.1, 1.0,
                 "effort acts through shared standards bodies"},
    ParamSpec<M>{"effort_capacity", &M::effort_capacity, 0.2, 0, 10, false, "1", "standards",
                 "weight of capacity in the reach of standards diplomacy", 0.0, 0.5,
                 "adopting a standard needs the capacity to implement it"},
    ParamSpec<M>{"identity_anchor", &M::identity_anchor, 0.05, 0, 1, false, "1/tick", "identity",
                 "restoring force toward the observed identity profile", 0.01, 0.15,
                 "equal to mu: influence and anchoring balance, so identities move but stay near the data"},
    ParamSpec<M>{"alignment_feedback", &M::alignment_feedback, 0.01, 0, 1, false, "1/tick", "identity",
                 "pull of the chosen bloc's power identity on a country's identity", 0.0, 0.03,
                 "slow socialisation into a bloc (a fifth of the anchor)"},
    // record phase
    ParamSpec<M>{"polarization_alpha", &M::polarization_alpha, 1.6, 0, 1.6, false, "1", "record",
                 "Esteban-Ray polarization sensitivity alpha"},
};

const std::array kPowerParams = {
    ParamSpec<P>{"frontier", &P::frontier, 1.0, 1e-6, 1e6, false, "capability", "power",
                 "frontier AI capability f_k at tick 0 (only ratios between powers matter)"},
    ParamSpec<P>{"frontier_growth", &P::frontier_growth, 0.03, 0, 1, false, "1/tick", "power",
                 "frontier growth rate g_k per tick"},
    ParamSpec<P>{"narrative_radius", &P::narrative_radius, 0.6, 0, kInf, false, "identity distance", "power",
                 "narrative reaches countries whose identity is closer than this"},
    ParamSpec<P>{"export_controls.strictness", &P::strictness, 0.0, 0, 1, false, "1", "levers",
                 "export-control strictness sigma_k (tier 2 at strictness 1 = full denial)"},
    ParamSpec<P>{"open_models", &P::open_models, 0.0, 0, 1, false, "1", "levers",
                 "openness o_k of the power's models (open weights reach everyone)"},
    ParamSpec<P>{"capacity_building.budget", &P::aid_budget, 0.0, 0, 100, false, "aid/country/tick",
                 "levers", "capacity-building budget B_k, mean aid per country per tick"},
    ParamSpec<P>{"standards_diplomacy", &P::standards_effort, 0.0, 0, 20, false, "utility", "levers",
                 "standards effort e_k added to the utility of the power's standard"},
    ParamSpec<P>{"narrative", &P::narrative, 0.0, 0, 1, false, "1/tick", "levers",
                 "narrative strength nu_k: pull of identities toward the power's per tick"},
    ParamSpec<P>{"alliance_pressure", &P::alliance_pressure, 0.0, 0, 20, false, "utility", "levers",
                 "cost pi_k imposed on the power's security partners for siding with a rival"},
};

const std::array kNetworkParams = {
    ParamSpec<N>{"border_weight", &N::border_weight, 1.0, 0, kInf, false, "tie weight", "network",
                 "weight of a shared land border"},
    ParamSpec<N>{"group_weight", &N::group_weight, 0.25, 0, kInf, false, "tie weight", "network",
                 "weight added per shared group membership"},
    ParamSpec<N>{"trade_weight", &N::trade_weight, 0.5, 0, kInf, false, "tie weight", "network",
                 "multiplier of trade-edge weights"},
    ParamSpec<N>{"edge_weight", &N::edge_weight, 1.0, 0, kInf, false, "tie weight", "network",
                 "multiplier of custom edge weights"},
};

int step_months(CalendarStep s) {
  switch (s) {
    case CalendarStep::month: return 1;
    case CalendarStep::quarter: return 3;
    case CalendarStep::year: return 12;
  }
  return 1;
}

int floor_div(int a, int b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string fmt_num(double v) { return format_short(v); }

template <class Owner>
const ParamSpec<Owner>* find_spec(std::span<const ParamSpec<Owner>> specs, std::string_view key) {
  for (const auto& s : specs)
    if (s.key == key) return &s;
  return nullptr;
}

// Extra integer/scalar keys reachable by path (beyond the three registries).
struct ExtraSpec {
  std::string_view path;
  double min, max;
  bool integer;
};
const std::array kExtraParams = {
    ExtraSpec{"ticks", 1, 1e6, true},
    ExtraSpec{"seed", 0, 9007199254740992.0, true},  // 2^53: exact in a double
    ExtraSpec{"initial.equilibrium_iterations", 1, 1e6, true},
    ExtraSpec{"outputs.countries", 0, 1, true},
    ExtraSpec{"outputs.countries_every", 1, 1e6, true},
    ExtraSpec{"world.synthetic.countries", 2, 1e9, true},
    ExtraSpec{"world.synthetic.degree", 0, 1e6, false},
    ExtraSpec{"world.synthetic.rewire", 0, 1, false},
};
// Per-power extras, relative to `powers.<id>.`.
const std::array kPowerExtraParams = {
    ExtraSpec{"export_controls.tiers.default", 0, 2, true},
    ExtraSpec{"ties.default_trade", 0, 1, false},
    ExtraSpec{"ties.default_security", 0, 1, false},
};

// The double a path refers to, or nullptr. `spec_out` gets the range.
struct Target {
  double* dbl = nullptr;        // registry field
  const ExtraSpec* extra = nullptr;
  double min = 0, max = 0;
  bool allow_inf = false, integer = false;
  bool found = false;
};

Target resolve(ScenarioConfig& cfg, std::string_view path) {
  Target t;
  auto take = [&](auto* spec, double* field) {
    t.dbl = field;
    t.min = spec->min;
    t.max = spec->max;
    t.allow_inf = spec->allow_inf;
    t.found = true;
  };
  if (path.starts_with("model.")) {
    if (auto* s = find_spec(model_params(), path.substr(6))) take(s, &(cfg.model.*(s->field)));
  } else if (path.starts_with("network.")) {
    if (auto* s = find_spec(network_params(), path.substr(8))) take(s, &(cfg.network.*(s->field)));
  } else if (path.starts_with("powers.")) {
    const std::string_view rest = path.substr(7);
    const auto dot = rest.find('.');
    if (dot == std::string_view::npos) return t;
    const int k = find_power(cfg, rest.substr(0, dot));
    if (k < 0) return t;
    const std::string_view key = rest.substr(dot + 1);
    if (auto* s = find_spec(power_params(), key)) {
      take(s, &(cfg.powers[k].*(s->field)));
    } else {
      for (const auto& e : kPowerExtraParams)
        if (e.path == key) {
          t.extra = &e;
          t.min = e.min;
          t.max = e.max;
          t.integer = e.integer;
          t.found = true;
        }
    }
  } else {
    for (const auto& e : kExtraParams)
      if (e.path == path) {
        t.extra = &e;
        t.min = e.min;
        t.max = e.max;
        t.integer = e.integer;
        t.found = true;
      }
  }
  return t;
}

[[noreturn]] void unknown_path(const ScenarioConfig& cfg, std::string_view path, const SourceLoc& loc) {
  std::string msg = "unknown parameter '" + std::string(path) + "'";
  const std::string hint = did_you_mean(std::string(path), param_paths(cfg));
  if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
  throw ConfigError(loc, std::string(path), msg);
}

}  // namespace

std::span<const ParamSpec<ModelParams>> model_params() { return kModelParams; }
std::span<const ParamSpec<PowerConfig>> power_params() { return kPowerParams; }
std::span<const ParamSpec<NetworkConfig>> network_params() { return kNetworkParams; }

std::string tick_date(const Calendar& cal, int tick) {
  const int months = (cal.start_year * 12 + cal.start_month - 1) + tick * step_months(cal.step);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", floor_div(months, 12), months - 12 * floor_div(months, 12) + 1);
  return buf;
}

std::optional<int> date_tick(const Calendar& cal, std::string_view date) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (date.size() != 7 || date[4] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6})
    if (!digit(date[i])) return std::nullopt;
  const int year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
  const int month = (date[5] - '0') * 10 + (date[6] - '0');
  if (month < 1 || month > 12) return std::nullopt;
  const int diff = (year * 12 + month - 1) - (cal.start_year * 12 + cal.start_month - 1);
  const int step = step_months(cal.step);
  if (diff % step != 0) return std::nullopt;
  return diff / step;
}

int find_power(const ScenarioConfig& cfg, std::string_view id) {
  for (std::size_t k = 0; k < cfg.powers.size(); ++k)
    if (cfg.powers[k].id == id) return static_cast<int>(k);
  return -1;
}

int find_dimension(const ScenarioConfig& cfg, std::string_view name) {
  for (std::size_t d = 0; d < cfg.dimensions.size(); ++d)
    if (cfg.dimensions[d] == name) return static_cast<int>(d);
  return -1;
}

void set_param(ScenarioConfig& cfg, std::string_view path, double value, const SourceLoc& loc) {
  Target t = resolve(cfg, path);
  if (!t.found) unknown_path(cfg, path, loc);
  const std::string key(path);
  if (std::isnan(value)) throw ConfigError(loc, key, "NaN is not allowed");
  if (std::isinf(value) && !(t.allow_inf && value > 0)) {
    throw ConfigError(loc, key, "infinity is not allowed (only model.lambda and model.lambda_standards accept .inf)");
  }
  if (t.integer && value != std::floor(value)) {
    throw ConfigError(loc, key, "expected an integer, got " + fmt_num(value));
  }
  if (value < t.min || (value > t.max && !std::isinf(value))) {
    const std::string hi = std::isinf(t.max) ? (t.allow_inf ? "+inf]" : "+inf)") : fmt_num(t.max) + "]";
    throw ConfigError(loc, key, "out of range: " + fmt_num(value) + " is not in [" + fmt_num(t.min) + ", " + hi);
  }
  if (t.dbl) {
    *t.dbl = value;
    return;
  }
  // extras
  if (path == "ticks") cfg.ticks = static_cast<int>(value);
  else if (path == "seed") cfg.seed = static_cast<std::uint64_t>(value);
  else if (path == "initial.equilibrium_iterations") cfg.initial.equilibrium_iterations = static_cast<int>(value);
  else if (path == "outputs.countries") cfg.outputs.countries = value != 0;
  else if (path == "outputs.countries_every") cfg.outputs.countries_every = static_cast<int>(value);
  else if (path.starts_with("world.synthetic.")) {
    if (!cfg.world.synthetic) {
      throw ConfigError(loc, key, "the world is not synthetic (no world.synthetic section)");
    }
    if (path == "world.synthetic.countries") cfg.world.synthetic->countries = static_cast<std::int64_t>(value);
    else if (path == "world.synthetic.degree") cfg.world.synthetic->degree = value;
    else cfg.world.synthetic->rewire = value;
  } else {  // powers.<id>.<extra>
    const std::string_view rest = path.substr(7);
    const auto dot = rest.find('.');
    PowerConfig& p = cfg.powers[find_power(cfg, rest.substr(0, dot))];
    const std::string_view k = rest.substr(dot + 1);
    if (k == "export_controls.tiers.default") p.tiers.default_tier = static_cast<int>(value);
    else if (k == "ties.default_trade") p.default_trade = value;
    else p.default_security = value;
  }
}

double get_param(const ScenarioConfig& cfg, std::string_view path) {
  // resolve() needs a mutable config only to hand out field pointers.
  Target t = resolve(const_cast<ScenarioConfig&>(cfg), path);
  if (!t.found) unknown_path(cfg, path, {});
  if (t.dbl) return *t.dbl;
  if (path == "ticks") return cfg.ticks;
  if (path == "seed") return static_cast<double>(cfg.seed);
  if (path == "initial.equilibrium_iterations") return cfg.initial.equilibrium_iterations;
  if (path == "outputs.countries") return cfg.outputs.countries ? 1 : 0;
  if (path == "outputs.countries_every") return cfg.outputs.countries_every;
  if (path.starts_with("world.synthetic.")) {
    if (!cfg.world.synthetic) throw ConfigError(SourceLoc{}, std::string(path), "the world is not synthetic");
    if (path == "world.synthetic.countries") return static_cast<double>(cfg.world.synthetic->countries);
    if (path == "world.synthetic.degree") return cfg.world.synthetic->degree;
    return cfg.world.synthetic->rewire;
  }
  const std::string_view rest = path.substr(7);
  const auto dot = rest.find('.');
  const PowerConfig& p = cfg.powers[find_power(cfg, rest.substr(0, dot))];
  const std::string_view k = rest.substr(dot + 1);
  if (k == "export_controls.tiers.default") return p.tiers.default_tier;
  if (k == "ties.default_trade") {
    if (!p.default_trade) throw ConfigError(SourceLoc{}, std::string(path), "not set (the trade column is used)");
    return *p.default_trade;
  }
  if (!p.default_security) throw ConfigError(SourceLoc{}, std::string(path), "not set (the security column is used)");
  return *p.default_security;
}

std::vector<std::string> param_paths(const ScenarioConfig& cfg) {
  std::vector<std::string> out;
  for (const auto& e : kExtraParams) {
    if (e.path.starts_with("world.synthetic.") && !cfg.world.synthetic) continue;
    out.emplace_back(e.path);
  }
  for (const auto& s : model_params()) out.push_back("model." + std::string(s.key));
  for (const auto& p : cfg.powers) {
    for (const auto& s : power_params()) out.push_back("powers." + p.id + "." + std::string(s.key));
    for (const auto& e : kPowerExtraParams) out.push_back("powers." + p.id + "." + std::string(e.path));
  }
  for (const auto& s : network_params()) out.push_back("network." + std::string(s.key));
  return out;
}

}  // namespace blocsim
