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

// The neighbour sums of rows g … g + 3 (the fused walk's version of sums4,
// which the reference path keeps): per row and per lane the same values in
// the same order — dist2 = ((d0² + d1²) + d2²) + d3² from one 4 × 4
// transpose of the squares, num and den in even / odd accumulators in
// neighbour order — with fewer instructions per neighbour:
//  * n = x_i − x_j instead of d = x_j − x_i (the neighbour's load folds into
//    the subtraction), and num −= w·n instead of num += w·d. IEEE rounding is
//    symmetric, so n = −d exactly when d ≠ 0, n² = d², and num − w·n =
//    num + (−(w·n)) = num + w·d. When d = +0, n = +0 and num − w·(+0) = num =
//    num + w·(+0), because an accumulator that starts at +0.0 is never −0.0
//    (a sum is −0.0 only if both terms are): the same bits. (Only a NaN
//    identity could tell the two apart, by its sign bit; identities are
//    clamped to [0, 1].)
//  * the four weights w_a … w_d broadcast with one lane permute each, and
//    converted from float by one instruction on AVX builds;
//  * one neighbour left over: its weight enters both den lanes as {w, +0.0}
//    (the odd lane's + 0.0 is the identity, as above) with a vector compare
//    instead of a branch-free scalar mask;
//  * the loop invariants (x, the CSR arrays, ε²) loaded once per group.
template <int DC>
void Identity<DC>::rows4(std::int64_t g) const {
  static_assert(DC == 4, "the 4-row identity kernel is for D = 4");
  using v4d = v4::d;
  using v4m = v4::m;
  using v2d = double __attribute__((vector_size(16)));
  using v2m = std::int64_t __attribute__((vector_size(16)));
  v4d num[4];
  double den[4];
  if (p.mu == 0.0) {
    for (int l = 0; l < 4; ++l) {
      num[l] = v4::splat(0.0);
      den[l] = 0.0;
    }
  } else if (pre_num) {
    // summed with other worlds' rows by identity_sums_batch: the same bits
    for (int l = 0; l < 4; ++l) {
      num[l] = v4::load(pre_num + (g + l) * 4);
      den[l] = pre_den[g + l];
    }
  } else {
    const double* const xbase = w.x.data();
    const auto* const outer = net.outerIndexPtr();
    const auto* const inner = net.innerIndexPtr();
    const float* const val = net.valuePtr();
    const v4d veps2 = v4::splat(eps2);
    const v2d veps2_2 = {eps2, eps2};
    auto xj = [&](auto q) { return v4::load(xbase + static_cast<std::int64_t>(inner[q]) * 4); };
    alignas(32) double wbuf[4];
    for (int l = 0; l < 4; ++l) {
      const std::int64_t i = g + l;
      const v4d vxi = v4::load(xbase + i * 4);
      v4d vnum0 = v4::splat(0.0), vnum1 = vnum0;
      v2d vden = {0.0, 0.0};  // {even, odd} neighbours
      auto q = outer[i];
      const auto end = outer[i + 1];
      for (; q + 4 <= end; q += 4) {
        const v4d na = vxi - xj(q), nb = vxi - xj(q + 1), nc = vxi - xj(q + 2), nd = vxi - xj(q + 3);
        v4d c[4];  // c[d] = {n_a[d]², n_b[d]², n_c[d]², n_d[d]²}
        v4::transpose(na * na, nb * nb, nc * nc, nd * nd, c);
        const v4d d2 = ((c[0] + c[1]) + c[2]) + c[3];
        const v4d wf = v4::widen4(val + q);
        const v4d w4 = reinterpret_cast<v4d>(reinterpret_cast<v4m>(wf) & (d2 < veps2));
#if defined(__AVX__)
        // The halves by a cast and one extract, and w4 to wbuf by one
        // aligned store: GCC 12 lowered the narrowing __builtin_shufflevector
        // and the memcpy through the stack (w4 stored, re-read into general
        // registers and stored again), three store-to-load forwards on the
        // path to every product. Same additions in the same order.
        const __m256d w4v = reinterpret_cast<__m256d>(w4);
        vden = reinterpret_cast<v2d>(_mm_add_pd(reinterpret_cast<__m128d>(vden), _mm256_castpd256_pd128(w4v)));
        vden = reinterpret_cast<v2d>(_mm_add_pd(reinterpret_cast<__m128d>(vden), _mm256_extractf128_pd(w4v, 1)));
        _mm256_store_pd(wbuf, w4v);
#else
        vden += __builtin_shufflevector(w4, w4, 0, 1);
        vden += __builtin_shufflevector(w4, w4, 2, 3);
        std::memcpy(wbuf, &w4, sizeof w4);
#endif
        // The four weights broadcast from memory (a load-port operation)
        // instead of by lane permutes: the permutes shared the shuffle port
        // with the 4 × 4 transpose, which bound this loop (14 → 10 shuffles
        // per 4 neighbours; run -r 100, countries off: ~−2.5 % time). The
        // empty asm says wbuf may have changed, so GCC reloads it instead
        // of turning the broadcasts back into permutes. Same values.
        asm("" : "+m"(wbuf));
        vnum0 -= v4::splat(wbuf[0]) * na;
        vnum1 -= v4::splat(wbuf[1]) * nb;
        vnum0 -= v4::splat(wbuf[2]) * nc;
        vnum1 -= v4::splat(wbuf[3]) * nd;
      }
      if (q + 2 <= end) {
        const v4d na = vxi - xj(q), nb = vxi - xj(q + 1);
        const v4d sa = na * na, sb = nb * nb;
        // {dist2_a, dist2_b}, each ((d0² + d1²) + d2²) + d3²
        const v4d lo = __builtin_shufflevector(sa, sb, 0, 4, 2, 6), hi = __builtin_shufflevector(sa, sb, 1, 5, 3, 7);
        const v2d d2 = ((__builtin_shufflevector(lo, lo, 0, 1) + __builtin_shufflevector(hi, hi, 0, 1)) +
                        __builtin_shufflevector(lo, lo, 2, 3)) +
                       __builtin_shufflevector(hi, hi, 2, 3);
        const v2d wq = {static_cast<double>(val[q]), static_cast<double>(val[q + 1])};
        const v2d wab = reinterpret_cast<v2d>(reinterpret_cast<v2m>(wq) & (d2 < veps2_2));
        vden += wab;
        vnum0 -= __builtin_shufflevector(wab, wab, 0, 0, 0, 0) * na;
        vnum1 -= __builtin_shufflevector(wab, wab, 1, 1, 1, 1) * nb;
        q += 2;
      }
      if (q < end) {
        const v4d na = vxi - xj(q);
        const v4d sa = na * na;
        const double d2a = ((sa[0] + sa[1]) + sa[2]) + sa[3];
        const v2d wq = {static_cast<double>(val[q]), 0.0};
        const v2d d2 = {d2a, d2a};
        const v2d wa = reinterpret_cast<v2d>(reinterpret_cast<v2m>(wq) & (d2 < veps2_2));
        vden += wa;  // {w_a, +0.0}
        vnum0 -= __builtin_shufflevector(wa, wa, 0, 0, 0, 0) * na;
      }
      den[l] = vden[0] + vden[1];
      num[l] = vnum0 + vnum1;
    }
  }
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
    const v4d add = p.kappa * dg;
    const int gd = w.grievance_dim;  // a local: dx stays in registers (no indexed store)
    for (int d = 0; d < 4; ++d) dx[d] = d == gd ? dx[d] + add : dx[d];
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
  double* const o = x_next + g * 4;  // four explicit stores (a loop of memcpy became xmm copies)
  std::memcpy(o, &r[0], sizeof r[0]);
  std::memcpy(o + 4, &r[1], sizeof r[1]);
  std::memcpy(o + 8, &r[2], sizeof r[2]);
  std::memcpy(o + 12, &r[3], sizeof r[3]);
}

#pragma GCC diagnostic pop

}  // namespace blocsim::phase::rows
