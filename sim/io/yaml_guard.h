// Reading YAML input safely (issue 15; docs/reliability.md "Limits"): every
// BlocSim file (scenario, sweep, observed, groups) is read by
// read_input_file and parsed by parse_yaml_checked — or, for scenario and
// groups files, by parse_yaml_events with the scenario loader's handler,
// which makes the same checks (scenario_files.cpp) — so no input can
//  - make the reader wait or allocate without bound (/dev/zero, a FIFO, a
//    huge file: at most kMaxInputBytes are read, and /dev/stdin is read once),
//  - overflow the stack (a recursive alias `a: &x [*x]`: depth limit),
//  - expand into billions of nodes (alias "billion laughs": node budget over
//    the alias-expanded tree),
//  - hide a second document, a duplicate key, a control character, bytes
//    that are not UTF-8, or a tag such as `!!str 8` that changes a value's type.
// Private to blocsim_core (yaml-cpp is a private dependency).
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "blocsim/io/error.h"

namespace blocsim {

constexpr std::size_t kMaxInputBytes = std::size_t{64} << 20;  //!< 64 MiB per input file
//! Alias-expanded values per file: 68 times the largest file of the repository
//! (groups.yaml, 1,468 values). The scenario loader copies an alias's
//! content, ~300 bytes a value: at 1,000,000 an alias bomb of 500 bytes made
//! it allocate ~300 MB before the budget ran out (~900 MB under ASan, over
//! the fuzz harnesses' 1 GB limit); at 100,000, ~30 MB.
constexpr std::size_t kMaxYamlNodes = 100000;
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

//! What is wrong with a scalar's text (a control character other than tab
//! and line breaks, bytes that are not UTF-8), if anything.
std::optional<std::string> scalar_text_problem(const std::string& s);

//! What is wrong with a node's YAML tag, if anything ("" and "?": plain,
//! "!": quoted — anything else is an explicit tag, which is refused).
std::optional<std::string> tag_problem(const std::string& tag);

//! The messages of the node budget (kMaxYamlNodes) and the depth limit (kMaxYamlDepth).
std::string too_many_yaml_values();
std::string too_deep_yaml();

//! Feed the one YAML document of `text` to `handler` as yaml-cpp's parser
//! events — the events YAML::Load builds its nodes from — without building a
//! node graph; the handler does the checks of parse_yaml_checked itself (the
//! scenario loader builds its own tree this way: scenario_files.cpp). A text
//! in parse_block_yaml's subset (yaml_block.h: block collections, simple flow
//! collections and block scalars — the world's groups file and most
//! scenarios) is read by it, with the same events and without yaml-cpp's
//! scanner; any other text, and every error, by yaml-cpp. Throws
//! ConfigError (located in `display`) on a syntax error or a second document
//! with content. Returns whether the text holds a document.
bool parse_yaml_events(const std::string& text, const std::string& display, YAML::EventHandler& handler);

//! Parse `text` as exactly one YAML document and check it (see the file
//! comment). `display` is the file name used in positions. Throws
//! ConfigError with every problem found (up to 20), each file:line:col.
YAML::Node parse_yaml_checked(const std::string& text, const std::string& display, YamlCheck opt = {});

}  // namespace blocsim
