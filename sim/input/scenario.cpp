// Scenario loading, validation, overrides and the resolved YAML — the only
// file besides the sweep loader that includes yaml-cpp.
//
// Flow: each YAML file is converted into a small position-carrying tree
// (`Val`), `extends:` chains are merged on those trees (so every value keeps
// the file it came from), the merged tree is parsed into a ScenarioConfig
// (type errors, unknown keys, missing files; every key's position goes into a
// SourceInfo), and `validate_impl` then checks ranges and cross references,
// quoting positions from the SourceInfo. All problems are collected and thrown
// together as one ConfigError.
//
// Key-path convention in messages: the YAML structure of the scenario, e.g.
// `powers[1].identity`, `model.mu`, `timeline[0].set.model.mu`; inline
// countries are `world.countries[3]` (0-based list index), CSV rows are
// `world.countries[row 12]` (12 = line number in the CSV file, header = 1).
#include "blocsim/input/scenario.h"

#include <fstream>
#include <sstream>
#include <tuple>

#include <yaml-cpp/yaml.h>

#include "input/scenario_detail.h"

namespace blocsim {

using namespace scenario_detail;

namespace {

//! Diagnostics in reading order: files in order of first mention, then by position.
std::vector<Diagnostic> sorted(std::vector<Diagnostic> diags) {
  std::map<std::string, std::size_t> rank;
  for (const auto& d : diags) rank.emplace(d.loc.file, rank.size());
  std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ka = std::make_tuple(rank[a.loc.file], a.loc.line, a.loc.column);
    const auto kb = std::make_tuple(rank[b.loc.file], b.loc.line, b.loc.column);
    return ka < kb;
  });
  return diags;
}

}  // namespace

ScenarioConfig load_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  Ctx ctx;
  const std::string display = path.string();
  ctx.info.file = SourceLoc{display, 0, 0};
  std::vector<std::string> stack{canonical_key(path)};
  std::optional<Val> root = load_chain(path, display, ctx, stack, SourceLoc{});
  if (!root) {
    if (ctx.diags.empty()) ctx.error(SourceLoc{display, 0, 0}, "", "cannot read the scenario");
    throw ConfigError(std::move(ctx.diags));
  }
  // `name` is not inherited through extends: a variant is named after its own file.
  const bool own_name = ctx.info.top_has_name;
  ScenarioConfig cfg;
  cfg.path = display;
  cfg.source_sha256 = ctx.info.top_sha256;
  parse_tree(ctx, cfg, *root, own_name, path.stem().string());
  apply_overrides_into(cfg, overrides, SourceLoc{}, ctx.diags);
  std::vector<Diagnostic> more = validate_config(cfg, &ctx.info);
  ctx.diags.insert(ctx.diags.end(), more.begin(), more.end());
  if (!ctx.diags.empty()) throw ConfigError(sorted(std::move(ctx.diags)));
  return cfg;
}

void apply_overrides(ScenarioConfig& cfg, const std::vector<std::string>& overrides, const SourceLoc& loc) {
  std::vector<Diagnostic> diags;
  apply_overrides_into(cfg, overrides, loc, diags);
  if (diags.empty()) diags = validate(cfg);
  if (!diags.empty()) throw ConfigError(std::move(diags));
}

std::vector<Diagnostic> validate(const ScenarioConfig& cfg) { return validate_config(cfg, nullptr); }

std::vector<std::string> scenario_schema_keys() {
  std::vector<std::string> out;
  auto add = [&](const std::string& prefix, const Keys& keys) {
    for (const auto& k : keys) out.push_back(prefix + k);
  };
  add("", kTopKeys);
  add("calendar.", kCalendarKeys);
  add("world.", kWorldKeys);
  add("world.synthetic.", kSyntheticKeys);
  add("world.countries[].", kCountryKeys);
  add("world.countries.csv:", kCountryColumns);
  add("groups.yaml:", kGroupFileKeys);
  add("groups.yaml:lists[].", kGroupListKeys);
  add("powers[].", kPowerKeys);
  add("powers[].export_controls.", kExportKeys);
  add("powers[].export_controls.tiers.", kTierKeys);
  add("powers[].capacity_building.", kCapacityKeys);
  add("powers[].ties.", kTiesKeys);
  add("powers[].reactions[].", kReactionKeys);
  add("powers[].reactions[].when.", kReactionWhenKeys);
  add("powers[].reactions[].then.", kReactionThenKeys);
  add("network.", kNetworkExtraKeys);
  add("model.", kModelStringKeys);
  add("initial.", kInitialKeys);
  add("timeline[].", kEventKeys);
  add("timeline[].memberships.<group>.", kMembershipKeys);
  add("outputs.", kOutputKeys);
  return out;
}


}  // namespace blocsim
