// Run-time data directory (include/blocsim/data_dir.h).
#include "blocsim/io/data_dir.h"

#include <cstdlib>
#include <mutex>

#include "blocsim/io/error.h"

namespace fs = std::filesystem;

namespace blocsim {
namespace {

std::mutex g_mutex;
std::vector<fs::path>& registered() {
  static std::vector<fs::path> dirs;
  return dirs;
}

bool holds_scenarios(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "scenarios", ec);
}

}  // namespace

void register_data_dir(const fs::path& dir) {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::error_code ec;
  fs::path d = fs::weakly_canonical(dir, ec);
  if (ec) d = dir.lexically_normal();
  registered().push_back(d);
}

std::vector<std::pair<std::string, fs::path>> data_dir_candidates() {
  std::vector<std::pair<std::string, fs::path>> out;
  if (const char* env = std::getenv("BLOCSIM_DATA_DIR"); env && *env) out.emplace_back("BLOCSIM_DATA_DIR", env);
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    for (const auto& d : registered()) out.emplace_back("installed", d);
  }
#ifdef BLOCSIM_DEV_DATA_DIR
  out.emplace_back("source tree", fs::path(BLOCSIM_DEV_DATA_DIR));
#endif
  return out;
}

fs::path data_dir() {
  if (const char* env = std::getenv("BLOCSIM_DATA_DIR"); env && *env) {
    if (!holds_scenarios(env))
      throw RunError(std::string("BLOCSIM_DATA_DIR=") + env +
                     " is not a BlocSim data directory (it must hold scenarios/; an installed one is <prefix>/share/blocsim)");
    return fs::path(env);
  }
  for (const auto& [from, dir] : data_dir_candidates())
    if (holds_scenarios(dir)) return dir;
  return {};
}

fs::path resolve_data_file(const fs::path& p) {
  std::error_code ec;
  if (p.empty() || fs::exists(p, ec) || p.is_absolute()) return p;
  const fs::path dir = data_dir();
  if (dir.empty()) return p;
  for (const fs::path& c : {dir / p, dir / "scenarios" / p})
    if (fs::exists(c, ec)) return c;
  return p;
}

}  // namespace blocsim
