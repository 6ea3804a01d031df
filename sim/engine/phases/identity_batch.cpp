// The identity phase's neighbour sums of up to four worlds at once (issue 14,
// round 26; docs/ODD.md §3 "Runs in lockstep").
//
// Runs of one sweep or one replicate batch usually share their network: the
// same countries, the same W. Their identity kernels then walk the same rows
// and the same neighbours, each over its own identities. Here the four
// worlds' identities are interleaved first, X[j][d][r] = x_r(d, j) (one 4 × 4
// transpose per country), so that one neighbour's four dimensions of the four
// worlds are four 4-double vectors with lane = world. Every lane then runs
// exactly the fused walk's rows4 (identity_x4.h) for its own world:
//   n_d = x_i,d − x_j,d;  dist2 = ((n_0² + n_1²) + n_2²) + n_3²;
//   w = w_ij if dist2 < ε², else +0.0 (by the bits);
//   den_p += w;  num_p,d −= w·n_d   (p = the neighbour's parity in the row);
//   den = den_0 + den_1;  num_d = num_0,d + num_1,d,
// the same operations in the same order on the same values (IEEE arithmetic
// per lane, no contraction), so the same bits as each world's own rows4 —
// without rows4's 4 × 4 transposes of the squares, and with the neighbour's
// index and weight loaded once for four worlds. tests/test_performance.cpp
// compares every row's sums from this pass with the reference kernel's
// (rows.h sums4), and runs in lockstep with runs alone.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "blocsim/engine/phases.h"
#include "v4.h"

namespace blocsim::phase {

bool sums_batch_compatible(const World& a, const World& b) {
  if (a.n != b.n || a.d != 4 || b.d != 4) return false;
  if (std::memcmp(&a.params.epsilon, &b.params.epsilon, sizeof(double)) != 0) return false;
  const Network& wa = a.w;
  const Network& wb = b.w;
  if (wa.rows() != wb.rows() || wa.nonZeros() != wb.nonZeros() || !wa.isCompressed() || !wb.isCompressed()) return false;
  const auto rows = static_cast<std::size_t>(wa.rows()) + 1, nnz = static_cast<std::size_t>(wa.nonZeros());
  return std::memcmp(wa.outerIndexPtr(), wb.outerIndexPtr(), rows * sizeof(*wa.outerIndexPtr())) == 0 &&
         std::memcmp(wa.innerIndexPtr(), wb.innerIndexPtr(), nnz * sizeof(*wa.innerIndexPtr())) == 0 &&
         std::memcmp(wa.valuePtr(), wb.valuePtr(), nnz * sizeof(*wa.valuePtr())) == 0;
}

void identity_sums_batch(const World* const* worlds, int count, double* const* out) {
  using v4d = v4::d;
  using v4m = v4::m;
  if (count < 1 || count > kSumsBatch)
    throw std::logic_error("identity_sums_batch: " + std::to_string(count) + " worlds (1 to " + std::to_string(kSumsBatch) + ")");
  const World& w0 = *worlds[0];
  const std::int64_t n = w0.n;
  // lanes past `count` repeat world 0 (computed, never stored)
  const double* xs[kSumsBatch];
  for (int r = 0; r < kSumsBatch; ++r) xs[r] = (r < count ? worlds[r] : worlds[0])->x.data();
  thread_local std::vector<double> interleaved;
  interleaved.resize(static_cast<std::size_t>(16 * n));
  double* const X = interleaved.data();
  for (std::int64_t j = 0; j < n; ++j) {
    v4d c[4];
    v4::transpose(v4::load(xs[0] + 4 * j), v4::load(xs[1] + 4 * j), v4::load(xs[2] + 4 * j), v4::load(xs[3] + 4 * j), c);
    std::memcpy(X + 16 * j, c, sizeof c);
  }
  const Network& net = w0.w;
  const auto* const outer = net.outerIndexPtr();
  const auto* const inner = net.innerIndexPtr();
  const float* const val = net.valuePtr();
  const double eps = w0.params.epsilon;
  const v4d veps2 = v4::splat(eps * eps), zero = v4::splat(0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    const double* const xi = X + 16 * i;
    const v4d x0 = v4::load(xi), x1 = v4::load(xi + 4), x2 = v4::load(xi + 8), x3 = v4::load(xi + 12);
    // the even neighbours of the row (rows4's vnum0 and the first lane of
    // its vden), then the odd ones (vnum1, the second lane): one set of
    // accumulators at a time leaves the row's x_i in registers (with both
    // sets, AVX2's 16 registers spilled: ~8 % slower)
    const auto begin = outer[i], end = outer[i + 1];
    v4d sum[2][5];
    for (int parity = 0; parity < 2; ++parity) {
      v4d s0 = zero, s1 = zero, s2 = zero, s3 = zero, den = zero;
      for (auto q = begin + parity; q < end; q += 2) {
        const double* const xj = X + 16 * static_cast<std::int64_t>(inner[q]);
        const v4d n0 = x0 - v4::load(xj), n1 = x1 - v4::load(xj + 4), n2 = x2 - v4::load(xj + 8), n3 = x3 - v4::load(xj + 12);
        const v4d d2 = ((n0 * n0 + n1 * n1) + n2 * n2) + n3 * n3;
        const v4d wq = v4::splat(static_cast<double>(val[q]));
        const v4d wm = reinterpret_cast<v4d>(reinterpret_cast<v4m>(wq) & (d2 < veps2));
        den += wm;
        s0 -= wm * n0;
        s1 -= wm * n1;
        s2 -= wm * n2;
        s3 -= wm * n3;
      }
      sum[parity][0] = s0;
      sum[parity][1] = s1;
      sum[parity][2] = s2;
      sum[parity][3] = s3;
      sum[parity][4] = den;
    }
    const v4d den = sum[0][4] + sum[1][4];
    v4d r[4];  // r[world] = that world's num over d
    v4::transpose(sum[0][0] + sum[1][0], sum[0][1] + sum[1][1], sum[0][2] + sum[1][2], sum[0][3] + sum[1][3], r);
    for (int k = 0; k < count; ++k) {
      std::memcpy(out[k] + 4 * i, &r[k], sizeof r[k]);
      out[k][4 * n + i] = den[k];
    }
  }
}

}  // namespace blocsim::phase
