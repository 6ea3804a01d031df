// Reading YAML input safely (issue 15; docs/reliability.md "Limits"): every
// BlocSim file (scenario, sweep, observed, groups) goes through these two
// functions before any code walks its nodes, so no input can
//  - make the reader wait or allocate without bound (/dev/zero, a FIFO, a
//    huge file: at most kMaxInputBytes are read, and /dev/stdin is read once),
//  - overflow the stack (a recursive alias `a: &x [*x]`: depth limit),
//  - expand into billions of nodes (alias "billion laughs": node budget over
//    the alias-expanded tree),
//  - hide a second document, a duplicate key, a control character, bytes
//    that are not UTF-8, or a tag such as `!!str 8` that changes a value's type.
// Private to blocsim_core (yaml-cpp is a private dependency).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <string>

#include "blocsim/io/error.h"

namespace blocsim {

constexpr std::size_t kMaxInputBytes = std::size_t{64} << 20;  //!< 64 MiB per input file
constexpr std::size_t kMaxYamlNodes = 1000000;                  //!< alias-expanded values per file
constexpr int kMaxYamlDepth = 64;                               //!< nesting levels

//! The bytes of `path`, reading at most kMaxInputBytes (devices and pipes
//! included). Throws ConfigError located at `from` with key `from_key` (or
//! at `path` itself when `from` has no file) if it cannot be opened, is a
//! directory, or is larger than the limit.
std::string read_input_file(const std::filesystem::path& path, const SourceLoc& from = {},
                            const std::string& from_key = "");

struct YamlCheck {
  bool duplicate_keys = true;  //!< report duplicate keys (off where the caller reports them with key paths)
};

//! Parse `text` as exactly one YAML document and check it (see the file
//! comment). `display` is the file name used in positions. Throws
//! ConfigError with every problem found (up to 20), each file:line:col.
YAML::Node parse_yaml_checked(const std::string& text, const std::string& display, YamlCheck opt = {});

}  // namespace blocsim
