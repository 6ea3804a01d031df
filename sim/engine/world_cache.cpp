// WorldCache: tick-0 worlds built once per batch and copied (issue 14).
//
// make_world() = construct_world() (arrays, network: ~1.6M instructions for
// the default world) + settle_world() (the parameter values and the tick-0
// best-response equilibrium: ~2.1M). Two levels, each keyed by the values of
// the numbers its stage reads: a run whose whole key was seen gets a copy of
// the tick-0 world; a sweep point that changes only parameters the
// construction does not read (e.g. a power's strictness) gets a copy of the
// constructed world and runs only the equilibrium. The world data are fixed
// within a batch; see simulation.h for the contract.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "blocsim/engine/simulation.h"
#include "blocsim/parallel.h"

namespace blocsim {
namespace {

std::atomic<bool> g_reference{false};

bool listed(const std::vector<std::string>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

// The registry entries the full key leaves out, resolved once from the names
// (was a string search per entry per run: 2.7M instructions per 202 runs).
struct Skip {
  std::vector<char> model, power;
};
const Skip& skipped() {
  static const Skip s = [] {
    Skip r;
    const auto& ex = initial_state_independent();
    for (const auto& spec : model_params()) r.model.push_back(listed(ex, spec.key) ? 1 : 0);
    for (const auto& spec : power_params()) r.power.push_back(listed(ex, spec.key) ? 1 : 0);
    return r;
  }();
  return s;
}

void push_bits(std::vector<double>& key, std::uint64_t v) {
  double s;
  static_assert(sizeof s == sizeof v);
  std::memcpy(&s, &v, sizeof s);  // the bit pattern (compared with memcmp)
  key.push_back(s);
}

// Key of construct_world(cfg, seed) within a batch: every number a sweep point
// can change (set_param) that construct_world reads — the network weights,
// the powers' default ties (set or not, and the value), the synthetic world's
// size and wiring, and for synthetic worlds the seed. Everything else it reads
// is batch data or strings (see simulation.h). tests/test_world_cache.cpp
// changes every set_param path in turn and checks that no world is served
// that differs from make_world.
void construction_key(const ScenarioConfig& cfg, std::uint64_t seed, std::vector<double>& key) {
  for (const auto& spec : network_params()) key.push_back(cfg.network.*spec.field);
  for (const auto& pc : cfg.powers) {
    key.push_back(pc.default_trade ? 1.0 : 0.0);
    key.push_back(pc.default_trade.value_or(0.0));
    key.push_back(pc.default_security ? 1.0 : 0.0);
    key.push_back(pc.default_security.value_or(0.0));
  }
  if (const auto& syn = cfg.world.synthetic) {
    key.push_back(static_cast<double>(syn->countries));
    key.push_back(syn->degree);
    key.push_back(syn->rewire);
    push_bits(key, seed);
  }
}

// The rest of make_world's key: the parameters settle_world and the tick-0
// equilibrium read — every registry parameter except
// initial_state_independent(), each power's default tier (assign_tiers) and
// the iteration cap.
void settle_key(const ScenarioConfig& cfg, std::vector<double>& key) {
  const Skip& skip = skipped();
  std::size_t j = 0;
  for (const auto& spec : model_params())
    if (!skip.model[j++]) key.push_back(cfg.model.*spec.field);
  for (const auto& pc : cfg.powers) {
    j = 0;
    for (const auto& spec : power_params())
      if (!skip.power[j++]) key.push_back(pc.*spec.field);
    key.push_back(static_cast<double>(pc.tiers.default_tier));
  }
  key.push_back(static_cast<double>(cfg.initial.equilibrium_iterations));
}

bool same_key(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// A kept world, re-labelled for this run: its seed, and the scenario's values
// of the parameters the initial state did not read (make_world stores them).
void relabel(World& w, const ScenarioConfig& cfg, std::uint64_t seed) {
  w.seed = seed;
  w.params = cfg.model;
  for (std::size_t k = 0; k < w.powers.size(); ++k) w.powers[k].cfg = cfg.powers[k];
}

// The whole key of make_world(cfg, seed): construction_key then settle_key.
void full_key(const ScenarioConfig& cfg, std::uint64_t seed, std::vector<double>& base_key, std::vector<double>& key) {
  base_key.reserve(64);
  construction_key(cfg, seed, base_key);
  key.reserve(base_key.size() + 128);
  key = base_key;
  settle_key(cfg, key);
}

std::uint64_t key_hash(const std::vector<double>& key) {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ key.size();
  for (double v : key) {
    std::uint64_t u;
    std::memcpy(&u, &v, sizeof u);
    h ^= u + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
  }
  return h;
}

}  // namespace

const std::vector<std::string>& initial_state_independent() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> v;
    for (const auto& spec : model_params())
      if (spec.group == "identity" || spec.group == "material" || spec.group == "record") v.emplace_back(spec.key);
    for (const char* k : {"lambda", "revision_rate", "beta_inertia", "lambda_standards", "revision_rate_standards",
                          "alpha_inertia", "frontier_growth", "narrative_radius", "narrative"})
      v.emplace_back(k);
    return v;
  }();
  return keys;
}

WorldCache::Entry* WorldCache::find(std::vector<Entry>& list, const std::vector<double>& key) {
  for (Entry& e : list)
    if (same_key(e.key, key)) {
      e.used = ++clock_;
      return &e;
    }
  return nullptr;
}

void WorldCache::keep(std::vector<Entry>& list, const std::vector<double>& key, std::shared_ptr<World> world) {
  for (const Entry& e : list)
    if (same_key(e.key, key)) return;  // another thread kept the same world first
  if (capacity_ == 0) return;
  if (list.size() >= capacity_) {
    auto lru = std::min_element(list.begin(), list.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
    list.erase(lru);
  }
  list.push_back(Entry{key, std::move(world), ++clock_});
}

int WorldCache::take_use(std::uint64_t hash) {
  const auto it = expected_.find(hash);
  if (it == expected_.end()) return -1;
  const int left = --it->second;
  if (left <= 0) expected_.erase(it);
  return std::max(left, 0);
}

void WorldCache::expect(const ScenarioConfig& cfg, std::uint64_t seed) {
  if (!caches(cfg) || capacity_ == 0) return;
  std::vector<double> base_key, key;
  full_key(cfg, seed, base_key, key);
  const std::uint64_t h = key_hash(key);
  std::lock_guard<std::mutex> lock(m_);
  ++expected_[h];
}

World WorldCache::get(const ScenarioConfig& cfg, std::uint64_t seed) {
  World w;
  get_into(w, cfg, seed);
  return w;
}

void WorldCache::get_into(World& out, const ScenarioConfig& cfg, std::uint64_t seed) {
  if (!caches(cfg)) {
    {
      std::lock_guard<std::mutex> lock(m_);
      ++builds_;
      ++constructions_;
    }
    out = World();  // release the old world's memory before the new one exists
    out = make_world(cfg, seed);
    return;
  }
  std::vector<double> base_key, key;
  full_key(cfg, seed, base_key, key);
  const std::uint64_t hash = key_hash(key);
  std::shared_ptr<World> base;
  int left = -1;  // announced uses of this key after this one (-1: none announced)
  {
    std::unique_lock<std::mutex> lock(m_);
    if (!expected_.empty()) left = take_use(hash);
    // Runs of one point are often next to each other in a batch and start
    // together on two threads: the second waits for the first's world
    // instead of computing the same equilibrium again.
    for (;;) {
      if (Entry* const e = find(worlds_, key)) {
        ++copies_;
        if (left == 0) {
          // The last announced use: take the kept world over. Only a thread
          // that built it can still hold it (outside the lock, while it
          // copies it); then copy.
          std::shared_ptr<World> kept = std::move(e->world);
          worlds_.erase(worlds_.begin() + (e - worlds_.data()));
          if (kept.use_count() == 1) out = std::move(*kept);
          else out = *kept;
        } else {
          out = *e->world;  // copy under the lock: worlds_ may be rearranged by others
        }
        relabel(out, cfg, seed);
        return;
      }
      const bool in_flight =
          std::any_of(building_.begin(), building_.end(), [&](const std::vector<double>& b) { return same_key(b, key); });
      if (!in_flight || capacity_ == 0) break;
      built_.wait(lock);
    }
    building_.push_back(key);
    if (const Entry* const e = find(constructed_, base_key)) base = e->world;
  }
  // Whatever happens below, the key is no longer in flight at the end (a
  // waiter then finds the world, or builds it itself after a failure).
  struct Done {
    WorldCache& c;
    const std::vector<double>& key;
    ~Done() {
      {
        std::lock_guard<std::mutex> lock(c.m_);
        auto it = std::find_if(c.building_.begin(), c.building_.end(),
                               [&](const std::vector<double>& b) { return same_key(b, key); });
        if (it != c.building_.end()) c.building_.erase(it);
      }
      c.built_.notify_all();
    }
  } done{*this, key};
  // Build outside the lock (other threads may build other keys meanwhile).
  if (!base) {
    base = std::make_shared<World>(construct_world(cfg, seed));
    std::lock_guard<std::mutex> lock(m_);
    ++constructions_;
    keep(constructed_, base_key, base);
  }
  // = make_world(cfg, seed): the construction depends only on base_key, and
  // settle_world sets what relabel would (seed, parameters, powers' configs)
  out = *base;
  settle_world(out, cfg, seed);
  std::shared_ptr<World> built;
  if (left != 0) built = std::make_shared<World>(out);  // a later run may need it
  std::lock_guard<std::mutex> lock(m_);
  ++builds_;
  if (built) keep(worlds_, key, std::move(built));
}

std::int64_t WorldCache::builds() const {
  std::lock_guard<std::mutex> lock(m_);
  return builds_;
}

std::int64_t WorldCache::copies() const {
  std::lock_guard<std::mutex> lock(m_);
  return copies_;
}

std::int64_t WorldCache::constructions() const {
  std::lock_guard<std::mutex> lock(m_);
  return constructions_;
}

void set_reference_paths(bool on) noexcept { g_reference.store(on, std::memory_order_relaxed); }
bool reference_paths() noexcept { return g_reference.load(std::memory_order_relaxed); }

}  // namespace blocsim
