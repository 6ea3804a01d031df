// The scenario parser's top level: merged YAML tree → ScenarioConfig (type
// errors, unknown keys, missing files; every key's position goes into
// SourceInfo), and the small sections (calendar, model, network, initial,
// outputs). Powers, world and timeline are in scenario_powers.cpp,
// scenario_world.cpp and scenario_timeline.cpp (class: input/scenario_parser.h).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "input/scenario_parser.h"

namespace blocsim::scenario_detail {

void Parser::parse(const Val& root, bool root_has_name, const std::string& stem) {
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
      if (*x < 1 || *x > 1000000) ctx_.bad(v->loc, "ticks", check::out_of_range(v->text, "1", "1000000"));
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

void Parser::parse_calendar(const Val& v) {
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

void Parser::parse_model(const Val& v) {
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

void Parser::parse_network(const Val& v) {
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

void Parser::parse_initial(const Val& v) {
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

void Parser::parse_outputs(const Val& v) {
  if (!ctx_.expect_map(v, "outputs")) return;
  ctx_.check_keys(v, "outputs", kOutputKeys);
  if (const Val* x = v.get("countries"))
    if (auto b = ctx_.boolean(*x, "outputs.countries")) cfg_.outputs.countries = *b;
  if (const Val* x = v.get("countries_every"))
    if (auto n = ctx_.integer(*x, "outputs.countries_every"))
      cfg_.outputs.countries_every = static_cast<int>(std::clamp<long long>(*n, -1, 1000000000));
}

void parse_tree(Ctx& ctx, ScenarioConfig& cfg, const Val& root, bool root_has_name, const std::string& stem) {
  Parser(ctx, cfg).parse(root, root_has_name, stem);
}

}  // namespace blocsim::scenario_detail
