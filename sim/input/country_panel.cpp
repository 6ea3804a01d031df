// Observed country-year panels (include/blocsim/input/country_panel.h): the
// one reader of iso3 × year × value CSV files (UNGA ideal points) for
// `blocsim calibrate` and `blocsim score`.
#include "blocsim/input/country_panel.h"

#include <cmath>
#include <optional>
#include <vector>

#include "blocsim/io/check.h"
#include "blocsim/io/csv.h"

namespace blocsim {

CountryPanel read_country_panel(const std::filesystem::path& file, const std::string& column, const SourceLoc& from) {
  std::vector<Diagnostic> diags;
  const std::optional<CsvTable> t = read_csv_file(file, column, diags, from);
  if (!t) {
    if (diags.empty()) diags.push_back({SourceLoc{file.string(), 1, 1}, column, "empty file: no header row"});
    throw ConfigError(diags);
  }
  const int ci = t->column("iso3"), cy = t->column("year"), cv = t->column(column);
  if (ci < 0 || cy < 0 || cv < 0) {
    diags.push_back({SourceLoc{t->file, t->header.line, 1}, column, "header needs columns iso3, year and " + column});
    throw ConfigError(diags);
  }
  CountryPanel out;
  std::map<std::pair<int, std::string>, int> first_line;
  for (const CsvRow& r : t->rows) {
    auto at = [&](int c) { return SourceLoc{t->file, r.line, r.cols[static_cast<std::size_t>(c)]}; };
    const std::string& iso = r.fields[static_cast<std::size_t>(ci)];
    const std::string& ys = r.fields[static_cast<std::size_t>(cy)];
    const std::string& vs = r.fields[static_cast<std::size_t>(cv)];
    const auto year = check::parse_integer(ys);
    if (!year || *year < 1000 || *year > 9999) {
      diags.push_back({at(cy), "year", check::expected("a four-digit year", check::quoted(ys))});
      continue;
    }
    if (iso.empty()) {
      diags.push_back({at(ci), "iso3", "missing: an ISO 3166 alpha-3 code"});
      continue;
    }
    if (vs.empty() || vs == "NA" || vs == "nan") continue;  // no estimate that year
    const auto v = check::parse_number(vs);
    if (!v) {
      diags.push_back({at(cv), column, check::expected("a number", check::quoted(vs))});
      continue;
    }
    if (!std::isfinite(*v)) {
      diags.push_back({at(cv), column, check::not_finite(vs)});
      continue;
    }
    const int y = static_cast<int>(*year);
    const auto [it, fresh] = first_line.emplace(std::make_pair(y, iso), r.line);
    if (!fresh) {
      diags.push_back({at(ci), "iso3", "second row for " + iso + " " + std::to_string(y) + " (first on line " +
                                           std::to_string(it->second) + ")"});
      continue;
    }
    out[y][iso] = *v;
  }
  if (!diags.empty()) throw ConfigError(diags);
  return out;
}

}  // namespace blocsim
