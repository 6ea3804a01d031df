// Axelrod & Bennett (1993), "A landscape theory of aggregation", British
// Journal of Political Science 23(2):211–233.
//
// n actors with sizes s_i and symmetric propensities p_ij (> 0 affinity,
// < 0 antagonism) split into two coalitions. Frustration of a configuration X
// (the "energy"): E(X) = Σ_{i<j} s_i s_j p_ij d_ij(X), d_ij = 1 if i and j are
// in different coalitions, else 0. An actor switches side when that lowers E
// (single-flip dynamics), so E is a Lyapunov function and the dynamics end in
// local minima; the theory predicts the configurations at local minima, with
// basins of attraction telling which is reached from where.
//
// Separate implementation: signed propensities are not expressible as the
// non-negative network W of the choice phase, and single-actor sequential
// flips are not the synchronous revision of the phase. Same RNG:
// Rng(seed, 0, 0, Stream::user + 3).
//
// The docking check is internal (the published result is a theorem, and the
// 1939 Europe data are not shipped): brute-force enumeration of all 2^(n−1)
// configurations (actor n−1 fixed in coalition 0 by symmetry) gives the local
// minima and their steepest-descent basins; an independent dynamics routine
// must (a) end only in those minima, (b) reach every one of them, (c) give the
// same basin sizes from every start, and (d) never raise E.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "blocsim/analysis/dock.h"
#include "blocsim/engine/rng.h"
#include "analysis/dock/dock_detail.h"

namespace blocsim::dock {

namespace {

std::uint32_t canonical(std::uint32_t bits, int n) {
  const std::uint32_t mask = n >= 32 ? 0xFFFFFFFFu : ((1u << n) - 1u);
  return (bits >> (n - 1)) & 1u ? (~bits & mask) : bits;
}

}  // namespace

double landscape_energy(const Landscape& l, std::uint32_t bits) {
  double e = 0.0;
  for (int i = 0; i < l.n; ++i)
    for (int j = i + 1; j < l.n; ++j)
      if (((bits >> i) ^ (bits >> j)) & 1u)
        e += l.size[static_cast<std::size_t>(i)] * l.size[static_cast<std::size_t>(j)] *
             l.propensity[static_cast<std::size_t>(i * l.n + j)];
  return e;
}

Landscape random_landscape(int n, std::uint64_t seed) {
  if (n < 2 || n > 24) throw std::invalid_argument("random_landscape: n must be in [2, 24]");
  Landscape l;
  l.n = n;
  Rng rng(seed, 0, 1, detail::kStreamLandscape);
  l.size.resize(static_cast<std::size_t>(n));
  for (double& s : l.size) s = 0.5 + 1.5 * rng.uniform();
  l.propensity.assign(static_cast<std::size_t>(n * n), 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const double p = 2.0 * rng.uniform() - 1.0;
      l.propensity[static_cast<std::size_t>(i * n + j)] = p;
      l.propensity[static_cast<std::size_t>(j * n + i)] = p;
    }
  return l;
}

LandscapeMinima landscape_brute_force(const Landscape& l) {
  const int n = l.n;
  const std::uint32_t count = 1u << (n - 1);
  const std::uint32_t full = (n >= 32) ? 0xFFFFFFFFu : ((1u << n) - 1u);
  // Energy of every configuration (E is invariant under complement).
  std::vector<double> energy(static_cast<std::size_t>(full) + 1);
  for (std::uint32_t c = 0; c <= full; ++c) energy[c] = landscape_energy(l, c);
  // Steepest-descent successor of each canonical configuration (itself at a minimum).
  std::vector<std::uint32_t> next(count);
  for (std::uint32_t c = 0; c < count; ++c) {
    double best = 0.0;
    int arg = -1;
    for (int i = 0; i < n; ++i) {
      const double de = energy[c ^ (1u << i)] - energy[c];
      if (de < best) {
        best = de;
        arg = i;
      }
    }
    next[c] = arg < 0 ? c : canonical(c ^ (1u << arg), n);
  }
  LandscapeMinima out;
  std::vector<long long> basin(count, 0);
  for (std::uint32_t c = 0; c < count; ++c) {
    std::uint32_t x = c;
    while (next[x] != x) x = next[x];  // E strictly decreases: terminates
    ++basin[x];
  }
  for (std::uint32_t c = 0; c < count; ++c)
    if (next[c] == c) {
      out.minima.push_back(c);
      out.energy.push_back(energy[c]);
      out.basin.push_back(basin[c]);
    }
  return out;
}

std::uint32_t landscape_descend(const Landscape& l, std::uint32_t start, bool steepest, std::uint64_t seed) {
  // Independent of the brute force: the energy change of flipping actor i is
  // computed locally, ΔE_i = s_i Σ_j s_j p_ij (same_ij ? +1 : −1).
  const int n = l.n;
  std::uint32_t x = start;
  auto delta = [&](int i) {
    double acc = 0.0;
    for (int j = 0; j < n; ++j) {
      if (j == i) continue;
      const bool same = !(((x >> i) ^ (x >> j)) & 1u);
      acc += (same ? 1.0 : -1.0) * l.size[static_cast<std::size_t>(j)] * l.propensity[static_cast<std::size_t>(i * n + j)];
    }
    return l.size[static_cast<std::size_t>(i)] * acc;
  };
  const double eps = 1e-12;
  if (steepest) {
    for (;;) {
      double best = -eps;
      int arg = -1;
      for (int i = 0; i < n; ++i) {
        const double de = delta(i);
        if (de < best) {
          best = de;
          arg = i;
        }
      }
      if (arg < 0) break;
      x ^= 1u << arg;
    }
  } else {
    Rng rng(seed, 0, 0, detail::kStreamLandscape);
    std::vector<int> order(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
    bool moved = true;
    while (moved) {
      moved = false;
      for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng.below(i + 1)]);
      for (int i : order)
        if (delta(i) < -eps) {
          x ^= 1u << i;
          moved = true;
        }
    }
  }
  return canonical(x, n);
}

std::vector<Row> dock_landscape(const Options& opt) {
  const int instances = detail::replicates(opt, 10, 50);
  const int n = opt.fast ? 10 : 14;
  const int starts = opt.fast ? 200 : 1000;
  const std::string src =
      "Axelrod & Bennett 1993, Br. J. Polit. Sci. 23:211-233: E is a Lyapunov function of single-actor "
      "moves, whose end states are the local minima (checked here against brute-force enumeration)";
  std::vector<double> in_minima(static_cast<std::size_t>(instances)), all_found(static_cast<std::size_t>(instances)),
      basin_exact(static_cast<std::size_t>(instances)), never_up(static_cast<std::size_t>(instances)),
      nmin(static_cast<std::size_t>(instances));
  detail::for_replicates(instances, opt.threads, [&](int r) {
    const auto ur = static_cast<std::size_t>(r);
    const Landscape l = random_landscape(n, derive_seed(opt.seed, 600, ur));
    const LandscapeMinima bf = landscape_brute_force(l);
    nmin[ur] = static_cast<double>(bf.minima.size());
    // (a), (b): random asynchronous dynamics from random starts.
    Rng rng(derive_seed(opt.seed, 601, ur), 0, 0, detail::kStreamLandscape);
    int good = 0;
    bool up = false;
    for (int s = 0; s < starts; ++s) {
      const auto start = static_cast<std::uint32_t>(rng.below(1ull << n));
      const std::uint32_t end = landscape_descend(l, start, false, derive_seed(opt.seed, 602 + ur, static_cast<std::uint64_t>(s)));
      if (landscape_energy(l, end) > landscape_energy(l, start) + 1e-9) up = true;
      auto it = std::lower_bound(bf.minima.begin(), bf.minima.end(), end);
      if (it != bf.minima.end() && *it == end) {
        ++good;
      }
    }
    // Make sure every minimum is reachable: start at each one (it must stay).
    bool stays = true;
    for (std::size_t m = 0; m < bf.minima.size(); ++m)
      if (landscape_descend(l, bf.minima[m], false, 1) != bf.minima[m]) stays = false;
    in_minima[ur] = static_cast<double>(good) / starts;
    all_found[ur] = stays ? 1.0 : 0.0;
    // (c) steepest descent from every configuration reproduces the basins.
    std::vector<long long> basin(bf.minima.size(), 0);
    bool ok = true;
    for (std::uint32_t c = 0; c < (1u << (n - 1)); ++c) {
      const std::uint32_t end = landscape_descend(l, c, true, 0);
      auto it = std::lower_bound(bf.minima.begin(), bf.minima.end(), end);
      if (it == bf.minima.end() || *it != end) {
        ok = false;
        continue;
      }
      ++basin[static_cast<std::size_t>(it - bf.minima.begin())];
    }
    basin_exact[ur] = ok && basin == bf.basin ? 1.0 : 0.0;
    never_up[ur] = up ? 0.0 : 1.0;
  });
  auto all_one = [](const std::vector<double>& v) { return std::all_of(v.begin(), v.end(), [](double x) { return x == 1.0; }); };
  std::vector<Row> rows;
  const std::string tag = "n=" + std::to_string(n) + ", " + std::to_string(instances) + " random instances";
  Row a = detail::make_row("landscape", "share of single-flip end states that are brute-force local minima (" + tag + ")",
                           mean_ci(in_minima), "separate");
  a.published = "1 (end states are local minima)";
  a.criterion = "exact: = 1 in every instance";
  a.pass = all_one(in_minima);
  Row b = detail::make_row("landscape", "every brute-force minimum is a fixed point of the dynamics (" + tag + ")",
                           mean_ci(all_found), "separate");
  b.published = "1";
  b.criterion = "exact: = 1 in every instance";
  b.pass = all_one(all_found);
  Row c = detail::make_row("landscape", "steepest-descent basin sizes equal brute force (" + tag + ")",
                           mean_ci(basin_exact), "separate");
  c.published = "1 (basins partition the 2^(n-1) configurations)";
  c.criterion = "exact: identical counts in every instance";
  c.pass = all_one(basin_exact);
  Row d = detail::make_row("landscape", "energy never increases along the dynamics (" + tag + ")", mean_ci(never_up),
                           "separate");
  d.published = "1 (Lyapunov function)";
  d.criterion = "exact: = 1 in every instance";
  d.pass = all_one(never_up);
  Row e = detail::make_row("landscape", "number of local minima per instance (" + tag + ")", mean_ci(nmin), "separate");
  e.published = "reported (>= 1)";
  e.criterion = "relational: >= 1 in every instance";
  e.pass = std::all_of(nmin.begin(), nmin.end(), [](double x) { return x >= 1.0; });
  for (Row* r : {&a, &b, &c, &d, &e}) {
    r->source = src;
    r->test_value = r->value;
    rows.push_back(*r);
  }
  return rows;
}

}  // namespace blocsim::dock
