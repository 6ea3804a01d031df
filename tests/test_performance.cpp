// Issue 14: the faster paths give the same bytes as the code they replaced
// (kept callable as the reference). No timings here: speed lives in
// `blocsim bench`, which measures it against the machine's limits.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

#include "blocsim/engine/metrics.h"
#include "blocsim/engine/simulation.h"
#include "engine/phases/rows.h"
#include "blocsim/input/scenario.h"
#include "blocsim/output/format.h"
#include "blocsim/parallel.h"
#include "helpers.h"

using namespace blocsim;
namespace fs = std::filesystem;

namespace {

const fs::path kBaseline = fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/baseline.yaml";
const fs::path kMinimal = fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/minimal.yaml";

// memcmp of n bytes; n = 0 compares nothing (an empty array's data() may be
// null, which memcmp must not be given).
bool same_bytes(const void* a, const void* b, std::size_t n) { return n == 0 || std::memcmp(a, b, n) == 0; }

template <class M>
bool same_bits(const M& a, const M& b) {
  using S = typename M::Scalar;
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         same_bytes(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(S));
}

// Metric rows (MetricTable::rows), bit for bit.
bool same_rows(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t r = 0; r < a.size(); ++r)
    if (a[r].size() != b[r].size() || !same_bytes(a[r].data(), b[r].data(), a[r].size() * sizeof(double))) return false;
  return true;
}

// f(), and the message of the exception it threw ("" if none): the property
// tests below require both paths to throw the same or neither.
template <class F>
std::string thrown(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// Every piece of state a run reads after tick 0 (not the parameters, which
// WorldCache re-labels), compared bit for bit.
std::string state_difference(const World& a, const World& b) {
  if (a.n != b.n || a.k != b.k || a.d != b.d) return "shape";
  if (!same_bits(a.x, b.x)) return "x";
  if (!same_bits(a.x0, b.x0)) return "x0";
  if (!same_bits(a.capacity, b.capacity)) return "capacity";
  if (a.alignment != b.alignment || a.alignment_next != b.alignment_next) return "alignment";
  if (a.standard != b.standard || a.standard_next != b.standard_next) return "standard";
  if (!same_bits(a.ties, b.ties) || !same_bits(a.ties0, b.ties0)) return "ties";
  if (!same_bits(a.lock, b.lock) || !same_bits(a.grievance, b.grievance)) return "lock/grievance";
  if (!same_bits(a.security, b.security) || !same_bits(a.rivalry, b.rivalry) || !same_bits(a.forum, b.forum)) return "security/rivalry/forum";
  if (!same_bits(a.tier, b.tier)) return "tier";
  if (!same_bits(a.utility, b.utility) || !same_bits(a.margin, b.margin)) return "utility/margin";
  if (!same_bits(a.access, b.access) || !same_bits(a.aid, b.aid) || !same_bits(a.dgrievance, b.dgrievance) ||
      !same_bits(a.open_value, b.open_value))
    return "offers";
  if (!same_bits(a.threshold, b.threshold) || !same_bits(a.hedge_member, b.hedge_member)) return "threshold/hedge";
  if (!same_bits(a.w_rowsum, b.w_rowsum) || a.w.nonZeros() != b.w.nonZeros()) return "network";
  {
    const auto nnz = static_cast<std::size_t>(a.w.nonZeros());
    if (!same_bytes(a.w.valuePtr(), b.w.valuePtr(), nnz * sizeof(float)) ||
        !same_bytes(a.w.innerIndexPtr(), b.w.innerIndexPtr(), nnz * sizeof(std::int32_t)) ||
        !same_bytes(a.w.outerIndexPtr(), b.w.outerIndexPtr(), (static_cast<std::size_t>(a.n) + 1) * sizeof(std::int32_t)))
      return "network";
  }
  if (a.pinned != b.pinned || a.pinned_standard != b.pinned_standard) return "pins";
  if (a.init_iterations != b.init_iterations || a.init_converged != b.init_converged) return "equilibrium";
  for (int k = 0; k < a.k; ++k)
    if (a.powers[static_cast<std::size_t>(k)].frontier != b.powers[static_cast<std::size_t>(k)].frontier) return "frontier";
  return "";
}

std::string read_folder(const fs::path& dir) {
  std::string all;
  for (const char* f : {"timeseries.csv", "countries.csv", "events.csv", "scenario.resolved.yaml"})
    all += std::string(f) + "\n" + test::read_text(dir / f);
  return all;
}

// "" if a == b, else the first line where they differ (with its number),
// so that a failure does not print two whole run folders.
std::string first_difference(const std::string& a, const std::string& b) {
  if (a == b) return "";
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(sa, la)), hb = static_cast<bool>(std::getline(sb, lb));
    if (!ha && !hb) return "differ (line endings)";
    if (ha != hb || la != lb)
      return "line " + std::to_string(line) + ": '" + (ha ? la : "<end>") + "' vs '" + (hb ? lb : "<end>") + "'";
  }
}

// Issue 14, the fused network walk: run `ticks` ticks of `cfg` twice from the
// same tick-0 world, once with the phases one after another (reference
// paths) and once with phase::network_pass, at `threads` threads; compare the
// whole state after every tick and the metric rows (simulate(), whose record
// phase takes the interoperability from the next walk) bit for bit.
// `same_error_ok`: a tick may throw (the invariant check on non-finite
// values, for random parameters) if the other path throws the same message at
// the same tick; the comparison ends there. Otherwise an exception propagates.
std::string fused_difference(const ScenarioConfig& cfg, std::uint64_t seed, int ticks, int threads, bool same_error_ok = false) {
  set_threads(threads);
  World ref = make_world(cfg, seed), now = ref;
  auto attempt = [&](bool reference, auto&& f) -> std::string {
    set_reference_paths(reference);
    if (!same_error_ok) {
      f();
      return "";
    }
    const std::string e = thrown(f);
    return e.empty() ? e : "threw: " + e;
  };
  std::string diff;
  bool threw = false;
  for (int t = 1; t <= ticks && diff.empty() && !threw; ++t) {
    const std::string ea = attempt(true, [&] { step(ref, cfg); });
    const std::string eb = attempt(false, [&] { step(now, cfg); });
    if (ea != eb)
      diff = "reference " + (ea.empty() ? std::string("ran") : ea) + ", fused " + (eb.empty() ? std::string("ran") : eb);
    else if (!ea.empty())
      threw = true;  // both threw the same: nothing further to compare
    else
      diff = state_difference(ref, now);
    if (diff.empty() && !threw && (ref.churn != now.churn || !same_bits(ref.choice_z, now.choice_z)))
      diff = "churn/choice_z";
    if (!diff.empty()) diff = "tick " + std::to_string(t) + ": " + diff;
  }
  if (diff.empty() && !threw) {
    ScenarioConfig c = cfg;
    c.ticks = ticks;
    SimulateResult a, b;
    const std::string ea = attempt(true, [&] { a = simulate(c, seed); });
    const std::string eb = attempt(false, [&] { b = simulate(c, seed); });
    if (ea != eb) diff = "simulate: reference " + (ea.empty() ? std::string("ran") : ea) + ", fused " + (eb.empty() ? std::string("ran") : eb);
    else if (a.metrics.rows.size() != b.metrics.rows.size()) diff = "metric rows";
    for (std::size_t r = 0; r < a.metrics.rows.size() && diff.empty(); ++r)
      if (a.metrics.rows[r].size() != b.metrics.rows[r].size() ||
          !same_bytes(a.metrics.rows[r].data(), b.metrics.rows[r].data(), a.metrics.rows[r].size() * sizeof(double)))
        diff = "metrics of tick " + std::to_string(r);
  }
  set_reference_paths(false);
  set_threads(2);
  return diff;
}

// Random configurations for the property tests below, drawn from a fixed
// seed with splitmix64 (the same draws on every platform): a shipped
// scenario (2–4 powers, D = 2 or 4) or a synthetic world, then random
// registry parameters and initial modes. `what` collects a description for
// the failure message.
class RandomConfigs {
 public:
  explicit RandomConfigs(std::uint64_t seed) : state_(seed) {
    const fs::path scen = fs::path(BLOCSIM_SOURCE_DIR) / "scenarios";
    const fs::path data = fs::path(BLOCSIM_TEST_DATA) / "good";
    for (const fs::path& p : {scen / "baseline.yaml", scen / "minimal.yaml", scen / "eu_third_pole.yaml",
                              scen / "reactive_tech_race.yaml", data / "four_powers.yaml", data / "variant2.yaml"})
      bases_.push_back(load_scenario(p));
  }
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::uint64_t below(std::uint64_t m) { return next() % m; }

  // A base scenario, half the time (always if `large`) made synthetic: n
  // from 2 to ~200 (groups of 4 rows and the rows left over), just past the
  // parallel blocks' grain (two blocks; large_world stays false), or with
  // `large` 16,384–20,479 (large_world); mean degree 2–12, any rewiring.
  ScenarioConfig draw(bool large, std::string& what) {
    ScenarioConfig cfg = bases_[below(bases_.size())];
    what = "base " + cfg.name;
    if (large || below(2) == 0) {
      const std::int64_t n = large             ? 4 * kParallelGrain + static_cast<std::int64_t>(below(4096))
                             : below(4) == 0 ? kParallelGrain + 1 + static_cast<std::int64_t>(below(64))
                                             : 2 + static_cast<std::int64_t>(below(199));
      const double degree = std::min<double>(static_cast<double>(n - 1), static_cast<double>(below(13)));
      cfg = synthetic_variant(cfg, n, degree);
      cfg.world.synthetic->rewire = uniform();
      what += ", synthetic n=" + std::to_string(n) + " degree=" + format_number(degree) +
              " rewire=" + format_number(cfg.world.synthetic->rewire);
    }
    return cfg;
  }

  // `count` random registry parameters (not ticks, seed, outputs or a
  // synthetic world's size) set to random values; a value the registry
  // refuses is redrawn (up to 8 times). With `wiring`, a synthetic world's
  // degree and rewiring may be drawn too.
  void change_params(ScenarioConfig& cfg, int count, std::string& what, bool wiring = false) {
    std::vector<std::string> paths;
    for (auto& p : param_paths(cfg))
      if (p != "ticks" && p != "seed" && !p.starts_with("outputs.") && p != "world.synthetic.countries" &&
          (wiring || !p.starts_with("world.synthetic.")))
        paths.push_back(p);
    for (int c = 0; c < count; ++c) {
      const std::string& path = paths[below(paths.size())];
      double v = 0.0;
      try {
        v = get_param(cfg, path);
      } catch (const ConfigError&) {  // an unset default tie
        v = 0.5;
      }
      for (int attempt = 0; attempt < 8; ++attempt) {
        double nv = 0.0;
        switch (below(6)) {
          case 0: nv = 0.0; break;
          case 1: nv = 1.0; break;
          case 2: nv = uniform(); break;
          case 3: nv = v * 2.0 * uniform(); break;
          case 4: nv = v + (uniform() - 0.5); break;
          default: nv = std::floor(5.0 * uniform()); break;
        }
        try {
          set_param(cfg, path, nv);
          what += ", " + path + "=" + format_number(nv);
          break;
        } catch (const ConfigError&) {
        }
      }
    }
  }

  // A third of the time: random initial modes (best-response equilibrium,
  // the data, or all non-aligned) for alignment and standards.
  void maybe_initial_modes(ScenarioConfig& cfg, std::string& what) {
    constexpr InitialMode kModes[] = {InitialMode::equilibrium, InitialMode::data, InitialMode::nonaligned};
    if (below(3) != 0) return;
    cfg.initial.alignment = kModes[below(3)];
    cfg.initial.standards = kModes[below(3)];
    what += ", initial modes " + std::to_string(static_cast<int>(cfg.initial.alignment)) + "/" +
            std::to_string(static_cast<int>(cfg.initial.standards));
  }

 private:
  std::uint64_t state_;
  std::vector<ScenarioConfig> bases_;
};

// The cache's keys must cover every number a sweep point can change that its
// stage reads: a wrong hit would be a silent wrong result. Prime a cache with
// the scenario, then change each set_param path in turn (a sweep point that
// differs in that one parameter) and require the served world to equal
// make_world of the changed scenario.
std::string changed_value_problems(const ScenarioConfig& cfg, std::uint64_t seed, int* changed_worlds) {
  std::string problems;
  for (const std::string& path : param_paths(cfg)) {
    ScenarioConfig c = cfg;
    double v = 0.0;
    try {
      v = get_param(c, path);
    } catch (const ConfigError&) {  // an unset default tie: any legal value changes it
      v = -1.0;
    }
    bool set = false;
    for (double nv : {v + 0.37, v / 2, 1.0, 0.0, v + 1, 2.0}) {
      if (nv == v) continue;
      try {
        set_param(c, path, nv);
        set = true;
        break;
      } catch (const ConfigError&) {
      }
    }
    if (!set) {
      problems += path + ": no other legal value; ";
      continue;
    }
    WorldCache cache;
    (void)cache.get(cfg, seed);
    const World served = cache.get(c, seed);
    const World fresh = make_world(c, seed);
    if (const std::string d = state_difference(fresh, served); !d.empty()) problems += path + ": " + d + "; ";
    if (!state_difference(make_world(cfg, seed), fresh).empty()) ++*changed_worlds;
  }
  return problems;
}

// The cells of the bench table row that starts with `head` ("| 3000 | 1 |"),
// split at '|' (cell 0 is the first column); empty if there is no such row.
std::vector<std::string> bench_row(const std::string& text, const std::string& head) {
  std::vector<std::string> cells;
  const auto row = text.find(head);
  if (row == std::string::npos) return cells;
  std::stringstream ss(text.substr(row + 1, text.find('\n', row) - row - 1));
  for (std::string c; std::getline(ss, c, '|');) cells.push_back(c);
  return cells;
}

}  // namespace

TEST_SUITE("determinism") {
  TEST_CASE("parallel_for_runs never starts more threads than it has runs") {
    // a thread without a run only spins at the region's end on a core the
    // others need (a one-run sweep process at -j 2 took 12–19 % longer)
    const int threads_before = max_threads();
    set_threads(4);
    for (const std::int64_t n : {std::int64_t{1}, std::int64_t{2}, std::int64_t{3}, std::int64_t{7}}) {
      for (const int threads : {0, 2, 4}) {
        const int expected = static_cast<int>(std::min<std::int64_t>(n, threads > 0 ? threads : 4));
        std::vector<int> seen(static_cast<std::size_t>(n), 0), team(static_cast<std::size_t>(n), 0),
            slot_of(static_cast<std::size_t>(n), -1);
        parallel_for_runs(n, threads, [&](std::int64_t i, int slot) {
          ++seen[static_cast<std::size_t>(i)];
          slot_of[static_cast<std::size_t>(i)] = slot;
#ifdef _OPENMP
          team[static_cast<std::size_t>(i)] = omp_get_num_threads();
#else
          team[static_cast<std::size_t>(i)] = 1;
#endif
        });
        CAPTURE(n);
        CAPTURE(threads);
        for (std::int64_t i = 0; i < n; ++i) {
          CHECK(seen[static_cast<std::size_t>(i)] == 1);
          CHECK(slot_of[static_cast<std::size_t>(i)] >= 0);
          CHECK(slot_of[static_cast<std::size_t>(i)] < expected);
          // at most one thread a run (OMP_THREAD_LIMIT may give fewer):
          // one run, or one thread, gets no team at all
          CHECK(team[static_cast<std::size_t>(i)] >= 1);
          CHECK(team[static_cast<std::size_t>(i)] <= expected);
        }
      }
    }
    set_threads(threads_before);
  }
  TEST_CASE("WorldCache: a copied tick-0 world equals make_world, for every replicate seed") {
    const ScenarioConfig cfg = load_scenario(kBaseline);
    WorldCache cache;
    for (std::uint64_t r = 0; r < 3; ++r) {
      const std::uint64_t seed = replicate_seed(cfg.seed, static_cast<int>(r));
      const World fresh = make_world(cfg, seed);
      const World copied = cache.get(cfg, seed);
      CHECK(state_difference(fresh, copied) == "");
      CHECK(copied.seed == seed);
    }
    CHECK(cache.builds() == 1);
    CHECK(cache.copies() == 2);
  }

  TEST_CASE("WorldCache: a parameter the initial state reads gets its own world") {
    ScenarioConfig cfg = load_scenario(kBaseline);
    WorldCache cache;
    (void)cache.get(cfg, 1);
    set_param(cfg, "powers.us.export_controls.strictness", 0.9);
    const World copied = cache.get(cfg, 1);
    CHECK(cache.builds() == 2);
    CHECK(state_difference(make_world(cfg, 1), copied) == "");
  }

  TEST_CASE("WorldCache: synthetic worlds are keyed by the seed") {
    const ScenarioConfig cfg = synthetic_variant(load_scenario(kMinimal), 300);
    WorldCache cache;
    (void)cache.get(cfg, 1);
    const World w2 = cache.get(cfg, 2);
    CHECK(cache.builds() == 2);
    CHECK(state_difference(make_world(cfg, 2), w2) == "");
  }

  TEST_CASE("WorldCache: no set_param path can make it serve another point's world (data and synthetic worlds)") {
    int changed = 0;
    const ScenarioConfig base = load_scenario(kBaseline);
    CHECK(changed_value_problems(base, 3, &changed) == "");
    CHECK(changed >= 40);  // the check is not vacuous: most parameters change the tick-0 world
    changed = 0;
    const ScenarioConfig syn = synthetic_variant(load_scenario(kMinimal), 300);
    CHECK(changed_value_problems(syn, 3, &changed) == "");
    CHECK(changed >= 10);
  }

  TEST_CASE("WorldCache: threads asking for the same world at once compute it once") {
    const ScenarioConfig cfg = load_scenario(kBaseline);
    const World ref = make_world(cfg, 9);
    WorldCache cache;
    std::vector<World> got(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t) threads.emplace_back([&, t] { got[t] = cache.get(cfg, 9); });
    for (auto& th : threads) th.join();
    for (const World& w : got) CHECK(state_difference(ref, w) == "");
    CHECK(cache.builds() == 1);
    CHECK(cache.copies() == 3);
  }

  TEST_CASE("WorldCache: announced uses — the last one takes the kept world over, a last-use world is not kept") {
    ScenarioConfig a = load_scenario(kBaseline);
    ScenarioConfig b = a;
    set_param(b, "powers.us.export_controls.strictness", 0.9);
    WorldCache cache;
    cache.expect(a, 1);
    cache.expect(a, 2);
    cache.expect(b, 3);
    World reused;  // one World reused run after run (simulate's thread-local world)
    cache.get_into(reused, a, 1);
    CHECK(state_difference(make_world(a, 1), reused) == "");
    CHECK(cache.builds() == 1);
    cache.get_into(reused, b, 3);  // its only announced use: built, not kept
    CHECK(state_difference(make_world(b, 3), reused) == "");
    CHECK(cache.builds() == 2);
    cache.get_into(reused, a, 2);  // a's last announced use: taken over (no build)
    CHECK(state_difference(make_world(a, 2), reused) == "");
    CHECK(reused.seed == 2);
    CHECK(cache.builds() == 2);
    CHECK(cache.copies() == 1);
    // neither is kept now: unannounced uses build again (and are kept as before)
    cache.get_into(reused, a, 4);
    CHECK(cache.builds() == 3);
    CHECK(state_difference(make_world(a, 4), reused) == "");
    cache.get_into(reused, b, 5);
    CHECK(cache.builds() == 4);
    cache.get_into(reused, b, 6);
    CHECK(cache.builds() == 4);
    CHECK(state_difference(make_world(b, 6), reused) == "");
    // a reused World that held another (larger, synthetic) world
    const ScenarioConfig syn = synthetic_variant(load_scenario(kMinimal), 300);
    cache.get_into(reused, syn, 7);
    CHECK(state_difference(make_world(syn, 7), reused) == "");
    cache.get_into(reused, a, 8);
    CHECK(state_difference(make_world(a, 8), reused) == "");
  }

  TEST_CASE("WorldCache: announcing one key does not announce another (a changed parameter is its own key)") {
    ScenarioConfig a = load_scenario(kBaseline);
    ScenarioConfig b = a;
    set_param(b, "powers.cn.open_models", 0.25);
    WorldCache cache;
    cache.expect(a, 1);        // one announced use of a only
    (void)cache.get(b, 1);     // b unannounced: kept
    (void)cache.get(b, 2);
    CHECK(cache.builds() == 1);
    (void)cache.get(a, 1);     // a's last use: built, not kept
    (void)cache.get(a, 2);     // unannounced now: built again
    CHECK(cache.builds() == 3);
  }

  TEST_CASE("WorldCache: a power's default tier is part of the key (was served from the first point)") {
    ScenarioConfig cfg = load_scenario(kBaseline);
    WorldCache cache;
    (void)cache.get(cfg, 1);
    set_param(cfg, "powers.cn.export_controls.tiers.default", 2);
    const World served = cache.get(cfg, 1);
    CHECK(cache.builds() == 2);
    CHECK(state_difference(make_world(cfg, 1), served) == "");
  }

  TEST_CASE("WorldCache: sweep points that differ only in lever values share the constructed world") {
    // strictness_openness.yaml's parameters: the network and country arrays
    // are built once, the equilibrium once per point, each equal to make_world.
    ScenarioConfig cfg = load_scenario(kBaseline);
    WorldCache cache;
    int points = 0;
    for (double s : {0.0, 0.5, 1.0})
      for (double o : {0.2, 0.9}) {
        set_param(cfg, "powers.us.export_controls.strictness", s);
        set_param(cfg, "powers.cn.open_models", o);
        for (std::uint64_t seed : {11u, 12u}) {
          const World served = cache.get(cfg, seed);
          CAPTURE(s);
          CAPTURE(o);
          CHECK(state_difference(make_world(cfg, seed), served) == "");
        }
        ++points;
      }
    CHECK(cache.constructions() == 1);
    CHECK(cache.builds() == points);
    CHECK(cache.copies() == points);  // the second seed of each point
    // a choice weight (sobol_choice_weights.yaml) shares it too
    set_param(cfg, "model.beta_identity", 3.1);
    CHECK(state_difference(make_world(cfg, 11), cache.get(cfg, 11)) == "");
    CHECK(cache.constructions() == 1);
    CHECK(cache.builds() == points + 1);
  }

  TEST_CASE("WorldCache: sweep points that differ in a network weight or a default tie build their own") {
    ScenarioConfig cfg = load_scenario(kBaseline);
    WorldCache cache;
    const World first = cache.get(cfg, 5);
    set_param(cfg, "network.trade_weight", get_param(cfg, "network.trade_weight") + 0.5);
    const World other = cache.get(cfg, 5);
    CHECK(cache.constructions() == 2);
    CHECK(state_difference(make_world(cfg, 5), other) == "");
    CHECK(!same_bits(first.w_rowsum, other.w_rowsum));  // the parameter does change the shared part
    set_param(cfg, "powers.us.ties.default_security", 0.5);
    (void)cache.get(cfg, 5);
    CHECK(cache.constructions() == 3);
    // synthetic worlds: the wiring is drawn from the seed and the degree
    ScenarioConfig syn = synthetic_variant(load_scenario(kMinimal), 300);
    WorldCache sc;
    (void)sc.get(syn, 1);
    set_param(syn, "world.synthetic.degree", 6);
    const World rewired = sc.get(syn, 1);
    CHECK(sc.constructions() == 2);
    CHECK(state_difference(make_world(syn, 1), rewired) == "");
  }

  TEST_CASE("every parameter listed as initial-state independent leaves the tick-0 world unchanged") {
    // This is what lets sweep points that differ only in these share a world:
    // if a model change makes the initial state read one of them, this fails.
    const ScenarioConfig cfg = load_scenario(kBaseline);
    const World ref = make_world(cfg, cfg.seed);
    int checked = 0;
    for (const std::string& key : initial_state_independent()) {
      std::vector<std::string> paths;
      bool is_model = false;
      for (const auto& spec : model_params()) is_model = is_model || spec.key == key;
      if (is_model) paths.push_back("model." + key);
      else
        for (const auto& p : cfg.powers) paths.push_back("powers." + p.id + "." + key);
      for (const auto& path : paths) {
        ScenarioConfig c = cfg;
        const double v = get_param(c, path);
        // a different legal value: towards the upper bound, or up if unbounded
        double nv = v + 0.37;
        for (const auto& spec : model_params())
          if (is_model && spec.key == key && std::isfinite(spec.max)) nv = v < spec.max ? (v + spec.max) / 2 : (v + spec.min) / 2;
        for (const auto& spec : power_params())
          if (!is_model && spec.key == key && std::isfinite(spec.max)) nv = v < spec.max ? (v + spec.max) / 2 : (v + spec.min) / 2;
        if (nv == v) nv = v / 2;
        set_param(c, path, nv);
        CAPTURE(path);
        CHECK(state_difference(ref, make_world(c, cfg.seed)) == "");
        ++checked;
      }
    }
    CHECK(checked >= 20);
  }

  TEST_CASE("the record phase's reuse of the choice similarities gives the same metrics") {
    for (const auto& path : {kBaseline, kMinimal}) {
      const ScenarioConfig cfg = load_scenario(path);
      World w = make_world(cfg, cfg.seed);
      for (int t = 1; t <= 6; ++t) {
        step(w, cfg);
        const auto a = compute_metrics(w), b = compute_metrics_after_step(w);
        REQUIRE(a.size() == b.size());
        CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
      }
    }
  }

  TEST_CASE("the fused network walk gives the same bits as the phases one after another") {
    const int threads_before = max_threads();
    const fs::path scen = fs::path(BLOCSIM_SOURCE_DIR) / "scenarios";
    // the default world and the scenarios with standards diplomacy, open
    // weights, reactive rules and a third power (K = 3: the generic-K kernels)
    for (const char* name : {"baseline.yaml", "minimal.yaml", "open_weight_surge.yaml", "reactive_tech_race.yaml",
                             "reactive_openness.yaml", "eu_third_pole.yaml", "export_escalation.yaml"}) {
      ScenarioConfig cfg = load_scenario(scen / name);
      for (int threads : {1, 2}) {
        CAPTURE(name);
        CAPTURE(threads);
        CHECK(fused_difference(cfg, cfg.seed, 12, threads) == "");
      }
    }
    // four powers: K + 1 = 5 labels, past the 4-lane histogram (the walk's
    // generic neighbour_histogram3 path)
    {
      const ScenarioConfig cfg = load_scenario(fs::path(BLOCSIM_TEST_DATA) / "good/four_powers.yaml");
      REQUIRE(cfg.powers.size() == 4);
      for (int threads : {1, 2}) {
        CAPTURE(threads);
        CHECK(fused_difference(cfg, cfg.seed, 12, threads) == "");
      }
    }
    // D = 2 (the D-specialised kernels other than D = 4)
    {
      const ScenarioConfig cfg = load_scenario(fs::path(BLOCSIM_TEST_DATA) / "good/variant2.yaml");
      CHECK(fused_difference(cfg, 5, 8, 1) == "");
    }
    // every random stream and the logit / best-response variants
    {
      ScenarioConfig cfg = load_scenario(kBaseline);
      cfg.model.identity_noise = 0.01;
      cfg.model.lambda = std::numeric_limits<double>::infinity();
      cfg.model.revision_rate_standards = 1.0;
      cfg.model.alignment_feedback = 0.05;
      CHECK(fused_difference(cfg, 77, 10, 2) == "");
    }
    // the fused walk's 4-row identity kernel (identity_x4.h) against the
    // per-row one: a small ε leaves some rows with no neighbour in reach
    // (den = 0: the bounded-confidence term is a lane select), narratives
    // reach only some rows, strong grievance / anchor / feedback terms, noise;
    // then μ = 0 (no neighbour sums at all). 194 rows: 48 groups of 4 and 2
    // rows left for the per-row kernel.
    {
      ScenarioConfig cfg = load_scenario(kBaseline);
      cfg.model.epsilon = 0.12;
      cfg.model.mu = 0.4;
      cfg.model.identity_noise = 0.02;
      cfg.model.kappa = 0.3;
      cfg.model.identity_anchor = 0.1;
      cfg.model.alignment_feedback = 0.1;
      for (auto& pw : cfg.powers) pw.narrative_radius = 0.35;
      CHECK(fused_difference(cfg, 13, 8, 1) == "");
      cfg.model.mu = 0.0;
      CHECK(fused_difference(cfg, 13, 4, 2) == "");
    }
    // a policy phase that rebuilds W (a membership event): the previous
    // tick's interoperability is measured before it, on the old network
    {
      ScenarioConfig cfg = load_scenario(kBaseline);
      Event ev;
      ev.tick = 3;
      ev.label = "test: join";
      ev.memberships.push_back(MembershipChange{"brics_members", {"IDN", "MEX", "ARG"}, {"ZAF"}});
      cfg.timeline.push_back(ev);
      CHECK(fused_difference(cfg, cfg.seed, 6, 1) == "");
    }
    // synthetic worlds large enough for the parallel blocks and the
    // prefetching (large_world: ≥ 4 · kParallelGrain rows), several blocks, 1 and 2 threads
    const std::int64_t big = std::getenv("CI") ? 20000 : 100000;
    for (const std::int64_t n : {std::int64_t{3 * kParallelGrain + 17}, big}) {
      ScenarioConfig cfg = synthetic_variant(load_scenario(kBaseline), n, 10.0);
      cfg.initial.alignment = InitialMode::nonaligned;
      cfg.initial.standards = InitialMode::nonaligned;
      cfg.model.identity_noise = 0.01;
      for (int threads : {1, 2}) {
        CAPTURE(n);
        CAPTURE(threads);
        CHECK(fused_difference(cfg, 3, 4, threads) == "");
      }
    }
    set_threads(threads_before);
  }

  // A property test of the fused walk (issue 14): random worlds and random
  // parameters, not only the shipped scenarios. Each trial draws a
  // configuration (RandomConfigs: a shipped scenario or a synthetic world, 1–8
  // random registry parameters, sometimes random initial modes) and compares
  // the reference paths with the fused walk, bit for bit: the tick-0 worlds the
  // two build (the equilibrium rounds as walks), then 6 ticks at 1 or 2
  // threads (fused_difference). A configuration that make_world refuses must
  // be refused with the same message on both paths, and is skipped (counted);
  // one where a tick throws must throw the same message at the same tick on
  // both paths. Synthetic worlds past the parallel blocks' grain (two or more
  // blocks) also run at 1, 2 and 3 threads, which must give the same metric
  // rows bit for bit. A failure names its trial and repeats.
  TEST_CASE("random worlds and random parameters: the fused walk equals the reference paths, and 1, 2, 3 threads agree") {
    const int threads_before = max_threads();
    RandomConfigs gen(20261203);
    // BLOCSIM_FUSED_TRIALS=N runs more (3,000 took ~20 s)
    const char* const more = std::getenv("BLOCSIM_FUSED_TRIALS");
    const int trials = more ? std::atoi(more) : std::getenv("CI") ? 100 : 200;
    const int large_trials = std::getenv("CI") ? 2 : 4;
    int compared = 0;
    for (int trial = 0; trial < trials; ++trial) {
      // the last few trials: large worlds (large_world: far-neighbour
      // prefetches, no kept label sums)
      std::string what;
      ScenarioConfig cfg = gen.draw(trial >= trials - large_trials, what);
      gen.change_params(cfg, 1 + static_cast<int>(gen.below(8)), what);
      gen.maybe_initial_modes(cfg, what);
      const std::uint64_t seed = gen.next();
      const int threads = 1 + static_cast<int>(gen.below(2));
      CAPTURE(trial);
      CAPTURE(what);
      CAPTURE(threads);
      set_threads(threads);
      std::string refused[2];
      World built[2];
      for (int fused = 0; fused < 2; ++fused) {
        set_reference_paths(fused == 0);
        refused[fused] = thrown([&] { built[fused] = make_world(cfg, seed); });
      }
      set_reference_paths(false);
      CHECK(refused[0] == refused[1]);
      if (!refused[0].empty()) continue;  // a configuration the engine refuses, on both paths
      ++compared;
      std::string tick0 = state_difference(built[0], built[1]);
      if (tick0.empty() && !same_bits(built[0].choice_z, built[1].choice_z)) tick0 = "choice_z";
      CHECK(tick0 == "");
      CHECK(fused_difference(cfg, seed, 6, threads, true) == "");
      // and 1, 2 and 3 threads give the same metric rows (the determinism
      // contract; worlds past the grain run two or more blocks)
      if (cfg.world.synthetic && cfg.world.synthetic->countries > kParallelGrain) {
        ScenarioConfig c = cfg;
        c.ticks = 6;
        std::vector<std::vector<double>> rows[3];
        std::string error[3];  // a run that throws must throw the same at every thread count
        for (int t = 1; t <= 3; ++t) {
          set_threads(t);
          error[t - 1] = thrown([&] { rows[t - 1] = simulate(c, seed).metrics.rows; });
        }
        CHECK(error[1] == error[0]);
        CHECK(error[2] == error[0]);
        CHECK(same_rows(rows[1], rows[0]));
        CHECK(same_rows(rows[2], rows[0]));
      }
    }
    // most trials must reach the comparison, or the test tests little
    CHECK(compared >= trials * 3 / 4);
    set_threads(threads_before);
  }

  // A property test of WorldCache (issue 14): a served world must equal
  // make_world for any mix of changed numbers, not only one parameter at a
  // time (`changed_value_problems`, above, changes one at a time). Each trial
  // fixes a batch's world data (RandomConfigs::draw) and asks one cache for
  // 12 runs, each the batch's scenario with 0–3 further random registry
  // parameters (a synthetic world's degree and rewiring among them) and one
  // of three seeds, as a sweep would; every served world is compared with
  // make_world of the same run, bit for bit. The cache must also have
  // served copies, or the test tested nothing.
  TEST_CASE("random worlds and random parameters: every world WorldCache serves equals make_world") {
    RandomConfigs gen(77001);
    const int trials = std::getenv("CI") ? 30 : 60;
    std::int64_t copies = 0, served = 0;
    for (int trial = 0; trial < trials; ++trial) {
      std::string batch;
      ScenarioConfig base = gen.draw(false, batch);
      gen.maybe_initial_modes(base, batch);
      const std::uint64_t seeds[3] = {gen.next(), gen.next(), gen.next()};
      WorldCache cache(4);
      for (int run = 0; run < 12; ++run) {
        std::string what = batch;
        ScenarioConfig cfg = base;
        gen.change_params(cfg, static_cast<int>(gen.below(4)), what, true);
        const std::uint64_t seed = seeds[gen.below(3)];
        CAPTURE(trial);
        CAPTURE(run);
        CAPTURE(what);
        World fresh, cached;
        const std::string fresh_error = thrown([&] { fresh = make_world(cfg, seed); });
        const std::string cached_error = thrown([&] { cached = cache.get(cfg, seed); });
        CHECK(cached_error == fresh_error);
        if (!fresh_error.empty()) continue;
        ++served;
        CHECK(state_difference(fresh, cached) == "");
        CHECK(cached.seed == seed);
      }
      copies += cache.copies();
    }
    CHECK(served >= trials * 12 * 3 / 4);
    CHECK(copies >= served / 10);
  }

  TEST_CASE("the tick-0 equilibrium in one walk per iteration gives the same world as the phases one after another") {
    // make_world's best-response iterations: phase::decision_pass against
    // choice(w); standards(w) (the reference paths), the whole tick-0 state
    // (incl. the iteration count and the choice phase's z) bit for bit
    const int threads_before = max_threads();
    auto difference = [](const ScenarioConfig& cfg, std::uint64_t seed, int threads) {
      set_threads(threads);
      set_reference_paths(true);
      const World ref = make_world(cfg, seed);
      set_reference_paths(false);
      const World now = make_world(cfg, seed);
      std::string diff = state_difference(ref, now);
      if (diff.empty() && !same_bits(ref.choice_z, now.choice_z)) diff = "choice_z";
      return diff;
    };
    const fs::path scen = fs::path(BLOCSIM_SOURCE_DIR) / "scenarios";
    for (const fs::path& path : {scen / "baseline.yaml", scen / "minimal.yaml", scen / "eu_third_pole.yaml",
                                 fs::path(BLOCSIM_TEST_DATA) / "good/four_powers.yaml", fs::path(BLOCSIM_TEST_DATA) / "good/variant2.yaml"}) {
      ScenarioConfig cfg = load_scenario(path);
      for (int threads : {1, 2}) {
        CAPTURE(path);
        CAPTURE(threads);
        CHECK(difference(cfg, cfg.seed, threads) == "");
      }
      // one of the two in equilibrium, the other from the security data
      // (revision rate 0 for the other: its kernel keeps the current values)
      cfg.initial.standards = InitialMode::data;
      CHECK(difference(cfg, cfg.seed, 2) == "");
      cfg.initial.standards = InitialMode::equilibrium;
      cfg.initial.alignment = InitialMode::data;
      CHECK(difference(cfg, cfg.seed, 2) == "");
    }
    // a synthetic world past the prefetch threshold (several blocks, the
    // far-neighbour prefetches): to its fixed point (5 rounds), and stopped
    // by the round cap before it (3 rounds, not converged)
    {
      ScenarioConfig cfg = synthetic_variant(load_scenario(kBaseline), 5 * kParallelGrain + 3, 10.0);
      for (int cap : {50, 3}) {
        cfg.initial.equilibrium_iterations = cap;
        for (int threads : {1, 2}) {
          CAPTURE(cap);
          CAPTURE(threads);
          CHECK(difference(cfg, 9, threads) == "");
        }
        const World w = make_world(cfg, 9);
        CHECK(w.init_iterations > 1);
        if (cap == 3) CHECK((w.init_iterations == 3 && !w.init_converged));
      }
    }
    set_threads(threads_before);
  }

  TEST_CASE("neighbour label sums and standards shares kept across ticks equal the ordered sums, bit for bit") {
    // After every fused tick, World::label_sums must hold exactly the ordered
    // histograms (world.h neighbour_histogram3, the reference kernel) of the
    // labels in label_sums_of, which must be the labels the walk started from;
    // and each row whose World::share_sums are marked valid must hold exactly
    // the reference kernel's standards shares of those labels
    // (neighbour_histogram3: Σ_j (w_ij·gdp_j)·onehot(s_j) in its order) — a
    // row kept valid across a tick in which a neighbour changed its standard
    // would hold the shares of older labels.
    const int threads_before = max_threads();
    set_threads(1);
    const ScenarioConfig cfg = load_scenario(kBaseline);
    World w = make_world(cfg, 11);
    REQUIRE(w.label_sums_exact);
    int updated_ticks = 0;          // ticks whose sums were updated, not taken afresh
    std::int64_t kept_across = 0;   // rows whose shares stayed valid across a tick
    std::int64_t dropped = 0;       // rows valid before a tick whose neighbour changed standard
    std::int64_t shares_checked = 0;
    for (int t = 1; t <= 24; ++t) {
      std::vector<std::uint8_t> start(static_cast<std::size_t>(w.n));
      for (std::int32_t j = 0; j < w.n; ++j)
        start[static_cast<std::size_t>(j)] = static_cast<std::uint8_t>((w.alignment[static_cast<std::size_t>(j)] | w.standard[static_cast<std::size_t>(j)] << 2) << 3);
      const std::vector<std::uint8_t> before = w.label_sums_of;
      const std::vector<std::uint8_t> valid_before = w.share_valid;
      step(w, cfg);
      REQUIRE(w.label_sums_of == start);
      REQUIRE(w.share_valid.size() == start.size());
      REQUIRE(w.share_sums.size() == 4 * start.size());
      if (!before.empty() && before != start) ++updated_ticks;
      std::vector<Bloc> a(start.size()), s(start.size());
      for (std::size_t j = 0; j < start.size(); ++j) {
        a[j] = static_cast<Bloc>((start[j] >> 3) & 3);
        s[j] = static_cast<Bloc>(start[j] >> 5);
      }
      bool same = true;
      std::int64_t row = -1;
      for (std::int64_t i = 0; i < w.n && same; ++i) {
        const auto u = static_cast<std::size_t>(i);
        double peer[4] = {}, share[4] = {}, ties[4] = {};
        neighbour_histogram3(w.w, i, a.data(), s.data(), w.gdp.data(), 4, peer, share, ties);
        same = std::memcmp(peer, w.label_sums.data() + 8 * i, sizeof peer) == 0 &&
               std::memcmp(ties, w.label_sums.data() + 8 * i + 4, sizeof ties) == 0;
        if (w.share_valid[u]) {
          same = same && std::memcmp(share, w.share_sums.data() + 4 * i, sizeof share) == 0;
          ++shares_checked;
        }
        if (before.size() == start.size() && valid_before.size() == start.size() && valid_before[u]) {
          bool neighbour_changed = false;
          for (auto q = w.w.outerIndexPtr()[i]; q < w.w.outerIndexPtr()[i + 1]; ++q) {
            const auto j = static_cast<std::size_t>(w.w.innerIndexPtr()[q]);
            neighbour_changed = neighbour_changed || (before[j] >> 5) != (start[j] >> 5);
          }
          if (neighbour_changed) ++dropped;
          else if (w.share_valid[u]) ++kept_across;
        }
        row = i;
      }
      CAPTURE(t);
      CAPTURE(row);
      CHECK(same);
    }
    CHECK(updated_ticks >= 8);  // the update path ran, not only fresh sums
    // shares were kept across ticks, and rows whose neighbours changed their
    // standard were there to be caught
    CHECK(kept_across > 100);
    CHECK(dropped > 10);
    CHECK(shares_checked > 1000);
    set_threads(threads_before);
  }

  TEST_CASE("kept label sums: labels changed outside the walk, the exactness test, inexact weights, large worlds") {
    const int threads_before = max_threads();
    set_threads(1);
    // labels set by hand between two walks (as an event or a reference-path
    // phase would): the next walk sees them, and equals the reference
    {
      const ScenarioConfig cfg = load_scenario(kBaseline);
      World now = make_world(cfg, 5);
      step(now, cfg);
      for (std::size_t j = 10; j < 30; ++j) {
        now.alignment[j] = static_cast<Bloc>((now.alignment[j] + 1) % 3);
        now.standard[j] = static_cast<Bloc>((now.standard[j] + 2) % 3);
      }
      World ref = now;
      set_reference_paths(true);
      step(ref, cfg);
      set_reference_paths(false);
      step(now, cfg);
      CHECK(state_difference(ref, now) == "");
      CHECK(ref.churn == now.churn);
    }
    // the test of exactness, row by row
    {
      const float ones[] = {1.0f, 1.0f, 1.0f};
      CHECK(label_sums_exact_row(ones, 3));
      CHECK(label_sums_exact_row(ones, 0));
      const float spread[] = {1.0f, 1e-20f};  // last bit 2^-90, sums below 2·2^1: 92 bits
      CHECK_FALSE(label_sums_exact_row(spread, 2));
      const float edge[] = {1.0f, std::ldexp(1.0f, -28)};  // last bit 2^-51, sums below 2·2^1 ≤ 2^(−51 + 53): exact
      CHECK(label_sums_exact_row(edge, 2));
      const float past[] = {1.0f, std::ldexp(1.0f, -29)};  // last bit 2^-52: 2·2^1 > 2^(−52 + 53)
      CHECK_FALSE(label_sums_exact_row(past, 2));
      for (const float bad : {0.0f, -0.0f, -1.0f, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity()}) {
        const float row[] = {1.0f, bad};
        CAPTURE(bad);
        CHECK_FALSE(label_sums_exact_row(row, 2));
      }
    }
    // trade links 10⁻¹² of the others: rows whose weights span more than a
    // double's significand keep no sums, and the walk still equals the reference
    {
      ScenarioConfig cfg = load_scenario(kBaseline);
      cfg.network.trade_weight = 1e-12;
      const World w = make_world(cfg, 1);
      CHECK_FALSE(w.label_sums_exact);
      CHECK(w.label_sums.empty());
      CHECK(fused_difference(cfg, 1, 6, 1) == "");
    }
    // large worlds keep no sums (large_world: the updates would cost what they save)
    {
      const World big = make_world(synthetic_variant(load_scenario(kMinimal), kLargeWorld, 10.0), 4);
      CHECK_FALSE(big.label_sums_exact);
      const World below = make_world(synthetic_variant(load_scenario(kMinimal), kLargeWorld - 1, 10.0), 4);
      CHECK(below.label_sums_exact);
      CHECK(below.label_sums.size() == 8 * static_cast<std::size_t>(below.n));
    }
    set_threads(threads_before);
  }

  TEST_CASE("the far-neighbour index lists exactly the neighbours beyond kNearRows rows") {
    auto check_index = [](const World& w) {
      REQUIRE(w.far_outer.size() == static_cast<std::size_t>(w.n) + 1);
      std::int64_t far = 0;
      bool same = true;
      for (std::int64_t i = 0; i < w.n && same; ++i) {
        std::vector<std::int32_t> expect;
        for (auto q = w.w.outerIndexPtr()[i]; q < w.w.outerIndexPtr()[i + 1]; ++q)
          if (std::abs(static_cast<std::int64_t>(w.w.innerIndexPtr()[q]) - i) > kNearRows) expect.push_back(w.w.innerIndexPtr()[q]);
        const std::vector<std::int32_t> got(w.far_inner.begin() + w.far_outer[static_cast<std::size_t>(i)],
                                            w.far_inner.begin() + w.far_outer[static_cast<std::size_t>(i) + 1]);
        same = got == expect;
        far += static_cast<std::int64_t>(expect.size());
      }
      CHECK(same);
      return far;
    };
    // a small-world ring: the rewired links are far, the lattice links near
    const World big = make_world(synthetic_variant(load_scenario(kMinimal), 5 * kParallelGrain, 10.0), 4);
    const std::int64_t far = check_index(big);
    CHECK(far > 0);
    CHECK(far < big.w.nonZeros() / 2);
    // small worlds live in cache: no index (every prefetch is skipped)
    const World small = make_world(load_scenario(kBaseline), 1);
    CHECK(small.far_outer.empty());
    CHECK(small.far_inner.empty());
  }

  TEST_CASE("current paths write the same run folder bytes as today's reference paths") {
    test::TempDir dir;
    // data worlds (the replicates share the tick-0 world: its countries.csv
    // rows are formatted once), and a synthetic world, built from each
    // replicate's seed (tick-0 rows that differ between replicates)
    for (int world = 0; world < 3; ++world) {
      const fs::path path = world == 0 ? kBaseline : kMinimal;
      ScenarioConfig cfg = world == 2 ? synthetic_variant(load_scenario(kBaseline), 300, 6.0) : load_scenario(path);
      cfg.ticks = 8;
      cfg.outputs.countries = true;
      cfg.outputs.countries_every = 3;
      RunOptions opt;
      opt.replicates = 3;
      opt.out = dir.path / "ref";
      opt.overwrite = true;
      set_reference_paths(true);
      run_scenario(cfg, opt);
      set_reference_paths(false);
      opt.out = dir.path / "now";
      run_scenario(cfg, opt);
      CAPTURE(world);
      CHECK(read_folder(dir.path / "ref") == read_folder(dir.path / "now"));
    }
  }

  // simulate() through a cache copy-assigns the tick-0 world into its
  // thread's world of the previous run (buffers reused). Runs of random
  // batches one after another — worlds of other sizes, powers and dimensions
  // in between, some runs announced to the cache (expect) so that their last
  // use takes the kept world over — must give the metric rows of simulate()
  // without a cache, bit for bit: no state may leak from the previous run.
  TEST_CASE("random worlds and random parameters: runs through a cache, in reused worlds, equal runs without one") {
    const int threads_before = max_threads();
    RandomConfigs gen(4242);
    const int trials = std::getenv("CI") ? 20 : 40;
    int ran = 0;
    auto same_run = [](const SimulateResult& a, const SimulateResult& b) {
      return same_rows(a.metrics.rows, b.metrics.rows) && a.firings.size() == b.firings.size() &&
             a.init_iterations == b.init_iterations && a.init_converged == b.init_converged;
    };
    for (int trial = 0; trial < trials; ++trial) {
      std::string batch;
      ScenarioConfig base = gen.draw(false, batch);
      gen.maybe_initial_modes(base, batch);
      const std::uint64_t seeds[3] = {gen.next(), gen.next(), gen.next()};
      set_threads(1 + static_cast<int>(gen.below(2)));
      WorldCache cache(2);
      std::vector<std::pair<ScenarioConfig, std::uint64_t>> runs;
      std::vector<std::string> described;
      for (int r = 0; r < 6; ++r) {
        std::string what = batch;
        ScenarioConfig cfg = base;
        gen.change_params(cfg, static_cast<int>(gen.below(3)), what, true);
        cfg.ticks = 1 + static_cast<int>(gen.below(6));
        runs.emplace_back(cfg, seeds[gen.below(3)]);
        described.push_back(what);
        if (gen.below(2) == 0) cache.expect(cfg, runs.back().second);
      }
      for (std::size_t r = 0; r < runs.size(); ++r) {
        CAPTURE(trial);
        CAPTURE(r);
        CAPTURE(described[r]);
        // not a structured binding: Clang 14 cannot capture one in a lambda
        const ScenarioConfig& cfg = runs[r].first;
        const std::uint64_t seed = runs[r].second;
        SimulateResult a, b;
        const std::string ea = thrown([&] { a = simulate(cfg, seed, {}, &cache); });
        const std::string eb = thrown([&] { b = simulate(cfg, seed); });
        CHECK(ea == eb);
        if (!ea.empty()) continue;
        ++ran;
        CHECK(same_run(a, b));
      }
    }
    CHECK(ran >= trials * 6 * 3 / 4);
    set_threads(threads_before);
  }

  // Runs in lockstep (issue 14, round 26): simulate_batch computes the
  // identity neighbour sums of the runs whose worlds share the network and ε
  // in one pass; every run must give simulate()'s bits alone, and the runs
  // that can share the pass must share it (batched_ticks), or the comparison
  // would test simulate() against itself.
  TEST_CASE("simulate_batch: sweep-like runs share the identity pass and give each run's own bits") {
    const int threads_before = max_threads();
    set_threads(1);
    const ScenarioConfig base = load_scenario(kBaseline);
    std::vector<ScenarioConfig> cfgs(4, base);
    set_param(cfgs[1], "powers.us.export_controls.strictness", 0.9);
    set_param(cfgs[2], "powers.cn.open_models", 0.1);
    set_param(cfgs[3], "model.mu", 0.3);
    for (auto& c : cfgs) c.ticks = 12;
    cfgs[2].ticks = 7;  // a lane that stops early
    const std::uint64_t seeds[4] = {11, 12, 13, 11};
    WorldCache cache;
    std::vector<BatchRun> runs;
    for (int r = 0; r < 4; ++r) runs.push_back({&cfgs[static_cast<std::size_t>(r)], seeds[r]});
    const std::vector<BatchOutcome> out = simulate_batch(runs, &cache);
    REQUIRE(out.size() == 4);
    for (std::size_t r = 0; r < 4; ++r) {
      CAPTURE(r);
      REQUIRE_FALSE(out[r].error);
      const SimulateResult alone = simulate(cfgs[r], seeds[r]);
      CHECK(same_rows(out[r].result.metrics.rows, alone.metrics.rows));
      CHECK(out[r].result.metrics.columns == alone.metrics.columns);
      CHECK(out[r].result.firings.size() == alone.firings.size());
      CHECK(out[r].result.init_iterations == alone.init_iterations);
      CHECK(out[r].batched_ticks == cfgs[r].ticks);
    }
    // without phase times: the same rows, no clock read
    const std::vector<BatchOutcome> untimed = simulate_batch(runs, &cache, false);
    for (std::size_t r = 0; r < 4; ++r) {
      CAPTURE(r);
      REQUIRE_FALSE(untimed[r].error);
      CHECK(same_rows(untimed[r].result.metrics.rows, out[r].result.metrics.rows));
      double timed_total = 0.0, untimed_total = 0.0;
      for (std::size_t p = 0; p < kTickPhases.size(); ++p) {
        timed_total += out[r].result.phase_seconds[p];
        untimed_total += untimed[r].result.phase_seconds[p];
      }
      CHECK(timed_total > 0.0);
      CHECK(untimed_total == 0.0);
    }
    // a lane with another ε, and one whose network weights differ, go alone;
    // the others share the pass while two of them step (lane 2 stops at 7)
    cfgs[1].model.epsilon = 0.35;
    set_param(cfgs[3], "network.group_weight", 0.5);
    // each lane's rows against simulate() alone, and its ticks in the shared pass
    auto check_lanes = [&](const std::vector<BatchOutcome>& got, const std::array<int, 4>& shared_ticks) {
      for (std::size_t r = 0; r < 4; ++r) {
        CAPTURE(r);
        REQUIRE_FALSE(got[r].error);
        CHECK(same_rows(got[r].result.metrics.rows, simulate(cfgs[r], seeds[r]).metrics.rows));
        CHECK(got[r].batched_ticks == shared_ticks[r]);
      }
    };
    check_lanes(simulate_batch(runs, &cache), {7, 0, 7, 0});
    // an event that changes one lane's ε at tick 5 and another's network at
    // tick 4: from then on they go alone (the pass is re-checked)
    cfgs[1].model.epsilon = base.model.epsilon;
    cfgs[3] = base;
    cfgs[3].ticks = 12;
    Event eps_event, net_event;
    eps_event.tick = 5;
    eps_event.set.push_back({"model.epsilon", 0.3, {}});
    net_event.tick = 4;
    net_event.set.push_back({"network.border_weight", 2.0, {}});
    cfgs[1].timeline.push_back(eps_event);
    cfgs[3].timeline.push_back(net_event);
    check_lanes(simulate_batch(runs, &cache), {7, 4, 7, 3});
    set_threads(threads_before);
  }

  TEST_CASE("identity_sums_batch: every row's neighbour sums are the bits of the world's own") {
    // the reference path's per-row sums (rows.h sums4) against the pass over
    // 1–4 worlds: baseline worlds some ticks apart (identities spread out
    // differently) and random synthetic worlds (rows of 0–12 neighbours, odd
    // and even counts)
    const int threads_before = max_threads();
    set_threads(1);
    RandomConfigs gen(2627);
    int rows_compared = 0;
    for (int trial = 0; trial < 12; ++trial) {
      std::string what;
      ScenarioConfig cfg = trial < 4 ? load_scenario(kBaseline) : gen.draw(false, what);
      if (trial >= 4 && cfg.dimensions.size() != 4) continue;
      const int count = 1 + trial % 4;
      std::vector<World> worlds;
      for (int r = 0; r < count; ++r) {
        worlds.push_back(make_world(cfg, 100 + static_cast<std::uint64_t>(trial)));
        for (int t = 0; t < 1 + 3 * r; ++t) step(worlds.back(), cfg);
      }
      std::vector<const World*> ptrs;
      for (const World& w : worlds) {
        REQUIRE(phase::sums_batch_compatible(worlds[0], w));
        ptrs.push_back(&w);
      }
      const std::int64_t n = worlds[0].n;
      std::vector<std::vector<double>> out(static_cast<std::size_t>(count), std::vector<double>(static_cast<std::size_t>(5 * n)));
      std::vector<double*> dst;
      for (auto& o : out) dst.push_back(o.data());
      phase::identity_sums_batch(ptrs.data(), count, dst.data());
      for (int r = 0; r < count; ++r) {
        const phase::rows::Identity<4> kernel(worlds[static_cast<std::size_t>(r)]);
        for (std::int64_t i = 0; i < n; ++i) {
          phase::v4::d num;
          double den = 0.0;
          kernel.sums4(i, num, den);
          if (worlds[static_cast<std::size_t>(r)].params.mu == 0.0) continue;  // sums4 returns zeros
          CAPTURE(trial);
          CAPTURE(r);
          CAPTURE(i);
          CAPTURE(what);
          const double* got = out[static_cast<std::size_t>(r)].data();
          CHECK(same_bytes(&num, got + 4 * i, sizeof num));
          CHECK(same_bytes(&den, got + 4 * n + i, sizeof den));
          ++rows_compared;
        }
      }
    }
    CHECK(rows_compared > 2000);
    // not compatible: another ε, another network, another D
    ScenarioConfig cfg = load_scenario(kBaseline);
    const World a = make_world(cfg, 1);
    World b = a;
    b.params.epsilon = std::nextafter(a.params.epsilon, 1.0);
    CHECK_FALSE(phase::sums_batch_compatible(a, b));
    b = a;
    b.w.valuePtr()[7] *= 2.0f;
    CHECK_FALSE(phase::sums_batch_compatible(a, b));
    CHECK(phase::sums_batch_compatible(a, a));
    set_threads(threads_before);
  }

  TEST_CASE("lockstep_group: up to four runs a group while every thread gets a group") {
    CHECK(lockstep_group(100, 2) == phase::kSumsBatch);
    CHECK(lockstep_group(7, 1) == phase::kSumsBatch);
    CHECK(lockstep_group(5, 2) == 2);
    CHECK(lockstep_group(3, 8) == 1);
    CHECK(lockstep_group(1, 0) == 1);
  }

  TEST_CASE("random worlds and random parameters: runs in lockstep equal runs alone") {
    const int threads_before = max_threads();
    RandomConfigs gen(2626);
    const int trials = std::getenv("CI") ? 20 : 40;
    int ran = 0, shared = 0;
    for (int trial = 0; trial < trials; ++trial) {
      std::string batch;
      ScenarioConfig base = gen.draw(false, batch);
      gen.maybe_initial_modes(base, batch);
      set_threads(1 + static_cast<int>(gen.below(2)));
      WorldCache cache(2);
      const std::size_t lanes = 1 + gen.below(4);
      std::vector<ScenarioConfig> cfgs;
      std::vector<std::uint64_t> seeds;
      std::vector<std::string> described;
      for (std::size_t r = 0; r < lanes; ++r) {
        std::string what = batch;
        ScenarioConfig cfg = base;
        if (gen.below(2) == 0) gen.change_params(cfg, 1 + static_cast<int>(gen.below(2)), what);
        cfg.ticks = 1 + static_cast<int>(gen.below(8));
        cfgs.push_back(cfg);
        seeds.push_back(gen.below(3) == 0 && r > 0 ? seeds.front() : gen.next());
        described.push_back(what);
      }
      std::vector<BatchRun> runs;
      for (std::size_t r = 0; r < lanes; ++r) runs.push_back({&cfgs[r], seeds[r]});
      const std::vector<BatchOutcome> out = simulate_batch(runs, &cache);
      REQUIRE(out.size() == lanes);
      for (std::size_t r = 0; r < lanes; ++r) {
        CAPTURE(trial);
        CAPTURE(r);
        CAPTURE(described[r]);
        SimulateResult alone;
        const std::string ea = thrown([&] { alone = simulate(cfgs[r], seeds[r]); });
        std::string eb;
        if (out[r].error) eb = thrown([&] { std::rethrow_exception(out[r].error); });
        CHECK(ea == eb);
        if (!ea.empty()) continue;
        ++ran;
        shared += out[r].batched_ticks > 0 ? 1 : 0;
        CHECK(same_rows(out[r].result.metrics.rows, alone.metrics.rows));
        CHECK(out[r].result.firings.size() == alone.firings.size());
      }
    }
    CHECK(ran >= trials);
    CHECK(shared >= ran / 4);  // D = 4 worlds of several lanes share the pass
    set_threads(threads_before);
  }

  // The run folder path on random configurations (RandomConfigs, small
  // worlds): 1–5 replicates of 1–10 ticks with countries.csv every 1–4 ticks,
  // written by the reference paths at one thread and by the current paths
  // (the shared tick-0 world and its once-formatted countries.csv rows, the
  // fused walk, replicates in parallel and appended in order) at 1 and 2
  // threads: the same bytes in every file but metadata.yaml.
  TEST_CASE("random worlds and random parameters: the run folder's bytes equal the reference paths' at 1 and 2 threads") {
    const int threads_before = max_threads();
    test::TempDir dir;
    RandomConfigs gen(5150);
    const int trials = std::getenv("CI") ? 12 : 25;
    int written = 0;
    for (int trial = 0; trial < trials; ++trial) {
      std::string what;
      ScenarioConfig cfg = gen.draw(false, what);
      gen.change_params(cfg, 1 + static_cast<int>(gen.below(6)), what);
      gen.maybe_initial_modes(cfg, what);
      cfg.ticks = 1 + static_cast<int>(gen.below(10));
      cfg.seed = gen.next() >> 11;
      cfg.outputs.countries = true;
      cfg.outputs.countries_every = 1 + static_cast<int>(gen.below(4));
      RunOptions opt;
      opt.replicates = 1 + static_cast<int>(gen.below(5));
      opt.overwrite = true;
      CAPTURE(trial);
      CAPTURE(what);
      CAPTURE(opt.replicates);
      std::string folder[3], error[3];
      for (int v = 0; v < 3; ++v) {  // reference at 1 thread; current at 1 and 2
        set_reference_paths(v == 0);
        opt.threads = v == 2 ? 2 : 1;
        opt.out = dir.path / ("v" + std::to_string(v));
        error[v] = thrown([&] {
          run_scenario(cfg, opt);
          folder[v] = read_folder(opt.out);
        });
      }
      set_reference_paths(false);
      CHECK(error[1] == error[0]);
      CHECK(error[2] == error[0]);
      CHECK(first_difference(folder[0], folder[1]) == "");
      CHECK(first_difference(folder[0], folder[2]) == "");
      if (error[0].empty()) ++written;
    }
    CHECK(written >= trials * 3 / 4);  // most trials must write a folder, or the test tests little
    set_threads(threads_before);
  }

  TEST_CASE("countries.csv is appended in replicate order when replicates finish out of order") {
    // replicate 0 finishes after the last one (it waits in on_replicate
    // while the other thread runs the other group of replicates, lockstep
    // groups being up to kSumsBatch consecutive replicates): its rows must
    // still come first, and the folder must equal the one-thread run's,
    // where replicates finish in order
    test::TempDir dir;
    const int threads_before = max_threads();
    ScenarioConfig cfg = load_scenario(kMinimal);
    cfg.ticks = 6;
    cfg.outputs.countries = true;
    RunOptions opt;
    opt.replicates = 6;
    opt.overwrite = true;
    opt.threads = 1;
    opt.out = dir.path / "one";
    run_scenario(cfg, opt);
    std::atomic<bool> done_last{false};
    std::atomic<bool> zero_last{false};
    opt.threads = 2;
    if (openmp_enabled())  // (without OpenMP replicates run one after another)
      opt.on_replicate = [&](int r, const SimulateResult&) {
      if (r != 0) {
        if (r == opt.replicates - 1) done_last = true;
        return;
      }
      for (int i = 0; i < 2000 && !done_last.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      zero_last = done_last.load();
    };
    opt.out = dir.path / "two";
    run_scenario(cfg, opt);
    set_threads(threads_before);
    if (openmp_enabled()) CHECK(zero_last.load());
    CHECK(read_folder(dir.path / "one") == read_folder(dir.path / "two"));
  }
}

TEST_SUITE("cli") {
  TEST_CASE("blocsim bench prints the machine's limits, distances from the floors and ratios to the reference") {
    test::TempDir d;
    const fs::path out = d.path / "bench.txt";
    const std::string cmd = std::string("'") + BLOCSIM_BINARY + "' bench --quick --sizes 3000 --threads 1 --ticks 1 --runs 2" +
                            " --replicates 2 --sweep-runs 3 --no-instructions --sweep '" + BLOCSIM_TEST_DATA + "/sweeps/small.yaml' >'" +
                            out.string() + "' 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const std::string text = test::read_text(out);
    CAPTURE(text);
    for (const char* s : {"load average (1 min) at start", "STREAM triad bandwidth", "peak arithmetic",
                          "| reference paths (this binary) | 1 |", "| current | 1 |", "arithmetic floor/tick",
                          "memory floor/tick", "run folder, 2 replicates, countries.csv | reference",
                          "sweep small, 3 runs | current", "| 3000 | 1 |", "speed-up vs reference (interleaved, CPU time)",
                          "CPU time/tick", "load average (1 min) at end", "× cache-resident", "Cache-resident world: 2000 agents"})
      CHECK(text.find(s) != std::string::npos);
    // the distance from the memory floor splits into the tick's own work
    // (cache-resident × floor) and what the memory system adds (× cache-resident)
    {
      const std::vector<std::string> f = bench_row(text, "| 3000 | 1 |");
      REQUIRE(f.size() >= 10);
      const double x_floor = std::stod(f[6]), x_cache = std::stod(f[8]), cache_x_floor = std::stod(f[9]);
      CHECK(x_cache > 0.0);
      CHECK(cache_x_floor > 0.0);
      CHECK(std::abs(x_cache * cache_x_floor - x_floor) <= 0.06 * x_floor + 0.1);
    }
    CHECK(text.find("nan") == std::string::npos);
    CHECK(text.find("inf") == std::string::npos);
    CHECK(text.find("## Instructions per tick") == std::string::npos);  // --no-instructions
    CHECK(text.find("## vs today's code") == std::string::npos);        // no --against
  }

  // The second thread count's row also reads its speed-up from one process
  // that advances two copies of the world on 1 and on 2 threads tick by tick
  // (the case fails if their metrics differ). 5,000 agents: two blocks of
  // rows (kParallelGrain), so the second thread has work.
  TEST_CASE("blocsim bench: the interleaved speed-up over the first thread count") {
    test::TempDir d;
    const fs::path out = d.path / "bench.txt";
    const std::string cmd = std::string("'") + BLOCSIM_BINARY + "' bench --quick --sizes 5000 --threads 1,2 --ticks 3 --runs 1" +
                            " --replicates 0 --sweep '' --no-instructions >'" + out.string() + "' 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const std::string text = test::read_text(out);
    CAPTURE(text);
    CHECK(text.find("| speed-up vs 1 thread | speed-up vs 1 thread (interleaved) |") != std::string::npos);
    const std::vector<std::string> one = bench_row(text, "| 5000 | 1 |"), two_threads = bench_row(text, "| 5000 | 2 |");
    REQUIRE(one.size() >= 15);
    REQUIRE(two_threads.size() >= 15);
    CHECK(std::stod(one[13]) == 1.0);
    const double two = std::stod(two_threads[13]);
    CHECK(two > 0.0);
    CHECK(two < 4.0);  // two threads: a median ratio, not a sum or a time
  }

  // `--rewire P`: the synthetic worlds' rewiring; at 0 (a ring) no neighbour
  // is far, so the memory floor has no random line per far neighbour.
  TEST_CASE("blocsim bench --rewire sets the synthetic worlds' rewiring") {
    test::TempDir d;
    auto floor_bytes = [&](const std::string& rewire) {
      const fs::path out = d.path / ("bench" + rewire + ".txt");
      const std::string cmd = std::string("'") + BLOCSIM_BINARY + "' bench --quick --sizes 3000 --threads 1 --ticks 1 --runs 1" +
                              " --replicates 0 --sweep '' --no-instructions --rewire " + rewire + " >'" + out.string() + "' 2>&1";
      REQUIRE(std::system(cmd.c_str()) == 0);
      const std::string text = test::read_text(out);
      CAPTURE(text);
      CHECK(text.find("rewiring " + rewire + ",") != std::string::npos);
      const auto row = text.find("| 3000 | 1 |");
      REQUIRE(row != std::string::npos);
      const auto unit = text.find(" B/agent)", row);
      REQUIRE(unit != std::string::npos);
      return std::stod(text.substr(text.rfind('(', unit) + 1));
    };
    const double ring = floor_bytes("0"), rewired = floor_bytes("0.3");
    // ~3 far neighbours per row at 0.3 (degree 10), one 64-byte line each
    CHECK(rewired - ring > 100.0);
    CHECK(rewired - ring < 300.0);
    const std::string bad = std::string("'") + BLOCSIM_BINARY + "' bench --rewire 1.5 >/dev/null 2>&1";
    CHECK(std::system(bad.c_str()) != 0);
  }

  // `--wait-idle LOAD`: before measuring, wait until the 1-minute load
  // average is below LOAD, at most --wait-idle-timeout seconds. The load is
  // read from a file the test writes (BLOCSIM_LOADAVG_FILE), so the test does
  // not depend on this machine's load.
  TEST_CASE("blocsim bench --wait-idle waits for the load average to fall below its limit") {
    test::TempDir d;
    const fs::path load = d.path / "loadavg";
    auto set_load = [&](const char* text) {
      std::ofstream f(load);
      f << text << " 1.00 0.50 1/100 123\n";
    };
    const std::string bench = std::string("BLOCSIM_LOADAVG_FILE='") + load.string() + "' '" + BLOCSIM_BINARY +
                              "' bench --quick --sizes '' --threads 1 --runs 1 --replicates 0 --sweep '' --no-instructions";
    auto seconds_since = [](std::chrono::steady_clock::time_point t0) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    {  // busy throughout: waits the timeout, then measures anyway and says so
      set_load("3.50");
      const fs::path out = d.path / "busy.txt";
      const auto t0 = std::chrono::steady_clock::now();
      REQUIRE(std::system((bench + " --wait-idle 1 --wait-idle-timeout 2 >'" + out.string() + "' 2>&1").c_str()) == 0);
      CHECK(seconds_since(t0) >= 2.0);
      const std::string text = test::read_text(out);
      CAPTURE(text);
      CHECK(text.find("waited 2 s (the limit) for the load average (1 min) to fall below 1.00; it is 3.50 — measuring anyway") !=
            std::string::npos);
      CHECK(text.find("load average (1 min) at start: 3.50") != std::string::npos);
      CHECK(text.find("## baseline world, whole") != std::string::npos);  // it measured
    }
    {  // the load falls while it waits: it goes on once it is below the limit
      set_load("3.50");
      const fs::path out = d.path / "falls.txt";
      const auto t0 = std::chrono::steady_clock::now();
      // (the new load is written beside the file and renamed over it: the bench never reads half a file)
      const std::string cmd = "(" + bench + " --wait-idle 1 >'" + out.string() + "' 2>&1) & pid=$!; sleep 2; printf '0.20 1.00 0.50 1/100 123\\n' >'" +
                              load.string() + ".new'; mv '" + load.string() + ".new' '" + load.string() + "'; wait $pid";
      REQUIRE(std::system(cmd.c_str()) == 0);  // (std::system runs it with sh -c: `wait` returns the bench's status)
      CHECK(seconds_since(t0) >= 2.0);
      const std::string text = test::read_text(out);
      CAPTURE(text);
      CHECK(text.find("to fall below 1.00 (now 0.20)") != std::string::npos);
      CHECK(text.find("measuring anyway") == std::string::npos);
      CHECK(text.find("load average (1 min) at start: 0.20") != std::string::npos);
    }
    {  // idle already: no wait
      set_load("0.10");
      const fs::path out = d.path / "idle.txt";
      REQUIRE(std::system((bench + " --wait-idle 1 --wait-idle-timeout 0 >'" + out.string() + "' 2>&1").c_str()) == 0);
      CHECK(test::read_text(out).find("waited 0 s for the load average (1 min) to fall below 1.00 (now 0.10)") != std::string::npos);
    }
    {  // no load average to read: no wait, and the report says "unknown" rather than printing −1
      fs::remove(load);
      const fs::path out = d.path / "unknown.txt";
      REQUIRE(std::system((bench + " --wait-idle 1 >'" + out.string() + "' 2>&1").c_str()) == 0);
      const std::string text = test::read_text(out);
      CAPTURE(text);
      CHECK(text.find("reports no load average") != std::string::npos);
      CHECK(text.find("load average (1 min) at start: unknown on ") != std::string::npos);
      CHECK(text.find("load average (1 min) at end: unknown") != std::string::npos);
      CHECK(text.find("-1.00") == std::string::npos);
    }
    for (const char* limit : {"-1", "0"}) {  // a load average is never below 0
      const std::string bad = std::string("'") + BLOCSIM_BINARY + "' bench --wait-idle " + limit + " >/dev/null 2>&1";
      CHECK(std::system(bad.c_str()) != 0);
    }
  }

  // `--against PATH`: whole run and sweep commands of another executable
  // timed side by side. Against itself the outputs must be identical; against
  // a wrapper that changes a model parameter of `run` they must not be.
  TEST_CASE("blocsim bench --against times another executable side by side and compares the output bytes") {
    test::TempDir d;
    const std::string bench = std::string("bench --quick --sizes '' --threads 1 --ticks 1 --runs 1 --sweep-runs 3 --no-instructions") +
                              " --against-rounds 3 --sweep '" + BLOCSIM_TEST_DATA + "/sweeps/small.yaml'";
    const fs::path out = d.path / "bench.txt";
    std::string cmd = std::string("'") + BLOCSIM_BINARY + "' " + bench + " --replicates 2 --against '" + BLOCSIM_BINARY + "' >'" +
                      out.string() + "' 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::string text = test::read_text(out);
    CAPTURE(text);
    for (const char* s : {"## vs today's code (", "This build: ", "| speed-up (wall) |", "| speed-up (CPU) |",
                          "`run baseline -r 2 -t 1`, countries.csv on", "the same, countries.csv off (`--set outputs.countries=false`)",
                          "`sweep small --shard 0/8 -j 1` (plan runs 0, 8, 16, … of 24) | 3 |", "| identical |",
                          "fixed cost of a run process: `run baseline -r 1 -t 1 --ticks 1` | 1 |",
                          "fixed cost of a sweep process: `sweep small --shard 0/24 -j 1` (plan run 0) | 1 |",
                          "Less each process's fixed cost", " the run (first row) ", "; the sweep ",
                          "identical output: both executables wrote the same bytes", "this build's resolved scenario"})
      CHECK(text.find(s) != std::string::npos);
    CHECK(text.find("DIFFERENT") == std::string::npos);
    CHECK(text.find("OUTPUT DIFFERS") == std::string::npos);
    // every row of the table carries a wall and a CPU speed-up, and the
    // per-round wall ratios' median within their range
    CHECK(text.find("| speed-up (wall) | per round (wall) |") != std::string::npos);
    std::size_t rows = 0;
    for (std::size_t p = text.find("\n| `"); p != std::string::npos; p = text.find("\n| ", p + 1)) {
      const std::string row = text.substr(p + 1, text.find('\n', p + 1) - p - 1);
      if (row.find("| identical |") == std::string::npos) continue;
      ++rows;
      std::size_t times = 0;
      for (std::size_t q = row.find("×"); q != std::string::npos; q = row.find("×", q + 1)) ++times;
      CHECK_MESSAGE(times == 5, row);
      // "| m× (lo×–hi×) |": lo ≤ m ≤ hi, all positive
      const std::size_t open = row.find("× (");
      REQUIRE_MESSAGE(open != std::string::npos, row);
      const std::size_t start = row.rfind("| ", open) + 2;
      double m = 0, lo = 0, hi = 0;
      CHECK_MESSAGE(std::sscanf(row.c_str() + start, "%lf× (%lf×–%lf×)", &m, &lo, &hi) == 3, row);
      CHECK_MESSAGE((lo > 0 && lo <= m && m <= hi), row);
    }
    CHECK(rows == 5);

    // a "today's code" whose `run` differs (another model parameter) is caught
    const fs::path wrapper = d.path / "other-blocsim";
    {
      std::ofstream w(wrapper);
      w << "#!/bin/sh\nif [ \"$1\" = run ]; then exec '" << BLOCSIM_BINARY << "' \"$@\" --set model.hedge_group=0.9; fi\nexec '"
        << BLOCSIM_BINARY << "' \"$@\"\n";
    }
    fs::permissions(wrapper, fs::perms::owner_all);
    cmd = std::string("'") + BLOCSIM_BINARY + "' " + bench + " --replicates 1 --against '" + wrapper.string() + "' >'" +
          out.string() + "' 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    text = test::read_text(out);
    CAPTURE(text);
    CHECK(text.find("| DIFFERENT: timeseries.csv, countries.csv |") != std::string::npos);
    CHECK(text.find("!!!! OUTPUT DIFFERS between today's code and this build") != std::string::npos);
    CHECK(text.find("identical output") == std::string::npos);
  }

  TEST_CASE("blocsim bench --against a path that is not a blocsim executable fails with a clear message") {
    test::TempDir d;
    const fs::path out = d.path / "bench.txt";
    const auto run = [&](const std::string& path) {
      const std::string cmd = std::string("'") + BLOCSIM_BINARY + "' bench --quick --sizes '' --no-instructions --against '" + path +
                              "' >'" + out.string() + "' 2>&1";
      return std::system(cmd.c_str());
    };
    int rc = run("/nonexistent/blocsim");
    std::string text = test::read_text(out);
    CAPTURE(text);
    CHECK(WIFEXITED(rc));
    CHECK(WEXITSTATUS(rc) == 2);
    CHECK(text.find("--against: /nonexistent/blocsim: no such file") != std::string::npos);
    CHECK(text.find("STREAM") == std::string::npos);  // failed before measuring anything
    // an executable that is not blocsim
    rc = run("/bin/true");
    text = test::read_text(out);
    CHECK(WEXITSTATUS(rc) == 2);
    CHECK(text.find("/bin/true: not a blocsim executable") != std::string::npos);
  }

  // Instructions per tick, counted by valgrind. Without valgrind on PATH the
  // section says it is skipped (checked with PATH pointing nowhere); with it,
  // step + record must count a positive number of instructions per tick
  // within [0.5, 100] × the instruction floor (below: not whole ticks; above:
  // world building leaked into the count, ~75 M instructions per tick here),
  // and the differenced whole run a positive number.
  TEST_CASE("blocsim bench counts instructions per tick with valgrind, or says why not") {
    test::TempDir d;
    const fs::path out = d.path / "bench.txt";
    const std::string args = " bench --quick --sizes '' --threads 1 --runs 1 --replicates 0 --sweep '' >'" + out.string() + "' 2>&1";
    // a bad tick window fails before anything is measured
    std::string cmd = std::string("'") + BLOCSIM_BINARY + "' bench --instructions-ticks 30,10" + args.substr(6);
    const int rc = std::system(cmd.c_str());
    CHECK(WIFEXITED(rc));
    CHECK(WEXITSTATUS(rc) == 2);
    CHECK(test::read_text(out).find("--instructions-ticks: expected two tick counts T1,T2 with 1 <= T1 < T2") != std::string::npos);
    CHECK(test::read_text(out).find("STREAM") == std::string::npos);
    cmd = std::string("env PATH=/nonexistent '") + BLOCSIM_BINARY + "'" + args;
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::string text = test::read_text(out);
    REQUIRE(text.find("## Instructions per tick") != std::string::npos);
    if (text.find("skipped: this build is instrumented with AddressSanitizer") != std::string::npos) {
      MESSAGE("AddressSanitizer build: valgrind cannot run it, the instruction count is not checked here (the Release suite does)");
      return;
    }
    CHECK(text.find("skipped: valgrind is not on PATH") != std::string::npos);
    if (std::system("command -v valgrind >/dev/null 2>&1") != 0) {
      MESSAGE("valgrind is not installed: the instruction count itself is not checked (tools/deps.sh test installs it)");
      return;
    }
    cmd = std::string("'") + BLOCSIM_BINARY + "'" + args;
    REQUIRE(std::system(cmd.c_str()) == 0);
    text = test::read_text(out);
    CAPTURE(text);
    const auto number_after = [&](const std::string& prefix) {
      const auto p = text.find(prefix);
      REQUIRE(p != std::string::npos);
      const std::string row = text.substr(p, text.find('\n', p) - p);
      // | code | what | instructions/tick | floor/tick | × floor |
      std::vector<std::string> cells;
      std::stringstream ss(row);
      std::string c;
      while (std::getline(ss, c, '|')) cells.push_back(c);
      REQUIRE(cells.size() >= 6);
      return std::make_pair(std::stod(cells[3]), std::stod(cells[4]));
    };
    const auto [step_record, floor] = number_after("| this build | step + record");
    CHECK(step_record > 0.0);
    CHECK(floor > 0.0);
    // the default world's tick is at least its essential arithmetic, and not absurdly more
    CHECK(step_record > 0.5 * floor);
    CHECK(step_record < 100.0 * floor);
    // the synthetic world (2,000 agents with --quick, degree 10): per tick
    // and per agent-update, each at least half its floor
    const auto [syn, syn_floor] = number_after("| this build | the same, synthetic world (2000 agents");
    CHECK(syn > 0.5 * syn_floor);
    CHECK(syn < 100.0 * syn_floor);
    // tick_ops per agent at D = 4, K = 2 and ~10 directed edges a row:
    // 10 × (5D + 6) + K(3D + 21) + 12(K + 1) + 6D + 25K + 20 = 456
    CHECK(syn_floor / 2000.0 > 430.0);
    CHECK(syn_floor / 2000.0 < 480.0);
    const auto per_agent = text.find(" instructions per agent-update against a floor of ");
    REQUIRE(per_agent != std::string::npos);
    CHECK(std::abs(std::stod(text.substr(text.rfind(':', per_agent) + 1)) - syn / 2000.0) <= 1.0);
    const auto [whole_run, floor2] = number_after("| this build | whole `run -r 1 -t 1`");
    CHECK(whole_run > 0.0);
    CHECK(floor2 == floor);
    CHECK(text.find("Ticks 2–3 counted") != std::string::npos);
  }
}
