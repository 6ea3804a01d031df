// Sweep designs: grid, Latin hypercube, Sobol sequence and Saltelli matrices;
// design and seed-policy names.
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>

#include <boost/random/sobol.hpp>

#include "blocsim/sweep/sweep.h"
#include "sweep/sweep_detail.h"

namespace blocsim {

using namespace sweep_detail;
namespace fs = std::filesystem;

std::string_view design_name(Design d) {
  switch (d) {
    case Design::grid: return "grid";
    case Design::lhs: return "lhs";
    case Design::saltelli: return "saltelli";
    case Design::table: return "table";
  }
  return "?";
}

std::string_view seed_policy_name(SeedPolicy p) {
  return p == SeedPolicy::common ? "common" : "independent";
}

DesignMatrix grid_design(const std::vector<std::vector<double>>& levels) {
  std::int64_t n = 1;
  for (const auto& l : levels) n *= static_cast<std::int64_t>(l.size());
  DesignMatrix out;
  if (levels.empty()) return out;
  out.reserve(static_cast<std::size_t>(n));
  std::vector<std::size_t> idx(levels.size(), 0);
  for (std::int64_t p = 0; p < n; ++p) {
    std::vector<double> row(levels.size());
    for (std::size_t d = 0; d < levels.size(); ++d) row[d] = levels[d][idx[d]];
    out.push_back(std::move(row));
    for (std::size_t d = levels.size(); d-- > 0;) {  // last parameter varies fastest
      if (++idx[d] < levels[d].size()) break;
      idx[d] = 0;
    }
  }
  return out;
}

DesignMatrix lhs_design(std::int64_t n, int dims, std::uint64_t seed) {
  DesignMatrix out(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(dims)));
  SplitMix rng{mix64(seed ^ 0x4C48535F44455349ull)};  // "LHS_DESI"
  std::vector<std::int64_t> perm(static_cast<std::size_t>(n));
  for (int d = 0; d < dims; ++d) {
    std::iota(perm.begin(), perm.end(), 0);
    for (std::int64_t i = n - 1; i > 0; --i)
      std::swap(perm[static_cast<std::size_t>(i)], perm[rng.below(static_cast<std::uint64_t>(i + 1))]);
    for (std::int64_t i = 0; i < n; ++i)
      out[static_cast<std::size_t>(i)][static_cast<std::size_t>(d)] =
          (static_cast<double>(perm[static_cast<std::size_t>(i)]) + rng.uniform()) / static_cast<double>(n);
  }
  return out;
}

// The sequence is boost::random::sobol_engine with Boost's Joe & Kuo (2008)
// table (new-joe-kuo-6.21201 cut to 3,667 dimensions) at 32 bits, which is
// the precision of the hand-kept 64-dimension table it replaced: the points
// are identical (tests/data/sobol/joe_kuo_64d_golden.csv). Boost skips the
// origin, so its vector number j (seed(j)) is point j + 1 here.
using SobolEngine = boost::random::sobol_engine<std::uint32_t, 32u>;
static_assert(boost::random::default_sobol_table::max_dimension == SobolSequence::kMaxDims);

struct SobolSequence::Engine {
  SobolEngine gen;
};

SobolSequence::SobolSequence(int dims) : dims_(dims) {
  if (dims < 1 || dims > kMaxDims)
    throw ConfigError({}, "design", "Sobol sequences support 1.." + std::to_string(kMaxDims) +
                                        " dimensions, not " + std::to_string(dims));
  engine_ = std::make_unique<Engine>(Engine{SobolEngine(static_cast<std::size_t>(dims))});
}

SobolSequence::~SobolSequence() = default;
SobolSequence::SobolSequence(SobolSequence&&) noexcept = default;
SobolSequence& SobolSequence::operator=(SobolSequence&&) noexcept = default;

std::vector<double> SobolSequence::point(std::uint64_t i) {
  std::vector<double> x(static_cast<std::size_t>(dims_), 0.0);
  if (i == 0) return x;  // the origin, which boost::random::sobol skips
  if (i > std::numeric_limits<std::uint32_t>::max())
    throw ConfigError({}, "design", "Sobol point index " + std::to_string(i) + " is past the 2^32 - 1 points of a 32-bit sequence");
  engine_->gen.seed(static_cast<std::uint32_t>(i - 1));
  for (double& v : x) v = static_cast<double>(engine_->gen()) * 0x1.0p-32;
  return x;
}

std::vector<double> SobolSequence::next() {
  std::vector<double> x(static_cast<std::size_t>(dims_));
  for (double& v : x) v = static_cast<double>(engine_->gen()) * 0x1.0p-32;
  return x;
}

DesignMatrix saltelli_design(std::int64_t n, int k) {
  SobolSequence seq(2 * k);
  DesignMatrix out;
  out.reserve(static_cast<std::size_t>(n * (k + 2)));
  for (std::int64_t j = 0; j < n; ++j) {
    const std::vector<double> p = seq.next();  // point j + 1: the origin is skipped
    const std::vector<double> a(p.begin(), p.begin() + k), b(p.begin() + k, p.end());
    out.push_back(a);
    for (int i = 0; i < k; ++i) {
      std::vector<double> ab = a;
      ab[static_cast<std::size_t>(i)] = b[static_cast<std::size_t>(i)];
      out.push_back(std::move(ab));
    }
    out.push_back(b);
  }
  return out;
}

}  // namespace blocsim
