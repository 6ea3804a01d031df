// The block-style YAML reader of yaml_block.h. It reads the whole text into
// a list of events first and hands them to the handler only if the text is
// inside the subset, so a text it declines has produced no event.
#include "io/yaml_block.h"

#include <cstdint>
#include <string>
#include <vector>

#include "io/yaml_guard.h"  // kMaxYamlDepth

namespace blocsim {
namespace {

struct YamlEvent {
  enum Kind : std::uint8_t {
    map_start,
    map_end,
    seq_start,
    seq_end,
    flow_map_start,
    flow_seq_start,
    scalar,
    quoted,  // any scalar that is not plain (tag "!"): single-quoted, block scalars
    null
  } kind;
  YAML::Mark mark;
  std::string text;
};

struct Decline {};  // the text is outside the subset

class Reader {
 public:
  explicit Reader(std::string_view t) : text_(t) {}

  // The events of the text's one document, or Decline.
  std::vector<YamlEvent> read() {
    if (text_.empty() || text_.back() != '\n') throw Decline{};
    for (std::size_t p = 0; p < text_.size();) {
      const std::size_t nl = text_.find('\n', p);
      Line l{p, nl - p, 0, false};
      while (l.indent < l.len && text_[p + l.indent] == ' ') ++l.indent;
      const std::string_view s = text_.substr(p, l.len);
      for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) throw Decline{};
        l.non_ascii = l.non_ascii || u > 0x7f;
      }
      // bytes past ASCII only on comment lines (their text is no event); the
      // loader's handler checks the text's UTF-8 for both readers
      if (l.non_ascii && (l.indent == l.len || s[l.indent] != '#')) throw Decline{};
      if (s.starts_with("---") || s.starts_with("...") || s.starts_with("%")) throw Decline{};
      lines_.push_back(l);
      p = nl + 1;
    }
    const std::size_t first = next_content(0);
    if (first == lines_.size() || !key_at(first, lines_[first].indent)) throw Decline{};
    map(first, lines_[first].indent);
    if (next_content(at_) != lines_.size()) throw Decline{};
    return std::move(events_);
  }

 private:
  struct Line {
    std::size_t start, len, indent;
    bool non_ascii;  // a comment line with bytes past ASCII
  };

  std::string_view text_;
  std::vector<Line> lines_;
  std::vector<YamlEvent> events_;
  std::size_t at_ = 0;  // the first line not read yet
  int depth_ = 0;       // collections open

  // Counts the open collections: past the loader's depth limit the text is
  // left to yaml-cpp (and the limit's message), not read by recursion here.
  struct Level {
    explicit Level(int& d) : d_(d) {
      if (++d_ > kMaxYamlDepth) throw Decline{};
    }
    ~Level() { --d_; }
    int& d_;
  };

  char ch(std::size_t l, std::size_t c) const { return c < lines_[l].len ? text_[lines_[l].start + c] : '\n'; }
  std::string_view rest(std::size_t l, std::size_t c) const {
    return c < lines_[l].len ? text_.substr(lines_[l].start + c, lines_[l].len - c) : std::string_view{};
  }
  // yaml-cpp's position of (l, c): byte offset, line, column; l = lines_.size() is the end
  YAML::Mark mark(std::size_t l, std::size_t c) const {
    YAML::Mark m;
    m.pos = static_cast<int>(l == lines_.size() ? text_.size() : lines_[l].start + c);
    m.line = static_cast<int>(l);
    m.column = static_cast<int>(l == lines_.size() ? 0 : c);
    return m;
  }
  bool blank(std::size_t l) const { return lines_[l].indent == lines_[l].len; }
  bool comment(std::size_t l) const { return ch(l, lines_[l].indent) == '#'; }
  // The first line at or after l with content (not blank, not a comment), or lines_.size().
  std::size_t next_content(std::size_t l) const {
    while (l < lines_.size() && (blank(l) || comment(l))) ++l;
    return l;
  }
  void emit(YamlEvent::Kind k, YAML::Mark m, std::string s = {}) { events_.push_back(YamlEvent{k, m, std::move(s)}); }
  // A plain scalar, key or value: yaml-cpp's parser reports ~, null, Null
  // and NULL as a null (found by tests/fuzz/fuzz_yaml_block).
  void plain_scalar(YAML::Mark m, std::string s) {
    const bool is_null = s == "~" || s == "null" || s == "Null" || s == "NULL";
    emit(is_null ? YamlEvent::null : YamlEvent::scalar, m, is_null ? std::string() : std::move(s));
  }

  static bool name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  static bool name_char(char c) { return name_start(c) || c == '.' || c == '/' || c == '-'; }
  // The length of the key "name:" (followed by a space or the line's end) at
  // (l, c), or 0. Longer names are left to yaml-cpp, which refuses a key of
  // more than 1,024 characters ("illegal map value").
  std::size_t key_at(std::size_t l, std::size_t c) const {
    if (!name_start(ch(l, c))) return 0;
    std::size_t e = c + 1;
    while (name_char(ch(l, e))) ++e;
    if (ch(l, e) != ':' || (ch(l, e + 1) != ' ' && ch(l, e + 1) != '\n') || e - c > 1000) return 0;
    return e - c;
  }
  // "-" followed by a space or the line's end at (l, c).
  bool dash_at(std::size_t l, std::size_t c) const {
    return ch(l, c) == '-' && (ch(l, c + 1) == ' ' || ch(l, c + 1) == '\n');
  }
  // The column of the first character after the spaces from (l, c).
  std::size_t skip_spaces(std::size_t l, std::size_t c) const {
    while (ch(l, c) == ' ') ++c;
    return c;
  }
  // After a value that ends before column c of line l: only spaces, then the
  // line's end or a comment (a '#' after at least one space).
  void only_comment_from(std::size_t l, std::size_t c) const {
    const std::size_t after = skip_spaces(l, c);
    if (ch(l, after) != '\n' && !(ch(l, after) == '#' && after > c)) throw Decline{};
  }
  // YAML's folding of a line break inside a scalar: one break is a space, a
  // break followed by n empty lines is n line breaks.
  static void fold(std::string& v, std::size_t empty_lines) {
    if (empty_lines == 0) v += ' ';
    else v.append(empty_lines, '\n');
  }

  // A block mapping whose first key is at (l, c); its keys are at column c.
  void map(std::size_t l, std::size_t c) {
    const Level level(depth_);
    emit(YamlEvent::map_start, mark(l, c));
    for (;;) {
      const std::size_t n = key_at(l, c);
      if (n == 0) throw Decline{};
      plain_scalar(mark(l, c), std::string(rest(l, c).substr(0, n)));
      value(l, skip_spaces(l, c + n + 1), c, true);
      const std::size_t next = next_content(at_);
      if (next == lines_.size() || lines_[next].indent < c) break;
      if (lines_[next].indent > c) throw Decline{};
      l = next;
    }
    emit(YamlEvent::map_end, mark(l, c));
  }

  // A block sequence whose first "-" is at (l, c); its entries are at column c.
  void seq(std::size_t l, std::size_t c) {
    const Level level(depth_);
    emit(YamlEvent::seq_start, mark(l, c));
    for (;;) {
      if (!dash_at(l, c)) throw Decline{};
      value(l, skip_spaces(l, c + 1), c, false);
      const std::size_t next = next_content(at_);
      if (next == lines_.size() || lines_[next].indent < c) break;
      if (lines_[next].indent > c) throw Decline{};
      if (!dash_at(next, c)) break;  // a sequence at its key's column ends at the next key
      l = next;
    }
    emit(YamlEvent::seq_end, mark(l, c));
  }

  // The value that starts at (l, c) — after "key: " (in_map) or "- " — of a
  // collection whose entries are at column `indent`. Sets at_ to the line after it.
  void value(std::size_t l, std::size_t c, std::size_t indent, bool in_map) {
    const char first = ch(l, c);
    if (first == '\n' || first == '#') {  // nothing on this line (a '#' here follows a space)
      const std::size_t next = next_content(l + 1);
      if (next < lines_.size()) {
        const std::size_t ni = lines_[next].indent;
        if (ni > indent || (in_map && ni == indent && dash_at(next, ni))) {
          at_ = next;
          // a flow collection on its own line, deeper than its key or dash
          // ("reactions:\n  []", as resolved scenarios write empty lists)
          if (ni > indent && (ch(next, ni) == '[' || ch(next, ni) == '{')) flow_value(next, ni, indent);
          else block(next, ni);
          return;
        }
      }
      // null, at the next token: the next line with content, or the end
      emit(YamlEvent::null, mark(next, next < lines_.size() ? lines_[next].indent : 0));
      at_ = l + 1;
      return;
    }
    if (!in_map && (dash_at(l, c) || key_at(l, c) != 0)) {  // "- - x" or "- key: x"
      block(l, c);
      return;
    }
    if (first == '\'') {
      quoted(l, c, indent);
      return;
    }
    if (first == '[' || first == '{') {
      flow_value(l, c, indent);
      return;
    }
    if (first == '>' || first == '|') {
      block_scalar(l, c, indent);
      return;
    }
    // plain: not a character that starts another kind of YAML value
    static constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
    if (kIndicators.find(first) != std::string_view::npos) throw Decline{};
    plain(l, c, indent);
  }

  // A block collection (nested, or compact after "- ") at (l, c).
  void block(std::size_t l, std::size_t c) {
    if (dash_at(l, c)) seq(l, c);
    else if (key_at(l, c) != 0) map(l, c);
    else throw Decline{};
  }

  // One line's piece of a plain scalar from column c: up to a comment (" #")
  // or the end, without trailing spaces. Declines ": " and a final ':' (a
  // mapping yaml-cpp would reject or read differently). Sets `commented`.
  std::string_view plain_piece(std::size_t l, std::size_t c, bool& commented) const {
    std::string_view s = rest(l, c);
    commented = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '#' && i > 0 && s[i - 1] == ' ') {
        s = s.substr(0, i);
        commented = true;
        break;
      }
      if (s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) throw Decline{};
    }
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  }

  // A plain scalar at (l, c) in a collection at column `indent`: it goes on
  // over the following lines indented more than `indent`.
  void plain(std::size_t l, std::size_t c, std::size_t indent) {
    bool commented = false;
    std::string v(plain_piece(l, c, commented));
    std::size_t last = l;
    if (!commented) {
      for (std::size_t m = l + 1; m < lines_.size(); ++m) {
        if (blank(m)) continue;
        if (comment(m) || lines_[m].indent <= indent) break;
        const std::string_view piece = plain_piece(m, lines_[m].indent, commented);
        fold(v, m - last - 1);  // the empty lines between
        v += piece;
        last = m;
        if (commented) break;
      }
    }
    plain_scalar(mark(l, c), std::move(v));
    at_ = last + 1;
  }

  // --- flow collections --------------------------------------------------
  // A flow collection at (l, c) as a value of a block collection at column
  // `indent`; after it only spaces and a comment. The subset: items that are
  // plain scalars of one line (letters, digits, "_./+-" and inner spaces) or
  // flow collections, map keys that are plain names followed by ": ", and
  // line breaks only after '[', '{' or ',' onto lines indented more than
  // `indent`; no empty entries, no trailing comma, no comments inside.
  void flow_value(std::size_t l, std::size_t c, std::size_t indent) {
    std::size_t m = l, i = c;
    flow_node(m, i, indent);
    only_comment_from(m, i);
    at_ = m + 1;
  }

  // Past the spaces after '[', '{' or ',', also onto the next lines.
  void flow_gap(std::size_t& m, std::size_t& i, std::size_t indent) const {
    i = skip_spaces(m, i);
    while (ch(m, i) == '\n') {
      if (++m == lines_.size() || blank(m) || comment(m) || lines_[m].indent <= indent) throw Decline{};
      i = lines_[m].indent;
    }
  }

  // A flow node at (m, i); moves (m, i) past it.
  void flow_node(std::size_t& m, std::size_t& i, std::size_t indent) {
    const char first = ch(m, i);
    if (first == '[' || first == '{') {
      const Level level(depth_);
      const bool is_seq = first == '[';
      const char close = is_seq ? ']' : '}';
      emit(is_seq ? YamlEvent::flow_seq_start : YamlEvent::flow_map_start, mark(m, i));
      ++i;
      flow_gap(m, i, indent);
      if (ch(m, i) != close) {
        for (;;) {
          if (!is_seq) {  // "name: "
            const std::size_t n = key_at(m, i);
            if (n == 0 || ch(m, i + n + 1) != ' ') throw Decline{};
            plain_scalar(mark(m, i), std::string(rest(m, i).substr(0, n)));
            i = skip_spaces(m, i + n + 1);
          }
          flow_node(m, i, indent);
          i = skip_spaces(m, i);
          if (ch(m, i) == close) break;
          if (ch(m, i) != ',') throw Decline{};
          ++i;
          flow_gap(m, i, indent);
          if (ch(m, i) == close) throw Decline{};  // a trailing comma
        }
      }
      emit(is_seq ? YamlEvent::seq_end : YamlEvent::map_end, mark(m, i));
      ++i;
      return;
    }
    // a plain scalar of one line
    auto word = [](char x) { return name_char(x) || x == '+'; };  // letters, digits, "_./+-"
    if (!word(first) || ((first == '-' || first == '+') && !word(ch(m, i + 1)))) throw Decline{};
    std::size_t e = i + 1;
    for (;;) {
      if (word(ch(m, e))) ++e;
      else if (ch(m, e) == ' ' && word(ch(m, skip_spaces(m, e)))) e = skip_spaces(m, e);
      else break;
    }
    const char next = ch(m, skip_spaces(m, e));
    if (next != ',' && next != ']' && next != '}') throw Decline{};
    plain_scalar(mark(m, i), std::string(rest(m, i).substr(0, e - i)));
    i = e;
  }

  // --- block scalars ------------------------------------------------------
  // A literal ('|') or folded ('>') scalar whose indicator is at (l, c), in a
  // collection at column `indent`. The subset: no chomping or indentation
  // indicator and nothing else on the indicator's line; then one or more
  // lines at one indentation deeper than `indent`, none of them empty or
  // ending in a space; then a line at `indent` or less, or the end. Its value
  // is the lines joined by line breaks ('|') or spaces ('>'), and one final
  // line break (YAML's "clip" chomping).
  void block_scalar(std::size_t l, std::size_t c, std::size_t indent) {
    const bool folded = ch(l, c) == '>';
    if (skip_spaces(l, c + 1) != lines_[l].len) throw Decline{};
    std::size_t m = l + 1;
    if (m == lines_.size() || blank(m)) throw Decline{};
    const std::size_t ci = lines_[m].indent;
    if (ci <= indent) throw Decline{};
    std::string v;
    for (; m < lines_.size() && !blank(m) && lines_[m].indent >= ci; ++m) {
      if (lines_[m].indent > ci || ch(m, lines_[m].len - 1) == ' ' || lines_[m].non_ascii) throw Decline{};
      if (!v.empty()) v += folded ? ' ' : '\n';
      v += rest(m, ci);
    }
    if (m < lines_.size() && (blank(m) || lines_[m].indent > indent)) throw Decline{};
    v += '\n';
    emit(YamlEvent::quoted, mark(l, c), std::move(v));
    at_ = m;
  }

  // A single-quoted scalar whose quote is at (l, c), in a collection at
  // column `indent`; after its closing quote only spaces and a comment.
  void quoted(std::size_t l, std::size_t c, std::size_t indent) {
    std::string v;
    std::size_t m = l, i = c + 1;
    for (;;) {
      const std::size_t len = lines_[m].len;
      const std::size_t piece_start = v.size();
      bool closed = false;
      while (i < len) {
        const char x = ch(m, i);
        if (x == '\'') {
          if (ch(m, i + 1) != '\'') {
            closed = true;
            break;
          }
          ++i;
        }
        v += x;
        ++i;
      }
      if (closed) break;
      // a line break inside the quotes: drop the line's trailing spaces, then
      // one break is a space and n empty lines are n breaks
      while (v.size() > piece_start && v.back() == ' ') v.pop_back();
      std::size_t breaks = 0;
      for (++m; m < lines_.size() && blank(m); ++m) ++breaks;
      if (m == lines_.size() || lines_[m].indent <= indent || lines_[m].non_ascii) throw Decline{};
      fold(v, breaks);
      i = lines_[m].indent;
    }
    // A closing quote first on its line: yaml-cpp drops one of the line
    // breaks before it (`'a` + two empty lines + `'` reads as "a\n"); left to it.
    if (m > l && i == lines_[m].indent) throw Decline{};
    only_comment_from(m, i + 1);
    emit(YamlEvent::quoted, mark(l, c), std::move(v));
    at_ = m + 1;
  }
};

}  // namespace

bool parse_block_yaml(std::string_view text, YAML::EventHandler& handler) {
  std::vector<YamlEvent> events;
  try {
    events = Reader(text).read();
  } catch (const Decline&) { return false; }
  handler.OnDocumentStart(events.front().mark);
  static const std::string kPlain = "?", kQuoted = "!";
  for (const YamlEvent& e : events) {
    switch (e.kind) {
      case YamlEvent::map_start:
        handler.OnMapStart(e.mark, kPlain, 0, YAML::EmitterStyle::Block);
        break;
      case YamlEvent::map_end:
        handler.OnMapEnd();
        break;
      case YamlEvent::seq_start:
        handler.OnSequenceStart(e.mark, kPlain, 0, YAML::EmitterStyle::Block);
        break;
      case YamlEvent::flow_map_start:
        handler.OnMapStart(e.mark, kPlain, 0, YAML::EmitterStyle::Flow);
        break;
      case YamlEvent::flow_seq_start:
        handler.OnSequenceStart(e.mark, kPlain, 0, YAML::EmitterStyle::Flow);
        break;
      case YamlEvent::seq_end:
        handler.OnSequenceEnd();
        break;
      case YamlEvent::scalar:
        handler.OnScalar(e.mark, kPlain, 0, e.text);
        break;
      case YamlEvent::quoted:
        handler.OnScalar(e.mark, kQuoted, 0, e.text);
        break;
      case YamlEvent::null:
        handler.OnNull(e.mark, 0);
        break;
    }
  }
  handler.OnDocumentEnd();
  return true;
}

}  // namespace blocsim
