// Small text helpers of the scenario loader: number text for YAML, trimming,
// identifier checks, describing a value (strict number parsing and "did you
// mean" hints are the shared ones of blocsim/io/check.h).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "blocsim/output/format.h"
#include "input/scenario_detail.h"

namespace blocsim::scenario_detail {

void LocTable::set(std::string_view key, std::string_view file, int line, int column) {
  std::uint32_t f = 0;
  if (files_.empty() || files_.back() != file) {  // most entries in a row share their file
    f = static_cast<std::uint32_t>(std::find(files_.begin(), files_.end(), file) - files_.begin());
    if (f == files_.size()) files_.emplace_back(file);
  } else {
    f = static_cast<std::uint32_t>(files_.size() - 1);
  }
  entries_.push_back(Entry{keys_.size(), static_cast<std::uint32_t>(key.size()), f, line, column});
  keys_.append(key);
}

std::optional<SourceLoc> LocTable::find(std::string_view key) const {
  if (indexed_base_ != keys_.data()) {  // the buffer moved: the views are stale
    index_.clear();
    indexed_ = 0;
    indexed_base_ = keys_.data();
  }
  for (; indexed_ < entries_.size(); ++indexed_) {
    const Entry& e = entries_[indexed_];
    index_.insert_or_assign(std::string_view(keys_.data() + e.offset, e.length), static_cast<std::uint32_t>(indexed_));
  }
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  const Entry& e = entries_[it->second];
  return SourceLoc{files_[e.file], e.line, e.column};
}

void append_int(std::string& out, long long n) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

std::string edge_path(std::string_view list, const EdgeRef& ref) {
  std::string p(list);
  p.append(ref.row ? "[row " : "[");
  append_int(p, ref.n);
  p.push_back(']');
  return p;
}

// The one number format (format_number: shortest round-trip) with YAML's
// spelling of non-finite values. Integer-valued doubles print without a
// decimal point ("3"); the loader reads them back as the same double.
std::string fmt_num(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  return format_number(v);
}

std::string short_num(double v) { return format_short(v); }

std::string join(const Keys& keys, const char* sep) {
  std::string out;
  for (const auto& k : keys) {
    if (!out.empty()) out += sep;
    out += k;
  }
  return out;
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

std::string describe(const Val& v) {
  switch (v.kind) {
    case Val::Kind::null: return "nothing";
    case Val::Kind::scalar: return "'" + v.text + "'";
    case Val::Kind::seq: return "a list";
    case Val::Kind::map: return "a map";
  }
  return "?";
}

}  // namespace blocsim::scenario_detail
