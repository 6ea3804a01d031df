// yaml-cpp 0.7's emitter layout for BlocSim's resolved scenarios, without its
// regular expressions (sim/output/yaml_writer.h). The functions below follow
// yaml-cpp's Emitter::PrepareNode and its per-context helpers, with no
// anchors, tags or aliases (so HasBegunContent() is always false and
// HasBegunNode() is "a comment or newline since the last node").
#include "output/yaml_writer.h"

#include <cstdint>

namespace blocsim {

// Text whose bytes yaml-cpp writes unchanged (plain) or with only the escapes
// below (double-quoted): printable ASCII, line feeds and tabs, and UTF-8 that
// yaml-cpp's decoder reads back to the same bytes and writes unescaped (no
// overlong forms, surrogates or noncharacters, nothing in U+0080–U+00A0, no
// byte-order mark).
bool YamlWriter::supported(std::string_view s) {
  if (s.size() > 1024) return false;  // yaml-cpp makes such a key a long key ("? ")
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return false;
      ++i;
      continue;
    }
    const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > s.size()) return false;
    std::uint32_t cp = c & (0x7Fu >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (t & 0x3Fu);
    }
    const std::uint32_t smallest = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (cp & 0xFFFE) == 0xFFFE ||
        (cp >= 0xFDD0 && cp <= 0xFDEF) || cp <= 0xA0 || cp == 0xFEFF)
      return false;
    i += n;
  }
  return true;
}

// IsValidPlainScalar (yaml-cpp 0.7, emitterutils.cpp) for supported() text:
// not a null spelling; no tab or line break anywhere (Exp::Tab, Exp::Break);
// the start rule of Exp::PlainScalar / PlainScalarInFlow; no trailing space;
// and nowhere Exp::EndScalar / EndScalarInFlow or a space before '#'. (The
// unprintable characters and the byte-order mark of yaml-cpp's rule are not
// in supported() text; other non-ASCII bytes match none of its patterns.)
bool YamlWriter::plain_ok(std::string_view s, bool flow) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return false;
  if (s.find_first_of("\t\n") != std::string_view::npos) return false;
  const std::string_view never_first = flow ? " ?,[]{}#&*!|>'\"%@`" : " ,[]{}#&*!|>'\"%@`";
  const std::string_view before_blank = flow ? "-:" : "-?:";  // not first if followed by a blank or the end
  if (never_first.find(s[0]) != std::string_view::npos) return false;
  if (before_blank.find(s[0]) != std::string_view::npos && (s.size() == 1 || s[1] == ' ')) return false;
  if (s.back() == ' ') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';  // '\0': the end
    if (c == ':' && (next == '\0' || next == ' ')) return false;
    if (c == ' ' && next == '#') return false;
    if (flow) {
      if (c == ':' && (next == ',' || next == ']' || next == '}')) return false;
      if (c == ',' || c == '?' || c == '[' || c == ']' || c == '{' || c == '}') return false;
    }
  }
  return true;
}

void YamlWriter::put(char c) {
  out_.push_back(c);
  if (c == '\n') {
    col_ = 0;
    comment_ = false;
  } else {
    ++col_;
  }
}

void YamlWriter::put(std::string_view s) {
  out_.append(s);
  col_ += s.size();
}

void YamlWriter::space_or_indent_to(bool require_space, std::size_t n) {
  if (comment_) put('\n');
  if (col_ > 0 && require_space) put(' ');
  indent_to(n);
}

// EmitterState::StartedNode
void YamlWriter::started_node() {
  if (groups_.empty()) ++documents_;
  else ++groups_.back().children;
  non_content_ = false;
}

// Emitter::PrepareNode and PrepareTopNode, FlowSeqPrepareNode,
// BlockSeqPrepareNode, FlowMapPrepareSimpleKey(Value),
// BlockMapPrepareSimpleKey(Value)
void YamlWriter::prepare(Node child) {
  const bool collection_in_block = child == Node::block_seq || child == Node::block_map;
  if (groups_.empty()) {
    if (child == Node::none) return;
    if (documents_ > 0 && col_ > 0) return fail();  // a second document
    if (collection_in_block) {
      if (non_content_) put('\n');
    } else {
      space_or_indent_to(false, 0);
    }
    return;
  }
  const Group& g = groups_.back();
  if (g.flow) {
    if (collection_in_block) return fail();  // cannot happen: a collection in a flow one is flow
    const std::size_t last = last_indent();
    const bool key = !g.seq && g.children % 2 == 0;
    if (!non_content_) {
      if (comment_) put('\n');
      indent_to(last);
      if (g.seq || key) put(g.children == 0 ? (g.seq ? '[' : '{') : ',');
      else put(':');
    }
    if (child != Node::none) space_or_indent_to(g.children > 0, last);
    return;
  }
  if (g.seq) {
    if (child == Node::none) return;
    if (comment_ || g.children > 0) put('\n');
    indent_to(indent_);
    put('-');
    if (child == Node::block_seq) put('\n');
    else if (child == Node::block_map) {
      if (comment_) put('\n');
    } else {
      space_or_indent_to(false, indent_ + kIndent);
    }
    return;
  }
  if (g.children % 2 == 0) {                 // a key
    if (collection_in_block) return fail();  // a collection as a key: yaml-cpp writes a long key
    if (child == Node::none) return;
    if (!non_content_ && g.children > 0) put('\n');
    space_or_indent_to(false, indent_);
    return;
  }
  if (!non_content_) put(':');  // a value
  if (collection_in_block) put('\n');
  else if (child != Node::none) space_or_indent_to(true, indent_ + kIndent);
}

void YamlWriter::scalar(std::string_view s) {
  if (!ok_) return;
  if (!supported(s)) return fail();
  const bool flow = !groups_.empty() && groups_.back().flow;
  prepare(Node::scalar);
  if (!quoted_next_ && plain_ok(s, flow)) {
    put(s);
  } else {  // WriteDoubleQuotedString for supported() text
    put('"');
    for (const char c : s) {
      if (c == '"' || c == '\\') put('\\');
      if (c == '\n') put("\\n");
      else if (c == '\t') put("\\t");
      else put(c);
    }
    put('"');
  }
  started_node();
  flow_next_ = quoted_next_ = false;  // ClearModifiedSettings
}

// Integers and booleans (Emitter::WriteIntegralType, Write(bool)).
void YamlWriter::integer(std::string_view digits) {
  if (!ok_) return;
  prepare(Node::scalar);
  put(digits);
  started_node();
  flow_next_ = quoted_next_ = false;
}

// Emitter::EmitBeginSeq / EmitBeginMap and EmitterState::StartedGroup
void YamlWriter::begin_group(bool seq) {
  // yaml-cpp moves a pending DoubleQuoted into the group, where it holds for
  // every string until the group ends: not written by BlocSim, left to yaml-cpp.
  if (quoted_next_) return fail();
  const bool flow = (!groups_.empty() && groups_.back().flow) || flow_next_;
  prepare(flow ? (seq ? Node::flow_seq : Node::flow_map) : (seq ? Node::block_seq : Node::block_map));
  started_node();
  if (!groups_.empty()) indent_ += kIndent;
  groups_.push_back(Group{seq, flow});
  flow_next_ = false;  // the setting moved into the group, undone at its end
}

// Emitter::EmitEndSeq / EmitEndMap and EmitterState::EndedGroup
void YamlWriter::end_group(bool seq) {
  if (groups_.empty() || groups_.back().seq != seq) return fail();
  const Group g = groups_.back();
  if (g.flow || g.children == 0) {  // an empty block collection is written in flow style
    if (comment_) put('\n');
    indent_to(indent_);
    if (!g.flow || (g.children == 0 && !non_content_)) put(seq ? '[' : '{');
    put(seq ? ']' : '}');
  }
  groups_.pop_back();
  if (!groups_.empty()) indent_ -= kIndent;
  flow_next_ = false;
  non_content_ = false;
}

YamlWriter& YamlWriter::operator<<(YAML::EMITTER_MANIP m) {
  if (!ok_) return *this;
  switch (m) {
    case YAML::BeginSeq:
      begin_group(true);
      break;
    case YAML::EndSeq:
      end_group(true);
      break;
    case YAML::BeginMap:
      begin_group(false);
      break;
    case YAML::EndMap:
      end_group(false);
      break;
    case YAML::Key:
    case YAML::Value:
      break;  // yaml-cpp ignores them: a map's children alternate
    case YAML::Flow:
      flow_next_ = true;
      break;
    case YAML::DoubleQuoted:
      quoted_next_ = true;
      break;
    case YAML::Newline:
      if (!groups_.empty()) return fail(), *this;
      put('\n');
      non_content_ = true;
      break;
    default:
      fail();
  }
  return *this;
}

// Emitter::Write(const _Comment&) and Utils::WriteComment, before the top-level node
YamlWriter& YamlWriter::operator<<(const YAML::_Comment& c) {
  if (!ok_) return *this;
  if (!groups_.empty() || !supported(c.content) || c.content.find('\n') != std::string::npos) return fail(), *this;
  if (col_ > 0) put("  ");  // the pre-comment indentation
  put("# ");
  put(c.content);
  comment_ = true;
  non_content_ = true;
  return *this;
}

}  // namespace blocsim
