// The common ScenarioConfig of the engine-based docking reductions (hk, cw,
// arthur): a built-in scenario, so the reductions run `make_world` and the
// phase functions exactly as `blocsim run` does, only with most levers off.
#include "blocsim/engine/config.h"
#include "analysis/dock/dock_detail.h"

namespace blocsim::dock::detail {

ScenarioConfig reduction_config(int n, const std::vector<std::string>& dims, const std::vector<std::string>& powers,
                                bool self_loops) {
  ScenarioConfig cfg;
  cfg.name = "dock";
  cfg.description = "docking reduction built in code (sim/analysis/dock)";
  cfg.dimensions = dims;
  cfg.ticks = 1;
  Group all;
  all.id = "all";
  for (int i = 0; i < n; ++i) {
    CountryRow row;
    row.iso3 = code(i);
    row.name = row.iso3;
    row.region = "dock";
    row.subregion = "dock";
    row.gdp = 1.0;
    row.pop = 1.0;
    row.capacity = 0.0;
    row.identity.assign(dims.size(), 0.5);
    all.members.push_back(row.iso3);
    if (self_loops) cfg.world.edges.push_back(Edge{row.iso3, row.iso3, 1.0});
    cfg.world.countries.push_back(std::move(row));
  }
  cfg.world.groups.push_back(std::move(all));
  cfg.network.border_weight = 0.0;
  cfg.network.trade_weight = 0.0;
  cfg.network.group_weight = 1.0;
  cfg.network.edge_weight = 1.0;
  cfg.network.groups = {"all"};
  for (const auto& id : powers) {
    PowerConfig p;
    p.id = id;
    p.name = id;
    p.identity.assign(dims.size(), 0.5);
    p.frontier = 1.0;
    p.frontier_growth = 0.0;
    p.default_trade = 0.0;
    p.default_security = 0.0;
    cfg.powers.push_back(std::move(p));
  }
  ModelParams& m = cfg.model;
  m.mu = 0.0;
  m.kappa = 0.0;
  m.identity_noise = 0.0;
  m.gamma_grievance = 0.0;
  m.beta_identity = m.beta_ties = m.beta_access = m.beta_aid = m.beta_peer = 0.0;
  m.beta_lock = m.beta_grievance = m.beta_security = m.beta_inertia = m.beta_hedge = 0.0;
  m.alpha_bloc = m.alpha_network = m.alpha_lock = m.alpha_multilateral = m.alpha_inertia = 0.0;
  // model v2 terms off: the reductions are the v1 equations (docs/ODD.md §10)
  m.beta_rivalry = m.beta_threat = m.hedge_sovereignty = m.hedge_evenness = m.hedge_group = 0.0;
  m.multi_alignment = 0.0;
  m.beta_open = m.open_denial = m.open_sovereignty = m.open_capacity = 0.0;
  m.alpha_open = m.alpha_rivalry = m.alpha_threshold = 0.0;
  m.identity_anchor = m.alignment_feedback = 0.0;
  m.effort_flat = 1.0;  // standards effort reaches everyone alike (v1)
  m.effort_ties = m.effort_bodies = m.effort_capacity = 0.0;
  m.sovereignty_dimension = "";
  m.revision_rate = 0.0;
  m.revision_rate_standards = 0.0;
  m.grievance_dimension = "";
  m.multilateral_dimension = "";
  cfg.initial.alignment = InitialMode::nonaligned;
  cfg.initial.standards = InitialMode::nonaligned;
  cfg.outputs.countries = false;
  return cfg;
}

}  // namespace blocsim::dock::detail
