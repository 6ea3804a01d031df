//! \file metadata.h
//! \brief metadata.yaml of run and sweep folders: written with yaml-cpp's
//! Emitter (a run folder's, and a sweep folder's while it runs, by
//! YamlWriter, the same bytes: sim/output/run_metadata.h,
//! sim/sweep/sweep_metadata.h), read back with yaml-cpp (never by searching
//! the text).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace YAML {
class Emitter;
class Node;
}  // namespace YAML

namespace blocsim {

//! A text value, always double-quoted (so "1e5" or "0.1.0" stay strings).
void emit_text(YAML::Emitter& out, const std::string& s);
//! A number in the one output format (format_number), plain.
void emit_number(YAML::Emitter& out, double v);

//! Parse `dir/metadata.yaml`. @throws RunError if missing or not YAML.
YAML::Node read_metadata(const std::filesystem::path& dir);

//! The folder's `status:` (e.g. "ok", "running", "complete"); "" when the
//! folder has no readable metadata.yaml.
std::string metadata_status(const std::filesystem::path& dir);

//! The folder's `failed:` count (0 when absent). @throws RunError
std::int64_t metadata_failed(const std::filesystem::path& dir);

//! `dir/metadata.yaml` re-emitted with `status: complete` and `failed: n`
//! (replacing earlier values; every other entry kept in order and style).
std::string metadata_completed(const std::filesystem::path& dir, std::int64_t failed);

}  // namespace blocsim
