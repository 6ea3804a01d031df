// One wording for the same input problem: the error factories and strict
// scalar syntax of blocsim/io/check.h, and the same mistake made in a
// scenario, a sweep file and a calibration file reported the same way.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "blocsim/calibrate/calibrate.h"
#include "blocsim/input/scenario.h"
#include "blocsim/io/check.h"
#include "blocsim/io/error.h"
#include "blocsim/sweep/sweep.h"

using namespace blocsim;
namespace fs = std::filesystem;

namespace {

template <class F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

struct TempYaml {
  fs::path path;
  TempYaml(const std::string& name, const std::string& text)
      : path(fs::temp_directory_path() / ("blocsim_check_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path) << text;
  }
  ~TempYaml() { fs::remove(path); }
};

}  // namespace

TEST_SUITE("error") {
  TEST_CASE("error factories: one wording") {
    const std::vector<std::string> keys = {"name", "seed", "ticks"};
    CHECK(check::unknown("key", "sede", keys) == "unknown key 'sede' (did you mean 'seed'?)");
    CHECK(check::unknown("key", "zzzzzz", keys) == "unknown key 'zzzzzz'");
    CHECK(check::duplicate_key(4) == "duplicate key (first at line 4)");
    CHECK(check::duplicate_key() == "duplicate key");
    CHECK(check::expected("a number", check::quoted("abc")) == "expected a number, got 'abc'");
    CHECK(check::expected_one_of({"need", "swing"}, "'nede'", "nede") ==
          "expected one of need | swing, got 'nede' (did you mean 'need'?)");
    CHECK(check::out_of_range("13", "1", "12") == "out of range: 13 is not in [1, 12]");
    CHECK(check::out_of_range("0", "0", "1", true) == "out of range: 0 is not in (0, 1]");
    CHECK(check::out_of_range("-1", "0", "+inf", false, true) == "out of range: -1 is not in [0, +inf)");
  }

  TEST_CASE("strict scalar syntax shared by every input") {
    CHECK(check::parse_number("0.25") == 0.25);
    CHECK(check::parse_number("-1e-3") == -1e-3);
    CHECK(std::isinf(*check::parse_number(".inf")));
    CHECK(std::isnan(*check::parse_number(".NaN")));
    CHECK_FALSE(check::parse_number(" 1"));
    CHECK_FALSE(check::parse_number("0x10"));
    CHECK_FALSE(check::parse_number("1,5"));
    CHECK_FALSE(check::parse_number(""));
    CHECK(check::parse_integer("+12") == 12);
    CHECK_FALSE(check::parse_integer("1.0"));
    CHECK(check::parse_uint64("18446744073709551615") == 18446744073709551615ull);
    CHECK_FALSE(check::parse_uint64("18446744073709551616"));
    CHECK_FALSE(check::parse_uint64("-1"));
    CHECK(check::parse_bool("yes") == true);
    CHECK(check::parse_bool("OFF") == false);
    CHECK_FALSE(check::parse_bool("1"));
  }

  TEST_CASE("the same mistake reads the same in a scenario, a sweep file and a calibration file") {
    const std::string minimal = (fs::path(BLOCSIM_SOURCE_DIR) / "scenarios" / "minimal.yaml").string();
    // line 2: a misspelt top-level key; line 3: a list where text is expected
    const std::string body = "nmae: x\ndescription: [1, 2]\n";
    TempYaml sc("scenario.yaml", "extends: " + minimal + "\n" + body);
    TempYaml sw("sweep.yaml", "scenario: " + minimal + "\n" + body);
    TempYaml ca("calib.yaml", "scenario: " + minimal + "\n" + body);
    const std::string e_sc = config_error([&] { (void)load_scenario(sc.path); });
    const std::string e_sw = config_error([&] { (void)parse_sweep_file(sw.path); });
    const std::string e_ca = config_error([&] { (void)calib::load_calibration(ca.path); });
    for (const auto& pair : {std::pair{e_sc, sc.path}, std::pair{e_sw, sw.path}, std::pair{e_ca, ca.path}}) {
      const std::string& e = pair.first;  // named, not a structured binding: Clang 14 cannot capture those in INFO
      const fs::path& file = pair.second;
      INFO(e);
      CHECK(e.find(file.string() + ":2:1: nmae: unknown key 'nmae' (did you mean 'name'?)") != std::string::npos);
      CHECK(e.find(file.string() + ":3:14: description: expected a string, got a list") != std::string::npos);
    }
    // a file name the OS refuses (too long) is a located "file not found", in both files
    const std::string long_name(300, 'x');
    TempYaml lc("long_c.yaml", "scenario: " + long_name + ".yaml\n");
    CHECK(config_error([&] { (void)calib::load_calibration(lc.path); }).find(":1:11: scenario: file not found: ") !=
          std::string::npos);
    TempYaml ls("long_s.yaml", "scenario: " + long_name + ".yaml\n");
    CHECK(config_error([&] { (void)parse_sweep_file(ls.path); }).find(":1:11: scenario: file not found: ") != std::string::npos);
    // a duplicate key: refused by the shared reader with the line of the first one
    TempYaml dup("dup.yaml", "scenario: " + minimal + "\nreplicates: 2\nreplicates: 3\n");
    CHECK(config_error([&] { (void)parse_sweep_file(dup.path); }).find(":3:1: replicates: duplicate key (first at line 2)") !=
          std::string::npos);
    TempYaml dupc("dupc.yaml", "scenario: " + minimal + "\nname: a\nname: b\n");
    CHECK(config_error([&] { (void)calib::load_calibration(dupc.path); }).find(":3:1: name: duplicate key (first at line 2)") !=
          std::string::npos);
  }
}
