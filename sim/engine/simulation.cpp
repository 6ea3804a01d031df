// The tick loop (docs/design.md §3): make_world, then for each tick the phases in
// kTickPhases order, the record phase computing the metrics of docs/design.md §4.
#include "blocsim/engine/simulation.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "blocsim/io/error.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/output/out_folder.h"
#include "blocsim/parallel.h"
#include "blocsim/engine/rng.h"

namespace blocsim {
namespace {

using Clock = std::chrono::steady_clock;

template <class F>
void timed(double* acc, Phase p, F&& f) {
  if (!acc) {
    f();
    return;
  }
  const auto t0 = Clock::now();
  f();
  acc[static_cast<std::size_t>(p)] += std::chrono::duration<double>(Clock::now() - t0).count();
}

#ifdef BLOCSIM_CHECKS
// Seatbelts: state invariants after each tick (identity and capacity in
// [0,1], blocs in range, finite offers and utilities).
//
// The per-country count (the error message's number) is only needed when
// something is wrong, so the check runs in two stages: a branch-free
// vectorisable scan of the whole contiguous arrays (finds whether any value
// is out of range; it also scans the non-aligned utility row 0, so it can
// flag a state the count then clears), and, only if it flags, the exact
// per-country count, which alone decides whether to throw. So the behaviour
// is that of the count alone, at a fraction of its cost (default world:
// ~30k → ~6k instructions per tick; ~3.5k with the bit tests below).
// The scans test the values' bit patterns as unsigned integers (GCC
// vectorises integer loops at ~4 instructions per 4 values):
//   in [0, 1]: u ≤ bits(1.0), i.e. neither u nor bits(1.0) − u (mod 2⁶⁴) has
//     the top bit set (u ≥ 2⁶³: negative or −NaN; bits(1.0) < u < 2⁶³:
//     above 1, +∞ or +NaN). −0.0 is flagged too — a false positive only: the
//     count, which alone decides, accepts it.
//   finite: the exponent field is not all ones; (u & exponent) + 2⁵² has the
//     top bit set exactly when it is.
bool unit_interval_violated(const double* v, std::int64_t len) {
  constexpr std::uint64_t one = 0x3FF0000000000000ULL;
  std::uint64_t bad = 0;
  for (std::int64_t j = 0; j < len; ++j) {
    const auto u = std::bit_cast<std::uint64_t>(v[j]);
    bad |= u | (one - u);
  }
  return (bad >> 63) != 0;
}

bool non_finite(const double* v, std::int64_t len) {
  constexpr std::uint64_t exponent = 0x7FF0000000000000ULL, unit = 0x0010000000000000ULL;
  std::uint64_t bad = 0;
  for (std::int64_t j = 0; j < len; ++j) bad |= (std::bit_cast<std::uint64_t>(v[j]) & exponent) + unit;  // ±inf and NaN
  return (bad >> 63) != 0;
}

bool bloc_out_of_range(const Bloc* v, std::int64_t len, int k) {
  int bad = 0;
  for (std::int64_t j = 0; j < len; ++j) bad |= static_cast<int>(v[j] < 0) | static_cast<int>(v[j] > k);
  return bad != 0;
}

// Whether countries [lo, hi) may violate an invariant (no false negatives).
bool may_violate(const World& w, std::int64_t lo, std::int64_t hi) {
  const std::int64_t m = hi - lo, D = w.d, K = w.k;
  const auto u = static_cast<std::size_t>(lo);
  return unit_interval_violated(w.capacity.data() + lo, m) || unit_interval_violated(w.x.data() + lo * D, m * D) ||
         bloc_out_of_range(w.alignment.data() + u, m, w.k) || bloc_out_of_range(w.standard.data() + u, m, w.k) ||
         non_finite(w.access.data() + lo * K, m * K) || non_finite(w.aid.data() + lo * K, m * K) ||
         non_finite(w.utility.data() + lo * (K + 1), m * (K + 1));
}

// The number of countries violating an invariant (one fixed-order pass).
double count_violations(const World& w) {
  return fixed_sum(w.n, [&](std::int64_t i) {
    const auto u = static_cast<std::size_t>(i);
    bool ok = w.capacity(i) >= 0.0 && w.capacity(i) <= 1.0 && w.alignment[u] >= 0 && w.alignment[u] <= w.k &&
              w.standard[u] >= 0 && w.standard[u] <= w.k;
    for (int d = 0; d < w.d; ++d) ok = ok && w.x(d, i) >= 0.0 && w.x(d, i) <= 1.0;
    for (int k = 0; k < w.k; ++k)
      ok = ok && std::isfinite(w.access(k, i)) && std::isfinite(w.aid(k, i)) && std::isfinite(w.utility(k + 1, i));
    return ok ? 0.0 : 1.0;
  });
}

void check_invariants(const World& w) {
  // blocks of kParallelGrain countries, scanned in parallel in large worlds
  // (a flag per block: the outcome does not depend on the schedule)
  const std::int64_t n = w.n, nblocks = n > 0 ? (n + kParallelGrain - 1) / kParallelGrain : 0;
  bool flagged = false;
  if (nblocks <= 1) {
    flagged = n > 0 && may_violate(w, 0, n);
  } else {
    std::vector<char> flag(static_cast<std::size_t>(nblocks), 0);
    parallel_for(
        nblocks,
        [&](std::int64_t b) {
          flag[static_cast<std::size_t>(b)] = may_violate(w, b * kParallelGrain, std::min(n, (b + 1) * kParallelGrain));
        },
        2);
    for (char f : flag) flagged = flagged || f;
  }
  if (!flagged) return;
  const double bad = count_violations(w);
  if (bad > 0.0)
    throw RunError("invariant violated at tick " + std::to_string(w.tick) + " in " + std::to_string(static_cast<long long>(bad)) +
                   " countries (identity or capacity outside [0,1], bloc out of range, or non-finite offers/utilities)");
}
#endif

}  // namespace

int MetricTable::column(const std::string& name) const {
  for (std::size_t c = 0; c < columns.size(); ++c)
    if (columns[c] == name) return static_cast<int>(c);
  return -1;
}

std::uint64_t replicate_seed(std::uint64_t root, int replicate) noexcept {
  return replicate == 0 ? root : derive_seed(root, 0, static_cast<std::uint64_t>(replicate));
}

ScenarioConfig synthetic_variant(const ScenarioConfig& base, std::int64_t n, double degree) {
  ScenarioConfig cfg = base;
  cfg.world = WorldConfig{};
  cfg.world.synthetic = SyntheticWorld{n, degree, 0.1};
  cfg.timeline.clear();
  cfg.initial.pin.clear();
  cfg.outputs.countries = false;
  for (auto& p : cfg.powers) {
    p.home.clear();
    p.tiers = TierSpec{};
    p.security_groups.clear();
  }
  return cfg;
}

namespace {

// Whether the policy phase of `tick` rebuilds W (an event sets a network.*
// parameter or changes group memberships; phase::policy's rule).
bool policy_rebuilds_network(const ScenarioConfig& cfg, int tick) {
  for (const Event& ev : cfg.timeline) {
    if (ev.tick != tick) continue;
    if (!ev.memberships.empty()) return true;
    for (const Assignment& a : ev.set)
      if (a.path.rfind("network.", 0) == 0) return true;
  }
  return false;
}

}  // namespace

namespace {

// step() in two parts, so that simulate_batch can compute several worlds'
// identity neighbour sums between them: step_begin runs everything before
// the network walk (the tick count, the policy and courtship phases),
// step_finish the walk (or the reference paths' phases) and the checks.
struct StepStart {
  bool fused = false;
  bool walk_interop = false;
};

StepStart step_begin(World& w, const ScenarioConfig& cfg, double* phase_seconds) {
  ++w.tick;
  StepStart s;
  s.fused = !reference_paths();
  // The fused walk measures the interoperability of the previous tick's end
  // state on the network it walks; if this tick's policy phase rebuilds W,
  // measure it now, on the network that state was recorded with.
  s.walk_interop = s.fused;
  if (s.fused && policy_rebuilds_network(cfg, w.tick)) {
    w.walk_interoperability = interoperability(w);
    w.walk_interoperability_tick = w.tick - 1;
    s.walk_interop = false;
  }
  const auto builds = w.network_builds;
  timed(phase_seconds, Phase::policy, [&] { phase::policy(w, cfg); });
  if (s.walk_interop && w.network_builds != builds)
    throw std::logic_error("step: the policy phase rebuilt the network where policy_rebuilds_network said it would not");
  timed(phase_seconds, Phase::courtship, [&] { phase::courtship(w); });
  return s;
}

// sums: this tick's identity neighbour sums from phase::identity_sums_batch
// (nullptr: the walk computes them)
void step_finish(World& w, const StepStart& s, double* phase_seconds, const double* sums) {
  if (s.fused) {
    // identity, choice, standards and material in one walk (its time is booked as identity's)
    timed(phase_seconds, Phase::identity, [&] { phase::network_pass_material(w, s.walk_interop, sums); });
  } else {
    timed(phase_seconds, Phase::identity, [&] { phase::identity(w); });
    timed(phase_seconds, Phase::choice, [&] { phase::choice(w); });
    timed(phase_seconds, Phase::standards, [&] { phase::standards(w); });
    timed(phase_seconds, Phase::material, [&] { phase::material(w); });
  }
#ifdef BLOCSIM_CHECKS
  check_invariants(w);
#endif
}

}  // namespace

void step(World& w, const ScenarioConfig& cfg, double* phase_seconds) {
  const StepStart s = step_begin(w, cfg, phase_seconds);
  step_finish(w, s, phase_seconds, nullptr);
}

void Recorder::record(const World& w) {
  if (pending_) {
    if (w.walk_interoperability_tick != w.tick - 1)
      throw std::logic_error("Recorder: no interoperability measured for tick " + std::to_string(w.tick - 1));
    rows_.back()[interoperability_column(w.k)] = w.walk_interoperability;
    pending_ = false;
  }
  if (reference_paths()) {
    rows_.push_back(w.tick == 0 ? compute_metrics(w) : compute_metrics_after_step(w));
  } else {
    rows_.push_back(compute_metrics_without_interoperability(w, w.tick > 0));
    pending_ = true;
  }
}

void Recorder::finish(const World& w) {
  if (!pending_) return;
  rows_.back()[interoperability_column(w.k)] = interoperability(w);
  pending_ = false;
}

namespace {

// A run's result before tick 1: its metric columns, room for its rows.
void open_result(const ScenarioConfig& cfg, SimulateResult& res) {
  std::vector<std::string> ids;
  for (const auto& p : cfg.powers) ids.push_back(p.id);
  res.metrics.columns = metric_columns(ids);
  res.metrics.rows.reserve(static_cast<std::size_t>(cfg.ticks) + 1);
}

// What the result says of the run's tick-0 world.
void describe_world(const World& w, SimulateResult& res) {
  res.world_bytes = world_bytes(w);
  res.init_iterations = w.init_iterations;
  res.init_converged = w.init_converged;
}

}  // namespace

SimulateResult simulate(const ScenarioConfig& cfg, std::uint64_t seed, const TickObserver& observer, WorldCache* cache) {
  SimulateResult res;
  open_result(cfg, res);
  // Through a cache, the tick-0 world is copy-assigned into this thread's
  // world of the previous run (its buffers reused: no allocations); worlds
  // too large to be cached are built into a local one (not kept after the run).
  static thread_local World reused;
  World local;
  const bool reuse = cache && !reference_paths() && WorldCache::caches(cfg);
  World& w = reuse ? reused : local;
  if (reuse) cache->get_into(w, cfg, seed);
  else if (cache && !reference_paths()) w = cache->get(cfg, seed);
  else w = make_world(cfg, seed);
  describe_world(w, res);
  double* ps = res.phase_seconds.data();
  Recorder record(res.metrics.rows);
  record.record(w);
  if (observer) observer(w);
  for (int t = 1; t <= cfg.ticks; ++t) {
    check_interrupt();  // SIGINT/SIGTERM during `blocsim run`: unwind, remove the partial folder
    step(w, cfg, ps);
    timed(ps, Phase::record, [&] { record.record(w); });
    if (observer) observer(w);
  }
  timed(ps, Phase::record, [&] { record.finish(w); });
  res.firings = std::move(w.firings);
  return res;
}

std::vector<BatchOutcome> simulate_batch(std::span<const BatchRun> runs, WorldCache* cache, bool phase_times) {
  const std::size_t count = runs.size();
  std::vector<BatchOutcome> out(count);
  bool lockstep = count >= 2 && count <= static_cast<std::size_t>(phase::kSumsBatch) && !reference_paths();
  for (const BatchRun& r : runs) lockstep = lockstep && WorldCache::caches(*r.cfg);
  if (!lockstep) {
    for (std::size_t r = 0; r < count; ++r) {
      try {
        out[r].result = simulate(*runs[r].cfg, runs[r].seed, runs[r].observer ? *runs[r].observer : TickObserver{}, cache);
      } catch (...) {
        out[r].error = std::current_exception();
      }
    }
    return out;
  }
  // Each lane: what simulate() does for its run, tick by tick. The worlds
  // are this thread's, reused from its last batch (no allocations).
  static thread_local std::array<World, phase::kSumsBatch> worlds;
  std::vector<Recorder> recorders;
  recorders.reserve(count);
  std::array<bool, phase::kSumsBatch> live{};
  int ticks = 0;
  auto fail = [&](std::size_t r) {
    out[r].error = std::current_exception();
    live[r] = false;
  };
  for (std::size_t r = 0; r < count; ++r) {
    const ScenarioConfig& cfg = *runs[r].cfg;
    SimulateResult& res = out[r].result;
    recorders.emplace_back(res.metrics.rows);
    try {
      open_result(cfg, res);
      World& w = worlds[r];
      if (cache) cache->get_into(w, cfg, runs[r].seed);
      else w = make_world(cfg, runs[r].seed);
      describe_world(w, res);
      recorders[r].record(w);
      if (runs[r].observer && *runs[r].observer) (*runs[r].observer)(w);
      live[r] = true;
      ticks = std::max(ticks, cfg.ticks);
    } catch (...) {
      fail(r);
    }
  }
  // Whether lane r's world may be summed with lane 0's, checked again only
  // when either network is rebuilt or an ε changes (policy events).
  struct Checked {
    std::uint64_t builds = ~std::uint64_t{0}, builds0 = ~std::uint64_t{0};
    double eps = 0.0, eps0 = 0.0;
    bool ok = false;
  };
  std::array<Checked, phase::kSumsBatch> checked{};
  auto same_bits = [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; };
  thread_local std::vector<double> sums;
  std::array<StepStart, phase::kSumsBatch> started{};
  for (int t = 1; t <= ticks; ++t) {
    std::array<bool, phase::kSumsBatch> stepping{};
    for (std::size_t r = 0; r < count; ++r) {
      if (!live[r] || t > runs[r].cfg->ticks) continue;
      try {
        check_interrupt();  // as simulate(), once a tick before the step
        started[r] = step_begin(worlds[r], *runs[r].cfg, phase_times ? out[r].result.phase_seconds.data() : nullptr);
        stepping[r] = true;
      } catch (...) {
        fail(r);
      }
    }
    // the lanes summed together: those stepping on the fused walk whose
    // worlds share lane 0's network and ε
    std::array<const World*, phase::kSumsBatch> members{};
    std::array<std::size_t, phase::kSumsBatch> lane_of{};
    int m = 0;
    for (std::size_t r = 0; r < count; ++r) {
      if (!stepping[r] || !started[r].fused) continue;
      const World& w = worlds[r];
      Checked& c = checked[r];
      if (c.builds != w.network_builds || c.builds0 != worlds[0].network_builds || !same_bits(c.eps, w.params.epsilon) ||
          !same_bits(c.eps0, worlds[0].params.epsilon)) {
        c = {w.network_builds, worlds[0].network_builds, w.params.epsilon, worlds[0].params.epsilon,
             r == 0 ? worlds[0].d == 4 : phase::sums_batch_compatible(worlds[0], w)};
      }
      if (!c.ok) continue;
      members[static_cast<std::size_t>(m)] = &w;
      lane_of[static_cast<std::size_t>(m)] = r;
      ++m;
    }
    std::array<const double*, phase::kSumsBatch> lane_sums{};
    if (m >= 2) {
      const auto stride = static_cast<std::size_t>(5 * members[0]->n);
      sums.resize(stride * static_cast<std::size_t>(m));
      std::array<double*, phase::kSumsBatch> dst{};
      for (int k = 0; k < m; ++k) dst[static_cast<std::size_t>(k)] = sums.data() + stride * static_cast<std::size_t>(k);
      const auto t0 = phase_times ? Clock::now() : Clock::time_point{};
      phase::identity_sums_batch(members.data(), m, dst.data());
      // the pass's time, shared out equally (booked as identity's, as the walk's)
      const double each = phase_times ? std::chrono::duration<double>(Clock::now() - t0).count() / m : 0.0;
      for (int k = 0; k < m; ++k) {
        const std::size_t r = lane_of[static_cast<std::size_t>(k)];
        lane_sums[r] = dst[static_cast<std::size_t>(k)];
        out[r].result.phase_seconds[static_cast<std::size_t>(Phase::identity)] += each;
        ++out[r].batched_ticks;
      }
    }
    for (std::size_t r = 0; r < count; ++r) {
      if (!stepping[r]) continue;
      double* const ps = phase_times ? out[r].result.phase_seconds.data() : nullptr;
      try {
        step_finish(worlds[r], started[r], ps, lane_sums[r]);
        timed(ps, Phase::record, [&] { recorders[r].record(worlds[r]); });
        if (runs[r].observer && *runs[r].observer) (*runs[r].observer)(worlds[r]);
      } catch (...) {
        fail(r);
      }
    }
  }
  for (std::size_t r = 0; r < count; ++r) {
    if (!live[r]) continue;
    try {
      timed(phase_times ? out[r].result.phase_seconds.data() : nullptr, Phase::record, [&] { recorders[r].finish(worlds[r]); });
      out[r].result.firings = std::move(worlds[r].firings);
    } catch (...) {
      fail(r);
    }
  }
  return out;
}

int lockstep_group(std::int64_t runs, int threads) {
  return static_cast<int>(std::clamp<std::int64_t>(runs / std::max(1, threads), 1, phase::kSumsBatch));
}

}  // namespace blocsim
