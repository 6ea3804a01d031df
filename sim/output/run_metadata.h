// A run folder's metadata.yaml (results/README.md): what run_scenario()
// knows when the replicates are done, and the document written from it. One
// description of the document, emit_run_metadata() in run_metadata.cpp,
// written by YamlWriter (output/yaml_writer.h; issue 14, round 22: yaml-cpp's
// emitter took ~2 of a default-world run process's ~39 million instructions,
// most of them in its per-character checks) or, for a document
// outside that writer's subset, by YAML::Emitter: the same bytes either way
// (tests/test_yaml_writer.cpp compares the two).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "blocsim/engine/config.h"
#include "blocsim/engine/phases.h"

namespace blocsim {

struct RunMetadata {
  const ScenarioConfig* cfg = nullptr;  //!< the scenario as run (never null when written)
  std::string scenario_sha256;          //!< of the bytes the loader read ("" if unknown)
  std::string resolved_sha256;          //!< of scenario.resolved.yaml
  std::vector<std::uint64_t> seeds;     //!< one per replicate
  int threads = 1;
  bool over_replicates = false;  //!< replicates in parallel (else countries)
  std::int64_t countries = 0;
  std::vector<int> init_iterations;  //!< per replicate
  std::vector<bool> init_converged;  //!< per replicate
  std::array<double, kTickPhases.size()> phase_seconds{};  //!< summed over replicates
  std::string started_utc, finished_utc;
  double wall_seconds = 0.0;
};

//! metadata.yaml's text, with its final line feed.
std::string run_metadata_yaml(const RunMetadata& m);

namespace detail {
//! By YamlWriter; nullopt if the document is outside its subset.
std::optional<std::string> run_metadata_fast(const RunMetadata& m);
//! By YAML::Emitter: the reference, and the writer of documents outside YamlWriter's subset.
std::string run_metadata_yaml_cpp(const RunMetadata& m);
}  // namespace detail

}  // namespace blocsim
