// Phase 1 — policy: apply the timeline events scheduled for this tick (docs/design.md §3.1).
//
// An event can
//   set:          any scalar parameter by key path (model.*, powers.<id>.*, network.*),
//   tiers:        replace a power's export-control tier spec (list or by_alignment),
//   memberships:  add / remove countries from groups (W is rebuilt: shared
//                 memberships are network ties, and tier lists may name groups),
//   security:     set security ties S_ik,
//   rivalry:      start, change or end rivalries R_ik (0 ends one).
// Afterwards every power whose tier rule is `by_alignment` re-derives τ from
// the current alignment, and the powers' reactive rules are evaluated on the
// state the previous tick left (sim/phases/reactions.cpp). Events were validated at load time (paths, ranges,
// ISO3 codes), so nothing here can fail on user input.
#include <algorithm>
#include <string_view>

#include "blocsim/io/error.h"
#include "blocsim/engine/phases.h"
#include "reactions.h"

namespace blocsim::phase {
namespace {

// Apply `path = value` to the world's live copy of the parameters.
// Returns true if the network must be rebuilt.
bool assign(World& w, const Assignment& a) {
  std::string_view path = a.path;
  auto starts = [&](std::string_view pre) { return path.substr(0, pre.size()) == pre; };
  if (starts("model.")) {
    const auto key = path.substr(6);
    for (const auto& spec : model_params())
      if (spec.key == key) {
        w.params.*spec.field = a.value;
        return false;
      }
  } else if (starts("network.")) {
    const auto key = path.substr(8);
    for (const auto& spec : network_params())
      if (spec.key == key) {
        w.network.*spec.field = a.value;
        return true;
      }
  } else if (starts("powers.")) {
    const auto rest = path.substr(7);
    const auto dot = rest.find('.');
    const auto id = rest.substr(0, dot);
    const auto key = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    for (auto& pw : w.powers) {
      if (pw.cfg.id != id) continue;
      for (const auto& spec : power_params())
        if (spec.key == key) {
          pw.cfg.*spec.field = a.value;
          if (key == "frontier") pw.frontier = a.value;  // frontier is also state
          return false;
        }
    }
  }
  throw RunError(a.loc.file + ":" + std::to_string(a.loc.line) + ": event sets unknown parameter '" + a.path + "'");
}

}  // namespace

void policy(World& w, const ScenarioConfig& cfg) {
  bool rebuild = false;
  std::vector<int> retier;
  for (const Event& ev : cfg.timeline) {
    if (ev.tick != w.tick) continue;
    for (const Assignment& a : ev.set) rebuild |= assign(w, a);
    for (const TierChange& tc : ev.tiers) {
      const int k = find_power(cfg, tc.power);
      w.powers[static_cast<std::size_t>(k)].cfg.tiers = tc.tiers;
      retier.push_back(k);
    }
    for (const MembershipChange& mc : ev.memberships) {
      auto g = std::find_if(w.groups.begin(), w.groups.end(), [&](const Group& x) { return x.id == mc.group; });
      if (g == w.groups.end()) g = w.groups.insert(w.groups.end(), Group{mc.group, {}});
      for (const auto& iso : mc.add)
        if (std::find(g->members.begin(), g->members.end(), iso) == g->members.end()) g->members.push_back(iso);
      for (const auto& iso : mc.remove) std::erase(g->members, iso);
      rebuild = true;
      for (int k = 0; k < w.k; ++k) retier.push_back(k);  // tier lists may name this group
    }
    for (const SecurityChange& sc : ev.security) {
      const int k = find_power(cfg, sc.power);
      for (const auto& [iso, v] : sc.values)
        if (auto it = w.index_of.find(iso); it != w.index_of.end()) w.security(k, it->second) = static_cast<float>(v);
    }
    for (const RivalryChange& rc : ev.rivalry) {
      const int k = find_power(cfg, rc.power);
      for (const auto& [iso, v] : rc.values)
        if (auto it = w.index_of.find(iso); it != w.index_of.end()) w.rivalry(k, it->second) = static_cast<float>(v);
    }
  }
  if (rebuild) build_network(w, cfg);
  std::sort(retier.begin(), retier.end());
  retier.erase(std::unique(retier.begin(), retier.end()), retier.end());
  for (int k : retier) assign_tiers(w, k);
  for (int k = 0; k < w.k; ++k)
    if (w.powers[static_cast<std::size_t>(k)].cfg.tiers.rule == TierRule::by_alignment) assign_tiers(w, k);
  detail::react(w);
}

}  // namespace blocsim::phase
