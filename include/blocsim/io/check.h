//! \file check.h
//! \brief Error factories and strict scalar parsing shared by every input
//! (scenario, groups/observed lists, sweep file, calibration file, `--set`).
//!
//! One wording for the same problem wherever it is found; a Diagnostic then
//! prints it as `file:line:col: key.path: message`, where key.path is the path
//! of the offending key itself (`model.epsilonn`, `targets.spearmann`):
//!   unknown key 'epsilonn' (did you mean 'epsilon'?)
//!   duplicate key (first at line 4)
//!   expected a number, got 'abc'            (or: got a map / a list / nothing)
//!   expected one of need | swing, got 'nede' (did you mean 'need'?)
//!   out of range: 13 is not in [1, 12]
//!   must be finite, got '.inf'
//! The located YAML reader that uses them is sim/io/yaml_check.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blocsim::check {

//! " (did you mean 'x'?)" for the closest candidate, or "".
std::string hint(const std::string& word, const std::vector<std::string>& candidates);
//! "unknown <what> '<word>' (did you mean '<x>'?)", e.g. what = "key", "parameter", "metric".
std::string unknown(std::string_view what, const std::string& word, const std::vector<std::string>& candidates);
//! "duplicate key (first at line N)"; "duplicate key" when the line is unknown (≤ 0).
std::string duplicate_key(int first_line = 0);
//! "expected <what>, got <got>", e.g. expected("a number", quoted("abc")).
std::string expected(std::string_view what, std::string_view got);
//! "expected one of a | b | c, got <got>" plus a hint when `word` (the scalar given) is close to an option.
std::string expected_one_of(const std::vector<std::string>& options, std::string_view got, const std::string& word = "");
//! "out of range: <got> is not in [lo, hi]" ("(" / ")" for an open end) — the
//! wording of the parameter registry's range check (set_param) as well.
std::string out_of_range(std::string_view got, std::string_view lo, std::string_view hi, bool open_lo = false,
                         bool open_hi = false);
//! "must be finite, got <got>".
std::string not_finite(std::string_view got);
//! "'text'" — how a scalar the user wrote is quoted in messages.
std::string quoted(std::string_view text);

//! Strict number: the whole text must be a number (no spaces, no hex); YAML's
//! .inf/.nan spelled any common way are accepted (callers decide whether
//! non-finite values are allowed).
std::optional<double> parse_number(std::string_view s);
//! Strict decimal integer (optional leading '+' or '-').
std::optional<long long> parse_integer(std::string_view s);
//! Strict unsigned 64-bit decimal integer.
std::optional<std::uint64_t> parse_uint64(std::string_view s);
//! YAML 1.1 booleans as people write them: true/yes/on, false/no/off (any of
//! lower, Title or UPPER case).
std::optional<bool> parse_bool(std::string_view s);

}  // namespace blocsim::check
