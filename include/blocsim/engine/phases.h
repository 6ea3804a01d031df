//! \file phases.h
//! \brief The seven named tick phases (docs/design.md §3), in order.
//!
//! Each phase is a free function over `World`. Within a phase every country
//! reads the state as the previous phase left it and writes only its own
//! slots (or its own next-buffer), so the result does not depend on the order
//! in which countries are visited or on the thread count. The equations of
//! each phase are in a comment at the top of `sim/phases/<phase>.cpp` and in
//! docs/ODD.md.
#pragma once

#include <array>
#include <string_view>

#include "blocsim/engine/config.h"
#include "blocsim/engine/world.h"

namespace blocsim {

enum class Phase { policy, courtship, identity, choice, standards, material, record };

inline constexpr std::array<Phase, 7> kTickPhases = {
    Phase::policy, Phase::courtship, Phase::identity, Phase::choice,
    Phase::standards, Phase::material, Phase::record};

constexpr std::string_view phase_name(Phase p) {
  constexpr std::array<std::string_view, 7> names = {
      "policy", "courtship", "identity", "choice", "standards", "material", "record"};
  return names[static_cast<std::size_t>(p)];
}

namespace phase {

//! 1. Apply the timeline events scheduled for `w.tick`, then refresh
//!    `by_alignment` tiers. Rebuilds W if memberships changed.
void policy(World& w, const ScenarioConfig& cfg);

//! 2. Offers: access A_ik, aid aid_ik, grievance increment ΔG_ik.
void courtship(World& w);

//! 3. Identity update (bounded-confidence peer influence, narratives,
//!    grievance push, noise; stream Stream::identity_noise). Writes x_next, swaps.
void identity(World& w);

//! 4. Alignment choice (logit / best response at revision rate r;
//!    stream Stream::choice). Writes utility,
//!    margin, churn and alignment.
void choice(World& w);

//! 5. Standards adoption (Arthur-style increasing returns; stream Stream::standards).
void standards(World& w);

//! 6. Capacity, lock-in, grievance, ties and power frontiers.
void material(World& w);

//! Phases 3, 4 and 5 in one walk over the network rows (issue 14): per row,
//! the identity, choice and standards kernels back to back, each reading its
//! neighbours' state at the start of the walk and the row's own values as the
//! earlier kernel left them — the same values, hence the same bits, as
//! identity(w); choice(w); standards(w). With `interoperability`, the same
//! walk also measures the record phase's interoperability of the standards at
//! its start (the end state of tick w.tick − 1) into
//! `w.walk_interoperability` / `w.walk_interoperability_tick`, summed in the
//! record phase's fixed order (the same bits as compute_metrics gives).
void network_pass(World& w, bool interoperability);

//! network_pass and then phase 6 (material) in the same walk: each block of
//! kParallelGrain rows gets the material phase's per-country update right
//! after its decisions (a country's update reads its new alignment and
//! standard and its own slots, which no other row's kernels read), and the powers' frontiers
//! are updated after the walk — the same values, hence the same bits, as
//! network_pass(w, interoperability); material(w). step() runs it on the
//! current paths (issue 14, round 19: one pass over the rows' arrays fewer).
//! `sums`: the identity kernel's neighbour sums of this world's rows as
//! identity_sums_batch wrote them for this tick (nullptr: the walk sums them).
void network_pass_material(World& w, bool interoperability, const double* sums = nullptr);

//! Worlds whose identity neighbour sums one identity_sums_batch call computes.
inline constexpr int kSumsBatch = 4;

//! Whether identity_sums_batch may sum worlds a and b together: D = 4 both,
//! the same countries, the same ε (bits) and the same network W (bits).
bool sums_batch_compatible(const World& a, const World& b);

//! The identity phase's neighbour sums of `count` (1 … kSumsBatch) worlds
//! that sums_batch_compatible holds for, each row's the same bits as the
//! fused walk's own (identity_x4.h rows4; issue 14, round 26): out[r] gets
//! world r's num (N × 4, row-major) and then its den (N). The walk of world r
//! reads them through network_pass_material(…, out[r]) in the same tick,
//! after its policy and courtship phases (which do not change x).
void identity_sums_batch(const World* const* worlds, int count, double* const* out);

//! Phases 4 and 5 in one walk, without the identity update (identities stay
//! as they are): the same bits as choice(w); standards(w). The tick-0
//! equilibrium's best-response iterations use it (world.cpp; the two phases
//! one after another on the reference paths).
void decision_pass(World& w);

}  // namespace phase
}  // namespace blocsim
