// Calibration files (YAML): strict parsing with positions through the located
// YAML checker (sim/io/yaml_check.h), like scenarios and sweeps. Every problem
// is collected and reported together as `file:line:col: key.path: message`
// (ConfigError).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "blocsim/calibrate/calibrate.h"
#include "blocsim/io/error.h"
#include "blocsim/input/scenario.h"
#include "blocsim/io/check.h"
#include "io/yaml_check.h"

namespace fs = std::filesystem;

namespace blocsim::calib {
namespace {

const std::vector<std::string> kTopKeys = {"name",    "description", "scenario", "set",     "observed", "classes",
                                           "compare", "parameters",  "targets",  "abc"};
const std::vector<std::string> kObservedKeys = {"file", "column", "synthetic"};
const std::vector<std::string> kSyntheticKeys = {"set", "seed", "replicates"};
const std::vector<std::string> kClassKeys = {"low", "high", "cuts"};
const std::vector<std::string> kCompareKeys = {"years", "validate_years", "month", "exclude"};
const std::vector<std::string> kPriorKeys = {"prior", "min", "max", "mean", "sd"};
const std::vector<std::string> kTargetKeys = {"brier", "log_score", "spearman", "shares", "change"};
const std::vector<std::string> kChangeKeys = {"weight", "from", "to"};
const std::vector<std::string> kAbcKeys = {"particles", "alpha",      "min_acceptance", "max_generations",
                                           "replicates", "predictive", "seed"};

// The located YAML checker (sim/io/yaml_check.h) plus the one list this file
// needs: calendar years.
struct Ctx : YamlChecker {
  using YamlChecker::YamlChecker;
  std::vector<int> years(const YAML::Node& n, const std::string& key) {
    std::vector<int> out;
    if (!n.IsSequence() || n.size() == 0) {
      err(n, key, check::expected("a non-empty list of years, e.g. [2018, 2019]", describe_node(n)));
      return out;
    }
    for (std::size_t i = 0; i < n.size(); ++i)
      if (auto y = integer(n[i], key + "[" + std::to_string(i) + "]", 1946, 2100)) {
        if (std::find(out.begin(), out.end(), static_cast<int>(*y)) != out.end())
          err(n[i], key + "[" + std::to_string(i) + "]", "duplicate year " + std::to_string(*y));
        else
          out.push_back(static_cast<int>(*y));
      }
    return out;
  }
};

// `set:` maps (path: value) → "path=value" overrides, or (path, value) pairs.
std::vector<std::pair<std::string, double>> parse_set(Ctx& c, const YAML::Node& n, const std::string& key,
                                                      std::map<std::string, SourceLoc>& locs) {
  std::vector<std::pair<std::string, double>> out;
  if (!c.map(n, key, {})) return out;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string path = it->first.Scalar();
    if (auto v = c.num(it->second, key + "." + path)) {
      out.emplace_back(path, *v);
      locs[path] = c.loc(it->first);
    }
  }
  return out;
}

}  // namespace

std::string check_summary(const CalibSpec& spec) {
  auto plural = [](std::size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  return plural(spec.priors.size(), "parameter") + ", " + plural(spec.years.size(), "calibration year") + ", " +
         std::to_string(spec.validate_years.size()) + " held-out";
}

CalibSpec load_calibration(const fs::path& path) {
  Ctx c(path.string());
  CalibSpec spec;
  spec.file = path;
  const YAML::Node root = c.load(path, &spec.source_text);
  if (!root.IsMap()) throw ConfigError(c.top(), "", "a calibration file is a YAML map");
  c.map(root, "", kTopKeys);
  const fs::path dir = path.parent_path();
  const SourceLoc top = c.top();

  spec.name = path.stem().string();
  if (auto n = root["name"])
    if (auto s = c.str(n, "name")) {
      if (s->empty() || s->find_first_of("/\\\n\t,") != std::string::npos || *s == "." || *s == "..")
        c.err(n, "name", "must be a non-empty name without '/', '\\\\', ',' or control characters");
      else
        spec.name = *s;
    }
  if (auto n = root["description"])
    if (auto s = c.str(n, "description")) spec.description = *s;
  SourceLoc scenario_loc = top;
  if (auto n = root["scenario"]) {
    scenario_loc = c.loc(n);
    if (auto p = c.file(n, "scenario", dir)) spec.scenario = *p;
  } else {
    c.err(top, "scenario", "missing: the scenario to calibrate (relative to this file)");
  }
  std::map<std::string, SourceLoc> set_locs, synth_locs;
  if (auto n = root["set"])
    for (const auto& [p, v] : parse_set(c, n, "set", set_locs)) {
      std::ostringstream s;
      s.precision(17);
      s << p << "=" << v;
      spec.scenario_set.push_back(s.str());
    }

  // observed
  if (auto n = root["observed"]; n && c.map(n, "observed", kObservedKeys)) {
    if (auto f = n["file"])
      if (auto p = c.file(f, "observed.file", dir)) spec.observed = *p;
    if (auto f = n["column"])
      if (auto s = c.str(f, "observed.column")) spec.column = *s;
    if (auto f = n["synthetic"]; f && c.map(f, "observed.synthetic", kSyntheticKeys)) {
      SyntheticSpec syn;
      if (auto g = f["set"]) syn.set = parse_set(c, g, "observed.synthetic.set", synth_locs);
      if (auto g = f["seed"])
        if (auto v = c.integer(g, "observed.synthetic.seed", 0, std::numeric_limits<long long>::max()))
          syn.seed = static_cast<std::uint64_t>(*v);
      if (auto g = f["replicates"])
        if (auto v = c.integer(g, "observed.synthetic.replicates", 1, 10000)) syn.replicates = static_cast<int>(*v);
      spec.synthetic = syn;
    }
    if (n["file"] && n["synthetic"]) c.err(n, "observed", "give either file or synthetic, not both");
    if (!n["file"] && !n["synthetic"]) c.err(n, "observed", "missing: file (long CSV iso3,year,axis) or synthetic");
  } else if (!n) {
    c.err(top, "observed", "missing: {file: ../world/unga.csv} or {synthetic: {set: {...}}}");
  }

  if (auto n = root["classes"]; n && c.map(n, "classes", kClassKeys)) {
    if (auto f = n["low"])
      if (auto s = c.str(f, "classes.low")) spec.low = *s;
    if (auto f = n["high"])
      if (auto s = c.str(f, "classes.high")) spec.high = *s;
    if (auto f = n["cuts"]) {
      if (!f.IsSequence() || f.size() != 2) {
        c.err(f, "classes.cuts", "expected two cut-points [low_max, high_min] on the axis");
      } else {
        auto a = c.num(f[0], "classes.cuts[0]");
        auto b = c.num(f[1], "classes.cuts[1]");
        if (a && b) {
          if (*a >= *b) c.err(f, "classes.cuts", "the first cut-point must be below the second");
          spec.cut_low = *a;
          spec.cut_high = *b;
        }
      }
    }
  }

  SourceLoc years_loc = top;
  if (auto n = root["compare"]; n && c.map(n, "compare", kCompareKeys)) {
    if (auto f = n["years"]) {
      years_loc = c.loc(f);
      spec.years = c.years(f, "compare.years");
    } else {
      c.err(n, "compare.years", "missing: the calibration years");
    }
    if (auto f = n["validate_years"]) {
      spec.validate_years = c.years(f, "compare.validate_years");
      for (int y : spec.validate_years)
        if (std::find(spec.years.begin(), spec.years.end(), y) != spec.years.end())
          c.err(f, "compare.validate_years", "year " + std::to_string(y) + " is also a calibration year");
    }
    if (auto f = n["month"])
      if (auto v = c.integer(f, "compare.month", 1, 12)) spec.month = static_cast<int>(*v);
    if (auto f = n["exclude"]) {
      spec.exclude_given = true;
      if (!f.IsSequence())
        c.err(f, "compare.exclude", "expected a list of ISO3 codes");
      else
        for (std::size_t i = 0; i < f.size(); ++i)
          if (auto s = c.str(f[i], "compare.exclude[" + std::to_string(i) + "]")) spec.exclude.push_back(*s);
    }
  } else if (!n) {
    c.err(top, "compare", "missing: {years: [...], month: 10}");
  }

  std::map<std::string, SourceLoc> prior_locs;
  if (auto n = root["parameters"]) {
    if (!n.IsMap() || n.size() == 0) {
      c.err(n, "parameters", "expected a map: key path → {prior: uniform, min: .., max: ..}");
    } else {
      c.map(n, "parameters", {});
      for (auto it = n.begin(); it != n.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        Prior p;
        p.path = it->first.Scalar();
        p.loc = c.loc(it->first);
        const std::string kp = "parameters." + p.path;
        const YAML::Node v = it->second;  // a copy: it-> yields a temporary pair (ASan: stack-use-after-scope)
        if (!c.map(v, kp, kPriorKeys)) continue;
        bool ok = true;
        if (auto f = v["prior"]) {
          if (auto k = c.choice<PriorKind>(f, kp + ".prior", {{"uniform", PriorKind::uniform},
                                                               {"log_uniform", PriorKind::log_uniform},
                                                               {"normal", PriorKind::normal}}))
            p.kind = *k;
          else
            ok = false;
        }
        auto lo = v["min"] ? c.num(v["min"], kp + ".min") : std::nullopt;
        auto hi = v["max"] ? c.num(v["max"], kp + ".max") : std::nullopt;
        if (!v["min"] || !v["max"]) {
          c.err(v, kp, "missing min and max (every prior needs a bounded range)");
          ok = false;
        }
        if (lo && hi) {
          p.min = *lo;
          p.max = *hi;
          if (p.min >= p.max) {
            c.err(v["max"], kp + ".max", "must be greater than min");
            ok = false;
          }
          if (p.kind == PriorKind::log_uniform && p.min <= 0) {
            c.err(v["min"], kp + ".min", "log_uniform needs min > 0");
            ok = false;
          }
        } else {
          ok = false;
        }
        if (p.kind == PriorKind::normal) {
          if (auto f = v["mean"]) {
            if (auto m = c.num(f, kp + ".mean")) p.mean = *m;
          } else {
            c.err(v, kp + ".mean", "missing (normal prior)");
          }
          if (auto f = v["sd"]) {
            if (auto m = c.num_in(f, kp + ".sd", 0, 1e300, true)) p.sd = *m;
          } else {
            c.err(v, kp + ".sd", "missing (normal prior)");
          }
        } else {
          if (v["mean"]) c.err(v["mean"], kp + ".mean", "only a normal prior has a mean");
          if (v["sd"]) c.err(v["sd"], kp + ".sd", "only a normal prior has an sd");
        }
        if (ok) {
          prior_locs[p.path] = p.loc;
          spec.priors.push_back(p);
        }
      }
    }
  } else {
    c.err(top, "parameters", "missing: the parameters to estimate, e.g. model.beta_hedge: {prior: uniform, min: 1, max: 4}");
  }

  if (auto n = root["targets"]; n && c.map(n, "targets", kTargetKeys)) {
    auto w = [&](const char* k, double& dst) {
      if (auto f = n[k])
        if (auto v = c.num_in(f, std::string("targets.") + k, 0, 1e6)) dst = *v;
    };
    w("brier", spec.targets.brier);
    w("log_score", spec.targets.log_score);
    w("spearman", spec.targets.spearman);
    w("shares", spec.targets.shares);
    if (auto f = n["change"]; f && c.map(f, "targets.change", kChangeKeys)) {
      if (auto g = f["weight"])
        if (auto v = c.num_in(g, "targets.change.weight", 0, 1e6)) spec.targets.change = *v;
      for (const char* k : {"from", "to"}) {
        if (auto g = f[k]) {
          if (auto v = c.integer(g, std::string("targets.change.") + k, 1946, 2100)) {
            int& dst = std::string(k) == "from" ? spec.targets.change_from : spec.targets.change_to;
            dst = static_cast<int>(*v);
            if (std::find(spec.years.begin(), spec.years.end(), dst) == spec.years.end())
              c.err(g, std::string("targets.change.") + k, "must be one of compare.years");
          }
        } else {
          c.err(f, std::string("targets.change.") + k, "missing");
        }
      }
      if (spec.targets.change_from >= spec.targets.change_to && spec.targets.change_to != 0)
        c.err(f, "targets.change", "from must be before to");
    }
    const auto& t = spec.targets;
    if (t.brier + t.log_score + t.spearman + t.shares + t.change <= 0)
      c.err(n, "targets", "at least one target needs a positive weight");
  } else if (!n) {
    c.err(top, "targets", "missing: weights of the distance components, e.g. {brier: 1, spearman: 1}");
  }

  if (auto n = root["abc"]; n && c.map(n, "abc", kAbcKeys)) {
    if (auto f = n["particles"])
      if (auto v = c.integer(f, "abc.particles", 4, 1000000)) spec.particles = static_cast<int>(*v);
    if (auto f = n["alpha"])
      if (auto v = c.num_in(f, "abc.alpha", 0, 1, true)) spec.alpha = *v;
    if (auto f = n["min_acceptance"])
      if (auto v = c.num_in(f, "abc.min_acceptance", 0, 1)) spec.min_acceptance = *v;
    if (auto f = n["max_generations"])
      if (auto v = c.integer(f, "abc.max_generations", 1, 1000)) spec.max_generations = static_cast<int>(*v);
    if (auto f = n["replicates"])
      if (auto v = c.integer(f, "abc.replicates", 1, 10000)) spec.replicates = static_cast<int>(*v);
    if (auto f = n["predictive"])
      if (auto v = c.integer(f, "abc.predictive", 0, 100000)) spec.predictive = static_cast<int>(*v);
    if (auto f = n["seed"])
      if (auto v = c.integer(f, "abc.seed", 0, std::numeric_limits<long long>::max()))
        spec.seed = static_cast<std::uint64_t>(*v);
    const int kept = static_cast<int>(std::floor(spec.alpha * spec.particles));
    if (kept < 2 || kept >= spec.particles)
      c.err(n, "abc", "alpha × particles must keep at least 2 and fewer than all particles");
  }

  c.throw_if_errors();

  // Checks against the scenario: parameter paths and ranges, years on ticks.
  ScenarioConfig cfg = load_scenario(spec.scenario, spec.scenario_set);
  const std::vector<std::string> paths = param_paths(cfg);
  auto check_path = [&](const std::string& p, const SourceLoc& l, const std::string& key, double lo, double hi) {
    if (p == "seed" || p == "ticks") {
      c.err(l, key, "'" + p + "' cannot be estimated (not a model parameter)");
      return;
    }
    if (std::find(paths.begin(), paths.end(), p) == paths.end()) {
      c.err(l, key, check::unknown("parameter", p, paths) + "; blocsim params lists them");
      return;
    }
    for (double v : {lo, hi}) {
      try {
        ScenarioConfig copy = cfg;
        set_param(copy, p, v, l);
      } catch (const ConfigError& e) {
        c.err(l, key, "range outside the parameter's legal range: " + e.diagnostics().front().message);
        return;
      }
    }
  };
  for (const auto& p : spec.priors) check_path(p.path, p.loc, "parameters." + p.path, p.min, p.max);
  if (spec.synthetic)
    for (const auto& [p, v] : spec.synthetic->set) {
      check_path(p, synth_locs[p], "observed.synthetic.set." + p, v, v);
    }
  if (cfg.world.synthetic) c.err(scenario_loc, "scenario", "calibration needs a scenario with named countries");
  if (find_power(cfg, spec.low) < 0) c.err(top, "classes.low", "no power with id '" + spec.low + "' in the scenario");
  if (find_power(cfg, spec.high) < 0) c.err(top, "classes.high", "no power with id '" + spec.high + "' in the scenario");
  for (const auto& list : {spec.years, spec.validate_years})
    for (int y : list) {
      const std::string date = std::to_string(y) + "-" + (spec.month < 10 ? "0" : "") + std::to_string(spec.month);
      const auto t = date_tick(cfg.calendar, date);
      if (!t || *t > cfg.ticks)
        c.err(years_loc, "compare", "date " + date + " is not a tick of the scenario (" + tick_date(cfg.calendar, 0) +
                                        " to " + tick_date(cfg.calendar, cfg.ticks) + ")");
    }
  if (!spec.exclude_given)
    for (const auto& p : cfg.powers)
      if (!p.home.empty()) spec.exclude.push_back(p.home);
  c.throw_if_errors();
  return spec;
}

}  // namespace blocsim::calib
