//! \file out_folder.h
//! \brief Where a run may write: safe run names, the `--out` check done
//! before any work, BlocSim-run-folder detection for `--overwrite`, the
//! per-folder lock that makes publishing atomic against concurrent writers,
//! and the SIGINT/SIGTERM handler that removes partial output.
#pragma once

#include <filesystem>
#include <string>

namespace blocsim {

//! Why `name` cannot be a run folder name ("" if it can): it must be one
//! path component (no '/', '\\', not "." or "..", not starting with '.'),
//! 1–200 bytes of valid UTF-8 without control characters.
std::string run_name_problem(const std::string& name);

//! Whether `text` is valid UTF-8 (no overlong forms, no surrogates).
bool valid_utf8(const std::string& text);

//! `out` with trailing separators removed; throws ConfigError (key "--out")
//! if it names no new folder ("", ".", "..", "/") — checked before a run starts.
std::filesystem::path normalize_out(const std::filesystem::path& out);

//! Whether `p` is a folder written by `blocsim run` (metadata.yaml starting
//! with "format: blocsim-run") — the only thing `--overwrite` replaces.
bool is_run_folder(const std::filesystem::path& p);

//! Throws ConfigError if `out` exists and may not be replaced: without
//! `overwrite` when it exists at all; with it when it is not an empty folder
//! or a BlocSim run folder (a sweep folder, a regular file, a folder of papers).
void check_out_replaceable(const std::filesystem::path& out, bool overwrite);

//! Exclusive lock on `<parent>/.<name>.lock` for the whole of a run to `out`,
//! so that two runs to the same folder cannot both publish. Throws RunError
//! naming the holder's pid when another process holds it. The lock file is
//! removed on release.
class OutFolderLock {
 public:
  explicit OutFolderLock(const std::filesystem::path& out);
  ~OutFolderLock();
  OutFolderLock(const OutFolderLock&) = delete;
  OutFolderLock& operator=(const OutFolderLock&) = delete;

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

//! Remove temporary siblings of `out` left by killed runs
//! (`.<name>.tmp-<pid>`, `.<name>.old-<pid>`). Call only while holding the
//! OutFolderLock of `out` (then no live run owns them). Returns how many.
int remove_stale_temporaries(const std::filesystem::path& out);

//! Install SIGINT/SIGTERM handlers that make check_interrupt() throw, so a
//! run unwinds and removes its temporary folder; a second signal kills at once.
void install_interrupt_handlers();
//! The signal received since install_interrupt_handlers() (0 if none).
int interrupt_signal() noexcept;
//! Throws RunError("interrupted by signal N") once a signal arrived.
void check_interrupt();

}  // namespace blocsim
