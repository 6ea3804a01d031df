// Sweeps: designs, seeds, shards, streaming statistics, the Sobol/Saltelli
// estimator on the Ishigami function, and sweep-file validation.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>

#include "blocsim/io/error.h"
#include "blocsim/engine/rng.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/output/format.h"
#include "blocsim/sweep/sweep.h"

using namespace blocsim;
namespace fs = std::filesystem;

namespace {

const fs::path kSweeps = fs::path(BLOCSIM_TEST_DATA) / "sweeps";

std::string config_error_text(const fs::path& p, bool full) {
  try {
    if (full) (void)load_sweep(p);
    else (void)parse_sweep_file(p);
  } catch (const ConfigError& e) {
    std::string s;
    for (const auto& d : e.diagnostics()) s += d.str() + "\n";
    return s;
  }
  return "";
}

double ishigami(const std::vector<double>& x) {
  constexpr double a = 7.0, b = 0.1;
  return std::sin(x[0]) + a * std::sin(x[1]) * std::sin(x[1]) + b * std::pow(x[2], 4) * std::sin(x[0]);
}

}  // namespace

TEST_SUITE("sweep") {

TEST_CASE("grid design: Cartesian product, last parameter fastest") {
  const DesignMatrix m = grid_design({{1, 2, 3}, {10, 20}});
  REQUIRE(m.size() == 6);
  CHECK(m[0] == std::vector<double>{1, 10});
  CHECK(m[1] == std::vector<double>{1, 20});
  CHECK(m[2] == std::vector<double>{2, 10});
  CHECK(m[5] == std::vector<double>{3, 20});
}

TEST_CASE("expand: grid levels, run numbering and seed policies") {
  SweepSpec spec;
  spec.design = Design::grid;
  SweepParameter a;
  a.path = "model.mu";
  a.min = 0.0;
  a.max = 0.3;
  a.steps = 4;
  SweepParameter b;
  b.path = "model.beta_ties";
  b.values = {1.0, 2.0};
  spec.parameters = {a, b};
  spec.replicates = 3;
  spec.seed = 99;
  spec.seed_policy = SeedPolicy::common;
  SweepPlan plan = expand(spec);
  CHECK(plan.points == 8);
  CHECK(plan.runs() == 24);
  CHECK(plan.value(0, 0) == 0.0);
  CHECK(plan.value(7, 0) == 0.3);  // the last level is max exactly
  CHECK(plan.value(2, 0) == doctest::Approx(0.1));
  CHECK(plan.point_of(7) == 2);
  CHECK(plan.replicate_of(7) == 1);
  // common random numbers: replicate r has the same seed at every point
  for (std::int64_t r = 0; r < plan.runs(); ++r)
    CHECK(plan.seed_of(r) == derive_seed(99, 0, static_cast<std::uint64_t>(plan.replicate_of(r))));
  CHECK(plan.seed_of(0) == plan.seed_of(3));
  CHECK(plan.seed_of(0) != plan.seed_of(1));
  plan.seed_policy = SeedPolicy::independent;
  std::set<std::uint64_t> seeds;
  for (std::int64_t r = 0; r < plan.runs(); ++r) {
    CHECK(plan.seed_of(r) ==
          derive_seed(99, static_cast<std::uint64_t>(plan.point_of(r)), static_cast<std::uint64_t>(plan.replicate_of(r))));
    seeds.insert(plan.seed_of(r));
  }
  CHECK(seeds.size() == 24);
  std::ostringstream os;
  write_plan_csv(plan, os);
  const std::string csv = os.str();
  CHECK(csv.rfind("run,point,replicate,seed,model.mu,model.beta_ties\n", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 25);
}

TEST_CASE("shards cover the run list exactly once") {
  for (int n : {1, 2, 3, 7, 16}) {
    for (std::int64_t runs : {0, 1, 5, 100, 1001}) {
      std::vector<int> hits(static_cast<std::size_t>(runs), 0);
      for (int i = 0; i < n; ++i) {
        const Shard s = parse_shard(std::to_string(i) + "/" + std::to_string(n));
        CHECK(s.index == i);
        CHECK(s.count == n);
        for (std::int64_t r = 0; r < runs; ++r)
          if (s.contains(r)) ++hits[static_cast<std::size_t>(r)];
      }
      CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
  }
  CHECK(Shard{2, 5}.tag() == "shard-2-of-5");
  for (const char* bad : {"3/3", "1", "a/2", "-1/2", "0/0", "1/2/3", ""}) CHECK_THROWS_AS(parse_shard(bad), ConfigError);
}

TEST_CASE("Latin hypercube: one point per stratum in every dimension, deterministic") {
  const std::int64_t n = 50;
  const DesignMatrix m = lhs_design(n, 4, 123);
  REQUIRE(m.size() == 50);
  for (int d = 0; d < 4; ++d) {
    std::vector<int> strata(static_cast<std::size_t>(n), 0);
    for (const auto& row : m) {
      const double x = row[static_cast<std::size_t>(d)];
      REQUIRE(x >= 0.0);
      REQUIRE(x < 1.0);
      ++strata[static_cast<std::size_t>(x * static_cast<double>(n))];
    }
    CHECK(std::all_of(strata.begin(), strata.end(), [](int c) { return c == 1; }));
  }
  CHECK(lhs_design(n, 4, 123) == m);
  CHECK(lhs_design(n, 4, 124) != m);
}

TEST_CASE("Sobol sequence: known first points and (0,m,s)-net balance") {
  SobolSequence s(3);
  CHECK(s.point(0) == std::vector<double>{0, 0, 0});
  CHECK(s.point(1) == std::vector<double>{0.5, 0.5, 0.5});
  CHECK(s.point(2) == std::vector<double>{0.75, 0.25, 0.25});
  CHECK(s.point(3) == std::vector<double>{0.25, 0.75, 0.75});
  CHECK(s.point(4) == std::vector<double>{0.375, 0.375, 0.625});
  CHECK(s.next() == std::vector<double>{0.875, 0.875, 0.125});  // point 5 follows point 4
  SobolSequence fresh(3);
  CHECK(fresh.next() == std::vector<double>{0.5, 0.5, 0.5});  // a new stream starts at point 1
  // the first 2^m points put exactly one point in each interval [j/2^m, (j+1)/2^m) of every dimension
  // (checked on the first 256 dimensions and the last few of Boost's table)
  SobolSequence big(SobolSequence::kMaxDims);
  const int n = 256;
  std::vector<std::vector<double>> pts;
  for (int i = 0; i < n; ++i) pts.push_back(big.point(static_cast<std::uint64_t>(i)));
  for (int d = 0; d < SobolSequence::kMaxDims; d = d == 255 ? SobolSequence::kMaxDims - 8 : d + 1) {
    std::vector<int> c(n, 0);
    for (int i = 0; i < n; ++i) ++c[static_cast<std::size_t>(pts[static_cast<std::size_t>(i)][static_cast<std::size_t>(d)] * n)];
    CHECK_MESSAGE(std::all_of(c.begin(), c.end(), [](int v) { return v == 1; }), "dimension " << d);
  }
  CHECK_THROWS_AS(SobolSequence(SobolSequence::kMaxDims + 1), ConfigError);
  CHECK_THROWS_AS(SobolSequence(0), ConfigError);
  CHECK_THROWS_AS(s.point(std::uint64_t{1} << 32), ConfigError);
}

TEST_CASE("Sobol sequence: boost::random::sobol gives the points of the old Joe & Kuo table") {
  // Golden rows written by the hand-kept 64-dimension generator (0.2.0) before it was removed:
  // index, then 64 coordinates as 32-bit integers in hex (coordinate = integer / 2^32).
  std::ifstream in((fs::path(BLOCSIM_TEST_DATA) / "sobol" / "joe_kuo_64d_golden.csv"));
  REQUIRE(in.good());
  SobolSequence s(64);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string cell;
    std::getline(ls, cell, ',');
    const std::uint64_t i = std::stoull(cell);
    const std::vector<double> p = s.point(i);
    REQUIRE(p.size() == 64);
    for (int d = 0; d < 64; ++d) {
      REQUIRE(std::getline(ls, cell, ','));
      const double expect = static_cast<double>(std::stoul(cell, nullptr, 16)) * 0x1.0p-32;
      CHECK_MESSAGE(p[static_cast<std::size_t>(d)] == expect, "point " << i << " dimension " << d);
    }
    ++rows;
  }
  CHECK(rows == 86);
  // Saltelli's base samples are points 1..n, in stream order
  const DesignMatrix m = saltelli_design(8, 32);
  for (std::int64_t j = 0; j < 8; ++j) {
    const std::vector<double> p = s.point(static_cast<std::uint64_t>(j + 1));
    const auto& a = m[static_cast<std::size_t>(j * 34)];
    const auto& b = m[static_cast<std::size_t>(j * 34 + 33)];
    CHECK(std::equal(a.begin(), a.end(), p.begin()));
    CHECK(std::equal(b.begin(), b.end(), p.begin() + 32));
  }
}

TEST_CASE("Saltelli design: more than 32 parameters (up to 1,833)") {
  // 0.2.0 capped Saltelli at 32 parameters (64 Sobol dimensions); Boost's table has 3,667
  const int k = 40;
  const std::int64_t n = 16;
  const DesignMatrix m = saltelli_design(n, k);
  REQUIRE(m.size() == static_cast<std::size_t>(n * (k + 2)));
  SobolSequence seq(2 * k);
  for (std::int64_t j = 0; j < n; ++j) {
    const std::vector<double> p = seq.point(static_cast<std::uint64_t>(j + 1));
    const auto& a = m[static_cast<std::size_t>(j * (k + 2))];
    const auto& b = m[static_cast<std::size_t>(j * (k + 2) + k + 1)];
    CHECK(std::equal(a.begin(), a.end(), p.begin()));
    CHECK(std::equal(b.begin(), b.end(), p.begin() + k));
  }
  CHECK(saltelli_design(1, SobolSequence::kMaxDims / 2).size() == static_cast<std::size_t>(SobolSequence::kMaxDims / 2 + 2));
  CHECK_THROWS_AS(saltelli_design(1, SobolSequence::kMaxDims / 2 + 1), ConfigError);
}

TEST_CASE("Saltelli design: N(k+2) rows, AB_i = A with column i from B") {
  const int k = 3;
  const std::int64_t n = 16;
  const DesignMatrix m = saltelli_design(n, k);
  REQUIRE(m.size() == static_cast<std::size_t>(n * (k + 2)));
  for (std::int64_t j = 0; j < n; ++j) {
    const auto& a = m[static_cast<std::size_t>(j * (k + 2))];
    const auto& b = m[static_cast<std::size_t>(j * (k + 2) + k + 1)];
    REQUIRE(a.size() == static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
      const auto& ab = m[static_cast<std::size_t>(j * (k + 2) + 1 + i)];
      for (int c = 0; c < k; ++c)
        CHECK(ab[static_cast<std::size_t>(c)] == (c == i ? b : a)[static_cast<std::size_t>(c)]);
    }
  }
}

TEST_CASE("Sobol indices of the Ishigami function (a = 7, b = 0.1)") {
  const int k = 3;
  const std::int64_t n = 1 << 13;
  DesignMatrix m = saltelli_design(n, k);
  std::vector<double> y;
  y.reserve(m.size());
  for (auto& x : m) {
    for (double& v : x) v = -std::numbers::pi + 2.0 * std::numbers::pi * v;
    y.push_back(ishigami(x));
  }
  const SobolIndices si = sobol_indices(y, n, k, 200, 7);
  const double s1[] = {0.3139, 0.4424, 0.0};
  const double st[] = {0.5576, 0.4424, 0.2437};
  for (int i = 0; i < k; ++i) {
    const auto u = static_cast<std::size_t>(i);
    INFO("parameter " << i << ": S1 " << si.S1[u] << " [" << si.S1_lo[u] << ", " << si.S1_hi[u] << "], ST "
                      << si.ST[u] << " [" << si.ST_lo[u] << ", " << si.ST_hi[u] << "]");
    CHECK(std::abs(si.S1[u] - s1[i]) < 0.02);
    CHECK(std::abs(si.ST[u] - st[i]) < 0.02);
    CHECK(si.S1_lo[u] <= si.S1[u]);
    CHECK(si.S1[u] <= si.S1_hi[u]);
    CHECK(si.ST_lo[u] <= si.ST[u]);
    CHECK(si.ST[u] <= si.ST_hi[u]);
    CHECK(si.S1_hi[u] - si.S1_lo[u] < 0.1);
  }
  // NaN outputs drop their base sample instead of poisoning the estimate
  y[5] = std::numeric_limits<double>::quiet_NaN();
  const SobolIndices s2 = sobol_indices(y, n, k, 0, 7);
  CHECK(std::abs(s2.S1[1] - 0.4424) < 0.02);
  CHECK(std::isnan(s2.S1_lo[0]));
}

TEST_CASE("streaming statistics agree with two-pass formulas") {
  std::vector<double> x;
  for (int i = 0; i < 1000; ++i) x.push_back(1e6 + std::sin(i * 0.37) * 3.0 + (i % 7));
  Welford w;
  for (double v : x) w.add(v);
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  CHECK(w.count() == 1000);
  CHECK(w.mean() == doctest::Approx(mean).epsilon(1e-14));
  CHECK(w.sd() == doctest::Approx(std::sqrt(ss / 999.0)).epsilon(1e-10));
  Welford one;
  one.add(2.0);
  CHECK(one.mean() == 2.0);
  CHECK(std::isnan(one.sd()));
  CHECK(std::isnan(Welford().mean()));
  // numpy.quantile([1, 2, 3, 4], q) (linear)
  const std::vector<double> s = {1, 2, 3, 4};
  CHECK(quantile_sorted(s, 0.0) == 1.0);
  CHECK(quantile_sorted(s, 0.25) == doctest::Approx(1.75));
  CHECK(quantile_sorted(s, 0.5) == doctest::Approx(2.5));
  CHECK(quantile_sorted(s, 0.95) == doctest::Approx(3.85));
  CHECK(quantile_sorted(s, 1.0) == 4.0);
  CHECK(quantile_sorted({5.0}, 0.05) == 5.0);
  CHECK(std::isnan(quantile_sorted({}, 0.5)));
}

TEST_CASE("summaries: final, time mean and named ticks") {
  MetricTable t;
  t.columns = {"a", "b"};
  t.rows = {{0, 10}, {1, 20}, {2, 30}, {5, 40}};
  SweepSpec spec;
  spec.metrics = {"b", "a"};
  spec.summaries = {{SummaryKind::final, 0}, {SummaryKind::mean, 0}, {SummaryKind::tick, 1}};
  CHECK(summary_columns(spec) == std::vector<std::string>{"b_final", "b_mean", "b_t1", "a_final", "a_mean", "a_t1"});
  CHECK(summarise(t, spec) == std::vector<double>{40, 25, 20, 5, 2, 1});
  spec.metrics = {"c"};
  CHECK_THROWS_AS(summarise(t, spec), RunError);
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(std::nan("")) == "nan");
  CHECK(format_number(-INFINITY) == "-inf");
}

TEST_CASE("sweep files: positions, did-you-mean and every problem at once") {
  const std::string e1 = config_error_text(kSweeps / "bad" / "unknown_key.yaml", false);
  INFO(e1);
  CHECK(e1.find("unknown_key.yaml:4:") != std::string::npos);
  CHECK(e1.find("parameters.model.beta_identity.stesp: unknown key 'stesp' (did you mean 'steps'?)") != std::string::npos);
  CHECK(e1.find("unknown_key.yaml:6:1: replicate: unknown key 'replicate' (did you mean 'replicates'?)") != std::string::npos);

  const std::string e2 = config_error_text(kSweeps / "bad" / "bad_values.yaml", false);
  INFO(e2);
  CHECK(e2.find("seed_policy: expected one of common | independent, got 'commom' (did you mean 'common'?)") !=
        std::string::npos);
  CHECK(e2.find("design lhs samples a range") != std::string::npos);
  CHECK(e2.find("summaries[1]") != std::string::npos);

  const std::string e3 = config_error_text(kSweeps / "bad" / "bad_table.yaml", true);
  INFO(e3);
  CHECK(e3.find("bad_table.csv:3:5: model.beta_ties: expected a finite number, got 'abc'") != std::string::npos);
  CHECK(e3.find("bad_table.csv:4:1: table: expected 2 fields (as in the header), got 1") != std::string::npos);
}

TEST_CASE("sweep files: parameter paths, ranges and metrics are checked against the scenario") {
  const fs::path tmp = fs::temp_directory_path() / ("blocsim_sweep_test_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream os(tmp);
    os << "scenario: " << (fs::path(BLOCSIM_SOURCE_DIR) / "scenarios" / "minimal.yaml").string() << "\n"
       << "parameters:\n"
       << "  model.beta_identiy: {values: [1, 2]}\n"
       << "  model.mu: {values: [0.1, 7.5]}\n"
       << "metrics: [fragmentaton]\n"
       << "summaries: [final, {ticks: [99]}]\n";
  }
  const std::string e = config_error_text(tmp, true);
  fs::remove(tmp);
  INFO(e);
  CHECK(e.find(":3:3: parameters.model.beta_identiy: unknown parameter 'model.beta_identiy' (did you mean 'model.beta_identity'?)") !=
        std::string::npos);
  CHECK(e.find("model.mu") != std::string::npos);  // 7.5 is out of range
  CHECK(e.find(":5:11: metrics[0]: unknown metric 'fragmentaton' (did you mean 'fragmentation'?)") != std::string::npos);
  CHECK(e.find("tick 99 is past the last tick") != std::string::npos);
}

TEST_CASE("sweep files: a Saltelli design over more than 32 parameters loads; over 1,833 is refused") {
  const fs::path tmp = fs::temp_directory_path() / ("blocsim_saltelli40_" + std::to_string(::getpid()) + ".yaml");
  std::vector<std::string> names;
  {
    std::ofstream os(tmp);
    os << "scenario: " << (fs::path(BLOCSIM_SOURCE_DIR) / "scenarios" / "minimal.yaml").string() << "\n"
       << "design: saltelli\nsamples: 4\nmetrics: [fragmentation]\nparameters:\n";
    for (const auto& p : model_params()) {
      if (names.size() == 40) break;
      if (!std::isfinite(p.max) || p.max <= p.min) continue;
      names.push_back("model." + std::string(p.key));
      os << "  " << names.back() << ": {min: " << format_number(p.min) << ", max: " << format_number(p.max) << "}\n";
    }
  }
  REQUIRE(names.size() == 40);
  const SweepSetup s = load_sweep(tmp);
  fs::remove(tmp);
  CHECK(s.plan.params == names);
  CHECK(s.plan.points == 4 * 42);

  const fs::path big = fs::temp_directory_path() / ("blocsim_saltelli1834_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream os(big);
    os << "scenario: minimal.yaml\ndesign: saltelli\nsamples: 4\nparameters:\n";
    for (int i = 0; i < 1834; ++i) os << "  model.p" << i << ": {min: 0, max: 1}\n";
  }
  const std::string e = config_error_text(big, false);
  fs::remove(big);
  CHECK(e.find(":2:9: parameters: design saltelli supports at most 1833 parameters, not 1834") != std::string::npos);
}

TEST_CASE("sweep files: a design table and a grid load and expand") {
  const SweepSetup t = load_sweep(kSweeps / "table.yaml");
  CHECK(t.plan.params == std::vector<std::string>{"model.mu", "model.beta_ties"});
  CHECK(t.plan.points == 3);
  CHECK(t.plan.runs() == 6);
  CHECK(t.plan.value(2, 1) == 1.5);
  CHECK(t.spec.summaries.size() == 1);
  CHECK(t.spec.summaries[0].kind == SummaryKind::mean);
  const SweepSetup g = load_sweep(kSweeps / "small.yaml");
  CHECK(g.plan.points == 6);
  CHECK(g.plan.runs() == 24);
  CHECK(g.spec.seed == 7);
  CHECK(summary_columns(g.spec).size() == 9);
}

}  // TEST_SUITE
