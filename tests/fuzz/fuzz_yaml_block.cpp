// libFuzzer: the block-style YAML reader (sim/io/yaml_block.h) against
// yaml-cpp. A text the reader declines must have produced no event; a text
// it reads must be one yaml-cpp reads too, into the same events (kinds,
// values, tags, positions). Any difference is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "yaml_event_log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const blocsim::testing::Outcome o = blocsim::testing::compare_yaml_readers(text);
  if (!o.same) {
    std::fprintf(stderr, "block reader and yaml-cpp differ (read: %d)\n--- block reader:\n%s--- yaml-cpp:\n%s", o.read,
                 o.fast.c_str(), o.ref.c_str());
    std::abort();
  }
  return 0;
}
