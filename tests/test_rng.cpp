// Counter-based RNG: Random123 known-answer vectors, keying, distributions.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "blocsim/engine/rng.h"
#include "engine/phases/decision.h"
#include "engine/phases/exp_libm.h"

using namespace blocsim;

TEST_SUITE("rng") {
  TEST_CASE("Philox4x32-10 matches the Random123 known-answer vectors") {
    using A4 = std::array<std::uint32_t, 4>;
    using A2 = std::array<std::uint32_t, 2>;
    CHECK(philox4x32(A4{0, 0, 0, 0}, A2{0, 0}) == A4{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
    CHECK(philox4x32(A4{~0u, ~0u, ~0u, ~0u}, A2{~0u, ~0u}) == A4{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
    CHECK(philox4x32(A4{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, A2{0xa4093822u, 0x299f31d0u}) ==
          A4{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
  }

  TEST_CASE("four-agent block 0 equals the scalar generator (SIMD path of the phases)") {
    for (std::uint64_t seed : {0ull, 42ull, 0xFFFFFFFFFFFFFFFFull})
      for (std::uint64_t agent0 : {0ull, 1ull, 4093ull, (1ull << 32) - 2})
        for (int count = 1; count <= 4; ++count) {
          CAPTURE(seed);
          CAPTURE(agent0);
          std::array<std::uint32_t, 4> out[4];
          philox_block0_x4(seed, 7, agent0, static_cast<std::uint32_t>(Stream::choice), count, out);
          for (int l = 0; l < count; ++l) {
            Rng scalar(seed, 7, agent0 + static_cast<std::uint64_t>(l), Stream::choice);
            Rng pre(seed, 7, agent0 + static_cast<std::uint64_t>(l), Stream::choice, out[l]);
            for (int i = 0; i < 9; ++i) CHECK(scalar.next_u32() == pre.next_u32());  // block 0 and beyond
          }
        }
  }

  TEST_CASE("two-stream block 0 (the fused walk's) equals the scalar generator of each stream") {
    // agents across 2^32 and ticks past 2^32: the counter words that take the high halves
    for (std::uint64_t seed : {0ull, 42ull, 0xFFFFFFFFFFFFFFFFull})
      for (std::uint64_t tick : {7ull, (1ull << 32) + 5})
        for (std::uint64_t agent0 : {0ull, 1ull, 4093ull, (1ull << 32) - 2, (1ull << 40) + 3})
          for (int count = 1; count <= 4; ++count) {
            CAPTURE(seed);
            CAPTURE(tick);
            CAPTURE(agent0);
            std::array<std::uint32_t, 4> a[4] = {}, b[4] = {};
            philox_block0_x4_two(PhiloxKeys(seed), tick, agent0, static_cast<std::uint32_t>(Stream::choice),
                                 static_cast<std::uint32_t>(Stream::standards), count, a, b);
            for (int l = 0; l < count; ++l) {
              Rng sa(seed, tick, agent0 + static_cast<std::uint64_t>(l), Stream::choice);
              Rng sb(seed, tick, agent0 + static_cast<std::uint64_t>(l), Stream::standards);
              for (int k = 0; k < 4; ++k) {
                CHECK(a[l][static_cast<std::size_t>(k)] == sa.next_u32());
                CHECK(b[l][static_cast<std::size_t>(k)] == sb.next_u32());
              }
            }
          }
  }

  TEST_CASE("uniform_of(block 0 words) is the generator's first two uniforms") {
    for (std::uint64_t agent : {0ull, 3ull, 99ull, (1ull << 33) + 1}) {
      Rng r(42, 9, agent, Stream::choice), words(42, 9, agent, Stream::choice);
      const std::uint32_t w0 = words.next_u32(), w1 = words.next_u32(), w2 = words.next_u32(), w3 = words.next_u32();
      CHECK(Rng::uniform_of(w0, w1) == r.uniform());
      CHECK(Rng::uniform_of(w2, w3) == r.uniform());
    }
    CHECK(Rng::uniform_of(0xFFFFFFFFu, 0xFFFFFFFFu) < 1.0);
    CHECK(Rng::uniform_of(0u, 0u) == 0.0);
  }

  TEST_CASE("the integer revision test is uniform_of(block 0 words) < r") {
    // rates with exact and inexact r·2⁵³, the extremes, and keys on both sides of each threshold
    std::vector<double> rates = {0.15, 0.25, 0.5, 0.6, 1.0 / 3.0, 1e-300, 0x1p-53, 0x1p-60, 1.0 - 0x1p-53, 1.0, 2.0, 0.0, -1.0};
    std::uint64_t state = 7;
    for (const double r : rates) {
      const phase::detail::RevisionRule rule(r, 5.0, Stream::standards);
      std::vector<std::uint64_t> keys = {0, 1, 2047, 2048, ~0ull, ~0ull - 2047, rule.key_below, rule.key_below - 1, rule.key_below + 1,
                                         rule.key_below - 2048, rule.key_below + 2047, rule.key_below + 2048};
      for (int t = 0; t < 2000; ++t) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        keys.push_back(state);
      }
      for (const std::uint64_t k : keys) {
        const std::array<std::uint32_t, 4> b0 = {static_cast<std::uint32_t>(k >> 32), static_cast<std::uint32_t>(k), 0u, 0u};
        CHECK(rule.revises(b0) == (Rng::uniform_of(b0[0], b0[1]) < r));
      }
    }
  }

  TEST_CASE("the revision draw (detail::decide) is the logit draw of the country's generator") {
    // reference: the rule written out with an Rng built from block 0 and std::exp for every option
    auto reference = [](const phase::detail::RevisionRule& rule, Bloc cur, const double* v, int K, int top,
                        std::uint64_t i, const std::array<std::uint32_t, 4>& b0) {
      Rng rng(5, 3, i, rule.stream, b0);
      if (!(rng.uniform() < rule.rate)) return cur;
      if (rule.best_response) return static_cast<Bloc>(top);
      double p[kMaxPowers + 1], total = 0.0;
      for (int b = 0; b <= K; ++b) total += (p[b] = std::exp(rule.lambda * (v[b] - v[top])));
      double r = rng.uniform() * total;
      int b = 0;
      while (b < K && r >= p[b]) r -= p[b++];
      return static_cast<Bloc>(b);
    };
    int revised = 0, non_top = 0;
    for (double lambda : {0.5, 3.0, std::numeric_limits<double>::infinity()})
      for (std::uint64_t i = 0; i < 400; ++i) {
        const phase::detail::RevisionRule rule(0.6, lambda, Stream::choice);
        std::array<std::uint32_t, 4> b0[4];
        philox_block0_x4(5, 3, i, static_cast<std::uint32_t>(Stream::choice), 1, b0);
        // ties (−0.0 and +0.0 differences too) and spread values
        const double v[3] = {0.25 * static_cast<double>(i % 3), i % 5 == 0 ? 0.5 : -0.0, 0.5};
        int top = 0;
        for (int b = 1; b <= 2; ++b)
          if (v[b] > v[top]) top = b;
        const Bloc cur = static_cast<Bloc>(i % 3);
        const Bloc got = phase::detail::decide(rule, cur, -1, v, 2, top, 5, 3, static_cast<std::int64_t>(i), b0[0]);
        CHECK(got == reference(rule, cur, v, 2, top, i, b0[0]));
        revised += got != cur;
        non_top += got != top;
      }
    CHECK(revised > 100);  // the draws were exercised
    CHECK(non_top > 50);
  }

  TEST_CASE("draws are a pure function of (seed, tick, agent, stream)") {
    Rng a(42, 3, 17, Stream::choice), b(42, 3, 17, Stream::choice);
    for (int i = 0; i < 10; ++i) CHECK(a.next_u64() == b.next_u64());
    std::set<std::uint64_t> firsts;
    firsts.insert(Rng(42, 3, 17, Stream::choice).next_u64());
    firsts.insert(Rng(43, 3, 17, Stream::choice).next_u64());
    firsts.insert(Rng(42, 4, 17, Stream::choice).next_u64());
    firsts.insert(Rng(42, 3, 18, Stream::choice).next_u64());
    firsts.insert(Rng(42, 3, 17, Stream::standards).next_u64());
    firsts.insert(Rng(42, 3, 17ull << 32, Stream::choice).next_u64());
    CHECK(firsts.size() == 6);
  }

  TEST_CASE("uniform, normal and below have the right moments") {
    Rng r(7, 0, 0, Stream::user);
    const int n = 200000;
    double su = 0, su2 = 0, sn = 0, sn2 = 0;
    int counts[7] = {};
    for (int i = 0; i < n; ++i) {
      const double u = r.uniform();
      REQUIRE(u >= 0.0);
      REQUIRE(u < 1.0);
      su += u;
      su2 += u * u;
      const double z = r.normal();
      sn += z;
      sn2 += z * z;
      ++counts[r.below(7)];
    }
    CHECK(su / n == doctest::Approx(0.5).epsilon(0.01));
    CHECK(su2 / n - (su / n) * (su / n) == doctest::Approx(1.0 / 12).epsilon(0.02));
    CHECK(std::abs(sn / n) < 0.01);
    CHECK(sn2 / n == doctest::Approx(1.0).epsilon(0.02));
    for (int c : counts) CHECK(c / double(n) == doctest::Approx(1.0 / 7).epsilon(0.03));
  }

  TEST_CASE("derived seeds differ by point and replicate") {
    std::set<std::uint64_t> s;
    for (std::uint64_t p = 0; p < 20; ++p)
      for (std::uint64_t r = 0; r < 20; ++r) s.insert(derive_seed(1, p, r));
    CHECK(s.size() == 400);
    CHECK(derive_seed(1, 0, 0) != 1);
  }
  TEST_CASE("the revision draw's inline exp gives std::exp's bits") {
    using phase::detail::exp_libm;
#if defined(__x86_64__) && defined(__FMA__) && defined(__AVX2__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 28))
    // where glibc (≥ 2.28, whose exp this is) runs its FMA variant the inline
    // code must be the one compiled (so that this test compares it, not
    // std::exp with itself)
    CHECK(phase::detail::kInlineExp);
#endif
    const std::string which = std::string("exp_libm is ") + (phase::detail::kInlineExp ? "the inline code" : "std::exp") + " in this build";
    MESSAGE(which);
    std::int64_t checked = 0, differ = 0;
    auto same = [&](double x) {
      const double a = exp_libm(x), b = std::exp(x);
      ++checked;
      if (std::isnan(a) && std::isnan(b)) return;
      if (std::bit_cast<std::uint64_t>(a) != std::bit_cast<std::uint64_t>(b)) {
        if (++differ <= 5) {
          char m[160];
          std::snprintf(m, sizeof m, "exp(%a): inline %a, std::exp %a", x, a, b);
          MESSAGE(std::string(m));
        }
      }
    };
    std::mt19937_64 gen(20261205);
    // the draw's arguments are λ·(V_b − V_top) ≤ 0; the rest of the line too
    for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{
             {-745.2, 0.0}, {-40.0, 0.0}, {-1.0, 0.0}, {-1e-3, 1e-3}, {0.0, 709.8}, {-1e-12, 1e-12}}) {
      std::uniform_real_distribution<double> u(lo, hi);
      for (int k = 0; k < 1'000'000; ++k) same(u(gen));
    }
    for (int k = 0; k < 1'000'000; ++k) same(std::bit_cast<double>(gen()));  // any bit pattern
    // the edges of the inline range (|x| in [2⁻⁵⁴, 512)) and glibc's special cases
    for (const double e : {0x1p-54, 512.0, 745.1332191019412, 709.782712893384, 1.0, 0.5, 0x1p-1022, 0x1p-1074}) {
      for (const double x : {e, -e}) {
        double v = x;
        for (int k = 0; k < 64; ++k) v = std::nextafter(v, 0.0);
        for (int k = 0; k < 128; ++k, v = std::nextafter(v, x * 2)) same(v);
      }
    }
    for (const double x : {0.0, -0.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::max(),
                           -std::numeric_limits<double>::max()})
      same(x);
    CHECK(checked > 7'000'000);
    CHECK(differ == 0);
  }
}
