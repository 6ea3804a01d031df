// ABC-SMC calibration: posterior predictive draws (ppc.csv,
// predictive_countries.csv) and the held-out validation against naive
// baselines (validation.csv), scored with the code `blocsim score` uses
// (include/blocsim/analysis/score_forecast.h).
#include "calibrate/abc_detail.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <sstream>

#include "blocsim/analysis/score.h"
#include "blocsim/analysis/score_forecast.h"
#include "blocsim/parallel.h"
#include "blocsim/sweep/sweep.h"

namespace blocsim::calib::detail {

// ---------------------------------------------------------------------------
// Posterior predictive and held-out scores
// ---------------------------------------------------------------------------

struct Forecast {
  std::string name;
  std::vector<std::vector<std::array<double, 3>>> p;  //!< per year, country: class probabilities
};

std::string predictive_outputs(const Setup& s, const std::vector<Particle>& post, const std::vector<double>& wnorm,
                               int draws, int replicates, Progress& progress, std::string& countries_csv,
                               std::string& ppc_csv, const CalibOptions& opt) {
  const CalibSpec& spec = *s.spec;
  std::vector<const ObservedYear*> years;
  for (const auto& y : s.fit) years.push_back(&y);
  for (const auto& y : s.held) years.push_back(&y);
  // draws by weight (multinomial, deterministic keys)
  std::vector<double> cdf(wnorm.size());
  std::partial_sum(wnorm.begin(), wnorm.end(), cdf.begin());
  std::vector<std::size_t> pick(static_cast<std::size_t>(draws));
  for (int m = 0; m < draws; ++m) {
    Rng rng(spec.seed, kPredictiveTick, static_cast<std::uint64_t>(m), static_cast<std::uint32_t>(kStream));
    const double u = rng.uniform() * cdf.back();
    pick[static_cast<std::size_t>(m)] =
        std::min<std::size_t>(static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()),
                              cdf.size() - 1);
  }
  std::vector<Counts> per(static_cast<std::size_t>(draws));
  std::vector<char> failed(static_cast<std::size_t>(draws), 0);
  const auto mine = owned(draws, opt);
  parallel_for_runs(static_cast<std::int64_t>(mine.size()), 0, [&](std::int64_t kk, int slot) {
    const int m = static_cast<int>(mine[static_cast<std::size_t>(kk)]);
    try {
      per[static_cast<std::size_t>(m)] = simulate_counts(s, post[pick[static_cast<std::size_t>(m)]].theta, spec.seed,
                                                         kPredictiveTick + static_cast<std::uint64_t>(m), replicates,
                                                         years)[0];
    } catch (const std::exception&) {
      failed[static_cast<std::size_t>(m)] = 1;
    }
    progress.add(replicates);
    if (slot == 0) progress.maybe_print();
  });
  if (opt.size > 1) {
    // share the counts (exact small integers as doubles) and failures; zeros where not owned
    std::size_t per_draw = 1;
    for (const auto* y : years) per_draw += 3 * y->country.size();
    std::vector<double> buf(static_cast<std::size_t>(draws) * per_draw, 0.0);
    for (std::int64_t mm : mine) {
      const auto m = static_cast<std::size_t>(mm);
      double* b = &buf[m * per_draw];
      b[0] = failed[m] ? 1.0 : 0.0;
      if (failed[m]) continue;
      std::size_t k = 1;
      for (std::size_t y = 0; y < years.size(); ++y)
        for (const auto& c : per[m][y])
          for (int v : c) b[k++] = v;
    }
    opt.allreduce(buf, "predictive");
    for (std::size_t m = 0; m < static_cast<std::size_t>(draws); ++m) {
      const double* b = &buf[m * per_draw];
      failed[m] = b[0] != 0.0 ? 1 : 0;
      if (failed[m]) continue;
      per[m].assign(years.size(), {});
      std::size_t k = 1;
      for (std::size_t y = 0; y < years.size(); ++y) {
        per[m][y].assign(years[y]->country.size(), {0, 0, 0});
        for (auto& c : per[m][y])
          for (int& v : c) v = static_cast<int>(b[k++]);
      }
    }
  }
  // ppc.csv: per draw and year, the four target discrepancies and the model's class shares
  std::ostringstream ppc;
  ppc << "draw,year,set,brier,log_score,spearman,shares,share_nonaligned,share_" << spec.low << ",share_" << spec.high
      << ",obs_share_nonaligned,obs_share_" << spec.low << ",obs_share_" << spec.high << "\n";
  Counts total;
  total.resize(years.size());
  for (std::size_t y = 0; y < years.size(); ++y) total[y].assign(years[y]->country.size(), {0, 0, 0});
  int ok_draws = 0;
  for (int m = 0; m < draws; ++m) {
    if (failed[static_cast<std::size_t>(m)]) continue;
    ++ok_draws;
    for (std::size_t y = 0; y < years.size(); ++y) {
      const auto& o = *years[y];
      const auto& cnt = per[static_cast<std::size_t>(m)][y];
      const YearScores ys = year_scores(o, cnt, replicates);
      std::array<double, 3> ms{}, os{};
      for (std::size_t i = 0; i < o.country.size(); ++i) {
        for (std::size_t c = 0; c < 3; ++c) {
          ms[c] += cnt[i][c] / static_cast<double>(replicates) / static_cast<double>(o.country.size());
          total[y][i][c] += cnt[i][c];
        }
        os[static_cast<std::size_t>(o.cls[i])] += 1.0 / static_cast<double>(o.country.size());
      }
      ppc << m << "," << o.year << "," << (y < s.fit.size() ? "fit" : "held_out") << "," << num(ys.brier) << ","
          << num(ys.log_score) << "," << num(ys.spearman) << "," << num(ys.shares) << "," << num(ms[0]) << ","
          << num(ms[1]) << "," << num(ms[2]) << "," << num(os[0]) << "," << num(os[1]) << "," << num(os[2]) << "\n";
    }
  }
  ppc_csv = ppc.str();
  // predictive_countries.csv and the forecast of the model
  const double nsim = static_cast<double>(std::max(1, ok_draws * replicates));
  std::ostringstream pc;
  pc << "year,set,iso3,axis,observed,p_nonaligned,p_" << spec.low << ",p_" << spec.high << "\n";
  const char* names[3] = {"nonaligned", nullptr, nullptr};
  Forecast model{"model", {}};
  for (std::size_t y = 0; y < years.size(); ++y) {
    const auto& o = *years[y];
    model.p.emplace_back();
    for (std::size_t i = 0; i < o.country.size(); ++i) {
      std::array<double, 3> p{};
      for (std::size_t c = 0; c < 3; ++c) p[c] = total[y][i][c] / nsim;
      model.p.back().push_back(p);
      const int cls = o.cls[i];
      pc << o.year << "," << (y < s.fit.size() ? "fit" : "held_out") << ","
         << s.cfg.world.countries[static_cast<std::size_t>(o.country[i])].iso3 << "," << num(o.axis[i]) << ","
         << (cls == 0 ? names[0] : cls == 1 ? spec.low : spec.high) << "," << num(p[0]) << "," << num(p[1]) << ","
         << num(p[2]) << "\n";
    }
  }
  countries_csv = pc.str();

  // Baselines on every year (fit and held-out): the information a forecaster
  // had at the end of the calibration period.
  const ObservedYear& last_fit = s.fit.back();
  std::array<double, 3> base{};
  std::size_t nb = 0;
  for (const auto& o : s.fit)
    for (int c : o.cls) {
      base[static_cast<std::size_t>(c)] += 1.0;
      ++nb;
    }
  for (double& b : base) b /= static_cast<double>(nb);
  std::map<std::int32_t, int> last_class;
  for (std::size_t i = 0; i < last_fit.country.size(); ++i) last_class[last_fit.country[i]] = last_fit.cls[i];
  Forecast nonaligned{"all_nonaligned", {}}, base_rate{"base_rate", {}}, persist{"unga_last_fit_year", {}};
  for (const auto* o : years) {
    nonaligned.p.emplace_back();
    base_rate.p.emplace_back();
    persist.p.emplace_back();
    for (std::size_t i = 0; i < o->country.size(); ++i) {
      nonaligned.p.back().push_back({1.0, 0.0, 0.0});
      base_rate.p.back().push_back(base);
      auto it = last_class.find(o->country[i]);
      std::array<double, 3> q = base;  // not observed in the last fit year: base rate
      if (it != last_class.end()) {
        q = {0, 0, 0};
        q[static_cast<std::size_t>(it->second)] = 1.0;
      }
      persist.p.back().push_back(q);
    }
  }
  // validation.csv: per set (fit / held_out), predictor and metric: value,
  // model − predictor difference and its 90% bootstrap interval over countries.
  std::ostringstream val;
  val << "set,predictor,metric,value,model_minus_predictor,diff_q05,diff_q95\n";
  // Democracy alone: quintiles of the democracy identity value (cut on the fitted
  // countries), each forecasting its fit-years class frequencies (+½ smoothing).
  Forecast democracy{"democracy_alone", {}}, alliances{"alliances", {}};
  const int ddim = find_dimension(s.cfg, "democracy");
  auto demo = [&](std::int32_t i) {
    const auto& id = s.cfg.world.countries[static_cast<std::size_t>(i)].identity;
    return ddim >= 0 && static_cast<std::size_t>(ddim) < id.size() ? id[static_cast<std::size_t>(ddim)] : 0.0;
  };
  // shared with `blocsim score` (score_forecast.h): bins cut on the last fitted year's countries
  std::vector<double> dv;
  for (std::int32_t i : last_fit.country) dv.push_back(demo(i));
  const score::QuintileBins bins = score::quintile_bins(dv);
  std::vector<std::optional<double>> fv;
  std::vector<int> fc;
  for (const auto& o : s.fit)
    for (std::size_t i = 0; i < o.country.size(); ++i) {
      fv.emplace_back(demo(o.country[i]));
      fc.push_back(o.cls[i]);
    }
  const score::Probs freq = score::bin_frequencies(bins, fv, fc, 3);
  // Alliances → blocs: the largest security tie ≥ 0.5 with the high or low power (ties → high).
  const std::vector<std::string> allies{spec.high, spec.low};
  for (const auto* o : years) {
    democracy.p.emplace_back();
    alliances.p.emplace_back();
    for (std::int32_t i : o->country) {
      const auto& f = freq[static_cast<std::size_t>(bins.bin(demo(i)))];
      democracy.p.back().push_back({f[0], f[1], f[2]});
      const int k = score::alliance_bloc(s.cfg.world.countries[static_cast<std::size_t>(i)].security, allies);
      std::array<double, 3> a{1.0, 0.0, 0.0};
      if (k == 0) a = {0.0, 0.0, 1.0};
      else if (k == 1) a = {0.0, 1.0, 0.0};
      alliances.p.back().push_back(a);
    }
  }
  std::vector<const Forecast*> preds{&model, &nonaligned, &base_rate, &persist, &democracy};
  if (ddim < 0) preds.pop_back();
  preds.push_back(&alliances);
  // Scores and bootstrap intervals: the shared forecast-scoring piece
  // (include/blocsim/analysis/score_forecast.h), also used by `blocsim score`.
  for (int set = 0; set < 2; ++set) {
    const std::size_t y0 = set == 0 ? 0 : s.fit.size(), y1 = set == 0 ? s.fit.size() : years.size();
    if (y0 == y1) continue;
    std::vector<int> obs;
    for (std::size_t y = y0; y < y1; ++y) obs.insert(obs.end(), years[y]->cls.begin(), years[y]->cls.end());
    std::vector<score::Probs> probs(preds.size());
    std::vector<score::ItemScores> sc(preds.size());
    for (std::size_t k = 0; k < preds.size(); ++k) {
      for (std::size_t y = y0; y < y1; ++y)
        for (const auto& p : preds[k]->p[y]) probs[k].push_back({p[0], p[1], p[2]});
      sc[k] = score::item_scores(obs, probs[k]);
    }
    const std::size_t n = obs.size();
    const auto boot = score::bootstrap_indices(spec.seed, kBootstrapTick + static_cast<std::uint64_t>(set),
                                               static_cast<std::uint32_t>(kStream), 1000, n);
    // AUC and κ of a forecaster on a resample of the items: the values of
    // class_auc and cohen_kappa of the resampled vectors, without building
    // and sorting each resample (score_forecast.h)
    std::vector<score::ResampledAuc> aucs;
    std::vector<std::vector<int>> argmaxes(preds.size());
    aucs.reserve(preds.size());
    for (std::size_t k = 0; k < preds.size(); ++k) {
      aucs.emplace_back(obs, probs[k]);
      for (const auto& p : probs[k]) argmaxes[k].push_back(score::argmax(p));
    }
    auto stat = [&](std::size_t k, bool kappa) {
      return [&, k, kappa](const std::vector<std::size_t>& idx) {
        return kappa ? score::cohen_kappa_resampled(obs, argmaxes[k], 3, idx) : aucs[k](idx);
      };
    };
    const char* metric[5] = {"brier", "log_score", "accuracy", "auc", "kappa"};
    // baselines only on the held-out years: on the fit years they would be scored on their own data
    for (std::size_t k = 0; k < (set == 0 ? 1 : preds.size()); ++k)
      for (int m = 0; m < 5; ++m) {
        const std::vector<double>* item[3] = {&sc[k].brier, &sc[k].log_score, &sc[k].hit};
        const std::vector<double>* item0[3] = {&sc[0].brier, &sc[0].log_score, &sc[0].hit};
        std::vector<std::size_t> all(n);
        std::iota(all.begin(), all.end(), 0);
        const double value = m < 3 ? std::accumulate(item[m]->begin(), item[m]->end(), 0.0) / static_cast<double>(n)
                                   : stat(k, m == 4)(all);
        val << (set == 0 ? "fit" : "held_out") << "," << preds[k]->name << "," << metric[m] << "," << num(value) << ",";
        if (k == 0) {
          val << ",,\n";
          continue;
        }
        const score::Difference d = m < 3 ? score::mean_difference(*item0[m], *item[m], boot)
                                          : score::statistic_difference(stat(0, m == 4), stat(k, m == 4), boot, n);
        val << num(d.value) << "," << num(d.lo) << "," << num(d.hi) << "\n";
      }
  }
  return val.str();
}

}  // namespace blocsim::calib::detail
