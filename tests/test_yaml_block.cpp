// The block-style YAML reader (sim/io/yaml_block.h) against yaml-cpp: for
// every text it reads, the same events — kinds, values, tags, anchors,
// styles and positions (byte offset, line, column) — as yaml-cpp's parser,
// which must also accept the text; for every text it declines, no event.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "helpers.h"
#include "yaml_event_log.h"

namespace {

namespace fs = std::filesystem;
using blocsim::test::read_text;
using blocsim::testing::Outcome;
Outcome compare(const std::string& text) { return blocsim::testing::compare_yaml_readers(text); }

// The repository's YAML files (scenarios, test data, fuzz corpora, world
// inputs). Errors end a folder's walk instead of throwing: other tests may
// add or remove files under tests/ while this one runs.
std::vector<fs::path> repository_yaml() {
  std::vector<fs::path> out;
  for (const char* dir : {"scenarios", "tests", "tools"}) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(fs::path(BLOCSIM_SOURCE_DIR) / dir, ec), end; !ec && it != end;
         it.increment(ec))
      if (it->is_regular_file(ec) && (it->path().extension() == ".yaml" || it->path().extension() == ".yml"))
        out.push_back(it->path());
  }
  return out;
}

// The reader's sample of every construct it reads (also a seed of the fuzz corpus).
std::string read_sample() {
  return read_text(fs::path(BLOCSIM_SOURCE_DIR) / "tests/fuzz/corpus/yaml_block/sample.yaml");
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("the block-style YAML reader gives yaml-cpp's events for the repository's YAML files it reads") {
    int read = 0, files = 0;
    bool groups_read = false, base_read = false;
    for (const fs::path& p : repository_yaml()) {
      const Outcome o = compare(read_text(p));
      ++files;
      read += o.read;
      if (p.filename() == "groups.yaml" && p.parent_path().filename() == "world") groups_read = o.read;
      if (p.filename() == "base.yaml" && p.parent_path().filename() == "scenarios") base_read = o.read;
      INFO(p.string(), "\n--- block reader:\n", o.fast, "--- yaml-cpp:\n", o.ref);
      CHECK(o.same);
    }
    // the files it is for (the groups file; flow collections and block
    // scalars: the scenarios'), and more than a handful of others
    MESSAGE(read << " of " << files << " files read");
    CHECK(groups_read);
    CHECK(base_read);
    CHECK(read >= 60);
    CHECK(files > read);
    const Outcome sample = compare(read_sample());
    INFO("--- block reader:\n", sample.fast, "--- yaml-cpp:\n", sample.ref);
    CHECK(sample.read);
    CHECK(sample.same);
  }

  TEST_CASE("the block-style YAML reader declines what it does not read, and emits nothing then") {
    const std::string long_key = std::string(1025, 'k') + ": 1\n";  // yaml-cpp refuses keys over 1,024 characters
    for (const std::string& text : std::vector<std::string>{
             "a: \"x\"\n",                      // double quotes
             "a: [1, 2,]\n",                    // flow: a trailing comma
             "a: [1, , 2]\n",                   //       an empty entry
             "a: [x y\n  z]\n",                 //       a scalar over two lines
             "a: [1,\n2]\n",                    //       a next line not indented
             "a: [1\n  , 2]\n",                 //       a break before ','
             "a: [1, # c\n  2]\n",              //       a comment inside
             "a:\n  [1] x\n",                   //       text after it, on the next line
             "a: [1] x\n",                      //       text after it
             "a: [b: 1]\n",                     //       a single-pair map
             "a: {b:1}\n",                      //       a key without a space
             "a: {b: 'x'}\n",                   //       a quoted scalar inside
             "a: [x:y]\n",                      //       a ':' in a scalar
             "a: >-\n  x\n",                    // block scalar: a chomping indicator
             "a: |2\n  x\n",                    //               an indentation indicator
             "a: > # c\n  x\n",                 //               a comment after the indicator
             "a: >\n  x\n\n  y\n",              //               an empty line inside
             "a: >\n  x\n    y\n",              //               a more-indented line
             "a: >\n  x \n",                    //               a trailing space
             "a: >\n  x\n\nb: 1\n",             //               an empty line after it
             "a: &x 1\nb: *x\n",                // anchor, alias
             "a: !!str 1\n",                    // tag
             "a:\tb\n",                         // tab
             "a: 1\r\n",                        // carriage return
             "a: caf\xc3\xa9\n",                // UTF-8 outside comments
             "a: 'x\n  # caf\xc3\xa9\n  y'\n",  //
             "a: >\n  x\n  # caf\xc3\xa9\n",    //
             "a: 1",                            // no final line break
             "---\na: 1\n",                     // document marker
             "a: 1\n---\nb: 2\n",               //
             "%YAML 1.2\n---\na: 1\n",          // directive
             "- a\n- b\n",                      // a sequence at the top
             "x\n",                             // a scalar at the top
             "",                                // nothing
             "# only a comment\n",              //
             "a: b: c\n",                       // a mapping yaml-cpp refuses
             "a: x\n  y: z\n",                  //
             "a:\n  b: 1\n c: 2\n",             // indentation between levels
             "a: 'x\n",                         // unclosed quote
             "a: 'x' y\n",                      // text after a quote
             "a: 'x\n\n  '\n",                  // closing quote first on its line
             "? a\n: b\n",                      // complex key
             "\"a\": 1\n",                      // quoted key
             "a b: 1\n",                        // key that is not a name
             long_key,
         }) {
      const Outcome o = compare(text);
      INFO(text);
      CHECK_FALSE(o.read);
      CHECK(o.same);
    }
  }

  TEST_CASE("the block-style YAML reader reads flow collections and simple block scalars as yaml-cpp does") {
    for (const std::string& text : std::vector<std::string>{
             "a: [1, 2]\n",
             "a: {b: 1}\n",
             "a: []\nb: {}\n",
             "a: [x, [y, z], {k: v, l: [1]}]\n",
             "a: [United States, -0.5, +1, .inf, null, Null]\n",
             "a: [eu_member_states, nato_members,\n    g7,\n  five_eyes]\n",
             "a: {\n  b: 1,\n  c: 2}\n",
             "l:\n- [1, 2]\n- {a: b}\n",
             "a: {null: 1, Null: [NULL, x - y, a -b]}\n",
             "a: |\n  x\n  y\n",
             "# caf\xc3\xa9\na: 1\n  # \xc2\xa7 7.9\n",
             "a: >\n  x # not a comment\n  y: 'z'\nb: 1\n",
             "a:\n  b: >\n    folded\n    text\n  c: 1\n",
             "s:\n  - >\n    in a list\n  - [a]\n",
             // a flow collection alone on the next line (resolved scenarios)
             "a:\n  []\nb: 1\n",
             "a:\n    [x, y]\n",
             "a: # c\n\n  {k: v,\n   l: [1]}\nb:\n  - x\n",
             "p:\n  - id: us\n    reactions:\n      []\n  - id: cn\n    reactions:\n      []\nt:\n  []\n",
             "l:\n  -\n    [1, 2]\n  - {}\n",
             "a:\n  [1,\n  2]\n",
         }) {
      const Outcome o = compare(text);
      INFO(text, "\n--- block reader:\n", o.fast, "--- yaml-cpp:\n", o.ref);
      CHECK(o.read);
      CHECK(o.same);
    }
  }

  TEST_CASE("the block-style YAML reader and yaml-cpp agree on mutated copies of the groups file and a sample") {
    // Each mutant: a window of lines of the world's groups file or of
    // the sample with 1–4 edits (characters that matter to YAML, spaces,
    // indentation, empty lines). Whatever the reader reads, yaml-cpp reads
    // the same way; both outcomes must occur often.
    const std::vector<std::string> seeds = {read_text(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/world/groups.yaml"),
                                            read_text(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/base.yaml"),
                                            read_text(fs::path(BLOCSIM_SOURCE_DIR) / "scenarios/minimal.yaml"),
                                            read_sample()};
    const std::string alphabet = " \n:-#'\"abcXYZ019_./,[]{}&*!|>?%@`\\";
    std::mt19937_64 rng(20261205);
    int read = 0, declined = 0;
    const int n = 3000;
    for (int k = 0; k < n; ++k) {
      std::string t = seeds[rng() % seeds.size()];
      if (rng() % 4 != 0) {  // a window of lines
        std::size_t a = t.rfind('\n', rng() % t.size());
        a = a == std::string::npos ? 0 : a + 1;
        const std::size_t b = t.find('\n', std::min(t.size() - 1, a + 50 + rng() % 600));
        t = t.substr(a, (b == std::string::npos ? t.size() : b + 1) - a);
      }
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int j = 0; j < edits && !t.empty(); ++j) {
        const std::size_t p = rng() % t.size();
        switch (rng() % 6) {
          case 0:
            t.erase(p, 1);
            break;
          case 1:
            t.insert(p, 1, alphabet[rng() % alphabet.size()]);
            break;
          case 2:
            t[p] = alphabet[rng() % alphabet.size()];
            break;
          case 3:
            t.insert(p, std::string(1 + rng() % 3, ' '));
            break;
          case 4:
            if (const std::size_t q = t.find('\n', p); q != std::string::npos) t.insert(q + 1, "\n");
            break;
          default: {
            std::size_t q = t.rfind('\n', p);
            q = q == std::string::npos ? 0 : q + 1;
            t.insert(q, std::string(1 + rng() % 4, ' '));
          }
        }
      }
      const Outcome o = compare(t);
      (o.read ? read : declined) += 1;
      if (!o.same) {
        INFO("mutant ", k, ":\n", t, "\n--- block reader:\n", o.fast, "--- yaml-cpp:\n", o.ref);
        CHECK(o.same);
      }
    }
    CHECK(read > n / 10);
    CHECK(declined > n / 10);
  }
}
