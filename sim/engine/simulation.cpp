// The tick loop (docs/design.md §3): make_world, then for each tick the phases in
// kTickPhases order, the record phase computing the metrics of docs/design.md §4.
#include "blocsim/engine/simulation.h"

#include <chrono>
#include <cmath>

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
// [0,1], blocs in range, finite offers and utilities), one parallel pass.
void check_invariants(const World& w) {
  const double bad = fixed_sum(w.n, [&](std::int64_t i) {
    const auto u = static_cast<std::size_t>(i);
    bool ok = w.capacity(i) >= 0.0 && w.capacity(i) <= 1.0 && w.alignment[u] >= 0 && w.alignment[u] <= w.k &&
              w.standard[u] >= 0 && w.standard[u] <= w.k;
    for (int d = 0; d < w.d; ++d) ok = ok && w.x(d, i) >= 0.0 && w.x(d, i) <= 1.0;
    for (int k = 0; k < w.k; ++k)
      ok = ok && std::isfinite(w.access(k, i)) && std::isfinite(w.aid(k, i)) && std::isfinite(w.utility(k + 1, i));
    return ok ? 0.0 : 1.0;
  });
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

void step(World& w, const ScenarioConfig& cfg, double* phase_seconds) {
  ++w.tick;
  timed(phase_seconds, Phase::policy, [&] { phase::policy(w, cfg); });
  timed(phase_seconds, Phase::courtship, [&] { phase::courtship(w); });
  timed(phase_seconds, Phase::identity, [&] { phase::identity(w); });
  timed(phase_seconds, Phase::choice, [&] { phase::choice(w); });
  timed(phase_seconds, Phase::standards, [&] { phase::standards(w); });
  timed(phase_seconds, Phase::material, [&] { phase::material(w); });
#ifdef BLOCSIM_CHECKS
  check_invariants(w);
#endif
}

SimulateResult simulate(const ScenarioConfig& cfg, std::uint64_t seed, const TickObserver& observer, WorldCache* cache) {
  SimulateResult res;
  std::vector<std::string> ids;
  for (const auto& p : cfg.powers) ids.push_back(p.id);
  res.metrics.columns = metric_columns(ids);
  res.metrics.rows.reserve(static_cast<std::size_t>(cfg.ticks) + 1);
  World w = cache && !reference_paths() ? cache->get(cfg, seed) : make_world(cfg, seed);
  res.world_bytes = world_bytes(w);
  res.init_iterations = w.init_iterations;
  res.init_converged = w.init_converged;
  double* ps = res.phase_seconds.data();
  res.metrics.rows.push_back(compute_metrics(w));
  if (observer) observer(w);
  for (int t = 1; t <= cfg.ticks; ++t) {
    check_interrupt();  // SIGINT/SIGTERM during `blocsim run`: unwind, remove the partial folder
    step(w, cfg, ps);
    timed(ps, Phase::record, [&] { res.metrics.rows.push_back(compute_metrics_after_step(w)); });
    if (observer) observer(w);
  }
  res.firings = std::move(w.firings);
  return res;
}

}  // namespace blocsim
