"""The Python module against the command line and the CSV files (issue 13).

The DataFrames of blocsim.run are built in memory from the doubles the run
folder is written from; these tests read the CSV files back with a
round-trip-exact parser and require every value to be the same double (bit
pattern), every string and integer equal, and the CSV bytes to equal those
`blocsim run` writes for the same scenario, seed and overrides."""
import os
import re
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import blocsim


def read_csv(path):
    return pd.read_csv(path, float_precision="round_trip", keep_default_na=False,
                       na_values=["nan"])


def assert_bit_identical(df: pd.DataFrame, csv: pd.DataFrame):
    assert list(df.columns) == list(csv.columns)
    assert len(df) == len(csv)
    for c in df.columns:
        a, b = df[c].to_numpy(), csv[c].to_numpy()
        if df[c].dtype == np.float64:
            # pandas infers int64 for an all-integer column ("1"): same numbers
            assert np.array_equal(a.view(np.uint64), b.astype(np.float64).view(np.uint64)), f"column {c} differs"
        elif df[c].dtype == object:
            assert [str(x) for x in a] == [str(x) for x in b], f"column {c} differs"
        else:  # integers (seed is uint64: compare as Python ints)
            assert [int(x) for x in a] == [int(x) for x in b], f"column {c} differs"


@pytest.mark.parametrize("scenario,kw,cli_args", [
    ("scenarios/minimal.yaml", dict(seed=7, replicates=3, set={"model.beta_peer": 1.0}),
     ["--seed", "7", "-r", "3", "--set", "model.beta_peer=1.0"]),
    ("scenarios/baseline.yaml", dict(replicates=2, ticks=6), ["-r", "2", "--ticks", "6"]),
])
def test_dataframes_equal_csv_and_cli(tmp_path, root, run_cli, scenario, kw, cli_args):
    r = blocsim.run(root / scenario, out=tmp_path / "py", **kw)
    assert r.path == tmp_path / "py"
    ts, co = read_csv(r.path / "timeseries.csv"), read_csv(r.path / "countries.csv")
    assert_bit_identical(r.timeseries, ts)
    assert_bit_identical(r.countries, co)
    assert len(r.countries) > 0 and r.countries["iso3"].nunique() >= 12
    # the same bytes as the command line
    run_cli("run", root / scenario, *cli_args, "--out", tmp_path / "cli", "-q")
    for f in ["timeseries.csv", "countries.csv", "events.csv", "scenario.resolved.yaml"]:
        assert (r.path / f).read_bytes() == (tmp_path / "cli" / f).read_bytes(), f
    assert r.metadata["seeds"] == r.seeds
    assert r.metadata["replicates"] == kw["replicates"]


def test_temporary_run_is_removed_and_same_numbers(tmp_path, root):
    a = blocsim.run(root / "scenarios/minimal.yaml", replicates=2)
    assert a.path is None and a.timeseries.shape == (2 * 13, a.timeseries.shape[1])
    b = blocsim.run(root / "scenarios/minimal.yaml", replicates=2, out=tmp_path / "r")
    assert_bit_identical(a.timeseries, b.timeseries)
    assert not list(Path(tmp_path).glob(".*tmp*"))


def test_shipped_scenario_by_name_from_any_folder(tmp_path):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        r = blocsim.run("minimal.yaml")
        assert r.scenario == "minimal" and r.timeseries.shape[0] == 13
    finally:
        os.chdir(cwd)


def test_validate_raises_config_error_with_cli_message(root, run_cli):
    bad = root / "tests/data/bad/bad_event_late.yaml"
    with pytest.raises(blocsim.ConfigError) as e:
        blocsim.validate(bad)
    p = run_cli("validate", bad, check=False)
    assert p.returncode == 2
    cli_lines = [l for l in p.stderr.splitlines() if not l.startswith("blocsim:")]
    assert str(e.value).splitlines() == cli_lines
    d = e.value.diagnostics[0]
    assert (d.line, d.column, d.key) == (6, 11, "timeline[1].tick")
    assert re.match(r".*bad_event_late\.yaml:6:11: timeline\[1\]\.tick: ", str(e.value))
    assert isinstance(e.value, ValueError)
    ok = blocsim.validate(root / "scenarios/baseline.yaml")
    assert ok.name == "baseline" and ok.countries == 194 and ok.powers[:2] == ["us", "cn"]


def test_bad_override_is_config_error(root):
    with pytest.raises(blocsim.ConfigError, match="model.muu"):
        blocsim.run(root / "scenarios/minimal.yaml", set={"model.muu": 0.1})
    with pytest.raises(blocsim.ConfigError):
        blocsim.run(root / "scenarios/minimal.yaml", set={"model.mu": -5})


def test_params_match_the_cli_reference(run_cli):
    p = blocsim.params()
    ref = run_cli("params").stdout
    assert len(p) > 20
    assert set(p["section"]) == {"model", "powers", "network"}
    for key in p["key"]:
        assert f"`{key}`" in ref or key in ref, key
    mu = p[(p.section == "model") & (p.key == "mu")].iloc[0]
    assert mu["min"] <= mu["default"] <= mu["max"]
    # every default names its source, with the same text as `blocsim params`
    assert p["source"].str.len().min() > 0
    assert mu["source"].startswith("set by hand") and "posterior median" in mu["source"]
    assert mu["source"] in ref


def test_version_agrees_with_cli_and_cmake(run_cli, root):
    v = run_cli("--version").stdout.split()[1]
    assert blocsim.__version__ == v
    cmake = re.search(r"project\(blocsim VERSION ([0-9.]+)", (root / "CMakeLists.txt").read_text()).group(1)
    assert v == cmake


def test_model_callable_matches_run(root):
    m = blocsim.Model(root / "scenarios/minimal.yaml", outcomes=["bloc_gdp_us", "fragmentation"], replicates=3)
    out = m(**{"model.beta_peer": 1.0})
    alias = m(model__beta_peer=1.0)
    assert out == alias
    r = blocsim.run(root / "scenarios/minimal.yaml", replicates=3, set={"model.beta_peer": 1.0})
    last = r.timeseries[r.timeseries.tick == 12]
    for o in m.outcomes:
        assert out[o] == float(np.mean(list(last[o])))
    assert m(**{"model.beta_peer": 0.0}) != out   # the parameter matters
    series = blocsim.Model(root / "scenarios/minimal.yaml", outcomes=["fragmentation"], series=True)()
    assert series["fragmentation"].shape == (13,)
    Y = m.evaluate(np.array([[1.0], [0.0]]), ["model.beta_peer"], "fragmentation")
    assert Y[0] == out["fragmentation"]
    with pytest.raises(blocsim.ConfigError):
        blocsim.Model(root / "scenarios/minimal.yaml", outcomes=["no_such_metric"])
    with pytest.raises(blocsim.ConfigError):
        m(**{"powers.us.open_modelz": 0.6})


def test_seeds_share_one_tick0_world(root):
    """Issue 14: the seeds of one call are run from one tick-0 world (one
    construction, one equilibrium, copies for the others), and each table is
    the one a call with that seed alone gives."""
    from blocsim import _core
    cfg = blocsim.load(root / "scenarios/minimal.yaml")
    seeds = [11, 12, 13, 14, 15]
    tables, stats = _core.simulate_seeds(cfg, seeds, 2, world_stats=True)
    assert stats == {"constructions": 1, "equilibria": 1, "copies": len(seeds) - 1}
    for seed, table in zip(seeds, tables):
        alone, alone_stats = _core.simulate_seeds(cfg, [seed], 1, world_stats=True)
        assert alone_stats == {"constructions": 1, "equilibria": 1, "copies": 0}
        assert table.keys() == alone[0].keys()
        for k in table:
            assert np.asarray(table[k]).tobytes() == np.asarray(alone[0][k]).tobytes(), k


def test_runs_release_the_gil(root):
    """While a model run executes in a thread, the main thread keeps running
    Python code. If the GIL were held, no main-thread iteration could fall
    strictly inside the run's time window."""
    cfg = blocsim.load(root / "scenarios/baseline.yaml")
    from blocsim import _core
    window = {}

    def work():
        window["t0"] = time.perf_counter()
        _core.simulate_seeds(cfg, list(range(1, 41)), 1)
        window["t1"] = time.perf_counter()

    t = threading.Thread(target=work)
    stamps = []
    t.start()
    while t.is_alive():
        stamps.append(time.perf_counter())
    t.join()
    t0, t1 = window["t0"], window["t1"]
    assert t1 - t0 > 0.03, "run too short to test"
    inside = [s for s in stamps if t0 + 0.005 < s < t1 - 0.005]
    assert len(inside) > 100


def test_sweep_same_bytes_as_cli(tmp_path, root, run_cli):
    s = blocsim.sweep(root / "tests/data/sweeps/small.yaml", out=tmp_path / "py", jobs=2)
    assert s.complete and s.planned == 24 and s.failed == 0
    assert len(s.runs) == 24 and len(s.points) == 6
    run_cli("sweep", root / "tests/data/sweeps/small.yaml", "--out", tmp_path / "cli", "-q")
    for f in ["runs.csv", "points.csv", "timeseries.csv"]:
        assert (s.path / f).read_bytes() == (tmp_path / "cli" / f).read_bytes(), f
    # shards through Python, merged, give the same bytes
    for i in range(3):
        part = blocsim.sweep(root / "tests/data/sweeps/small.yaml", out=tmp_path / "sh", shard=f"{i}/3")
        assert not part.complete
    m = blocsim.sweep_merge(tmp_path / "sh")
    assert m.complete
    assert (tmp_path / "sh" / "runs.csv").read_bytes() == (tmp_path / "cli" / "runs.csv").read_bytes()
