// Same scenario + seed ⇒ identical bytes, whatever the thread count; replicates
// equal single runs with the derived seeds (docs/design.md §9).
#include <doctest/doctest.h>

#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "helpers.h"

using namespace blocsim;
namespace fs = std::filesystem;

namespace {

const fs::path kMinimal = fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/minimal.yaml";

std::pair<std::string, std::string> run_with_threads(const ScenarioConfig& cfg, int threads, int replicates,
                                                     const fs::path& dir) {
  set_threads(threads);
  RunOptions opt;
  opt.replicates = replicates;
  std::string name = "t";
  name += std::to_string(threads);
  name += "r";
  name += std::to_string(replicates);
  opt.out = dir / name;
  run_scenario(cfg, opt);
  set_threads(2);
  return {test::read_text(opt.out / "timeseries.csv"), test::read_text(opt.out / "countries.csv")};
}

// Drop the first two columns (replicate, seed) of every data line.
std::string strip_keys(const std::string& csv) {
  std::string out;
  std::size_t pos = csv.find('\n') + 1;
  while (pos < csv.size()) {
    const std::size_t end = csv.find('\n', pos);
    const std::string line = csv.substr(pos, end - pos);
    const std::size_t c2 = line.find(',', line.find(',') + 1);
    out += line.substr(c2 + 1) + "\n";
    pos = end + 1;
  }
  return out;
}

}  // namespace

TEST_SUITE("determinism") {
  TEST_CASE("1, 2 and 4 threads give byte-identical outputs (parallel over countries)") {
    test::TempDir dir;
    ScenarioConfig cfg = synthetic_variant(load_scenario(kMinimal), 3 * kParallelGrain + 17, 6.0);
    cfg.ticks = 6;
    cfg.outputs.countries = true;
    cfg.outputs.countries_every = 3;
    cfg.model.identity_noise = 0.01;  // exercise every random stream
    const auto one = run_with_threads(cfg, 1, 1, dir.path);
    for (int t : {2, 4}) {
      CAPTURE(t);
      const auto many = run_with_threads(cfg, t, 1, dir.path);
      CHECK(one.first == many.first);
      CHECK(one.second == many.second);
    }
    CHECK(one.first.size() > 1000);
  }

  TEST_CASE("1, 2 and 4 threads give byte-identical outputs (parallel over replicates)") {
    test::TempDir dir;
    const ScenarioConfig cfg = load_scenario(kMinimal);
    const auto one = run_with_threads(cfg, 1, 4, dir.path);
    for (int t : {2, 4}) {
      CAPTURE(t);
      const auto many = run_with_threads(cfg, t, 4, dir.path);
      CHECK(one.first == many.first);
      CHECK(one.second == many.second);
    }
  }

  TEST_CASE("--replicates 4 equals four single runs with the derived seeds") {
    test::TempDir dir;
    ScenarioConfig cfg = load_scenario(kMinimal);
    cfg.seed = 2025;
    const auto all = run_with_threads(cfg, 2, 4, dir.path);
    std::string singles;
    for (int r = 0; r < 4; ++r) {
      ScenarioConfig one = cfg;
      one.seed = replicate_seed(cfg.seed, r);
      RunOptions opt;
      opt.out = dir.path / ("single" + std::to_string(r));
      run_scenario(one, opt);
      singles += strip_keys(test::read_text(opt.out / "timeseries.csv"));
    }
    CHECK(strip_keys(all.first) == singles);
  }

  TEST_CASE("a different seed gives different results; the same seed twice the same") {
    ScenarioConfig cfg = load_scenario(kMinimal);
    cfg.model.identity_noise = 0.02;
    cfg.model.lambda = 1.0;
    const auto a = simulate(cfg, 11).metrics.rows;
    const auto b = simulate(cfg, 11).metrics.rows;
    const auto c = simulate(cfg, 12).metrics.rows;
    CHECK(a == b);
    CHECK(a != c);
  }

  TEST_CASE("synthetic worlds are the same at any thread count") {
    const ScenarioConfig cfg = synthetic_variant(load_scenario(kMinimal), 5 * kParallelGrain, 10.0);
    set_threads(1);
    const World w1 = make_world(cfg, 3);
    set_threads(2);
    const World w2 = make_world(cfg, 3);
    CHECK(w1.x == w2.x);
    CHECK(w1.w.nonZeros() == w2.w.nonZeros());
    CHECK(std::equal(w1.w.innerIndexPtr(), w1.w.innerIndexPtr() + w1.w.nonZeros(), w2.w.innerIndexPtr()));
    // symmetric, no self-loops, mean degree close to 10
    CHECK((Network(w1.w.transpose()) - w1.w).norm() == 0.0f);
    CHECK(w1.w.diagonal().sum() == 0.0f);
    CHECK(double(w1.w.nonZeros()) / w1.n == doctest::Approx(10.0).epsilon(0.02));
  }
}
