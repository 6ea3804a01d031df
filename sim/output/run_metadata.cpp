// metadata.yaml of a run folder (output/run_metadata.h): emit_run_metadata()
// describes the document once, for YamlWriter and for YAML::Emitter.
#include "output/run_metadata.h"

#include <yaml-cpp/yaml.h>

#include "blocsim/output/format.h"
#include "blocsim/parallel.h"
#include "blocsim/version.h"
#include "input/scenario_detail.h"
#include "output/yaml_writer.h"

namespace blocsim {
namespace {

// Texts double-quoted (as emit_text, blocsim/output/metadata.h, writes them),
// numbers in the one format.
template <class Out>
void emit_run_metadata(Out& m, const RunMetadata& d) {
  using YAML::Key;
  using YAML::Value;
  const ScenarioConfig& cfg = *d.cfg;
  const int R = static_cast<int>(d.seeds.size());
  auto text = [&](const std::string& k, const std::string& v) { m << Key << k << Value << YAML::DoubleQuoted << v; };
  auto text_list = [&](const std::string& k, const std::vector<std::string>& v) {
    m << Key << k << Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& x : v) m << YAML::DoubleQuoted << x;
    m << YAML::EndSeq;
  };
  std::vector<std::string> blocs{"nonaligned"}, standards{"intl"};
  for (const auto& p : cfg.powers) {
    blocs.push_back(p.id);
    standards.push_back(p.id);
  }
  m << YAML::BeginMap;
  m << Key << "format" << Value << "blocsim-run" << Key << "format_version" << Value << 1;
  text("blocsim_version", kVersion);
  text("git_sha", kGitSha);
  text("compiler", kCompiler);
  text("build_type", kBuildType);
  m << Key << "openmp" << Value << openmp_enabled();
  m << Key << "scenario" << Value << YAML::BeginMap;
  text("name", cfg.name);
  text("path", cfg.path);
  text("sha256", d.scenario_sha256);
  text("resolved_sha256", d.resolved_sha256);
  m << YAML::EndMap;
  text_list("overrides", cfg.overrides);
  m << Key << "seed" << Value << cfg.seed << Key << "replicates" << Value << R;
  m << Key << "seeds" << Value << YAML::Flow << d.seeds;
  text("seed_rule", "replicate 0 uses the root seed; replicate r > 0 uses derive_seed(root, 0, r)");
  m << Key << "threads" << Value << d.threads;
  m << Key << "parallel_over" << Value << (d.over_replicates ? "replicates" : "countries");
  m << Key << "ticks" << Value << cfg.ticks;
  m << Key << "calendar" << Value << YAML::Flow << YAML::BeginMap;
  text("start", tick_date(cfg.calendar, 0));
  m << Key << "step" << Value << scenario_detail::kSteps[static_cast<int>(cfg.calendar.step)]
    << YAML::EndMap;  // as the resolved scenario
  m << Key << "countries" << Value << d.countries;
  text_list("dimensions", cfg.dimensions);
  text_list("blocs", blocs);
  text_list("standards", standards);
  m << Key << "powers" << Value << YAML::BeginSeq;
  for (const auto& p : cfg.powers) {
    m << YAML::Flow << YAML::BeginMap;
    text("id", p.id);
    text("name", p.name);
    text("home", p.home);
    m << YAML::EndMap;
  }
  m << YAML::EndSeq;
  m << Key << "outputs" << Value << YAML::Flow << YAML::BeginMap << Key << "countries" << Value << cfg.outputs.countries
    << Key << "countries_every" << Value << cfg.outputs.countries_every << YAML::EndMap;
  text_list("data_files", cfg.world.source_files);
  // SHA-256 of every world file the run read (taken when it was read), so a changed input is visible
  m << Key << "world_files" << Value << YAML::BeginSeq;
  for (std::size_t i = 0; i < cfg.world.source_files.size(); ++i) {
    m << YAML::Flow << YAML::BeginMap;
    text("path", cfg.world.source_files[i]);
    text("sha256", i < cfg.world.source_sha256.size() ? cfg.world.source_sha256[i] : std::string());
    m << YAML::EndMap;
  }
  m << YAML::EndSeq;
  m << Key << "initial_equilibrium" << Value << YAML::BeginMap;
  m << Key << "iterations" << Value << YAML::Flow << YAML::BeginSeq;
  for (const int it : d.init_iterations) m << it;
  m << YAML::EndSeq << Key << "converged" << Value << YAML::Flow << YAML::BeginSeq;
  for (const bool c : d.init_converged) m << c;
  m << YAML::EndSeq << YAML::EndMap;
  m << Key << "phases" << Value << YAML::Flow << YAML::BeginSeq;
  for (const Phase p : kTickPhases) m << std::string(phase_name(p));
  m << YAML::EndSeq;
  m << Key << "phase_seconds" << Value << YAML::BeginMap;
  for (std::size_t i = 0; i < kTickPhases.size(); ++i)
    m << Key << std::string(phase_name(kTickPhases[i])) << Value << format_number(d.phase_seconds[i]);
  m << YAML::EndMap;
  text("started_utc", d.started_utc);
  text("finished_utc", d.finished_utc);
  m << Key << "wall_seconds" << Value << format_number(d.wall_seconds);
  m << Key << "status" << Value << "ok" << YAML::EndMap;
}

}  // namespace

namespace detail {

std::optional<std::string> run_metadata_fast(const RunMetadata& m) {
  return yaml_text_fast([&](auto& out) { emit_run_metadata(out, m); });
}

std::string run_metadata_yaml_cpp(const RunMetadata& m) {
  return yaml_text_yaml_cpp([&](auto& out) { emit_run_metadata(out, m); });
}

}  // namespace detail

std::string run_metadata_yaml(const RunMetadata& m) {
  return yaml_text([&](auto& out) { emit_run_metadata(out, m); });
}

}  // namespace blocsim
