// run_scenario(): R replicates → one run folder (results/README.md), written
// atomically: everything goes into a hidden temporary sibling folder that is
// renamed into place only when complete; on any failure it is removed.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include "blocsim/output/format.h"
#include "blocsim/output/out_folder.h"
#include "blocsim/io/error.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/version.h"

namespace fs = std::filesystem;

namespace blocsim {
namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// YAML double-quoted scalar (JSON escaping is valid YAML). Control
// characters are escaped and bytes that are not UTF-8 become U+FFFD, so
// metadata.yaml is valid YAML and UTF-8 whatever a name or path holds.
std::string yq(const std::string& raw) {
  const std::string s = valid_utf8(raw) ? raw : [&] {
    std::string t;
    for (char c : raw) {
      if (static_cast<unsigned char>(c) < 0x80) t += c;
      else t += "\xEF\xBF\xBD";  // U+FFFD
    }
    return t;
  }();
  std::string o = "\"";
  for (char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          o += buf;
        } else {
          o += c;
        }
    }
  }
  return o + '"';
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
  f.close();
  if (!f) throw RunError("cannot write " + p.string());
}

const char* step_name(CalendarStep s) {
  return s == CalendarStep::month ? "month" : (s == CalendarStep::quarter ? "quarter" : "year");
}

// One replicate's countries rows, appended to `out` for the ticks to record.
void append_countries(std::string& out, const World& w, int replicate, const std::string& date) {
  const std::string prefix = std::to_string(replicate) + "," + std::to_string(w.tick) + "," + date + ",";
  for (std::int32_t i = 0; i < w.n; ++i) {
    out += prefix;
    out += country_id(w, i);
    out += ',';
    out += bloc_label(w, w.alignment[static_cast<std::size_t>(i)]);
    out += ',';
    out += standard_label(w, w.standard[static_cast<std::size_t>(i)]);
    out += ',';
    append_number(out, w.capacity(i));
    for (int d = 0; d < w.d; ++d) {
      out += ',';
      append_number(out, w.x(d, i));
    }
    for (int b = 0; b <= w.k; ++b) {
      out += ',';
      append_number(out, w.utility(b, i));
    }
    out += '\n';
  }
}

}  // namespace

RunSummary run_scenario(const ScenarioConfig& cfg, const RunOptions& opt) {
  const auto t_start = std::chrono::steady_clock::now();
  const std::string started = utc_now();
  if (opt.replicates < 1) throw ConfigError(SourceLoc{"<command line>", 0, 0}, "--replicates", "must be at least 1");
  // Everything about the output folder is checked before any work: the path
  // names a new folder, and an existing one is replaced only if --overwrite
  // was given and it is a BlocSim run folder (out_folder.h).
  const fs::path out = normalize_out(opt.out);
  check_out_replaceable(out, opt.overwrite);
  if (opt.threads > 0) set_threads(opt.threads);
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  fs::create_directories(parent);
  // One writer per folder: a second run to the same --out fails here instead
  // of silently replacing the first one's result. Under the lock, re-check
  // (the folder may have appeared meanwhile) and sweep away what killed runs
  // left behind.
  const OutFolderLock lock(out);
  check_out_replaceable(out, opt.overwrite);
  remove_stale_temporaries(out);
  const fs::path tmp = parent / ("." + out.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);

  RunSummary summary;
  summary.out = out;
  const int R = opt.replicates;
  for (int r = 0; r < R; ++r) summary.seeds.push_back(replicate_seed(cfg.seed, r));
  std::vector<std::string> ids;
  for (const auto& p : cfg.powers) ids.push_back(p.id);
  summary.columns = metric_columns(ids);

  try {
    write_file(tmp / "scenario.resolved.yaml", resolved_yaml(cfg));
    {
      std::string ev = "tick,date,label\n";
      for (const Event& e : cfg.timeline)
        ev += std::to_string(e.tick) + "," + tick_date(cfg.calendar, e.tick) + "," + csv_field(e.label) + "\n";
      write_file(tmp / "events.csv", ev);
    }
    std::vector<SimulateResult> results(static_cast<std::size_t>(R));
    std::vector<std::string> errors(static_cast<std::size_t>(R));
    const std::int64_t n_countries =
        cfg.world.synthetic ? cfg.world.synthetic->countries : static_cast<std::int64_t>(cfg.world.countries.size());
    const int every = std::max(1, cfg.outputs.countries_every);
    auto run_one = [&](int r) {
      try {
        std::ofstream part;
        if (cfg.outputs.countries) part.open(tmp / (".countries-" + std::to_string(r) + ".part"), std::ios::binary);
        std::string buf;
        auto observer = [&](const World& w) {
          if (!cfg.outputs.countries) return;
          if (w.tick % every != 0 && w.tick != cfg.ticks) return;
          append_countries(buf, w, r, tick_date(cfg.calendar, w.tick));
          if (buf.size() > (1u << 22)) {
            part << buf;
            buf.clear();
          }
        };
        results[static_cast<std::size_t>(r)] = simulate(cfg, summary.seeds[static_cast<std::size_t>(r)], observer);
        part << buf;
        part.close();
        if (cfg.outputs.countries && !part) throw RunError("cannot write countries part file");
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(r)] = e.what();
      }
    };
    // Small worlds: replicates in parallel, one thread each (parallel_for
    // runs serially inside a parallel region). Large worlds: one replicate
    // at a time, parallel over countries.
    const bool over_replicates = R > 1 && n_countries < 4 * kParallelGrain;
#ifdef _OPENMP
    if (over_replicates) {
#pragma omp parallel for schedule(dynamic, 1)
      for (int r = 0; r < R; ++r) run_one(r);
    } else {
      for (int r = 0; r < R; ++r) run_one(r);
    }
#else
    (void)over_replicates;
    for (int r = 0; r < R; ++r) run_one(r);
#endif
    for (int r = 0; r < R; ++r)
      if (!errors[static_cast<std::size_t>(r)].empty())
        throw RunError("replicate " + std::to_string(r) + ": " + errors[static_cast<std::size_t>(r)]);

    // timeseries.csv
    {
      std::string ts = "replicate,seed,tick,date";
      for (const auto& c : summary.columns) ts += "," + c;
      ts += '\n';
      for (int r = 0; r < R; ++r) {
        const auto& rows = results[static_cast<std::size_t>(r)].metrics.rows;
        for (std::size_t t = 0; t < rows.size(); ++t) {
          ts += std::to_string(r) + "," + std::to_string(summary.seeds[static_cast<std::size_t>(r)]) + "," +
                std::to_string(t) + "," + tick_date(cfg.calendar, static_cast<int>(t));
          for (double v : rows[t]) {
            ts += ',';
            append_number(ts, v);
          }
          ts += '\n';
        }
      }
      write_file(tmp / "timeseries.csv", ts);
    }
    // countries.csv: header + the replicate parts in replicate order
    if (cfg.outputs.countries) {
      std::ofstream f(tmp / "countries.csv", std::ios::binary);
      f << "replicate,tick,date,iso3,alignment,standard,capacity";
      for (const auto& d : cfg.dimensions) f << ',' << d;
      f << ",utility_nonaligned";
      for (const auto& id : ids) f << ",utility_" << id;
      f << '\n';
      for (int r = 0; r < R; ++r) {
        const fs::path part = tmp / (".countries-" + std::to_string(r) + ".part");
        {
          std::ifstream in(part, std::ios::binary);
          f << in.rdbuf();
        }
        fs::remove(part);
      }
      f.close();
      if (!f) throw RunError("cannot write countries.csv");
    }
    // summary: mean of the final row over replicates
    summary.final_mean.assign(summary.columns.size(), 0.0);
    for (const auto& res : results)
      for (std::size_t c = 0; c < summary.columns.size(); ++c) summary.final_mean[c] += res.metrics.rows.back()[c] / R;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

    // metadata.yaml
    {
      std::ostringstream m;
      m << "format: blocsim-run\nformat_version: 1\n";
      m << "blocsim_version: " << yq(kVersion) << "\ngit_sha: " << yq(kGitSha) << "\ncompiler: " << yq(kCompiler)
        << "\nbuild_type: " << yq(kBuildType) << "\nopenmp: " << (openmp_enabled() ? "true" : "false") << "\n";
      // The bytes the loader read (a pipe such as /dev/stdin cannot be read twice).
      std::string sha = cfg.source_sha256;
      if (sha.empty() && !cfg.path.empty()) {
        try {
          sha = sha256_file(cfg.path);
        } catch (const std::exception&) {
          sha = "";
        }
      }
      m << "scenario:\n  name: " << yq(cfg.name) << "\n  path: " << yq(cfg.path) << "\n  sha256: " << yq(sha)
        << "\n  resolved_sha256: " << yq(sha256_hex(resolved_yaml(cfg))) << "\n";
      m << "overrides: [";
      for (std::size_t i = 0; i < cfg.overrides.size(); ++i) m << (i ? ", " : "") << yq(cfg.overrides[i]);
      m << "]\nseed: " << cfg.seed << "\nreplicates: " << R << "\nseeds: [";
      for (int r = 0; r < R; ++r) m << (r ? ", " : "") << summary.seeds[static_cast<std::size_t>(r)];
      m << "]\nseed_rule: \"replicate 0 uses the root seed; replicate r > 0 uses derive_seed(root, 0, r)\"\n";
      m << "threads: " << max_threads() << "\nparallel_over: " << (over_replicates ? "replicates" : "countries") << "\n";
      m << "ticks: " << cfg.ticks << "\ncalendar: {start: " << yq(tick_date(cfg.calendar, 0)) << ", step: "
        << step_name(cfg.calendar.step) << "}\n";
      m << "countries: " << n_countries << "\n";
      m << "dimensions: [";
      for (std::size_t i = 0; i < cfg.dimensions.size(); ++i) m << (i ? ", " : "") << yq(cfg.dimensions[i]);
      m << "]\nblocs: [\"nonaligned\"";
      for (const auto& id : ids) m << ", " << yq(id);
      m << "]\nstandards: [\"intl\"";
      for (const auto& id : ids) m << ", " << yq(id);
      m << "]\npowers:\n";
      for (const auto& p : cfg.powers)
        m << "  - {id: " << yq(p.id) << ", name: " << yq(p.name) << ", home: " << yq(p.home) << "}\n";
      m << "outputs: {countries: " << (cfg.outputs.countries ? "true" : "false")
        << ", countries_every: " << cfg.outputs.countries_every << "}\n";
      m << "data_files: [";
      for (std::size_t i = 0; i < cfg.world.source_files.size(); ++i)
        m << (i ? ", " : "") << yq(cfg.world.source_files[i]);
      m << "]\n";
      m << "initial_equilibrium:\n  iterations: [";
      for (int r = 0; r < R; ++r) m << (r ? ", " : "") << results[static_cast<std::size_t>(r)].init_iterations;
      m << "]\n  converged: [";
      for (int r = 0; r < R; ++r) m << (r ? ", " : "") << (results[static_cast<std::size_t>(r)].init_converged ? "true" : "false");
      m << "]\n";
      m << "phases: [";
      for (std::size_t i = 0; i < kTickPhases.size(); ++i) m << (i ? ", " : "") << phase_name(kTickPhases[i]);
      m << "]\nphase_seconds:\n";
      for (std::size_t i = 0; i < kTickPhases.size(); ++i) {
        double s = 0.0;
        for (const auto& res : results) s += res.phase_seconds[i];
        m << "  " << phase_name(kTickPhases[i]) << ": " << format_number(s) << "\n";
      }
      m << "started_utc: " << yq(started) << "\nfinished_utc: " << yq(utc_now())
        << "\nwall_seconds: " << format_number(summary.seconds) << "\nstatus: ok\n";
      write_file(tmp / "metadata.yaml", m.str());
    }
    // publish: under the lock; an existing run folder is swapped with the
    // new one in one step (RENAME_EXCHANGE) where the kernel allows it.
    check_interrupt();
    if (fs::exists(fs::symlink_status(out))) {
      if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(tmp);
      } else {
        const fs::path trash = parent / ("." + out.filename().string() + ".old-" + std::to_string(::getpid()));
        fs::rename(out, trash);
        fs::rename(tmp, out);
        fs::remove_all(trash);
      }
    } else if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, out.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST)
        throw RunError("'" + out.string() + "' appeared while this run was running; not replaced (rerun with --overwrite)");
      fs::rename(tmp, out);  // file systems without renameat2 flags
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  return summary;
}

}  // namespace blocsim
