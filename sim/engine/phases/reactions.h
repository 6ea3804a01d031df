// Reactive strategies (issue 11; docs/ODD.md §7.10): rules a scenario gives a
// power, evaluated at the end of the policy phase from the state the previous
// tick left.
#pragma once

#include "blocsim/engine/world.h"

namespace blocsim::phase::detail {

//! Evaluate every power's rules (powers in scenario order, rules in file
//! order). Zeroes (when a `margin` rule exists; otherwise it is still all
//! zeros) and refills `aid_extra`; edits live levers; appends each
//! firing to `w.firings`. Deterministic: signals are fixed-order sums.
void react(World& w);

//! Value of a global signal for power k (see ODD §7.10), or NaN if unknown.
double reaction_signal(const World& w, int k, const std::string& signal);

}  // namespace blocsim::phase::detail
