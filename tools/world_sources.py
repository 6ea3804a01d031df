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

    def verify_all(self) -> None:
        """Check every locked file now, so a changed source is refused before anything is built."""
        for rel in sorted(self.lock):
            self.path(rel)

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


# ---------------------------------------------------------------------------------------
# Country-level readers. Each returns {iso3: (value, year, note)}; absent countries are absent.
def _xls_patch():
    """xlrd 1.2 rejects the IMF DataMapper exports ("Workbook corruption: seen[2] == 4");
    resetting the compound document's `seen` list before each stream lookup gets past it."""
    import xlrd.compdoc as cd
    if getattr(cd.CompDoc, "_blocsim_patched", False):
        return
    orig = cd.CompDoc._locate_stream

    def patched(self, *a, **k):
        self.seen = [0] * len(self.seen)
        return orig(self, *a, **k)
    cd.CompDoc._locate_stream = patched
    cd.CompDoc._blocsim_patched = True


def weo(src: Sources, xw, which: str, year: int = 2024) -> dict:
    """IMF WEO Oct 2025 DataMapper export: GDP (MER or PPP), US$ bn, `year`."""
    import xlrd
    _xls_patch()
    rel = f"imf_weo/imf-dm-export-20251119_{which}.xls"
    sh = xlrd.open_workbook(str(src.path(rel))).sheet_by_index(0)
    col = [c for c in range(sh.ncols) if sh.cell_value(0, c) == float(year)][0]
    names = scheme_map(xw, "weo")
    out = {}
    for r in range(1, sh.nrows):
        c = names.get(str(sh.cell_value(r, 0)))
        v = sh.cell_value(r, col)
        if c and finite(v):
            out[c] = (float(v), year, f"{rel} row {r + 1}")
    return out


def wdi(src: Sources, xw, indicator: str, upto: int = 2024) -> dict:
    """World Bank WDI: latest value at or before `upto`."""
    import pandas as pd
    rel = f"wdi/{indicator}.csv"
    d = pd.read_csv(src.path(rel))
    codes = scheme_map(xw, "wdi")
    d = d[(d.Year <= upto) & d.Value.notna() & d["Country Code"].isin(codes)]
    out = {}
    for code, g in d.groupby("Country Code"):
        r = g.loc[g.Year.idxmax()]
        out[codes[code]] = (float(r.Value), int(r.Year), rel)
    return out


def wdi_year(src: Sources, xw, indicator: str, year: int) -> dict:
    import pandas as pd
    rel = f"wdi/{indicator}.csv"
    d = pd.read_csv(src.path(rel))
    codes = scheme_map(xw, "wdi")
    d = d[(d.Year == year) & d.Value.notna() & d["Country Code"].isin(codes)]
    return {codes[r["Country Code"]]: (float(r.Value), year, rel) for _, r in d.iterrows()}


def wpp(src: Sources, xw, year: int = 2024) -> dict:
    """UN WPP 2024, total population 1 July (thousands), sheet Median, header row 17."""
    import openpyxl
    rel = "un_wpp/UN_PPP2024_Output_PopTot.xlsx"
    wb = openpyxl.load_workbook(src.path(rel), read_only=True)
    ws = wb["Median"]
    ws.reset_dimensions()   # the file declares a wrong sheet dimension (A1:K18)
    m49 = scheme_map(xw, "un_m49", int)
    out, col = {}, None
    for n, row in enumerate(ws.iter_rows(values_only=True), 1):
        if n == 17:
            col = list(row).index(year)
            loc = list(row).index("Location code")
            continue
        if col is not None and row[loc] is not None and row[loc] != "" and int(row[loc]) in m49 and finite(row[col]):
            out[m49[int(row[loc])]] = (float(row[col]), year, f"{rel} Median row {n}")
    return out


def vdem(src: Sources, xw, year: int = 2024) -> dict:
    rel = "vdem/vdem_simple.rda"
    d = rda(src.path(rel))["vdem_simple"]
    ids = scheme_map(xw, "vdem")
    d = d[(d.year == year) & d.country_text_id.isin(ids) & d.v2x_libdem.notna()]
    return {ids[r.country_text_id]: (float(r.v2x_libdem), year, f"{rel} v2x_libdem") for _, r in d.iterrows()}


def freedom_house(src: Sources, xw, edition: int = 2025) -> dict:
    rel = "freedom_house/fh_full.rda"
    d = rda(src.path(rel))["fh_full"]
    names = scheme_map(xw, "fh")
    d = d[(d.edition == edition) & (d.country_or_territory == "c") & d.fh_full_country.isin(names)]
    return {names[r.fh_full_country]: (float(r.total), int(r.year), f"{rel} total (edition {edition})")
            for _, r in d.iterrows() if finite(r.total)}


def futuregrid(src: Sources, xw, metric: str) -> dict:
    import json
    rel = "ai_readiness/global-ai-metrics.json"
    m = json.loads(src.path(rel).read_text(encoding="utf-8"))["metrics"][metric]
    codes = scheme_map(xw, "futuregrid")
    return {codes[k]: (float(v), 2023, f"{rel} metrics.{metric}") for k, v in m.items() if k in codes and finite(v)}


def msft(src: Sources, xw) -> dict:
    rel = "ai_diffusion/AI_Diffusion_Q12026_Update.csv"
    names = scheme_map(xw, "msft")
    out = {}
    with open(src.path(rel), encoding="mac_roman", newline="") as f:
        for r in csv.DictReader(f):
            c = names.get(r["Economy"].strip())
            v = r["Q1 2026 AI Diffusion"].strip().rstrip("%")
            if c and finite(v):
                out[c] = (float(v), 2026, f"{rel} 'Q1 2026 AI Diffusion'")
    return out


def efw(src: Sources, xw) -> dict:
    """Fraser EFW panel: latest year with an efw_index value."""
    rel = "econ_freedom/efwpnl.rda"
    d = rda(src.path(rel))["efwpnl"]
    codes = scheme_map(xw, "efw")
    d = d[d.iso_code.isin(codes) & d.efw_index.notna()]
    out = {}
    for code, g in d.groupby("iso_code"):
        r = g.loc[g.year.idxmax()]
        out[codes[code]] = (float(r.efw_index), int(r.year), f"{rel} efw_index")
    return out


def aiddata(src: Sources, xw) -> dict:
    """AidData GCDF 3.0: sum over 2000-2021 of oda_adj + oof_adj + vof_adj (constant 2021 US$)."""
    import pandas as pd
    rel = "aiddata/cow_gcdf.csv"
    d = pd.read_csv(src.path(rel))
    cow = scheme_map(xw, "cow", int)
    out = {}
    for cc, g in d.groupby("ccode"):
        c = cow.get(int(cc))
        if c:
            out[c] = (float(g[["oda_adj", "oof_adj", "vof_adj"]].fillna(0).to_numpy().sum()), 2021, rel)
    return out


def atop_defense(src: Sources, xw, power_cow: int, year: int = 2018) -> set:
    rel = "peacesciencer/atop_alliance.rda"
    a = rda(src.path(rel))["atop_alliance"]
    a = a[(a.year == year) & (a.atop_defense == 1)]
    cow = scheme_map(xw, "cow", int)
    partners = set(a[a.ccode1 == power_cow].ccode2) | set(a[a.ccode2 == power_cow].ccode1)
    return {cow[int(p)] for p in partners if int(p) in cow}


def td_rivals(src: Sources, xw, power_cow: int) -> dict:
    """Thompson-Dreyer strategic rivalries still ongoing at the end of the data (2010)."""
    rel = "peacesciencer/td_rivalries.rda"
    t = rda(src.path(rel))["td_rivalries"]
    cow = scheme_map(xw, "cow", int)
    out = {}
    for _, r in t.iterrows():
        if (r.endyear != r.endyear) or r.endyear >= 2010:
            for a, b in ((r.ccode1, r.ccode2), (r.ccode2, r.ccode1)):
                if int(a) == power_cow and int(b) in cow:
                    out[cow[int(b)]] = f"{rel} {r.rivalryname} ({int(r.styear)}-, ongoing at end of data)"
    return out


def gml_mid_episodes(src: Sources, xw, power_cow: int, gap: int = 10) -> tuple[dict, int]:
    """Each dyad's latest militarised-dispute episode with the power (GML MID, dyad-year).

    Disputes (distinct `dispnum`) are ordered by their first year in the dyad and linked into one
    episode while the next dispute starts at most `gap` years after the last year of the previous
    ones (the 10-year continuation rule of Goertz & Diehl 1993 / Diehl & Goertz 2000). Returns
    ({iso3: (n_disputes, first_year, last_year, years, rel)} for the latest episode of every dyad
    with the power, last year of the data)."""
    rel = "peacesciencer/gml_mid_ddydisps.rda"
    m = rda(src.path(rel))["gml_mid_ddydisps"]
    end = int(m.year.max())
    cow = scheme_map(xw, "cow", int)
    m = m[(m.ccode1 == power_cow) | (m.ccode2 == power_cow)]
    spans = {}                                # other iso3 -> dispnum -> [first, last]
    for _, r in m.iterrows():
        other = int(r.ccode2 if int(r.ccode1) == power_cow else r.ccode1)
        if other not in cow:
            continue
        d = spans.setdefault(cow[other], {}).setdefault(int(r.dispnum), [int(r.year), int(r.year)])
        d[0], d[1] = min(d[0], int(r.year)), max(d[1], int(r.year))
    out = {}
    for c, disputes in spans.items():
        episode = None
        for first, last in sorted(disputes.values()):
            if episode and first - episode[2] <= gap:
                episode = [episode[0] + 1, episode[1], max(episode[2], last), episode[3] + [first]]
            else:
                episode = [1, first, last, [first]]
        out[c] = (episode[0], episode[1], episode[2], episode[3], rel)
    return out, end


def dots(src: Sources, xw, years=("2017", "2018", "2019")) -> dict:
    """IMF DOTS: {reporter iso3: {partner label: mean over `years` of exports FOB + imports CIF}}.

    Only reporters whose workbook label is in the crosswalk are kept; a year counts when both
    the export and the import value for that partner exist (missing = not reported)."""
    import openpyxl
    names = scheme_map(xw, "dots")
    out = {}
    files = sorted(k for k in src.lock if k.startswith("imf_dots/"))
    for rel in files:
        wb = openpyxl.load_workbook(src.path(rel), read_only=True)
        rep, flows = None, {}
        for ws in wb.worksheets:
            cols = None
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i == 3:
                    rep = (row[1] or "").strip()
                if cols is None and row[1] is None and len(row) > 2 and row[2] is not None:
                    cols = {str(y): j for j, y in enumerate(row) if str(y) in years}
                    continue
                if cols and row[1]:
                    for y, j in cols.items():
                        v = row[j]
                        if finite(v):
                            flows.setdefault(row[1].strip(), {}).setdefault(y, []).append(float(v))
        c = names.get(rep)
        if c is None:
            continue
        world_years = [y for y, v in flows.get("World", {}).items() if len(v) == 2]
        if not world_years:
            continue
        out[c] = {partner: sum(sum(ys.get(y, [])) for y in world_years) / len(world_years)
                  for partner, ys in flows.items()}
    return out
