//! \file dock.h
//! \brief Docking BlocSim against published models (Axtell, Axelrod, Epstein
//! & Cohen 1996): reductions, their statistics and pass/fail criteria.
//!
//! Each reduction returns rows of a docking table: a statistic, BlocSim's
//! value with a 95% confidence interval, the published value with its source,
//! the equivalence criterion and whether it passes. `blocsim dock MODEL`
//! prints the table; docs/validation.md reports it.
//!
//! Which reductions run the engine's own phase code (a `ScenarioConfig`
//! built in code, then `make_world` + `phase::*`):
//! - `hk`      Hegselmann–Krause 2002 → `phase::identity` (μ = 1, ε, self-loops)
//! - `cw`      Brock–Durlauf / Curie–Weiss → `phase::choice` (K = 1)
//! - `arthur`  Arthur 1989 → `phase::standards` (K = 2, complete graph)
//! and which are separate small models (not expressible by the synchronous,
//! non-negative-weight phases; see docs/validation.md):
//! - `deffuant` Deffuant et al. 2000 (random pairwise meetings)
//! - `axelrod`  Axelrod 1997 culture (sequential site activation, discrete traits)
//! - `landscape` Axelrod & Bennett 1993 (signed propensities, single flips)
//!
//! Randomness: the separate models draw from `Rng(seed, chunk, replicate,
//! Stream::user + n)` with a per-model n (deffuant 1, axelrod 2, landscape 3,
//! hk initial opinions 4, cw 5, arthur types 6); replicate seeds are
//! `derive_seed(root, point, replicate)`.
//!
//! @code
//!   blocsim::dock::Options opt;  opt.fast = true;
//!   auto rows = blocsim::dock::run_model("hk", opt);
//!   std::cout << blocsim::dock::format_table(rows);
//! @endcode
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace blocsim::dock {

//! Run-size options of a docking reduction.
struct Options {
  int replicates = 0;       //!< replicates per point; 0 = the model's default (fast or full)
  bool fast = false;        //!< CI variant: smaller populations, fewer replicates
  std::uint64_t seed = 1;   //!< root seed
  int threads = 0;          //!< 0 = OpenMP default; replicates run in parallel
};

//! One row of the docking table.
struct Row {
  std::string model;       //!< reduction id, e.g. "axelrod"
  std::string statistic;   //!< what is compared, with its parameters
  double value = 0.0;      //!< BlocSim estimate
  double lo = 0.0, hi = 0.0;  //!< its 95% confidence interval
  int n = 0;               //!< replicates behind the estimate
  std::string published;   //!< published value (text: may be a relation)
  std::string source;      //!< citation
  std::string criterion;   //!< equivalence criterion, stated
  double test_value = 0.0; //!< the criterion's statistic (p-value, |z|, |Δ|, ...)
  bool pass = false;
  std::string engine;      //!< "phases" (engine phase code) or "separate"
};

// ---------------------------------------------------------------------------
// Statistics (sim/analysis/dock/stats.cpp)
// ---------------------------------------------------------------------------

//! Mean with a 95% t-interval (n ≥ 2; n = 1 gives lo = hi = mean).
struct Estimate {
  double mean = 0.0, sd = 0.0, lo = 0.0, hi = 0.0;
  int n = 0;
};
Estimate mean_ci(const std::vector<double>& v);

//! Wilson 95% interval for a proportion k/n.
Estimate proportion_ci(int k, int n);

//! The 0.975 quantile of Student's t with `df` degrees of freedom (the
//! half-width factor of a two-sided 95% interval); Boost.Math; 0 for df ≤ 0.
double t975(int df);

//! Two-sample Kolmogorov–Smirnov statistic D = sup |F_a − F_b|.
double ks_statistic(std::vector<double> a, std::vector<double> b);
//! One-sample KS statistic of `a` against a discrete or continuous CDF given
//! at the sample points by `cdf` (evaluated at x and just below x).
double ks_statistic_cdf(std::vector<double> a, double (*cdf)(double, const void*), const void* ctx);
//! Asymptotic KS p-value for statistic d and effective size ne (= n for one
//! sample, nm/(n+m) for two), with Stephens' small-sample correction.
double ks_pvalue(double d, double ne);

//! Mann–Whitney U test (two-sided, normal approximation with tie correction
//! and continuity correction). Returns the p-value; `u` receives U of `a`.
double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b, double* u = nullptr);

// ---------------------------------------------------------------------------
// Separate models (sim/analysis/dock/deffuant.cpp, axelrod_culture.cpp, landscape.cpp)
// ---------------------------------------------------------------------------

//! Deffuant et al. 2000: N agents, opinions uniform on [0,1]; each meeting
//! picks a random pair (i, j); if |x_i − x_j| < d both move by μ toward each
//! other. Runs until converged (every group separated by gaps ≥ d has range
//! < d, after which the number of clusters cannot change) or `max_meetings`.
struct DeffuantResult {
  std::vector<double> opinions;   //!< final opinions
  std::vector<int> cluster_sizes; //!< sizes of the final clusters, ascending opinion
  long long meetings = 0;
  bool converged = false;
};
DeffuantResult deffuant_run(int n, double d, double mu, std::uint64_t seed, long long max_meetings);

//! Activation scheme of Axelrod's culture model.
enum class Activation {
  with_replacement,   //!< each event activates a uniformly random site (Axelrod 1997)
  random_order,       //!< sweeps over a fresh random permutation of the sites (without replacement)
};

//! Axelrod 1997 dissemination of culture on a width × height bounded lattice
//! (von Neumann neighbourhood), F features with q traits. Runs until no
//! neighbouring pair has similarity strictly between 0 and 1 (absorbing) or
//! `max_events`.
struct CultureResult {
  int regions = 0;          //!< connected regions of identical culture
  int cultural_zones = 0;   //!< connected regions of compatible culture (similarity > 0)
  long long events = 0;
  bool stable = false;
};
CultureResult axelrod_culture_run(int width, int height, int features, int traits, Activation scheme,
                                  std::uint64_t seed, long long max_events);

//! Axelrod & Bennett 1993 landscape: n actors with sizes s_i and symmetric
//! propensities p_ij (positive = affinity); a configuration puts each actor in
//! coalition 0 or 1; d_ij = 1 if i and j are in different coalitions.
//! Energy E = Σ_{i<j} s_i s_j p_ij d_ij (lower = more stable).
struct Landscape {
  int n = 0;
  std::vector<double> size;        //!< s_i > 0
  std::vector<double> propensity;  //!< p_ij, n × n row-major, symmetric, zero diagonal
};
//! Energy of configuration `bits` (bit i = coalition of actor i).
double landscape_energy(const Landscape& l, std::uint32_t bits);
//! Random instance: sizes uniform (0.5, 2), propensities uniform (−1, 1).
Landscape random_landscape(int n, std::uint64_t seed);
//! Brute force: every configuration with actor n−1 in coalition 0 (the
//! labelling symmetry), local minima under single flips (no flip lowers E) and
//! steepest-descent basins (the flip with the largest decrease; ties → lowest
//! index). `basin[m]` = number of configurations (of 2^(n−1)) whose descent ends in minima[m].
struct LandscapeMinima {
  std::vector<std::uint32_t> minima;  //!< canonical (bit n−1 clear), ascending
  std::vector<double> energy;
  std::vector<long long> basin;
};
LandscapeMinima landscape_brute_force(const Landscape& l);
//! Single-flip dynamics from `start`: `steepest` flips the best improving
//! actor; otherwise actors are visited in random order (Rng stream user+3) and
//! flip when that lowers E. Returns the canonical end state.
std::uint32_t landscape_descend(const Landscape& l, std::uint32_t start, bool steepest, std::uint64_t seed);

// ---------------------------------------------------------------------------
// Reductions and the table
// ---------------------------------------------------------------------------

//! Ids of the reductions, in table order: deffuant, hk, axelrod, arthur, cw, landscape.
std::vector<std::string> model_names();

std::vector<Row> dock_deffuant(const Options& opt);
std::vector<Row> dock_hk(const Options& opt);
//! Axelrod culture; `scheme` is the activation scheme (the published one is
//! with replacement). Adds a Mann–Whitney row comparing the two schemes.
std::vector<Row> dock_axelrod(const Options& opt, Activation scheme = Activation::with_replacement);
std::vector<Row> dock_arthur(const Options& opt);
std::vector<Row> dock_cw(const Options& opt);
std::vector<Row> dock_landscape(const Options& opt);

//! Run one reduction by id ("all" runs every one).
//! @throws std::invalid_argument for an unknown id.
std::vector<Row> run_model(const std::string& model, const Options& opt);

//! Plain-text table (fixed-width columns) of the rows.
std::string format_table(const std::vector<Row>& rows);
//! Markdown table of the rows (docs/validation.md).
std::string format_markdown(const std::vector<Row>& rows);

//! Curie–Weiss fixed points of m = tanh(βh + βJ·m), ascending; one or three
//! (the middle one unstable when βJ > 1 and |βh| is small).
std::vector<double> curie_weiss_fixed_points(double beta_h, double beta_j);

}  // namespace blocsim::dock
