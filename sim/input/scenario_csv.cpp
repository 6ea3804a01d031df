// Reading the CSV world files named by a scenario (countries, borders,
// trade, ...) through the one CSV reader (blocsim/io/csv.h), its problems
// recorded in the scenario's diagnostic context.

#include "input/scenario_detail.h"

namespace blocsim::scenario_detail {

std::optional<CsvTable> read_csv(const fs::path& path, Ctx& ctx, const SourceLoc& from, const std::string& key) {
  std::vector<Diagnostic> diags;
  std::optional<CsvTable> t = read_csv_file(path, key, diags, from);
  for (const Diagnostic& d : diags) ctx.bad(d.loc, d.key, d.message);
  return t;
}

}  // namespace blocsim::scenario_detail
