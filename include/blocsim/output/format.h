//! \file format.h
//! \brief The one number format of every output file, and CSV quoting.
#pragma once

#include <string>

namespace blocsim {

//! Shortest decimal that round-trips to the same double (std::to_chars):
//! equal doubles give equal bytes; `nan`, `inf`, `-inf` for non-finite values.
std::string format_number(double v);

//! Append `format_number(v)` to `out`.
void append_number(std::string& out, double v);

//! Short `%g` text of a number for messages and the parameter reference
//! (never for data: use format_number); `NaN`, `+inf`, `-inf`.
std::string format_short(double v);

//! Quote a CSV field if it contains a comma, quote or newline (RFC 4180).
std::string csv_field(const std::string& s);

}  // namespace blocsim
