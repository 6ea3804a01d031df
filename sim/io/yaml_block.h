// A fast reader for the plain block style of YAML that the world's groups
// file is written in, and the flow lists and block scalars of the scenario
// files (issue 14): yaml-cpp 0.7's scanner spends ~1,100 instructions a
// byte, ~2.8 ms of every run process on the 22 KB groups file alone.
// parse_block_yaml() reads a subset of YAML and hands the handler exactly the
// events yaml-cpp's parser would (kinds, values, tags, styles, positions);
// for any text outside the subset it does nothing and returns false, and the
// caller parses the text with yaml-cpp as before, which also reports every
// error. The subset:
//  - lines that end with '\n', of printable ASCII (0x20–0x7e): no tabs,
//    carriage returns or control characters; bytes past ASCII (UTF-8) only
//    on comment lines;
//  - no directives ('%') and no document markers ("---", "...");
//  - one block mapping at the top; block mappings and block sequences inside
//    it (a sequence may start at its key's indentation; "- " may be followed
//    by a compact mapping or sequence on the same line);
//  - keys that are plain names ([A-Za-z0-9_] then [A-Za-z0-9_./-]) of at
//    most 1,000 characters;
//  - values that are empty (null), plain scalars, or single-quoted scalars,
//    either of them over several lines (folded by YAML's rules: one line
//    break is a space, n empty lines are n line breaks);
//  - flow sequences and mappings as values ([a, b], {k: v}, nested, empty),
//    on the key's (or dash's) line or alone on the next content line,
//    indented deeper:
//    items that are one-line plain scalars of letters, digits, "_./+-" and
//    inner spaces, keys that are plain names followed by ": ", line breaks
//    only after '[', '{' or ',' onto lines indented deeper than the block
//    around them; no empty entries, trailing commas or comments inside;
//  - literal ('|') and folded ('>') block scalars without indicators: lines
//    at one indentation, none empty or ending in a space, clip chomping;
//  - comments on lines of their own and after values (" #").
// Double quotes, anchors, aliases, tags, complex keys and anything else are
// left to yaml-cpp. Private to blocsim_core; tests/test_yaml_block.cpp
// compares the two parsers' events on every YAML file of the repository and
// on mutated copies of them, and tests/fuzz/fuzz_yaml_block on any text.
#pragma once

#include <yaml-cpp/eventhandler.h>

#include <string_view>

namespace blocsim {

//! Feed the one document of `text` to `handler` as yaml-cpp's parser would
//! and return true, or — if `text` is outside the subset above — call
//! nothing and return false. Exceptions thrown by the handler propagate.
bool parse_block_yaml(std::string_view text, YAML::EventHandler& handler);

}  // namespace blocsim
