// Internal to sim/input/: the pieces the scenario loader's files share —
// the schema key lists, the position-carrying YAML tree (`Val`), the
// diagnostic context with its typed readers (`Ctx`), and the entry points of
// the parser, validator and override steps. Not part of the public API.
//
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
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "blocsim/input/scenario.h"
#include "blocsim/io/check.h"
#include "blocsim/io/csv.h"

namespace YAML {
class Node;
}

namespace blocsim::scenario_detail {

namespace fs = std::filesystem;

// ===========================================================================
// Key lists (also the schema that scenarios/README.md must document)
// ===========================================================================

using Keys = std::vector<std::string>;
inline const Keys kTopKeys = {"name", "description", "extends", "seed", "ticks", "calendar", "dimensions",
                       "world", "network", "powers", "model", "initial", "timeline", "outputs"};
inline const Keys kCalendarKeys = {"start", "step"};
inline const Keys kWorldKeys = {"countries", "groups", "borders", "trade", "edges", "synthetic", "capacity_column"};
inline const Keys kSyntheticKeys = {"countries", "degree", "rewire"};
inline const Keys kCountryKeys = {"iso3",     "name",     "region",   "subregion", "gdp",      "pop",
                           "capacity", "identity", "trade",    "security",  "estimated"};
inline const Keys kGroupFileKeys = {"schema_version", "lists", "ignore"};
inline const Keys kGroupListKeys = {"id",     "members", "title",      "as_of",    "status",
                             "source", "notes",   "confidence", "exporter", "invited_not_joined",
                             "non_state_parties", "ambiguous", "uncertain", "suspended"};
inline const Keys kPowerKeys = {"id",           "name",        "home",                "identity",
                         "frontier",     "frontier_growth", "narrative_radius", "export_controls",
                         "open_models",  "capacity_building", "standards_diplomacy", "narrative",
                         "alliance_pressure", "ties", "rivalries", "standards_groups", "reactions"};
inline const Keys kReactionKeys = {"name", "when", "then", "cooldown", "max_firings"};
inline const Keys kReactionWhenKeys = {"signal", "below", "above"};
inline const Keys kReactionThenKeys = {"set", "to", "by", "limit", "aid", "budget"};
inline const Keys kExportKeys = {"strictness", "tiers"};
inline const Keys kTierKeys = {"rule", "default", "groups", "countries"};
inline const Keys kCapacityKeys = {"budget", "targeting"};
inline const Keys kTiesKeys = {"trade_column", "security_column", "default_trade", "default_security",
                        "security_groups", "rivalry_column"};
inline const Keys kNetworkExtraKeys = {"groups"};
inline const Keys kModelStringKeys = {"grievance_dimension", "multilateral_dimension", "sovereignty_dimension",
                                      "hedge_groups"};
inline const Keys kInitialKeys = {"alignment", "standards", "pin", "equilibrium_iterations"};
inline const Keys kEventKeys = {"tick", "date", "label", "set", "tiers", "memberships", "security", "rivalry"};
inline const Keys kMembershipKeys = {"add", "remove"};
inline const Keys kOutputKeys = {"countries", "countries_every"};
inline const Keys kCountryColumns = {"iso3", "name", "region", "subregion", "gdp", "pop", "capacity", "estimated"};
// Data-only columns of the countries CSV: read by tools, accepted (checked to be empty or a
// number) but not used by this engine: `gdp_ppp`, `chinese_finance`, the `capacity_<source>`
// alternatives (one can be chosen with world.capacity_column) and `rivalry_<power>` for powers
// the scenario does not define. The rivalry column of a power the scenario defines
// (`rivalry_<id>`, or powers[].ties.rivalry_column) is model v2's rivalry R_ik (docs/ODD.md §7.9).
inline bool data_only_column(const std::string& c) {
  return c == "gdp_ppp" || c == "chinese_finance" || c.starts_with("rivalry_") || c.starts_with("capacity_");
}
// SHA-256 of a world file just read ("" if it cannot be read again).
inline std::string file_sha256(const fs::path& p) {
  try {
    return sha256_file(p);
  } catch (const std::exception&) {
    return "";
  }
}

inline const Keys kTargeting = {"need", "swing", "allies", "population"};
inline const Keys kTierRules = {"list", "by_alignment"};
inline const Keys kInitialModes = {"equilibrium", "data", "nonaligned"};
inline const Keys kSteps = {"month", "quarter", "year"};

inline const char* const kCommandLine = "<command line>";

// String-valued keys settable by --set (numeric ones go through set_param).
struct StringKey {
  std::string_view path;  // "powers.*." prefix for per-power keys
  const Keys* options;    // nullptr = free text
  std::string_view meaning;
};
inline const Keys kNoOptions;
inline const std::array kStringKeys = {
    StringKey{"name", nullptr, "scenario name (default: the file stem; not inherited through extends)"},
    StringKey{"description", nullptr, "free text"},
    StringKey{"calendar.start", nullptr, "date of tick 0, YYYY-MM (default 2025-07)"},
    StringKey{"calendar.step", &kSteps, "length of a tick (default quarter)"},
    StringKey{"model.grievance_dimension", nullptr,
              "identity dimension pushed by grievance (default sovereignty; \"\" = none)"},
    StringKey{"model.multilateral_dimension", nullptr,
              "identity dimension that values the international standard (default multilateralism; \"\" = none)"},
    StringKey{"model.sovereignty_dimension", nullptr,
              "identity dimension that values hedging and open weights (default sovereignty; \"\" = none)"},
    StringKey{"initial.alignment", &kInitialModes, "initial bloc alignment (default equilibrium)"},
    StringKey{"initial.standards", &kInitialModes, "initial standards in use (default equilibrium)"},
    StringKey{"powers.*.capacity_building.targeting", &kTargeting, "who receives the power's aid (default need)"},
    StringKey{"powers.*.export_controls.tiers.rule", &kTierRules, "how tiers are assigned (default list)"},
};

// ===========================================================================
// Small helpers (scenario_helpers.cpp)
// ===========================================================================

//! Shortest round-trip text of a number for YAML (.nan, .inf spelled as YAML does).
std::string fmt_num(double v);
//! `%g` text of a number for messages and the parameter reference.
std::string short_num(double v);
std::string join(const Keys& keys, const char* sep = ", ");
//! Appends the decimal text of n (std::to_string's digits, without a temporary).
void append_int(std::string& out, long long n);
// The shared error factories and strict scalar parsing (blocsim/io/check.h).
using check::hint;
using check::parse_integer;
using check::parse_number;
using check::parse_uint64;
std::string trim(std::string_view s);
bool is_iso3(const std::string& s);
bool is_power_id(const std::string& s);
std::string loc_text(const SourceLoc& l);

// ===========================================================================
// Position-carrying YAML tree
// ===========================================================================

struct ValEntry;

struct Val {
  enum class Kind { null, scalar, seq, map };
  Kind kind = Kind::null;
  std::string text;  // scalar text
  bool quoted = false;
  std::vector<Val> items;            // seq
  std::vector<ValEntry> entries;     // map (ValEntry, not std::pair: a pair
                                     // of an incomplete Val does not compile
                                     // with Clang/libstdc++)
  std::vector<SourceLoc> key_locs;   // parallel to entries
  SourceLoc loc;

  const Val* get(std::string_view key) const;
  SourceLoc key_loc(std::string_view key) const;
  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::seq; }
  bool is_scalar() const { return kind == Kind::scalar; }
};

//! One `key: value` of a map; `first`/`second` as in the std::pair it replaces.
struct ValEntry {
  std::string first;
  Val second;
  ValEntry(std::string k, Val v) : first(std::move(k)), second(std::move(v)) {}
};

inline const Val* Val::get(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}
inline SourceLoc Val::key_loc(std::string_view key) const {
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].first == key) return key_locs[i];
  return loc;
}

std::string describe(const Val& v);

// ===========================================================================
// Where things are (for cross-field checks after parsing)
// ===========================================================================

//! Key path → position, for the checks after parsing. A data world writes
//! ~10,000 of them (a key per CSV cell and group member) and a check reads
//! one only to place a problem it found, so writing is made cheap: entries
//! are appended — the keys into one buffer, each file name once into a short
//! table — and the hashed index is built at the first lookup (and extended
//! or rebuilt by later ones). A later `set` of the same key wins, as
//! insert_or_assign. As a std::unordered_map<std::string, SourceLoc> (a
//! node, a key string and a file-name string per entry) this took 4–6 ms of
//! the ~20 ms `blocsim validate` of the default world (issue 14, round 18).
class LocTable {
 public:
  void set(std::string_view key, std::string_view file, int line, int column);
  void set(std::string_view key, const SourceLoc& loc) { set(key, loc.file, loc.line, loc.column); }
  std::optional<SourceLoc> find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key).has_value(); }
  std::size_t size() const { return entries_.size(); }  //!< entries written (a key set twice counts twice)

 private:
  struct Entry {
    std::size_t offset;
    std::uint32_t length, file;
    int line, column;
  };
  std::string keys_;
  std::vector<Entry> entries_;
  std::vector<std::string> files_;
  mutable std::unordered_map<std::string_view, std::uint32_t> index_;  // views into keys_
  mutable const char* indexed_base_ = nullptr;                          // keys_.data() when index_ was built
  mutable std::size_t indexed_ = 0;                                     // entries_[0, indexed_) are in index_
};

//! Where each edge of a world list came from, so that a check can name it:
//! the CSV line ("world.borders[row 12]") or the inline list's index
//! ("world.borders[3]"). A number per edge instead of its path as a string:
//! the default world has ~1,200 edges and a check names one only to report it.
struct EdgeRef {
  int n;     // CSV line, or index in the inline list
  bool row;  // n is a CSV line
};
std::string edge_path(std::string_view list, const EdgeRef& ref);  //!< list: "world.borders"

struct SourceInfo {
  LocTable locs;
  std::set<std::string> reported;            // key paths that already have a parse error
  std::vector<std::string> country_paths;    // per country index
  std::vector<std::string> event_paths;      // per event index (after sorting)
  std::vector<EdgeRef> border_refs, trade_refs, edge_refs;  // per edge of world.borders, .trade, .edges
  std::set<std::string> missing_columns;     // "trade:<power>" / "security:<power>"
  SourceLoc file;                            // the scenario file itself
  std::string top_sha256;                    // SHA-256 of the scenario file's bytes as read (once: /dev/stdin)
  bool top_has_name = false;                 // the scenario file itself sets `name`
};

// Strip the last component of a key path ("a.b[3]" → "a.b", "a.b" → "a").
inline std::string parent_path(const std::string& p) {
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
  void at(std::string_view key, const SourceLoc& loc) { info.locs.set(key, loc); }
  void at(std::string_view key, std::string_view file, int line, int column) { info.locs.set(key, file, line, column); }

  // --- typed readers -------------------------------------------------------
  bool expect_map(const Val& v, const std::string& key) {
    if (v.is_map()) return true;
    bad(v.loc, key, check::expected("a map", describe(v)));
    return false;
  }
  bool expect_seq(const Val& v, const std::string& key) {
    if (v.is_seq()) return true;
    bad(v.loc, key, check::expected("a list", describe(v)));
    return false;
  }
  void check_keys(const Val& m, const std::string& key, const Keys& allowed) {
    for (std::size_t i = 0; i < m.entries.size(); ++i) {
      const std::string& k = m.entries[i].first;
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      error(m.key_locs[i], key.empty() ? k : key + "." + k, check::unknown("key", k, allowed));
    }
  }
  std::optional<double> number(const Val& v, const std::string& key) {
    at(key, v.loc);
    if (v.is_scalar() && !v.quoted) {
      if (auto x = parse_number(v.text)) return x;
    }
    if (v.is_scalar() && v.quoted && parse_number(v.text)) {
      bad(v.loc, key, check::expected("a number", "the quoted string \"" + v.text + "\" (remove the quotes)"));
    } else {
      bad(v.loc, key, check::expected("a number", describe(v)));
    }
    return std::nullopt;
  }
  std::optional<long long> integer(const Val& v, const std::string& key) {
    at(key, v.loc);
    if (v.is_scalar() && !v.quoted) {
      if (auto x = parse_integer(v.text)) return x;
    }
    bad(v.loc, key, check::expected("an integer", describe(v)));
    return std::nullopt;
  }
  std::optional<std::string> string(const Val& v, const std::string& key) {
    at(key, v.loc);
    if (v.is_scalar()) return v.text;
    bad(v.loc, key, check::expected("a string", describe(v)));
    return std::nullopt;
  }
  std::optional<bool> boolean(const Val& v, const std::string& key) {
    at(key, v.loc);
    if (v.is_scalar() && !v.quoted)
      if (const auto b = check::parse_bool(v.text)) return b;
    bad(v.loc, key, check::expected("true or false", describe(v)));
    return std::nullopt;
  }
  std::optional<int> choice(const Val& v, const std::string& key, const Keys& options) {
    at(key, v.loc);
    if (v.is_scalar()) {
      for (std::size_t i = 0; i < options.size(); ++i)
        if (options[i] == v.text) return static_cast<int>(i);
    }
    bad(v.loc, key, check::expected_one_of(options, describe(v), v.is_scalar() ? v.text : std::string()));
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
  //! The optional map `name` of `parent` (key path `key.name`, its position
  //! recorded): f(entry name, entry key path, entry value, entry key position)
  //! for each entry — the one walk over maps keyed by ids (tiers, ties,
  //! timeline set/tiers/memberships/security/rivalry).
  template <class F>
  void map_entries(const Val& parent, const std::string& name, const std::string& key, F&& f) {
    const Val* m = parent.get(name);
    if (!m) return;
    const std::string k = key.empty() ? name : key + "." + name;
    at(k, m->loc);
    if (!expect_map(*m, k)) return;
    for (std::size_t i = 0; i < m->entries.size(); ++i)
      f(m->entries[i].first, k + "." + m->entries[i].first, m->entries[i].second, m->key_locs[i]);
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
// Reading YAML files (+ extends) — scenario_files.cpp
// ===========================================================================

std::optional<Val> read_yaml(const fs::path& path, const std::string& display, Ctx& ctx,
                             const SourceLoc& from, const std::string& from_key);
//! Path named inside a file, resolved against that file's folder.
fs::path resolve_against(const std::string& name, const SourceLoc& where);
std::string canonical_key(const fs::path& p);
//! Read a scenario file and the chain of files it `extends:`, merged.
std::optional<Val> load_chain(const fs::path& path, const std::string& display, Ctx& ctx,
                              std::vector<std::string>& stack, const SourceLoc& from);

// ===========================================================================
// CSV — scenario_csv.cpp
// ===========================================================================


//! The one CSV reader (blocsim/io/csv.h), problems recorded in `ctx`.
std::optional<CsvTable> read_csv(const fs::path& path, Ctx& ctx, const SourceLoc& from, const std::string& key);

// ===========================================================================
// The steps of load_scenario()
// ===========================================================================

//! Merged tree → ScenarioConfig (scenario_parser.cpp).
void parse_tree(Ctx& ctx, ScenarioConfig& cfg, const Val& root, bool root_has_name, const std::string& stem);
//! Ranges and cross references (scenario_validate.cpp); `info` may be null.
std::vector<Diagnostic> validate_config(const ScenarioConfig& cfg, const SourceInfo* info);
//! Apply overrides, collecting problems into `diags` (no re-validation; overrides.cpp).
void apply_overrides_into(ScenarioConfig& cfg, const std::vector<std::string>& overrides, const SourceLoc& where,
                          std::vector<Diagnostic>& diags);

}  // namespace blocsim::scenario_detail
