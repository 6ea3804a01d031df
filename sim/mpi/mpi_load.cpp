// Loading blocsim_mpi.so (mpi_api.h): the environment's BLOCSIM_MPI_PLUGIN
// if set, else next to this executable (the build tree), else in the
// installed tree at the same relative place as at install time
// (BLOCSIM_BIN_TO_MPI_PLUGIN, from bin/ to lib/blocsim/; relocatable).
#include "mpi/mpi_api.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "blocsim/io/error.h"

namespace blocsim::mpi {

namespace {

struct Loaded {
  const blocsim_mpi_api* api = nullptr;
  std::string why, path;
};

Loaded load() {
  Loaded out;
#ifndef BLOCSIM_MPI_PLUGIN_NAME
  out.why = "this blocsim was built without MPI; rebuild with Open MPI installed (BLOCSIM_USE_MPI=ON)";
  return out;
#else
  namespace fs = std::filesystem;
  std::vector<fs::path> tried;
  if (const char* env = std::getenv("BLOCSIM_MPI_PLUGIN"); env && *env) {
    tried.emplace_back(env);
  } else {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      tried.push_back(exe.parent_path() / BLOCSIM_MPI_PLUGIN_NAME);
      tried.push_back((exe.parent_path() / BLOCSIM_BIN_TO_MPI_PLUGIN / BLOCSIM_MPI_PLUGIN_NAME).lexically_normal());
    }
  }
  std::string errors;
  for (const fs::path& p : tried) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      errors += "\n  " + p.string() + ": not found";
      continue;
    }
    // RTLD_GLOBAL: Open MPI's own components (dlopened by libmpi) look up
    // libmpi's symbols globally
    void* h = dlopen(p.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
      const char* e = dlerror();
      errors += "\n  " + p.string() + ": " + (e ? e : "dlopen failed");
      continue;
    }
    auto fn = reinterpret_cast<blocsim_mpi_api_fn>(dlsym(h, "blocsim_mpi_api_v1"));
    const blocsim_mpi_api* a = fn ? fn() : nullptr;
    if (!a || a->version != BLOCSIM_MPI_API_VERSION) {
      errors += "\n  " + p.string() + ": not a blocsim MPI plugin of this version";
      continue;
    }
    out.api = a;
    out.path = p.string();
    return out;
  }
  out.why = "cannot load blocsim's MPI plugin (" BLOCSIM_MPI_PLUGIN_NAME "; set BLOCSIM_MPI_PLUGIN to its path):" + errors;
  return out;
#endif
}

const Loaded& loaded() {
  static const Loaded l = load();
  return l;
}

}  // namespace

const blocsim_mpi_api* api(std::string* why) {
  if (!loaded().api && why) *why = loaded().why;
  return loaded().api;
}

bool plugin_built() noexcept {
#ifdef BLOCSIM_MPI_PLUGIN_NAME
  return true;
#else
  return false;
#endif
}

bool usable_under_launcher(const char* consequence) {
  std::string why;
  if (api(&why)) return true;
  if (plugin_built()) throw RunError("launched by mpirun/srun, but " + why);
  std::fprintf(stderr, "blocsim: launched by mpirun/srun but built without MPI: %s\n", consequence);
  return false;
}

std::string status() {
  if (!plugin_built()) return "none (built without MPI)";
  return loaded().api ? loaded().path : loaded().why;
}

}  // namespace blocsim::mpi
