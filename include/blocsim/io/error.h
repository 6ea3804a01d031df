//! \file error.h
//! \brief Diagnostics, exceptions and process exit codes.
//!
//! Errors are thrown, never `exit()`ed from inside the library; `sim/cli/main.cpp`
//! maps them to exit codes:
//! - `ConfigError` (bad scenario, sweep or observed file, bad `--set`) → 2
//! - `RunError` (a failure while running or writing) → 3
//! - CLI11 usage errors (unknown flag, bad value, missing argument) → 2
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "blocsim/engine/config.h"

namespace blocsim {

enum ExitCode : int {
  kExitOk = 0,
  kExitConfig = 2,   //!< invalid input; nothing was written
  kExitRun = 3,      //!< run-time failure; partial output removed
  kExitSweepFailures = 4,  //!< sweep finished but some runs failed (recorded)
};

//! One problem found in an input file: `file:line:col: key.path: message`.
struct Diagnostic {
  SourceLoc loc;
  std::string key;      //!< dotted key path, e.g. "powers[1].identity"
  std::string message;  //!< what is wrong and, where possible, how to fix it

  //! Format as `file:line:col: key: message` (position parts omitted if unknown).
  std::string str() const;
};

//! Thrown for invalid input. Carries every problem found (not just the first).
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diags);
  ConfigError(SourceLoc loc, std::string key, std::string message);
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diags_; }

 private:
  std::vector<Diagnostic> diags_;
};

//! Thrown when a run fails after validation (I/O, invariant violated, ...).
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

//! Closest candidate by edit distance, or "" if none is close enough
//! (used for "did you mean" hints).
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace blocsim
