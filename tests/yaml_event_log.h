// yaml-cpp's parser events as text, and the comparison of the block-style
// YAML reader (sim/io/yaml_block.h) with yaml-cpp on one text: shared by
// tests/test_yaml_block.cpp and the fuzz harness tests/fuzz/fuzz_yaml_block.cpp.
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <string>

#include "io/yaml_block.h"

namespace blocsim::testing {

// Every event as one line of text.
struct EventLog : YAML::EventHandler {
  std::string log;
  void at(const char* what, const YAML::Mark& m) {
    log += what;
    log += ' ' + std::to_string(m.pos) + ':' + std::to_string(m.line) + ':' + std::to_string(m.column);
  }
  void OnDocumentStart(const YAML::Mark& m) override {
    at("doc", m);
    log += '\n';
  }
  void OnDocumentEnd() override { log += "end-doc\n"; }
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override {
    at("null", m);
    log += " &" + std::to_string(a) + '\n';
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t a) override {
    at("alias", m);
    log += " *" + std::to_string(a) + '\n';
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a, const std::string& v) override {
    at("scalar", m);
    log += " [" + tag + "] &" + std::to_string(a) + " <" + v + ">\n";
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a,
                       YAML::EmitterStyle::value s) override {
    at("seq", m);
    log += " [" + tag + "] &" + std::to_string(a) + " style " + std::to_string(s) + '\n';
  }
  void OnSequenceEnd() override { log += "end-seq\n"; }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a, YAML::EmitterStyle::value s) override {
    at("map", m);
    log += " [" + tag + "] &" + std::to_string(a) + " style " + std::to_string(s) + '\n';
  }
  void OnMapEnd() override { log += "end-map\n"; }
};

struct Outcome {
  bool read = false;      // the block reader read the text
  bool same = true;       // … and yaml-cpp gave the same events (and no error)
  std::string fast, ref;  // the two logs
};

inline Outcome compare_yaml_readers(const std::string& text) {
  Outcome o;
  EventLog fast;
  o.read = blocsim::parse_block_yaml(text, fast);
  o.fast = fast.log;
  if (!o.read) {
    o.same = fast.log.empty();  // declined: nothing emitted
    return o;
  }
  EventLog ref;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    parser.HandleNextDocument(ref);
    EventLog more;  // nothing after the document
    if (parser.HandleNextDocument(more)) ref.log += "second document\n";
  } catch (const YAML::Exception& e) { ref.log += std::string("yaml-cpp error: ") + e.what() + '\n'; }
  o.ref = ref.log;
  o.same = ref.log == fast.log;
  return o;
}

}  // namespace blocsim::testing
