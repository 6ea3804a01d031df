// Sobol sensitivity indices (Saltelli 2010 / Jansen estimators) with bootstrap
// intervals, and `blocsim sweep sobol` on a finished folder.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/version.h"
#include "blocsim/output/format.h"
#include "sweep/sweep_detail.h"

namespace blocsim {

using namespace sweep_detail;
namespace fs = std::filesystem;

namespace {
void sobol_estimate(std::span<const double> y, const std::vector<std::int64_t>& rows, int k,
                    std::vector<double>& s1, std::vector<double>& st) {
  const auto stride = static_cast<std::size_t>(k + 2);
  Welford var;
  for (std::int64_t j : rows) {
    var.add(y[static_cast<std::size_t>(j) * stride]);
    var.add(y[static_cast<std::size_t>(j) * stride + static_cast<std::size_t>(k) + 1]);
  }
  const double n = static_cast<double>(rows.size());
  const double v = var.variance() * (2.0 * n - 1.0) / (2.0 * n);  // population variance
  const double c = var.mean();  // centring: same expectation, far lower variance when |mean| >> sd
  s1.assign(static_cast<std::size_t>(k), 0.0);
  st.assign(static_cast<std::size_t>(k), 0.0);
  for (int i = 0; i < k; ++i) {
    double a1 = 0.0, at = 0.0;
    for (std::int64_t j : rows) {
      const std::size_t base = static_cast<std::size_t>(j) * stride;
      const double fa = y[base] - c, fb = y[base + static_cast<std::size_t>(k) + 1] - c;
      const double fab = y[base + 1 + static_cast<std::size_t>(i)] - c;
      a1 += fb * (fab - fa);
      at += (fa - fab) * (fa - fab);
    }
    s1[static_cast<std::size_t>(i)] = a1 / n / v;
    st[static_cast<std::size_t>(i)] = 0.5 * at / n / v;
  }
}
}  // namespace

SobolIndices sobol_indices(std::span<const double> y, std::int64_t n, int k, int bootstrap,
                           std::uint64_t seed, double confidence) {
  const auto stride = static_cast<std::size_t>(k + 2);
  if (y.size() != static_cast<std::size_t>(n) * stride)
    throw RunError("sobol_indices: expected " + std::to_string(n * (k + 2)) + " outputs, got " +
                   std::to_string(y.size()));
  std::vector<std::int64_t> rows;
  for (std::int64_t j = 0; j < n; ++j) {
    bool ok = true;
    for (std::size_t m = 0; m < stride; ++m) ok = ok && !std::isnan(y[static_cast<std::size_t>(j) * stride + m]);
    if (ok) rows.push_back(j);
  }
  SobolIndices out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (rows.size() < 2) {
    out.S1.assign(static_cast<std::size_t>(k), nan);
    out.ST = out.S1_lo = out.S1_hi = out.ST_lo = out.ST_hi = out.S1;
    return out;
  }
  sobol_estimate(y, rows, k, out.S1, out.ST);
  out.S1_lo.assign(static_cast<std::size_t>(k), nan);
  out.S1_hi = out.ST_lo = out.ST_hi = out.S1_lo;
  if (bootstrap <= 0) return out;
  std::vector<std::vector<double>> bs1(static_cast<std::size_t>(k)), bst(static_cast<std::size_t>(k));
  SplitMix rng{mix64(seed ^ 0x534F424F4C425354ull)};
  std::vector<std::int64_t> sample(rows.size());
  std::vector<double> s1, st;
  for (int b = 0; b < bootstrap; ++b) {
    for (auto& s : sample) s = rows[rng.below(rows.size())];
    sobol_estimate(y, sample, k, s1, st);
    for (int i = 0; i < k; ++i) {
      bs1[static_cast<std::size_t>(i)].push_back(s1[static_cast<std::size_t>(i)]);
      bst[static_cast<std::size_t>(i)].push_back(st[static_cast<std::size_t>(i)]);
    }
  }
  const double lo = (1.0 - confidence) / 2.0, hi = 1.0 - lo;
  for (std::size_t i = 0; i < static_cast<std::size_t>(k); ++i) {
    std::sort(bs1[i].begin(), bs1[i].end());
    std::sort(bst[i].begin(), bst[i].end());
    out.S1_lo[i] = quantile_sorted(bs1[i], lo);
    out.S1_hi[i] = quantile_sorted(bs1[i], hi);
    out.ST_lo[i] = quantile_sorted(bst[i], lo);
    out.ST_hi[i] = quantile_sorted(bst[i], hi);
  }
  return out;
}

std::string sweep_sobol(const fs::path& dir, int bootstrap, std::uint64_t seed) {
  const Layout layout = Layout::read(dir);
  if (layout.design != "saltelli")
    throw RunError(dir.string() + ": Sobol indices need a saltelli design, this sweep is '" + layout.design + "'");
  if (!metadata_complete(dir)) throw RunError(dir.string() + ": sweep is not complete (run or merge it first)");
  const auto k = static_cast<int>(layout.params.size());
  const std::int64_t n = layout.samples;
  std::ifstream in(dir / "points.csv");
  std::string line;
  std::getline(in, line);
  std::deque<std::string> unq;
  std::vector<std::string> header;
  for (auto f : split_csv(line, unq)) header.emplace_back(f);
  std::vector<std::size_t> cols;
  for (const auto& s : layout.summaries) {
    const auto it = std::find(header.begin(), header.end(), s + "_mean");
    if (it == header.end()) throw RunError(dir.string() + "/points.csv: no column " + s + "_mean");
    cols.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  std::vector<std::vector<double>> y(cols.size());
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto f = split_csv(line, unq);
    for (std::size_t c = 0; c < cols.size(); ++c) y[c].push_back(parse_double(f[cols[c]]));
  }
  std::string csv = "metric,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n";
  std::ostringstream table;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-34s %-40s %8s %19s %8s %19s\n", "metric", "parameter", "S1", "95% CI", "ST",
                "95% CI");
  table << buf;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const SobolIndices si = sobol_indices(y[c], n, k, bootstrap, seed);
    for (int i = 0; i < k; ++i) {
      const auto u = static_cast<std::size_t>(i);
      csv += layout.summaries[c] + "," + layout.params[u] + "," + format_number(si.S1[u]) + "," +
             format_number(si.S1_lo[u]) + "," + format_number(si.S1_hi[u]) + "," + format_number(si.ST[u]) + "," +
             format_number(si.ST_lo[u]) + "," + format_number(si.ST_hi[u]) + "\n";
      std::snprintf(buf, sizeof buf, "%-34s %-40s %8.3f [%7.3f, %7.3f] %8.3f [%7.3f, %7.3f]\n",
                    layout.summaries[c].c_str(), layout.params[u].c_str(), si.S1[u], si.S1_lo[u], si.S1_hi[u],
                    si.ST[u], si.ST_lo[u], si.ST_hi[u]);
      table << buf;
    }
  }
  write_atomic(dir / "sobol.csv", csv);
  return table.str();
}

}  // namespace blocsim
