// libFuzzer: YamlWriter (sim/output/yaml_writer.h) against yaml-cpp's
// YAML::Emitter. The input is split at 0x1E bytes into three strings and a
// comment; the first byte also picks an integer. A document the writer
// writes must be yaml-cpp's bytes; and it must write every document whose
// strings are all in its subset (YamlWriter::supported) — else it would
// silently leave the resolved scenario to the slow writer. Any difference is
// a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "yaml_writer_compare.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> parts(4);
  std::size_t p = 0;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0x1E && p + 1 < parts.size()) ++p;
    else parts[p].push_back(static_cast<char>(data[i]));
  }
  std::string comment = parts[3];
  std::erase(comment, '\n');  // a comment over several lines is left to yaml-cpp by design
  const int k = size > 0 ? static_cast<int>(data[0]) - 128 : 0;
  const auto o = blocsim::testing::compare_yaml_writers(parts[0], parts[1], parts[2], comment, k);
  bool all_supported = true;
  for (const std::string* s : {&parts[0], &parts[1], &parts[2], &comment})
    all_supported = all_supported && blocsim::YamlWriter::supported(*s);
  if ((!o.declined && !o.same) || (o.declined && all_supported)) {
    std::fprintf(stderr, "YamlWriter and YAML::Emitter differ (declined: %d)\n--- yaml-cpp:\n%s\n--- YamlWriter:\n%s\n",
                 o.declined, o.ref.c_str(), o.mine.c_str());
    std::abort();
  }
  return 0;
}
