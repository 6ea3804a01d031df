// libFuzzer: an observed-alignment file for `blocsim score`.
#include "blocsim/analysis/score.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blocsim;
  const auto path = fuzz::write_input("observed.yaml", data, size);
  fuzz::expect_config_error_only([&] { (void)score::load_observed(path); });
  return 0;
}
