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
//!   blocsim::Rng rng(seed, tick, country, blocsim::Stream::choice_draw);
//!   double u = rng.uniform();   // [0,1)
//!   double z = rng.normal();    // N(0,1), Box–Muller
//! @endcode
#pragma once

#include <array>
#include <cstdint>

namespace blocsim {

//! Independent random streams. Add new streams at the end (values are part
//! of the reproducibility contract: changing one changes every result).
enum class Stream : std::uint32_t {
  init = 0,           //!< synthetic world generation, initial draws
  network = 1,        //!< synthetic network wiring
  identity_noise = 2, //!< identity phase noise
  choice_revise = 3,  //!< whether a country revises its alignment
  choice_draw = 4,    //!< which bloc it draws
  standards_revise = 5,
  standards_draw = 6,
  user = 100,         //!< first stream free for docking reductions and tools
};

//! One Philox4x32-10 block: 4 × 32 random bits for (key, counter).
std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> counter,
                                        std::array<std::uint32_t, 2> key) noexcept;

//! A cheap, copyable generator for one (seed, tick, agent, stream) key.
//! Successive calls advance an internal draw counter; buffers 4 words.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t tick, std::uint64_t agent, Stream stream) noexcept;
  Rng(std::uint64_t seed, std::uint64_t tick, std::uint64_t agent, std::uint32_t stream) noexcept;

  std::uint32_t next_u32() noexcept;
  std::uint64_t next_u64() noexcept;
  //! Uniform on [0,1) with 53 random bits.
  double uniform() noexcept;
  //! Standard normal (Box–Muller, both values used).
  double normal() noexcept;
  //! Uniform integer in [0, n), n ≥ 1 (Lemire's method, unbiased).
  std::uint64_t below(std::uint64_t n) noexcept;

 private:
  void refill() noexcept;
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
