// Parameter registries, calendar arithmetic, key-path access and diagnostics
// (include/blocsim/engine/config.h, include/blocsim/io/error.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "blocsim/engine/config.h"
#include "blocsim/io/error.h"

using namespace blocsim;

namespace {

template <class Owner>
void check_registry(std::span<const ParamSpec<Owner>> specs) {
  const Owner defaults{};
  std::set<std::string_view> keys;
  for (const auto& s : specs) {
    CAPTURE(s.key);
    CHECK(keys.insert(s.key).second);            // unique keys
    CHECK(defaults.*(s.field) == s.default_value);  // registry == member initialiser
    CHECK(s.min <= s.default_value);
    CHECK(s.default_value <= s.max);
    CHECK(!s.unit.empty());
    CHECK(!s.group.empty());
    CHECK(!s.meaning.empty());
    if (s.allow_inf) CHECK(std::isinf(s.max));
  }
}

ScenarioConfig two_powers() {
  ScenarioConfig cfg;
  cfg.dimensions = {"democracy", "sovereignty", "multilateralism", "market"};
  for (const char* id : {"us", "cn"}) {
    PowerConfig p;
    p.id = id;
    p.identity = {0.5, 0.5, 0.5, 0.5};
    cfg.powers.push_back(p);
  }
  return cfg;
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("registry defaults equal the struct initialisers") {
    check_registry(model_params());
    check_registry(power_params());
    check_registry(network_params());
    CHECK(model_params().size() == 58);
    CHECK(power_params().size() == 9);
    CHECK(network_params().size() == 4);
  }

  TEST_CASE("only the logit intensities accept +inf") {
    std::set<std::string_view> inf;
    for (const auto& s : model_params())
      if (s.allow_inf) inf.insert(s.key);
    CHECK(inf == std::set<std::string_view>{"lambda", "lambda_standards"});
    for (const auto& s : power_params()) CHECK_FALSE(s.allow_inf);
    for (const auto& s : network_params()) CHECK_FALSE(s.allow_inf);
  }

  TEST_CASE("set_param / get_param round trip over every path") {
    ScenarioConfig cfg = two_powers();
    cfg.world.synthetic = SyntheticWorld{100, 4, 0.1};
    const auto paths = param_paths(cfg);
    CHECK(std::find(paths.begin(), paths.end(), "powers.cn.export_controls.strictness") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "network.border_weight") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "world.synthetic.countries") != paths.end());
    for (const auto& p : paths) {
      CAPTURE(p);
      // a legal value different from the default in most cases: 1 is in every range
      // except ticks etc., where it is the minimum, and polarization_alpha ≤ 1.6
      const double v = p == "world.synthetic.countries" ? 2.0 : 1.0;
      set_param(cfg, p, v);
      CHECK(get_param(cfg, p) == v);
    }
    set_param(cfg, "model.mu", 0.125);
    CHECK(cfg.model.mu == 0.125);
    set_param(cfg, "powers.cn.capacity_building.budget", 0.7);
    CHECK(cfg.powers[1].aid_budget == 0.7);
    set_param(cfg, "powers.us.export_controls.strictness", 0.25);
    CHECK(cfg.powers[0].strictness == 0.25);
    set_param(cfg, "ticks", 12);
    CHECK(cfg.ticks == 12);
    set_param(cfg, "seed", 99);
    CHECK(cfg.seed == 99u);
    set_param(cfg, "model.lambda", std::numeric_limits<double>::infinity());
    CHECK(std::isinf(cfg.model.lambda));
  }

  TEST_CASE("set_param rejects unknown paths and bad values, with the location") {
    ScenarioConfig cfg = two_powers();
    const SourceLoc loc{"sweep.yaml", 3, 7};
    CHECK_THROWS_WITH_AS(set_param(cfg, "model.muu", 0.1, loc),
                         doctest::Contains("sweep.yaml:3:7: model.muu: unknown parameter 'model.muu' (did you mean 'model.mu'?)"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(set_param(cfg, "powers.eu.open_models", 0.1, loc),
                         doctest::Contains("(did you mean 'powers.us.open_models'?)"), ConfigError);
    CHECK_THROWS_WITH_AS(set_param(cfg, "model.mu", 1.5, loc),
                         doctest::Contains("sweep.yaml:3:7: model.mu: out of range: 1.5 is not in [0, 1]"), ConfigError);
    CHECK_THROWS_WITH_AS(set_param(cfg, "model.mu", std::nan(""), loc), doctest::Contains("NaN is not allowed"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(set_param(cfg, "model.epsilon", std::numeric_limits<double>::infinity(), loc),
                         doctest::Contains("infinity is not allowed"), ConfigError);
    CHECK_THROWS_WITH_AS(set_param(cfg, "ticks", 2.5, loc), doctest::Contains("expected an integer, got 2.5"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(set_param(cfg, "ticks", 0, loc), doctest::Contains("out of range: 0 is not in [1, 1e+06]"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(set_param(cfg, "world.synthetic.countries", 10, loc),
                         doctest::Contains("the world is not synthetic"), ConfigError);
    CHECK_THROWS_AS(get_param(cfg, "nope"), ConfigError);
    CHECK(cfg.model.mu == ModelParams{}.mu);  // nothing changed
  }

  TEST_CASE("tick_date and date_tick") {
    Calendar q;  // 2025-07, quarters
    CHECK(tick_date(q, 0) == "2025-07");
    CHECK(tick_date(q, 1) == "2025-10");
    CHECK(tick_date(q, 2) == "2026-01");
    CHECK(tick_date(q, 40) == "2035-07");
    CHECK(tick_date(q, -1) == "2025-04");
    CHECK(date_tick(q, "2025-07") == 0);
    CHECK(date_tick(q, "2026-01") == 2);
    CHECK(date_tick(q, "2025-01") == -2);
    CHECK_FALSE(date_tick(q, "2025-08").has_value());  // not on a tick
    CHECK_FALSE(date_tick(q, "2025-13").has_value());
    CHECK_FALSE(date_tick(q, "2025-7").has_value());
    CHECK_FALSE(date_tick(q, "abcd-ef").has_value());
    CHECK_FALSE(date_tick(q, "").has_value());
    Calendar m{2024, 10, CalendarStep::month};
    CHECK(date_tick(m, "2025-01") == 3);
    CHECK(date_tick(m, "2025-05") == 7);
    CHECK(tick_date(m, 3) == "2025-01");
    Calendar y{2025, 1, CalendarStep::year};
    CHECK(tick_date(y, 5) == "2030-01");
    CHECK(date_tick(y, "2030-01") == 5);
    CHECK_FALSE(date_tick(y, "2030-02").has_value());
    for (int t = -5; t < 50; ++t) CHECK(date_tick(q, tick_date(q, t)) == t);
  }

  TEST_CASE("find_power and find_dimension") {
    ScenarioConfig cfg = two_powers();
    CHECK(find_power(cfg, "us") == 0);
    CHECK(find_power(cfg, "cn") == 1);
    CHECK(find_power(cfg, "eu") == -1);
    CHECK(find_dimension(cfg, "market") == 3);
    CHECK(find_dimension(cfg, "nope") == -1);
  }
}

TEST_SUITE("error") {
  TEST_CASE("Diagnostic::str omits unknown parts") {
    // Named objects, not temporaries: GCC 12 -O3 reports a false
    // -Wmaybe-uninitialized on a temporary Diagnostic's SourceLoc string.
    auto str = [](std::string file, int line, int col, std::string key, std::string msg) {
      Diagnostic d;
      d.loc = SourceLoc{std::move(file), line, col};
      d.key = std::move(key);
      d.message = std::move(msg);
      return d.str();
    };
    CHECK(str("a.yaml", 3, 5, "model.mu", "bad") == "a.yaml:3:5: model.mu: bad");
    CHECK(str("a.yaml", 3, 0, "model.mu", "bad") == "a.yaml:3: model.mu: bad");
    CHECK(str("a.yaml", 0, 0, "model.mu", "bad") == "a.yaml: model.mu: bad");
    CHECK(str("<command line>", 0, 0, "x", "bad") == "<command line>: x: bad");
    CHECK(str("", 0, 0, "", "bad") == "bad");
  }

  TEST_CASE("ConfigError carries every diagnostic; what() joins them") {
    ConfigError e({Diagnostic{{"a", 1, 2}, "k", "one"}, Diagnostic{{"b", 3, 4}, "l", "two"}});
    CHECK(std::string(e.what()) == "a:1:2: k: one\nb:3:4: l: two");
    CHECK(e.diagnostics().size() == 2);
    ConfigError single(SourceLoc{"f", 1, 1}, "key", "msg");
    CHECK(std::string(single.what()) == "f:1:1: key: msg");
  }

  TEST_CASE("did_you_mean") {
    const std::vector<std::string> keys = {"mu", "epsilon", "beta_identity", "beta_ties", "revision_rate"};
    CHECK(did_you_mean("epsilonn", keys) == "epsilon");
    CHECK(did_you_mean("beta_identiy", keys) == "beta_identity");
    CHECK(did_you_mean("revison_rate", keys) == "revision_rate");
    CHECK(did_you_mean("Mu", keys) == "mu");
    CHECK(did_you_mean("completely_different", keys).empty());
    CHECK(did_you_mean("xy", keys).empty());
    CHECK(did_you_mean("anything", {}).empty());
  }
}
