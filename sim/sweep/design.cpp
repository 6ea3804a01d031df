// Sweep designs: grid, Latin hypercube, Sobol sequence and Saltelli matrices;
// design and seed-policy names.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/version.h"
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

namespace {
// Joe & Kuo (2008) primitive polynomials and initial direction numbers for
// dimensions 2..64 (new-joe-kuo-6.21201): degree s, coefficients a, m_1..m_s.
struct JoeKuo { int s; unsigned a; std::uint32_t m[9]; };
constexpr JoeKuo kJoeKuo[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},
};
static_assert(sizeof(kJoeKuo) / sizeof(kJoeKuo[0]) == SobolSequence::kMaxDims - 1);
}  // namespace

SobolSequence::SobolSequence(int dims) : dims_(dims), v_(static_cast<std::size_t>(dims) * 32) {
  if (dims < 1 || dims > kMaxDims)
    throw ConfigError({}, "design", "Sobol sequences support 1.." + std::to_string(kMaxDims) +
                                        " dimensions, not " + std::to_string(dims));
  for (int j = 0; j < 32; ++j) v_[static_cast<std::size_t>(j)] = 1u << (31 - j);
  for (int d = 1; d < dims; ++d) {
    const JoeKuo& jk = kJoeKuo[d - 1];
    std::uint32_t* v = &v_[static_cast<std::size_t>(d) * 32];
    for (int j = 0; j < 32; ++j) {
      if (j < jk.s) {
        v[j] = jk.m[j] << (31 - j);
      } else {
        std::uint32_t x = v[j - jk.s] ^ (v[j - jk.s] >> jk.s);
        for (int k = 1; k < jk.s; ++k)
          if ((jk.a >> (jk.s - 1 - k)) & 1u) x ^= v[j - k];
        v[j] = x;
      }
    }
  }
}

std::vector<double> SobolSequence::point(std::uint64_t i) const {
  std::vector<double> x(static_cast<std::size_t>(dims_));
  const std::uint64_t gray = i ^ (i >> 1);
  for (int d = 0; d < dims_; ++d) {
    std::uint32_t acc = 0;
    const std::uint32_t* v = &v_[static_cast<std::size_t>(d) * 32];
    for (int b = 0; b < 32; ++b)
      if ((gray >> b) & 1u) acc ^= v[b];
    x[static_cast<std::size_t>(d)] = static_cast<double>(acc) * 0x1.0p-32;
  }
  return x;
}

DesignMatrix saltelli_design(std::int64_t n, int k) {
  SobolSequence seq(2 * k);
  DesignMatrix out;
  out.reserve(static_cast<std::size_t>(n * (k + 2)));
  for (std::int64_t j = 0; j < n; ++j) {
    const std::vector<double> p = seq.point(static_cast<std::uint64_t>(j + 1));
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
