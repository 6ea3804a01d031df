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
  v4d xc[kDc];
  if constexpr (DC == 4) {
    v4::load_transposed(x + i * 4, xc);
  } else {
    for (int d = 0; d < D; ++d) xc[d] = lanes([&](int l) { return x[(i + l) * D + d]; });
  }
  v4d U[3], sim[2];
  v4d mean_offer = zero, max_offer = v4::splat(-std::numeric_limits<double>::infinity());
  for (int k = 0; k < 2; ++k) {
    v4d dist2 = zero;
    for (int d = 0; d < D; ++d) {
      const v4d t = xc[d] - y[k][d];
      dist2 += t * t;
    }
    const v4d root = lanes([&](int l) { return std::sqrt(dist2[l]); });
    sim[k] = 1.0 - root * inv_sqrt_d;
    const v4d pressure = pressure_all - pull[k] * sec[k];
    const v4d a = ad[k];
    const v4d offer = (b_acc * acc[k] + v4::select(a > zero, b_aid * a / (a + aid_half), zero)) + b_open * opn[k];
    const v4d pk = lanes([&](int l) { return peer[l][k + 1]; });
    U[k + 1] = b_id * sim[k] + b_ties * tie[k] + offer + b_peer * v4::select(rs > zero, pk / rs, zero) + b_lock * lck[k] -
               b_grv * grv[k] + b_sec * sec[k] - pressure - b_riv * riv[k] + b_thr * (rivalry_all - riv[k]) +
               v4::select(cur == k + 1, inert, zero);
    mean_offer += offer;
    max_offer = v4::select(max_offer < offer, offer, max_offer);  // std::max(max_offer, offer)
  }
  // evenness (K = 2): 1 − (Σ_l |t_l / Σt − 1/2|)·2 / 2
  const v4m abs_mask = reinterpret_cast<v4m>(v4::splat(-0.0));
  auto fabs4 = [&](v4d v) { return reinterpret_cast<v4d>(reinterpret_cast<v4m>(v) & ~abs_mask); };
  const double half = 1.0 / K;
  const v4d spread = (zero + fabs4(tie[0] / tie_sum - half)) + fabs4(tie[1] / tie_sum - half);
  const v4d evenness = v4::select(tie_sum > zero, 1.0 - spread * static_cast<double>(K) / (2.0 * (K - 1)), zero);
  const v4d sov = sdim >= 0 ? h_sov * xc[sdim] : zero;
  const v4d hedge = b_hedge + sov + h_even * evenness + h_grp * v4::load(hedge_member + i);
  U[0] = hedge + ((1.0 - multi) * mean_offer / static_cast<double>(K) + multi * max_offer) - pressure_all + v4::select(cur == 0, inert, zero);
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
  for (int l = 0; l < 4; ++l) {
    const double Ul[3] = {U[0][l], U[1][l], U[2][l]};
    double* ui = utility + (i + l) * 3;
    ui[0] = Ul[0], ui[1] = Ul[1], ui[2] = Ul[2];
    alignment_next[u + static_cast<std::size_t>(l)] = detail::decide(rule, static_cast<Bloc>(cur[l]), pinned[u + static_cast<std::size_t>(l)], Ul, 2, static_cast<int>(top[l]), seed, tick, i + l, block0[l]);
  }
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
  const v4m cur = {standard[u], standard[u + 1], standard[u + 2], standard[u + 3]};
  const v4m own = {alignment[u], alignment[u + 1], alignment[u + 2], alignment[u + 3]};
  const v4d zero = v4::splat(0.0), inert = v4::splat(a_inert), bloc = v4::splat(a_bloc);
  v4d sh[3];
  for (int s = 0; s < 3; ++s) sh[s] = lanes([&](int l) { return share[l][s]; });
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
  for (int l = 0; l < 4; ++l) {
    const double Vl[3] = {V[0][l], V[1][l], V[2][l]};
    standard_next[u + static_cast<std::size_t>(l)] = detail::decide(rule, static_cast<Bloc>(cur[l]), pinned[u + static_cast<std::size_t>(l)], Vl, 2,
                                                                    static_cast<int>(top[l]), seed, tick, i + l, block0[l]);
  }
}
#pragma GCC diagnostic pop

}  // namespace blocsim::phase::rows
