// Shared by the libFuzzer harnesses (tests/fuzz/README.md): a scratch folder
// per process holding the fixtures an input may refer to by relative name
// (base.yaml, countries.csv, groups.yaml, borders.csv, minimal.yaml), and the
// rule every harness enforces: a loader may reject an input only with
// ConfigError; any other exception, a crash, a sanitizer report, a leak or an
// allocation over libFuzzer's -rss_limit_mb is a finding.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "blocsim/io/error.h"

namespace blocsim::fuzz {

inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    namespace fs = std::filesystem;
    const fs::path src = BLOCSIM_SOURCE_DIR;
    const fs::path d = fs::temp_directory_path() / ("blocsim-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    const auto copy = [&](const fs::path& from, const char* as) {
      fs::copy_file(from, d / as, fs::copy_options::overwrite_existing);
    };
    copy(src / "scenarios/minimal.yaml", "minimal.yaml");
    copy(src / "tests/data/good/tiny.yaml", "base.yaml");
    copy(src / "tests/data/good/countries.csv", "countries.csv");
    copy(src / "tests/data/good/groups.yaml", "groups.yaml");
    copy(src / "tests/data/good/borders.csv", "borders.csv");
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return d;
  }();
  return dir;
}

inline std::filesystem::path write_input(const char* name, const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path p = scratch() / name;
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return p;
}

//! Run `f`; swallow ConfigError (a located rejection), let anything else escape.
template <class F>
void expect_config_error_only(F&& f) {
  try {
    f();
  } catch (const blocsim::ConfigError&) {
  }
}

}  // namespace blocsim::fuzz
