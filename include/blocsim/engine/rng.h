//! \file rng.h
//! \brief Counter-based random numbers keyed by (seed, tick, agent, stream).
//!
//! BlocSim never keeps a random engine in state that threads share or that
//! depends on the order of visits. Every draw is a pure function of its key:
//! Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as
//! 1, 2, 3") with the 64-bit seed as key and (tick, agent, stream, draw) as
//! counter. The same key gives the same numbers on every thread count,
//! shard split, MPI rank count and platform.
//!
//! @code
//!   blocsim::Rng rng(seed, tick, country, blocsim::Stream::choice);
//!   double u = rng.uniform();   // [0,1)
//!   double z = rng.normal();    // N(0,1), Box–Muller
//! @endcode
#pragma once

#include <array>
#include <cstdint>

#if defined(__SSE2__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace blocsim {

//! Independent random streams. Add new streams at the end (values are part
//! of the reproducibility contract: changing one changes every result).
enum class Stream : std::uint32_t {
  init = 0,           //!< synthetic world generation, initial draws
  network = 1,        //!< synthetic network wiring
  identity_noise = 2, //!< identity phase noise
  // 4 and 6 are retired (separate draw streams before revise and draw shared a block)
  choice = 3,         //!< alignment: 1st number = revise?, 2nd = which bloc (one Philox block)
  standards = 5,      //!< standards: 1st number = revise?, 2nd = which standard
  thresholds = 7,     //!< adoption thresholds θ_i (keyed by seed 0: a country property)
  user = 100,         //!< first stream free for docking reductions and tools
};

//! One Philox4x32-10 block: 4 × 32 random bits for (key, counter).
inline std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> c,
                                               std::array<std::uint32_t, 2> k) noexcept {
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = static_cast<std::uint64_t>(0xD2511F53u) * c[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(0xCD9E8D57u) * c[2];
    c = {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
         static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
    k[0] += 0x9E3779B9u;  // Weyl increments of the key schedule
    k[1] += 0xBB67AE85u;
  }
  return c;
}

//! Counter words of block 0 of key (tick, agent, stream): see Rng's constructor.
inline std::array<std::uint32_t, 4> rng_counter(std::uint64_t tick, std::uint64_t agent, std::uint32_t stream) noexcept {
  return {static_cast<std::uint32_t>(tick), static_cast<std::uint32_t>(agent),
          static_cast<std::uint32_t>(agent >> 32) ^ (stream << 16) ^ (static_cast<std::uint32_t>(tick >> 32) << 8), 0u};
}

//! Block 0 of agents agent0 … agent0 + count − 1 (count ≤ 4) for one
//! (seed, tick, stream): out[l] = philox4x32(rng_counter(tick, agent0 + l,
//! stream), seed). The same integers as the scalar generator (exact integer
//! arithmetic), computed for 4 agents at once on SSE2 / AVX2.
inline void philox_block0_x4(std::uint64_t seed, std::uint64_t tick, std::uint64_t agent0, std::uint32_t stream, int count,
                             std::array<std::uint32_t, 4>* out) noexcept {
#if defined(__AVX2__)
  alignas(32) std::uint64_t c[4][4];  // [word][lane], 32-bit values in 64-bit lanes
  for (int l = 0; l < 4; ++l) {
    const auto ctr = rng_counter(tick, agent0 + static_cast<std::uint64_t>(l), stream);
    for (int k = 0; k < 4; ++k) c[k][l] = ctr[static_cast<std::size_t>(k)];
  }
  __m256i c0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(c[0]));
  __m256i c1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(c[1]));
  __m256i c2 = _mm256_load_si256(reinterpret_cast<const __m256i*>(c[2]));
  __m256i c3 = _mm256_load_si256(reinterpret_cast<const __m256i*>(c[3]));
  const __m256i m0 = _mm256_set1_epi64x(0xD2511F53), m1 = _mm256_set1_epi64x(0xCD9E8D57);
  std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    // _mm256_mul_epu32 reads only the low 32 bits of each lane, so the
    // high halves may carry garbage until the final extraction.
    const __m256i p0 = _mm256_mul_epu32(c0, m0), p1 = _mm256_mul_epu32(c2, m1);
    c0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1), _mm256_set1_epi64x(k0));
    c1 = p1;
    c2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3), _mm256_set1_epi64x(k1));
    c3 = p0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  _mm256_store_si256(reinterpret_cast<__m256i*>(c[0]), c0);
  _mm256_store_si256(reinterpret_cast<__m256i*>(c[1]), c1);
  _mm256_store_si256(reinterpret_cast<__m256i*>(c[2]), c2);
  _mm256_store_si256(reinterpret_cast<__m256i*>(c[3]), c3);
  for (int l = 0; l < count; ++l)
    for (int k = 0; k < 4; ++k) out[l][static_cast<std::size_t>(k)] = static_cast<std::uint32_t>(c[k][l]);
#elif defined(__SSE2__)
  for (int h = 0; h < count; h += 2) {  // two lanes per 128-bit register
    alignas(16) std::uint64_t c[4][2];
    for (int l = 0; l < 2; ++l) {
      const auto ctr = rng_counter(tick, agent0 + static_cast<std::uint64_t>(h + l), stream);
      for (int k = 0; k < 4; ++k) c[k][l] = ctr[static_cast<std::size_t>(k)];
    }
    __m128i c0 = _mm_load_si128(reinterpret_cast<const __m128i*>(c[0]));
    __m128i c1 = _mm_load_si128(reinterpret_cast<const __m128i*>(c[1]));
    __m128i c2 = _mm_load_si128(reinterpret_cast<const __m128i*>(c[2]));
    __m128i c3 = _mm_load_si128(reinterpret_cast<const __m128i*>(c[3]));
    const __m128i m0 = _mm_set1_epi64x(0xD2511F53), m1 = _mm_set1_epi64x(0xCD9E8D57);
    std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round) {
      const __m128i p0 = _mm_mul_epu32(c0, m0), p1 = _mm_mul_epu32(c2, m1);
      c0 = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(p1, 32), c1), _mm_set1_epi64x(k0));
      c1 = p1;
      c2 = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(p0, 32), c3), _mm_set1_epi64x(k1));
      c3 = p0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    _mm_store_si128(reinterpret_cast<__m128i*>(c[0]), c0);
    _mm_store_si128(reinterpret_cast<__m128i*>(c[1]), c1);
    _mm_store_si128(reinterpret_cast<__m128i*>(c[2]), c2);
    _mm_store_si128(reinterpret_cast<__m128i*>(c[3]), c3);
    for (int l = 0; l < 2 && h + l < count; ++l)
      for (int k = 0; k < 4; ++k) out[h + l][static_cast<std::size_t>(k)] = static_cast<std::uint32_t>(c[k][l]);
  }
#else
  const std::array<std::uint32_t, 2> key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  for (int l = 0; l < count; ++l) out[l] = philox4x32(rng_counter(tick, agent0 + static_cast<std::uint64_t>(l), stream), key);
#endif
}

//! philox_block0_x4 for two streams of the same agents at once (the fused
//! network walk's choice and standards draws): the
//! two 10-round chains interleaved, so that each one's multiply latency hides
//! the other's (the same integer operations lane by lane, so the same bits).
//! The broadcast key schedule of the seed is made once per walk (PhiloxKeys),
//! the counters are built and the outputs transposed with vector operations
//! (issue 14, round 4: ~345 → ~190 instructions per group of 4 rows).
#if defined(__AVX2__)
struct PhiloxKeys {
  __m256i k[10][2];  // round r: {k0, k1} + r·{0x9E3779B9, 0xBB67AE85}, broadcast
  explicit PhiloxKeys(std::uint64_t seed) {
    std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
    for (auto& r : k) {
      r[0] = _mm256_set1_epi64x(k0);
      r[1] = _mm256_set1_epi64x(k1);
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
  }
};
#else
struct PhiloxKeys {
  std::uint64_t seed;
  explicit PhiloxKeys(std::uint64_t s) : seed(s) {}
};
#endif

//! out_a and out_b have room for 4 agents; with AVX2 all 4 are written (the
//! blocks of agents past count are computed but not used).
inline void philox_block0_x4_two(const PhiloxKeys& keys, std::uint64_t tick, std::uint64_t agent0, std::uint32_t stream_a,
                                 std::uint32_t stream_b, [[maybe_unused]] int count, std::array<std::uint32_t, 4>* out_a,
                                 std::array<std::uint32_t, 4>* out_b) noexcept {
#if defined(__AVX2__)
  // rng_counter(tick, agent0 + l, stream) in lane l, 32-bit words in 64-bit
  // lanes. The high halves may hold other bits (word 1 holds the whole
  // agent): _mm256_mul_epu32 reads only the low halves, and the high half of
  // a word reaches only the high halves of the next round's words (the xor),
  // never a low half, so the low halves — the outputs — are those of
  // philox_block0_x4.
  const __m256i agent = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(agent0)), _mm256_set_epi64x(3, 2, 1, 0));
  const __m256i agent_hi = _mm256_srli_epi64(agent, 32);
  const std::uint32_t tick_hi = static_cast<std::uint32_t>(tick >> 32) << 8;
  __m256i a0 = _mm256_set1_epi64x(static_cast<std::uint32_t>(tick)), a1 = agent;
  __m256i a2 = _mm256_xor_si256(agent_hi, _mm256_set1_epi64x((stream_a << 16) ^ tick_hi)), a3 = _mm256_setzero_si256();
  __m256i b0 = a0, b1 = a1, b2 = _mm256_xor_si256(agent_hi, _mm256_set1_epi64x((stream_b << 16) ^ tick_hi)), b3 = a3;
  const __m256i m0 = _mm256_set1_epi64x(0xD2511F53), m1 = _mm256_set1_epi64x(0xCD9E8D57);
  for (int round = 0; round < 10; ++round) {
    const __m256i vk0 = keys.k[round][0], vk1 = keys.k[round][1];
    const __m256i pa0 = _mm256_mul_epu32(a0, m0), pa1 = _mm256_mul_epu32(a2, m1);
    const __m256i pb0 = _mm256_mul_epu32(b0, m0), pb1 = _mm256_mul_epu32(b2, m1);
    a0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(pa1, 32), a1), vk0);
    b0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(pb1, 32), b1), vk0);
    a1 = pa1;
    b1 = pb1;
    a2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(pa0, 32), a3), vk1);
    b2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(pb0, 32), b3), vk1);
    a3 = pa0;
    b3 = pb0;
  }
  // out[l] = {w0, w1, w2, w3} of lane l: (w0 | w1 << 32) and (w2 | w3 << 32)
  // per lane, interleaved and the 128-bit halves put in lane order
  auto put = [](__m256i w0, __m256i w1, __m256i w2, __m256i w3, std::array<std::uint32_t, 4>* out) {
    const __m256i lo = _mm256_blend_epi32(w0, _mm256_slli_epi64(w1, 32), 0xAA);
    const __m256i hi = _mm256_blend_epi32(w2, _mm256_slli_epi64(w3, 32), 0xAA);
    const __m256i l02 = _mm256_unpacklo_epi64(lo, hi), l13 = _mm256_unpackhi_epi64(lo, hi);  // lanes {0, 2}, {1, 3}
    static_assert(sizeof(std::array<std::uint32_t, 4>) == 16);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_permute2x128_si256(l02, l13, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2), _mm256_permute2x128_si256(l02, l13, 0x31));
  };
  put(a0, a1, a2, a3, out_a);
  put(b0, b1, b2, b3, out_b);
#else
  philox_block0_x4(keys.seed, tick, agent0, stream_a, count, out_a);
  philox_block0_x4(keys.seed, tick, agent0, stream_b, count, out_b);
#endif
}

//! A cheap, copyable generator for one (seed, tick, agent, stream) key.
//! Successive calls advance an internal draw counter; buffers 4 words.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t tick, std::uint64_t agent, Stream stream) noexcept
      : Rng(seed, tick, agent, static_cast<std::uint32_t>(stream)) {}
  // Counter words: [tick | agent low | agent high ⊕ stream·2¹⁶ ⊕ tick high·2⁸ | block].
  Rng(std::uint64_t seed, std::uint64_t tick, std::uint64_t agent, std::uint32_t stream) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        ctr_{static_cast<std::uint32_t>(tick), static_cast<std::uint32_t>(agent),
             static_cast<std::uint32_t>(agent >> 32) ^ (stream << 16) ^ (static_cast<std::uint32_t>(tick >> 32) << 8),
             0u} {}

  //! The same generator, given its block 0 already computed (philox_block0_x4).
  Rng(std::uint64_t seed, std::uint64_t tick, std::uint64_t agent, Stream stream,
      const std::array<std::uint32_t, 4>& block0) noexcept
      : Rng(seed, tick, agent, static_cast<std::uint32_t>(stream)) {
    buf_ = block0;
    ctr_[3] = 1;
    pos_ = 0;
  }

  std::uint32_t next_u32() noexcept {
    if (pos_ == 4) refill();
    return buf_[static_cast<std::size_t>(pos_++)];
  }
  std::uint64_t next_u64() noexcept {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }
  //! Uniform on [0,1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  //! The uniform() made of two given words (hi = the first drawn): a
  //! generator built from block 0 draws uniform_of(block0[0], block0[1]) and
  //! then uniform_of(block0[2], block0[3]) (the revision draws use this
  //! without building the generator: detail::decide).
  static double uniform_of(std::uint32_t hi, std::uint32_t lo) noexcept {
    return static_cast<double>(((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11) * 0x1.0p-53;
  }
  //! Standard normal (Box–Muller, both values used).
  double normal() noexcept;
  //! Uniform integer in [0, n), n ≥ 1 (Lemire's method, unbiased).
  std::uint64_t below(std::uint64_t n) noexcept;

 private:
  void refill() noexcept {
    buf_ = philox4x32(ctr_, key_);
    ++ctr_[3];
    pos_ = 0;
  }
  std::array<std::uint32_t, 2> key_;
  std::array<std::uint32_t, 4> ctr_;
  std::array<std::uint32_t, 4> buf_{};
  int pos_ = 4;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

//! SplitMix64 finaliser: a well-mixed 64-bit hash.
std::uint64_t mix64(std::uint64_t x) noexcept;

//! Seed of a run derived from (root, point, replicate) by hashing.
//! Used for replicates (point 0) and sweeps. `derive_seed(root, 0, 0) != root`;
//! `blocsim run` uses the root itself for replicate 0 (see simulation.h).
std::uint64_t derive_seed(std::uint64_t root, std::uint64_t point, std::uint64_t replicate) noexcept;

}  // namespace blocsim
