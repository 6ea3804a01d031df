// Parameter sweeps (DESIGN §7): designs, seeds, shards, the run executor, the
// checksummed append-only manifest and the final `blocsim-sweep` outputs
// (results/README.md, "Sweep folders").
//
// Folder layout while a sweep runs (final outputs appear only when complete):
//   metadata.yaml            status: running | complete (written last)
//   plan.csv, sweep.yaml, scenario.resolved.yaml
//   manifest/layout.txt      plan hash and column layout (for merge/sobol)
//   manifest/<tag>.csv       one line per finished run of shard <tag>:
//                            <runs.csv row>\t<ts offset>\t<ts length>\t<crc32>
//   manifest/<tag>.ts        that shard's time-series rows (timeseries: true)
// A line is valid only if its CRC matches, so a torn last line after kill -9
// is ignored and truncated away by the next run of the same shard.
#include "blocsim/sweep/sweep.h"

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

#include "blocsim/io/error.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/engine/rng.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/version.h"

namespace fs = std::filesystem;

namespace blocsim {
namespace {

// ---------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------

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

std::uint32_t crc32(std::string_view s) noexcept {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char ch : s) c = table[(c ^ ch) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

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

std::string csv_field(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) { if (c == '"') q += '"'; q += c; }
  return q + '"';
}

//! Split one CSV line (RFC 4180 quotes); unquoted copies live in `store`.
std::vector<std::string_view> split_csv(std::string_view line, std::deque<std::string>& store) {
  std::vector<std::string_view> out;
  store.clear();
  std::size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      std::string f;
      ++i;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') { f += '"'; i += 2; continue; }
          ++i;
          break;
        }
        f += line[i++];
      }
      store.push_back(std::move(f));
      out.emplace_back(store.back());
    } else {
      const std::size_t j = line.find(',', i);
      const std::size_t e = j == std::string_view::npos ? line.size() : j;
      out.push_back(line.substr(i, e - i));
      i = e;
    }
    if (i >= line.size()) break;
    ++i;  // the comma
    if (i == line.size()) { out.emplace_back(); break; }
  }
  return out;
}

double parse_double(std::string_view s) {
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  std::string tmp(s);
  char* end = nullptr;
  const double v = std::strtod(tmp.c_str(), &end);
  if (end == tmp.c_str() || *end != '\0') throw RunError("not a number: '" + tmp + "'");
  return v;
}

std::string yaml_str(std::string_view s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    if (c == '\n') { q += "\\n"; continue; }
    q += c;
  }
  return q + '"';
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) { if (i) s += sep; s += v[i]; }
  return s;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::size_t i = 0;
  while (true) {
    const std::size_t j = s.find(sep, i);
    out.emplace_back(s.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw RunError(p.string() + ": cannot read");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::atomic<unsigned> g_tmp_counter{0};

//! Write `content` to `path` atomically (temporary sibling + rename).
void write_atomic(const fs::path& path, std::string_view content) {
  const fs::path tmp = path.parent_path() /
                       ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                        std::to_string(g_tmp_counter++));
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw RunError(tmp.string() + ": cannot write: " + std::strerror(errno));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() &&
                  std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  std::fclose(f);
  if (!ok) { fs::remove(tmp); throw RunError(tmp.string() + ": write failed"); }
  fs::rename(tmp, path);
}

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

constexpr std::string_view kManifestMagic = "# blocsim-sweep manifest 1 plan=";

struct ManifestEntry {
  std::int64_t run = -1;
  std::string_view row;
  std::uint64_t ts_off = 0, ts_len = 0;
};

//! Parse one manifest line (without '\n'); false if torn or corrupt.
bool parse_manifest_line(std::string_view line, ManifestEntry& e) {
  const std::size_t t3 = line.rfind('\t');
  if (t3 == std::string_view::npos || t3 == 0) return false;
  const std::size_t t2 = line.rfind('\t', t3 - 1);
  if (t2 == std::string_view::npos || t2 == 0) return false;
  const std::size_t t1 = line.rfind('\t', t2 - 1);
  if (t1 == std::string_view::npos) return false;
  const std::string_view crc_text = line.substr(t3 + 1);
  if (crc_text.size() != 8) return false;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", crc32(line.substr(0, t3)));
  if (crc_text != std::string_view(buf, 8)) return false;
  e.row = line.substr(0, t1);
  e.ts_off = std::strtoull(std::string(line.substr(t1 + 1, t2 - t1 - 1)).c_str(), nullptr, 10);
  e.ts_len = std::strtoull(std::string(line.substr(t2 + 1, t3 - t2 - 1)).c_str(), nullptr, 10);
  char* end = nullptr;
  const std::string head(e.row.substr(0, e.row.find(',')));
  e.run = std::strtoll(head.c_str(), &end, 10);
  return end != head.c_str() && *end == '\0' && e.run >= 0;
}

//! Visit the valid entries of a manifest; returns the byte length of the valid
//! prefix (header + complete valid lines). Throws if the plan hash differs.
template <class F>
std::size_t scan_manifest(std::string_view text, const std::string& hash, const fs::path& file, F&& visit) {
  const std::size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return 0;  // torn header: treat as empty
  const std::string_view header = text.substr(0, nl);
  if (header.substr(0, kManifestMagic.size()) != kManifestMagic)
    throw RunError(file.string() + ": not a blocsim-sweep manifest");
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
// folder layout
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

bool metadata_complete(const fs::path& dir) {
  const fs::path p = dir / "metadata.yaml";
  if (!fs::exists(p)) return false;
  return read_text(p).find("\nstatus: complete\n") != std::string::npos;
}

std::vector<fs::path> manifest_files(const fs::path& dir) {
  std::vector<fs::path> out;
  const fs::path m = dir / "manifest";
  if (!fs::is_directory(m)) return out;
  for (const auto& e : fs::directory_iterator(m))
    if (e.path().extension() == ".csv") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

//! Write the final outputs from the manifests of `dirs` into `out`.
//! @returns the number of runs still missing (0 = written).
std::int64_t finalize_folders(const std::vector<fs::path>& dirs, const fs::path& out, bool remove_parts,
                              std::int64_t* failed_out) {
  const Layout layout = Layout::read(dirs.front());
  for (const auto& d : dirs) {
    const Layout l = Layout::read(d);
    if (l.hash != layout.hash)
      throw RunError(d.string() + ": holds a different sweep (plan " + l.hash + ") than " +
                     dirs.front().string() + " (plan " + layout.hash + ")");
  }
  struct Source {
    std::unique_ptr<MappedFile> manifest, ts;
  };
  std::vector<Source> sources;
  struct Slot {
    std::int32_t src = -1;
    std::uint32_t row_len = 0;
    std::uint64_t row_off = 0, ts_off = 0, ts_len = 0;
  };
  std::vector<Slot> index(static_cast<std::size_t>(layout.runs));
  std::int64_t found = 0;
  for (const auto& d : dirs) {
    for (const auto& mf : manifest_files(d)) {
      Source s;
      s.manifest = std::make_unique<MappedFile>(mf);
      fs::path tsp = mf;
      tsp.replace_extension(".ts");
      if (layout.timeseries && fs::exists(tsp)) s.ts = std::make_unique<MappedFile>(tsp);
      const auto src = static_cast<std::int32_t>(sources.size());
      const std::string_view text = s.manifest->view();
      scan_manifest(text, layout.hash, mf, [&](const ManifestEntry& e) {
        if (e.run >= layout.runs) return;
        Slot& slot = index[static_cast<std::size_t>(e.run)];
        if (slot.src >= 0) return;  // duplicate (identical by construction)
        if (layout.timeseries && (!s.ts || e.ts_off + e.ts_len > s.ts->view().size())) return;
        slot.src = src;
        slot.row_off = static_cast<std::uint64_t>(e.row.data() - text.data());
        slot.row_len = static_cast<std::uint32_t>(e.row.size());
        slot.ts_off = e.ts_off;
        slot.ts_len = e.ts_len;
        ++found;
      });
      sources.push_back(std::move(s));
    }
  }
  if (found < layout.runs) return layout.runs - found;

  fs::create_directories(out);
  const std::size_t np = layout.params.size(), ns = layout.summaries.size();
  std::string runs_csv = layout.runs_header() + "\n";
  std::string points_csv = "point";
  for (const auto& p : layout.params) points_csv += "," + p;
  points_csv += ",n_ok";
  static constexpr double kQ[] = {0.05, 0.25, 0.5, 0.75, 0.95};
  static constexpr const char* kQName[] = {"q05", "q25", "q50", "q75", "q95"};
  for (const auto& s : layout.summaries) {
    points_csv += "," + s + "_mean," + s + "_sd";
    for (const char* q : kQName) points_csv += "," + s + "_" + q;
  }
  points_csv += "\n";

  // Stream runs in order; runs of one point are contiguous, so each point's
  // replicates are aggregated together (exact quantiles, bounded memory).
  const fs::path runs_tmp = out / (".runs.csv.tmp." + std::to_string(::getpid()));
  const fs::path points_tmp = out / (".points.csv.tmp." + std::to_string(::getpid()));
  const fs::path ts_tmp = out / (".timeseries.csv.tmp." + std::to_string(::getpid()));
  FILE* fr = std::fopen(runs_tmp.c_str(), "wb");
  FILE* fp = std::fopen(points_tmp.c_str(), "wb");
  FILE* ft = layout.timeseries ? std::fopen(ts_tmp.c_str(), "wb") : nullptr;
  if (!fr || !fp || (layout.timeseries && !ft)) throw RunError(out.string() + ": cannot write final outputs");
  std::fputs(runs_csv.c_str(), fr);
  std::fputs(points_csv.c_str(), fp);
  if (ft) { const std::string h = layout.ts_header() + "\n"; std::fputs(h.c_str(), ft); }

  std::int64_t failed = 0;
  std::vector<std::vector<double>> vals(ns);
  std::vector<std::string> params_text(np);
  std::deque<std::string> unq;
  int n_ok = 0;
  std::string line;
  for (std::int64_t r = 0; r < layout.runs; ++r) {
    const Slot& s = index[static_cast<std::size_t>(r)];
    const std::string_view row = sources[static_cast<std::size_t>(s.src)].manifest->view().substr(s.row_off, s.row_len);
    std::fwrite(row.data(), 1, row.size(), fr);
    std::fputc('\n', fr);
    if (ft && s.ts_len > 0) {
      const std::string_view ts = sources[static_cast<std::size_t>(s.src)].ts->view().substr(s.ts_off, s.ts_len);
      std::fwrite(ts.data(), 1, ts.size(), ft);
    }
    const auto fields = split_csv(row, unq);
    if (fields.size() != 6 + np + ns) throw RunError("manifest row of run " + std::to_string(r) + " has a wrong field count");
    const int rep = static_cast<int>(r % layout.replicates);
    if (rep == 0)
      for (std::size_t i = 0; i < np; ++i) params_text[i] = std::string(fields[6 + i]);
    if (fields[4] == "ok") {
      ++n_ok;
      for (std::size_t j = 0; j < ns; ++j) {
        const double v = parse_double(fields[6 + np + j]);
        if (!std::isnan(v)) vals[j].push_back(v);
      }
    } else {
      ++failed;
    }
    if (rep == layout.replicates - 1) {
      line = std::to_string(r / layout.replicates);
      for (const auto& p : params_text) line += "," + p;
      line += "," + std::to_string(n_ok);
      for (auto& v : vals) {
        Welford w;
        for (double x : v) w.add(x);
        std::sort(v.begin(), v.end());
        line += "," + format_double(w.mean()) + "," + format_double(w.sd());
        for (double q : kQ) line += "," + format_double(quantile_sorted(v, q));
        v.clear();
      }
      line += "\n";
      std::fputs(line.c_str(), fp);
      n_ok = 0;
    }
  }
  auto close = [](FILE* f, const fs::path& p) {
    if (!f) return;
    const bool ok = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
    std::fclose(f);
    if (!ok) throw RunError(p.string() + ": write failed");
  };
  close(fr, runs_tmp);
  close(fp, points_tmp);
  close(ft, ts_tmp);
  fs::rename(runs_tmp, out / "runs.csv");
  fs::rename(points_tmp, out / "points.csv");
  if (ft) fs::rename(ts_tmp, out / "timeseries.csv");

  // Copy the provenance files if `out` is a new folder, then commit metadata.
  const fs::path src = dirs.front();
  for (const char* f : {"plan.csv", "sweep.yaml", "scenario.resolved.yaml"}) {
    if (fs::exists(src / f) && !fs::exists(out / f)) {
      fs::copy_file(src / f, out / ".copy.tmp", fs::copy_options::overwrite_existing);
      fs::rename(out / ".copy.tmp", out / f);
    }
  }
  if (!fs::exists(out / "manifest" / "layout.txt")) {
    fs::create_directories(out / "manifest");
    write_atomic(out / "manifest" / "layout.txt", layout.str());
  }
  std::string meta = read_text(src / "metadata.yaml");
  const std::size_t st = meta.find("\nstatus: ");
  if (st != std::string::npos) meta.resize(st + 1);
  meta += "status: complete\nfailed: " + std::to_string(failed) + "\n";
  write_atomic(out / "metadata.yaml", meta);
  sources.clear();
  if (remove_parts)
    for (const auto& d : dirs)
      for (const auto& mf : manifest_files(d)) {
        fs::path tsp = mf;
        tsp.replace_extension(".ts");
        fs::remove(tsp);
      }
  if (failed_out) *failed_out = failed;
  return 0;
}

std::string summary_name(const std::string& metric, const SummarySpec& s) {
  switch (s.kind) {
    case SummaryKind::final: return metric + "_final";
    case SummaryKind::mean: return metric + "_mean";
    case SummaryKind::tick: return metric + "_t" + std::to_string(s.tick);
  }
  return metric;
}

}  // namespace

// ---------------------------------------------------------------------------
// names, numbers
// ---------------------------------------------------------------------------

std::string_view design_name(Design d) {
  switch (d) {
    case Design::grid: return "grid";
    case Design::lhs: return "lhs";
    case Design::saltelli: return "saltelli";
    case Design::table: return "table";
  }
  return "?";
}

std::string_view seed_policy_name(SeedPolicy p) {
  return p == SeedPolicy::common ? "common" : "independent";
}

std::string format_double(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// ---------------------------------------------------------------------------
// designs
// ---------------------------------------------------------------------------

DesignMatrix grid_design(const std::vector<std::vector<double>>& levels) {
  std::int64_t n = 1;
  for (const auto& l : levels) n *= static_cast<std::int64_t>(l.size());
  DesignMatrix out;
  if (levels.empty()) return out;
  out.reserve(static_cast<std::size_t>(n));
  std::vector<std::size_t> idx(levels.size(), 0);
  for (std::int64_t p = 0; p < n; ++p) {
    std::vector<double> row(levels.size());
    for (std::size_t d = 0; d < levels.size(); ++d) row[d] = levels[d][idx[d]];
    out.push_back(std::move(row));
    for (std::size_t d = levels.size(); d-- > 0;) {  // last parameter varies fastest
      if (++idx[d] < levels[d].size()) break;
      idx[d] = 0;
    }
  }
  return out;
}

DesignMatrix lhs_design(std::int64_t n, int dims, std::uint64_t seed) {
  DesignMatrix out(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(dims)));
  SplitMix rng{mix64(seed ^ 0x4C48535F44455349ull)};  // "LHS_DESI"
  std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
  for (int d = 0; d < dims; ++d) {
    std::iota(perm.begin(), perm.end(), 0);
    for (std::int64_t i = n - 1; i > 0; --i)
      std::swap(perm[static_cast<std::size_t>(i)], perm[rng.below(static_cast<std::uint64_t>(i + 1))]);
    for (std::int64_t i = 0; i < n; ++i)
      out[static_cast<std::size_t>(i)][static_cast<std::size_t>(d)] =
          (static_cast<double>(perm[static_cast<std::size_t>(i)]) + rng.uniform()) / static_cast<double>(n);
  }
  return out;
}

namespace {
// Joe & Kuo (2008) primitive polynomials and initial direction numbers for
// dimensions 2..64 (new-joe-kuo-6.21201): degree s, coefficients a, m_1..m_s.
struct JoeKuo { int s; unsigned a; std::uint32_t m[9]; };
constexpr JoeKuo kJoeKuo[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},
};
static_assert(sizeof(kJoeKuo) / sizeof(kJoeKuo[0]) == SobolSequence::kMaxDims - 1);
}  // namespace

SobolSequence::SobolSequence(int dims) : dims_(dims), v_(static_cast<std::size_t>(dims) * 32) {
  if (dims < 1 || dims > kMaxDims)
    throw ConfigError({}, "design", "Sobol sequences support 1.." + std::to_string(kMaxDims) +
                                        " dimensions, not " + std::to_string(dims));
  for (int j = 0; j < 32; ++j) v_[static_cast<std::size_t>(j)] = 1u << (31 - j);
  for (int d = 1; d < dims; ++d) {
    const JoeKuo& jk = kJoeKuo[d - 1];
    std::uint32_t* v = &v_[static_cast<std::size_t>(d) * 32];
    for (int j = 0; j < 32; ++j) {
      if (j < jk.s) {
        v[j] = jk.m[j] << (31 - j);
      } else {
        std::uint32_t x = v[j - jk.s] ^ (v[j - jk.s] >> jk.s);
        for (int k = 1; k < jk.s; ++k)
          if ((jk.a >> (jk.s - 1 - k)) & 1u) x ^= v[j - k];
        v[j] = x;
      }
    }
  }
}

std::vector<double> SobolSequence::point(std::uint64_t i) const {
  std::vector<double> x(static_cast<std::size_t>(dims_));
  const std::uint64_t gray = i ^ (i >> 1);
  for (int d = 0; d < dims_; ++d) {
    std::uint32_t acc = 0;
    const std::uint32_t* v = &v_[static_cast<std::size_t>(d) * 32];
    for (int b = 0; b < 32; ++b)
      if ((gray >> b) & 1u) acc ^= v[b];
    x[static_cast<std::size_t>(d)] = static_cast<double>(acc) * 0x1.0p-32;
  }
  return x;
}

DesignMatrix saltelli_design(std::int64_t n, int k) {
  SobolSequence seq(2 * k);
  DesignMatrix out;
  out.reserve(static_cast<std::size_t>(n * (k + 2)));
  for (std::int64_t j = 0; j < n; ++j) {
    const std::vector<double> p = seq.point(static_cast<std::uint64_t>(j + 1));
    const std::vector<double> a(p.begin(), p.begin() + k), b(p.begin() + k, p.end());
    out.push_back(a);
    for (int i = 0; i < k; ++i) {
      std::vector<double> ab = a;
      ab[static_cast<std::size_t>(i)] = b[static_cast<std::size_t>(i)];
      out.push_back(std::move(ab));
    }
    out.push_back(b);
  }
  return out;
}

namespace {
void sobol_estimate(std::span<const double> y, const std::vector<std::int64_t>& rows, int k,
                    std::vector<double>& s1, std::vector<double>& st) {
  const auto stride = static_cast<std::size_t>(k + 2);
  Welford var;
  for (std::int64_t j : rows) {
    var.add(y[static_cast<std::size_t>(j) * stride]);
    var.add(y[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(k) + 1]);
  }
  const double n = static_cast<double>(rows.size());
  const double v = var.variance() * (2.0 * n - 1.0) / (2.0 * n);  // population variance
  const double c = var.mean();  // centring: same expectation, far lower variance when |mean| >> sd
  s1.assign(static_cast<std::size_t>(k), 0.0);
  st.assign(static_cast<std::size_t>(k), 0.0);
  for (int i = 0; i < k; ++i) {
    double a1 = 0.0, at = 0.0;
    for (std::int64_t j : rows) {
      const std::size_t base = static_cast<std::size_t>(j) * stride;
      const double fa = y[base] - c, fb = y[base + static_cast<std::size_t>(k) + 1] - c;
      const double fab = y[base + 1 + static_cast<std::size_t>(i)] - c;
      a1 += fb * (fab - fa);
      at += (fa - fab) * (fa - fab);
    }
    s1[static_cast<std::size_t>(i)] = a1 / n / v;
    st[static_cast<std::size_t>(i)] = 0.5 * at / n / v;
  }
}
}  // namespace

SobolIndices sobol_indices(std::span<const double> y, std::int64_t n, int k, int bootstrap,
                           std::uint64_t seed, double confidence) {
  const auto stride = static_cast<std::size_t>(k + 2);
  if (y.size() != static_cast<std::size_t>(n) * stride)
    throw RunError("sobol_indices: expected " + std::to_string(n * (k + 2)) + " outputs, got " +
                   std::to_string(y.size()));
  std::vector<std::int64_t> rows;
  for (std::int64_t j = 0; j < n; ++j) {
    bool ok = true;
    for (std::size_t m = 0; m < stride; ++m) ok = ok && !std::isnan(y[static_cast<std::size_t>(j) * stride + m]);
    if (ok) rows.push_back(j);
  }
  SobolIndices out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (rows.size() < 2) {
    out.S1.assign(static_cast<std::size_t>(k), nan);
    out.ST = out.S1_lo = out.S1_hi = out.ST_lo = out.ST_hi = out.S1;
    return out;
  }
  sobol_estimate(y, rows, k, out.S1, out.ST);
  out.S1_lo.assign(static_cast<std::size_t>(k), nan);
  out.S1_hi = out.ST_lo = out.ST_hi = out.S1_lo;
  if (bootstrap <= 0) return out;
  std::vector<std::vector<double>> bs1(static_cast<std::size_t>(k)), bst(static_cast<std::size_t>(k));
  SplitMix rng{mix64(seed ^ 0x534F424F4C425354ull)};
  std::vector<std::int64_t> sample(rows.size());
  std::vector<double> s1, st;
  for (int b = 0; b < bootstrap; ++b) {
    for (auto& s : sample) s = rows[rng.below(rows.size())];
    sobol_estimate(y, sample, k, s1, st);
    for (int i = 0; i < k; ++i) {
      bs1[static_cast<std::size_t>(i)].push_back(s1[static_cast<std::size_t>(i)]);
      bst[static_cast<std::size_t>(i)].push_back(st[static_cast<std::size_t>(i)]);
    }
  }
  const double lo = (1.0 - confidence) / 2.0, hi = 1.0 - lo;
  for (std::size_t i = 0; i < static_cast<std::size_t>(k); ++i) {
    std::sort(bs1[i].begin(), bs1[i].end());
    std::sort(bst[i].begin(), bst[i].end());
    out.S1_lo[i] = quantile_sorted(bs1[i], lo);
    out.S1_hi[i] = quantile_sorted(bs1[i], hi);
    out.ST_lo[i] = quantile_sorted(bst[i], lo);
    out.ST_hi[i] = quantile_sorted(bst[i], hi);
  }
  return out;
}

// ---------------------------------------------------------------------------
// statistics
// ---------------------------------------------------------------------------

void Welford::add(double x) noexcept {
  ++n_;
  const double d = x - mean_;
  mean_ += d / static_cast<double>(n_);
  m2_ += d * (x - mean_);
}
double Welford::mean() const noexcept {
  return n_ > 0 ? mean_ : std::numeric_limits<double>::quiet_NaN();
}
double Welford::variance() const noexcept {
  return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : std::numeric_limits<double>::quiet_NaN();
}
double Welford::sd() const noexcept { return std::sqrt(variance()); }

double quantile_sorted(const std::vector<double>& v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = (static_cast<double>(v.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// ---------------------------------------------------------------------------
// plan, shards, summaries
// ---------------------------------------------------------------------------

std::uint64_t SweepPlan::seed_of(std::int64_t run) const noexcept {
  const auto rep = static_cast<std::uint64_t>(replicate_of(run));
  const std::uint64_t point = seed_policy == SeedPolicy::common ? 0 : static_cast<std::uint64_t>(point_of(run));
  return derive_seed(root_seed, point, rep);
}

void write_plan_csv(const SweepPlan& plan, std::ostream& os) {
  os << "run,point,replicate,seed";
  for (const auto& p : plan.params) os << ',' << p;
  os << '\n';
  std::string line;
  for (std::int64_t r = 0; r < plan.runs(); ++r) {
    const std::int64_t p = plan.point_of(r);
    line = std::to_string(r) + ',' + std::to_string(p) + ',' + std::to_string(plan.replicate_of(r)) + ',' +
           std::to_string(plan.seed_of(r));
    for (std::size_t i = 0; i < plan.params.size(); ++i) line += ',' + format_double(plan.value(p, i));
    line += '\n';
    os << line;
  }
}

std::vector<std::string> summary_columns(const SweepSpec& spec) {
  std::vector<std::string> out;
  for (const auto& m : spec.metrics)
    for (const auto& s : spec.summaries) out.push_back(summary_name(m, s));
  return out;
}

std::vector<double> summarise(const MetricTable& table, const SweepSpec& spec) {
  std::vector<double> out;
  out.reserve(spec.metrics.size() * spec.summaries.size());
  if (table.rows.empty()) throw RunError("simulation returned no metric rows");
  for (const auto& m : spec.metrics) {
    const int c = table.column(m);
    if (c < 0) throw RunError("metric '" + m + "' is not a timeseries column of this scenario");
    const auto cc = static_cast<std::size_t>(c);
    for (const auto& s : spec.summaries) {
      switch (s.kind) {
        case SummaryKind::final: out.push_back(table.rows.back()[cc]); break;
        case SummaryKind::mean: {
          double sum = 0.0;
          for (const auto& row : table.rows) sum += row[cc];
          out.push_back(sum / static_cast<double>(table.rows.size()));
          break;
        }
        case SummaryKind::tick:
          if (s.tick < 0 || static_cast<std::size_t>(s.tick) >= table.rows.size())
            throw RunError("summary tick " + std::to_string(s.tick) + " is past the last tick");
          out.push_back(table.rows[static_cast<std::size_t>(s.tick)][cc]);
          break;
      }
    }
  }
  return out;
}

std::string Shard::tag() const {
  return "shard-" + std::to_string(index) + "-of-" + std::to_string(count);
}

Shard parse_shard(std::string_view text) {
  const SourceLoc cmd{"<command line>", 0, 0};
  const auto slash = text.find('/');
  Shard s;
  auto num = [&](std::string_view t, int& v) {
    if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string_view::npos) return false;
    v = std::stoi(std::string(t));
    return true;
  };
  if (slash == std::string_view::npos || !num(text.substr(0, slash), s.index) ||
      !num(text.substr(slash + 1), s.count) || s.count < 1 || s.index >= s.count)
    throw ConfigError(cmd, "--shard", "expected i/n with 0 <= i < n (e.g. 0/4), got '" + std::string(text) + "'");
  return s;
}

fs::path default_sweep_out(const SweepSpec& spec) { return fs::path("results") / "sweeps" / spec.name; }

// ---------------------------------------------------------------------------
// runner
// ---------------------------------------------------------------------------

struct SweepRunner::Impl {
  const SweepSetup& setup;
  SweepOptions opt;
  bool writer = false;
  fs::path out;
  Layout layout;
  std::vector<int> ts_cols_dummy;
  mutable std::vector<ScenarioConfig> cfgs;  // one per thread slot
  bool serial_runs = false;
  std::vector<std::int64_t> todo;
  std::int64_t skipped = 0;
  bool already_complete = false;
  // writer state
  int lock_fd = -1;
  FILE* man = nullptr;
  FILE* ts = nullptr;
  std::uint64_t ts_size = 0;
  std::chrono::steady_clock::time_point last_sync = std::chrono::steady_clock::now();

  explicit Impl(const SweepSetup& s) : setup(s) {}
  ~Impl() {
    if (man) std::fclose(man);
    if (ts) std::fclose(ts);
    if (lock_fd >= 0) ::close(lock_fd);
  }

  std::string metadata_text() const {
    const SweepSpec& sp = setup.spec;
    std::ostringstream o;
    o << "format: blocsim-sweep\nformat_version: 1\n"
      << "blocsim_version: " << kVersion << "\ngit_sha: " << kGitSha << "\n"
      << "name: " << yaml_str(sp.name) << "\n";
    if (!sp.description.empty()) o << "description: " << yaml_str(sp.description) << "\n";
    o << "sweep_file: " << yaml_str(sp.file.string()) << "\n"
      << "scenario: {name: " << yaml_str(setup.base.name) << ", path: " << yaml_str(sp.scenario.string())
      << "}\n"
      << "parameters: [";
    for (std::size_t i = 0; i < layout.params.size(); ++i) o << (i ? ", " : "") << yaml_str(layout.params[i]);
    o << "]\ndesign: " << design_name(sp.design) << "\n";
    if (sp.design == Design::lhs || sp.design == Design::saltelli) o << "samples: " << sp.samples << "\n";
    if (sp.design == Design::table) o << "table: " << yaml_str(sp.table.string()) << "\n";
    o << "replicates: " << sp.replicates << "\nseed_policy: " << seed_policy_name(sp.seed_policy)
      << "\nroot_seed: " << sp.seed << "\nticks: " << setup.base.ticks << "\n"
      << "timeseries_metrics: [";
    for (std::size_t i = 0; i < sp.metrics.size(); ++i) o << (i ? ", " : "") << yaml_str(sp.metrics[i]);
    o << "]\nmetrics: [";
    for (std::size_t i = 0; i < layout.summaries.size(); ++i) o << (i ? ", " : "") << yaml_str(layout.summaries[i]);
    o << "]\ntimeseries: " << (sp.timeseries ? "true" : "false") << "\npoints: " << setup.plan.points
      << "\nruns: " << setup.plan.runs() << "\nplan_hash: " << layout.hash << "\nstatus: running\n";
    return o.str();
  }

  std::string plan_csv() const {
    std::ostringstream o;
    write_plan_csv(setup.plan, o);
    return o.str();
  }

  void prepare_folder() {
    const bool exists = fs::exists(out);
    bool is_sweep = fs::exists(out / "manifest" / "layout.txt");
    if (exists && !is_sweep && !fs::is_empty(out)) {
      // Another shard may be creating this folder right now (job arrays start
      // together): wait for its layout if everything present is sweep output.
      static const std::set<std::string> known = {"manifest", "plan.csv", "sweep.yaml", "scenario.resolved.yaml",
                                                  "metadata.yaml", "runs.csv", "points.csv", "timeseries.csv",
                                                  "sobol.csv"};
      for (const auto& e : fs::directory_iterator(out)) {
        const std::string n = e.path().filename().string();
        if (!known.count(n) && n[0] != '.')
          throw RunError(out.string() + ": exists and is not a sweep folder; choose another --out");
      }
      for (int i = 0; i < 100 && !is_sweep; ++i) {
        ::usleep(50000);
        is_sweep = fs::exists(out / "manifest" / "layout.txt");
      }
    }
    if (is_sweep) {
      const Layout old = Layout::read(out);
      const bool complete = metadata_complete(out);
      if (old.hash != layout.hash || complete) {
        if (opt.overwrite) {
          fs::remove_all(out);
        } else if (old.hash != layout.hash) {
          throw RunError(out.string() + ": holds a different sweep (plan " + old.hash + ", this sweep " +
                         layout.hash + "); use --overwrite to replace it or --out to choose another folder");
        } else {
          already_complete = true;
          return;
        }
      }
    }
    fs::create_directories(out / "manifest");
    auto ensure = [&](const fs::path& p, const std::string& content) {
      if (!fs::exists(p)) write_atomic(p, content);
    };
    ensure(out / "manifest" / "layout.txt", layout.str());
    ensure(out / "plan.csv", plan_csv());
    ensure(out / "sweep.yaml", setup.source_text);
    ensure(out / "scenario.resolved.yaml", resolved_yaml(setup.base));
    ensure(out / "metadata.yaml", metadata_text());
  }

  void open_own_manifest() {
    const std::string tag = opt.shard.tag();
    const fs::path mp = out / "manifest" / (tag + ".csv");
    const fs::path tp = out / "manifest" / (tag + ".ts");
    lock_fd = ::open(mp.c_str(), O_RDWR | O_CREAT, 0644);
    if (lock_fd < 0) throw RunError(mp.string() + ": cannot open: " + std::strerror(errno));
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0)
      throw RunError(mp.string() + ": another blocsim process is running this shard of the sweep");
    if (opt.fresh) {
      if (::ftruncate(lock_fd, 0) != 0) throw RunError(mp.string() + ": cannot truncate");
      fs::remove(tp);
    }
    // Keep the valid prefix only (a kill -9 may have torn the last line).
    std::uint64_t ts_end = 0;
    std::size_t valid = 0;
    {
      MappedFile mf(mp);
      valid = scan_manifest(mf.view(), layout.hash, mp, [&](const ManifestEntry& e) {
        ts_end = std::max(ts_end, e.ts_off + e.ts_len);
      });
    }
    if (::ftruncate(lock_fd, static_cast<off_t>(valid)) != 0) throw RunError(mp.string() + ": cannot truncate");
    man = std::fopen(mp.c_str(), "ab");
    if (!man) throw RunError(mp.string() + ": cannot append");
    if (valid == 0) {
      const std::string h = std::string(kManifestMagic) + layout.hash + "\n";
      std::fputs(h.c_str(), man);
      std::fflush(man);
    }
    if (layout.timeseries) {
      if (fs::exists(tp)) fs::resize_file(tp, ts_end);
      ts = std::fopen(tp.c_str(), "ab");
      if (!ts) throw RunError(tp.string() + ": cannot append");
      ts_size = ts_end;
    }
  }

  std::vector<std::uint8_t> done_runs() const {
    std::vector<std::uint8_t> done(static_cast<std::size_t>(layout.runs), 0);
    for (const auto& mf : manifest_files(out)) {
      MappedFile m(mf);
      scan_manifest(m.view(), layout.hash, mf, [&](const ManifestEntry& e) {
        if (e.run < layout.runs) done[static_cast<std::size_t>(e.run)] = 1;
      });
    }
    return done;
  }
};

SweepRunner::SweepRunner(const SweepSetup& setup, const SweepOptions& opt, bool writer)
    : impl_(std::make_unique<Impl>(setup)) {
  Impl& m = *impl_;
  m.opt = opt;
  m.writer = writer;
  m.out = opt.out.empty() ? default_sweep_out(setup.spec) : opt.out;
  const SweepSpec& sp = setup.spec;
  m.layout.runs = setup.plan.runs();
  m.layout.replicates = setup.plan.replicates;
  m.layout.points = setup.plan.points;
  m.layout.design = std::string(design_name(sp.design));
  m.layout.samples = sp.samples;
  m.layout.timeseries = sp.timeseries;
  m.layout.params = setup.plan.params;
  m.layout.summaries = summary_columns(sp);
  m.layout.metrics = sp.metrics;
  {
    Hasher h;
    h.add("blocsim-sweep 1");
    h.add(resolved_yaml(setup.base));
    h.add(m.plan_csv());
    h.add(m.layout.str());
    m.layout.hash = h.hex();
  }
  const int slots = std::max(1, max_threads());
  m.cfgs.assign(static_cast<std::size_t>(slots), setup.base);
  const auto& syn = setup.base.world.synthetic;
  m.serial_runs = slots == 1 || (syn && syn->countries >= 4 * kParallelGrain);
  if (!writer) return;
  m.prepare_folder();
  if (m.already_complete) return;
  m.open_own_manifest();
  const std::vector<std::uint8_t> done = m.done_runs();
  for (std::int64_t r = 0; r < m.layout.runs; ++r) {
    if (!opt.shard.contains(r)) continue;
    if (done[static_cast<std::size_t>(r)]) ++m.skipped;
    else m.todo.push_back(r);
  }
}

SweepRunner::~SweepRunner() = default;

const std::vector<std::int64_t>& SweepRunner::todo() const noexcept { return impl_->todo; }
std::int64_t SweepRunner::skipped() const noexcept { return impl_->skipped; }
const fs::path& SweepRunner::out() const noexcept { return impl_->out; }

RunRecord SweepRunner::execute(std::int64_t run, int slot) const {
  const SweepSetup& s = impl_->setup;
  const SweepPlan& plan = s.plan;
  ScenarioConfig& cfg = impl_->cfgs[static_cast<std::size_t>(slot)];
  const std::int64_t point = plan.point_of(run);
  const std::uint64_t seed = plan.seed_of(run);
  RunRecord rec;
  rec.run = run;
  std::vector<double> sums;
  std::string error;
  try {
    for (std::size_t i = 0; i < plan.params.size(); ++i) set_param(cfg, plan.params[i], plan.value(point, i));
    const SimulateResult res = simulate(cfg, seed);
    sums = summarise(res.metrics, s.spec);
    if (s.spec.timeseries) {
      std::vector<int> cols;
      for (const auto& m : s.spec.metrics) cols.push_back(res.metrics.column(m));
      const std::string prefix = std::to_string(run) + ",";
      for (std::size_t t = 0; t < res.metrics.rows.size(); ++t) {
        rec.ts += prefix;
        rec.ts += std::to_string(t);
        rec.ts += ',';
        rec.ts += tick_date(cfg.calendar, static_cast<int>(t));
        for (int c : cols) {
          rec.ts += ',';
          rec.ts += format_double(res.metrics.rows[t][static_cast<std::size_t>(c)]);
        }
        rec.ts += '\n';
      }
    }
  } catch (const std::exception& e) {
    rec.failed = true;
    error = e.what();
    rec.ts.clear();
    sums.assign(impl_->layout.summaries.size(), std::numeric_limits<double>::quiet_NaN());
  }
  std::string& row = rec.row;
  row = std::to_string(run) + "," + std::to_string(point) + "," + std::to_string(plan.replicate_of(run)) + "," +
        std::to_string(seed) + (rec.failed ? ",failed," + csv_field(error) : ",ok,");
  for (std::size_t i = 0; i < plan.params.size(); ++i) row += "," + format_double(plan.value(point, i));
  for (double v : sums) row += "," + format_double(v);
  return rec;
}

std::vector<RunRecord> SweepRunner::execute_batch(std::span<const std::int64_t> runs,
                                                  const std::function<void(std::int64_t)>& tick) const {
  std::vector<RunRecord> out(runs.size());
  const auto n = static_cast<std::int64_t>(runs.size());
  if (impl_->serial_runs) {
    for (std::int64_t i = 0; i < n; ++i) {
      out[static_cast<std::size_t>(i)] = execute(runs[static_cast<std::size_t>(i)], 0);
      if (tick) tick(i);
    }
    return out;
  }
#ifdef _OPENMP
  const int slots = static_cast<int>(impl_->cfgs.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(slots)
  for (std::int64_t i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] = execute(runs[static_cast<std::size_t>(i)], omp_get_thread_num());
    if (tick) tick(i);
  }
#else
  for (std::int64_t i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] = execute(runs[static_cast<std::size_t>(i)], 0);
    if (tick) tick(i);
  }
#endif
  return out;
}

void SweepRunner::record(const std::vector<RunRecord>& records) {
  Impl& m = *impl_;
  if (!m.man) throw RunError("SweepRunner::record on a non-writer");
  std::string lines;
  for (const RunRecord& r : records) {
    std::uint64_t off = m.ts_size, len = 0;
    if (m.ts && !r.ts.empty()) {
      if (std::fwrite(r.ts.data(), 1, r.ts.size(), m.ts) != r.ts.size())
        throw RunError(m.out.string() + ": cannot write time series");
      len = r.ts.size();
      m.ts_size += len;
    }
    std::string body = r.row + "\t" + std::to_string(off) + "\t" + std::to_string(len);
    char crc[16];
    std::snprintf(crc, sizeof crc, "\t%08x\n", crc32(body));
    lines += body;
    lines += crc;
  }
  // The time series goes first: a manifest line never points past its data.
  if (m.ts && std::fflush(m.ts) != 0) throw RunError(m.out.string() + ": cannot write time series");
  if (std::fwrite(lines.data(), 1, lines.size(), m.man) != lines.size() || std::fflush(m.man) != 0)
    throw RunError(m.out.string() + ": cannot write manifest");
  const auto now = std::chrono::steady_clock::now();
  if (now - m.last_sync > std::chrono::milliseconds(500)) {
    if (m.ts) ::fsync(::fileno(m.ts));
    ::fsync(::fileno(m.man));
    m.last_sync = now;
  }
}

bool SweepRunner::finalize_if_complete(bool remove_parts, std::int64_t* failed) {
  Impl& m = *impl_;
  if (m.already_complete) {
    if (failed) {
      const std::string meta = read_text(m.out / "metadata.yaml");
      const auto p = meta.find("\nfailed: ");
      *failed = p == std::string::npos ? 0 : std::stoll(meta.substr(p + 9));
    }
    return true;
  }
  if (m.man) { std::fflush(m.man); ::fsync(::fileno(m.man)); }
  if (m.ts) { std::fflush(m.ts); ::fsync(::fileno(m.ts)); }
  return finalize_folders({m.out}, m.out, remove_parts, failed) == 0;
}

// ---------------------------------------------------------------------------
// local driver
// ---------------------------------------------------------------------------

namespace {

class Progress {
 public:
  Progress(std::int64_t total, bool quiet) : total_(total), quiet_(quiet), tty_(::isatty(2) == 1) {}
  void add(std::int64_t n) { done_ += n; }
  //! Called from any thread; prints only from the thread that wins the slot.
  void maybe_print(bool force = false) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (!force && since < (tty_ ? 0.2 : 10.0)) return;
    bool expected = false;
    if (!printing_.compare_exchange_strong(expected, true)) return;
    last_ = now;
    const std::int64_t d = done_.load();
    const double el = std::chrono::duration<double>(now - start_).count();
    const double rate = el > 0 ? static_cast<double>(d) / el : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - d) / rate : 0.0;
    const double frac = total_ > 0 ? static_cast<double>(d) / static_cast<double>(total_) : 1.0;
    char eta_s[32];
    std::snprintf(eta_s, sizeof eta_s, "%d:%02d:%02d", static_cast<int>(eta) / 3600,
                  (static_cast<int>(eta) / 60) % 60, static_cast<int>(eta) % 60);
    if (tty_) {
      constexpr int kWidth = 30;
      const int fill = static_cast<int>(frac * kWidth);
      std::string bar(static_cast<std::size_t>(fill), '=');
      if (fill < kWidth) bar += '>';
      bar.resize(kWidth, ' ');
      std::fprintf(stderr, "\r[%s] %5.1f%% %" PRId64 "/%" PRId64 " runs  %.0f runs/s  ETA %s   ", bar.c_str(),
                   100.0 * frac, d, total_, rate, eta_s);
    } else {
      std::fprintf(stderr, "sweep: %" PRId64 "/%" PRId64 " runs (%.1f%%), %.0f runs/s, ETA %s\n", d, total_,
                   100.0 * frac, rate, eta_s);
    }
    std::fflush(stderr);
    printing_ = false;
  }
  void finish() {
    if (quiet_ || total_ == 0) return;
    maybe_print(true);
    if (tty_) std::fputc('\n', stderr);
  }

 private:
  std::int64_t total_;
  bool quiet_, tty_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<bool> printing_{false};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace

SweepOutcome run_sweep(const SweepSetup& setup, const SweepOptions& opt) {
  if (opt.jobs > 0) set_threads(opt.jobs);
  SweepRunner runner(setup, opt, true);
  SweepOutcome res;
  res.out = runner.out();
  res.runs = setup.plan.runs();
  res.skipped = runner.skipped();
  std::vector<std::int64_t> todo = runner.todo();
  if (opt.limit >= 0 && static_cast<std::int64_t>(todo.size()) > opt.limit)
    todo.resize(static_cast<std::size_t>(opt.limit));
  Progress progress(static_cast<std::int64_t>(todo.size()), opt.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t threads = static_cast<std::size_t>(std::max(1, max_threads()));
  std::size_t batch = std::max<std::size_t>(16, 4 * threads);
  for (std::size_t pos = 0; pos < todo.size();) {
    const std::size_t n = std::min(batch, todo.size() - pos);
    const auto b0 = std::chrono::steady_clock::now();
    auto recs = runner.execute_batch(std::span<const std::int64_t>(todo.data() + pos, n), [&](std::int64_t) {
      progress.add(1);
#ifdef _OPENMP
      if (omp_get_thread_num() == 0) progress.maybe_print();
#else
      progress.maybe_print();
#endif
    });
    runner.record(recs);
    for (const auto& r : recs) res.failed += r.failed ? 1 : 0;
    pos += n;
    res.executed += static_cast<std::int64_t>(n);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count();
    if (secs < 0.5 && batch < 8192) batch *= 2;  // aim for ~0.5-1 s per flushed batch
  }
  progress.finish();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (opt.shard.count == 1 && opt.limit < 0) {
    std::int64_t failed = 0;
    res.complete = runner.finalize_if_complete(true, &failed);
    if (res.complete) res.failed = failed;
  }
  return res;
}

SweepOutcome merge_sweeps(const std::vector<fs::path>& dirs, const fs::path& out) {
  if (dirs.empty()) throw RunError("sweep merge: no folders given");
  SweepOutcome res;
  res.out = out;
  const Layout layout = Layout::read(dirs.front());
  res.runs = layout.runs;
  if (metadata_complete(out) && fs::exists(out / "runs.csv")) {
    const Layout lo = Layout::read(out);
    if (lo.hash != layout.hash) throw RunError(out.string() + ": holds a different, complete sweep");
    res.complete = true;
    const std::string meta = read_text(out / "metadata.yaml");
    const auto p = meta.find("\nfailed: ");
    res.failed = p == std::string::npos ? 0 : std::stoll(meta.substr(p + 9));
    return res;
  }
  if (fs::exists(out) && !fs::exists(out / "manifest" / "layout.txt") && !fs::is_empty(out))
    throw RunError(out.string() + ": exists and is not a sweep folder");
  const std::int64_t missing = finalize_folders(dirs, out, true, &res.failed);
  if (missing > 0)
    throw RunError("sweep merge: " + std::to_string(missing) + " of " + std::to_string(layout.runs) +
                   " runs are missing from the manifests of the given folders; rerun the unfinished shards "
                   "(they resume) and merge again");
  res.complete = true;
  return res;
}

std::string sweep_sobol(const fs::path& dir, int bootstrap, std::uint64_t seed) {
  const Layout layout = Layout::read(dir);
  if (layout.design != "saltelli")
    throw RunError(dir.string() + ": Sobol indices need a saltelli design, this sweep is '" + layout.design + "'");
  if (!metadata_complete(dir)) throw RunError(dir.string() + ": sweep is not complete (run or merge it first)");
  const auto k = static_cast<int>(layout.params.size());
  const std::int64_t n = layout.samples;
  std::ifstream in(dir / "points.csv");
  std::string line;
  std::getline(in, line);
  std::deque<std::string> unq;
  std::vector<std::string> header;
  for (auto f : split_csv(line, unq)) header.emplace_back(f);
  std::vector<std::size_t> cols;
  for (const auto& s : layout.summaries) {
    const auto it = std::find(header.begin(), header.end(), s + "_mean");
    if (it == header.end()) throw RunError(dir.string() + "/points.csv: no column " + s + "_mean");
    cols.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  std::vector<std::vector<double>> y(cols.size());
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto f = split_csv(line, unq);
    for (std::size_t c = 0; c < cols.size(); ++c) y[c].push_back(parse_double(f[cols[c]]));
  }
  std::string csv = "metric,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n";
  std::ostringstream table;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-34s %-40s %8s %19s %8s %19s\n", "metric", "parameter", "S1", "95% CI", "ST",
                "95% CI");
  table << buf;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const SobolIndices si = sobol_indices(y[c], n, k, bootstrap, seed);
    for (int i = 0; i < k; ++i) {
      const auto u = static_cast<std::size_t>(i);
      csv += layout.summaries[c] + "," + layout.params[u] + "," + format_double(si.S1[u]) + "," +
             format_double(si.S1_lo[u]) + "," + format_double(si.S1_hi[u]) + "," + format_double(si.ST[u]) + "," +
             format_double(si.ST_lo[u]) + "," + format_double(si.ST_hi[u]) + "\n";
      std::snprintf(buf, sizeof buf, "%-34s %-40s %8.3f [%7.3f, %7.3f] %8.3f [%7.3f, %7.3f]\n",
                    layout.summaries[c].c_str(), layout.params[u].c_str(), si.S1[u], si.S1_lo[u], si.S1_hi[u],
                    si.ST[u], si.ST_lo[u], si.ST_hi[u]);
      table << buf;
    }
  }
  write_atomic(dir / "sobol.csv", csv);
  return table.str();
}

}  // namespace blocsim
