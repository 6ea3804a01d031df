// Text and file helpers of sweep folders: CRC-32, CSV fields, atomic writes,
// manifest line parsing.
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

#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/version.h"
#include "blocsim/io/check.h"
#include "blocsim/io/csv.h"
#include "blocsim/output/format.h"
#include "sweep/sweep_detail.h"

namespace blocsim::sweep_detail {

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

std::string one_line_csv_field(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return blocsim::csv_field(s);
}

std::vector<std::string_view> split_csv(std::string_view line, std::deque<std::string>& store) {
  std::vector<std::string_view> out;
  int bad_col = 0;
  (void)split_csv_fields(line, out, store, bad_col);  // the one CSV splitter (blocsim/io/csv.h)
  return out;
}

double parse_double(std::string_view s) {
  // the one strict number syntax (blocsim/io/check.h); it reads format_number's nan/inf/-inf
  const std::optional<double> v = check::parse_number(s);
  if (!v) throw RunError("not a number: '" + std::string(s) + "'");
  return *v;
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

namespace {
std::atomic<unsigned> g_tmp_counter{0};
}  // namespace

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

//! Parse one manifest line (without '\n'); false if torn or corrupt.
//! <row>\t<ts offset>\t<ts length>\t<ts crc32>\t<crc32 of everything before>
bool parse_manifest_line(std::string_view line, ManifestEntry& e) {
  const std::size_t t4 = line.rfind('\t');
  if (t4 == std::string_view::npos || t4 == 0) return false;
  const std::size_t t3 = line.rfind('\t', t4 - 1);
  if (t3 == std::string_view::npos || t3 == 0) return false;
  const std::size_t t2 = line.rfind('\t', t3 - 1);
  if (t2 == std::string_view::npos || t2 == 0) return false;
  const std::size_t t1 = line.rfind('\t', t2 - 1);
  if (t1 == std::string_view::npos) return false;
  const std::string_view crc_text = line.substr(t4 + 1);
  if (crc_text.size() != 8 || t4 - t3 - 1 != 8) return false;
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", crc32(line.substr(0, t4)));
  if (crc_text != std::string_view(buf, 8)) return false;
  e.row = line.substr(0, t1);
  e.ts_off = std::strtoull(std::string(line.substr(t1 + 1, t2 - t1 - 1)).c_str(), nullptr, 10);
  e.ts_len = std::strtoull(std::string(line.substr(t2 + 1, t3 - t2 - 1)).c_str(), nullptr, 10);
  e.ts_crc = static_cast<std::uint32_t>(std::strtoul(std::string(line.substr(t3 + 1, 8)).c_str(), nullptr, 16));
  char* end = nullptr;
  const std::string head(e.row.substr(0, e.row.find(',')));
  e.run = std::strtoll(head.c_str(), &end, 10);
  return end != head.c_str() && *end == '\0' && e.run >= 0;
}

bool ts_matches(const ManifestEntry& e, std::string_view ts) noexcept {
  if (e.ts_len == 0) return true;
  if (e.ts_off > ts.size() || e.ts_len > ts.size() - e.ts_off) return false;
  return crc32(ts.substr(e.ts_off, e.ts_len)) == e.ts_crc;
}

}  // namespace blocsim::sweep_detail
