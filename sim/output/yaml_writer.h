// A YAML writer that produces yaml-cpp 0.7's YAML::Emitter bytes for the
// subset of documents BlocSim writes as scenario.resolved.yaml (issue 14,
// round 21), without yaml-cpp's per-character regular expressions: deciding
// whether a string may be written plain took ~6 of the ~45 million
// instructions of a default-world run process.
//
// The subset: block and flow maps and sequences (YAML::BeginMap, EndMap,
// BeginSeq, EndSeq, Flow, and the no-op Key and Value), strings (plain where
// yaml-cpp would write them plain, or YAML::DoubleQuoted), integers, booleans,
// lists of strings and of integers, and comments and newlines before the
// top-level node (round 22 added DoubleQuoted, booleans and lists of integers
// for metadata.yaml, output/run_metadata.h).
// Strings of at most 1,024 bytes of printable ASCII, line feeds, tabs and
// UTF-8 that yaml-cpp writes unescaped (supported()); comments of the same
// without line feeds. The layout follows yaml-cpp's emitter state
// machine for that subset (emitter.cpp, emitterstate.cpp: indentation 2,
// the parity of a map's children deciding key or value, an empty block
// collection written as [] or {} on its own line, a blank line between the
// comments and a top-level block collection), and a string is written plain
// exactly when yaml-cpp's IsValidPlainScalar() would (null spellings, the
// start and in-string rules of YAML's plain scalars, block or flow), else
// double-quoted.
//
// Anything else — another manipulator, a tag, a comment inside a collection,
// another control character, a longer string — sets ok() to false and
// the caller writes the document with YAML::Emitter instead, so the bytes
// never depend on which writer ran (yaml_text() below, used for
// scenario.resolved.yaml and metadata.yaml; the tests compare the two on every
// scenario of the repository and on random strings, tests/test_yaml_writer.cpp).
#pragma once

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace blocsim {

class YamlWriter {
 public:
  YamlWriter& operator<<(YAML::EMITTER_MANIP m);
  YamlWriter& operator<<(const YAML::_Comment& c);
  YamlWriter& operator<<(std::string_view s) {
    scalar(s);
    return *this;
  }
  YamlWriter& operator<<(const std::string& s) { return *this << std::string_view(s); }
  YamlWriter& operator<<(const char* s) { return *this << std::string_view(s); }
  template <class T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>) YamlWriter& operator<<(T v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    integer(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
    return *this;
  }
  //! yaml-cpp's Write(bool) in its default format: true / false. A template
  //! for bool alone, so a double (which yaml-cpp would write as a number)
  //! does not convert to bool: it does not compile.
  template <class T>
  requires std::is_same_v<T, bool> YamlWriter& operator<<(T b) {
    integer(b ? "true" : "false");
    return *this;
  }
  //! A sequence of strings, integers or booleans, as yaml-cpp's stlemitter.h writes one.
  template <class T>
  requires(!std::is_same_v<T, char>) YamlWriter& operator<<(const std::vector<T>& v) {
    *this << YAML::BeginSeq;
    for (const auto& x : v) *this << x;
    return *this << YAML::EndSeq;
  }

  //! False once the document used something outside the subset (then str() is incomplete).
  bool ok() const { return ok_; }
  //! The text so far, as YAML::Emitter::c_str() would give it.
  const std::string& str() const { return out_; }

  //! yaml-cpp 0.7's IsValidPlainScalar() for supported() text (exposed for the tests).
  static bool plain_ok(std::string_view s, bool flow);
  //! The strings this writer handles: at most 1,024 bytes of printable ASCII,
  //! '\n', '\t' and UTF-8 that yaml-cpp writes back unescaped.
  static bool supported(std::string_view s);

 private:
  enum class Node { none, scalar, flow_seq, flow_map, block_seq, block_map };
  struct Group {
    bool seq, flow;
    std::size_t children = 0;
  };
  static constexpr std::size_t kIndent = 2;  // yaml-cpp's default indentation

  void scalar(std::string_view s);
  void integer(std::string_view digits);
  void begin_group(bool seq);
  void end_group(bool seq);
  void prepare(Node child);
  void started_node();
  std::size_t last_indent() const { return groups_.size() <= 1 ? 0 : indent_ - kIndent; }

  void put(char c);
  void put(std::string_view s);  // no line breaks
  void indent_to(std::size_t n) {
    while (col_ < n) put(' ');
  }
  void space_or_indent_to(bool require_space, std::size_t n);
  void fail() { ok_ = false; }

  std::vector<Group> groups_;
  std::size_t indent_ = 0;     // yaml-cpp's m_curIndent
  std::size_t documents_ = 0;  // top-level nodes written
  bool non_content_ = false;   // a comment or newline since the last node (HasBegunNode)
  bool flow_next_ = false;     // YAML::Flow given for the next collection
  bool quoted_next_ = false;   // YAML::DoubleQuoted given for the next scalar
  std::string out_;
  std::size_t col_ = 0;
  bool comment_ = false;  // the current line holds a comment
  bool ok_ = true;
};

// The text of the document that emit(out) describes to either writer, with a
// final line feed: by YamlWriter, or nullopt if the document leaves its subset;
// by YAML::Emitter (the reference); and by the first that can (what the files
// get).
template <class Emit>
std::optional<std::string> yaml_text_fast(const Emit& emit) {
  YamlWriter out;
  emit(out);
  if (!out.ok()) return std::nullopt;
  return out.str() + '\n';
}
template <class Emit>
std::string yaml_text_yaml_cpp(const Emit& emit) {
  YAML::Emitter out;
  emit(out);
  return std::string(out.c_str()) + '\n';
}
template <class Emit>
std::string yaml_text(const Emit& emit) {
  if (auto text = yaml_text_fast(emit)) return *std::move(text);
  return yaml_text_yaml_cpp(emit);
}

}  // namespace blocsim
