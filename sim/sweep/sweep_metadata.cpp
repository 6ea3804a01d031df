// metadata.yaml of a sweep folder (sweep/sweep_metadata.h):
// emit_sweep_metadata() describes the document once, for YamlWriter and for
// YAML::Emitter.
#include "sweep/sweep_metadata.h"

#include <yaml-cpp/yaml.h>

#include "blocsim/version.h"
#include "output/yaml_writer.h"

namespace blocsim {
namespace {

// Texts double-quoted (as emit_text, blocsim/output/metadata.h, writes them).
template <class Out>
void emit_sweep_metadata(Out& o, const SweepMetadata& d) {
  using YAML::Key;
  using YAML::Value;
  const SweepSetup& setup = *d.setup;
  const SweepSpec& sp = setup.spec;
  auto text = [&](const char* k, const std::string& v) { o << Key << k << Value << YAML::DoubleQuoted << v; };
  auto text_list = [&](const char* k, const std::vector<std::string>& v) {
    o << Key << k << Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& x : v) o << YAML::DoubleQuoted << x;
    o << YAML::EndSeq;
  };
  o << YAML::BeginMap;
  o << Key << "format" << Value << "blocsim-sweep";
  o << Key << "format_version" << Value << "1.1";
  text("blocsim_version", kVersion);
  text("git_sha", kGitSha);
  text("name", sp.name);
  if (!sp.description.empty()) text("description", sp.description);
  text("sweep_file", sp.file.string());
  o << Key << "scenario" << Value << YAML::Flow << YAML::BeginMap;
  text("name", setup.base.name);
  text("path", sp.scenario.string());
  o << YAML::EndMap;
  text_list("parameters", d.params);
  o << Key << "design" << Value << std::string(design_name(sp.design));
  if (sp.design == Design::lhs || sp.design == Design::saltelli) o << Key << "samples" << Value << sp.samples;
  if (sp.design == Design::table) text("table", sp.table.string());
  o << Key << "replicates" << Value << sp.replicates;
  o << Key << "seed_policy" << Value << std::string(seed_policy_name(sp.seed_policy));
  o << Key << "root_seed" << Value << sp.seed;
  o << Key << "ticks" << Value << setup.base.ticks;
  text_list("timeseries_metrics", sp.metrics);
  text_list("metrics", d.summaries);
  o << Key << "timeseries" << Value << sp.timeseries;
  o << Key << "points" << Value << setup.plan.points;
  o << Key << "runs" << Value << setup.plan.runs();
  text("plan_hash", d.plan_hash);  // quoted: hex digits can look like a number
  o << Key << "status" << Value << "running";
  o << YAML::EndMap;
}

}  // namespace

namespace detail {

std::optional<std::string> sweep_metadata_fast(const SweepMetadata& m) {
  return yaml_text_fast([&](auto& out) { emit_sweep_metadata(out, m); });
}

std::string sweep_metadata_yaml_cpp(const SweepMetadata& m) {
  return yaml_text_yaml_cpp([&](auto& out) { emit_sweep_metadata(out, m); });
}

}  // namespace detail

std::string sweep_metadata_yaml(const SweepMetadata& m) {
  return yaml_text([&](auto& out) { emit_sweep_metadata(out, m); });
}

}  // namespace blocsim
