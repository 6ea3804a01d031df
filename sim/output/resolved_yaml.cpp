// scenario.resolved.yaml: the config with every value actually used (world
// data referenced by file unless inline). One description of the document,
// emit_resolved(), written by YamlWriter (yaml-cpp's layout without its
// per-character checks; output/yaml_writer.h) or, for a document outside that
// writer's subset, by YAML::Emitter: the same bytes either way.
#include <cmath>

#include <yaml-cpp/yaml.h>

#include "blocsim/input/scenario.h"
#include "input/scenario_detail.h"
#include "output/resolved_yaml_detail.h"
#include "output/yaml_writer.h"

namespace blocsim {

using namespace scenario_detail;

namespace {

template <class Out>
void emit_num(Out& out, double v) {
  out << fmt_num(v);
}

template <class Out>
void emit_tiers(Out& out, const TierSpec& t) {
  out << YAML::BeginMap;
  out << YAML::Key << "rule" << YAML::Value << kTierRules[static_cast<int>(t.rule)];
  out << YAML::Key << "default" << YAML::Value << t.default_tier;
  out << YAML::Key << "groups" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [g, tier] : t.groups) out << YAML::Key << g << YAML::Value << tier;
  out << YAML::EndMap;
  out << YAML::Key << "countries" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [c, tier] : t.countries) out << YAML::Key << c << YAML::Value << tier;
  out << YAML::EndMap;
  out << YAML::EndMap;
}

template <class Out>
void emit_num_list(Out& out, const std::vector<double>& v) {
  out << YAML::Flow << YAML::BeginSeq;
  for (double x : v) emit_num(out, x);
  out << YAML::EndSeq;
}

template <class Out>
void emit_edges(Out& out, const char* name, const std::vector<Edge>& edges, const std::string& file) {
  if (!file.empty()) {
    out << YAML::Key << name << YAML::Value << file;
    return;
  }
  if (edges.empty()) return;
  out << YAML::Key << name << YAML::Value << YAML::BeginSeq;
  for (const auto& e : edges) {
    out << YAML::Flow << YAML::BeginSeq << e.a << e.b;
    emit_num(out, e.weight);
    out << YAML::EndSeq;
  }
  out << YAML::EndSeq;
}

template <class Out>
void emit_resolved(Out& out, const ScenarioConfig& cfg) {
  out << YAML::Comment("BlocSim resolved scenario: every value actually used (defaults, extends and overrides applied)");
  out << YAML::Newline;
  if (!cfg.path.empty()) out << YAML::Comment("source: " + cfg.path) << YAML::Newline;
  for (const auto& o : cfg.overrides) out << YAML::Comment("override: " + o) << YAML::Newline;
  // every world data file read, with its SHA-256 at read time (also in metadata.yaml: world_files)
  for (std::size_t i = 0; i < cfg.world.source_files.size(); ++i)
    out << YAML::Comment("world file: " + cfg.world.source_files[i] + " sha256 " +
                         (i < cfg.world.source_sha256.size() ? cfg.world.source_sha256[i] : std::string()))
        << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << cfg.name;
  out << YAML::Key << "description" << YAML::Value << cfg.description;
  out << YAML::Key << "seed" << YAML::Value << std::to_string(cfg.seed);
  out << YAML::Key << "ticks" << YAML::Value << cfg.ticks;
  out << YAML::Key << "calendar" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "start" << YAML::Value
      << tick_date(cfg.calendar, 0) << YAML::Key << "step" << YAML::Value << kSteps[static_cast<int>(cfg.calendar.step)]
      << YAML::EndMap;
  out << YAML::Key << "dimensions" << YAML::Value << YAML::Flow << cfg.dimensions;

  // world
  const WorldConfig& w = cfg.world;
  out << YAML::Key << "world" << YAML::Value << YAML::BeginMap;
  if (w.synthetic) {
    out << YAML::Key << "synthetic" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "countries"
        << YAML::Value << std::to_string(w.synthetic->countries) << YAML::Key << "degree" << YAML::Value
        << fmt_num(w.synthetic->degree) << YAML::Key << "rewire" << YAML::Value << fmt_num(w.synthetic->rewire)
        << YAML::EndMap;
  } else {
    if (!w.countries_file.empty()) {
      out << YAML::Key << "countries" << YAML::Value << w.countries_file;
      if (w.capacity_column != "capacity")
        out << YAML::Key << "capacity_column" << YAML::Value << w.capacity_column;
    } else {
      out << YAML::Key << "countries" << YAML::Value << YAML::BeginSeq;
      for (const auto& r : w.countries) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "iso3" << YAML::Value << r.iso3;
        out << YAML::Key << "name" << YAML::Value << r.name;
        if (!r.region.empty()) out << YAML::Key << "region" << YAML::Value << r.region;
        if (!r.subregion.empty()) out << YAML::Key << "subregion" << YAML::Value << r.subregion;
        out << YAML::Key << "gdp" << YAML::Value << fmt_num(r.gdp);
        out << YAML::Key << "pop" << YAML::Value << fmt_num(r.pop);
        out << YAML::Key << "capacity" << YAML::Value << fmt_num(r.capacity);
        out << YAML::Key << "identity" << YAML::Value;
        emit_num_list(out, r.identity);
        out << YAML::Key << "trade" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [k, v] : r.trade) out << YAML::Key << k << YAML::Value << fmt_num(v);
        out << YAML::EndMap;
        out << YAML::Key << "security" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [k, v] : r.security) out << YAML::Key << k << YAML::Value << fmt_num(v);
        out << YAML::EndMap;
        if (!r.estimated.empty()) out << YAML::Key << "estimated" << YAML::Value << r.estimated;
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!w.groups_file.empty()) {
      out << YAML::Key << "groups" << YAML::Value << w.groups_file;
    } else if (!w.groups.empty()) {
      out << YAML::Key << "groups" << YAML::Value << YAML::BeginMap;
      for (const auto& g : w.groups) out << YAML::Key << g.id << YAML::Value << YAML::Flow << g.members;
      out << YAML::EndMap;
    }
    emit_edges(out, "borders", w.borders, w.borders_file);
    emit_edges(out, "trade", w.trade, w.trade_file);
    emit_edges(out, "edges", w.edges, w.edges_file);
  }
  out << YAML::EndMap;

  out << YAML::Key << "network" << YAML::Value << YAML::BeginMap;
  for (const auto& s : network_params()) out << YAML::Key << std::string(s.key) << YAML::Value << fmt_num(cfg.network.*(s.field));
  out << YAML::Key << "groups" << YAML::Value << YAML::Flow << cfg.network.groups;
  out << YAML::EndMap;

  out << YAML::Key << "powers" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : cfg.powers) {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << p.id;
    out << YAML::Key << "name" << YAML::Value << p.name;
    if (!p.home.empty()) out << YAML::Key << "home" << YAML::Value << p.home;
    out << YAML::Key << "identity" << YAML::Value;
    emit_num_list(out, p.identity);
    out << YAML::Key << "frontier" << YAML::Value << fmt_num(p.frontier);
    out << YAML::Key << "frontier_growth" << YAML::Value << fmt_num(p.frontier_growth);
    out << YAML::Key << "narrative_radius" << YAML::Value << fmt_num(p.narrative_radius);
    out << YAML::Key << "export_controls" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "strictness" << YAML::Value << fmt_num(p.strictness);
    out << YAML::Key << "tiers" << YAML::Value;
    emit_tiers(out, p.tiers);
    out << YAML::EndMap;
    out << YAML::Key << "open_models" << YAML::Value << fmt_num(p.open_models);
    out << YAML::Key << "capacity_building" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "budget"
        << YAML::Value << fmt_num(p.aid_budget) << YAML::Key << "targeting" << YAML::Value
        << kTargeting[static_cast<int>(p.targeting)] << YAML::EndMap;
    out << YAML::Key << "standards_diplomacy" << YAML::Value << fmt_num(p.standards_effort);
    out << YAML::Key << "narrative" << YAML::Value << fmt_num(p.narrative);
    out << YAML::Key << "alliance_pressure" << YAML::Value << fmt_num(p.alliance_pressure);
    out << YAML::Key << "ties" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "trade_column" << YAML::Value << p.trade_column;
    out << YAML::Key << "security_column" << YAML::Value << p.security_column;
    if (p.default_trade) out << YAML::Key << "default_trade" << YAML::Value << fmt_num(*p.default_trade);
    if (p.default_security) out << YAML::Key << "default_security" << YAML::Value << fmt_num(*p.default_security);
    out << YAML::Key << "security_groups" << YAML::Value << YAML::Flow << p.security_groups;
    out << YAML::Key << "rivalry_column" << YAML::Value << p.rivalry_column;
    out << YAML::EndMap;
    out << YAML::Key << "rivalries" << YAML::Value << YAML::Flow << YAML::BeginMap;
    for (const auto& [iso, v] : p.rivalries) out << YAML::Key << iso << YAML::Value << fmt_num(v);
    out << YAML::EndMap;
    out << YAML::Key << "standards_groups" << YAML::Value << YAML::Flow << p.standards_groups;
    out << YAML::Key << "reactions" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : p.reactions) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << r.name;
      out << YAML::Key << "when" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "signal" << YAML::Value << r.signal;
      if (r.below) out << YAML::Key << "below" << YAML::Value << fmt_num(*r.below);
      if (r.above) out << YAML::Key << "above" << YAML::Value << fmt_num(*r.above);
      out << YAML::EndMap;
      out << YAML::Key << "then" << YAML::Value << YAML::Flow << YAML::BeginMap;
      if (!r.set.empty()) out << YAML::Key << "set" << YAML::Value << r.set;
      if (r.to) out << YAML::Key << "to" << YAML::Value << fmt_num(*r.to);
      if (r.by) out << YAML::Key << "by" << YAML::Value << fmt_num(*r.by);
      if (r.limit) out << YAML::Key << "limit" << YAML::Value << fmt_num(*r.limit);
      if (r.aid != 0.0) out << YAML::Key << "aid" << YAML::Value << fmt_num(r.aid);
      if (r.budget != 0.0) out << YAML::Key << "budget" << YAML::Value << fmt_num(r.budget);
      out << YAML::EndMap;
      out << YAML::Key << "cooldown" << YAML::Value << r.cooldown;
      out << YAML::Key << "max_firings" << YAML::Value << r.max_firings;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  for (const auto& s : model_params()) out << YAML::Key << std::string(s.key) << YAML::Value << fmt_num(cfg.model.*(s.field));
  // The value in effect: a default dimension the world lacks means "none"
  // (world.cpp), and must be written so, or the resolved file would not load
  // (found by tests/fuzz/fuzz_scenario's round trip).
  auto in_effect = [&](const std::string& d) { return find_dimension(cfg, d) >= 0 ? d : std::string(); };
  out << YAML::Key << "grievance_dimension" << YAML::Value << in_effect(cfg.model.grievance_dimension);
  out << YAML::Key << "multilateral_dimension" << YAML::Value << in_effect(cfg.model.multilateral_dimension);
  out << YAML::Key << "sovereignty_dimension" << YAML::Value << in_effect(cfg.model.sovereignty_dimension);
  out << YAML::Key << "hedge_groups" << YAML::Value << YAML::Flow << cfg.model.hedge_groups;
  out << YAML::EndMap;

  out << YAML::Key << "initial" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "alignment" << YAML::Value << kInitialModes[static_cast<int>(cfg.initial.alignment)];
  out << YAML::Key << "standards" << YAML::Value << kInitialModes[static_cast<int>(cfg.initial.standards)];
  out << YAML::Key << "pin" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [iso, bloc] : cfg.initial.pin) out << YAML::Key << iso << YAML::Value << bloc;
  out << YAML::EndMap;
  out << YAML::Key << "equilibrium_iterations" << YAML::Value << cfg.initial.equilibrium_iterations;
  out << YAML::EndMap;

  out << YAML::Key << "timeline" << YAML::Value << YAML::BeginSeq;
  for (const auto& e : cfg.timeline) {
    out << YAML::BeginMap;
    if (!e.date.empty()) out << YAML::Key << "date" << YAML::Value << e.date;
    else out << YAML::Key << "tick" << YAML::Value << e.tick;
    if (!e.label.empty()) out << YAML::Key << "label" << YAML::Value << e.label;
    if (!e.set.empty()) {
      out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
      for (const auto& a : e.set) out << YAML::Key << a.path << YAML::Value << fmt_num(a.value);
      out << YAML::EndMap;
    }
    if (!e.tiers.empty()) {
      out << YAML::Key << "tiers" << YAML::Value << YAML::BeginMap;
      for (const auto& t : e.tiers) {
        out << YAML::Key << t.power << YAML::Value;
        emit_tiers(out, t.tiers);
      }
      out << YAML::EndMap;
    }
    if (!e.memberships.empty()) {
      out << YAML::Key << "memberships" << YAML::Value << YAML::BeginMap;
      for (const auto& m : e.memberships) {
        out << YAML::Key << m.group << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "add" << YAML::Value
            << m.add << YAML::Key << "remove" << YAML::Value << m.remove << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    if (!e.security.empty()) {
      out << YAML::Key << "security" << YAML::Value << YAML::BeginMap;
      for (const auto& s : e.security) {
        out << YAML::Key << s.power << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [iso, v] : s.values) out << YAML::Key << iso << YAML::Value << fmt_num(v);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    if (!e.rivalry.empty()) {
      out << YAML::Key << "rivalry" << YAML::Value << YAML::BeginMap;
      for (const auto& s : e.rivalry) {
        out << YAML::Key << s.power << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [iso, v] : s.values) out << YAML::Key << iso << YAML::Value << fmt_num(v);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "outputs" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "countries" << YAML::Value << (cfg.outputs.countries ? "true" : "false");
  out << YAML::Key << "countries_every" << YAML::Value << cfg.outputs.countries_every;
  out << YAML::EndMap;
  out << YAML::EndMap;
}

}  // namespace

namespace detail {

std::optional<std::string> resolved_yaml_fast(const ScenarioConfig& cfg) {
  return yaml_text_fast([&](auto& out) { emit_resolved(out, cfg); });
}

std::string resolved_yaml_yaml_cpp(const ScenarioConfig& cfg) {
  return yaml_text_yaml_cpp([&](auto& out) { emit_resolved(out, cfg); });
}

}  // namespace detail

std::string resolved_yaml(const ScenarioConfig& cfg) {
  return yaml_text([&](auto& out) { emit_resolved(out, cfg); });
}

}  // namespace blocsim
