// Scenario loading, validation, overrides and the resolved YAML — the only
// file besides the sweep loader that includes yaml-cpp.
//
// Flow: each YAML file is converted into a small position-carrying tree
// (`Val`), `extends:` chains are merged on those trees (so every value keeps
// the file it came from), the merged tree is parsed into a ScenarioConfig
// (type errors, unknown keys, missing files; every key's position goes into a
// SourceInfo), and `validate_impl` then checks ranges and cross references,
// quoting positions from the SourceInfo. All problems are collected and thrown
// together as one ConfigError.
//
// Key-path convention in messages: the YAML structure of the scenario, e.g.
// `powers[1].identity`, `model.mu`, `timeline[0].set.model.mu`; inline
// countries are `world.countries[3]` (0-based list index), CSV rows are
// `world.countries[row 12]` (12 = line number in the CSV file, header = 1).
#include "blocsim/input/scenario.h"
#include "blocsim/engine/world.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <tuple>

#include <yaml-cpp/yaml.h>

namespace blocsim {

namespace fs = std::filesystem;

namespace {

// ===========================================================================
// Key lists (also the schema that scenarios/README.md must document)
// ===========================================================================

using Keys = std::vector<std::string>;
const Keys kTopKeys = {"name", "description", "extends", "seed", "ticks", "calendar", "dimensions",
                       "world", "network", "powers", "model", "initial", "timeline", "outputs"};
const Keys kCalendarKeys = {"start", "step"};
const Keys kWorldKeys = {"countries", "groups", "borders", "trade", "edges", "synthetic"};
const Keys kSyntheticKeys = {"countries", "degree", "rewire"};
const Keys kCountryKeys = {"iso3",     "name",     "region",   "subregion", "gdp",      "pop",
                           "capacity", "identity", "trade",    "security",  "estimated"};
const Keys kGroupFileKeys = {"schema_version", "lists", "ignore"};
const Keys kGroupListKeys = {"id",     "members", "title",      "as_of",    "status",
                             "source", "notes",   "confidence", "exporter", "invited_not_joined",
                             "non_state_parties", "ambiguous", "uncertain", "suspended"};
const Keys kPowerKeys = {"id",           "name",        "home",                "identity",
                         "frontier",     "frontier_growth", "narrative_radius", "export_controls",
                         "open_models",  "capacity_building", "standards_diplomacy", "narrative",
                         "alliance_pressure", "ties"};
const Keys kExportKeys = {"strictness", "tiers"};
const Keys kTierKeys = {"rule", "default", "groups", "countries"};
const Keys kCapacityKeys = {"budget", "targeting"};
const Keys kTiesKeys = {"trade_column", "security_column", "default_trade", "default_security",
                        "security_groups"};
const Keys kNetworkExtraKeys = {"groups"};
const Keys kModelStringKeys = {"grievance_dimension", "multilateral_dimension"};
const Keys kInitialKeys = {"alignment", "standards", "pin", "equilibrium_iterations"};
const Keys kEventKeys = {"tick", "date", "label", "set", "tiers", "memberships", "security"};
const Keys kMembershipKeys = {"add", "remove"};
const Keys kOutputKeys = {"countries", "countries_every"};
const Keys kCountryColumns = {"iso3", "name", "region", "subregion", "gdp", "pop", "capacity", "estimated"};

const Keys kTargeting = {"need", "swing", "allies", "population"};
const Keys kTierRules = {"list", "by_alignment"};
const Keys kInitialModes = {"equilibrium", "data", "nonaligned"};
const Keys kSteps = {"month", "quarter", "year"};

const char* const kCommandLine = "<command line>";

// ===========================================================================
// Small helpers
// ===========================================================================

std::string fmt_num(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  std::string s(buf, r.ptr);
  // make sure YAML reads it back as a float-looking number, not an int-looking one
  return s;
}

std::string short_num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string join(const Keys& keys, const char* sep = ", ") {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += sep;
    out += k;
  }
  return out;
}

std::string hint(const std::string& word, const Keys& candidates) {
  const std::string best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

//! Strict number: the whole text must be a number (YAML's .inf/.nan spelled
//! any common way are accepted; validation decides whether they are allowed).
std::optional<double> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return std::nullopt;
  std::string lower(body);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == ".inf" || lower == "inf") return neg ? -std::numeric_limits<double>::infinity()
                                                    : std::numeric_limits<double>::infinity();
  if ((lower == ".nan" || lower == "nan") && s[0] != '+' && s[0] != '-') return std::numeric_limits<double>::quiet_NaN();
  // only digits, '.', 'e', 'E', signs after e
  for (char c : body)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
      return std::nullopt;
  if (!std::isdigit(static_cast<unsigned char>(body[0])) && body[0] != '.') return std::nullopt;
  double v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != body.data() + body.size()) return std::nullopt;
  return neg ? -v : v;
}

std::optional<long long> parse_integer(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  if (body[0] == '+') body.remove_prefix(1);
  long long v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v);
  if (r.ec != std::errc() || r.ptr != body.data() + body.size() || body.empty()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_uint64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  return std::string(s.substr(a, b - a));
}

bool is_iso3(const std::string& s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_power_id(const std::string& s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string loc_text(const SourceLoc& l) {
  std::string s = l.file;
  if (l.line > 0) s += ":" + std::to_string(l.line);
  return s;
}

// ===========================================================================
// Position-carrying YAML tree
// ===========================================================================

struct Val {
  enum class Kind { null, scalar, seq, map };
  Kind kind = Kind::null;
  std::string text;  // scalar text
  bool quoted = false;
  std::vector<Val> items;                            // seq
  std::vector<std::pair<std::string, Val>> entries;  // map
  std::vector<SourceLoc> key_locs;                   // parallel to entries
  SourceLoc loc;

  const Val* get(std::string_view key) const {
    for (const auto& [k, v] : entries)
      if (k == key) return &v;
    return nullptr;
  }
  SourceLoc key_loc(std::string_view key) const {
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (entries[i].first == key) return key_locs[i];
    return loc;
  }
  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::seq; }
  bool is_scalar() const { return kind == Kind::scalar; }
};

std::string describe(const Val& v) {
  switch (v.kind) {
    case Val::Kind::null: return "nothing";
    case Val::Kind::scalar: return "'" + v.text + "'";
    case Val::Kind::seq: return "a list";
    case Val::Kind::map: return "a map";
  }
  return "?";
}

// ===========================================================================
// Where things are (for cross-field checks after parsing)
// ===========================================================================

struct SourceInfo {
  std::map<std::string, SourceLoc> locs;     // key path → position
  std::set<std::string> reported;            // key paths that already have a parse error
  std::vector<std::string> country_paths;    // per country index
  std::vector<std::string> event_paths;      // per event index (after sorting)
  std::vector<std::string> border_paths, trade_paths, edge_paths;
  std::set<std::string> missing_columns;     // "trade:<power>" / "security:<power>"
  SourceLoc file;                            // the scenario file itself
};

// Strip the last component of a key path ("a.b[3]" → "a.b", "a.b" → "a").
std::string parent_path(const std::string& p) {
  const auto pos = p.find_last_of(".[");
  return pos == std::string::npos ? std::string() : p.substr(0, pos);
}

class Ctx {
 public:
  std::vector<Diagnostic> diags;
  SourceInfo info;

  void error(const SourceLoc& loc, const std::string& key, const std::string& msg) {
    diags.push_back(Diagnostic{loc, key, msg});
  }
  //! An error that makes the value unusable: later checks of `key` are skipped.
  void bad(const SourceLoc& loc, const std::string& key, const std::string& msg) {
    error(loc, key, msg);
    info.reported.insert(key);
  }
  void at(const std::string& key, const SourceLoc& loc) { info.locs[key] = loc; }

  // --- typed readers -------------------------------------------------------
  bool expect_map(const Val& v, const std::string& key) {
    if (v.is_map()) return true;
    bad(v.loc, key, "expected a map, got " + describe(v));
    return false;
  }
  bool expect_seq(const Val& v, const std::string& key) {
    if (v.is_seq()) return true;
    bad(v.loc, key, "expected a list, got " + describe(v));
    return false;
  }
  void check_keys(const Val& m, const std::string& key, const Keys& allowed) {
    for (std::size_t i = 0; i < m.entries.size(); ++i) {
      const std::string& k = m.entries[i].first;
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      error(m.key_locs[i], key.empty() ? "top level" : key, "unknown key '" + k + "'" + hint(k, allowed));
    }
  }
  std::optional<double> number(const Val& v, const std::string& key) {
    at(key, v.loc);
    if (v.is_scalar() && !v.quoted) {
      if (auto x = parse_number(v.text)) return x;
    }
    if (v.is_scalar() && v.quoted && parse_number(v.text)) {
      bad(v.loc, key, "expected a number, got the quoted string \"" + v.text + "\" (remove the quotes)");
    } else {
      bad(v.loc, key, "expected a number, got " + describe(v));
    }
    return std::nullopt;
  }
  std::optional<long long> integer(const Val& v, const std::string& key) {
    at(key, v.loc);
    if (v.is_scalar() && !v.quoted) {
      if (auto x = parse_integer(v.text)) return x;
    }
    bad(v.loc, key, "expected an integer, got " + describe(v));
    return std::nullopt;
  }
  std::optional<std::string> string(const Val& v, const std::string& key) {
    at(key, v.loc);
    if (v.is_scalar()) return v.text;
    bad(v.loc, key, "expected a string, got " + describe(v));
    return std::nullopt;
  }
  std::optional<bool> boolean(const Val& v, const std::string& key) {
    at(key, v.loc);
    if (v.is_scalar() && !v.quoted) {
      static const Keys t = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
      static const Keys f = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
      if (std::find(t.begin(), t.end(), v.text) != t.end()) return true;
      if (std::find(f.begin(), f.end(), v.text) != f.end()) return false;
    }
    bad(v.loc, key, "expected true or false, got " + describe(v));
    return std::nullopt;
  }
  std::optional<int> choice(const Val& v, const std::string& key, const Keys& options) {
    at(key, v.loc);
    if (v.is_scalar()) {
      for (std::size_t i = 0; i < options.size(); ++i)
        if (options[i] == v.text) return static_cast<int>(i);
    }
    bad(v.loc, key, "expected one of " + join(options, " | ") + ", got " + describe(v) +
                        (v.is_scalar() ? hint(v.text, options) : std::string()));
    return std::nullopt;
  }
  std::vector<double> numbers(const Val& v, const std::string& key, bool& ok) {
    std::vector<double> out;
    at(key, v.loc);
    ok = expect_seq(v, key);
    if (!ok) return out;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      if (auto x = number(v.items[i], key + "[" + std::to_string(i) + "]")) out.push_back(*x);
      else ok = false;
    }
    if (!ok) info.reported.insert(key);
    return out;
  }
  std::vector<std::string> strings(const Val& v, const std::string& key) {
    std::vector<std::string> out;
    at(key, v.loc);
    if (!expect_seq(v, key)) return out;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      const std::string k = key + "[" + std::to_string(i) + "]";
      if (auto s = string(v.items[i], k)) out.push_back(*s);
    }
    return out;
  }
};

// ===========================================================================
// Reading YAML files (+ extends)
// ===========================================================================

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
    case YAML::NodeType::Map:
      v.kind = Val::Kind::map;
      for (auto it = n.begin(); it != n.end(); ++it) {
        const YAML::Mark km = it->first.Mark();
        SourceLoc kl{file, km.line + 1, km.column + 1};
        if (!it->first.IsScalar()) {
          ctx.error(kl, "", "map keys must be plain names");
          continue;
        }
        const std::string key = it->first.Scalar();
        const std::string sub = path.empty() ? key : path + "." + key;
        if (v.get(key)) {
          ctx.error(kl, sub, "duplicate key (first at line " + std::to_string(v.key_loc(key).line) + ")");
          continue;
        }
        v.entries.emplace_back(key, convert(it->second, file, &kl, ctx, sub));
        v.key_locs.push_back(kl);
      }
      break;
  }
  return v;
}

std::optional<Val> read_yaml(const fs::path& path, const std::string& display, Ctx& ctx,
                             const SourceLoc& from, const std::string& from_key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ctx.bad(from, from_key, "file not found: " + fs::absolute(path).lexically_normal().string());
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    const YAML::Node root = YAML::Load(ss.str());
    return convert(root, display, nullptr, ctx, "");
  } catch (const YAML::ParserException& e) {
    ctx.bad(SourceLoc{display, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    ctx.bad(SourceLoc{display, e.mark.line + 1, e.mark.column + 1}, "", "YAML error: " + e.msg);
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
  for (std::size_t i = 0; i < over.entries.size(); ++i) {
    const auto& [k, v] = over.entries[i];
    bool found = false;
    for (std::size_t j = 0; j < base.entries.size(); ++j) {
      if (base.entries[j].first != k) continue;
      merge_into(base.entries[j].second, v);
      base.key_locs[j] = over.key_locs[i];
      found = true;
    }
    if (!found) {
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

// ===========================================================================
// CSV
// ===========================================================================

struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
  std::vector<int> cols;  // 1-based character column of each field
};
struct CsvTable {
  std::string file;  // display path
  CsvRow header;
  std::vector<CsvRow> rows;
};

std::optional<CsvTable> read_csv(const fs::path& path, Ctx& ctx, const SourceLoc& from, const std::string& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ctx.bad(from, key, "file not found: " + fs::absolute(path).lexically_normal().string());
    return std::nullopt;
  }
  CsvTable t;
  t.file = path.string();
  std::string line;
  int lineno = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty() || line[0] == '#') continue;
    CsvRow row;
    row.line = lineno;
    std::size_t i = 0;
    bool ok = true;
    while (true) {
      std::string field;
      const int col = static_cast<int>(i) + 1;
      if (i < line.size() && line[i] == '"') {
        ++i;
        bool closed = false;
        while (i < line.size()) {
          if (line[i] == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            closed = true;
            ++i;
            break;
          }
          field += line[i++];
        }
        if (!closed) {
          ctx.bad(SourceLoc{t.file, lineno, col}, key, "unterminated quoted field");
          ok = false;
          break;
        }
        while (i < line.size() && line[i] != ',') ++i;
      } else {
        while (i < line.size() && line[i] != ',') field += line[i++];
        field = trim(field);
      }
      row.fields.push_back(field);
      row.cols.push_back(col);
      if (i >= line.size()) break;
      ++i;  // skip comma
    }
    if (!ok) continue;
    if (!have_header) {
      t.header = row;
      have_header = true;
      continue;
    }
    if (row.fields.size() != t.header.fields.size()) {
      ctx.bad(SourceLoc{t.file, lineno, 1}, key,
              "expected " + std::to_string(t.header.fields.size()) + " fields (as in the header), got " +
                  std::to_string(row.fields.size()));
      continue;
    }
    t.rows.push_back(std::move(row));
  }
  if (!have_header) {
    ctx.bad(SourceLoc{t.file, 1, 1}, key, "the file is empty (expected a header row)");
    return std::nullopt;
  }
  return t;
}

// ===========================================================================
// The parser: merged tree → ScenarioConfig
// ===========================================================================

class Parser {
 public:
  Parser(Ctx& ctx, ScenarioConfig& cfg) : ctx_(ctx), cfg_(cfg) {}

  void parse(const Val& root, bool root_has_name, const std::string& stem) {
    ctx_.check_keys(root, "", kTopKeys);
    for (std::size_t i = 0; i < root.entries.size(); ++i) ctx_.at(root.entries[i].first, root.key_locs[i]);
    cfg_.name = stem;
    if (const Val* v = root.get("name"); v && root_has_name) {
      if (auto s = ctx_.string(*v, "name")) cfg_.name = *s;
    }
    if (const Val* v = root.get("description")) {
      if (auto s = ctx_.string(*v, "description")) cfg_.description = *s;
    }
    if (const Val* v = root.get("seed")) {
      ctx_.at("seed", v->loc);
      std::optional<std::uint64_t> s;
      if (v->is_scalar() && !v->quoted) s = parse_uint64(v->text);
      if (s) cfg_.seed = *s;
      else ctx_.bad(v->loc, "seed", "expected an integer in [0, 2^64), got " + describe(*v));
    }
    if (const Val* v = root.get("ticks")) {
      if (auto x = ctx_.integer(*v, "ticks")) {
        if (*x < 1 || *x > 1000000) ctx_.bad(v->loc, "ticks", "out of range: " + v->text + " is not in [1, 1000000]");
        else cfg_.ticks = static_cast<int>(*x);
      }
    }
    if (const Val* v = root.get("calendar")) parse_calendar(*v);
    cfg_.dimensions = {"democracy", "sovereignty", "multilateralism", "market"};
    if (const Val* v = root.get("dimensions")) {
      cfg_.dimensions = ctx_.strings(*v, "dimensions");
    }
    if (const Val* v = root.get("powers")) parse_powers(*v);
    else ctx_.error(SourceLoc{root.loc.file, 1, 1}, "powers", "missing required key (at least one power)");
    if (const Val* v = root.get("model")) parse_model(*v);
    if (const Val* v = root.get("network")) parse_network(*v);
    if (const Val* v = root.get("world")) parse_world(*v);
    else ctx_.error(SourceLoc{root.loc.file, 1, 1}, "world", "missing required key (countries or synthetic)");
    fill_tie_defaults();
    if (const Val* v = root.get("initial")) parse_initial(*v);
    if (const Val* v = root.get("timeline")) parse_timeline(*v);
    if (const Val* v = root.get("outputs")) parse_outputs(*v);
  }

 private:
  Ctx& ctx_;
  ScenarioConfig& cfg_;
  std::set<std::string> iso_set_;

  void parse_calendar(const Val& v) {
    if (!ctx_.expect_map(v, "calendar")) return;
    ctx_.check_keys(v, "calendar", kCalendarKeys);
    if (const Val* s = v.get("start")) {
      if (auto text = ctx_.string(*s, "calendar.start")) {
        Calendar c;
        c.start_year = 0;
        c.start_month = 1;
        c.step = CalendarStep::month;
        const auto months = date_tick(c, *text);  // months since 0000-01
        if (!months) ctx_.bad(s->loc, "calendar.start", "expected a date YYYY-MM, got '" + *text + "'");
        else {
          cfg_.calendar.start_year = *months / 12;
          cfg_.calendar.start_month = *months % 12 + 1;
        }
      }
    }
    if (const Val* s = v.get("step")) {
      if (auto c = ctx_.choice(*s, "calendar.step", kSteps)) cfg_.calendar.step = static_cast<CalendarStep>(*c);
    }
  }

  // --- tiers (powers and timeline) -----------------------------------------
  TierSpec parse_tiers(const Val& v, const std::string& key) {
    TierSpec t;
    ctx_.at(key, v.loc);
    if (!ctx_.expect_map(v, key)) return t;
    ctx_.check_keys(v, key, kTierKeys);
    if (const Val* r = v.get("rule")) {
      if (auto c = ctx_.choice(*r, key + ".rule", kTierRules)) t.rule = static_cast<TierRule>(*c);
    }
    if (const Val* d = v.get("default")) {
      if (auto x = ctx_.integer(*d, key + ".default")) t.default_tier = static_cast<int>(*x);
    }
    auto entries = [&](const char* name, std::vector<std::pair<std::string, int>>& out) {
      const Val* m = v.get(name);
      if (!m) return;
      const std::string k = key + "." + name;
      ctx_.at(k, m->loc);
      if (!ctx_.expect_map(*m, k)) return;
      for (std::size_t i = 0; i < m->entries.size(); ++i) {
        const std::string ek = k + "." + m->entries[i].first;
        ctx_.at(ek, m->key_locs[i]);
        if (auto x = ctx_.integer(m->entries[i].second, ek)) out.emplace_back(m->entries[i].first, static_cast<int>(*x));
        ctx_.at(ek, m->key_locs[i]);
      }
    };
    entries("groups", t.groups);
    entries("countries", t.countries);
    return t;
  }

  // --- powers ---------------------------------------------------------------
  void parse_powers(const Val& v) {
    if (!ctx_.expect_seq(v, "powers")) return;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      const std::string key = "powers[" + std::to_string(i) + "]";
      const Val& pv = v.items[i];
      ctx_.at(key, pv.loc);
      PowerConfig p;
      if (!ctx_.expect_map(pv, key)) {
        cfg_.powers.push_back(p);
        continue;
      }
      ctx_.check_keys(pv, key, kPowerKeys);
      if (const Val* x = pv.get("id")) {
        if (auto s = ctx_.string(*x, key + ".id")) p.id = *s;
      } else {
        ctx_.bad(pv.loc, key, "missing required key 'id'");
        ctx_.info.reported.insert(key + ".id");
      }
      p.name = p.id;
      if (const Val* x = pv.get("name")) {
        if (auto s = ctx_.string(*x, key + ".name")) p.name = *s;
      }
      if (const Val* x = pv.get("home")) {
        if (auto s = ctx_.string(*x, key + ".home")) p.home = *s;
      }
      if (const Val* x = pv.get("identity")) {
        bool ok = true;
        p.identity = ctx_.numbers(*x, key + ".identity", ok);
      } else {
        ctx_.bad(pv.loc, key + ".identity", "missing required key 'identity' (one value per dimension)");
      }
      for (const auto& spec : power_params()) {
        // keys are "frontier" or "section.key"
        const std::string k(spec.key);
        const auto dot = k.find('.');
        const Val* x = nullptr;
        if (dot == std::string::npos) {
          x = pv.get(k);
        } else if (const Val* sec = pv.get(k.substr(0, dot)); sec && sec->is_map()) {
          x = sec->get(k.substr(dot + 1));
        }
        if (x) {
          if (auto d = ctx_.number(*x, key + "." + k)) p.*(spec.field) = *d;
        }
      }
      if (const Val* ec = pv.get("export_controls")) {
        const std::string k = key + ".export_controls";
        ctx_.at(k, ec->loc);
        if (ctx_.expect_map(*ec, k)) {
          ctx_.check_keys(*ec, k, kExportKeys);
          if (const Val* t = ec->get("tiers")) p.tiers = parse_tiers(*t, k + ".tiers");
        }
      }
      if (const Val* cb = pv.get("capacity_building")) {
        const std::string k = key + ".capacity_building";
        ctx_.at(k, cb->loc);
        if (ctx_.expect_map(*cb, k)) {
          ctx_.check_keys(*cb, k, kCapacityKeys);
          if (const Val* t = cb->get("targeting")) {
            if (auto c = ctx_.choice(*t, k + ".targeting", kTargeting)) p.targeting = static_cast<Targeting>(*c);
          }
        }
      }
      if (const Val* ties = pv.get("ties")) {
        const std::string k = key + ".ties";
        ctx_.at(k, ties->loc);
        if (ctx_.expect_map(*ties, k)) {
          ctx_.check_keys(*ties, k, kTiesKeys);
          if (const Val* x = ties->get("trade_column"))
            if (auto s = ctx_.string(*x, k + ".trade_column")) p.trade_column = *s;
          if (const Val* x = ties->get("security_column"))
            if (auto s = ctx_.string(*x, k + ".security_column")) p.security_column = *s;
          if (const Val* x = ties->get("default_trade"))
            if (auto d = ctx_.number(*x, k + ".default_trade")) p.default_trade = *d;
          if (const Val* x = ties->get("default_security"))
            if (auto d = ctx_.number(*x, k + ".default_security")) p.default_security = *d;
          if (const Val* x = ties->get("security_groups")) p.security_groups = ctx_.strings(*x, k + ".security_groups");
        }
      }
      if (p.trade_column.empty()) p.trade_column = "trade_" + p.id;
      if (p.security_column.empty()) p.security_column = "security_" + p.id;
      cfg_.powers.push_back(std::move(p));
    }
  }

  // --- model / network ------------------------------------------------------
  void parse_model(const Val& v) {
    if (!ctx_.expect_map(v, "model")) return;
    Keys allowed = kModelStringKeys;
    for (const auto& s : model_params()) allowed.emplace_back(s.key);
    ctx_.check_keys(v, "model", allowed);
    for (const auto& s : model_params()) {
      if (const Val* x = v.get(s.key)) {
        if (auto d = ctx_.number(*x, "model." + std::string(s.key))) cfg_.model.*(s.field) = *d;
      }
    }
    if (const Val* x = v.get("grievance_dimension"))
      if (auto s = ctx_.string(*x, "model.grievance_dimension")) cfg_.model.grievance_dimension = *s;
    if (const Val* x = v.get("multilateral_dimension"))
      if (auto s = ctx_.string(*x, "model.multilateral_dimension")) cfg_.model.multilateral_dimension = *s;
  }

  void parse_network(const Val& v) {
    if (!ctx_.expect_map(v, "network")) return;
    Keys allowed = kNetworkExtraKeys;
    for (const auto& s : network_params()) allowed.emplace_back(s.key);
    ctx_.check_keys(v, "network", allowed);
    for (const auto& s : network_params()) {
      if (const Val* x = v.get(s.key)) {
        if (auto d = ctx_.number(*x, "network." + std::string(s.key))) cfg_.network.*(s.field) = *d;
      }
    }
    if (const Val* x = v.get("groups")) cfg_.network.groups = ctx_.strings(*x, "network.groups");
  }

  // --- world ----------------------------------------------------------------
  void parse_world(const Val& v) {
    if (!ctx_.expect_map(v, "world")) return;
    ctx_.check_keys(v, "world", kWorldKeys);
    WorldConfig& w = cfg_.world;
    if (const Val* s = v.get("synthetic")) {
      ctx_.at("world.synthetic", s->loc);
      for (const char* other : {"countries", "groups", "borders", "trade", "edges"}) {
        if (v.get(other)) {
          ctx_.error(v.key_loc(other), std::string("world.") + other,
                     "cannot be combined with world.synthetic (a synthetic world is generated)");
        }
      }
      SyntheticWorld sw;
      if (ctx_.expect_map(*s, "world.synthetic")) {
        ctx_.check_keys(*s, "world.synthetic", kSyntheticKeys);
        if (const Val* x = s->get("countries")) {
          if (auto n = ctx_.integer(*x, "world.synthetic.countries")) sw.countries = *n;
        } else {
          ctx_.bad(s->loc, "world.synthetic", "missing required key 'countries'");
        }
        if (const Val* x = s->get("degree"))
          if (auto d = ctx_.number(*x, "world.synthetic.degree")) sw.degree = *d;
        if (const Val* x = s->get("rewire"))
          if (auto d = ctx_.number(*x, "world.synthetic.rewire")) sw.rewire = *d;
      }
      w.synthetic = sw;
      return;
    }
    if (const Val* c = v.get("countries")) {
      ctx_.at("world.countries", c->loc);
      if (c->is_scalar()) {
        const fs::path p = resolve_against(c->text, c->loc);
        if (auto t = read_csv(p, ctx_, c->loc, "world.countries")) {
          w.countries_file = fs::absolute(p).lexically_normal().string();
          w.source_files.push_back(w.countries_file);
          parse_country_csv(*t);
        }
      } else if (c->is_seq()) {
        for (std::size_t i = 0; i < c->items.size(); ++i) parse_inline_country(c->items[i], i);
      } else {
        ctx_.bad(c->loc, "world.countries", "expected a CSV file name or a list of countries, got " + describe(*c));
      }
    } else {
      ctx_.bad(v.loc, "world", "missing required key 'countries' (or 'synthetic')");
    }
    for (const auto& r : w.countries) iso_set_.insert(r.iso3);
    if (const Val* g = v.get("groups")) {
      ctx_.at("world.groups", g->loc);
      if (g->is_scalar()) {
        const fs::path p = resolve_against(g->text, g->loc);
        if (auto root = read_yaml(p, p.string(), ctx_, g->loc, "world.groups")) {
          w.groups_file = fs::absolute(p).lexically_normal().string();
          w.source_files.push_back(w.groups_file);
          parse_group_file(*root);
        }
      } else if (g->is_map()) {
        for (std::size_t i = 0; i < g->entries.size(); ++i) {
          const std::string key = "world.groups." + g->entries[i].first;
          ctx_.at(key, g->key_locs[i]);
          Group grp;
          grp.id = g->entries[i].first;
          grp.members = member_list(g->entries[i].second, key, {});
          w.groups.push_back(std::move(grp));
        }
      } else {
        ctx_.bad(g->loc, "world.groups", "expected a YAML file name or a map group_id: [ISO3, ...], got " + describe(*g));
      }
    }
    parse_edges(v, "borders", w.borders, w.borders_file, ctx_.info.border_paths, false);
    parse_edges(v, "trade", w.trade, w.trade_file, ctx_.info.trade_paths, true);
    parse_edges(v, "edges", w.edges, w.edges_file, ctx_.info.edge_paths, false);
  }

  std::vector<std::string> member_list(const Val& v, const std::string& key, const std::set<std::string>& ignore) {
    std::vector<std::string> out;
    ctx_.at(key, v.loc);
    if (!ctx_.expect_seq(v, key)) return out;
    for (std::size_t j = 0; j < v.items.size(); ++j) {
      const std::string mk = key + ".members[" + std::to_string(j) + "]";
      if (auto s = ctx_.string(v.items[j], mk)) {
        if (ignore.count(*s) && !iso_set_.count(*s)) continue;
        ctx_.at(key + ".members[" + std::to_string(out.size()) + "]", v.items[j].loc);
        out.push_back(*s);
      }
    }
    return out;
  }

  void parse_group_file(const Val& root) {
    if (!ctx_.expect_map(root, "world.groups")) return;
    ctx_.check_keys(root, "world.groups", kGroupFileKeys);
    std::set<std::string> ignore;
    if (const Val* ig = root.get("ignore")) {
      for (const auto& s : ctx_.strings(*ig, "world.groups.ignore")) ignore.insert(s);
    }
    const Val* lists = root.get("lists");
    if (!lists) {
      ctx_.bad(root.loc, "world.groups", "missing required key 'lists'");
      return;
    }
    if (!ctx_.expect_seq(*lists, "world.groups.lists")) return;
    for (std::size_t i = 0; i < lists->items.size(); ++i) {
      const Val& item = lists->items[i];
      const std::string ik = "world.groups.lists[" + std::to_string(i) + "]";
      if (!ctx_.expect_map(item, ik)) continue;
      ctx_.check_keys(item, ik, kGroupListKeys);
      Group grp;
      if (const Val* id = item.get("id")) {
        if (auto s = ctx_.string(*id, ik + ".id")) grp.id = *s;
      }
      if (grp.id.empty()) {
        ctx_.bad(item.loc, ik, "missing required key 'id'");
        continue;
      }
      const std::string key = "world.groups." + grp.id;
      ctx_.at(key, item.get("id")->loc);
      if (const Val* m = item.get("members")) grp.members = member_list(*m, key, ignore);
      else ctx_.bad(item.loc, key, "missing required key 'members'");
      cfg_.world.groups.push_back(std::move(grp));
    }
  }

  void parse_edges(const Val& world, const char* name, std::vector<Edge>& out, std::string& file,
                   std::vector<std::string>& paths, bool weight_required) {
    const Val* v = world.get(name);
    if (!v) return;
    const std::string key = std::string("world.") + name;
    ctx_.at(key, v->loc);
    if (v->is_scalar()) {
      const fs::path p = resolve_against(v->text, v->loc);
      auto t = read_csv(p, ctx_, v->loc, key);
      if (!t) return;
      file = fs::absolute(p).lexically_normal().string();
      cfg_.world.source_files.push_back(file);
      const auto& h = t->header.fields;
      const bool has_weight = h.size() == 3 && h[2] == "weight";
      if (h.size() < 2 || h[0] != "iso3_a" || h[1] != "iso3_b" || (h.size() == 3 && !has_weight) || h.size() > 3 ||
          (weight_required && !has_weight)) {
        ctx_.bad(SourceLoc{t->file, t->header.line, 1}, key,
                 std::string("expected the header 'iso3_a,iso3_b") + (weight_required ? ",weight'" : "[,weight]'") +
                     ", got '" + join(h, ",") + "'");
        return;
      }
      for (const auto& row : t->rows) {
        const std::string rk = key + "[row " + std::to_string(row.line) + "]";
        const SourceLoc l{t->file, row.line, row.cols[0]};
        ctx_.at(rk, l);
        ctx_.at(rk + ".iso3_a", l);
        ctx_.at(rk + ".iso3_b", SourceLoc{t->file, row.line, row.cols[1]});
        Edge e{row.fields[0], row.fields[1], 1.0};
        if (has_weight) {
          const SourceLoc wl{t->file, row.line, row.cols[2]};
          ctx_.at(rk + ".weight", wl);
          if (auto d = parse_number(row.fields[2])) e.weight = *d;
          else {
            ctx_.bad(wl, rk + ".weight", "expected a number, got '" + row.fields[2] + "'");
            continue;
          }
        }
        out.push_back(e);
        paths.push_back(rk);
      }
      return;
    }
    if (!v->is_seq()) {
      ctx_.bad(v->loc, key, "expected a CSV file name or a list of [ISO3, ISO3(, weight)], got " + describe(*v));
      return;
    }
    for (std::size_t i = 0; i < v->items.size(); ++i) {
      const Val& it = v->items[i];
      const std::string rk = key + "[" + std::to_string(i) + "]";
      ctx_.at(rk, it.loc);
      if (!it.is_seq() || it.items.size() < 2 || it.items.size() > 3 || (weight_required && it.items.size() != 3)) {
        ctx_.bad(it.loc, rk,
                 std::string("expected [ISO3, ISO3") + (weight_required ? ", weight]" : "] or [ISO3, ISO3, weight]") +
                     ", got " + (it.is_seq() ? std::to_string(it.items.size()) + " values" : describe(it)));
        continue;
      }
      Edge e;
      auto a = ctx_.string(it.items[0], rk + ".iso3_a");
      auto b = ctx_.string(it.items[1], rk + ".iso3_b");
      if (!a || !b) continue;
      e.a = *a;
      e.b = *b;
      if (it.items.size() == 3) {
        auto d = ctx_.number(it.items[2], rk + ".weight");
        if (!d) continue;
        e.weight = *d;
      }
      out.push_back(e);
      paths.push_back(rk);
    }
  }

  void parse_inline_country(const Val& v, std::size_t i) {
    const std::string key = "world.countries[" + std::to_string(i) + "]";
    CountryRow r;
    r.loc = v.loc;
    ctx_.at(key, v.loc);
    ctx_.info.country_paths.push_back(key);
    if (!ctx_.expect_map(v, key)) {
      cfg_.world.countries.push_back(r);
      return;
    }
    ctx_.check_keys(v, key, kCountryKeys);
    if (const Val* x = v.get("iso3")) {
      if (auto s = ctx_.string(*x, key + ".iso3")) r.iso3 = *s;
      r.loc = x->loc;
    } else {
      ctx_.bad(v.loc, key + ".iso3", "missing required key 'iso3'");
    }
    auto str = [&](const char* k, std::string& out) {
      if (const Val* x = v.get(k))
        if (auto s = ctx_.string(*x, key + "." + k)) out = *s;
    };
    auto num = [&](const char* k, double& out) {
      if (const Val* x = v.get(k))
        if (auto d = ctx_.number(*x, key + "." + k)) out = *d;
    };
    str("name", r.name);
    str("region", r.region);
    str("subregion", r.subregion);
    str("estimated", r.estimated);
    num("gdp", r.gdp);
    num("pop", r.pop);
    num("capacity", r.capacity);
    if (const Val* x = v.get("identity")) {
      bool ok = true;
      r.identity = ctx_.numbers(*x, key + ".identity", ok);
    } else {
      ctx_.bad(v.loc, key + ".identity", "missing required key 'identity' (one value per dimension)");
    }
    auto ties = [&](const char* k, std::map<std::string, double>& out) {
      const Val* x = v.get(k);
      if (!x) return;
      const std::string tk = key + "." + k;
      ctx_.at(tk, x->loc);
      if (!ctx_.expect_map(*x, tk)) return;
      for (std::size_t j = 0; j < x->entries.size(); ++j) {
        const std::string ek = tk + "." + x->entries[j].first;
        if (auto d = ctx_.number(x->entries[j].second, ek)) out[x->entries[j].first] = *d;
        else ctx_.info.reported.insert(tk);
      }
    };
    ties("trade", r.trade);
    ties("security", r.security);
    cfg_.world.countries.push_back(std::move(r));
  }

  void parse_country_csv(const CsvTable& t) {
    const auto& h = t.header.fields;
    const SourceLoc hloc{t.file, t.header.line, 1};
    std::map<std::string, std::size_t> col;
    for (std::size_t j = 0; j < h.size(); ++j) {
      const SourceLoc l{t.file, t.header.line, t.header.cols[j]};
      if (col.count(h[j])) {
        ctx_.bad(l, "world.countries", "duplicate column '" + h[j] + "'");
        continue;
      }
      col[h[j]] = j;
    }
    // which columns are allowed
    Keys allowed = kCountryColumns;
    for (const auto& d : cfg_.dimensions) allowed.push_back(d);
    std::map<std::string, std::pair<std::string, bool>> power_col;  // column → (power id, is_trade)
    for (const auto& p : cfg_.powers) {
      if (p.id.empty()) continue;
      const std::string tc = p.trade_column.empty() ? "trade_" + p.id : p.trade_column;
      const std::string sc = p.security_column.empty() ? "security_" + p.id : p.security_column;
      power_col[tc] = {p.id, true};
      power_col[sc] = {p.id, false};
      allowed.push_back(tc);
      allowed.push_back(sc);
    }
    for (std::size_t j = 0; j < h.size(); ++j) {
      if (std::find(allowed.begin(), allowed.end(), h[j]) != allowed.end()) continue;
      // ties with powers this scenario does not define are ignored
      if (h[j].starts_with("trade_") || h[j].starts_with("security_")) continue;
      ctx_.error(SourceLoc{t.file, t.header.line, t.header.cols[j]}, "world.countries",
                 "unknown column '" + h[j] + "'" + hint(h[j], allowed));
    }
    if (!col.count("iso3")) {
      ctx_.bad(hloc, "world.countries", "missing column 'iso3'");
      return;
    }
    bool dims_ok = true;
    for (const auto& d : cfg_.dimensions) {
      if (!col.count(d)) {
        ctx_.error(hloc, "world.countries", "missing column '" + d + "' (one column per identity dimension)");
        dims_ok = false;
      }
    }
    for (std::size_t k = 0; k < cfg_.powers.size(); ++k) {
      const PowerConfig& p = cfg_.powers[k];
      if (p.id.empty()) continue;
      const std::string pk = "powers[" + std::to_string(k) + "]";
      if (!col.count(p.trade_column) && !p.default_trade) {
        ctx_.error(hloc, "world.countries",
                   "missing column '" + p.trade_column + "' (add it, or set " + pk + ".ties.default_trade)");
        ctx_.info.missing_columns.insert("trade:" + p.id);
      }
      if (!col.count(p.security_column) && !p.default_security) {
        ctx_.error(hloc, "world.countries",
                   "missing column '" + p.security_column + "' (add it, or set " + pk + ".ties.default_security)");
        ctx_.info.missing_columns.insert("security:" + p.id);
      }
    }
    for (const auto& row : t.rows) {
      CountryRow r;
      const std::string key = "world.countries[row " + std::to_string(row.line) + "]";
      auto loc_of = [&](std::size_t j) { return SourceLoc{t.file, row.line, row.cols[j]}; };
      r.loc = loc_of(col["iso3"]);
      ctx_.at(key, r.loc);
      ctx_.info.country_paths.push_back(key);
      r.iso3 = row.fields[col["iso3"]];
      ctx_.at(key + ".iso3", r.loc);
      auto num = [&](const std::string& c, double& out) -> bool {
        auto it = col.find(c);
        if (it == col.end()) return false;
        const std::string fk = key + "." + c;
        ctx_.at(fk, loc_of(it->second));
        const std::string& text = row.fields[it->second];
        if (text.empty()) {
          ctx_.bad(loc_of(it->second), fk, "missing value");
          return false;
        }
        if (auto d = parse_number(text)) {
          out = *d;
          return true;
        }
        ctx_.bad(loc_of(it->second), fk, "expected a number, got '" + text + "'");
        return false;
      };
      auto str = [&](const char* c, std::string& out) {
        auto it = col.find(c);
        if (it != col.end()) out = row.fields[it->second];
      };
      str("name", r.name);
      str("region", r.region);
      str("subregion", r.subregion);
      str("estimated", r.estimated);
      num("gdp", r.gdp);
      num("pop", r.pop);
      num("capacity", r.capacity);
      if (dims_ok) {
        r.identity.assign(cfg_.dimensions.size(), 0.0);
        for (std::size_t d = 0; d < cfg_.dimensions.size(); ++d) {
          if (!num(cfg_.dimensions[d], r.identity[d])) ctx_.info.reported.insert(key + ".identity");
        }
      } else {
        ctx_.info.reported.insert(key + ".identity");
      }
      for (const auto& [c, who] : power_col) {
        auto it = col.find(c);
        if (it == col.end()) continue;
        const auto& [pid, is_trade] = who;
        auto& target = is_trade ? r.trade : r.security;
        // an empty cell falls back to the power's default, if it has one
        const PowerConfig& p = cfg_.powers[find_power(cfg_, pid)];
        const auto& dflt = is_trade ? p.default_trade : p.default_security;
        if (row.fields[it->second].empty() && dflt) continue;
        double x = 0;
        if (num(c, x)) target[pid] = x;
        else ctx_.info.reported.insert(key + (is_trade ? ".trade." : ".security.") + pid);
        ctx_.at(key + (is_trade ? ".trade." : ".security.") + pid, loc_of(it->second));
      }
      cfg_.world.countries.push_back(std::move(r));
    }
  }

  //! After loading, every country has T_ik and S_ik for every power whose
  //! default is set (the engine does not need to know about defaults).
  void fill_tie_defaults() {
    for (auto& r : cfg_.world.countries) {
      for (const auto& p : cfg_.powers) {
        if (p.default_trade && !r.trade.count(p.id)) r.trade[p.id] = *p.default_trade;
        if (p.default_security && !r.security.count(p.id)) r.security[p.id] = *p.default_security;
      }
    }
  }

  // --- initial / outputs ------------------------------------------------------
  void parse_initial(const Val& v) {
    if (!ctx_.expect_map(v, "initial")) return;
    ctx_.check_keys(v, "initial", kInitialKeys);
    if (const Val* x = v.get("alignment"))
      if (auto c = ctx_.choice(*x, "initial.alignment", kInitialModes)) cfg_.initial.alignment = static_cast<InitialMode>(*c);
    if (const Val* x = v.get("standards"))
      if (auto c = ctx_.choice(*x, "initial.standards", kInitialModes)) cfg_.initial.standards = static_cast<InitialMode>(*c);
    if (const Val* x = v.get("equilibrium_iterations"))
      if (auto n = ctx_.integer(*x, "initial.equilibrium_iterations"))
        cfg_.initial.equilibrium_iterations = static_cast<int>(std::clamp<long long>(*n, -1, 1000000000));
    if (const Val* x = v.get("pin")) {
      ctx_.at("initial.pin", x->loc);
      if (ctx_.expect_map(*x, "initial.pin")) {
        for (std::size_t i = 0; i < x->entries.size(); ++i) {
          const std::string k = "initial.pin." + x->entries[i].first;
          ctx_.at(k, x->key_locs[i]);
          if (auto s = ctx_.string(x->entries[i].second, k)) cfg_.initial.pin.emplace_back(x->entries[i].first, *s);
          ctx_.at(k, x->key_locs[i]);
        }
      }
    }
  }

  void parse_outputs(const Val& v) {
    if (!ctx_.expect_map(v, "outputs")) return;
    ctx_.check_keys(v, "outputs", kOutputKeys);
    if (const Val* x = v.get("countries"))
      if (auto b = ctx_.boolean(*x, "outputs.countries")) cfg_.outputs.countries = *b;
    if (const Val* x = v.get("countries_every"))
      if (auto n = ctx_.integer(*x, "outputs.countries_every"))
        cfg_.outputs.countries_every = static_cast<int>(std::clamp<long long>(*n, -1, 1000000000));
  }

  // --- timeline ---------------------------------------------------------------
  void parse_timeline(const Val& v) {
    if (!ctx_.expect_seq(v, "timeline")) return;
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      const std::string key = "timeline[" + std::to_string(i) + "]";
      const Val& ev = v.items[i];
      ctx_.at(key, ev.loc);
      if (!ctx_.expect_map(ev, key)) continue;
      ctx_.check_keys(ev, key, kEventKeys);
      Event e;
      e.loc = ev.loc;
      const Val* tick = ev.get("tick");
      const Val* date = ev.get("date");
      bool ok = true;
      if (tick && date) {
        ctx_.error(ev.key_loc("date"), key, "give either 'tick' or 'date', not both");
        ok = false;
      } else if (!tick && !date) {
        ctx_.error(ev.loc, key, "missing 'tick' or 'date' (when the event applies)");
        ok = false;
      } else if (tick) {
        if (auto n = ctx_.integer(*tick, key + ".tick")) e.tick = static_cast<int>(std::clamp<long long>(*n, -1000000000, 1000000000));
        else ok = false;
      } else if (auto s = ctx_.string(*date, key + ".date")) {
        e.date = *s;
        const auto t = date_tick(cfg_.calendar, *s);
        Calendar probe = cfg_.calendar;
        probe.step = CalendarStep::month;
        if (!date_tick(probe, *s)) {
          ctx_.bad(date->loc, key + ".date", "expected a date YYYY-MM, got '" + *s + "'");
          ok = false;
        } else if (!t) {
          const int months = *date_tick(probe, *s);
          const int step = cfg_.calendar.step == CalendarStep::quarter ? 3 : 12;
          const int before = months >= 0 ? months / step : -((-months + step - 1) / step);
          ctx_.bad(date->loc, key + ".date",
                   "date " + *s + " is not on a tick boundary (ticks are " +
                       (cfg_.calendar.step == CalendarStep::quarter ? "quarters" : "years") + " from " +
                       tick_date(cfg_.calendar, 0) + "; nearest: " + tick_date(cfg_.calendar, before) + " or " +
                       tick_date(cfg_.calendar, before + 1) + ")");
          ok = false;
        } else {
          e.tick = *t;
        }
      } else {
        ok = false;
      }
      if (!ok) ctx_.info.reported.insert(key + ".tick");
      if (const Val* x = ev.get("label"))
        if (auto s = ctx_.string(*x, key + ".label")) e.label = *s;
      if (const Val* x = ev.get("set")) {
        const std::string k = key + ".set";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            const std::string ak = k + "." + x->entries[j].first;
            if (auto d = ctx_.number(x->entries[j].second, ak)) {
              e.set.push_back(Assignment{x->entries[j].first, *d, x->entries[j].second.loc});
            }
          }
        }
      }
      if (const Val* x = ev.get("tiers")) {
        const std::string k = key + ".tiers";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            ctx_.at(k + "." + x->entries[j].first, x->key_locs[j]);
            e.tiers.push_back(TierChange{x->entries[j].first, parse_tiers(x->entries[j].second, k + "." + x->entries[j].first)});
            ctx_.at(k + "." + x->entries[j].first, x->key_locs[j]);
          }
        }
      }
      if (const Val* x = ev.get("memberships")) {
        const std::string k = key + ".memberships";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            const std::string gk = k + "." + x->entries[j].first;
            ctx_.at(gk, x->key_locs[j]);
            const Val& m = x->entries[j].second;
            MembershipChange mc;
            mc.group = x->entries[j].first;
            if (ctx_.expect_map(m, gk)) {
              ctx_.check_keys(m, gk, kMembershipKeys);
              if (const Val* a = m.get("add")) mc.add = ctx_.strings(*a, gk + ".add");
              if (const Val* r = m.get("remove")) mc.remove = ctx_.strings(*r, gk + ".remove");
            }
            ctx_.at(gk, x->key_locs[j]);
            e.memberships.push_back(std::move(mc));
          }
        }
      }
      if (const Val* x = ev.get("security")) {
        const std::string k = key + ".security";
        ctx_.at(k, x->loc);
        if (ctx_.expect_map(*x, k)) {
          for (std::size_t j = 0; j < x->entries.size(); ++j) {
            const std::string pk = k + "." + x->entries[j].first;
            ctx_.at(pk, x->key_locs[j]);
            const Val& m = x->entries[j].second;
            SecurityChange sc;
            sc.power = x->entries[j].first;
            if (ctx_.expect_map(m, pk)) {
              for (std::size_t q = 0; q < m.entries.size(); ++q) {
                const std::string ck = pk + "." + m.entries[q].first;
                if (auto d = ctx_.number(m.entries[q].second, ck)) sc.values.emplace_back(m.entries[q].first, *d);
                ctx_.at(ck, m.key_locs[q]);
              }
            }
            ctx_.at(pk, x->key_locs[j]);
            e.security.push_back(std::move(sc));
          }
        }
      }
      cfg_.timeline.push_back(std::move(e));
      paths.push_back(key);
    }
    // sort by tick (stable), keeping each event's original key path
    std::vector<std::size_t> order(cfg_.timeline.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return cfg_.timeline[a].tick < cfg_.timeline[b].tick; });
    std::vector<Event> sorted;
    for (std::size_t i : order) {
      sorted.push_back(std::move(cfg_.timeline[i]));
      ctx_.info.event_paths.push_back(paths[i]);
    }
    cfg_.timeline = std::move(sorted);
  }
};

// ===========================================================================
// Validation (ranges and cross references)
// ===========================================================================

class Validator {
 public:
  Validator(const ScenarioConfig& cfg, const SourceInfo* info) : cfg_(cfg), info_(info) {
    for (std::size_t i = 0; i < cfg.world.countries.size(); ++i) {
      iso_.emplace(cfg.world.countries[i].iso3, i);
      iso_list_.push_back(cfg.world.countries[i].iso3);
    }
    for (const auto& g : cfg.world.groups) group_list_.push_back(g.id);
    for (const auto& p : cfg.powers) power_list_.push_back(p.id);
  }

  std::vector<Diagnostic> run() {
    check_top();
    check_model();
    check_network();
    check_powers();
    check_world();
    check_initial();
    check_timeline();
    return std::move(diags_);
  }

 private:
  const ScenarioConfig& cfg_;
  const SourceInfo* info_;
  std::vector<Diagnostic> diags_;
  std::map<std::string, std::size_t> iso_;
  Keys iso_list_, group_list_, power_list_;

  SourceLoc loc(const std::string& path, const SourceLoc& fallback = {}) const {
    if (info_) {
      for (std::string p = path; !p.empty(); p = parent_path(p)) {
        auto it = info_->locs.find(p);
        if (it != info_->locs.end()) return it->second;
      }
      if (!fallback.file.empty()) return fallback;
      return info_->file;
    }
    if (!fallback.file.empty()) return fallback;
    return SourceLoc{cfg_.path, 0, 0};
  }
  bool reported(const std::string& path) const {
    if (!info_) return false;
    for (std::string p = path; !p.empty(); p = parent_path(p))
      if (info_->reported.count(p)) return true;
    return false;
  }
  void add(const std::string& path, const std::string& msg, const SourceLoc& fallback = {}) {
    if (reported(path)) return;
    diags_.push_back(Diagnostic{loc(path, fallback), path, msg});
  }

  void value(const std::string& path, double v, double lo, double hi, bool allow_inf, const SourceLoc& fb = {}) {
    if (std::isnan(v)) {
      add(path, "NaN is not allowed", fb);
    } else if (std::isinf(v) && !(allow_inf && v > 0)) {
      add(path, "infinity is not allowed (only model.lambda and model.lambda_standards accept .inf)", fb);
    } else if (v < lo || (v > hi && !std::isinf(v))) {
      const std::string h = std::isinf(hi) ? (allow_inf ? "+inf]" : "+inf)") : short_num(hi) + "]";
      add(path, "out of range: " + short_num(v) + " is not in [" + short_num(lo) + ", " + h, fb);
    }
  }

  std::string country_path(std::size_t i) const {
    if (info_ && i < info_->country_paths.size()) return info_->country_paths[i];
    return "world.countries[" + std::to_string(i) + "]";
  }
  std::string event_path(std::size_t i) const {
    if (info_ && i < info_->event_paths.size()) return info_->event_paths[i];
    return "timeline[" + std::to_string(i) + "]";
  }

  void country_ref(const std::string& path, const std::string& iso, const SourceLoc& fb = {}) {
    if (iso_.count(iso) || reported("world.countries")) return;
    if (cfg_.world.synthetic) {
      add(path, "unknown country '" + iso + "' (a synthetic world has no ISO3 codes)", fb);
      return;
    }
    add(path, "unknown country '" + iso + "'" + iso_hint(iso), fb);
  }
  //! For 3-letter codes an edit distance of 2 is noise: suggest only codes
  //! one substitution or one swap of neighbours away (USB → USA, IDN → IND).
  std::string iso_hint(const std::string& iso) const {
    if (iso.size() != 3) return hint(iso, iso_list_);
    for (const auto& c : iso_list_) {
      if (c.size() != 3) continue;
      int diff = 0;
      for (int i = 0; i < 3; ++i) diff += c[i] != iso[i];
      const bool swap = (c[0] == iso[1] && c[1] == iso[0] && c[2] == iso[2]) ||
                        (c[0] == iso[0] && c[1] == iso[2] && c[2] == iso[1]);
      if (diff == 1 || swap) return " (did you mean '" + c + "'?)";
    }
    return "";
  }
  void group_ref(const std::string& path, const std::string& id, const SourceLoc& fb = {}) {
    if (std::find(group_list_.begin(), group_list_.end(), id) != group_list_.end()) return;
    add(path, "unknown group '" + id + "'" + hint(id, group_list_), fb);
  }
  bool power_ref(const std::string& path, const std::string& id, const SourceLoc& fb = {}) {
    if (find_power(cfg_, id) >= 0) return true;
    add(path, "unknown power '" + id + "'" + hint(id, power_list_) + "; powers are: " + join(power_list_), fb);
    return false;
  }

  void check_top() {
    const auto& dims = cfg_.dimensions;
    if (dims.empty()) add("dimensions", "at least one identity dimension is required");
    for (std::size_t d = 0; d < dims.size(); ++d) {
      const std::string k = "dimensions[" + std::to_string(d) + "]";
      if (dims[d].empty()) add(k, "empty dimension name");
      for (std::size_t e = 0; e < d; ++e)
        if (dims[e] == dims[d]) add(k, "duplicate dimension '" + dims[d] + "'");
    }
    if (cfg_.ticks < 1) add("ticks", "out of range: " + std::to_string(cfg_.ticks) + " is not in [1, 1000000]");
    if (cfg_.calendar.start_month < 1 || cfg_.calendar.start_month > 12)
      add("calendar.start", "month must be in 1..12, got " + std::to_string(cfg_.calendar.start_month));
    if (cfg_.outputs.countries_every < 1)
      add("outputs.countries_every", "out of range: " + std::to_string(cfg_.outputs.countries_every) +
                                         " is not in [1, 1000000]");
    if (cfg_.initial.equilibrium_iterations < 1)
      add("initial.equilibrium_iterations",
          "out of range: " + std::to_string(cfg_.initial.equilibrium_iterations) + " is not in [1, 1000000]");
  }

  void check_dimension_name(const std::string& path, const std::string& name) {
    if (name.empty() || find_dimension(cfg_, name) >= 0 || cfg_.dimensions.empty()) return;
    // The built-in defaults mean "none" in a world without such a dimension,
    // unless the scenario names them explicitly.
    const ModelParams defaults;
    const bool is_default = name == defaults.grievance_dimension || name == defaults.multilateral_dimension;
    const bool explicit_key = info_ && info_->locs.count(path);
    if (is_default && !explicit_key) return;
    add(path, "unknown dimension '" + name + "'" + hint(name, cfg_.dimensions) + "; set " + path +
                  " to one of " + join(cfg_.dimensions) + " (or \"\" for none)");
  }

  void check_model() {
    for (const auto& s : model_params())
      value("model." + std::string(s.key), cfg_.model.*(s.field), s.min, s.max, s.allow_inf);
    check_dimension_name("model.grievance_dimension", cfg_.model.grievance_dimension);
    check_dimension_name("model.multilateral_dimension", cfg_.model.multilateral_dimension);
  }

  void check_network() {
    for (const auto& s : network_params())
      value("network." + std::string(s.key), cfg_.network.*(s.field), s.min, s.max, s.allow_inf);
    for (std::size_t i = 0; i < cfg_.network.groups.size(); ++i)
      group_ref("network.groups[" + std::to_string(i) + "]", cfg_.network.groups[i]);
  }

  void check_tiers(const TierSpec& t, const std::string& key) {
    if (t.default_tier < 0 || t.default_tier > 2)
      add(key + ".default", "out of range: " + std::to_string(t.default_tier) + " is not a tier (0, 1 or 2)");
    for (const auto& [g, tier] : t.groups) {
      group_ref(key + ".groups." + g, g);
      if (tier < 0 || tier > 2) add(key + ".groups." + g, "out of range: " + std::to_string(tier) + " is not a tier (0, 1 or 2)");
    }
    for (const auto& [c, tier] : t.countries) {
      country_ref(key + ".countries." + c, c);
      if (tier < 0 || tier > 2)
        add(key + ".countries." + c, "out of range: " + std::to_string(tier) + " is not a tier (0, 1 or 2)");
    }
  }

  void check_powers() {
    if (cfg_.powers.empty()) add("powers", "at least one power is required");
    const std::size_t D = cfg_.dimensions.size();
    const bool check_len = D > 0 && !reported("dimensions");
    std::map<std::string, std::size_t> seen, homes;
    for (std::size_t k = 0; k < cfg_.powers.size(); ++k) {
      const PowerConfig& p = cfg_.powers[k];
      const std::string key = "powers[" + std::to_string(k) + "]";
      if (p.id.empty()) {
        add(key + ".id", "missing power id");
      } else if (!is_power_id(p.id)) {
        add(key + ".id", "'" + p.id + "' is not a valid power id (lower-case letters, digits and '_', starting with a letter)");
      } else if (p.id == "nonaligned") {
        add(key + ".id", "'nonaligned' is reserved for the non-aligned bloc");
      } else if (auto it = seen.find(p.id); it != seen.end()) {
        const std::string first = "powers[" + std::to_string(it->second) + "]";
        add(key + ".id", "duplicate power id '" + p.id + "' (first at " + first + ", " + loc_text(loc(first + ".id")) + ")");
      } else {
        seen.emplace(p.id, k);
      }
      if (check_len && !reported(key + ".identity")) {
        if (p.identity.size() != D) {
          add(key + ".identity", "expected " + std::to_string(D) + " values (one per dimension), got " +
                                     std::to_string(p.identity.size()));
        } else {
          for (std::size_t d = 0; d < D; ++d)
            value(key + ".identity[" + std::to_string(d) + "]", p.identity[d], 0, 1, false);
        }
      }
      for (const auto& s : power_params()) value(key + "." + std::string(s.key), p.*(s.field), s.min, s.max, s.allow_inf);
      check_tiers(p.tiers, key + ".export_controls.tiers");
      if (!p.home.empty()) {
        country_ref(key + ".home", p.home);
        if (auto it = homes.find(p.home); it != homes.end())
          add(key + ".home", "'" + p.home + "' is already the home of powers[" + std::to_string(it->second) + "]");
        else homes.emplace(p.home, k);
      }
      if (p.trade_column.empty()) add(key + ".ties.trade_column", "empty column name");
      if (p.security_column.empty()) add(key + ".ties.security_column", "empty column name");
      if (p.default_trade) value(key + ".ties.default_trade", *p.default_trade, 0, 1, false);
      if (p.default_security) value(key + ".ties.default_security", *p.default_security, 0, 1, false);
      for (std::size_t g = 0; g < p.security_groups.size(); ++g)
        group_ref(key + ".ties.security_groups[" + std::to_string(g) + "]", p.security_groups[g]);
    }
  }

  void check_edges(const std::vector<Edge>& edges, const char* name, const std::vector<std::string>* paths) {
    for (std::size_t i = 0; i < edges.size(); ++i) {
      const std::string key = (paths && i < paths->size()) ? (*paths)[i]
                                                           : std::string("world.") + name + "[" + std::to_string(i) + "]";
      const Edge& e = edges[i];
      country_ref(key + ".iso3_a", e.a);
      country_ref(key + ".iso3_b", e.b);
      if (e.a == e.b) add(key, "an edge from '" + e.a + "' to itself");
      value(key + ".weight", e.weight, 0, std::numeric_limits<double>::infinity(), false);
    }
  }

  void check_world() {
    const WorldConfig& w = cfg_.world;
    if (w.synthetic) {
      const SyntheticWorld& s = *w.synthetic;
      if (s.countries < 2 || s.countries > 1000000000)
        add("world.synthetic.countries", "out of range: " + std::to_string(s.countries) + " is not in [2, 1000000000]");
      value("world.synthetic.degree", s.degree, 0, s.countries >= 2 ? static_cast<double>(s.countries - 1) : 1e9, false);
      value("world.synthetic.rewire", s.rewire, 0, 1, false);
      if (s.countries >= 2 && s.countries <= 1000000000 && s.degree >= 0 && s.degree <= static_cast<double>(s.countries - 1))
        if (const std::string why = synthetic_world_problem(s.countries, s.degree, static_cast<int>(cfg_.dimensions.size()),
                                                            static_cast<int>(cfg_.powers.size()));
            !why.empty())
          add("world.synthetic.countries", why);
      return;
    }
    if (w.countries.empty() && !reported("world.countries")) add("world.countries", "no countries");
    const std::size_t D = cfg_.dimensions.size();
    const bool check_len = D > 0 && !reported("dimensions");
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < w.countries.size(); ++i) {
      const CountryRow& r = w.countries[i];
      const std::string key = country_path(i);
      const SourceLoc fb = r.loc;
      if (!is_iso3(r.iso3)) {
        add(key + ".iso3", "'" + r.iso3 + "' is not an ISO3 code (three upper-case letters)", fb);
      } else if (auto it = first.find(r.iso3); it != first.end()) {
        const CountryRow& f = w.countries[it->second];
        add(key + ".iso3", "duplicate country '" + r.iso3 + "' (first at " + country_path(it->second) + ", " +
                               loc_text(f.loc) + ")", fb);
      } else {
        first.emplace(r.iso3, i);
      }
      value(key + ".gdp", r.gdp, 1e-12, std::numeric_limits<double>::infinity(), false, fb);
      value(key + ".pop", r.pop, 1e-12, std::numeric_limits<double>::infinity(), false, fb);
      value(key + ".capacity", r.capacity, 0, 1, false, fb);
      if (check_len && !reported(key + ".identity")) {
        if (r.identity.size() != D) {
          add(key + ".identity",
              "expected " + std::to_string(D) + " values (one per dimension), got " + std::to_string(r.identity.size()), fb);
        } else {
          for (std::size_t d = 0; d < D; ++d) {
            const std::string dk = (info_ && key.find("[row ") != std::string::npos) ? key + "." + cfg_.dimensions[d]
                                                                                     : key + ".identity[" + std::to_string(d) + "]";
            value(dk, r.identity[d], 0, 1, false, fb);
          }
        }
      }
      auto ties = [&](const std::map<std::string, double>& m, const char* what, bool is_trade) {
        if (cfg_.powers.empty()) return;  // already reported
        for (const auto& [pid, x] : m) {
          const std::string tk = key + "." + what + "." + pid;
          if (find_power(cfg_, pid) < 0) {
            add(tk, "unknown power '" + pid + "'" + hint(pid, power_list_), fb);
            continue;
          }
          value(tk, x, 0, 1, false, fb);
        }
        for (const auto& p : cfg_.powers) {
          if (p.id.empty() || m.count(p.id)) continue;
          if (is_trade ? p.default_trade.has_value() : p.default_security.has_value()) continue;
          if (info_ && info_->missing_columns.count(std::string(is_trade ? "trade:" : "security:") + p.id)) continue;
          if (reported(key + "." + what + "." + p.id)) continue;
          const int k = find_power(cfg_, p.id);
          add(key + "." + what, "missing value for power '" + p.id + "' (or set powers[" + std::to_string(k) +
                                    "].ties.default_" + what + ")", fb);
        }
      };
      ties(r.trade, "trade", true);
      ties(r.security, "security", false);
    }
    std::map<std::string, std::size_t> gseen;
    for (std::size_t g = 0; g < w.groups.size(); ++g) {
      const Group& grp = w.groups[g];
      const std::string key = "world.groups." + grp.id;
      if (grp.id.empty()) add(key, "empty group id");
      if (gseen.count(grp.id)) add(key, "duplicate group '" + grp.id + "'");
      gseen.emplace(grp.id, g);
      std::set<std::string> members;
      for (std::size_t j = 0; j < grp.members.size(); ++j) {
        const std::string mk = key + ".members[" + std::to_string(j) + "]";
        country_ref(mk, grp.members[j]);
        if (!members.insert(grp.members[j]).second) add(mk, "'" + grp.members[j] + "' is listed twice");
      }
    }
    check_edges(w.borders, "borders", info_ ? &info_->border_paths : nullptr);
    check_edges(w.trade, "trade", info_ ? &info_->trade_paths : nullptr);
    check_edges(w.edges, "edges", info_ ? &info_->edge_paths : nullptr);
  }

  void check_initial() {
    std::set<std::string> pinned;
    for (const auto& [iso, bloc] : cfg_.initial.pin) {
      const std::string key = "initial.pin." + iso;
      country_ref(key, iso);
      if (!pinned.insert(iso).second) add(key, "'" + iso + "' is pinned twice");
      if (bloc != "nonaligned" && find_power(cfg_, bloc) < 0) {
        Keys options = power_list_;
        options.insert(options.begin(), "nonaligned");
        add(key, "unknown bloc '" + bloc + "'" + hint(bloc, options) + "; expected 'nonaligned' or a power id (" +
                     join(power_list_) + ")");
        continue;
      }
      for (std::size_t k = 0; k < cfg_.powers.size(); ++k) {
        if (cfg_.powers[k].home == iso && bloc != cfg_.powers[k].id)
          add(key, "'" + iso + "' is the home of power '" + cfg_.powers[k].id + "' and always pinned to it");
      }
    }
  }

  void check_timeline() {
    for (std::size_t i = 0; i < cfg_.timeline.size(); ++i) {
      const Event& e = cfg_.timeline[i];
      const std::string key = event_path(i);
      const SourceLoc fb = e.loc;
      const std::string when = e.date.empty() ? "tick " + std::to_string(e.tick)
                                              : "date " + e.date + " (tick " + std::to_string(e.tick) + ")";
      const std::string wk = key + (e.date.empty() ? ".tick" : ".date");
      if (!reported(key + ".tick")) {
        if (e.tick < 1)
          add(wk, when + " is before the first tick (events apply from tick 1 = " + tick_date(cfg_.calendar, 1) + ")", fb);
        else if (e.tick > cfg_.ticks)
          add(wk, when + " is after the last tick (" + std::to_string(cfg_.ticks) + " = " +
                      tick_date(cfg_.calendar, cfg_.ticks) + ")", fb);
      }
      for (const Assignment& a : e.set) {
        const std::string ak = key + ".set." + a.path;
        const SourceLoc al = a.loc.file.empty() ? fb : a.loc;
        if (!(a.path.starts_with("model.") || a.path.starts_with("powers.") || a.path.starts_with("network."))) {
          if (a.path == "ticks" || a.path == "seed" || a.path.starts_with("initial.") || a.path.starts_with("outputs.") ||
              a.path.starts_with("world.")) {
            add(ak, "'" + a.path + "' cannot be changed by an event (only model.*, powers.<id>.* and network.*)", al);
            continue;
          }
        }
        ScenarioConfig probe = cfg_;
        try {
          set_param(probe, a.path, a.value, al);
        } catch (const ConfigError& err) {
          for (const auto& d : err.diagnostics()) add(ak, d.message, al);
        }
      }
      for (const TierChange& t : e.tiers) {
        const std::string tk = key + ".tiers." + t.power;
        power_ref(tk, t.power, fb);
        check_tiers(t.tiers, tk);
      }
      for (const MembershipChange& m : e.memberships) {
        const std::string mk = key + ".memberships." + m.group;
        group_ref(mk, m.group, fb);
        for (std::size_t j = 0; j < m.add.size(); ++j) country_ref(mk + ".add[" + std::to_string(j) + "]", m.add[j], fb);
        for (std::size_t j = 0; j < m.remove.size(); ++j)
          country_ref(mk + ".remove[" + std::to_string(j) + "]", m.remove[j], fb);
      }
      for (const SecurityChange& s : e.security) {
        const std::string sk = key + ".security." + s.power;
        power_ref(sk, s.power, fb);
        for (const auto& [iso, x] : s.values) {
          country_ref(sk + "." + iso, iso, fb);
          value(sk + "." + iso, x, 0, 1, false, fb);
        }
      }
    }
  }
};

// ===========================================================================
// Overrides
// ===========================================================================

// String-valued keys settable by --set (numeric ones go through set_param).
struct StringKey {
  std::string_view path;  // "powers.*." prefix for per-power keys
  const Keys* options;    // nullptr = free text
  std::string_view meaning;
};
const Keys kNoOptions;
const std::array kStringKeys = {
    StringKey{"name", nullptr, "scenario name (default: the file stem; not inherited through extends)"},
    StringKey{"description", nullptr, "free text"},
    StringKey{"calendar.start", nullptr, "date of tick 0, YYYY-MM (default 2025-07)"},
    StringKey{"calendar.step", &kSteps, "length of a tick (default quarter)"},
    StringKey{"model.grievance_dimension", nullptr,
              "identity dimension pushed by grievance (default sovereignty; \"\" = none)"},
    StringKey{"model.multilateral_dimension", nullptr,
              "identity dimension that values the international standard (default multilateralism; \"\" = none)"},
    StringKey{"initial.alignment", &kInitialModes, "initial bloc alignment (default equilibrium)"},
    StringKey{"initial.standards", &kInitialModes, "initial standards in use (default equilibrium)"},
    StringKey{"powers.*.capacity_building.targeting", &kTargeting, "who receives the power's aid (default need)"},
    StringKey{"powers.*.export_controls.tiers.rule", &kTierRules, "how tiers are assigned (default list)"},
};

std::vector<std::string> string_paths(const ScenarioConfig& cfg) {
  std::vector<std::string> out;
  for (const auto& s : kStringKeys) {
    if (s.path.starts_with("powers.*.")) {
      for (const auto& p : cfg.powers) out.push_back("powers." + p.id + "." + std::string(s.path.substr(9)));
    } else {
      out.emplace_back(s.path);
    }
  }
  return out;
}

void set_string(ScenarioConfig& cfg, const std::string& path, const std::string& value, const SourceLoc& loc) {
  auto pick = [&](const Keys& options) -> int {
    for (std::size_t i = 0; i < options.size(); ++i)
      if (options[i] == value) return static_cast<int>(i);
    throw ConfigError(loc, path, "expected one of " + join(options, " | ") + ", got '" + value + "'" + hint(value, options));
  };
  if (path == "name") cfg.name = value;
  else if (path == "description") cfg.description = value;
  else if (path == "calendar.start") {
    Calendar c{0, 1, CalendarStep::month};
    auto m = date_tick(c, value);
    if (!m) throw ConfigError(loc, path, "expected a date YYYY-MM, got '" + value + "'");
    cfg.calendar.start_year = *m / 12;
    cfg.calendar.start_month = *m % 12 + 1;
  } else if (path == "calendar.step") cfg.calendar.step = static_cast<CalendarStep>(pick(kSteps));
  else if (path == "model.grievance_dimension") cfg.model.grievance_dimension = value;
  else if (path == "model.multilateral_dimension") cfg.model.multilateral_dimension = value;
  else if (path == "initial.alignment") cfg.initial.alignment = static_cast<InitialMode>(pick(kInitialModes));
  else if (path == "initial.standards") cfg.initial.standards = static_cast<InitialMode>(pick(kInitialModes));
  else {
    const std::string rest = path.substr(7);
    const auto dot = rest.find('.');
    PowerConfig& p = cfg.powers[find_power(cfg, rest.substr(0, dot))];
    if (rest.substr(dot + 1) == "capacity_building.targeting") p.targeting = static_cast<Targeting>(pick(kTargeting));
    else p.tiers.rule = static_cast<TierRule>(pick(kTierRules));
  }
}

//! Apply overrides, collecting problems into `diags` (no re-validation).
void apply_overrides_into(ScenarioConfig& cfg, const std::vector<std::string>& overrides, const SourceLoc& where,
                          std::vector<Diagnostic>& diags) {
  const SourceLoc loc = where.file.empty() ? SourceLoc{kCommandLine, 0, 0} : where;
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      diags.push_back(Diagnostic{loc, o, "expected path=value (e.g. model.mu=0.1)"});
      continue;
    }
    const std::string path = o.substr(0, eq);
    const std::string text = o.substr(eq + 1);
    const auto sp = string_paths(cfg);
    try {
      if (std::find(sp.begin(), sp.end(), path) != sp.end()) {
        set_string(cfg, path, text, loc);
      } else if (path == "seed") {
        auto s = parse_uint64(text);
        if (!s) throw ConfigError(loc, path, "expected an integer in [0, 2^64), got '" + text + "'");
        cfg.seed = *s;
      } else {
        const auto all = param_paths(cfg);
        if (std::find(all.begin(), all.end(), path) == all.end()) {
          Keys candidates = all;
          candidates.insert(candidates.end(), sp.begin(), sp.end());
          throw ConfigError(loc, path, "unknown parameter '" + path + "'" + hint(path, candidates));
        }
        auto v = parse_number(text);
        if (!v) throw ConfigError(loc, path, "expected a number, got '" + text + "'");
        set_param(cfg, path, *v, loc);
      }
      cfg.overrides.push_back(o);
    } catch (const ConfigError& e) {
      diags.insert(diags.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
}

// ===========================================================================
// Resolved YAML
// ===========================================================================

void emit_num(YAML::Emitter& out, double v) { out << fmt_num(v); }

void emit_tiers(YAML::Emitter& out, const TierSpec& t) {
  out << YAML::BeginMap;
  out << YAML::Key << "rule" << YAML::Value << kTierRules[static_cast<int>(t.rule)];
  out << YAML::Key << "default" << YAML::Value << t.default_tier;
  out << YAML::Key << "groups" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [g, tier] : t.groups) out << YAML::Key << g << YAML::Value << tier;
  out << YAML::EndMap;
  out << YAML::Key << "countries" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [c, tier] : t.countries) out << YAML::Key << c << YAML::Value << tier;
  out << YAML::EndMap;
  out << YAML::EndMap;
}

void emit_num_list(YAML::Emitter& out, const std::vector<double>& v) {
  out << YAML::Flow << YAML::BeginSeq;
  for (double x : v) emit_num(out, x);
  out << YAML::EndSeq;
}

void emit_edges(YAML::Emitter& out, const char* name, const std::vector<Edge>& edges, const std::string& file) {
  if (!file.empty()) {
    out << YAML::Key << name << YAML::Value << file;
    return;
  }
  if (edges.empty()) return;
  out << YAML::Key << name << YAML::Value << YAML::BeginSeq;
  for (const auto& e : edges) {
    out << YAML::Flow << YAML::BeginSeq << e.a << e.b;
    emit_num(out, e.weight);
    out << YAML::EndSeq;
  }
  out << YAML::EndSeq;
}

//! Diagnostics in reading order: files in order of first mention, then by position.
std::vector<Diagnostic> sorted(std::vector<Diagnostic> diags) {
  std::map<std::string, std::size_t> rank;
  for (const auto& d : diags) rank.emplace(d.loc.file, rank.size());
  std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ka = std::make_tuple(rank[a.loc.file], a.loc.line, a.loc.column);
    const auto kb = std::make_tuple(rank[b.loc.file], b.loc.line, b.loc.column);
    return ka < kb;
  });
  return diags;
}

}  // namespace

// ===========================================================================
// Public API
// ===========================================================================

ScenarioConfig load_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  Ctx ctx;
  const std::string display = path.string();
  ctx.info.file = SourceLoc{display, 0, 0};
  std::vector<std::string> stack{canonical_key(path)};
  std::optional<Val> root = load_chain(path, display, ctx, stack, SourceLoc{});
  if (!root) {
    if (ctx.diags.empty()) ctx.error(SourceLoc{display, 0, 0}, "", "cannot read the scenario");
    throw ConfigError(std::move(ctx.diags));
  }
  // `name` is not inherited through extends: a variant is named after its own file.
  bool own_name = false;
  {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      const YAML::Node n = YAML::Load(ss.str());
      own_name = n.IsMap() && n["name"];
    } catch (const YAML::Exception&) {
    }
  }
  ScenarioConfig cfg;
  cfg.path = display;
  Parser(ctx, cfg).parse(*root, own_name, path.stem().string());
  apply_overrides_into(cfg, overrides, SourceLoc{}, ctx.diags);
  std::vector<Diagnostic> more = Validator(cfg, &ctx.info).run();
  ctx.diags.insert(ctx.diags.end(), more.begin(), more.end());
  if (!ctx.diags.empty()) throw ConfigError(sorted(std::move(ctx.diags)));
  return cfg;
}

void apply_overrides(ScenarioConfig& cfg, const std::vector<std::string>& overrides, const SourceLoc& loc) {
  std::vector<Diagnostic> diags;
  apply_overrides_into(cfg, overrides, loc, diags);
  if (diags.empty()) diags = validate(cfg);
  if (!diags.empty()) throw ConfigError(std::move(diags));
}

std::vector<Diagnostic> validate(const ScenarioConfig& cfg) { return Validator(cfg, nullptr).run(); }

std::string resolved_yaml(const ScenarioConfig& cfg) {
  YAML::Emitter out;
  out << YAML::Comment("BlocSim resolved scenario: every value actually used (defaults, extends and overrides applied)");
  out << YAML::Newline;
  if (!cfg.path.empty()) out << YAML::Comment("source: " + cfg.path) << YAML::Newline;
  for (const auto& o : cfg.overrides) out << YAML::Comment("override: " + o) << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << cfg.name;
  out << YAML::Key << "description" << YAML::Value << cfg.description;
  out << YAML::Key << "seed" << YAML::Value << std::to_string(cfg.seed);
  out << YAML::Key << "ticks" << YAML::Value << cfg.ticks;
  out << YAML::Key << "calendar" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "start" << YAML::Value
      << tick_date(cfg.calendar, 0) << YAML::Key << "step" << YAML::Value << kSteps[static_cast<int>(cfg.calendar.step)]
      << YAML::EndMap;
  out << YAML::Key << "dimensions" << YAML::Value << YAML::Flow << cfg.dimensions;

  // world
  const WorldConfig& w = cfg.world;
  out << YAML::Key << "world" << YAML::Value << YAML::BeginMap;
  if (w.synthetic) {
    out << YAML::Key << "synthetic" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "countries"
        << YAML::Value << std::to_string(w.synthetic->countries) << YAML::Key << "degree" << YAML::Value
        << fmt_num(w.synthetic->degree) << YAML::Key << "rewire" << YAML::Value << fmt_num(w.synthetic->rewire)
        << YAML::EndMap;
  } else {
    if (!w.countries_file.empty()) {
      out << YAML::Key << "countries" << YAML::Value << w.countries_file;
    } else {
      out << YAML::Key << "countries" << YAML::Value << YAML::BeginSeq;
      for (const auto& r : w.countries) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "iso3" << YAML::Value << r.iso3;
        out << YAML::Key << "name" << YAML::Value << r.name;
        if (!r.region.empty()) out << YAML::Key << "region" << YAML::Value << r.region;
        if (!r.subregion.empty()) out << YAML::Key << "subregion" << YAML::Value << r.subregion;
        out << YAML::Key << "gdp" << YAML::Value << fmt_num(r.gdp);
        out << YAML::Key << "pop" << YAML::Value << fmt_num(r.pop);
        out << YAML::Key << "capacity" << YAML::Value << fmt_num(r.capacity);
        out << YAML::Key << "identity" << YAML::Value;
        emit_num_list(out, r.identity);
        out << YAML::Key << "trade" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [k, v] : r.trade) out << YAML::Key << k << YAML::Value << fmt_num(v);
        out << YAML::EndMap;
        out << YAML::Key << "security" << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [k, v] : r.security) out << YAML::Key << k << YAML::Value << fmt_num(v);
        out << YAML::EndMap;
        if (!r.estimated.empty()) out << YAML::Key << "estimated" << YAML::Value << r.estimated;
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!w.groups_file.empty()) {
      out << YAML::Key << "groups" << YAML::Value << w.groups_file;
    } else if (!w.groups.empty()) {
      out << YAML::Key << "groups" << YAML::Value << YAML::BeginMap;
      for (const auto& g : w.groups) out << YAML::Key << g.id << YAML::Value << YAML::Flow << g.members;
      out << YAML::EndMap;
    }
    emit_edges(out, "borders", w.borders, w.borders_file);
    emit_edges(out, "trade", w.trade, w.trade_file);
    emit_edges(out, "edges", w.edges, w.edges_file);
  }
  out << YAML::EndMap;

  out << YAML::Key << "network" << YAML::Value << YAML::BeginMap;
  for (const auto& s : network_params()) out << YAML::Key << std::string(s.key) << YAML::Value << fmt_num(cfg.network.*(s.field));
  out << YAML::Key << "groups" << YAML::Value << YAML::Flow << cfg.network.groups;
  out << YAML::EndMap;

  out << YAML::Key << "powers" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : cfg.powers) {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << p.id;
    out << YAML::Key << "name" << YAML::Value << p.name;
    if (!p.home.empty()) out << YAML::Key << "home" << YAML::Value << p.home;
    out << YAML::Key << "identity" << YAML::Value;
    emit_num_list(out, p.identity);
    out << YAML::Key << "frontier" << YAML::Value << fmt_num(p.frontier);
    out << YAML::Key << "frontier_growth" << YAML::Value << fmt_num(p.frontier_growth);
    out << YAML::Key << "narrative_radius" << YAML::Value << fmt_num(p.narrative_radius);
    out << YAML::Key << "export_controls" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "strictness" << YAML::Value << fmt_num(p.strictness);
    out << YAML::Key << "tiers" << YAML::Value;
    emit_tiers(out, p.tiers);
    out << YAML::EndMap;
    out << YAML::Key << "open_models" << YAML::Value << fmt_num(p.open_models);
    out << YAML::Key << "capacity_building" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "budget"
        << YAML::Value << fmt_num(p.aid_budget) << YAML::Key << "targeting" << YAML::Value
        << kTargeting[static_cast<int>(p.targeting)] << YAML::EndMap;
    out << YAML::Key << "standards_diplomacy" << YAML::Value << fmt_num(p.standards_effort);
    out << YAML::Key << "narrative" << YAML::Value << fmt_num(p.narrative);
    out << YAML::Key << "alliance_pressure" << YAML::Value << fmt_num(p.alliance_pressure);
    out << YAML::Key << "ties" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "trade_column" << YAML::Value << p.trade_column;
    out << YAML::Key << "security_column" << YAML::Value << p.security_column;
    if (p.default_trade) out << YAML::Key << "default_trade" << YAML::Value << fmt_num(*p.default_trade);
    if (p.default_security) out << YAML::Key << "default_security" << YAML::Value << fmt_num(*p.default_security);
    out << YAML::Key << "security_groups" << YAML::Value << YAML::Flow << p.security_groups;
    out << YAML::EndMap;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  for (const auto& s : model_params()) out << YAML::Key << std::string(s.key) << YAML::Value << fmt_num(cfg.model.*(s.field));
  out << YAML::Key << "grievance_dimension" << YAML::Value << cfg.model.grievance_dimension;
  out << YAML::Key << "multilateral_dimension" << YAML::Value << cfg.model.multilateral_dimension;
  out << YAML::EndMap;

  out << YAML::Key << "initial" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "alignment" << YAML::Value << kInitialModes[static_cast<int>(cfg.initial.alignment)];
  out << YAML::Key << "standards" << YAML::Value << kInitialModes[static_cast<int>(cfg.initial.standards)];
  out << YAML::Key << "pin" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [iso, bloc] : cfg.initial.pin) out << YAML::Key << iso << YAML::Value << bloc;
  out << YAML::EndMap;
  out << YAML::Key << "equilibrium_iterations" << YAML::Value << cfg.initial.equilibrium_iterations;
  out << YAML::EndMap;

  out << YAML::Key << "timeline" << YAML::Value << YAML::BeginSeq;
  for (const auto& e : cfg.timeline) {
    out << YAML::BeginMap;
    if (!e.date.empty()) out << YAML::Key << "date" << YAML::Value << e.date;
    else out << YAML::Key << "tick" << YAML::Value << e.tick;
    if (!e.label.empty()) out << YAML::Key << "label" << YAML::Value << e.label;
    if (!e.set.empty()) {
      out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
      for (const auto& a : e.set) out << YAML::Key << a.path << YAML::Value << fmt_num(a.value);
      out << YAML::EndMap;
    }
    if (!e.tiers.empty()) {
      out << YAML::Key << "tiers" << YAML::Value << YAML::BeginMap;
      for (const auto& t : e.tiers) {
        out << YAML::Key << t.power << YAML::Value;
        emit_tiers(out, t.tiers);
      }
      out << YAML::EndMap;
    }
    if (!e.memberships.empty()) {
      out << YAML::Key << "memberships" << YAML::Value << YAML::BeginMap;
      for (const auto& m : e.memberships) {
        out << YAML::Key << m.group << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "add" << YAML::Value
            << m.add << YAML::Key << "remove" << YAML::Value << m.remove << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    if (!e.security.empty()) {
      out << YAML::Key << "security" << YAML::Value << YAML::BeginMap;
      for (const auto& s : e.security) {
        out << YAML::Key << s.power << YAML::Value << YAML::Flow << YAML::BeginMap;
        for (const auto& [iso, v] : s.values) out << YAML::Key << iso << YAML::Value << fmt_num(v);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;

  out << YAML::Key << "outputs" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "countries" << YAML::Value << (cfg.outputs.countries ? "true" : "false");
  out << YAML::Key << "countries_every" << YAML::Value << cfg.outputs.countries_every;
  out << YAML::EndMap;
  out << YAML::EndMap;
  std::string s = out.c_str();
  s += '\n';
  return s;
}

std::string parameter_reference_markdown() {
  std::ostringstream md;
  auto range = [](double lo, double hi, bool allow_inf) {
    std::string h = std::isinf(hi) ? (allow_inf ? "+inf]" : "+inf)") : short_num(hi) + "]";
    return "[" + short_num(lo) + ", " + h;
  };
  md << "# Parameter reference\n\n"
     << "Generated from the parameter registries in `sim/config.cpp` by `blocsim params`;\n"
     << "do not edit by hand (regenerate with `./build/blocsim params > docs/parameters.md`).\n"
     << "The scenario format itself is described in [scenarios/README.md](../scenarios/README.md).\n\n"
     << "Every scalar below can be set in a scenario file, overridden with\n"
     << "`blocsim run SCENARIO --set <path>=<value>`, varied in a sweep, and changed by a\n"
     << "timeline event (`set: {<path>: <value>}`). Ranges are inclusive; `.inf` is accepted\n"
     << "only where the range ends in `+inf]`.\n\n";
  auto table = [&](const std::string& title, const std::string& intro, const std::string& prefix, auto specs) {
    md << "## " << title << "\n\n" << intro << "\n\n";
    md << "| group | key path | default | range | unit | meaning |\n|---|---|---|---|---|---|\n";
    for (const auto& s : specs) {
      md << "| " << s.group << " | `" << prefix << s.key << "` | " << short_num(s.default_value) << " | "
         << range(s.min, s.max, s.allow_inf) << " | " << s.unit << " | " << s.meaning << " |\n";
    }
    md << "\n";
  };
  table("Model (`model:`)", "Global model parameters, one flat map.", "model.", model_params());
  table("Powers (`powers:` list)",
        "Per power; in paths the power is addressed by its id, e.g. `powers.us.open_models`.\n"
        "In the scenario file the keys sit inside the power's map (`export_controls: {strictness: 0.5}`).",
        "powers.<id>.", power_params());
  table("Network (`network:`)", "How the country network W is built from borders, groups, trade and custom edges.",
        "network.", network_params());
  md << "## Other scalar paths\n\n"
     << "Also accepted by `--set`, sweeps and (except `ticks`, `seed`, `initial.*`, `outputs.*` and `world.*`) "
        "timeline events.\n\n"
     << "| key path | default | range | meaning |\n|---|---|---|---|\n"
     << "| `ticks` | 40 | [1, 1000000] integer | number of ticks to simulate |\n"
     << "| `seed` | 1 | [0, 2^64) integer | root random seed |\n"
     << "| `initial.equilibrium_iterations` | 50 | [1, 1000000] integer | best-response sweeps for the initial equilibrium |\n"
     << "| `outputs.countries` | 1 | 0 or 1 | write countries.csv |\n"
     << "| `outputs.countries_every` | 1 | [1, 1000000] integer | write country rows every n ticks (tick 0 and the last tick always) |\n"
     << "| `world.synthetic.countries` | — | [2, 1e9] integer | number of agents of a synthetic world |\n"
     << "| `world.synthetic.degree` | 10 | [0, N-1] | mean degree of the synthetic small-world network |\n"
     << "| `world.synthetic.rewire` | 0.1 | [0, 1] | Watts–Strogatz rewiring probability |\n"
     << "| `powers.<id>.export_controls.tiers.default` | 0 | 0, 1 or 2 | tier of countries not listed |\n"
     << "| `powers.<id>.ties.default_trade` | unset | [0, 1] | T_ik for countries without a trade column value |\n"
     << "| `powers.<id>.ties.default_security` | unset | [0, 1] | S_ik for countries without a security column value |\n\n";
  md << "## String keys\n\n"
     << "Accepted by `--set` and sweeps as names (not by timeline `set:`).\n\n"
     << "| key path | values | meaning |\n|---|---|---|\n";
  for (const auto& s : kStringKeys) {
    std::string path(s.path);
    if (path.starts_with("powers.*.")) path = "powers.<id>." + path.substr(9);
    md << "| `" << path << "` | " << (s.options ? join(*s.options, " \\| ") : std::string("text")) << " | " << s.meaning
       << " |\n";
  }
  return md.str();
}

std::vector<std::string> scenario_schema_keys() {
  std::vector<std::string> out;
  auto add = [&](const std::string& prefix, const Keys& keys) {
    for (const auto& k : keys) out.push_back(prefix + k);
  };
  add("", kTopKeys);
  add("calendar.", kCalendarKeys);
  add("world.", kWorldKeys);
  add("world.synthetic.", kSyntheticKeys);
  add("world.countries[].", kCountryKeys);
  add("world.countries.csv:", kCountryColumns);
  add("groups.yaml:", kGroupFileKeys);
  add("groups.yaml:lists[].", kGroupListKeys);
  add("powers[].", kPowerKeys);
  add("powers[].export_controls.", kExportKeys);
  add("powers[].export_controls.tiers.", kTierKeys);
  add("powers[].capacity_building.", kCapacityKeys);
  add("powers[].ties.", kTiesKeys);
  add("network.", kNetworkExtraKeys);
  add("model.", kModelStringKeys);
  add("initial.", kInitialKeys);
  add("timeline[].", kEventKeys);
  add("timeline[].memberships.<group>.", kMembershipKeys);
  add("outputs.", kOutputKeys);
  return out;
}

}  // namespace blocsim
