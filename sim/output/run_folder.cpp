// run_scenario(): R replicates → one run folder (results/README.md), written
// atomically: everything goes into a hidden temporary sibling folder that is
// renamed into place only when complete; on any failure it is removed.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <cstdint>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "blocsim/output/format.h"
#include "blocsim/output/out_folder.h"
#include "blocsim/io/error.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "output/run_metadata.h"

namespace fs = std::filesystem;

namespace blocsim {
namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
  f.close();
  if (!f) throw RunError("cannot write " + p.string());
}

// tick_date(cal, t) for t = 0..ticks ("%04d-%02d": year, month), without a
// printf call per tick: years 0..9999 written digit by digit, any other year
// through tick_date itself.
std::vector<std::string> tick_dates(const Calendar& cal, int ticks) {
  const int step = cal.step == CalendarStep::month ? 1 : (cal.step == CalendarStep::quarter ? 3 : 12);
  std::vector<std::string> dates;
  dates.reserve(static_cast<std::size_t>(std::max(ticks, 0)) + 1);
  for (int t = 0; t <= ticks; ++t) {
    const int months = (cal.start_year * 12 + cal.start_month - 1) + t * step;
    if (months < 0 || months >= 10000 * 12) {
      dates.push_back(tick_date(cal, t));
      continue;
    }
    const int year = months / 12, month = months % 12 + 1;
    const char text[7] = {static_cast<char>('0' + year / 1000), static_cast<char>('0' + year / 100 % 10),
                          static_cast<char>('0' + year / 10 % 10), static_cast<char>('0' + year % 10), '-',
                          static_cast<char>('0' + month / 10), static_cast<char>('0' + month % 10)};
    dates.emplace_back(text, 7);
  }
  return dates;
}

// One replicate's countries rows, appended to `out` for the ticks to record.
void append_countries(std::string& out, const World& w, int replicate, const std::string& date) {
  const std::string prefix = std::to_string(replicate) + "," + std::to_string(w.tick) + "," + date + ",";
  for (std::int32_t i = 0; i < w.n; ++i) {
    out += prefix;
    out += country_id(w, i);
    out += ',';
    out += bloc_label(w, w.alignment[static_cast<std::size_t>(i)]);
    out += ',';
    out += standard_label(w, w.standard[static_cast<std::size_t>(i)]);
    out += ',';
    append_number_reference(out, w.capacity(i));
    for (int d = 0; d < w.d; ++d) {
      out += ',';
      append_number_reference(out, w.x(d, i));
    }
    for (int b = 0; b <= w.k; ++b) {
      out += ',';
      append_number_reference(out, w.utility(b, i));
    }
    out += '\n';
  }
}

// One replicate's countries.csv text: a byte buffer that grows without
// zero-filling (std::string::resize would write every byte twice), so rows
// are formatted straight into their final place.
class TextBuffer {
 public:
  //! Room for `extra` more bytes at tail(); existing bytes are kept.
  char* room(std::size_t extra) {
    if (size_ + extra > capacity_) reallocate(std::max(size_ + extra, capacity_ * 2));
    return data_.get() + size_;
  }
  //! Bytes up to `end` (inside the last room()) are now text.
  void commit(const char* end) { size_ = static_cast<std::size_t>(end - data_.get()); }
  void append(const std::string& s) {
    std::memcpy(room(s.size()), s.data(), s.size());
    size_ += s.size();
  }
  void reserve(std::size_t total) {
    if (total > capacity_) reallocate(total);
  }
  std::size_t size() const { return size_; }
  void write_to(std::ostream& f) const { f.write(data_.get(), static_cast<std::streamsize>(size_)); }
  void clear() { size_ = 0; }
  void release() {
    data_.reset();
    size_ = capacity_ = 0;
  }

 private:
  void reallocate(std::size_t cap) {
    std::unique_ptr<char[]> d(new char[cap]);
    if (size_ > 0) std::memcpy(d.get(), data_.get(), size_);
    data_ = std::move(d);
    capacity_ = cap;
  }
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0, capacity_ = 0;
};

// The compact path (issue 14): labels and country ids formatted once per
// replicate, each tick's rows written through one pointer into one growing
// buffer per replicate (no temporary strings, no per-field capacity checks),
// numbers through the fast formatter (write_number, tested against
// std::to_chars in tests/test_format.cpp). Same bytes as append_countries,
// which stays as the reference (reference_paths(): std::to_chars directly).
class CountryRows {
 public:
  explicit CountryRows(const World& w) {
    ids_.reserve(static_cast<std::size_t>(w.n));
    for (std::int32_t i = 0; i < w.n; ++i) ids_.push_back(country_id(w, i) + ',');
    for (int b = 0; b <= w.k; ++b) {
      blocs_.push_back(bloc_label(w, b) + ',');
      standards_.push_back(standard_label(w, b) + ',');
    }
    std::size_t id_max = 0, bloc_max = 0, standard_max = 0;
    for (const auto& s : ids_) id_max = std::max(id_max, s.size());
    for (const auto& s : blocs_) bloc_max = std::max(bloc_max, s.size());
    for (const auto& s : standards_) standard_max = std::max(standard_max, s.size());
    label_max_ = id_max + bloc_max + standard_max;
    fixed_ = std::max({id_max, bloc_max, standard_max}) <= kFixed;
    if (fixed_) {
      auto pad = [](const std::vector<std::string>& v, std::vector<Fixed>& out) {
        for (const auto& s : v) {
          Fixed f{};
          std::memcpy(f.b, s.data(), s.size());
          f.len = s.size();
          out.push_back(f);
        }
      };
      pad(ids_, ids32_);
      pad(blocs_, blocs32_);
      pad(standards_, standards32_);
    }
  }
  // Room one tick's rows may need (the longest possible row, every country).
  std::size_t room(const World& w, std::size_t prefix_size) const {
    const std::size_t row_max =
        prefix_size + label_max_ + static_cast<std::size_t>(w.d + w.k + 2) * (kMaxNumberChars + 1) + 1;
    return static_cast<std::size_t>(w.n) * row_max + kFixed;  // + the last fixed-size copy's overhang
  }
  // A row's numbers: capacity, the D identity values, the B utilities, newline.
  [[gnu::always_inline]] static char* write_row_numbers(char* p, double capacity, const double* x, int D, const double* util,
                                                        int B) {
    p = write_number(p, capacity);
    p = write_number_list(p, x, D);
    p = write_number_list(p, util, B);
    *p++ = '\n';
    return p;
  }
  // The text of every row's numbers (write_row_numbers) as append writes it,
  // with each row's start (off[i] … off[i + 1]).
  struct Numbers {
    std::string text;
    std::vector<std::uint32_t> off;
  };
  static Numbers numbers(const World& w) {
    const int D = w.d, B = w.k + 1;
    Numbers out;
    std::vector<char> row(static_cast<std::size_t>(D + B + 1) * (kMaxNumberChars + 1) + 1);
    out.off.push_back(0);
    for (std::int32_t i = 0; i < w.n; ++i) {
      char* const p = write_row_numbers(row.data(), w.capacity(i), w.x.data() + static_cast<std::int64_t>(i) * D, D,
                                              w.utility.data() + static_cast<std::int64_t>(i) * B, B);
      out.text.append(row.data(), p);
      out.off.push_back(static_cast<std::uint32_t>(out.text.size()));
    }
    return out;
  }
  // nums: the rows' numbers already formatted (Numbers of a world with the
  // same values), copied instead of formatted
  void append(TextBuffer& out, const World& w, int replicate, const std::string& date, const Numbers* nums = nullptr) const {
    const std::string prefix = std::to_string(replicate) + "," + std::to_string(w.tick) + "," + date + ",";
    const int D = w.d, B = w.k + 1;
    // Rows are written through one pointer (no per-field capacity checks)
    // into room for the longest possible rows; the buffer keeps what was written.
    char* p = out.room(room(w, prefix.size()));
    const double* x = w.x.data();
    const double* util = w.utility.data();
    auto put = [&p](const std::string& s) {
      std::memcpy(p, s.data(), s.size());
      p += s.size();
    };
    // Labels of at most kFixed bytes: one fixed-size copy each (two vector
    // moves instead of a memcpy call), the pointer advanced by the length;
    // the bytes past it are overwritten by what follows.
    const bool fixed = fixed_ && prefix.size() <= kFixed;
    Fixed pre{};
    if (fixed) {
      std::memcpy(pre.b, prefix.data(), prefix.size());
      pre.len = prefix.size();
    }
    auto put32 = [&p](const Fixed& f) {
      std::memcpy(p, f.b, kFixed);
      p += f.len;
    };
    for (std::int32_t i = 0; i < w.n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      if (fixed) {
        put32(pre);
        put32(ids32_[u]);
        put32(blocs32_[static_cast<std::size_t>(w.alignment[u])]);
        put32(standards32_[static_cast<std::size_t>(w.standard[u])]);
      } else {
        put(prefix);
        put(ids_[u]);
        put(blocs_[static_cast<std::size_t>(w.alignment[u])]);
        put(standards_[static_cast<std::size_t>(w.standard[u])]);
      }
      if (nums != nullptr) {
        const std::uint32_t a = nums->off[u], e = nums->off[u + 1];
        std::memcpy(p, nums->text.data() + a, e - a);
        p += e - a;
        continue;
      }
      p = write_row_numbers(p, w.capacity(i), x + static_cast<std::int64_t>(i) * D, D, util + static_cast<std::int64_t>(i) * B, B);
    }
    out.commit(p);
  }

 private:
  static constexpr std::size_t kFixed = 32;
  struct Fixed {
    char b[kFixed];
    std::size_t len;
  };
  std::vector<std::string> ids_, blocs_, standards_;
  std::vector<Fixed> ids32_, blocs32_, standards32_;
  bool fixed_ = false;
  std::size_t label_max_ = 0;
};

// The numbers of one recorded world's rows, formatted once for every
// replicate whose world holds the same values bit for bit: the tick-0 world,
// which the replicates of a data world share (WorldCache). The first
// replicate to record it formats it; a replicate whose values differ (a
// synthetic world is built from its seed) formats its own rows as usual.
class SharedNumbers {
 public:
  //! The numbers of w's rows if w holds the values they were formatted from
  //! (formatting them first if none are kept yet), else nullptr.
  const CountryRows::Numbers* get(const World& w) {
    if (!ready_.load(std::memory_order_acquire)) {
      std::lock_guard<std::mutex> lock(m_);
      if (!ready_.load(std::memory_order_relaxed)) {
        key_ = values(w);
        nums_ = CountryRows::numbers(w);
        ready_.store(true, std::memory_order_release);
        return &nums_;
      }
    }
    const std::vector<double> v = values(w);
    return v.size() == key_.size() && std::memcmp(v.data(), key_.data(), v.size() * sizeof(double)) == 0 ? &nums_ : nullptr;
  }

 private:
  static std::vector<double> values(const World& w) {  // every number a row prints
    std::vector<double> v(w.capacity.data(), w.capacity.data() + w.capacity.size());
    v.insert(v.end(), w.x.data(), w.x.data() + w.x.size());
    v.insert(v.end(), w.utility.data(), w.utility.data() + w.utility.size());
    return v;
  }
  std::mutex m_;
  std::atomic<bool> ready_{false};
  std::vector<double> key_;
  CountryRows::Numbers nums_;
};

// Appends finished replicates' countries.csv text to the file in replicate
// order, as soon as every earlier replicate's is there; a replicate that
// finishes early waits in its buffer. Written buffers are kept (cleared) for
// later replicates. A failed replicate stops the appending (the run fails).
class CountriesStream {
 public:
  CountriesStream(std::ostream& out, int replicates) : out_(out), ready_(static_cast<std::size_t>(replicates)) {}
  std::unique_ptr<TextBuffer> take_buffer() {
    const std::lock_guard<std::mutex> lock(m_);
    if (free_.empty()) return std::make_unique<TextBuffer>();
    std::unique_ptr<TextBuffer> b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  void finished(int r, std::unique_ptr<TextBuffer> text) {
    const std::lock_guard<std::mutex> lock(m_);
    ready_[static_cast<std::size_t>(r)] = std::move(text);
    while (!failed_ && next_ < static_cast<int>(ready_.size()) && ready_[static_cast<std::size_t>(next_)]) {
      std::unique_ptr<TextBuffer>& b = ready_[static_cast<std::size_t>(next_)];
      b->write_to(out_);
      b->clear();
      free_.push_back(std::move(b));
      ++next_;
    }
  }
  void failed() {
    const std::lock_guard<std::mutex> lock(m_);
    failed_ = true;
  }
  //! Replicates whose text is in the file.
  int written() const { return next_; }

 private:
  std::ostream& out_;
  std::mutex m_;
  std::vector<std::unique_ptr<TextBuffer>> ready_, free_;
  int next_ = 0;
  bool failed_ = false;
};

}  // namespace

RunSummary run_scenario(const ScenarioConfig& cfg, const RunOptions& opt) {
  const auto t_start = std::chrono::steady_clock::now();
  const std::string started = utc_now();
  if (opt.replicates < 1) throw ConfigError(SourceLoc{"<command line>", 0, 0}, "--replicates", "must be at least 1");
  // Everything about the output folder is checked before any work: the path
  // names a new folder, and an existing one is replaced only if --overwrite
  // was given and it is a BlocSim run folder (out_folder.h).
  const fs::path out = normalize_out(opt.out);
  check_out_replaceable(out, opt.overwrite);
  if (opt.threads > 0) set_threads(opt.threads);
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  fs::create_directories(parent);
  // One writer per folder: a second run to the same --out fails here instead
  // of silently replacing the first one's result. Under the lock, re-check
  // (the folder may have appeared meanwhile) and sweep away what killed runs
  // left behind.
  const OutFolderLock lock(out);
  check_out_replaceable(out, opt.overwrite);
  remove_stale_temporaries(out);
  const fs::path tmp = parent / ("." + out.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);

  RunSummary summary;
  summary.out = out;
  const int R = opt.replicates;
  for (int r = 0; r < R; ++r) summary.seeds.push_back(replicate_seed(cfg.seed, r));
  std::vector<std::string> ids;
  for (const auto& p : cfg.powers) ids.push_back(p.id);
  summary.columns = metric_columns(ids);

  try {
    const std::string resolved = resolved_yaml(cfg);  // the file and its hash in metadata.yaml
    write_file(tmp / "scenario.resolved.yaml", resolved);
    // tick → date text, formatted once per run (rows of every replicate use it)
    const std::vector<std::string> dates =
        reference_paths() ? [&] {
          std::vector<std::string> d;
          for (int t = 0; t <= cfg.ticks; ++t) d.push_back(tick_date(cfg.calendar, t));
          return d;
        }()
                          : tick_dates(cfg.calendar, cfg.ticks);
    auto date_of = [&dates](int t) -> const std::string& { return dates.at(static_cast<std::size_t>(t)); };
    std::vector<SimulateResult> results(static_cast<std::size_t>(R));
    std::vector<std::string> errors(static_cast<std::size_t>(R));
    const std::int64_t n_countries = country_count(cfg);
    const int every = std::max(1, cfg.outputs.countries_every);
    WorldCache worlds;  // replicates share the tick-0 world (data worlds)
    for (int r = 0; r < R; ++r) worlds.expect(cfg, summary.seeds[static_cast<std::size_t>(r)]);
    // countries.csv rows: each replicate's rows are formatted into a buffer
    // of its own, and buffers are appended to countries.csv in replicate order
    // as soon as every earlier replicate's are (CountriesStream; a finished
    // buffer is reused by a later replicate, so its pages are not faulted in
    // again), unless all replicates' rows together could exceed ~1 GiB (the
    // most a run holds if replicate 0 finishes last): then each replicate
    // streams to a part file, and the parts are concatenated.
    SharedNumbers tick0;
    const double rows_per_rep = static_cast<double>(n_countries) * (cfg.ticks / every + 2);
    const bool in_memory = !reference_paths() &&
                           rows_per_rep * R * (48.0 + 20.0 * static_cast<double>(cfg.dimensions.size() + ids.size() + 2)) < 1e9;
    std::ofstream countries_file;
    auto write_countries_header = [&](std::ostream& f) {
      f << "replicate,tick,date,iso3,alignment,standard,capacity";
      for (const auto& d : cfg.dimensions) f << ',' << d;
      f << ",utility_nonaligned";
      for (const auto& id : ids) f << ",utility_" << id;
      f << '\n';
    };
    if (cfg.outputs.countries && in_memory) {
      countries_file.open(tmp / "countries.csv", std::ios::binary);
      write_countries_header(countries_file);
    }
    CountriesStream stream(countries_file, R);
    // rows written per replicate: every `every`-th tick and the last
    const std::size_t recorded_ticks = static_cast<std::size_t>(cfg.ticks / every + 2);
    // Replicates [first, first + count) on this thread: up to
    // phase::kSumsBatch of them in lockstep (simulate_batch: their identity
    // neighbour sums in one pass; each replicate the same bits, its observer
    // the same worlds, as simulate() alone), each with its own buffer.
    struct Lane {
      int r = 0;
      std::ofstream part;
      std::unique_ptr<TextBuffer> owned;
      std::unique_ptr<CountryRows> rows;
      std::string reference_text;
      TickObserver observer;
    };
    auto run_group = [&](int first, int count) {
      std::vector<Lane> lanes(static_cast<std::size_t>(count));  // fixed: the observers hold references
      std::vector<BatchRun> batch;
      std::vector<Lane*> batch_lane;
      for (int k = 0; k < count; ++k) {
        Lane& L = lanes[static_cast<std::size_t>(k)];
        const int r = L.r = first + k;
        try {
          if (cfg.outputs.countries && !in_memory) L.part.open(tmp / (".countries-" + std::to_string(r) + ".part"), std::ios::binary);
          L.owned = stream.take_buffer();
          L.observer = [&, r](const World& w) {
            if (!cfg.outputs.countries) return;
            if (w.tick % every != 0 && w.tick != cfg.ticks) return;
            TextBuffer& buf = *L.owned;
            if (reference_paths()) {
              L.reference_text.clear();
              append_countries(L.reference_text, w, r, date_of(w.tick));
              buf.append(L.reference_text);
            } else {
              const bool first_row = !L.rows;
              if (first_row) L.rows = std::make_unique<CountryRows>(w);
              const CountryRows::Numbers* nums = w.tick == 0 && R > 1 ? tick0.get(w) : nullptr;
              L.rows->append(buf, w, r, date_of(w.tick), nums);
              // in memory: room for the whole replicate after its first tick
              // (one allocation, no copies as it grows)
              if (first_row && in_memory) buf.reserve(buf.size() * recorded_ticks + L.rows->room(w, 64));
            }
            if (opt.on_countries) opt.on_countries(r, w);
            if (!in_memory && buf.size() > (1u << 22)) {
              buf.write_to(L.part);
              buf.clear();
            }
          };
          batch.push_back({&cfg, summary.seeds[static_cast<std::size_t>(r)], &L.observer});
          batch_lane.push_back(&L);
        } catch (const std::exception& e) {
          errors[static_cast<std::size_t>(r)] = e.what();
          stream.failed();
        }
      }
      std::vector<BatchOutcome> outcomes = simulate_batch(batch, &worlds);
      for (std::size_t b = 0; b < batch.size(); ++b) {
        Lane& L = *batch_lane[b];
        const int r = L.r;
        try {
          if (outcomes[b].error) std::rethrow_exception(outcomes[b].error);
          results[static_cast<std::size_t>(r)] = std::move(outcomes[b].result);
          if (opt.on_replicate) opt.on_replicate(r, results[static_cast<std::size_t>(r)]);
          if (!in_memory) {
            L.owned->write_to(L.part);
            L.owned->release();
            L.part.close();
            if (cfg.outputs.countries && !L.part) throw RunError("cannot write countries part file");
          } else if (cfg.outputs.countries) {
            stream.finished(r, std::move(L.owned));
          }
        } catch (const std::exception& e) {
          errors[static_cast<std::size_t>(r)] = e.what();
          stream.failed();
        }
      }
    };
    // Small worlds: groups of replicates in parallel, one thread each
    // (parallel_for runs serially inside a parallel region), up to
    // kSumsBatch replicates a group while every thread still gets a group.
    // Large worlds: one replicate at a time, parallel over countries.
    const bool over_replicates = R > 1 && !large_world(n_countries);
    if (over_replicates) {
      const int G = lockstep_group(R, max_threads());
      const int groups = (R + G - 1) / G;
      parallel_for_runs(groups, 0, [&](std::int64_t g, int) {
        const int first = static_cast<int>(g) * G;
        run_group(first, std::min(G, R - first));
      });
    } else {
      for (int r = 0; r < R; ++r) run_group(r, 1);
    }
    for (int r = 0; r < R; ++r)
      if (!errors[static_cast<std::size_t>(r)].empty())
        throw RunError("replicate " + std::to_string(r) + ": " + errors[static_cast<std::size_t>(r)]);

    // events.csv: the timeline (source "timeline", every replicate), then each
    // reactive-rule firing (source "rule", with its replicate)
    {
      std::string ev = "tick,date,label,source,replicate\n";
      for (const Event& e : cfg.timeline)
        ev += std::to_string(e.tick) + "," + tick_date(cfg.calendar, e.tick) + "," + csv_field(e.label) + ",timeline,\n";
      for (int r = 0; r < R; ++r)
        for (const RuleFiring& f : results[static_cast<std::size_t>(r)].firings)
          ev += std::to_string(f.tick) + "," + tick_date(cfg.calendar, f.tick) + "," + csv_field(f.label) + ",rule," +
                std::to_string(r) + "\n";
      write_file(tmp / "events.csv", ev);
    }

    // timeseries.csv
    {
      std::string ts = "replicate,seed,tick,date";
      for (const auto& c : summary.columns) ts += "," + c;
      ts += '\n';
      // "replicate,seed," of each replicate's rows
      std::vector<std::string> prefixes(static_cast<std::size_t>(R));
      for (int r = 0; r < R; ++r)
        prefixes[static_cast<std::size_t>(r)] = std::to_string(r) + "," + std::to_string(summary.seeds[static_cast<std::size_t>(r)]) + ",";
      if (reference_paths()) {
        for (int r = 0; r < R; ++r) {
          const auto& rows = results[static_cast<std::size_t>(r)].metrics.rows;
          const std::string& prefix = prefixes[static_cast<std::size_t>(r)];
          for (std::size_t t = 0; t < rows.size(); ++t) {
            ts += prefix;
            ts += std::to_string(t);
            ts += ',';
            ts += date_of(static_cast<int>(t));
            for (double v : rows[t]) {
              ts += ',';
              append_number(ts, v);
            }
            ts += '\n';
          }
        }
        write_file(tmp / "timeseries.csv", ts);
      } else {
        // The same bytes, written through one pointer per row into room for
        // the longest possible row (at most kMaxNumberChars a number, format.h;
        // no zero-filling): a value whose bits equal the previous row's in its
        // column copies that row's text (equal doubles give equal bytes)
        // instead of formatting it again.
        auto row_room = [&](const std::string& prefix, const std::vector<double>& row, int t) {
          return prefix.size() + 24 + 1 + date_of(t).size() + row.size() * (kMaxNumberChars + 1) + 1 +
                 32;  // + the last 32-byte copy's overhang
        };
        TextBuffer text;
        {
          std::size_t total = ts.size();
          for (int r = 0; r < R; ++r) {
            const auto& rows = results[static_cast<std::size_t>(r)].metrics.rows;
            for (std::size_t t = 0; t < rows.size(); ++t)
              total += row_room(prefixes[static_cast<std::size_t>(r)], rows[t], static_cast<int>(t)) - 32;
          }
          text.reserve(total + 32);  // one allocation; room() below checks each row anyway
        }
        text.append(ts);
        std::vector<std::uint64_t> prev_bits;
        std::vector<std::size_t> prev_pos, prev_len;
        for (int r = 0; r < R; ++r) {
          const auto& rows = results[static_cast<std::size_t>(r)].metrics.rows;
          const std::string& prefix = prefixes[static_cast<std::size_t>(r)];
          for (std::size_t t = 0; t < rows.size(); ++t) {
            char* p = text.room(row_room(prefix, rows[t], static_cast<int>(t)));
            char* const base = p - text.size();
            std::memcpy(p, prefix.data(), prefix.size());
            p += prefix.size();
            p = std::to_chars(p, p + 24, t).ptr;
            *p++ = ',';
            const std::string& date = date_of(static_cast<int>(t));
            std::memcpy(p, date.data(), date.size());
            p += date.size();
            const std::vector<double>& row = rows[t];
            const bool have_prev = prev_bits.size() == row.size();
            if (!have_prev) {
              prev_bits.assign(row.size(), 0);
              prev_pos.assign(row.size(), 0);
              prev_len.assign(row.size(), 0);
            }
            for (std::size_t c = 0; c < row.size(); ++c) {
              *p++ = ',';
              const auto bits = std::bit_cast<std::uint64_t>(row[c]);
              const std::size_t pos = static_cast<std::size_t>(p - base);
              if (have_prev && bits == prev_bits[c]) {
                // a 32-byte block (the text is at most 24; it may overlap the
                // bytes being written: memmove)
                std::memmove(p, base + prev_pos[c], 32);
                p += prev_len[c];
              } else {
                p = write_number(p, row[c]);
                prev_bits[c] = bits;
              }
              prev_pos[c] = pos;
              prev_len[c] = static_cast<std::size_t>(p - base) - pos;
            }
            *p++ = '\n';
            text.commit(p);
          }
        }
        std::ofstream f(tmp / "timeseries.csv", std::ios::binary);
        text.write_to(f);
        f.close();
        if (!f) throw RunError("cannot write " + (tmp / "timeseries.csv").string());
      }
    }
    // countries.csv: header + the replicate parts in replicate order
    if (cfg.outputs.countries && in_memory) {
      if (stream.written() != R) throw RunError("countries.csv: " + std::to_string(stream.written()) + " of " + std::to_string(R) + " replicates written");
      countries_file.close();
      if (!countries_file) throw RunError("cannot write countries.csv");
    } else if (cfg.outputs.countries) {
      std::ofstream f(tmp / "countries.csv", std::ios::binary);
      write_countries_header(f);
      for (int r = 0; r < R; ++r) {
        const fs::path part = tmp / (".countries-" + std::to_string(r) + ".part");
        {
          std::ifstream in(part, std::ios::binary);
          f << in.rdbuf();
        }
        fs::remove(part);
      }
      f.close();
      if (!f) throw RunError("cannot write countries.csv");
    }
    // summary: mean of the final row over replicates
    summary.final_mean.assign(summary.columns.size(), 0.0);
    for (const auto& res : results)
      for (std::size_t c = 0; c < summary.columns.size(); ++c) summary.final_mean[c] += res.metrics.rows.back()[c] / R;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

    // metadata.yaml (output/run_metadata.h)
    {
      RunMetadata m;
      m.cfg = &cfg;
      // The bytes the loader read (a pipe such as /dev/stdin cannot be read twice).
      m.scenario_sha256 = cfg.source_sha256;
      if (m.scenario_sha256.empty() && !cfg.path.empty()) {
        try {
          m.scenario_sha256 = sha256_file(cfg.path);
        } catch (const std::exception&) {
          m.scenario_sha256 = "";
        }
      }
      m.resolved_sha256 = sha256_hex(resolved);
      m.seeds = summary.seeds;
      m.threads = max_threads();
      m.over_replicates = over_replicates;
      m.countries = n_countries;
      for (const auto& res : results) {
        m.init_iterations.push_back(res.init_iterations);
        m.init_converged.push_back(res.init_converged);
        for (std::size_t i = 0; i < kTickPhases.size(); ++i) m.phase_seconds[i] += res.phase_seconds[i];
      }
      m.started_utc = started;
      m.finished_utc = utc_now();
      m.wall_seconds = summary.seconds;
      write_file(tmp / "metadata.yaml", run_metadata_yaml(m));
    }
    // publish: under the lock; an existing run folder is swapped with the
    // new one in one step (RENAME_EXCHANGE) where the kernel allows it.
    check_interrupt();
    if (fs::exists(fs::symlink_status(out))) {
      if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(tmp);
      } else {
        const fs::path trash = parent / ("." + out.filename().string() + ".old-" + std::to_string(::getpid()));
        fs::rename(out, trash);
        fs::rename(tmp, out);
        fs::remove_all(trash);
      }
    } else if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, out.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST)
        throw RunError("'" + out.string() + "' appeared while this run was running; not replaced (rerun with --overwrite)");
      fs::rename(tmp, out);  // file systems without renameat2 flags
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  return summary;
}

}  // namespace blocsim
