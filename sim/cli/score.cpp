// `blocsim score RUN_DIR OBSERVED.yaml`: compare a run's blocs (or standards)
// with observed country lists, beside naive baselines (include/blocsim/analysis/score.h).
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "blocsim/io/error.h"
#include "blocsim/analysis/score.h"
#include "cli/cli.h"

namespace blocsim::cli {

namespace {

struct ScoreArgs {
  std::string run_dir, observed, date, what, csv, groups, unga, out;
  int tick = -1;
  std::uint64_t seed = 1;
  int bootstrap = 1000;
};

}  // namespace

void add_score_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand("score", "Score a run against observed alignment lists (AUC, Brier, log score, accuracy, kappa) beside baselines");
  cmd->footer(
      "OBSERVED.yaml:\n"
      "  what: alignment          # or standard (optional)\n"
      "  date: 2025-07            # optional default for --date\n"
      "  source: \"...\"            # optional\n"
      "  blocs: {us: [USA, GBR], cn: [CHN, RUS], nonaligned: [IND, BRA]}\n"
      "  # or a binary / one-sided list (members vs the rest of the run):\n"
      "  # list: {bloc: us, members: [GBR, JPN], nonmembers: [IND]}   # nonmembers optional\n"
      "  exclude: [USA, CHN]      # optional (default for list: the powers' home countries)\n"
      "Labels are the run's bloc labels (nonaligned + power ids) or standards labels (intl + power ids).\n"
      "Baselines: everyone non-aligned, base rate, democracy alone, UNGA position alone, alliances -> blocs,\n"
      "initial state (tick 0), G7/BRICS membership; BlocSim minus each with a bootstrap interval.\n"
      "Formulas: docs/validation.md section 2.");
  cmd->add_option("run_dir", a->run_dir, "Run folder (with countries.csv)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("observed", a->observed, "Observed lists (YAML)")->required()->check(CLI::ExistingFile);
  auto* t = cmd->add_option("--tick", a->tick, "Tick to compare (default: the file's date, else the last tick)")
                ->check(CLI::NonNegativeNumber);
  cmd->add_option("--date", a->date, "Date YYYY-MM to compare (alternative to --tick)")->excludes(t);
  cmd->add_option("--what", a->what, "alignment | standard (default: the file's 'what', else alignment)")
      ->check(CLI::IsMember({"alignment", "standard"}));
  cmd->add_option("--csv", a->csv, "Also write the scores as tidy CSV (predictor,metric,label,value)");
  cmd->add_option("--groups", a->groups,
                  "Groups file for the G7/BRICS baseline when the run's scenario cannot be reloaded "
                  "(default scenarios/world/groups.yaml)");
  cmd->add_option("--unga", a->unga,
                  "UNGA ideal points (iso3,year,axis) for the UNGA baseline (default: unga.csv beside the run's "
                  "world data, else scenarios/world/unga.csv)");
  cmd->add_option("--seed", a->seed, "Bootstrap seed (default 1)");
  cmd->add_option("--bootstrap", a->bootstrap, "Bootstrap resamples for the intervals (default 1000; 0 = none)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--out", a->out,
                  "Also write a report folder (report.txt, scores.csv, differences.csv, reliability.csv, countries.csv) "
                  "for `tools/plot score DIR`");
  cmd->callback([a, exit_code] {
    const score::Observed obs = score::load_observed(a->observed);
    score::Options opt;
    if (a->tick >= 0) opt.tick = a->tick;
    opt.date = a->date;
    opt.what = a->what;
    opt.groups = a->groups;
    opt.unga = a->unga;
    opt.seed = a->seed;
    opt.bootstrap = a->bootstrap;
    const score::Report rep = score::score_run(a->run_dir, obs, opt);
    std::cout << score::format_report(rep);
    if (!a->csv.empty()) {
      std::ofstream out(a->csv);
      if (!out) throw RunError("cannot write " + a->csv);
      out << score::report_csv(rep);
    }
    if (!a->out.empty()) score::write_report_dir(rep, a->out);
    *exit_code = 0;
  });
}

}  // namespace blocsim::cli
