// WorldCache: tick-0 worlds built once per batch and copied (issue 14).
//
// make_world() = world construction + the tick-0 best-response equilibrium,
// ~11 % of a default-world run before this cache. Its result depends on the
// world data (fixed within a batch), on the scalar parameters the initial
// state reads, and — for synthetic worlds only — on the seed. The key is the
// list of those parameter values; see simulation.h for the contract.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "blocsim/engine/simulation.h"
#include "blocsim/parallel.h"

namespace blocsim {
namespace {

std::atomic<bool> g_reference{false};

bool excluded(std::string_view key) {
  const auto& ex = initial_state_independent();
  return std::find(ex.begin(), ex.end(), key) != ex.end();
}

std::vector<double> cache_key(const ScenarioConfig& cfg, std::uint64_t seed) {
  std::vector<double> key;
  key.reserve(128);
  for (const auto& spec : model_params())
    if (!excluded(spec.key)) key.push_back(cfg.model.*spec.field);
  for (const auto& pc : cfg.powers)
    for (const auto& spec : power_params())
      if (!excluded(spec.key)) key.push_back(pc.*spec.field);
  for (const auto& spec : network_params()) key.push_back(cfg.network.*spec.field);
  key.push_back(static_cast<double>(cfg.initial.equilibrium_iterations));
  if (cfg.world.synthetic) {
    double s;
    static_assert(sizeof s == sizeof seed);
    std::memcpy(&s, &seed, sizeof s);  // bit pattern of the seed
    key.push_back(s);
  }
  return key;
}

bool same_key(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// A kept world, re-labelled for this run: its seed, and the scenario's values
// of the parameters the initial state did not read (make_world stores them).
World adapt(const World& kept, const ScenarioConfig& cfg, std::uint64_t seed) {
  World w = kept;
  w.seed = seed;
  w.params = cfg.model;
  for (std::size_t k = 0; k < w.powers.size(); ++k) w.powers[k].cfg = cfg.powers[k];
  return w;
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

World WorldCache::get(const ScenarioConfig& cfg, std::uint64_t seed) {
  const std::int64_t n =
      cfg.world.synthetic ? cfg.world.synthetic->countries : static_cast<std::int64_t>(cfg.world.countries.size());
  if (n >= 4 * kParallelGrain) {
    std::lock_guard<std::mutex> lock(m_);
    ++builds_;
    return make_world(cfg, seed);
  }
  std::vector<double> key = cache_key(cfg, seed);
  {
    std::lock_guard<std::mutex> lock(m_);
    for (Entry& e : entries_)
      if (same_key(e.key, key)) {
        e.used = ++clock_;
        ++copies_;
        const std::shared_ptr<const World> kept = e.world;
        return adapt(*kept, cfg, seed);  // copy under the lock: entries_ may be rearranged by others
      }
  }
  // Build outside the lock (other threads may build other keys meanwhile; two
  // threads building the same key make identical worlds, the first is kept).
  auto built = std::make_shared<const World>(make_world(cfg, seed));
  {
    std::lock_guard<std::mutex> lock(m_);
    ++builds_;
    bool present = false;
    for (const Entry& e : entries_) present = present || same_key(e.key, key);
    if (!present) {
      if (entries_.size() >= capacity_ && !entries_.empty()) {
        auto lru = std::min_element(entries_.begin(), entries_.end(),
                                    [](const Entry& a, const Entry& b) { return a.used < b.used; });
        entries_.erase(lru);
      }
      if (capacity_ > 0) entries_.push_back(Entry{std::move(key), built, ++clock_});
    }
  }
  return adapt(*built, cfg, seed);
}

std::int64_t WorldCache::builds() const {
  std::lock_guard<std::mutex> lock(m_);
  return builds_;
}

std::int64_t WorldCache::copies() const {
  std::lock_guard<std::mutex> lock(m_);
  return copies_;
}

void set_reference_paths(bool on) noexcept { g_reference.store(on, std::memory_order_relaxed); }
bool reference_paths() noexcept { return g_reference.load(std::memory_order_relaxed); }

}  // namespace blocsim
