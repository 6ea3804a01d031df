// Per-row kernels of the phases that walk the network (identity, choice,
// standards, and the record phase's interoperability), shared by the
// phase-by-phase loops (identity.cpp, choice.cpp, standards.cpp, metrics.cpp:
// the reference) and the fused pass (network_pass.cpp, issue 14), so that both
// run the same instructions per row: the same per-row summation order, the
// same bits. (The fused pass's 4-row kernels — identity_x4.h, rows_x4.h — do
// the same operations per value in other instructions.)
//
// Each kernel is set up once per phase from the world (loop invariants as
// locals) and then called per row i. What a kernel reads of country i itself
// is given by pointers chosen by the caller: the phase-by-phase loops pass the
// current buffers (the earlier phase has already swapped its result in); the
// fused pass passes the *_next buffers that the earlier kernel of the same row
// just wrote. Neighbours are always read from the current (start-of-tick)
// buffers.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "blocsim/engine/phases.h"
#include "blocsim/engine/rng.h"
#include "blocsim/parallel.h"
#include "decision.h"
#include "v4.h"

// The kernels' lambdas take and return 4-double vectors by value; they are all
// inlined, so the psABI notes about AVX vectors in non-AVX builds
// (BLOCSIM_NATIVE=OFF) do not apply. GCC reports some of them at the end of
// the translation unit, after any push / pop around the code, so the
// warning is off for the rest of every file that includes this header.
// (GCC 12 still reports one for network_pass.cpp without a location, as it
// did before; a generic GCC build with -Werror needs -Wno-psabi.)
#pragma GCC diagnostic ignored "-Wpsabi"

namespace blocsim::phase::rows {

// v if keep, else +0.0, by masking the bits: the ε test is close to a coin
// flip while identities are spread out, and GCC compiles `keep ? v : 0.0`
// to a branch (10⁶ agents, first ticks: a mispredict on ~half the neighbours).
inline double keep_if(double v, bool keep) {
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(v) & (std::uint64_t{0} - static_cast<std::uint64_t>(keep)));
}

// Phase 3 — identity (equations in identity.cpp). Reads x (state t) of the
// row and its neighbours; writes x_next of the row.
// DC = D known at compile time (the common D = 2, 3, 4 unroll and vectorise),
// or 0 for any D ≤ kMaxDimensions.
template <int DC>
struct Identity {
  const World& w;
  const ModelParams& p;
  const int D;
  static constexpr int kBuf = DC > 0 ? DC : kMaxDimensions;
  const double eps2;
  const Network& net;
  double* const x_next;
  // D = 4: the rows' neighbour sums computed for this tick by
  // identity_sums_batch (num N × 4, then den N), which rows4 then reads
  // instead of summing; nullptr: rows4 sums
  const double* const pre_num;
  const double* const pre_den;

  explicit Identity(World& world, const double* sums = nullptr)
      : w(world), p(world.params), D(DC > 0 ? DC : world.d), eps2(world.params.epsilon * world.params.epsilon),
        net(world.w), x_next(world.x_next.data()), pre_num(sums), pre_den(sums ? sums + 4 * std::int64_t{world.n} : nullptr) {}

  void prefetch(std::int64_t r) const {
    for (auto q = net.outerIndexPtr()[r]; q < net.outerIndexPtr()[r + 1]; ++q)
      __builtin_prefetch(w.x.data() + static_cast<std::int64_t>(net.innerIndexPtr()[q]) * D);
  }

  // D = 4: the terms after the neighbour sums, exactly the scalar code below
  // lane by lane and term by term, with dx held in one 4-double vector. (As
  // an array, dx was written by scalar stores — the grievance term — and read
  // back by vector loads: a failed store-to-load forwarding per row, ~12 % of
  // this kernel's time in profiles.)
  // The lambdas below pass 4-double vectors by value; they are inlined, so the
  // psABI note about AVX vectors in non-AVX builds (BLOCSIM_NATIVE=OFF) does not apply.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
  void tail4(std::int64_t i, const double* xi, v4::d num, double den) const {
    using v4d = double __attribute__((vector_size(32)));
    using v4m = std::int64_t __attribute__((vector_size(32)));
    const v4d vxi = v4::load(xi), zero = {0.0, 0.0, 0.0, 0.0};
    v4d dx = den > 0.0 ? (p.mu * num) / den : zero;
    for (int k = 0; k < w.k; ++k) {
      const PowerState& pw = w.powers[static_cast<std::size_t>(k)];
      const double nu = pw.cfg.narrative;
      if (nu == 0.0) continue;
      double dist2 = 0.0;
      for (int d = 0; d < 4; ++d) dist2 += (pw.identity(d) - xi[d]) * (pw.identity(d) - xi[d]);
      if (dist2 < pw.cfg.narrative_radius * pw.cfg.narrative_radius) {
        const double g = nu * w.access(k, i);
        dx += g * (v4::load(pw.identity.data()) - vxi);
      }
    }
    if (w.grievance_dim >= 0 && p.kappa != 0.0) {
      double dg = 0.0;
      for (int k = 0; k < w.k; ++k) dg += w.dgrievance(k, i);
      const v4m lane = {0, 1, 2, 3};
      dx = v4::select(lane == static_cast<std::int64_t>(w.grievance_dim), dx + p.kappa * dg, dx);
    }
    if (p.identity_anchor != 0.0) dx += p.identity_anchor * (v4::load(w.x0.data() + i * 4) - vxi);
    if (p.alignment_feedback != 0.0) {
      const Bloc a = w.alignment[static_cast<std::size_t>(i)];
      if (a > 0) dx += p.alignment_feedback * (v4::load(w.powers[static_cast<std::size_t>(a - 1)].identity.data()) - vxi);
    }
    if (p.identity_noise > 0.0) {
      Rng rng(w.seed, static_cast<std::uint64_t>(w.tick), static_cast<std::uint64_t>(i), Stream::identity_noise);
      double z[4];
      for (int d = 0; d < 4; ++d) z[d] = p.identity_noise * rng.normal();
      dx += v4::load(z);
    }
    const v4d v = vxi + dx;
    const v4d one = {1.0, 1.0, 1.0, 1.0};
    const v4d out = v4::select(v < zero, zero, v4::select(v > one, one, v));
    std::memcpy(x_next + i * 4, &out, sizeof out);
  }
#pragma GCC diagnostic pop

  // D = 4: row i's neighbour sums num = Σ_{j ∈ C_i} w_ij (x_j − x_i) (one
  // 4-double vector) and den = Σ_{j ∈ C_i} w_ij; zero when μ = 0. operator()
  // (the reference path, and the fused walk's rows left over after its groups
  // of 4) calls this and tail4; the fused walk's groups of 4 rows run rows4
  // (identity_x4.h), which computes the same sums with fewer instructions.
  [[gnu::always_inline]] void sums4(std::int64_t i, v4::d& num_out, double& den_out) const {
    num_out = v4::splat(0.0);
    den_out = 0.0;
    if (p.mu == 0.0) return;
    const double* xi = w.x.data() + i * 4;
    const auto* inner = net.innerIndexPtr();
    const float* val = net.valuePtr();
    // Two interleaved accumulators (even / odd neighbours) halve the add
    // latency chain; combined in a fixed order at the end.
    const auto begin = net.outerIndexPtr()[i], end = net.outerIndexPtr()[i + 1];
    // D = 4: one identity is one 4-double vector (GCC/Clang vector
    // extension: AVX2 on native builds, SSE2 pairs on generic ones — the
    // same IEEE operations per lane, so the same bits). Per lane this is
    // exactly the scalar loop below, in the same order: dist2 is summed
    // ((d0² + d1²) + d2²) + d3², num and den alternate even / odd
    // neighbours.
    using v4d = double __attribute__((vector_size(32)));
    using v2d = double __attribute__((vector_size(16)));
    using v2m = std::int64_t __attribute__((vector_size(16)));  // comparison masks
    const double* xbase = w.x.data();
    v4d vxi;
    std::memcpy(&vxi, xi, sizeof vxi);
    const v2d veps2 = {eps2, eps2};
    v4d vnum0 = {0.0, 0.0, 0.0, 0.0}, vnum1 = vnum0;
    v2d vden = {0.0, 0.0};  // {even, odd} neighbours
    auto q = begin;
    // four neighbours a, b, c, d at a time: the four dist2 from one 4 × 4
    // transpose of the squares (lane-wise the same sums, in the same
    // order), one masked weight vector; a and c go to the even
    // accumulators, b and d to the odd ones, in neighbour order
    using v4f = float __attribute__((vector_size(16)));
    using v4m = std::int64_t __attribute__((vector_size(32)));
    const v4d veps2x4 = {eps2, eps2, eps2, eps2};
    for (; q + 4 <= end; q += 4) {
      v4d xa, xb, xc, xd;
      std::memcpy(&xa, xbase + static_cast<std::int64_t>(inner[q]) * 4, sizeof xa);
      std::memcpy(&xb, xbase + static_cast<std::int64_t>(inner[q + 1]) * 4, sizeof xb);
      std::memcpy(&xc, xbase + static_cast<std::int64_t>(inner[q + 2]) * 4, sizeof xc);
      std::memcpy(&xd, xbase + static_cast<std::int64_t>(inner[q + 3]) * 4, sizeof xd);
      const v4d da = xa - vxi, db = xb - vxi, dc = xc - vxi, dd = xd - vxi;
      const v4d sa = da * da, sb = db * db, sc = dc * dc, sd = dd * dd;
      const v4d t0 = __builtin_shufflevector(sa, sb, 0, 4, 2, 6), t1 = __builtin_shufflevector(sa, sb, 1, 5, 3, 7);
      const v4d t2 = __builtin_shufflevector(sc, sd, 0, 4, 2, 6), t3 = __builtin_shufflevector(sc, sd, 1, 5, 3, 7);
      // lane u = neighbour u: ((d0² + d1²) + d2²) + d3²
      const v4d d2 = ((__builtin_shufflevector(t0, t2, 0, 1, 4, 5) + __builtin_shufflevector(t1, t3, 0, 1, 4, 5)) +
                      __builtin_shufflevector(t0, t2, 2, 3, 6, 7)) +
                     __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
      v4f wf;
      std::memcpy(&wf, val + q, sizeof wf);
      const v4d w4 = reinterpret_cast<v4d>(reinterpret_cast<v4m>(__builtin_convertvector(wf, v4d)) & (d2 < veps2x4));
      vden += __builtin_shufflevector(w4, w4, 0, 1);
      vden += __builtin_shufflevector(w4, w4, 2, 3);
      vnum0 += w4[0] * da;
      vnum1 += w4[1] * db;
      vnum0 += w4[2] * dc;
      vnum1 += w4[3] * dd;
    }
    if (q + 2 <= end) {
      v4d xa, xb;
      std::memcpy(&xa, xbase + static_cast<std::int64_t>(inner[q]) * 4, sizeof xa);
      std::memcpy(&xb, xbase + static_cast<std::int64_t>(inner[q + 1]) * 4, sizeof xb);
      const v4d da = xa - vxi, db = xb - vxi;
      const v4d sa = da * da, sb = db * db;
      // {dist2_a, dist2_b}, each ((d0² + d1²) + d2²) + d3²
      const v4d lo = __builtin_shufflevector(sa, sb, 0, 4, 2, 6), hi = __builtin_shufflevector(sa, sb, 1, 5, 3, 7);
      const v2d d2 = ((__builtin_shufflevector(lo, lo, 0, 1) + __builtin_shufflevector(hi, hi, 0, 1)) +
                      __builtin_shufflevector(lo, lo, 2, 3)) +
                     __builtin_shufflevector(hi, hi, 2, 3);
      // w_ij where dist2 < ε², else +0.0 (a mask, not a branch: see keep_if)
      const v2d wq = {static_cast<double>(val[q]), static_cast<double>(val[q + 1])};
      const v2d wab = reinterpret_cast<v2d>(reinterpret_cast<v2m>(wq) & (d2 < veps2));
      vden += wab;
      vnum0 += wab[0] * da;
      vnum1 += wab[1] * db;
      q += 2;
    }
    if (q < end) {
      v4d xa;
      std::memcpy(&xa, xbase + static_cast<std::int64_t>(inner[q]) * 4, sizeof xa);
      const v4d da = xa - vxi;
      const v4d sa = da * da;
      const double d2a = ((sa[0] + sa[1]) + sa[2]) + sa[3];
      const double wa = keep_if(static_cast<double>(val[q]), d2a < eps2);
      vden[0] += wa;
      vnum0 += wa * da;
    }
    den_out = vden[0] + vden[1];
    num_out = vnum0 + vnum1;
  }

  // D = 4: rows g … g + 3 at once (the fused walk's full groups): sums4 per
  // row, then the terms after the sums with lane = row (tail4x4). Defined in
  // identity_x4.h, which only network_pass.cpp includes.
  void rows4(std::int64_t g) const;
  void tail4x4(std::int64_t g, const v4::d* num, const double* den) const;

  void operator()(std::int64_t i) const {
    const double* xi = w.x.data() + i * D;
    if constexpr (DC == 4) {
      v4::d num;
      double den;
      sums4(i, num, den);
      tail4(i, xi, num, den);
    } else {
      generic(i, xi);
    }
  }

  // any D: the neighbour sums and the terms after them, scalar
  void generic(std::int64_t i, const double* xi) const {
    double dx[kBuf];
    double num[kBuf];
    for (int d = 0; d < D; ++d) num[d] = 0.0;
    double den = 0.0;
    if (p.mu != 0.0) {
      const auto* inner = net.innerIndexPtr();
      const float* val = net.valuePtr();
      // Two interleaved accumulators (even / odd neighbours) halve the add
      // latency chain; combined in a fixed order at the end.
      const auto begin = net.outerIndexPtr()[i], end = net.outerIndexPtr()[i + 1];
      double num2[2][kBuf] = {};
      double den2[2] = {0.0, 0.0};
      for (auto q = begin; q < end; ++q) {
        const int u = static_cast<int>((q - begin) & 1);
        const double* xj = w.x.data() + static_cast<std::int64_t>(inner[q]) * D;
        double diff[kBuf];
        double dist2 = 0.0;
        for (int d = 0; d < D; ++d) {
          diff[d] = xj[d] - xi[d];
          dist2 += diff[d] * diff[d];
        }
        const double wij = keep_if(static_cast<double>(val[q]), dist2 < eps2);
        den2[u] += wij;
        for (int d = 0; d < D; ++d) num2[u][d] += wij * diff[d];
      }
      den = den2[0] + den2[1];
      for (int d = 0; d < D; ++d) num[d] = num2[0][d] + num2[1][d];
      }
    for (int d = 0; d < D; ++d) dx[d] = den > 0.0 ? p.mu * num[d] / den : 0.0;
    for (int k = 0; k < w.k; ++k) {
      const PowerState& pw = w.powers[static_cast<std::size_t>(k)];
      const double nu = pw.cfg.narrative;
      if (nu == 0.0) continue;
      double dist2 = 0.0;
      for (int d = 0; d < D; ++d) dist2 += (pw.identity(d) - xi[d]) * (pw.identity(d) - xi[d]);
      if (dist2 < pw.cfg.narrative_radius * pw.cfg.narrative_radius) {
        const double g = nu * w.access(k, i);
        for (int d = 0; d < D; ++d) dx[d] += g * (pw.identity(d) - xi[d]);
      }
    }
    if (w.grievance_dim >= 0 && p.kappa != 0.0) {
      double dg = 0.0;
      for (int k = 0; k < w.k; ++k) dg += w.dgrievance(k, i);
      dx[w.grievance_dim] += p.kappa * dg;
    }
    if (p.identity_anchor != 0.0) {
      const double* x0 = w.x0.data() + i * D;
      for (int d = 0; d < D; ++d) dx[d] += p.identity_anchor * (x0[d] - xi[d]);
    }
    if (p.alignment_feedback != 0.0) {
      const Bloc a = w.alignment[static_cast<std::size_t>(i)];
      if (a > 0) {
        const PowerState& pw = w.powers[static_cast<std::size_t>(a - 1)];
        for (int d = 0; d < D; ++d) dx[d] += p.alignment_feedback * (pw.identity(d) - xi[d]);
      }
    }
    if (p.identity_noise > 0.0) {
      Rng rng(w.seed, static_cast<std::uint64_t>(w.tick), static_cast<std::uint64_t>(i), Stream::identity_noise);
      for (int d = 0; d < D; ++d) dx[d] += p.identity_noise * rng.normal();
    }
    double* out = x_next + i * D;
    for (int d = 0; d < D; ++d) {
      const double v = xi[d] + dx[d];
      out[d] = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
    }
  }
};

// Phase 4 — choice (equations in choice.cpp). Reads the neighbours'
// alignment (state t) and the row's own identity from `x_own` (the identity
// updated by phase 3 of this tick); writes utility, margin, choice_z and
// alignment_next of the row.
// D and K at compile time (D = 2, 3, 4; K = 2: the loops over powers unroll)
// or 0 = any.
template <int DC, int KC>
struct Choice {
  const int K, D;
  const double inv_sqrt_d;
  const Network& net;
  // Loop invariants as locals: the loop stores doubles (utility, margin), which
  // the compiler must otherwise assume may overwrite the parameters.
  const double b_id, b_ties, b_acc, b_aid, b_peer, b_lock, b_grv, b_sec, b_inert, b_hedge, b_riv, b_thr, b_open, h_sov,
      h_even, h_grp, multi, aid_half;
  const int sdim;
  const double* hedge_member;
  const float* rivalry;
  const double* open_value;
  const detail::RevisionRule rule;
  double y[kMaxPowers][DC > 0 ? DC : kMaxDimensions];
  double pull[kMaxPowers];  // π_l
  const double* x;          // the row's own identity (x_own)
  const double *ties, *access, *aid, *lock, *grievance;
  const float* security;
  const double* rowsum;
  double* utility;
  double* margin;
  double* choice_z;
  const Bloc* alignment;
  const Bloc* pinned;
  Bloc* alignment_next;
  const std::uint64_t seed, tick;

  Choice(World& w, const double* x_own)
      : K(KC > 0 ? KC : w.k), D(DC > 0 ? DC : w.d), inv_sqrt_d(1.0 / std::sqrt(static_cast<double>(D))), net(w.w),
        b_id(w.params.beta_identity), b_ties(w.params.beta_ties), b_acc(w.params.beta_access), b_aid(w.params.beta_aid),
        b_peer(w.params.beta_peer), b_lock(w.params.beta_lock), b_grv(w.params.beta_grievance),
        b_sec(w.params.beta_security), b_inert(w.params.beta_inertia), b_hedge(w.params.beta_hedge),
        b_riv(w.params.beta_rivalry), b_thr(w.params.beta_threat), b_open(w.params.beta_open),
        h_sov(w.params.hedge_sovereignty), h_even(w.params.hedge_evenness), h_grp(w.params.hedge_group),
        multi(w.params.multi_alignment), aid_half(w.params.aid_half), sdim(w.sovereignty_dim),
        hedge_member(w.hedge_member.data()), rivalry(w.rivalry.data()), open_value(w.open_value.data()),
        rule(w.params.revision_rate, w.params.lambda, Stream::choice), x(x_own), ties(w.ties.data()),
        access(w.access.data()), aid(w.aid.data()), lock(w.lock.data()), grievance(w.grievance.data()),
        security(w.security.data()), rowsum(w.w_rowsum.data()), utility(w.utility.data()), margin(w.margin.data()),
        choice_z((w.choice_z.size() != w.n ? w.choice_z.setZero(w.n) : w.choice_z).data()),
        alignment(w.alignment.data()), pinned(w.pinned.data()), alignment_next(w.alignment_next.data()), seed(w.seed),
        tick(static_cast<std::uint64_t>(w.tick)) {
    for (int k = 0; k < K; ++k) {
      const PowerState& pw = w.powers[static_cast<std::size_t>(k)];
      for (int d = 0; d < D; ++d) y[k][d] = pw.identity(d);
      pull[k] = pw.cfg.alliance_pressure;
    }
  }

  void prefetch(std::int64_t r) const {
    for (auto q = net.outerIndexPtr()[r]; q < net.outerIndexPtr()[r + 1]; ++q)
      __builtin_prefetch(alignment + net.innerIndexPtr()[q]);
  }

  void operator()(std::int64_t i, const std::array<std::uint32_t, 4>& block0) {
    double peer[kMaxPowers + 1];
    const float* wv = net.valuePtr();
    neighbour_histogram(net, i, alignment, (KC > 0 ? KC : K) + 1, peer, [&](auto q, auto) { return static_cast<double>(wv[q]); });
    decide(i, block0, peer);
  }

  //! The row's choice given its peer weights peer[b] = Σ_{a_j = b} w_ij.
  void decide(std::int64_t i, const std::array<std::uint32_t, 4>& block0, const double* peer) {
    // K and D as compile-time constants where known (the loops unroll, 1.0 / K
    // and the divisions by K fold: the same operations on the same values)
    const int K = KC > 0 ? KC : this->K, D = DC > 0 ? DC : this->D;
    const auto u = static_cast<std::size_t>(i);
    const Bloc cur = alignment[u];
    const double rs = rowsum[i];
    double U[kMaxPowers + 1];
    double mean_offer = 0.0, max_offer = -std::numeric_limits<double>::infinity();
    const double* xi = x + i * D;
    const std::int64_t c = i * K;  // column i of the K × N arrays
    double pressure_all = 0.0, rivalry_all = 0.0, tie_sum = 0.0;
    double sim01[2] = {0.0, 0.0};
    for (int l = 0; l < K; ++l) {
      pressure_all += pull[l] * security[c + l];
      rivalry_all += rivalry[c + l];
      tie_sum += ties[c + l];
    }
    for (int k = 0; k < K; ++k) {
      double dist2 = 0.0;
      for (int d = 0; d < D; ++d) dist2 += (xi[d] - y[k][d]) * (xi[d] - y[k][d]);
      const double sim = 1.0 - std::sqrt(dist2) * inv_sqrt_d;
      if (k < 2) sim01[k] = sim;
      const double pressure = pressure_all - pull[k] * security[c + k];
      const double a = aid[c + k];
      const double offer = b_acc * access[c + k] + (a > 0.0 ? b_aid * a / (a + aid_half) : 0.0) + b_open * open_value[c + k];
      U[k + 1] = b_id * sim + b_ties * ties[c + k] + offer +
                 b_peer * (rs > 0.0 ? peer[k + 1] / rs : 0.0) + b_lock * lock[c + k] - b_grv * grievance[c + k] +
                 b_sec * security[c + k] - pressure - b_riv * rivalry[c + k] + b_thr * (rivalry_all - rivalry[c + k]) +
                 (cur == k + 1 ? b_inert : 0.0);
      mean_offer += offer;
      max_offer = std::max(max_offer, offer);
    }
    double evenness = 0.0;
    if (K > 1 && tie_sum > 0.0) {
      double spread = 0.0;
      for (int l = 0; l < K; ++l) spread += std::abs(ties[c + l] / tie_sum - 1.0 / K);
      evenness = 1.0 - spread * K / (2.0 * (K - 1));
    }
    const double hedge = b_hedge + (sdim >= 0 ? h_sov * xi[sdim] : 0.0) + h_even * evenness + h_grp * hedge_member[i];
    U[0] = hedge + (K > 0 ? (1.0 - multi) * mean_offer / K + multi * max_offer : 0.0) - pressure_all +
           (cur == 0 ? b_inert : 0.0);
    int top = 0;
    double first = -std::numeric_limits<double>::infinity(), second = first;
    double* ui = utility + i * (K + 1);
    for (int b = 0; b <= K; ++b) {
      ui[b] = U[b];
      if (U[b] > first) {
        second = first;
        first = U[b];
        top = b;
      } else if (U[b] > second) {
        second = U[b];
      }
    }
    margin[i] = K > 0 ? first - second : 0.0;
    // The record phase's polarization coordinate, as compute_metrics defines it.
    choice_z[i] = K >= 2 ? sim01[0] - sim01[1] : sim01[0];
    alignment_next[u] = detail::decide(rule, cur, pinned[u], U, K, top, seed, tick, i, block0);
  }

  // decide() for the four rows i … i + 3 at once (K = 2, the fused walk):
  // defined in rows_x4.h, which only network_pass.cpp includes.
  void decide4(std::int64_t i, const std::array<std::uint32_t, 4>* block0, const double (*peer)[4]);
};

// Phase 5 — standards (equations in standards.cpp). Reads the neighbours'
// standards (state t), and the row's own alignment from `alignment_own` and
// identity from `x_own` (as phases 3 and 4 of this tick left them); writes
// standard_next of the row.
template <int KC>  // K at compile time (2) or 0 = any
struct Standards {
  const int K;
  const Network& net;
  // Loop invariants as locals (see Choice).
  const double a_net, a_inert, a_multi, a_bloc, a_lock, a_open, a_riv, a_thr, e_flat, e_ties, e_bodies, e_cap;
  const double* ties;
  const double* open_value;
  const float* rivalry;
  const float* forum;
  const double* capacity;
  const double* threshold;
  const detail::RevisionRule rule;
  double effort[kMaxPowers];
  const int D, mdim;
  const double* x;  // own identity (x_own)
  const double* lock;
  const double* gdp;
  const Bloc* standard;
  const Bloc* alignment;  // own alignment (alignment_own)
  const Bloc* pinned;
  Bloc* standard_next;
  const std::uint64_t seed, tick;

  Standards(World& w, const double* x_own, const Bloc* alignment_own)
      : K(KC > 0 ? KC : w.k), net(w.w), a_net(w.params.alpha_network), a_inert(w.params.alpha_inertia),
        a_multi(w.params.alpha_multilateral), a_bloc(w.params.alpha_bloc), a_lock(w.params.alpha_lock),
        a_open(w.params.alpha_open), a_riv(w.params.alpha_rivalry), a_thr(w.params.alpha_threshold),
        e_flat(w.params.effort_flat), e_ties(w.params.effort_ties), e_bodies(w.params.effort_bodies),
        e_cap(w.params.effort_capacity), ties(w.ties.data()), open_value(w.open_value.data()), rivalry(w.rivalry.data()),
        forum(w.forum.data()), capacity(w.capacity.data()), threshold(w.threshold.data()),
        rule(w.params.revision_rate_standards, w.params.lambda_standards, Stream::standards), D(w.d),
        mdim(w.multilateral_dim), x(x_own), lock(w.lock.data()), gdp(w.gdp.data()), standard(w.standard.data()),
        alignment(alignment_own), pinned(w.pinned_standard.data()), standard_next(w.standard_next.data()), seed(w.seed),
        tick(static_cast<std::uint64_t>(w.tick)) {
    for (int k = 0; k < K; ++k) effort[k] = w.powers[static_cast<std::size_t>(k)].cfg.standards_effort;
  }

  void prefetch(std::int64_t r) const {
    for (auto q = net.outerIndexPtr()[r]; q < net.outerIndexPtr()[r + 1]; ++q) {
      const auto j = net.innerIndexPtr()[q];
      __builtin_prefetch(gdp + j);
      __builtin_prefetch(standard + j);
    }
  }

  void operator()(std::int64_t i, const std::array<std::uint32_t, 4>& block0) const {
    // a row whose decision reads no values (pinned, or not revising) needs
    // no shares either: its result, the same as decide()'s, without them
    const auto u = static_cast<std::size_t>(i);
    if (!detail::needs_values(rule, pinned[u], block0)) {
      standard_next[u] = detail::kept(pinned[u], standard[u]);
      return;
    }
    double share[kMaxPowers + 1];
    const float* wv = net.valuePtr();
    neighbour_histogram(net, i, standard, (KC > 0 ? KC : K) + 1, share,
                        [&](auto q, auto j) { return static_cast<double>(wv[q]) * gdp[j]; });
    decide(i, block0, share);
  }

  //! The row's standard given its shares share[s] = Σ_{s_j = s} w_ij·gdp_j.
  void decide(std::int64_t i, const std::array<std::uint32_t, 4>& block0, const double* share) const {
    const int K = KC > 0 ? KC : this->K;  // compile-time where known (see Choice::decide)
    const auto u = static_cast<std::size_t>(i);
    const Bloc cur = standard[u];
    if (!detail::needs_values(rule, pinned[u], block0)) {  // decide() would return pinned or cur
      standard_next[u] = detail::kept(pinned[u], cur);
      return;
    }
    double den = 0.0;
    for (int s = 0; s <= K; ++s) den += share[s];
    const Bloc a = alignment[u];
    const double multi = mdim >= 0 ? x[i * D + mdim] : 0.0;
    const double* li = lock + i * K;
    const std::int64_t c = i * K;
    const double cost = a_thr * (threshold[i] - 0.5);
    double V[kMaxPowers + 1];
    int top = 0;
    for (int s = 0; s <= K; ++s) {
      double v = a_net * (den > 0.0 ? share[s] / den : 0.0) + (cur == s ? a_inert : 0.0);
      if (s == 0) {
        v += a_multi * multi;
      } else {
        const std::int64_t q = c + s - 1;
        const double reach = e_flat + e_ties * ties[q] + e_bodies * forum[q] + e_cap * capacity[i];
        v += (a == s ? a_bloc : 0.0) + a_lock * li[s - 1] + effort[s - 1] * reach + a_open * open_value[q] -
             a_riv * rivalry[q] - cost;
      }
      V[s] = v;
      if (v > V[top]) top = s;
    }
    standard_next[u] = detail::decide(rule, cur, pinned[u], V, K, top, seed, tick, i, block0);
  }

  // decide() for the four rows i … i + 3 at once (K = 2, the fused walk):
  // defined in rows_x4.h.
  void decide4(std::int64_t i, const std::array<std::uint32_t, 4>* block0, const double (*share)[4]) const;
};

// Record phase, interoperability (metrics.cpp): the row's contribution
//   same_i = Σ_{j: s_j = s_i} w_ij,  all_i = Σ_j w_ij  (summed over the standards histogram)
// of the standards in `standard` (the row's own and its neighbours'). The
// record adds these over rows in fixed_reduce order (blocks of
// kParallelGrain rows, block sums in block order).
inline void interoperability_row(const Network& net, const Bloc* standard, int B, std::int64_t i, double& same,
                                 double& all) {
  double ties_by_standard[kMaxPowers + 1] = {};  // zeroed: GCC cannot see that neighbour_histogram fills it (-Wmaybe-uninitialized without OpenMP)
  const float* wv = net.valuePtr();
  neighbour_histogram(net, i, standard, B, ties_by_standard, [&](auto q, auto) { return static_cast<double>(wv[q]); });
  double a = 0.0;
  for (int t = 0; t < B; ++t) a += ties_by_standard[t];
  same += ties_by_standard[standard[static_cast<std::size_t>(i)]];
  all += a;
}

}  // namespace blocsim::phase::rows
