// Reading the CSV world files named by a scenario (countries, borders,
// trade, ...) through the one CSV reader (blocsim/io/csv.h), its problems
// recorded in the scenario's diagnostic context.

#include "input/scenario_detail.h"

namespace blocsim::scenario_detail {

CsvRead read_csv_only(const fs::path& path, const SourceLoc& from, const std::string& key) {
  CsvRead r;
  r.table = read_csv_file(path, key, r.diags, from);
  return r;
}

std::optional<CsvTable> take_csv(CsvRead&& r, Ctx& ctx) {
  for (const Diagnostic& d : r.diags) ctx.bad(d.loc, d.key, d.message);
  return std::move(r.table);
}

std::optional<CsvTable> read_csv(const fs::path& path, Ctx& ctx, const SourceLoc& from, const std::string& key) {
  return take_csv(read_csv_only(path, from, key), ctx);
}

}  // namespace blocsim::scenario_detail
