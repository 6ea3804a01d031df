// Scenario loading, extends, overrides, validation messages, resolved YAML and
// the generated parameter reference (include/blocsim/input/scenario.h).
//
// Every file under tests/data/bad/ must fail to load with the exact
// `file:line:col: key.path: message` checked here (the CLI tests also use
// them to check that nothing is written).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "blocsim/engine/config.h"
#include "blocsim/io/error.h"
#include "blocsim/input/scenario.h"
#include "input/scenario_detail.h"

using namespace blocsim;
namespace fs = std::filesystem;

namespace {

const fs::path kData = BLOCSIM_TEST_DATA;
const fs::path kSource = BLOCSIM_SOURCE_DIR;

fs::path bad(const char* name) { return kData / "bad" / name; }
fs::path good(const char* name) { return kData / "good" / name; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

//! A scratch file under /tmp, removed on destruction.
struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& text, const std::string& name = "scenario.yaml") {
    static int counter = 0;
    const fs::path dir = fs::temp_directory_path() /
                         ("blocsim-scn-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
  }
  ~TempFile() { fs::remove_all(path.parent_path()); }
};

//! All diagnostics of a failing load, one per line (empty if it loads).
std::string problems(const fs::path& p, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario(p, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string without_comments(const std::string& yaml) {
  std::istringstream in(yaml);
  std::string line, out;
  while (std::getline(in, line))
    if (!line.starts_with("#")) out += line + "\n";
  return out;
}

//! resolved_yaml → file → load → resolved_yaml gives the same text.
void check_round_trip(const ScenarioConfig& cfg) {
  const std::string text = resolved_yaml(cfg);
  CHECK(resolved_yaml(cfg) == text);  // deterministic
  TempFile f(text, "scenario.resolved.yaml");
  ScenarioConfig again;
  REQUIRE_NOTHROW(again = load_scenario(f.path));
  CHECK(without_comments(resolved_yaml(again)) == without_comments(text));
  CHECK(again.name == cfg.name);
  CHECK(again.seed == cfg.seed);
  CHECK(again.ticks == cfg.ticks);
  CHECK(again.world.countries.size() == cfg.world.countries.size());
  CHECK(again.timeline.size() == cfg.timeline.size());
  for (const auto& s : model_params()) CHECK(again.model.*(s.field) == cfg.model.*(s.field));
}

#define CHECK_BAD(file, text) \
  CHECK_THROWS_WITH_AS(load_scenario(bad(file)), doctest::Contains(text), blocsim::ConfigError)

}  // namespace

TEST_SUITE("scenario") {
  // -------------------------------------------------------------------------
  // Good scenarios
  // -------------------------------------------------------------------------
  TEST_CASE("minimal.yaml loads") {
    const ScenarioConfig cfg = load_scenario(kSource / "scenarios" / "minimal.yaml");
    CHECK(cfg.name == "minimal");
    CHECK(cfg.seed == 42u);
    CHECK(cfg.ticks == 12);
    CHECK(cfg.dimensions.size() == 4);
    REQUIRE(cfg.world.countries.size() == 12);
    CHECK(cfg.world.countries[0].iso3 == "USA");
    CHECK(cfg.world.countries[11].iso3 == "MEX");
    CHECK(cfg.world.countries[4].identity == std::vector<double>{0.65, 0.85, 0.60, 0.55});
    CHECK(cfg.world.countries[4].trade.at("cn") == 0.25);
    CHECK(cfg.world.countries_file.empty());  // inline
    REQUIRE(cfg.world.borders.size() == 3);
    CHECK(cfg.world.borders[0].a == "USA");
    CHECK(cfg.world.borders[0].b == "MEX");
    CHECK(cfg.world.borders[0].weight == 1.0);
    CHECK(cfg.world.groups.size() == 6);
    REQUIRE(cfg.powers.size() == 2);
    const PowerConfig& us = cfg.powers[0];
    CHECK(us.id == "us");
    CHECK(us.home == "USA");
    CHECK(us.strictness == 0.4);
    CHECK(us.tiers.default_tier == 1);
    CHECK(us.tiers.groups == std::vector<std::pair<std::string, int>>{{"chip_tier1", 0}});
    CHECK(us.targeting == Targeting::allies);
    CHECK(us.trade_column == "trade_us");
    CHECK(us.security_groups == std::vector<std::string>{"us_treaty_allies"});
    CHECK(cfg.powers[1].open_models == 0.8);
    CHECK(cfg.powers[1].targeting == Targeting::need);
    REQUIRE(cfg.timeline.size() == 2);
    CHECK(cfg.timeline[0].date == "2026-01");
    CHECK(cfg.timeline[0].tick == 2);
    CHECK(cfg.timeline[0].set[0].path == "powers.us.export_controls.strictness");
    CHECK(cfg.timeline[0].tiers[0].power == "us");
    CHECK(cfg.timeline[1].tick == 6);
    CHECK(cfg.timeline[1].set.size() == 2);
    CHECK(validate(cfg).empty());
  }

  TEST_CASE("defaults: name = file stem, default dimensions, tie columns, calendar") {
    TempFile f("extends: " + good("tiny.yaml").string() + "\n", "my_variant.yaml");
    const ScenarioConfig cfg = load_scenario(f.path);
    CHECK(cfg.name == "my_variant");  // name is not inherited through extends
    CHECK(cfg.dimensions == std::vector<std::string>{"democracy", "sovereignty", "multilateralism", "market"});
    CHECK(cfg.powers[0].trade_column == "trade_us");
    CHECK(cfg.powers[1].security_column == "security_cn");
    CHECK(cfg.powers[0].name == "us");
    CHECK(cfg.calendar.start_year == 2025);
    CHECK(cfg.calendar.start_month == 7);
    CHECK(cfg.calendar.step == CalendarStep::quarter);
    CHECK(cfg.model.epsilon == ModelParams{}.epsilon);
    CHECK(cfg.network.group_weight == NetworkConfig{}.group_weight);
    CHECK(cfg.initial.alignment == InitialMode::equilibrium);
    CHECK(cfg.outputs.countries_every == 1);
    CHECK(load_scenario(good("tiny.yaml")).name == "tiny");
  }

  TEST_CASE("extends: maps merge key by key, powers merge on id, other lists replace, timeline sorted") {
    const ScenarioConfig cfg = load_scenario(good("variant.yaml"));
    CHECK(cfg.name == "variant");
    CHECK(cfg.ticks == 12);               // overridden
    CHECK(cfg.seed == 7u);                // inherited
    CHECK(cfg.model.mu == 0.05);          // inherited inside a merged map
    CHECK(cfg.model.epsilon == 0.3);      // added by the variant
    REQUIRE(cfg.powers.size() == 2);
    CHECK(cfg.powers[0].open_models == 0.5);  // changed by the variant
    CHECK(cfg.powers[0].strictness == 0.5);   // inherited: powers merge on id
    CHECK(cfg.powers[0].tiers.countries.size() == 1);
    CHECK(cfg.powers[1].open_models == 0.8);  // the other power is untouched
    CHECK(cfg.powers[1].home == "CHN");
    CHECK(cfg.world.countries.size() == 4);  // inherited world
    REQUIRE(cfg.timeline.size() == 2);
    CHECK(cfg.timeline[0].tick == 1);  // sorted by tick
    CHECK(cfg.timeline[0].label == "first");
    CHECK(cfg.timeline[1].tick == 3);
  }

  TEST_CASE("extends: a variant can change one lever of one power and add a power") {
    const ScenarioConfig base = load_scenario(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/minimal.yaml");
    const ScenarioConfig cfg = load_scenario(good("extends_power_merge.yaml"));
    REQUIRE(cfg.powers.size() == 3);
    CHECK(cfg.powers[1].id == "cn");
    CHECK(cfg.powers[1].open_models == 0.95);
    CHECK(cfg.powers[1].aid_budget == base.powers[1].aid_budget);
    CHECK(cfg.powers[1].identity == base.powers[1].identity);
    CHECK(cfg.powers[0].strictness == base.powers[0].strictness);
    CHECK(cfg.powers[2].id == "eu");
    CHECK(cfg.powers[2].name == "European Union");
  }

  TEST_CASE("CSV and groups files, two levels of extends, paths relative to the naming file") {
    const ScenarioConfig cfg = load_scenario(good("variant2.yaml"));
    CHECK(cfg.ticks == 12);  // from variant.yaml
    CHECK(cfg.dimensions == std::vector<std::string>{"democracy", "sovereignty"});
    REQUIRE(cfg.world.countries.size() == 3);
    const CountryRow& ind = cfg.world.countries[2];
    CHECK(ind.iso3 == "IND");
    CHECK(ind.name == "India, Republic of");  // quoted field with a comma
    CHECK(ind.identity == std::vector<double>{0.65, 0.85});
    CHECK(ind.trade.at("us") == 0.3);
    CHECK(ind.trade.count("eu") == 0);        // trade_eu: no such power, ignored
    CHECK(ind.security.at("us") == 0.0);      // filled from ties.default_security
    CHECK(ind.loc.line == 5);
    CHECK(ind.loc.column == 1);
    CHECK(fs::path(ind.loc.file).filename() == "countries.csv");
    CHECK(fs::path(cfg.world.countries_file).is_absolute());
    REQUIRE(cfg.world.groups.size() == 2);
    CHECK(cfg.world.groups[1].id == "brics");
    CHECK(cfg.world.groups[1].members == std::vector<std::string>{"CHN", "IND"});  // MAC ignored
    REQUIRE(cfg.world.borders.size() == 1);
    CHECK(cfg.world.borders[0].weight == 2.5);
    CHECK(cfg.world.source_files.size() == 3);
    CHECK(cfg.model.multilateral_dimension.empty());
  }

  TEST_CASE("data-only columns are accepted; world.capacity_column chooses the capacity column") {
    const std::string csv =
        "iso3,name,gdp,pop,capacity,democracy,sovereignty,multilateralism,market,trade_us,trade_cn,security_us,"
        "security_cn,gdp_ppp,capacity_imf,capacity_msft,rivalry_us,rivalry_cn,chinese_finance\n"
        "USA,United States,27000,335,0.85,0.75,0.4,0.3,0.82,1,0.3,1,0,27000,0.77,0.31,0,1,0\n"
        "CHN,China,17800,1410,0.71,0.04,0.9,0.75,0.65,0.27,1,0,1,38000,0.64,,1,0,0\n";
    auto scenario = [&](const std::string& world_extra, const std::string& csv_text) {
      return "world:\n  countries: countries.csv\n" + world_extra +
             "powers:\n  - {id: us, home: USA, identity: [0.85, 0.4, 0.3, 0.9]}\n"
             "  - {id: cn, home: CHN, identity: [0.15, 0.9, 0.75, 0.35]}\n" + std::string(csv_text.empty() ? "" : "");
    };
    TempFile f(scenario("", csv));
    std::ofstream(f.path.parent_path() / "countries.csv") << csv;
    ScenarioConfig cfg = load_scenario(f.path);
    REQUIRE(cfg.world.countries.size() == 2);
    CHECK(cfg.world.capacity_column == "capacity");
    CHECK(cfg.world.countries[0].capacity == 0.85);
    REQUIRE(cfg.world.source_sha256.size() == cfg.world.source_files.size());
    CHECK(cfg.world.source_sha256[0].size() == 64);

    TempFile g(scenario("  capacity_column: capacity_msft\n", csv));
    std::ofstream(g.path.parent_path() / "countries.csv") << csv;
    cfg = load_scenario(g.path);
    CHECK(cfg.world.capacity_column == "capacity_msft");
    CHECK(cfg.world.countries[0].capacity == 0.31);   // read from capacity_msft
    CHECK(cfg.world.countries[1].capacity == 0.71);   // empty cell: falls back to capacity
    CHECK(resolved_yaml(cfg).find("capacity_column: capacity_msft") != std::string::npos);
    check_round_trip(cfg);

    TempFile h(scenario("  capacity_column: capacity_oecd\n", csv));
    std::ofstream(h.path.parent_path() / "countries.csv") << csv;
    CHECK(problems(h.path).find("missing column 'capacity_oecd' (chosen by world.capacity_column)") != std::string::npos);
    TempFile k(scenario("  capacity_column: gdp\n", csv));
    std::ofstream(k.path.parent_path() / "countries.csv") << csv;
    CHECK(problems(k.path).find("scenario.yaml:3:20: world.capacity_column: expected 'capacity' or a column name "
                                "'capacity_<source>'") != std::string::npos);

    std::string bad = csv;
    bad.replace(bad.rfind(",0\n"), 3, ",high\n");   // CHN chinese_finance
    TempFile m(scenario("", bad));
    std::ofstream(m.path.parent_path() / "countries.csv") << bad;
    CHECK(problems(m.path).find("countries.csv:3:") != std::string::npos);
    CHECK(problems(m.path).find("chinese_finance: expected a number or an empty cell, got 'high'") != std::string::npos);
    std::string unknown = csv;
    unknown.replace(unknown.find("chinese_finance"), 15, "chinese_loans__");
    TempFile n(scenario("", unknown));
    std::ofstream(n.path.parent_path() / "countries.csv") << unknown;
    CHECK(problems(n.path).find("unknown column 'chinese_loans__'") != std::string::npos);

    // rivalry_<power> of a defined power is model v2's R_ik: read into the row, and a bad
    // cell is reported once, at file:line:col (here USA's rivalry_cn cell, line 2)
    CHECK(cfg.world.countries[0].rivalry.at("cn") == 1.0);
    CHECK(cfg.world.countries[1].rivalry.at("us") == 1.0);
    std::string riv = csv;
    riv.replace(riv.find(",0,1,0\n"), 7, ",0,strong,0\n");
    TempFile q(scenario("", riv));
    std::ofstream(q.path.parent_path() / "countries.csv") << riv;
    const std::string pq = problems(q.path);
    CHECK(pq.find("countries.csv:2:") != std::string::npos);
    CHECK(pq.find("rivalry_cn") != std::string::npos);
    CHECK(pq.find("strong") != std::string::npos);
    CHECK(pq.find("expected a number or an empty cell") == std::string::npos);  // not reported twice
    std::string high = csv;
    high.replace(high.find(",0,1,0\n"), 7, ",0,1.5,0\n");
    TempFile s(scenario("", high));
    std::ofstream(s.path.parent_path() / "countries.csv") << high;
    const std::string ps = problems(s.path);
    CHECK(ps.find("countries.csv:2:") != std::string::npos);
    CHECK(ps.find("rivalry.cn") != std::string::npos);
    CHECK(ps.find("not in [0, 1]") != std::string::npos);
  }

  TEST_CASE("synthetic world") {
    TempFile f(
        "world: {synthetic: {countries: 1000, degree: 6}}\n"
        "powers:\n  - {id: us, identity: [0.8, 0.3, 0.4, 0.9]}\n  - {id: cn, identity: [0.1, 0.9, 0.7, 0.4]}\n");
    ScenarioConfig cfg = load_scenario(f.path, {"world.synthetic.countries=5000"});
    REQUIRE(cfg.world.synthetic.has_value());
    CHECK(cfg.world.synthetic->countries == 5000);
    CHECK(cfg.world.synthetic->degree == 6.0);
    CHECK(cfg.world.synthetic->rewire == 0.1);
    CHECK(cfg.world.countries.empty());
    check_round_trip(cfg);
    TempFile g(
        "world: {synthetic: {countries: 1}, countries: x.csv}\n"
        "powers:\n  - {id: us, home: USA, identity: [0.8, 0.3, 0.4, 0.9]}\n");
    const std::string msg = problems(g.path);
    CHECK(msg.find("scenario.yaml:1:36: world.countries: cannot be combined with world.synthetic") != std::string::npos);
    CHECK(msg.find("world.synthetic.countries: out of range: 1 is not in [2, 1000000000]") != std::string::npos);
    CHECK(msg.find("powers[0].home: unknown country 'USA' (a synthetic world has no ISO3 codes)") != std::string::npos);
  }

  // -------------------------------------------------------------------------
  // Overrides
  // -------------------------------------------------------------------------
  TEST_CASE("--set overrides") {
    const ScenarioConfig cfg = load_scenario(
        good("tiny.yaml"), {"model.mu=0.2", "powers.cn.open_models=0.5", "ticks=10", "seed=18446744073709551615",
                            "powers.us.capacity_building.targeting=swing", "model.lambda=.inf",
                            "powers.us.export_controls.strictness=1e-1", "calendar.step=month", "initial.alignment=data"});
    CHECK(cfg.model.mu == 0.2);
    CHECK(cfg.powers[1].open_models == 0.5);
    CHECK(cfg.ticks == 10);
    CHECK(cfg.seed == 18446744073709551615ull);
    CHECK(cfg.powers[0].targeting == Targeting::swing);
    CHECK(std::isinf(cfg.model.lambda));
    CHECK(cfg.powers[0].strictness == 0.1);
    CHECK(cfg.calendar.step == CalendarStep::month);
    CHECK(cfg.initial.alignment == InitialMode::data);
    CHECK(cfg.overrides.size() == 9);
    check_round_trip(cfg);
  }

  TEST_CASE("bad --set overrides are all reported at <command line>") {
    const std::string msg = problems(good("tiny.yaml"), {"model.mu=0.5;", "model.muu=0.1", "model.mu=2", "mu",
                                                         "powers.eu.open_models=1", "ticks=abc", "ticks=2.5",
                                                         "powers.us.capacity_building.targeting=friends", "seed=-1"});
    CHECK(msg.find("<command line>: model.mu: expected a number, got '0.5;'") != std::string::npos);
    CHECK(msg.find("<command line>: model.muu: unknown parameter 'model.muu' (did you mean 'model.mu'?)") != std::string::npos);
    CHECK(msg.find("<command line>: model.mu: out of range: 2 is not in [0, 1]") != std::string::npos);
    CHECK(msg.find("<command line>: mu: expected path=value (e.g. model.mu=0.1)") != std::string::npos);
    CHECK(msg.find("<command line>: powers.eu.open_models: unknown parameter 'powers.eu.open_models' (did you mean 'powers.us.open_models'?)") != std::string::npos);
    CHECK(msg.find("<command line>: ticks: expected a number, got 'abc'") != std::string::npos);
    CHECK(msg.find("<command line>: ticks: expected an integer, got 2.5") != std::string::npos);
    CHECK(msg.find("<command line>: powers.us.capacity_building.targeting: expected one of need | swing | allies | population, got 'friends'") != std::string::npos);
    CHECK(msg.find("<command line>: seed: expected an integer in [0, 2^64), got '-1'") != std::string::npos);
  }

  TEST_CASE("apply_overrides: sweep location, re-validation, nothing half-applied is hidden") {
    ScenarioConfig cfg = load_scenario(good("variant.yaml"));
    CHECK_THROWS_WITH_AS(apply_overrides(cfg, {"model.mu=abc"}, SourceLoc{"sweep.yaml", 4, 9}),
                         doctest::Contains("sweep.yaml:4:9: model.mu: expected a number, got 'abc'"), ConfigError);
    // fewer ticks than the last event: caught by re-validation, at the event
    ScenarioConfig short_run = load_scenario(good("variant.yaml"));
    CHECK_THROWS_WITH_AS(apply_overrides(short_run, {"ticks=2"}),
                         doctest::Contains("variant.yaml:10:5: timeline[1].tick: tick 3 is after the last tick (2 = 2026-01)"),
                         ConfigError);
    ScenarioConfig ok = load_scenario(good("variant.yaml"));
    apply_overrides(ok, {"network.group_weight=0.5"});
    CHECK(ok.network.group_weight == 0.5);
    CHECK(ok.overrides == std::vector<std::string>{"network.group_weight=0.5"});
  }

  // -------------------------------------------------------------------------
  // Validation of configs built in code
  // -------------------------------------------------------------------------
  TEST_CASE("validate() on a config built in code") {
    ScenarioConfig cfg;
    auto diags = validate(cfg);
    auto has = [&](const std::string& s) {
      for (const auto& d : diags)
        if (d.str().find(s) != std::string::npos) return true;
      return false;
    };
    CHECK(has("powers: at least one power is required"));
    CHECK(has("world.countries: no countries"));
    cfg = load_scenario(kSource / "scenarios" / "minimal.yaml");
    CHECK(validate(cfg).empty());
    cfg.powers[0].identity.pop_back();
    cfg.world.countries[2].capacity = 2;
    cfg.initial.pin.emplace_back("ZZZ", "us");
    diags = validate(cfg);
    CHECK(has("powers[0].identity: expected 4 values (one per dimension), got 3"));
    CHECK(has("world.countries[2].capacity: out of range: 2 is not in [0, 1]"));
    CHECK(has("initial.pin.ZZZ: unknown country 'ZZZ'"));
  }

  TEST_CASE("a quoted number is a string, not a number") {
    TempFile f("extends: " + good("tiny.yaml").string() + "\nmodel:\n  mu: \"0.1\"\n");
    CHECK(problems(f.path).find("scenario.yaml:3:7: model.mu: expected a number, got the quoted string \"0.1\" (remove the quotes)") !=
          std::string::npos);
  }

  TEST_CASE("timeline security: and rivalry: entries are read alike (messages at the value)") {
    TempFile f("extends: " + good("tiny.yaml").string() +
               "\ntimeline:\n  - tick: 2\n    security: {us: {IND: 1.5, XXX: 0.5}}\n    rivalry: {cn: {IND: 1.5}}\n");
    const std::string p = problems(f.path);
    INFO(p);
    CHECK(p.find("scenario.yaml:4:26: timeline[0].security.us.IND: out of range: 1.5 is not in [0, 1]") != std::string::npos);
    CHECK(p.find("scenario.yaml:4:36: timeline[0].security.us.XXX: unknown country 'XXX'") != std::string::npos);
    CHECK(p.find("scenario.yaml:5:25: timeline[0].rivalry.cn.IND: out of range: 1.5 is not in [0, 1]") != std::string::npos);
  }

  // -------------------------------------------------------------------------
  // Bad scenarios: one file each, exact position and message
  // -------------------------------------------------------------------------
  TEST_CASE("bad: YAML syntax error") {
    CHECK_BAD("bad_syntax.yaml", "bad_syntax.yaml:6:6: YAML syntax error: end of sequence flow not found");
  }
  TEST_CASE("bad: unknown key with did-you-mean") {
    CHECK_BAD("bad_unknown_key.yaml", "bad_unknown_key.yaml:5:3: model.epsilonn: unknown key 'epsilonn' (did you mean 'epsilon'?)");
  }
  TEST_CASE("bad: unknown top-level key") {
    CHECK_BAD("bad_unknown_top_key.yaml", "bad_unknown_top_key.yaml:3:1: tiks: unknown key 'tiks' (did you mean 'ticks'?)");
  }
  TEST_CASE("bad: duplicate key") {
    CHECK_BAD("bad_duplicate_key.yaml", "bad_duplicate_key.yaml:5:3: model.mu: duplicate key (first at line 4)");
  }
  TEST_CASE("bad: wrong type") {
    CHECK_BAD("bad_type.yaml", "bad_type.yaml:4:7: model.mu: expected a number, got 'abc'");
  }
  TEST_CASE("bad: out of range") {
    CHECK_BAD("bad_range.yaml", "bad_range.yaml:4:18: model.revision_rate: out of range: 1.5 is not in [0, 1]");
  }
  TEST_CASE("bad: NaN") {
    CHECK_BAD("bad_nan.yaml", "bad_nan.yaml:4:7: model.mu: NaN is not allowed");
  }
  TEST_CASE("bad: infinity outside lambda") {
    CHECK_BAD("bad_inf.yaml",
              "bad_inf.yaml:5:12: model.epsilon: infinity is not allowed (only model.lambda and model.lambda_standards accept .inf)");
    CHECK(problems(bad("bad_inf.yaml")).find("model.lambda:") == std::string::npos);  // lambda: .inf is fine
  }
  TEST_CASE("bad: wrong vector length") {
    CHECK_BAD("bad_identity_len.yaml", "bad_identity_len.yaml:9:15: powers[1].identity: expected 4 values (one per dimension), got 3");
  }
  TEST_CASE("bad: duplicate ISO3 says where the first one was") {
    CHECK_BAD("bad_duplicate_iso3.yaml",
              "bad_duplicate_iso3.yaml:9:14: world.countries[4].iso3: duplicate country 'USA' (first at world.countries[0], ");
    CHECK_BAD("bad_duplicate_iso3.yaml", "bad_duplicate_iso3.yaml:5)");
  }
  TEST_CASE("bad: unknown ISO3 in a group") {
    CHECK_BAD("bad_unknown_member.yaml",
              "bad_unknown_member.yaml:5:18: world.groups.brics.members[1]: unknown country 'IDN' (did you mean 'IND'?)");
  }
  TEST_CASE("bad: unknown ISO3 in a border; self edge") {
    CHECK_BAD("bad_border.yaml", "bad_border.yaml:4:31: world.borders[1].iso3_b: unknown country 'ARG'");
    CHECK_BAD("bad_border.yaml", "bad_border.yaml:4:37: world.borders[2]: an edge from 'IND' to itself");
  }
  TEST_CASE("bad: unknown ISO3 in tiers; tier out of range") {
    CHECK_BAD("bad_tier_country.yaml",
              "bad_tier_country.yaml:9:24: powers[0].export_controls.tiers.default: out of range: 3 is not a tier (0, 1 or 2)");
    CHECK_BAD("bad_tier_country.yaml",
              "bad_tier_country.yaml:9:47: powers[0].export_controls.tiers.countries.RUS: unknown country 'RUS'");
  }
  TEST_CASE("bad: home is not a country") {
    CHECK_BAD("bad_home.yaml", "bad_home.yaml:5:11: powers[0].home: unknown country 'USB' (did you mean 'USA'?)");
  }
  TEST_CASE("bad: missing file gives the resolved path") {
    const std::string expected = "bad_missing_file.yaml:4:14: world.countries: file not found: " +
                                 (kData / "bad" / "no_such_countries.csv").lexically_normal().string();
    CHECK_BAD("bad_missing_file.yaml", expected.c_str());
    // the missing world is not reported again as a cascade of unknown countries
    CHECK(problems(bad("bad_missing_file.yaml")).find("unknown country") == std::string::npos);
  }
  TEST_CASE("bad: CSV value, positioned at the CSV row and column") {
    CHECK_BAD("bad_csv_value.yaml", "bad_countries.csv:3:22: world.countries[row 3].capacity: expected a number, got 'high'");
  }
  // Checks made after parsing (ranges, unknown countries) find a CSV cell's
  // position in the loader's key → position table (LocTable): each problem
  // at its own cell, not at the file or the row.
  TEST_CASE("bad: CSV cells failing the checks after parsing, each at its cell") {
    const std::string text = problems(bad("bad_csv_range.yaml"));
    CHECK(text.find("bad_countries_range.csv:3:11: world.countries[row 3].gdp: out of range: -5") != std::string::npos);
    CHECK(text.find("bad_countries_range.csv:4:21: world.countries[row 4].capacity: out of range: 1.5") != std::string::npos);
    CHECK(text.find("bad_trade_range.csv:3:9: world.trade[row 3].weight: out of range: -2") != std::string::npos);
    CHECK(text.find("bad_trade_range.csv:4:1: world.trade[row 4].iso3_a: unknown country 'XYZ'") != std::string::npos);
    // the checks that build a value's path only when it fails (issue 14, round 21)
    CHECK(text.find("bad_countries_range.csv:5:25: world.countries[row 5].democracy: out of range: 1.2") !=
          std::string::npos);
    CHECK(text.find("bad_countries_range.csv:5:54: world.countries[row 5].security.us: out of range: -0.1") !=
          std::string::npos);
    CHECK(text.find("bad_trade_range.csv:5:1: world.trade[row 5]: an edge from 'BRA' to itself") != std::string::npos);
    CHECK(text.find("bad_csv_range.yaml:9:28: world.groups.brics.members[3]: 'IND' is listed twice") !=
          std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') + 1 == 8);  // 8 problems, one a line, and nothing else
  }
  TEST_CASE("the loader's position table: a later entry wins; entries written after a lookup are found") {
    blocsim::scenario_detail::LocTable t;
    CHECK_FALSE(t.find("a").has_value());
    t.set("a", "f.yaml", 1, 2);
    t.set("a.b", SourceLoc{"g.csv", 3, 4});
    t.set("a", "f.yaml", 5, 6);
    REQUIRE(t.find("a").has_value());
    CHECK(t.find("a")->line == 5);
    CHECK(t.find("a")->column == 6);
    CHECK(t.find("a.b")->file == "g.csv");
    CHECK_FALSE(t.contains("a.c"));
    // many more keys after the first lookup (the key buffer moves): all found
    for (int i = 0; i < 5000; ++i) t.set("k" + std::to_string(i), i % 2 ? "f.yaml" : "h.csv", i, i + 1);
    t.set("a.b", "g.csv", 7, 8);
    for (int i = 0; i < 5000; i += 499) {
      const auto l = t.find("k" + std::to_string(i));
      REQUIRE(l.has_value());
      CHECK(l->line == i);
      CHECK(l->file == (i % 2 ? "f.yaml" : "h.csv"));
    }
    CHECK(t.find("a.b")->line == 7);
    CHECK(t.find("a")->line == 5);
    CHECK(t.size() == 5004);
  }
  TEST_CASE("bad: required trade column missing without a default") {
    CHECK_BAD("bad_csv_missing_column.yaml",
              "bad_countries_no_trade_cn.csv:1:1: world.countries: missing column 'trade_cn' (add it, or set powers[1].ties.default_trade)");
  }
  TEST_CASE("bad: event date not on a tick") {
    CHECK_BAD("bad_event_date.yaml",
              "bad_event_date.yaml:4:11: timeline[0].date: date 2025-08 is not on a tick boundary (ticks are quarters from 2025-07; nearest: 2025-07 or 2025-10)");
  }
  TEST_CASE("bad: event after the last tick") {
    CHECK_BAD("bad_event_late.yaml", "bad_event_late.yaml:6:11: timeline[1].tick: tick 9 is after the last tick (8 = 2027-07)");
  }
  TEST_CASE("bad: event sets an unknown or out-of-range parameter") {
    CHECK_BAD("bad_event_set.yaml",
              "bad_event_set.yaml:5:22: timeline[0].set.model.muu: unknown parameter 'model.muu' (did you mean 'model.mu'?)");
    CHECK_BAD("bad_event_set.yaml",
              "bad_event_set.yaml:5:50: timeline[0].set.powers.us.open_models: out of range: 2 is not in [0, 1]");
  }
  TEST_CASE("bad: unknown power id") {
    CHECK_BAD("bad_unknown_power.yaml", "bad_unknown_power.yaml:6:7: timeline[0].tiers.eu: unknown power 'eu'; powers are: us, cn");
  }
  TEST_CASE("bad: duplicate power id") {
    CHECK_BAD("bad_duplicate_power.yaml",
              "bad_duplicate_power.yaml:7:9: powers[1].id: duplicate power id 'us' (first at powers[0], ");
  }
  TEST_CASE("bad: no powers (K >= 1)") {
    CHECK_BAD("bad_no_powers.yaml", "bad_no_powers.yaml:3:1: powers: at least one power is required");
    CHECK(problems(bad("bad_no_powers.yaml")).find('\n') == std::string::npos);  // no cascade
  }
  TEST_CASE("bad: no dimensions (D >= 1)") {
    CHECK_BAD("bad_no_dimensions.yaml", "bad_no_dimensions.yaml:3:13: dimensions: at least one identity dimension is required");
    CHECK(problems(bad("bad_no_dimensions.yaml")).find('\n') == std::string::npos);
  }
  TEST_CASE("bad: pinned bloc") {
    CHECK_BAD("bad_pin.yaml", "bad_pin.yaml:4:9: initial.pin.IND: unknown bloc 'eu'; expected 'nonaligned' or a power id (us, cn)");
    CHECK_BAD("bad_pin.yaml", "bad_pin.yaml:4:35: initial.pin.ARG: unknown country 'ARG'");
  }

  TEST_CASE("timeline: exactly one of tick and date; dates inside the run") {
    TempFile f("extends: " + good("tiny.yaml").string() +
               "\ncalendar: {start: 2025-01, step: month}\ntimeline:\n"
               "  - {tick: 2, date: 2025-03}\n"
               "  - {label: no time}\n"
               "  - {date: 2024-12}\n"
               "  - {date: 2025-1}\n"
               "  - {date: 2025-05, set: {ticks: 4}}\n");
    const std::string msg = problems(f.path);
    CAPTURE(msg);
    CHECK(msg.find("scenario.yaml:4:15: timeline[0]: give either 'tick' or 'date', not both") != std::string::npos);
    CHECK(msg.find("scenario.yaml:5:5: timeline[1]: missing 'tick' or 'date' (when the event applies)") != std::string::npos);
    CHECK(msg.find("scenario.yaml:6:12: timeline[2].date: date 2024-12 (tick -1) is before the first tick (events apply from tick 1 = 2025-02)") != std::string::npos);
    CHECK(msg.find("scenario.yaml:7:12: timeline[3].date: expected a date YYYY-MM, got '2025-1'") != std::string::npos);
    CHECK(msg.find("scenario.yaml:8:34: timeline[4].set.ticks: 'ticks' cannot be changed by an event") != std::string::npos);
  }
  TEST_CASE("bad: enum value with did-you-mean") {
    CHECK_BAD("bad_targeting.yaml",
              "bad_targeting.yaml:7:49: powers[0].capacity_building.targeting: expected one of need | swing | allies | population, got 'alies' (did you mean 'allies'?)");
  }
  TEST_CASE("bad: extends cycle") {
    CHECK_BAD("bad_extends_cycle.yaml",
              "bad_extends_cycle_b.yaml:2:10: extends: cycle in extends: bad_extends_cycle.yaml -> bad_extends_cycle_b.yaml -> bad_extends_cycle.yaml");
    CHECK_BAD("bad_extends_cycle_b.yaml", "bad_extends_cycle.yaml:2:10: extends: cycle in extends:");
  }

  TEST_CASE("bad: several problems in one file are all reported, in file order") {
    const std::string expected =
        "bad_multiple.yaml:3:8: ticks: out of range: 0 is not in [1, 1000000]\n"
        "*bad_multiple.yaml:4:1: seeds: unknown key 'seeds' (did you mean 'seed'?)\n"
        "*bad_multiple.yaml:6:7: model.mu: out of range: -0.1 is not in [0, 1]\n"
        "*bad_multiple.yaml:7:18: model.beta_identity: expected a number, got 'lots'\n"
        "*bad_multiple.yaml:11:15: powers[0].identity: expected 4 values (one per dimension), got 3\n"
        "*bad_multiple.yaml:14:34: powers[1].identity[3]: out of range: 1.45 is not in [0, 1]\n"
        "*bad_multiple.yaml:17:33: timeline[0].memberships.brics.add[0]: unknown country 'SAU'";
    try {
      load_scenario(bad("bad_multiple.yaml"));
      FAIL("bad_multiple.yaml loaded");
    } catch (const ConfigError& e) {
      REQUIRE(e.diagnostics().size() == 7);
      std::istringstream want(expected);
      std::string line;
      std::size_t i = 0;
      while (std::getline(want, line)) {
        if (line.starts_with("*")) line.erase(0, 1);
        CAPTURE(line);
        CHECK(e.diagnostics()[i++].str().find(line) != std::string::npos);
      }
    }
  }

  TEST_CASE("every file in tests/data/bad/ fails to load") {
    int n = 0;
    for (const auto& entry : fs::directory_iterator(kData / "bad")) {
      if (entry.path().extension() != ".yaml") continue;
      CAPTURE(entry.path());
      CHECK_THROWS_AS(load_scenario(entry.path()), ConfigError);
      ++n;
    }
    CHECK(n >= 18);
  }

  // -------------------------------------------------------------------------
  // Resolved YAML
  // -------------------------------------------------------------------------
  TEST_CASE("resolved YAML is deterministic and re-loads to the same config") {
    check_round_trip(load_scenario(kSource / "scenarios" / "minimal.yaml"));
    check_round_trip(load_scenario(good("variant.yaml")));
    check_round_trip(load_scenario(good("variant2.yaml")));
    const std::string text = resolved_yaml(load_scenario(kSource / "scenarios" / "minimal.yaml"));
    // every model parameter appears with its value
    for (const auto& s : model_params()) CHECK(text.find("\n  " + std::string(s.key) + ": ") != std::string::npos);
    CHECK(text.find("countries_every: 1") != std::string::npos);
    CHECK(text.find("calendar: {start: 2025-07, step: quarter}") != std::string::npos);
  }

  // -------------------------------------------------------------------------
  // Documentation stays current
  // -------------------------------------------------------------------------
  TEST_CASE("docs/parameters.md is the generated parameter reference") {
    const fs::path doc = kSource / "docs" / "parameters.md";
    const std::string generated = parameter_reference_markdown();
    if (std::getenv("BLOCSIM_UPDATE_DOCS")) std::ofstream(doc, std::ios::binary) << generated;
    CHECK_MESSAGE(read(doc) == generated,
                  "docs/parameters.md is out of date: regenerate it with `./build/blocsim params > docs/parameters.md` "
                  "(or BLOCSIM_UPDATE_DOCS=1 ./build/tests/blocsim_tests -ts=scenario)");
    for (const auto& s : model_params()) CHECK(generated.find("`model." + std::string(s.key) + "`") != std::string::npos);
    for (const auto& s : power_params()) CHECK(generated.find("`powers.<id>." + std::string(s.key) + "`") != std::string::npos);
  }

  TEST_CASE("scenarios/README.md documents every key the parser accepts") {
    const std::string readme = read(kSource / "scenarios" / "README.md");
    REQUIRE(!readme.empty());
    for (const std::string& path : scenario_schema_keys()) {
      // the key's own name, e.g. "default" of "powers[].export_controls.tiers.default"
      const auto cut = path.find_last_of(".:");
      const std::string key = cut == std::string::npos ? path : path.substr(cut + 1);
      CAPTURE(path);
      const bool documented = readme.find("`" + key + "`") != std::string::npos ||
                              readme.find("." + key + "`") != std::string::npos ||
                              readme.find(key + ":") != std::string::npos;
      CHECK(documented);
    }
  }
}
