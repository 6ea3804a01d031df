// `blocsim sweep` — parameter sweeps from a laptop to a cluster (docs/design.md §7).
//
//   blocsim sweep SWEEP.yaml [--out DIR] [--jobs N] [--shard i/n] [--fresh] [--overwrite]
//   blocsim sweep expand SWEEP.yaml [--out plan.csv]
//   blocsim sweep merge DIR... [--out DIR]
//   blocsim sweep sobol DIR [--bootstrap B]
//   blocsim sweep status DIR [--rerun-shards]
//   blocsim sweep bench SWEEP.yaml [--runs N] [--jobs N]
//
// Under mpirun/srun (and built with MPI) the first form distributes runs over
// the ranks (sim/mpi/sweep_mpi.cpp); the result set is the same either way.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include "blocsim/io/error.h"
#include "blocsim/parallel.h"
#include "blocsim/sweep/sweep.h"
#include "cli/cli.h"
#include "mpi/mpi_api.h"
#include "mpi/sweep_mpi.h"

namespace blocsim::cli {

namespace {

long env_long(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return -1;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  return *end == '\0' ? x : -1;
}

struct SweepArgs {
  std::string file;
  std::string out;
  int jobs = 0;
  std::string shard;
  bool resume = true;
  bool fresh = false;
  bool overwrite = false;
  bool quiet = false;
  // subcommands
  std::string expand_file, expand_out = "plan.csv";
  std::vector<std::string> merge_dirs;
  std::string merge_out;
  std::string sobol_dir;
  int bootstrap = 1000;
  std::uint64_t sobol_seed = 1;
  bool retry_failed = false;
  std::string status_dir;
  bool status_shards = false;
  std::string bench_file;
  std::int64_t bench_runs = 2000;
};

void print_outcome(const SweepSetup& setup, const SweepOutcome& r, const SweepOptions& opt) {
  const double rate = r.seconds > 0 ? static_cast<double>(r.executed) / r.seconds : 0.0;
  std::fprintf(stderr, "sweep %s: %lld runs in the plan; executed %lld in %.2f s (%.0f runs/s on %d threads)",
               setup.spec.name.c_str(), static_cast<long long>(r.runs), static_cast<long long>(r.executed), r.seconds,
               rate, max_threads());
  if (r.skipped > 0) std::fprintf(stderr, ", %lld already done", static_cast<long long>(r.skipped));
  if (r.failed > 0) std::fprintf(stderr, ", %lld FAILED (see the error column of runs.csv)", static_cast<long long>(r.failed));
  std::fprintf(stderr, "\n");
  if (r.complete)
    std::fprintf(stderr, "sweep: complete → %s\n", r.out.c_str());
  else if (opt.shard.count > 1)
    std::fprintf(stderr, "sweep: shard %d/%d done → %s; when every shard is done: blocsim sweep merge %s\n",
                 opt.shard.index, opt.shard.count, r.out.c_str(), r.out.c_str());
  else
    std::fprintf(stderr, "sweep: incomplete → %s (rerun the same command to resume)\n", r.out.c_str());
}

}  // namespace

bool launched_by_mpi() {
  if (const char* no = std::getenv("BLOCSIM_NO_MPI"); no && *no && std::string(no) != "0") return false;
  if (env_long("OMPI_COMM_WORLD_SIZE") > 0) return true;  // mpirun (Open MPI)
  if (env_long("PMI_SIZE") > 1) return true;              // MPICH/Intel, srun --mpi=pmi2
  if (env_long("PMIX_RANK") >= 0 && env_long("SLURM_STEP_NUM_TASKS") > 1) return true;  // srun --mpi=pmix
  if (env_long("SLURM_PROCID") >= 0) {
    // srun sets SLURM_STEP_NUM_TASKS; a batch script itself runs as one task.
    const long step = env_long("SLURM_STEP_NUM_TASKS");
    if (step > 1) return true;
  }
  return false;
}

void add_sweep_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<SweepArgs>();
  CLI::App* s = app.add_subcommand(
      "sweep",
      "Run a parameter sweep (grid, Latin hypercube, Saltelli, or a CSV design table) with replicates;\n"
      "resumable (rerun the same command after a crash), shardable (--shard i/n, Slurm job arrays),\n"
      "and distributed over MPI ranks under mpirun/srun. Output: results/sweeps/<name>/\n"
      "(runs.csv, points.csv, optional timeseries.csv; format in results/README.md).");
  s->add_option("sweep_file", a->file, "Sweep YAML (see scenarios/sweeps/)");
  s->add_option("-o,--out", a->out, "Sweep folder (default results/sweeps/<name>)");
  s->add_option("-j,--jobs", a->jobs, "Threads (runs in parallel; default: OpenMP default / OMP_NUM_THREADS)")
      ->check(CLI::NonNegativeNumber);
  s->add_option("--shard", a->shard, "Run only shard i of n (runs with index % n == i); then `sweep merge`");
  s->add_flag("--resume", a->resume, "Resume from the manifest (the default)");
  s->add_flag("--fresh", a->fresh, "Discard this shard's earlier progress in the folder and start over");
  s->add_flag("--overwrite", a->overwrite, "Replace a complete sweep folder or one holding a different sweep");
  s->add_flag("-q,--quiet", a->quiet, "No progress output");
  s->add_flag("--retry-failed", a->retry_failed,
              "Run again this shard's runs recorded as failed (also in a folder already merged with failures); "
              "then `sweep merge` rewrites the final outputs");
  s->footer(
      "Examples:\n"
      "  blocsim sweep scenarios/sweeps/strictness_openness.yaml -j 8\n"
      "  blocsim sweep S.yaml --shard 3/16 --out results/sweeps/S   (one Slurm array task)\n"
      "  blocsim sweep merge results/sweeps/S\n"
      "  mpirun -np 4 blocsim sweep S.yaml                           (one result set)\n"
      "Exit codes: 0 ok, 2 invalid sweep/scenario, 3 run or I/O failure, 4 some runs failed (recorded).");

  CLI::App* ex = s->add_subcommand("expand", "Expand a sweep file into its run list (plan.csv) without running");
  ex->add_option("sweep_file", a->expand_file, "Sweep YAML")->required();
  ex->add_option("-o,--out", a->expand_out, "Output CSV ('-' = stdout)")->capture_default_str();

  CLI::App* mg = s->add_subcommand(
      "merge", "Combine shard manifests (one or several sweep folders) into the final result set");
  mg->add_option("dirs", a->merge_dirs, "Sweep folders holding the shards")->required();
  mg->add_option("-o,--out", a->merge_out, "Output folder (default: the first folder)");

  CLI::App* so = s->add_subcommand("sobol", "First-order and total Sobol indices of a complete Saltelli sweep");
  so->add_option("dir", a->sobol_dir, "Sweep folder (design: saltelli)")->required();
  so->add_option("--bootstrap", a->bootstrap, "Bootstrap resamples for the 95% confidence intervals")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  so->add_option("--seed", a->sobol_seed, "Bootstrap seed")->capture_default_str();

  CLI::App* stt = s->add_subcommand(
      "status", "Done / failed / missing runs per shard of a sweep folder, and which shards to rerun");
  stt->add_option("dir", a->status_dir, "Sweep folder")->required();
  stt->add_flag("--rerun-shards", a->status_shards,
                "Print only the comma-separated shard indices with failed or missing runs (for sbatch --array)");
  stt->footer("Exit codes: 0 every run done, 4 some runs failed or are missing, 3 not a sweep folder.");

  CLI::App* be = s->add_subcommand("bench", "Sweep throughput (runs/s) on a sweep file; writes nothing");
  be->add_option("sweep_file", a->bench_file, "Sweep YAML")->required();
  be->add_option("--runs", a->bench_runs, "Runs to time (the first N of the plan)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  be->add_option("-j,--jobs", a->jobs, "Threads")->check(CLI::NonNegativeNumber);

  ex->callback([a, exit_code] {
    const SweepSetup setup = load_sweep(existing_scenario(a->expand_file));
    if (a->expand_out == "-") {
      write_plan_csv(setup.plan, std::cout);
    } else {
      std::ofstream os(a->expand_out);
      if (!os) throw RunError(a->expand_out + ": cannot write");
      write_plan_csv(setup.plan, os);
      if (!os) throw RunError(a->expand_out + ": write failed");
    }
    std::fprintf(stderr, "sweep %s: %lld points × %d replicates = %lld runs (design %s, seeds %s)%s%s\n",
                 setup.spec.name.c_str(), static_cast<long long>(setup.plan.points), setup.plan.replicates,
                 static_cast<long long>(setup.plan.runs()), std::string(design_name(setup.spec.design)).c_str(),
                 std::string(seed_policy_name(setup.spec.seed_policy)).c_str(),
                 a->expand_out == "-" ? "" : " → ", a->expand_out == "-" ? "" : a->expand_out.c_str());
    *exit_code = 0;
  });

  mg->callback([a, exit_code] {
    std::vector<std::filesystem::path> dirs(a->merge_dirs.begin(), a->merge_dirs.end());
    const std::filesystem::path out = a->merge_out.empty() ? dirs.front() : std::filesystem::path(a->merge_out);
    SweepOutcome r;
    try {
      r = merge_sweeps(dirs, out);
    } catch (const RunError&) {
      // Missing runs: say which shards, then fail as before.
      try {
        for (const auto& d : dirs) std::fputs(sweep_status(d).report().c_str(), stderr);
      } catch (const std::exception&) {
      }
      throw;
    }
    std::fprintf(stderr, "sweep merge: %lld runs%s → %s\n", static_cast<long long>(r.runs),
                 r.failed > 0 ? (", " + std::to_string(r.failed) + " FAILED").c_str() : "", r.out.c_str());
    if (r.failed > 0) std::fputs(sweep_status(out).report().c_str(), stderr);
    *exit_code = r.failed > 0 ? kExitSweepFailures : 0;
  });

  so->callback([a, exit_code] {
    const std::string table = sweep_sobol(a->sobol_dir, a->bootstrap, a->sobol_seed);
    std::fputs(table.c_str(), stdout);
    std::fprintf(stderr, "sobol: wrote %s/sobol.csv\n", a->sobol_dir.c_str());
    *exit_code = 0;
  });

  stt->callback([a, exit_code] {
    const SweepStatus st = sweep_status(a->status_dir);
    if (a->status_shards) {
      const auto r = st.shards_to_rerun();
      for (std::size_t i = 0; i < r.size(); ++i) std::printf("%s%d", i ? "," : "", r[i]);
      std::printf("\n");
    } else {
      std::fputs(st.report().c_str(), stdout);
    }
    *exit_code = st.failed > 0 || st.missing > 0 ? kExitSweepFailures : 0;
  });

  be->callback([a, exit_code] {
    const SweepSetup setup = load_sweep(a->bench_file);
    SweepOptions opt;
    opt.jobs = a->jobs;
    opt.quiet = true;
    opt.limit = a->bench_runs;
    opt.out = std::filesystem::temp_directory_path() / ("blocsim-sweep-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(opt.out);
    SweepOutcome r;
    try {
      r = run_sweep(setup, opt);
    } catch (...) {
      std::filesystem::remove_all(opt.out);
      throw;
    }
    std::filesystem::remove_all(opt.out);
    const double rate = r.seconds > 0 ? static_cast<double>(r.executed) / r.seconds : 0.0;
    std::printf("sweep bench %s: %lld runs of %d ticks in %.3f s on %d threads: %.0f runs/s (%.3f ms/run/thread)\n",
                setup.spec.name.c_str(), static_cast<long long>(r.executed), setup.base.ticks, r.seconds,
                max_threads(), rate, r.executed > 0 ? 1000.0 * r.seconds * max_threads() / static_cast<double>(r.executed) : 0.0);
    *exit_code = 0;
  });

  s->callback([s, a, exit_code] {
    if (!s->get_subcommands().empty()) return;  // expand / merge / sobol / status / bench ran
    if (a->file.empty()) throw CLI::RequiredError("sweep_file (or one of: expand, merge, sobol, status, bench)");
    a->file = existing_scenario(a->file).string();
    SweepOptions opt;
    opt.out = a->out;
    opt.jobs = a->jobs;
    opt.fresh = a->fresh;
    opt.overwrite = a->overwrite;
    opt.quiet = a->quiet;
    opt.retry_failed = a->retry_failed;
    if (!a->shard.empty()) opt.shard = parse_shard(a->shard);
    if (launched_by_mpi() && mpi::usable_under_launcher("every rank would run the whole sweep; use --shard or rebuild with MPI")) {
      *exit_code = mpi::run_sweep(a->file, opt);
      return;
    }
    if (opt.jobs > 0) set_threads(opt.jobs);
    const SweepSetup setup = load_sweep(a->file);
    const SweepOutcome r = run_sweep(setup, opt);
    if (!opt.quiet) print_outcome(setup, r, opt);
    *exit_code = r.failed > 0 ? kExitSweepFailures : 0;
  });
}

}  // namespace blocsim::cli
