// SHA-256's two implementations (sim/io/sha256.cpp): the portable one and,
// on x86-64 CPUs with the SHA extensions, SHA-NI instructions. sha256_hex()
// and sha256_file() (include/blocsim/input/scenario.h) use the fastest the
// CPU has; tests/test_sha256.cpp runs both on the same inputs.
#pragma once

#include <string>
#include <string_view>

namespace blocsim {

enum class Sha256Impl { automatic, portable };

//! SHA-256 of `bytes`, lower-case hex, by `impl` (automatic: SHA-NI when the
//! CPU has it, else the portable code; the same digest either way).
std::string sha256_hex(std::string_view bytes, Sha256Impl impl);

//! Whether Sha256Impl::automatic uses the SHA extensions on this CPU.
bool sha256_accelerated();

}  // namespace blocsim
