// A sweep folder's metadata.yaml while its runs go on (results/README.md:
// `status: running`; the merge rewrites it with `status: complete` and the
// failed count, metadata_completed() in blocsim/output/metadata.h). One
// description of the document, emit_sweep_metadata() in sweep_metadata.cpp,
// written by YamlWriter (output/yaml_writer.h; issue 14, round 23: yaml-cpp's
// emitter took ~1.0 of a sweep process's ~37 million instructions before its
// first run) or, for a document outside that writer's subset, by
// YAML::Emitter: the same bytes either way (tests/test_yaml_writer.cpp
// compares the two).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "blocsim/sweep/sweep.h"

namespace blocsim {

struct SweepMetadata {
  const SweepSetup* setup = nullptr;           //!< never null when written
  std::vector<std::string> params, summaries;  //!< the layout's column names (runs.csv)
  std::string plan_hash;
};

//! metadata.yaml's text, with its final line feed.
std::string sweep_metadata_yaml(const SweepMetadata& m);

namespace detail {
//! By YamlWriter; nullopt if the document is outside its subset.
std::optional<std::string> sweep_metadata_fast(const SweepMetadata& m);
//! By YAML::Emitter: the reference, and the writer of documents outside YamlWriter's subset.
std::string sweep_metadata_yaml_cpp(const SweepMetadata& m);
}  // namespace detail

}  // namespace blocsim
