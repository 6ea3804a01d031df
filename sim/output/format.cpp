// The one number format of every output file (format_number: shortest
// round-trip, the bytes of std::to_chars(char*, char*, double)), the short
// format of messages, and CSV field quoting.
//
// write_number() is the fast path (issue 14): the shortest digits come from
// Dragonbox (fmt's header-only implementation; the same digits as the Ryu
// inside libstdc++'s std::to_chars: the shortest decimal that round-trips, the
// closest one on ties), laid out by the rule std::to_chars follows without a
// format argument — fixed or scientific, whichever is shorter, fixed on a tie;
// scientific with a sign and at least two exponent digits (`1e-05`). Values at
// or above 1e15 in magnitude, where std::to_chars prints large integers'
// exact digits in fixed form, and non-finite values go through the reference
// path (append_number_reference). tests/test_format.cpp compares the two on
// millions of doubles.
#include "blocsim/output/format.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#ifndef FMT_HEADER_ONLY
#define FMT_HEADER_ONLY 1
#endif
// Dragonbox with its full table of powers of ten (~10 KB) instead of the
// compressed one: ~40 % fewer instructions per number.
#ifndef FMT_USE_FULL_CACHE_DRAGONBOX
#define FMT_USE_FULL_CACHE_DRAGONBOX 1
#endif
#include <fmt/format.h>

namespace blocsim {
namespace {

struct Digits2 {  // "00" "01" … "99" (the scientific exponent)
  char d[200];
  constexpr Digits2() : d{} {
    for (int i = 0; i < 100; ++i) {
      d[2 * i] = static_cast<char>('0' + i / 10);
      d[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
  }
};
constexpr Digits2 kDigits2{};

constexpr std::uint64_t kPow10[20] = {1ull,
                                      10ull,
                                      100ull,
                                      1000ull,
                                      10000ull,
                                      100000ull,
                                      1000000ull,
                                      10000000ull,
                                      100000000ull,
                                      1000000000ull,
                                      10000000000ull,
                                      100000000000ull,
                                      1000000000000ull,
                                      10000000000000ull,
                                      100000000000000ull,
                                      1000000000000000ull,
                                      10000000000000000ull,
                                      100000000000000000ull,
                                      1000000000000000000ull,
                                      10000000000000000000ull};

// Number of decimal digits of s >= 1.
inline int count_digits(std::uint64_t s) {
  const int t = (64 - std::countl_zero(s | 1)) * 1233 >> 12;
  return t + 1 - (s < kPow10[t] ? 1 : 0);
}

#if defined(__SSE2__)
// The eight decimal digits of v < 10^8 (leading zeros included) as 16-bit
// lanes, first digit in lane 0 (W. Muła's SSE2 conversion: v divmod 10^4 by
// a multiply-shift, each half divided by 10^3 … 10^0 in 16-bit lanes, then
// every lane minus ten times its left neighbour). Checked against
// snprintf("%08u") for every v < 10^8 when it was written. AVX2 builds run
// its operations through digits16 instead (Clang warns it is unused there).
[[maybe_unused]] inline __m128i digits8(std::uint32_t v) {
  const __m128i abcdefgh = _mm_cvtsi32_si128(static_cast<int>(v));
  const __m128i abcd = _mm_srli_epi64(_mm_mul_epu32(abcdefgh, _mm_set1_epi32(static_cast<int>(0xd1b71759u))), 45);
  const __m128i efgh = _mm_sub_epi32(abcdefgh, _mm_mul_epu32(abcd, _mm_set1_epi32(10000)));
  const __m128i v1 = _mm_slli_epi64(_mm_unpacklo_epi16(abcd, efgh), 2);  // {4·abcd, 4·efgh} in 16-bit lanes
  const __m128i v1b = _mm_unpacklo_epi16(v1, v1);
  const __m128i v2 = _mm_unpacklo_epi32(v1b, v1b);  // 4·abcd ×4, 4·efgh ×4
  const __m128i v3 = _mm_mulhi_epu16(v2, _mm_setr_epi16(8389, 5243, 13108, static_cast<short>(32768), 8389, 5243, 13108,
                                                        static_cast<short>(32768)));
  const __m128i v4 = _mm_mulhi_epu16(v3, _mm_setr_epi16(1 << 7, 1 << 11, 1 << 13, static_cast<short>(1 << 15), 1 << 7, 1 << 11,
                                                        1 << 13, static_cast<short>(1 << 15)));  // a, ab, abc, abcd, e, …
  const __m128i v5 = _mm_slli_epi64(_mm_mullo_epi16(v4, _mm_set1_epi16(10)), 16);  // 0, a0, ab0, abc0, 0, e0, …
  return _mm_sub_epi16(v4, v5);
}

#if defined(__AVX2__)
// The sixteen digits of hi8 and lo8 (each < 10^8) as bytes 0–15, hi8's
// first: digits8 of both at once — AVX2 works within 128-bit lanes, so lane
// 0 (hi8) and lane 1 (lo8) each see exactly digits8's operations (~12 fewer
// instructions per number than two digits8).
inline __m128i digits16(std::uint32_t hi8, std::uint32_t lo8) {
  const __m256i abcdefgh = _mm256_set_epi64x(0, lo8, 0, hi8);
  const __m256i abcd =
      _mm256_srli_epi64(_mm256_mul_epu32(abcdefgh, _mm256_set1_epi32(static_cast<int>(0xd1b71759u))), 45);
  const __m256i efgh = _mm256_sub_epi32(abcdefgh, _mm256_mul_epu32(abcd, _mm256_set1_epi32(10000)));
  const __m256i v1 = _mm256_slli_epi64(_mm256_unpacklo_epi16(abcd, efgh), 2);
  const __m256i v1b = _mm256_unpacklo_epi16(v1, v1);
  const __m256i v2 = _mm256_unpacklo_epi32(v1b, v1b);
  constexpr auto m = static_cast<short>(32768), s15 = static_cast<short>(1 << 15);
  const __m256i v3 = _mm256_mulhi_epu16(v2, _mm256_setr_epi16(8389, 5243, 13108, m, 8389, 5243, 13108, m, 8389, 5243,
                                                              13108, m, 8389, 5243, 13108, m));
  const __m256i v4 = _mm256_mulhi_epu16(v3, _mm256_setr_epi16(1 << 7, 1 << 11, 1 << 13, s15, 1 << 7, 1 << 11, 1 << 13, s15,
                                                              1 << 7, 1 << 11, 1 << 13, s15, 1 << 7, 1 << 11, 1 << 13, s15));
  const __m256i v5 = _mm256_slli_epi64(_mm256_mullo_epi16(v4, _mm256_set1_epi16(10)), 16);
  const __m256i d = _mm256_sub_epi16(v4, v5);
  return _mm_packus_epi16(_mm256_castsi256_si128(d), _mm256_extracti128_si256(d, 1));
}
#else
inline __m128i digits16(std::uint32_t hi8, std::uint32_t lo8) { return _mm_packus_epi16(digits8(hi8), digits8(lo8)); }
#endif

// The digits of s < 10^17 (at most 17 digits) written right-aligned to
// buf[0..24): the low 16 in one vector store; returns the first of its n
// digits (buf + 24 - n).
inline const char* write_digits(char* buf, std::uint64_t s, int n) {
  const std::uint64_t hi = s / 100000000ull;  // < 10^9
  const auto lo8 = static_cast<std::uint32_t>(s - hi * 100000000ull);
  const auto top = static_cast<std::uint32_t>(hi / 100000000ull);  // the 17th digit (0 below 10^16)
  const auto hi8 = static_cast<std::uint32_t>(hi - std::uint64_t{top} * 100000000ull);
  const __m128i d = _mm_add_epi8(digits16(hi8, lo8), _mm_set1_epi8('0'));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(buf + 8), d);
  buf[7] = static_cast<char>('0' + top);
  return buf + 24 - n;
}
#else
// The eight decimal digits of v < 10^8 (leading zeros included) as ASCII in
// one 64-bit word, first digit in the lowest byte (SWAR: both halves divided
// by 100, then every 16-bit lane by 10, with multiply-shift reciprocals that
// are exact below 10^4 and 10^2).
inline std::uint64_t eight_digits(std::uint32_t v) {
  const std::uint64_t merged = (v / 10000) | (static_cast<std::uint64_t>(v % 10000) << 32);
  const std::uint64_t top = ((merged * 10486) >> 20) & ((0x7Full << 32) | 0x7Full);
  const std::uint64_t bot = merged - 100 * top;
  const std::uint64_t hundreds = (bot << 16) + top;
  std::uint64_t tens = (hundreds * 103) >> 10;
  tens &= 0x000F000F000F000Full;
  tens += (hundreds - 10 * tens) << 8;
  return tens | 0x3030303030303030ull;
}

// The digits of s < 10^17 (at most 17 digits) written right-aligned to buf[0..24); returns the
// first of its n digits (buf + 24 - n).
inline const char* write_digits(char* buf, std::uint64_t s, int n) {
  const std::uint64_t low = eight_digits(static_cast<std::uint32_t>(s % 100000000ull));
  std::memcpy(buf + 16, &low, 8);
  if (n > 8) {
    const std::uint64_t high = s / 100000000ull;
    const std::uint64_t mid = eight_digits(static_cast<std::uint32_t>(high % 100000000ull));
    std::memcpy(buf + 8, &mid, 8);
    if (n > 16) buf[7] = static_cast<char>('0' + high / 100000000ull);  // the 17th digit
  }
  return buf + 24 - n;
}
#endif

char* write_reference(char* p, double v) {
  if (std::isnan(v)) {
    std::memcpy(p, "nan", 3);
    return p + 3;
  }
  if (std::isinf(v)) {
    if (v > 0) {
      std::memcpy(p, "inf", 3);
      return p + 3;
    }
    std::memcpy(p, "-inf", 4);
    return p + 4;
  }
  return std::to_chars(p, p + kMaxNumberChars, v).ptr;
}

// A finite magnitude 0 < mag < 1e15.
[[gnu::always_inline]] inline char* write_finite(char* p, std::uint64_t mag) {
  const auto dec = fmt::detail::dragonbox::to_decimal(std::bit_cast<double>(mag));
  const std::uint64_t s = dec.significand;
  const int n = count_digits(s);
  const int k = n + dec.exponent;  // value = 0.d1..dn × 10^k
  // Digits to a scratch buffer, then only fixed-size copies (one vector
  // load/store each; the bytes past the end are scratch, kMaxNumberChars).
  char buf[64];
  const char* digits = write_digits(buf, s, n);
  // Fixed or scientific, whichever is shorter (fixed on a tie). Scientific
  // takes n + 4 characters for n = 1 and n + 5 for n > 1 (with the two-digit
  // exponents of these k), so ddd.ddd (0 < k < n: n + 1 characters) is always
  // fixed, 0.ddd … 0.000ddd (k ≤ 0: n + 2 − k) for k ≥ −2, and for k = −3
  // when n > 1 (a tie) — most numbers of the output files, decided without
  // computing both lengths.
  if (static_cast<unsigned>(k - 1) < static_cast<unsigned>(n - 1)) {  // 0 < k < n
    std::memcpy(p, digits, 16);
    p[k] = '.';
    std::memcpy(p + k + 1, digits + k, 32);
    return p + n + 1;
  }
  if (k <= 0 && (k >= -2 || (k == -3 && n > 1))) {
    std::memcpy(p, "0.000000", 8);
    std::memcpy(p + 2 - k, digits, 32);
    return p + 2 - k + n;
  }
  // Left: k ≥ n (fixed ddd000 has k characters) or scientific.
  const int sci_exp = k - 1;
  const int abs_exp = sci_exp < 0 ? -sci_exp : sci_exp;
  const int sci_len = n + (n > 1 ? 1 : 0) + 2 + (abs_exp >= 100 ? 3 : 2);
  if (k > 0 && k <= sci_len) {
    // ddd000 (an integer below 1e15: at most 15 digits)
    std::memcpy(p, digits, 16);
    std::memcpy(p + n, "0000000000000000", 16);
    return p + k;
  }
  p[0] = digits[0];
  p[1] = '.';
  std::memcpy(p + 2, digits + 1, 32);
  p += n > 1 ? n + 1 : 1;
  *p++ = 'e';
  *p++ = sci_exp < 0 ? '-' : '+';
  int e = abs_exp;
  if (e >= 100) {
    *p++ = static_cast<char>('0' + e / 100);
    e %= 100;
  }
  std::memcpy(p, kDigits2.d + 2 * e, 2);
  return p + 2;
}

// write_number's body (inlined where it is called: write_number, write_number_list).
[[gnu::always_inline]] inline char* write_one(char* p, double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  const std::uint64_t mag = bits & 0x7fffffffffffffffull;
  if (mag == 0) {  // ±0
    if (bits >> 63) *p++ = '-';
    *p++ = '0';
    return p;
  }
  // Not finite, or |v| >= 1e15 (0x430c6bf526340000): the reference path.
  if (mag >= 0x430c6bf526340000ull) return write_reference(p, v);
  if (bits >> 63) *p++ = '-';
  return write_finite(p, mag);
}

}  // namespace

// flatten: Dragonbox and write_finite inlined (~20 fewer instructions per
// number than calls that save and restore registers).
[[gnu::flatten]] char* write_number(char* p, double v) { return write_one(p, v); }

// The loop is here, with the formatter inlined into it, so the registers it
// needs are saved once per list, not once per number.
[[gnu::flatten]] char* write_number_list(char* p, const double* v, int count) {
  for (int c = 0; c < count; ++c) {
    *p++ = ',';
    p = write_one(p, v[c]);
  }
  return p;
}

void append_number(std::string& out, double v) {
  char buf[kMaxNumberChars];
  out.append(buf, write_number(buf, v));
}

void append_number_reference(std::string& out, double v) {
  char buf[kMaxNumberChars];
  out.append(buf, write_reference(buf, v));
}

std::string format_number(double v) {
  std::string s;
  append_number(s, v);
  return s;
}

std::string format_short(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

}  // namespace blocsim
