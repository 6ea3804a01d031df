// Internal helpers of the docking reductions (sim/analysis/dock/*.cpp only).
#pragma once

#include <cmath>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "blocsim/analysis/dock.h"
#include "blocsim/engine/rng.h"

#include "blocsim/parallel.h"

namespace blocsim::dock::detail {

//! Stream ids (Stream::user + n) of the docking reductions.
inline constexpr std::uint32_t kStreamDeffuant = static_cast<std::uint32_t>(Stream::user) + 1;
inline constexpr std::uint32_t kStreamAxelrod = static_cast<std::uint32_t>(Stream::user) + 2;
inline constexpr std::uint32_t kStreamLandscape = static_cast<std::uint32_t>(Stream::user) + 3;
inline constexpr std::uint32_t kStreamHkInit = static_cast<std::uint32_t>(Stream::user) + 4;
inline constexpr std::uint32_t kStreamCwInit = static_cast<std::uint32_t>(Stream::user) + 5;
inline constexpr std::uint32_t kStreamArthurTypes = static_cast<std::uint32_t>(Stream::user) + 6;

//! body(r) for r in [0, n), replicates in parallel (parallel_for_runs: each
//! replicate's result goes to its own slot, so the outcome does not depend on
//! the schedule). The first exception is rethrown after the loop.
template <class F>
void for_replicates(int n, int threads, F&& body) {
  parallel_for_runs(n, threads, [&](std::int64_t r, int) { body(static_cast<int>(r)); });
}

//! Replicates for a reduction: explicit option, else the fast or full default.
inline int replicates(const Options& opt, int fast, int full) {
  return opt.replicates > 0 ? opt.replicates : (opt.fast ? fast : full);
}

inline std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

//! Row with an estimate filled in.
inline Row make_row(std::string model, std::string statistic, const Estimate& e, std::string engine) {
  Row r;
  r.model = std::move(model);
  r.statistic = std::move(statistic);
  r.value = e.mean;
  r.lo = e.lo;
  r.hi = e.hi;
  r.n = e.n;
  r.engine = std::move(engine);
  return r;
}

}  // namespace blocsim::dock::detail

#include "blocsim/engine/config.h"

namespace blocsim::dock::detail {

//! Three-letter upper-case code of country i (AAA, AAB, …; i < 26³).
inline std::string code(int i) {
  std::string s = "AAA";
  s[2] = static_cast<char>('A' + i % 26);
  s[1] = static_cast<char>('A' + (i / 26) % 26);
  s[0] = static_cast<char>('A' + (i / 676) % 26);
  return s;
}

//! A scenario for a docking reduction, built in code: n inline countries
//! (gdp = pop = 1, capacity 0), dimensions `dims`, one power per id in
//! `powers` (no home, identity 0.5, every lever off), a complete graph
//! through one group "all" (w_ij = 1, i ≠ j; borders/trade off), optional
//! self-loops (w_ii = 1) as custom edges, every model lever that is not
//! part of the reduction switched off, initial state "nonaligned".
ScenarioConfig reduction_config(int n, const std::vector<std::string>& dims, const std::vector<std::string>& powers,
                                bool self_loops);

}  // namespace blocsim::dock::detail
