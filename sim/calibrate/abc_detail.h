// Internal pieces of the ABC-SMC calibration shared by its source files
// (abc_smc.cpp: algorithm, folder and resume; setup.cpp: observations and
// particle evaluation; predictive.cpp: posterior predictive and held-out
// scores). Not part of the public API (include/blocsim/calibrate/calibrate.h).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "blocsim/calibrate/calibrate.h"
#include "blocsim/engine/rng.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/input/scenario.h"
#include "blocsim/output/progress.h"

namespace blocsim::calib::detail {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr auto kStream = static_cast<Stream>(static_cast<std::uint32_t>(Stream::user) + 12);  // calibration draws
// Counter "ticks" of the calibration's random draws (distinct from generation numbers).
constexpr std::uint64_t kPredictiveTick = 1u << 20;
constexpr std::uint64_t kBootstrapTick = (1u << 20) + 1;

std::string num(double v);
std::string read_text(const std::filesystem::path& p);
void write_atomic(const std::filesystem::path& path, const std::string& content);
std::vector<std::string> split(const std::string& s, char sep);

struct Particle {
  std::vector<double> theta;  //!< parameter values (the master copy; u is derived)
  double distance = kInf;
  double weight = 1.0;        //!< importance weight π/q (unnormalised)
  int born = 0;               //!< generation that proposed it
  int index = 0;              //!< index within that generation's proposals
  std::array<double, 5> parts{};  //!< brier, log_score, spearman, shares, change
  bool failed = false;
};

struct Setup {
  const CalibSpec* spec = nullptr;
  ScenarioConfig cfg;
  std::vector<ObservedYear> fit, held;  //!< calibration and held-out years
  int low_bloc = 1, high_bloc = 2;      //!< Bloc values of the low / high power
  int ticks = 0;
  //! Tick-0 worlds for every simulation of this calibration (issue 14): the
  //! particles and predictive draws set numbers only (set_param on `cfg`), so
  //! one WorldCache serves them all — the world is constructed once per
  //! process and each parameter vector's tick-0 equilibrium once for its
  //! replicates; every world is bit-identical to make_world's (a pointer, so
  //! the const Setup the algorithm passes around can still use it).
  std::unique_ptr<WorldCache> worlds = std::make_unique<WorldCache>();
};

int bloc_class(const Setup& s, int bloc);

//! Simulate one parameter vector `replicates` times; counts per year (years =
//! fit then held) and country.
std::vector<Counts> simulate_counts(const Setup& s, const std::vector<double>& theta, std::uint64_t root,
                                    std::uint64_t point, int replicates, const std::vector<const ObservedYear*>& years);

//! Indices i of [0, n) this process simulates (i % size == rank).
std::vector<std::int64_t> owned(std::int64_t n, const CalibOptions& opt);

//! Evaluate this process's particles (in parallel) and share the results over processes.
void evaluate_all(const Setup& s, std::vector<Particle>& ps, int replicates, Progress& progress, const CalibOptions& opt,
                  const std::string& key);

//! Element-wise sum over shards through files `<dir>/<tag>_<key>_<rank>.bin`
//! (written atomically; each shard waits up to `timeout` seconds for the others'
//! files, then sums them in shard order). Files are keyed by content, not by a
//! counter, so a shard restarted after a crash finds consistent files.
std::function<void(std::vector<double>&, const std::string&)> file_exchange(const std::filesystem::path& dir,
                                                                           const std::string& tag, int rank, int size,
                                                                           double timeout);

//! The scenario, the observations of the fitted and held-out years.
Setup make_setup(const CalibSpec& spec);

//! Posterior predictive draws: returns validation.csv, fills the country and ppc CSVs.
std::string predictive_outputs(const Setup& s, const std::vector<Particle>& post, const std::vector<double>& wnorm,
                               int draws, int replicates, Progress& progress, std::string& countries_csv,
                               std::string& ppc_csv, const CalibOptions& opt);

}  // namespace blocsim::calib::detail
