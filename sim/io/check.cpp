// Error factories and strict scalar parsing shared by every input
// (include/blocsim/io/check.h): one wording, one number syntax.
#include "blocsim/io/check.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>

#include "blocsim/io/error.h"

namespace blocsim::check {

std::string hint(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

std::string unknown(std::string_view what, const std::string& word, const std::vector<std::string>& candidates) {
  return "unknown " + std::string(what) + " '" + word + "'" + hint(word, candidates);
}

std::string duplicate_key(int first_line) {
  return first_line > 0 ? "duplicate key (first at line " + std::to_string(first_line) + ")" : "duplicate key";
}

std::string expected(std::string_view what, std::string_view got) {
  return "expected " + std::string(what) + ", got " + std::string(got);
}

std::string expected_one_of(const std::vector<std::string>& options, std::string_view got, const std::string& word) {
  std::string list;
  for (const auto& o : options) list += (list.empty() ? "" : " | ") + o;
  return "expected one of " + list + ", got " + std::string(got) + (word.empty() ? std::string() : hint(word, options));
}

std::string out_of_range(std::string_view got, std::string_view lo, std::string_view hi, bool open_lo, bool open_hi) {
  return "out of range: " + std::string(got) + " is not in " + (open_lo ? "(" : "[") + std::string(lo) + ", " +
         std::string(hi) + (open_hi ? ")" : "]");
}

std::string not_finite(std::string_view got) { return "must be finite, got " + std::string(got); }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::optional<double> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return std::nullopt;
  if (body.size() <= 4) {  // .inf, inf, .nan, nan in any case (a lower-case copy only for these lengths)
    char lower[4];
    for (std::size_t i = 0; i < body.size(); ++i)
      lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(body[i])));
    const std::string_view l(lower, body.size());
    if (l == ".inf" || l == "inf")
      return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if ((l == ".nan" || l == "nan") && s[0] != '+' && s[0] != '-') return std::numeric_limits<double>::quiet_NaN();
  }
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

std::optional<bool> parse_bool(std::string_view s) {
  static constexpr std::array<std::string_view, 9> t = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static constexpr std::array<std::string_view, 9> f = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  if (std::find(t.begin(), t.end(), s) != t.end()) return true;
  if (std::find(f.begin(), f.end(), s) != f.end()) return false;
  return std::nullopt;
}

}  // namespace blocsim::check
