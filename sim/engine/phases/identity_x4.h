// The fused walk's 4-row identity kernel (issue 14): phase 3 for rows
// g … g + 3 at once, D = 4. The neighbour sums stay per row (Identity::sums4,
// the same code the reference path runs); the terms after them — the
// bounded-confidence step, the narratives, grievance, anchor, alignment
// feedback, noise and the clamp — run with lane = row on 4-double vectors.
// Every value of a row is one lane and sees exactly tail4's operations (which
// are the scalar loop's, lane = dimension) in their order: IEEE arithmetic per
// lane, so the same bits. A term that a row may skip (den = 0, a narrative out
// of range, a row in no bloc) is a lane select, never a masked add of 0: the
// add of +0.0 would turn a −0.0 into +0.0. The noise draws come from each
// row's own Rng in the same order. The reference path (identity.cpp) keeps
// the per-row tail4, and tests/test_performance.cpp compares the two after
// every tick. Only network_pass.cpp includes this header.
#pragma once

#include "rows.h"

namespace blocsim::phase::rows {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace v4 {
//! c[d] = {r0[d], r1[d], r2[d], r3[d]}: the 4 × 4 transpose (its own inverse)
[[gnu::always_inline]] inline void transpose(d r0, d r1, d r2, d r3, d* c) {
  const d t0 = __builtin_shufflevector(r0, r1, 0, 4, 2, 6), t1 = __builtin_shufflevector(r0, r1, 1, 5, 3, 7);
  const d t2 = __builtin_shufflevector(r2, r3, 0, 4, 2, 6), t3 = __builtin_shufflevector(r2, r3, 1, 5, 3, 7);
  c[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  c[1] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  c[2] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  c[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}
//! the transpose of the 4 rows of 4 doubles at a, a + 4, a + 8, a + 12
[[gnu::always_inline]] inline void load_transposed(const double* a, d* c) {
  transpose(load(a), load(a + 4), load(a + 8), load(a + 12), c);
}
}  // namespace v4

template <int DC>
void Identity<DC>::rows4(std::int64_t g) const {
  static_assert(DC == 4, "the 4-row identity kernel is for D = 4");
  v4::d num[4];
  double den[4];
  for (int l = 0; l < 4; ++l) sums4(g + l, num[l], den[l]);
  tail4x4(g, num, den);
}

// tail4 for rows g … g + 3: xc[d], dx[d] = dimension d of the 4 rows.
template <int DC>
void Identity<DC>::tail4x4(std::int64_t g, const v4::d* num, const double* den) const {
  using v4d = v4::d;
  using v4m = v4::m;
  const v4d zero = v4::splat(0.0);
  v4d xc[4], dx[4];
  v4::load_transposed(w.x.data() + g * 4, xc);
  {
    // den > 0 ? (μ·num) / den : 0
    v4d nc[4];
    v4::transpose(num[0], num[1], num[2], num[3], nc);
    const v4d dv = {den[0], den[1], den[2], den[3]};
    const v4m some = dv > zero;
    for (int d = 0; d < 4; ++d) dx[d] = v4::select(some, (p.mu * nc[d]) / dv, zero);
  }
  const std::int64_t K = w.k;
  for (int k = 0; k < w.k; ++k) {
    const PowerState& pw = w.powers[static_cast<std::size_t>(k)];
    const double nu = pw.cfg.narrative;
    if (nu == 0.0) continue;
    v4d t[4];
    v4d dist2 = zero;
    for (int d = 0; d < 4; ++d) {
      t[d] = pw.identity(d) - xc[d];
      dist2 += t[d] * t[d];
    }
    const v4m near = dist2 < pw.cfg.narrative_radius * pw.cfg.narrative_radius;
    const double* acc = w.access.data() + g * K + k;  // access(k, g + l) = acc[l·K]
    const v4d gv = nu * v4d{acc[0], acc[K], acc[2 * K], acc[3 * K]};
    for (int d = 0; d < 4; ++d) dx[d] = v4::select(near, dx[d] + gv * t[d], dx[d]);
  }
  if (w.grievance_dim >= 0 && p.kappa != 0.0) {
    v4d dg = zero;
    const double* dgr = w.dgrievance.data() + g * K;
    for (int k = 0; k < w.k; ++k) dg += v4d{dgr[k], dgr[K + k], dgr[2 * K + k], dgr[3 * K + k]};
    for (int d = 0; d < 4; ++d)
      if (d == w.grievance_dim) dx[d] += p.kappa * dg;
  }
  if (p.identity_anchor != 0.0) {
    v4d x0c[4];
    v4::load_transposed(w.x0.data() + g * 4, x0c);
    for (int d = 0; d < 4; ++d) dx[d] += p.identity_anchor * (x0c[d] - xc[d]);
  }
  if (p.alignment_feedback != 0.0) {
    // y of the row's bloc power; rows in no bloc (a = 0) load any identity
    // (their own) and keep dx by the select
    const Bloc* al = w.alignment.data() + g;
    const double* y[4];
    for (int l = 0; l < 4; ++l)
      y[l] = al[l] > 0 ? w.powers[static_cast<std::size_t>(al[l] - 1)].identity.data() : w.x.data() + (g + l) * 4;
    v4d yc[4];
    v4::transpose(v4::load(y[0]), v4::load(y[1]), v4::load(y[2]), v4::load(y[3]), yc);
    const v4m in_bloc = v4m{al[0], al[1], al[2], al[3]} > 0;
    for (int d = 0; d < 4; ++d) dx[d] = v4::select(in_bloc, dx[d] + p.alignment_feedback * (yc[d] - xc[d]), dx[d]);
  }
  if (p.identity_noise > 0.0) {
    alignas(32) double z[4][4];
    for (int l = 0; l < 4; ++l) {
      Rng rng(w.seed, static_cast<std::uint64_t>(w.tick), static_cast<std::uint64_t>(g + l), Stream::identity_noise);
      for (int d = 0; d < 4; ++d) z[l][d] = p.identity_noise * rng.normal();
    }
    v4d zc[4];
    v4::load_transposed(z[0], zc);
    for (int d = 0; d < 4; ++d) dx[d] += zc[d];
  }
  const v4d one = v4::splat(1.0);
  v4d out[4];
  for (int d = 0; d < 4; ++d) {
    const v4d v = xc[d] + dx[d];
    out[d] = v4::select(v < zero, zero, v4::select(v > one, one, v));
  }
  v4d r[4];
  v4::transpose(out[0], out[1], out[2], out[3], r);
  for (int l = 0; l < 4; ++l) std::memcpy(x_next + (g + l) * 4, &r[l], sizeof r[l]);
}

#pragma GCC diagnostic pop

}  // namespace blocsim::phase::rows
