// make_world(): the deterministic initial state (tick 0) of a scenario.
//
// Data worlds come from the country table, groups and edge lists of the
// scenario; synthetic worlds are drawn from (seed, Stream::init) per country
// and wired as a Watts–Strogatz small world from (seed, Stream::network), so
// the same seed gives the same world at any thread count.
//
// Initial alignment and standards (docs/design.md §3, last paragraph): by default the
// fixed point of synchronous best response (λ = ∞, r = 1, inertia switched
// off) starting from "everyone non-aligned / international", iterated at most
// `initial.equilibrium_iterations` times. `data` derives them from security
// ties (a_i = argmax_k S_ik if that is ≥ 0.5, else non-aligned; s_i = a_i);
// `nonaligned` starts everyone at 0.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <unistd.h>

#include "blocsim/io/error.h"
#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/rng.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/engine/world.h"

namespace blocsim {
namespace {

double clamp01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }

void allocate(World& w) {
  const auto n = static_cast<Eigen::Index>(w.n);
  w.gdp.setOnes(n);
  w.pop.setOnes(n);
  w.x.setZero(w.d, n);
  w.x_next.setZero(w.d, n);
  w.capacity.setZero(n);
  w.alignment.assign(static_cast<std::size_t>(n), 0);
  w.alignment_next.assign(static_cast<std::size_t>(n), 0);
  w.standard.assign(static_cast<std::size_t>(n), 0);
  w.standard_next.assign(static_cast<std::size_t>(n), 0);
  w.pinned.assign(static_cast<std::size_t>(n), -1);
  w.pinned_standard.assign(static_cast<std::size_t>(n), -1);
  w.ties.setZero(w.k, n);
  w.lock.setZero(w.k, n);
  w.grievance.setZero(w.k, n);
  w.security.setZero(w.k, n);
  w.tier.setZero(w.k, n);
  w.utility.setZero(w.k + 1, n);
  w.margin.setZero(n);
  w.access.setZero(w.k, n);
  w.aid.setZero(w.k, n);
  w.dgrievance.setZero(w.k, n);
  w.open_value.setZero(w.k, n);
  w.rivalry.setZero(w.k, n);
  w.hedge_member.setZero(n);
  w.forum.setZero(w.k, n);
  w.threshold.setZero(n);
  w.aid_extra.setZero(w.k, n);
}

// Synthetic country attributes: a latent "lean" u ∈ [−1, 1] correlates the
// identity dimensions (even dimensions +u, odd −u), ties and security.
void fill_synthetic(World& w, std::uint64_t seed) {
  parallel_for(w.n, [&](std::int64_t i) {
    Rng rng(seed, 0, static_cast<std::uint64_t>(i), Stream::init);
    const double u = 2.0 * rng.uniform() - 1.0;
    for (int d = 0; d < w.d; ++d) {
      const double sign = (d % 2 == 0) ? 1.0 : -1.0;
      w.x(d, i) = clamp01(0.5 + 0.3 * sign * u + 0.12 * rng.normal());
    }
    const double cu = rng.uniform();
    w.capacity(i) = cu * cu;
    w.gdp(i) = std::exp(1.5 * rng.normal());
    w.pop(i) = std::exp(1.2 * rng.normal());
    for (int k = 0; k < w.k; ++k) {
      const double pull = (k == 0) ? u : -u;  // power 0 ~ positive lean
      w.ties(k, i) = clamp01(0.25 + 0.15 * pull + 0.1 * rng.normal());
      w.security(k, i) = (rng.uniform() < 0.08 * (1.0 + pull)) ? 1.0f : 0.0f;
    }
  });
}

// Watts–Strogatz: node i links to i+1 … i+h (h = round(degree/2), ring
// modulo N); each link is rewired with probability p to a uniform target.
// The link list is a pure function of (seed, i), so CSR is built in two
// passes (count, fill) without storing it, then each row is sorted.
void wire_synthetic(World& w, const SyntheticWorld& syn, std::uint64_t seed) {
  const std::int64_t n = w.n;
  const std::int64_t h = std::max<std::int64_t>(1, std::llround(syn.degree / 2.0));
  auto target = [&](std::int64_t i, std::int64_t m, Rng& rng) -> std::int64_t {
    std::int64_t j = (i + m) % n;
    if (rng.uniform() < syn.rewire) {
      do {
        j = static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n)));
      } while (j == i);
    }
    return j;
  };
  std::vector<std::atomic<std::int32_t>> deg(static_cast<std::size_t>(n));
  for (auto& a : deg) a.store(0, std::memory_order_relaxed);
  parallel_for(n, [&](std::int64_t i) {
    Rng rng(seed, 0, static_cast<std::uint64_t>(i), Stream::network);
    for (std::int64_t m = 1; m <= h; ++m) {
      const std::int64_t j = target(i, m, rng);
      deg[static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed);
      deg[static_cast<std::size_t>(j)].fetch_add(1, std::memory_order_relaxed);
    }
  });
  Network& net = w.w;
  net.resize(n, n);
  // Offsets in 64 bits while counting: the 32-bit CSR index is checked
  // (synthetic_world_problem rejects such worlds when loading; this is the
  // seatbelt for direct callers).
  std::vector<std::int64_t> start(static_cast<std::size_t>(n) + 1, 0);
  for (std::int64_t i = 0; i < n; ++i)
    start[static_cast<std::size_t>(i) + 1] = start[static_cast<std::size_t>(i)] + deg[static_cast<std::size_t>(i)].load();
  const std::int64_t nnz = start.back();
  if (nnz > std::numeric_limits<std::int32_t>::max())
    throw RunError("synthetic world has " + std::to_string(nnz) + " link ends; the network index holds at most 2^31 - 1");
  std::vector<std::int32_t> cols(static_cast<std::size_t>(nnz));
  std::vector<std::atomic<std::int64_t>> fill(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) fill[static_cast<std::size_t>(i)].store(start[static_cast<std::size_t>(i)]);
  deg.clear();
  deg.shrink_to_fit();
  parallel_for(n, [&](std::int64_t i) {
    Rng rng(seed, 0, static_cast<std::uint64_t>(i), Stream::network);
    for (std::int64_t m = 1; m <= h; ++m) {
      const std::int64_t j = target(i, m, rng);
      cols[static_cast<std::size_t>(fill[static_cast<std::size_t>(i)].fetch_add(1))] = static_cast<std::int32_t>(j);
      cols[static_cast<std::size_t>(fill[static_cast<std::size_t>(j)].fetch_add(1))] = static_cast<std::int32_t>(i);
    }
  });
  fill.clear();
  fill.shrink_to_fit();
  // Sort each row and drop duplicate links.
  std::vector<std::int32_t> row_nnz(static_cast<std::size_t>(n));
  parallel_for(n, [&](std::int64_t i) {
    auto b = cols.begin() + start[static_cast<std::size_t>(i)];
    auto e = cols.begin() + start[static_cast<std::size_t>(i) + 1];
    std::sort(b, e);
    row_nnz[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(std::unique(b, e) - b);
  });
  std::int64_t total = 0;
  for (auto c : row_nnz) total += c;
  net.resizeNonZeros(total);
  std::int32_t* outer = net.outerIndexPtr();
  outer[0] = 0;
  for (std::int64_t i = 0; i < n; ++i) outer[i + 1] = outer[i] + row_nnz[static_cast<std::size_t>(i)];
  std::int32_t* inner = net.innerIndexPtr();
  float* val = net.valuePtr();
  // A duplicate link (a rewire onto an existing neighbour) is kept once:
  // the network is unweighted (w_ij = 1).
  parallel_for(n, [&](std::int64_t i) {
    const std::int32_t b = start[static_cast<std::size_t>(i)];
    const std::int32_t out = outer[i];
    for (std::int32_t p = 0; p < row_nnz[static_cast<std::size_t>(i)]; ++p) {
      inner[out + p] = cols[static_cast<std::size_t>(b + p)];
      val[out + p] = 1.0f;
    }
  });
}

Eigen::VectorXd row_sums(const Network& net) {
  Eigen::VectorXd s(net.rows());
  parallel_for(net.rows(), [&](std::int64_t i) {
    double acc = 0.0;
    for (Network::InnerIterator it(net, static_cast<Eigen::Index>(i)); it; ++it) acc += it.value();
    s(i) = acc;
  });
  return s;
}

void initial_state(World& w, const ScenarioConfig& cfg) {
  const InitialConfig& ini = cfg.initial;
  auto apply_pins = [&] {
    for (std::int32_t i = 0; i < w.n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      if (w.pinned[u] >= 0) w.alignment[u] = w.pinned[u];
      if (w.pinned_standard[u] >= 0) w.standard[u] = w.pinned_standard[u];
    }
  };
  if (ini.alignment == InitialMode::data || ini.standards == InitialMode::data) {
    for (std::int32_t i = 0; i < w.n; ++i) {
      Bloc best = 0;
      float top = 0.5f;
      for (int k = 0; k < w.k; ++k)
        if (w.security(k, i) >= top && (best == 0 || w.security(k, i) > w.security(best - 1, i))) {
          best = static_cast<Bloc>(k + 1);
          top = w.security(k, i);
        }
      if (ini.alignment == InitialMode::data) w.alignment[static_cast<std::size_t>(i)] = best;
      if (ini.standards == InitialMode::data) w.standard[static_cast<std::size_t>(i)] = best;
    }
  }
  apply_pins();
  for (int k = 0; k < w.k; ++k) assign_tiers(w, k);
  phase::courtship(w);
  const bool eq_a = ini.alignment == InitialMode::equilibrium;
  const bool eq_s = ini.standards == InitialMode::equilibrium;
  if (!eq_a && !eq_s) return;

  // Best-response iteration with deterministic choices (no RNG is used:
  // λ = ∞ and r = 1 draw nothing that affects the result).
  const ModelParams saved = w.params;
  w.params.lambda = std::numeric_limits<double>::infinity();
  w.params.lambda_standards = std::numeric_limits<double>::infinity();
  w.params.revision_rate = eq_a ? 1.0 : 0.0;
  w.params.revision_rate_standards = eq_s ? 1.0 : 0.0;
  w.params.beta_inertia = 0.0;
  w.params.alpha_inertia = 0.0;
  w.init_converged = false;
  for (int it = 1; it <= ini.equilibrium_iterations; ++it) {
    const auto a0 = w.alignment;
    const auto s0 = w.standard;
    if (reference_paths()) {  // the unfused phases (the reference the tests compare against)
      phase::choice(w);
      phase::standards(w);
    } else {
      phase::decision_pass(w);  // the same bits in one walk
    }
    for (int k = 0; k < w.k; ++k)
      if (w.powers[static_cast<std::size_t>(k)].cfg.tiers.rule == TierRule::by_alignment) assign_tiers(w, k);
    phase::courtship(w);
    w.init_iterations = it;
    if (w.alignment == a0 && w.standard == s0) {
      w.init_converged = true;
      break;
    }
  }
  w.params = saved;
  w.churn = 0;
}

}  // namespace

void build_network(World& w, const ScenarioConfig& cfg) {
  if (cfg.world.synthetic) return;  // wired once in make_world
  ++w.network_builds;
  using T = Eigen::Triplet<float, std::int32_t>;
  std::vector<T> trip;
  auto idx = [&](const std::string& iso) -> std::int32_t {
    auto it = w.index_of.find(iso);
    return it == w.index_of.end() ? -1 : it->second;
  };
  auto add = [&](std::int32_t a, std::int32_t b, double weight) {
    if (a < 0 || b < 0 || weight == 0.0) return;
    trip.emplace_back(a, b, static_cast<float>(weight));
    if (a != b) trip.emplace_back(b, a, static_cast<float>(weight));
  };
  const NetworkConfig& nc = w.network;
  for (const Edge& e : cfg.world.borders) add(idx(e.a), idx(e.b), nc.border_weight * e.weight);
  for (const Edge& e : cfg.world.trade) add(idx(e.a), idx(e.b), nc.trade_weight * e.weight);
  for (const Edge& e : cfg.world.edges) add(idx(e.a), idx(e.b), nc.edge_weight * e.weight);
  if (nc.group_weight != 0.0) {
    for (const Group& g : w.groups) {
      if (!nc.groups.empty() && std::find(nc.groups.begin(), nc.groups.end(), g.id) == nc.groups.end()) continue;
      std::vector<std::int32_t> m;
      for (const auto& iso : g.members)
        if (auto i = idx(iso); i >= 0) m.push_back(i);
      std::sort(m.begin(), m.end());
      m.erase(std::unique(m.begin(), m.end()), m.end());
      for (std::size_t a = 0; a < m.size(); ++a)
        for (std::size_t b = a + 1; b < m.size(); ++b) add(m[a], m[b], nc.group_weight);
    }
  }
  w.w.resize(w.n, w.n);
  w.w.setFromTriplets(trip.begin(), trip.end());  // sums duplicates
  w.w.makeCompressed();
  w.w_rowsum = row_sums(w.w);
  index_far_neighbours(w);
  index_label_sums(w);
}

void assign_tiers(World& w, int k) {
  const PowerState& p = w.powers[static_cast<std::size_t>(k)];
  const TierSpec& spec = p.cfg.tiers;
  if (spec.rule == TierRule::by_alignment) {
    parallel_for(w.n, [&](std::int64_t i) {
      const Bloc a = w.alignment[static_cast<std::size_t>(i)];
      w.tier(k, i) = static_cast<std::int8_t>(a == k + 1 ? 0 : (a == 0 ? 1 : 2));
    });
  } else {
    w.tier.row(k).setConstant(static_cast<std::int8_t>(spec.default_tier));
    for (const auto& [gid, t] : spec.groups)
      for (const Group& g : w.groups)
        if (g.id == gid)
          for (const auto& iso : g.members)
            if (auto it = w.index_of.find(iso); it != w.index_of.end()) w.tier(k, it->second) = static_cast<std::int8_t>(t);
    for (const auto& [iso, t] : spec.countries)
      if (auto it = w.index_of.find(iso); it != w.index_of.end()) w.tier(k, it->second) = static_cast<std::int8_t>(t);
  }
  if (p.home >= 0) w.tier(k, p.home) = 0;
}

// Stage 1 of make_world: everything before the tick-0 equilibrium. It reads
// the world data, the network weights, the powers' default ties and the
// strings of the scenario (groups, pins, dimensions), never a model parameter
// or a power's registry parameter: those are set again by settle_world, which
// is what lets WorldCache share one construction across sweep points that
// differ only in them (world_cache.cpp keys it on the rest).
World construct_world(const ScenarioConfig& cfg, std::uint64_t seed) {
  World w;
  w.seed = seed;
  w.k = static_cast<int>(cfg.powers.size());
  w.d = static_cast<int>(cfg.dimensions.size());
  w.params = cfg.model;
  w.network = cfg.network;
  w.groups = cfg.world.groups;
  if (cfg.world.synthetic) {
    w.n = static_cast<std::int32_t>(cfg.world.synthetic->countries);
    wire_synthetic(w, *cfg.world.synthetic, seed);  // first: its scratch space peaks before the state exists
    allocate(w);
    fill_synthetic(w, seed);
    w.w_rowsum = row_sums(w.w);
    index_far_neighbours(w);
    index_label_sums(w);
  } else {
    w.n = static_cast<std::int32_t>(cfg.world.countries.size());
    allocate(w);
    w.iso3.reserve(static_cast<std::size_t>(w.n));
    for (std::int32_t i = 0; i < w.n; ++i) {
      const CountryRow& row = cfg.world.countries[static_cast<std::size_t>(i)];
      w.iso3.push_back(row.iso3);
      w.index_of.emplace(row.iso3, i);
      w.gdp(i) = row.gdp;
      w.pop(i) = row.pop;
      w.capacity(i) = row.capacity;
      for (int d = 0; d < w.d; ++d) w.x(d, i) = row.identity.at(static_cast<std::size_t>(d));
      for (int k = 0; k < w.k; ++k) {
        const PowerConfig& pc = cfg.powers[static_cast<std::size_t>(k)];
        auto t = row.trade.find(pc.id);
        w.ties(k, i) = t != row.trade.end() ? t->second : pc.default_trade.value_or(0.0);
        auto s = row.security.find(pc.id);
        w.security(k, i) = static_cast<float>(s != row.security.end() ? s->second : pc.default_security.value_or(0.0));
        auto r = row.rivalry.find(pc.id);
        w.rivalry(k, i) = static_cast<float>(r != row.rivalry.end() ? r->second : 0.0);
      }
    }
    // model v2: scenario rivalry lists (override the column), standards fora, hedge groups
    for (int k = 0; k < w.k; ++k) {
      const PowerConfig& pc = cfg.powers[static_cast<std::size_t>(k)];
      for (const auto& [iso, v] : pc.rivalries)
        if (auto it = w.index_of.find(iso); it != w.index_of.end()) w.rivalry(k, it->second) = static_cast<float>(v);
      for (const auto& gid : pc.standards_groups)
        for (const Group& g : w.groups)
          if (g.id == gid)
            for (const auto& iso : g.members)
              if (auto it = w.index_of.find(iso); it != w.index_of.end()) w.forum(k, it->second) = 1.0f;
    }
    for (const auto& gid : cfg.model.hedge_groups)
      for (const Group& g : w.groups)
        if (g.id == gid)
          for (const auto& iso : g.members)
            if (auto it = w.index_of.find(iso); it != w.index_of.end()) w.hedge_member(it->second) = 1.0;
    for (int k = 0; k < w.k; ++k)
      for (const auto& gid : cfg.powers[static_cast<std::size_t>(k)].security_groups)
        for (const Group& g : w.groups)
          if (g.id == gid)
            for (const auto& iso : g.members)
              if (auto it = w.index_of.find(iso); it != w.index_of.end()) w.security(k, it->second) = 1.0f;
    build_network(w, cfg);
  }
  w.ties0 = w.ties;
  w.x0 = w.x;
  // Adoption thresholds: a fixed country property (seed 0, not the run seed),
  // so the initial state stays independent of the seed.
  parallel_for(w.n, [&](std::int64_t i) {
    Rng rng(0, 0, static_cast<std::uint64_t>(i), Stream::thresholds);
    w.threshold(i) = rng.uniform();
  });
  std::size_t nrules = 0;
  for (const auto& pc : cfg.powers) nrules += pc.reactions.size();
  w.rule_last.assign(nrules, -1);
  w.rule_count.assign(nrules, 0);
  w.powers.reserve(cfg.powers.size());
  for (int k = 0; k < w.k; ++k) {
    const PowerConfig& pc = cfg.powers[static_cast<std::size_t>(k)];
    PowerState ps;
    ps.cfg = pc;
    ps.identity = Eigen::Map<const Eigen::VectorXd>(pc.identity.data(), static_cast<Eigen::Index>(pc.identity.size()));
    ps.frontier = pc.frontier;
    if (!pc.home.empty()) {
      auto it = w.index_of.find(pc.home);
      if (it == w.index_of.end()) throw RunError("power '" + pc.id + "': home country " + pc.home + " is not in the world");
      ps.home = it->second;
      w.pinned[static_cast<std::size_t>(ps.home)] = static_cast<Bloc>(k + 1);
      w.pinned_standard[static_cast<std::size_t>(ps.home)] = static_cast<Bloc>(k + 1);
    }
    w.powers.push_back(std::move(ps));
  }
  for (const auto& [iso, bloc] : cfg.initial.pin) {
    auto it = w.index_of.find(iso);
    if (it == w.index_of.end()) throw RunError("initial.pin: " + iso + " is not in the world");
    Bloc b = 0;
    if (bloc != "nonaligned") {
      const int k = find_power(cfg, bloc);
      if (k < 0) throw RunError("initial.pin: unknown bloc '" + bloc + "'");
      b = static_cast<Bloc>(k + 1);
    }
    w.pinned[static_cast<std::size_t>(it->second)] = b;
  }
  w.grievance_dim = cfg.model.grievance_dimension.empty() ? -1 : find_dimension(cfg, cfg.model.grievance_dimension);
  w.multilateral_dim = cfg.model.multilateral_dimension.empty() ? -1 : find_dimension(cfg, cfg.model.multilateral_dimension);
  w.sovereignty_dim = cfg.model.sovereignty_dimension.empty() ? -1 : find_dimension(cfg, cfg.model.sovereignty_dimension);
  return w;
}

// Stage 2: the scenario's parameter values, then the tick-0 equilibrium. On a
// fresh construct_world(cfg, seed) result this assigns the values stage 1
// already put there, so make_world's state is the one it always was.
void settle_world(World& w, const ScenarioConfig& cfg, std::uint64_t seed) {
  w.seed = seed;
  w.params = cfg.model;
  for (int k = 0; k < w.k; ++k) {
    const PowerConfig& pc = cfg.powers[static_cast<std::size_t>(k)];
    PowerState& ps = w.powers[static_cast<std::size_t>(k)];
    ps.cfg = pc;
    ps.identity = Eigen::Map<const Eigen::VectorXd>(pc.identity.data(), static_cast<Eigen::Index>(pc.identity.size()));
    ps.frontier = pc.frontier;
  }
  initial_state(w, cfg);
  w.alignment_next = w.alignment;
  w.standard_next = w.standard;
}

World make_world(const ScenarioConfig& cfg, std::uint64_t seed) {
  World w = construct_world(cfg, seed);
  settle_world(w, cfg, seed);
  return w;
}

std::string bloc_label(const World& w, int b) {
  return b == 0 ? std::string("nonaligned") : w.powers[static_cast<std::size_t>(b - 1)].cfg.id;
}

std::string standard_label(const World& w, int s) {
  return s == 0 ? std::string("intl") : w.powers[static_cast<std::size_t>(s - 1)].cfg.id;
}

std::string country_id(const World& w, std::int32_t i) {
  if (!w.iso3.empty()) return w.iso3[static_cast<std::size_t>(i)];
  char buf[16];
  std::snprintf(buf, sizeof buf, "S%07d", static_cast<int>(i));
  return buf;
}

std::size_t world_bytes(const World& w) {
  auto md = [](const auto& m) { return static_cast<std::size_t>(m.size()) * sizeof(typename std::decay_t<decltype(m)>::Scalar); };
  std::size_t b = 0;
  b += md(w.gdp) + md(w.pop) + md(w.x) + md(w.x_next) + md(w.capacity);
  b += w.alignment.size() * 2 + w.standard.size() * 2 + w.pinned.size() * 2;
  b += md(w.ties) + md(w.ties0) + md(w.lock) + md(w.grievance) + md(w.security) + md(w.tier);
  b += md(w.utility) + md(w.margin) + md(w.access) + md(w.aid) + md(w.dgrievance) + md(w.w_rowsum);
  b += md(w.open_value) + md(w.x0) + md(w.rivalry) + md(w.hedge_member) + md(w.forum) + md(w.threshold) + md(w.aid_extra);
  b += static_cast<std::size_t>(w.w.nonZeros()) * (sizeof(float) + sizeof(std::int32_t)) +
       static_cast<std::size_t>(w.w.outerSize() + 1) * sizeof(std::int32_t);
  b += (w.far_outer.size() + w.far_inner.size()) * sizeof(std::int32_t);
  b += w.label_sums.size() * sizeof(double) + w.label_sums_of.size();
  b += w.share_sums.size() * sizeof(double) + w.share_valid.size();
  return b;
}

double synthetic_world_bytes_estimate(std::int64_t n, double degree, int dims, int powers) {
  const double N = static_cast<double>(n), D = dims, K = powers;
  const double h = std::max(1.0, std::round(degree / 2.0));
  const double links = 2.0 * h * N;  // link ends, before duplicates are dropped
  // doubles: gdp, pop, capacity, w_rowsum + x, x_next (D each) + ties, ties0,
  // lock, grievance, access, aid, dgrievance (K each) + utility, margin (K+1);
  // security (float), tier (int8); alignment/standard/pins (int16 each).
  const double state = N * (8.0 * (4 + 2 * D + 7 * K + 2 * (K + 1)) + 4.0 * K + K + 6 * 2.0);
  // CSR values + inner index, the wiring's column buffer; degree/fill/start.
  const double network = links * (4.0 + 4.0 + 4.0) + N * (4.0 + 8.0 + 8.0 + 4.0 + 4.0);
  // the far-neighbour index of worlds that prefetch (index_far_neighbours):
  // at most every link end, plus the row offsets
  const double far_index = prefetches_neighbours(n) ? links * 4.0 + (N + 1) * 4.0 : 0.0;
  return state + network + far_index;
}

std::string human_bytes(double b) {
  char buf[32];
  if (b >= 1e12) std::snprintf(buf, sizeof buf, "%.1f TB", b / 1e12);
  else if (b >= 1e9) std::snprintf(buf, sizeof buf, "%.1f GB", b / 1e9);
  else if (b >= 1e6) std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  else std::snprintf(buf, sizeof buf, "%.0f kB", b / 1e3);
  return buf;
}

std::string synthetic_world_problem(std::int64_t n, double degree, int dims, int powers) {
  const double h = std::max(1.0, std::round(degree / 2.0));
  const double links = 2.0 * h * static_cast<double>(n);
  const double est = synthetic_world_bytes_estimate(n, degree, dims, powers);
  if (links > static_cast<double>(std::numeric_limits<std::int32_t>::max()))
    return "too many links: " + std::to_string(n) + " agents with mean degree " + std::to_string(static_cast<long long>(2 * h)) +
           " give " + std::to_string(static_cast<long long>(links)) +
           " link ends; the network index holds at most 2147483647 (lower countries or degree; would need about " +
           human_bytes(est) + ")";
  double limit = 0.0;
  std::string what;
  if (const char* env = std::getenv("BLOCSIM_MEMORY_LIMIT"); env && *env) {
    if (std::string(env) == "none") return "";
    limit = std::strtod(env, nullptr);
    what = "BLOCSIM_MEMORY_LIMIT";
  } else {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) limit = static_cast<double>(pages) * static_cast<double>(page);
    what = "this machine's memory";
  }
  if (limit > 0.0 && est > limit)
    return "needs about " + human_bytes(est) + " of memory (" + std::to_string(n) + " agents, mean degree " +
           std::to_string(static_cast<long long>(2 * h)) + "), more than " + what + " (" + human_bytes(limit) +
           "); lower countries or degree, or set BLOCSIM_MEMORY_LIMIT=none to try anyway";
  return "";
}

void index_far_neighbours(World& w) {
  w.far_outer.clear();
  w.far_inner.clear();
  if (!prefetches_neighbours(w.n)) return;
  const std::int32_t* const outer = w.w.outerIndexPtr();
  const std::int32_t* const inner = w.w.innerIndexPtr();
  auto far = [&](std::int64_t i, std::int32_t q) { return std::abs(static_cast<std::int64_t>(inner[q]) - i) > kNearRows; };
  // counts per row (in parallel), then their prefix sums
  w.far_outer.assign(static_cast<std::size_t>(w.n) + 1, 0);
  parallel_for(w.n, [&](std::int64_t i) {
    std::int32_t c = 0;
    for (auto q = outer[i]; q < outer[i + 1]; ++q) c += far(i, q) ? 1 : 0;
    w.far_outer[static_cast<std::size_t>(i) + 1] = c;
  });
  for (std::size_t i = 1; i < w.far_outer.size(); ++i) w.far_outer[i] += w.far_outer[i - 1];
  w.far_inner.resize(static_cast<std::size_t>(w.far_outer.back()));
  parallel_for(w.n, [&](std::int64_t i) {
    std::size_t o = static_cast<std::size_t>(w.far_outer[static_cast<std::size_t>(i)]);
    for (auto q = outer[i]; q < outer[i + 1]; ++q)
      if (far(i, q)) w.far_inner[o++] = inner[q];
  });
}

bool label_sums_exact_row(const float* weights, std::int64_t count) {
  if (count == 0) return true;
  int emin = std::numeric_limits<int>::max(), emax = std::numeric_limits<int>::min();
  for (std::int64_t q = 0; q < count; ++q) {
    const float v = weights[q];
    if (!(v >= std::numeric_limits<float>::min()) || !std::isfinite(v)) return false;  // ≤ 0, subnormal, NaN or ∞
    int e = 0;
    std::frexp(v, &e);  // v = m·2^e, 0.5 ≤ m < 1: v < 2^e, last bit 2^(e − 24)
    emin = std::min(emin, e - std::numeric_limits<float>::digits);
    emax = std::max(emax, e);
  }
  // every subset sum < count·2^emax ≤ 2^(emin + 53)
  const int bits = std::numeric_limits<double>::digits;
  return std::ldexp(static_cast<double>(count), emax) <= std::ldexp(1.0, emin + bits);
}

void index_label_sums(World& w) {
  w.label_sums.clear();
  w.label_sums_of.clear();
  w.share_sums.clear();
  w.share_valid.clear();
  const std::int64_t n = w.n;
  const std::int32_t* const outer = w.w.outerIndexPtr();
  const std::int32_t* const inner = w.w.innerIndexPtr();
  const float* const val = w.w.valuePtr();
  // Only worlds that fit the caches keep the sums: in a large world the
  // updates' scattered writes cost what the skipped sums save (10⁶ agents,
  // degree 10, ~3 % of labels changing a tick: walk + updates 129 → 134 ms;
  // 10⁵: 8.6 → 8.4 ms). Also measured and not kept: the updates split over
  // the threads by row range, and the far-neighbour prefetches of label and
  // gdp lines skipped for rows that sum no shares (draws made 4 groups
  // ahead): 10⁶, 1 thread 129 → 126 ms, 2 threads 63.4 → 64.5 ms — not
  // worth 65 bytes per agent.
  bool ok = !large_world(n) && w.w.isCompressed() && w.w.rows() == n && w.w.cols() == n;
  std::vector<char> row_ok(static_cast<std::size_t>(ok ? n : 0), 1);
  if (ok)
    parallel_for(n, [&](std::int64_t i) {
      bool r = label_sums_exact_row(val + outer[i], outer[i + 1] - outer[i]);
      // symmetric: w_ji = w_ij, found in row j (sorted columns)
      for (auto q = outer[i]; r && q < outer[i + 1]; ++q) {
        const std::int64_t j = inner[q];
        const std::int32_t* const b = inner + outer[j];
        const std::int32_t* const e = inner + outer[j + 1];
        const std::int32_t* const at = std::lower_bound(b, e, static_cast<std::int32_t>(i));
        r = at != e && *at == i && val[at - inner] == val[q];
      }
      row_ok[static_cast<std::size_t>(i)] = r ? 1 : 0;
    });
  for (const char r : row_ok) ok = ok && r != 0;
  w.label_sums_exact = ok;
}

}  // namespace blocsim
