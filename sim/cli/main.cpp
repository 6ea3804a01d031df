// blocsim — command-line entry point. Thin by design (docs/design.md §11.1): build the
// CLI, dispatch, map exceptions to exit codes. Everything testable lives in
// blocsim_core and the sim/cli/<command>.cpp modules.
#include <csignal>
#include <functional>
#include <iostream>

#include <filesystem>

#include "blocsim/io/data_dir.h"
#include "blocsim/io/error.h"
#include "blocsim/output/out_folder.h"
#include "blocsim/version.h"
#include "cli/cli.h"
#include "mpi/mpi_api.h"

namespace {
// The installed data directory, relative to this executable (see data_dir.h).
void register_installed_data_dir(const char* argv0) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(argv0, ec);
  const fs::path rel = BLOCSIM_BIN_TO_DATA;
  blocsim::register_data_dir(rel.is_absolute() ? rel : exe.parent_path() / rel);
}

std::string version_text() {
  std::string v = std::string("blocsim ") + blocsim::kVersion + " (" + blocsim::kGitSha + ", " + blocsim::kCompiler + ")";
  std::string dir;
  try {
    dir = blocsim::data_dir().string();
  } catch (const std::exception& e) {
    dir = e.what();
  }
  return v + "\ndata directory: " + (dir.empty() ? "none found (set BLOCSIM_DATA_DIR)" : dir) +
         "\nMPI plugin: " + blocsim::mpi::status();
}
}  // namespace

int main(int argc, char** argv) {
  register_installed_data_dir(argc > 0 ? argv[0] : "blocsim");
  CLI::App app{
      "BlocSim — agent-based simulation of AI-governance bloc formation.\n"
      "Countries with identity vectors are courted by powers (US, China, ...) with export controls,\n"
      "open models, capacity building, standards diplomacy, narrative and alliance pressure.\n\n"
      "Start here:  blocsim run scenarios/baseline.yaml --replicates 20\n"
      "             blocsim validate scenarios/baseline.yaml\n"
      "             blocsim params            (every model parameter, default, range, meaning)",
      "blocsim"};
  app.set_version_flag("--version", std::function<std::string()>(version_text));  // lazy: it loads the MPI plugin
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 2 invalid input (nothing written), 3 run failure, 4 sweep with failed runs.\n"
             "Docs: README.md, scenarios/README.md (scenario format), docs/ODD.md (the model).");
  int exit_code = 0;
  blocsim::cli::add_run_command(app, &exit_code);
  blocsim::cli::add_validate_command(app, &exit_code);
  blocsim::cli::add_params_command(app, &exit_code);
  blocsim::cli::add_bench_command(app, &exit_code);
  blocsim::cli::add_sweep_command(app, &exit_code);
  blocsim::cli::add_dock_command(app, &exit_code);
  blocsim::cli::add_score_command(app, &exit_code);
  blocsim::cli::add_calibrate_command(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help/--version exit 0; every usage error exits 2, as the footer says.
    const int code = app.exit(e);
    return code == 0 ? 0 : blocsim::kExitConfig;
  } catch (const blocsim::ConfigError& e) {
    std::cerr << e.what() << "\n";
    std::cerr << "blocsim: invalid input (" << e.diagnostics().size() << " problem"
              << (e.diagnostics().size() == 1 ? "" : "s") << "); nothing was written\n";
    return blocsim::kExitConfig;
  } catch (const blocsim::RunError& e) {
    if (const int sig = blocsim::interrupt_signal()) {
      // The partial output is gone; end as the signal would have.
      std::cerr << "blocsim: interrupted; nothing was written\n";
      std::signal(sig, SIG_DFL);
      std::raise(sig);
    }
    std::cerr << "blocsim: run failed: " << e.what() << "\n";
    return blocsim::kExitRun;
  } catch (const std::exception& e) {
    std::cerr << "blocsim: error: " << e.what() << "\n";
    return blocsim::kExitRun;
  }
  return exit_code;
}
