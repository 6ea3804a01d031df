// The one CSV reader of every input and of the sweep folder's own files
// (include/blocsim/io/csv.h).
#include "blocsim/io/csv.h"
#include "io/yaml_guard.h"

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace blocsim {

int CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.fields.size(); ++i)
    if (header.fields[i] == name) return static_cast<int>(i);
  return -1;
}

namespace {

std::string_view trim_view(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  return s.substr(a, b - a);
}

}  // namespace

bool split_csv_fields(std::string_view line, std::vector<std::string_view>& fields, std::deque<std::string>& store,
                      int& bad_col, std::vector<int>* cols) {
  fields.clear();
  store.clear();
  if (cols) cols->clear();
  bool ok = true;
  std::size_t i = 0;
  while (true) {
    const int col = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      std::string& f = store.emplace_back();
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        f += line[i++];
      }
      if (!closed && ok) {
        ok = false;
        bad_col = col;
      }
      while (i < line.size() && line[i] != ',') ++i;  // text after the closing quote is ignored
      fields.emplace_back(f);
    } else {
      const std::size_t j = line.find(',', i);
      const std::size_t e = j == std::string_view::npos ? line.size() : j;
      fields.push_back(trim_view(line.substr(i, e - i)));
      i = e;
    }
    if (cols) cols->push_back(col);
    if (i >= line.size()) break;
    ++i;  // skip comma
  }
  return ok;
}

bool split_csv_line(std::string_view line, CsvRow& row, int& bad_col) {
  std::vector<std::string_view> fields;
  std::deque<std::string> store;
  const bool ok = split_csv_fields(line, fields, store, bad_col, &row.cols);
  row.fields.assign(fields.begin(), fields.end());
  return ok;
}

std::optional<CsvTable> parse_csv(std::string_view text, const std::string& file, const std::string& key,
                                  std::vector<Diagnostic>& diags) {
  CsvTable t;
  t.file = file;
  int lineno = 0;
  bool have_header = false;
  std::size_t pos = 0;
  // the splitter's buffers, reused by every line (a deque and a growing
  // vector a line before: ~1,400 lines for the default world; issue 14)
  std::vector<std::string_view> fields;
  std::deque<std::string> store;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineno;
    if (lineno == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim_view(line).empty() || line[0] == '#') continue;
    CsvRow row;
    row.line = lineno;
    int bad_col = 0;
    if (!split_csv_fields(line, fields, store, bad_col, &row.cols)) {
      diags.push_back(Diagnostic{SourceLoc{file, lineno, bad_col}, key, "unterminated quoted field"});
      continue;
    }
    row.fields.assign(fields.begin(), fields.end());
    if (!have_header) {
      t.header = std::move(row);
      have_header = true;
      continue;
    }
    if (row.fields.size() != t.header.fields.size()) {
      diags.push_back(Diagnostic{SourceLoc{file, lineno, 1}, key,
                                 "expected " + std::to_string(t.header.fields.size()) +
                                     " fields (as in the header), got " + std::to_string(row.fields.size())});
      continue;
    }
    t.rows.push_back(std::move(row));
  }
  if (!have_header) {
    diags.push_back(Diagnostic{SourceLoc{file, 1, 1}, key, "the file is empty (expected a header row)"});
    return std::nullopt;
  }
  return t;
}

std::optional<CsvTable> read_csv_file(const fs::path& path, const std::string& key, std::vector<Diagnostic>& diags,
                                      const SourceLoc& from) {
  // Bounded read: a device (/dev/zero), a directory or a file over the input
  // limit is refused before it is parsed (yaml_guard.h, kMaxInputBytes).
  std::string text;
  try {
    text = read_input_file(path, from, key);
  } catch (const ConfigError& e) {
    for (const auto& d : e.diagnostics()) diags.push_back(d);
    return std::nullopt;
  }
  return parse_csv(text, path.string(), key, diags);
}

}  // namespace blocsim
