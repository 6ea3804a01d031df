// libFuzzer: a countries CSV file (the CSV reader: quoting, comments, numbers,
// missing columns), read through a fixed scenario that names it.
#include "blocsim/input/scenario.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace blocsim;
  static const std::filesystem::path scen = [] {
    const std::string text =
        "name: csv\nticks: 2\ndimensions: [democracy, sovereignty]\nworld: {countries: input.csv}\n"
        "powers:\n  - {id: us, identity: [0.8, 0.4]}\n  - {id: cn, identity: [0.1, 0.9]}\n";
    return fuzz::write_input("csv_scenario.yaml", reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  }();
  fuzz::write_input("input.csv", data, size);
  fuzz::expect_config_error_only([&] { (void)load_scenario(scen); });
  return 0;
}
