//! \file metrics.h
//! \brief The record phase: per-tick metrics of docs/design.md §4.
#pragma once

#include <string>
#include <vector>

#include "blocsim/engine/world.h"

namespace blocsim {

//! Names of the metric columns for a world with these powers, in CSV order
//! (after the key columns replicate, seed, tick, date). See results/README.md.
std::vector<std::string> metric_columns(const std::vector<std::string>& power_ids);

//! Compute every metric of the current state, in `metric_columns` order.
//! Reductions run in a fixed order (bit-identical at any thread count).
std::vector<double> compute_metrics(const World& w);

//! The same, taking the polarization coordinate z_i from `w.choice_z` (the
//! similarities the choice phase computed) instead of recomputing it. Only
//! valid right after a tick of step() (identity, then choice, and nothing
//! since changed x or the powers' identities); equal bits to the above.
std::vector<double> compute_metrics_after_step(const World& w);

//! Every metric but interoperability (NaN in its column): no walk over the
//! network. `after_step`: take z from `w.choice_z` as compute_metrics_after_step
//! does. simulate() fills the interoperability in from the next tick's
//! network walk (phase::network_pass) or from interoperability().
std::vector<double> compute_metrics_without_interoperability(const World& w, bool after_step);

//! The interoperability metric alone (its own walk over the network), the
//! same bits as its column of compute_metrics.
double interoperability(const World& w);

//! Index of the interoperability column in `metric_columns` for K powers.
std::size_t interoperability_column(int powers);

//! Esteban–Ray polarization Σ_a Σ_b p_a^{1+α} p_b |z_a − z_b| of values z
//! with weights p (normalised inside), binned into `bins` equal bins on [lo, hi].
double esteban_ray(const std::vector<double>& z, const std::vector<double>& weight,
                   double alpha, double lo, double hi, int bins = 64);

//! Reynal-Querol bipolarity 1 − Σ_s ((0.5 − π_s)/0.5)² π_s of shares π.
double reynal_querol(const std::vector<double>& shares);

}  // namespace blocsim
