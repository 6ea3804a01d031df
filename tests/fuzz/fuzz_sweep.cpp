// libFuzzer: a sweep file (its own keys, parameter paths against the base
// scenario minimal.yaml, designs, plan expansion and its size limits).
#include "blocsim/sweep/sweep.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blocsim;
  const auto path = fuzz::write_input("sweep.yaml", data, size);
  fuzz::expect_config_error_only([&] { (void)load_sweep(path); });
  return 0;
}
