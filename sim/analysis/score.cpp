// Scoring a run against observed alignment (include/blocsim/analysis/score.h).
//
// Predictors, all scored on the countries of the observed file:
// - BlocSim (modal): each country's most frequent label over replicates at
//   the tick (ties → the label listed first: nonaligned/intl, then powers);
//   its Brier score uses the replicate frequencies as probabilities.
// - BlocSim (per replicate): accuracy, κ and ARI of each replicate, averaged
//   (with the min–max range of accuracy); Brier = mean one-hot Brier.
// - everyone non-aligned (or everyone on the international standard);
// - initial state: the modal label at tick 0 (the data-driven equilibrium);
// - G7/BRICS membership: members of a group that contains a power's home
//   country get that power's label (g7 → the power at home in the G7,
//   brics_members → the one at home in BRICS), everyone else the neutral label.
//   Groups come from the run's scenario.resolved.yaml (load_scenario); if that
//   cannot be loaded, from `--groups FILE` or scenarios/world/groups.yaml.
// Deterministic baselines have one-hot probabilities, so their Brier score is
// 2 × (1 − accuracy).
//
// yaml-cpp is used here (as in sim/input/) because the observed file needs
// its own strict, located validation.
//
// Somewhat over 600 lines on purpose: the observed-file reader, the run
// reader, the metrics (accuracy, κ, ARI, Brier) and the report are one
// pipeline over shared types local to this file; splitting the observed-file
// reader into sim/input/ is the next step when it grows.
#include "blocsim/analysis/score.h"
#include "blocsim/io/data_dir.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "blocsim/input/scenario.h"
#include "blocsim/io/csv.h"
#include "blocsim/output/format.h"
#include "io/yaml_guard.h"

namespace blocsim::score {

namespace fs = std::filesystem;

namespace {

SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  SourceLoc l;
  l.file = file;
  if (m.line >= 0) {
    l.line = m.line + 1;
    l.column = m.column + 1;
  }
  return l;
}

bool is_iso3(const std::string& s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_label(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

double nan() { return std::nan(""); }

}  // namespace

Observed load_observed(const fs::path& path) {
  Observed o;
  o.path = path.string();
  std::vector<Diagnostic> diags;
  auto err = [&](SourceLoc l, std::string key, std::string msg) { diags.push_back({std::move(l), std::move(key), std::move(msg)}); };
  if (!std::ifstream(path)) throw ConfigError(SourceLoc{o.path, 0, 0}, "", "cannot open observed file");
  // One document, no duplicate keys, aliases and sizes bounded (yaml_guard.h).
  const YAML::Node root = parse_yaml_checked(read_input_file(path), o.path);
  const SourceLoc root_loc{o.path, 1, 1};
  if (!root.IsMap()) throw ConfigError(root.IsNull() ? root_loc : loc_of(o.path, root), "", "expected a map with key 'blocs'");
  const std::vector<std::string> keys = {"what", "date", "source", "blocs"};
  YAML::Node blocs;
  bool have_blocs = false;
  for (const auto& kv : root) {
    const YAML::Node key = kv.first, v = kv.second;
    const SourceLoc kl = loc_of(o.path, key);
    if (!key.IsScalar()) {
      err(kl, "", "keys must be scalars");
      continue;
    }
    const std::string k = key.Scalar();
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
      const std::string h = did_you_mean(k, keys);
      err(kl, k, "unknown key '" + k + "'" + (h.empty() ? "" : " (did you mean '" + h + "'?)") +
                     "; allowed: what, date, source, blocs");
      continue;
    }
    if (k == "blocs") {
      blocs.reset(v);
      have_blocs = true;
      continue;
    }
    if (!v.IsScalar()) {
      err(loc_of(o.path, v), k, "expected a scalar");
      continue;
    }
    if (k == "what") {
      o.what = v.Scalar();
      if (o.what != "alignment" && o.what != "standard")
        err(loc_of(o.path, v), k, "expected 'alignment' or 'standard', got '" + o.what + "'");
    } else if (k == "date") {
      o.date = v.Scalar();
      o.date_loc = loc_of(o.path, v);
      const bool ok = o.date.size() == 7 && o.date[4] == '-' &&
                      std::all_of(o.date.begin(), o.date.begin() + 4, ::isdigit) && ::isdigit(o.date[5]) &&
                      ::isdigit(o.date[6]) && std::stoi(o.date.substr(5)) >= 1 && std::stoi(o.date.substr(5)) <= 12;
      if (!ok) err(o.date_loc, k, "expected a date YYYY-MM, got '" + o.date + "'");
    } else {
      o.source = v.Scalar();
    }
  }
  if (!have_blocs) {
    err(root_loc, "blocs", "missing required key 'blocs' (a map: label -> list of ISO3 codes)");
  } else if (!blocs.IsMap()) {
    err(loc_of(o.path, blocs), "blocs", "expected a map: label -> list of ISO3 codes");
  } else {
    std::map<std::string, SourceLoc> seen;
    for (const auto& kv : blocs) {
      const YAML::Node lnode = kv.first, list = kv.second;
      const SourceLoc kl = loc_of(o.path, lnode);
      const std::string label = lnode.IsScalar() ? lnode.Scalar() : "";
      if (!is_label(label)) {
        err(kl, "blocs", "bloc label must be a lower-case id (e.g. us, cn, nonaligned), got '" + label + "'");
        continue;
      }
      const std::string key = "blocs." + label;
      const int li = static_cast<int>(o.labels.size());
      o.labels.push_back(label);
      o.label_loc.push_back(kl);
      if (list.IsNull()) continue;  // an empty bloc
      if (!list.IsSequence()) {
        err(loc_of(o.path, list), key, "expected a list of ISO3 codes");
        continue;
      }
      for (std::size_t j = 0; j < list.size(); ++j) {
        const YAML::Node c = list[j];
        const SourceLoc cl = loc_of(o.path, c);
        const std::string ck = key + "[" + std::to_string(j) + "]";
        if (!c.IsScalar() || !is_iso3(c.Scalar())) {
          err(cl, ck, "expected an ISO3 code (3 upper-case letters), got '" + (c.IsScalar() ? c.Scalar() : std::string("<non-scalar>")) + "'");
          continue;
        }
        const std::string iso = c.Scalar();
        if (auto s = seen.find(iso); s != seen.end()) {
          err(cl, ck, iso + " is listed twice (first at line " + std::to_string(s->second.line) + ")");
          continue;
        }
        seen.emplace(iso, cl);
        o.iso3.push_back(iso);
        o.label.push_back(li);
        o.loc.push_back(cl);
      }
    }
    if (o.labels.empty()) err(loc_of(o.path, blocs), "blocs", "no blocs listed");
    else if (o.iso3.empty()) err(loc_of(o.path, blocs), "blocs", "no countries listed");
  }
  if (!diags.empty()) throw ConfigError(std::move(diags));
  return o;
}

// ---------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------

double accuracy(const std::vector<int>& obs, const std::vector<int>& pred) {
  if (obs.empty()) return nan();
  std::size_t c = 0;
  for (std::size_t i = 0; i < obs.size(); ++i) c += obs[i] == pred[i] ? 1 : 0;
  return static_cast<double>(c) / static_cast<double>(obs.size());
}

double cohen_kappa(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels) {
  const double n = static_cast<double>(obs.size());
  if (obs.empty()) return nan();
  std::vector<double> a(static_cast<std::size_t>(n_labels), 0.0), b(a.size(), 0.0);
  for (std::size_t i = 0; i < obs.size(); ++i) {
    a[static_cast<std::size_t>(obs[i])] += 1;
    b[static_cast<std::size_t>(pred[i])] += 1;
  }
  double pe = 0.0;
  for (std::size_t l = 0; l < a.size(); ++l) pe += (a[l] / n) * (b[l] / n);
  const double po = accuracy(obs, pred);
  if (std::fabs(1.0 - pe) < 1e-15) return po == 1.0 ? 1.0 : nan();
  return (po - pe) / (1.0 - pe);
}

double adjusted_rand_index(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels) {
  auto c2 = [](double x) { return x * (x - 1) / 2.0; };
  const auto L = static_cast<std::size_t>(n_labels);
  std::vector<double> table(L * L, 0.0), a(L, 0.0), b(L, 0.0);
  for (std::size_t i = 0; i < obs.size(); ++i) {
    const auto o = static_cast<std::size_t>(obs[i]), p = static_cast<std::size_t>(pred[i]);
    table[o * L + p] += 1;
    a[o] += 1;
    b[p] += 1;
  }
  double index = 0, sa = 0, sb = 0;
  for (double v : table) index += c2(v);
  for (double v : a) sa += c2(v);
  for (double v : b) sb += c2(v);
  const double total = c2(static_cast<double>(obs.size()));
  if (total == 0) return 1.0;
  const double expected = sa * sb / total, maximum = 0.5 * (sa + sb);
  if (std::fabs(maximum - expected) < 1e-12) return 1.0;  // both partitions trivial (sklearn convention)
  return (index - expected) / (maximum - expected);
}

double brier(const std::vector<int>& obs, const std::vector<std::vector<double>>& prob) {
  if (obs.empty()) return nan();
  double s = 0.0;
  for (std::size_t i = 0; i < obs.size(); ++i)
    for (std::size_t l = 0; l < prob[i].size(); ++l) {
      const double t = static_cast<int>(l) == obs[i] ? 1.0 : 0.0;
      s += (prob[i][l] - t) * (prob[i][l] - t);
    }
  return s / static_cast<double>(obs.size());
}

Scores score_labels(const std::vector<int>& obs, const std::vector<int>& pred, const std::vector<std::vector<double>>& prob,
                    const std::vector<std::string>& labels) {
  const int L = static_cast<int>(labels.size());
  Scores s;
  s.accuracy = accuracy(obs, pred);
  s.kappa = cohen_kappa(obs, pred, L);
  s.ari = adjusted_rand_index(obs, pred, L);
  s.brier = brier(obs, prob);
  for (int l = 0; l < L; ++l) {
    ClassScore c;
    c.label = labels[static_cast<std::size_t>(l)];
    for (std::size_t i = 0; i < obs.size(); ++i) {
      c.observed += obs[i] == l ? 1 : 0;
      c.predicted += pred[i] == l ? 1 : 0;
      c.correct += (obs[i] == l && pred[i] == l) ? 1 : 0;
    }
    c.precision = c.predicted > 0 ? static_cast<double>(c.correct) / c.predicted : nan();
    c.recall = c.observed > 0 ? static_cast<double>(c.correct) / c.observed : nan();
    s.per_class.push_back(c);
  }
  return s;
}

// ---------------------------------------------------------------------------
// Run folder
// ---------------------------------------------------------------------------

namespace {

struct RunInfo {
  std::vector<std::string> blocs, standards;
  std::vector<std::pair<std::string, std::string>> powers;  // id, home
  int replicates = 0;
};

RunInfo read_metadata(const fs::path& dir) {
  RunInfo info;
  const fs::path p = dir / "metadata.yaml";
  if (!fs::exists(p)) return info;
  try {
    const YAML::Node m = YAML::LoadFile(p.string());
    if (m["blocs"]) info.blocs = m["blocs"].as<std::vector<std::string>>();
    if (m["standards"]) info.standards = m["standards"].as<std::vector<std::string>>();
    if (m["powers"])
      for (const auto& pw : m["powers"])
        info.powers.emplace_back(pw["id"].as<std::string>(), pw["home"] ? pw["home"].as<std::string>() : "");
    if (m["replicates"]) info.replicates = m["replicates"].as<int>();
  } catch (const YAML::Exception& e) {
    throw RunError(p.string() + ": cannot read run metadata: " + e.what());
  }
  return info;
}

// Label of (replicate, country) at one tick.
struct TickLabels {
  std::map<int, std::map<std::string, std::string>> by_rep;  // replicate → iso3 → label
};

// Groups (id → members) for the membership baseline.
std::vector<Group> read_groups_file(const fs::path& p) {
  std::vector<Group> out;
  const YAML::Node root = YAML::LoadFile(p.string());
  const YAML::Node lists = root["lists"] ? root["lists"] : root;
  if (lists.IsSequence()) {
    for (const auto& l : lists) {
      Group g;
      g.id = l["id"].as<std::string>();
      if (l["members"]) g.members = l["members"].as<std::vector<std::string>>();
      out.push_back(std::move(g));
    }
  } else if (lists.IsMap()) {
    for (auto it = lists.begin(); it != lists.end(); ++it) {
      Group g;
      g.id = it->first.as<std::string>();
      g.members = it->second.as<std::vector<std::string>>();
      out.push_back(std::move(g));
    }
  }
  return out;
}

std::string fmt(double v, const char* f = "%.3f") {
  if (std::isnan(v)) return "nan";
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

}  // namespace

Report score_run(const fs::path& run_dir, const Observed& obs, const Options& opt) {
  Report rep;
  rep.run_dir = run_dir.string();
  rep.observed_path = obs.path;
  rep.what = !opt.what.empty() ? opt.what : (!obs.what.empty() ? obs.what : "alignment");
  if (rep.what != "alignment" && rep.what != "standard")
    throw ConfigError(SourceLoc{"<command line>", 0, 0}, "--what", "expected 'alignment' or 'standard', got '" + rep.what + "'");
  if (!opt.what.empty() && !obs.what.empty() && opt.what != obs.what)
    rep.notes.push_back("--what " + opt.what + " overrides 'what: " + obs.what + "' of the observed file");
  const fs::path csv = run_dir / "countries.csv";
  if (!fs::exists(csv)) throw RunError(csv.string() + ": cannot open (is this a run folder with outputs.countries on?)");
  const RunInfo info = read_metadata(run_dir);

  std::vector<Diagnostic> problems;
  std::optional<CsvTable> table = read_csv_file(csv, "countries.csv", problems);
  if (!problems.empty()) throw RunError(problems.front().str());
  const std::vector<std::string>& header = table->header.fields;
  auto col = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw RunError(csv.string() + ": no column '" + name + "'");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_rep = col("replicate"), c_tick = col("tick"), c_date = col("date"), c_iso = col("iso3"),
                    c_lab = col(rep.what);
  // First pass over the file: rows of tick 0 and of every tick (to resolve the target).
  std::map<int, TickLabels> ticks;  // only tick 0 and the target are kept after resolution
  std::map<int, std::string> tick_date;
  std::set<std::string> run_countries, seen_labels;
  std::vector<std::vector<std::string>> rows;
  for (CsvRow& r : table->rows) rows.push_back(std::move(r.fields));
  for (const auto& f : rows) {
    const int t = std::stoi(f[c_tick]);
    tick_date[t] = f[c_date];
    run_countries.insert(f[c_iso]);
    seen_labels.insert(f[c_lab]);
  }
  if (rows.empty()) throw RunError(csv.string() + ": no rows");
  // Resolve the tick.
  auto tick_of_date = [&](const std::string& d) -> std::optional<int> {
    for (const auto& [t, dd] : tick_date)
      if (dd == d) return t;
    return std::nullopt;
  };
  std::string recorded;
  for (const auto& [t, d] : tick_date) recorded += (recorded.empty() ? "" : ", ") + std::to_string(t) + " (" + d + ")";
  if (opt.tick) {
    if (!tick_date.count(*opt.tick))
      throw ConfigError(SourceLoc{"<command line>", 0, 0}, "--tick",
                        "tick " + std::to_string(*opt.tick) + " is not recorded in " + csv.string() + "; recorded: " + recorded);
    rep.tick = *opt.tick;
  } else if (!opt.date.empty()) {
    auto t = tick_of_date(opt.date);
    if (!t) throw ConfigError(SourceLoc{"<command line>", 0, 0}, "--date", "date " + opt.date + " is not recorded; recorded: " + recorded);
    rep.tick = *t;
  } else if (!obs.date.empty()) {
    auto t = tick_of_date(obs.date);
    if (!t) throw ConfigError(obs.date_loc, "date", "date " + obs.date + " is not recorded in the run; recorded: " + recorded);
    rep.tick = *t;
  } else {
    rep.tick = tick_date.rbegin()->first;
  }
  rep.date = tick_date[rep.tick];
  for (const auto& f : rows) {
    const int t = std::stoi(f[c_tick]);
    if (t == rep.tick || t == 0) ticks[t].by_rep[std::stoi(f[c_rep])][f[c_iso]] = f[c_lab];
  }
  rows.clear();

  // Labels: the run's (metadata), else the ones seen plus the neutral label.
  const std::string neutral = rep.what == "alignment" ? "nonaligned" : "intl";
  std::vector<std::string> labels = rep.what == "alignment" ? info.blocs : info.standards;
  if (labels.empty()) {
    labels.push_back(neutral);
    for (const auto& l : seen_labels)
      if (l != neutral) labels.push_back(l);
  }
  rep.labels = labels;
  auto label_index = [&](const std::string& l) {
    auto it = std::find(labels.begin(), labels.end(), l);
    return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
  };
  // Check the observed file against the run.
  std::vector<Diagnostic> diags;
  std::vector<int> obs_to_run(obs.labels.size());
  for (std::size_t l = 0; l < obs.labels.size(); ++l) {
    obs_to_run[l] = label_index(obs.labels[l]);
    if (obs_to_run[l] < 0) {
      const std::string h = did_you_mean(obs.labels[l], labels);
      std::string all;
      for (const auto& x : labels) all += (all.empty() ? "" : ", ") + x;
      diags.push_back({obs.label_loc[l], "blocs." + obs.labels[l],
                       "'" + obs.labels[l] + "' is not a " + (rep.what == "alignment" ? "bloc" : "standards") +
                           " label of the run" + (h.empty() ? "" : " (did you mean '" + h + "'?)") + "; labels: " + all});
    }
  }
  for (std::size_t i = 0; i < obs.iso3.size(); ++i)
    if (!run_countries.count(obs.iso3[i]))
      diags.push_back({obs.loc[i], "blocs." + obs.labels[static_cast<std::size_t>(obs.label[i])], obs.iso3[i] + " is not a country of the run"});
  if (!diags.empty()) throw ConfigError(std::move(diags));

  const std::size_t n = obs.iso3.size();
  const auto L = labels.size();
  std::vector<int> truth(n);
  for (std::size_t i = 0; i < n; ++i) truth[i] = obs_to_run[static_cast<std::size_t>(obs.label[i])];
  rep.countries = static_cast<int>(n);
  const auto& target = ticks[rep.tick].by_rep;
  rep.replicates = static_cast<int>(target.size());

  auto frequencies = [&](const std::map<int, std::map<std::string, std::string>>& by_rep) {
    std::vector<std::vector<double>> p(n, std::vector<double>(L, 0.0));
    for (const auto& [r, m] : by_rep)
      for (std::size_t i = 0; i < n; ++i) {
        auto it = m.find(obs.iso3[i]);
        if (it == m.end()) throw RunError("replicate " + std::to_string(r) + " has no row for " + obs.iso3[i]);
        const int li = label_index(it->second);
        if (li < 0) throw RunError("unknown label '" + it->second + "' in " + csv.string());
        p[i][static_cast<std::size_t>(li)] += 1.0 / static_cast<double>(by_rep.size());
      }
    return p;
  };
  auto modal = [&](const std::vector<std::vector<double>>& p) {
    std::vector<int> m(n);
    for (std::size_t i = 0; i < n; ++i) m[i] = static_cast<int>(std::max_element(p[i].begin(), p[i].end()) - p[i].begin());
    return m;
  };
  auto one_hot = [&](const std::vector<int>& pred) {
    std::vector<std::vector<double>> p(n, std::vector<double>(L, 0.0));
    for (std::size_t i = 0; i < n; ++i) p[i][static_cast<std::size_t>(pred[i])] = 1.0;
    return p;
  };
  // BlocSim modal + frequencies.
  {
    const auto p = frequencies(target);
    Predictor pr;
    pr.name = "BlocSim (modal over replicates; Brier from frequencies)";
    pr.scores = score_labels(truth, modal(p), p, labels);
    rep.predictors.push_back(pr);
  }
  // BlocSim per replicate.
  {
    Predictor pr;
    pr.name = "BlocSim (per replicate, mean)";
    double acc = 0, kap = 0, ari = 0, bri = 0;
    pr.accuracy_lo = 1e300;
    pr.accuracy_hi = -1e300;
    int kn = 0;
    for (const auto& [r, m] : target) {
      std::map<int, std::map<std::string, std::string>> one{{r, m}};
      const auto p = frequencies(one);
      const auto s = score_labels(truth, modal(p), p, labels);
      acc += s.accuracy;
      if (!std::isnan(s.kappa)) {
        kap += s.kappa;
        ++kn;
      }
      ari += s.ari;
      bri += s.brier;
      pr.accuracy_lo = std::min(pr.accuracy_lo, s.accuracy);
      pr.accuracy_hi = std::max(pr.accuracy_hi, s.accuracy);
    }
    const double R = static_cast<double>(target.size());
    pr.scores.accuracy = acc / R;
    pr.scores.kappa = kn ? kap / kn : nan();
    pr.scores.ari = ari / R;
    pr.scores.brier = bri / R;
    pr.note = "accuracy range " + fmt(pr.accuracy_lo) + "-" + fmt(pr.accuracy_hi);
    rep.predictors.push_back(pr);
  }
  // Baseline: everyone neutral.
  {
    std::vector<int> pred(n, label_index(neutral) < 0 ? 0 : label_index(neutral));
    Predictor pr;
    pr.name = "baseline: everyone " + neutral;
    pr.scores = score_labels(truth, pred, one_hot(pred), labels);
    rep.predictors.push_back(pr);
  }
  // Baseline: initial state.
  {
    Predictor pr;
    pr.name = "baseline: initial state (tick 0)";
    if (ticks.count(0)) {
      const auto pred = modal(frequencies(ticks[0].by_rep));
      pr.scores = score_labels(truth, pred, one_hot(pred), labels);
    } else {
      pr.available = false;
      pr.note = "tick 0 not recorded";
    }
    rep.predictors.push_back(pr);
  }
  // Baseline: G7/BRICS membership.
  {
    Predictor pr;
    pr.name = "baseline: G7/BRICS membership";
    std::vector<Group> groups;
    std::vector<std::pair<std::string, std::string>> powers = info.powers;
    std::string from;
    try {
      const ScenarioConfig cfg = load_scenario(run_dir / "scenario.resolved.yaml");
      groups = cfg.world.groups;
      powers.clear();
      for (const auto& p : cfg.powers) powers.emplace_back(p.id, p.home);
      from = "scenario.resolved.yaml";
    } catch (const std::exception&) {
      std::vector<fs::path> cands;
      if (!opt.groups.empty()) cands.push_back(opt.groups);
      cands.emplace_back("scenarios/world/groups.yaml");
      if (const fs::path dir = data_dir(); !dir.empty()) cands.push_back(dir / "scenarios/world/groups.yaml");
      for (const auto& c : cands) {
        if (!fs::exists(c)) continue;
        try {
          groups = read_groups_file(c);
          from = c.string();
          break;
        } catch (const std::exception&) {
        }
      }
    }
    std::vector<int> pred(n, std::max(0, label_index(neutral)));
    std::vector<std::string> used;
    for (const char* gid : {"g7", "brics_members"}) {
      auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& x) { return x.id == gid; });
      if (g == groups.end()) continue;
      int li = -1;
      for (const auto& [id, home] : powers)
        if (!home.empty() && std::find(g->members.begin(), g->members.end(), home) != g->members.end()) {
          li = label_index(id);
          break;
        }
      if (li < 0) continue;
      used.push_back(std::string(gid) + " -> " + labels[static_cast<std::size_t>(li)]);
      for (std::size_t i = 0; i < n; ++i)
        if (pred[i] == std::max(0, label_index(neutral)) &&
            std::find(g->members.begin(), g->members.end(), obs.iso3[i]) != g->members.end())
          pred[i] = li;
    }
    if (used.empty()) {
      pr.available = false;
      pr.note = from.empty() ? "no groups found (pass --groups FILE)" : "no g7/brics_members group containing a power's home in " + from;
    } else {
      std::string u;
      for (const auto& s : used) u += (u.empty() ? "" : ", ") + s;
      pr.note = u + " (groups from " + from + ")";
      pr.scores = score_labels(truth, pred, one_hot(pred), labels);
    }
    rep.predictors.push_back(pr);
  }
  return rep;
}

std::string format_report(const Report& r) {
  std::ostringstream o;
  o << "run:       " << r.run_dir << "\nobserved:  " << r.observed_path << "\ncompared:  " << r.what << " at tick "
    << r.tick << " (" << r.date << "), " << r.replicates << " replicate" << (r.replicates == 1 ? "" : "s") << ", "
    << r.countries << " countries\nlabels:    ";
  for (std::size_t i = 0; i < r.labels.size(); ++i) o << (i ? ", " : "") << r.labels[i];
  o << "\n\n";
  std::size_t w = 10;
  for (const auto& p : r.predictors) w = std::max(w, p.name.size());
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-*s  %8s  %8s  %8s  %8s\n", static_cast<int>(w), "predictor", "accuracy", "kappa", "ARI", "Brier");
  o << buf << std::string(w + 40, '-') << "\n";
  for (const auto& p : r.predictors) {
    if (!p.available) {
      std::snprintf(buf, sizeof buf, "%-*s  %s\n", static_cast<int>(w), p.name.c_str(), ("n/a: " + p.note).c_str());
      o << buf;
      continue;
    }
    std::snprintf(buf, sizeof buf, "%-*s  %8s  %8s  %8s  %8s", static_cast<int>(w), p.name.c_str(), fmt(p.scores.accuracy).c_str(),
                  fmt(p.scores.kappa).c_str(), fmt(p.scores.ari).c_str(), fmt(p.scores.brier).c_str());
    o << buf << (p.note.empty() ? "" : "   " + p.note) << "\n";
  }
  o << "\nper-bloc precision / recall (observed n, predicted n):\n";
  std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(w), "predictor");
  o << buf;
  for (const auto& l : r.labels) {
    std::snprintf(buf, sizeof buf, "  %22s", l.c_str());
    o << buf;
  }
  o << "\n";
  for (const auto& p : r.predictors) {
    if (!p.available || p.scores.per_class.empty()) continue;
    std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(w), p.name.c_str());
    o << buf;
    for (const auto& c : p.scores.per_class) {
      const std::string cell = fmt(c.precision, "%.2f") + "/" + fmt(c.recall, "%.2f") + " (" + std::to_string(c.observed) + "," +
                               std::to_string(c.predicted) + ")";
      std::snprintf(buf, sizeof buf, "  %22s", cell.c_str());
      o << buf;
    }
    o << "\n";
  }
  o << "\nBrier: multi-class, (1/n) sum_i sum_b (p_ib - 1{obs_i = b})^2 in [0, 2]; deterministic predictors score "
       "2(1 - accuracy).\n";
  for (const auto& n : r.notes) o << "note: " << n << "\n";
  return o.str();
}

std::string report_csv(const Report& r) {
  std::ostringstream o;
  o << "predictor,metric,label,value\n";
  auto num = [](double v) { return format_number(v); };
  for (const auto& p : r.predictors) {
    if (!p.available) continue;
    const std::string name = "\"" + p.name + "\"";
    o << name << ",accuracy,," << num(p.scores.accuracy) << "\n";
    o << name << ",kappa,," << num(p.scores.kappa) << "\n";
    o << name << ",ari,," << num(p.scores.ari) << "\n";
    o << name << ",brier,," << num(p.scores.brier) << "\n";
    for (const auto& c : p.scores.per_class) {
      o << name << ",precision," << c.label << "," << num(c.precision) << "\n";
      o << name << ",recall," << c.label << "," << num(c.recall) << "\n";
    }
  }
  return o.str();
}

}  // namespace blocsim::score
