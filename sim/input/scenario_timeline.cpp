// Scenario parser, timeline: dated events that set parameters, change tiers,
// memberships, security ties and rivalries, sorted by tick
// (timeline: in scenarios/README.md; class: input/scenario_parser.h).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>

#include "input/scenario_parser.h"

namespace blocsim::scenario_detail {

void Parser::parse_timeline(const Val& v) {
  if (!ctx_.expect_seq(v, "timeline")) return;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string key = "timeline[" + std::to_string(i) + "]";
    const Val& ev = v.items[i];
    ctx_.at(key, ev.loc);
    if (!ctx_.expect_map(ev, key)) continue;
    ctx_.check_keys(ev, key, kEventKeys);
    Event e;
    e.loc = ev.loc;
    const Val* tick = ev.get("tick");
    const Val* date = ev.get("date");
    bool ok = true;
    if (tick && date) {
      ctx_.error(ev.key_loc("date"), key, "give either 'tick' or 'date', not both");
      ok = false;
    } else if (!tick && !date) {
      ctx_.error(ev.loc, key, "missing 'tick' or 'date' (when the event applies)");
      ok = false;
    } else if (tick) {
      if (auto n = ctx_.integer(*tick, key + ".tick")) e.tick = static_cast<int>(std::clamp<long long>(*n, -1000000000, 1000000000));
      else ok = false;
    } else if (auto s = ctx_.string(*date, key + ".date")) {
      e.date = *s;
      const auto t = date_tick(cfg_.calendar, *s);
      Calendar probe = cfg_.calendar;
      probe.step = CalendarStep::month;
      if (!date_tick(probe, *s)) {
        ctx_.bad(date->loc, key + ".date", "expected a date YYYY-MM, got '" + *s + "'");
        ok = false;
      } else if (!t) {
        const int months = *date_tick(probe, *s);
        const int step = cfg_.calendar.step == CalendarStep::quarter ? 3 : 12;
        const int before = months >= 0 ? months / step : -((-months + step - 1) / step);
        ctx_.bad(date->loc, key + ".date",
                 "date " + *s + " is not on a tick boundary (ticks are " +
                     (cfg_.calendar.step == CalendarStep::quarter ? "quarters" : "years") + " from " +
                     tick_date(cfg_.calendar, 0) + "; nearest: " + tick_date(cfg_.calendar, before) + " or " +
                     tick_date(cfg_.calendar, before + 1) + ")");
        ok = false;
      } else {
        e.tick = *t;
      }
    } else {
      ok = false;
    }
    if (!ok) ctx_.info.reported.insert(key + ".tick");
    if (const Val* x = ev.get("label"))
      if (auto s = ctx_.string(*x, key + ".label")) e.label = *s;
    ctx_.map_entries(ev, "set", key, [&](const std::string& path, const std::string& ak, const Val& x, const SourceLoc&) {
      if (auto d = ctx_.number(x, ak)) e.set.push_back(Assignment{path, *d, x.loc});
    });
    ctx_.map_entries(ev, "tiers", key, [&](const std::string& power, const std::string& tk, const Val& x, const SourceLoc& kl) {
      ctx_.at(tk, kl);
      e.tiers.push_back(TierChange{power, parse_tiers(x, tk)});
      ctx_.at(tk, kl);
    });
    ctx_.map_entries(ev, "memberships", key, [&](const std::string& group, const std::string& gk, const Val& m, const SourceLoc& kl) {
      ctx_.at(gk, kl);
      MembershipChange mc;
      mc.group = group;
      if (ctx_.expect_map(m, gk)) {
        ctx_.check_keys(m, gk, kMembershipKeys);
        if (const Val* a = m.get("add")) mc.add = ctx_.strings(*a, gk + ".add");
        if (const Val* r = m.get("remove")) mc.remove = ctx_.strings(*r, gk + ".remove");
      }
      ctx_.at(gk, kl);
      e.memberships.push_back(std::move(mc));
    });
    // security: and rivalry: changes, power → {ISO3: value}, read alike
    auto power_iso_values = [&](const char* name, auto& out) {
      ctx_.map_entries(ev, name, key, [&](const std::string& power, const std::string& pk, const Val& x, const SourceLoc& kl) {
        ctx_.at(pk, kl);
        typename std::decay_t<decltype(out)>::value_type change;
        change.power = power;
        change.values = iso_values(x, pk);
        ctx_.at(pk, kl);
        out.push_back(std::move(change));
      });
    };
    power_iso_values("security", e.security);
    power_iso_values("rivalry", e.rivalry);
    cfg_.timeline.push_back(std::move(e));
    paths.push_back(key);
  }
  // sort by tick (stable), keeping each event's original key path
  std::vector<std::size_t> order(cfg_.timeline.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return cfg_.timeline[a].tick < cfg_.timeline[b].tick; });
  std::vector<Event> sorted;
  for (std::size_t i : order) {
    sorted.push_back(std::move(cfg_.timeline[i]));
    ctx_.info.event_paths.push_back(paths[i]);
  }
  cfg_.timeline = std::move(sorted);
}

}  // namespace blocsim::scenario_detail
