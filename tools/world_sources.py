#!/usr/bin/python3
"""Readers for the real data releases in ../shared/data/world_sources/ (see its README.md).

Every file is opened through `Sources.path()`, which checks its SHA-256 against the committed
lock file `tools/world_inputs/sources.lock.tsv` and refuses a changed or missing file by name.
Every country label or code is mapped to ISO3 through the committed, hand-checked crosswalk
`tools/world_inputs/crosswalk.csv` (one row per country of the world, one column per source
scheme); nothing is matched by name similarity.

Each reader returns plain dicts keyed by ISO3 so the builder can record per-cell provenance.
"""
from __future__ import annotations

import csv
import hashlib
import math
import os
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INPUTS = REPO / "tools" / "world_inputs"
LOCK = INPUTS / "sources.lock.tsv"
CROSSWALK = INPUTS / "crosswalk.csv"
DEFAULT_SOURCES = [os.environ.get("BLOCSIM_WORLD_SOURCES", ""), str(REPO.parent / "shared" / "data" / "world_sources"),
                   "/work/shared/data/world_sources"]


class SourceError(SystemExit):
    """A source file is missing or differs from the lock file."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_lock(path: Path = LOCK) -> dict[str, str]:
    lock = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 2 or len(parts[1]) != 64:
                raise SystemExit(f"{path}:{n}:1: expected `file<TAB>sha256`")
            lock[parts[0]] = parts[1]
    return lock


def find_sources(arg: str | None) -> Path | None:
    for cand in [arg] if arg else DEFAULT_SOURCES:
        if cand and Path(cand).is_dir() and (Path(cand) / "MANIFEST.tsv").exists():
            return Path(cand).resolve()
    return None


class Sources:
    """The sources folder, with every file checked against the lock before it is read."""

    def __init__(self, root: Path, lock_path: Path = LOCK):
        self.root = root
        self.lock = read_lock(lock_path)
        self.lock_path = lock_path
        self.checked: dict[str, str] = {}

    def path(self, rel: str) -> Path:
        if rel not in self.lock:
            raise SourceError(f"build_world: {rel}: not in the lock file {self.lock_path}")
        p = self.root / rel
        if not p.exists():
            raise SourceError(f"build_world: {p}: source file missing (lock {self.lock_path})")
        if rel not in self.checked:
            got = sha256(p)
            if got != self.lock[rel]:
                raise SourceError(f"build_world: {p}: SHA-256 {got} differs from the lock file "
                                  f"{self.lock_path} ({self.lock[rel]}); refusing to build from a changed "
                                  f"source. If the new release is intended, update the lock and the data statement.")
            self.checked[rel] = got
        return p


def read_crosswalk(path: Path = CROSSWALK) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def scheme_map(xw: list[dict[str, str]], scheme: str, conv=str) -> dict:
    """code/label of `scheme` -> ISO3, from the crosswalk. Several labels may be `|`-separated."""
    out = {}
    for r in xw:
        for code in (r.get(scheme) or "").split("|"):
            if code:
                key = conv(code)
                if key in out:
                    raise SystemExit(f"crosswalk.csv: {scheme} code {code!r} maps to both {out[key]} and {r['iso3']}")
                out[key] = r["iso3"]
    return out


def rda(path: Path):
    import rdata
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rdata.conversion.convert(rdata.parser.parse_file(str(path)))


def finite(x) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------
# UNGA ideal points (Bailey, Strezhnev & Voeten; July 2025 release)
UNGA_FILE = "unga_ideal_points/IdealpointsJuly2025.dta"
UNGA_YEARS = range(2010, 2025)


def unga(src: Sources, xw) -> list[dict]:
    """Long table iso3, year, ideal_point, q5, q95, axis, axis_q5, axis_q95 (2010-2024).

    Variant: `idealpointfp` (final-passage votes) with `q5fp`/`q95fp`. The `all`-votes variant
    has no 2024 estimates in this release, and final-passage votes are what the release's
    codebook recommends for comparisons over time. axis = (x - x_CHN) / (x_USA - x_CHN) in the
    same year, applied to the quantiles as well (the anchors' own uncertainty is ignored).
    """
    import pandas as pd
    d = pd.read_stata(src.path(UNGA_FILE))
    cow = scheme_map(xw, "cow", int)
    d = d[(d.year >= UNGA_YEARS.start) & (d.year < UNGA_YEARS.stop)]
    rows = []
    for year, g in d.groupby("year"):
        g = g[g.idealpointfp.notna()]
        by = {}
        for _, r in g.iterrows():
            c = cow.get(int(r.ccode))
            if c is None:
                raise SystemExit(f"{UNGA_FILE}: ccode {int(r.ccode)} ({r.countryname}) not in crosswalk.csv")
            if c in by:
                raise SystemExit(f"{UNGA_FILE}: two rows for {c} in {int(year)}")
            by[c] = r
        us, cn = by["USA"].idealpointfp, by["CHN"].idealpointfp
        for c in sorted(by):
            r = by[c]
            ax = lambda x: (float(x) - cn) / (us - cn)
            rows.append({"iso3": c, "year": int(year), "ideal_point": float(r.idealpointfp),
                         "q5": float(r.q5fp), "q95": float(r.q95fp), "axis": ax(r.idealpointfp),
                         "axis_q5": ax(r.q5fp), "axis_q95": ax(r.q95fp)})
    return rows
