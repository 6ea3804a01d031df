//! \file scenario.h
//! \brief Loading, overriding and writing scenarios. The loader lives in
//! sim/input/ (scenario.cpp and the files it names); resolved_yaml() and
//! parameter_reference_markdown() in sim/output/. Config structs stay plain
//! data: no yaml-cpp type appears in this header.
//!
//! @code
//!   blocsim::ScenarioConfig cfg = blocsim::load_scenario("scenarios/baseline.yaml",
//!                                                        {"model.mu=0.1"});
//! @endcode
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "blocsim/engine/config.h"
#include "blocsim/io/error.h"

namespace blocsim {

//! Load a scenario file, resolve `extends:`, read the world data files, apply
//! `overrides` ("path=value" strings, as `--set`), and validate everything.
//! @throws ConfigError with *all* problems found, each `file:line:col: key: message`
//!         (YAML syntax errors, unknown keys with "did you mean", wrong types,
//!         out-of-range values, wrong vector lengths, duplicate/unknown ISO3,
//!         missing files, NaN/inf, bad overrides).
ScenarioConfig load_scenario(const std::filesystem::path& path,
                             const std::vector<std::string>& overrides = {});

//! What a YAML input file holds, from its top-level keys (`blocsim validate`
//! checks each kind with its own loader): a sweep or a calibration file names
//! the `scenario` it runs, a key no scenario has; a calibration file also has
//! `observed`, `classes`, `compare`, `targets` or `abc`. A file that cannot be
//! read as one YAML map counts as a scenario (its loader then says why), and
//! so does anything but a regular file (a pipe such as /dev/stdin is not read
//! here: it could not be read again).
enum class InputKind { scenario, sweep, calibration };
InputKind input_kind(const std::filesystem::path& path);

//! Apply "path=value" overrides to a loaded config and re-validate.
//! Values are parsed strictly (a scalar number, or a name for the few string
//! keys such as `powers.us.capacity_building.targeting`).
//! @throws ConfigError (located at `loc`, e.g. a sweep file position, or
//!         `<command line>` when loc.file is empty).
void apply_overrides(ScenarioConfig& cfg, const std::vector<std::string>& overrides,
                     const SourceLoc& loc = {});

//! Validate cross-field consistency of a config built or edited in code.
//! @returns every problem found (empty = valid).
std::vector<Diagnostic> validate(const ScenarioConfig& cfg);

//! The config as YAML with every value actually used (scenario.resolved.yaml);
//! world data are referenced by file, not inlined, unless inline in the input.
std::string resolved_yaml(const ScenarioConfig& cfg);

//! Markdown parameter reference generated from the registries
//! (`blocsim params`, docs/parameters.md).
std::string parameter_reference_markdown();

//! Every structural key the scenario parser accepts (not the registry
//! parameters, which model_params() etc. list), as paths such as
//! "powers[].export_controls.tiers.default" or "groups.yaml:lists[].id".
//! tests/test_scenario.cpp checks that scenarios/README.md documents each.
std::vector<std::string> scenario_schema_keys();

//! SHA-256 of a file's bytes, lower-case hex. @throws RunError if unreadable.
std::string sha256_file(const std::filesystem::path& path);
//! SHA-256 of a string, lower-case hex.
std::string sha256_hex(const std::string& bytes);

}  // namespace blocsim
