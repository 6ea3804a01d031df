// Internal to sim/sweep/: the helpers the sweep files share — design RNG,
// checksums, the manifest line format, the folder layout record and the
// finalize step. Not part of the public API (that is blocsim/sweep/sweep.h).
//
// Parameter sweeps (docs/design.md §7): designs, seeds, shards, the run executor, the
// checksummed append-only manifest and the final `blocsim-sweep` outputs
// (results/README.md, "Sweep folders").
//
// Folder layout while a sweep runs (final outputs appear only when complete):
//   metadata.yaml            status: running | complete (written last)
//   plan.csv, sweep.yaml, scenario.resolved.yaml
//   manifest/layout.txt      plan hash and column layout (for merge/sobol)
//   manifest/<tag>.csv       one line per finished run of shard <tag>:
//                            <runs.csv row>\t<ts offset>\t<ts length>\t<ts crc32>\t<crc32>
//   manifest/<tag>.ts        that shard's time-series rows (timeseries: true)
// A line is valid only if its CRC matches, so a torn last line after kill -9
// is ignored and truncated away by the next run of the same shard.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include "blocsim/sweep/sweep.h"
#include "blocsim/io/error.h"
#include "blocsim/engine/rng.h"

namespace blocsim::sweep_detail {

namespace fs = std::filesystem;

//! SplitMix64 generator (designs and bootstrap; independent of the engine).
struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() noexcept {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::uint64_t below(std::uint64_t n) noexcept {  // n ≥ 1; tiny bias irrelevant here
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
};

std::uint32_t crc32(std::string_view s) noexcept;

//! FNV-1a 64, for the plan hash (identity check, not security).
struct Hasher {
  std::uint64_t h = 0xcbf29ce484222325ull;
  void add(std::string_view s) noexcept {
    for (unsigned char c : s) { h ^= c; h *= 0x100000001b3ull; }
    h ^= 0xff; h *= 0x100000001b3ull;  // field separator
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, mix64(h));
    return buf;
  }
};

// Text and file helpers (folder_io.cpp)
//! A CSV field on one line (newlines and tabs become spaces: manifest lines
//! are newline- and tab-delimited), quoted as csv_field() does.
std::string one_line_csv_field(std::string s);
//! Split one CSV line of a sweep file (manifest row, points.csv) with the one
//! CSV splitter, split_csv_fields (blocsim/io/csv.h): fields are views of the
//! line, unquoted copies live in `store`.
std::vector<std::string_view> split_csv(std::string_view line, std::deque<std::string>& store);
double parse_double(std::string_view s);
std::string join(const std::vector<std::string>& v, std::string_view sep);
std::vector<std::string> split(std::string_view s, char sep);
std::string read_text(const fs::path& p);
//! Write `content` to `path` atomically (temporary sibling + rename).
void write_atomic(const fs::path& path, std::string_view content);

//! Read-only memory map of a whole file (empty files map to nothing).
class MappedFile {
 public:
  explicit MappedFile(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) throw RunError(p.string() + ": cannot open: " + std::strerror(errno));
    struct stat st{};
    ::fstat(fd, &st);
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) { ::close(fd); throw RunError(p.string() + ": mmap failed"); }
      data_ = static_cast<const char*>(m);
    }
    ::close(fd);
  }
  ~MappedFile() { if (data_) ::munmap(const_cast<char*>(data_), size_); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view view() const noexcept { return {data_ ? data_ : "", size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// ---------------------------------------------------------------------------
// manifest lines
// ---------------------------------------------------------------------------

// Version 2 adds the CRC-32 of the time-series bytes a line points to, so a
// resume verifies the data, not only the line (issue 15).
inline constexpr std::string_view kManifestMagic = "# blocsim-sweep manifest 2 plan=";
inline constexpr std::string_view kManifestMagicAny = "# blocsim-sweep manifest ";

struct ManifestEntry {
  std::int64_t run = -1;
  std::string_view row;
  std::uint64_t ts_off = 0, ts_len = 0;
  std::uint32_t ts_crc = 0;  //!< CRC-32 of the ts_len bytes at ts_off of <tag>.ts
};

//! Whether a runs.csv row (`run,point,replicate,seed,status,...`) is a failed run.
inline bool row_failed(std::string_view row) noexcept {
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = row.find(',', pos);
    if (pos == std::string_view::npos) return false;
    ++pos;
  }
  return row.substr(pos, 7) == "failed,";
}
//! Whether the time-series bytes `e` points to are present in `ts` and match
//! their checksum (true when the entry has none).
bool ts_matches(const ManifestEntry& e, std::string_view ts) noexcept;

//! Parse one manifest line (without '\n'); false if torn or corrupt.
bool parse_manifest_line(std::string_view line, ManifestEntry& e);

//! Visit the valid entries of a manifest; returns the byte length of the valid
//! prefix (header + complete valid lines). Throws if the plan hash differs.
template <class F>
std::size_t scan_manifest(std::string_view text, const std::string& hash, const fs::path& file, F&& visit) {
  const std::size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return 0;  // torn header: treat as empty
  const std::string_view header = text.substr(0, nl);
  if (header.substr(0, kManifestMagic.size()) != kManifestMagic)
    throw RunError(file.string() + (header.substr(0, kManifestMagicAny.size()) == kManifestMagicAny
                                        ? std::string(": written by another BlocSim version (") + std::string(header) + ")"
                                        : std::string(": damaged or not a blocsim-sweep manifest")) +
                   "; rerun with --fresh to redo this shard's runs, or --overwrite to start the sweep folder again");
  if (header.substr(kManifestMagic.size()) != hash)
    throw RunError(file.string() + ": written for a different sweep plan (plan " +
                   std::string(header.substr(kManifestMagic.size())) + ", this sweep " + hash +
                   "); use --overwrite to discard that folder or --out to choose another");
  std::size_t pos = nl + 1, valid = pos;
  while (pos < text.size()) {
    const std::size_t e = text.find('\n', pos);
    if (e == std::string_view::npos) break;  // torn last line
    ManifestEntry m;
    if (!parse_manifest_line(text.substr(pos, e - pos), m)) break;
    visit(m);
    pos = e + 1;
    valid = pos;
  }
  return valid;
}

// ---------------------------------------------------------------------------
// folder layout (finalize.cpp)
// ---------------------------------------------------------------------------

struct Layout {
  std::string hash;
  std::int64_t runs = 0;
  int replicates = 1;
  std::int64_t points = 0;
  std::string design;
  std::int64_t samples = 0;
  bool timeseries = false;
  std::vector<std::string> params, summaries, metrics;

  std::string str() const {
    std::ostringstream o;
    o << "blocsim-sweep-layout 1\n"
      << "hash\t" << hash << "\nruns\t" << runs << "\nreplicates\t" << replicates
      << "\npoints\t" << points << "\ndesign\t" << design << "\nsamples\t" << samples
      << "\ntimeseries\t" << (timeseries ? 1 : 0) << "\nparams\t" << join(params, ",")
      << "\nsummaries\t" << join(summaries, ",") << "\nmetrics\t" << join(metrics, ",") << "\n";
    return o.str();
  }
  static Layout read(const fs::path& dir) {
    const fs::path p = dir / "manifest" / "layout.txt";
    if (!fs::exists(p)) throw RunError(dir.string() + ": not a blocsim sweep folder (no manifest/layout.txt)");
    Layout l;
    std::istringstream in(read_text(p));
    std::string line;
    std::getline(in, line);
    if (line != "blocsim-sweep-layout 1") throw RunError(p.string() + ": unknown layout version");
    while (std::getline(in, line)) {
      const auto tab = line.find('\t');
      if (tab == std::string::npos) continue;
      const std::string k = line.substr(0, tab), v = line.substr(tab + 1);
      if (k == "hash") l.hash = v;
      else if (k == "runs") l.runs = std::stoll(v);
      else if (k == "replicates") l.replicates = std::stoi(v);
      else if (k == "points") l.points = std::stoll(v);
      else if (k == "design") l.design = v;
      else if (k == "samples") l.samples = std::stoll(v);
      else if (k == "timeseries") l.timeseries = v == "1";
      else if (k == "params") l.params = split(v, ',');
      else if (k == "summaries") l.summaries = split(v, ',');
      else if (k == "metrics") l.metrics = split(v, ',');
    }
    return l;
  }
  std::string runs_header() const {
    std::string h = "run,point,replicate,seed,status,error";
    for (const auto& p : params) h += "," + p;
    for (const auto& s : summaries) h += "," + s;
    return h;
  }
  std::string ts_header() const {
    std::string h = "run,tick,date";
    for (const auto& m : metrics) h += "," + m;
    return h;
  }
};

bool metadata_complete(const fs::path& dir);
std::vector<fs::path> manifest_files(const fs::path& dir);
//! Write the final outputs from the manifests of `dirs` into `out`.
//! @returns the number of runs still missing (0 = written).
std::int64_t finalize_folders(const std::vector<fs::path>& dirs, const fs::path& out, bool remove_parts,
                              std::int64_t* failed_out);

std::string summary_name(const std::string& metric, const SummarySpec& s);

}  // namespace blocsim::sweep_detail
