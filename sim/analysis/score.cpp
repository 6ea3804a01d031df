// Scoring a run against observed alignment (include/blocsim/analysis/score.h):
// read the run folder, build the forecasts of BlocSim and of the baselines
// in the scored classes, score them and compare each baseline with BlocSim.
//
// Predictors, all scored on the countries of the observed file (formulas in
// docs/validation.md §2):
// - BlocSim: replicate frequencies at the tick (point prediction = argmax,
//   ties → the class listed first: nonaligned/intl, then powers; for a list,
//   `other` unless more than half the replicates hold the bloc);
// - BlocSim per replicate: each replicate scored alone, metrics averaged;
// - everyone non-aligned (or on the international standard);
// - base rate: the observed class shares of the scored list itself;
// - democracy alone / UNGA position alone: quintiles of the democracy
//   identity value at tick 0 / of the UNGA axis of the latest year up to the
//   compared year, each bin forecasting its observed class frequencies
//   (+½ smoothing). Base rate and these two are fitted to the very list being
//   scored (in-sample), which favours them; BlocSim is not fitted to it;
// - alliances → blocs: a security tie ≥ 0.5 with a power → that power's
//   label (the largest tie), else the neutral label;
// - initial state: the modal label at tick 0 (the data-driven equilibrium);
// - G7/BRICS membership (not compared: it is kept from the first version).
// Every difference BlocSim − baseline gets a bootstrap percentile interval
// over countries (score_forecast.h), deterministic given --seed.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <set>

#include "blocsim/analysis/score.h"
#include "blocsim/engine/rng.h"
#include "blocsim/input/country_panel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/io/csv.h"
#include "blocsim/io/data_dir.h"
#include "blocsim/sweep/sweep.h"

namespace blocsim::score {

namespace fs = std::filesystem;

namespace {

constexpr auto kBootStream = static_cast<std::uint32_t>(Stream::user) + 13;  // score bootstrap draws

// (not nan(): score_metrics.cpp has one, and the sanitizer build compiles
// the library as unity batches, tools/test.sh)
double nan_value() { return std::nan(""); }

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

using ByRep = std::map<int, std::map<std::string, std::string>>;  // replicate → iso3 → label

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

//! UNGA axis per country in the latest year ≤ `year` (iso3 → axis); sets `used`.
std::map<std::string, double> read_unga(const fs::path& file, int year, int& used) {
  CountryPanel by_year = read_country_panel(file, "axis");
  used = 0;
  for (const auto& [y, m] : by_year)
    if (y <= year) used = y;
  if (used == 0) return {};
  return by_year[used];
}

//! Binned single-covariate forecast (score_forecast.h, shared with calibrate):
//! quintiles over the scored countries that have a value, missing values in a
//! sixth bin, each bin forecasting its observed class frequencies (+½).
Probs binned_forecast(const std::vector<std::optional<double>>& value, const std::vector<int>& truth, std::size_t K) {
  std::vector<double> v;
  for (const auto& x : value)
    if (x) v.push_back(*x);
  const QuintileBins bins = quintile_bins(v);
  const Probs freq = bin_frequencies(bins, value, truth, K);
  Probs p;
  for (const auto& x : value) p.push_back(freq[static_cast<std::size_t>(bins.bin(x))]);
  return p;
}

}  // namespace

Report score_run(const fs::path& run_dir, const Observed& obs, const Options& opt) {
  Report rep;
  rep.run_dir = run_dir.string();
  rep.observed_path = obs.path;
  rep.seed = opt.seed;
  rep.bootstrap = opt.bootstrap;
  rep.level = opt.level;
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
  auto find_col = [&](const std::string& name) -> std::optional<std::size_t> {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) return std::nullopt;
    return static_cast<std::size_t>(it - header.begin());
  };
  auto col = [&](const std::string& name) {
    auto c = find_col(name);
    if (!c) throw RunError(csv.string() + ": no column '" + name + "'");
    return *c;
  };
  const std::size_t c_rep = col("replicate"), c_tick = col("tick"), c_date = col("date"), c_iso = col("iso3"),
                    c_lab = col(rep.what);
  const auto c_demo = find_col("democracy");
  std::map<int, std::string> tick_date;
  std::set<std::string> seen_labels;
  std::vector<std::string> run_countries;  // in file order
  std::set<std::string> run_country_set;
  for (const CsvRow& r : table->rows) {
    const auto& f = r.fields;
    tick_date[std::stoi(f[c_tick])] = f[c_date];
    if (run_country_set.insert(f[c_iso]).second) run_countries.push_back(f[c_iso]);
    seen_labels.insert(f[c_lab]);
  }
  if (table->rows.empty()) throw RunError(csv.string() + ": no rows");
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
  std::map<int, ByRep> ticks;
  std::map<std::string, double> demo_t0;  // democracy column at tick 0 (first replicate seen)
  for (const CsvRow& r : table->rows) {
    const auto& f = r.fields;
    const int t = std::stoi(f[c_tick]);
    if (t == rep.tick || t == 0) ticks[t][std::stoi(f[c_rep])][f[c_iso]] = f[c_lab];
    if (t == 0 && c_demo && !demo_t0.count(f[c_iso])) demo_t0[f[c_iso]] = std::stod(f[*c_demo]);
  }
  table.reset();

  // The run's scenario (for alliances, democracy, groups), when it reloads.
  std::optional<ScenarioConfig> cfg;
  try {
    cfg = load_scenario(run_dir / "scenario.resolved.yaml");
  } catch (const std::exception&) {
  }
  std::vector<std::pair<std::string, std::string>> powers = info.powers;
  if (cfg) {
    powers.clear();
    for (const auto& p : cfg->powers) powers.emplace_back(p.id, p.home);
  }

  // Run labels: the run's (metadata), else the ones seen plus the neutral label.
  const std::string neutral = rep.what == "alignment" ? "nonaligned" : "intl";
  std::vector<std::string> labels = rep.what == "alignment" ? info.blocs : info.standards;
  if (labels.empty()) {
    labels.push_back(neutral);
    for (const auto& l : seen_labels)
      if (l != neutral) labels.push_back(l);
  }
  auto label_index = [&](const std::string& l) {
    auto it = std::find(labels.begin(), labels.end(), l);
    return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
  };
  const std::size_t L = labels.size();

  // Check the observed file against the run and fix the scored countries.
  std::vector<Diagnostic> diags;
  auto bad_label = [&](const std::string& l, const SourceLoc& loc, const std::string& key) {
    const std::string h = did_you_mean(l, labels);
    std::string all;
    for (const auto& x : labels) all += (all.empty() ? "" : ", ") + x;
    diags.push_back({loc, key,
                     "'" + l + "' is not a " + (rep.what == "alignment" ? "bloc" : "standards") + " label of the run" +
                         (h.empty() ? "" : " (did you mean '" + h + "'?)") + "; labels: " + all});
  };
  std::vector<int> obs_to_run(obs.labels.size(), -1);
  int bloc = -1;  // list: the run label of the event
  if (obs.is_list) {
    bloc = label_index(obs.list_bloc);
    if (bloc < 0) bad_label(obs.list_bloc, obs.list_bloc_loc, "list.bloc");
  } else {
    for (std::size_t l = 0; l < obs.labels.size(); ++l) {
      obs_to_run[l] = label_index(obs.labels[l]);
      if (obs_to_run[l] < 0) bad_label(obs.labels[l], obs.label_loc[l], "blocs." + obs.labels[l]);
    }
  }
  auto obs_key = [&](std::size_t i) {
    return obs.is_list ? std::string(obs.label[i] == 1 ? "list.members" : "list.nonmembers")
                       : "blocs." + obs.labels[static_cast<std::size_t>(obs.label[i])];
  };
  for (std::size_t i = 0; i < obs.iso3.size(); ++i)
    if (!run_country_set.count(obs.iso3[i])) diags.push_back({obs.loc[i], obs_key(i), obs.iso3[i] + " is not a country of the run"});
  for (std::size_t i = 0; i < obs.exclude.size(); ++i)
    if (!run_country_set.count(obs.exclude[i]))
      diags.push_back({obs.exclude_loc[i], "exclude[" + std::to_string(i) + "]", obs.exclude[i] + " is not a country of the run"});
  if (!diags.empty()) throw ConfigError(std::move(diags));

  std::set<std::string> excluded(obs.exclude.begin(), obs.exclude.end());
  if (obs.is_list && !obs.exclude_given)
    for (const auto& [id, home] : powers)
      if (!home.empty()) excluded.insert(home);
  if (!excluded.empty()) {
    std::string e;
    for (const auto& x : excluded) e += (e.empty() ? "" : ", ") + x;
    rep.notes.push_back("not scored: " + e + (obs.is_list && !obs.exclude_given ? " (the powers' home countries; set exclude: to change)" : ""));
  }
  if (obs.is_list) {
    rep.binary = true;
    rep.labels = {"other", obs.list_bloc};
    std::set<std::string> listed;
    for (std::size_t i = 0; i < obs.iso3.size(); ++i) {
      listed.insert(obs.iso3[i]);
      if (excluded.count(obs.iso3[i])) continue;
      rep.iso3.push_back(obs.iso3[i]);
      rep.truth.push_back(obs.label[i]);
    }
    if (obs.one_sided)
      for (const auto& iso : run_countries)
        if (!listed.count(iso) && !excluded.count(iso)) {
          rep.iso3.push_back(iso);
          rep.truth.push_back(0);
        }
  } else {
    rep.labels = labels;
    for (std::size_t i = 0; i < obs.iso3.size(); ++i) {
      if (excluded.count(obs.iso3[i])) continue;
      rep.iso3.push_back(obs.iso3[i]);
      rep.truth.push_back(obs_to_run[static_cast<std::size_t>(obs.label[i])]);
    }
  }
  const std::size_t n = rep.iso3.size();
  const std::size_t K = rep.labels.size();
  const std::vector<int>& truth = rep.truth;
  if (n == 0) throw RunError("no country left to score");
  rep.countries = static_cast<int>(n);
  const ByRep& target = ticks[rep.tick];
  rep.replicates = static_cast<int>(target.size());

  // Forecasts over run labels → the scored classes.
  auto to_classes = [&](const Probs& pl) {
    if (!rep.binary) return pl;
    Probs p;
    for (const auto& row : pl) p.push_back({1.0 - row[static_cast<std::size_t>(bloc)], row[static_cast<std::size_t>(bloc)]});
    return p;
  };
  auto frequencies = [&](const ByRep& by_rep) {
    Probs p(n, std::vector<double>(L, 0.0));
    for (const auto& [r, m] : by_rep)
      for (std::size_t i = 0; i < n; ++i) {
        auto it = m.find(rep.iso3[i]);
        if (it == m.end()) throw RunError("replicate " + std::to_string(r) + " has no row for " + rep.iso3[i]);
        const int li = label_index(it->second);
        if (li < 0) throw RunError("unknown label '" + it->second + "' in " + csv.string());
        p[i][static_cast<std::size_t>(li)] += 1.0 / static_cast<double>(by_rep.size());
      }
    return to_classes(p);
  };
  auto one_hot = [&](const std::vector<int>& run_label) {
    Probs p(n, std::vector<double>(L, 0.0));
    for (std::size_t i = 0; i < n; ++i) p[i][static_cast<std::size_t>(run_label[i])] = 1.0;
    return to_classes(p);
  };
  auto add = [&](std::string name, Probs p, std::string note = {}, bool compared = true) {
    Predictor pr;
    pr.name = std::move(name);
    pr.note = std::move(note);
    pr.compared = compared;
    for (const auto& row : p) pr.pred.push_back(argmax(row));
    pr.scores = score_labels(truth, pr.pred, p, rep.labels);
    pr.scores.auc = class_auc(truth, p);
    pr.scores.log_score = log_score(truth, p);
    pr.prob = std::move(p);
    rep.predictors.push_back(std::move(pr));
  };
  auto unavailable = [&](std::string name, std::string note) {
    Predictor pr;
    pr.name = std::move(name);
    pr.note = std::move(note);
    pr.available = false;
    rep.predictors.push_back(std::move(pr));
  };
  const int neutral_label = std::max(0, label_index(neutral));

  // BlocSim: replicate frequencies.
  add("BlocSim (replicate frequencies)", frequencies(target), {}, false);
  // BlocSim per replicate.
  {
    Predictor pr;
    pr.name = "BlocSim (per replicate, mean)";
    pr.compared = false;
    double acc = 0, kap = 0, ari = 0, bri = 0, auc_sum = 0, lg = 0;
    pr.accuracy_lo = 1e300;
    pr.accuracy_hi = -1e300;
    int kn = 0, an = 0;
    for (const auto& [r, m] : target) {
      const Probs p = frequencies(ByRep{{r, m}});
      std::vector<int> pred;
      for (const auto& row : p) pred.push_back(argmax(row));
      const auto s = score_labels(truth, pred, p, rep.labels);
      acc += s.accuracy;
      if (!std::isnan(s.kappa)) {
        kap += s.kappa;
        ++kn;
      }
      if (const double a = class_auc(truth, p); !std::isnan(a)) {
        auc_sum += a;
        ++an;
      }
      lg += log_score(truth, p);
      ari += s.ari;
      bri += s.brier;
      pr.accuracy_lo = std::min(pr.accuracy_lo, s.accuracy);
      pr.accuracy_hi = std::max(pr.accuracy_hi, s.accuracy);
    }
    const double R = static_cast<double>(target.size());
    pr.scores.accuracy = acc / R;
    pr.scores.kappa = kn ? kap / kn : nan_value();
    pr.scores.ari = ari / R;
    pr.scores.brier = bri / R;
    pr.scores.auc = an ? auc_sum / an : nan_value();
    pr.scores.log_score = lg / R;
    char buf[64];
    std::snprintf(buf, sizeof buf, "accuracy range %.3f-%.3f", pr.accuracy_lo, pr.accuracy_hi);
    pr.note = buf;
    rep.predictors.push_back(std::move(pr));
  }
  // Everyone neutral.
  add("baseline: everyone " + neutral, one_hot(std::vector<int>(n, neutral_label)));
  // Base rate of the scored list (in-sample).
  {
    std::vector<double> share(K, 0.0);
    for (int c : truth) share[static_cast<std::size_t>(c)] += 1.0 / static_cast<double>(n);
    add("baseline: base rate", Probs(n, share), "observed class shares of this list (in-sample)");
  }
  // Democracy alone.
  {
    std::vector<std::optional<double>> v(n);
    std::string from;
    const int ddim = cfg ? find_dimension(*cfg, "democracy") : -1;
    for (std::size_t i = 0; i < n; ++i) {
      if (ddim >= 0) {
        for (const auto& c : cfg->world.countries)
          if (c.iso3 == rep.iso3[i] && static_cast<std::size_t>(ddim) < c.identity.size()) v[i] = c.identity[static_cast<std::size_t>(ddim)];
        from = "scenario.resolved.yaml";
      } else if (auto it = demo_t0.find(rep.iso3[i]); it != demo_t0.end()) {
        v[i] = it->second;
        from = "countries.csv, tick 0";
      }
    }
    if (std::none_of(v.begin(), v.end(), [](const auto& x) { return x.has_value(); }))
      unavailable("baseline: democracy alone", "no democracy dimension in the run");
    else
      add("baseline: democracy alone", binned_forecast(v, truth, K), "quintiles -> observed class shares (in-sample; " + from + ")");
  }
  // UNGA position alone.
  {
    std::vector<fs::path> cands;
    if (!opt.unga.empty()) cands.push_back(opt.unga);
    if (cfg)
      for (const auto& f : cfg->world.source_files) cands.push_back(fs::path(f).parent_path() / "unga.csv");
    cands.emplace_back("scenarios/world/unga.csv");
    if (const fs::path dir = data_dir(); !dir.empty()) cands.push_back(dir / "scenarios/world/unga.csv");
    if (!opt.unga.empty() && !fs::exists(opt.unga)) throw RunError(opt.unga.string() + ": cannot open (--unga)");
    std::optional<fs::path> file;
    for (const auto& c : cands)
      if (fs::exists(c)) {
        file = c;
        break;
      }
    const int year = std::stoi(rep.date.substr(0, 4));
    int used = 0;
    std::map<std::string, double> axis;
    if (file) axis = read_unga(*file, year, used);
    if (!file || axis.empty()) {
      unavailable("baseline: UNGA position alone",
                  file ? "no UNGA year <= " + std::to_string(year) + " in " + file->string() : "no unga.csv found (pass --unga FILE)");
    } else {
      std::vector<std::optional<double>> v(n);
      int missing = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (auto it = axis.find(rep.iso3[i]); it != axis.end()) v[i] = it->second;
        else ++missing;
      }
      add("baseline: UNGA position alone", binned_forecast(v, truth, K),
          "quintiles of the " + std::to_string(used) + " axis -> observed class shares (in-sample; " + std::to_string(missing) +
              " without a value share a bin)");
    }
  }
  // Alliances → blocs.
  if (!cfg) {
    unavailable("baseline: alliances -> blocs", "needs the run's scenario.resolved.yaml (security ties)");
  } else {
    std::vector<int> pred(n, neutral_label);
    std::vector<std::string> ids;
    for (const auto& pw : powers) ids.push_back(pw.first);
    for (std::size_t i = 0; i < n; ++i)
      for (const auto& c : cfg->world.countries) {
        if (c.iso3 != rep.iso3[i]) continue;
        const int k = alliance_bloc(c.security, ids);
        if (k >= 0 && label_index(ids[static_cast<std::size_t>(k)]) >= 0) pred[i] = label_index(ids[static_cast<std::size_t>(k)]);
      }
    add("baseline: alliances -> blocs", one_hot(pred), "security tie >= 0.5 with a power -> its label");
  }
  // Initial state.
  if (ticks.count(0)) {
    const Probs p0 = frequencies(ticks[0]);
    std::vector<int> pred;
    for (const auto& row : p0) pred.push_back(argmax(row));
    Probs oh(n, std::vector<double>(K, 0.0));
    for (std::size_t i = 0; i < n; ++i) oh[i][static_cast<std::size_t>(pred[i])] = 1.0;
    add("baseline: initial state (tick 0)", oh);
  } else {
    unavailable("baseline: initial state (tick 0)", "tick 0 not recorded");
  }
  // G7/BRICS membership.
  {
    std::vector<Group> groups;
    std::string from;
    if (cfg) {
      groups = cfg->world.groups;
      from = "scenario.resolved.yaml";
    } else {
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
    std::vector<int> pred(n, neutral_label);
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
        if (pred[i] == neutral_label && std::find(g->members.begin(), g->members.end(), rep.iso3[i]) != g->members.end())
          pred[i] = li;
    }
    if (used.empty()) {
      unavailable("baseline: G7/BRICS membership",
                  from.empty() ? "no groups found (pass --groups FILE)" : "no g7/brics_members group containing a power's home in " + from);
    } else {
      std::string u;
      for (const auto& s : used) u += (u.empty() ? "" : ", ") + s;
      add("baseline: G7/BRICS membership", one_hot(pred), u + " (groups from " + from + ")");
    }
  }

  // Reliability of BlocSim and the differences BlocSim − baseline.
  const Predictor& model = rep.predictors[0];
  rep.reliability = reliability(truth, model.prob);
  if (opt.bootstrap > 0) {
    const auto boot = bootstrap_indices(opt.seed, 0, kBootStream, opt.bootstrap, n);
    const ItemScores ms = item_scores(truth, model.prob);
    // AUC and κ of a predictor on a resample of the items: the values of
    // class_auc and cohen_kappa of the resampled vectors, without building
    // and sorting each resample (score_forecast.h)
    auto stat = [&](const Predictor& p,
                    const std::string& metric) -> std::function<double(const std::vector<std::size_t>&)> {
      if (metric == "auc")
        return [auc = std::make_shared<const ResampledAuc>(truth, p.prob)](const std::vector<std::size_t>& idx) {
          return (*auc)(idx);
        };
      return [&p, &truth, labels = static_cast<int>(rep.labels.size())](const std::vector<std::size_t>& idx) {
        return cohen_kappa_resampled(truth, p.pred, labels, idx);
      };
    };
    for (std::size_t k = 2; k < rep.predictors.size(); ++k) {
      const Predictor& b = rep.predictors[k];
      if (!b.available || !b.compared) continue;
      const ItemScores bs = item_scores(truth, b.prob);
      for (const std::string metric : {"auc", "brier", "log_score", "accuracy", "kappa"}) {
        Comparison c;
        c.baseline = b.name;
        c.metric = metric;
        Difference d;
        if (metric == "brier") d = mean_difference(ms.brier, bs.brier, boot, opt.level);
        else if (metric == "log_score") d = mean_difference(ms.log_score, bs.log_score, boot, opt.level);
        else if (metric == "accuracy") d = mean_difference(ms.hit, bs.hit, boot, opt.level);
        else d = statistic_difference(stat(model, metric), stat(b, metric), boot, n, opt.level);
        const Scores& m = model.scores;
        const Scores& s = b.scores;
        c.model = metric == "auc" ? m.auc : metric == "brier" ? m.brier : metric == "log_score" ? m.log_score : metric == "accuracy" ? m.accuracy : m.kappa;
        c.base = metric == "auc" ? s.auc : metric == "brier" ? s.brier : metric == "log_score" ? s.log_score : metric == "accuracy" ? s.accuracy : s.kappa;
        c.diff = d.value;
        c.lo = d.lo;
        c.hi = d.hi;
        rep.comparisons.push_back(c);
      }
    }
  }
  return rep;
}

}  // namespace blocsim::score
