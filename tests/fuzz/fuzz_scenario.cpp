// libFuzzer: a scenario YAML file (the located YAML checker, extends:, every
// key, inline world data). A loaded scenario must also round-trip: its
// scenario.resolved.yaml loads again.
#include "blocsim/input/scenario.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blocsim;
  const auto path = fuzz::write_input("scenario.yaml", data, size);
  fuzz::expect_config_error_only([&] {
    const ScenarioConfig cfg = load_scenario(path);
    const std::string resolved = resolved_yaml(cfg);
    const auto again = fuzz::write_input("resolved.yaml", reinterpret_cast<const std::uint8_t*>(resolved.data()), resolved.size());
    try {
      (void)load_scenario(again);
    } catch (const ConfigError& e) {
      // a valid scenario whose resolved form is invalid is a finding
      std::fprintf(stderr, "resolved scenario does not load:\n%s\n", e.what());
      std::abort();
    }
  });
  return 0;
}
