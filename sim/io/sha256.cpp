// SHA-256 (FIPS 180-4) for provenance hashes of scenario and data files:
// the portable compression function, and on x86-64 CPUs with the SHA
// extensions (Intel since Goldmont / Ice Lake, AMD since Zen) the same
// function in SHA-NI instructions, chosen once at run time (sha256.h).
#include "io/sha256.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define BLOCSIM_SHA_NI 1
#endif

#include "blocsim/input/scenario.h"
#include "blocsim/io/error.h"

namespace blocsim {

namespace {

constexpr std::array<std::uint32_t, 64> kK = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void compress(std::array<std::uint32_t, 8>& h, const unsigned char* block) {
  std::uint32_t w[64];
  for (int i = 0; i < 16; ++i)
    w[i] = (std::uint32_t(block[4 * i]) << 24) | (std::uint32_t(block[4 * i + 1]) << 16) |
           (std::uint32_t(block[4 * i + 2]) << 8) | std::uint32_t(block[4 * i + 3]);
  for (int i = 16; i < 64; ++i) {
    const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; ++i) {
    const std::uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
    const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

void compress_portable(std::array<std::uint32_t, 8>& h, const unsigned char* data, std::size_t blocks) {
  for (std::size_t b = 0; b < blocks; ++b) compress(h, data + 64 * b);
}

#ifdef BLOCSIM_SHA_NI
// The SHA extensions' form of the same rounds (Intel, "New Instructions
// Supporting the Secure Hash Algorithm on Intel Architecture Processors",
// 2013): the state as the two vectors ABEF and CDGH, four message words per
// vector, SHA256MSG1/MSG2 for the message schedule (W[t] = σ1(W[t−2]) +
// W[t−7] + σ0(W[t−15]) + W[t−16], four at a time) and SHA256RNDS2 for two
// rounds. ~4 instructions a round instead of ~50 (callgrind, portable code).
__attribute__((target("sha,sse4.1,ssse3"))) void compress_sha_ni(std::array<std::uint32_t, 8>& h,
                                                                 const unsigned char* data, std::size_t blocks) {
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);  // big-endian words
  // lanes named from the highest, as in Intel's paper
  __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h.data()));
  __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h.data() + 4));
  tmp = _mm_shuffle_epi32(tmp, 0xB1);                // CDAB
  state1 = _mm_shuffle_epi32(state1, 0x1B);          // EFGH
  __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);  // ABEF
  state1 = _mm_blend_epi16(state1, tmp, 0xF0);       // CDGH
  for (std::size_t b = 0; b < blocks; ++b, data += 64) {
    const __m128i abef = state0, cdgh = state1;
    __m128i w[4];  // w[g % 4]: message words 4g … 4g + 3 (groups g − 4 … g − 1 before group g is made)
    for (int g = 0; g < 16; ++g) {
      __m128i& wg = w[g % 4];
      if (g < 4) {
        wg = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * g)), bswap);
      } else {
        const __m128i& w1 = w[(g + 1) % 4];  // group g − 3
        const __m128i& w2 = w[(g + 2) % 4];  // group g − 2
        const __m128i& w3 = w[(g + 3) % 4];  // group g − 1
        const __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(wg, w1), _mm_alignr_epi8(w3, w2, 4));
        wg = _mm_sha256msg2_epu32(t, w3);
      }
      __m128i msg = _mm_add_epi32(wg, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kK.data() + 4 * g)));
      state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
      msg = _mm_shuffle_epi32(msg, 0x0E);
      state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
    }
    state0 = _mm_add_epi32(state0, abef);
    state1 = _mm_add_epi32(state1, cdgh);
  }
  tmp = _mm_shuffle_epi32(state0, 0x1B);        // FEBA
  state1 = _mm_shuffle_epi32(state1, 0xB1);     // DCHG
  state0 = _mm_blend_epi16(tmp, state1, 0xF0);  // DCBA
  state1 = _mm_alignr_epi8(state1, tmp, 8);     // HGFE
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h.data()), state0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h.data() + 4), state1);
}

bool cpu_has_sha_ni() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3 = (c & bit_SSSE3) != 0, sse41 = (c & bit_SSE4_1) != 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return ssse3 && sse41 && (b & bit_SHA) != 0;
}
#endif

using Compress = void (*)(std::array<std::uint32_t, 8>&, const unsigned char*, std::size_t);

Compress compress_for(Sha256Impl impl) {
#ifdef BLOCSIM_SHA_NI
  static const bool sha_ni = cpu_has_sha_ni();
  if (impl != Sha256Impl::portable && sha_ni) return compress_sha_ni;
#endif
  (void)impl;
  return compress_portable;
}

}  // namespace

bool sha256_accelerated() { return compress_for(Sha256Impl::automatic) != compress_portable; }

std::string sha256_hex(std::string_view bytes, Sha256Impl impl) {
  const Compress blocks = compress_for(impl);
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = n / 64 * 64;
  blocks(h, data, n / 64);
  // padding: 0x80, zeros, 64-bit big-endian bit length
  unsigned char tail[128] = {};
  const std::size_t rest = n - i;
  for (std::size_t j = 0; j < rest; ++j) tail[j] = data[i + j];
  tail[rest] = 0x80;
  const std::size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
  const std::uint64_t bits = static_cast<std::uint64_t>(n) * 8;
  for (int j = 0; j < 8; ++j) tail[tail_len - 1 - j] = static_cast<unsigned char>(bits >> (8 * j));
  blocks(h, tail, tail_len / 64);
  char out[65];
  for (int j = 0; j < 8; ++j) std::snprintf(out + 8 * j, 9, "%08x", h[j]);
  return std::string(out, 64);
}

std::string sha256_hex(const std::string& bytes) { return sha256_hex(std::string_view(bytes), Sha256Impl::automatic); }

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RunError("cannot read " + path.string() + " to hash it");
  std::ostringstream ss;
  ss << in.rdbuf();
  return sha256_hex(ss.str());
}

}  // namespace blocsim
