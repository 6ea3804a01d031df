// Face validity on the 2024 picture (issue 11; docs/ODD.md "Face validity 2024").
//
// Thresholds, stated before tuning and never loosened:
//  (1) G7 (without the USA): every member US-aligned in ≥ 90 % of the pooled
//      (replicate, tick) states; NATO (without the USA): pooled share US-aligned ≥ 0.90.
//  (2) Russia, Iran, North Korea, Belarus: each China-aligned in ≥ 75 % of states.
//  (3) India, Indonesia, Brazil, South Africa, Saudi Arabia, Turkey, Vietnam,
//      Nigeria, Mexico: modal bloc non-aligned or the stated realistic lean.
//  (4) The modal bloc of the 30 most populous countries matches the specialist
//      reading below in at least 26 of 30.
// "The 2024 picture": states at ticks 0..4 (2025-07 to 2026-07, the first
// year of the run) of 20 replicates of scenarios/baseline.yaml (seeds
// replicate_seed(root, r)), pooled. The specialist reading (with a one-line
// reason each) was written before the model was tuned; it uses general
// geopolitical alignment (alliances, sanctions, stated doctrine), never
// AI-governance instrument lists (reserved for validation).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"

using namespace blocsim;

namespace {

struct Reading {
  const char* iso3;
  const char* bloc;  // "us", "cn", "nonaligned"
  const char* reason;
};

// The 30 most populous countries of the default world (pop column), in order.
const Reading kTop30[] = {
    {"CHN", "cn", "home of China"},
    {"IND", "nonaligned", "strategic autonomy; Quad member but no alliance; rivalry with China, Russian arms"},
    {"USA", "us", "home of the US"},
    {"IDN", "nonaligned", "free-and-active doctrine, NAM founder; China its top trade partner, US security cooperation"},
    {"PAK", "cn", "China-Pakistan Economic Corridor, 'all-weather' partnership, Chinese arms"},
    {"BRA", "nonaligned", "BRICS founder with Western democratic ties; active non-alignment under Lula"},
    {"NGA", "nonaligned", "NAM member, balanced Western and Chinese ties"},
    {"BGD", "nonaligned", "NAM member, Chinese finance and Indian/US ties balanced"},
    {"RUS", "cn", "'no limits' partnership (Feb 2022), war with the West's partner Ukraine"},
    {"MEX", "us", "USMCA, 80 % of exports to the US; lean US"},
    {"JPN", "us", "treaty ally"},
    {"ETH", "nonaligned", "joined BRICS 2024, NAM member, Chinese finance but Western donors"},
    {"PHL", "us", "treaty ally, South China Sea dispute with China"},
    {"EGY", "nonaligned", "US aid recipient and MNNA but joined BRICS 2024; hedger"},
    {"VNM", "nonaligned", "'bamboo diplomacy', comprehensive partnerships with both, South China Sea dispute"},
    {"COD", "nonaligned", "Chinese mining finance and Western donors; NAM member"},
    {"TUR", "us", "NATO member, though it hedges (S-400, BRICS interest)"},
    {"DEU", "us", "NATO, EU"},
    {"IRN", "cn", "US sanctions, 25-year cooperation agreement with China (2021), SCO member"},
    {"THA", "nonaligned", "US treaty ally in name, but close ties with China; hedger"},
    {"FRA", "us", "NATO, EU"},
    {"GBR", "us", "NATO, Five Eyes"},
    {"ITA", "us", "NATO, EU (left the BRI in 2023)"},
    {"ZAF", "nonaligned", "BRICS, NAM, non-aligned stance on Ukraine"},
    {"TZA", "nonaligned", "NAM member, Chinese finance, Western donors"},
    {"MMR", "cn", "junta dependent on China (and Russia) for arms and diplomatic cover"},
    {"KEN", "nonaligned", "US MNNA since 2024 but NAM member with Chinese finance; lean West, formally non-aligned"},
    {"KOR", "us", "treaty ally"},
    {"COL", "us", "MNNA and NATO global partner; US security cooperation"},
    // Spain (47.9 m) left the 30 most populous with the real-data world (issue 9: UN WPP 2024
    // population); Sudan (50.4 m) entered. Reading written before looking at the model output.
    {"SDN", "nonaligned", "civil war since 2023; NAM member; Chinese oil investment, Russian and Iranian arms to the army, UAE backing of the RSF"},
};

struct Pooled {
  std::map<std::string, std::map<int, int>> counts;  // iso3 → bloc → count
  std::map<std::string, int> total;
  std::map<int, std::string> label;  // bloc → label
  std::vector<std::string> iso_by_pop;
};

const Pooled& pooled() {
  static const Pooled p = [] {
    Pooled out;
    const ScenarioConfig cfg = load_scenario(std::string(BLOCSIM_SOURCE_DIR) + "/scenarios/baseline.yaml");
    for (int r = 0; r < 20; ++r) {
      simulate(cfg, replicate_seed(cfg.seed, r), [&](const World& w) {
        if (w.tick > 4) return;
        if (out.label.empty()) {
          for (int b = 0; b <= w.k; ++b) out.label[b] = bloc_label(w, b);
          std::vector<std::pair<double, std::string>> byp;
          for (int i = 0; i < w.n; ++i) byp.emplace_back(-w.pop(i), w.iso3[static_cast<std::size_t>(i)]);
          std::sort(byp.begin(), byp.end());
          for (const auto& [_, iso] : byp) out.iso_by_pop.push_back(iso);
        }
        for (int i = 0; i < w.n; ++i) {
          const std::string& iso = w.iso3[static_cast<std::size_t>(i)];
          ++out.counts[iso][w.alignment[static_cast<std::size_t>(i)]];
          ++out.total[iso];
        }
      });
    }
    return out;
  }();
  return p;
}

double share(const std::string& iso, const std::string& bloc) {
  const Pooled& p = pooled();
  for (const auto& [b, l] : p.label)
    if (l == bloc) {
      auto it = p.counts.at(iso).find(b);
      return it == p.counts.at(iso).end() ? 0.0 : static_cast<double>(it->second) / p.total.at(iso);
    }
  return 0.0;
}

std::string modal(const std::string& iso) {
  const Pooled& p = pooled();
  int best = -1, n = -1;
  for (const auto& [b, c] : p.counts.at(iso))
    if (c > n) best = b, n = c;
  return p.label.at(best);
}

std::vector<std::string> members(const std::string& group) {
  const ScenarioConfig cfg = load_scenario(std::string(BLOCSIM_SOURCE_DIR) + "/scenarios/baseline.yaml");
  for (const auto& g : cfg.world.groups)
    if (g.id == group) return g.members;
  FAIL("no group " << group);
  return {};
}

}  // namespace

TEST_SUITE("face_validity") {
  TEST_CASE("2024 picture (1): G7 and NATO are US-aligned") {
    for (const auto& iso : members("g7")) {
      if (iso == "USA") continue;
      MESSAGE(iso << " US-aligned share " << share(iso, "us"));
      CHECK_MESSAGE(share(iso, "us") >= 0.90, std::string(iso));
    }
    double s = 0.0;
    int n = 0;
    for (const auto& iso : members("nato_members")) {
      if (iso == "USA") continue;
      s += share(iso, "us");
      ++n;
      if (share(iso, "us") < 0.9) MESSAGE("NATO member below 0.9: " << iso << " " << share(iso, "us"));
    }
    MESSAGE("NATO pooled US-aligned share " << s / n);
    CHECK(s / n >= 0.90);
  }

  // Failed until 0.2.x (Russia 0.07, Belarus 0.06) and was marked should_fail. Fixed in the
  // data, not here (threshold unchanged): the world builder's militarised-dispute rivalry rule
  // now follows Diehl & Goertz (2000) (one 2009 MID no longer makes Russia China's rival), and
  // the US sanctions programmes against the governments of Belarus, Nicaragua and Myanmar,
  // missing from rivalry_post2010.csv, were added. See docs/ODD.md "Face validity on the
  // real-data world (model v2)".
  TEST_CASE("2024 picture (2): Russia, Iran, North Korea, Belarus are China-aligned") {
    for (const char* iso : {"RUS", "IRN", "PRK", "BLR"}) {
      MESSAGE(std::string(iso) << " China-aligned share " << share(iso, "cn"));
      CHECK_MESSAGE(share(iso, "cn") >= 0.75, std::string(iso));
    }
  }

  TEST_CASE("2024 picture (3): swing states non-aligned or their realistic lean") {
    // allowed modal blocs, with the reason for a lean
    const std::map<std::string, std::set<std::string>> allowed = {
        {"IND", {"nonaligned", "us"}},  // lean US: Quad, iCET, rivalry with China
        {"IDN", {"nonaligned"}},
        {"BRA", {"nonaligned"}},
        {"ZAF", {"nonaligned"}},
        {"SAU", {"nonaligned", "us"}},  // lean US: US security partner, but OPEC+ with Russia, China's top oil client
        {"TUR", {"nonaligned", "us"}},  // lean US: NATO member
        {"VNM", {"nonaligned"}},
        {"NGA", {"nonaligned"}},
        {"MEX", {"nonaligned", "us"}},  // lean US: USMCA
    };
    for (const auto& entry : allowed) {  // no structured binding: Clang 14 cannot capture one in CHECK's lambda
      const auto& iso = entry.first;
      const auto& ok = entry.second;
      MESSAGE(iso << " modal " << modal(iso) << " (US " << share(iso, "us") << ", CN " << share(iso, "cn") << ", NA "
                  << share(iso, "nonaligned") << ")");
      CHECK_MESSAGE(ok.count(modal(iso)) == 1, std::string(iso));
    }
  }

  TEST_CASE("2024 picture (4): modal bloc of the 30 most populous matches the specialist reading in >= 26") {
    const Pooled& p = pooled();
    std::vector<std::string> top(p.iso_by_pop.begin(), p.iso_by_pop.begin() + 30);
    int match = 0;
    for (const Reading& r : kTop30) {
      CHECK_MESSAGE(std::find(top.begin(), top.end(), r.iso3) != top.end(), std::string(r.iso3) << " is not among the 30 most populous");
      const std::string m = modal(r.iso3);
      match += m == r.bloc;
      MESSAGE(std::string(r.iso3) << ": model " << m << ", reading " << std::string(r.bloc) << std::string(m == r.bloc ? "" : "  <-- differs") << " (" << std::string(r.reason) << ")");
    }
    MESSAGE("matches: " << match << " / 30");
    CHECK(match >= 26);
  }
}
