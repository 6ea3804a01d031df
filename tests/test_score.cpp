// Tests of `blocsim score` (include/blocsim/analysis/score.h): metrics on hand-made
// cases with answers computed by hand (in the comments), the observed-file
// validation, and a whole hand-made run folder (tests/data/score/).
#include "blocsim/analysis/score.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "blocsim/engine/rng.h"
#include "blocsim/io/error.h"

using namespace blocsim;

namespace {
const std::string kData = std::string(BLOCSIM_TEST_DATA) + "/score/";

std::string config_error_text(const std::string& file) {
  try {
    score::load_observed(file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_SUITE("score") {
  TEST_CASE("Cohen's kappa: textbook 2x2 example") {
    // Confusion (obs rows, pred cols): [[20, 5], [10, 15]], n = 50.
    // p_o = 35/50 = 0.7; p_e = (25/50)(30/50) + (25/50)(20/50) = 0.3 + 0.2 = 0.5;
    // κ = (0.7 − 0.5)/(1 − 0.5) = 0.4.
    std::vector<int> obs, pred;
    auto add = [&](int o, int p, int k) {
      for (int i = 0; i < k; ++i) {
        obs.push_back(o);
        pred.push_back(p);
      }
    };
    add(0, 0, 20);
    add(0, 1, 5);
    add(1, 0, 10);
    add(1, 1, 15);
    CHECK(score::accuracy(obs, pred) == doctest::Approx(0.7));
    CHECK(score::cohen_kappa(obs, pred, 2) == doctest::Approx(0.4));
  }

  TEST_CASE("adjusted Rand index: known values") {
    // obs {0,0,1,1}, pred {0,0,1,2}: Σ C(n_ij,2) = 1; Σ C(a,2) = 2; Σ C(b,2) = 1;
    // C(4,2) = 6; expected = 2·1/6 = 1/3; max = 1.5; ARI = (2/3)/(7/6) = 4/7.
    CHECK(score::adjusted_rand_index({0, 0, 1, 1}, {0, 0, 1, 2}, 3) == doctest::Approx(4.0 / 7.0));
    // A relabelling is the same partition: ARI = 1 although accuracy = 0.
    CHECK(score::adjusted_rand_index({0, 0, 1, 1}, {1, 1, 0, 0}, 2) == doctest::Approx(1.0));
    CHECK(score::accuracy({0, 0, 1, 1}, {1, 1, 0, 0}) == doctest::Approx(0.0));
    // One cluster vs singletons: index 0, expected 0, max 3 → 0.
    CHECK(score::adjusted_rand_index({0, 0, 0, 0}, {0, 1, 2, 3}, 4) == doctest::Approx(0.0));
    // Both trivial (everything in one cluster): 1 by convention.
    CHECK(score::adjusted_rand_index({1, 1, 1}, {2, 2, 2}, 3) == doctest::Approx(1.0));
  }

  TEST_CASE("Brier score and degenerate kappa") {
    // obs {0, 1}; p = {(0.5, 0.5), (0, 1)} → (0.25 + 0.25 + 0 + 0)/2 = 0.25.
    CHECK(score::brier({0, 1}, {{0.5, 0.5}, {0.0, 1.0}}) == doctest::Approx(0.25));
    // A confident wrong call costs 2.
    CHECK(score::brier({0}, {{0.0, 1.0}}) == doctest::Approx(2.0));
    // p_e = 1 with full agreement → κ = 1; everyone one label vs mixed truth → κ = 0.
    CHECK(score::cohen_kappa({1, 1}, {1, 1}, 2) == doctest::Approx(1.0));
    CHECK(score::cohen_kappa({0, 1, 1}, {1, 1, 1}, 2) == doctest::Approx(0.0));
  }

  TEST_CASE("observed file loads") {
    const auto o = score::load_observed(kData + "observed.yaml");
    CHECK(o.what == "alignment");
    CHECK(o.date == "2026-07");
    REQUIRE(o.labels == std::vector<std::string>{"us", "cn", "nonaligned"});
    REQUIRE(o.iso3.size() == 6);
    CHECK(o.iso3[3] == "DDD");
    CHECK(o.label[3] == 1);
    CHECK(o.loc[0].line == 6);
  }

  TEST_CASE("observed file: every problem reported with file:line:col") {
    const std::string t = config_error_text(kData + "bad_keys.yaml");
    CHECK(t.find("bad_keys.yaml:1:1: wat: unknown key 'wat' (did you mean 'what'?)") != std::string::npos);
    CHECK(t.find("bad_keys.yaml:2:7: date: expected a date YYYY-MM") != std::string::npos);
    CHECK(t.find("bad_keys.yaml:4:13: blocs.us[1]: expected an ISO3 code") != std::string::npos);
    CHECK(t.find("bad_keys.yaml:4:18: blocs.us[2]: AAA is listed twice (first at line 4)") != std::string::npos);
    CHECK(t.find("bad_keys.yaml:5:3: blocs: bloc label must be a lower-case id") != std::string::npos);
    CHECK(config_error_text(kData + "bad_shape.yaml").find("bad_shape.yaml:1:8: blocs: expected a map") != std::string::npos);
    CHECK(config_error_text(kData + "missing.yaml").find("cannot open") != std::string::npos);
  }

  TEST_CASE("observed labels and countries are checked against the run") {
    const auto o = score::load_observed(kData + "bad_vs_run.yaml");
    try {
      score::score_run(kData + "run", o, {});
      FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      const std::string t = e.what();
      CHECK(e.diagnostics().size() == 2);
      CHECK(t.find("bad_vs_run.yaml:3:3: blocs.china: 'china' is not a bloc label of the run") != std::string::npos);
      CHECK(t.find("bad_vs_run.yaml:4:16: blocs.nonaligned: XYZ is not a country of the run") != std::string::npos);
    }
    score::Options opt;
    opt.tick = 2;  // not recorded
    CHECK_THROWS_AS(score::score_run(kData + "run", score::load_observed(kData + "observed.yaml"), opt), ConfigError);
  }

  TEST_CASE("hand-made run: BlocSim and baselines") {
    // Truth: us {AAA, BBB}, cn {CCC, DDD}, nonaligned {EEE, FFF}; labels [nonaligned, us, cn].
    // Tick 4 (the file's date 2026-07):
    //   rep 0: AAA us, BBB us, CCC cn, DDD na, EEE na, FFF us
    //   rep 1: AAA us, BBB na, CCC cn, DDD na, EEE na, FFF us
    // Modal (tie BBB → first label, nonaligned): AAA us ✓, BBB na ✗, CCC cn ✓, DDD na ✗, EEE na ✓, FFF us ✗
    //   accuracy 3/6 = 0.5; pred counts na 3, us 2, cn 1, obs 2/2/2:
    //   p_e = (2·3 + 2·2 + 2·1)/36 = 1/3 → κ = (1/2 − 1/3)/(2/3) = 0.25
    //   contingency cells all ≤ 1 → index 0; Σ C(a,2) = 3, Σ C(b,2) = 3 + 1 = 4, C(6,2) = 15;
    //   expected 0.8, max 3.5 → ARI = −0.8/2.7 = −0.296296…
    //   Brier: BBB (0.5² + 0.5²) + DDD 2 + FFF 2 = 4.5, / 6 = 0.75
    //   per class: na P 1/3 R 1/2; us P 1/2 R 1/2; cn P 1 R 1/2
    // Per replicate: accuracy 4/6 and 3/6 → mean 7/12.
    // Everyone nonaligned: accuracy 2/6, κ 0, ARI 0, Brier 2·(4/6) = 4/3.
    // Initial state (tick 0: AAA us, CCC cn, rest na): ✓ AAA, CCC, EEE, FFF → 4/6; Brier 2/3.
    // G7/BRICS (g7 {AAA,BBB,FFF} → us (home AAA), brics {CCC,EEE} → cn (home CCC)):
    //   AAA ✓, BBB ✓, CCC ✓, DDD ✗ (na), EEE ✗ (cn), FFF ✗ (us) → 3/6.
    score::Options opt;
    opt.groups = kData + "groups.yaml";
    const auto rep = score::score_run(kData + "run", score::load_observed(kData + "observed.yaml"), opt);
    CHECK(rep.tick == 4);
    CHECK(rep.replicates == 2);
    CHECK(rep.countries == 6);
    REQUIRE(rep.predictors.size() == 9);
    const auto& m = rep.predictors[0].scores;
    CHECK(m.accuracy == doctest::Approx(0.5));
    CHECK(m.kappa == doctest::Approx(0.25));
    CHECK(m.ari == doctest::Approx(-0.8 / 2.7));
    CHECK(m.brier == doctest::Approx(0.75));
    REQUIRE(m.per_class.size() == 3);
    CHECK(m.per_class[0].precision == doctest::Approx(1.0 / 3.0));
    CHECK(m.per_class[0].recall == doctest::Approx(0.5));
    CHECK(m.per_class[2].precision == doctest::Approx(1.0));
    CHECK(m.per_class[2].recall == doctest::Approx(0.5));
    CHECK(rep.predictors[1].scores.accuracy == doctest::Approx(7.0 / 12.0));
    const auto& na = rep.predictors[2].scores;
    CHECK(na.accuracy == doctest::Approx(2.0 / 6.0));
    CHECK(na.kappa == doctest::Approx(0.0));
    CHECK(na.ari == doctest::Approx(0.0));
    CHECK(na.brier == doctest::Approx(4.0 / 3.0));
    CHECK(rep.predictors[7].scores.accuracy == doctest::Approx(4.0 / 6.0));
    CHECK(rep.predictors[7].scores.brier == doctest::Approx(2.0 / 3.0));
    REQUIRE(rep.predictors[8].available);
    CHECK(rep.predictors[8].scores.accuracy == doctest::Approx(0.5));
    // Base rate: shares 1/3 each → Brier = (2/3)² + 2(1/3)² = 2/3, log = ln 3, AUC 0.5, accuracy 2/6 (ties → first class).
    CHECK(rep.predictors[3].scores.brier == doctest::Approx(2.0 / 3.0));
    CHECK(rep.predictors[3].scores.log_score == doctest::Approx(std::log(3.0)));
    CHECK(rep.predictors[3].scores.auc == doctest::Approx(0.5));
    // Model log score: p_obs = AAA 1, BBB .5, CCC 1, DDD 0 (floor .01), EEE 1, FFF 0 → (ln 2 + 2 ln 100)/6.
    CHECK(m.log_score == doctest::Approx((std::log(2.0) + 2 * std::log(100.0)) / 6.0));
    // Alliances need security ties (no scenario.resolved.yaml in the fixture) → n/a, and no comparison row.
    CHECK_FALSE(rep.predictors[6].available);
    for (const auto& c : rep.comparisons) CHECK(c.baseline != rep.predictors[6].name);
    const std::string text = score::format_report(rep);
    CHECK(text.find("baseline: G7/BRICS membership") != std::string::npos);
    CHECK(score::report_csv(rep).find("\"baseline: everyone nonaligned\",accuracy,,0.3333333333333333") != std::string::npos);
  }

  TEST_CASE("AUC of a known toy input") {
    // scores 0.1 0.4 0.35 0.8, positives {0.35, 0.8}: pairs (pos > neg): 0.35>0.1, 0.8>0.1, 0.8>0.4 → 3 of 4 = 0.75.
    CHECK(score::auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}) == doctest::Approx(0.75));
    // A tie between a positive and a negative counts ½: {0.5 (neg), 0.5 (pos), 0.9 (pos)} → (0.5 + 1)/2.
    CHECK(score::auc({0.5, 0.5, 0.9}, {0, 1, 1}) == doctest::Approx(0.75));
    CHECK(std::isnan(score::auc({0.1, 0.2}, {1, 1})));
    // Three classes: macro one-vs-rest. Perfect separation → 1; a constant forecast → 0.5.
    const score::Probs perfect = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.9, 0.1, 0}};
    CHECK(score::class_auc({0, 1, 2, 0}, perfect) == doctest::Approx(1.0));
    const score::Probs flat(4, {1.0 / 3, 1.0 / 3, 1.0 / 3});
    CHECK(score::class_auc({0, 1, 2, 0}, flat) == doctest::Approx(0.5));
  }

  TEST_CASE("kappa of a known 3x3 table") {
    // Confusion (obs rows, pred cols) [[10,2,3],[1,8,1],[4,0,11]], n = 40: p_o = 29/40 = 0.725;
    // row sums 15,10,15; column sums 15,10,15 → p_e = (225 + 100 + 225)/1600 = 0.34375;
    // κ = (0.725 − 0.34375)/(1 − 0.34375) = 0.580952…
    std::vector<int> obs, pred;
    const int t[3][3] = {{10, 2, 3}, {1, 8, 1}, {4, 0, 11}};
    for (int o = 0; o < 3; ++o)
      for (int p = 0; p < 3; ++p)
        for (int k = 0; k < t[o][p]; ++k) {
          obs.push_back(o);
          pred.push_back(p);
        }
    CHECK(score::cohen_kappa(obs, pred, 3) == doctest::Approx(0.38125 / 0.65625));
  }

  TEST_CASE("reliability table and log score floor") {
    // Binary: only P(class 1) is binned. Forecasts 0.05, 0.05, 0.95, 0.55 with outcomes 0, 1, 1, 0.
    const score::Probs p = {{0.95, 0.05}, {0.95, 0.05}, {0.05, 0.95}, {0.45, 0.55}};
    const auto t = score::reliability({0, 1, 1, 0}, p);
    REQUIRE(t.size() == 3);
    CHECK(t[0].n == 2);
    CHECK(t[0].forecast == doctest::Approx(0.05));
    CHECK(t[0].observed == doctest::Approx(0.5));
    CHECK(t[1].lo == doctest::Approx(0.5));
    CHECK(t[1].observed == doctest::Approx(0.0));
    CHECK(t[2].observed == doctest::Approx(1.0));
    // A zero probability on the observed class costs −ln 0.01, not infinity.
    CHECK(score::log_score({1}, {{1.0, 0.0}}) == doctest::Approx(std::log(100.0)));
  }

  TEST_CASE("bootstrap intervals are deterministic given the seed") {
    const std::vector<double> a = {0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 0.4}, b = {0.2, 0.1, 0.3, 0.9, 0.6, 0.8, 0.5};
    const auto boot1 = score::bootstrap_indices(7, 0, 113, 500, a.size());
    const auto boot2 = score::bootstrap_indices(7, 0, 113, 500, a.size());
    const auto boot3 = score::bootstrap_indices(8, 0, 113, 500, a.size());
    const auto d1 = score::mean_difference(a, b, boot1), d2 = score::mean_difference(a, b, boot2),
               d3 = score::mean_difference(a, b, boot3);
    CHECK(d1.value == doctest::Approx((3.1 - 3.4) / 7.0));
    CHECK(d1.lo == d2.lo);
    CHECK(d1.hi == d2.hi);
    CHECK(d1.lo < d1.value);
    CHECK(d1.hi > d1.value);
    CHECK((d1.lo != d3.lo || d1.hi != d3.hi));  // another seed, other resamples
    // Identical forecasters: every resampled difference is 0.
    const auto z = score::mean_difference(a, a, boot1);
    CHECK(z.lo == 0.0);
    CHECK(z.hi == 0.0);
  }

  TEST_CASE("resampled AUC and kappa equal class_auc and cohen_kappa of the resampled vectors, bit for bit") {
    // Issue 14: bootstrap intervals score each resample without building and
    // sorting it (ResampledAuc, cohen_kappa_resampled). Random forecasts with
    // many ties (probabilities are counts / R, as the calibration's are), K = 2
    // and 3, classes that a resample may miss, a NaN forecast (class_auc's
    // path), resamples with repeats and an empty one.
    auto bits = [](double x) {
      std::uint64_t u;
      std::memcpy(&u, &x, sizeof u);
      return u;
    };
    int trials = 0;
    for (std::uint64_t t = 0; t < 60; ++t) {
      Rng rng(20261203, t, 0, Stream::user);
      const std::size_t n = 1 + rng.below(40);
      const std::size_t K = t % 3 == 0 ? 2 : 3;
      const auto R = static_cast<double>(1 + rng.below(6));  // few distinct values: ties
      std::vector<int> obs(n), pred(n);
      score::Probs prob(n, std::vector<double>(K));
      for (std::size_t i = 0; i < n; ++i) {
        obs[i] = static_cast<int>(rng.below(t % 5 == 0 ? 1 : K));  // some trials observe one class only
        double left = R;
        for (std::size_t c = 0; c + 1 < K; ++c) {
          const double k = static_cast<double>(rng.below(static_cast<std::uint64_t>(left) + 1));
          prob[i][c] = k / R;
          left -= k;
        }
        prob[i][K - 1] = left / R;
        pred[i] = score::argmax(prob[i]);
      }
      if (t == 7) prob[n / 2][0] = std::numeric_limits<double>::quiet_NaN();
      const score::ResampledAuc fast(obs, prob);
      for (int b = 0; b < 25; ++b) {
        std::vector<std::size_t> idx(b == 0 ? 0 : n);
        for (auto& i : idx) i = rng.below(n);
        std::vector<int> o, p;
        score::Probs pp;
        for (std::size_t i : idx) {
          o.push_back(obs[i]);
          p.push_back(pred[i]);
          pp.push_back(prob[i]);
        }
        const double want_auc = score::class_auc(o, pp), got_auc = fast(idx);
        CHECK((bits(got_auc) == bits(want_auc) || (std::isnan(got_auc) && std::isnan(want_auc))));
        const double want_kappa = score::cohen_kappa(o, p, static_cast<int>(K)),
                     got_kappa = score::cohen_kappa_resampled(obs, pred, static_cast<int>(K), idx);
        CHECK((bits(got_kappa) == bits(want_kappa) || (std::isnan(got_kappa) && std::isnan(want_kappa))));
        trials += !std::isnan(want_auc);
      }
    }
    CHECK(trials > 1000);  // most resamples have a finite AUC to compare
  }

  TEST_CASE("shared baselines: quintile bins, bin frequencies, alliances") {
    // sample 1..10: type-7 quantiles at 0.2/0.4/0.6/0.8 → 2.8, 4.6, 6.4, 8.2.
    const auto q = score::quintile_bins({10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
    CHECK(q.cuts[0] == doctest::Approx(2.8));
    CHECK(q.cuts[3] == doctest::Approx(8.2));
    CHECK(q.bin(1.0) == 0);
    CHECK(q.bin(2.8) == 0);  // on a cut: the lower bin
    CHECK(q.bin(5.0) == 2);
    CHECK(q.bin(9.0) == 4);
    CHECK(q.bin(std::nullopt) == 5);
    // Bin 0 holds values 1 and 2 with classes 1, 1: (0.5, 2.5)/3; the missing bin (one class-0 item): (1.5, 0.5)/2.
    const auto f = score::bin_frequencies(q, {1.0, 2.0, 9.0, std::nullopt}, {1, 1, 0, 0}, 2);
    CHECK(f[0][1] == doctest::Approx(2.5 / 3.0));
    CHECK(f[5][0] == doctest::Approx(0.75));
    CHECK(f[2][0] == doctest::Approx(0.5));  // empty bin: uniform
    // Alliances: the largest tie >= 0.5, ties → the power listed first.
    CHECK(score::alliance_bloc({{"us", 0.4}, {"cn", 0.2}}, {"us", "cn"}) == -1);
    CHECK(score::alliance_bloc({{"us", 0.5}, {"cn", 0.2}}, {"us", "cn"}) == 0);
    CHECK(score::alliance_bloc({{"us", 0.6}, {"cn", 0.9}}, {"us", "cn"}) == 1);
    CHECK(score::alliance_bloc({{"us", 0.7}, {"cn", 0.7}}, {"us", "cn"}) == 0);
  }

  TEST_CASE("one-sided list: members vs the rest of the run") {
    // list bloc us, members {AAA, BBB}; default exclude = the powers' homes AAA, CCC →
    // scored: BBB (member), DDD, EEE, FFF (the rest).
    // Tick 4 P(us): BBB 0.5, DDD 0, EEE 0, FFF 1.
    // AUC: positive BBB (0.5) vs negatives 0, 0, 1 → (1 + 1 + 0)/3 = 2/3.
    // Predictions (us only if P > 0.5): BBB other ✗, DDD ✓, EEE ✓, FFF us ✗ → accuracy 1/2.
    // Brier (two classes): BBB 2·0.25, DDD 0, EEE 0, FFF 2 → 2.5/4 = 0.625.
    // κ: obs (1,0,0,0), pred (0,0,0,1): p_o = 0.5, p_e = (3/4)(3/4) + (1/4)(1/4) = 0.625 → κ = −1/3.
    score::Options opt;
    opt.groups = kData + "groups.yaml";
    const auto rep = score::score_run(kData + "run", score::load_observed(kData + "list.yaml"), opt);
    CHECK(rep.binary);
    REQUIRE(rep.iso3 == std::vector<std::string>{"BBB", "DDD", "EEE", "FFF"});
    CHECK(rep.truth == std::vector<int>{1, 0, 0, 0});
    const auto& m = rep.predictors[0].scores;
    CHECK(m.auc == doctest::Approx(2.0 / 3.0));
    CHECK(m.accuracy == doctest::Approx(0.5));
    CHECK(m.brier == doctest::Approx(0.625));
    CHECK(m.kappa == doctest::Approx(-1.0 / 3.0));
    // Everyone non-aligned: P(us) = 0 for all → AUC 0.5, accuracy 3/4.
    CHECK(rep.predictors[2].scores.auc == doctest::Approx(0.5));
    CHECK(rep.predictors[2].scores.accuracy == doctest::Approx(0.75));
    // Differences come with intervals, the same at a second call (deterministic), other with another seed.
    REQUIRE_FALSE(rep.comparisons.empty());
    const auto again = score::score_run(kData + "run", score::load_observed(kData + "list.yaml"), opt);
    REQUIRE(again.comparisons.size() == rep.comparisons.size());
    for (std::size_t i = 0; i < rep.comparisons.size(); ++i) {
      CHECK(again.comparisons[i].lo == rep.comparisons[i].lo);
      CHECK(again.comparisons[i].hi == rep.comparisons[i].hi);
    }
    CHECK(rep.comparisons[0].baseline == "baseline: everyone nonaligned");
    CHECK(rep.comparisons[0].metric == "auc");
    CHECK(rep.comparisons[0].diff == doctest::Approx(2.0 / 3.0 - 0.5));
    const std::string text = score::format_report(rep);
    CHECK(text.find("reliability of BlocSim (P(us))") != std::string::npos);
    CHECK(text.find("not scored: AAA, CCC") != std::string::npos);
  }

  TEST_CASE("list file: strict validation") {
    const std::string t = config_error_text(kData + "bad_list.yaml");
    CHECK(t.find("bad_list.yaml:3:3: list.memebrs: unknown key 'memebrs' (did you mean 'members'?)") != std::string::npos);
    CHECK(t.find("list.members: missing required key 'members'") != std::string::npos);
    CHECK(t.find("bad_list.yaml:5:16: exclude[1]: expected an ISO3 code") != std::string::npos);
    CHECK(config_error_text(kData + "bad_both.yaml").find("give either 'blocs' (classes) or 'list'") != std::string::npos);
    const auto o = score::load_observed(kData + "list.yaml");
    CHECK(o.is_list);
    CHECK(o.one_sided);
    // The bloc must be a label of the run.
    const auto bad = score::load_observed(kData + "list_bad_bloc.yaml");
    try {
      score::score_run(kData + "run", bad, {});
      FAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      CHECK(std::string(e.what()).find("list_bad_bloc.yaml:3:9: list.bloc: 'usa' is not a bloc label of the run (did you mean 'us'?)") !=
            std::string::npos);
    }
  }

  TEST_CASE("standards, explicit tick") {
    // Every listed country's standard matches in both replicates at tick 4.
    score::Options opt;
    opt.tick = 4;
    opt.groups = kData + "groups.yaml";
    const auto rep = score::score_run(kData + "run", score::load_observed(kData + "observed_standard.yaml"), opt);
    CHECK(rep.what == "standard");
    const auto& m = rep.predictors[0].scores;
    CHECK(m.accuracy == doctest::Approx(1.0));
    CHECK(m.kappa == doctest::Approx(1.0));
    CHECK(m.ari == doctest::Approx(1.0));
    CHECK(m.brier == doctest::Approx(0.0));
  }
}
