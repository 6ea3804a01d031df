// Revision and logit draw, shared by the choice and standards phases
// (docs/design.md §3.4–3.5): with probability r a country reconsiders and draws an
// option b ∈ {0..K} with P(b) ∝ exp(λ·V_b); λ = ∞ is best response.
// Numbers: the first uniform of the country's Philox stream decides whether it
// revises, the second which option it draws.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "blocsim/parallel.h"
#include "blocsim/engine/rng.h"
#include "blocsim/engine/world.h"
#include "exp_libm.h"

namespace blocsim::phase::detail {

struct RevisionRule {
  double rate;         //!< r: probability of reconsidering this tick
  double lambda;       //!< λ: logit intensity (+inf = best response)
  Stream stream;       //!< the phase's stream
  bool best_response;  //!< λ = ∞
  //! Whether any random number is needed: not when r ≤ 0 (nobody revises) or
  //! when r ≥ 1 with best response (uniform() < 1 always, no second draw).
  bool draw;
  //! The revision test Rng::uniform_of(hi, lo) < r in integers:
  //! hi·2³² + lo < key_below, or always when r ≥ 1. Exact: uniform_of is
  //! m·2⁻⁵³ with the integer m = (hi·2³² + lo) >> 11 < 2⁵³ (both steps exact), so
  //! uniform < r ⟺ m < r·2⁵³ ⟺ m < T = ⌈r·2⁵³⌉ ⟺ hi·2³² + lo < T·2¹¹; for
  //! 0 < r < 1, T ≤ 2⁵³ − 1 and T·2¹¹ fits in 64 bits (r ≤ 0 or NaN: never).
  bool always;
  std::uint64_t key_below;

  RevisionRule(double r, double l, Stream s)
      : rate(r), lambda(l), stream(s), best_response(std::isinf(l)), draw(!(r <= 0.0 || (r >= 1.0 && std::isinf(l)))),
        always(r >= 1.0), key_below(r > 0.0 && r < 1.0 ? static_cast<std::uint64_t>(std::ceil(r * 0x1p53)) << 11 : 0) {}

  //! Whether the country with these block-0 words revises: the same as
  //! Rng::uniform_of(block0[0], block0[1]) < rate.
  [[gnu::always_inline]] bool revises(const std::array<std::uint32_t, 4>& block0) const {
    return always || ((static_cast<std::uint64_t>(block0[0]) << 32) | block0[1]) < key_below;
  }
};

//! The option a row keeps when it does not revise: its pinned value if
//! pinned (pinned ≥ 0), else its current one. decide() returns this for every
//! row needs_values() rejects; the kernels that skip those rows' values call
//! it too (rows.h, rows_x4.h), so the two cannot drift apart.
[[gnu::always_inline]] inline Bloc kept(Bloc pinned, Bloc current) { return pinned >= 0 ? pinned : current; }

//! The option country i holds next: its pinned value if pinned, else the
//! revision draw over `value[0..K]` (`top` = index of the maximum).
[[gnu::always_inline]] inline Bloc decide(const RevisionRule& rule, Bloc current, Bloc pinned, const double* value, int K, int top,
                   std::uint64_t seed, std::uint64_t tick, std::int64_t i, const std::array<std::uint32_t, 4>& block0) {
  if (pinned >= 0) return pinned;  // = kept(pinned, current)
  if (!rule.draw) return rule.rate >= 1.0 ? static_cast<Bloc>(top) : current;
  // The two uniforms are those of Rng(seed, tick, i, rule.stream, block0):
  // block 0's words (0, 1) and (2, 3) — read directly (no generator to build;
  // issue 14: ~50 instructions per revising row).
  static_cast<void>(seed), static_cast<void>(tick), static_cast<void>(i);
  if (!rule.revises(block0)) return current;  // Rng::uniform_of(block0[0], block0[1]) < rate, in integers
  if (rule.best_response) return static_cast<Bloc>(top);
  double prob[kMaxPowers + 1];
  double total = 0.0;
  // exp(±0) = 1 exactly (C Annex F; glibc): the top option (and any tied
  // with it) skips the call — the same value, one exp call fewer per draw.
  // exp_libm: std::exp's bits, inline where the C library's code path is
  // known (exp_libm.h; ~3 % of a whole sweep's time).
  for (int b = 0; b <= K; ++b) {
    const double e = rule.lambda * (value[b] - value[top]);
    total += (prob[b] = e == 0.0 ? 1.0 : exp_libm(e));
  }
  double r = Rng::uniform_of(block0[2], block0[3]) * total;
  int b = 0;
  while (b < K && r >= prob[b]) r -= prob[b++];
  return static_cast<Bloc>(b);
}

//! Whether decide() reads `value` and `top` for this country: not when it is
//! pinned, nor when it does not revise (r ≤ 0, or its first uniform ≥ r) —
//! then decide() returns `pinned` or `current` whatever the values, and draws
//! nothing more (the streams are counter-based: block0 is the same either
//! way). The standards kernels skip the values of such rows.
[[gnu::always_inline]] inline bool needs_values(const RevisionRule& rule, Bloc pinned, const std::array<std::uint32_t, 4>& block0) {
  if (pinned >= 0) return false;
  if (!rule.draw) return rule.rate >= 1.0;
  return rule.revises(block0);
}

//! needs_values() of the 4 countries i … i + 3 as a mask (bit l: country
//! i + l), without branches per country.
[[gnu::always_inline]] inline unsigned needs_values4(const RevisionRule& rule, const Bloc* pinned,
                                                     const std::array<std::uint32_t, 4>* block0) {
  unsigned m = 0;
  if (!rule.draw) {
    m = rule.rate >= 1.0 ? 0xFu : 0u;
  } else if (rule.always) {
    m = 0xFu;
  } else {
    for (int l = 0; l < 4; ++l)
      m |= static_cast<unsigned>(((static_cast<std::uint64_t>(block0[l][0]) << 32) | block0[l][1]) < rule.key_below) << l;
  }
  for (int l = 0; l < 4; ++l) m &= ~(static_cast<unsigned>(pinned[l] >= 0) << l);
  return m;
}

//! body(i, block0) for every country, in groups of 4 whose first Philox
//! blocks are computed together (philox_block0_x4: the same numbers as one
//! Rng per country). block0 is zero when the rule needs no random numbers.
template <class Body>
inline void for_each_country_with_block0(std::int64_t n, const RevisionRule& rule, std::uint64_t seed,
                                         std::uint64_t tick, Body&& body) {
  parallel_for(
      (n + 3) / 4,
      [&](std::int64_t g) {
        const std::int64_t lo = 4 * g;
        const int m = static_cast<int>(n - lo < 4 ? n - lo : 4);
        std::array<std::uint32_t, 4> block0[4] = {};
        if (rule.draw)
          philox_block0_x4(seed, tick, static_cast<std::uint64_t>(lo), static_cast<std::uint32_t>(rule.stream), m, block0);
        for (int l = 0; l < m; ++l) body(lo + l, block0[l]);
      },
      kParallelGrain / 4);
}

}  // namespace blocsim::phase::detail
