// `blocsim run`, `blocsim validate`, `blocsim params`.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "blocsim/output/format.h"
#include "blocsim/io/data_dir.h"
#include "blocsim/output/out_folder.h"
#include "blocsim/io/error.h"
#include "blocsim/input/scenario.h"
#include "blocsim/calibrate/calibrate.h"
#include "blocsim/sweep/sweep.h"
#include "blocsim/engine/simulation.h"
#include "cli/cli.h"

namespace fs = std::filesystem;

namespace blocsim::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::optional<std::string> seed;  // checked by the scenario loader, as the `seed` key
  std::optional<int> ticks;
  int replicates = 1;
  std::vector<std::string> set;
  std::string out;
  int threads = 0;
  bool overwrite = false;
  bool quiet = false;
};

// The one-screen summary printed at the end of a run.
void print_summary(const ScenarioConfig& cfg, const RunSummary& s, int replicates) {
  auto col = [&](const std::string& name) -> double {
    for (std::size_t c = 0; c < s.columns.size(); ++c)
      if (s.columns[c] == name) return s.final_mean[c];
    return 0.0;
  };
  std::printf("BlocSim run: %s — %d tick%s to %s, %d replicate%s (seed %llu)\n", cfg.name.c_str(), cfg.ticks,
              cfg.ticks == 1 ? "" : "s", tick_date(cfg.calendar, cfg.ticks).c_str(), replicates,
              replicates == 1 ? "" : "s", static_cast<unsigned long long>(cfg.seed));
  std::printf("\nFinal bloc shares%s:\n", replicates > 1 ? " (mean over replicates)" : "");
  std::printf("  %-12s %8s %8s %8s   %s\n", "bloc", "count", "GDP", "pop", "standards (GDP)");
  std::vector<std::string> blocs{"nonaligned"};
  for (const auto& p : cfg.powers) blocs.push_back(p.id);
  for (std::size_t b = 0; b < blocs.size(); ++b) {
    const std::string std_label = b == 0 ? "intl" : blocs[b];
    std::printf("  %-12s %7.1f%% %7.1f%% %7.1f%%   %-5s %5.1f%%\n", blocs[b].c_str(),
                100 * col("bloc_count_" + blocs[b]), 100 * col("bloc_gdp_" + blocs[b]),
                100 * col("bloc_pop_" + blocs[b]), std_label.c_str(), 100 * col("std_gdp_" + std_label));
  }
  std::printf("\nStandards fragmentation %.3f (normalised %.3f), effective standards %.2f, interoperability %.3f\n",
              col("fragmentation"), col("fragmentation_norm"), col("effective_standards"), col("interoperability"));
  std::printf("Polarization (Esteban–Ray) %.3f, bipolarity %.3f\n", col("polarization_er"), col("bipolarity_rq"));
  std::printf("\nWrote %s/ in %.2f s:\n", s.out.string().c_str(), s.seconds);
  std::printf("  timeseries.csv  countries.csv  events.csv  metadata.yaml  scenario.resolved.yaml\n");
  std::printf("Figures: tools/plot run %s\n", s.out.string().c_str());
}

// Progress of a run with several replicates on a terminal (stderr), like
// `blocsim sweep`: a bar, replicates done, rate and ETA, redrawn at most 5×/s.
// Silent when stderr is not a terminal (logs, CI) or with --quiet.
class RunProgress {
 public:
  RunProgress(int total, bool enabled) : total_(total), enabled_(enabled && total > 1 && ::isatty(2) == 1) {}
  void replicate_done() {
    if (!enabled_) return;
    const int d = ++done_;
    std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return;
    const auto now = std::chrono::steady_clock::now();
    if (d < total_ && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double el = std::chrono::duration<double>(now - start_).count();
    const double rate = el > 0 ? d / el : 0.0;
    const int eta = rate > 0 ? static_cast<int>((total_ - d) / rate) : 0;
    constexpr int kWidth = 30;
    const int fill = total_ > 0 ? d * kWidth / total_ : kWidth;
    std::string bar(static_cast<std::size_t>(fill), '=');
    if (fill < kWidth) bar += '>';
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r[%s] %5.1f%% %d/%d replicates  %.1f/s  ETA %d:%02d:%02d   ", bar.c_str(),
                 100.0 * d / total_, d, total_, rate, eta / 3600, (eta / 60) % 60, eta % 60);
    if (d == total_) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  int total_;
  bool enabled_;
  std::atomic<int> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

fs::path existing_scenario(const std::string& arg) {
  const fs::path p = resolve_data_file(arg);
  std::error_code ec;
  // Any readable non-folder: a regular file, or a pipe such as /dev/stdin.
  if (!fs::exists(p, ec) || fs::is_directory(p, ec)) {
    const fs::path dir = data_dir();
    throw ConfigError(SourceLoc{arg, 0, 0}, "scenario",
                      "no such file" + (dir.empty() || p.is_absolute() ? std::string()
                                                                       : " (nor in the data directory " + dir.string() + "/scenarios)"));
  }
  return p;
}

void check_run_name(const ScenarioConfig& cfg) {
  if (const std::string why = run_name_problem(cfg.name); !why.empty())
    throw ConfigError(SourceLoc{cfg.path.empty() ? std::string("<scenario>") : cfg.path, 0, 0}, "name", why);
}

void add_run_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "Run a scenario and write a run folder (results/<name>/ by default)");
  run->add_option("scenario", args->scenario,
                  "Scenario YAML file (see scenarios/README.md); a shipped one may be named from any folder, "
                  "e.g. baseline.yaml")
      ->required();
  run->add_option("--seed", args->seed, "Root seed (default: the scenario's `seed`); replicate 0 uses it as is");
  run->add_option("--ticks", args->ticks, "Number of ticks (default: the scenario's `ticks`)")->check(CLI::PositiveNumber);
  run->add_option("-r,--replicates", args->replicates, "Independent replicates, run in parallel; seeds derived from the root seed")
      ->check(CLI::Range(1, 100000));
  run->add_option("-s,--set", args->set, "Override a parameter: --set model.mu=0.1 --set powers.us.open_models=0.5 (repeatable)");
  run->add_option("-o,--out", args->out, "Output folder (default: results/<scenario name>)");
  run->add_option("-t,--threads", args->threads, "OpenMP threads (default: all cores)")->check(CLI::Range(1, 1024));
  run->add_flag("--overwrite", args->overwrite, "Replace the output folder if it exists");
  run->add_flag("-q,--quiet", args->quiet, "Print nothing on success");
  run->callback([args, exit_code] {
    std::vector<std::string> overrides = args->set;
    if (args->seed) overrides.push_back("seed=" + *args->seed);
    if (args->ticks) overrides.push_back("ticks=" + std::to_string(*args->ticks));
    ScenarioConfig cfg = load_scenario(existing_scenario(args->scenario), overrides);
    if (args->out.empty()) check_run_name(cfg);
    install_interrupt_handlers();
    RunOptions opt;
    opt.replicates = args->replicates;
    opt.threads = args->threads;
    opt.out = args->out.empty() ? fs::path("results") / cfg.name : fs::path(args->out);
    opt.overwrite = args->overwrite;
    RunProgress progress(args->replicates, !args->quiet);
    opt.on_replicate = [&progress](int, const SimulateResult&) { progress.replicate_done(); };
    const RunSummary s = run_scenario(cfg, opt);
    if (!args->quiet) print_summary(cfg, s, args->replicates);
    *exit_code = kExitOk;
  });
}

void add_validate_command(CLI::App& app, int* exit_code) {
  auto file = std::make_shared<std::string>();
  auto set = std::make_shared<std::vector<std::string>>();
  CLI::App* v = app.add_subcommand(
      "validate", "Check a scenario, sweep or calibration file and report every problem as file:line:col: key: message");
  v->add_option("file", *file,
                "Scenario, sweep or calibration YAML file, told apart by its top-level keys (a shipped one may be "
                "named from any folder)")
      ->required();
  v->add_option("-s,--set", *set, "Overrides to check as well (as for run; scenarios only)");
  v->callback([file, set, exit_code] {
    const std::filesystem::path path = existing_scenario(*file);
    const InputKind kind = input_kind(path);
    if (kind != InputKind::scenario) {
      const char* what = kind == InputKind::sweep ? "sweep" : "calibration";
      if (!set->empty())
        throw ConfigError(SourceLoc{"<command line>", 0, 0}, "--set",
                          std::string("applies to scenario files; ") + file->c_str() + " is a " + what +
                              " file (set values in it, or in its scenario)");
      if (kind == InputKind::sweep) {
        const SweepSetup s = load_sweep(path);
        std::printf("%s: ok — sweep '%s': %lld point%s × %d replicate%s = %lld runs (%s design, %zu parameter%s) "
                    "of scenario '%s' (%lld countries, %d ticks)\n",
                    file->c_str(), s.spec.name.c_str(), static_cast<long long>(s.plan.points),
                    s.plan.points == 1 ? "" : "s", s.plan.replicates, s.plan.replicates == 1 ? "" : "s",
                    static_cast<long long>(s.plan.runs()), std::string(design_name(s.spec.design)).c_str(),
                    s.plan.params.size(), s.plan.params.size() == 1 ? "" : "s", s.base.name.c_str(),
                    static_cast<long long>(country_count(s.base)), s.base.ticks);
      } else {
        const calib::CalibSpec spec = calib::load_calibration(path);
        std::printf("%s: ok — calibration '%s': %s\n", file->c_str(), spec.name.c_str(),
                    calib::check_summary(spec).c_str());
      }
      *exit_code = kExitOk;
      return;
    }
    const ScenarioConfig cfg = load_scenario(path, *set);
    check_run_name(cfg);
    const auto n = static_cast<std::size_t>(country_count(cfg));
    std::printf("%s: ok — scenario '%s': %zu countries, %zu powers, %zu identity dimensions, %d ticks (%s to %s), %zu events\n",
                file->c_str(), cfg.name.c_str(), n, cfg.powers.size(), cfg.dimensions.size(), cfg.ticks,
                tick_date(cfg.calendar, 0).c_str(), tick_date(cfg.calendar, cfg.ticks).c_str(), cfg.timeline.size());
    *exit_code = kExitOk;
  });
}

void add_params_command(CLI::App& app, int* exit_code) {
  CLI::App* p = app.add_subcommand("params", "Print the parameter reference (name, default, range, unit, meaning) as Markdown");
  p->callback([exit_code] {
    std::cout << parameter_reference_markdown();
    *exit_code = kExitOk;
  });
}

}  // namespace blocsim::cli
