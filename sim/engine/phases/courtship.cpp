// Phase 2 — courtship: what each power offers each country (docs/design.md §3.2;
// model v2, docs/ODD.md §7.2).
//
//   A_ik   = (f_k / max_l f_l) · max( 1 − σ_k·τ_ik/2 ,  o_k · c_i^θ )
//            closed frontier access cut by export controls; open weights reach
//            everyone, but using them needs absorptive capacity.
//   O_ik   = o_k · (f_k / max_l f_l) · c_i^θ · (1 + ρ_D·D_i + ρ_S·x_i[sov])
//            open-weight value, its own channel: D_i = max_l σ_l·τ_il/2 is the
//            closed access any power (own or rival) denies i, so open weights
//            are worth most where controls bite; they run locally, so
//            sovereigntist states value them more.
//   aid_ik = min(κ_A·B_k, s_k·ω_ik) + extra_ik      (water-filling: s_k spends
//            B_k·N in total; no country gets more than κ_A times the mean;
//            extra = aid granted by reactive rules this tick)
//            ω_ik by targeting:  need       1 − c_i
//                                swing      exp(−margin_i / swing_scale)
//                                allies     1{a_i = k}
//                                population pop_i
//            ω_ik = 0 for pinned countries (home countries cannot be courted).
//   ΔG_ik  = γ_G · σ_k · τ_ik / 2                (being denied breeds resentment)
//
// Departure from docs/design.md: aid is scaled by N so that B_k is "mean aid per
// country per tick" and a budget means the same in a 12-country test world,
// the 194-country default world and a 10⁶-agent synthetic world (docs/ODD.md).
// Reads: frontier, σ, τ, o, c, x, pop, margin, alignment, aid_extra.
// Writes: access, open_value, aid, dgrievance.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "v4.h"


namespace blocsim::phase {
namespace {

// Four signed bytes widened (exactly) to 4 × int64 lanes and to 4 doubles:
// one vpmovsxbq / vpmovsxbd + vcvtdq2pd on AVX2 builds (GCC 12 builds the
// generic conversion lane by lane).
#if defined(__AVX2__)
[[gnu::always_inline]] inline __m128i four_bytes(const std::int8_t* b) {
  std::int32_t w;
  std::memcpy(&w, b, sizeof w);
  return _mm_cvtsi32_si128(w);
}
[[gnu::always_inline]] inline v4::m widen_bytes(const std::int8_t* b) {
  return reinterpret_cast<v4::m>(_mm256_cvtepi8_epi64(four_bytes(b)));
}
[[gnu::always_inline]] inline v4::d widen_bytes_pd(const std::int8_t* b) {
  return reinterpret_cast<v4::d>(_mm256_cvtepi32_pd(_mm_cvtepi8_epi32(four_bytes(b))));
}
#else
template <class V>
[[gnu::always_inline]] inline V convert_bytes(const std::int8_t* b) {
  using c4 = std::int8_t __attribute__((vector_size(4)));
  c4 c;
  std::memcpy(&c, b, sizeof c);
  return __builtin_convertvector(c, V);
}
[[gnu::always_inline]] inline v4::m widen_bytes(const std::int8_t* b) { return convert_bytes<v4::m>(b); }
[[gnu::always_inline]] inline v4::d widen_bytes_pd(const std::int8_t* b) { return convert_bytes<v4::d>(b); }
#endif

// One power's levers as the offers loop reads them (hoisted out of the
// per-country loop: PowerState is large and stores to w.access etc. may
// alias its doubles, so the compiler would reload them for every country).
struct Lever {
  double strictness = 0.0, rel = 0.0, open_models = 0.0, grievance = 0.0;  // grievance = γ_G·σ_k
  Targeting targeting = Targeting::need;
  bool aids = false;  // aid_budget > 0
};

// The offers of countries [lo, hi) and, per power, Σ ω_ik over them in index
// order into sum[k] (fixed_reduce's block sum: starts at 0, one addition per
// country) and max(0, max_i ω_ik) into omega_max[k] (the water-filling's
// test for "nobody over the cap"). KC: K as a compile-time constant (0 = any K).
// The outputs are restrict parameters (distinct World members): otherwise a
// store to them could alias the levers and the inputs, and the compiler would
// reload those for every country.
template <int KC>
void offers(const World& w, const Lever* __restrict lv, std::int64_t lo, std::int64_t hi, double* __restrict sum,
            double* __restrict omega_max,
            double* __restrict access, double* __restrict open_value, double* __restrict dgrievance,
            double* __restrict aid) {
  const ModelParams& p = w.params;
  const int K = KC > 0 ? KC : w.k;
  const int sdim = w.sovereignty_dim;
  const double theta = p.theta, open_denial = p.open_denial, open_sovereignty = p.open_sovereignty,
               swing_scale = p.swing_scale;
  const int D = w.d;
  const double* const capacity = w.capacity.data();
  const double* const x = w.x.data();
  const double* const margin = w.margin.data();
  const double* const pop = w.pop.data();
  const std::int8_t* const tier = w.tier.data();
  const Bloc* const pinned = w.pinned.data();
  const Bloc* const alignment = w.alignment.data();
  std::int64_t i0 = lo;
  if constexpr (KC == 2) {
    // Two countries per step as one 4-lane vector (i,0) (i,1) (i+1,0) (i+1,1)
    // — the layout of the K × N outputs. Each lane sees the scalar loop's
    // operations in its order (contraction is off), so the same bits:
    // std::max(a, b) is `a < b ? b : a`, written as that select; `denied`
    // = max(max(0, q_0), q_1) per country, with q_k = σ_k·τ_ik/2 (the same
    // product `closed` uses).
    using v4d = v4::d;
    const v4d st = {lv[0].strictness, lv[1].strictness, lv[0].strictness, lv[1].strictness};
    const v4d rel = {lv[0].rel, lv[1].rel, lv[0].rel, lv[1].rel};
    const v4d om = {lv[0].open_models, lv[1].open_models, lv[0].open_models, lv[1].open_models};
    const v4d gr = {lv[0].grievance, lv[1].grievance, lv[0].grievance, lv[1].grievance};
    const v4d zero = {0.0, 0.0, 0.0, 0.0};
    for (; i0 + 1 < hi; i0 += 2) {
      const std::int64_t i = i0, o = i * 2;
      const double c0 = capacity[i], c1 = capacity[i + 1];
      const double a0 = theta == 1.0 ? c0 : std::pow(c0, theta), a1 = theta == 1.0 ? c1 : std::pow(c1, theta);
      const double s0 = sdim >= 0 ? x[i * D + sdim] : 0.0, s1 = sdim >= 0 ? x[(i + 1) * D + sdim] : 0.0;
      const v4d tau = widen_bytes_pd(tier + o);
      const v4d q = st * tau / 2.0;
      const v4d m1 = v4::select(zero < q, q, zero);                     // max(0, q_k)
      const v4d first = __builtin_shufflevector(m1, m1, 0, 0, 2, 2);  // max(0, q_0) per country
      const v4d second = __builtin_shufflevector(q, q, 1, 1, 3, 3);   // q_1 per country
      const v4d denied = v4::select(first < second, second, first);
      const v4d sov = {s0, s0, s1, s1}, absorb = {a0, a0, a1, a1};
      const v4d open_gain = 1.0 + open_denial * denied + open_sovereignty * sov;
      const v4d closed = 1.0 - q;
      const v4d open = om * absorb;
      const v4d acc = rel * v4::select(closed < open, open, closed);
      const v4d ov = rel * open * open_gain;
      const v4d dg = gr * tau / 2.0;
      std::memcpy(access + o, &acc, sizeof acc);
      std::memcpy(open_value + o, &ov, sizeof ov);
      std::memcpy(dgrievance + o, &dg, sizeof dg);
    }
  }
  for (std::int64_t i = i0; i < hi; ++i) {
    const std::int64_t o = i * K;
    const double c = capacity[i];
    const double absorb = theta == 1.0 ? c : std::pow(c, theta);
    double denied = 0.0;
    for (int k = 0; k < K; ++k) denied = std::max(denied, lv[k].strictness * static_cast<double>(tier[o + k]) / 2.0);
    const double sov = sdim >= 0 ? x[i * D + sdim] : 0.0;
    const double open_gain = 1.0 + open_denial * denied + open_sovereignty * sov;
    for (int k = 0; k < K; ++k) {
      const Lever& l = lv[k];
      const double tau = static_cast<double>(tier[o + k]);
      const double closed = 1.0 - l.strictness * tau / 2.0;
      const double open = l.open_models * absorb;
      access[o + k] = l.rel * std::max(closed, open);
      open_value[o + k] = l.rel * open * open_gain;
      dgrievance[o + k] = l.grievance * tau / 2.0;
    }
  }
  // ω per aiding power, one loop per targeting rule (the rule's branch out of
  // the loop); the block is still in cache. Powers without a budget get no ω:
  // their aid row is overwritten by courtship() without being read.
  for (int k = 0; k < K; ++k) {
    const Lever& l = lv[k];
    double s = 0.0, mx = 0.0;
    if (l.aids) {
      // ω of four countries as one vector (lane = country), rules without a
      // libm call: each lane the scalar `pinned < 0 ? ω : 0.0` as a select,
      // stored to its slot and added into s in index order as below. The
      // lanes' running maxima are combined at the end: max over nonnegative
      // values does not depend on the order (a NaN ω is skipped by every
      // `mx < ω` either way), and mx is only compared (scale·mx ≤ cap),
      // where the sign of a zero does not matter.
      auto stage4 = [&](auto&& omega4, auto&& omega_of) {
        using v4d = v4::d;
        using v4m = v4::m;
        const v4d zero = {0.0, 0.0, 0.0, 0.0};
        v4d mxv = zero;
        std::int64_t i = lo;
        for (; i + 3 < hi; i += 4) {
          const v4m free = widen_bytes(pinned + i) < 0;
          const v4d om = v4::select(free, omega4(i), zero);
          aid[i * K + k] = om[0];
          aid[(i + 1) * K + k] = om[1];
          aid[(i + 2) * K + k] = om[2];
          aid[(i + 3) * K + k] = om[3];
          s += om[0];
          s += om[1];
          s += om[2];
          s += om[3];
          mxv = v4::select(mxv < om, om, mxv);
        }
        for (int j = 0; j < 4; ++j) mx = std::max(mx, mxv[j]);
        for (; i < hi; ++i) {
          const double omega = pinned[i] < 0 ? omega_of(i) : 0.0;
          aid[i * K + k] = omega;
          s += omega;
          mx = std::max(mx, omega);
        }
      };
      auto stage = [&](auto&& omega_of) {
        for (std::int64_t i = lo; i < hi; ++i) {
          const double omega = pinned[i] < 0 ? omega_of(i) : 0.0;
          aid[i * K + k] = omega;
          s += omega;
          mx = std::max(mx, omega);
        }
      };
      switch (l.targeting) {
        case Targeting::need: {
          auto need = [&](std::int64_t i) { return 1.0 - capacity[i]; };
          stage4([&](std::int64_t i) { return 1.0 - v4::load(capacity + i); }, need);
          break;
        }
        case Targeting::swing: stage([&](std::int64_t i) { return std::exp(-margin[i] / swing_scale); }); break;
        case Targeting::allies: {
          auto allies = [&](std::int64_t i) { return alignment[i] == k + 1 ? 1.0 : 0.0; };
          stage4(
              [&](std::int64_t i) {
                const v4::m own = widen_bytes(alignment + i) == static_cast<std::int64_t>(k + 1);
                return v4::select(own, v4::splat(1.0), v4::splat(0.0));
              },
              allies);
          break;
        }
        case Targeting::population: {
          auto population = [&](std::int64_t i) { return pop[i]; };
          stage4([&](std::int64_t i) { return v4::load(pop + i); }, population);
          break;
        }
      }
    }
    sum[k] = s;
    omega_max[k] = mx;
  }
}

}  // namespace

void courtship(World& w) {
  const ModelParams& p = w.params;
  double fmax = 0.0;
  for (const auto& pw : w.powers) fmax = std::max(fmax, pw.frontier);
  if (fmax <= 0.0) fmax = 1.0;
  const int K = w.k;
  const std::int64_t n = w.n;
  Lever lv[kMaxPowers];
  for (int k = 0; k < K; ++k) {
    const PowerState& ps = w.powers[static_cast<std::size_t>(k)];
    lv[k] = Lever{ps.cfg.strictness, ps.frontier / fmax, ps.cfg.open_models, p.gamma_grievance * ps.cfg.strictness,
                  ps.cfg.targeting, ps.cfg.aid_budget > 0.0};
  }
  // ω is staged in the aid buffer, then normalised per power. The offers loop
  // runs in fixed_reduce's blocks (kParallelGrain countries, in parallel in
  // large worlds) and sums each block's ω per power, so free_weight below is
  // the bits of fixed_sum over ω (block sums added in block order) without a
  // pass of its own.
  const std::int64_t nblocks = n > 0 ? (n + kParallelGrain - 1) / kParallelGrain : 0;
  // (scratch kept per thread: no allocation per tick. A lambda body naming a
  // thread_local would see the worker thread's instance, so the loops below
  // reach the scratch of this thread through pointers.)
  thread_local std::vector<double> block_sum_scratch;
  block_sum_scratch.resize(static_cast<std::size_t>(2 * nblocks * K));
  double* const block_sum = block_sum_scratch.data();
  double* const block_max = block_sum + nblocks * K;
  double* const out_access = w.access.data();
  double* const out_open = w.open_value.data();
  double* const out_dgrievance = w.dgrievance.data();
  double* const out_aid = w.aid.data();
  auto offers_block = [&](std::int64_t b) {
    const std::int64_t lo = b * kParallelGrain, hi = std::min(n, lo + kParallelGrain);
    double* sum = block_sum + b * K;
    double* mx = block_max + b * K;
    switch (K) {
      case 1: offers<1>(w, lv, lo, hi, sum, mx, out_access, out_open, out_dgrievance, out_aid); break;
      case 2: offers<2>(w, lv, lo, hi, sum, mx, out_access, out_open, out_dgrievance, out_aid); break;
      case 3: offers<3>(w, lv, lo, hi, sum, mx, out_access, out_open, out_dgrievance, out_aid); break;
      default: offers<0>(w, lv, lo, hi, sum, mx, out_access, out_open, out_dgrievance, out_aid); break;
    }
  };
  parallel_for(nblocks, offers_block, 2);
  // Water-filling per power: spend B_k·N, no country above cap = κ_A·B_k.
  // Each round caps the countries the current scale would push over the cap
  // and re-spends the rest on the others; sums are fixed-order.
  // A round is two steps: (1) flag the countries this scale pushes over the
  // cap (a count: any order gives the same integer); (2) only if it flagged
  // any, the next round's free weight Σ_{i not capped} ω_ik, a fixed_sum (its
  // terms are 0 for capped countries, as the fused pass added). In round 0
  // step (1) is skipped when scale·max_i ω_ik ≤ cap: then scale·ω_ik ≤ cap
  // for every i (rounding is monotone and scale ≥ 0), so no country is
  // flagged — the common case, where the power's whole water-filling is
  // this one comparison and the final pass. (max ω is order-independent, so
  // the blocks' maxima can be combined in any order.)
  // Per-thread scratch as above (replicates on other threads have their own).
  thread_local std::vector<char> capped;
  capped.resize(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
  thread_local std::vector<std::int64_t> round_count;
  round_count.resize(static_cast<std::size_t>(nblocks));
  std::int64_t* const round_counts = round_count.data();
  // aid added by reactive rules (policy phase) joins in the last pass over
  // each power's row: the one addition `aid + extra` that a separate (serial)
  // w.aid += w.aid_extra made
  const bool extra = w.aid_extra.size() == w.aid.size();
  // The last pass over a power's row is deferred for powers without aid
  // (row = 0 [+ extra]) and powers whose water-filling capped nobody (row =
  // scale·ω [+ extra]); with K = 2 the deferred rows are written together
  // below, two countries per 4-lane vector (same operations per value).
  enum Mode : int { kZero, kScaled, kDone };
  Mode mode[kMaxPowers];
  double final_scale[kMaxPowers];
  for (int k = 0; k < K; ++k) {
    const double budget = w.powers[static_cast<std::size_t>(k)].cfg.aid_budget;
    mode[k] = kZero;
    final_scale[k] = 0.0;
    if (budget <= 0.0) continue;
    const double total_budget = budget * static_cast<double>(n);
    const double cap = p.aid_cap * budget;
    double scale = 0.0;
    std::int64_t ncapped = 0;
    double free_weight = 0.0;  // fixed_sum's total: 0 + block sums in block order
    double omega_max = 0.0;
    for (std::int64_t b = 0; b < nblocks; ++b) {
      free_weight += block_sum[static_cast<std::size_t>(b * K + k)];
      omega_max = std::max(omega_max, block_max[static_cast<std::size_t>(b * K + k)]);
    }
    const double* const staged = w.aid.data();
    char* const flag = capped.data();
    for (int round = 0; round < 64; ++round) {
      const double left = total_budget - static_cast<double>(ncapped) * cap;
      scale = free_weight > 0.0 && left > 0.0 ? left / free_weight : 0.0;
      if (round == 0 && scale * omega_max <= cap) break;  // no country over the cap (see above)
      const double sc = scale;
      const bool first = round == 0;  // flags not yet set for this power
      auto cap_block = [=](std::int64_t b) {
        const std::int64_t lo = b * kParallelGrain, hi = std::min(n, lo + kParallelGrain);
        // locals, not the closure's members: a char store may alias those,
        // and the compiler would reload every one after each flag store
        const double scl = sc, cp = cap;
        const double* const a = staged + k;
        char* const f = flag;
        const std::int64_t stride = K;
        std::int64_t count = 0;
        if (first) {
          for (std::int64_t i = lo; i < hi; ++i) {
            const bool now = scl * a[i * stride] > cp;
            f[i] = static_cast<char>(now);
            count += now;
          }
        } else {
          for (std::int64_t i = lo; i < hi; ++i) {
            const char c = f[i];
            const bool now = !c && scl * a[i * stride] > cp;
            f[i] = static_cast<char>(c | now);
            count += now;
          }
        }
        round_counts[b] = count;
      };
      parallel_for(nblocks, cap_block, 2);
      std::int64_t more = 0;
      for (std::int64_t b = 0; b < nblocks; ++b) more += round_counts[b];
      if (more == 0) break;
      ncapped += more;
      free_weight = fixed_sum(n, [=](std::int64_t i) { return flag[i] ? 0.0 : staged[i * K + k]; });
    }
    double* const out = w.aid.data();
    const double* const add = extra ? w.aid_extra.data() : nullptr;
    if (ncapped == 0) {  // no flags set: every country gets scale·ω (below)
      mode[k] = kScaled;
      final_scale[k] = scale;
      continue;
    }
    mode[k] = kDone;
    parallel_for(n, [&](std::int64_t i) {
      const double v = flag[i] ? cap : scale * out[i * K + k];
      out[i * K + k] = add ? v + add[i * K + k] : v;
    });
  }
  double* const out = w.aid.data();
  const double* const add = extra ? w.aid_extra.data() : nullptr;
  std::int64_t i0 = 0;
  if (K == 2) {
    using v4d = v4::d;
    using v4m = v4::m;
    const v4d s = {final_scale[0], final_scale[1], final_scale[0], final_scale[1]};
    const std::int64_t sc0 = mode[0] == kScaled ? -1 : 0, sc1 = mode[1] == kScaled ? -1 : 0;
    const std::int64_t dn0 = mode[0] == kDone ? -1 : 0, dn1 = mode[1] == kDone ? -1 : 0;
    const v4m scaled = {sc0, sc1, sc0, sc1}, done = {dn0, dn1, dn0, dn1};
    const v4d zero = {0.0, 0.0, 0.0, 0.0};
    const std::int64_t pairs = n / 2, pair_blocks = (pairs + kParallelGrain - 1) / kParallelGrain;
    // blocks of pairs (in parallel in large worlds), the extra test out of the loop
    parallel_for(
        pair_blocks,
        [=](std::int64_t b) {
          const std::int64_t lo = b * kParallelGrain, hi = std::min(pairs, lo + kParallelGrain);
          if (add) {
            for (std::int64_t q = lo; q < hi; ++q) {
              v4d a, e;
              std::memcpy(&a, out + 4 * q, sizeof a);
              std::memcpy(&e, add + 4 * q, sizeof e);
              // kScaled: scale·ω + extra; kZero: 0 + extra (as the row's
              // zeroing and += extra made); kDone: the row is final
              const v4d v = v4::select(done, a, v4::select(scaled, s * a, zero) + e);
              std::memcpy(out + 4 * q, &v, sizeof v);
            }
          } else {
            for (std::int64_t q = lo; q < hi; ++q) {
              v4d a;
              std::memcpy(&a, out + 4 * q, sizeof a);
              const v4d v = v4::select(done, a, v4::select(scaled, s * a, zero));
              std::memcpy(out + 4 * q, &v, sizeof v);
            }
          }
        },
        2);
    i0 = 2 * pairs;
  }
  for (int k = 0; k < K; ++k) {
    if (mode[k] == kDone) continue;
    const double sc = final_scale[k];
    const bool scaled = mode[k] == kScaled;
    parallel_for(n - i0, [&](std::int64_t j) {
      const std::int64_t i = i0 + j;
      const double v = scaled ? sc * out[i * K + k] : 0.0;
      out[i * K + k] = add ? v + add[i * K + k] : v;
    });
  }
}

}  // namespace blocsim::phase
