// The fused walk's 4-row decision kernels (issue 14, third round): the
// choice and standards decisions of rows i … i + 3 at once, K = 2. Every value
// of a row is one lane of a 4-double vector and sees exactly the scalar
// kernel's operations (rows.h, Choice::decide / Standards::decide) in their
// order — IEEE arithmetic per lane, so the same bits; the phase-by-phase
// reference path keeps the scalar kernels and tests/test_performance.cpp
// compares the two after every tick. Only network_pass.cpp includes this.
#pragma once

#include "rows.h"

namespace blocsim::phase::rows {

// decide() for the four rows i … i + 3 at once (K = 2, used by the fused
// walk): every value of a row is one lane of a 4-double vector and sees
// exactly the scalar operations of decide(), in the same order (IEEE per
// lane: the same bits; the reference path keeps decide() and
// tests/test_performance.cpp compares the two). The K × N arrays hold the 4
// rows' values in 8 contiguous numbers (c = i·K + k): two loads and a
// deinterleave per array (only instantiated for KC = 2). The ranking and the revision draw stay scalar per
// row. peer[l] = the peer weights of row i + l.
// The lambdas pass 4-double vectors by value; they are inlined (see tail4).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
template <int DC, int KC>
void Choice<DC, KC>::decide4(std::int64_t i, const std::array<std::uint32_t, 4>* block0, const double (*peer)[4]) {
  using v4d = double __attribute__((vector_size(32)));
  using v4m = std::int64_t __attribute__((vector_size(32)));
  using v8f = float __attribute__((vector_size(32)));
  const std::int64_t c = i * 2;
  auto pair = [&](const double* a, v4d& k0, v4d& k1) {  // {a[c + 2l]}, {a[c + 2l + 1]}, l = 0..3
    const v4d lo = v4::load(a + c), hi = v4::load(a + c + 4);
    k0 = __builtin_shufflevector(lo, hi, 0, 2, 4, 6);
    k1 = __builtin_shufflevector(lo, hi, 1, 3, 5, 7);
  };
  auto pairf = [&](const float* a, v4d& k0, v4d& k1) {  // the same for floats, widened (exact)
    v8f v;
    std::memcpy(&v, a + c, sizeof v);
    k0 = __builtin_convertvector(__builtin_shufflevector(v, v, 0, 2, 4, 6), v4d);
    k1 = __builtin_convertvector(__builtin_shufflevector(v, v, 1, 3, 5, 7), v4d);
  };
  auto lanes = [&](auto f) { return v4d{f(0), f(1), f(2), f(3)}; };
  const auto u = static_cast<std::size_t>(i);
  const v4m cur = {alignment[u], alignment[u + 1], alignment[u + 2], alignment[u + 3]};
  const v4d zero = v4::splat(0.0), inert = v4::splat(b_inert);
  const v4d rs = v4::load(rowsum + i);
  v4d sec[2], riv[2], tie[2], acc[2], ad[2], opn[2], lck[2], grv[2];
  pairf(security, sec[0], sec[1]);
  pairf(rivalry, riv[0], riv[1]);
  pair(ties, tie[0], tie[1]);
  pair(access, acc[0], acc[1]);
  pair(aid, ad[0], ad[1]);
  pair(open_value, opn[0], opn[1]);
  pair(lock, lck[0], lck[1]);
  pair(grievance, grv[0], grv[1]);
  const v4d pressure_all = (zero + pull[0] * sec[0]) + pull[1] * sec[1];
  const v4d rivalry_all = (zero + riv[0]) + riv[1];
  const v4d tie_sum = (zero + tie[0]) + tie[1];
  // xc[d] = {x_{i,d}, …, x_{i+3,d}}: for D = 4 one 4 × 4 transpose of the rows
  constexpr int kDc = DC > 0 ? DC : kMaxDimensions;
  // D and K as compile-time constants where known (the loops unroll, 1.0 / K
  // and the divisions by K fold; the same operations on the same values)
  const int Dn = DC > 0 ? DC : D;
  constexpr int Kc = 2;
  v4d xc[kDc];
  if constexpr (DC == 4) {
    v4::load_transposed(x + i * 4, xc);
  } else {
    for (int d = 0; d < Dn; ++d) xc[d] = lanes([&](int l) { return x[(i + l) * Dn + d]; });
  }
  // pk[k] = {peer[l][k + 1]}, l = 0..3: the 16 bytes {peer[l][1], peer[l][2]}
  // of rows 0, 2 and of rows 1, 3 in two vectors, then unpacked
  v4d pk[2];
  {
    using v2d = double __attribute__((vector_size(16)));
    v2d h[4];
    for (int l = 0; l < 4; ++l) std::memcpy(&h[l], &peer[l][1], sizeof h[l]);
    const v4d a = __builtin_shufflevector(h[0], h[2], 0, 1, 2, 3), b = __builtin_shufflevector(h[1], h[3], 0, 1, 2, 3);
    pk[0] = __builtin_shufflevector(a, b, 0, 4, 2, 6);
    pk[1] = __builtin_shufflevector(a, b, 1, 5, 3, 7);
  }
  v4d U[3], sim[2];
  v4d mean_offer = zero, max_offer = v4::splat(-std::numeric_limits<double>::infinity());
  for (int k = 0; k < 2; ++k) {
    v4d dist2 = zero;
    for (int d = 0; d < Dn; ++d) {
      const v4d t = xc[d] - y[k][d];
      dist2 += t * t;
    }
    const v4d root = v4::sqrt(dist2);
    sim[k] = 1.0 - root * inv_sqrt_d;
    const v4d pressure = pressure_all - pull[k] * sec[k];
    const v4d a = ad[k];
    const v4d offer = (b_acc * acc[k] + v4::select(a > zero, b_aid * a / (a + aid_half), zero)) + b_open * opn[k];
    U[k + 1] = b_id * sim[k] + b_ties * tie[k] + offer + b_peer * v4::select(rs > zero, pk[k] / rs, zero) + b_lock * lck[k] -
               b_grv * grv[k] + b_sec * sec[k] - pressure - b_riv * riv[k] + b_thr * (rivalry_all - riv[k]) +
               v4::select(cur == k + 1, inert, zero);
    mean_offer += offer;
    max_offer = v4::select(max_offer < offer, offer, max_offer);  // std::max(max_offer, offer)
  }
  // evenness (K = 2): 1 − (Σ_l |t_l / Σt − 1/2|)·2 / 2
  const v4m abs_mask = reinterpret_cast<v4m>(v4::splat(-0.0));
  auto fabs4 = [&](v4d v) { return reinterpret_cast<v4d>(reinterpret_cast<v4m>(v) & ~abs_mask); };
  const double half = 1.0 / Kc;
  const v4d spread = (zero + fabs4(tie[0] / tie_sum - half)) + fabs4(tie[1] / tie_sum - half);
  const v4d evenness = v4::select(tie_sum > zero, 1.0 - spread * static_cast<double>(Kc) / (2.0 * (Kc - 1)), zero);
  const v4d sov = sdim >= 0 ? h_sov * xc[sdim] : zero;
  const v4d hedge = b_hedge + sov + h_even * evenness + h_grp * v4::load(hedge_member + i);
  U[0] = hedge + ((1.0 - multi) * mean_offer / static_cast<double>(Kc) + multi * max_offer) - pressure_all + v4::select(cur == 0, inert, zero);
  const v4d z = sim[0] - sim[1];
  std::memcpy(choice_z + i, &z, sizeof z);
  // the ranking of decide() lane by lane with selects: the same comparisons
  // in the same order pick the same values (no arithmetic but first − second)
  v4d first = v4::splat(-std::numeric_limits<double>::infinity()), second = first;
  v4m top = {0, 0, 0, 0};
  for (int b = 0; b <= 2; ++b) {
    const v4m gt = U[b] > first, gt2 = U[b] > second;
    second = v4::select(gt, first, v4::select(gt2, U[b], second));
    first = v4::select(gt, U[b], first);
    top = (gt & b) | (~gt & top);
  }
  const v4d mg = first - second;
  std::memcpy(margin + i, &mg, sizeof mg);
  // the 4 rows' utilities are 12 contiguous doubles (row-major, 3 a row):
  // U[0..2] (lane = row) rearranged into 3 vectors by shuffles (the same
  // values), stored, and read back by decide() for the rows that draw
  {
    const v4d lo = __builtin_shufflevector(U[0], U[1], 0, 4, 1, 5);  // {U0₀, U1₀, U0₁, U1₁}
    const v4d hi = __builtin_shufflevector(U[0], U[1], 2, 6, 3, 7);  // {U0₂, U1₂, U0₃, U1₃}
    const v4d mid = __builtin_shufflevector(lo, hi, 3, 4, 5, 5);     // {U1₁, U0₂, U1₂, ·}
    const v4d out[3] = {__builtin_shufflevector(lo, U[2], 0, 1, 4, 2), __builtin_shufflevector(mid, U[2], 0, 5, 1, 2),
                        __builtin_shufflevector(hi, U[2], 6, 2, 3, 7)};
    std::memcpy(utility + i * 3, out, sizeof out);
  }
  for (int l = 0; l < 4; ++l)
    alignment_next[u + static_cast<std::size_t>(l)] =
        detail::decide(rule, static_cast<Bloc>(cur[l]), pinned[u + static_cast<std::size_t>(l)], utility + (i + l) * 3, 2,
                       static_cast<int>(top[l]), seed, tick, i + l, block0[l]);
}
#pragma GCC diagnostic pop

// decide() for the four rows i … i + 3 at once (K = 2, the fused walk), lane
// by lane the scalar operations in their order, as Choice::decide4 (the same
// bits); share[l] = the standards shares of row i + l.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
template <int KC>
void Standards<KC>::decide4(std::int64_t i, const std::array<std::uint32_t, 4>* block0, const double (*share)[4]) const {
  using v4d = double __attribute__((vector_size(32)));
  using v4m = std::int64_t __attribute__((vector_size(32)));
  using v8f = float __attribute__((vector_size(32)));
  auto lanes = [&](auto f) { return v4d{f(0), f(1), f(2), f(3)}; };
  const std::int64_t c = i * 2;
  auto pair = [&](const double* a, v4d& k0, v4d& k1) {
    const v4d lo = v4::load(a + c), hi = v4::load(a + c + 4);
    k0 = __builtin_shufflevector(lo, hi, 0, 2, 4, 6);
    k1 = __builtin_shufflevector(lo, hi, 1, 3, 5, 7);
  };
  auto pairf = [&](const float* a, v4d& k0, v4d& k1) {
    v8f v;
    std::memcpy(&v, a + c, sizeof v);
    k0 = __builtin_convertvector(__builtin_shufflevector(v, v, 0, 2, 4, 6), v4d);
    k1 = __builtin_convertvector(__builtin_shufflevector(v, v, 1, 3, 5, 7), v4d);
  };
  const auto u = static_cast<std::size_t>(i);
  // rows whose decision reads no values (pinned, or not revising: most rows
  // at r_s < 1) get decide()'s result without them; the values only when a
  // row of the 4 needs them
  const unsigned need = detail::needs_values4(rule, pinned + u, block0);
  if (!need) {
    // detail::kept(pinned[r], standard[r]) for the 4 bytes at once: the
    // mask is 0xFF in the bytes whose pinned value is negative (not pinned)
    std::uint32_t p4, s4;
    std::memcpy(&p4, pinned + u, 4);
    std::memcpy(&s4, standard + u, 4);
    const std::uint32_t keep = ((p4 & 0x80808080u) >> 7) * 0xFFu;
    const std::uint32_t out = (s4 & keep) | (p4 & ~keep);
    std::memcpy(standard_next + u, &out, 4);
    return;
  }
  const v4m cur = {standard[u], standard[u + 1], standard[u + 2], standard[u + 3]};
  const v4m own = {alignment[u], alignment[u + 1], alignment[u + 2], alignment[u + 3]};
  const v4d zero = v4::splat(0.0), inert = v4::splat(a_inert), bloc = v4::splat(a_bloc);
  v4d sh[4];  // sh[s] = {share[l][s]}, l = 0..3 (sh[3] unused)
  v4::load_transposed(&share[0][0], sh);
  const v4d den = ((zero + sh[0]) + sh[1]) + sh[2];
  const v4d multi = mdim >= 0 ? lanes([&](int l) { return x[(i + l) * D + mdim]; }) : zero;
  const v4d cost = a_thr * (v4::load(threshold + i) - 0.5);
  const v4d cap = v4::load(capacity + i);
  v4d tie[2], lck[2], opn[2], frm[2], riv[2];
  pair(ties, tie[0], tie[1]);
  pair(lock, lck[0], lck[1]);
  pair(open_value, opn[0], opn[1]);
  pairf(forum, frm[0], frm[1]);
  pairf(rivalry, riv[0], riv[1]);
  v4d V[3];
  for (int s = 0; s <= 2; ++s) {
    V[s] = a_net * v4::select(den > zero, sh[s] / den, zero) + v4::select(cur == s, inert, zero);
    if (s == 0) {
      V[s] += a_multi * multi;
    } else {
      const v4d reach = e_flat + e_ties * tie[s - 1] + e_bodies * frm[s - 1] + e_cap * cap;
      V[s] += v4::select(own == s, bloc, zero) + a_lock * lck[s - 1] + effort[s - 1] * reach + a_open * opn[s - 1] -
              a_riv * riv[s - 1] - cost;
    }
  }
  // decide()'s `if (V[s] > V[top]) top = s` lane by lane with selects (the same comparisons)
  const v4m gt1 = V[1] > V[0];
  const v4m gt2 = V[2] > v4::select(gt1, V[1], V[0]);
  const v4m top = (gt2 & 2) | (~gt2 & (gt1 & 1));
  // Vt[l] = {V[0][l], V[1][l], V[2][l], ·}: one 4 × 4 transpose
  alignas(32) v4d Vt[4];
  v4::transpose(V[0], V[1], V[2], V[2], Vt);
  for (int l = 0; l < 4; ++l) {
    double Vl[4];
    std::memcpy(Vl, &Vt[l], sizeof Vl);
    const std::size_t r = u + static_cast<std::size_t>(l);
    // decide() returns pinned or current for the rows that need no values
    standard_next[r] = need >> l & 1u ? detail::decide(rule, static_cast<Bloc>(cur[l]), pinned[r], Vl, 2, static_cast<int>(top[l]), seed, tick, i + l, block0[l])
                                      : detail::kept(pinned[r], static_cast<Bloc>(cur[l]));
  }
}
#pragma GCC diagnostic pop

}  // namespace blocsim::phase::rows
