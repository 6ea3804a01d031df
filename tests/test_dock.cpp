// Docking tests (include/blocsim/analysis/dock.h): the statistics helpers, the
// Axelrod–Bennett landscape against brute force, and fast variants of every
// reduction asserting its pass criteria. The full tables come from
// `blocsim dock all` (docs/validation.md).
#include "blocsim/analysis/dock.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

using namespace blocsim;

namespace {

void require_all_pass(const std::vector<dock::Row>& rows) {
  REQUIRE(!rows.empty());
  for (const auto& r : rows) {
    CAPTURE(r.statistic);
    CAPTURE(r.value);
    CAPTURE(r.published);
    CAPTURE(r.criterion);
    CHECK(r.pass);
  }
}

dock::Options fast(int replicates = 0) {
  dock::Options o;
  o.fast = true;
  o.replicates = replicates;
  o.seed = 7;
  return o;
}

}  // namespace

TEST_SUITE("dock") {
  TEST_CASE("statistics: t quantile, Wilson, KS, Mann-Whitney") {
    // Reference values: t with I_{df/(df+t²)}(df/2, 1/2) = 0.05 solved to 40 digits (mpmath),
    // 16 significant digits here; t_{0.975,1} = tan(0.475π). The 0.2.0 table was off by up to 5e-4.
    CHECK(dock::t975(1) == doctest::Approx(12.7062047361747).epsilon(1e-13));
    CHECK(dock::t975(2) == doctest::Approx(4.302652729749464).epsilon(1e-13));
    CHECK(dock::t975(5) == doctest::Approx(2.570581835636316).epsilon(1e-13));
    CHECK(dock::t975(10) == doctest::Approx(2.228138851986275).epsilon(1e-13));
    CHECK(dock::t975(30) == doctest::Approx(2.042272456301238).epsilon(1e-13));
    CHECK(dock::t975(31) == doctest::Approx(2.039513446396408).epsilon(1e-13));
    CHECK(dock::t975(1000) == doctest::Approx(1.962339080826408).epsilon(1e-13));
    CHECK(dock::t975(0) == 0.0);
    const auto w = dock::proportion_ci(5, 10);  // Wilson: 0.2366 … 0.7634
    CHECK(w.lo == doctest::Approx(0.2366).epsilon(1e-3));
    CHECK(w.hi == doctest::Approx(0.7634).epsilon(1e-3));
    CHECK(dock::ks_statistic({1, 2, 3, 4}, {1, 2, 3, 4}) == doctest::Approx(0.0));
    CHECK(dock::ks_statistic({1, 2}, {3, 4}) == doctest::Approx(1.0));
    CHECK(dock::ks_pvalue(0.0, 100) == doctest::Approx(1.0));
    CHECK(dock::ks_pvalue(0.3, 100) < 1e-6);
    // U of {1,2,3} vs {4,5,6} is 0; normal approx z = (4.5 − 0.5)/√5.25 → p ≈ 0.081.
    double u = -1;
    const double p = dock::mann_whitney_p({1, 2, 3}, {4, 5, 6}, &u);
    CHECK(u == doctest::Approx(0.0));
    CHECK(p == doctest::Approx(0.0809).epsilon(1e-2));
    CHECK(dock::mann_whitney_p({1, 1, 1}, {1, 1, 1}) == doctest::Approx(1.0));
  }

  TEST_CASE("Curie-Weiss fixed points") {
    CHECK(dock::curie_weiss_fixed_points(0.0, 0.5).size() == 1);
    const auto r = dock::curie_weiss_fixed_points(0.0, 1.5);
    REQUIRE(r.size() == 3);
    CHECK(r[2] == doctest::Approx(std::tanh(1.5 * r[2])));
    CHECK(r[0] == doctest::Approx(-r[2]));
    CHECK(std::fabs(r[1]) < 1e-6);
  }

  TEST_CASE("Axelrod-Bennett landscape: minima and basins vs brute force") {
    // A hand-checkable instance: 3 actors, 0–1 friends (+1), 2 hostile to both (−1),
    // unit sizes. Canonical configurations (actor 2 in coalition 0), E = Σ_{i<j} p_ij d_ij:
    //   000: 0; 001 (0 apart): p01 + p02 = 1 − 1 = 0; 010 (1 apart): p01 + p12 = 0;
    //   011 ({0,1} vs {2}): p02 + p12 = −2 (global minimum).
    dock::Landscape l;
    l.n = 3;
    l.size = {1, 1, 1};
    l.propensity = {0, 1, -1, 1, 0, -1, -1, -1, 0};
    CHECK(dock::landscape_energy(l, 0b011) == doctest::Approx(-2.0));
    const auto bf = dock::landscape_brute_force(l);
    REQUIRE(bf.minima.size() == 1);
    CHECK(bf.minima[0] == 0b011u);
    CHECK(bf.basin[0] == 4);
    // Random instances: the dynamics end only in brute-force minima, with identical basins.
    for (std::uint64_t s = 1; s <= 5; ++s) {
      CAPTURE(s);
      const auto inst = dock::random_landscape(9, s);
      const auto b = dock::landscape_brute_force(inst);
      long long total = 0;
      for (auto c : b.basin) total += c;
      CHECK(total == (1 << 8));
      std::vector<long long> basin(b.minima.size(), 0);
      for (std::uint32_t c = 0; c < (1u << 8); ++c) {
        const auto end = dock::landscape_descend(inst, c, true, 0);
        const auto it = std::find(b.minima.begin(), b.minima.end(), end);
        REQUIRE(it != b.minima.end());
        ++basin[static_cast<std::size_t>(it - b.minima.begin())];
        const auto end2 = dock::landscape_descend(inst, c, false, c);
        CHECK(std::find(b.minima.begin(), b.minima.end(), end2) != b.minima.end());
      }
      CHECK(basin == b.basin);
    }
  }

  TEST_CASE("Deffuant: convergence and cluster law (fast)") {
    const auto r = dock::deffuant_run(200, 0.6, 0.5, 3, 10'000'000);
    CHECK(r.converged);
    CHECK(r.cluster_sizes.size() == 1);
    require_all_pass(dock::dock_deffuant(fast(8)));
  }

  TEST_CASE("Axelrod culture: Table 1 (fast)") {
    const auto r = dock::axelrod_culture_run(10, 10, 5, 15, dock::Activation::with_replacement, 11, 100'000'000);
    CHECK(r.stable);
    CHECK(r.regions >= 1);
    require_all_pass(dock::dock_axelrod(fast(12)));
  }

  TEST_CASE("Hegselmann-Krause through the identity phase (fast)") { require_all_pass(dock::dock_hk(fast(8))); }

  TEST_CASE("Curie-Weiss through the choice phase (fast)") { require_all_pass(dock::dock_cw(fast(3))); }

  TEST_CASE("Arthur lock-in through the standards phase (fast)") { require_all_pass(dock::dock_arthur(fast(150))); }

  TEST_CASE("landscape reduction (fast)") { require_all_pass(dock::dock_landscape(fast(5))); }

  TEST_CASE("deterministic: same seed, same table") {
    const auto a = dock::dock_cw(fast(1));
    const auto b = dock::dock_cw(fast(1));
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].value == b[i].value);
  }
}
