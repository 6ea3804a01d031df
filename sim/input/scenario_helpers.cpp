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
