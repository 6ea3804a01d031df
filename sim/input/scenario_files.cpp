// Reading scenario YAML files into position-carrying trees and merging
// `extends:` chains (each value keeps the file and position it came from).
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "blocsim/input/scenario.h"
#include "input/scenario_detail.h"
#include "io/yaml_guard.h"

namespace blocsim::scenario_detail {

namespace {

// The loader's tree (Val) built straight from yaml-cpp's parser events
// (issue 14, round 19): YAML::Load's node graph (a shared node per value),
// a walk over it for the checks (parse_yaml_checked) and a conversion into
// Val took ~3 ms of the ~19 ms every run process spends before its first
// tick on the default world, most of it for the groups file's ~1,000
// values. This handler does the same in one pass, with the same results:
//  * the checks of parse_yaml_checked — tags, control characters and UTF-8,
//    the depth limit and the alias-expanded value budget (an alias is a
//    copy of its anchor's tree, counted before it is copied; an alias inside
//    its own anchor is refused) — at most 20 problems; if there are any,
//    nothing else is reported;
//  * then what the conversion reported, in document order: map keys that
//    are not plain names and duplicate keys (the pair is dropped, and what
//    is inside its value is not reported: the conversion never visited it);
//  * every value keeps its position; a null value takes its key's position
//    (a list item: its list's), as before.
struct ValBuilder : YAML::EventHandler {
  struct StopParsing {};  // 20 problems, or a limit: the rest of the file is not read
  struct Frame {
    Val v;                      // the map or list being built
    YAML::anchor_t anchor = 0;  // its anchor (registered when it ends)
    std::size_t nodes = 1;      // values in its tree (aliases expanded; scalar map keys are not values)
    int height = 0;             // levels below it
    bool quiet = false;         // inside a dropped pair or a key: the conversion reports nothing here
    // maps: the pending key
    bool want_key = true;
    bool key_ok = false;  // a plain name, not a duplicate: its value is kept
    std::string key;
    SourceLoc key_loc;
    std::unordered_map<std::string, std::size_t> seen;  // key → entry (duplicates found in linear time)
  };
  struct Anchored {
    bool done = false;
    Val v;
    std::size_t nodes = 0;
    int height = 0;
  };

  const std::string& file;
  std::vector<Frame> stack;
  std::vector<Anchored> anchors;     // by anchor id (1, 2, … in a document)
  std::vector<Diagnostic> problems;  // the checks (parse_yaml_checked's)
  std::vector<Diagnostic> reported;  // the conversion's
  std::size_t nodes = 0;
  Val root;

  explicit ValBuilder(const std::string& f) : file(f) {}

  SourceLoc loc(const YAML::Mark& m) const {
    return SourceLoc{file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1};
  }

  // The key path of the value that starts now ("a.b[2]"; a map key: its map's path).
  std::string path() const {
    std::string p;
    for (const Frame& f : stack) {
      if (f.v.is_seq())
        p += "[" + std::to_string(f.v.items.size()) + "]";
      else if (!f.want_key && !f.key.empty())
        p += p.empty() ? f.key : "." + f.key;
    }
    return p;
  }
  bool in_key() const { return !stack.empty() && stack.back().v.is_map() && stack.back().want_key; }
  bool quiet() const {
    if (stack.empty()) return false;
    const Frame& f = stack.back();
    return f.quiet || (f.v.is_map() && (f.want_key || !f.key_ok));
  }
  void problem(const SourceLoc& at, std::string key, std::string msg) {
    problems.push_back({at, std::move(key), std::move(msg)});
    if (problems.size() >= 20) throw StopParsing{};
  }
  // The value budget and the depth limit, before a value of `more` values and `height` levels is added.
  void limits(const YAML::Mark& m, std::size_t more, int height) {
    nodes += more;
    if (nodes > kMaxYamlNodes) {
      problem(loc(m), path(), too_many_yaml_values());
      throw StopParsing{};
    }
    if (static_cast<int>(stack.size()) + height > kMaxYamlDepth) {
      problem(loc(m), path(), too_deep_yaml());
      throw StopParsing{};
    }
  }

  // A finished value (null, scalar, list, map or alias copy) of n values and
  // `height` levels goes to its parent.
  void add(Val&& v, std::size_t n, int height, YAML::anchor_t anchor) {
    if (anchor != 0) {
      if (anchors.size() <= anchor) anchors.resize(anchor + 1);
      anchors[anchor] = Anchored{true, v, n, height};
    }
    if (stack.empty()) {
      root = std::move(v);
      return;
    }
    Frame& f = stack.back();
    f.nodes += n;
    f.height = std::max(f.height, height + 1);
    if (f.v.is_seq()) {
      if (v.kind == Val::Kind::null) v.loc = f.v.loc;
      f.v.items.push_back(std::move(v));
      return;
    }
    if (f.want_key) {
      f.want_key = false;
      f.key_ok = false;
      f.key.clear();
      if (!v.is_scalar()) {
        if (!f.quiet) reported.push_back({v.loc, "", "map keys must be plain names"});
        return;  // the pair is dropped
      }
      f.key = std::move(v.text);
      f.key_loc = v.loc;
      if (const auto [pos, fresh] = f.seen.emplace(f.key, f.v.entries.size()); !fresh) {
        if (!f.quiet) reported.push_back({f.key_loc, path(), check::duplicate_key(f.v.key_locs[pos->second].line)});
        return;
      }
      f.key_ok = true;
      return;
    }
    f.want_key = true;
    if (!f.key_ok) return;
    if (v.kind == Val::Kind::null) v.loc = f.key_loc;
    f.v.entries.emplace_back(std::move(f.key), std::move(v));
    f.v.key_locs.push_back(f.key_loc);
    f.key.clear();
  }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
    limits(m, 1, 0);
    Val v;
    v.loc = loc(m);
    add(std::move(v), 1, 0, anchor);
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    const bool key = in_key();
    // (the path only when there is a problem: a map key's is its map's path and the key)
    auto at = [&] {
      std::string p = path();
      return key ? (p.empty() ? value : p + "." + value) : p;
    };
    if (key) {  // in parse_yaml_checked's order: a key's text, then its tag; a value's limits, tag, text
      if (auto why = scalar_text_problem(value)) problem(loc(m), at(), std::move(*why));
      if (auto why = tag_problem(tag)) problem(loc(m), at(), std::move(*why));
    } else {
      limits(m, 1, 0);
      if (auto why = tag_problem(tag)) problem(loc(m), at(), std::move(*why));
      if (auto why = scalar_text_problem(value)) problem(loc(m), at(), std::move(*why));
    }
    Val v;
    v.kind = Val::Kind::scalar;
    v.text = value;
    v.quoted = tag == "!";
    v.loc = loc(m);
    add(std::move(v), key ? 0 : 1, 0, anchor);
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    if (anchor >= anchors.size() || !anchors[anchor].done) {  // inside its own anchor: endless
      problem(loc(m), path(), too_deep_yaml());
      throw StopParsing{};
    }
    const Anchored& a = anchors[anchor];
    const std::size_t n = in_key() && a.v.is_scalar() ? 0 : a.nodes;
    limits(m, n, a.height);
    add(Val(a.v), n, a.height, 0);
  }
  void start(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, Val::Kind kind) {
    if (auto why = tag_problem(tag)) problem(loc(m), path(), std::move(*why));
    limits(m, 0, 0);
    Frame f;
    f.quiet = quiet();
    f.v.kind = kind;
    f.v.loc = loc(m);
    f.anchor = anchor;
    if (anchor != 0) {
      if (anchors.size() <= anchor) anchors.resize(anchor + 1);
      anchors[anchor].done = false;
    }
    stack.push_back(std::move(f));
  }
  void end() {
    Frame f = std::move(stack.back());
    stack.pop_back();
    nodes += 1;  // the list or map itself
    add(std::move(f.v), f.nodes, f.height, f.anchor);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    start(m, tag, anchor, Val::Kind::seq);
  }
  void OnSequenceEnd() override { end(); }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    start(m, tag, anchor, Val::Kind::map);
  }
  void OnMapEnd() override { end(); }
};

}  // namespace

std::optional<Val> read_yaml(const fs::path& path, const std::string& display, Ctx& ctx,
                             const SourceLoc& from, const std::string& from_key) {
  // Bounded read (a device or a huge file is refused, /dev/stdin read once),
  // then one checked document — aliases, depth, tags, UTF-8 (yaml_guard.h) —
  // read into the tree by ValBuilder, which reports duplicate keys with
  // their key paths.
  try {
    const std::string text = read_input_file(path, from.file.empty() ? SourceLoc{display, 0, 0} : from, from_key);
    ValBuilder b(display);
    try {
      if (!parse_yaml_events(text, display, b)) b.root.loc = SourceLoc{display, 0, 0};  // no document: null
    } catch (const ValBuilder::StopParsing&) {
    }
    if (!b.problems.empty()) throw ConfigError(std::move(b.problems));
    for (auto& d : b.reported) ctx.error(d.loc, d.key, d.message);
    if (from.file.empty()) {
      ctx.info.top_sha256 = sha256_hex(text);
      ctx.info.top_has_name = b.root.is_map() && b.root.get("name") != nullptr;
    }
    return std::move(b.root);
  } catch (const ConfigError& e) {
    for (const auto& d : e.diagnostics()) ctx.bad(d.loc, d.key, d.message);
  }
  return std::nullopt;
}

//! Path named inside a file, resolved against that file's folder.
fs::path resolve_against(const std::string& name, const SourceLoc& where) {
  fs::path p(name);
  if (p.is_relative()) p = fs::path(where.file).parent_path() / p;
  return p.lexically_normal();
}

std::string canonical_key(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return (ec ? fs::absolute(p) : c).string();
}

// A sequence whose items are all maps with distinct scalar `id`s (e.g.
// `powers`). A list with a duplicate id is not merged, so the validator
// reports the duplicate where the user wrote it.
bool is_id_list(const Val& v) {
  if (!v.is_seq() || v.items.empty()) return false;
  std::vector<std::string> ids;
  for (const Val& item : v.items) {
    const Val* id = item.is_map() ? item.get("id") : nullptr;
    if (!id || !id->is_scalar() || std::find(ids.begin(), ids.end(), id->text) != ids.end()) return false;
    ids.push_back(id->text);
  }
  return true;
}

void merge_into(Val& base, const Val& over) {
  if (is_id_list(base) && is_id_list(over)) {
    // Lists of maps with ids (powers) merge item by item on `id`; new ids are
    // appended, so a variant states only the levers it changes.
    for (const Val& item : over.items) {
      const std::string& id = item.get("id")->text;
      auto same = std::find_if(base.items.begin(), base.items.end(),
                               [&](const Val& b) { return b.get("id")->text == id; });
      if (same != base.items.end())
        merge_into(*same, item);
      else
        base.items.push_back(item);
    }
    base.loc = over.loc;
    return;
  }
  if (!(base.is_map() && over.is_map())) {
    base = over;
    return;
  }
  std::unordered_map<std::string, std::size_t> index;  // linear, not quadratic, in the map sizes
  for (std::size_t j = 0; j < base.entries.size(); ++j) index.emplace(base.entries[j].first, j);
  for (std::size_t i = 0; i < over.entries.size(); ++i) {
    const auto& [k, v] = over.entries[i];
    if (const auto it = index.find(k); it != index.end()) {
      merge_into(base.entries[it->second].second, v);
      base.key_locs[it->second] = over.key_locs[i];
    } else {
      index.emplace(k, base.entries.size());
      base.entries.emplace_back(k, v);
      base.key_locs.push_back(over.key_locs[i]);
    }
  }
  base.loc = over.loc;
}

std::optional<Val> load_chain(const fs::path& path, const std::string& display, Ctx& ctx,
                              std::vector<std::string>& stack, const SourceLoc& from) {
  std::optional<Val> root = read_yaml(path, display, ctx, from, from.file.empty() ? "" : "extends");
  if (!root) return std::nullopt;
  if (root->kind == Val::Kind::null) {
    ctx.bad(SourceLoc{display, 1, 1}, "", "the file is empty (expected a scenario map)");
    return std::nullopt;
  }
  if (!root->is_map()) {
    ctx.bad(root->loc, "", "expected a scenario map at the top level, got " + describe(*root));
    return std::nullopt;
  }
  const Val* ext = root->get("extends");
  if (!ext) return root;
  if (!ext->is_scalar()) {
    ctx.bad(ext->loc, "extends", "expected a file name, got " + describe(*ext));
    return std::nullopt;
  }
  const fs::path base_path = resolve_against(ext->text, ext->loc);
  const std::string key = canonical_key(base_path);
  if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
    std::string chain;
    for (const auto& s : stack) chain += fs::path(s).filename().string() + " -> ";
    chain += fs::path(key).filename().string();
    ctx.bad(ext->loc, "extends", "cycle in extends: " + chain);
    return std::nullopt;
  }
  stack.push_back(key);
  std::optional<Val> base = load_chain(base_path, base_path.string(), ctx, stack, ext->loc);
  stack.pop_back();
  if (!base) return std::nullopt;
  // apply this file on top of its base (extends itself is consumed)
  Val over = *root;
  for (std::size_t i = 0; i < over.entries.size(); ++i) {
    if (over.entries[i].first == "extends") {
      over.entries.erase(over.entries.begin() + static_cast<long>(i));
      over.key_locs.erase(over.key_locs.begin() + static_cast<long>(i));
      break;
    }
  }
  merge_into(*base, over);
  return base;
}

}  // namespace blocsim::scenario_detail
