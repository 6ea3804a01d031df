// Each phase against values computed by hand on the 3-country world of
// helpers.h (the arithmetic is in the comments).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>
#include <limits>

#include "blocsim/engine/metrics.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/io/error.h"
#include "blocsim/parallel.h"
#include "helpers.h"

using namespace blocsim;
using doctest::Approx;

namespace {
constexpr int A = 0, B = 1, C = 2;
constexpr int US = 0, CN = 1;

ModelParams zero_params() {
  ModelParams p;
  for (const auto& s : model_params()) p.*s.field = 0.0;
  return p;
}
}  // namespace

TEST_SUITE("phases") {
  TEST_CASE("network from custom edges is symmetric with the given weights") {
    World w = make_world(test::tiny_config(), 1);
    CHECK(w.w.coeff(A, B) == 1.0f);
    CHECK(w.w.coeff(B, A) == 1.0f);
    CHECK(w.w.coeff(A, C) == 2.0f);
    CHECK(w.w.coeff(C, B) == 1.0f);
    CHECK(w.w.coeff(A, A) == 0.0f);
    CHECK(w.w_rowsum(A) == Approx(3.0));
  }

  TEST_CASE("courtship: access, aid and grievance") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.countries[A].capacity = 0.5;
    cfg.world.countries[B].capacity = 0.2;
    cfg.world.countries[C].capacity = 0.9;  // pops are 1, 4, 9
    auto& us = cfg.powers[US];
    us.frontier = 1.0;
    us.strictness = 0.5;
    us.tiers.countries = {{"CCC", 2}};
    us.aid_budget = 1.0;
    us.targeting = Targeting::need;
    auto& cn = cfg.powers[CN];
    cn.frontier = 0.5;
    cn.strictness = 1.0;
    cn.tiers.default_tier = 2;
    cn.open_models = 0.8;
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.theta = 1.0;
    w.params.gamma_grievance = 0.1;
    w.params.aid_cap = 100.0;
    phase::courtship(w);
    // US: A_i = (1/1)·max(1 − 0.5·τ/2, 0) → 1, 1, 0.5
    CHECK(w.access(US, A) == Approx(1.0));
    CHECK(w.access(US, B) == Approx(1.0));
    CHECK(w.access(US, C) == Approx(0.5));
    // CN: closed 1 − 1·2/2 = 0, open 0.8·c → (0.5/1)·0.8·c = 0.4c
    CHECK(w.access(CN, A) == Approx(0.2));
    CHECK(w.access(CN, B) == Approx(0.08));
    CHECK(w.access(CN, C) == Approx(0.36));
    // need (v2): ω = 1 − c = 0.5, 0.8, 0.1 (Σ 1.4); aid = B·N·ω/Σω = 3ω/1.4
    CHECK(w.aid(US, A) == Approx(1.5 / 1.4));
    CHECK(w.aid(US, B) == Approx(2.4 / 1.4));
    CHECK(w.aid(US, C) == Approx(0.3 / 1.4));
    CHECK(w.aid(CN, A) == 0.0);
    // open-weight value O = rel·o·c·(1 + ρ_D·D + ρ_S·sov): here ρ = 0 → CN 0.4c, US 0
    CHECK(w.open_value(CN, A) == Approx(0.2));
    CHECK(w.open_value(US, A) == 0.0);
    // denial raises the value of open weights: D_A = max(0.5·0/2, 1·2/2) = 1
    w.params.open_denial = 0.5;
    phase::courtship(w);
    CHECK(w.open_value(CN, A) == Approx(0.2 * 1.5));
    // cap: no country above 1.5 = κ_A·B; B is capped, the rest (1.5) goes to A and C by ω
    w.params.aid_cap = 1.5;
    phase::courtship(w);
    CHECK(w.aid(US, B) == Approx(1.5));
    CHECK(w.aid(US, A) == Approx(1.5 * 0.5 / 0.6));
    CHECK(w.aid(US, C) == Approx(1.5 * 0.1 / 0.6));
    CHECK(w.aid.row(US).sum() == Approx(3.0));  // the whole budget is spent
    // ΔG = γ·σ·τ/2: US on C = 0.1·0.5·2/2 = 0.05; CN on all = 0.1
    CHECK(w.dgrievance(US, A) == 0.0);
    CHECK(w.dgrievance(US, C) == Approx(0.05));
    CHECK(w.dgrievance(CN, B) == Approx(0.1));
  }

  // The offers loop (two countries per vector with K = 2, a scalar
  // remainder), the water-filling (round 0 skipped when scale·max ω ≤ cap,
  // fixed_sum rounds, deferred final pass) against the formulas written out
  // as plain per-country loops with fixed_sum's order, bit for bit. An odd
  // number of countries in 3 blocks of kParallelGrain, capacities spread so
  // the cap binds over several rounds, extra (reactive) aid, θ ≠ 1 and a
  // sovereignty dimension; then a power without a budget and one with a cap
  // that never binds.
  TEST_CASE("courtship: offers and water-filling bit for bit against the plain formulas") {
    ScenarioConfig cfg = synthetic_variant(test::tiny_config(), 2 * kParallelGrain + 1001, 4.0);
    World w = make_world(cfg, 11);
    REQUIRE(w.k == 2);
    const std::int64_t n = w.n;
    auto frac = [](std::int64_t i, int salt) { return static_cast<double>((i * 7919 + salt * 104729) % 1000) / 1000.0; };
    for (std::int64_t i = 0; i < n; ++i) {
      w.capacity(i) = 1.0 - std::pow(frac(i, 1), 4.0);  // ω = 1 − c skewed: many small, a few near 1
      w.margin(i) = frac(i, 2) - 0.3;
      w.alignment[static_cast<std::size_t>(i)] = static_cast<Bloc>(i % 3);
      w.pinned[static_cast<std::size_t>(i)] = i % 97 == 0 ? 1 : -1;
      for (int k = 0; k < 2; ++k) w.tier(k, i) = static_cast<std::int8_t>((i + k) % 3);
    }
    w.aid_extra.setZero(2, n);
    for (std::int64_t i = 0; i < n; i += 13) w.aid_extra(1, i) = 0.25;
    w.params.theta = 0.7;
    w.params.open_denial = 0.3;
    w.params.open_sovereignty = 0.2;
    w.params.gamma_grievance = 0.1;
    w.params.swing_scale = 0.4;
    w.sovereignty_dim = w.d - 1;
    auto set_power = [&](int k, double frontier, double strict, double open, double budget, Targeting t) {
      PowerState& p = w.powers[static_cast<std::size_t>(k)];
      p.frontier = frontier;
      p.cfg.strictness = strict;
      p.cfg.open_models = open;
      p.cfg.aid_budget = budget;
      p.cfg.targeting = t;
    };
    auto check = [&](const char* what) {
      CAPTURE(what);
      // the reference: the formulas of courtship.cpp, one value at a time
      const int K = 2;
      double fmax = std::max(w.powers[0].frontier, w.powers[1].frontier);
      if (fmax <= 0.0) fmax = 1.0;
      Eigen::MatrixXd access(K, n), open_value(K, n), dg(K, n), aid(K, n);
      for (std::int64_t i = 0; i < n; ++i) {
        const double c = w.capacity(i);
        const double absorb = w.params.theta == 1.0 ? c : std::pow(c, w.params.theta);
        double denied = 0.0;
        for (int k = 0; k < K; ++k)
          denied = std::max(denied, w.powers[static_cast<std::size_t>(k)].cfg.strictness * static_cast<double>(w.tier(k, i)) / 2.0);
        const double sov = w.x(w.sovereignty_dim, i);
        const double gain = 1.0 + w.params.open_denial * denied + w.params.open_sovereignty * sov;
        for (int k = 0; k < K; ++k) {
          const PowerState& p = w.powers[static_cast<std::size_t>(k)];
          const double tau = static_cast<double>(w.tier(k, i)), rel = p.frontier / fmax;
          const double open = p.cfg.open_models * absorb;
          access(k, i) = rel * std::max(1.0 - p.cfg.strictness * tau / 2.0, open);
          open_value(k, i) = rel * open * gain;
          dg(k, i) = w.params.gamma_grievance * p.cfg.strictness * tau / 2.0;
        }
      }
      const bool extra = w.aid_extra.size() == 2 * n;
      auto plus_extra = [&](int k, std::int64_t i, double v) { return extra ? v + w.aid_extra(k, i) : v; };
      for (int k = 0; k < K; ++k) {
        const PowerConfig& pc = w.powers[static_cast<std::size_t>(k)].cfg;
        if (pc.aid_budget <= 0.0) {
          for (std::int64_t i = 0; i < n; ++i) aid(k, i) = plus_extra(k, i, 0.0);
          continue;
        }
        std::vector<double> omega(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i) {
          double o = 0.0;
          switch (pc.targeting) {
            case Targeting::need: o = 1.0 - w.capacity(i); break;
            case Targeting::swing: o = std::exp(-w.margin(i) / w.params.swing_scale); break;
            case Targeting::allies: o = w.alignment[static_cast<std::size_t>(i)] == k + 1 ? 1.0 : 0.0; break;
            case Targeting::population: o = w.pop(i); break;
          }
          omega[static_cast<std::size_t>(i)] = w.pinned[static_cast<std::size_t>(i)] < 0 ? o : 0.0;
        }
        const double total = pc.aid_budget * static_cast<double>(n), cap = w.params.aid_cap * pc.aid_budget;
        std::vector<char> capped(static_cast<std::size_t>(n), 0);
        double free = fixed_sum(n, [&](std::int64_t i) { return omega[static_cast<std::size_t>(i)]; });
        double scale = 0.0;
        std::int64_t ncapped = 0;
        for (int round = 0; round < 64; ++round) {
          const double left = total - static_cast<double>(ncapped) * cap;
          scale = free > 0.0 && left > 0.0 ? left / free : 0.0;
          std::int64_t more = 0;
          for (std::int64_t i = 0; i < n; ++i) {
            char& f = capped[static_cast<std::size_t>(i)];
            if (!f && scale * omega[static_cast<std::size_t>(i)] > cap) {
              f = 1;
              ++more;
            }
          }
          if (more == 0) break;
          ncapped += more;
          free = fixed_sum(n, [&](std::int64_t i) { return capped[static_cast<std::size_t>(i)] ? 0.0 : omega[static_cast<std::size_t>(i)]; });
        }
        for (std::int64_t i = 0; i < n; ++i)
          aid(k, i) = plus_extra(k, i, capped[static_cast<std::size_t>(i)] ? cap : scale * omega[static_cast<std::size_t>(i)]);
      }
      phase::courtship(w);
      auto same = [](const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
        return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
      };
      CHECK(same(w.access, access));
      CHECK(same(w.open_value, open_value));
      CHECK(same(w.dgrievance, dg));
      CHECK(same(w.aid, aid));
      return aid;
    };
    // need: a few countries with ω near 1, cap 1.5·B binds over several rounds
    set_power(0, 1.0, 0.7, 0.1, 0.3, Targeting::allies);
    set_power(1, 0.8, 0.4, 0.6, 0.5, Targeting::need);
    w.params.aid_cap = 1.5;
    const Eigen::MatrixXd capped = check("cap binds");
    // the cap must actually bind for power 1 (some countries at exactly cap)
    std::int64_t at_cap = 0;
    for (std::int64_t i = 0; i < n; ++i) at_cap += capped(1, i) - w.aid_extra(1, i) == 0.75;
    CHECK(at_cap > 0);
    w.params.aid_cap = 1000.0;  // never binds: round 0 is the max test alone
    check("cap never binds");
    set_power(0, 1.0, 0.7, 0.1, 0.0, Targeting::allies);  // no budget: row = 0 + extra
    set_power(1, 0.8, 0.4, 0.6, 0.5, Targeting::swing);
    w.params.aid_cap = 2.0;
    check("no budget, swing");
    w.aid_extra.resize(0, 0);  // no reactive aid at all
    set_power(1, 0.8, 0.4, 0.6, 0.5, Targeting::population);
    w.params.theta = 1.0;
    check("population, no extra");
  }

  // fixed_sum / fixed_reduce_into: blocks of kParallelGrain summed from 0 in
  // index order, block sums added to 0 in block order (terms chosen so that
  // any other association gives other bits), at 1 and 2 threads.
  TEST_CASE("fixed_sum and fixed_reduce_into add in block order") {
    const std::int64_t n = 3 * kParallelGrain + 77;
    auto term = [](std::int64_t i) { return (i % 3 == 0 ? 1e16 : 1.0) * (i % 2 ? -1.0 : 1.0) + 0.1 * static_cast<double>(i % 7); };
    double expect = 0.0;
    for (std::int64_t b = 0; b * kParallelGrain < n; ++b) {
      double s = 0.0;
      for (std::int64_t i = b * kParallelGrain; i < std::min(n, (b + 1) * kParallelGrain); ++i) s += term(i);
      expect += s;
    }
    double flat = 0.0;
    for (std::int64_t i = 0; i < n; ++i) flat += term(i);
    REQUIRE(flat != expect);  // the order matters for these terms
    const int before = max_threads();
    for (int threads : {1, 2}) {
      set_threads(threads);
      CAPTURE(threads);
      CHECK(fixed_sum(n, term) == expect);
      for (std::size_t width : {std::size_t{3}, kReduceStack + 5}) {  // stack and heap accumulators
        std::vector<double> total(width, -1.0);
        fixed_reduce_into(n, width, total.data(), [&](std::int64_t i, double* acc) {
          acc[0] += term(i);
          acc[width - 1] += 2.0 * term(i);
        });
        CHECK(total[0] == expect);
        CHECK(total[1] == 0.0);
        CHECK(total[width - 1] == fixed_sum(n, [&](std::int64_t i) { return 2.0 * term(i); }));
        CHECK(fixed_reduce(n, width, [&](std::int64_t i, double* acc) { acc[0] += term(i); })[0] == expect);
      }
      CHECK(fixed_sum(0, term) == 0.0);
    }
    set_threads(before);
  }

  TEST_CASE("courtship: targeting rules") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.powers[US].aid_budget = 2.0;
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.aid_cap = 100.0;
    w.alignment = {1, 0, 1};  // A and C in the US bloc
    w.powers[US].cfg.targeting = Targeting::allies;
    phase::courtship(w);
    CHECK(w.aid(US, A) == Approx(3.0));  // 2·3·1/2
    CHECK(w.aid(US, B) == 0.0);
    CHECK(w.aid(US, C) == Approx(3.0));
    w.powers[US].cfg.targeting = Targeting::population;  // pops 1, 4, 9 (Σ 14)
    phase::courtship(w);
    CHECK(w.aid(US, C) == Approx(2.0 * 3 * 9 / 14.0));
    w.powers[US].cfg.targeting = Targeting::swing;  // ω = exp(−margin/0.5)
    w.params.swing_scale = 0.5;
    w.margin << 0.0, 0.5, 1.0;
    phase::courtship(w);
    const double s = 1.0 + std::exp(-1.0) + std::exp(-2.0);
    CHECK(w.aid(US, A) == Approx(6.0 / s));
    CHECK(w.aid(US, C) == Approx(6.0 * std::exp(-2.0) / s));
  }

  TEST_CASE("identity: bounded confidence, narrative and grievance") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.countries[A].identity = {0.2, 0.2};
    cfg.world.countries[B].identity = {0.4, 0.2};
    cfg.world.countries[C].identity = {0.9, 0.9};
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.mu = 0.5;
    w.params.epsilon = 0.5;
    w.params.kappa = 1.0;
    w.grievance_dim = 1;
    w.powers[US].cfg.narrative = 0.1;
    w.powers[US].cfg.narrative_radius = 0.3;
    w.access.setZero();
    w.access(US, C) = 0.5;
    w.dgrievance.setZero();
    w.dgrievance(US, A) = 0.02;
    phase::identity(w);
    // A: only B within ε (‖(0.2,0)‖ = 0.2; C at 0.99): +0.5·(0.2, 0) → (0.3, 0.2); grievance +1·0.02 on dim 1
    CHECK(w.x(0, A) == Approx(0.3));
    CHECK(w.x(1, A) == Approx(0.22));
    // B: only A within ε: +0.5·(−0.2, 0) → (0.3, 0.2)
    CHECK(w.x(0, B) == Approx(0.3));
    CHECK(w.x(1, B) == Approx(0.2));
    // C: no peer within ε; US narrative reaches it (‖(0.1,0.1)‖ = 0.141 < 0.3): +0.1·0.5·(0.1, 0.1)
    CHECK(w.x(0, C) == Approx(0.905));
    CHECK(w.x(1, C) == Approx(0.905));
  }

  TEST_CASE("identity: clamped to [0,1] and noise is keyed, not ordered") {
    ScenarioConfig cfg = test::tiny_config();
    World w = make_world(cfg, 5);
    w.params = zero_params();
    w.params.identity_noise = 10.0;
    w.tick = 1;
    World w2 = w;
    phase::identity(w);
    phase::identity(w2);
    CHECK(w.x == w2.x);
    CHECK((w.x.array() >= 0.0).all());
    CHECK((w.x.array() <= 1.0).all());
  }

  TEST_CASE("choice: utilities, best response and margin") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.countries[A].identity = {0.8, 0.8};
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.beta_identity = 1.0;
    w.params.beta_peer = 1.0;
    w.params.beta_hedge = 0.3;
    w.params.beta_inertia = 0.1;
    w.params.lambda = std::numeric_limits<double>::infinity();
    w.params.revision_rate = 1.0;
    w.alignment = {0, 1, 2};
    phase::choice(w);
    // sim_us = 1 − ‖(0.2,0.2)‖/√2 = 0.8, sim_cn = 1 − ‖(0.8,0.8)‖/√2 = 0.2
    // peers of A: w_AB = 1 (us), w_AC = 2 (cn) over 3
    CHECK(w.utility(1, A) == Approx(0.8 + 1.0 / 3));
    CHECK(w.utility(2, A) == Approx(0.2 + 2.0 / 3));
    CHECK(w.utility(0, A) == Approx(0.4));  // hedge 0.3 + inertia 0.1
    CHECK(w.margin(A) == Approx(0.8 + 1.0 / 3 - 0.2 - 2.0 / 3));
    CHECK(w.alignment[A] == 1);
    CHECK(w.churn >= 1);
  }

  TEST_CASE("choice: every utility term enters with its sign") {
    ScenarioConfig cfg = test::tiny_config();
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.revision_rate = 0.0;
    w.params.beta_ties = 1.0;
    w.params.beta_access = 2.0;
    w.params.beta_aid = 3.0;
    w.params.beta_lock = 4.0;
    w.params.beta_grievance = 5.0;
    w.params.beta_security = 6.0;
    w.ties(US, A) = 0.1;
    w.access(US, A) = 0.2;
    w.access(CN, A) = 0.4;
    w.aid(US, A) = 0.3;
    w.lock(US, A) = 0.4;
    w.grievance(US, A) = 0.5;
    w.security(US, A) = 0.5f;
    w.security(CN, A) = 1.0f;
    w.powers[CN].cfg.alliance_pressure = 0.7;  // CN presses its partners against siding with US
    w.params.aid_half = 0.3;                   // saturating aid: 3·0.3/(0.3 + 0.3) = 1.5
    phase::choice(w);
    CHECK(w.utility(1, A) == Approx(0.1 + 0.4 + 1.5 + 1.6 - 2.5 + 3.0 - 0.7 * 1.0));
    // hedge: mean offer ((0.4 + 1.5) + 0.8)/2, minus CN's pressure on its partner
    CHECK(w.utility(0, A) == Approx((0.4 + 1.5 + 0.8) / 2 - 0.7));
    CHECK(w.alignment[A] == 0);  // r = 0: nobody revises
  }

  TEST_CASE("choice: logit draw frequencies follow exp(λU)") {
    // Country A with U = (0, 1, 0.5) for blocs (0, us, cn) via hedge and ties.
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.edges.clear();
    World base = make_world(cfg, 1);
    base.params = zero_params();
    base.params.beta_ties = 1.0;
    base.params.lambda = 2.0;
    base.params.revision_rate = 1.0;
    base.ties(US, A) = 1.0;
    base.ties(CN, A) = 0.5;
    int counts[3] = {0, 0, 0};
    const int trials = 20000;
    for (int s = 0; s < trials; ++s) {
      World w = base;
      w.seed = static_cast<std::uint64_t>(s);
      phase::choice(w);
      ++counts[w.alignment[A]];
    }
    const double z = 1.0 + std::exp(2.0) + std::exp(1.0);
    CHECK(counts[0] / double(trials) == Approx(1.0 / z).epsilon(0.05));
    CHECK(counts[1] / double(trials) == Approx(std::exp(2.0) / z).epsilon(0.02));
    CHECK(counts[2] / double(trials) == Approx(std::exp(1.0) / z).epsilon(0.04));
  }

  TEST_CASE("choice: pinned countries keep their bloc") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.initial.pin = {{"BBB", "cn"}};
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.beta_ties = 5.0;
    w.ties.setOnes();
    w.params.revision_rate = 1.0;
    w.params.lambda = std::numeric_limits<double>::infinity();
    phase::choice(w);
    CHECK(w.alignment[B] == 2);
    CHECK(w.alignment[A] == 1);  // ties equal: lowest power index wins the tie
  }

  TEST_CASE("standards: network share, bloc, effort and multilateralism") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.countries[A].identity = {0.8, 0.8};
    World w = make_world(cfg, 1);  // gdp 1, 2, 3
    w.params = zero_params();
    w.params.alpha_network = 1.0;
    w.params.alpha_bloc = 0.5;
    w.params.alpha_multilateral = 1.0;
    w.params.lambda_standards = std::numeric_limits<double>::infinity();
    w.params.revision_rate_standards = 1.0;
    w.multilateral_dim = 0;
    w.params.effort_flat = 1.0;  // v1: effort reaches everyone alike
    w.powers[US].cfg.standards_effort = 0.1;
    w.standard = {0, 1, 2};
    w.alignment = {1, 0, 0};
    phase::standards(w);
    // A: neighbours B (1·gdp 2 on us), C (2·gdp 3 on cn): shares 0, 0.25, 0.75
    // V0 = 1·x_A[0] = 0.8; V_us = 0.25 + 0.5 + 0.1 = 0.85; V_cn = 0.75 → us
    CHECK(w.standard[A] == 1);
    // B: neighbours A (1·1 intl), C (1·3 cn): shares 0.25, 0, 0.75; x_B[0] = 0.5
    // V0 = 0.25 + 0.5 = 0.75, V_us = 0 + 0.1, V_cn = 0.75 → tie, lowest index (intl)
    CHECK(w.standard[B] == 0);
    // C: A (2·1 intl), B (1·2 us): V0 = 0.5 + 0.5 = 1.0, V_us = 0.5 + 0.1 → intl
    CHECK(w.standard[C] == 0);
  }

  TEST_CASE("material: capacity, lock-in, grievance, ties, frontier") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.countries[A].capacity = 0.5;
    cfg.powers[US].default_trade = 0.3;
    cfg.powers[US].home = "BBB";
    cfg.powers[CN].home = "CCC";
    cfg.powers[US].frontier = 1.0;
    cfg.powers[CN].frontier = 0.8;
    cfg.powers[US].frontier_growth = 0.1;
    cfg.powers[CN].frontier_growth = 0.1;
    cfg.powers[US].strictness = 0.5;
    cfg.powers[US].tiers.countries = {{"CCC", 2}};
    cfg.powers[US].open_models = 0.2;
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.capacity_growth = 0.1;
    w.params.aid_capacity = 0.2;
    w.params.lock_decay = 0.1;
    w.params.lock_aid = 0.5;
    w.params.lock_adoption = 0.05;
    w.params.grievance_decay = 0.5;
    w.params.tie_drift = 0.5;
    w.params.tie_bonus = 0.4;
    w.params.frontier_control_drag = 1.0;
    w.params.frontier_open_spillover = 0.5;
    w.access.setZero();
    w.access(US, A) = 0.9;
    w.aid.setZero();
    w.aid(US, A) = 1.0;
    w.lock.setZero();
    w.lock(US, A) = 0.2;
    w.grievance.setZero();
    w.grievance(CN, A) = 0.4;
    w.dgrievance.setZero();
    w.dgrievance(CN, A) = 0.1;
    w.alignment[A] = 1;
    w.standard[A] = 1;
    phase::material(w);
    // c = 0.5 + 0.1·(0.9 − 0.5) + 0.2·(1/2)·(1 − 0.5) = 0.59
    CHECK(w.capacity(A) == Approx(0.59));
    // L = 0.9·0.2 + 0.5·1 + 0.05 = 0.73
    CHECK(w.lock(US, A) == Approx(0.73));
    // G = 0.5·0.4 + 0.1 = 0.3
    CHECK(w.grievance(CN, A) == Approx(0.3));
    // T* = min(1, 0.3 + 0.4) = 0.7; T = 0.3 + 0.5·(0.7 − 0.3) = 0.5; CN tie T⁰ = 0 stays 0
    CHECK(w.ties(US, A) == Approx(0.5));
    CHECK(w.ties(CN, A) == Approx(0.0));
    // f_us = 1·(1 + 0.1·(1 − 0)) + 0 = 1.1 (CN applies no controls to BBB)
    // f_cn = 0.8·(1 + 0.1·(1 − 1·0.5·2/2)) + 0.5·0.2·(1 − 0.8) = 0.84 + 0.02 = 0.86
    CHECK(w.powers[US].frontier == Approx(1.1));
    CHECK(w.powers[CN].frontier == Approx(0.86));
  }

#ifdef BLOCSIM_CHECKS
  TEST_CASE("step: the invariant check throws on a non-finite offer, and only then") {
    // A NaN frontier makes that power's access NaN in every country (rel = f/max f);
    // step() must report the count of offending countries. Small world (one
    // block of the pre-scan) and a synthetic world of 3 blocks (flags per block,
    // in parallel at 2 threads), at 1 and 2 threads.
    const int threads0 = max_threads();
    for (std::int64_t n : {std::int64_t{0}, std::int64_t{3 * kParallelGrain - 5}}) {
      ScenarioConfig cfg = n == 0 ? test::tiny_config() : synthetic_variant(test::tiny_config(), n, 6.0);
      for (int threads : {1, 2}) {
        set_threads(threads);
        World w = make_world(cfg, 1);
        const std::int64_t countries = w.n;
        CHECK_NOTHROW(step(w, cfg));
        CHECK_NOTHROW(step(w, cfg));
        w.powers[US].frontier = std::numeric_limits<double>::quiet_NaN();
        CHECK_THROWS_WITH_AS(step(w, cfg),
                             ("invariant violated at tick 3 in " + std::to_string(countries) +
                              " countries (identity or capacity outside [0,1], bloc out of range, or non-finite "
                              "offers/utilities)")
                                 .c_str(),
                             RunError);
      }
    }
    set_threads(threads0);
  }
#endif

  TEST_CASE("policy: events set parameters, tiers, memberships and security at their tick") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.groups = {{"club", {"AAA"}}};
    cfg.network.group_weight = 0.5;
    Event e;
    e.tick = 2;
    e.set = {{"model.mu", 0.3, {}}, {"powers.us.open_models", 0.7, {}}};
    TierChange tc;
    tc.power = "us";
    tc.tiers.groups = {{"club", 2}};
    e.tiers = {tc};
    e.memberships = {{"club", {"BBB"}, {}}};
    e.security = {{"cn", {{"CCC", 1.0}}}};
    cfg.timeline = {e};
    World w = make_world(cfg, 1);
    w.tick = 1;
    phase::policy(w, cfg);
    CHECK(w.params.mu == cfg.model.mu);  // not yet
    w.tick = 2;
    phase::policy(w, cfg);
    CHECK(w.params.mu == 0.3);
    CHECK(w.powers[US].cfg.open_models == 0.7);
    CHECK(w.tier(US, A) == 2);
    CHECK(w.tier(US, B) == 2);  // joined the club in the same event
    CHECK(w.tier(US, C) == 0);
    CHECK(w.security(CN, C) == 1.0f);
    CHECK(w.w.coeff(A, B) == doctest::Approx(1.5));  // edge 1 + shared group 0.5
  }

  TEST_CASE("policy: by_alignment tiers follow the blocs") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.powers[US].tiers.rule = TierRule::by_alignment;
    World w = make_world(cfg, 1);
    w.alignment = {1, 0, 2};
    w.tick = 1;
    phase::policy(w, cfg);
    CHECK(w.tier(US, A) == 0);
    CHECK(w.tier(US, B) == 1);
    CHECK(w.tier(US, C) == 2);
  }

  TEST_CASE("record: shares, fragmentation, interoperability, bipolarity") {
    World w = make_world(test::tiny_config(), 1);  // gdp 1,2,3; pop 1,4,9
    w.alignment = {1, 1, 2};
    w.standard = {1, 0, 2};
    const auto cols = metric_columns({"us", "cn"});
    const auto m = compute_metrics(w);
    auto get = [&](const std::string& n) {
      for (std::size_t c = 0; c < cols.size(); ++c)
        if (cols[c] == n) return m[c];
      FAIL("no column " << n);
      return 0.0;
    };
    CHECK(cols.size() == m.size());
    CHECK(get("bloc_count_us") == Approx(2.0 / 3));
    CHECK(get("bloc_gdp_cn") == Approx(0.5));
    CHECK(get("bloc_pop_us") == Approx(5.0 / 14));
    CHECK(get("std_gdp_intl") == Approx(2.0 / 6));
    // F = 1 − (1/36 + 4/36 + 9/36) = 22/36; normalised by 2/3
    CHECK(get("fragmentation") == Approx(22.0 / 36));
    CHECK(get("fragmentation_norm") == Approx(22.0 / 36 * 1.5));
    CHECK(get("effective_standards") == Approx(36.0 / 14));
    CHECK(get("interoperability") == Approx(0.0));  // all three on different standards
    // RQ on (0, 2/3, 1/3): 1 − [1·0 + (−1/3)²·2/3 + (1/3)²·1/3] = 1 − 3/27
    CHECK(get("bipolarity_rq") == Approx(1.0 - 3.0 / 27));
    CHECK(std::isnan(get("capacity_nonaligned")));
    CHECK(get("centroid_distance") == Approx(0.0));  // all identities are (0.5, 0.5)
  }

  TEST_CASE("record: Esteban–Ray is 0 at consensus and maximal for two equal poles") {
    CHECK(esteban_ray({0.3, 0.3}, {1, 1}, 1.6, -1, 1) == Approx(0.0));
    const double two = esteban_ray({-1.0, 1.0}, {1, 1}, 1.6, -1, 1, 64);
    const double three = esteban_ray({-1.0, 0.0, 1.0}, {1, 1, 1}, 1.6, -1, 1, 64);
    CHECK(two > three);
    // two poles at bins 0 and 63: 2·0.5^2.6·0.5·63·(2/64)
    CHECK(two == Approx(2 * std::pow(0.5, 2.6) * 0.5 * 63 * (2.0 / 64)));
  }

  TEST_CASE("initial equilibrium is a fixed point of best response") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.countries[A].identity = {0.9, 0.9};
    cfg.world.countries[C].identity = {0.1, 0.1};
    cfg.initial.alignment = InitialMode::equilibrium;
    cfg.initial.standards = InitialMode::equilibrium;
    World w = make_world(cfg, 1);
    CHECK(w.init_converged);
    World again = w;
    again.params.lambda = std::numeric_limits<double>::infinity();
    again.params.revision_rate = 1.0;
    again.params.beta_inertia = 0.0;
    phase::choice(again);
    CHECK(again.alignment == w.alignment);
  }
}
