// Command-line interface: one setup function per subcommand (CLI11).
// Each `add_*_command` registers a subcommand on `app` and sets a callback
// that stores its exit code in `*exit_code`. Errors are thrown
// (ConfigError → 2, RunError → 3) and mapped to exit codes in main.cpp.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "blocsim/engine/config.h"

namespace blocsim::cli {

void add_run_command(CLI::App& app, int* exit_code);       // run.cpp
void add_validate_command(CLI::App& app, int* exit_code);  // run.cpp
void add_params_command(CLI::App& app, int* exit_code);    // run.cpp
void add_bench_command(CLI::App& app, int* exit_code);     // bench.cpp
void add_sweep_command(CLI::App& app, int* exit_code);     // sweep.cpp
void add_dock_command(CLI::App& app, int* exit_code);      // dock.cpp
void add_score_command(CLI::App& app, int* exit_code);     // score.cpp
void add_calibrate_command(CLI::App& app, int* exit_code); // calibrate.cpp

//! A scenario or sweep file named on the command line: as given, or a shipped
//! one from the data directory (io/data_dir.h). @throws ConfigError if neither exists.
std::filesystem::path existing_scenario(const std::string& arg);  // run.cpp

//! Throws ConfigError if the scenario's name cannot be a folder name
//! (it becomes results/<name>; see run_name_problem).
void check_run_name(const ScenarioConfig& cfg);

//! Whether this process is an MPI rank launched by mpirun/srun (env vars).
bool launched_by_mpi();

}  // namespace blocsim::cli
