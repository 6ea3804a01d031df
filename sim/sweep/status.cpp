// `blocsim sweep status DIR`: what the manifests of a sweep folder hold —
// done / failed / missing runs per shard — and what to resubmit.
#include <cstdlib>
#include <deque>
#include <map>
#include <set>
#include <sstream>

#include "sweep/sweep_detail.h"

namespace blocsim {

using namespace sweep_detail;
namespace fs = std::filesystem;

bool injected_failure(std::int64_t run) {
  static const std::set<std::int64_t> runs = [] {
    std::set<std::int64_t> s;
    if (const char* v = std::getenv("BLOCSIM_FAIL_RUNS"); v && *v)
      for (const auto& t : split(v, ','))
        if (!t.empty()) s.insert(std::stoll(t));
    return s;
  }();
  return runs.count(run) > 0;
}

namespace {

// "shard-3-of-16.csv" → {3, 16}; false for other names.
bool parse_tag(const std::string& stem, Shard& s) {
  int i = 0, n = 0;
  char tail = 0;
  if (std::sscanf(stem.c_str(), "shard-%d-of-%d%c", &i, &n, &tail) != 2 || n < 1 || i < 0 || i >= n) return false;
  s.index = i;
  s.count = n;
  return true;
}

std::string meta_value(const std::string& meta, const std::string& key) {
  const std::string k = "\n" + key + ": ";
  const auto p = meta.find(k);
  if (p == std::string::npos) return "";
  const auto e = meta.find('\n', p + k.size());
  std::string v = meta.substr(p + k.size(), e == std::string::npos ? std::string::npos : e - p - k.size());
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

}  // namespace

SweepStatus sweep_status(const fs::path& dir) {
  const Layout layout = Layout::read(dir);
  SweepStatus st;
  st.dir = dir;
  st.runs = layout.runs;
  st.plan_hash = layout.hash;
  if (fs::exists(dir / "metadata.yaml")) {
    const std::string meta = "\n" + read_text(dir / "metadata.yaml");
    st.name = meta_value(meta, "name");
    st.sweep_file = meta_value(meta, "sweep_file");
    st.finalized = meta.find("\nstatus: complete\n") != std::string::npos;
  }
  // Per run: 0 none, 1 failed only, 2 ok; the first error of each failed run.
  std::vector<std::uint8_t> state(static_cast<std::size_t>(layout.runs), 0);
  std::map<std::int64_t, std::string> errors;
  std::set<int> counts;
  std::set<std::pair<int, int>> with_manifest;
  for (const auto& mf : manifest_files(dir)) {
    Shard sh;
    if (parse_tag(mf.stem().string(), sh)) {
      counts.insert(sh.count);
      with_manifest.insert({sh.count, sh.index});
    }
    MappedFile m(mf);
    std::deque<std::string> store;
    scan_manifest(m.view(), layout.hash, mf, [&](const ManifestEntry& e) {
      if (e.run < 0 || e.run >= layout.runs) return;
      auto& s = state[static_cast<std::size_t>(e.run)];
      if (row_failed(e.row)) {
        if (s == 0) {
          s = 1;
          const auto f = split_csv(e.row, store);
          if (f.size() > 5) errors[e.run] = std::string(f[5]);
        }
      } else {
        s = 2;
      }
    });
  }
  for (std::int64_t r = 0; r < layout.runs; ++r) {
    const auto s = state[static_cast<std::size_t>(r)];
    if (s == 2) ++st.ok;
    else if (s == 1) {
      ++st.failed;
      st.failed_runs.push_back(r);
      st.failed_errors.push_back(errors[r]);
    } else ++st.missing;
  }
  // One table per shard split found (normally one: the array size).
  for (int n : counts)
    for (int i = 0; i < n; ++i) {
      ShardStatus ss;
      ss.shard.index = i;
      ss.shard.count = n;
      ss.has_manifest = with_manifest.count({n, i}) > 0;
      for (std::int64_t r = i; r < layout.runs; r += n) {
        ++ss.runs;
        const auto s = state[static_cast<std::size_t>(r)];
        if (s == 2) ++ss.ok;
        else if (s == 1) ++ss.failed;
        else ++ss.missing;
      }
      st.shards.push_back(ss);
    }
  return st;
}

std::vector<int> SweepStatus::shards_to_rerun() const {
  std::vector<int> out;
  // Use the split with the most shards (the job array), if several were used.
  int n = 0;
  for (const auto& s : shards) n = std::max(n, s.shard.count);
  for (const auto& s : shards)
    if (s.shard.count == n && (s.failed > 0 || s.missing > 0)) out.push_back(s.shard.index);
  return out;
}

std::string SweepStatus::report() const {
  std::ostringstream o;
  const bool done = missing == 0 && failed == 0;
  o << "sweep " << (name.empty() ? dir.filename().string() : name) << " in " << dir.string() << ": " << runs
    << " runs — " << ok << " done, " << failed << " failed, " << missing << " missing; "
    << (finalized ? (failed > 0 ? "final outputs written WITH FAILED RUNS" : "final outputs written")
                  : (missing == 0 ? "all runs recorded, not merged yet" : "incomplete"))
    << "\n";
  if (!shards.empty()) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-10s %8s %8s %8s %8s\n", "shard", "runs", "done", "failed", "missing");
    o << buf;
    for (const auto& s : shards) {
      std::snprintf(buf, sizeof buf, "  %-10s %8lld %8lld %8lld %8lld%s\n",
                    (std::to_string(s.shard.index) + "/" + std::to_string(s.shard.count)).c_str(),
                    static_cast<long long>(s.runs), static_cast<long long>(s.ok), static_cast<long long>(s.failed),
                    static_cast<long long>(s.missing), s.has_manifest ? "" : "   (never started)");
      o << buf;
    }
  }
  if (failed > 0) {
    o << "failed runs:";
    for (std::size_t i = 0; i < failed_runs.size() && i < 20; ++i) o << " " << failed_runs[i];
    if (failed_runs.size() > 20) o << " …";
    o << "\nfirst error (run " << failed_runs.front() << "): " << failed_errors.front() << "\n";
  }
  if (!done) {
    const auto rerun = shards_to_rerun();
    std::string list;
    for (std::size_t i = 0; i < rerun.size(); ++i) list += (i ? "," : "") + std::to_string(rerun[i]);
    const std::string file = sweep_file.empty() ? "SWEEP.yaml" : sweep_file;
    if (!rerun.empty()) {
      const int n = shards.empty() ? 1 : std::max_element(shards.begin(), shards.end(), [](const auto& a, const auto& b) {
                                            return a.shard.count < b.shard.count;
                                          })->shard.count;
      o << "to finish: rerun shard" << (rerun.size() == 1 ? " " : "s ") << list << " of " << n
        << (failed > 0 ? " with --retry-failed" : "") << ", then merge:\n"
        << "  tools/slurm/submit_sweep.sh --rerun " << file << " " << dir.string() << "\n"
        << "  (or: blocsim sweep " << file << " --out " << dir.string() << " --shard "
        << (rerun.size() == 1 ? std::to_string(rerun.front()) : std::string("I")) << "/" << n
        << (failed > 0 ? " --retry-failed" : "") << (rerun.size() == 1 ? "" : "  for each I in " + list)
        << ", then blocsim sweep merge " << dir.string() << ")\n";
    } else {
      o << "to finish: blocsim sweep " << file << " --out " << dir.string() << (failed > 0 ? " --retry-failed" : "")
        << "\n";
    }
  }
  return o.str();
}

}  // namespace blocsim
