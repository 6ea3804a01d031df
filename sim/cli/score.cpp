// `blocsim score RUN_DIR OBSERVED.yaml`: compare a run's blocs (or standards)
// with observed country lists, beside naive baselines (include/blocsim/analysis/score.h).
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
  std::string run_dir, observed, date, what, csv, groups;
  int tick = -1;
};

}  // namespace

void add_score_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand("score", "Score a run against observed alignment lists (accuracy, kappa, ARI, Brier)");
  cmd->footer(
      "OBSERVED.yaml:\n"
      "  what: alignment          # or standard (optional)\n"
      "  date: 2025-07            # optional default for --date\n"
      "  source: \"...\"            # optional\n"
      "  blocs: {us: [USA, GBR], cn: [CHN, RUS], nonaligned: [IND, BRA]}\n"
      "Labels are the run's bloc labels (nonaligned + power ids) or standards labels (intl + power ids).\n"
      "Baselines: everyone non-aligned, the initial state (tick 0), G7/BRICS membership.");
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
  cmd->callback([a, exit_code] {
    const score::Observed obs = score::load_observed(a->observed);
    score::Options opt;
    if (a->tick >= 0) opt.tick = a->tick;
    opt.date = a->date;
    opt.what = a->what;
    opt.groups = a->groups;
    const score::Report rep = score::score_run(a->run_dir, obs, opt);
    std::cout << score::format_report(rep);
    if (!a->csv.empty()) {
      std::ofstream out(a->csv);
      if (!out) throw RunError("cannot write " + a->csv);
      out << score::report_csv(rep);
    }
    *exit_code = 0;
  });
}

}  // namespace blocsim::cli
