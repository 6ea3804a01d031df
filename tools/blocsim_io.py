"""Load BlocSim result folders (the one place that parses result files).

Two folder formats are read, both described in ``results/README.md``:

``blocsim-run``
    One run (all replicates of one scenario): ``metadata.yaml``,
    ``timeseries.csv``, ``countries.csv`` (optional), ``events.csv``.
``blocsim-sweep``
    One sweep: ``metadata.yaml``, ``plan.csv``, ``runs.csv``, ``points.csv``,
    optional ``sobol.csv`` and ``timeseries.csv``.

Every loader checks ``metadata.yaml``'s ``format`` key and the *major* part of
``format_version`` against :data:`FORMAT_VERSION`, and checks that the
required columns are present; any problem raises :class:`FormatError` with a
message naming the folder, the file and what is wrong. Plot scripts never
parse CSV files themselves.

Examples
--------
>>> from blocsim_io import load_run
>>> run = load_run("results/baseline")            # doctest: +SKIP
>>> run.timeseries.groupby("tick")["fragmentation"].median()  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import pandas as pd
import yaml

__all__ = [
    "FORMAT_VERSION",
    "FormatError",
    "Run",
    "Sweep",
    "load_run",
    "load_sweep",
    "parse_dates",
]

#: Major version of the result formats this module understands.
FORMAT_VERSION = 1

RUN_FORMAT = "blocsim-run"
SWEEP_FORMAT = "blocsim-sweep"

_RUN_TS_REQUIRED = ("replicate", "seed", "tick", "date")
_RUN_TS_METRICS = ("fragmentation", "interoperability", "polarization_er")
_RUN_COUNTRIES_REQUIRED = ("replicate", "tick", "date", "iso3", "alignment",
                           "standard")
_RUN_EVENTS_REQUIRED = ("tick", "date", "label")
_SWEEP_PLAN_REQUIRED = ("run", "point", "replicate", "seed")
_SWEEP_RUNS_REQUIRED = ("run", "point", "replicate", "seed", "status", "error")
_SWEEP_POINTS_REQUIRED = ("point", "n_ok")
_SWEEP_SOBOL_REQUIRED = ("metric", "parameter", "S1", "S1_lo", "S1_hi", "ST",
                         "ST_lo", "ST_hi")
_SWEEP_TS_REQUIRED = ("run", "tick", "date")


class FormatError(ValueError):
    """A result folder is missing, of the wrong kind or version, or incomplete."""


@dataclasses.dataclass
class Run:
    """One ``blocsim-run`` folder.

    Attributes
    ----------
    path : pathlib.Path
        The run folder.
    meta : dict
        Parsed ``metadata.yaml``.
    timeseries : pandas.DataFrame
        ``timeseries.csv``; the ``date`` column is kept as text and a
        ``datetime`` column (first day of the month) is added.
    countries : pandas.DataFrame or None
        ``countries.csv`` (with ``datetime`` added), or None when the run did
        not record countries.
    events : pandas.DataFrame
        ``events.csv`` (``tick, date, label`` plus ``datetime``); may be empty.
    """

    path: Path
    meta: Dict[str, Any]
    timeseries: pd.DataFrame
    countries: Optional[pd.DataFrame]
    events: pd.DataFrame

    @property
    def ticks(self) -> pd.DataFrame:
        """Alias of :attr:`timeseries` (the name used in docs/design.md §8)."""
        return self.timeseries

    @property
    def name(self) -> str:
        """Scenario name (falls back to the folder name)."""
        scen = self.meta.get("scenario") or {}
        if isinstance(scen, dict) and scen.get("name"):
            return str(scen["name"])
        return self.path.name

    @property
    def blocs(self) -> List[str]:
        """Bloc labels in metadata order (``nonaligned`` first)."""
        return _labels(self.meta.get("blocs"), self.timeseries, "bloc_count_")

    @property
    def standards(self) -> List[str]:
        """Standards labels in metadata order (``intl`` first)."""
        return _labels(self.meta.get("standards"), self.timeseries, "std_count_")

    @property
    def dimensions(self) -> List[str]:
        """Identity dimension names."""
        return [str(d) for d in (self.meta.get("dimensions") or [])]

    @property
    def replicates(self) -> int:
        """Number of replicates present in ``timeseries.csv``."""
        return int(self.timeseries["replicate"].nunique())

    def power_names(self) -> Dict[str, str]:
        """Map power id -> display name from metadata ``powers``."""
        out = {}
        for p in self.meta.get("powers") or []:
            if isinstance(p, dict) and "id" in p:
                out[str(p["id"])] = str(p.get("name", p["id"]))
        return out


@dataclasses.dataclass
class Sweep:
    """One ``blocsim-sweep`` folder.

    Attributes
    ----------
    path : pathlib.Path
        The sweep folder.
    meta : dict
        Parsed ``metadata.yaml``.
    plan, runs, points : pandas.DataFrame
        ``plan.csv``, ``runs.csv`` and ``points.csv``.
    sobol : pandas.DataFrame or None
        ``sobol.csv`` when present (Saltelli designs).
    timeseries : pandas.DataFrame or None
        Consolidated ``timeseries.csv`` when present (``datetime`` added).
    """

    path: Path
    meta: Dict[str, Any]
    plan: pd.DataFrame
    runs: pd.DataFrame
    points: pd.DataFrame
    sobol: Optional[pd.DataFrame]
    timeseries: Optional[pd.DataFrame]

    @property
    def name(self) -> str:
        """Sweep name (falls back to the folder name)."""
        return str(self.meta.get("name") or self.path.name)

    @property
    def parameters(self) -> List[str]:
        """Swept parameter key paths."""
        return [str(p) for p in (self.meta.get("parameters") or [])]

    @property
    def metrics(self) -> List[str]:
        """Summary column names (e.g. ``bloc_count_cn_final``)."""
        listed = [str(m) for m in (self.meta.get("metrics") or [])]
        if listed:
            return listed
        return [c[:-5] for c in self.points.columns if c.endswith("_mean")
                and c[:-5] + "_sd" in self.points.columns]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def _labels(listed, df: pd.DataFrame, prefix: str) -> List[str]:
    if listed:
        return [str(b) for b in listed]
    return [c[len(prefix):] for c in df.columns if c.startswith(prefix)]


def parse_dates(values) -> pd.Series:
    """Convert ``YYYY-MM`` strings to timestamps (first day of the month).

    Parameters
    ----------
    values : array-like of str

    Returns
    -------
    pandas.Series of datetime64
    """
    return pd.to_datetime(pd.Series(values, dtype=str), format="%Y-%m",
                          errors="coerce")


def _read_meta(folder: Path, expected_format: str) -> Dict[str, Any]:
    if not folder.exists():
        raise FormatError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise FormatError(f"{folder}: not a folder (expected a {expected_format} "
                          "result folder)")
    meta_path = folder / "metadata.yaml"
    if not meta_path.is_file():
        raise FormatError(f"{folder}: not a {expected_format} folder "
                          "(metadata.yaml is missing)")
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FormatError(f"{meta_path}: not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise FormatError(f"{meta_path}: expected a mapping at the top level")
    fmt = meta.get("format")
    if fmt != expected_format:
        raise FormatError(f"{meta_path}: format is {fmt!r}, expected "
                          f"{expected_format!r}")
    version = meta.get("format_version")
    major = _major(version)
    if major is None:
        raise FormatError(f"{meta_path}: format_version {version!r} is missing "
                          "or not a version number")
    if major != FORMAT_VERSION:
        raise FormatError(
            f"{meta_path}: format_version {version} is not supported "
            f"(these tools read version {FORMAT_VERSION}.x); "
            + ("re-run the simulation with the current blocsim"
               if major < FORMAT_VERSION else "update the tools/"))
    return meta


def _major(version) -> Optional[int]:
    if isinstance(version, bool) or version is None:
        return None
    if isinstance(version, int):
        return version
    m = re.fullmatch(r"\s*(\d+)(\.\d+)*\s*", str(version))
    return int(m.group(1)) if m else None


def _read_csv(path: Path, required: Sequence[str], optional: bool = False
              ) -> Optional[pd.DataFrame]:
    if not path.is_file():
        if optional:
            return None
        raise FormatError(f"{path}: file is missing")
    try:
        df = pd.read_csv(path)
    except pd.errors.EmptyDataError as exc:
        raise FormatError(f"{path}: file is empty (no header)") from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: cannot parse CSV: {exc}") from exc
    _require(df, required, path)
    return df


def _require(df: pd.DataFrame, required: Sequence[str], path: Path) -> None:
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise FormatError(f"{path}: missing required column(s) "
                          f"{', '.join(missing)}")


def _add_datetime(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    df["date"] = df["date"].astype(str)
    df["datetime"] = parse_dates(df["date"]).values
    bad = df["datetime"].isna() & df["date"].ne("nan")
    if bad.any():
        raise FormatError(f"{path}: date {df.loc[bad, 'date'].iloc[0]!r} is not "
                          "YYYY-MM")
    return df


# ---------------------------------------------------------------------------
# public loaders
# ---------------------------------------------------------------------------

def load_run(path, countries: bool = True) -> Run:
    """Load a ``blocsim-run`` folder.

    Parameters
    ----------
    path : str or pathlib.Path
        The run folder (contains ``metadata.yaml``).
    countries : bool, optional
        Read ``countries.csv`` (the largest file) when it exists.

    Returns
    -------
    Run

    Raises
    ------
    FormatError
        When the folder is missing, is not a ``blocsim-run`` folder, has an
        unsupported major ``format_version`` or lacks a required file/column.
    """
    folder = Path(path)
    meta = _read_meta(folder, RUN_FORMAT)

    ts_path = folder / "timeseries.csv"
    ts = _read_csv(ts_path, _RUN_TS_REQUIRED + _RUN_TS_METRICS)
    required = []
    for b in meta.get("blocs") or []:
        required += [f"bloc_{w}_{b}" for w in ("count", "gdp", "pop")]
    for s in meta.get("standards") or []:
        required += [f"std_{w}_{s}" for w in ("count", "gdp", "pop")]
    _require(ts, required, ts_path)
    if not any(c.startswith("bloc_count_") for c in ts.columns):
        raise FormatError(f"{ts_path}: no bloc_count_<b> columns")
    ts = _add_datetime(ts, ts_path)

    cdf = None
    c_path = folder / "countries.csv"
    if countries and c_path.is_file():
        cdf = _read_csv(c_path, _RUN_COUNTRIES_REQUIRED)
        dims = [str(d) for d in (meta.get("dimensions") or [])]
        _require(cdf, dims, c_path)
        cdf["iso3"] = cdf["iso3"].astype(str)
        for col in ("alignment", "standard"):
            cdf[col] = cdf[col].astype(str)
        cdf = _add_datetime(cdf, c_path)

    ev_path = folder / "events.csv"
    ev = _read_csv(ev_path, _RUN_EVENTS_REQUIRED)
    ev["label"] = ev["label"].fillna("").astype(str)
    ev = _add_datetime(ev, ev_path)

    return Run(folder, meta, ts, cdf, ev)


def load_sweep(path) -> Sweep:
    """Load a ``blocsim-sweep`` folder.

    Parameters
    ----------
    path : str or pathlib.Path
        The sweep folder (contains ``metadata.yaml``).

    Returns
    -------
    Sweep

    Raises
    ------
    FormatError
        When the folder is missing, is not a ``blocsim-sweep`` folder, has an
        unsupported major ``format_version`` or lacks a required file/column.
    """
    folder = Path(path)
    meta = _read_meta(folder, SWEEP_FORMAT)
    params = [str(p) for p in (meta.get("parameters") or [])]
    plan = _read_csv(folder / "plan.csv", _SWEEP_PLAN_REQUIRED + tuple(params))
    runs = _read_csv(folder / "runs.csv", _SWEEP_RUNS_REQUIRED + tuple(params))
    points = _read_csv(folder / "points.csv",
                       _SWEEP_POINTS_REQUIRED + tuple(params))
    metrics = [str(m) for m in (meta.get("metrics") or [])]
    _require(points, [f"{m}_mean" for m in metrics], folder / "points.csv")
    sobol = _read_csv(folder / "sobol.csv", _SWEEP_SOBOL_REQUIRED, optional=True)
    ts_path = folder / "timeseries.csv"
    ts = _read_csv(ts_path, _SWEEP_TS_REQUIRED, optional=True)
    if ts is not None:
        ts = _add_datetime(ts, ts_path)
    return Sweep(folder, meta, plan, runs, points, sobol, ts)


# ---------------------------------------------------------------------------
# calibration folders (`blocsim calibrate`, docs/ODD.md "Calibration")
# ---------------------------------------------------------------------------

class Calibration:
    """One ``blocsim calibrate`` result folder.

    Attributes
    ----------
    path : pathlib.Path
    posterior : pandas.DataFrame
        ``posterior.csv``: one row per particle, one column per parameter, ``weight``.
    summary : pandas.DataFrame
        ``posterior_summary.csv`` (median, 90 % interval, prior range and interval).
    generations : pandas.DataFrame
        ``generations.csv`` (tolerance, acceptance, ESS per generation).
    observed : pandas.DataFrame
        ``observed.csv`` (year, set, iso3, axis, class).
    ppc, countries, validation : pandas.DataFrame or None
        ``ppc.csv``, ``predictive_countries.csv``, ``validation.csv`` (absent when
        the calibration had ``predictive: 0``).
    """

    def __init__(self, path: Path):
        self.path = path
        self.summary = _read_csv(path / "posterior_summary.csv",
                                 ["parameter", "median", "q05", "q95", "min", "max"])
        self.posterior = _read_csv(path / "posterior.csv", ["particle", "weight"])
        self.generations = _read_csv(path / "generations.csv",
                                     ["generation", "epsilon", "acceptance", "ess"])
        self.observed = _read_csv(path / "observed.csv", ["year", "set", "iso3", "axis", "class"])
        self.ppc = _read_csv(path / "ppc.csv", ["draw", "year", "set"], optional=True)
        self.countries = _read_csv(path / "predictive_countries.csv",
                                   ["year", "set", "iso3", "observed"], optional=True)
        self.validation = _read_csv(path / "validation.csv",
                                    ["set", "predictor", "metric", "value"], optional=True)

    @property
    def parameters(self) -> List[str]:
        """Estimated parameter key paths, in file order."""
        return [str(p) for p in self.summary["parameter"]]

    @property
    def classes(self) -> List[str]:
        """Class labels: nonaligned, then the low and high blocs (from ppc/countries columns)."""
        if self.countries is not None:
            return [c[2:] for c in self.countries.columns if c.startswith("p_")]
        return ["nonaligned"] + sorted(set(self.observed["class"]) - {"nonaligned"})


def load_calibration(path) -> Calibration:
    """Read a calibration folder; raises FormatError naming the file at fault."""
    path = Path(path)
    if not path.is_dir():
        raise FormatError(f"{path}: not a folder")
    return Calibration(path)
