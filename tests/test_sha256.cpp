// SHA-256 against the FIPS 180-4 / NIST example vectors.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "blocsim/input/scenario.h"
#include "blocsim/io/error.h"
#include "io/sha256.h"

using blocsim::sha256_hex;

TEST_SUITE("sha256") {
  TEST_CASE("known vectors") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsm"
                     "nopqrstnopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(sha256_hex("The quick brown fox jumps over the lazy dog") ==
          "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
  }

  TEST_CASE("padding boundaries (55, 56, 63, 64, 65 bytes) agree with the file hash") {
    const auto dir = std::filesystem::temp_directory_path();
    for (std::size_t n : {55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u}) {
      CAPTURE(n);
      const std::string bytes(n, 'x');
      const auto p = dir / ("blocsim-sha-" + std::to_string(n));
      std::ofstream(p, std::ios::binary) << bytes;
      CHECK(blocsim::sha256_file(p) == sha256_hex(bytes));
      std::filesystem::remove(p);
    }
    // 56 'a's: the length no longer fits in the first padding block
    CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  }

  TEST_CASE("the SHA-NI and the portable compression give the same digests") {
    // On a CPU without the SHA extensions both calls run the portable code
    // (and this test checks nothing new); the message says which ran.
    const std::string which = blocsim::sha256_accelerated() ? "SHA-NI" : "portable (this CPU lacks SHA-NI)";
    MESSAGE("automatic uses " << which);
    using blocsim::Sha256Impl;
    CHECK(sha256_hex(std::string_view("abc"), Sha256Impl::portable) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    std::mt19937_64 gen(20261205);
    std::string bytes;
    int differ = 0;
    for (std::size_t n = 0; n <= 1100; ++n) {  // every padding case, 0 to 17 whole blocks
      while (bytes.size() < n) bytes.push_back(static_cast<char>(gen()));
      const std::string_view v(bytes.data(), n);
      differ += sha256_hex(v, Sha256Impl::automatic) != sha256_hex(v, Sha256Impl::portable);
    }
    CHECK(differ == 0);
    const std::string big(3 * 1024 * 1024 + 17, '\xa5');
    CHECK(sha256_hex(std::string_view(big), Sha256Impl::automatic) ==
          sha256_hex(std::string_view(big), Sha256Impl::portable));
  }

  TEST_CASE("unreadable file") {
    CHECK_THROWS_AS(blocsim::sha256_file("/nonexistent/blocsim/file"), blocsim::RunError);
  }
}
