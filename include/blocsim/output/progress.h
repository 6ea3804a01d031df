//! \file progress.h
//! \brief Progress bar on stderr for long batches of runs (sweeps, calibration).
//!
//! On a terminal: a bar redrawn in place at most every 0.2 s; otherwise one
//! line every 10 s (log files stay short). `add()` is thread-safe; any thread
//! may call `maybe_print()`, only one prints at a time.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

namespace blocsim {

class Progress {
 public:
  Progress(std::int64_t total, bool quiet, std::string what = "sweep", std::string unit = "runs")
      : total_(total), quiet_(quiet), tty_(::isatty(2) == 1), what_(std::move(what)), unit_(std::move(unit)) {}
  void add(std::int64_t n) { done_ += n; }
  //! Called from any thread; prints only from the thread that wins the slot.
  void maybe_print(bool force = false) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (!force && since < (tty_ ? 0.2 : 10.0)) return;
    bool expected = false;
    if (!printing_.compare_exchange_strong(expected, true)) return;
    last_ = now;
    const std::int64_t d = done_.load();
    const double el = std::chrono::duration<double>(now - start_).count();
    const double rate = el > 0 ? static_cast<double>(d) / el : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - d) / rate : 0.0;
    const double frac = total_ > 0 ? static_cast<double>(d) / static_cast<double>(total_) : 1.0;
    char eta_s[32];
    std::snprintf(eta_s, sizeof eta_s, "%d:%02d:%02d", static_cast<int>(eta) / 3600,
                  (static_cast<int>(eta) / 60) % 60, static_cast<int>(eta) % 60);
    if (tty_) {
      constexpr int kWidth = 30;
      const int fill = static_cast<int>(frac * kWidth);
      std::string bar(static_cast<std::size_t>(fill), '=');
      if (fill < kWidth) bar += '>';
      bar.resize(kWidth, ' ');
      std::fprintf(stderr, "\r[%s] %5.1f%% %" PRId64 "/%" PRId64 " %s  %.0f %s/s  ETA %s   ", bar.c_str(),
                   100.0 * frac, d, total_, unit_.c_str(), rate, unit_.c_str(), eta_s);
    } else {
      std::fprintf(stderr, "%s: %" PRId64 "/%" PRId64 " %s (%.1f%%), %.0f %s/s, ETA %s\n", what_.c_str(), d, total_,
                   unit_.c_str(), 100.0 * frac, rate, unit_.c_str(), eta_s);
    }
    std::fflush(stderr);
    printing_ = false;
  }
  void finish() {
    if (quiet_ || total_ == 0) return;
    maybe_print(true);
    if (tty_) std::fputc('\n', stderr);
  }

 private:
  std::int64_t total_;
  bool quiet_, tty_;
  std::string what_, unit_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<bool> printing_{false};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};


}  // namespace blocsim
