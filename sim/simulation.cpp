// The tick loop (DESIGN §3): make_world, then for each tick the phases in
// kTickPhases order, the record phase computing the metrics of DESIGN §4.
#include "blocsim/simulation.h"

#include <chrono>

#include "blocsim/error.h"
#include "blocsim/metrics.h"
#include "blocsim/rng.h"

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
// [0,1], blocs in range, finite offers). Cheap relative to a tick.
void check_invariants(const World& w) {
  auto fail = [&](const std::string& what) {
    throw RunError("invariant violated at tick " + std::to_string(w.tick) + ": " + what);
  };
  if (!(w.x.array() >= 0.0).all() || !(w.x.array() <= 1.0).all()) fail("identity outside [0,1]");
  if (!(w.capacity.array() >= 0.0).all() || !(w.capacity.array() <= 1.0).all()) fail("capacity outside [0,1]");
  if (!w.access.allFinite() || !w.aid.allFinite() || !w.utility.allFinite()) fail("non-finite offers or utilities");
  for (std::size_t i = 0; i < w.alignment.size(); ++i)
    if (w.alignment[i] < 0 || w.alignment[i] > w.k || w.standard[i] < 0 || w.standard[i] > w.k)
      fail("bloc index out of range for country " + std::to_string(i));
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

SimulateResult simulate(const ScenarioConfig& cfg, std::uint64_t seed, const TickObserver& observer) {
  SimulateResult res;
  std::vector<std::string> ids;
  for (const auto& p : cfg.powers) ids.push_back(p.id);
  res.metrics.columns = metric_columns(ids);
  res.metrics.rows.reserve(static_cast<std::size_t>(cfg.ticks) + 1);
  World w = make_world(cfg, seed);
  res.world_bytes = world_bytes(w);
  res.init_iterations = w.init_iterations;
  res.init_converged = w.init_converged;
  double* ps = res.phase_seconds.data();
  res.metrics.rows.push_back(compute_metrics(w));
  if (observer) observer(w);
  for (int t = 1; t <= cfg.ticks; ++t) {
    step(w, cfg, ps);
    timed(ps, Phase::record, [&] { res.metrics.rows.push_back(compute_metrics(w)); });
    if (observer) observer(w);
  }
  return res;
}

}  // namespace blocsim
