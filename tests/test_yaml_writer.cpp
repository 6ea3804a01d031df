// YamlWriter (sim/output/yaml_writer.h) against yaml-cpp's YAML::Emitter:
// scenario.resolved.yaml of every scenario in the repository and of a config
// that uses every optional part, random strings in every context the
// resolved file puts a string in, and random edits of a config's texts
// (including ones outside the writer's subset, which must fall back to
// YAML::Emitter). resolved_yaml() must give yaml-cpp's bytes in every case.
// The same for a run folder's metadata.yaml (run_metadata_yaml()).
#include <doctest/doctest.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "blocsim/input/scenario.h"
#include "blocsim/sweep/sweep.h"
#include "helpers.h"
#include "output/resolved_yaml_detail.h"
#include "output/run_metadata.h"
#include "output/yaml_writer.h"
#include "sweep/sweep_metadata.h"
#include "yaml_writer_compare.h"

namespace fs = std::filesystem;
using blocsim::ScenarioConfig;
using blocsim::YamlWriter;

namespace {

// A string of the writer's subset that is likely to hit YAML's plain-scalar rules.
std::string random_text(std::mt19937_64& g) {
  static const std::string special = " :#-?,[]{}&*!|>'\"%@`~\\/.";
  static const std::vector<std::string> words = {"null", "Null",  "NULL", "~", "true", "- ", "? ", ": ", " #", "a",
                                                 "0.5",  "-.inf", "x y",  "",  "key",  "\n", "\t", "é",  "—",  "日本"};
  std::string s;
  const int parts = static_cast<int>(g() % 4);
  for (int i = 0; i < parts; ++i) {
    switch (g() % 4) {
      case 0:
        s += words[g() % words.size()];
        break;
      case 1:
        s += special[g() % special.size()];
        break;
      case 2:
        s += static_cast<char>('a' + g() % 26);
        break;
      default:
        s += static_cast<char>(0x20 + g() % 95);
    }
  }
  return s;
}

// A config with every optional part of the resolved document: inline
// countries, groups and edges of every kind, tiers by group and country,
// rivalries, reactions with every field, pins, and timeline events with every
// kind of change.
ScenarioConfig everything() {
  ScenarioConfig cfg = blocsim::load_scenario(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios" / "minimal.yaml");
  cfg.world.groups.push_back(blocsim::Group{"empty_group", {}});
  cfg.world.trade = {{"USA", "MEX", 0.5}, {"CHN", "VNM", 2}};
  cfg.world.edges = {{"DEU", "JPN", 1}};
  cfg.overrides = {"model.mu=0.1", "powers.us.open_models=0.2"};
  blocsim::PowerConfig& us = cfg.powers[0];
  us.default_trade = 0.1;
  us.default_security = 0;
  us.rivalries = {{"CHN", 0.9}, {"RUS", 0.5}};
  us.security_groups = {"g7"};
  us.standards_groups = {"g7", "brics"};
  us.tiers.groups = {{"g7", 0}, {"brics", 2}};
  us.tiers.countries = {{"CHN", 2}};
  blocsim::ReactiveRule r;
  r.name = "all_fields";
  r.signal = "margin";
  r.below = -0.25;
  r.above = -1e-9;
  r.set = "";
  r.aid = 0.05;
  r.budget = 1.5;
  r.cooldown = 2;
  r.max_firings = 3;
  us.reactions.push_back(r);
  blocsim::ReactiveRule r2;
  r2.name = "global";
  r2.signal = "rival_bloc_gdp";
  r2.above = 0.4;
  r2.set = "open_models";
  r2.by = 0.1;
  r2.limit = 0.9;
  us.reactions.push_back(r2);
  blocsim::ReactiveRule r3 = r2;
  r3.name = "to";
  r3.by.reset();
  r3.to = 0.5;
  us.reactions.push_back(r3);
  cfg.initial.pin = {{"IND", "nonaligned"}, {"MEX", "us"}};
  blocsim::Event ev;
  ev.tick = 3;
  ev.label = "every change";
  ev.set = {{"model.mu", 0.2, {}}};
  ev.tiers = {{"us", us.tiers}, {"cn", blocsim::TierSpec{}}};
  ev.memberships = {{"g7", {"IND"}, {}}, {"brics", {}, {"IDN", "ZAF"}}};
  ev.security = {{"us", {{"IND", 0.3}}}};
  ev.rivalry = {{"cn", {{"USA", 0.7}, {"JPN", 0}}}};
  cfg.timeline.push_back(ev);
  blocsim::Event bare;
  bare.date = "2027-01";
  bare.tick = 6;
  cfg.timeline.push_back(bare);
  cfg.outputs.countries = false;
  return cfg;
}

// Every scenario of the repository and of the good test inputs, in path order.
std::vector<std::pair<fs::path, ScenarioConfig>> repository_scenarios() {
  std::vector<fs::path> files;
  for (const char* dir : {"scenarios", "tests/data/good"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(BLOCSIM_SOURCE_DIR) / dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::pair<fs::path, ScenarioConfig>> out;
  for (const auto& f : files) {
    try {
      out.emplace_back(f, blocsim::load_scenario(f));
    } catch (const std::exception&) {
      // not a scenario (a sweep, a groups file, an observed list, ...)
    }
  }
  return out;
}

// metadata.yaml's inputs for cfg as a run of `replicates` would give them,
// with numbers that take every path of the number format.
blocsim::RunMetadata metadata_of(const ScenarioConfig& cfg, int replicates, std::mt19937_64& g) {
  static const std::vector<double> seconds = {0.0, 1e-7, 0.000123, 0.5, 3.25, 17.0, 123456.789, 1e20};
  blocsim::RunMetadata m;
  m.cfg = &cfg;
  m.scenario_sha256 = cfg.source_sha256;
  m.resolved_sha256 = std::string(64, 'a');
  for (int r = 0; r < replicates; ++r) {
    m.seeds.push_back(r == 0 ? cfg.seed : g());
    m.init_iterations.push_back(static_cast<int>(g() % 12));
    m.init_converged.push_back(g() % 3 != 0);
  }
  m.threads = 1 + static_cast<int>(g() % 4);
  m.over_replicates = replicates > 1;
  m.countries = 195;
  for (double& s : m.phase_seconds) s = seconds[g() % seconds.size()] * (g() % 2 == 0 ? 1.0 : 1.0 / 3.0);
  m.started_utc = "2026-12-05T08:00:00Z";
  m.finished_utc = "2026-12-05T08:00:01Z";
  m.wall_seconds = 0.1 + static_cast<double>(g() % 1000) / 7.0;
  return m;
}

// Every sweep file of the repository (scenarios/sweeps), in path order.
std::vector<std::pair<fs::path, blocsim::SweepSetup>> repository_sweeps() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios" / "sweeps"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::pair<fs::path, blocsim::SweepSetup>> out;
  for (const auto& f : files) out.emplace_back(f, blocsim::load_sweep(f));
  return out;
}

// A sweep folder's metadata.yaml inputs, as the runner gives them.
blocsim::SweepMetadata sweep_metadata_of(const blocsim::SweepSetup& setup) {
  return {&setup, setup.plan.params, blocsim::summary_columns(setup.spec), "0123456789abcdef"};
}

// A document's three writers: detail::X_fast (YamlWriter, nullopt when the
// document leaves its subset), detail::X_yaml_cpp (YAML::Emitter, the
// reference) and X (what the files get: the first that can).
template <class Doc>
struct Writers {
  std::optional<std::string> (*fast)(const Doc&);
  std::string (*reference)(const Doc&);
  std::string (*either)(const Doc&);
};
const Writers<ScenarioConfig> kResolved{blocsim::detail::resolved_yaml_fast, blocsim::detail::resolved_yaml_yaml_cpp,
                                        blocsim::resolved_yaml};
const Writers<blocsim::RunMetadata> kRunMetadata{blocsim::detail::run_metadata_fast,
                                                 blocsim::detail::run_metadata_yaml_cpp, blocsim::run_metadata_yaml};
const Writers<blocsim::SweepMetadata> kSweepMetadata{
    blocsim::detail::sweep_metadata_fast, blocsim::detail::sweep_metadata_yaml_cpp, blocsim::sweep_metadata_yaml};

// One document through both writers: YamlWriter's text, when it writes the
// document, and the dispatching writer's must be YAML::Emitter's bytes.
struct Compared {
  std::optional<std::string> fast;  // YamlWriter's text (nullopt: declined)
  bool same = true;                 // it equals YAML::Emitter's
};
template <class Doc>
Compared compare_writers(const Writers<Doc>& w, const Doc& doc) {
  Compared c{w.fast(doc)};
  const std::string reference = w.reference(doc);
  if (c.fast) {
    c.same = *c.fast == reference;
    CHECK(*c.fast == reference);
  }
  CHECK(w.either(doc) == reference);
  return c;
}

// The writers compared on `count` documents with random texts: build(text,
// g, check) makes one document — text() is a random string of the writer's
// subset or, with p = 1/32, one outside it — and passes it to check, which
// requires yaml-cpp's bytes from YamlWriter when it writes the document and
// from the dispatching writer always. Returns {by YamlWriter, fell back}
// (read as .first / .second: Clang 14 cannot capture a structured binding in
// CHECK's lambda).
template <class Build, class Doc>
std::pair<int, int> compare_on_random_texts(std::uint64_t seed, int count, Build build, const Writers<Doc>& writers) {
  std::mt19937_64 g(seed);
  const std::vector<std::string> odd = {std::string(1025, 'x'), "cr\r", "\x01", "\xC2\x85", "\xC3", "del\x7f"};
  auto text = [&]() { return g() % 32 == 0 ? odd[g() % odd.size()] : random_text(g); };
  int by_writer = 0, fell_back = 0;
  bool differs = false;
  for (int n = 0; n < count && !differs; ++n) {
    build(text, g, [&](const Doc& doc) {
      const Compared c = compare_writers(writers, doc);
      ++(c.fast ? by_writer : fell_back);
      differs = !c.same;
    });
  }
  MESSAGE(by_writer << " by YamlWriter, " << fell_back << " by YAML::Emitter");
  return {by_writer, fell_back};
}

}  // namespace

TEST_SUITE("output") {
  TEST_CASE("YamlWriter: scenario.resolved.yaml of every repository scenario is yaml-cpp's, byte for byte") {
    int compared = 0, declined = 0;
    for (const auto& scenario : repository_scenarios()) {
      const std::string f = scenario.first.string();  // not a structured binding: CAPTURE's lambda takes it
      const ScenarioConfig& cfg = scenario.second;
      CAPTURE(f);
      ++(compare_writers(kResolved, cfg).fast ? compared : declined);
    }
    MESSAGE(compared << " scenarios written by YamlWriter, " << declined << " declined");
    CHECK(compared >= 20);
    // the default world's scenarios must stay in the writer's subset (the point of it)
    const auto base = blocsim::load_scenario(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios" / "baseline.yaml");
    CHECK(blocsim::detail::resolved_yaml_fast(base).has_value());
  }

  TEST_CASE("YamlWriter: a config with every optional part") {
    const ScenarioConfig cfg = everything();
    const auto fast = blocsim::detail::resolved_yaml_fast(cfg);
    REQUIRE(fast.has_value());
    CHECK(*fast == blocsim::detail::resolved_yaml_yaml_cpp(cfg));
    // the parts are there (empty block list, empty flow map, nested block maps)
    for (const char* part :
         {"reactions:\n      - name: all_fields", "pin: {IND: nonaligned, MEX: us}",
          "memberships:\n      g7: {add: [IND], remove: []}",
          "  - tick: 3\n    label: every change\n    set:\n      model.mu: 0.2\n    tiers:\n      us:",
          "        rule: list\n        default: 0\n        groups: {}", "  - date: 2027-01\n"})
      CHECK_MESSAGE(fast->find(part) != std::string::npos, std::string(part));
  }

  TEST_CASE("YamlWriter: random strings as keys and values in block and flow collections") {
    std::mt19937_64 g(20261205);
    int differ = 0, plain = 0, quoted = 0;
    for (int n = 0; n < 20000; ++n) {
      const std::string a = random_text(g), b = random_text(g), c = random_text(g);
      const int k = static_cast<int>(g() % 7) - 3;
      std::string comment = a;  // a comment without line breaks (with them, yaml-cpp's writer takes over)
      std::erase(comment, '\n');
      const auto o = blocsim::testing::compare_yaml_writers(a, b, c, comment, k);
      REQUIRE_MESSAGE(!o.declined, "declined: '" << a << "' '" << b << "' '" << c << "'");
      if (!o.same && differ++ < 5)
        MESSAGE("strings '" << a << "' '" << b << "' '" << c << "'\n" << o.ref << "\n" << o.mine);
      (YamlWriter::plain_ok(a, false) ? plain : quoted)++;
    }
    CHECK(differ == 0);
    MESSAGE(plain << " plain, " << quoted << " quoted in block context");
    CHECK(plain > 2000);
    CHECK(quoted > 2000);
  }

  TEST_CASE("YamlWriter: texts outside its subset fall back to YAML::Emitter") {
    std::mt19937_64 g(7);
    const ScenarioConfig base = everything();
    // outside the subset: too long, DEL, CR, other control characters, the
    // byte-order mark, U+0085, a noncharacter, bad and overlong UTF-8
    const std::vector<std::string> odd = {std::string(1025, 'x'),
                                          "del\x7f",
                                          "cr\r",
                                          "nul" + std::string(1, '\0'),
                                          "\x01",
                                          "\xEF\xBB\xBF"
                                          "bom",
                                          "\xC2\x85",
                                          "\xEF\xBF\xBE",
                                          "\xC3",
                                          "\xC0\x80",
                                          "\xED\xA0\x80"};
    int fell_back = 0, fast = 0;
    for (int n = 0; n < 300; ++n) {
      ScenarioConfig cfg = base;
      auto text = [&]() { return g() % 4 == 0 ? odd[g() % odd.size()] : random_text(g); };
      switch (g() % 6) {
        case 0:
          cfg.name = text();
          break;
        case 1:
          cfg.description = text();
          break;
        case 2:
          cfg.powers[1].name = text();
          break;
        case 3:
          cfg.timeline[0].label = text();
          break;
        case 4:
          cfg.overrides.push_back(text());
          break;
        default:
          cfg.world.groups[0].id = text();
      }
      ++(compare_writers(kResolved, cfg).fast ? fast : fell_back);
    }
    MESSAGE(fast << " by YamlWriter, " << fell_back << " by YAML::Emitter");
    CHECK(fell_back > 20);
    CHECK(fast > 100);
  }

  TEST_CASE("YamlWriter: metadata.yaml of every repository scenario is yaml-cpp's, byte for byte") {
    std::mt19937_64 g(12);
    int compared = 0, declined = 0;
    for (const auto& scenario : repository_scenarios()) {
      const std::string f = scenario.first.string();  // not a structured binding: CAPTURE's lambda takes it
      const ScenarioConfig& cfg = scenario.second;
      CAPTURE(f);
      for (const int replicates : {1, 3}) {
        ++(compare_writers(kRunMetadata, metadata_of(cfg, replicates, g)).fast ? compared : declined);
      }
    }
    MESSAGE(compared << " documents written by YamlWriter, " << declined << " declined");
    CHECK(compared >= 40);
    const auto base = blocsim::load_scenario(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios" / "baseline.yaml");
    const blocsim::RunMetadata m = metadata_of(base, 2, g);
    const auto fast = blocsim::detail::run_metadata_fast(m);
    REQUIRE(fast.has_value());
    // what the readers of metadata.yaml look for (metadata.h, out_folder.cpp)
    CHECK(fast->rfind("format: blocsim-run\nformat_version: 1\n", 0) == 0);
    CHECK(fast->find("\nstatus: ok\n") != std::string::npos);
    const YAML::Node n = YAML::Load(*fast);
    CHECK(n["seeds"][1].as<std::uint64_t>() == m.seeds[1]);
    CHECK(n["initial_equilibrium"]["converged"][1].as<bool>() == m.init_converged[1]);
    CHECK(n["scenario"]["name"].as<std::string>() == "baseline");
  }

  TEST_CASE("YamlWriter: metadata.yaml with random texts, and texts outside its subset") {
    const ScenarioConfig base = everything();
    const auto counts = compare_on_random_texts(
        20261205, 2000,
        [&](auto& text, std::mt19937_64& g, auto&& check) {
          ScenarioConfig cfg = base;
          cfg.name = text();
          cfg.path = text();
          cfg.overrides = {text(), text()};
          cfg.dimensions[g() % cfg.dimensions.size()] = text();
          blocsim::PowerConfig& p = cfg.powers[g() % cfg.powers.size()];
          p.id = text();
          p.name = text();
          p.home = text();
          cfg.world.source_files = {text(), text()};
          cfg.world.source_sha256 = {text()};  // one fewer than the files: the second is written ""
          blocsim::RunMetadata m = metadata_of(cfg, 1 + static_cast<int>(g() % 3), g);
          m.started_utc = text();
          check(m);
        },
        kRunMetadata);
    CHECK(counts.second > 300);  // ~640 expected: 12 texts a document, each outside the subset with p = 1/32
    CHECK(counts.first > 1000);
  }

  TEST_CASE("YamlWriter: a sweep folder's metadata.yaml, every repository sweep and every design, is yaml-cpp's") {
    const auto sweeps = repository_sweeps();
    REQUIRE(sweeps.size() >= 2);
    int compared = 0;
    auto compare = [&](const blocsim::SweepMetadata& m) {
      const Compared c = compare_writers(kSweepMetadata, m);
      REQUIRE(c.fast.has_value());  // these texts are all in the writer's subset
      ++compared;
      return *c.fast;
    };
    for (const auto& sweep : sweeps) {
      const std::string f = sweep.first.string();
      CAPTURE(f);
      const std::string text = compare(sweep_metadata_of(sweep.second));
      // what the readers of metadata.yaml look for (metadata.h, sweep/status.cpp)
      CHECK(text.rfind("format: blocsim-sweep\nformat_version: 1.1\n", 0) == 0);
      const YAML::Node n = YAML::Load(text);
      CHECK(n["status"].as<std::string>() == "running");
      CHECK(n["runs"].as<std::int64_t>() == sweep.second.plan.runs());
      CHECK(n["root_seed"].as<std::uint64_t>() == sweep.second.spec.seed);
      CHECK(n["plan_hash"].as<std::string>() == "0123456789abcdef");
      CHECK(n["parameters"].size() == sweep.second.plan.params.size());
    }
    // the designs' own keys: samples (lhs, saltelli), table; no description
    for (const blocsim::Design d :
         {blocsim::Design::grid, blocsim::Design::lhs, blocsim::Design::saltelli, blocsim::Design::table}) {
      blocsim::SweepSetup setup = sweeps.front().second;
      setup.spec.design = d;
      setup.spec.samples = 64;
      setup.spec.table = "designs/table.csv";
      setup.spec.description.clear();
      setup.spec.timeseries = !setup.spec.timeseries;
      const YAML::Node n = YAML::Load(compare(sweep_metadata_of(setup)));
      CHECK(n["samples"].IsDefined() == (d == blocsim::Design::lhs || d == blocsim::Design::saltelli));
      CHECK(n["table"].IsDefined() == (d == blocsim::Design::table));
      CHECK_FALSE(n["description"].IsDefined());
    }
    CHECK(compared == static_cast<int>(sweeps.size()) + 4);
  }

  TEST_CASE("YamlWriter: a sweep folder's metadata.yaml with random texts, and texts outside its subset") {
    const blocsim::SweepSetup base = repository_sweeps().front().second;
    const auto counts = compare_on_random_texts(
        20261206, 2000,
        [&](auto& text, std::mt19937_64&, auto&& check) {
          blocsim::SweepSetup setup = base;
          setup.spec.name = text();
          setup.spec.description = text();
          setup.spec.file = text();
          setup.spec.scenario = text();
          setup.base.name = text();
          setup.spec.metrics = {text(), text()};
          blocsim::SweepMetadata m = sweep_metadata_of(setup);
          m.params = {text(), text()};
          m.summaries = {text(), text()};
          m.plan_hash = text();
          check(m);
        },
        kSweepMetadata);
    CHECK(counts.second > 300);  // ~630 expected: 12 texts a document, each outside the subset with p = 1/32
    CHECK(counts.first > 1000);
  }

  TEST_CASE("YamlWriter: declines DoubleQuoted before a collection, and other manipulators") {
    // yaml-cpp moves a pending DoubleQuoted into the collection, where it
    // quotes every string: the writer leaves that to yaml-cpp
    YAML::Emitter e;
    e << YAML::Flow << YAML::DoubleQuoted << YAML::BeginSeq << "a" << "b" << YAML::EndSeq;
    CHECK(std::string(e.c_str()) == "[\"a\", \"b\"]");
    YamlWriter w;
    w << YAML::Flow << YAML::DoubleQuoted << YAML::BeginSeq << "a" << "b" << YAML::EndSeq;
    CHECK_FALSE(w.ok());
    YamlWriter l;
    l << YAML::Literal << "x";
    CHECK_FALSE(l.ok());
    // used up by one scalar, as in yaml-cpp
    YamlWriter q;
    q << YAML::Flow << YAML::BeginSeq << YAML::DoubleQuoted << "a" << "b" << YAML::EndSeq;
    REQUIRE(q.ok());
    CHECK(q.str() == "[\"a\", b]");
  }
}
