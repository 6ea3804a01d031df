// Tests of `blocsim score` (include/blocsim/analysis/score.h): metrics on hand-made
// cases with answers computed by hand (in the comments), the observed-file
// validation, and a whole hand-made run folder (tests/data/score/).
#include "blocsim/analysis/score.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

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
    REQUIRE(rep.predictors.size() == 5);
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
    CHECK(rep.predictors[3].scores.accuracy == doctest::Approx(4.0 / 6.0));
    CHECK(rep.predictors[3].scores.brier == doctest::Approx(2.0 / 3.0));
    REQUIRE(rep.predictors[4].available);
    CHECK(rep.predictors[4].scores.accuracy == doctest::Approx(0.5));
    const std::string text = score::format_report(rep);
    CHECK(text.find("baseline: G7/BRICS membership") != std::string::npos);
    CHECK(score::report_csv(rep).find("\"baseline: everyone nonaligned\",accuracy,,0.3333333333333333") != std::string::npos);
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
