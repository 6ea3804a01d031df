// libFuzzer: `--set path=value` overrides (one per input line) applied to the
// minimal scenario — the path parser, strict numbers, string keys, booleans.
#include <sstream>

#include "blocsim/input/scenario.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blocsim;
  static const ScenarioConfig base = load_scenario(fuzz::scratch() / "minimal.yaml");
  std::vector<std::string> overrides;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(in, line) && overrides.size() < 64;) overrides.push_back(line);
  fuzz::expect_config_error_only([&] {
    ScenarioConfig cfg = base;
    apply_overrides(cfg, overrides);
  });
  return 0;
}
