// Scenario validation: ranges and cross references of a parsed ScenarioConfig,
// located with the positions the parser recorded (or unlocated for configs
// built in code).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "blocsim/engine/world.h"
#include "input/scenario_detail.h"

namespace blocsim::scenario_detail {

namespace {

class Validator {
 public:
  Validator(const ScenarioConfig& cfg, const SourceInfo* info) : cfg_(cfg), info_(info) {
    for (std::size_t i = 0; i < cfg.world.countries.size(); ++i) {
      iso_.emplace(cfg.world.countries[i].iso3, i);
      iso_list_.push_back(cfg.world.countries[i].iso3);
    }
    for (const auto& g : cfg.world.groups) group_list_.push_back(g.id);
    for (const auto& p : cfg.powers) power_list_.push_back(p.id);
  }

  std::vector<Diagnostic> run() {
    check_top();
    check_model();
    check_network();
    check_powers();
    check_world();
    check_initial();
    check_timeline();
    return std::move(diags_);
  }

 private:
  const ScenarioConfig& cfg_;
  const SourceInfo* info_;
  std::vector<Diagnostic> diags_;
  std::map<std::string, std::size_t> iso_;
  Keys iso_list_, group_list_, power_list_;

  SourceLoc loc(const std::string& path, const SourceLoc& fallback = {}) const {
    if (info_) {
      for (std::string p = path; !p.empty(); p = parent_path(p)) {
        if (auto l = info_->locs.find(p)) return *l;
      }
      if (!fallback.file.empty()) return fallback;
      return info_->file;
    }
    if (!fallback.file.empty()) return fallback;
    return SourceLoc{cfg_.path, 0, 0};
  }
  bool reported(const std::string& path) const {
    if (!info_) return false;
    for (std::string p = path; !p.empty(); p = parent_path(p))
      if (info_->reported.count(p)) return true;
    return false;
  }
  void add(const std::string& path, const std::string& msg, const SourceLoc& fallback = {}) {
    if (reported(path)) return;
    diags_.push_back(Diagnostic{loc(path, fallback), path, msg});
  }

  static constexpr double kInf = std::numeric_limits<double>::infinity();
  //! Whether value() would accept v (it reports nothing then): loops over
  //! many values test this first and build a value's path only to report it.
  static bool value_ok(double v, double lo, double hi, bool allow_inf) {
    if (std::isnan(v)) return false;
    if (std::isinf(v)) return allow_inf && v > 0;  // +inf where allowed is in range
    return !(v < lo || v > hi);
  }
  void value(const std::string& path, double v, double lo, double hi, bool allow_inf, const SourceLoc& fb = {}) {
    if (value_ok(v, lo, hi, allow_inf)) return;
    if (std::isnan(v)) {
      add(path, "NaN is not allowed", fb);
    } else if (std::isinf(v) && !(allow_inf && v > 0)) {
      add(path, "infinity is not allowed (only model.lambda and model.lambda_standards accept .inf)", fb);
    } else if (v < lo || (v > hi && !std::isinf(v))) {
      add(path,
          check::out_of_range(short_num(v), short_num(lo), std::isinf(hi) ? "+inf" : short_num(hi), false,
                              std::isinf(hi) && !allow_inf),
          fb);
    }
  }

  std::string country_path(std::size_t i) const {
    if (info_ && i < info_->country_paths.size()) return info_->country_paths[i];
    return "world.countries[" + std::to_string(i) + "]";
  }
  std::string event_path(std::size_t i) const {
    if (info_ && i < info_->event_paths.size()) return info_->event_paths[i];
    return "timeline[" + std::to_string(i) + "]";
  }

  void country_ref(const std::string& path, const std::string& iso, const SourceLoc& fb = {}) {
    if (iso_.count(iso) || reported("world.countries")) return;
    if (cfg_.world.synthetic) {
      add(path, "unknown country '" + iso + "' (a synthetic world has no ISO3 codes)", fb);
      return;
    }
    add(path, "unknown country '" + iso + "'" + iso_hint(iso), fb);
  }
  //! For 3-letter codes an edit distance of 2 is noise: suggest only codes
  //! one substitution or one swap of neighbours away (USB → USA, IDN → IND).
  std::string iso_hint(const std::string& iso) const {
    if (iso.size() != 3) return hint(iso, iso_list_);
    for (const auto& c : iso_list_) {
      if (c.size() != 3) continue;
      int diff = 0;
      for (int i = 0; i < 3; ++i) diff += c[i] != iso[i];
      const bool swap = (c[0] == iso[1] && c[1] == iso[0] && c[2] == iso[2]) ||
                        (c[0] == iso[0] && c[1] == iso[2] && c[2] == iso[1]);
      if (diff == 1 || swap) return " (did you mean '" + c + "'?)";
    }
    return "";
  }
  void group_ref(const std::string& path, const std::string& id, const SourceLoc& fb = {}) {
    if (std::find(group_list_.begin(), group_list_.end(), id) != group_list_.end()) return;
    add(path, check::unknown("group", id, group_list_), fb);
  }
  bool power_ref(const std::string& path, const std::string& id, const SourceLoc& fb = {}) {
    if (find_power(cfg_, id) >= 0) return true;
    add(path, check::unknown("power", id, power_list_) + "; powers are: " + join(power_list_), fb);
    return false;
  }

  void check_top() {
    const auto& dims = cfg_.dimensions;
    if (dims.empty()) add("dimensions", "at least one identity dimension is required");
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const std::string k = "dimensions[" + std::to_string(d) + "]";
      if (dims[d].empty()) add(k, "empty dimension name");
      for (std::size_t e = 0; e < d; ++e)
        if (dims[e] == dims[d]) add(k, "duplicate dimension '" + dims[d] + "'");
    }
    if (cfg_.ticks < 1) add("ticks", check::out_of_range(std::to_string(cfg_.ticks), "1", "1000000"));
    if (cfg_.calendar.start_month < 1 || cfg_.calendar.start_month > 12)
      add("calendar.start", "month must be in 1..12, got " + std::to_string(cfg_.calendar.start_month));
    if (cfg_.outputs.countries_every < 1)
      add("outputs.countries_every", check::out_of_range(std::to_string(cfg_.outputs.countries_every), "1", "1000000"));
    if (cfg_.initial.equilibrium_iterations < 1)
      add("initial.equilibrium_iterations",
          check::out_of_range(std::to_string(cfg_.initial.equilibrium_iterations), "1", "1000000"));
  }

  void check_dimension_name(const std::string& path, const std::string& name) {
    if (name.empty() || find_dimension(cfg_, name) >= 0 || cfg_.dimensions.empty()) return;
    // The built-in defaults mean "none" in a world without such a dimension,
    // unless the scenario names them explicitly.
    const ModelParams defaults;
    const bool is_default = name == defaults.grievance_dimension || name == defaults.multilateral_dimension ||
                            name == defaults.sovereignty_dimension;
    const bool explicit_key = info_ && info_->locs.contains(path);
    if (is_default && !explicit_key) return;
    add(path, check::unknown("dimension", name, cfg_.dimensions) + "; set " + path +
                  " to one of " + join(cfg_.dimensions) + " (or \"\" for none)");
  }

  void check_model() {
    for (const auto& s : model_params())
      value("model." + std::string(s.key), cfg_.model.*(s.field), s.min, s.max, s.allow_inf);
    check_dimension_name("model.grievance_dimension", cfg_.model.grievance_dimension);
    check_dimension_name("model.multilateral_dimension", cfg_.model.multilateral_dimension);
    check_dimension_name("model.sovereignty_dimension", cfg_.model.sovereignty_dimension);
    for (std::size_t g = 0; g < cfg_.model.hedge_groups.size(); ++g)
      group_ref("model.hedge_groups[" + std::to_string(g) + "]", cfg_.model.hedge_groups[g]);
  }

  void check_network() {
    for (const auto& s : network_params())
      value("network." + std::string(s.key), cfg_.network.*(s.field), s.min, s.max, s.allow_inf);
    for (std::size_t i = 0; i < cfg_.network.groups.size(); ++i)
      group_ref("network.groups[" + std::to_string(i) + "]", cfg_.network.groups[i]);
  }

  void check_tiers(const TierSpec& t, const std::string& key) {
    if (t.default_tier < 0 || t.default_tier > 2)
      add(key + ".default", "out of range: " + std::to_string(t.default_tier) + " is not a tier (0, 1 or 2)");
    for (const auto& [g, tier] : t.groups) {
      group_ref(key + ".groups." + g, g);
      if (tier < 0 || tier > 2) add(key + ".groups." + g, "out of range: " + std::to_string(tier) + " is not a tier (0, 1 or 2)");
    }
    for (const auto& [c, tier] : t.countries) {
      country_ref(key + ".countries." + c, c);
      if (tier < 0 || tier > 2)
        add(key + ".countries." + c, "out of range: " + std::to_string(tier) + " is not a tier (0, 1 or 2)");
    }
  }

  void check_powers() {
    if (cfg_.powers.empty()) add("powers", "at least one power is required");
    const std::size_t D = cfg_.dimensions.size();
    const bool check_len = D > 0 && !reported("dimensions");
    std::map<std::string, std::size_t> seen, homes;
    for (std::size_t k = 0; k < cfg_.powers.size(); ++k) {
      const PowerConfig& p = cfg_.powers[k];
      const std::string key = "powers[" + std::to_string(k) + "]";
      if (p.id.empty()) {
        add(key + ".id", "missing power id");
      } else if (!is_power_id(p.id)) {
        add(key + ".id", "'" + p.id + "' is not a valid power id (lower-case letters, digits and '_', starting with a letter)");
      } else if (p.id == "nonaligned") {
        add(key + ".id", "'nonaligned' is reserved for the non-aligned bloc");
      } else if (auto it = seen.find(p.id); it != seen.end()) {
        const std::string first = "powers[" + std::to_string(it->second) + "]";
        add(key + ".id", "duplicate power id '" + p.id + "' (first at " + first + ", " + loc_text(loc(first + ".id")) + ")");
      } else {
        seen.emplace(p.id, k);
      }
      if (check_len && !reported(key + ".identity")) {
        if (p.identity.size() != D) {
          add(key + ".identity", "expected " + std::to_string(D) + " values (one per dimension), got " +
                                     std::to_string(p.identity.size()));
        } else {
          for (std::size_t d = 0; d < D; ++d)
            value(key + ".identity[" + std::to_string(d) + "]", p.identity[d], 0, 1, false);
        }
      }
      for (const auto& s : power_params()) value(key + "." + std::string(s.key), p.*(s.field), s.min, s.max, s.allow_inf);
      check_tiers(p.tiers, key + ".export_controls.tiers");
      if (!p.home.empty()) {
        country_ref(key + ".home", p.home);
        if (auto it = homes.find(p.home); it != homes.end())
          add(key + ".home", "'" + p.home + "' is already the home of powers[" + std::to_string(it->second) + "]");
        else homes.emplace(p.home, k);
      }
      if (p.trade_column.empty()) add(key + ".ties.trade_column", "empty column name");
      if (p.security_column.empty()) add(key + ".ties.security_column", "empty column name");
      if (p.default_trade) value(key + ".ties.default_trade", *p.default_trade, 0, 1, false);
      if (p.default_security) value(key + ".ties.default_security", *p.default_security, 0, 1, false);
      for (std::size_t g = 0; g < p.security_groups.size(); ++g)
        group_ref(key + ".ties.security_groups[" + std::to_string(g) + "]", p.security_groups[g]);
      for (std::size_t g = 0; g < p.standards_groups.size(); ++g)
        group_ref(key + ".standards_groups[" + std::to_string(g) + "]", p.standards_groups[g]);
      for (const auto& [iso, v] : p.rivalries) {
        country_ref(key + ".rivalries." + iso, iso);
        value(key + ".rivalries." + iso, v, 0, 1, false);
      }
      std::set<std::string> names;
      for (std::size_t j = 0; j < p.reactions.size(); ++j) check_reaction(p.reactions[j], key + ".reactions[" + std::to_string(j) + "]", names);
    }
  }

  void check_reaction(const ReactiveRule& r, const std::string& key, std::set<std::string>& names) {
    static const Keys kGlobal = {"frontier_gap",        "own_bloc_count",      "own_bloc_gdp",     "own_bloc_pop",
                                 "rival_bloc_count",    "rival_bloc_gdp",      "rival_bloc_pop",   "own_standard_count",
                                 "own_standard_gdp",    "rival_standard_count", "rival_standard_gdp"};
    const SourceLoc fb = r.loc;
    if (r.name.empty()) add(key + ".name", "empty rule name", fb);
    else if (!names.insert(r.name).second) add(key + ".name", "duplicate rule name '" + r.name + "'", fb);
    const bool per_country = r.signal == "margin";
    if (!reported(key + ".when")) {
      Keys all = kGlobal;
      all.push_back("margin");
      if (r.signal.empty()) add(key + ".when.signal", "missing signal (one of " + join(all) + ")", fb);
      else if (!per_country && std::find(kGlobal.begin(), kGlobal.end(), r.signal) == kGlobal.end())
        add(key + ".when.signal", check::unknown("signal", r.signal, all) + "; expected one of " + join(all), fb);
      if (!r.below && !r.above) add(key + ".when", "give a threshold: 'below', 'above' or both", fb);
      if (r.below) value(key + ".when.below", *r.below, -1e6, 1e6, false, fb);
      if (r.above) value(key + ".when.above", *r.above, -1e6, 1e6, false, fb);
      if (r.below && r.above && *r.above >= *r.below)
        add(key + ".when", "'above' (" + short_num(*r.above) + ") must be less than 'below' (" + short_num(*r.below) + ")", fb);
    }
    if (r.cooldown < 0) add(key + ".cooldown", check::out_of_range(std::to_string(r.cooldown), "0", "1000000000"), fb);
    if (r.max_firings < -1) add(key + ".max_firings", "out of range: must be -1 (unlimited) or >= 0", fb);
    if (reported(key + ".then")) return;
    const std::string tk = key + ".then";
    if (per_country) {
      if (!r.set.empty() || r.to || r.by || r.limit)
        add(tk, "the per-country signal 'margin' takes a country action: 'aid' and 'budget' (not set/to/by/limit)", fb);
      if (!(r.aid > 0.0)) add(tk + ".aid", "expected aid > 0 per matched country per tick", fb);
      else value(tk + ".aid", r.aid, 0, 100, false, fb);
      if (!(r.budget > 0.0)) add(tk + ".budget", "expected budget > 0 (aid per tick available to the rule)", fb);
      else value(tk + ".budget", r.budget, 0, 1e6, false, fb);
      return;
    }
    if (r.aid != 0.0 || r.budget != 0.0)
      add(tk, "'aid' and 'budget' need the per-country signal 'margin'; a global signal takes 'set' with 'to' or 'by'", fb);
    const ParamSpec<PowerConfig>* spec = nullptr;
    for (const auto& s : power_params())
      if (s.key == r.set) spec = &s;
    Keys levers;
    for (const auto& s : power_params()) levers.emplace_back(s.key);
    if (r.set.empty()) {
      add(tk + ".set", "missing 'set' (the lever to change, one of " + join(levers) + ")", fb);
      return;
    }
    if (!spec) {
      add(tk + ".set", check::unknown("lever", r.set, levers) + "; expected one of " + join(levers), fb);
      return;
    }
    if (r.to.has_value() == r.by.has_value()) add(tk, "give exactly one of 'to' (new value) or 'by' (increment)", fb);
    if (r.to) value(tk + ".to", *r.to, spec->min, spec->max, false, fb);
    if (r.by) value(tk + ".by", *r.by, -(spec->max - spec->min), spec->max - spec->min, false, fb);
    if (r.limit) value(tk + ".limit", *r.limit, spec->min, spec->max, false, fb);
  }

  void check_edges(const std::vector<Edge>& edges, const char* name, const std::vector<EdgeRef>* refs) {
    const std::string list = std::string("world.") + name;
    for (std::size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      // the checks below, without building the edge's path when none fails
      if (iso_.count(e.a) && iso_.count(e.b) && e.a != e.b && value_ok(e.weight, 0, kInf, false)) continue;
      const std::string key =
          (refs && i < refs->size()) ? edge_path(list, (*refs)[i]) : list + "[" + std::to_string(i) + "]";
      country_ref(key + ".iso3_a", e.a);
      country_ref(key + ".iso3_b", e.b);
      if (e.a == e.b) add(key, "an edge from '" + e.a + "' to itself");
      value(key + ".weight", e.weight, 0, kInf, false);
    }
  }

  void check_world() {
    const WorldConfig& w = cfg_.world;
    if (w.synthetic) {
      const SyntheticWorld& s = *w.synthetic;
      if (s.countries < 2 || s.countries > 1000000000)
        add("world.synthetic.countries", check::out_of_range(std::to_string(s.countries), "2", "1000000000"));
      value("world.synthetic.degree", s.degree, 0, s.countries >= 2 ? static_cast<double>(s.countries - 1) : 1e9, false);
      value("world.synthetic.rewire", s.rewire, 0, 1, false);
      if (s.countries >= 2 && s.countries <= 1000000000 && s.degree >= 0 && s.degree <= static_cast<double>(s.countries - 1))
        if (const std::string why = synthetic_world_problem(s.countries, s.degree, static_cast<int>(cfg_.dimensions.size()),
                                                            static_cast<int>(cfg_.powers.size()));
            !why.empty())
          add("world.synthetic.countries", why);
      return;
    }
    if (w.countries.empty() && !reported("world.countries")) add("world.countries", "no countries");
    const std::size_t D = cfg_.dimensions.size();
    const bool check_len = D > 0 && !reported("dimensions");
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < w.countries.size(); ++i) {
      const CountryRow& r = w.countries[i];
      const std::string key = country_path(i);
      const SourceLoc fb = r.loc;
      if (!is_iso3(r.iso3)) {
        add(key + ".iso3", "'" + r.iso3 + "' is not an ISO3 code (three upper-case letters)", fb);
      } else if (auto it = first.find(r.iso3); it != first.end()) {
        const CountryRow& f = w.countries[it->second];
        add(key + ".iso3", "duplicate country '" + r.iso3 + "' (first at " + country_path(it->second) + ", " +
                               loc_text(f.loc) + ")", fb);
      } else {
        first.emplace(r.iso3, i);
      }
      // Each value's path is built only to report it (value_ok first): the
      // default world has ~3,900 checked values (issue 14, round 21).
      if (!value_ok(r.gdp, 1e-12, kInf, false)) value(key + ".gdp", r.gdp, 1e-12, kInf, false, fb);
      if (!value_ok(r.pop, 1e-12, kInf, false)) value(key + ".pop", r.pop, 1e-12, kInf, false, fb);
      if (!value_ok(r.capacity, 0, 1, false)) value(key + ".capacity", r.capacity, 0, 1, false, fb);
      const bool identity_ok = r.identity.size() == D && std::all_of(r.identity.begin(), r.identity.end(),
                                                                     [](double x) { return value_ok(x, 0, 1, false); });
      if (check_len && !identity_ok && !reported(key + ".identity")) {
        if (r.identity.size() != D) {
          add(key + ".identity",
              "expected " + std::to_string(D) + " values (one per dimension), got " + std::to_string(r.identity.size()), fb);
        } else {
          for (std::size_t d = 0; d < D; ++d) {
            if (value_ok(r.identity[d], 0, 1, false)) continue;
            const std::string dk = (info_ && key.find("[row ") != std::string::npos) ? key + "." + cfg_.dimensions[d]
                                                                                     : key + ".identity[" + std::to_string(d) + "]";
            value(dk, r.identity[d], 0, 1, false, fb);
          }
        }
      }
      auto ties = [&](const std::map<std::string, double>& m, const char* what, bool is_trade) {
        if (cfg_.powers.empty()) return;  // already reported
        for (const auto& [pid, x] : m) {
          if (value_ok(x, 0, 1, false) && find_power(cfg_, pid) >= 0) continue;
          const std::string tk = key + "." + what + "." + pid;
          if (find_power(cfg_, pid) < 0) {
            add(tk, check::unknown("power", pid, power_list_), fb);
            continue;
          }
          value(tk, x, 0, 1, false, fb);
        }
        for (const auto& p : cfg_.powers) {
          if (p.id.empty() || m.count(p.id)) continue;
          if (is_trade ? p.default_trade.has_value() : p.default_security.has_value()) continue;
          if (info_ && info_->missing_columns.count(std::string(is_trade ? "trade:" : "security:") + p.id)) continue;
          if (reported(key + "." + what + "." + p.id)) continue;
          const int k = find_power(cfg_, p.id);
          add(key + "." + what, "missing value for power '" + p.id + "' (or set powers[" + std::to_string(k) +
                                    "].ties.default_" + what + ")", fb);
        }
      };
      ties(r.trade, "trade", true);
      ties(r.security, "security", false);
      for (const auto& [pid, x] : r.rivalry)
        if (!value_ok(x, 0, 1, false)) value(key + ".rivalry." + pid, x, 0, 1, false, fb);
    }
    std::map<std::string, std::size_t> gseen;
    for (std::size_t g = 0; g < w.groups.size(); ++g) {
      const Group& grp = w.groups[g];
      const std::string key = "world.groups." + grp.id;
      if (grp.id.empty()) add(key, "empty group id");
      if (gseen.count(grp.id)) add(key, "duplicate group '" + grp.id + "'");
      gseen.emplace(grp.id, g);
      std::set<std::string> members;
      for (std::size_t j = 0; j < grp.members.size(); ++j) {
        // a known country listed once: nothing to report (the path is built only to report)
        if (iso_.count(grp.members[j]) && members.insert(grp.members[j]).second) continue;
        const std::string mk = key + ".members[" + std::to_string(j) + "]";
        country_ref(mk, grp.members[j]);
        if (!members.insert(grp.members[j]).second) add(mk, "'" + grp.members[j] + "' is listed twice");
      }
    }
    check_edges(w.borders, "borders", info_ ? &info_->border_refs : nullptr);
    check_edges(w.trade, "trade", info_ ? &info_->trade_refs : nullptr);
    check_edges(w.edges, "edges", info_ ? &info_->edge_refs : nullptr);
  }

  void check_initial() {
    std::set<std::string> pinned;
    for (const auto& [iso, bloc] : cfg_.initial.pin) {
      const std::string key = "initial.pin." + iso;
      country_ref(key, iso);
      if (!pinned.insert(iso).second) add(key, "'" + iso + "' is pinned twice");
      if (bloc != "nonaligned" && find_power(cfg_, bloc) < 0) {
        Keys options = power_list_;
        options.insert(options.begin(), "nonaligned");
        add(key, check::unknown("bloc", bloc, options) + "; expected 'nonaligned' or a power id (" +
                     join(power_list_) + ")");
        continue;
      }
      for (std::size_t k = 0; k < cfg_.powers.size(); ++k) {
        if (cfg_.powers[k].home == iso && bloc != cfg_.powers[k].id)
          add(key, "'" + iso + "' is the home of power '" + cfg_.powers[k].id + "' and always pinned to it");
      }
    }
  }

  void check_timeline() {
    for (std::size_t i = 0; i < cfg_.timeline.size(); ++i) {
      const Event& e = cfg_.timeline[i];
      const std::string key = event_path(i);
      const SourceLoc fb = e.loc;
      const std::string when = e.date.empty() ? "tick " + std::to_string(e.tick)
                                              : "date " + e.date + " (tick " + std::to_string(e.tick) + ")";
      const std::string wk = key + (e.date.empty() ? ".tick" : ".date");
      if (!reported(key + ".tick")) {
        if (e.tick < 1)
          add(wk, when + " is before the first tick (events apply from tick 1 = " + tick_date(cfg_.calendar, 1) + ")", fb);
        else if (e.tick > cfg_.ticks)
          add(wk, when + " is after the last tick (" + std::to_string(cfg_.ticks) + " = " +
                      tick_date(cfg_.calendar, cfg_.ticks) + ")", fb);
      }
      for (const Assignment& a : e.set) {
        const std::string ak = key + ".set." + a.path;
        const SourceLoc al = a.loc.file.empty() ? fb : a.loc;
        if (!(a.path.starts_with("model.") || a.path.starts_with("powers.") || a.path.starts_with("network."))) {
          if (a.path == "ticks" || a.path == "seed" || a.path.starts_with("initial.") || a.path.starts_with("outputs.") ||
              a.path.starts_with("world.")) {
            add(ak, "'" + a.path + "' cannot be changed by an event (only model.*, powers.<id>.* and network.*)", al);
            continue;
          }
        }
        ScenarioConfig probe = cfg_;
        try {
          set_param(probe, a.path, a.value, al);
        } catch (const ConfigError& err) {
          for (const auto& d : err.diagnostics()) add(ak, d.message, al);
        }
      }
      for (const TierChange& t : e.tiers) {
        const std::string tk = key + ".tiers." + t.power;
        power_ref(tk, t.power, fb);
        check_tiers(t.tiers, tk);
      }
      for (const MembershipChange& m : e.memberships) {
        const std::string mk = key + ".memberships." + m.group;
        group_ref(mk, m.group, fb);
        for (std::size_t j = 0; j < m.add.size(); ++j) country_ref(mk + ".add[" + std::to_string(j) + "]", m.add[j], fb);
        for (std::size_t j = 0; j < m.remove.size(); ++j)
          country_ref(mk + ".remove[" + std::to_string(j) + "]", m.remove[j], fb);
      }
      // security and rivalry changes: power → {ISO3: value in [0, 1]}
      auto iso_values = [&](const std::string& sk, const std::string& power,
                            const std::vector<std::pair<std::string, double>>& values) {
        power_ref(sk, power, fb);
        for (const auto& [iso, x] : values) {
          country_ref(sk + "." + iso, iso, fb);
          value(sk + "." + iso, x, 0, 1, false, fb);
        }
      };
      for (const SecurityChange& s : e.security) iso_values(key + ".security." + s.power, s.power, s.values);
      for (const RivalryChange& s : e.rivalry) iso_values(key + ".rivalry." + s.power, s.power, s.values);
    }
  }
};

}  // namespace

std::vector<Diagnostic> validate_config(const ScenarioConfig& cfg, const SourceInfo* info) {
  return Validator(cfg, info).run();
}

}  // namespace blocsim::scenario_detail
