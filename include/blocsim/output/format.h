//! \file format.h
//! \brief The one number format of every output file, and CSV quoting.
#pragma once

#include <string>

namespace blocsim {

//! Room write_number() needs at its pointer: the longest number is 24
//! characters (e.g. `-2.2250738585072014e-308`); the bytes past the number's
//! end are scratch (it copies fixed-size blocks).
inline constexpr int kMaxNumberChars = 64;

//! Shortest decimal that round-trips to the same double, in the bytes of
//! std::to_chars(first, last, double) (fixed or scientific, whichever is
//! shorter; fixed on a tie): equal doubles give equal bytes; `nan`, `inf`,
//! `-inf` for non-finite values.
std::string format_number(double v);

//! Append `format_number(v)` to `out`.
void append_number(std::string& out, double v);

//! Write `format_number(v)` at `p` (at least kMaxNumberChars of room) and
//! return the end: the fast path of the per-country output (no allocation).
char* write_number(char* p, double v);

//! `,v[0],v[1],…,v[count − 1]` (each as write_number) at `p` (at least
//! count·(kMaxNumberChars + 1) of room); returns the end.
char* write_number_list(char* p, const double* v, int count);

//! The reference formatter (std::to_chars directly): the same bytes as
//! append_number, kept to test the fast path against.
void append_number_reference(std::string& out, double v);

//! Short `%g` text of a number for messages and the parameter reference
//! (never for data: use format_number); `NaN`, `+inf`, `-inf`.
std::string format_short(double v);

//! Quote a CSV field if it contains a comma, quote or newline (RFC 4180).
std::string csv_field(const std::string& s);

}  // namespace blocsim
