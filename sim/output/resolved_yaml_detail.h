// scenario.resolved.yaml's two writers (sim/output/resolved_yaml.cpp), for
// resolved_yaml() and the tests that compare them.
#pragma once

#include <optional>
#include <string>

#include "blocsim/engine/config.h"

namespace blocsim::detail {

//! By YamlWriter (output/yaml_writer.h); nullopt if the document is outside its subset.
std::optional<std::string> resolved_yaml_fast(const ScenarioConfig& cfg);
//! By YAML::Emitter: the reference, and the writer of documents outside YamlWriter's subset.
std::string resolved_yaml_yaml_cpp(const ScenarioConfig& cfg);

}  // namespace blocsim::detail
