// Phases 3–5 and the record phase's interoperability in one walk over the
// network (issue 14; docs/ODD.md §3 "One walk per network row").
//
// The three phases and the interoperability sum each read their neighbours'
// state as it was at the start of the tick's walk, and otherwise only the
// row's own values:
//   identity   — neighbours' x (state t)                  → x_next[i]
//   choice     — neighbours' alignment (state t), own x just written by identity → alignment_next[i]
//   standards  — neighbours' standards (state t), own alignment and x just written → standard_next[i]
//   interoperability of the *previous* tick's end state — neighbours' and own
//              standards at the start of this tick (nothing between the record
//              phase of tick t − 1 and this walk changes standards; a policy
//              phase that rebuilds W is handled by step(), which then measures
//              it with a walk of its own before the policy phase).
// So row i can run the three kernels back to back while its neighbours' data
// is in cache: one walk per row instead of four (identity, choice, standards,
// record). In step() the walk also runs the material phase's per-country
// update on each block of rows after the block's decisions
// (network_pass_material; it reads and writes only the country's own slots). The kernels are the ones the phase-by-phase loops run
// (rows.h), with the same per-row summation order, and every country reads
// and writes the same values as there — so the results are the same bits.
// The interoperability sums are added in fixed_reduce's order (blocks of
// kParallelGrain rows in row order; block sums in block order), so they are
// the bits the record phase's fixed_reduce gives.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/rng.h"
#include "identity_x4.h"
#include "material_rows.h"
#include "rows_x4.h"

namespace blocsim::phase {

namespace {

using v4d = double __attribute__((vector_size(32)));

// neighbour_histogram3 (world.h) for nlabels ≤ 4, with the twelve partial
// histograms in named vector variables: as arrays (v4d a[4], …) GCC 12 keeps
// them on the stack, zeroes them with `rep stos` on every row and spills each
// addition (10⁵ agents: a quarter of the histogram's time in the zeroing).
// Every bin sees the additions of neighbour_histogram in its order — partial
// u gets the neighbours q ≡ begin + u (mod 4), combined (h0 + h1) + (h2 + h3) —
// so the bits are the same. The two labels of neighbour j come packed in one
// byte, labels[j] = (label_a(j) | label_b(j)·4)·8 (packed once per walk): one
// load per neighbour, and the byte times 8 is the offset of the neighbour's
// row of kOneHot2 (64 bytes: onehot(label_a), onehot(label_b)) — an x86
// scaled address, no index arithmetic — and one cache line fewer to fetch for
// a rewired neighbour.
// Per neighbour (AVX2: ~11 instructions instead of ~16; issue 14, round 4):
//  * the four weights of an unrolled step are widened float → double with one
//    conversion (exact, as static_cast per weight) and broadcast by a shuffle;
//  * the standards share is (w·onehot_b)·gdp_j, reusing the ties product
//    w·onehot_b, instead of (w·gdp_j)·onehot_b: in the bin of the label both
//    are w·gdp_j (times 1.0, exact), in every other bin both are a zero with
//    the sign of w·gdp_j (adding ±0 to a bin that started at +0.0 leaves it
//    unchanged: a bin is never −0.0), and a NaN or infinite gdp gives NaN
//    lanes either way. (They would differ only if w·gdp_j overflowed a double
//    with finite w and gdp_j, i.e. gdp_j > 10²⁶⁹: no world has that.)
struct Hist3 {
  v4d peer, share, ties;  // choice's peer weights, standards shares, interoperability ties
};

struct OneHot2 {
  alignas(64) double v[16][8];
};
constexpr OneHot2 make_onehot2() {  // v[c] = {onehot(c & 3), onehot(c >> 2)}
  OneHot2 t{};
  for (int c = 0; c < 16; ++c) {
    t.v[c][c & 3] = 1.0;
    t.v[c][4 + (c >> 2)] = 1.0;
  }
  return t;
}
alignas(64) constexpr OneHot2 kOneHot2 = make_onehot2();

// kShare false: the standards shares are not summed (out.share = +0.0 in
// every bin) — for a row whose standards decision reads no values (pinned,
// or not revising: ~85 % of rows at the default r_s = 0.15), whose shares no
// kernel reads (Standards::decide / decide4 return kept() for it before
// looking at them). Peer weights and ties are summed as always: the same
// bits for every value that is read.
template <bool kShare>
[[gnu::always_inline]] inline void histogram3_v4(const Network& net, std::int64_t i, const std::uint8_t* labels,
                                                 [[maybe_unused]] const double* gdp, Hist3& out) {
  const char* const onehot_a = reinterpret_cast<const char*>(kOneHot2.v);
  const char* const onehot_b = onehot_a + 32;
  const float* wv = net.valuePtr();
  const auto* inner = net.innerIndexPtr();
  const auto begin = net.outerIndexPtr()[i], end = net.outerIndexPtr()[i + 1];
  const v4d zero = {0.0, 0.0, 0.0, 0.0};
  v4d a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero, c0 = zero, c1 = zero,
      c2 = zero, c3 = zero;
#define BLOCSIM_ADD3(A, B, C, J, W)                                                     \
  do {                                                                                  \
    const auto j_ = (J);                                                                \
    const std::size_t o_ = std::size_t{labels[j_]} * 8;                                 \
    const v4d w_ = (W);                                                                 \
    const v4d pb_ = w_ * *reinterpret_cast<const v4d*>(onehot_b + o_);                  \
    A += w_ * *reinterpret_cast<const v4d*>(onehot_a + o_);                             \
    C += pb_;                                                                           \
    if constexpr (kShare) B += pb_ * gdp[j_];                                           \
  } while (0)
  // steps of 4 neighbours indexed from the end of the last full step
  // (k = −n4 … −4): one index for both arrays, and the loop test is the
  // flags of its increment
  const std::int64_t n4 = (end - begin) & ~std::int64_t{3};
  const auto* const ie = inner + begin + n4;
  const float* const we = wv + begin + n4;
  for (std::int64_t k = -n4; k < 0; k += 4) {
    const v4d w4 = v4::widen4(we + k);
    BLOCSIM_ADD3(a0, b0, c0, ie[k], __builtin_shufflevector(w4, w4, 0, 0, 0, 0));
    BLOCSIM_ADD3(a1, b1, c1, ie[k + 1], __builtin_shufflevector(w4, w4, 1, 1, 1, 1));
    BLOCSIM_ADD3(a2, b2, c2, ie[k + 2], __builtin_shufflevector(w4, w4, 2, 2, 2, 2));
    BLOCSIM_ADD3(a3, b3, c3, ie[k + 3], __builtin_shufflevector(w4, w4, 3, 3, 3, 3));
  }
  auto wq = [&](std::int64_t r) {
    const double d = static_cast<double>(we[r]);
    return v4d{d, d, d, d};
  };
  switch (end - begin - n4) {  // the last 0–3 neighbours, one per partial (partials are independent)
    case 3: BLOCSIM_ADD3(a2, b2, c2, ie[2], wq(2)); [[fallthrough]];
    case 2: BLOCSIM_ADD3(a1, b1, c1, ie[1], wq(1)); [[fallthrough]];
    case 1: BLOCSIM_ADD3(a0, b0, c0, ie[0], wq(0)); break;
    default: break;
  }
#undef BLOCSIM_ADD3
  out.peer = (a0 + a1) + (a2 + a3);
  out.share = (b0 + b1) + (b2 + b3);
  out.ties = (c0 + c1) + (c2 + c3);
}

// Brings World::label_sums up to date with the packed labels `now` of every
// country (docs/ODD.md §3 "Label sums kept across ticks"): for each country
// j whose label changed since the sums were taken, its weight moves from the
// old label's bin to the new one in the sums of each of its neighbours i
// (w_ij = w_ji: W is symmetric, index_label_sums checked it). The sums are
// exact (label_sums_exact), so each equals the ordered sum histogram3_v4
// would give, bit for bit, whatever the order of the updates. Returns false
// when the sums must be taken afresh by the walk (none yet, or so many
// labels changed that the walk's own sums cost less); label_sums_of is `now`
// after the call either way. The kept standards shares (World::share_sums) of
// every neighbour i of a country whose standard changed are marked stale
// (all of them when the walk sums afresh).
bool update_label_sums(World& w, const std::uint8_t* now) {
  const std::int64_t n = w.n;
  const auto un = static_cast<std::size_t>(n);
  if (w.label_sums_of.size() != un || w.label_sums.size() != 8 * un || w.share_sums.size() != 4 * un ||
      w.share_valid.size() != un) {
    w.label_sums.assign(8 * un, 0.0);
    w.label_sums_of.assign(now, now + n);
    w.share_sums.assign(4 * un, 0.0);
    w.share_valid.assign(un, 0);
    return false;
  }
  std::uint8_t* const was = w.label_sums_of.data();
  thread_local std::vector<std::int32_t> changed;
  changed.clear();
  const std::int64_t limit = n / 8;  // more changed rows than this: the walk sums afresh
  for (std::int64_t j = 0; j < n; j += 32) {
    // 32 labels at a time: one compare of the common case, no change
    const std::int64_t e = std::min(j + 32, n);
    if (e - j == 32 && std::memcmp(was + j, now + j, 32) == 0) continue;
    for (std::int64_t r = j; r < e; ++r)
      if (was[r] != now[r]) changed.push_back(static_cast<std::int32_t>(r));
    if (static_cast<std::int64_t>(changed.size()) > limit) {
      std::memcpy(was, now, un);
      std::memset(w.share_valid.data(), 0, un);
      return false;
    }
  }
  const std::int32_t* const outer = w.w.outerIndexPtr();
  const std::int32_t* const inner = w.w.innerIndexPtr();
  const float* const val = w.w.valuePtr();
  double* const sums = w.label_sums.data();
  std::uint8_t* const share_valid = w.share_valid.data();
  for (const std::int32_t j : changed) {
    const unsigned o = was[j], c = now[j];
    const unsigned oa = (o >> 3) & 3, ca = (c >> 3) & 3, os = 4 + (o >> 5), cs = 4 + (c >> 5);
    for (auto q = outer[j]; q < outer[j + 1]; ++q) {
      const auto i = static_cast<std::size_t>(inner[q]);
      double* const s = sums + std::size_t{8} * i;
      const double v = static_cast<double>(val[q]);
      if (oa != ca) {
        s[oa] -= v;
        s[ca] += v;
      }
      if (os != cs) {
        s[os] -= v;
        s[cs] += v;
        share_valid[i] = 0;  // row i's shares read s_j
      }
    }
    was[j] = now[j];
  }
  return true;
}

// `identity` false: the decisions only (decision_pass): no identity update,
// the choice and standards kernels read the identities x as they are.
template <int DC, int KC>
// material: the material phase's per-country update of each group of rows
// right after their decisions (step's fused walk; nullptr: none)
// sums: this tick's identity neighbour sums from identity_sums_batch (nullptr: rows4 sums)
void network_pass_impl(World& w, bool interop, bool identity = true, const detail::Rates* material = nullptr,
                       const double* sums = nullptr) {
  const rows::Identity<DC> identity_row(w, sums);
  const double* const x_decide = identity ? w.x_next.data() : w.x.data();
  rows::Choice<DC, KC> choice_row(w, x_decide);
  const rows::Standards<KC> standards_row(w, x_decide, w.alignment_next.data());
  const std::int64_t n = w.n;
  const int D = w.d, K = choice_row.K;
  const std::int64_t nblocks = n > 0 ? (n + kParallelGrain - 1) / kParallelGrain : 0;
  std::vector<double> partial(static_cast<std::size_t>(2 * nblocks), 0.0);
  // alignment switches per block (a count: the same integer in any order, as
  // the choice phase's fixed_sum over 0/1 terms gives — no pass of its own)
  std::vector<std::int64_t> switches(static_cast<std::size_t>(nblocks), 0);
  const bool prefetch = prefetches_neighbours(n);
  const std::int32_t* const outer = w.w.outerIndexPtr();
  const std::int32_t* const inner = w.w.innerIndexPtr();
  // the far-neighbour index, when built for this W (index_far_neighbours)
  const bool far_built = w.far_outer.size() == static_cast<std::size_t>(n) + 1;
  const std::int32_t* const far_outer = far_built ? w.far_outer.data() : nullptr;
  const std::int32_t* const far_inner = far_built ? w.far_inner.data() : nullptr;
  const double* const x = w.x.data();
  const double* const gdp = w.gdp.data();
  const Bloc* const alignment = w.alignment.data();
  const Bloc* const standard = w.standard.data();
  const std::uint64_t seed = w.seed, tick = static_cast<std::uint64_t>(w.tick);
  const PhiloxKeys keys(seed);
  const bool draw_choice = choice_row.rule.draw, draw_standards = standards_row.rule.draw;
  // (alignment | standard·4)·8 of every country (start of tick), for histogram3_v4
  thread_local std::vector<std::uint8_t> packed;
  const bool packed_labels = KC == 2 || K + 1 <= 4;
  if (packed_labels) {
    if (packed.size() < static_cast<std::size_t>(n)) packed.resize(static_cast<std::size_t>(n));
    std::uint8_t* const out = packed.data();
    parallel_for(
        nblocks,
        [&](std::int64_t b) {
          const std::int64_t lo = b * kParallelGrain, hi = std::min(lo + kParallelGrain, n);
          // restrict: out (bytes) may alias any array for the compiler,
          // which then packs one byte at a time instead of 32 per vector
          // (195 countries: ~11 instructions per country → < 1)
          std::uint8_t* __restrict const o = out;
          const Bloc* __restrict const la = alignment;
          const Bloc* __restrict const lb = standard;
          for (std::int64_t j = lo; j < hi; ++j)
            o[j] = static_cast<std::uint8_t>((static_cast<std::uint8_t>(la[j]) | static_cast<std::uint8_t>(lb[j]) << 2) << 3);
        },
        2);
  }
  const std::uint8_t* const labels = packed.data();
  // the neighbour label sums kept from the last walk, brought up to date
  // (most rows then skip their histogram); `fresh`: the walk sums every row
  // and keeps the sums
  const bool kept_sums = packed_labels && w.label_sums_exact;
  const bool fresh = kept_sums && !update_label_sums(w, labels);
  double* const label_sums = kept_sums ? w.label_sums.data() : nullptr;
  double* const share_sums = kept_sums ? w.share_sums.data() : nullptr;
  std::uint8_t* const share_valid = kept_sums ? w.share_valid.data() : nullptr;
  // The row-ordered ("sequential") arrays the three kernels read and write:
  // ~30 streams in one loop — more than the hardware prefetcher follows while
  // the neighbour reads jump between pages (profile, 10⁵ agents: the identity
  // and choice kernels ran 25–50 % slower inside this loop than in their own
  // phase loops, stalled on loads of the row's own x0 / ties / …). So they
  // are prefetched in software, seq_ahead rows ahead, one prefetch per cache
  // line (interleaved comparison, 10⁵ agents, 1 thread: +8 % for the tick).
  struct SeqStream {
    const char* base;
    std::int64_t bytes_per_row;
    std::int64_t lines = 0;  // prefetches per group of 4 rows: ⌈4·bytes_per_row / 64⌉
  };
  const std::int64_t Kb = w.k;
  SeqStream seq[] = {
      {reinterpret_cast<const char*>(w.x.data()), D * 8},
      // (the identity kernel's own: not streamed by decision_pass)
      {reinterpret_cast<const char*>(w.x_next.data()), identity ? D * 8 : 0},
      {reinterpret_cast<const char*>(w.x0.data()), identity && w.x0.size() == w.x.size() ? D * 8 : 0},
      {reinterpret_cast<const char*>(w.access.data()), Kb * 8},
      {reinterpret_cast<const char*>(w.dgrievance.data()), w.dgrievance.size() ? Kb * 8 : 0},
      {reinterpret_cast<const char*>(w.ties.data()), Kb * 8},
      {reinterpret_cast<const char*>(w.aid.data()), Kb * 8},
      {reinterpret_cast<const char*>(w.lock.data()), Kb * 8},
      {reinterpret_cast<const char*>(w.grievance.data()), Kb * 8},
      {reinterpret_cast<const char*>(w.open_value.data()), Kb * 8},
      {reinterpret_cast<const char*>(w.security.data()), Kb * 4},
      {reinterpret_cast<const char*>(w.rivalry.data()), Kb * 4},
      {reinterpret_cast<const char*>(w.forum.data()), w.forum.size() ? Kb * 4 : 0},
      {reinterpret_cast<const char*>(w.utility.data()), (Kb + 1) * 8},
      {reinterpret_cast<const char*>(w.w_rowsum.data()), 8},
      {reinterpret_cast<const char*>(w.hedge_member.data()), w.hedge_member.size() ? 8 : 0},
      {reinterpret_cast<const char*>(w.margin.data()), 8},
      {reinterpret_cast<const char*>(w.choice_z.data()), 8},
      {reinterpret_cast<const char*>(w.threshold.data()), w.threshold.size() ? 8 : 0},
      {reinterpret_cast<const char*>(w.capacity.data()), 8},
      {reinterpret_cast<const char*>(w.gdp.data()), 8},
      {reinterpret_cast<const char*>(outer), 4},
      {reinterpret_cast<const char*>(label_sums), kept_sums ? 64 : 0},
  };
  int nseq = 0;  // the streams this world has, in order
  for (const SeqStream& st : seq)
    if (st.bytes_per_row > 0) seq[nseq++] = {st.base, st.bytes_per_row, (4 * st.bytes_per_row + 63) / 64};
  constexpr std::int64_t seq_ahead = kNearRows;  // rows (16, 32 and 64 measured alike at 10⁵ agents; = kNearRows: see far_inner)
  auto block = [&](std::int64_t b) {
    const std::int64_t lo = b * kParallelGrain, hi = std::min(lo + kParallelGrain, n);
    double same = 0.0, all = 0.0;
    std::int64_t switched = 0;
    // groups of 4 rows whose first Philox blocks are computed together, as
    // detail::for_each_country_with_block0 does (kParallelGrain is a multiple of 4)
    for (std::int64_t g = lo; g < hi; g += 4) {
      const int m = static_cast<int>(std::min<std::int64_t>(4, hi - g));
      if (prefetch && g + seq_ahead + 4 <= n) {
        // rows [r, r + 4) of each stream: one prefetch per 64 bytes from the
        // group's first byte (two for 4 rows of 17–32 bytes, …). Each
        // group's prefetches lie at most 64 bytes apart, also across groups,
        // so every line of the stream is touched; with ≤ 16 bytes a row some
        // lines are touched twice, which costs fewer instructions than
        // finding the lines that begin within the rows (issue 14, round 4:
        // synthetic 20k world, −24 instructions per agent per tick).
        const std::int64_t r = g + seq_ahead;
        for (int k = 0; k < nseq; ++k) {
          const char* const p0 = seq[k].base + r * seq[k].bytes_per_row;
          __builtin_prefetch(p0);
          for (std::int64_t t = 1; t < seq[k].lines; ++t) __builtin_prefetch(p0 + 64 * t);
        }
        const auto q0 = outer[r], q1 = outer[r + 4];
        for (std::int64_t off = (q0 * 4 + 63) & ~std::int64_t{63}; off < q1 * 4; off += 64) {
          __builtin_prefetch(reinterpret_cast<const char*>(inner) + off);
          __builtin_prefetch(reinterpret_cast<const char*>(w.w.valuePtr()) + off);
        }
      }
      std::array<std::uint32_t, 4> block_c[4] = {}, block_s[4] = {};
      if (draw_choice && draw_standards) {
        philox_block0_x4_two(keys, tick, static_cast<std::uint64_t>(g), static_cast<std::uint32_t>(Stream::choice),
                             static_cast<std::uint32_t>(Stream::standards), m, block_c, block_s);
      } else {
        if (draw_choice) philox_block0_x4(seed, tick, static_cast<std::uint64_t>(g), static_cast<std::uint32_t>(Stream::choice), m, block_c);
        if (draw_standards)
          philox_block0_x4(seed, tick, static_cast<std::uint64_t>(g), static_cast<std::uint32_t>(Stream::standards), m, block_s);
      }
      // K = 2 and a full group: the choice and standards decisions of the 4
      // rows run as one 4-lane kernel each (rows_x4.h decide4) after the rows'
      // identity updates and histograms (each row's choice reads only its
      // own new x, its standards only its own new x and alignment)
      const bool four = KC == 2 && m == 4;
      // D = 4 and a full group: the identity updates of the 4 rows first, the
      // terms after the neighbour sums with lane = row (identity_x4.h rows4);
      // each row's later kernels read only its own new x, so this order gives
      // the same values
      const bool identity4 = DC == 4 && m == 4 && identity;
      if constexpr (DC == 4) {
        if (identity4) identity_row.rows4(g);
      }
      alignas(32) double peer4[4][4], share4[4][4];
      for (int l = 0; l < m; ++l) {
        const std::int64_t i = g + l;
        if (prefetch && i + kPrefetchAhead < n) {
          // everything the kernels read of row i + kPrefetchAhead's far
          // neighbours (rewired neighbours are cache and TLB misses; the
          // near ones, within kNearRows rows, come with the row-ordered
          // prefetches above or were just read: World::far_inner)
          const std::int64_t r = i + kPrefetchAhead;
          const bool indexed = far_outer != nullptr;
          const std::int32_t* const pi = indexed ? far_inner : inner;
          for (auto q = indexed ? far_outer[r] : outer[r], qe = indexed ? far_outer[r + 1] : outer[r + 1]; q < qe; ++q) {
            const std::int64_t j = pi[q];
            __builtin_prefetch(x + j * D);
            __builtin_prefetch(gdp + j);
            if (packed_labels) {
              __builtin_prefetch(labels + j);
            } else {
              __builtin_prefetch(alignment + j);
              __builtin_prefetch(standard + j);
            }
          }
        }
        if (!identity4 && identity) identity_row(i);
        // choice's peer weights, the standards shares and the record's
        // interoperability: one neighbour loop (all read start-of-tick labels)
        if (KC == 2 || K + 1 <= 4) {  // (KC == 2: known at compile time)
          Hist3 h;
          double* const kept = kept_sums ? label_sums + 8 * i : nullptr;
          const bool shares = detail::needs_values(standards_row.rule, standards_row.pinned[i], block_s[l]);
          if (kept_sums && !fresh && (!shares || share_valid[i])) {
            // peer weights and ties as kept (brought up to date: exact sums,
            // the same bits); the shares only for a row whose standards
            // decision reads them, as this loop last summed them (no
            // neighbour has changed its standard since: the same values)
            std::memcpy(&h.peer, kept, sizeof h.peer);
            std::memcpy(&h.ties, kept + 4, sizeof h.ties);
            if (shares) std::memcpy(&h.share, share_sums + 4 * i, sizeof h.share);
            else h.share = v4d{0.0, 0.0, 0.0, 0.0};
          } else if (shares) {
            histogram3_v4<true>(w.w, i, labels, gdp, h);
            if (kept_sums) {
              std::memcpy(share_sums + 4 * i, &h.share, sizeof h.share);
              share_valid[i] = 1;
            }
          } else {
            histogram3_v4<false>(w.w, i, labels, gdp, h);
          }
          if (fresh) {
            std::memcpy(kept, &h.peer, sizeof h.peer);
            std::memcpy(kept + 4, &h.ties, sizeof h.ties);
          }
          std::memcpy(peer4[l], &h.peer, sizeof peer4[l]);
          std::memcpy(share4[l], &h.share, sizeof share4[l]);
          if constexpr (KC == 0) {
            // any K ≤ 3: decide() reads entries 0 … K, which GCC 12 without
            // OpenMP cannot see the histogram filled (-Wmaybe-uninitialized),
            // so they are passed in zeroed arrays of kMaxPowers + 1
            double peer[kMaxPowers + 1] = {}, share[kMaxPowers + 1] = {};
            std::memcpy(peer, &h.peer, sizeof h.peer);
            std::memcpy(share, &h.share, sizeof h.share);
            choice_row.decide(i, block_c[l], peer);
            standards_row.decide(i, block_s[l], share);
          } else if (!four) {
            choice_row.decide(i, block_c[l], peer4[l]);
            standards_row.decide(i, block_s[l], share4[l]);
          }
          if (interop) {  // as rows::interoperability_row
            double a = 0.0;
            if constexpr (KC == 2) {  // the same additions, unrolled
              a += h.ties[0];
              a += h.ties[1];
              a += h.ties[2];
            } else {
              for (int t = 0; t <= K; ++t) a += h.ties[t];
            }
            same += h.ties[standard[i]];
            all += a;
          }
        } else {
          // zeroed: GCC 12 without OpenMP cannot see that neighbour_histogram3 fills them (-Wmaybe-uninitialized)
          double peer[kMaxPowers + 1] = {}, share[kMaxPowers + 1] = {}, ties_by_standard[kMaxPowers + 1] = {};
          neighbour_histogram3(w.w, i, alignment, standard, gdp, K + 1, peer, share, ties_by_standard);
          choice_row.decide(i, block_c[l], peer);
          standards_row.decide(i, block_s[l], share);
          if (interop) {  // as rows::interoperability_row
            double a = 0.0;
            for (int t = 0; t <= K; ++t) a += ties_by_standard[t];
            same += ties_by_standard[standard[i]];
            all += a;
          }
        }
      }
      if constexpr (KC == 2) {
        if (four) {
          choice_row.decide4(g, block_c, peer4);
          standards_row.decide4(g, block_s, share4);
        }
      }
    }
    if (material) {
      // the material phase of the block's rows: a country's update reads its
      // new alignment and standard and its own slots, which no other row's
      // kernels read (they read only neighbours' x, gdp and start-of-tick
      // labels). Per block, not per group of 4 rows: over 4 rows GCC's code
      // took ~94 instructions a country against ~36 over a block (default
      // world, callgrind), and a block's arrays are still in L2 here.
      detail::countries<KC>(lo, hi, K, *material, w.access.data(), w.aid.data(), w.dgrievance.data(), w.ties0.data(),
                            w.capacity.data(), w.lock.data(), w.grievance.data(), w.ties.data(), w.alignment_next.data(),
                            w.standard_next.data());
    }
    for (std::int64_t i = lo; i < hi; ++i)
      switched += w.alignment_next[static_cast<std::size_t>(i)] != alignment[i] ? 1 : 0;
    switches[static_cast<std::size_t>(b)] = switched;
    partial[static_cast<std::size_t>(2 * b)] = same;
    partial[static_cast<std::size_t>(2 * b + 1)] = all;
  };
  parallel_for(nblocks, block, 2);
  if (identity) w.x.swap(w.x_next);
  w.churn = 0;
  for (const std::int64_t c : switches) w.churn += c;
  w.alignment.swap(w.alignment_next);
  w.standard.swap(w.standard_next);
  if (interop) {
    double num = 0.0, den = 0.0;  // fixed_reduce: block sums added in block order
    for (std::int64_t b = 0; b < nblocks; ++b) {
      num += partial[static_cast<std::size_t>(2 * b)];
      den += partial[static_cast<std::size_t>(2 * b + 1)];
    }
    w.walk_interoperability = den > 0.0 ? num / den : std::numeric_limits<double>::quiet_NaN();
    w.walk_interoperability_tick = w.tick - 1;
  }
}

template <int DC>
void network_pass_d(World& w, bool interop, bool identity, const detail::Rates* material, const double* sums) {
  if (w.k == 2)
    network_pass_impl<DC, 2>(w, interop, identity, material, sums);
  else
    network_pass_impl<DC, 0>(w, interop, identity, material, sums);
}

void dispatch(World& w, bool interop, bool identity, const detail::Rates* material = nullptr,
              const double* sums = nullptr) {
  switch (w.d) {
    case 2: network_pass_d<2>(w, interop, identity, material, nullptr); break;
    case 3: network_pass_d<3>(w, interop, identity, material, nullptr); break;
    case 4: network_pass_d<4>(w, interop, identity, material, sums); break;
    default: network_pass_d<0>(w, interop, identity, material, nullptr); break;
  }
}

}  // namespace

void network_pass(World& w, bool interoperability) { dispatch(w, interoperability, true); }

void network_pass_material(World& w, bool interoperability, const double* sums) {
  const detail::Rates rates = detail::material_rates(w);  // from the frontiers before this tick's update
  dispatch(w, interoperability, true, &rates, sums);
  detail::material_frontiers(w);
}

void decision_pass(World& w) { dispatch(w, false, false); }

}  // namespace blocsim::phase
