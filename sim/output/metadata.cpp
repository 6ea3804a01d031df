// metadata.yaml of run and sweep folders: the yaml-cpp helpers that write it
// and read it back (include/blocsim/output/metadata.h).
#include "blocsim/output/metadata.h"

#include <yaml-cpp/yaml.h>

#include "blocsim/io/error.h"
#include "blocsim/output/format.h"

namespace fs = std::filesystem;

namespace blocsim {

void emit_text(YAML::Emitter& out, const std::string& s) { out << YAML::DoubleQuoted << s; }

void emit_number(YAML::Emitter& out, double v) { out << format_number(v); }

YAML::Node read_metadata(const fs::path& dir) {
  const fs::path p = dir / "metadata.yaml";
  if (!fs::exists(p)) throw RunError(p.string() + ": missing");
  try {
    YAML::Node n = YAML::LoadFile(p.string());
    if (!n.IsMap()) throw RunError(p.string() + ": expected a map at the top level");
    return n;
  } catch (const YAML::Exception& e) {
    throw RunError(p.string() + ": not valid YAML: " + e.what());
  }
}

std::string metadata_status(const fs::path& dir) {
  if (!fs::exists(dir / "metadata.yaml")) return "";
  try {
    const YAML::Node n = read_metadata(dir);
    return n["status"] ? n["status"].as<std::string>() : "";
  } catch (const std::exception&) {
    return "";
  }
}

std::int64_t metadata_failed(const fs::path& dir) {
  const YAML::Node n = read_metadata(dir);
  try {
    return n["failed"] ? n["failed"].as<std::int64_t>() : 0;
  } catch (const YAML::Exception& e) {
    throw RunError((dir / "metadata.yaml").string() + ": failed: " + e.what());
  }
}

namespace {

// Re-emit a loaded node keeping what the writer chose: quoted scalars stay
// quoted (yaml-cpp tags them "!"), flow collections stay flow.
void emit_node(YAML::Emitter& out, const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      if (n.Tag() == "!") out << YAML::DoubleQuoted;
      out << n.Scalar();
      break;
    case YAML::NodeType::Sequence:
      if (n.Style() == YAML::EmitterStyle::Flow) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : n) emit_node(out, item);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Map:
      if (n.Style() == YAML::EmitterStyle::Flow) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& kv : n) {
        out << YAML::Key << kv.first.Scalar() << YAML::Value;
        emit_node(out, kv.second);
      }
      out << YAML::EndMap;
      break;
    default:
      out << YAML::Null;
  }
}

}  // namespace

std::string metadata_completed(const fs::path& dir, std::int64_t failed) {
  const YAML::Node n = read_metadata(dir);
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    if (k == "status" || k == "failed") continue;
    out << YAML::Key << k << YAML::Value;
    emit_node(out, kv.second);
  }
  out << YAML::Key << "status" << YAML::Value << "complete";
  out << YAML::Key << "failed" << YAML::Value << failed;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace blocsim
