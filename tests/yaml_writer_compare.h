// One small document written by YAML::Emitter and by YamlWriter
// (sim/output/yaml_writer.h) from the same strings, in every context the
// resolved scenario and metadata.yaml put a string in: a comment, block-map
// keys and values, flow-map keys and values, flow and block sequence items,
// double-quoted strings, integers, booleans and a list of integers.
// Shared by tests/test_yaml_writer.cpp and tests/fuzz/fuzz_yaml_writer.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "output/yaml_writer.h"

namespace blocsim::testing {

struct WriterOutcome {
  bool declined = false;  // YamlWriter left the document to yaml-cpp
  bool same = false;      // it wrote it, and wrote yaml-cpp's bytes
  std::string ref, mine;
};

// a, b, c: the strings; comment: without line breaks; k: an integer value.
inline WriterOutcome compare_yaml_writers(const std::string& a, const std::string& b, const std::string& c,
                                          const std::string& comment, int k) {
  auto build = [&](auto& out) {
    out << YAML::Comment("c " + comment) << YAML::Newline;
    out << YAML::BeginMap << YAML::Key << a << YAML::Value << b;
    out << YAML::Key << "flow" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << b << YAML::Value << c
        << YAML::Key << c << YAML::Value << YAML::Flow << YAML::BeginSeq << a << b << YAML::EndSeq << YAML::EndMap;
    out << YAML::Key << "list" << YAML::Value << YAML::BeginSeq << c << YAML::Flow << std::vector<std::string>{a}
        << YAML::BeginMap << YAML::Key << b << YAML::Value << k << YAML::EndMap << YAML::BeginSeq << YAML::EndSeq
        << YAML::EndSeq;
    out << YAML::Key << c << YAML::Value << YAML::BeginMap << YAML::EndMap;
    // metadata.yaml's contexts (round 22): double-quoted strings in block
    // and flow collections and as a key (the setting holds for one scalar:
    // an integer or a boolean uses it up), booleans, a list of integers
    out << YAML::Key << "q" << YAML::Value << YAML::DoubleQuoted << a;
    out << YAML::Key << "qs" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::DoubleQuoted << b << c
        << YAML::DoubleQuoted << k << a << YAML::DoubleQuoted << (k > 0) << b << YAML::EndSeq;
    out << YAML::Key << YAML::DoubleQuoted << c << YAML::Value << (k < 0);
    out << YAML::Key << "n" << YAML::Value << YAML::Flow
        << std::vector<std::uint64_t>{static_cast<std::uint64_t>(k + 3), 18446744073709551615ull};
    out << YAML::EndMap;
  };
  WriterOutcome o;
  YAML::Emitter e;
  build(e);
  o.ref = e.c_str();
  YamlWriter w;
  build(w);
  o.declined = !w.ok();
  if (!o.declined) o.mine = w.str();
  o.same = !o.declined && o.mine == o.ref;
  return o;
}

}  // namespace blocsim::testing
