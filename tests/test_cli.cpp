// The real `blocsim` binary: run, validate, params, bad flags, exit codes,
// atomic output and no-overwrite.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>
#include <sys/wait.h>

#include "helpers.h"

namespace fs = std::filesystem;
using blocsim::test::read_text;
using blocsim::test::TempDir;

namespace {

const fs::path kSource = BLOCSIM_SOURCE_DIR;
const std::string kMinimal = (kSource / "scenarios/minimal.yaml").string();

struct Result {
  int code = -1;
  std::string out, err;
};

// Run `blocsim ARGS` with stdout/stderr captured to files in `dir`.
Result run_cli(const std::string& args, const fs::path& dir) {
  const fs::path o = dir / "stdout.txt", e = dir / "stderr.txt";
  const std::string cmd = std::string("'") + BLOCSIM_BINARY + "' " + args + " >'" + o.string() + "' 2>'" + e.string() + "'";
  const int st = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_text(o);
  r.err = read_text(e);
  return r;
}

// Whether `text` holds a "file:line:col: " position (line, col ≥ 1).
bool has_position(const std::string& text) {
  static const std::regex re(R"([^\s:]+:[1-9][0-9]*:[1-9][0-9]*: )");
  return std::regex_search(text, re);
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("run writes a complete run folder and a summary") {
    TempDir d;
    const auto out = d.path / "run";
    const Result r = run_cli("run " + kMinimal + " --replicates 2 --seed 7 --out " + out.string(), d.path);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("Final bloc shares") != std::string::npos);
    CHECK(r.out.find("fragmentation") != std::string::npos);
    CHECK(r.out.find(out.string()) != std::string::npos);
    for (const char* f : {"timeseries.csv", "countries.csv", "events.csv", "metadata.yaml", "scenario.resolved.yaml"})
      CHECK_MESSAGE(fs::file_size(out / f) > 0, f);
    const std::string meta = read_text(out / "metadata.yaml");
    CHECK(meta.find("format: blocsim-run") != std::string::npos);
    CHECK(meta.find("status: ok") != std::string::npos);
    CHECK(meta.find("seeds: [7, ") != std::string::npos);
    // no temporary folders left behind
    for (const auto& e : fs::directory_iterator(d.path)) CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  }

  TEST_CASE("metadata.yaml records the SHA-256 of every world file; a changed file changes its hash") {
    TempDir d;
    fs::create_directories(d.path / "world");
    fs::copy_file(kSource / "scenarios/base.yaml", d.path / "base.yaml");
    for (const char* f : {"countries.csv", "groups.yaml", "borders.csv", "trade.csv"})
      fs::copy_file(kSource / "scenarios/world" / f, d.path / "world" / f);
    const std::string args = (d.path / "base.yaml").string() + " -q --set ticks=1 --replicates 1 --out ";
    REQUIRE(run_cli("run " + args + (d.path / "a").string(), d.path).code == 0);
    // a comment line changes the bytes (not the data): the hash must still change
    { std::ofstream(d.path / "world/countries.csv", std::ios::app) << "# edited\n"; }
    REQUIRE(run_cli("run " + args + (d.path / "b").string(), d.path).code == 0);
    auto hash_of = [&](const fs::path& run, const std::string& file) {
      const std::string meta = read_text(run / "metadata.yaml");
      const std::regex re("- \\{path: \"?[^,\"]*/world/" + file + "\"?, sha256: \"?([0-9a-f]{64})\"?\\}");
      std::smatch m;
      return std::regex_search(meta, m, re) ? m[1].str() : std::string();
    };
    for (const char* f : {"countries.csv", "groups.yaml", "borders.csv", "trade.csv"}) {
      CHECK_MESSAGE(hash_of(d.path / "a", f).size() == 64, f);
      // the resolved scenario names the same file and hash
      CHECK(read_text(d.path / "a/scenario.resolved.yaml").find("/world/" + std::string(f) + " sha256 " +
                                                                 hash_of(d.path / "a", f)) != std::string::npos);
    }
    CHECK(hash_of(d.path / "a", "countries.csv") != hash_of(d.path / "b", "countries.csv"));
    CHECK(hash_of(d.path / "a", "groups.yaml") == hash_of(d.path / "b", "groups.yaml"));
    CHECK(hash_of(d.path / "a", "trade.csv") == hash_of(d.path / "b", "trade.csv"));
  }

  TEST_CASE("an existing run folder is never overwritten without --overwrite") {
    TempDir d;
    const auto out = d.path / "run";
    REQUIRE(run_cli("run " + kMinimal + " -q --out " + out.string(), d.path).code == 0);
    const std::string before = read_text(out / "timeseries.csv");
    const Result again = run_cli("run " + kMinimal + " -q --seed 99 --out " + out.string(), d.path);
    CHECK(again.code == 2);
    CHECK(again.err.find("already exists; pass --overwrite") != std::string::npos);
    CHECK(read_text(out / "timeseries.csv") == before);
    CHECK(run_cli("run " + kMinimal + " -q --seed 99 --overwrite --out " + out.string(), d.path).code == 0);
    CHECK(read_text(out / "timeseries.csv") != before);
  }

  TEST_CASE("resolved scenario re-runs to the same bytes") {
    TempDir d;
    REQUIRE(run_cli("run " + kMinimal + " -q --set model.mu=0.2 --seed 5 --out " + (d.path / "a").string(), d.path).code == 0);
    REQUIRE(run_cli("run " + (d.path / "a/scenario.resolved.yaml").string() + " -q --out " + (d.path / "b").string(), d.path).code == 0);
    CHECK(read_text(d.path / "a/timeseries.csv") == read_text(d.path / "b/timeseries.csv"));
    CHECK(read_text(d.path / "a/countries.csv") == read_text(d.path / "b/countries.csv"));
  }

  TEST_CASE("--threads 1 and 2 give the same bytes from the command line") {
    TempDir d;
    REQUIRE(run_cli("run " + kMinimal + " -q -r 3 --threads 1 --out " + (d.path / "t1").string(), d.path).code == 0);
    REQUIRE(run_cli("run " + kMinimal + " -q -r 3 --threads 2 --out " + (d.path / "t2").string(), d.path).code == 0);
    CHECK(read_text(d.path / "t1/timeseries.csv") == read_text(d.path / "t2/timeseries.csv"));
    CHECK(read_text(d.path / "t1/countries.csv") == read_text(d.path / "t2/countries.csv"));
  }

  TEST_CASE("validate accepts the shipped scenarios") {
    TempDir d;
    for (const auto& e : fs::directory_iterator(kSource / "scenarios")) {
      if (e.path().extension() != ".yaml") continue;
      CAPTURE(e.path().string());
      const Result r = run_cli("validate " + e.path().string(), d.path);
      CHECK_MESSAGE(r.code == 0, r.err);
      CHECK(r.out.find(": ok") != std::string::npos);
    }
  }

  // validate tells a sweep or a calibration file from a scenario by its
  // top-level keys and checks it with its own loader (checked as a scenario,
  // a sweep file got a dozen "unknown key" and "missing powers" problems).
  TEST_CASE("validate checks sweep and calibration files with their own loaders") {
    TempDir d;
    for (const char* f : {"scenarios/sweeps/strictness_openness.yaml", "scenarios/sweeps/sobol_choice_weights.yaml",
                          "scenarios/calibration/hindcast_2018.yaml"}) {
      CAPTURE(f);
      const Result r = run_cli(std::string("validate ") + (kSource / f).string(), d.path);
      CHECK_MESSAGE(r.code == 0, r.err);
      CHECK(r.err.empty());
    }
    const Result sweep = run_cli("validate " + (kSource / "scenarios/sweeps/strictness_openness.yaml").string(), d.path);
    CHECK(sweep.out.find("ok — sweep 'strictness_openness': 121 points × 20 replicates = 2420 runs (grid design, "
                         "2 parameters) of scenario 'baseline'") != std::string::npos);
    const Result calib = run_cli("validate " + (kSource / "scenarios/calibration/hindcast_2018.yaml").string(), d.path);
    CHECK(calib.out.find("ok — calibration 'hindcast_2018': ") != std::string::npos);
    // a bad sweep file: the sweep loader's own messages, positioned, exit 2
    const Result bad = run_cli("validate " + (fs::path(BLOCSIM_TEST_DATA) / "sweeps/bad/unknown_key.yaml").string(), d.path);
    CHECK(bad.code == 2);
    CHECK(bad.err.find("unknown_key.yaml:6:1: replicate: unknown key 'replicate' (did you mean 'replicates'?)") !=
          std::string::npos);
    CHECK(bad.err.find("powers") == std::string::npos);  // not read as a scenario
    // --set is for scenarios
    const Result set = run_cli("validate " + (kSource / "scenarios/sweeps/strictness_openness.yaml").string() +
                                   " --set ticks=3",
                               d.path);
    CHECK(set.code == 2);
    CHECK(set.err.find("<command line>: --set: applies to scenario files") != std::string::npos);
    // a scenario redirected or piped in is still read as a scenario (a pipe once)
    const Result redirected = run_cli("validate /dev/stdin < '" + kMinimal + "'", d.path);
    CHECK_MESSAGE(redirected.code == 0, redirected.err);
    CHECK(redirected.out.find("ok — scenario 'minimal'") != std::string::npos);
    const fs::path o = d.path / "piped.txt";
    const std::string cmd = "cat '" + kMinimal + "' | '" + BLOCSIM_BINARY + "' validate /dev/stdin >'" + o.string() + "' 2>&1";
    CHECK(std::system(cmd.c_str()) == 0);
    CHECK_MESSAGE(read_text(o).find("ok — scenario 'minimal'") != std::string::npos, read_text(o));
  }

  TEST_CASE("every bad scenario exits 2 with a positioned message and writes nothing") {
    TempDir d;
    int n = 0;
    for (const auto& e : fs::directory_iterator(fs::path(BLOCSIM_TEST_DATA) / "bad")) {
      if (e.path().extension() != ".yaml") continue;
      CAPTURE(e.path().string());
      const auto out = d.path / ("out-" + e.path().stem().string());
      const Result r = run_cli("run " + e.path().string() + " --out " + out.string(), d.path);
      CHECK(r.code == 2);
      CHECK_MESSAGE(has_position(r.err), r.err);
      CHECK(r.err.find("nothing was written") != std::string::npos);
      CHECK_FALSE(fs::exists(out));
      ++n;
    }
    CHECK(n >= 15);
    for (const auto& e : fs::directory_iterator(d.path)) CHECK(e.path().filename().string().rfind("out-", 0) != 0);
  }

  TEST_CASE("bad --set values are reported with the command-line position") {
    TempDir d;
    const Result r = run_cli("run " + kMinimal + " --set model.muu=0.1 --out " + (d.path / "x").string(), d.path);
    CHECK(r.code == 2);
    CHECK(r.err.find("model.muu") != std::string::npos);
    CHECK(r.err.find("did you mean 'model.mu'") != std::string::npos);
    CHECK_FALSE(fs::exists(d.path / "x"));
    const Result range = run_cli("run " + kMinimal + " --set model.revision_rate=1.5 --out " + (d.path / "y").string(), d.path);
    CHECK(range.code == 2);
    CHECK_FALSE(fs::exists(d.path / "y"));
  }

  TEST_CASE("params prints the generated reference") {
    TempDir d;
    const Result r = run_cli("params", d.path);
    CHECK(r.code == 0);
    for (const char* key : {"model.mu", "model.beta_identity", "model.lambda", "export_controls.strictness", "network.border_weight"})
      CHECK_MESSAGE(r.out.find(key) != std::string::npos, key);
  }

  TEST_CASE("bad flags, help and version") {
    TempDir d;
    CHECK(run_cli("", d.path).code != 0);                                  // a subcommand is required
    CHECK(run_cli("run", d.path).code != 0);                               // scenario missing
    CHECK(run_cli("run " + kMinimal + " --threads 0", d.path).code != 0);  // out of range
    CHECK(run_cli("run " + kMinimal + " --bogus", d.path).code != 0);
    CHECK(run_cli("run /no/such/file.yaml", d.path).code != 0);
    CHECK(run_cli("frobnicate", d.path).code != 0);
    const Result h = run_cli("--help", d.path);
    CHECK(h.code == 0);
    for (const char* c : {"run", "validate", "params", "bench", "sweep"}) CHECK(h.out.find(c) != std::string::npos);
    const Result rh = run_cli("run --help", d.path);
    CHECK(rh.out.find("--replicates") != std::string::npos);
    const Result v = run_cli("--version", d.path);
    CHECK(v.code == 0);
    CHECK(v.out.find("blocsim 0.") != std::string::npos);
  }
}
