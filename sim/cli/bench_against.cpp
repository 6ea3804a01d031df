// `blocsim bench`, part 2: other executables side by side. `--against PATH`
// runs whole `run` and `sweep` commands of this build and of PATH (typically a
// build of the code when issue 14 was filed, tools/bench_against.sh) as child
// processes in alternation and compares their outputs; the instruction count
// runs this build (and PATH) under valgrind. See bench.cpp for the overview.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>
#include <yaml-cpp/yaml.h>

#include "blocsim/io/data_dir.h"
#include "blocsim/io/error.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/output/format.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/sweep/sweep.h"
#include "blocsim/version.h"
#include "cli/cli.h"

#include "cli/bench_detail.h"

extern char** environ;

namespace blocsim::cli::bench_detail {

// ---- other executables as child processes (--against, valgrind) ------------

namespace fs = std::filesystem;

struct ChildRun {
  pid_t pid = -1;
  std::chrono::steady_clock::time_point t0;
  fs::path out, err;
  std::string what;  // for messages
};

struct ChildDone {
  bool ok = false;      // exited with status 0
  std::string status;   // "exit 2", "signal 11"
  double wall = 0.0;    // seconds, spawn to wait4
  double cpu = 0.0;     // user + system time of the child (wait4 rusage)
  std::string out, err;
};

std::string read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string quoted_command(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& x : argv) s += (s.empty() ? "" : " ") + (x.find(' ') == std::string::npos ? x : "'" + x + "'");
  return s;
}

// Start argv[0] (searched on PATH if it has no slash) with stdout and stderr
// in files and stdin from /dev/null; `env` entries (NAME=value) replace or
// extend this process's environment.
ChildRun start_child(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err,
                     const std::vector<std::string>& env = {}) {
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    const bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& x) {
      return v.compare(0, x.find('=') + 1, x, 0, x.find('=') + 1) == 0;
    });
    if (!replaced) env_s.push_back(v);
  }
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<std::string> argv_s = argv;
  std::vector<char*> av, ev;
  for (auto& s : argv_s) av.push_back(s.data());
  av.push_back(nullptr);
  for (auto& s : env_s) ev.push_back(s.data());
  ev.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ChildRun c;
  c.out = out;
  c.err = err;
  c.what = quoted_command(argv);
  c.t0 = std::chrono::steady_clock::now();
  const int rc = posix_spawnp(&c.pid, av[0], &fa, nullptr, av.data(), ev.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw RunError("bench: cannot start " + argv[0] + ": " + std::strerror(rc));
  return c;
}

ChildDone finish_child(const ChildRun& c) {
  int status = 0;
  rusage ru{};
  if (wait4(c.pid, &status, 0, &ru) < 0) throw RunError("bench: wait4 failed for " + c.what);
  ChildDone d;
  d.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.t0).count();
  d.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  d.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  d.status = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : "signal " + std::to_string(WTERMSIG(status));
  d.out = read_all(c.out);
  d.err = read_all(c.err);
  return d;
}

ChildDone run_child(const std::vector<std::string>& argv, const fs::path& dir, const std::vector<std::string>& env = {}) {
  return finish_child(start_child(argv, dir / "child.out", dir / "child.err", env));
}

// The last `n` lines of `s` (error messages of a failed child).
std::string tail_lines(const std::string& s, int n) {
  std::size_t end = s.size();
  if (end > 0 && s[end - 1] == '\n') --end;
  std::size_t start = end;
  for (int i = 0; i < n; ++i) {
    if (start == 0) return s;
    const auto p = s.rfind('\n', start - 1);
    if (p == std::string::npos) return s;
    start = p;
  }
  return s.substr(start + 1);
}

ChildDone must_succeed(const std::vector<std::string>& argv, ChildDone d) {
  if (!d.ok)
    throw RunError("bench: `" + quoted_command(argv) + "` failed (" + d.status + "):\n" + tail_lines(d.err + d.out, 12));
  return d;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// A temporary folder removed when the bench ends (also on errors).
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag)
      : path(fs::temp_directory_path() / ("blocsim-bench-" + tag + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

std::string this_exe() { return fs::read_symlink("/proc/self/exe").string(); }

//! Checks that `path` is a blocsim executable; returns the first line of its `--version`.
std::string check_against(const std::string& path) {
  const std::string hint = " (--against takes the path of another blocsim executable, e.g. a build of commit f6d95f2 "
                           "made by tools/bench_against.sh)";
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ConfigError(SourceLoc{}, "--against", path + ": no such file" + hint);
  if (fs::is_directory(path, ec) || ::access(path.c_str(), X_OK) != 0)
    throw ConfigError(SourceLoc{}, "--against", path + ": not an executable file" + hint);
  TempDir t("version");
  const std::vector<std::string> argv = {fs::absolute(path).string(), "--version"};
  ChildDone d;
  try {
    d = run_child(argv, t.path);
  } catch (const RunError& e) {
    throw ConfigError(SourceLoc{}, "--against", path + ": cannot be started: " + e.what());
  }
  if (!d.ok || d.out.rfind("blocsim ", 0) != 0)
    throw ConfigError(SourceLoc{}, "--against", path + ": not a blocsim executable (`--version` gave " + d.status + ": " +
                                                    first_line(d.out + d.err) + ")" + hint);
  return first_line(d.out);
}

// The inputs both executables run: this build's resolved scenario (every
// parameter explicit, so a default that changed between the two versions
// cannot make them run different models) when the other executable accepts
// it, else the scenario as given.
struct SharedInputs {
  std::string scenario;  // for `run`
  std::string sweep;     // rewritten sweep file ('' = none)
  std::int64_t sweep_plan_runs = 0;
  bool resolved = false;
  std::string note;                // why the resolved scenario is not used
  bool countries_key = false;      // both accept --set outputs.countries=<off>
  std::map<std::string, std::string> countries_off;  // executable → its "outputs.countries=<off>"
};

bool accepts(const std::string& exe, const std::string& scenario, const fs::path& dir) {
  return run_child({exe, "validate", scenario}, dir).ok;
}

SharedInputs shared_inputs(const BenchArgs& a, const ScenarioConfig& base, const std::vector<std::string>& exes,
                           const fs::path& dir) {
  SharedInputs s;
  const fs::path scen = dir / "scenario.resolved.yaml";
  { std::ofstream(scen) << resolved_yaml(base); }
  s.resolved = true;
  for (const auto& e : exes)
    if (!accepts(e, scen.string(), dir)) {
      s.resolved = false;
      s.note = e + " rejects this build's resolved scenario (`validate`: " + first_line(read_all(dir / "child.out") + read_all(dir / "child.err")) +
               "); both run " + a.scenario + " as written, with each version's own defaults";
      break;
    }
  s.scenario = s.resolved ? scen.string() : fs::absolute(a.scenario).string();
  // `--set outputs.countries=…` as each version spells "off" (f6d95f2 takes
  // 0, later versions false)
  s.countries_key = true;
  for (const auto& e : exes) {
    std::string off;
    for (const char* v : {"false", "0"})
      if (off.empty() && run_child({e, "validate", s.scenario, "--set", std::string("outputs.countries=") + v}, dir).ok) off = v;
    if (off.empty()) s.countries_key = false;
    s.countries_off[e] = "outputs.countries=" + off;
  }
  if (!a.sweep.empty()) {
    // the sweep file with its base scenario (resolved by this build, or made
    // absolute) and design table made absolute, so it can live in `dir`
    const SweepSetup setup = load_sweep(a.sweep);
    s.sweep_plan_runs = setup.plan.runs();
    YAML::Node n = YAML::LoadFile(a.sweep);
    const fs::path sweep_dir = fs::absolute(a.sweep).parent_path();
    std::string base_scen = (sweep_dir / n["scenario"].as<std::string>()).lexically_normal().string();
    if (s.resolved) {
      const fs::path sb = dir / "sweep_base.resolved.yaml";
      { std::ofstream(sb) << resolved_yaml(setup.base); }
      bool ok = true;
      for (const auto& e : exes) ok = ok && accepts(e, sb.string(), dir);
      if (ok) base_scen = sb.string();
    }
    n["scenario"] = base_scen;
    if (n["table"] && fs::path(n["table"].as<std::string>()).is_relative())
      n["table"] = (sweep_dir / n["table"].as<std::string>()).lexically_normal().string();
    YAML::Emitter em;
    em << n;
    s.sweep = (dir / (setup.spec.name + ".yaml")).string();
    std::ofstream(s.sweep) << em.c_str() << "\n";
  }
  return s;
}

// Byte comparison of two output files ("" = same; else what differs).
std::string compare_file(const fs::path& a, const fs::path& b) {
  const bool ea = fs::exists(a), eb = fs::exists(b);
  if (!ea && !eb) return "";
  if (ea != eb) return a.filename().string() + " written by one only";
  return read_all(a) == read_all(b) ? "" : a.filename().string();
}

// The runs.csv rows of a sweep shard's manifest (the part of each line before
// the first tab: after it come per-version bookkeeping fields), sorted: runs
// finish in any order.
std::vector<std::string> manifest_rows(const fs::path& folder) {
  std::vector<std::string> rows;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder / "manifest", ec)) {
    if (e.path().filename().string().rfind("shard-", 0) != 0) continue;
    std::istringstream is(read_all(e.path()));
    std::string line;
    while (std::getline(is, line))
      if (!line.empty() && line[0] != '#') rows.push_back(line.substr(0, line.find('\t')));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// `blocsim bench --against PATH`: whole pipeline commands run by both
// executables as child processes in alternation (rounds; this build first in
// even rounds, the other in odd ones), median wall time and median child CPU
// time (wait4 rusage), output bytes compared.
void against_section(const BenchArgs& a, const std::string& against_version, int threads) {
  const std::string self = this_exe(), other = fs::absolute(a.against).string();
  TempDir tmp("against");
  const ScenarioConfig base = load_scenario(a.scenario);
  const SharedInputs in = shared_inputs(a, base, {self, other}, tmp.path);
  std::printf("\n## vs today's code (%s, `%s`)\n\n", other.c_str(), against_version.c_str());
  std::printf("This build: %s, `blocsim %s (%s, %s)`, %s.\n", self.c_str(), kVersion, kGitSha, kCompiler, kBuildType);
  std::printf("Both executables run the same commands as child processes, alternately (%d round%s, this build first in even rounds; "
              "median), on %s.\n", a.against_rounds, a.against_rounds == 1 ? "" : "s",
              in.resolved ? "this build's resolved scenario (every parameter explicit: both run the same model)"
                          : "the scenario as written");
  if (!in.note.empty()) std::printf("\n!! %s\n", in.note.c_str());
  std::printf("\n| workload | runs | today's code: wall | this build: wall | speed-up (wall) | per round (wall) | today's code: CPU | "
              "this build: CPU | speed-up (CPU) | this build: runs/s (wall) | output |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  std::fflush(stdout);
  struct Workload {
    std::string name;
    std::int64_t runs;
    std::vector<std::string> args;  // after the executable; "{OUT}" = output folder
    bool sweep;
    // the fixed cost of such a process (start, loading, folder set-up, one
    // run of one tick or one sweep run): its medians are subtracted below
    bool fixed = false;
  };
  std::vector<Workload> work;
  const std::string scen_name = fs::path(a.scenario).stem().string();
  if (a.replicates > 0) {
    const std::vector<std::string> run = {"run", in.scenario, "-r", std::to_string(a.replicates), "-t", "1", "--quiet", "-o", "{OUT}",
                                          "--overwrite"};
    work.push_back({"`run " + scen_name + " -r " + std::to_string(a.replicates) + " -t 1`, countries.csv " +
                        (base.outputs.countries ? "on (as the scenario sets it)" : "off (as the scenario sets it)"),
                    a.replicates, run, false});
    if (in.countries_key && base.outputs.countries) {
      auto r = run;
      r.insert(r.end(), {"--set", "{COUNTRIES_OFF}"});
      work.push_back({"the same, countries.csv off (`--set outputs.countries=false`)", a.replicates, r, false});
    }
    work.push_back({"fixed cost of a run process: `run " + scen_name + " -r 1 -t 1 --ticks 1`", 1,
                    {"run", in.scenario, "-r", "1", "-t", "1", "--ticks", "1", "--quiet", "-o", "{OUT}", "--overwrite"}, false, true});
  }
  if (!in.sweep.empty()) {
    const std::int64_t shards = std::max<std::int64_t>(1, in.sweep_plan_runs / std::max<std::int64_t>(1, a.sweep_runs));
    const std::int64_t runs = (in.sweep_plan_runs + shards - 1) / shards;
    work.push_back({"`sweep " + fs::path(a.sweep).stem().string() + " --shard 0/" + std::to_string(shards) + " -j " + std::to_string(threads) +
                        "` (plan runs 0, " + std::to_string(shards) + ", " + std::to_string(2 * shards) + ", … of " +
                        std::to_string(in.sweep_plan_runs) + ")",
                    runs,
                    {"sweep", in.sweep, "--shard", "0/" + std::to_string(shards), "-o", "{OUT}", "-q", "-j", std::to_string(threads)},
                    true});
    work.push_back({"fixed cost of a sweep process: `sweep " + fs::path(a.sweep).stem().string() + " --shard 0/" +
                        std::to_string(in.sweep_plan_runs) + " -j " + std::to_string(threads) + "` (plan run 0)",
                    1,
                    {"sweep", in.sweep, "--shard", "0/" + std::to_string(in.sweep_plan_runs), "-o", "{OUT}", "-q", "-j",
                     std::to_string(threads)},
                    true, true});
  }
  // medians {today's code, this build} of the first run row, the sweep row and their fixed-cost rows
  double run_wall[2] = {-1, -1}, run_fixed[2] = {-1, -1}, sweep_wall[2] = {-1, -1}, sweep_fixed[2] = {-1, -1};
  std::vector<std::string> problems;
  for (const auto& w : work) {
    std::vector<double> wall[2], cpu[2];  // 0 = today's code, 1 = this build
    const fs::path outs[2] = {tmp.path / "today", tmp.path / "this"};
    const std::string exes[2] = {other, self};
    for (int r = 0; r < a.against_rounds; ++r)
      for (int k = 0; k < 2; ++k) {
        const int who = (r % 2 == 0) ? 1 - k : k;
        fs::remove_all(outs[who]);
        std::vector<std::string> argv = {exes[who]};
        for (const auto& x : w.args)
          argv.push_back(x == "{OUT}" ? outs[who].string() : x == "{COUNTRIES_OFF}" ? in.countries_off.at(exes[who]) : x);
        const ChildDone d = must_succeed(argv, run_child(argv, tmp.path));
        wall[who].push_back(d.wall);
        cpu[who].push_back(d.cpu);
      }
    std::string diff;
    if (w.sweep) {
      const auto ra = manifest_rows(outs[0]), rb = manifest_rows(outs[1]);
      if (ra.empty() || ra != rb) diff = ra.empty() ? "no manifest rows" : "runs.csv rows of the manifest";
    } else {
      for (const char* f : {"timeseries.csv", "countries.csv"}) {
        const std::string c = compare_file(outs[0] / f, outs[1] / f);
        if (!c.empty()) diff += (diff.empty() ? "" : ", ") + c;
      }
    }
    if (!diff.empty()) problems.push_back(w.name + ": " + diff);
    const double w0 = median(wall[0]), w1 = median(wall[1]), c0 = median(cpu[0]), c1 = median(cpu[1]);
    double* const keep = w.fixed ? (w.sweep ? sweep_fixed : run_fixed)
                                 : (w.sweep ? sweep_wall : (run_wall[0] < 0 ? run_wall : nullptr));
    if (keep) {
      keep[0] = w0;
      keep[1] = w1;
    }
    // the two executables' wall-time ratio within each round (they ran back
    // to back, so a burst of load that spans the round affects both): its
    // median and range show how far one run's speed-up can be trusted
    std::vector<double> ratio;
    for (std::size_t r = 0; r < wall[0].size() && r < wall[1].size(); ++r) ratio.push_back(wall[0][r] / wall[1][r]);
    char per_round[96];
    if (ratio.size() >= 2)
      std::snprintf(per_round, sizeof per_round, "%.2f× (%.2f×–%.2f×)", median(ratio),
                    *std::min_element(ratio.begin(), ratio.end()), *std::max_element(ratio.begin(), ratio.end()));
    else
      std::snprintf(per_round, sizeof per_round, "%s", "one round");
    std::printf("| %s | %lld | %.3f s | %.3f s | %.2f× | %s | %.3f s | %.3f s | %.2f× | %.1f | %s |\n", w.name.c_str(),
                static_cast<long long>(w.runs), w0, w1, w0 / w1, per_round, c0, c1, c0 / c1, static_cast<double>(w.runs) / w1,
                diff.empty() ? "identical" : ("DIFFERENT: " + diff).c_str());
    std::fflush(stdout);
  }
  if (problems.empty())
    std::printf("\nidentical output: both executables wrote the same bytes (%s%s%s).\n",
                a.replicates > 0 ? "timeseries.csv and countries.csv of the runs" : "", a.replicates > 0 && !in.sweep.empty() ? "; " : "",
                in.sweep.empty() ? "" : "the runs.csv rows of the sweep shard's manifest");
  else {
    std::printf("\n!!!! OUTPUT DIFFERS between today's code and this build:\n");
    for (const auto& p : problems) std::printf("!!!!   %s\n", p.c_str());
    std::printf("!!!! Expected only if the model changed between the two versions; the speed-ups above then compare different "
                "computations.\n");
  }
  std::printf("\nWall = whole child process (start, loading, world building, ticks, writing), median; CPU = the child's user + system "
              "time (wait4 rusage), median; speed-up = today's code / this build; per round = today's code / this build by wall time "
              "within each round (the two ran back to back), median (lowest–highest) over the rounds.\n");
  // Every process pays a fixed cost — start (dynamic linking), loading the
  // scenario, setting up its folder — that the simulation's speed does not
  // touch; the ratios of the whole processes include it.
  auto net = [](const double* whole, const double* fixed) {
    if (whole[0] < 0 || fixed[0] < 0) return std::string();
    if (!(whole[0] > fixed[0] && whole[1] > fixed[1])) return std::string("n/a (no longer than its fixed cost)");
    char buf[160];
    std::snprintf(buf, sizeof buf, "%.2f× (fixed cost: today's code %.1f ms, this build %.1f ms)",
                  (whole[0] - fixed[0]) / (whole[1] - fixed[1]), 1e3 * fixed[0], 1e3 * fixed[1]);
    return std::string(buf);
  };
  const std::string run_net = net(run_wall, run_fixed), sweep_net = net(sweep_wall, sweep_fixed);
  if (!run_net.empty() || !sweep_net.empty())
    std::printf("\nLess each process's fixed cost (start, loading, folder set-up, one tick or one sweep run: the fixed-cost rows), "
                "by wall time:%s%s%s%s.\n",
                run_net.empty() ? "" : " the run (first row) ", run_net.c_str(), sweep_net.empty() ? "" : (run_net.empty() ? " the sweep " : "; the sweep "),
                sweep_net.c_str());
  std::fflush(stdout);
}

// valgrind on PATH, or "".
std::string find_on_path(const std::string& name) {
  const char* p = std::getenv("PATH");
  std::stringstream ss(p ? p : "");
  std::string dir;
  while (std::getline(ss, dir, ':'))
    if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0) return (fs::path(dir) / name).string();
  return "";
}

// A count from valgrind's summary on stderr: the number after `label` (commas removed), or −1.
double valgrind_count(const std::string& err, const std::string& label) {
  const auto p = err.rfind(label);
  if (p == std::string::npos) return -1.0;
  std::string digits;
  for (std::size_t i = p + label.size(); i < err.size() && err[i] != '\n'; ++i)
    if (std::isdigit(static_cast<unsigned char>(err[i]))) digits += err[i];
  return digits.empty() ? -1.0 : std::stod(digits);
}

// Instructions per tick, counted by valgrind (no hardware counters needed):
// (1) this build's bench case `instr:T1:T2` under callgrind, collecting only
// inside bench_instruction_ticks (step + record of ticks T1+1 … T2); (2) whole
// `run -r 1 --ticks T` of each executable under cachegrind for T1 and T2,
// differenced (world building and loading cancel; per-tick output formatting
// stays in). Instruction counts do not depend on the load, so the children
// run in parallel.
// --instructions-ticks T1,T2 (default 10,30; --quick 1,3). @throws ConfigError.
std::pair<int, int> instruction_ticks(const BenchArgs& a) {
  std::vector<int> tt;
  try {
    for (const auto& x : split(a.instr_ticks.empty() ? (a.quick ? "1,3" : "10,30") : a.instr_ticks)) {
      std::size_t used = 0;
      tt.push_back(std::stoi(x, &used));
      if (used != x.size()) tt.clear();
    }
  } catch (const std::exception&) {
    tt.clear();
  }
  if (tt.size() != 2 || tt[0] < 1 || tt[1] <= tt[0])
    throw ConfigError(SourceLoc{}, "--instructions-ticks",
                      "expected two tick counts T1,T2 with 1 <= T1 < T2 (e.g. 10,30), got '" + a.instr_ticks + "'");
  return {tt[0], tt[1]};
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

void instruction_section(const BenchArgs& a, const std::string& against_version) {
  std::printf("\n## Instructions per tick (valgrind)\n\n");
  if (kAddressSanitizer) {
    std::printf("skipped: this build is instrumented with AddressSanitizer, which valgrind cannot run (use a Release build).\n");
    std::fflush(stdout);
    return;
  }
  const std::string vg = find_on_path("valgrind");
  if (vg.empty()) {
    std::printf("skipped: valgrind is not on PATH (install it, e.g. apt-get install valgrind; --no-instructions hides this section).\n");
    std::fflush(stdout);
    return;
  }
  const auto [t1, t2] = instruction_ticks(a);
  const std::string self = this_exe();
  TempDir tmp("instructions");
  const ScenarioConfig base = load_scenario(a.scenario);
  std::vector<std::string> exes = {self};
  if (!a.against.empty()) exes.push_back(fs::absolute(a.against).string());
  BenchArgs no_sweep = a;
  no_sweep.sweep.clear();
  const SharedInputs in = shared_inputs(no_sweep, base, exes, tmp.path);
  const std::vector<std::string> env = {"OMP_NUM_THREADS=1", "OMP_WAIT_POLICY=passive"};
  struct Job {
    std::vector<std::string> argv;
    ChildDone done;
  };
  std::vector<Job> jobs;
  jobs.push_back({{vg, "--tool=callgrind", "--callgrind-out-file=/dev/null", "--toggle-collect=*bench_instruction_ticks*", self, "bench",
                   "--scenario", a.scenario, "--case", "instr:" + std::to_string(t1) + ":" + std::to_string(t2), "--case-threads", "1"},
                  {}});
  // a synthetic world as the synthetic cases build it (--rewire), small
  // enough for valgrind: its per-agent work beside the floor (job 1)
  const std::int64_t syn_agents = a.quick ? 2000 : 10000;
  jobs.push_back({{vg, "--tool=callgrind", "--callgrind-out-file=/dev/null", "--toggle-collect=*bench_instruction_ticks*", self, "bench",
                   "--scenario", a.scenario, "--rewire", format_number(a.rewire), "--case",
                   "instr:" + std::to_string(t1) + ":" + std::to_string(t2) + ":" + std::to_string(syn_agents), "--case-threads", "1"},
                  {}});
  for (std::size_t e = 0; e < exes.size(); ++e)
    for (const int t : {t1, t2}) {
      std::vector<std::string> argv = {vg, "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes", "--cachegrind-out-file=/dev/null", exes[e], "run",
                                       in.scenario, "-r", "1", "-t", "1", "--quiet", "-o",
                                       (tmp.path / ("run" + std::to_string(jobs.size()))).string(), "--overwrite", "--ticks",
                                       std::to_string(t)};
      if (in.countries_key) argv.insert(argv.end(), {"--set", in.countries_off.at(exes[e])});
      jobs.push_back({argv, {}});
    }
  const std::size_t width = static_cast<std::size_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  for (std::size_t i = 0; i < jobs.size(); i += width) {
    std::vector<ChildRun> running;
    for (std::size_t j = i; j < std::min(jobs.size(), i + width); ++j)
      running.push_back(start_child(jobs[j].argv, tmp.path / ("job" + std::to_string(j) + ".out"),
                                    tmp.path / ("job" + std::to_string(j) + ".err"), env));
    for (std::size_t j = i; j < std::min(jobs.size(), i + width); ++j) {
      jobs[j].done = finish_child(running[j - i]);
      if (j < 4) must_succeed(jobs[j].argv, jobs[j].done);  // this build must work under valgrind; the other may not
    }
  }
  // (1) the bench cases: instructions collected and the case's RESULT line
  auto counted = [&](const Job& job) {
    const double n = valgrind_count(job.done.err, "Collected :");
    const auto pos = job.done.out.find("RESULT ");
    if (n <= 0 || pos == std::string::npos)
      throw RunError("bench: callgrind printed no instruction count:\n" + tail_lines(job.done.err, 12));
    CaseResult r;
    std::istringstream is(job.done.out.substr(pos + 7));
    is >> r.agents >> r.edges >> r.sec_per_tick >> r.sec_per_run >> r.world_bytes >> r.ops_per_tick;
    return std::make_pair(n, r);
  };
  const auto [collected, r] = counted(jobs[0]);
  const double floor = r.ops_per_tick, ticks = t2 - t1;
  std::printf("%s world (%lld agents, %lld edges), one thread. Ticks %d–%d counted: world building, the tick-0 equilibrium, %s "
              "and loading are excluded.\n\n", base.name.c_str(), static_cast<long long>(r.agents),
              static_cast<long long>(r.edges), t1 + 1, t2, (t1 == 1 ? std::string("tick 1") : "ticks 1–" + std::to_string(t1)).c_str());
  std::printf("| code | what is counted | instructions/tick | instruction floor/tick | × floor |\n|---|---|---:|---:|---:|\n");
  std::printf("| this build | step + record, as simulate() runs them (bench case; callgrind --toggle-collect) | %.0f | %.0f | %.2f× |\n",
              collected / ticks, floor, collected / ticks / floor);
  {
    const auto [sc, s] = counted(jobs[1]);
    const double n = static_cast<double>(s.agents);
    std::printf("| this build | the same, synthetic world (%lld agents, mean degree 10, rewiring %s): %.0f instructions per agent-update "
                "against a floor of %.0f | %.0f | %.0f | %.2f× |\n",
                static_cast<long long>(s.agents), format_number(a.rewire).c_str(), sc / ticks / n, s.ops_per_tick / n, sc / ticks,
                s.ops_per_tick, sc / ticks / s.ops_per_tick);
  }
  const std::string what = std::string("whole `run -r 1 -t 1`") + (in.countries_key ? ", countries.csv off" : "") +
                           ": (instructions at --ticks " + std::to_string(t2) + " − at --ticks " + std::to_string(t1) +
                           ") / " + std::to_string(t2 - t1) + " (cachegrind)";
  std::vector<double> per_tick;
  for (std::size_t e = 0; e < exes.size(); ++e) {
    const std::string who = e == 0 ? "this build" : "today's code (" + against_version + ")";
    const Job& j1 = jobs[2 + 2 * e];
    const Job& j2 = jobs[3 + 2 * e];
    const double i1 = valgrind_count(j1.done.err, "I   refs:"), i2 = valgrind_count(j2.done.err, "I   refs:");
    if (!j1.done.ok || !j2.done.ok || i1 <= 0 || i2 <= 0) {
      const Job& bad = j1.done.ok && i1 > 0 ? j2 : j1;
      if (e == 0) throw RunError("bench: cachegrind printed no instruction count:\n" + tail_lines(bad.done.err, 12));
      // the program's own last message, not valgrind's (lines starting == or --)
      std::string msg = "no instruction count";
      std::istringstream es(bad.done.err);
      for (std::string line; std::getline(es, line);)
        if (!line.empty() && line.rfind("==", 0) != 0 && line.rfind("--", 0) != 0) msg = line;
      std::printf("| %s | %s | not measured: `%s` gave %s: %s | | |\n", who.c_str(), what.c_str(), quoted_command(bad.argv).c_str(),
                  bad.done.status.c_str(), msg.c_str());
      continue;
    }
    per_tick.push_back((i2 - i1) / ticks);
    std::printf("| %s | %s | %.0f | %.0f | %.2f× |\n", who.c_str(), what.c_str(), per_tick.back(), floor, per_tick.back() / floor);
  }
  if (per_tick.size() == 2) std::printf("\ntoday's code / this build, instructions per tick of the whole run: %.2f×\n", per_tick[1] / per_tick[0]);
  if (!in.note.empty()) std::printf("\n!! %s\n", in.note.c_str());
  std::printf("\nInstruction floor = the essential floating-point operations of one tick (tick_ops: the equations of docs/ODD.md, "
              "counted at the tick-%d world), one scalar instruction each; no loads, stores, branches, address arithmetic or random "
              "numbers are counted, so it is a lower bound for scalar code (SIMD can go below it). The whole-run rows also count the "
              "per-tick record row and timeseries formatting%s. Instruction counts do not depend on the machine's load.\n",
              t1, in.countries_key ? "" : " and countries.csv");
  std::fflush(stdout);
}

}  // namespace blocsim::cli::bench_detail
