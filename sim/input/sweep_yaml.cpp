// Sweep files (YAML) and design tables (CSV): strict parsing with positions,
// then expansion into the run plan. Every problem is collected and reported
// together as `file:line:col: key.path: message` (ConfigError), like scenarios.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "blocsim/io/check.h"
#include "blocsim/io/csv.h"
#include "blocsim/io/error.h"
#include "io/yaml_check.h"
#include "blocsim/output/out_folder.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/engine/world.h"
#include "blocsim/input/scenario.h"
#include "blocsim/sweep/sweep.h"

namespace fs = std::filesystem;

namespace blocsim {

constexpr std::int64_t kMaxSweepPoints = 10000000;   //!< design points per sweep
constexpr std::int64_t kMaxSweepRuns = 100000000;    //!< points × replicates

void check_plan_size(const SweepSpec& spec);

namespace {

const std::vector<std::string> kTopKeys = {"name",     "description", "scenario",   "parameters",
                                           "design",   "samples",     "table",      "replicates",
                                           "seed",     "seed_policy", "metrics",    "summaries",
                                           "timeseries", "ticks"};
const std::vector<std::string> kParamKeys = {"values", "min", "max", "steps"};

using Ctx = YamlChecker;


void parse_parameter(Ctx& c, const YAML::Node& key, const YAML::Node& val, SweepSpec& spec) {
  const std::string path = key.Scalar();
  const std::string kp = "parameters." + path;
  SweepParameter p;
  p.path = path;
  p.loc = c.loc(key);
  spec.locs[kp] = p.loc;
  if (!val.IsMap()) {
    c.err(val, kp, "expected a map: {values: [...]} or {min: .., max: ..} (grid: add steps: n)");
    return;
  }
  c.map(val, kp, kParamKeys);
  if (const auto v = val["values"]) {
    if (!v.IsSequence() || v.size() == 0) {
      c.err(v, kp + ".values", "expected a non-empty list of numbers or names");
    } else {
      // Names (any item that is not a number) make the parameter categorical:
      // each level is applied by name, as `--set path=name` (string keys).
      bool names = false;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].IsScalar()) continue;
        if (!check::parse_number(v[i].Scalar())) names = true;
      }
      std::set<std::string> seen;
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string ik = kp + ".values[" + std::to_string(i) + "]";
        if (names) {
          if (auto x = c.str(v[i], ik)) {
            if (!seen.insert(*x).second) c.err(v[i], ik, "duplicate level '" + *x + "'");
            p.labels.push_back(*x);
          }
        } else if (auto x = c.num(v[i], ik)) {
          p.values.push_back(*x);
        }
      }
    }
  }
  if (const auto v = val["min"]) p.min = c.num(v, kp + ".min");
  if (const auto v = val["max"]) p.max = c.num(v, kp + ".max");
  if (const auto v = val["steps"]) {
    if (auto s = c.integer(v, kp + ".steps", 1, 1000000)) p.steps = static_cast<int>(*s);
  }
  const bool has_values = static_cast<bool>(val["values"]);
  const bool has_range = val["min"] || val["max"];
  if (has_values && (has_range || val["steps"]))
    c.err(val, kp, "give either values: [...] or min/max (with steps for a grid), not both");
  if (has_range && (!val["min"] || !val["max"])) c.err(val, kp, "a range needs both min and max");
  if (p.min && p.max && !(*p.min < *p.max) && !(p.steps == 1 && *p.min == *p.max))
    c.err(val, kp, "min must be less than max");
  if (!has_values && !has_range) c.err(val, kp, "expected values: [...] or min and max");
  spec.parameters.push_back(std::move(p));
}

void parse_summaries(Ctx& c, const YAML::Node& n, SweepSpec& spec) {
  auto one = [&](const YAML::Node& item, const std::string& key) {
    if (item.IsScalar()) {
      if (item.Scalar() == "final") { spec.summaries.push_back({SummaryKind::final, 0}); return; }
      if (item.Scalar() == "mean") { spec.summaries.push_back({SummaryKind::mean, 0}); return; }
      c.err(item, key, check::expected("final, mean or {ticks: [...]}", describe_node(item)) +
                           check::hint(item.Scalar(), {"final", "mean", "ticks"}));
      return;
    }
    if (item.IsMap()) {
      c.map(item, key, {"ticks"});
      const YAML::Node t = item["ticks"];
      if (!t || !t.IsSequence() || t.size() == 0) {
        c.err(item, key + ".ticks", "expected a non-empty list of tick numbers");
        return;
      }
      for (std::size_t i = 0; i < t.size(); ++i) {
        const std::string tk = key + ".ticks[" + std::to_string(i) + "]";
        if (auto v = c.integer(t[i], tk, 0, 100000000)) {
          spec.summaries.push_back({SummaryKind::tick, static_cast<int>(*v)});
          spec.locs["summaries.t" + std::to_string(*v)] = c.loc(t[i]);
        }
      }
      return;
    }
    c.err(item, key, check::expected("final, mean or {ticks: [...]}", describe_node(item)));
  };
  if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) one(n[i], "summaries[" + std::to_string(i) + "]");
  } else {
    one(n, "summaries");
  }
  std::set<std::pair<int, int>> seen;
  for (const auto& s : spec.summaries)
    if (!seen.insert({static_cast<int>(s.kind), s.tick}).second) c.err(n, "summaries", "duplicate summary");
}

}  // namespace

InputKind input_kind(const fs::path& path) {
  try {
    // only a regular file is read twice: a pipe (/dev/stdin) is read once, by the scenario loader
    if (!fs::is_regular_file(path)) return InputKind::scenario;
    const YAML::Node root = Ctx(path.string()).load(path);  // bounded and checked, as every loader reads
    if (!root.IsMap() || !root["scenario"]) return InputKind::scenario;
    for (const char* k : {"observed", "classes", "compare", "targets", "abc"})
      if (root[k]) return InputKind::calibration;
    return InputKind::sweep;
  } catch (const std::exception&) {
    return InputKind::scenario;
  }
}

SweepSpec parse_sweep_file(const fs::path& path, std::string* text) {
  Ctx c(path.string());
  const YAML::Node root = c.load(path, text);
  if (!root.IsMap()) throw ConfigError(c.top(), "", "a sweep file is a YAML map");
  c.map(root, "", kTopKeys);

  SweepSpec spec;
  spec.file = path;
  const fs::path dir = path.parent_path();
  spec.name = path.stem().string();
  if (auto n = root["name"]) {
    if (auto s = c.str(n, "name")) {
      if (const std::string why = run_name_problem(*s); !why.empty())
        c.err(n, "name", why);
      else if (s->find(',') != std::string::npos)
        c.err(n, "name", "must not contain ','");
      else
        spec.name = *s;
    }
  }
  if (auto n = root["description"])
    if (auto s = c.str(n, "description")) spec.description = *s;
  if (auto n = root["scenario"]) {
    if (auto p = c.file(n, "scenario", dir)) {
      spec.scenario = *p;
      spec.locs["scenario"] = c.loc(n);
    }
  } else {
    c.err(c.top(), "scenario", "missing: the base scenario file (relative to this sweep file)");
  }
  if (auto n = root["design"]) {
    spec.locs["design"] = c.loc(n);
    if (auto d = c.choice<Design>(n, "design", {{"grid", Design::grid},
                                                  {"lhs", Design::lhs},
                                                  {"saltelli", Design::saltelli},
                                                  {"table", Design::table}}))
      spec.design = *d;
  }
  if (auto n = root["parameters"]) {
    if (!n.IsMap() || n.size() == 0) {
      c.err(n, "parameters", "expected a map: key path → {values: [...]} or {min: .., max: ..}");
    } else {
      std::set<std::string> seen;
      for (auto it = n.begin(); it != n.end(); ++it) {
        if (!it->first.IsScalar()) { c.err(it->first, "parameters", "expected a key path"); continue; }
        if (!seen.insert(it->first.Scalar()).second) {
          c.err(it->first, "parameters." + it->first.Scalar(), "duplicate parameter");
          continue;
        }
        parse_parameter(c, it->first, it->second, spec);
      }
    }
    if (spec.design == Design::table)
      c.err(n, "parameters", "design: table takes its parameters from the table's header; remove parameters");
  } else if (spec.design != Design::table) {
    c.err(c.top(), "parameters", "missing: the parameters to vary");
  }
  const YAML::Node design_node = root["design"] ? root["design"] : root;
  if (spec.design == Design::grid) {
    for (const auto& p : spec.parameters)
      if (p.values.empty() && p.min && p.max && p.steps == 0)
        c.err(p.loc, "parameters." + p.path, "design grid needs steps: n (or values: [...]) for a range");
  } else if (spec.design == Design::lhs || spec.design == Design::saltelli) {
    for (const auto& p : spec.parameters)
      if (!p.values.empty() || !p.labels.empty() || p.steps != 0)
        c.err(p.loc, "parameters." + p.path,
              "design " + std::string(design_name(spec.design)) + " samples a range: give min and max only");
  }
  if (auto n = root["samples"]) {
    if (spec.design == Design::lhs || spec.design == Design::saltelli) {
      if (auto v = c.integer(n, "samples", 2, 100000000)) spec.samples = *v;
      spec.locs["samples"] = c.loc(n);
    } else {
      c.err(n, "samples", "only used by design lhs or saltelli");
    }
  } else if (spec.design == Design::lhs || spec.design == Design::saltelli) {
    c.err(design_node, "samples", "missing: design " + std::string(design_name(spec.design)) +
                                      " needs samples: N (saltelli runs N·(k+2) points)");
  }
  if (spec.design == Design::saltelli && 2 * spec.parameters.size() > SobolSequence::kMaxDims)
    c.err(design_node, "parameters",
          "design saltelli supports at most " + std::to_string(SobolSequence::kMaxDims / 2) + " parameters, not " +
              std::to_string(spec.parameters.size()) + " (it draws A and B from one 2k-dimensional Sobol sequence of at most " +
              std::to_string(SobolSequence::kMaxDims) + " dimensions)");
  if (auto n = root["table"]) {
    if (spec.design != Design::table) {
      c.err(n, "table", "only used by design: table");
    } else if (auto p = c.file(n, "table", dir)) {
      spec.table = *p;
      spec.locs["table"] = c.loc(n);
    }
  } else if (spec.design == Design::table) {
    c.err(design_node, "table", "missing: design table needs table: FILE.csv");
  }
  if (auto n = root["replicates"])
    if (auto v = c.integer(n, "replicates", 1, 1000000)) {
      spec.replicates = static_cast<int>(*v);
      spec.locs["replicates"] = c.loc(n);
    }
  if (auto n = root["seed"]) {
    spec.locs["seed"] = c.loc(n);
    const std::optional<std::uint64_t> v = n.IsScalar() ? check::parse_uint64(n.Scalar()) : std::nullopt;
    if (v)
      spec.seed = *v;
    else
      c.err(n, "seed", check::expected("an integer from 0 to 2^64 - 1", describe_node(n)));
  }
  if (auto n = root["seed_policy"])
    if (auto p = c.choice<SeedPolicy>(n, "seed_policy",
                                      {{"common", SeedPolicy::common}, {"independent", SeedPolicy::independent}}))
      spec.seed_policy = *p;
  if (auto n = root["metrics"]) {
    if (!n.IsSequence() || n.size() == 0) {
      c.err(n, "metrics", "expected a non-empty list of timeseries column names");
    } else {
      std::set<std::string> seen;
      for (std::size_t i = 0; i < n.size(); ++i) {
        const std::string key = "metrics[" + std::to_string(i) + "]";
        if (auto s = c.str(n[i], key)) {
          if (!seen.insert(*s).second) c.err(n[i], key, "duplicate metric '" + *s + "'");
          spec.locs[key] = c.loc(n[i]);
          spec.metrics.push_back(*s);
        }
      }
    }
  } else {
    c.err(c.top(), "metrics",
          "missing: the timeseries columns to summarise (e.g. [fragmentation, bloc_count_cn])");
  }
  if (auto n = root["summaries"]) parse_summaries(c, n, spec);
  if (spec.summaries.empty()) spec.summaries.push_back({SummaryKind::final, 0});
  if (auto n = root["timeseries"])
    if (auto b = c.boolean(n, "timeseries")) spec.timeseries = *b;
  if (auto n = root["ticks"]) {
    spec.locs["ticks"] = c.loc(n);
    if (auto v = c.integer(n, "ticks", 1, 100000000)) spec.ticks = static_cast<int>(*v);
  }
  c.throw_if_errors();
  return spec;
}

namespace {

Diagnostic table_diag(const fs::path& file, int line, int col, std::string key, std::string msg) {
  Diagnostic d;
  d.loc.file = file.string();
  d.loc.line = line;
  d.loc.column = col;
  d.key = std::move(key);
  d.message = std::move(msg);
  return d;
}

//! Read a design table: header of key paths, one row per point (the one CSV
//! reader, blocsim/io/csv.h). A column with any non-numeric value is
//! categorical: its values become level indices into `labels[column]` (levels
//! in order of first appearance); a column whose key is numeric (`numeric`)
//! must hold finite numbers.
DesignMatrix read_table(const fs::path& path, std::vector<std::string>& header,
                        std::vector<std::vector<std::string>>& labels, const std::vector<std::string>& numeric) {
  std::vector<Diagnostic> diags;
  DesignMatrix rows;
  std::vector<std::vector<std::string>> texts;
  const std::optional<CsvTable> t = read_csv_file(path, "table", diags, SourceLoc{path.string(), 0, 0});
  if (t) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < t->header.fields.size(); ++i) {
      const std::string& name = t->header.fields[i];
      const int col = t->header.cols[i];
      if (name.empty()) diags.push_back(table_diag(path, t->header.line, col, "header", "empty column name"));
      else if (!seen.insert(name).second)
        diags.push_back(table_diag(path, t->header.line, col, name, "duplicate column"));
      header.push_back(name);
    }
    for (const CsvRow& r : t->rows) {
      std::vector<double> row;
      std::vector<std::string> text_row;
      for (std::size_t i = 0; i < r.fields.size(); ++i) {
        const std::string& text = r.fields[i];
        if (text.empty()) {
          diags.push_back(table_diag(path, r.line, r.cols[i], header[i], "empty value"));
          row.push_back(0.0);
          text_row.push_back(text);
          continue;
        }
        const std::optional<double> x = check::parse_number(text);
        const bool is_number = x.has_value();
        const double v = x.value_or(0.0);
        const bool must_be_number = std::find(numeric.begin(), numeric.end(), header[i]) != numeric.end();
        if ((is_number && !std::isfinite(v)) || (!is_number && must_be_number))
          diags.push_back(table_diag(path, r.line, r.cols[i], header[i], check::expected("a finite number", check::quoted(text))));
        row.push_back(v);
        text_row.push_back(text);
      }
      rows.push_back(std::move(row));
      texts.push_back(std::move(text_row));
      if (diags.size() > 50) break;
    }
    if (rows.empty() && diags.empty()) diags.push_back(table_diag(path, 1, 1, "table", "no design points"));
  }
  if (!diags.empty()) throw ConfigError(std::move(diags));
  labels.assign(header.size(), {});
  for (std::size_t j = 0; j < header.size(); ++j) {
    bool names = false;
    for (const auto& tr : texts)
      if (!check::parse_number(tr[j])) names = true;
    if (!names) continue;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto& l = labels[j];
      auto it = std::find(l.begin(), l.end(), texts[i][j]);
      if (it == l.end()) it = l.insert(l.end(), texts[i][j]);
      rows[i][j] = static_cast<double>(it - l.begin());
    }
  }
  return rows;
}

}  // namespace

void check_plan_size(const SweepSpec& spec) {
  // Sizes a sweep file can request, checked before the plan is allocated:
  // the design matrix and plan hold points × parameters doubles (twice while
  // expanding), plan.csv about 40 + 20·k bytes per run.
  const double k = static_cast<double>(spec.parameters.size());
  double points = 0.0;
  std::string key = spec.parameters.empty() ? "parameters" : "parameters." + spec.parameters.front().path;
  switch (spec.design) {
    case Design::grid:
      points = 1.0;
      for (const auto& p : spec.parameters) points *= static_cast<double>(p.values.empty() ? p.steps : static_cast<int>(p.values.size()));
      break;
    case Design::lhs: points = static_cast<double>(spec.samples); key = "samples"; break;
    case Design::saltelli: points = static_cast<double>(spec.samples) * (k + 2.0); key = "samples"; break;
    case Design::table: {
      std::error_code ec;
      const auto bytes = fs::file_size(spec.table, ec);
      if (!ec && bytes > kMaxInputBytes)
        throw ConfigError(spec.locs.count("table") ? spec.locs.at("table") : SourceLoc{spec.file.string(), 1, 1}, "table",
                          "the design table is larger than " + std::to_string(kMaxInputBytes >> 20) + " MiB");
      return;  // rows are read with a size limit; the run limit is checked below after expanding
    }
  }
  const double runs = points * static_cast<double>(spec.replicates);
  const double plan_bytes = points * (2.0 * 8.0 * k + 48.0);
  const double csv_bytes = runs * (40.0 + 20.0 * k);
  if (points > static_cast<double>(kMaxSweepPoints) || runs > static_cast<double>(kMaxSweepRuns)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g points × %d replicates = %.3g runs", points, spec.replicates, runs);
    if (spec.design == Design::grid && points <= static_cast<double>(kMaxSweepPoints)) key = "replicates";
    const SourceLoc at = spec.locs.count(key) ? spec.locs.at(key) : SourceLoc{spec.file.string(), 1, 1};
    throw ConfigError(at, key,
                      std::string("the plan is too large: ") + buf + " (limits: " + std::to_string(kMaxSweepPoints) +
                          " points, " + std::to_string(kMaxSweepRuns) + " runs); it would need about " +
                          human_bytes(plan_bytes) + " of memory and a plan.csv of " + human_bytes(csv_bytes) +
                          "; split the sweep or lower steps/samples/replicates");
  }
}

SweepPlan expand(const SweepSpec& spec) {
  SweepPlan plan;
  plan.replicates = spec.replicates;
  plan.root_seed = spec.seed;
  plan.seed_policy = spec.seed_policy;
  DesignMatrix m;
  const auto k = static_cast<int>(spec.parameters.size());
  for (const auto& p : spec.parameters) {
    plan.params.push_back(p.path);
    plan.labels.push_back(p.labels);
  }
  auto scale = [&](DesignMatrix unit) {
    for (auto& row : unit)
      for (int i = 0; i < k; ++i) {
        const auto& p = spec.parameters[static_cast<std::size_t>(i)];
        double& x = row[static_cast<std::size_t>(i)];
        x = *p.min + (*p.max - *p.min) * x;
      }
    return unit;
  };
  switch (spec.design) {
    case Design::grid: {
      std::vector<std::vector<double>> levels;
      for (const auto& p : spec.parameters) {
        if (!p.values.empty()) { levels.push_back(p.values); continue; }
        if (!p.labels.empty()) {  // categorical: level indices
          std::vector<double> l;
          for (std::size_t i = 0; i < p.labels.size(); ++i) l.push_back(static_cast<double>(i));
          levels.push_back(std::move(l));
          continue;
        }
        std::vector<double> l;
        for (int i = 0; i < p.steps; ++i)
          l.push_back(i == p.steps - 1 && p.steps > 1
                          ? *p.max
                          : *p.min + (*p.max - *p.min) * static_cast<double>(i) / std::max(1, p.steps - 1));
        levels.push_back(std::move(l));
      }
      m = grid_design(levels);
      break;
    }
    case Design::lhs: m = scale(lhs_design(spec.samples, k, spec.seed)); break;
    case Design::saltelli: m = scale(saltelli_design(spec.samples, k)); break;
    case Design::table: m = read_table(spec.table, plan.params, plan.labels, spec.numeric_paths); break;
  }
  plan.points = static_cast<std::int64_t>(m.size());
  plan.values.reserve(m.size() * plan.params.size());
  for (const auto& row : m) plan.values.insert(plan.values.end(), row.begin(), row.end());
  return plan;
}

SweepSetup load_sweep(const fs::path& path) {
  SweepSetup setup;
  setup.spec = parse_sweep_file(path, &setup.source_text);
  SweepSpec& spec = setup.spec;
  setup.base = load_scenario(spec.scenario);
  ScenarioConfig& base = setup.base;
  std::vector<Diagnostic> diags;
  auto absorb = [&](const ConfigError& e, const SourceLoc& at, const std::string& key) {
    for (Diagnostic d : e.diagnostics()) {
      if (d.loc.file.empty() || d.loc.file == "<command line>") d.loc = at;
      if (d.key.empty()) d.key = key;
      diags.push_back(std::move(d));
    }
  };
  if (spec.ticks) {
    try {
      set_param(base, "ticks", *spec.ticks, spec.locs["ticks"]);
    } catch (const ConfigError& e) {
      absorb(e, spec.locs["ticks"], "ticks");
    }
  }
  if (!spec.locs.count("seed")) spec.seed = base.seed;
  for (const auto& s : spec.summaries)
    if (s.kind == SummaryKind::tick && s.tick > base.ticks)
      diags.push_back({spec.locs["summaries.t" + std::to_string(s.tick)], "summaries.ticks",
                       "tick " + std::to_string(s.tick) + " is past the last tick (" + std::to_string(base.ticks) +
                           ")"});
  std::vector<std::string> power_ids;
  for (const auto& p : base.powers) power_ids.push_back(p.id);
  const std::vector<std::string> columns = metric_columns(power_ids);
  for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
    const std::string& m = spec.metrics[i];
    if (std::find(columns.begin(), columns.end(), m) != columns.end()) continue;
    const std::string key = "metrics[" + std::to_string(i) + "]";
    diags.push_back({spec.locs[key], key,
                     check::unknown("metric", m, columns) + "; the columns of timeseries.csv (results/README.md)"});
  }
  const std::vector<std::string> paths = param_paths(base);
  spec.numeric_paths = paths;
  ScenarioConfig probe = base;
  auto check_path = [&](const std::string& p, const SourceLoc& at, const std::string& key) {
    if (std::find(paths.begin(), paths.end(), p) != paths.end()) return true;
    diags.push_back({at, key, check::unknown("parameter", p, paths) + "; blocsim params lists them"});
    return false;
  };
  auto check_value = [&](const std::string& p, double v, const SourceLoc& at, const std::string& key) {
    try {
      set_param(probe, p, v, at);
    } catch (const ConfigError& e) {
      absorb(e, at, key);
    }
  };
  // A categorical level is checked exactly as it will be applied: by name.
  auto check_label = [&](const std::string& p, const std::string& label, const SourceLoc& at, const std::string& key) {
    ScenarioConfig c = base;
    try {
      apply_overrides(c, {p + "=" + label}, at);
    } catch (const ConfigError& e) {
      absorb(e, at, key);
    }
  };
  for (const auto& p : spec.parameters) {
    const std::string key = "parameters." + p.path;
    if (!p.labels.empty()) {
      for (const auto& l : p.labels) check_label(p.path, l, p.loc, key);
      continue;
    }
    if (!check_path(p.path, p.loc, key)) continue;
    for (double v : p.values) check_value(p.path, v, p.loc, key);
    if (p.min) check_value(p.path, *p.min, p.loc, key);
    if (p.max) check_value(p.path, *p.max, p.loc, key);
  }
  if (!diags.empty()) throw ConfigError(std::move(diags));
  check_plan_size(spec);

  setup.plan = expand(spec);
  if (spec.design == Design::table) {
    const SourceLoc at{spec.table.string(), 1, 1};
    std::vector<bool> ok;
    for (std::size_t j = 0; j < setup.plan.params.size(); ++j) {
      const std::string& p = setup.plan.params[j];
      if (setup.plan.categorical(j)) {
        for (const auto& l : setup.plan.labels[j]) check_label(p, l, at, p);
        ok.push_back(false);  // levels checked by name above
      } else {
        ok.push_back(check_path(p, at, p));
      }
    }
    for (std::int64_t i = 0; i < setup.plan.points && diags.size() < 50; ++i)
      for (std::size_t j = 0; j < setup.plan.params.size(); ++j)
        if (ok[j])
          check_value(setup.plan.params[j], setup.plan.value(i, j), SourceLoc{spec.table.string(), 0, 0},
                      setup.plan.params[j] + " (point " + std::to_string(i) + ")");
    if (!diags.empty()) throw ConfigError(std::move(diags));
  }
  if (setup.plan.runs() == 0) throw ConfigError(SourceLoc{path.string(), 1, 1}, "parameters", "the design is empty");
  return setup;
}

}  // namespace blocsim
