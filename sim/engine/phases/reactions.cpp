// Reactive strategies (issue 11; docs/ODD.md §7.10).
//
// A rule of power k is `when <signal> below/above <threshold> then <action>`,
// with a cooldown (ticks between firings) and a maximum number of firings.
// It is evaluated in the policy phase of tick t from the state the previous
// tick left (alignments, standards, frontiers and the utilities of the last
// choice), so a firing at t acts from the courtship phase of t on.
//
// Global signals (one number per power; shares are over countries):
//   frontier_gap            (f_k − max_{l≠k} f_l) / f_k      (own lead; < 0 = behind)
//   own_bloc_{count,gdp,pop}     share of countries aligned with k (weights 1, gdp, pop)
//   rival_bloc_{count,gdp,pop}   largest share aligned with any other power
//   own_standard_{count,gdp}     share using k's standard
//   rival_standard_{count,gdp}   largest share using another power's standard
// Global action: `set` a lever of k (a powers.<id>.* registry key) `to` a value
// or `by` an increment, clamped to the registry range and to `limit`.
//
// Per-country signal `margin`: U_{i,k} − max_{b ≠ k} U_{i,b} from the last
// choice (how far k leads in country i; negative = k is behind). Action: `aid`
// to each matching country (not pinned), closest calls (smallest |margin|,
// then index) first, as many as `budget / aid` allows; added to aid_ik for
// this tick on top of the power's budget B_k.
//
// Every firing is appended to w.firings ("<power>.<rule>: what it did") and
// written to events.csv by the run folder writer.
#include "reactions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <vector>

#include "blocsim/parallel.h"

namespace blocsim::phase::detail {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

double share(const World& w, const std::vector<Bloc>& label, int b, int weight) {
  const auto wt = [&](std::int64_t i) { return weight == 0 ? 1.0 : (weight == 1 ? w.gdp(i) : w.pop(i)); };
  const double tot = fixed_sum(w.n, wt);
  const double part = fixed_sum(w.n, [&](std::int64_t i) { return label[static_cast<std::size_t>(i)] == b ? wt(i) : 0.0; });
  return tot > 0.0 ? part / tot : 0.0;
}

}  // namespace

double reaction_signal(const World& w, int k, const std::string& s) {
  if (s == "frontier_gap") {
    double rival = 0.0;
    for (int l = 0; l < w.k; ++l)
      if (l != k) rival = std::max(rival, w.powers[static_cast<std::size_t>(l)].frontier);
    const double f = w.powers[static_cast<std::size_t>(k)].frontier;
    return f > 0.0 ? (f - rival) / f : 0.0;
  }
  const bool own = s.starts_with("own_");
  const bool rival = s.starts_with("rival_");
  if (!own && !rival) return std::numeric_limits<double>::quiet_NaN();
  const std::string rest = s.substr(own ? 4 : 6);
  const bool bloc = rest.starts_with("bloc_");
  const bool stand = rest.starts_with("standard_");
  if (!bloc && !stand) return std::numeric_limits<double>::quiet_NaN();
  const std::string wname = rest.substr(bloc ? 5 : 9);
  const int weight = wname == "count" ? 0 : (wname == "gdp" ? 1 : (wname == "pop" ? 2 : -1));
  if (weight < 0) return std::numeric_limits<double>::quiet_NaN();
  const auto& label = bloc ? w.alignment : w.standard;
  if (own) return share(w, label, k + 1, weight);
  double best = 0.0;
  for (int l = 0; l < w.k; ++l)
    if (l != k) best = std::max(best, share(w, label, l + 1, weight));
  return best;
}

void react(World& w) {
  // Only `margin` rules write aid_extra (make_world zeroes it, and a run's
  // rules never change), so without one it is still all zeros: no pass over
  // K × N doubles per tick (at 10⁶ agents 16 MB of stores).
  bool margin_rules = false;
  for (const PowerState& pw : w.powers)
    for (const ReactiveRule& r : pw.cfg.reactions) margin_rules = margin_rules || r.signal == "margin";
  if (margin_rules && w.aid_extra.size() != 0) w.aid_extra.setZero();
  std::size_t idx = 0;
  for (int k = 0; k < w.k; ++k) {
    PowerState& pw = w.powers[static_cast<std::size_t>(k)];
    for (const ReactiveRule& r : pw.cfg.reactions) {
      const std::size_t ri = idx++;
      if (ri >= w.rule_last.size()) continue;
      if (r.max_firings >= 0 && w.rule_count[ri] >= r.max_firings) continue;
      if (w.rule_last[ri] >= 0 && w.tick - w.rule_last[ri] <= r.cooldown) continue;
      auto holds = [&](double v) { return (!r.below || v < *r.below) && (!r.above || v > *r.above); };
      const std::string tag = pw.cfg.id + "." + r.name + ": ";
      if (r.signal == "margin") {
        std::vector<std::pair<double, std::int32_t>> hit;
        for (std::int32_t i = 0; i < w.n; ++i) {
          if (w.pinned[static_cast<std::size_t>(i)] >= 0) continue;
          double other = -std::numeric_limits<double>::infinity();
          for (int b = 0; b <= w.k; ++b)
            if (b != k + 1) other = std::max(other, w.utility(b, i));
          const double m = w.utility(k + 1, i) - other;
          if (holds(m)) hit.emplace_back(std::abs(m), i);
        }
        if (hit.empty()) continue;
        std::sort(hit.begin(), hit.end());
        const auto funded = std::min<std::size_t>(hit.size(), static_cast<std::size_t>(std::floor(r.budget / r.aid + 1e-9)));
        if (funded == 0) continue;
        std::string who;
        for (std::size_t q = 0; q < funded; ++q) {
          w.aid_extra(k, hit[q].second) += r.aid;
          if (q < 8) who += (q ? " " : "") + country_id(w, hit[q].second);
        }
        if (funded > 8) who += " +" + std::to_string(funded - 8);
        w.firings.push_back({w.tick, tag + "aid " + num(r.aid) + " to " + std::to_string(funded) + " of " +
                                         std::to_string(hit.size()) + " countries with margin in range (" + who + ")"});
      } else {
        const double v = reaction_signal(w, k, r.signal);
        if (!holds(v)) continue;
        const ParamSpec<PowerConfig>* spec = nullptr;
        for (const auto& sp : power_params())
          if (sp.key == r.set) spec = &sp;
        if (!spec) continue;  // validated at load time
        double& lever = pw.cfg.*(spec->field);
        const double old = lever;
        double nv = r.to ? *r.to : old + r.by.value_or(0.0);
        if (r.limit) nv = r.by.value_or(0.0) >= 0.0 ? std::min(nv, *r.limit) : std::max(nv, *r.limit);
        nv = std::clamp(nv, spec->min, spec->max);
        if (std::abs(nv - old) <= 1e-12 * std::max(1.0, std::abs(old))) continue;  // nothing left to do: not a firing
        lever = nv;
        if (r.set == "frontier") pw.frontier = nv;
        w.firings.push_back({w.tick, tag + r.set + " " + num(old) + " -> " + num(nv) + " (" + r.signal + " = " + num(v) + ")"});
      }
      w.rule_last[ri] = w.tick;
      ++w.rule_count[ri];
    }
  }
}

}  // namespace blocsim::phase::detail
