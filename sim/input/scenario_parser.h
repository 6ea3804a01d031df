// Internal to sim/input/: the scenario parser (merged YAML tree →
// ScenarioConfig). One class walks the scenario schema top to bottom, one
// method per section, sharing the parse state (context, config, ISO3 set);
// its methods live in one file per concept:
//   scenario_parser.cpp    top level, calendar, model, network, initial, outputs
//   scenario_powers.cpp    powers, export-control tiers, rivalries, reactions
//   scenario_world.cpp     world: countries (inline or CSV), groups, edges
//   scenario_timeline.cpp  timeline events
// The order of the sections is the order of scenarios/README.md.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "input/scenario_detail.h"

namespace blocsim::scenario_detail {

class Parser {
 public:
  Parser(Ctx& ctx, ScenarioConfig& cfg) : ctx_(ctx), cfg_(cfg) {}

  // --- top level and small sections (scenario_parser.cpp)
  void parse(const Val& root, bool root_has_name, const std::string& stem);

 private:
  Ctx& ctx_;
  ScenarioConfig& cfg_;
  std::set<std::string> iso_set_;  //!< ISO3 codes of the countries read so far

  void parse_calendar(const Val& v);
  void parse_model(const Val& v);
  void parse_network(const Val& v);
  void parse_initial(const Val& v);
  void parse_outputs(const Val& v);

  // --- powers and their levers (scenario_powers.cpp)
  TierSpec parse_tiers(const Val& v, const std::string& key);
  void parse_powers(const Val& v);
  //! A map ISO3 → number (powers[].rivalries, timeline security/rivalry), each value located.
  std::vector<std::pair<std::string, double>> iso_values(const Val& m, const std::string& key);
  //! powers[].reactions: reactive strategy rules (docs/ODD.md §7.10).
  void parse_reactions(const Val& v, const std::string& key, PowerConfig& p);

  // --- world: countries, groups, edges (scenario_world.cpp)
  void parse_world(const Val& v);
  std::vector<std::string> member_list(const Val& v, const std::string& key, const std::set<std::string>& ignore);
  void parse_group_file(const Val& root);
  void parse_edges(const Val& world, const char* name, std::vector<Edge>& out, std::string& file,
                   std::vector<EdgeRef>& refs, bool weight_required);
  void parse_inline_country(const Val& v, std::size_t i);
  void parse_country_csv(const CsvTable& t);
  //! After loading, every country has T_ik and S_ik for every power whose
  //! default is set (the engine does not need to know about defaults).
  void fill_tie_defaults();

  // --- timeline (scenario_timeline.cpp)
  void parse_timeline(const Val& v);
};

}  // namespace blocsim::scenario_detail
