// `--set path=value` overrides (also used by sweeps): string keys by name,
// numeric keys through the parameter registry.
#include <algorithm>

#include "input/scenario_detail.h"

namespace blocsim::scenario_detail {

namespace {

std::vector<std::string> string_paths(const ScenarioConfig& cfg) {
  std::vector<std::string> out;
  for (const auto& s : kStringKeys) {
    if (s.path.starts_with("powers.*.")) {
      for (const auto& p : cfg.powers) out.push_back("powers." + p.id + "." + std::string(s.path.substr(9)));
    } else {
      out.emplace_back(s.path);
    }
  }
  return out;
}

void set_string(ScenarioConfig& cfg, const std::string& path, const std::string& value, const SourceLoc& loc) {
  auto pick = [&](const Keys& options) -> int {
    for (std::size_t i = 0; i < options.size(); ++i)
      if (options[i] == value) return static_cast<int>(i);
    throw ConfigError(loc, path, check::expected_one_of(options, check::quoted(value), value));
  };
  if (path == "name") cfg.name = value;
  else if (path == "description") cfg.description = value;
  else if (path == "calendar.start") {
    Calendar c{0, 1, CalendarStep::month};
    auto m = date_tick(c, value);
    if (!m) throw ConfigError(loc, path, "expected a date YYYY-MM, got '" + value + "'");
    cfg.calendar.start_year = *m / 12;
    cfg.calendar.start_month = *m % 12 + 1;
  } else if (path == "calendar.step") cfg.calendar.step = static_cast<CalendarStep>(pick(kSteps));
  else if (path == "model.grievance_dimension") cfg.model.grievance_dimension = value;
  else if (path == "model.multilateral_dimension") cfg.model.multilateral_dimension = value;
  else if (path == "model.sovereignty_dimension") cfg.model.sovereignty_dimension = value;
  else if (path == "initial.alignment") cfg.initial.alignment = static_cast<InitialMode>(pick(kInitialModes));
  else if (path == "initial.standards") cfg.initial.standards = static_cast<InitialMode>(pick(kInitialModes));
  else {
    const std::string rest = path.substr(7);
    const auto dot = rest.find('.');
    PowerConfig& p = cfg.powers[find_power(cfg, rest.substr(0, dot))];
    if (rest.substr(dot + 1) == "capacity_building.targeting") p.targeting = static_cast<Targeting>(pick(kTargeting));
    else p.tiers.rule = static_cast<TierRule>(pick(kTierRules));
  }
}

}  // namespace

//! Apply overrides, collecting problems into `diags` (no re-validation).
void apply_overrides_into(ScenarioConfig& cfg, const std::vector<std::string>& overrides, const SourceLoc& where,
                          std::vector<Diagnostic>& diags) {
  const SourceLoc loc = where.file.empty() ? SourceLoc{kCommandLine, 0, 0} : where;
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      diags.push_back(Diagnostic{loc, o, "expected path=value (e.g. model.mu=0.1)"});
      continue;
    }
    const std::string path = o.substr(0, eq);
    const std::string text = o.substr(eq + 1);
    const auto sp = string_paths(cfg);
    try {
      if (std::find(sp.begin(), sp.end(), path) != sp.end()) {
        set_string(cfg, path, text, loc);
      } else if (path == "outputs.countries") {
        // booleans as the YAML key reads them (true/false, yes/no, on/off)
        const auto b = check::parse_bool(text);
        if (!b) throw ConfigError(loc, path, check::expected("true or false", check::quoted(text)));
        cfg.outputs.countries = *b;
      } else if (path == "outputs.countries_every") {
        auto n = parse_uint64(text);
        if (!n || *n < 1 || *n > 1000000000) throw ConfigError(loc, path, "expected an integer in [1, 1000000000], got '" + text + "'");
        cfg.outputs.countries_every = static_cast<int>(*n);
      } else if (path == "seed") {
        auto s = parse_uint64(text);
        if (!s) throw ConfigError(loc, path, "expected an integer in [0, 2^64), got '" + text + "'");
        cfg.seed = *s;
      } else {
        const auto all = param_paths(cfg);
        if (std::find(all.begin(), all.end(), path) == all.end()) {
          Keys candidates = all;
          candidates.insert(candidates.end(), sp.begin(), sp.end());
          candidates.insert(candidates.end(), {"seed", "outputs.countries", "outputs.countries_every"});
          throw ConfigError(loc, path, check::unknown("parameter", path, candidates));
        }
        auto v = parse_number(text);
        if (!v) throw ConfigError(loc, path, check::expected("a number", check::quoted(text)));
        set_param(cfg, path, *v, loc);
      }
      cfg.overrides.push_back(o);
    } catch (const ConfigError& e) {
      diags.insert(diags.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
}

}  // namespace blocsim::scenario_detail
