// Phase 3 — identity: constructivist influence with bounded confidence (docs/design.md §3.3).
//
//   x_i ← clamp_[0,1]( x_i
//          + μ · Σ_{j ∈ C_i} w_ij (x_j − x_i) / Σ_{j ∈ C_i} w_ij      C_i = {j : w_ij > 0, ‖x_j − x_i‖ < ε}
//          + Σ_k ν_k · A_ik · (y_k − x_i) · 1{‖y_k − x_i‖ < ε_k}       narratives
//          + κ · Σ_k ΔG_ik · e_g                                        denial pushes self-reliance
//          + η · ξ_i                                                     noise, stream identity_noise
//          + ρ_x · (x⁰_i − x_i)                                           anchor to the observed profile
//          + φ_x · (y_{a_i} − x_i) · 1{a_i ≠ 0} ),  ξ_i ~ N(0, I_D)       socialisation into the chosen bloc
//
// e_g is the unit vector of `model.grievance_dimension` (default sovereignty).
// With μ = 1, a complete graph with self-loops and ν = κ = η = ρ_x = φ_x = 0 this is the
// Hegselmann–Krause (2002) update (used by `blocsim dock hk`).
// Reads x (state t), access, dgrievance. Writes x_next, then swaps.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/rng.h"

namespace blocsim::phase {

namespace {

// v if keep, else +0.0, by masking the bits: the ε test is close to a coin
// flip while identities are spread out, and GCC compiles `keep ? v : 0.0`
// to a branch (10⁶ agents, first ticks: a mispredict on ~half the neighbours).
inline double keep_if(double v, bool keep) {
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(v) & (std::uint64_t{0} - static_cast<std::uint64_t>(keep)));
}

// DC = D known at compile time (the common D = 2, 3, 4 unroll and vectorise),
// or 0 for any D ≤ kMaxDimensions.
template <int DC>
void identity_impl(World& w) {
  const ModelParams& p = w.params;
  const int D = DC > 0 ? DC : w.d;
  constexpr int kBuf = DC > 0 ? DC : kMaxDimensions;
  const double eps2 = p.epsilon * p.epsilon;
  const auto& net = w.w;
  const bool prefetch = w.n > 4 * kParallelGrain;  // small worlds live in cache
  parallel_for(w.n, [&](std::int64_t i) {
    double dx[kBuf];
    double num[kBuf];
    for (int d = 0; d < D; ++d) num[d] = 0.0;
    const double* xi = w.x.data() + i * D;
    double den = 0.0;
    if (p.mu != 0.0) {
      // Written out here: the same loop behind a helper function measured no gain (GCC 12).
      if (prefetch && i + kPrefetchAhead < w.n)
        for (auto q = net.outerIndexPtr()[i + kPrefetchAhead]; q < net.outerIndexPtr()[i + kPrefetchAhead + 1]; ++q)
          __builtin_prefetch(w.x.data() + static_cast<std::int64_t>(net.innerIndexPtr()[q]) * D);
      const auto* inner = net.innerIndexPtr();
      const float* val = net.valuePtr();
      // Two interleaved accumulators (even / odd neighbours) halve the add
      // latency chain; combined in a fixed order at the end.
      const auto begin = net.outerIndexPtr()[i], end = net.outerIndexPtr()[i + 1];
      if constexpr (DC == 4) {
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
        for (; q + 2 <= end; q += 2) {
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
        den = vden[0] + vden[1];
        const v4d vnum = vnum0 + vnum1;
        for (int d = 0; d < 4; ++d) num[d] = vnum[d];
      } else {
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
    double* out = w.x_next.data() + i * D;
    for (int d = 0; d < D; ++d) {
      const double v = xi[d] + dx[d];
      out[d] = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
    }
  });
  w.x.swap(w.x_next);
}

}  // namespace

void identity(World& w) {
  switch (w.d) {
    case 2: identity_impl<2>(w); break;
    case 3: identity_impl<3>(w); break;
    case 4: identity_impl<4>(w); break;
    default: identity_impl<0>(w); break;
  }
}

}  // namespace blocsim::phase
