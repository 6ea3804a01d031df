//! \file csv.h
//! \brief The one CSV reader of every input (world files, sweep design
//! tables, run folders read back by `blocsim score`) and of the sweep
//! folder's own manifests and points.csv.
//!
//! RFC 4180 fields (double quotes, "" inside quotes), a UTF-8 byte-order mark
//! at the start, CRLF or LF line ends, blank lines and lines starting with `#`
//! skipped, unquoted fields trimmed of spaces and tabs. Every field keeps its
//! `file:line:col` (column of its first character, 1-based) for messages.
//! A quoted field may not span lines (no input of BlocSim needs it).
#pragma once

#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blocsim/io/error.h"

namespace blocsim {

struct CsvRow {
  int line = 0;                     //!< 1-based line number in the file
  std::vector<std::string> fields;  //!< unquoted, trimmed text
  std::vector<int> cols;            //!< 1-based character column of each field
};

struct CsvTable {
  std::string file;  //!< display path (as given)
  CsvRow header;
  std::vector<CsvRow> rows;
  //! Index of a header column, or −1.
  int column(std::string_view name) const;
};

//! Split one line (without its line end) into fields without copying: an
//! unquoted field is a view of `line` (trimmed of spaces and tabs), a quoted
//! one is unescaped into `store` (cleared first; views stay valid until the
//! next call). `cols`, when given, gets each field's 1-based column. Used
//! directly where lines come from a memory map (sweep manifests, points.csv).
//! @returns false, with `bad_col` set, if a quoted field is not closed (the
//! field then holds the rest of the line).
bool split_csv_fields(std::string_view line, std::vector<std::string_view>& fields, std::deque<std::string>& store,
                      int& bad_col, std::vector<int>* cols = nullptr);

//! Split one line (without its line end) into fields (split_csv_fields,
//! copied). @returns false, with `bad_col` set, if a quoted field is not closed.
bool split_csv_line(std::string_view line, CsvRow& row, int& bad_col);

//! Parse CSV text. Problems (unterminated quotes, rows whose field count
//! differs from the header's, no header) are appended to `diags` as
//! `file:line:col: key: message`; bad rows are left out. Returns nullopt if
//! there is no header row.
std::optional<CsvTable> parse_csv(std::string_view text, const std::string& file, const std::string& key,
                                  std::vector<Diagnostic>& diags);

//! Read and parse a CSV file; a missing file is reported at `from` (the
//! place that names the file) as "file not found: <absolute path>".
std::optional<CsvTable> read_csv_file(const std::filesystem::path& path, const std::string& key,
                                      std::vector<Diagnostic>& diags, const SourceLoc& from = {});

}  // namespace blocsim
