// Scenario parser, powers: ids, identities, levers (export-control tiers,
// open models, capacity building, ...), ties, rivalries and reactive rules
// (powers[] in scenarios/README.md; class: input/scenario_parser.h).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "input/scenario_parser.h"

namespace blocsim::scenario_detail {

TierSpec Parser::parse_tiers(const Val& v, const std::string& key) {
  TierSpec t;
  ctx_.at(key, v.loc);
  if (!ctx_.expect_map(v, key)) return t;
  ctx_.check_keys(v, key, kTierKeys);
  if (const Val* r = v.get("rule")) {
    if (auto c = ctx_.choice(*r, key + ".rule", kTierRules)) t.rule = static_cast<TierRule>(*c);
  }
  if (const Val* d = v.get("default")) {
    if (auto x = ctx_.integer(*d, key + ".default")) t.default_tier = static_cast<int>(*x);
  }
  auto entries = [&](const char* name, std::vector<std::pair<std::string, int>>& out) {
    ctx_.map_entries(v, name, key, [&](const std::string& id, const std::string& ek, const Val& x, const SourceLoc& kl) {
      ctx_.at(ek, kl);
      if (auto n = ctx_.integer(x, ek)) out.emplace_back(id, static_cast<int>(*n));
      ctx_.at(ek, kl);
    });
  };
  entries("groups", t.groups);
  entries("countries", t.countries);
  return t;
}

void Parser::parse_powers(const Val& v) {
  if (!ctx_.expect_seq(v, "powers")) return;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string key = "powers[" + std::to_string(i) + "]";
    const Val& pv = v.items[i];
    ctx_.at(key, pv.loc);
    PowerConfig p;
    if (!ctx_.expect_map(pv, key)) {
      cfg_.powers.push_back(p);
      continue;
    }
    ctx_.check_keys(pv, key, kPowerKeys);
    if (const Val* x = pv.get("id")) {
      if (auto s = ctx_.string(*x, key + ".id")) p.id = *s;
    } else {
      ctx_.bad(pv.loc, key, "missing required key 'id'");
      ctx_.info.reported.insert(key + ".id");
    }
    p.name = p.id;
    if (const Val* x = pv.get("name")) {
      if (auto s = ctx_.string(*x, key + ".name")) p.name = *s;
    }
    if (const Val* x = pv.get("home")) {
      if (auto s = ctx_.string(*x, key + ".home")) p.home = *s;
    }
    if (const Val* x = pv.get("identity")) {
      bool ok = true;
      p.identity = ctx_.numbers(*x, key + ".identity", ok);
    } else {
      ctx_.bad(pv.loc, key + ".identity", "missing required key 'identity' (one value per dimension)");
    }
    for (const auto& spec : power_params()) {
      // keys are "frontier" or "section.key"
      const std::string k(spec.key);
      const auto dot = k.find('.');
      const Val* x = nullptr;
      if (dot == std::string::npos) {
        x = pv.get(k);
      } else if (const Val* sec = pv.get(k.substr(0, dot)); sec && sec->is_map()) {
        x = sec->get(k.substr(dot + 1));
      }
      if (x) {
        if (auto d = ctx_.number(*x, key + "." + k)) p.*(spec.field) = *d;
      }
    }
    if (const Val* ec = pv.get("export_controls")) {
      const std::string k = key + ".export_controls";
      ctx_.at(k, ec->loc);
      if (ctx_.expect_map(*ec, k)) {
        ctx_.check_keys(*ec, k, kExportKeys);
        if (const Val* t = ec->get("tiers")) p.tiers = parse_tiers(*t, k + ".tiers");
      }
    }
    if (const Val* cb = pv.get("capacity_building")) {
      const std::string k = key + ".capacity_building";
      ctx_.at(k, cb->loc);
      if (ctx_.expect_map(*cb, k)) {
        ctx_.check_keys(*cb, k, kCapacityKeys);
        if (const Val* t = cb->get("targeting")) {
          if (auto c = ctx_.choice(*t, k + ".targeting", kTargeting)) p.targeting = static_cast<Targeting>(*c);
        }
      }
    }
    if (const Val* ties = pv.get("ties")) {
      const std::string k = key + ".ties";
      ctx_.at(k, ties->loc);
      if (ctx_.expect_map(*ties, k)) {
        ctx_.check_keys(*ties, k, kTiesKeys);
        if (const Val* x = ties->get("trade_column"))
          if (auto s = ctx_.string(*x, k + ".trade_column")) p.trade_column = *s;
        if (const Val* x = ties->get("security_column"))
          if (auto s = ctx_.string(*x, k + ".security_column")) p.security_column = *s;
        if (const Val* x = ties->get("default_trade"))
          if (auto d = ctx_.number(*x, k + ".default_trade")) p.default_trade = *d;
        if (const Val* x = ties->get("default_security"))
          if (auto d = ctx_.number(*x, k + ".default_security")) p.default_security = *d;
        if (const Val* x = ties->get("security_groups")) p.security_groups = ctx_.strings(*x, k + ".security_groups");
        if (const Val* x = ties->get("rivalry_column"))
          if (auto s = ctx_.string(*x, k + ".rivalry_column")) p.rivalry_column = *s;
      }
    }
    if (const Val* x = pv.get("rivalries")) p.rivalries = iso_values(*x, key + ".rivalries");
    if (const Val* x = pv.get("standards_groups")) p.standards_groups = ctx_.strings(*x, key + ".standards_groups");
    if (const Val* x = pv.get("reactions")) parse_reactions(*x, key + ".reactions", p);
    if (p.trade_column.empty()) p.trade_column = "trade_" + p.id;
    if (p.security_column.empty()) p.security_column = "security_" + p.id;
    if (p.rivalry_column.empty()) p.rivalry_column = "rivalry_" + p.id;
    cfg_.powers.push_back(std::move(p));
  }
}

//! A map ISO3 → number (rivalry lists), each value located.
std::vector<std::pair<std::string, double>> Parser::iso_values(const Val& m, const std::string& key) {
  std::vector<std::pair<std::string, double>> out;
  ctx_.at(key, m.loc);
  if (!ctx_.expect_map(m, key)) return out;
  for (std::size_t q = 0; q < m.entries.size(); ++q) {
    const std::string ck = key + "." + m.entries[q].first;
    if (auto d = ctx_.number(m.entries[q].second, ck)) out.emplace_back(m.entries[q].first, *d);
    ctx_.at(ck, m.entries[q].second.loc);
  }
  return out;
}

//! powers[].reactions: reactive strategy rules (docs/ODD.md §7.10).
void Parser::parse_reactions(const Val& v, const std::string& key, PowerConfig& p) {
  ctx_.at(key, v.loc);
  if (!ctx_.expect_seq(v, key)) return;
  for (std::size_t j = 0; j < v.items.size(); ++j) {
    const std::string rk = key + "[" + std::to_string(j) + "]";
    const Val& rv = v.items[j];
    ctx_.at(rk, rv.loc);
    ReactiveRule r;
    r.loc = rv.loc;
    r.name = "rule" + std::to_string(j);
    if (!ctx_.expect_map(rv, rk)) continue;
    ctx_.check_keys(rv, rk, kReactionKeys);
    if (const Val* x = rv.get("name"))
      if (auto s = ctx_.string(*x, rk + ".name")) r.name = *s;
    if (const Val* x = rv.get("cooldown"))
      if (auto n = ctx_.integer(*x, rk + ".cooldown")) r.cooldown = static_cast<int>(std::clamp<long long>(*n, -1, 1000000000));
    if (const Val* x = rv.get("max_firings"))
      if (auto n = ctx_.integer(*x, rk + ".max_firings")) r.max_firings = static_cast<int>(std::clamp<long long>(*n, -2, 1000000000));
    if (const Val* w = rv.get("when")) {
      const std::string wk = rk + ".when";
      ctx_.at(wk, w->loc);
      if (ctx_.expect_map(*w, wk)) {
        ctx_.check_keys(*w, wk, kReactionWhenKeys);
        if (const Val* x = w->get("signal"))
          if (auto s = ctx_.string(*x, wk + ".signal")) r.signal = *s;
        if (const Val* x = w->get("below")) r.below = ctx_.number(*x, wk + ".below");
        if (const Val* x = w->get("above")) r.above = ctx_.number(*x, wk + ".above");
      }
    } else {
      ctx_.bad(rv.loc, rk + ".when", "missing required key 'when' (signal and threshold)");
      ctx_.info.reported.insert(rk + ".when");
    }
    if (const Val* t = rv.get("then")) {
      const std::string tk = rk + ".then";
      ctx_.at(tk, t->loc);
      if (ctx_.expect_map(*t, tk)) {
        ctx_.check_keys(*t, tk, kReactionThenKeys);
        if (const Val* x = t->get("set"))
          if (auto s = ctx_.string(*x, tk + ".set")) r.set = *s;
        if (const Val* x = t->get("to")) r.to = ctx_.number(*x, tk + ".to");
        if (const Val* x = t->get("by")) r.by = ctx_.number(*x, tk + ".by");
        if (const Val* x = t->get("limit")) r.limit = ctx_.number(*x, tk + ".limit");
        if (const Val* x = t->get("aid"))
          if (auto d = ctx_.number(*x, tk + ".aid")) r.aid = *d;
        if (const Val* x = t->get("budget"))
          if (auto d = ctx_.number(*x, tk + ".budget")) r.budget = *d;
      }
    } else {
      ctx_.bad(rv.loc, rk + ".then", "missing required key 'then' (the action)");
      ctx_.info.reported.insert(rk + ".then");
    }
    p.reactions.push_back(std::move(r));
  }
}

}  // namespace blocsim::scenario_detail
