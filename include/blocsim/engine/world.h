//! \file world.h
//! \brief The simulated world as a structure of arrays (docs/design.md §2).
//!
//! A country is an index i ∈ [0, N). Per-country state lives in Eigen arrays
//! with one *column* per country (so a country's K or D values are contiguous):
//! `x` is D × N, the per-power arrays are K × N. Blocs and standards are
//! small integers: 0 = non-aligned / international, k + 1 = power k.
//!
//! Double buffers exist only where a phase reads its neighbours' values
//! (identity, alignment, standards); everything a phase reads only for the
//! country itself is updated in place.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "blocsim/engine/config.h"

namespace blocsim {

using Bloc = std::int8_t;          //!< 0 = non-aligned, k+1 = power k
using Network = Eigen::SparseMatrix<float, Eigen::RowMajor, std::int32_t>;
using MatrixX8 = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic>;

//! Time-varying state of a power (its levers can be changed by events).
struct PowerState {
  PowerConfig cfg;             //!< current lever values (events edit this)
  Eigen::VectorXd identity;    //!< y_k (D)
  double frontier = 1.0;       //!< f_k
  std::int32_t home = -1;      //!< country index of the home country, or -1
};

//! One firing of a reactive rule (recorded in events.csv).
struct RuleFiring {
  int tick = 0;
  std::string label;  //!< "us.rule_name: what it did"
};

//! The whole simulated state. Plain struct: phases are free functions over it.
struct World {
  std::int32_t n = 0;  //!< countries N
  int k = 0;           //!< powers K
  int d = 0;           //!< identity dimensions D
  int tick = 0;        //!< current tick (0 = initial state)
  std::uint64_t seed = 0;

  // labels (empty for synthetic worlds, which use generated ids on output)
  std::vector<std::string> iso3;
  std::unordered_map<std::string, std::int32_t> index_of;  //!< ISO3 → i

  // static per-country data
  Eigen::VectorXd gdp, pop;            //!< N
  // dynamic per-country state
  Eigen::MatrixXd x, x_next;           //!< identity, D × N
  Eigen::VectorXd capacity;            //!< c_i, N
  std::vector<Bloc> alignment, alignment_next;  //!< a_i, N
  std::vector<Bloc> standard, standard_next;    //!< s_i, N
  std::vector<Bloc> pinned;            //!< −1 = free, else the pinned bloc
  std::vector<Bloc> pinned_standard;   //!< −1 = free; a power's home keeps its standard
  Eigen::MatrixXd ties, ties0;         //!< T_ik and its data value, K × N
  Eigen::MatrixXd lock, grievance;     //!< L_ik, G_ik, K × N
  Eigen::MatrixXf security;            //!< S_ik, K × N
  MatrixX8 tier;                       //!< τ_ik ∈ {0,1,2}, K × N
  Eigen::MatrixXd utility;             //!< U_ib of the last choice, (K+1) × N
  Eigen::VectorXd margin;              //!< top-1 minus top-2 utility of the last choice
  std::int64_t churn = 0;              //!< alignment switches in the last choice phase
  //! z_i = sim_i1 − sim_i2 (K = 1: sim_i1) from the last choice phase: the
  //! record phase's polarization coordinate (N; empty until a choice phase ran)
  Eigen::VectorXd choice_z;

  // courtship offers (written by the courtship phase, read by later phases)
  Eigen::MatrixXd access, aid, dgrievance;  //!< A_ik, aid_ik, ΔG_ik, K × N
  Eigen::MatrixXd open_value;          //!< O_ik, value of k's open weights to i, K × N

  // model v2 state (docs/ODD.md §2.2, §7.9)
  Eigen::MatrixXd x0;                  //!< observed identity profile (anchor), D × N
  Eigen::MatrixXf rivalry;             //!< R_ik ∈ [0,1], K × N (events may change it)
  Eigen::VectorXd hedge_member;        //!< 1 if i is in a hedge group (NAM), N
  Eigen::MatrixXf forum;               //!< M_ik: 1 if i sits in k's standards fora, K × N
  Eigen::VectorXd threshold;           //!< θ_i ∈ [0,1): adoption threshold, N (seed-independent)
  Eigen::MatrixXd aid_extra;           //!< aid added by reactive rules this tick, K × N
  std::vector<int> rule_last;          //!< per (power, rule): tick of last firing (−1 never)
  std::vector<int> rule_count;         //!< per (power, rule): firings so far
  std::vector<RuleFiring> firings;     //!< every rule firing of this run, in order
  int sovereignty_dim = -1;            //!< index into x, or −1

  // network
  Network w;                           //!< W, N × N, symmetric, row-major
  Eigen::VectorXd w_rowsum;            //!< Σ_j w_ij (N)
  //! The far neighbours of each row (|j − i| > kNearRows), CSR: row i's are
  //! far_inner[far_outer[i] … far_outer[i + 1]). Only these are prefetched
  //! (a near row's state was just read, or is being streamed in, by the walk
  //! itself). Built with W when the world is larger than the caches
  //! (index_far_neighbours()); empty otherwise.
  std::vector<std::int32_t> far_outer, far_inner;
  //! Neighbour label sums kept from tick to tick (docs/ODD.md §3 "Label sums
  //! kept across ticks"): 8 per row, {Σ_j w_ij·onehot(a_j), Σ_j w_ij·onehot(s_j)}
  //! over 4 bins each, for the labels in label_sums_of (the packed
  //! (a_j | s_j·4)·8 of every country when they were last brought up to date;
  //! empty: none yet). Used by phase::network_pass only when
  //! label_sums_exact: W is symmetric and every sum of any subset of a row's
  //! weights is exact in double, so a sum kept up to date by adding and
  //! subtracting the weights of neighbours whose label changed has the bits
  //! of the ordered sum. Set with W (index_label_sums()); a cache, not state.
  std::vector<double> label_sums;
  std::vector<std::uint8_t> label_sums_of;
  bool label_sums_exact = false;
  //! The standards shares Σ_j w_ij·gdp_j·onehot(s_j) (4 bins per row) as the
  //! walk last summed them for row i, kept alongside label_sums (docs/ODD.md
  //! §3 "Standards shares kept across ticks"): valid (share_valid[i] = 1) while no
  //! neighbour of i has changed its standard since, W is the same and gdp
  //! never changes after construction — so the same inputs, and a row whose
  //! standards decision reads its shares takes them from here with the bits
  //! the walk's ordered sum would give. Invalidated by phase::network_pass
  //! when a neighbour's standard changes; cleared with label_sums.
  std::vector<double> share_sums;
  std::vector<std::uint8_t> share_valid;
  std::uint64_t network_builds = 0;    //!< build_network calls that (re)built W

  //! Interoperability metric of the end state of tick `walk_interoperability_tick`
  //! (−1: none), measured by the last phase::network_pass (docs/ODD.md §3).
  double walk_interoperability = 0.0;
  int walk_interoperability_tick = -1;

  // powers and parameters (events may change them)
  std::vector<PowerState> powers;
  ModelParams params;
  NetworkConfig network;
  std::vector<Group> groups;           //!< current memberships (events may change them)
  int grievance_dim = -1;              //!< index into x, or −1
  int multilateral_dim = -1;

  // how the initial state was found (recorded in metadata)
  int init_iterations = 0;             //!< best-response rounds used at t = 0
  bool init_converged = true;          //!< whether they reached a fixed point
};

//! Weighted label histogram over the neighbours of row i:
//!   hist[b] = Σ_{j ∈ N(i), label_j = b} weight(q, j)   for b in [0, nlabels),
//! where q is the position of w_ij in the CSR arrays. Four interleaved partial
//! histograms, combined as (h0 + h1) + (h2 + h3), break the store-to-load
//! chain of `hist[label] += …` (dense default-world rows: 2–3× faster). The
//! summation order is fixed by the row's order, so results are reproducible.
//! With nlabels ≤ 4 (K ≤ 3 powers) each partial histogram is one 4-double
//! vector and a neighbour adds weight × onehot(label) to it (a GCC/Clang
//! vector extension: AVX2 on native builds, SSE2 pairs on generic ones, the
//! same IEEE operations per lane). The other lanes add exactly +0.0, so every
//! bin sees the same additions in the same order as the scalar path.
template <class WeightFn>
inline void neighbour_histogram(const Network& net, std::int64_t i, const Bloc* label, int nlabels, double* hist,
                                WeightFn&& weight) {
  if (nlabels <= 4) {
    using v4d = double __attribute__((vector_size(32)));
    alignas(32) static constexpr double kOneHot[4][4] = {
        {1.0, 0.0, 0.0, 0.0}, {0.0, 1.0, 0.0, 0.0}, {0.0, 0.0, 1.0, 0.0}, {0.0, 0.0, 0.0, 1.0}};
    const v4d* onehot = reinterpret_cast<const v4d*>(kOneHot);
    v4d h0 = {0.0, 0.0, 0.0, 0.0}, h1 = h0, h2 = h0, h3 = h0;
    const auto* inner = net.innerIndexPtr();
    const auto begin = net.outerIndexPtr()[i], end = net.outerIndexPtr()[i + 1];
    auto q = begin;
    for (; q + 4 <= end; q += 4) {
      const auto j0 = inner[q], j1 = inner[q + 1], j2 = inner[q + 2], j3 = inner[q + 3];
      h0 += weight(q, j0) * onehot[label[j0]];
      h1 += weight(q + 1, j1) * onehot[label[j1]];
      h2 += weight(q + 2, j2) * onehot[label[j2]];
      h3 += weight(q + 3, j3) * onehot[label[j3]];
    }
    if (q < end) h0 += weight(q, inner[q]) * onehot[label[inner[q]]];
    if (q + 1 < end) h1 += weight(q + 1, inner[q + 1]) * onehot[label[inner[q + 1]]];
    if (q + 2 < end) h2 += weight(q + 2, inner[q + 2]) * onehot[label[inner[q + 2]]];
    const v4d sum = (h0 + h1) + (h2 + h3);
    for (int b = 0; b < nlabels; ++b) hist[b] = sum[b];
    return;
  }
  double h[4][kMaxPowers + 1];  // only the first nlabels columns are used (and zeroed)
  for (auto& row : h)
    for (int b = 0; b < nlabels; ++b) row[b] = 0.0;
  const auto* inner = net.innerIndexPtr();
  const auto begin = net.outerIndexPtr()[i], end = net.outerIndexPtr()[i + 1];
  auto q = begin;
  for (; q + 4 <= end; q += 4)
    for (int u = 0; u < 4; ++u) h[u][label[inner[q + u]]] += weight(q + u, inner[q + u]);
  for (int u = 0; q < end; ++q, ++u) h[u][label[inner[q]]] += weight(q, inner[q]);
  for (int b = 0; b < nlabels; ++b) hist[b] = (h[0][b] + h[1][b]) + (h[2][b] + h[3][b]);
}

//! The fused network walk's three histograms of row i in one neighbour loop:
//!   histA[b] = Σ_{label_a(j) = b} w_q,  histB[b] = Σ_{label_b(j) = b} w_q·gdp_j,
//!   histC[b] = Σ_{label_b(j) = b} w_q
//! (choice's peer weights, the standards shares, the record's
//! interoperability). Every bin of each sees exactly the additions, in the
//! order, of neighbour_histogram with that label and weight: the same bits.
inline void neighbour_histogram3(const Network& net, std::int64_t i, const Bloc* label_a, const Bloc* label_b,
                                 const double* gdp, int nlabels, double* hist_a, double* hist_b, double* hist_c) {
  const float* wv = net.valuePtr();
  if (nlabels > 4) {
    neighbour_histogram(net, i, label_a, nlabels, hist_a, [&](auto q, auto) { return static_cast<double>(wv[q]); });
    neighbour_histogram(net, i, label_b, nlabels, hist_b, [&](auto q, auto j) { return static_cast<double>(wv[q]) * gdp[j]; });
    neighbour_histogram(net, i, label_b, nlabels, hist_c, [&](auto q, auto) { return static_cast<double>(wv[q]); });
    return;
  }
  using v4d = double __attribute__((vector_size(32)));
  alignas(32) static constexpr double kOneHot[4][4] = {
      {1.0, 0.0, 0.0, 0.0}, {0.0, 1.0, 0.0, 0.0}, {0.0, 0.0, 1.0, 0.0}, {0.0, 0.0, 0.0, 1.0}};
  const v4d* onehot = reinterpret_cast<const v4d*>(kOneHot);
  v4d a[4], b[4], c[4];
  for (int u = 0; u < 4; ++u) a[u] = b[u] = c[u] = v4d{0.0, 0.0, 0.0, 0.0};
  const auto* inner = net.innerIndexPtr();
  const auto begin = net.outerIndexPtr()[i], end = net.outerIndexPtr()[i + 1];
  auto add = [&](int u, std::int64_t q) {
    const auto j = inner[q];
    const double wq = static_cast<double>(wv[q]);
    const v4d ob = onehot[label_b[j]];
    a[u] += wq * onehot[label_a[j]];
    b[u] += (wq * gdp[j]) * ob;
    c[u] += wq * ob;
  };
  auto q = begin;
  for (; q + 4 <= end; q += 4) {
    add(0, q);
    add(1, q + 1);
    add(2, q + 2);
    add(3, q + 3);
  }
  for (int u = 0; q < end; ++q, ++u) add(u, q);
  const v4d sa = (a[0] + a[1]) + (a[2] + a[3]), sb = (b[0] + b[1]) + (b[2] + b[3]), sc = (c[0] + c[1]) + (c[2] + c[3]);
  for (int k = 0; k < nlabels; ++k) {
    hist_a[k] = sa[k];
    hist_b[k] = sb[k];
    hist_c[k] = sc[k];
  }
}

//! Build the initial world of a validated scenario (state at tick 0).
//! Synthetic worlds are generated from (seed, Stream::init / Stream::network).
//! Initial alignment and standards follow `cfg.initial` (equilibrium by default).
//! @throws RunError on inconsistent data that validation could not see.
World make_world(const ScenarioConfig& cfg, std::uint64_t seed);

//! make_world in its two stages (WorldCache shares the first across sweep
//! points): construct_world builds arrays, labels, pins and the network from
//! the world data, the network weights and the powers' default ties, reading
//! no model parameter and no power registry parameter; settle_world sets the
//! scenario's parameter values (model, powers' lever values, frontier,
//! identity) and the seed, then computes the tick-0 equilibrium.
//! make_world(cfg, seed) = settle_world(construct_world(cfg, seed), cfg, seed).
World construct_world(const ScenarioConfig& cfg, std::uint64_t seed);
void settle_world(World& w, const ScenarioConfig& cfg, std::uint64_t seed);

//! (Re)build W from the current groups, borders, trade and custom edges.
void build_network(World& w, const ScenarioConfig& cfg);

//! Fill w.far_outer / w.far_inner from W (neighbours more than kNearRows
//! rows away) when the world is large enough for the walks to prefetch
//! (prefetches_neighbours(n)); clear them otherwise. Called wherever W is built.
void index_far_neighbours(World& w);

//! Whether W admits exact neighbour label sums (World::label_sums_exact: every
//! weight a positive normal float, W symmetric, and for every row
//! degree · 2^(e_max + 1) ≤ 2^(e_min + 53), e_max / e_min the largest and
//! smallest exponent of its weights' last bits: every partial sum is then a
//! multiple of 2^e_min below 2^(e_min + 53), exact in double, in any order),
//! and drop the sums of the previous W. Called wherever W is built.
void index_label_sums(World& w);
//! The test index_label_sums() applies to one row's weights (exposed for tests).
bool label_sums_exact_row(const float* weights, std::int64_t count);

//! Recompute τ_ik of power k from its tier spec (list rule) or the current
//! alignment (by_alignment rule).
void assign_tiers(World& w, int power);

//! Label of bloc b (0 → "nonaligned", k+1 → power id).
std::string bloc_label(const World& w, int b);
//! Label of standard s (0 → "intl", k+1 → power id).
std::string standard_label(const World& w, int s);
//! ISO3 of country i, or a generated id ("S0000042") for synthetic worlds.
std::string country_id(const World& w, std::int32_t i);

//! Approximate bytes held by the world's arrays and network.
std::size_t world_bytes(const World& w);

//! Peak bytes that make_world needs for a synthetic world of `n` agents,
//! mean degree `degree`, `dims` identity dimensions and `powers` powers
//! (state + CSR network + wiring buffers) — estimated before allocating.
double synthetic_world_bytes_estimate(std::int64_t n, double degree, int dims, int powers);

//! Why such a synthetic world cannot be built ("" if it can): more links
//! than the network's 32-bit index holds (2^31 − 1), or an estimate above
//! the memory limit (physical memory, or BLOCSIM_MEMORY_LIMIT=bytes|none).
//! The message states the estimate. Checked by the scenario loader.
std::string synthetic_world_problem(std::int64_t n, double degree, int dims, int powers);

//! "1.5 GB"-style size for messages.
std::string human_bytes(double bytes);

}  // namespace blocsim
