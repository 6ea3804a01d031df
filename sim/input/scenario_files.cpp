// Reading scenario YAML files into position-carrying trees and merging
// `extends:` chains (each value keeps the file and position it came from).
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <yaml-cpp/yaml.h>

#include "blocsim/input/scenario.h"
#include "input/scenario_detail.h"
#include "io/yaml_guard.h"

namespace blocsim::scenario_detail {

Val convert(const YAML::Node& n, const std::string& file, const SourceLoc* key_loc, Ctx& ctx,
            const std::string& path) {
  Val v;
  const YAML::Mark m = n.Mark();
  v.loc = SourceLoc{file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1};
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      v.kind = Val::Kind::null;
      if (key_loc) v.loc = *key_loc;  // a null value's own mark points past the key
      break;
    case YAML::NodeType::Scalar:
      v.kind = Val::Kind::scalar;
      v.text = n.Scalar();
      v.quoted = n.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      v.kind = Val::Kind::seq;
      for (const auto& item : n)
        v.items.push_back(convert(item, file, &v.loc, ctx, path + "[" + std::to_string(v.items.size()) + "]"));
      break;
    case YAML::NodeType::Map: {
      v.kind = Val::Kind::map;
      // Duplicates found with a hash index, not by scanning the entries:
      // maps of 200k keys load in linear time.
      std::unordered_map<std::string, std::size_t> seen;
      for (auto it = n.begin(); it != n.end(); ++it) {
        const YAML::Mark km = it->first.Mark();
        SourceLoc kl{file, km.line + 1, km.column + 1};
        if (!it->first.IsScalar()) {
          ctx.error(kl, "", "map keys must be plain names");
          continue;
        }
        const std::string key = it->first.Scalar();
        const std::string sub = path.empty() ? key : path + "." + key;
        if (const auto [pos, fresh] = seen.emplace(key, v.entries.size()); !fresh) {
          ctx.error(kl, sub, check::duplicate_key(v.key_locs[pos->second].line));
          continue;
        }
        v.entries.emplace_back(key, convert(it->second, file, &kl, ctx, sub));
        v.key_locs.push_back(kl);
      }
      break;
    }
  }
  return v;
}

std::optional<Val> read_yaml(const fs::path& path, const std::string& display, Ctx& ctx,
                             const SourceLoc& from, const std::string& from_key) {
  // Bounded read (a device or a huge file is refused, /dev/stdin read once),
  // then one checked document: aliases, depth, tags, UTF-8 (yaml_guard.h).
  // Duplicate keys are reported by convert(), with their key paths.
  try {
    const std::string text = read_input_file(path, from.file.empty() ? SourceLoc{display, 0, 0} : from, from_key);
    const YAML::Node root = parse_yaml_checked(text, display, YamlCheck{false});
    if (from.file.empty()) {
      ctx.info.top_sha256 = sha256_hex(text);
      ctx.info.top_has_name = root.IsMap() && root["name"];
    }
    return convert(root, display, nullptr, ctx, "");
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
