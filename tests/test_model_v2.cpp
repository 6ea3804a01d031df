// Model v2 mechanisms (issue 11) on the 3-country world of helpers.h: each
// new term against hand arithmetic, and reactive rules end to end.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "blocsim/engine/phases.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "helpers.h"
#include "engine/phases/reactions.h"

using namespace blocsim;
using doctest::Approx;

namespace {
constexpr int A = 0, B = 1, C = 2;
constexpr int US = 0, CN = 1;

ModelParams zero_params() {
  ModelParams p;
  for (const auto& s : model_params()) p.*s.field = 0.0;
  p.aid_cap = 100.0;
  return p;
}
}  // namespace

TEST_SUITE("model_v2") {
  TEST_CASE("choice: rivalry repels, balance of threat attracts, hedging is a country property") {
    ScenarioConfig cfg = test::tiny_config();
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.revision_rate = 0.0;
    w.params.beta_rivalry = 2.0;
    w.params.beta_threat = 0.5;
    w.params.hedge_sovereignty = 1.0;
    w.params.hedge_evenness = 0.8;
    w.params.hedge_group = 0.6;
    w.sovereignty_dim = 1;  // x = (0.5, 0.5)
    w.rivalry(CN, A) = 0.7f;
    w.ties(US, A) = 0.2;
    w.ties(CN, A) = 0.6;  // shares 0.25 / 0.75 → E = 1 − (0.25 + 0.25) = 0.5
    w.hedge_member(A) = 1.0;
    phase::choice(w);
    CHECK(w.utility(2, A) == Approx(-2.0 * 0.7));  // cn: −β_riv·R
    CHECK(w.utility(1, A) == Approx(0.5 * 0.7));   // us: +β_thr·R_cn
    CHECK(w.utility(0, A) == Approx(1.0 * 0.5 + 0.8 * 0.5 + 0.6));
    // B: no ties (E = 0), not a member: hedge = sovereignty only
    CHECK(w.utility(0, B) == Approx(0.5));
  }

  TEST_CASE("choice: a hedger takes the best offer with multi_alignment = 1") {
    ScenarioConfig cfg = test::tiny_config();
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.revision_rate = 0.0;
    w.params.beta_access = 1.0;
    w.params.beta_open = 2.0;
    w.access(US, A) = 0.9;
    w.access(CN, A) = 0.5;
    w.open_value(CN, A) = 0.3;  // offers: us 0.9, cn 0.5 + 0.6 = 1.1
    w.params.multi_alignment = 0.0;
    phase::choice(w);
    CHECK(w.utility(0, A) == Approx(1.0));
    CHECK(w.utility(2, A) == Approx(1.1));
    w.params.multi_alignment = 1.0;
    phase::choice(w);
    CHECK(w.utility(0, A) == Approx(1.1));
  }

  TEST_CASE("identity: anchored to the observed profile, pulled toward the chosen bloc") {
    ScenarioConfig cfg = test::tiny_config();
    World w = make_world(cfg, 1);  // x0 = (0.5, 0.5) everywhere
    w.params = zero_params();
    w.params.identity_anchor = 0.1;
    w.params.alignment_feedback = 0.2;
    w.x(0, A) = 0.9;
    w.alignment = {0, 1, 0};  // B US-aligned (y_us = (1, 1))
    phase::identity(w);
    CHECK(w.x(0, A) == Approx(0.9 + 0.1 * (0.5 - 0.9)));
    CHECK(w.x(0, B) == Approx(0.5 + 0.2 * (1.0 - 0.5)));
    CHECK(w.x(0, C) == Approx(0.5));
  }

  TEST_CASE("standards: effort acts through reach; rivalry, openness and thresholds enter with their signs") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.world.edges.clear();
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.revision_rate_standards = 0.0;
    w.params.effort_ties = 0.5;
    w.params.effort_bodies = 0.3;
    w.params.effort_capacity = 0.2;
    w.params.alpha_open = 2.0;
    w.params.alpha_rivalry = 1.0;
    w.params.alpha_threshold = 1.0;
    w.powers[US].cfg.standards_effort = 1.0;
    w.ties(US, A) = 0.4;
    w.forum(US, A) = 1.0f;  // capacity 0.5
    w.open_value(CN, A) = 0.25;
    w.rivalry(CN, A) = 0.3f;
    w.threshold(A) = 0.8;
    // record V through a best response with revision: V_us = 0.2 + 0.3 + 0.1 − 0.3; V_cn = 0.5 − 0.3 − 0.3
    w.params.revision_rate_standards = 1.0;
    w.params.lambda_standards = std::numeric_limits<double>::infinity();
    phase::standards(w);
    CHECK(w.standard[A] == 1);  // V_us = 0.3 > V_0 = 0 > V_cn = −0.1
    w.threshold(A) = 0.95;      // V_us = 0.15, still above intl
    w.powers[US].cfg.standards_effort = 0.2;  // reach 0.6·0.2 = 0.12 − 0.45 < 0
    w.standard = {0, 0, 0};
    phase::standards(w);
    CHECK(w.standard[A] == 0);
    // heterogeneous thresholds: θ_i is fixed per country and spread over [0, 1)
    World big = make_world(cfg, 7);
    World other = make_world(cfg, 8);
    CHECK(big.threshold(A) == other.threshold(A));  // seed-independent
    CHECK(big.threshold(A) != big.threshold(B));
  }

  TEST_CASE("material: open weights raise capacity") {
    ScenarioConfig cfg = test::tiny_config();
    World w = make_world(cfg, 1);
    w.params = zero_params();
    w.params.open_capacity = 0.1;
    w.powers[CN].cfg.open_models = 0.5;  // frontiers 1, 1
    phase::material(w);
    CHECK(w.capacity(A) == Approx(0.5 + 0.1 * 0.5 * 0.5));
  }

  TEST_CASE("policy: rivalry events start and end rivalries") {
    ScenarioConfig cfg = test::tiny_config();
    cfg.powers[CN].rivalries = {{"AAA", 0.6}};
    Event e;
    e.tick = 1;
    e.rivalry.push_back(RivalryChange{"cn", {{"AAA", 0.0}, {"BBB", 0.4}}});
    cfg.timeline.push_back(e);
    World w = make_world(cfg, 1);
    CHECK(w.rivalry(CN, A) == Approx(0.6));
    w.tick = 1;
    phase::policy(w, cfg);
    CHECK(w.rivalry(CN, A) == 0.0f);
    CHECK(w.rivalry(CN, B) == Approx(0.4));
  }

  TEST_CASE("reactive rules: global lever, cooldown, limit, max_firings, per-country aid with budget") {
    ScenarioConfig cfg = test::tiny_config();
    ReactiveRule tighten;
    tighten.name = "tighten";
    tighten.signal = "frontier_gap";
    tighten.below = 0.5;
    tighten.set = "export_controls.strictness";
    tighten.by = 0.3;
    tighten.limit = 0.8;
    tighten.cooldown = 1;
    cfg.powers[US].reactions.push_back(tighten);
    ReactiveRule aid;
    aid.name = "swing";
    aid.signal = "margin";
    aid.above = -0.5;
    aid.below = 0.5;
    aid.aid = 1.0;
    aid.budget = 2.0;
    cfg.powers[US].reactions.push_back(aid);
    for (const auto& d : validate(cfg)) CHECK_MESSAGE(d.key.find("reactions") == std::string::npos, d.str());
    World w = make_world(cfg, 1);
    // margins of us: A −0.1, B 0.2, C −2 (out of range): A then B (closest calls first)
    w.utility.setZero();
    w.utility(0, A) = 0.1;
    w.utility(1, B) = 0.2;
    w.utility(0, C) = 2.0;
    w.tick = 1;
    phase::detail::react(w);
    CHECK(w.powers[US].cfg.strictness == Approx(0.3));
    CHECK(w.aid_extra(US, A) == 1.0);
    CHECK(w.aid_extra(US, B) == 1.0);
    CHECK(w.aid_extra(US, C) == 0.0);
    CHECK(w.firings.size() == 2);
    w.tick = 2;  // cooldown 1: tighten waits; aid fires again
    phase::detail::react(w);
    CHECK(w.powers[US].cfg.strictness == Approx(0.3));
    w.tick = 3;
    phase::detail::react(w);
    CHECK(w.powers[US].cfg.strictness == Approx(0.6));
    w.tick = 5;
    phase::detail::react(w);
    CHECK(w.powers[US].cfg.strictness == Approx(0.8));  // limit
    w.tick = 7;
    const auto before = w.firings.size();
    phase::detail::react(w);
    CHECK(w.powers[US].cfg.strictness == Approx(0.8));
    CHECK(w.firings.size() == before + 1);  // only the aid rule: nothing left to tighten
    // signals
    CHECK(phase::detail::reaction_signal(w, US, "frontier_gap") == Approx(0.0));
    CHECK(std::isnan(phase::detail::reaction_signal(w, US, "bogus")));
  }

  TEST_CASE("reactive rules: strict validation with locations") {
    test::TempDir dir;
    const std::string base = std::string(BLOCSIM_SOURCE_DIR) + "/scenarios/base.yaml";
    std::ofstream(dir.path / "bad.yaml") << "extends: " << base << "\n"
                                         << "powers:\n"
                                         << "  - id: us\n"
                                         << "    reactions:\n"
                                         << "      - name: r\n"
                                         << "        when: {signal: frontier_gapp, below: 0.1}\n"
                                         << "        then: {set: export_controls.strictnes, by: 0.1}\n"
                                         << "      - name: s\n"
                                         << "        when: {signal: margin, below: 0.1}\n"
                                         << "        then: {set: open_models, to: 1, aid: 0}\n"
                                         << "        cooldwn: 2\n";
    try {
      load_scenario(dir.path / "bad.yaml");
      FAIL("expected a ConfigError");
    } catch (const ConfigError& e) {
      const std::string msg = e.what();
      CHECK(msg.find("bad.yaml:6:") != std::string::npos);
      CHECK(msg.find("unknown signal 'frontier_gapp'") != std::string::npos);
      CHECK(msg.find("did you mean 'frontier_gap'") != std::string::npos);
      CHECK(msg.find("unknown lever 'export_controls.strictnes'") != std::string::npos);
      CHECK(msg.find("per-country signal 'margin' takes a country action") != std::string::npos);
      CHECK(msg.find("cooldwn") != std::string::npos);
    }
  }

  TEST_CASE("reactive scenarios fire, record their firings and stay deterministic") {
    for (const char* name : {"reactive_tech_race.yaml", "reactive_openness.yaml"}) {
      const ScenarioConfig cfg = load_scenario(std::string(BLOCSIM_SOURCE_DIR) + "/scenarios/" + name);
      const SimulateResult a = simulate(cfg, 5);
      const SimulateResult b = simulate(cfg, 5);
      CHECK_MESSAGE(!a.firings.empty(), name);
      REQUIRE(a.firings.size() == b.firings.size());
      for (std::size_t q = 0; q < a.firings.size(); ++q) CHECK(a.firings[q].label == b.firings[q].label);
      CHECK(a.metrics.rows == b.metrics.rows);
    }
  }
}
