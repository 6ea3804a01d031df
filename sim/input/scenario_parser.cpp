// The scenario parser: merged YAML tree → ScenarioConfig (type errors,
// unknown keys, missing files; every key's position goes into SourceInfo).
//
// Longer than 600 lines on purpose: one class that walks the scenario schema
// top to bottom (calendar, powers, model, network, world files, initial,
// timeline, outputs), one method per section, sharing the parse state; the
// order of the methods is the order of scenarios/README.md.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "input/scenario_detail.h"

namespace blocsim::scenario_detail {

namespace {

class Parser {
 public:
  Parser(Ctx& ctx, ScenarioConfig& cfg) : ctx_(ctx), cfg_(cfg) {}

  void parse(const Val& root, bool root_has_name, const std::string& stem) {
    ctx_.check_keys(root, "", kTopKeys);
    for (std::size_t i = 0; i < root.entries.size(); ++i) ctx_.at(root.entries[i].first, root.key_locs[i]);
    cfg_.name = stem;
    if (const Val* v = root.get("name"); v && root_has_name) {
      if (auto s = ctx_.string(*v, "name")) cfg_.name = *s;
    }
    if (const Val* v = root.get("description")) {
      if (auto s = ctx_.string(*v, "description")) cfg_.description = *s;
    }
    if (const Val* v = root.get("seed")) {
      ctx_.at("seed", v->loc);
      std::optional<std::uint64_t> s;
      if (v->is_scalar() && !v->quoted) s = parse_uint64(v->text);
      if (s) cfg_.seed = *s;
      else ctx_.bad(v->loc, "seed", "expected an integer in [0, 2^64), got " + describe(*v));
    }
    if (const Val* v = root.get("ticks")) {
      if (auto x = ctx_.integer(*v, "ticks")) {
        if (*x < 1 || *x > 1000000) ctx_.bad(v->loc, "ticks", "out of range: " + v->text + " is not in [1, 1000000]");
        else cfg_.ticks = static_cast<int>(*x);
      }
    }
    if (const Val* v = root.get("calendar")) parse_calendar(*v);
    cfg_.dimensions = {"democracy", "sovereignty", "multilateralism", "market"};
    if (const Val* v = root.get("dimensions")) {
      cfg_.dimensions = ctx_.strings(*v, "dimensions");
    }
    if (const Val* v = root.get("powers")) parse_powers(*v);
    else ctx_.error(SourceLoc{root.loc.file, 1, 1}, "powers", "missing required key (at least one power)");
    if (const Val* v = root.get("model")) parse_model(*v);
    if (const Val* v = root.get("network")) parse_network(*v);
    if (const Val* v = root.get("world")) parse_world(*v);
    else ctx_.error(SourceLoc{root.loc.file, 1, 1}, "world", "missing required key (countries or synthetic)");
    fill_tie_defaults();
    if (const Val* v = root.get("initial")) parse_initial(*v);
    if (const Val* v = root.get("timeline")) parse_timeline(*v);
    if (const Val* v = root.get("outputs")) parse_outputs(*v);
  }

 private:
  Ctx& ctx_;
  ScenarioConfig& cfg_;
  std::set<std::string> iso_set_;

  void parse_calendar(const Val& v) {
    if (!ctx_.expect_map(v, "calendar")) return;
    ctx_.check_keys(v, "calendar", kCalendarKeys);
    if (const Val* s = v.get("start")) {
      if (auto text = ctx_.string(*s, "calendar.start")) {
        Calendar c;
        c.start_year = 0;
        c.start_month = 1;
        c.step = CalendarStep::month;
        const auto months = date_tick(c, *text);  // months since 0000-01
        if (!months) ctx_.bad(s->loc, "calendar.start", "expected a date YYYY-MM, got '" + *text + "'");
        else {
          cfg_.calendar.start_year = *months / 12;
          cfg_.calendar.start_month = *months % 12 + 1;
        }
      }
    }
    if (const Val* s = v.get("step")) {
      if (auto c = ctx_.choice(*s, "calendar.step", kSteps)) cfg_.calendar.step = static_cast<CalendarStep>(*c);
    }
  }

  // --- tiers (powers and timeline) -----------------------------------------
  TierSpec parse_tiers(const Val& v, const std::string& key) {
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
      const Val* m = v.get(name);
      if (!m) return;
      const std::string k = key + "." + name;
      ctx_.at(k, m->loc);
      if (!ctx_.expect_map(*m, k)) return;
      for (std::size_t i = 0; i < m->entries.size(); ++i) {
        const std::string ek = k + "." + m->entries[i].first;
        ctx_.at(ek, m->key_locs[i]);
        if (auto x = ctx_.integer(m->entries[i].second, ek)) out.emplace_back(m->entries[i].first, static_cast<int>(*x));
        ctx_.at(ek, m->key_locs[i]);
      }
    };
    entries("groups", t.groups);
    entries("countries", t.countries);
    return t;
  }

  // --- powers ---------------------------------------------------------------
  void parse_powers(const Val& v) {
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
  std::vector<std::pair<std::string, double>> iso_values(const Val& m, const std::string& key) {
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
  void parse_reactions(const Val& v, const std::string& key, PowerConfig& p) {
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

  // --- model / network ------------------------------------------------------
  void parse_model(const Val& v) {
    if (!ctx_.expect_map(v, "model")) return;
    Keys allowed = kModelStringKeys;
    for (const auto& s : model_params()) allowed.emplace_back(s.key);
    ctx_.check_keys(v, "model", allowed);
    for (const auto& s : model_params()) {
      if (const Val* x = v.get(s.key)) {
        if (auto d = ctx_.number(*x, "model." + std::string(s.key))) cfg_.model.*(s.field) = *d;
      }
    }
    if (const Val* x = v.get("grievance_dimension"))
      if (auto s = ctx_.string(*x, "model.grievance_dimension")) cfg_.model.grievance_dimension = *s;
    if (const Val* x = v.get("multilateral_dimension"))
      if (auto s = ctx_.string(*x, "model.multilateral_dimension")) cfg_.model.multilateral_dimension = *s;
    if (const Val* x = v.get("sovereignty_dimension"))
      if (auto s = ctx_.string(*x, "model.sovereignty_dimension")) cfg_.model.sovereignty_dimension = *s;
    if (const Val* x = v.get("hedge_groups")) cfg_.model.hedge_groups = ctx_.strings(*x, "model.hedge_groups");
  }

  void parse_network(const Val& v) {
    if (!ctx_.expect_map(v, "network")) return;
    Keys allowed = kNetworkExtraKeys;
    for (const auto& s : network_params()) allowed.emplace_back(s.key);
    ctx_.check_keys(v, "network", allowed);
    for (const auto& s : network_params()) {
      if (const Val* x = v.get(s.key)) {
        if (auto d = ctx_.number(*x, "network." + std::string(s.key))) cfg_.network.*(s.field) = *d;
      }
    }
    if (const Val* x = v.get("groups")) cfg_.network.groups = ctx_.strings(*x, "network.groups");
  }

  // --- world ----------------------------------------------------------------
  void parse_world(const Val& v) {
    if (!ctx_.expect_map(v, "world")) return;
    ctx_.check_keys(v, "world", kWorldKeys);
    WorldConfig& w = cfg_.world;
    if (const Val* s = v.get("synthetic")) {
      ctx_.at("world.synthetic", s->loc);
      for (const char* other : {"countries", "groups", "borders", "trade", "edges"}) {
        if (v.get(other)) {
          ctx_.error(v.key_loc(other), std::string("world.") + other,
                     "cannot be combined with world.synthetic (a synthetic world is generated)");
        }
      }
      SyntheticWorld sw;
      if (ctx_.expect_map(*s, "world.synthetic")) {
        ctx_.check_keys(*s, "world.synthetic", kSyntheticKeys);
        if (const Val* x = s->get("countries")) {
          if (auto n = ctx_.integer(*x, "world.synthetic.countries")) sw.countries = *n;
        } else {
          ctx_.bad(s->loc, "world.synthetic", "missing required key 'countries'");
        }
        if (const Val* x = s->get("degree"))
          if (auto d = ctx_.number(*x, "world.synthetic.degree")) sw.degree = *d;
        if (const Val* x = s->get("rewire"))
          if (auto d = ctx_.number(*x, "world.synthetic.rewire")) sw.rewire = *d;
      }
      w.synthetic = sw;
      return;
    }
    if (const Val* cc = v.get("capacity_column")) {
      ctx_.at("world.capacity_column", cc->loc);
      if (!cc->is_scalar() || !(cc->text == "capacity" || (cc->text.starts_with("capacity_") && cc->text.size() > 9)))
        ctx_.bad(cc->loc, "world.capacity_column",
                 "expected 'capacity' or a column name 'capacity_<source>', got " + describe(*cc));
      else
        w.capacity_column = cc->text;
    }
    if (const Val* c = v.get("countries")) {
      ctx_.at("world.countries", c->loc);
      if (c->is_scalar()) {
        const fs::path p = resolve_against(c->text, c->loc);
        if (auto t = read_csv(p, ctx_, c->loc, "world.countries")) {
          w.countries_file = fs::absolute(p).lexically_normal().string();
          w.source_files.push_back(w.countries_file);
          w.source_sha256.push_back(file_sha256(p));
          parse_country_csv(*t);
        }
      } else if (c->is_seq()) {
        for (std::size_t i = 0; i < c->items.size(); ++i) parse_inline_country(c->items[i], i);
      } else {
        ctx_.bad(c->loc, "world.countries", "expected a CSV file name or a list of countries, got " + describe(*c));
      }
    } else {
      ctx_.bad(v.loc, "world", "missing required key 'countries' (or 'synthetic')");
    }
    for (const auto& r : w.countries) iso_set_.insert(r.iso3);
    if (const Val* g = v.get("groups")) {
      ctx_.at("world.groups", g->loc);
      if (g->is_scalar()) {
        const fs::path p = resolve_against(g->text, g->loc);
        if (auto root = read_yaml(p, p.string(), ctx_, g->loc, "world.groups")) {
          w.groups_file = fs::absolute(p).lexically_normal().string();
          w.source_files.push_back(w.groups_file);
          w.source_sha256.push_back(file_sha256(p));
          parse_group_file(*root);
        }
      } else if (g->is_map()) {
        for (std::size_t i = 0; i < g->entries.size(); ++i) {
          const std::string key = "world.groups." + g->entries[i].first;
          ctx_.at(key, g->key_locs[i]);
          Group grp;
          grp.id = g->entries[i].first;
          grp.members = member_list(g->entries[i].second, key, {});
          w.groups.push_back(std::move(grp));
        }
      } else {
        ctx_.bad(g->loc, "world.groups", "expected a YAML file name or a map group_id: [ISO3, ...], got " + describe(*g));
      }
    }
    parse_edges(v, "borders", w.borders, w.borders_file, ctx_.info.border_paths, false);
    parse_edges(v, "trade", w.trade, w.trade_file, ctx_.info.trade_paths, true);
    parse_edges(v, "edges", w.edges, w.edges_file, ctx_.info.edge_paths, false);
  }

  std::vector<std::string> member_list(const Val& v, const std::string& key, const std::set<std::string>& ignore) {
    std::vector<std::string> out;
    ctx_.at(key, v.loc);
    if (!ctx_.expect_seq(v, key)) return out;
    for (std::size_t j = 0; j < v.items.size(); ++j) {
      const std::string mk = key + ".members[" + std::to_string(j) + "]";
      if (auto s = ctx_.string(v.items[j], mk)) {
        if (ignore.count(*s) && !iso_set_.count(*s)) continue;
        ctx_.at(key + ".members[" + std::to_string(out.size()) + "]", v.items[j].loc);
        out.push_back(*s);
      }
    }
    return out;
  }

  void parse_group_file(const Val& root) {
    if (!ctx_.expect_map(root, "world.groups")) return;
    ctx_.check_keys(root, "world.groups", kGroupFileKeys);
    std::set<std::string> ignore;
    if (const Val* ig = root.get("ignore")) {
      for (const auto& s : ctx_.strings(*ig, "world.groups.ignore")) ignore.insert(s);
    }
    const Val* lists = root.get("lists");
    if (!lists) {
      ctx_.bad(root.loc, "world.groups", "missing required key 'lists'");
      return;
    }
    if (!ctx_.expect_seq(*lists, "world.groups.lists")) return;
    for (std::size_t i = 0; i < lists->items.size(); ++i) {
      const Val& item = lists->items[i];
      const std::string ik = "world.groups.lists[" + std::to_string(i) + "]";
      if (!ctx_.expect_map(item, ik)) continue;
      ctx_.check_keys(item, ik, kGroupListKeys);
      Group grp;
      if (const Val* id = item.get("id")) {
        if (auto s = ctx_.string(*id, ik + ".id")) grp.id = *s;
      }
      if (grp.id.empty()) {
        ctx_.bad(item.loc, ik, "missing required key 'id'");
        continue;
      }
      const std::string key = "world.groups." + grp.id;
      ctx_.at(key, item.get("id")->loc);
      if (const Val* m = item.get("members")) grp.members = member_list(*m, key, ignore);
      else ctx_.bad(item.loc, key, "missing required key 'members'");
      cfg_.world.groups.push_back(std::move(grp));
    }
  }

  void parse_edges(const Val& world, const char* name, std::vector<Edge>& out, std::string& file,
                   std::vector<std::string>& paths, bool weight_required) {
    const Val* v = world.get(name);
    if (!v) return;
    const std::string key = std::string("world.") + name;
    ctx_.at(key, v->loc);
    if (v->is_scalar()) {
      const fs::path p = resolve_against(v->text, v->loc);
      auto t = read_csv(p, ctx_, v->loc, key);
      if (!t) return;
      file = fs::absolute(p).lexically_normal().string();
      cfg_.world.source_files.push_back(file);
      cfg_.world.source_sha256.push_back(file_sha256(p));
      const auto& h = t->header.fields;
      const bool has_weight = h.size() == 3 && h[2] == "weight";
      if (h.size() < 2 || h[0] != "iso3_a" || h[1] != "iso3_b" || (h.size() == 3 && !has_weight) || h.size() > 3 ||
          (weight_required && !has_weight)) {
        ctx_.bad(SourceLoc{t->file, t->header.line, 1}, key,
                 std::string("expected the header 'iso3_a,iso3_b") + (weight_required ? ",weight'" : "[,weight]'") +
                     ", got '" + join(h, ",") + "'");
        return;
      }
      for (const auto& row : t->rows) {
        const std::string rk = key + "[row " + std::to_string(row.line) + "]";
        const SourceLoc l{t->file, row.line, row.cols[0]};
        ctx_.at(rk, l);
        ctx_.at(rk + ".iso3_a", l);
        ctx_.at(rk + ".iso3_b", SourceLoc{t->file, row.line, row.cols[1]});
        Edge e{row.fields[0], row.fields[1], 1.0};
        if (has_weight) {
          const SourceLoc wl{t->file, row.line, row.cols[2]};
          ctx_.at(rk + ".weight", wl);
          if (auto d = parse_number(row.fields[2])) e.weight = *d;
          else {
            ctx_.bad(wl, rk + ".weight", "expected a number, got '" + row.fields[2] + "'");
            continue;
          }
        }
        out.push_back(e);
        paths.push_back(rk);
      }
      return;
    }
    if (!v->is_seq()) {
      ctx_.bad(v->loc, key, "expected a CSV file name or a list of [ISO3, ISO3(, weight)], got " + describe(*v));
      return;
    }
    for (std::size_t i = 0; i < v->items.size(); ++i) {
      const Val& it = v->items[i];
      const std::string rk = key + "[" + std::to_string(i) + "]";
      ctx_.at(rk, it.loc);
      if (!it.is_seq() || it.items.size() < 2 || it.items.size() > 3 || (weight_required && it.items.size() != 3)) {
        ctx_.bad(it.loc, rk,
                 std::string("expected [ISO3, ISO3") + (weight_required ? ", weight]" : "] or [ISO3, ISO3, weight]") +
                     ", got " + (it.is_seq() ? std::to_string(it.items.size()) + " values" : describe(it)));
        continue;
      }
      Edge e;
      auto a = ctx_.string(it.items[0], rk + ".iso3_a");
      auto b = ctx_.string(it.items[1], rk + ".iso3_b");
      if (!a || !b) continue;
      e.a = *a;
      e.b = *b;
      if (it.items.size() == 3) {
        auto d = ctx_.number(it.items[2], rk + ".weight");
        if (!d) continue;
        e.weight = *d;
      }
      out.push_back(e);
      paths.push_back(rk);
    }
  }

  void parse_inline_country(const Val& v, std::size_t i) {
    const std::string key = "world.countries[" + std::to_string(i) + "]";
    CountryRow r;
    r.loc = v.loc;
    ctx_.at(key, v.loc);
    ctx_.info.country_paths.push_back(key);
    if (!ctx_.expect_map(v, key)) {
      cfg_.world.countries.push_back(r);
      return;
    }
    ctx_.check_keys(v, key, kCountryKeys);
    if (const Val* x = v.get("iso3")) {
      if (auto s = ctx_.string(*x, key + ".iso3")) r.iso3 = *s;
      r.loc = x->loc;
    } else {
      ctx_.bad(v.loc, key + ".iso3", "missing required key 'iso3'");
    }
    auto str = [&](const char* k, std::string& out) {
      if (const Val* x = v.get(k))
        if (auto s = ctx_.string(*x, key + "." + k)) out = *s;
    };
    auto num = [&](const char* k, double& out) {
      if (const Val* x = v.get(k))
        if (auto d = ctx_.number(*x, key + "." + k)) out = *d;
    };
    str("name", r.name);
    str("region", r.region);
    str("subregion", r.subregion);
    str("estimated", r.estimated);
    num("gdp", r.gdp);
    num("pop", r.pop);
    num("capacity", r.capacity);
    if (const Val* x = v.get("identity")) {
      bool ok = true;
      r.identity = ctx_.numbers(*x, key + ".identity", ok);
    } else {
      ctx_.bad(v.loc, key + ".identity", "missing required key 'identity' (one value per dimension)");
    }
    auto ties = [&](const char* k, std::map<std::string, double>& out) {
      const Val* x = v.get(k);
      if (!x) return;
      const std::string tk = key + "." + k;
      ctx_.at(tk, x->loc);
      if (!ctx_.expect_map(*x, tk)) return;
      for (std::size_t j = 0; j < x->entries.size(); ++j) {
        const std::string ek = tk + "." + x->entries[j].first;
        if (auto d = ctx_.number(x->entries[j].second, ek)) out[x->entries[j].first] = *d;
        else ctx_.info.reported.insert(tk);
      }
    };
    ties("trade", r.trade);
    ties("security", r.security);
    cfg_.world.countries.push_back(std::move(r));
  }

  void parse_country_csv(const CsvTable& t) {
    const auto& h = t.header.fields;
    const SourceLoc hloc{t.file, t.header.line, 1};
    std::map<std::string, std::size_t> col;
    for (std::size_t j = 0; j < h.size(); ++j) {
      const SourceLoc l{t.file, t.header.line, t.header.cols[j]};
      if (col.count(h[j])) {
        ctx_.bad(l, "world.countries", "duplicate column '" + h[j] + "'");
        continue;
      }
      col[h[j]] = j;
    }
    // which columns are allowed
    Keys allowed = kCountryColumns;
    for (const auto& d : cfg_.dimensions) allowed.push_back(d);
    std::map<std::string, std::pair<std::string, bool>> power_col;  // column → (power id, is_trade)
    std::map<std::string, std::string> rivalry_col;                 // column → power id (optional columns)
    for (const auto& p : cfg_.powers) {
      if (p.id.empty()) continue;
      const std::string tc = p.trade_column.empty() ? "trade_" + p.id : p.trade_column;
      const std::string sc = p.security_column.empty() ? "security_" + p.id : p.security_column;
      power_col[tc] = {p.id, true};
      power_col[sc] = {p.id, false};
      allowed.push_back(tc);
      allowed.push_back(sc);
      const std::string rc = p.rivalry_column.empty() ? "rivalry_" + p.id : p.rivalry_column;
      rivalry_col[rc] = p.id;
      allowed.push_back(rc);
    }
    for (std::size_t j = 0; j < h.size(); ++j) {
      if (std::find(allowed.begin(), allowed.end(), h[j]) != allowed.end()) continue;
      // ties with powers this scenario does not define are ignored
      if (h[j].starts_with("trade_") || h[j].starts_with("security_") || h[j].starts_with("rivalry_")) continue;
      if (data_only_column(h[j])) continue;
      ctx_.error(SourceLoc{t.file, t.header.line, t.header.cols[j]}, "world.countries",
                 "unknown column '" + h[j] + "'" + hint(h[j], allowed));
    }
    if (!col.count("iso3")) {
      ctx_.bad(hloc, "world.countries", "missing column 'iso3'");
      return;
    }
    const std::string& cap_col = cfg_.world.capacity_column;
    if (cap_col != "capacity" && !col.count(cap_col))
      ctx_.error(hloc, "world.countries", "missing column '" + cap_col + "' (chosen by world.capacity_column)");
    bool dims_ok = true;
    for (const auto& d : cfg_.dimensions) {
      if (!col.count(d)) {
        ctx_.error(hloc, "world.countries", "missing column '" + d + "' (one column per identity dimension)");
        dims_ok = false;
      }
    }
    for (std::size_t k = 0; k < cfg_.powers.size(); ++k) {
      const PowerConfig& p = cfg_.powers[k];
      if (p.id.empty()) continue;
      const std::string pk = "powers[" + std::to_string(k) + "]";
      if (!col.count(p.trade_column) && !p.default_trade) {
        ctx_.error(hloc, "world.countries",
                   "missing column '" + p.trade_column + "' (add it, or set " + pk + ".ties.default_trade)");
        ctx_.info.missing_columns.insert("trade:" + p.id);
      }
      if (!col.count(p.security_column) && !p.default_security) {
        ctx_.error(hloc, "world.countries",
                   "missing column '" + p.security_column + "' (add it, or set " + pk + ".ties.default_security)");
        ctx_.info.missing_columns.insert("security:" + p.id);
      }
    }
    for (const auto& row : t.rows) {
      CountryRow r;
      const std::string key = "world.countries[row " + std::to_string(row.line) + "]";
      auto loc_of = [&](std::size_t j) { return SourceLoc{t.file, row.line, row.cols[j]}; };
      r.loc = loc_of(col["iso3"]);
      ctx_.at(key, r.loc);
      ctx_.info.country_paths.push_back(key);
      r.iso3 = row.fields[col["iso3"]];
      ctx_.at(key + ".iso3", r.loc);
      auto num = [&](const std::string& c, double& out) -> bool {
        auto it = col.find(c);
        if (it == col.end()) return false;
        const std::string fk = key + "." + c;
        ctx_.at(fk, loc_of(it->second));
        const std::string& text = row.fields[it->second];
        if (text.empty()) {
          ctx_.bad(loc_of(it->second), fk, "missing value");
          return false;
        }
        if (auto d = parse_number(text)) {
          out = *d;
          return true;
        }
        ctx_.bad(loc_of(it->second), fk, "expected a number, got '" + text + "'");
        return false;
      };
      auto str = [&](const char* c, std::string& out) {
        auto it = col.find(c);
        if (it != col.end()) out = row.fields[it->second];
      };
      str("name", r.name);
      str("region", r.region);
      str("subregion", r.subregion);
      str("estimated", r.estimated);
      num("gdp", r.gdp);
      num("pop", r.pop);
      num("capacity", r.capacity);
      // data-only columns: empty or a number (a rivalry column of a power this scenario
      // defines is read into r.rivalry below and reported there)
      for (std::size_t j = 0; j < h.size() && j < row.fields.size(); ++j) {
        if (!data_only_column(h[j]) || rivalry_col.count(h[j]) || row.fields[j].empty() ||
            parse_number(row.fields[j]))
          continue;
        ctx_.bad(loc_of(j), key + "." + h[j], "expected a number or an empty cell, got '" + row.fields[j] + "'");
      }
      if (cap_col != "capacity") {
        // the chosen alternative; an empty cell there falls back to `capacity`
        auto it = col.find(cap_col);
        if (it != col.end() && !row.fields[it->second].empty()) num(cap_col, r.capacity);
      }
      if (dims_ok) {
        r.identity.assign(cfg_.dimensions.size(), 0.0);
        for (std::size_t d = 0; d < cfg_.dimensions.size(); ++d) {
          if (!num(cfg_.dimensions[d], r.identity[d])) ctx_.info.reported.insert(key + ".identity");
        }
      } else {
        ctx_.info.reported.insert(key + ".identity");
      }
      for (const auto& [c, who] : power_col) {
        auto it = col.find(c);
        if (it == col.end()) continue;
        const auto& [pid, is_trade] = who;
        auto& target = is_trade ? r.trade : r.security;
        // an empty cell falls back to the power's default, if it has one
        const PowerConfig& p = cfg_.powers[find_power(cfg_, pid)];
        const auto& dflt = is_trade ? p.default_trade : p.default_security;
        if (row.fields[it->second].empty() && dflt) continue;
        double x = 0;
        if (num(c, x)) target[pid] = x;
        else ctx_.info.reported.insert(key + (is_trade ? ".trade." : ".security.") + pid);
        ctx_.at(key + (is_trade ? ".trade." : ".security.") + pid, loc_of(it->second));
      }
      for (const auto& [c, pid] : rivalry_col) {  // optional: an empty cell means no rivalry
        auto it = col.find(c);
        if (it == col.end() || row.fields[it->second].empty()) continue;
        double x = 0;
        if (num(c, x)) r.rivalry[pid] = x;
        else ctx_.info.reported.insert(key + ".rivalry." + pid);
        ctx_.at(key + ".rivalry." + pid, loc_of(it->second));
      }
      cfg_.world.countries.push_back(std::move(r));
    }
  }

  //! After loading, every country has T_ik and S_ik for every power whose
  //! default is set (the engine does not need to know about defaults).
  void fill_tie_defaults() {
    for (auto& r : cfg_.world.countries) {
      for (const auto& p : cfg_.powers) {
        if (p.default_trade && !r.trade.count(p.id)) r.trade[p.id] = *p.default_trade;
        if (p.default_security && !r.security.count(p.id)) r.security[p.id] = *p.default_security;
      }
    }
  }

  // --- initial / outputs ------------------------------------------------------
  void parse_initial(const Val& v) {
    if (!ctx_.expect_map(v, "initial")) return;
    ctx_.check_keys(v, "initial", kInitialKeys);
    if (const Val* x = v.get("alignment"))
      if (auto c = ctx_.choice(*x, "initial.alignment", kInitialModes)) cfg_.initial.alignment = static_cast<InitialMode>(*c);
    if (const Val* x = v.get("standards"))
      if (auto c = ctx_.choice(*x, "initial.standards", kInitialModes)) cfg_.initial.standards = static_cast<InitialMode>(*c);
    if (const Val* x = v.get("equilibrium_iterations"))
      if (auto n = ctx_.integer(*x, "initial.equilibrium_iterations"))
        cfg_.initial.equilibrium_iterations = static_cast<int>(std::clamp<long long>(*n, -1, 1000000000));
    if (const Val* x = v.get("pin")) {
      ctx_.at("initial.pin", x->loc);
      if (ctx_.expect_map(*x, "initial.pin")) {
        for (std::size_t i = 0; i < x->entries.size(); ++i) {
          const std::string k = "initial.pin." + x->entries[i].first;
          ctx_.at(k, x->key_locs[i]);
          if (auto s = ctx_.string(x->entries[i].second, k)) cfg_.initial.pin.emplace_back(x->entries[i].first, *s);
          ctx_.at(k, x->key_locs[i]);
        }
      }
    }
  }

  void parse_outputs(const Val& v) {
    if (!ctx_.expect_map(v, "outputs")) return;
    ctx_.check_keys(v, "outputs", kOutputKeys);
    if (const Val* x = v.get("countries"))
      if (auto b = ctx_.boolean(*x, "outputs.countries")) cfg_.outputs.countries = *b;
    if (const Val* x = v.get("countries_every"))
      if (auto n = ctx_.integer(*x, "outputs.countries_every"))
        cfg_.outputs.countries_every = static_cast<int>(std::clamp<long long>(*n, -1, 1000000000));
  }

  // --- timeline ---------------------------------------------------------------
  void parse_timeline(const Val& v) {
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
      if (const Val* x = ev.get("set")) {
        const std::string k = key + ".set";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            const std::string ak = k + "." + x->entries[j].first;
            if (auto d = ctx_.number(x->entries[j].second, ak)) {
              e.set.push_back(Assignment{x->entries[j].first, *d, x->entries[j].second.loc});
            }
          }
        }
      }
      if (const Val* x = ev.get("tiers")) {
        const std::string k = key + ".tiers";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            ctx_.at(k + "." + x->entries[j].first, x->key_locs[j]);
            e.tiers.push_back(TierChange{x->entries[j].first, parse_tiers(x->entries[j].second, k + "." + x->entries[j].first)});
            ctx_.at(k + "." + x->entries[j].first, x->key_locs[j]);
          }
        }
      }
      if (const Val* x = ev.get("memberships")) {
        const std::string k = key + ".memberships";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            const std::string gk = k + "." + x->entries[j].first;
            ctx_.at(gk, x->key_locs[j]);
            const Val& m = x->entries[j].second;
            MembershipChange mc;
            mc.group = x->entries[j].first;
            if (ctx_.expect_map(m, gk)) {
              ctx_.check_keys(m, gk, kMembershipKeys);
              if (const Val* a = m.get("add")) mc.add = ctx_.strings(*a, gk + ".add");
              if (const Val* r = m.get("remove")) mc.remove = ctx_.strings(*r, gk + ".remove");
            }
            ctx_.at(gk, x->key_locs[j]);
            e.memberships.push_back(std::move(mc));
          }
        }
      }
      if (const Val* x = ev.get("security")) {
        const std::string k = key + ".security";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            const std::string pk = k + "." + x->entries[j].first;
            ctx_.at(pk, x->key_locs[j]);
            const Val& m = x->entries[j].second;
            SecurityChange sc;
            sc.power = x->entries[j].first;
            if (ctx_.expect_map(m, pk)) {
              for (std::size_t q = 0; q < m.entries.size(); ++q) {
                const std::string ck = pk + "." + m.entries[q].first;
                if (auto d = ctx_.number(m.entries[q].second, ck)) sc.values.emplace_back(m.entries[q].first, *d);
                ctx_.at(ck, m.key_locs[q]);
              }
            }
            ctx_.at(pk, x->key_locs[j]);
            e.security.push_back(std::move(sc));
          }
        }
      }
      if (const Val* x = ev.get("rivalry")) {
        const std::string k = key + ".rivalry";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            const std::string pk = k + "." + x->entries[j].first;
            ctx_.at(pk, x->key_locs[j]);
            RivalryChange rc;
            rc.power = x->entries[j].first;
            rc.values = iso_values(x->entries[j].second, pk);
            ctx_.at(pk, x->key_locs[j]);
            e.rivalry.push_back(std::move(rc));
          }
        }
      }
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
};

}  // namespace

void parse_tree(Ctx& ctx, ScenarioConfig& cfg, const Val& root, bool root_has_name, const std::string& stem) {
  Parser(ctx, cfg).parse(root, root_has_name, stem);
}

}  // namespace blocsim::scenario_detail
