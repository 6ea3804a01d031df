// Shared test fixtures: a hand-made 3-country world and a temp folder.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "blocsim/engine/config.h"
#include "blocsim/engine/world.h"

namespace blocsim::test {

//! Three countries AAA, BBB, CCC on a triangle (w_AB = 1, w_AC = 2, w_BC = 1),
//! D = 2 dimensions (democracy, sovereignty), two powers us (y = (1,1)) and
//! cn (y = (0,0)) without home countries, every lever off, everyone starting
//! non-aligned on the international standard. Tests set what they need.
inline ScenarioConfig tiny_config() {
  ScenarioConfig cfg;
  cfg.name = "tiny";
  cfg.dimensions = {"democracy", "sovereignty"};
  cfg.ticks = 3;
  const char* ids[] = {"AAA", "BBB", "CCC"};
  for (int i = 0; i < 3; ++i) {
    CountryRow r;
    r.iso3 = ids[i];
    r.name = ids[i];
    r.gdp = i + 1.0;
    r.pop = (i + 1.0) * (i + 1.0);
    r.capacity = 0.5;
    r.identity = {0.5, 0.5};
    cfg.world.countries.push_back(r);
  }
  cfg.world.edges = {{"AAA", "BBB", 1.0}, {"AAA", "CCC", 2.0}, {"BBB", "CCC", 1.0}};
  cfg.network.border_weight = cfg.network.trade_weight = cfg.network.group_weight = 0.0;
  cfg.network.edge_weight = 1.0;
  for (const char* id : {"us", "cn"}) {
    PowerConfig p;
    p.id = id;
    p.name = id;
    p.identity = std::string(id) == "us" ? std::vector<double>{1.0, 1.0} : std::vector<double>{0.0, 0.0};
    p.default_trade = 0.0;
    p.default_security = 0.0;
    cfg.powers.push_back(p);
  }
  cfg.initial.alignment = InitialMode::nonaligned;
  cfg.initial.standards = InitialMode::nonaligned;
  cfg.outputs.countries = true;
  return cfg;
}

//! A fresh empty directory under /tmp, removed on destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("blocsim-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace blocsim::test
