// 4-double vector helpers of the phase kernels (rows.h, rows_x4.h,
// identity_x4.h, network_pass.cpp, courtship.cpp): one copy of each.
#pragma once

#include <cstdint>
#include <cstring>
#if defined(__AVX__)
#include <immintrin.h>
#endif

// Every helper is always inlined, so the psABI note about AVX vectors passed
// by value in non-AVX builds (BLOCSIM_NATIVE=OFF) does not apply; GCC reports
// some of those notes at the end of the translation unit, so the warning is
// off for the rest of every file that includes this header.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace blocsim::phase {

// 4-double vectors (GCC/Clang vector extension: AVX2 on native builds, SSE2
// pairs on generic ones — the same IEEE operations per lane, so the same bits)
// for the D = 4 identity tail and the 4-row decision kernels (rows_x4.h).
// Always inlined: the vectors never cross a call (see the -Wpsabi note above).
namespace v4 {
using d = double __attribute__((vector_size(32)));
using m = std::int64_t __attribute__((vector_size(32)));
[[gnu::always_inline]] inline d load(const double* a) {
  d v;
  std::memcpy(&v, a, sizeof v);
  return v;
}
//! mask ? yes : no, lane by lane, by the bits
[[gnu::always_inline]] inline d select(m mask, d yes, d no) {
  return reinterpret_cast<d>((reinterpret_cast<m>(yes) & mask) | (reinterpret_cast<m>(no) & ~mask));
}
[[gnu::always_inline]] inline d splat(double s) { return d{s, s, s, s}; }
//! c[k] = {r0[k], r1[k], r2[k], r3[k]}: the 4 × 4 transpose (its own inverse)
[[gnu::always_inline]] inline void transpose(d r0, d r1, d r2, d r3, d* c) {
  const d t0 = __builtin_shufflevector(r0, r1, 0, 4, 2, 6), t1 = __builtin_shufflevector(r0, r1, 1, 5, 3, 7);
  const d t2 = __builtin_shufflevector(r2, r3, 0, 4, 2, 6), t3 = __builtin_shufflevector(r2, r3, 1, 5, 3, 7);
  c[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  c[1] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  c[2] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  c[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}
//! the transpose of the 4 rows of 4 doubles at a, a + 4, a + 8, a + 12
[[gnu::always_inline]] inline void load_transposed(const double* a, d* c) {
  transpose(load(a), load(a + 4), load(a + 8), load(a + 12), c);
}
//! the square roots lane by lane (IEEE sqrt is correctly rounded: the same
//! bits as std::sqrt per lane; one vsqrtpd on AVX builds, and no errno
//! check — the arguments are sums of squares, never negative)
[[gnu::always_inline]] inline d sqrt(d v) {
#if defined(__AVX__)
  return reinterpret_cast<d>(_mm256_sqrt_pd(reinterpret_cast<__m256d>(v)));
#else
  return d{__builtin_sqrt(v[0]), __builtin_sqrt(v[1]), __builtin_sqrt(v[2]), __builtin_sqrt(v[3])};
#endif
}
//! the 4 floats at f widened to doubles (exact): one vcvtps2pd on AVX builds
//! (GCC 12 splits the generic conversion into two halves)
[[gnu::always_inline]] inline d widen4(const float* f) {
#if defined(__AVX__)
  return reinterpret_cast<d>(_mm256_cvtps_pd(_mm_loadu_ps(f)));
#else
  using f4 = float __attribute__((vector_size(16)));
  f4 v;
  std::memcpy(&v, f, sizeof v);
  return __builtin_convertvector(v, d);
#endif
}
}  // namespace v4

}  // namespace blocsim::phase
