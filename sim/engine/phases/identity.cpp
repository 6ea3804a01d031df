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
#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "rows.h"

namespace blocsim::phase {

namespace {

template <int DC>
void identity_impl(World& w) {
  const rows::Identity<DC> row(w);
  const bool prefetch = prefetches_neighbours(w.n);
  parallel_for(w.n, [&](std::int64_t i) {
    // Rewired neighbours are cache misses: touch row i + kPrefetchAhead's
    // neighbours while working on row i.
    if (prefetch && w.params.mu != 0.0 && i + kPrefetchAhead < w.n) row.prefetch(i + kPrefetchAhead);
    row(i);
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
