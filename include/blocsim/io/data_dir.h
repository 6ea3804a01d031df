//! \file data_dir.h
//! \brief Where the shipped data live at run time: the scenario library
//! (`scenarios/`, with the default world in `scenarios/world/`).
//!
//! Looked up in this order (the first existing directory wins):
//! 1. `$BLOCSIM_DATA_DIR` — an explicit override (if set, it must exist);
//! 2. the installed location registered by the program (`blocsim` registers
//!    `<bindir>/../share/blocsim`, the Python module `<its folder>/…/share/blocsim`,
//!    both as paths relative to themselves, so an installed tree can be moved);
//! 3. the source checkout the library was configured from — only for
//!    uninstalled developer builds; an installed program finds 2 first.
//! The compiled-in source path is never needed by an installed program
//! (tests/install/test_install.sh renames the source tree to prove it).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace blocsim {

//! Register an installed data directory candidate (called once at start-up by
//! the `blocsim` program and by the Python module). Later calls add candidates.
void register_data_dir(const std::filesystem::path& dir);

//! The data directory in use (see the file comment), or an empty path if none
//! of the candidates exists. @throws RunError if $BLOCSIM_DATA_DIR is set but
//! is not a directory holding `scenarios/`.
std::filesystem::path data_dir();

//! Every candidate in lookup order, with where it came from (for `--version`
//! and error messages): "BLOCSIM_DATA_DIR", "installed", "source tree".
std::vector<std::pair<std::string, std::filesystem::path>> data_dir_candidates();

//! A scenario (or sweep, or data) file named on the command line or in Python:
//! `p` itself if it exists; otherwise, for a relative `p`, `data_dir()/p` or
//! `data_dir()/scenarios/p` if one of those exists (so `blocsim run
//! scenarios/baseline.yaml` and `blocsim run baseline.yaml` work from any
//! folder once BlocSim is installed); otherwise `p` unchanged (the loader then
//! reports it as missing).
std::filesystem::path resolve_data_file(const std::filesystem::path& p);

}  // namespace blocsim
