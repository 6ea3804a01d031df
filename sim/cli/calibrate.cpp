// `blocsim calibrate CALIB.yaml`: ABC-SMC estimation of scenario parameters
// against observed targets (include/blocsim/calibrate.h, docs/ODD.md "Calibration").
#include <cstdio>
#include <memory>

#include "blocsim/calibrate/calibrate.h"
#include "blocsim/io/error.h"
#include "blocsim/sweep/sweep.h"
#include "cli.h"
#include "mpi/calibrate_mpi.h"
#include "mpi/mpi_api.h"
#include "mpi/sweep_mpi.h"

namespace blocsim::cli {

namespace {
struct CalibArgs {
  std::string file, out, shard;
  double shard_timeout = 86400;
  int threads = 0;
  bool fast = false, fresh = false, quiet = false, check = false;
};
}  // namespace

void add_calibrate_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<CalibArgs>();
  CLI::App* cmd = app.add_subcommand(
      "calibrate", "Estimate parameters by ABC-SMC against observed targets (results/calibrations/<name>/)");
  cmd->footer(
      "Algorithm: adaptive population Monte Carlo ABC (Lenormand et al. 2013; PMC-ABC of Beaumont et al. 2009\n"
      "with quantile-adapted tolerances). File format and outputs: docs/calibration.md, docs/ODD.md \"Calibration\".\n"
      "Rerunning the same command resumes after the last finished generation.\n"
      "Under mpirun/srun (built with MPI) each generation's particles are split over the ranks\n"
      "(mpirun -np 4 blocsim calibrate C.yaml); without MPI, --shard i/n does the same with n processes\n"
      "that share a file system. The result folder is the same bytes at any rank or shard count.");
  cmd->add_option("calibration", a->file, "Calibration YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", a->out, "Output folder (default results/calibrations/<name>)");
  cmd->add_option("-t,--threads", a->threads, "OpenMP threads (default: all cores)")->check(CLI::Range(1, 1024));
  cmd->add_flag("--fast", a->fast, "CI variant: at most 40 particles, 3 generations, 2 replicates, 10 predictive draws");
  cmd->add_flag("--fresh", a->fresh, "Discard earlier generations in the output folder and start over");
  cmd->add_flag("--check", a->check, "Validate the calibration file and its observations, run nothing");
  cmd->add_flag("-q,--quiet", a->quiet, "No progress output");
  cmd->add_option("--shard", a->shard,
                  "Run as shard i of n (particles with index % n == i); start all n shards with the same -o on a "
                  "shared file system (e.g. a Slurm job array); they meet through files in <out>.shards/ and "
                  "shard 0 writes the folder");
  cmd->add_option("--shard-timeout", a->shard_timeout, "Seconds a shard waits for the others (default 86400)")
      ->check(CLI::PositiveNumber);
  cmd->callback([a, exit_code] {
    calib::CalibSpec spec = calib::load_calibration(a->file);
    if (a->fast) calib::apply_fast(spec);
    if (a->check) {
      std::printf("%s: ok — %s\n", a->file.c_str(), calib::check_summary(spec).c_str());
      *exit_code = kExitOk;
      return;
    }
    calib::CalibOptions opt;
    opt.out = a->out;
    opt.threads = a->threads;
    opt.fresh = a->fresh;
    opt.quiet = a->quiet;
    opt.fast = a->fast;
    opt.shard_timeout = a->shard_timeout;
    if (!a->shard.empty()) {
      const Shard sh = parse_shard(a->shard);
      opt.rank = sh.index;
      opt.size = sh.count;
      if (opt.rank != 0) opt.quiet = true;
    }
    if (launched_by_mpi() && a->shard.empty() &&
        mpi::usable_under_launcher("every rank would run the whole calibration and write the same folder; rebuild with MPI")) {
      *exit_code = mpi::run_calibration(spec, opt);
      return;
    }
    const calib::CalibOutcome r = calib::run_calibration(spec, opt);
    if (!opt.quiet) {
      std::printf("Calibration %s: %zu generations (%.1f s)\n", spec.name.c_str(), r.generations.size(), r.seconds);
      std::printf("  %-40s %12s %12s %12s\n", "parameter", "median", "q05", "q95");
      for (std::size_t d = 0; d < r.params.size(); ++d)
        std::printf("  %-40s %12.4g %12.4g %12.4g\n", r.params[d].c_str(), r.median[d], r.q05[d], r.q95[d]);
      std::printf("Wrote %s/ (posterior.csv, posterior_summary.csv, generations.csv, scenario.calibrated.yaml, ...)\n",
                  r.out.string().c_str());
      std::printf("Figures: tools/plot calibration %s\n", r.out.string().c_str());
    }
    *exit_code = kExitOk;
  });
}

}  // namespace blocsim::cli
