// `blocsim dock MODEL|all`: run docking reductions against published models
// and print the table (include/blocsim/analysis/dock.h, docs/validation.md).
#include <algorithm>
#include <chrono>
#include <memory>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "blocsim/analysis/dock.h"
#include "blocsim/io/error.h"
#include "blocsim/parallel.h"
#include "cli/cli.h"

namespace blocsim::cli {

namespace {

struct DockArgs {
  std::string model;
  int replicates = 0;
  bool fast = false;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string markdown;
};

}  // namespace

void add_dock_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DockArgs>();
  std::string models;
  for (const auto& m : dock::model_names()) models += (models.empty() ? "" : ", ") + m;
  CLI::App* cmd = app.add_subcommand(
      "dock", "Dock BlocSim against published models: run a reduction and compare with the literature");
  cmd->footer("Models: " + models +
              ", all (and axelrod-random-order: Axelrod culture with the other activation scheme).\n"
              "hk, cw and arthur run the engine's own phase code; deffuant, axelrod and landscape are\n"
              "separate small models (see docs/validation.md). Exit code 1 if any statistic fails.");
  cmd->add_option("model", args->model, "Reduction id or 'all'")->required();
  cmd->add_option("--replicates,-r", args->replicates, "Replicates per point (default: the model's own)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--fast", args->fast, "CI variant: smaller populations and fewer replicates");
  cmd->add_option("--seed", args->seed, "Root seed")->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads (0 = OpenMP default)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--markdown", args->markdown, "Also write the table as Markdown to this file");
  cmd->callback([args, exit_code] {
    const auto names = dock::model_names();
    if (args->model != "all" && args->model != "axelrod-random-order" &&
        std::find(names.begin(), names.end(), args->model) == names.end()) {
      std::vector<std::string> cand = names;
      cand.push_back("all");
      const std::string hint = did_you_mean(args->model, cand);
      throw CLI::ValidationError("model", "unknown docking model '" + args->model + "'" +
                                              (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    set_threads(args->threads);
    dock::Options opt;
    opt.replicates = args->replicates;
    opt.fast = args->fast;
    opt.seed = args->seed;
    opt.threads = args->threads;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<dock::Row> rows;
    const std::vector<std::string> todo = args->model == "all" ? names : std::vector<std::string>{args->model};
    for (const auto& m : todo) {
      const auto t1 = std::chrono::steady_clock::now();
      auto r = dock::run_model(m, opt);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
      std::fprintf(stderr, "dock %s: %zu statistics in %.1f s\n", m.c_str(), r.size(), s);
      rows.insert(rows.end(), r.begin(), r.end());
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << dock::format_table(rows);
    std::printf("(%s, seed %llu, %.1f s)\n", args->fast ? "fast variant" : "full variant",
                static_cast<unsigned long long>(args->seed), secs);
    if (!args->markdown.empty()) {
      std::ofstream out(args->markdown);
      if (!out) throw RunError("cannot write " + args->markdown);
      out << dock::format_markdown(rows);
    }
    int fails = 0;
    for (const auto& r : rows) fails += r.pass ? 0 : 1;
    *exit_code = fails > 0 ? 1 : 0;
  });
}

}  // namespace blocsim::cli
