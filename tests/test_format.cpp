// The output number format (issue 14): the fast formatter (write_number /
// append_number: Dragonbox digits + std::to_chars' layout rule) must print
// exactly the bytes of the reference (std::to_chars) for every double. Millions
// of doubles: random bit patterns, the model's typical ranges, short decimals
// at every exponent (the fixed/scientific tie rule), integers, powers of ten and
// their neighbours, the 1e15 hand-over to the reference path, subnormals and
// the special values. Any differing character fails the test.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "blocsim/output/format.h"

using namespace blocsim;

namespace {

struct Checker {
  std::int64_t checked = 0, differing = 0;
  std::string first;
  void operator()(double v) {
    std::string fast, ref;
    append_number(fast, v);
    append_number_reference(ref, v);
    char buf[kMaxNumberChars];
    const std::string direct(buf, write_number(buf, v));
    char lbuf[kMaxNumberChars + 1];
    const std::string listed(lbuf, write_number_list(lbuf, &v, 1));  // ",v"
    ++checked;
    if (fast != ref || direct != ref || listed != "," + ref) {
      if (differing++ == 0) {
        char hex[32];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
        first = std::string("bits ") + hex + ": fast '" + fast + "' / direct '" + direct + "', reference '" + ref + "'";
      }
    }
  }
  void check_and_report() const {
    INFO("checked ", checked, " doubles; first difference: ", first);
    CHECK(differing == 0);
  }
};

double next(double v, int steps) {
  for (int i = 0; i < std::abs(steps); ++i) v = std::nextafter(v, steps > 0 ? INFINITY : -INFINITY);
  return v;
}

}  // namespace

TEST_SUITE("format") {
  TEST_CASE("fast number format equals std::to_chars on random bit patterns") {
    Checker c;
    std::mt19937_64 gen(20261202);
    for (int i = 0; i < 2'000'000; ++i) c(std::bit_cast<double>(gen()));
    c.check_and_report();
  }

  TEST_CASE("write_number_list writes ',v' for each value, as write_number does") {
    std::mt19937_64 gen(7);
    std::uniform_real_distribution<double> u(-2.0, 2.0);
    int differing = 0;
    for (int count = 0; count <= 9; ++count)
      for (int rep = 0; rep < 2000; ++rep) {
        double v[9];
        std::string expect;
        for (int c = 0; c < count; ++c) {
          v[c] = rep % 3 == 0 ? std::bit_cast<double>(gen()) : u(gen);
          expect += ',';
          append_number_reference(expect, v[c]);
        }
        char buf[9 * (kMaxNumberChars + 1)];
        differing += std::string(buf, write_number_list(buf, v, count)) != expect;
      }
    CHECK(differing == 0);
  }

  TEST_CASE("fast number format equals std::to_chars in the model's ranges") {
    Checker c;
    std::mt19937_64 gen(14);
    std::uniform_real_distribution<double> unit(0.0, 1.0), sym(-1.0, 1.0), wide(-50.0, 50.0);
    std::uniform_int_distribution<int> expo(-12, 12);
    for (int i = 0; i < 1'000'000; ++i) {
      c(unit(gen));
      c(sym(gen));
      c(wide(gen));
      c(unit(gen) * std::pow(10.0, expo(gen)));
      // rounded values (identities, capacities read from data: few digits)
      c(std::round(unit(gen) * 10000.0) / 10000.0);
      c(std::round(wide(gen) * 1000.0) / 1000.0);
    }
    c.check_and_report();
  }

  TEST_CASE("fast number format equals std::to_chars on short decimals at every exponent (fixed/scientific ties)") {
    Checker c;
    std::mt19937_64 gen(7);
    for (int digits = 1; digits <= 17; ++digits) {
      const auto lo = static_cast<std::uint64_t>(std::pow(10.0, digits - 1));
      std::uniform_int_distribution<std::uint64_t> mant(lo, lo * 10 - 1);
      for (int e = -330; e <= 310; ++e)
        for (int i = 0; i < 40; ++i) {
          const double v = std::strtod((std::to_string(mant(gen)) + "e" + std::to_string(e)).c_str(), nullptr);
          c(v);
          c(-v);
          c(next(v, 1));
          c(next(v, -1));
        }
    }
    c.check_and_report();
  }

  TEST_CASE("fast number format equals std::to_chars at boundaries") {
    Checker c;
    const double specials[] = {0.0,
                               -0.0,
                               std::numeric_limits<double>::quiet_NaN(),
                               -std::numeric_limits<double>::quiet_NaN(),
                               std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(),
                               std::numeric_limits<double>::min(),
                               std::numeric_limits<double>::denorm_min(),
                               std::numeric_limits<double>::max(),
                               std::numeric_limits<double>::epsilon(),
                               1e15,
                               9007199254740992.0,
                               0.1,
                               1.0 / 3.0,
                               2.0 / 3.0,
                               5e-324,
                               1e-5,
                               1e-4,
                               0.001,
                               123456789012345.0,
                               999999999999999.9};
    for (double v : specials)
      for (int s = -64; s <= 64; ++s) {
        c(next(v, s));
        c(-next(v, s));
      }
    // integers and their neighbours, up to and past 2^53
    for (std::int64_t i = 0; i < 200000; ++i) {
      c(static_cast<double>(i));
      c(next(static_cast<double>(i), 1));
      c(next(static_cast<double>(i), -1));
    }
    for (int b = 0; b <= 64; ++b)
      for (int s = -3; s <= 3; ++s) c(next(std::ldexp(1.0, b), s));
    // powers of ten and their neighbours
    for (int e = -324; e <= 308; ++e) {
      const double p = std::strtod(("1e" + std::to_string(e)).c_str(), nullptr);
      for (int s = -8; s <= 8; ++s) {
        c(next(p, s));
        c(-next(p, s));
      }
    }
    // subnormals
    std::mt19937_64 gen(3);
    for (int i = 0; i < 200000; ++i) c(std::bit_cast<double>(gen() & 0x000fffffffffffffull));
    c.check_and_report();
  }

  TEST_CASE("format_number: the documented layout") {
    CHECK(format_number(0.0) == "0");
    CHECK(format_number(-0.0) == "-0");
    CHECK(format_number(1e-05) == "1e-05");
    CHECK(format_number(0.0001) == "1e-04");  // shorter than 0.0001
    CHECK(format_number(0.001) == "0.001");
    CHECK(format_number(1234.5) == "1234.5");
    CHECK(format_number(1e20) == "1e+20");
    CHECK(format_number(100.0) == "100");
    CHECK(format_number(0.1) == "0.1");
    CHECK(format_number(std::nan("")) == "nan");
    CHECK(format_number(-INFINITY) == "-inf");
    CHECK(format_number(1.0 / 3.0) == "0.3333333333333333");
    CHECK(format_number(5e-324) == "5e-324");
  }
}
