// See yaml_guard.h.
#include "io/yaml_guard.h"

#include "io/yaml_block.h"

#include <yaml-cpp/eventhandler.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "blocsim/io/check.h"
#include "blocsim/output/out_folder.h"

namespace fs = std::filesystem;

namespace blocsim {

std::optional<std::string> scalar_text_problem(const std::string& s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%02X", c);
      return std::string("contains the control character U+00") + buf + " (not allowed in BlocSim files)";
    }
  }
  if (!valid_utf8(s)) return std::string("is not valid UTF-8 (save the file as UTF-8)");
  return std::nullopt;
}

std::optional<std::string> tag_problem(const std::string& t) {
  if (t.empty() || t == "?" || t == "!") return std::nullopt;  // plain, or quoted ("!")
  return "YAML tag '" + t + "' is not supported (a tag can change a value's type, e.g. !!str 8); "
         "remove it, and quote a value that is text";
}

std::string too_many_yaml_values() {
  return "the file expands to more than " + std::to_string(kMaxYamlNodes) +
         " values (YAML aliases repeat their anchor's content; large data belong in CSV files)";
}

std::string too_deep_yaml() {
  return "nested more than " + std::to_string(kMaxYamlDepth) + " levels deep (a recursive alias such as 'a: &x [*x]'?)";
}

namespace {

SourceLoc mark_loc(const std::string& file, const YAML::Mark& m) {
  return SourceLoc{file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1};
}

struct Walker {
  std::string file;
  YamlCheck opt;
  std::vector<Diagnostic> diags;
  std::size_t nodes = 0;
  bool stop = false;

  void bad(const YAML::Node& n, std::string key, std::string msg) {
    if (diags.size() < 20) diags.push_back({mark_loc(file, n.Mark()), std::move(key), std::move(msg)});
    if (diags.size() >= 20) stop = true;
  }

  void scalar_text(const YAML::Node& n, const std::string& path, const std::string& s) {
    if (auto why = scalar_text_problem(s)) bad(n, path, std::move(*why));
  }

  void tag(const YAML::Node& n, const std::string& path) {
    if (auto why = tag_problem(n.Tag())) bad(n, path, std::move(*why));
  }

  void walk(const YAML::Node& n, const std::string& path, int depth) {
    if (stop) return;
    if (++nodes > kMaxYamlNodes) {
      bad(n, path, too_many_yaml_values());
      stop = true;
      return;
    }
    if (depth > kMaxYamlDepth) {
      bad(n, path, too_deep_yaml());
      stop = true;
      return;
    }
    tag(n, path);
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        scalar_text(n, path, n.Scalar());
        break;
      case YAML::NodeType::Sequence: {
        std::size_t i = 0;
        for (const auto& item : n) {
          walk(item, path + "[" + std::to_string(i++) + "]", depth + 1);
          if (stop) return;
        }
        break;
      }
      case YAML::NodeType::Map: {
        std::unordered_map<std::string, int> first_line;
        for (auto it = n.begin(); it != n.end(); ++it) {
          const YAML::Node k = it->first;
          if (k.IsScalar()) {
            const std::string& key = k.Scalar();
            const std::string sub = path.empty() ? key : path + "." + key;
            scalar_text(k, sub, key);
            tag(k, sub);
            const int line = k.Mark().is_null() ? 0 : k.Mark().line + 1;
            const auto [pos, fresh] = first_line.emplace(key, line);
            if (!fresh && opt.duplicate_keys)
              bad(k, sub, check::duplicate_key(pos->second));
            walk(it->second, sub, depth + 1);
          } else {
            walk(k, path, depth + 1);  // reported by the caller ("keys must be names"); still bounded
            walk(it->second, path, depth + 1);
          }
          if (stop) return;
        }
        break;
      }
      default:
        break;
    }
  }
};

}  // namespace

std::string read_input_file(const fs::path& path, const SourceLoc& from, const std::string& from_key) {
  const SourceLoc at = from.file.empty() ? SourceLoc{path.string(), 0, 0} : from;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ConfigError(at, from_key, "'" + path.string() + "' is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const fs::path shown = fs::absolute(path, ec).lexically_normal();
    throw ConfigError(at, from_key, "file not found: " + (ec ? path.string() : shown.string()));
  }
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxInputBytes)
      throw ConfigError(at, from_key,
                        "'" + path.string() + "' is larger than " + std::to_string(kMaxInputBytes >> 20) +
                            " MiB (the limit for one input file; is it a device such as /dev/zero?)");
  }
  return text;
}

//! Counts what a document holds, to find a second document with content.
//! (YAML::LoadAll is not used: yaml-cpp 0.7 can loop forever in it on some
//! malformed input — found by tests/fuzz/fuzz_sweep.)
namespace {
struct DocumentProbe : YAML::EventHandler {
  int docs = 0;
  bool content = false;
  YAML::Mark start;
  void OnDocumentStart(const YAML::Mark& m) override {
    ++docs;
    if (docs == 2) start = m;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { content |= docs >= 2; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { content |= docs >= 2; }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    content |= docs >= 2;
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    content |= docs >= 2;
  }
  void OnMapEnd() override {}
};

// Whether any line starts with "---" or "..." (the document markers).
bool may_hold_two_documents(std::string_view text) {
  for (std::size_t p = 0; p + 3 <= text.size();) {
    const std::string_view head = text.substr(p, 3);
    if (head == "---" || head == "...") return true;
    const std::size_t nl = text.find_first_of("\r\n", p);
    if (nl == std::string_view::npos) break;
    p = nl + 1;
  }
  return false;
}

}  // namespace

namespace {

// A second document would be silently ignored: look at (at most) the next
// one and refuse it if it holds anything — on `parser`, which has handled the
// first document of `text`, or (nullptr) on a parser of its own from the
// start of `text`. A stream holds a second document only after a line that
// starts with a document marker ("---" or "..."; YAML forbids both at the
// start of a line inside a scalar), so without one the probe — for
// parse_yaml_checked a second full parse, half of its cost — cannot find
// anything and is skipped.
void refuse_second_document(YAML::Parser* parser, const std::string& text, const std::string& display) {
  if (!may_hold_two_documents(text)) return;
  std::istringstream in(text);
  std::optional<YAML::Parser> own;
  DocumentProbe probe;
  if (parser) {
    probe.docs = 1;  // the document it handled
  } else {
    parser = &own.emplace(in);
  }
  for (int i = probe.docs; i < 2 && parser->HandleNextDocument(probe); ++i) {
  }
  if (probe.docs >= 2 && probe.content)
    throw ConfigError(mark_loc(display, probe.start), "",
                      "a second YAML document (after '---') would be ignored; put everything in one document");
}

// f(), with yaml-cpp's exceptions as ConfigErrors located in `display`.
template <class F>
auto with_located_errors(const std::string& display, F&& f) {
  try {
    return f();
  } catch (const YAML::ParserException& e) {
    throw ConfigError(mark_loc(display, e.mark), "", "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ConfigError(mark_loc(display, e.mark), "", "YAML error: " + e.msg);
  }
}

}  // namespace

bool parse_yaml_events(const std::string& text, const std::string& display, YAML::EventHandler& handler) {
  // The subset of YAML that parse_block_yaml reads (yaml_block.h: block
  // collections, simple flow collections and block scalars), without
  // yaml-cpp's scanner and with the same events. It declines document
  // markers, so there is no second document to look for.
  if (parse_block_yaml(text, handler)) return true;
  return with_located_errors(display, [&] {
    std::istringstream in(text);
    YAML::Parser parser(in);
    const bool any = parser.HandleNextDocument(handler);
    if (any) refuse_second_document(&parser, text, display);  // (the same parser: no second parse)
    return any;
  });
}

YAML::Node parse_yaml_checked(const std::string& text, const std::string& display, YamlCheck opt) {
  const YAML::Node root = with_located_errors(display, [&] {
    YAML::Node r = YAML::Load(text);
    refuse_second_document(nullptr, text, display);
    return r;
  });
  if (!root.IsDefined() || root.IsNull()) return root;
  Walker w{display, opt, {}, 0, false};
  w.walk(root, "", 0);
  if (!w.diags.empty()) throw ConfigError(std::move(w.diags));
  return root;
}

}  // namespace blocsim
