// Reading the CSV world files named by a scenario (countries, borders,
// trade, ...), with file:line:col positions for every field.
#include <fstream>
#include <sstream>

#include "input/scenario_detail.h"
#include "io/yaml_guard.h"

namespace blocsim::scenario_detail {

std::optional<CsvTable> read_csv(const fs::path& path, Ctx& ctx, const SourceLoc& from, const std::string& key) {
  // Bounded read: a device (/dev/zero) or a file over the limit is refused
  // before it is parsed (yaml_guard.h, kMaxInputBytes).
  std::istringstream in;
  try {
    in.str(read_input_file(path, from, key));
  } catch (const ConfigError& e) {
    for (const auto& d : e.diagnostics()) ctx.bad(d.loc, d.key, d.message);
    return std::nullopt;
  }
  CsvTable t;
  t.file = path.string();
  std::string line;
  int lineno = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty() || line[0] == '#') continue;
    CsvRow row;
    row.line = lineno;
    std::size_t i = 0;
    bool ok = true;
    while (true) {
      std::string field;
      const int col = static_cast<int>(i) + 1;
      if (i < line.size() && line[i] == '"') {
        ++i;
        bool closed = false;
        while (i < line.size()) {
          if (line[i] == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            closed = true;
            ++i;
            break;
          }
          field += line[i++];
        }
        if (!closed) {
          ctx.bad(SourceLoc{t.file, lineno, col}, key, "unterminated quoted field");
          ok = false;
          break;
        }
        while (i < line.size() && line[i] != ',') ++i;
      } else {
        while (i < line.size() && line[i] != ',') field += line[i++];
        field = trim(field);
      }
      row.fields.push_back(field);
      row.cols.push_back(col);
      if (i >= line.size()) break;
      ++i;  // skip comma
    }
    if (!ok) continue;
    if (!have_header) {
      t.header = row;
      have_header = true;
      continue;
    }
    if (row.fields.size() != t.header.fields.size()) {
      ctx.bad(SourceLoc{t.file, lineno, 1}, key,
              "expected " + std::to_string(t.header.fields.size()) + " fields (as in the header), got " +
                  std::to_string(row.fields.size()));
      continue;
    }
    t.rows.push_back(std::move(row));
  }
  if (!have_header) {
    ctx.bad(SourceLoc{t.file, 1, 1}, key, "the file is empty (expected a header row)");
    return std::nullopt;
  }
  return t;
}

}  // namespace blocsim::scenario_detail
