// Small text helpers of the scenario loader: strict number parsing, trimming,
// identifier checks, "did you mean" hints.
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
