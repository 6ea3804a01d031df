// Phase 7 — record: the per-tick metrics of docs/design.md §4.
//
//   bloc shares     π_b = Σ_{i: a_i = b} v_i / Σ_i v_i   for v = 1, gdp, pop
//   standards       σ_s likewise over s_i
//   fragmentation   F = 1 − Σ_s σ_s² (GDP weights); F_norm = F / (1 − 1/(K+1))
//   effective std.  1 / Σ_s σ_s²
//   interoperability Σ_ij w_ij 1{s_i = s_j} / Σ_ij w_ij
//   polarization    Esteban–Ray P = Σ_a Σ_b p_a^{1+α} p_b |z_a − z_b| over 64 bins of
//                   z_i = sim(x_i, y_1) − sim(x_i, y_2) ∈ [−1, 1] (population weights;
//                   with K = 1, z_i = sim(x_i, y_1))
//   bipolarity      Reynal-Querol RQ = 1 − Σ_b ((0.5 − π_b)/0.5)² π_b (count shares)
//   centroid dist.  mean ‖x̄_k − x̄_l‖ over pairs of non-empty power blocs (nan if < 2)
//   churn           alignment switches in this tick's choice phase
// simulate() takes the interoperability of tick t from the network walk of
// tick t + 1 (phase::network_pass, docs/ODD.md §3) and measures only the last
// tick's here (interoperability()); the same row kernel and order, the same bits.
// All sums are one fixed-order pass (fixed_reduce): bit-identical at any thread count.
#include "blocsim/engine/metrics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "blocsim/engine/simulation.h"
#include "blocsim/parallel.h"
#include "phases/rows.h"

namespace blocsim {

std::vector<std::string> metric_columns(const std::vector<std::string>& ids) {
  std::vector<std::string> blocs{"nonaligned"}, stds{"intl"};
  for (const auto& id : ids) {
    blocs.push_back(id);
    stds.push_back(id);
  }
  std::vector<std::string> c;
  for (const char* w : {"count", "gdp", "pop"})
    for (const auto& b : blocs) c.push_back(std::string("bloc_") + w + "_" + b);
  for (const char* w : {"count", "gdp", "pop"})
    for (const auto& s : stds) c.push_back(std::string("std_") + w + "_" + s);
  for (const char* m : {"fragmentation", "fragmentation_norm", "effective_standards", "interoperability",
                        "polarization_er", "bipolarity_rq", "centroid_distance", "churn"})
    c.emplace_back(m);
  for (const auto& b : blocs) c.push_back("capacity_" + b);
  for (const auto& id : ids) c.push_back("frontier_" + id);
  return c;
}

namespace {

// 4 doubles at 8-byte alignment (unaligned loads and stores), for the passes
// below. A typedef, not `using`: Clang ignores an alignment lowered in an
// alias-declaration (alignof stays 32; UBSan caught a misaligned choice_z load).
typedef double v4u __attribute__((vector_size(32), aligned(8)));

// Esteban–Ray over bin masses: Σ_a Σ_b p_a^{1+α} p_b |a − b|·width, visiting
// only occupied bins (typically far fewer than the 64 bins).
double esteban_ray_binned(const double* mass, int bins, double alpha, double width) {
  double total = 0.0;
  for (int a = 0; a < bins; ++a) total += mass[a];
  if (total <= 0.0) return 0.0;
  int idx[256];
  double p[256], p_pow[256];
  // p^{1+α} per bin, remembered per thread by bin from the last call: a bin
  // whose share has the same bits (and the same α) as last time gets the
  // same pow() result back without the call (pow is a function of its
  // arguments' bits). Shares are in (0, 1], never the all-ones NaN pattern
  // that marks an empty slot.
  constexpr int kMemo = 64;
  thread_local struct Memo {
    std::uint64_t alpha = ~std::uint64_t{0};
    std::uint64_t p[kMemo];
    double p_pow[kMemo];
  } memo;
  const auto alpha_bits = std::bit_cast<std::uint64_t>(alpha);
  if (memo.alpha != alpha_bits) {
    memo.alpha = alpha_bits;
    for (int a = 0; a < kMemo; ++a) memo.p[a] = ~std::uint64_t{0};
  }
  int m = 0;
  for (int a = 0; a < bins && m < 256; ++a)
    if (mass[a] > 0.0) {
      idx[m] = a;
      p[m] = mass[a] / total;
      const auto bits = std::bit_cast<std::uint64_t>(p[m]);
      if (a < kMemo && memo.p[a] == bits) {
        p_pow[m] = memo.p_pow[a];
      } else {
        p_pow[m] = std::pow(p[m], 1.0 + alpha);
        if (a < kMemo) {
          memo.p[a] = bits;
          memo.p_pow[a] = p_pow[m];
        }
      }
      ++m;
    }
  // inner_a = Σ_b p_b·|idx_a − idx_b| in b order. The bin distances are small
  // integers, exact in double, so |x_a − x_b| on their double values is the
  // same number as the integer |idx_a − idx_b| converted.
  // Four values of a at a time: lane j adds p_b·|x_{a+j} − x_b| for b in
  // order from 0 — each lane is inner_{a+j} with the scalar loop's additions
  // in its order (contraction is off), so the same bits in a quarter of the
  // steps; er then adds p_pow·inner·width in a order as before.
  double x[256 + 3], inner[256 + 3];
  for (int a = 0; a < m; ++a) x[a] = static_cast<double>(idx[a]);
  for (int a = m; a < m + 3; ++a) x[a] = 0.0;  // padding lanes, never read back
  const v4u sign = {-0.0, -0.0, -0.0, -0.0};
  for (int a = 0; a < m; a += 4) {
    const v4u xa = *reinterpret_cast<const v4u*>(x + a);
    v4u in = {0.0, 0.0, 0.0, 0.0};
    for (int b = 0; b < m; ++b) {
      const v4u diff = xa - x[b];
      // |diff| by clearing the sign bit (std::abs on each lane)
      const v4u ad = reinterpret_cast<v4u>(reinterpret_cast<std::uint64_t __attribute__((vector_size(32)))>(diff) &
                                           ~reinterpret_cast<std::uint64_t __attribute__((vector_size(32)))>(sign));
      in += p[b] * ad;
    }
    *reinterpret_cast<v4u*>(inner + a) = in;
  }
  double er = 0.0;
  for (int a = 0; a < m; ++a) er += p_pow[a] * inner[a] * width;
  return er;
}

}  // namespace

double esteban_ray(const std::vector<double>& z, const std::vector<double>& weight, double alpha, double lo,
                   double hi, int bins) {
  std::vector<double> mass(static_cast<std::size_t>(bins), 0.0);
  for (std::size_t i = 0; i < z.size(); ++i) {
    int b = static_cast<int>((z[i] - lo) / (hi - lo) * bins);
    b = b < 0 ? 0 : (b >= bins ? bins - 1 : b);
    mass[static_cast<std::size_t>(b)] += weight[i];
  }
  return esteban_ray_binned(mass.data(), bins, alpha, (hi - lo) / bins);
}

double reynal_querol(const std::vector<double>& shares) {
  double s = 0.0;
  for (double p : shares) s += (0.5 - p) / 0.5 * ((0.5 - p) / 0.5) * p;
  return 1.0 - s;
}

namespace {
std::vector<double> metrics_impl(const World& w, bool z_from_choice, bool interop) {
  const int K = w.k, D = w.d, B = K + 1;
  constexpr int kBins = 64;
  // accumulator layout: per bloc b the 4 sums (count, gdp, pop, capacity) of
  // the countries aligned with b side by side, per standard s the 3 sums
  // (count, gdp, pop) of the countries using s and a 4th that is never read,
  // so each country adds its (1, gdp_i, pop_i, c_i) as one 4-lane vector to
  // both — each lane is its own sum, in the same order, so the same bits as 7
  // scalar sums. (The 4th standards lane sums capacities rather than zeros:
  // for {1, g, p, 0.0} GCC emits a register-to-register VMOVQ (VEX 66 0F D6),
  // which Debian 12's valgrind 3.19 cannot decode — a 2-thread run of a world
  // of more than kParallelGrain countries died of SIGILL under valgrind.)
  const std::size_t o_bloc = 0;                                           // 4 per bloc
  const std::size_t o_std = o_bloc + 4 * static_cast<std::size_t>(B);     // 4 per standard
  const std::size_t o_cen = o_std + 4 * static_cast<std::size_t>(B);      // centroid sums K×D
  const std::size_t o_int = o_cen + static_cast<std::size_t>(K) * static_cast<std::size_t>(D);  // interop num, den
  const std::size_t o_er = o_int + 2;                                  // ER bin masses
  const std::size_t width = o_er + kBins;
  const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(D));
  auto sim = [&](const double* xi, int k) {
    const auto& y = w.powers[static_cast<std::size_t>(k)].identity;
    double d2 = 0.0;
    for (int d = 0; d < D; ++d) d2 += (xi[d] - y(d)) * (xi[d] - y(d));
    return 1.0 - std::sqrt(d2) * inv_sqrt_d;
  };
  const bool prefetch = prefetches_neighbours(w.n);
  // the per-country arrays as raw pointers (stores into the accumulators may
  // alias World's members, so the compiler would reload them per country)
  const Bloc* const alignment = w.alignment.data();
  const Bloc* const standard = w.standard.data();
  const double* const gdp = w.gdp.data();
  const double* const pop = w.pop.data();
  const double* const capacity = w.capacity.data();
  const double* const x = w.x.data();
  const double* const choice_z = z_from_choice ? w.choice_z.data() : nullptr;
  const std::int64_t n = w.n;
  // The pass, compiled once per (interop, z source): simulate()'s record
  // phase (no interoperability, z from the choice phase) then has no calls
  // in its loop, so the offsets and pointers stay in registers.
  auto pass = [&](auto interop_c, auto z_from_choice_c, double* total) {
    constexpr bool kInterop = decltype(interop_c)::value, kZChoice = decltype(z_from_choice_c)::value;
    fixed_reduce_into(n, width, total, [&](std::int64_t i, double* a) {
      const int b = alignment[i], s = standard[i];
      const double g = gdp[i], p = pop[i], c = capacity[i];
      const double* xi = x + i * D;
      // typed (not memcpy) loads and stores: a memcpy store may alias
      // anything, so the compiler would reload every captured pointer per
      // country; a double vector store aliases only doubles
      v4u* const bloc = reinterpret_cast<v4u*>(a + o_bloc + 4 * static_cast<std::size_t>(b));
      v4u* const stand = reinterpret_cast<v4u*>(a + o_std + 4 * static_cast<std::size_t>(s));
      *bloc += v4u{1.0, g, p, c};
      *stand += v4u{1.0, g, p, c};
      if (b > 0) {
        double* const cen = a + o_cen + static_cast<std::size_t>((b - 1) * D);
        if (D == 4) {  // one vector add: four independent sums, same bits
          *reinterpret_cast<v4u*>(cen) += *reinterpret_cast<const v4u*>(xi);
        } else {
          for (int d = 0; d < D; ++d) cen[d] += xi[d];
        }
      }
      if constexpr (kInterop) {
        if (prefetch && i + kPrefetchAhead < n)  // rewired neighbours are cache misses (see identity.cpp)
          for (auto q = w.w.outerIndexPtr()[i + kPrefetchAhead]; q < w.w.outerIndexPtr()[i + kPrefetchAhead + 1]; ++q)
            __builtin_prefetch(w.standard.data() + w.w.innerIndexPtr()[q]);
        phase::rows::interoperability_row(w.w, w.standard.data(), B, i, a[o_int], a[o_int + 1]);
      }
      if (K >= 1) {
        double z;
        if constexpr (kZChoice)
          z = choice_z[i];
        else
          z = K >= 2 ? sim(xi, 0) - sim(xi, 1) : sim(xi, 0);
        int bin = static_cast<int>((z + 1.0) / 2.0 * kBins);
        bin = bin < 0 ? 0 : (bin >= kBins ? kBins - 1 : bin);
        a[o_er + static_cast<std::size_t>(bin)] += p;
      }
    });
  };
  using yes = std::true_type;
  using no = std::false_type;
  // the totals (fixed_reduce_into: no allocation for the usual widths)
  ReduceScratch scratch(width);
  double* const acc = scratch.data();
  if (!interop && choice_z && D == 4 && K >= 1) {
    // simulate()'s record phase: the pass above for this case with D = 4 a
    // constant and everything the body reads captured by value (in
    // registers, not reloaded through the closure after every store)
    // the countries' ER bins first, four per step (each lane the scalar
    // bin's operations: the same truncating conversion, the same clamp),
    // as bytes (kBins ≤ 127) in per-thread scratch (no allocation per tick)
    static_assert(kBins <= 127);
    using v4i = std::int32_t __attribute__((vector_size(16)));
    thread_local std::vector<std::int8_t> bin_scratch;
    bin_scratch.resize(static_cast<std::size_t>(n));
    std::int8_t* const bins = bin_scratch.data();
    const std::int64_t nb = (n + kParallelGrain - 1) / kParallelGrain;
    parallel_for(
        nb,
        [choice_z, bins, n](std::int64_t blk) {
          const std::int64_t lo = blk * kParallelGrain, hi = std::min(n, lo + kParallelGrain);
          std::int64_t i = lo;
          const v4i zero = {0, 0, 0, 0}, top = {kBins - 1, kBins - 1, kBins - 1, kBins - 1};
          for (; i + 3 < hi; i += 4) {
            const v4u t = (*reinterpret_cast<const v4u*>(choice_z + i) + 1.0) / 2.0 * kBins;
            v4i b = __builtin_convertvector(t, v4i);
            b = b < zero ? zero : (b >= top ? top : b);
            for (int j = 0; j < 4; ++j) bins[i + j] = static_cast<std::int8_t>(b[j]);
          }
          for (; i < hi; ++i) {
            int b = static_cast<int>((choice_z[i] + 1.0) / 2.0 * kBins);
            bins[i] = static_cast<std::int8_t>(b < 0 ? 0 : (b >= kBins ? kBins - 1 : b));
          }
        },
        2);
    const std::size_t ost = o_std, ocen = o_cen, oer = o_er;
    fixed_reduce_into(n, width, acc,
                      [alignment, standard, gdp, pop, capacity, x, bins, ost, ocen, oer](std::int64_t i, double* a) {
                        const int b = alignment[i], s = standard[i];
                        const double g = gdp[i], p = pop[i], c = capacity[i];
                        *reinterpret_cast<v4u*>(a + 4 * static_cast<std::size_t>(b)) += v4u{1.0, g, p, c};
                        *reinterpret_cast<v4u*>(a + ost + 4 * static_cast<std::size_t>(s)) += v4u{1.0, g, p, c};
                        if (b > 0)
                          *reinterpret_cast<v4u*>(a + ocen + 4 * static_cast<std::size_t>(b - 1)) +=
                              *reinterpret_cast<const v4u*>(x + 4 * i);
                        a[oer + static_cast<std::size_t>(bins[i])] += p;
                      });
  } else if (interop)
    choice_z ? pass(yes{}, yes{}, acc) : pass(yes{}, no{}, acc);
  else
    choice_z ? pass(no{}, yes{}, acc) : pass(no{}, no{}, acc);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(7 * B + 8 + K));
  // shares of sum `lane` over the B blocs / standards at `off` (stride 4)
  double sh[6][kMaxPowers + 1];
  auto shares = [&](std::size_t off, int lane, double* out_sh) {
    double tot = 0.0;
    for (int b = 0; b < B; ++b) tot += acc[off + 4 * static_cast<std::size_t>(b) + static_cast<std::size_t>(lane)];
    for (int b = 0; b < B; ++b)
      out_sh[b] = tot > 0.0 ? acc[off + 4 * static_cast<std::size_t>(b) + static_cast<std::size_t>(lane)] / tot : nan;
  };
  for (int q = 0; q < 3; ++q) shares(o_bloc, q, sh[q]);
  for (int q = 0; q < 3; ++q) shares(o_std, q, sh[3 + q]);
  for (int q = 0; q < 6; ++q) out.insert(out.end(), sh[q], sh[q] + B);
  const double* const bc = sh[0];
  const double* const sg = sh[4];
  double hhi = 0.0;
  for (int b = 0; b < B; ++b) hhi += sg[b] * sg[b];
  const double frag = 1.0 - hhi;
  out.push_back(frag);
  out.push_back(frag / (1.0 - 1.0 / B));
  out.push_back(hhi > 0.0 ? 1.0 / hhi : nan);
  out.push_back(interop && acc[o_int + 1] > 0.0 ? acc[o_int] / acc[o_int + 1] : nan);  // !interop: filled in later
  out.push_back(esteban_ray_binned(acc + o_er, kBins, w.params.polarization_alpha, 2.0 / kBins));
  {
    double rq = 0.0;  // reynal_querol(bc), its terms in its order
    for (int b = 0; b < B; ++b) rq += (0.5 - bc[b]) / 0.5 * ((0.5 - bc[b]) / 0.5) * bc[b];
    out.push_back(1.0 - rq);
  }
  {
    double sum = 0.0;
    int pairs = 0;
    for (int k = 0; k < K; ++k)
      for (int l = k + 1; l < K; ++l) {
        const double nk = acc[o_bloc + 4 * static_cast<std::size_t>(k + 1)], nl = acc[o_bloc + 4 * static_cast<std::size_t>(l + 1)];
        if (nk <= 0.0 || nl <= 0.0) continue;
        double d2 = 0.0;
        for (int d = 0; d < D; ++d) {
          const double diff = acc[o_cen + static_cast<std::size_t>(k * D + d)] / nk - acc[o_cen + static_cast<std::size_t>(l * D + d)] / nl;
          d2 += diff * diff;
        }
        sum += std::sqrt(d2);
        ++pairs;
      }
    out.push_back(pairs > 0 ? sum / pairs : nan);
  }
  out.push_back(static_cast<double>(w.churn));
  for (int b = 0; b < B; ++b) {
    const double n = acc[o_bloc + 4 * static_cast<std::size_t>(b)];
    out.push_back(n > 0.0 ? acc[o_bloc + 4 * static_cast<std::size_t>(b) + 3] / n : nan);
  }
  for (int k = 0; k < K; ++k) out.push_back(w.powers[static_cast<std::size_t>(k)].frontier);
  return out;
}

}  // namespace

std::vector<double> compute_metrics(const World& w) { return metrics_impl(w, false, true); }

std::vector<double> compute_metrics_after_step(const World& w) {
  return metrics_impl(w, w.choice_z.size() == w.n && !reference_paths(), true);
}

std::vector<double> compute_metrics_without_interoperability(const World& w, bool after_step) {
  return metrics_impl(w, after_step && w.choice_z.size() == w.n, false);
}

std::size_t interoperability_column(int powers) { return static_cast<std::size_t>(6 * (powers + 1) + 3); }

double interoperability(const World& w) {
  const int B = w.k + 1;
  const bool prefetch = prefetches_neighbours(w.n);
  const auto acc = fixed_reduce(w.n, 2, [&](std::int64_t i, double* a) {
    if (prefetch && i + kPrefetchAhead < w.n)
      for (auto q = w.w.outerIndexPtr()[i + kPrefetchAhead]; q < w.w.outerIndexPtr()[i + kPrefetchAhead + 1]; ++q)
        __builtin_prefetch(w.standard.data() + w.w.innerIndexPtr()[q]);
    phase::rows::interoperability_row(w.w, w.standard.data(), B, i, a[0], a[1]);
  });
  return acc[1] > 0.0 ? acc[0] / acc[1] : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace blocsim
