// The Markdown parameter reference generated from the registries
// (`blocsim params`, docs/parameters.md).
#include <cmath>
#include <sstream>

#include "blocsim/input/scenario.h"
#include "input/scenario_detail.h"

namespace blocsim {

using namespace scenario_detail;

std::string parameter_reference_markdown() {
  std::ostringstream md;
  auto range = [](double lo, double hi, bool allow_inf) {
    std::string h = std::isinf(hi) ? (allow_inf ? "+inf]" : "+inf)") : short_num(hi) + "]";
    return "[" + short_num(lo) + ", " + h;
  };
  md << "# Parameter reference\n\n"
     << "Generated from the parameter registries in `sim/engine/config.cpp` by `blocsim params`;\n"
     << "do not edit by hand (regenerate with `./build/blocsim params > docs/parameters.md`).\n"
     << "The scenario format itself is described in [scenarios/README.md](../scenarios/README.md).\n\n"
     << "Every scalar below can be set in a scenario file, overridden with\n"
     << "`blocsim run SCENARIO --set <path>=<value>`, varied in a sweep, and changed by a\n"
     << "timeline event (`set: {<path>: <value>}`). Ranges are inclusive; `.inf` is accepted\n"
     << "only where the range ends in `+inf]`.\n\n";
  auto table = [&](const std::string& title, const std::string& intro, const std::string& prefix, auto specs,
                   std::string_view registry) {
    md << "## " << title << "\n\n" << intro << "\n\n";
    md << "| group | key path | default | range | unit | meaning | source of the default |\n|---|---|---|---|---|---|---|\n";
    for (const auto& s : specs) {
      md << "| " << s.group << " | `" << prefix << s.key << "` | " << short_num(s.default_value) << " | "
         << range(s.min, s.max, s.allow_inf) << " | " << s.unit << " | " << s.meaning << " | " << param_source(s, registry)
         << " |\n";
    }
    md << "\n";
  };
  md << "The last column says where each default comes from: `calibrated:` (a posterior median of\n"
     << "`blocsim calibrate`, with its file and date), `from data:` (a cited source) or `set by hand:`\n"
     << "(with the reason). The hindcast calibration's posterior medians are listed where they were\n"
     << "not adopted; `scenarios/calibrated.yaml` applies them.\n\n";
  table("Model (`model:`)", "Global model parameters, one flat map.", "model.", model_params(), "model");
  table("Powers (`powers:` list)",
        "Per power; in paths the power is addressed by its id, e.g. `powers.us.open_models`.\n"
        "In the scenario file the keys sit inside the power's map (`export_controls: {strictness: 0.5}`).",
        "powers.<id>.", power_params(), "powers");
  table("Network (`network:`)", "How the country network W is built from borders, groups, trade and custom edges.",
        "network.", network_params(), "network");
  md << "## Other scalar paths\n\n"
     << "Also accepted by `--set`, sweeps and (except `ticks`, `seed`, `initial.*`, `outputs.*` and `world.*`) "
        "timeline events.\n\n"
     << "| key path | default | range | meaning |\n|---|---|---|---|\n"
     << "| `ticks` | 40 | [1, 1000000] integer | number of ticks to simulate |\n"
     << "| `seed` | 1 | [0, 2^64) integer | root random seed |\n"
     << "| `initial.equilibrium_iterations` | 50 | [1, 1000000] integer | best-response sweeps for the initial equilibrium |\n"
     << "| `outputs.countries` | 1 | 0 or 1 | write countries.csv |\n"
     << "| `outputs.countries_every` | 1 | [1, 1000000] integer | write country rows every n ticks (tick 0 and the last tick always) |\n"
     << "| `world.synthetic.countries` | — | [2, 1e9] integer | number of agents of a synthetic world |\n"
     << "| `world.synthetic.degree` | 10 | [0, N-1] | mean degree of the synthetic small-world network |\n"
     << "| `world.synthetic.rewire` | 0.1 | [0, 1] | Watts–Strogatz rewiring probability |\n"
     << "| `powers.<id>.export_controls.tiers.default` | 0 | 0, 1 or 2 | tier of countries not listed |\n"
     << "| `powers.<id>.ties.default_trade` | unset | [0, 1] | T_ik for countries without a trade column value |\n"
     << "| `powers.<id>.ties.default_security` | unset | [0, 1] | S_ik for countries without a security column value |\n\n";
  md << "## String keys\n\n"
     << "Accepted by `--set` and by sweeps as names (not by timeline `set:`): in a grid design as\n"
     << "`values: [need, swing]`, in a table design as a column of names; Latin-hypercube and Saltelli\n"
     << "designs take numeric ranges only.\n\n"
     << "| key path | values | meaning |\n|---|---|---|\n";
  for (const auto& s : kStringKeys) {
    std::string path(s.path);
    if (path.starts_with("powers.*.")) path = "powers.<id>." + path.substr(9);
    md << "| `" << path << "` | " << (s.options ? join(*s.options, " \\| ") : std::string("text")) << " | " << s.meaning
       << " |\n";
  }
  return md.str();
}

}  // namespace blocsim
