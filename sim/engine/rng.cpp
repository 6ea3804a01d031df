// Philox4x32-10 counter-based generator (Salmon, Moraes, Dror & Shaw 2011,
// "Parallel random numbers: as easy as 1, 2, 3", SC'11), as in Random123.
// The generator itself is inline in rng.h (it sits in every phase's inner loop).
#include "blocsim/engine/rng.h"

#include <cmath>
#include <numbers>

namespace blocsim {
std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::uint64_t derive_seed(std::uint64_t root, std::uint64_t point, std::uint64_t replicate) noexcept {
  return mix64(mix64(mix64(root) ^ (point * 0xA24BAED4963EE407ull)) ^
               (replicate * 0x9FB21C651E98DF25ull + 0x5851F42D4C957F2Dull));
}

double Rng::normal() noexcept {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double a = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(a);
  has_spare_ = true;
  return r * std::cos(a);
}

std::uint64_t Rng::below(std::uint64_t n) noexcept {
  // Lemire 2019 nearly-divisionless bounded integers (64-bit, via 128-bit product).
  std::uint64_t x = next_u64();
  __uint128_t m = static_cast<__uint128_t>(x) * n;
  std::uint64_t l = static_cast<std::uint64_t>(m);
  if (l < n) {
    const std::uint64_t t = (0 - n) % n;
    while (l < t) {
      x = next_u64();
      m = static_cast<__uint128_t>(x) * n;
      l = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

}  // namespace blocsim
