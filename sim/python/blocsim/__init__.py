"""BlocSim from Python: run scenarios and sweeps, get pandas DataFrames.

    >>> import blocsim
    >>> r = blocsim.run("scenarios/minimal.yaml", seed=7, replicates=4,
    ...                 set={"model.beta_peer": 1.0})
    >>> r.timeseries.shape, r.countries.shape
    >>> blocsim.validate("scenarios/my_variant.yaml")    # raises blocsim.ConfigError
    >>> blocsim.params()                                 # the parameter reference
    >>> s = blocsim.sweep("scenarios/sweeps/strictness_openness.yaml", out="results/sweeps/so")
    >>> model = blocsim.Model("scenarios/baseline.yaml", outcomes=["bloc_gdp_us", "fragmentation"])
    >>> model(**{"powers.us.open_models": 0.6})          # EMA Workbench / SALib style

The numbers are those of the command line, bit for bit: ``run`` writes the
same run folder ``blocsim run`` writes (to ``out``, or to a temporary folder
that is removed) and its DataFrames hold the very doubles the CSV files were
written from. Scenario paths are taken as given, or, if they do not exist,
from the shipped scenario library (``blocsim.data_dir()``), so
``blocsim.run("baseline.yaml")`` works from any folder once installed.
The model runs release the GIL.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _core
from .errors import ConfigError, Diagnostic, RunError

__version__: str = _core.__version__
__all__ = [
    "run", "validate", "sweep", "sweep_merge", "sweep_status", "sweep_sobol", "params", "load", "Model", "Result",
    "SweepResult", "Scenario", "ConfigError", "RunError", "Diagnostic", "data_dir", "__version__",
]

# The installed data directory relative to this package (relocatable prefix);
# uninstalled builds fall back to the source checkout (see data_dir.h).
_core.register_data_dir(str((Path(__file__).resolve().parent / _core.PY_TO_DATA)))

PathLike = Union[str, os.PathLike]
Scenario = _core.ScenarioConfig


def data_dir() -> str:
    """The data directory in use (shipped scenarios and world data): ``$BLOCSIM_DATA_DIR``,
    else the installed ``<prefix>/share/blocsim``, else the source checkout."""
    return _core.data_dir()


def _override_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)  # shortest round-trip form: the same double as in Python
    return str(v)


def _overrides(set: Optional[Mapping[str, Any]] = None, seed: Optional[int] = None,
               ticks: Optional[int] = None) -> List[str]:
    out = [f"{k}={_override_value(v)}" for k, v in (set or {}).items()]
    if seed is not None:
        out.append(f"seed={int(seed)}")
    if ticks is not None:
        out.append(f"ticks={int(ticks)}")
    return out


def load(scenario: Union[PathLike, Scenario], set: Optional[Mapping[str, Any]] = None,
         seed: Optional[int] = None, ticks: Optional[int] = None) -> Scenario:
    """Load and validate a scenario (path or an already loaded one) with overrides
    (``set={"model.mu": 0.1}``, as ``--set``). Raises :class:`ConfigError`."""
    ov = _overrides(set, seed, ticks)
    if isinstance(scenario, Scenario):
        return _core.with_overrides(scenario, ov) if ov else scenario
    return _core.load_scenario(os.fspath(scenario), ov)


def validate(scenario: PathLike, set: Optional[Mapping[str, Any]] = None) -> Scenario:
    """Check a scenario as ``blocsim validate`` does. Returns the loaded scenario
    (``.name``, ``.countries``, ``.powers``, ``.ticks`` …); raises
    :class:`ConfigError` whose message is the same ``file:line:col: key: message`` text."""
    return load(scenario, set=set)


@dataclass
class Result:
    """One run of R replicates, as a run folder holds it.

    ``timeseries``: one row per replicate and tick (timeseries.csv);
    ``countries``: one row per replicate, recorded tick and country (countries.csv;
    empty if the scenario switches it off); ``metadata``: metadata.yaml as a dict
    (or its text if PyYAML is missing); ``path``: the run folder, or None if it
    was temporary."""

    scenario: str
    seeds: List[int]
    timeseries: "Any"
    countries: "Any"
    metadata: Any
    path: Optional[Path]
    seconds: float

    def final(self) -> "Any":
        """Mean over replicates of the last tick's metrics (the one-screen summary)."""
        ts = self.timeseries
        last = ts[ts["tick"] == ts["tick"].max()]
        return last.drop(columns=["replicate", "seed", "tick", "date"]).mean()


def _frame(columns: Mapping[str, Any]):
    import pandas as pd
    return pd.DataFrame(dict(columns))


def _read_metadata(folder: Path) -> Any:
    text = (folder / "metadata.yaml").read_text()
    try:
        import yaml
        return yaml.safe_load(text)
    except ImportError:  # pragma: no cover - PyYAML is a listed dependency
        return text


def run(scenario: Union[PathLike, Scenario], seed: Optional[int] = None, replicates: int = 1,
        set: Optional[Mapping[str, Any]] = None, ticks: Optional[int] = None,
        out: Optional[PathLike] = None, overwrite: bool = False, threads: int = 0) -> Result:
    """Run a scenario like ``blocsim run`` and return a :class:`Result` with pandas DataFrames.

    ``seed`` is the root seed (replicate 0 uses it as is), ``set`` overrides
    parameters (``{"model.mu": 0.1, "powers.us.open_models": 0.5}``), ``out`` keeps
    the run folder (default: a temporary folder, removed), ``threads`` sets the
    OpenMP thread count (0 = leave it). Raises :class:`ConfigError` / :class:`RunError`."""
    cfg = load(scenario, set=set, seed=seed, ticks=ticks)
    if out is not None:
        raw = _core.run(cfg, int(replicates), int(threads), os.fspath(out), bool(overwrite))
        folder: Optional[Path] = Path(raw["out"])
        meta = _read_metadata(folder)
    else:
        with tempfile.TemporaryDirectory(prefix="blocsim-run-") as tmp:
            raw = _core.run(cfg, int(replicates), int(threads), os.path.join(tmp, "run"), False)
            meta = _read_metadata(Path(raw["out"]))
        folder = None
    return Result(scenario=cfg.name, seeds=list(raw["seeds"]), timeseries=_frame(raw["timeseries"]),
                  countries=_frame(raw["countries"]), metadata=meta, path=folder, seconds=raw["seconds"])


def params():
    """The parameter reference (``blocsim params``) as a DataFrame: section, key,
    default, min, max, unit, group, meaning, source (where the default comes from:
    set by hand with its reason, or the calibration it was estimated by). Paths for ``set=`` are
    ``model.<key>``, ``powers.<id>.<key>``, ``network.<key>``."""
    return _frame({k: [p[k] for p in _core.params()] for k in
                   ["section", "key", "default", "min", "max", "unit", "group", "meaning", "source"]})


@dataclass
class SweepResult:
    """Outcome of :func:`sweep`. ``runs`` (runs.csv) and ``points`` (points.csv)
    are DataFrames once the sweep is complete (all shards merged), else None."""

    path: Path
    complete: bool
    planned: int
    executed: int
    skipped: int
    failed: int
    seconds: float
    runs: Any = None
    points: Any = None


def _sweep_result(d: Mapping[str, Any]) -> SweepResult:
    path = Path(d["out"])
    res = SweepResult(path=path, complete=bool(d["complete"]), planned=int(d["runs"]),
                      executed=int(d["executed"]), skipped=int(d["skipped"]), failed=int(d["failed"]),
                      seconds=float(d["seconds"]))
    if res.complete:
        import pandas as pd
        if (path / "runs.csv").exists():
            res.runs = pd.read_csv(path / "runs.csv", float_precision="round_trip")
        if (path / "points.csv").exists():
            res.points = pd.read_csv(path / "points.csv", float_precision="round_trip")
    return res


def sweep(sweep_file: PathLike, out: Optional[PathLike] = None, jobs: int = 0, shard: Optional[str] = None,
          fresh: bool = False, overwrite: bool = False, quiet: bool = True, retry_failed: bool = False) -> SweepResult:
    """Run (or resume) a sweep like ``blocsim sweep``: same folder, same bytes.
    ``shard="i/n"`` runs one shard (then :func:`sweep_merge`); ``retry_failed`` reruns
    runs recorded as failed."""
    return _sweep_result(_core.sweep(os.fspath(sweep_file), os.fspath(out) if out else "", int(jobs),
                                     shard or "", bool(fresh), bool(overwrite), bool(quiet), bool(retry_failed)))


def sweep_status(folder: PathLike) -> Dict[str, Any]:
    """``blocsim sweep status``: runs done / failed / missing overall and per shard
    (``shards``: list of dicts), ``failed_runs``, ``shards_to_rerun``, ``report`` (the text)."""
    return dict(_core.sweep_status(os.fspath(folder)))


def sweep_merge(dirs: Union[PathLike, Sequence[PathLike]], out: Optional[PathLike] = None) -> SweepResult:
    """Merge shard folders into the final result set (``blocsim sweep merge``)."""
    if isinstance(dirs, (str, os.PathLike)):
        dirs = [dirs]
    return _sweep_result(_core.sweep_merge([os.fspath(d) for d in dirs], os.fspath(out) if out else ""))


def sweep_sobol(folder: PathLike, bootstrap: int = 1000, seed: int = 1):
    """Sobol indices of a complete Saltelli sweep (writes sobol.csv); returns it as a DataFrame."""
    import pandas as pd
    _core.sweep_sobol(os.fspath(folder), int(bootstrap), int(seed))
    return pd.read_csv(Path(folder) / "sobol.csv", float_precision="round_trip")


class Model:
    """A scenario as a function of its parameters, for EMA Workbench, SALib or
    any optimiser: ``model(**params) -> {outcome: value}``.

    ``params`` keys are ``--set`` paths (``"powers.us.open_models"``); since those
    are not Python identifiers, ``__`` may stand for ``.`` (``powers__us__open_models=0.6``).
    Each call runs ``replicates`` replicates in memory (no files, GIL released,
    parallel over replicates) with the seeds ``blocsim run`` would use for the
    root ``seed``, and returns, per outcome metric, the mean over replicates of
    ``summary``: ``"final"`` (last tick), ``"mean"`` (mean over ticks 1..T), or a
    callable ``f(numpy array over ticks) -> float``. ``series=True`` returns the
    replicate-mean time series (numpy arrays, EMA's TimeSeriesOutcome) instead.

        model = blocsim.Model("scenarios/baseline.yaml", outcomes=["bloc_gdp_us", "fragmentation"])
        model(**{"powers.us.open_models": 0.6})          # {'bloc_gdp_us': ..., 'fragmentation': ...}
        Y = model.evaluate(X, ["powers.us.open_models", "model.mu"], "fragmentation")   # SALib
    """

    def __init__(self, scenario: Union[PathLike, Scenario], outcomes: Sequence[str], replicates: int = 1,
                 seed: Optional[int] = None, summary: Union[str, Callable] = "final", series: bool = False,
                 threads: int = 0, set: Optional[Mapping[str, Any]] = None):
        self.base = load(scenario, set=set, seed=seed)
        self.outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)  # R gives one string
        self.replicates = int(replicates)
        self.summary = summary
        self.series = series
        self.threads = int(threads)
        self.seeds = [_core.replicate_seed(self.base.seed, r) for r in range(self.replicates)]
        known = _core.metric_columns(self.base)
        unknown = [o for o in self.outcomes if o not in known]
        if unknown:
            raise ConfigError(f"<python>: outcomes: unknown metric(s) {unknown}; known: {', '.join(known)}",
                              [("<python>", 0, 0, "outcomes", f"unknown metric {u}") for u in unknown])

    def _reduce(self, x):
        import numpy as np
        if callable(self.summary):
            return float(self.summary(x))
        if self.summary == "final":
            return float(x[-1])
        if self.summary == "mean":
            return float(np.mean(x[1:])) if len(x) > 1 else float(x[0])
        raise ValueError(f"summary must be 'final', 'mean' or a callable, not {self.summary!r}")

    def __call__(self, **params: Any) -> Dict[str, Any]:
        import numpy as np
        cfg = load(self.base, set={k.replace("__", "."): v for k, v in params.items()})
        tables = _core.simulate_seeds(cfg, self.seeds, self.threads)
        out: Dict[str, Any] = {}
        for o in self.outcomes:
            if self.series:
                out[o] = np.mean([t[o] for t in tables], axis=0)
            else:
                out[o] = float(np.mean([self._reduce(t[o]) for t in tables]))
        return out

    def evaluate(self, X, names: Sequence[str], outcome: Optional[str] = None):
        """Run every row of a design matrix ``X`` (rows = points, columns = ``names``),
        e.g. from ``SALib.sample``; returns a numpy array of ``outcome`` (default:
        the first outcome), one value per row."""
        import numpy as np
        outcome = outcome or self.outcomes[0]
        return np.array([self(**dict(zip(names, map(float, row))))[outcome] for row in X])
