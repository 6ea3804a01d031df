// Finalizing a sweep: the manifests of one or more folders → runs.csv,
// timeseries.csv, summary.csv, metadata.yaml (results/README.md).
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
#include "blocsim/output/format.h"
#include "blocsim/output/metadata.h"
#include "sweep/sweep_detail.h"

namespace blocsim::sweep_detail {

bool metadata_complete(const fs::path& dir) {
  return metadata_status(dir) == "complete";
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
    bool failed = false;
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
        const bool failed = row_failed(e.row);
        // Duplicates: ok rows are identical by construction and the first is
        // kept; an ok record (a rerun with --retry-failed) supersedes a failed one.
        if (slot.src >= 0 && (failed || !slot.failed)) return;
        // data missing or damaged (checksum): the run counts as missing, so the
        // sweep stays incomplete and a rerun redoes it
        if (layout.timeseries && !failed && e.ts_len > 0 && (!s.ts || !ts_matches(e, s.ts->view()))) return;
        if (slot.src < 0) ++found;
        slot.failed = failed;
        slot.src = src;
        slot.row_off = static_cast<std::uint64_t>(e.row.data() - text.data());
        slot.row_len = static_cast<std::uint32_t>(e.row.size());
        slot.ts_off = e.ts_off;
        slot.ts_len = e.ts_len;
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
        line += "," + format_number(w.mean()) + "," + format_number(w.sd());
        for (double q : kQ) line += "," + format_number(quantile_sorted(v, q));
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
  write_atomic(out / "metadata.yaml", metadata_completed(src, failed));
  sources.clear();
  // The time-series parts go only when no run failed: a failed run can be
  // rerun (--retry-failed) and merged again, which needs the parts.
  if (remove_parts && failed == 0)
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

}  // namespace blocsim::sweep_detail
