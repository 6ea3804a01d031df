// Scenario parser, world: countries inline or from the countries CSV, groups
// (inline or a groups/observed-list file), borders, trade and other edges,
// tie defaults (world: in scenarios/README.md; class: input/scenario_parser.h).
#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>

#include "input/scenario_parser.h"

namespace blocsim::scenario_detail {

namespace {
// The plain fields of a country, read alike from an inline country and a CSV row.
const std::pair<const char*, std::string CountryRow::*> kCountryText[] = {
    {"name", &CountryRow::name}, {"region", &CountryRow::region}, {"subregion", &CountryRow::subregion},
    {"estimated", &CountryRow::estimated}};
const std::pair<const char*, double CountryRow::*> kCountryNumbers[] = {
    {"gdp", &CountryRow::gdp}, {"pop", &CountryRow::pop}, {"capacity", &CountryRow::capacity}};
}  // namespace

void Parser::parse_world(const Val& v) {
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
  parse_edges(v, "borders", w.borders, w.borders_file, ctx_.info.border_refs, false);
  parse_edges(v, "trade", w.trade, w.trade_file, ctx_.info.trade_refs, true);
  parse_edges(v, "edges", w.edges, w.edges_file, ctx_.info.edge_refs, false);
}

std::vector<std::string> Parser::member_list(const Val& v, const std::string& key, const std::set<std::string>& ignore) {
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

void Parser::parse_group_file(const Val& root) {
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

void Parser::parse_edges(const Val& world, const char* name, std::vector<Edge>& out, std::string& file,
                         std::vector<EdgeRef>& refs, bool weight_required) {
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
    // A row's key path and a cell's are built in two buffers that every row
    // reuses: ~4,600 located cells in the default world, each a string on
    // the heap before (issue 14, round 21).
    std::string rk, ck;
    auto cell = [&](const char* field) -> const std::string& { return ck.assign(rk).append(field); };
    out.reserve(out.size() + t->rows.size());
    refs.reserve(refs.size() + t->rows.size());
    for (const auto& row : t->rows) {
      rk.assign(key).append("[row ");
      append_int(rk, row.line);
      rk.push_back(']');
      ctx_.at(rk, t->file, row.line, row.cols[0]);
      ctx_.at(cell(".iso3_a"), t->file, row.line, row.cols[0]);
      ctx_.at(cell(".iso3_b"), t->file, row.line, row.cols[1]);
      Edge e{row.fields[0], row.fields[1], 1.0};
      if (has_weight) {
        ctx_.at(cell(".weight"), t->file, row.line, row.cols[2]);
        if (auto d = parse_number(row.fields[2])) e.weight = *d;
        else {
          ctx_.bad(SourceLoc{t->file, row.line, row.cols[2]}, rk + ".weight",
                   "expected a number, got '" + row.fields[2] + "'");
          continue;
        }
      }
      out.push_back(std::move(e));
      refs.push_back(EdgeRef{row.line, true});
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
    refs.push_back(EdgeRef{static_cast<int>(i), false});
  }
}

void Parser::parse_inline_country(const Val& v, std::size_t i) {
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
  for (const auto& [k, field] : kCountryText) str(k, r.*field);
  for (const auto& [k, field] : kCountryNumbers) num(k, r.*field);
  if (const Val* x = v.get("identity")) {
    bool ok = true;
    r.identity = ctx_.numbers(*x, key + ".identity", ok);
  } else {
    ctx_.bad(v.loc, key + ".identity", "missing required key 'identity' (one value per dimension)");
  }
  auto ties = [&](const char* k, std::map<std::string, double>& out) {
    const std::string tk = key + "." + k;
    ctx_.map_entries(v, k, key, [&](const std::string& id, const std::string& ek, const Val& x, const SourceLoc&) {
      if (auto d = ctx_.number(x, ek)) out[id] = *d;
      else ctx_.info.reported.insert(tk);
    });
  };
  ties("trade", r.trade);
  ties("security", r.security);
  cfg_.world.countries.push_back(std::move(r));
}

void Parser::parse_country_csv(const CsvTable& t) {
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
  // Each column's index is looked up once, and a row's key path and a cell's
  // are built in buffers that every row reuses: a map lookup and a string on
  // the heap per cell before (~9,000 cells in the default world; issue 14,
  // round 21). The cells are located, read and reported in the same order.
  auto index_of = [&](const std::string& c) -> std::ptrdiff_t {
    const auto it = col.find(c);
    return it == col.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
  };
  const std::size_t iso_col = col.at("iso3");
  std::ptrdiff_t text_col[std::size(kCountryText)], number_col[std::size(kCountryNumbers)];
  for (std::size_t k = 0; k < std::size(kCountryText); ++k) text_col[k] = index_of(kCountryText[k].first);
  for (std::size_t k = 0; k < std::size(kCountryNumbers); ++k) number_col[k] = index_of(kCountryNumbers[k].first);
  std::vector<std::size_t> data_cols;  // data-only columns but a read rivalry column: empty or a number
  for (std::size_t j = 0; j < h.size(); ++j)
    if (data_only_column(h[j]) && !rivalry_col.count(h[j])) data_cols.push_back(j);
  const std::ptrdiff_t cap_index = cap_col != "capacity" ? index_of(cap_col) : -1;
  std::vector<std::size_t> dim_cols;
  if (dims_ok)
    for (const auto& d : cfg_.dimensions) dim_cols.push_back(col.at(d));
  struct TieColumn {
    std::size_t j;
    const std::string* column;
    const std::string* pid;
    bool is_trade, has_default;
  };
  std::vector<TieColumn> tie_cols;  // in power_col's order (by column name)
  for (const auto& [c, who] : power_col) {
    const std::ptrdiff_t j = index_of(c);
    if (j < 0) continue;
    const auto& [pid, is_trade] = who;
    const PowerConfig& p = cfg_.powers[find_power(cfg_, pid)];
    const bool has_default = (is_trade ? p.default_trade : p.default_security).has_value();
    tie_cols.push_back(TieColumn{static_cast<std::size_t>(j), &c, &pid, is_trade, has_default});
  }
  std::vector<std::pair<std::size_t, const std::string*>> rivalry_cols;  // (column, power id), by column name
  for (const auto& [c, pid] : rivalry_col)
    if (const std::ptrdiff_t j = index_of(c); j >= 0) rivalry_cols.emplace_back(static_cast<std::size_t>(j), &pid);

  std::string key, fk, tk;
  for (const auto& row : t.rows) {
    CountryRow r;
    key.assign("world.countries[row ");
    append_int(key, row.line);
    key.push_back(']');
    auto loc_of = [&](std::size_t j) { return SourceLoc{t.file, row.line, row.cols[j]}; };
    r.loc = loc_of(iso_col);
    ctx_.at(key, r.loc);
    ctx_.info.country_paths.push_back(key);
    r.iso3 = row.fields[iso_col];
    ctx_.at(fk.assign(key).append(".iso3"), r.loc);
    auto num = [&](std::size_t j, std::string_view c, double& out) -> bool {
      fk.assign(key).append(".").append(c);
      ctx_.at(fk, t.file, row.line, row.cols[j]);
      const std::string& text = row.fields[j];
      if (text.empty()) {
        ctx_.bad(loc_of(j), fk, "missing value");
        return false;
      }
      if (auto d = parse_number(text)) {
        out = *d;
        return true;
      }
      ctx_.bad(loc_of(j), fk, "expected a number, got '" + text + "'");
      return false;
    };
    for (std::size_t k = 0; k < std::size(kCountryText); ++k)
      if (text_col[k] >= 0) r.*(kCountryText[k].second) = row.fields[static_cast<std::size_t>(text_col[k])];
    for (std::size_t k = 0; k < std::size(kCountryNumbers); ++k)
      if (number_col[k] >= 0)
        num(static_cast<std::size_t>(number_col[k]), kCountryNumbers[k].first, r.*(kCountryNumbers[k].second));
    // data-only columns: empty or a number (a rivalry column of a power this scenario
    // defines is read into r.rivalry below and reported there)
    for (const std::size_t j : data_cols) {
      if (j >= row.fields.size() || row.fields[j].empty() || parse_number(row.fields[j])) continue;
      ctx_.bad(loc_of(j), key + "." + h[j], "expected a number or an empty cell, got '" + row.fields[j] + "'");
    }
    // the chosen alternative; an empty cell there falls back to `capacity`
    if (cap_index >= 0 && !row.fields[static_cast<std::size_t>(cap_index)].empty())
      num(static_cast<std::size_t>(cap_index), cap_col, r.capacity);
    if (dims_ok) {
      r.identity.assign(cfg_.dimensions.size(), 0.0);
      for (std::size_t d = 0; d < cfg_.dimensions.size(); ++d) {
        if (!num(dim_cols[d], cfg_.dimensions[d], r.identity[d])) ctx_.info.reported.insert(key + ".identity");
      }
    } else {
      ctx_.info.reported.insert(key + ".identity");
    }
    for (const TieColumn& c : tie_cols) {
      auto& target = c.is_trade ? r.trade : r.security;
      // an empty cell falls back to the power's default, if it has one
      if (row.fields[c.j].empty() && c.has_default) continue;
      double x = 0;
      tk.assign(key).append(c.is_trade ? ".trade." : ".security.").append(*c.pid);
      if (num(c.j, *c.column, x)) target[*c.pid] = x;
      else ctx_.info.reported.insert(tk);
      ctx_.at(tk, t.file, row.line, row.cols[c.j]);
    }
    for (const auto& [j, pid] : rivalry_cols) {  // optional: an empty cell means no rivalry
      if (row.fields[j].empty()) continue;
      double x = 0;
      tk.assign(key).append(".rivalry.").append(*pid);
      if (num(j, h[j], x)) r.rivalry[*pid] = x;
      else ctx_.info.reported.insert(tk);
      ctx_.at(tk, t.file, row.line, row.cols[j]);
    }
    cfg_.world.countries.push_back(std::move(r));
  }
}

//! After loading, every country has T_ik and S_ik for every power whose
//! default is set (the engine does not need to know about defaults).
void Parser::fill_tie_defaults() {
  for (auto& r : cfg_.world.countries) {
    for (const auto& p : cfg_.powers) {
      if (p.default_trade && !r.trade.count(p.id)) r.trade[p.id] = *p.default_trade;
      if (p.default_security && !r.security.count(p.id)) r.security[p.id] = *p.default_security;
    }
  }
}

}  // namespace blocsim::scenario_detail
