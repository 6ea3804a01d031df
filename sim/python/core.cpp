// blocsim._core — the pybind11 extension behind the Python package `blocsim`
// (sim/python/blocsim/). Thin: it converts between blocsim_core and Python
// values; the documented API and the pandas DataFrames live in the package.
//
// Every function that runs the model releases the GIL while it runs (other
// Python threads keep going; OpenMP threads never touch Python objects).
// Errors: blocsim::ConfigError → blocsim.ConfigError (a ValueError carrying the
// same `file:line:col: key: message` text as the command line and a list of
// diagnostics), blocsim::RunError → blocsim.RunError (a RuntimeError).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "blocsim/engine/config.h"
#include "blocsim/io/data_dir.h"
#include "blocsim/io/error.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/sweep/sweep.h"
#include "blocsim/version.h"
#include "blocsim/engine/world.h"

namespace py = pybind11;
namespace fs = std::filesystem;
using namespace blocsim;

namespace {

// ---------------------------------------------------------------------------
// Collected run data (filled by the run_scenario hooks without the GIL)
// ---------------------------------------------------------------------------

struct CountryRows {
  std::vector<std::int64_t> tick;
  std::vector<std::string> date, iso3, alignment, standard;
  std::vector<double> capacity;
  std::vector<std::vector<double>> identity;  // [d][row]
  std::vector<std::vector<double>> utility;   // [b][row]
};

template <class T>
py::array_t<T> to_array(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

py::list to_str_list(const std::vector<std::string>& v) {
  py::list l(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) l[i] = py::str(v[i]);
  return l;
}

// Columns of one replicate's metrics table, as the timeseries DataFrame wants them.
py::dict metric_table(const MetricTable& t) {
  py::dict d;
  const std::size_t rows = t.rows.size();
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    py::array_t<double> a(static_cast<py::ssize_t>(rows));
    double* p = a.mutable_data();
    for (std::size_t r = 0; r < rows; ++r) p[r] = t.rows[r][c];
    d[py::str(t.columns[c])] = a;
  }
  return d;
}

// ---------------------------------------------------------------------------
// Functions exposed to Python
// ---------------------------------------------------------------------------

ScenarioConfig load(const std::string& path, const std::vector<std::string>& overrides) {
  return load_scenario(resolve_data_file(path), overrides);
}

ScenarioConfig with_overrides(const ScenarioConfig& cfg, const std::vector<std::string>& overrides) {
  ScenarioConfig c = cfg;
  apply_overrides(c, overrides);
  return c;
}

// Run R replicates into a run folder (exactly `blocsim run`) and return the
// same numbers in memory: {"timeseries": {...}, "countries": {...}, ...}.
py::dict run(const ScenarioConfig& cfg, int replicates, int threads, const std::string& out, bool overwrite) {
  if (replicates < 1) throw ConfigError(SourceLoc{"<python>", 0, 0}, "replicates", "must be at least 1");
  const auto R = static_cast<std::size_t>(replicates);
  std::vector<MetricTable> tables(R);
  std::vector<CountryRows> crow(R);
  RunOptions opt;
  opt.replicates = replicates;
  opt.threads = threads;
  opt.out = out;
  opt.overwrite = overwrite;
  const int D = static_cast<int>(cfg.dimensions.size());
  const int K = static_cast<int>(cfg.powers.size());
  opt.on_countries = [&](int r, const World& w) {
    CountryRows& c = crow[static_cast<std::size_t>(r)];
    if (c.identity.empty()) {
      c.identity.resize(static_cast<std::size_t>(D));
      c.utility.resize(static_cast<std::size_t>(K + 1));
    }
    const std::string date = tick_date(cfg.calendar, w.tick);
    for (std::int32_t i = 0; i < w.n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      c.tick.push_back(w.tick);
      c.date.push_back(date);
      c.iso3.push_back(country_id(w, i));
      c.alignment.push_back(bloc_label(w, w.alignment[u]));
      c.standard.push_back(standard_label(w, w.standard[u]));
      c.capacity.push_back(w.capacity(i));
      for (int d = 0; d < D; ++d) c.identity[static_cast<std::size_t>(d)].push_back(w.x(d, i));
      for (int b = 0; b <= K; ++b) c.utility[static_cast<std::size_t>(b)].push_back(w.utility(b, i));
    }
  };
  opt.on_replicate = [&](int r, const SimulateResult& res) { tables[static_cast<std::size_t>(r)] = res.metrics; };
  RunSummary summary;
  {
    py::gil_scoped_release release;
    summary = run_scenario(cfg, opt);
  }

  // timeseries: replicate, seed, tick, date, metrics...
  std::vector<std::int64_t> rep, tick;
  std::vector<std::uint64_t> seed;
  std::vector<std::string> date;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t t = 0; t < tables[r].rows.size(); ++t) {
      rep.push_back(static_cast<std::int64_t>(r));
      seed.push_back(summary.seeds[r]);
      tick.push_back(static_cast<std::int64_t>(t));
      date.push_back(tick_date(cfg.calendar, static_cast<int>(t)));
    }
  py::dict ts;
  ts["replicate"] = to_array(rep);
  ts["seed"] = to_array(seed);
  ts["tick"] = to_array(tick);
  ts["date"] = to_str_list(date);
  for (std::size_t c = 0; c < summary.columns.size(); ++c) {
    std::vector<double> v;
    v.reserve(rep.size());
    for (std::size_t r = 0; r < R; ++r)
      for (const auto& row : tables[r].rows) v.push_back(row[c]);
    ts[py::str(summary.columns[c])] = to_array(v);
  }

  // countries: replicate, tick, date, iso3, alignment, standard, capacity, <dims>, utility_<bloc>
  py::dict co;
  if (cfg.outputs.countries) {
    std::vector<std::int64_t> crep, ctick;
    std::vector<std::string> cdate, iso3, align, stdd;
    std::vector<double> cap;
    std::vector<std::vector<double>> ident(static_cast<std::size_t>(D)), util(static_cast<std::size_t>(K + 1));
    for (std::size_t r = 0; r < R; ++r) {
      const CountryRows& c = crow[r];
      crep.insert(crep.end(), c.tick.size(), static_cast<std::int64_t>(r));
      ctick.insert(ctick.end(), c.tick.begin(), c.tick.end());
      cdate.insert(cdate.end(), c.date.begin(), c.date.end());
      iso3.insert(iso3.end(), c.iso3.begin(), c.iso3.end());
      align.insert(align.end(), c.alignment.begin(), c.alignment.end());
      stdd.insert(stdd.end(), c.standard.begin(), c.standard.end());
      cap.insert(cap.end(), c.capacity.begin(), c.capacity.end());
      for (std::size_t d = 0; d < c.identity.size(); ++d)
        ident[d].insert(ident[d].end(), c.identity[d].begin(), c.identity[d].end());
      for (std::size_t b = 0; b < c.utility.size(); ++b)
        util[b].insert(util[b].end(), c.utility[b].begin(), c.utility[b].end());
    }
    co["replicate"] = to_array(crep);
    co["tick"] = to_array(ctick);
    co["date"] = to_str_list(cdate);
    co["iso3"] = to_str_list(iso3);
    co["alignment"] = to_str_list(align);
    co["standard"] = to_str_list(stdd);
    co["capacity"] = to_array(cap);
    for (int d = 0; d < D; ++d) co[py::str(cfg.dimensions[static_cast<std::size_t>(d)])] = to_array(ident[static_cast<std::size_t>(d)]);
    co["utility_nonaligned"] = to_array(util[0]);
    for (int k = 0; k < K; ++k)
      co[py::str("utility_" + cfg.powers[static_cast<std::size_t>(k)].id)] = to_array(util[static_cast<std::size_t>(k + 1)]);
  }
  py::dict res;
  res["timeseries"] = ts;
  res["countries"] = co;
  res["seeds"] = summary.seeds;
  res["out"] = summary.out.string();
  res["seconds"] = summary.seconds;
  return res;
}

// Replicates in memory only (no files): one metrics table per seed, run in
// parallel over seeds (one thread each), as `blocsim run` does for small worlds.
// The seeds share the tick-0 world (issue 14: one WorldCache per call, so a
// data world is constructed and settled once and copied for the other seeds,
// bit-identical to building it for each). With `world_stats` (for tests) the
// result is (tables, {constructions, equilibria, copies}) of that cache.
py::object simulate_seeds(const ScenarioConfig& cfg, const std::vector<std::uint64_t>& seeds, int threads,
                          bool world_stats) {
  std::vector<MetricTable> tables(seeds.size());
  std::vector<std::string> errors(seeds.size());
  WorldCache worlds;
  {
    py::gil_scoped_release release;
    if (threads > 0) set_threads(threads);
    // groups of up to kSumsBatch seeds in lockstep (simulate_batch: the
    // same tables as simulate() for each), while every thread gets a group
    const auto n = static_cast<std::int64_t>(seeds.size());
    const std::int64_t G = lockstep_group(n, max_threads());
    const std::int64_t groups = (n + G - 1) / G;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) if (groups > 1)
#endif
    for (std::int64_t g = 0; g < groups; ++g) {
      std::vector<BatchRun> runs;
      for (std::int64_t i = g * G; i < std::min(n, (g + 1) * G); ++i) runs.push_back({&cfg, seeds[static_cast<std::size_t>(i)]});
      std::vector<BatchOutcome> outcomes = simulate_batch(runs, &worlds, false);
      for (std::size_t k = 0; k < outcomes.size(); ++k) {
        const std::size_t i = static_cast<std::size_t>(g * G) + k;
        try {
          if (outcomes[k].error) std::rethrow_exception(outcomes[k].error);
          tables[i] = std::move(outcomes[k].result.metrics);
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      }
    }
  }
  for (std::size_t i = 0; i < seeds.size(); ++i)
    if (!errors[i].empty()) throw RunError("seed " + std::to_string(seeds[i]) + ": " + errors[i]);
  py::list out;
  for (const auto& t : tables) out.append(metric_table(t));
  if (!world_stats) return out;
  py::dict stats;
  stats["constructions"] = worlds.constructions();
  stats["equilibria"] = worlds.builds();
  stats["copies"] = worlds.copies();
  return py::make_tuple(out, stats);
}

template <class Owner>
void add_params(py::list& out, const char* section, std::span<const ParamSpec<Owner>> specs) {
  for (const auto& p : specs) {
    py::dict d;
    d["section"] = section;
    d["key"] = std::string(p.key);
    d["default"] = p.default_value;
    d["min"] = p.min;
    d["max"] = p.max;
    d["unit"] = std::string(p.unit);
    d["group"] = std::string(p.group);
    d["meaning"] = std::string(p.meaning);
    d["source"] = param_source(p, section);  // where the default comes from (as `blocsim params`)
    out.append(d);
  }
}

py::list params() {
  py::list out;
  add_params(out, "model", model_params());
  add_params(out, "powers", power_params());
  add_params(out, "network", network_params());
  return out;
}

py::dict outcome_dict(const SweepOutcome& r) {
  py::dict d;
  d["out"] = r.out.string();
  d["runs"] = r.runs;
  d["executed"] = r.executed;
  d["skipped"] = r.skipped;
  d["failed"] = r.failed;
  d["complete"] = r.complete;
  d["seconds"] = r.seconds;
  return d;
}

py::dict sweep(const std::string& file, const std::string& out, int jobs, const std::string& shard, bool fresh,
               bool overwrite, bool quiet, bool retry_failed) {
  SweepOutcome r;
  {
    py::gil_scoped_release release;
    if (jobs > 0) set_threads(jobs);
    const SweepSetup setup = load_sweep(resolve_data_file(file));
    SweepOptions opt;
    opt.out = out;
    opt.jobs = jobs;
    opt.fresh = fresh;
    opt.overwrite = overwrite;
    opt.quiet = quiet;
    opt.retry_failed = retry_failed;
    if (!shard.empty()) opt.shard = parse_shard(shard);
    r = run_sweep(setup, opt);
  }
  return outcome_dict(r);
}

py::dict sweep_merge(const std::vector<std::string>& dirs, const std::string& out) {
  SweepOutcome r;
  {
    py::gil_scoped_release release;
    std::vector<fs::path> d(dirs.begin(), dirs.end());
    r = merge_sweeps(d, out.empty() ? d.front() : fs::path(out));
  }
  return outcome_dict(r);
}

std::string sobol(const std::string& dir, int bootstrap, std::uint64_t seed) {
  py::gil_scoped_release release;
  return sweep_sobol(dir, bootstrap, seed);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "BlocSim engine bindings (use the `blocsim` package, not this module directly).";
  m.attr("__version__") = kVersion;
  m.attr("git_sha") = kGitSha;
  m.attr("compiler") = kCompiler;
  m.attr("build_type") = kBuildType;
  m.attr("PY_TO_DATA") = BLOCSIM_PY_TO_DATA;

  // Exceptions: the classes are defined in blocsim/errors.py (pure Python, so
  // they can carry diagnostics); imported when first needed.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      py::module_ errors = py::module_::import("blocsim.errors");
      py::list diags;
      for (const Diagnostic& d : e.diagnostics())
        diags.append(py::make_tuple(d.loc.file, d.loc.line, d.loc.column, d.key, d.message));
      py::object exc = errors.attr("ConfigError")(std::string(e.what()), diags);
      PyErr_SetObject(errors.attr("ConfigError").ptr(), exc.ptr());
    } catch (const RunError& e) {
      py::module_ errors = py::module_::import("blocsim.errors");
      PyErr_SetString(errors.attr("RunError").ptr(), e.what());
    }
  });

  m.def("register_data_dir", [](const std::string& d) { register_data_dir(d); });
  m.def("data_dir", [] { return data_dir().string(); });
  m.def("resolve_data_file", [](const std::string& p) { return resolve_data_file(p).string(); });

  py::class_<ScenarioConfig>(m, "ScenarioConfig")
      .def_readonly("name", &ScenarioConfig::name)
      .def_readonly("description", &ScenarioConfig::description)
      .def_readonly("ticks", &ScenarioConfig::ticks)
      .def_readonly("seed", &ScenarioConfig::seed)
      .def_readonly("dimensions", &ScenarioConfig::dimensions)
      .def_readonly("overrides", &ScenarioConfig::overrides)
      .def_property_readonly("path", [](const ScenarioConfig& c) { return c.path; })
      .def_property_readonly("powers", [](const ScenarioConfig& c) {
        std::vector<std::string> ids;
        for (const auto& p : c.powers) ids.push_back(p.id);
        return ids;
      })
      .def_property_readonly("countries", [](const ScenarioConfig& c) { return country_count(c); })
      .def_property_readonly("start", [](const ScenarioConfig& c) { return tick_date(c.calendar, 0); })
      .def_property_readonly("end", [](const ScenarioConfig& c) { return tick_date(c.calendar, c.ticks); })
      .def_property_readonly("events", [](const ScenarioConfig& c) { return c.timeline.size(); })
      .def("get", [](const ScenarioConfig& c, const std::string& path) { return get_param(c, path); })
      .def("param_paths", [](const ScenarioConfig& c) { return param_paths(c); })
      .def("resolved_yaml", [](const ScenarioConfig& c) { return resolved_yaml(c); });

  m.def("load_scenario", &load, py::arg("path"), py::arg("overrides") = std::vector<std::string>{});
  m.def("with_overrides", &with_overrides, py::arg("cfg"), py::arg("overrides"));
  m.def("run", &run, py::arg("cfg"), py::arg("replicates"), py::arg("threads"), py::arg("out"), py::arg("overwrite"));
  m.def("simulate_seeds", &simulate_seeds, py::arg("cfg"), py::arg("seeds"), py::arg("threads") = 0,
        py::arg("world_stats") = false);
  m.def("metric_columns", [](const ScenarioConfig& c) {
    std::vector<std::string> ids;
    for (const auto& p : c.powers) ids.push_back(p.id);
    return metric_columns(ids);
  });
  m.def("replicate_seed", &replicate_seed, py::arg("root"), py::arg("replicate"));
  m.def("params", &params);
  m.def("parameter_reference_markdown", &parameter_reference_markdown);
  m.def("sweep", &sweep, py::arg("file"), py::arg("out"), py::arg("jobs"), py::arg("shard"), py::arg("fresh"),
        py::arg("overwrite"), py::arg("quiet"), py::arg("retry_failed") = false);
  m.def("sweep_status", [](const std::string& dir) {
    const SweepStatus st = sweep_status(dir);
    py::dict d;
    d["dir"] = st.dir.string();
    d["runs"] = st.runs;
    d["ok"] = st.ok;
    d["failed"] = st.failed;
    d["missing"] = st.missing;
    d["finalized"] = st.finalized;
    d["failed_runs"] = st.failed_runs;
    d["failed_errors"] = st.failed_errors;
    d["shards_to_rerun"] = st.shards_to_rerun();
    py::list shards;
    for (const auto& s : st.shards)
      shards.append(py::dict(py::arg("shard") = std::to_string(s.shard.index) + "/" + std::to_string(s.shard.count),
                             py::arg("runs") = s.runs, py::arg("done") = s.ok, py::arg("failed") = s.failed,
                             py::arg("missing") = s.missing, py::arg("started") = s.has_manifest));
    d["shards"] = shards;
    d["report"] = st.report();
    return d;
  });
  m.def("sweep_merge", &sweep_merge, py::arg("dirs"), py::arg("out"));
  m.def("sweep_sobol", &sobol, py::arg("dir"), py::arg("bootstrap"), py::arg("seed"));
  m.def("max_threads", &max_threads);
}
