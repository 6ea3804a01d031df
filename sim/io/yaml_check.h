// The located YAML checker: typed reads of yaml-cpp nodes that record every
// problem as `file:line:col: key.path: message` in the wording of
// blocsim/io/check.h, so the sweep file and the calibration file (and any new
// input read straight from yaml-cpp nodes) report the same problem the same
// way. Files are read through yaml_guard.h (bounded read, one checked
// document, duplicate keys refused). The scenario loader keeps its own
// position-carrying tree (extends: merges) but words its messages with the
// same factories. Private to blocsim_core (yaml-cpp is a private dependency).
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "blocsim/io/check.h"
#include "blocsim/io/error.h"
#include "io/yaml_guard.h"

namespace blocsim {

//! How a node reads in "got ..." of a message: 'text', a list, a map, nothing.
std::string describe_node(const YAML::Node& n);

class YamlChecker {
 public:
  std::vector<Diagnostic> diags;  //!< every problem found so far, in order

  explicit YamlChecker(std::string file) : file_(std::move(file)) {}

  //! Read `path` (at most kMaxInputBytes) and parse it as one checked YAML
  //! document (yaml_guard.h). Syntax errors and guard violations throw
  //! ConfigError; the text read is returned in `text` when given.
  YAML::Node load(const std::filesystem::path& path, std::string* text = nullptr) const;

  const std::string& file() const noexcept { return file_; }
  SourceLoc loc(const YAML::Node& n) const;
  SourceLoc top() const { return SourceLoc{file_, 1, 1}; }
  //! "prefix.key" (or "key" at the top level).
  static std::string path(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }

  void err(const YAML::Node& n, std::string key, std::string msg) { err(loc(n), std::move(key), std::move(msg)); }
  void err(SourceLoc l, std::string key, std::string msg) {
    diags.push_back(Diagnostic{std::move(l), std::move(key), std::move(msg)});
  }
  //! Throw everything recorded so far as one ConfigError (nothing if clean).
  void throw_if_errors() const {
    if (!diags.empty()) throw ConfigError(diags);
  }

  //! `n` must be a map; each key not in `allowed` is reported at the key
  //! (skipped when `allowed` is empty: free-form maps). Keys must be scalars.
  bool map(const YAML::Node& n, const std::string& key, const std::vector<std::string>& allowed);
  //! A scalar, as text.
  std::optional<std::string> str(const YAML::Node& n, const std::string& key);
  //! A finite number (check::parse_number syntax).
  std::optional<double> num(const YAML::Node& n, const std::string& key);
  //! A finite number in [lo, hi] ((lo, hi] when `open_lo`).
  std::optional<double> num_in(const YAML::Node& n, const std::string& key, double lo, double hi, bool open_lo = false);
  //! A decimal integer in [lo, hi].
  std::optional<long long> integer(const YAML::Node& n, const std::string& key, long long lo, long long hi);
  //! A file named relative to `dir` (the folder of the file being read):
  //! the resolved path, and "file not found: <path>" recorded when it does
  //! not exist (a name the OS refuses, e.g. too long, counts as missing).
  std::optional<std::filesystem::path> file(const YAML::Node& n, const std::string& key,
                                            const std::filesystem::path& dir);
  //! true/false (also yes/no, on/off: check::parse_bool).
  std::optional<bool> boolean(const YAML::Node& n, const std::string& key);
  //! One of the named options.
  template <class E>
  std::optional<E> choice(const YAML::Node& n, const std::string& key,
                          const std::vector<std::pair<std::string, E>>& options) {
    std::vector<std::string> names;
    for (const auto& o : options) {
      if (n.IsScalar() && n.Scalar() == o.first) return o.second;
      names.push_back(o.first);
    }
    err(n, key, check::expected_one_of(names, describe_node(n), n.IsScalar() ? n.Scalar() : std::string()));
    return std::nullopt;
  }

 private:
  std::string file_;
};

}  // namespace blocsim
