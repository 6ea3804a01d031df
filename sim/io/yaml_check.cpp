// The located YAML checker (sim/io/yaml_check.h): typed reads of yaml-cpp
// nodes with one wording for every input's problems.
#include "io/yaml_check.h"

#include <algorithm>
#include <cmath>

#include "blocsim/output/format.h"  // format_short: the one message format of numbers

namespace blocsim {

std::string describe_node(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsScalar()) return check::quoted(n.Scalar());
  if (n.IsSequence()) return "a list";
  return "a map";
}

YAML::Node YamlChecker::load(const std::filesystem::path& path, std::string* text) const {
  std::string bytes = read_input_file(path);
  YAML::Node root = parse_yaml_checked(bytes, file_);
  if (text) *text = std::move(bytes);
  return root;
}

SourceLoc YamlChecker::loc(const YAML::Node& n) const {
  const YAML::Mark m = n.Mark();
  if (m.is_null() || m.line < 0) return {file_, 0, 0};
  return {file_, m.line + 1, m.column + 1};
}

bool YamlChecker::map(const YAML::Node& n, const std::string& key, const std::vector<std::string>& allowed) {
  if (!n.IsMap()) {
    err(n, key.empty() ? "top level" : key, check::expected("a map", describe_node(n)));
    return false;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) {
      err(it->first, key.empty() ? "top level" : key, "map keys must be plain names");
      continue;
    }
    const std::string k = it->first.Scalar();  // a copy: it-> yields a temporary (see calib_yaml.cpp)
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      err(it->first, path(key, k), check::unknown("key", k, allowed));
  }
  return true;
}

std::optional<std::string> YamlChecker::str(const YAML::Node& n, const std::string& key) {
  if (n.IsScalar()) return n.Scalar();
  err(n, key, check::expected("a string", describe_node(n)));
  return std::nullopt;
}

std::optional<double> YamlChecker::num(const YAML::Node& n, const std::string& key) {
  const std::optional<double> v = n.IsScalar() ? check::parse_number(n.Scalar()) : std::nullopt;
  if (!v) {
    err(n, key, check::expected("a number", describe_node(n)));
    return std::nullopt;
  }
  if (!std::isfinite(*v)) {
    err(n, key, check::not_finite(describe_node(n)));
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlChecker::num_in(const YAML::Node& n, const std::string& key, double lo, double hi,
                                          bool open_lo) {
  const std::optional<double> v = num(n, key);
  if (v && (*v < lo || *v > hi || (open_lo && *v == lo))) {
    err(n, key, check::out_of_range(n.Scalar(), format_short(lo), format_short(hi), open_lo));
    return std::nullopt;
  }
  return v;
}

std::optional<long long> YamlChecker::integer(const YAML::Node& n, const std::string& key, long long lo, long long hi) {
  const std::optional<long long> v = n.IsScalar() ? check::parse_integer(n.Scalar()) : std::nullopt;
  if (!v) {
    err(n, key, check::expected("an integer", describe_node(n)));
    return std::nullopt;
  }
  if (*v < lo || *v > hi) {
    err(n, key, check::out_of_range(n.Scalar(), std::to_string(lo), std::to_string(hi)));
    return std::nullopt;
  }
  return v;
}

std::optional<std::filesystem::path> YamlChecker::file(const YAML::Node& n, const std::string& key,
                                                       const std::filesystem::path& dir) {
  const std::optional<std::string> s = str(n, key);
  if (!s) return std::nullopt;
  const std::filesystem::path p = (dir / *s).lexically_normal();
  std::error_code ec;
  if (!std::filesystem::exists(p, ec) || ec) err(n, key, "file not found: " + p.string());
  return p;
}

std::optional<bool> YamlChecker::boolean(const YAML::Node& n, const std::string& key) {
  if (n.IsScalar())
    if (const auto b = check::parse_bool(n.Scalar())) return b;
  err(n, key, check::expected("true or false", describe_node(n)));
  return std::nullopt;
}

}  // namespace blocsim
