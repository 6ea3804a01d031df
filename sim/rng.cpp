// Philox4x32-10 counter-based generator (Salmon, Moraes, Dror & Shaw 2011,
// "Parallel random numbers: as easy as 1, 2, 3", SC'11), as in Random123.
// Key = 64-bit seed; counter = (tick, agent low, agent high ^ stream<<?, draw).
#include "blocsim/rng.h"

#include <cmath>
#include <numbers>

namespace blocsim {
namespace {

constexpr std::uint32_t kMul0 = 0xD2511F53u;
constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;
constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;

inline void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) noexcept {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

}  // namespace

std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> c,
                                        std::array<std::uint32_t, 2> k) noexcept {
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c[0], hi0, lo0);
    mulhilo(kMul1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    k[0] += kWeyl0;
    k[1] += kWeyl1;
  }
  return c;
}

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

Rng::Rng(std::uint64_t seed, std::uint64_t tick, std::uint64_t agent, Stream stream) noexcept
    : Rng(seed, tick, agent, static_cast<std::uint32_t>(stream)) {}

Rng::Rng(std::uint64_t seed, std::uint64_t tick, std::uint64_t agent, std::uint32_t stream) noexcept
    : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
      // counter words: [tick | agent low | agent high ⊕ stream·2^16 | draw block]
      ctr_{static_cast<std::uint32_t>(tick), static_cast<std::uint32_t>(agent),
           static_cast<std::uint32_t>(agent >> 32) ^ (stream << 16) ^
               (static_cast<std::uint32_t>(tick >> 32) << 8),
           0u} {}

void Rng::refill() noexcept {
  buf_ = philox4x32(ctr_, key_);
  ++ctr_[3];
  pos_ = 0;
}

std::uint32_t Rng::next_u32() noexcept {
  if (pos_ == 4) refill();
  return buf_[static_cast<std::size_t>(pos_++)];
}

std::uint64_t Rng::next_u64() noexcept {
  const std::uint64_t hi = next_u32();
  return (hi << 32) | next_u32();
}

double Rng::uniform() noexcept {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
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
