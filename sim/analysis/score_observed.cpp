// The observed-alignment file of `blocsim score` (include/blocsim/analysis/score.h):
// 3-class lists (`blocs:`) or a binary / one-sided list (`list:`), validated
// strictly — every problem reported together as file:line:col: key: message.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>

#include "blocsim/analysis/score.h"
#include "io/yaml_guard.h"

namespace blocsim::score {

namespace fs = std::filesystem;

namespace {

SourceLoc loc_of(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  SourceLoc l;
  l.file = file;
  if (m.line >= 0) {
    l.line = m.line + 1;
    l.column = m.column + 1;
  }
  return l;
}

bool is_iso3(const std::string& s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_label(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

Observed load_observed(const fs::path& path) {
  Observed o;
  o.path = path.string();
  std::vector<Diagnostic> diags;
  auto err = [&](SourceLoc l, std::string key, std::string msg) { diags.push_back({std::move(l), std::move(key), std::move(msg)}); };
  if (!std::ifstream(path)) throw ConfigError(SourceLoc{o.path, 0, 0}, "", "cannot open observed file");
  // One document, no duplicate keys, aliases and sizes bounded (yaml_guard.h).
  const YAML::Node root = parse_yaml_checked(read_input_file(path), o.path);
  const SourceLoc root_loc{o.path, 1, 1};
  if (!root.IsMap()) throw ConfigError(root.IsNull() ? root_loc : loc_of(o.path, root), "", "expected a map with key 'blocs'");
  const std::vector<std::string> keys = {"what", "date", "source", "blocs", "list", "exclude"};
  YAML::Node blocs, list, exclude;
  bool have_blocs = false, have_list = false;
  for (const auto& kv : root) {
    const YAML::Node key = kv.first, v = kv.second;
    const SourceLoc kl = loc_of(o.path, key);
    if (!key.IsScalar()) {
      err(kl, "", "keys must be scalars");
      continue;
    }
    const std::string k = key.Scalar();
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
      const std::string h = did_you_mean(k, keys);
      err(kl, k, "unknown key '" + k + "'" + (h.empty() ? "" : " (did you mean '" + h + "'?)") +
                     "; allowed: what, date, source, blocs, list, exclude");
      continue;
    }
    if (k == "blocs") {
      blocs.reset(v);
      have_blocs = true;
      continue;
    }
    if (k == "list") {
      list.reset(v);
      have_list = true;
      continue;
    }
    if (k == "exclude") {
      exclude.reset(v);
      o.exclude_given = true;
      continue;
    }
    if (!v.IsScalar()) {
      err(loc_of(o.path, v), k, "expected a scalar");
      continue;
    }
    if (k == "what") {
      o.what = v.Scalar();
      if (o.what != "alignment" && o.what != "standard")
        err(loc_of(o.path, v), k, "expected 'alignment' or 'standard', got '" + o.what + "'");
    } else if (k == "date") {
      o.date = v.Scalar();
      o.date_loc = loc_of(o.path, v);
      const bool ok = o.date.size() == 7 && o.date[4] == '-' &&
                      std::all_of(o.date.begin(), o.date.begin() + 4, ::isdigit) && ::isdigit(o.date[5]) &&
                      ::isdigit(o.date[6]) && std::stoi(o.date.substr(5)) >= 1 && std::stoi(o.date.substr(5)) <= 12;
      if (!ok) err(o.date_loc, k, "expected a date YYYY-MM, got '" + o.date + "'");
    } else {
      o.source = v.Scalar();
    }
  }
  std::map<std::string, SourceLoc> seen;
  // A list of ISO3 codes: each valid, new code is handed to `take`.
  auto iso_list = [&](const YAML::Node& l, const std::string& key, const std::function<void(const std::string&, SourceLoc)>& take) {
    if (l.IsNull()) return;
    if (!l.IsSequence()) {
      err(loc_of(o.path, l), key, "expected a list of ISO3 codes");
      return;
    }
    for (std::size_t j = 0; j < l.size(); ++j) {
      const YAML::Node c = l[j];
      const SourceLoc cl = loc_of(o.path, c);
      const std::string ck = key + "[" + std::to_string(j) + "]";
      if (!c.IsScalar() || !is_iso3(c.Scalar())) {
        err(cl, ck, "expected an ISO3 code (3 upper-case letters), got '" + (c.IsScalar() ? c.Scalar() : std::string("<non-scalar>")) + "'");
        continue;
      }
      const std::string iso = c.Scalar();
      if (auto s = seen.find(iso); s != seen.end()) {
        err(cl, ck, iso + " is listed twice (first at line " + std::to_string(s->second.line) + ")");
        continue;
      }
      seen.emplace(iso, cl);
      take(iso, cl);
    }
  };
  if (have_blocs && have_list) {
    err(loc_of(o.path, list), "list", "give either 'blocs' (classes) or 'list' (members vs the rest), not both");
  } else if (have_list) {
    o.is_list = true;
    if (!list.IsMap()) {
      err(loc_of(o.path, list), "list", "expected a map with keys bloc, members and optionally nonmembers");
    } else {
      const std::vector<std::string> lkeys = {"bloc", "members", "nonmembers"};
      bool have_bloc = false, have_members = false;
      YAML::Node members, nonmembers;
      for (const auto& kv : list) {
        const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
        const SourceLoc kl = loc_of(o.path, kv.first);
        if (std::find(lkeys.begin(), lkeys.end(), k) == lkeys.end()) {
          const std::string h = did_you_mean(k, lkeys);
          err(kl, "list." + k, "unknown key '" + k + "'" + (h.empty() ? "" : " (did you mean '" + h + "'?)") +
                                   "; allowed: bloc, members, nonmembers");
        } else if (k == "bloc") {
          have_bloc = true;
          o.list_bloc_loc = loc_of(o.path, kv.second);
          if (!kv.second.IsScalar() || !is_label(kv.second.Scalar()))
            err(o.list_bloc_loc, "list.bloc", "expected a lower-case bloc label (e.g. us, cn, nonaligned)");
          else
            o.list_bloc = kv.second.Scalar();
        } else if (k == "members") {
          have_members = true;
          members.reset(kv.second);
        } else {
          nonmembers.reset(kv.second);
        }
      }
      o.one_sided = !nonmembers.IsDefined() || nonmembers.IsNull();
      if (!have_bloc) err(loc_of(o.path, list), "list.bloc", "missing required key 'bloc' (the label members hold)");
      if (!have_members) err(loc_of(o.path, list), "list.members", "missing required key 'members' (a list of ISO3 codes)");
      o.labels = {"other", o.list_bloc};
      o.label_loc = {o.list_bloc_loc, o.list_bloc_loc};
      if (have_members)
        iso_list(members, "list.members", [&](const std::string& iso, SourceLoc cl) {
          o.iso3.push_back(iso);
          o.label.push_back(1);
          o.loc.push_back(cl);
        });
      if (nonmembers.IsDefined())
        iso_list(nonmembers, "list.nonmembers", [&](const std::string& iso, SourceLoc cl) {
          o.iso3.push_back(iso);
          o.label.push_back(0);
          o.loc.push_back(cl);
        });
      if (have_members && std::count(o.label.begin(), o.label.end(), 1) == 0)
        err(loc_of(o.path, members), "list.members", "no members listed");
    }
  } else if (!have_blocs) {
    err(root_loc, "blocs", "missing required key 'blocs' (a map: label -> list of ISO3 codes) or 'list'");
  } else if (!blocs.IsMap()) {
    err(loc_of(o.path, blocs), "blocs", "expected a map: label -> list of ISO3 codes");
  } else {
    for (const auto& kv : blocs) {
      const YAML::Node lnode = kv.first, blist = kv.second;
      const SourceLoc kl = loc_of(o.path, lnode);
      const std::string label = lnode.IsScalar() ? lnode.Scalar() : "";
      if (!is_label(label)) {
        err(kl, "blocs", "bloc label must be a lower-case id (e.g. us, cn, nonaligned), got '" + label + "'");
        continue;
      }
      const std::string key = "blocs." + label;
      const int li = static_cast<int>(o.labels.size());
      o.labels.push_back(label);
      o.label_loc.push_back(kl);
      iso_list(blist, key, [&](const std::string& iso, SourceLoc cl) {
        o.iso3.push_back(iso);
        o.label.push_back(li);
        o.loc.push_back(cl);
      });
    }
    if (o.labels.empty()) err(loc_of(o.path, blocs), "blocs", "no blocs listed");
    else if (o.iso3.empty()) err(loc_of(o.path, blocs), "blocs", "no countries listed");
  }
  // exclude: ISO3 codes not scored (they may also be listed; they are then dropped)
  if (o.exclude_given) {
    if (exclude.IsNull()) {
    } else if (!exclude.IsSequence()) {
      err(loc_of(o.path, exclude), "exclude", "expected a list of ISO3 codes");
    } else {
      for (std::size_t j = 0; j < exclude.size(); ++j) {
        const YAML::Node c = exclude[j];
        if (!c.IsScalar() || !is_iso3(c.Scalar())) {
          err(loc_of(o.path, c), "exclude[" + std::to_string(j) + "]", "expected an ISO3 code (3 upper-case letters)");
          continue;
        }
        o.exclude.push_back(c.Scalar());
        o.exclude_loc.push_back(loc_of(o.path, c));
      }
    }
  }
  if (!diags.empty()) throw ConfigError(std::move(diags));
  return o;
}


}  // namespace blocsim::score
