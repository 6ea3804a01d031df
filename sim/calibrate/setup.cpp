// ABC-SMC calibration: the observations (observed CSV or synthetic), the
// comparison years, and the evaluation of particles (simulate, count classes,
// discrepancies) — parallel over particles and, with MPI, over processes.
#include "calibrate/abc_detail.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "blocsim/engine/simulation.h"
#include "blocsim/input/country_panel.h"
#include "blocsim/io/error.h"
#include "blocsim/parallel.h"

namespace blocsim::calib::detail {

// ---------------------------------------------------------------------------
// Particles
// ---------------------------------------------------------------------------



int bloc_class(const Setup& s, int bloc) {
  if (bloc == s.low_bloc) return 1;
  if (bloc == s.high_bloc) return 2;
  return 0;
}

//! Simulate one parameter vector `replicates` times; counts per year (years =
//! fit then held) and country.
std::vector<Counts> simulate_counts(const Setup& s, const std::vector<double>& theta, std::uint64_t root,
                                    std::uint64_t point, int replicates, const std::vector<const ObservedYear*>& years) {
  ScenarioConfig cfg = s.cfg;
  const auto& pr = s.spec->priors;
  for (std::size_t d = 0; d < pr.size(); ++d) set_param(cfg, pr[d].path, theta[d]);
  std::vector<Counts> out(1);
  Counts& counts = out[0];
  counts.resize(years.size());
  for (std::size_t y = 0; y < years.size(); ++y) counts[y].assign(years[y]->country.size(), {0, 0, 0});
  for (int r = 0; r < replicates; ++r) {
    const std::uint64_t seed = derive_seed(root, point, static_cast<std::uint64_t>(r));
    simulate(cfg, seed, [&](const World& w) {
      for (std::size_t y = 0; y < years.size(); ++y) {
        if (years[y]->tick != w.tick) continue;
        const auto& o = *years[y];
        for (std::size_t i = 0; i < o.country.size(); ++i)
          ++counts[y][i][static_cast<std::size_t>(bloc_class(s, w.alignment[static_cast<std::size_t>(o.country[i])]))];
      }
    }, s.worlds.get());
  }
  return out;
}

std::array<double, 5> components(const Setup& s, const Counts& counts, int replicates) {
  std::array<double, 5> c{};
  const auto& fit = s.fit;
  for (std::size_t y = 0; y < fit.size(); ++y) {
    const YearScores ys = year_scores(fit[y], counts[y], replicates);
    c[0] += ys.brier;
    c[1] += ys.log_score;
    c[2] += ys.spearman;
    c[3] += ys.shares;
  }
  for (int k = 0; k < 4; ++k) c[static_cast<std::size_t>(k)] /= static_cast<double>(fit.size());
  const auto& t = s.spec->targets;
  if (t.change > 0) {
    std::size_t a = 0, b = 0;
    for (std::size_t y = 0; y < fit.size(); ++y) {
      if (fit[y].year == t.change_from) a = y;
      if (fit[y].year == t.change_to) b = y;
    }
    c[4] = change_score(fit[a], counts[a], fit[b], counts[b], replicates);
  }
  return c;
}

double distance_of(const TargetWeights& t, const std::array<double, 5>& c) {
  return t.brier * c[0] + t.log_score * c[1] + t.spearman * c[2] + t.shares * c[3] + t.change * c[4];
}

void evaluate(const Setup& s, Particle& p, int replicates) {
  std::vector<const ObservedYear*> years;
  for (const auto& y : s.fit) years.push_back(&y);
  try {
    const auto counts = simulate_counts(s, p.theta, s.spec->seed,
                                        (static_cast<std::uint64_t>(p.born) << 32) | static_cast<std::uint32_t>(p.index),
                                        replicates, years);
    p.parts = components(s, counts[0], replicates);
    p.distance = distance_of(s.spec->targets, p.parts);
    if (std::isnan(p.distance)) p.distance = kInf;
  } catch (const std::exception&) {
    p.failed = true;
    p.distance = kInf;
  }
}

//! Indices i of [0, n) this process simulates (i % size == rank).
std::vector<std::int64_t> owned(std::int64_t n, const CalibOptions& opt) {
  std::vector<std::int64_t> out;
  for (std::int64_t i = opt.rank; i < n; i += std::max(1, opt.size)) out.push_back(i);
  return out;
}

void evaluate_all(const Setup& s, std::vector<Particle>& ps, int replicates, Progress& progress, const CalibOptions& opt,
                  const std::string& key) {
  // one particle per thread (its simulations run serially inside); index-owned slots
  const auto mine = owned(static_cast<std::int64_t>(ps.size()), opt);
  parallel_for_runs(static_cast<std::int64_t>(mine.size()), 0, [&](std::int64_t k, int slot) {
    evaluate(s, ps[static_cast<std::size_t>(mine[static_cast<std::size_t>(k)])], replicates);
    progress.add(replicates);
    if (slot == 0) progress.maybe_print();
  });
  if (opt.size <= 1) return;
  // share the results: distance, the five components, failed — zeros where not owned
  constexpr std::size_t W = 7;
  std::vector<double> buf(ps.size() * W, 0.0);
  for (std::int64_t i : mine) {
    const Particle& p = ps[static_cast<std::size_t>(i)];
    double* b = &buf[static_cast<std::size_t>(i) * W];
    b[0] = p.distance;
    for (std::size_t k = 0; k < 5; ++k) b[1 + k] = p.parts[k];
    b[6] = p.failed ? 1.0 : 0.0;
  }
  opt.allreduce(buf, key);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const double* b = &buf[i * W];
    ps[i].distance = b[0];
    for (std::size_t k = 0; k < 5; ++k) ps[i].parts[k] = b[1 + k];
    ps[i].failed = b[6] != 0.0;
  }
}

// ---------------------------------------------------------------------------
// Observations
// ---------------------------------------------------------------------------

std::string date_of(int year, int month) {
  return std::to_string(year) + "-" + (month < 10 ? "0" : "") + std::to_string(month);
}

int classify(const CalibSpec& spec, double axis) {
  if (axis <= spec.cut_low) return 1;
  if (axis >= spec.cut_high) return 2;
  return 0;
}

ObservedYear make_year(const Setup& s, int year, const std::map<std::string, double>& rows) {
  const CalibSpec& spec = *s.spec;
  ObservedYear o;
  o.year = year;
  o.tick = *date_tick(s.cfg.calendar, date_of(year, spec.month));
  for (std::size_t i = 0; i < s.cfg.world.countries.size(); ++i) {
    const std::string& iso = s.cfg.world.countries[i].iso3;
    if (std::find(spec.exclude.begin(), spec.exclude.end(), iso) != spec.exclude.end()) continue;
    auto it = rows.find(iso);
    if (it == rows.end()) continue;
    o.country.push_back(static_cast<std::int32_t>(i));
    o.axis.push_back(it->second);
    o.cls.push_back(classify(spec, it->second));
  }
  return o;
}

//! Synthetic observations: axis_i = (1 + freq(high) − freq(low)) / 2 over the
//! synthetic replicates at the true parameter values.
std::map<int, std::map<std::string, double>> synthetic_observed(const Setup& s) {
  const CalibSpec& spec = *s.spec;
  const SyntheticSpec& syn = *spec.synthetic;
  ScenarioConfig cfg = s.cfg;
  for (const auto& [p, v] : syn.set) set_param(cfg, p, v);
  std::vector<int> years = spec.years;
  years.insert(years.end(), spec.validate_years.begin(), spec.validate_years.end());
  std::map<int, std::map<std::string, double>> out;
  std::map<int, std::vector<int>> diff;  // year → Σ (high − low) per country
  for (int y : years) diff[y].assign(cfg.world.countries.size(), 0);
  WorldCache worlds;  // the replicates share the tick-0 world (bit-identical to make_world's)
  for (int r = 0; r < syn.replicates; ++r) {
    simulate(cfg, derive_seed(syn.seed, 0, static_cast<std::uint64_t>(r)), [&](const World& w) {
      for (int y : years) {
        if (*date_tick(cfg.calendar, date_of(y, spec.month)) != w.tick) continue;
        for (std::int32_t i = 0; i < w.n; ++i) {
          const int c = bloc_class(s, w.alignment[static_cast<std::size_t>(i)]);
          diff[y][static_cast<std::size_t>(i)] += c == 2 ? 1 : c == 1 ? -1 : 0;
        }
      }
    }, &worlds);
  }
  for (int y : years)
    for (std::size_t i = 0; i < cfg.world.countries.size(); ++i)
      out[y][cfg.world.countries[i].iso3] = 0.5 * (1.0 + diff[y][i] / static_cast<double>(syn.replicates));
  return out;
}

Setup make_setup(const CalibSpec& spec) {
  Setup s;
  s.spec = &spec;
  s.cfg = load_scenario(spec.scenario, spec.scenario_set);
  s.low_bloc = find_power(s.cfg, spec.low) + 1;
  s.high_bloc = find_power(s.cfg, spec.high) + 1;
  int last = 0;
  for (const auto& list : {spec.years, spec.validate_years})
    for (int y : list) last = std::max(last, *date_tick(s.cfg.calendar, date_of(y, spec.month)));
  s.cfg.ticks = last;  // nothing after the last compared tick matters
  s.cfg.outputs.countries = false;
  const auto rows = spec.synthetic ? synthetic_observed(s) : read_country_panel(spec.observed, spec.column);
  std::vector<Diagnostic> diags;
  for (const auto& [list, dst] : {std::pair{&spec.years, &s.fit}, std::pair{&spec.validate_years, &s.held}})
    for (int y : *list) {
      auto it = rows.find(y);
      if (it == rows.end()) {
        diags.push_back({SourceLoc{spec.file.string(), 0, 0}, "compare",
                         "the observations have no rows for year " + std::to_string(y)});
        continue;
      }
      dst->push_back(make_year(s, y, it->second));
      if (dst->back().country.size() < 3)
        diags.push_back({SourceLoc{spec.file.string(), 0, 0}, "compare",
                         "fewer than 3 countries of the scenario are observed in " + std::to_string(y)});
    }
  if (!diags.empty()) throw ConfigError(diags);
  return s;
}

}  // namespace blocsim::calib::detail
