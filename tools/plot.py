#!/usr/bin/python3
"""Figures for papers from BlocSim run and sweep folders.

Every figure family is one subcommand; see ``tools/README.md``::

    tools/plot run RUN_DIR                     # blocs, standards, polarization
    tools/plot map RUN_DIR [--date 2030-01]... # choropleth(s) of alignment
    tools/plot compare RUN_DIR RUN_DIR...      # several runs on shared axes
    tools/plot sweep SWEEP_DIR                 # phase diagram, lines, Sobol
    tools/plot countries RUN_DIR --countries IND,BRA
    tools/plot calibration CALIB_DIR           # posterior, hindcast, reliability
    tools/plot score SCORE_DIR                 # reliability diagram + misses map (blocsim score --out)

Each ``plot_*`` function returns a :class:`matplotlib.figure.Figure` (so tests
can check the data behind the lines); the ``cmd_*`` functions save them. Data
are read only through :mod:`blocsim_io`.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import figstyle  # noqa: E402  (selects the Agg backend)
import blocsim_io  # noqa: E402
from blocsim_io import FormatError  # noqa: E402

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

WEIGHTS = (("count", "by count"), ("gdp", "GDP-weighted"),
           ("pop", "population-weighted"))
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
METRIC_LABELS = {
    "fragmentation": "Standards fragmentation",
    "fragmentation_norm": "Fragmentation (normalised)",
    "effective_standards": "Effective no. of standards",
    "interoperability": "Interoperability",
    "polarization_er": "Polarization (Esteban–Ray)",
    "bipolarity_rq": "Bipolarity (Reynal-Querol)",
    "centroid_distance": "Bloc centroid distance",
    "churn": "Alignment switches per tick",
}


class UsageError(ValueError):
    """A command-line value does not fit the data (reported, exit code 2)."""


# ---------------------------------------------------------------------------
# shared helpers
# ---------------------------------------------------------------------------

def quantiles(df: pd.DataFrame, column: str, by: str = "tick") -> pd.DataFrame:
    """Quantiles of ``column`` across replicates for each ``by`` value.

    Parameters
    ----------
    df : pandas.DataFrame
        Long table with ``by``, ``datetime`` and ``column``.
    column : str
        Column to summarise (NaN values are skipped).
    by : str
        Grouping column.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by`` with ``datetime`` and ``q05, q25, q50, q75, q95``.
    """
    g = df.groupby(by)
    out = g[column].quantile(list(QUANTILES)).unstack()
    out.columns = [f"q{int(round(q * 100)):02d}" for q in out.columns]
    out.insert(0, "datetime", g["datetime"].first())
    return out


def band_plot(ax, q: pd.DataFrame, gid: str, label: Optional[str] = None,
              bands=("90", "50"), **style):
    """Median line with 50 % and 90 % bands; returns the median Line2D.

    The Line2D gets ``gid`` so tests and users can find it.
    """
    x = q["datetime"].to_numpy() if "datetime" in q else q.index.to_numpy()
    col = style.get("color", "k")
    if "90" in bands:
        ax.fill_between(x, q["q05"], q["q95"], color=col, alpha=0.12,
                        linewidth=0)
    if "50" in bands:
        ax.fill_between(x, q["q25"], q["q75"], color=col, alpha=0.28,
                        linewidth=0)
    (line,) = ax.plot(x, q["q50"].to_numpy(), label=label, **style)
    line.set_gid(gid)
    return line


def date_axis(ax) -> None:
    """Calendar dates on the x axis (concise year/month ticks)."""
    loc = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def draw_events(ax, events: pd.DataFrame, labels: bool = True, color="#555555",
                linestyle=(0, (2, 2))) -> None:
    """Timeline events as vertical lines, optionally labelled."""
    if events is None or events.empty:
        return
    if "source" in events.columns:  # reactive-rule firings are not timeline marks
        events = events[events["source"].fillna("timeline") == "timeline"]
    for _, ev in events.iterrows():
        if pd.isna(ev["datetime"]):
            continue
        ax.axvline(ev["datetime"], color=color, linewidth=0.7,
                   linestyle=linestyle, zorder=0.5)
        if labels and ev["label"]:
            label = str(ev["label"])
            if len(label) > 32:  # long labels would stretch the panel
                label = label[:31] + "…"
            t = ax.text(ev["datetime"], 0.98, " " + label,
                        transform=ax.get_xaxis_transform(), rotation=90,
                        ha="right", va="top", fontsize=figstyle.FONT_SIZE - 2,
                        color=color, clip_on=True,
                        bbox=dict(facecolor="white", edgecolor="none", alpha=0.7,
                                  pad=0.5))
            t.set_in_layout(False)  # inside the axes; never resizes the layout


def _panel_letter(ax, i: int) -> None:
    ax.text(-0.02, 1.02, f"({chr(ord('a') + i)})", transform=ax.transAxes,
            ha="right", va="bottom", fontweight="bold")


def _metric_label(col: str, names=None) -> str:
    if col in METRIC_LABELS:
        return METRIC_LABELS[col]
    for pre, what in (("bloc_", "share"), ("std_", "std. share")):
        if col.startswith(pre):
            w, _, key = col[len(pre):].partition("_")
            short = {"count": "count", "gdp": "GDP", "pop": "pop."}.get(w, w)
            return f"{figstyle.label(key, names)} {what} ({short})"
    return col


def _save(figs: Dict[str, "plt.Figure"], out: Path, formats) -> List[Path]:
    paths = []
    for stem, fig in figs.items():
        paths += figstyle.save(fig, out, stem, formats)
        plt.close(fig)
    return paths


# ---------------------------------------------------------------------------
# run figures
# ---------------------------------------------------------------------------

def plot_bloc_shares(run: blocsim_io.Run):
    """Bloc shares over time: count-, GDP- and population-weighted panels.

    Each bloc's median across replicates is a line (gid ``bloc_<w>_<b>``)
    with 50 % and 90 % bands; timeline events are dashed vertical lines.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ts, names = run.timeseries, run.power_names()
    fig, axes = figstyle.figure("double", 2.5, 1, 3, sharey=True)
    n = ts["tick"].nunique()
    for i, (ax, (w, wl)) in enumerate(zip(axes, WEIGHTS)):
        for b in run.blocs:
            band_plot(ax, quantiles(ts, f"bloc_{w}_{b}"), f"bloc_{w}_{b}",
                      figstyle.label(b, names), **figstyle.series_style(b, n))
        draw_events(ax, run.events, labels=(i == 0))
        ax.set_title(f"Bloc shares, {wl}")
        ax.set_ylim(0, 1)
        date_axis(ax)
        _panel_letter(ax, i)
    axes[0].set_ylabel("Share")
    _legend_top(fig, axes[0], run.replicates)
    figstyle.footer(fig, figstyle.run_caption(run.meta))
    return fig


def _legend_top(fig, ax, replicates: int) -> None:
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Patch(facecolor="#888888", alpha=0.45))
    labels.append(f"median, 50%/90% bands ({replicates} replicates)")
    fig.legend(handles, labels, loc="lower center", ncol=len(labels),
               bbox_to_anchor=(0.5, 1.0), handlelength=2.6)


def plot_standards(run: blocsim_io.Run):
    """Standards shares (GDP-weighted), fragmentation and interoperability.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ts, names = run.timeseries, run.power_names()
    fig, axes = figstyle.figure("double", 2.5, 1, 3)
    n = ts["tick"].nunique()
    for s in run.standards:
        band_plot(axes[0], quantiles(ts, f"std_gdp_{s}"), f"std_gdp_{s}",
                  figstyle.label(s, names), **figstyle.series_style(s, n))
    axes[0].set_title("Standards shares, GDP-weighted")
    axes[0].set_ylim(0, 1)
    axes[0].set_ylabel("Share")
    for ax, col in ((axes[1], "fragmentation"), (axes[2], "interoperability")):
        band_plot(ax, quantiles(ts, col), col, **figstyle.run_style(0))
        ax.set_title(METRIC_LABELS[col])
    axes[1].set_ylabel("1 − Σ share² (GDP-weighted)")
    axes[2].set_ylabel("Share of ties, same standard")
    axes[2].set_ylim(0, 1.02)
    for i, ax in enumerate(axes):
        draw_events(ax, run.events, labels=(i == 0))
        date_axis(ax)
        _panel_letter(ax, i)
    _legend_top(fig, axes[0], run.replicates)
    figstyle.footer(fig, figstyle.run_caption(run.meta))
    return fig


def plot_polarization(run: blocsim_io.Run):
    """Polarization over time (Esteban–Ray; also bipolarity and centroid
    distance when present), median with 50 %/90 % bands.

    Returns
    -------
    matplotlib.figure.Figure
    """
    ts = run.timeseries
    cols = [c for c in ("polarization_er", "bipolarity_rq", "centroid_distance")
            if c in ts.columns]
    fig, axes = figstyle.figure("single", 0.5 + 1.45 * len(cols), len(cols), 1,
                                sharex=True, squeeze=False)
    axes = axes[:, 0]
    for i, (ax, col) in enumerate(zip(axes, cols)):
        band_plot(ax, quantiles(ts, col), col, **figstyle.run_style(0))
        draw_events(ax, run.events, labels=(i == 0))
        ax.set_ylabel(METRIC_LABELS[col].replace(" (", "\n("))
        date_axis(ax)
        _panel_letter(ax, i)
    fig.suptitle(f"{run.name}: median, 50%/90% bands, {run.replicates} "
                 "replicates", fontsize=figstyle.FONT_SIZE - 1)
    figstyle.footer(fig, figstyle.run_caption(run.meta))
    return fig


def cmd_run(args) -> List[Path]:
    run = blocsim_io.load_run(args.run_dir, countries=False)
    out = Path(args.out) if args.out else run.path / "figures"
    figs = {"blocs": plot_bloc_shares(run), "standards": plot_standards(run),
            "polarization": plot_polarization(run)}
    return _save(figs, out, args.formats)


# ---------------------------------------------------------------------------
# world map
# ---------------------------------------------------------------------------

# Natural Earth rows whose iso_a3 is -99 (or differs) -> ISO 3166 alpha-3.
_NE_NAME_FIX = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX",
                "N. Cyprus": "CYN", "Somaliland": "SOL"}
# Codes that scenario data may use for the same place.
_ISO_ALIAS = {"KOS": "XKX", "RKS": "XKX"}

_WORLD_CACHE = {}
_NO_DATA = "#FFFFFF"


def _short_label(key: str) -> str:
    return {"nonaligned": "NA", "intl": "INTL"}.get(key, key.upper())


def _world_atlas() -> Path:
    """countries-110m.json of the npm package world-atlas (Natural Earth 1:110m as TopoJSON)."""
    cands = [os.environ.get("BLOCSIM_NPM_DIR", ""), str(Path.home() / ".cache" / "blocsim-npm"), "/tmp/wa"]
    for c in cands:
        f = Path(c) / "node_modules" / "world-atlas" / "countries-110m.json" if c else None
        if f and f.exists():
            return f
    raise SystemExit("plot: maps need the npm package world-atlas (Natural Earth shapes):\n"
                     "    mkdir -p ~/.cache/blocsim-npm && cd ~/.cache/blocsim-npm && npm install world-atlas@2.0.2\n"
                     "or set BLOCSIM_NPM_DIR to the folder holding node_modules/world-atlas")


def _split_antimeridian(geom):
    """Cut polygons whose ring runs across the date line (Russia's Chukotka, Fiji's
    Taveuni in Natural Earth 1:110m) into their eastern and western halves.

    Such a ring jumps from +180 to -180 in longitude, so any projection draws it as a
    band across the whole map. Each offending polygon is moved to 0–360 longitude, cut
    at 180 and the eastern half shifted back by -360; other polygons are kept as read.
    """
    from shapely.geometry import MultiPolygon, Polygon, box
    from shapely.affinity import translate
    from shapely.ops import transform

    parts = list(getattr(geom, "geoms", [geom]))
    if not any(p.bounds[2] - p.bounds[0] > 180 for p in parts):
        return geom
    out = []
    for p in parts:
        if p.bounds[2] - p.bounds[0] <= 180:
            out.append(p)
            continue
        shifted = transform(lambda x, y, z=None: (x + 360.0 * (x < 0), y), p)
        if not shifted.is_valid:
            shifted = shifted.buffer(0)
        west = shifted.intersection(box(-180, -90, 180, 90))
        east = translate(shifted.intersection(box(180, -90, 540, 90)), xoff=-360)
        for half in (west, east):
            out.extend(q for q in getattr(half, "geoms", [half])
                       if isinstance(q, Polygon) and not q.is_empty)
    return MultiPolygon(out)


def load_world():
    """Natural Earth 1:110m countries from the npm package world-atlas (TopoJSON).

    ``geopandas.datasets`` (removed in GeoPandas 1.0) is not used. Geometry ids are ISO
    3166 numeric codes, mapped to alpha-3 with ``tools/world_inputs/iso3166.csv``.

    Returns
    -------
    geopandas.GeoDataFrame
        With an ``iso3`` column, without Antarctica, in the Equal Earth projection when
        pyproj supports it.
    """
    if "world" in _WORLD_CACHE:
        return _WORLD_CACHE["world"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import geopandas as gpd
        world = gpd.read_file(_world_atlas(), layer="countries")
    iso_table = pd.read_csv(Path(__file__).resolve().parent / "world_inputs" / "iso3166.csv",
                            dtype=str, keep_default_na=False)
    num = {r.ccn3: r.iso3 for r in iso_table.itertuples() if r.ccn3}
    world = world[world["name"] != "Antarctica"].copy()
    world["geometry"] = [_split_antimeridian(g) for g in world.geometry]
    ids = world["id"].fillna("").astype(str)
    world["iso3"] = [num.get(i) or _NE_NAME_FIX.get(n, "") for i, n in zip(ids, world["name"])]
    try:
        world = world.set_crs("EPSG:4326", allow_override=True).to_crs(
            "+proj=eqearth +datum=WGS84 +units=m +no_defs")
    except Exception:  # pragma: no cover - projection support missing
        pass
    _WORLD_CACHE["world"] = world
    return world


def modal_labels(countries: pd.DataFrame, tick: int, column: str,
                 order: Sequence[str]) -> pd.DataFrame:
    """Modal label of each country across replicates at ``tick``.

    Parameters
    ----------
    countries : pandas.DataFrame
        ``Run.countries``.
    tick : int
        Recorded tick.
    column : {"alignment", "standard"}
    order : sequence of str
        Label order used to break ties deterministically.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``iso3`` with ``label`` and ``agreement`` (share of
        replicates with the modal label, 0–1).
    """
    d = countries[countries["tick"] == tick]
    counts = d.groupby(["iso3", column]).size().unstack(fill_value=0)
    rank = {b: i for i, b in enumerate(order)}
    cols = sorted(counts.columns, key=lambda b: (rank.get(b, len(rank)), b))
    counts = counts[cols]
    total = counts.sum(axis=1)
    label = counts.idxmax(axis=1)
    agree = counts.max(axis=1) / total
    return pd.DataFrame({"label": label, "agreement": agree})


def _resolve_ticks(run: blocsim_io.Run, when) -> List[int]:
    avail = np.array(sorted(run.countries["tick"].unique()))
    if not when:
        return [int(avail[-1])]
    dates = run.countries.groupby("tick")["datetime"].first()
    out = []
    for kind, value in when:
        if kind == "tick":
            t = int(value)
            if t not in avail:
                near = int(avail[np.argmin(np.abs(avail - t))])
                print(f"note: tick {t} not recorded in countries.csv; using "
                      f"nearest recorded tick {near}", file=sys.stderr)
                t = near
        else:
            target = blocsim_io.parse_dates([value]).iloc[0]
            if pd.isna(target):
                raise UsageError(f"--date {value!r}: expected YYYY-MM")
            diff = np.abs((dates - target).dt.days.to_numpy())
            t = int(dates.index[np.argmin(diff)])
            if diff.min() > 0:
                print(f"note: {value} not recorded in countries.csv; using "
                      f"nearest recorded tick {t} ({dates[t]:%Y-%m})",
                      file=sys.stderr)
        out.append(t)
    return out


def _small_state_entries(small: pd.DataFrame):
    """Rows ``(iso, short label, agreement text, label)`` for the side list."""
    lab_w = max([len(_short_label(b)) for b in small["label"]] + [2])
    out = []
    for iso, row in small.iterrows():
        pct = "" if row.agreement >= 1 - 1e-9 else f"{row.agreement:.0%}"
        out.append((f"{iso:<3} {_short_label(row.label):<{lab_w}} {pct:>3}".rstrip(),
                    row.label, row.agreement))
    return out


# Layout of the map figure (inches); see plot_map.
_MAP_ASPECT_MAX = 2.3          # width / height of the map frame
_LIST_FONT = figstyle.FONT_SIZE - 2.5
_LIST_LINE = 1.3               # line spacing (multiple of the font size)
_MONO_CHAR = 0.602             # DejaVu Sans Mono advance width / font size


def _require_countries(run):
    """Raise UsageError unless the run recorded countries.csv."""
    if run.countries is None:
        raise UsageError(f"{run.path}: no countries.csv (the run was made with "
                         "outputs.countries: false)")


def plot_map(run: blocsim_io.Run, ticks: Optional[Sequence[int]] = None,
             what: str = "alignment"):
    """Choropleth of alignment or standard (modal across replicates).

    Countries are coloured by their modal bloc (or standard) across
    replicates, paler when replicates disagree, and hatched per bloc for
    greyscale prints. Countries in the run that the map cannot show are
    listed compactly beside each panel (agreement shown only below 100 %).
    Several ticks are stacked vertically, one row per date, with one legend
    at the bottom; the figure is sized for a double-column page.

    Parameters
    ----------
    run : blocsim_io.Run
        Must include ``countries``.
    ticks : sequence of int, optional
        Recorded ticks, one panel each (default: the last recorded tick).
    what : {"alignment", "standard"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require_countries(run)
    if what not in ("alignment", "standard"):
        raise UsageError("--what must be alignment or standard")
    ticks = list(ticks) if ticks else _resolve_ticks(run, None)
    order = run.blocs if what == "alignment" else run.standards
    names = run.power_names()
    world = load_world()
    on_map = set(world["iso3"])
    n = len(ticks)
    dates = run.countries.groupby("tick")["date"].first()

    # modal labels per panel and the states too small for the map
    panels = []
    for t in ticks:
        modal = modal_labels(run.countries, t, what, order)
        modal.index = [_ISO_ALIAS.get(i, i) for i in modal.index]
        small = modal[~modal.index.isin(on_map)].sort_index()
        panels.append((t, modal, _small_state_entries(small)))

    # --- layout (inches): one row per date = title + map | small-state list
    x0, y0, x1, y1 = world.total_bounds
    pad = 0.01 * (x1 - x0)
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    aspect = min((x1 - x0) / (y1 - y0), _MAP_ASPECT_MAX)
    W = figstyle.DOUBLE
    margin, gap = 0.02, 0.12
    n_small = max(len(e) for _, _, e in panels)
    chars = max([len(txt) for _, _, e in panels for txt, _, _ in e] + [0])
    fs = _LIST_FONT
    ncol = 0 if not n_small else min(4, max(1, int(np.ceil(n_small / 10))))
    if ncol:
        sq = 0.75 * fs / 72                       # colour swatch size
        col_w = sq + 0.04 + _MONO_CHAR * fs / 72 * chars + 0.07
        list_w = max(ncol * col_w, 1.2)
    else:
        list_w, gap = 0.0, 0.0
    map_w = W - 2 * margin - gap - list_w
    map_h = map_w / aspect
    title_h = 0.2
    row_h = title_h + map_h + 0.05
    if ncol:
        # shrink the list font if the columns would be taller than the map
        rows = int(np.ceil(n_small / ncol))
        avail = map_h - 0.2
        fs = min(fs, max(4.0, avail * 72 / (rows * _LIST_LINE)))
    legend_h = 0.42
    H = n * row_h + legend_h
    figstyle.apply()
    fig = plt.figure(figsize=(W, H))

    def box(left, bottom, width, height):  # inches -> figure fraction
        return [left / W, bottom / H, width / W, height / H]

    seen = set()
    for k, (t, modal, entries) in enumerate(panels):
        top = H - k * row_h                       # top of this row
        ax = fig.add_axes(box(margin, top - title_h - map_h, map_w, map_h))
        w = world.join(modal, on="iso3")
        world.plot(ax=ax, color=_NO_DATA, edgecolor="#BBBBBB", linewidth=0.2)
        for b in sorted(set(w["label"].dropna()), key=lambda b: (
                order.index(b) if b in order else len(order), b)):
            part = w[w["label"] == b]
            fc = [figstyle.lighten(figstyle.color(b), 0.3 + 0.7 * a)
                  for a in part["agreement"]]
            part.plot(ax=ax, color=fc, edgecolor="white", linewidth=0.2,
                      hatch=figstyle.hatch(b))
            seen.add(b)
        ax.set_axis_off()
        ax.set_aspect("auto")
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        letter = f"({chr(ord('a') + k)}) " if n > 1 else ""
        ax.set_title(f"{letter}{'Alignment' if what == 'alignment' else 'Standard'}"
                     f", {dates.get(t, '?')} (tick {t})", loc="left", pad=3)
        seen.update(lab for _, lab, _ in entries)
        if not ncol:
            continue
        # small states: compact multi-column list in its own (inch) axes
        lax = fig.add_axes(box(W - margin - list_w, top - title_h - map_h,
                               list_w, map_h))
        lax.set_axis_off()
        lax.set_xlim(0, list_w)
        lax.set_ylim(map_h, 0)
        line = fs * _LIST_LINE / 72
        head = ("Not on map" if entries else "Not on map: none")
        lax.text(0, 0.0, head, fontsize=fs + 0.5, fontweight="bold",
                 ha="left", va="top")
        if entries:
            lax.text(0, 1.25 * line, "modal " + ("bloc" if what == "alignment"
                                                 else "standard")
                     + "; agreement if < 100%", fontsize=fs, color="#555555",
                     ha="left", va="top")
        rows = int(np.ceil(len(entries) / ncol)) if entries else 0
        sq = 0.75 * fs / 72
        col_w = list_w / ncol
        y_start = 2.7 * line
        for i, (txt, lab, agree) in enumerate(entries):
            c, r = divmod(i, rows)
            x = c * col_w
            y = y_start + r * line
            lax.add_patch(plt.Rectangle(
                (x, y - sq / 2), sq, sq,
                facecolor=figstyle.lighten(figstyle.color(lab), 0.3 + 0.7 * agree),
                edgecolor="none", clip_on=False))
            lax.text(x + sq + 0.035, y, txt, fontsize=fs, family="monospace",
                     ha="left", va="center_baseline")

    handles = [Patch(facecolor=figstyle.color(b), hatch=figstyle.hatch(b),
                     edgecolor="white",
                     label=f"{figstyle.label(b, names)} ({_short_label(b)})")
               for b in order if b in seen]
    demo = figstyle.color(order[1] if len(order) > 1 else order[0])
    handles += [Patch(facecolor=figstyle.lighten(demo, 0.3 + 0.7 * a),
                      edgecolor="none", label=f"{a:.0%} agree")
                for a in (1.0, 0.5)]
    handles.append(Patch(facecolor=_NO_DATA, edgecolor="#BBBBBB",
                         label="not in scenario"))
    fig.legend(handles=handles, loc="lower center",
               bbox_to_anchor=(0.5, 0.0), ncol=len(handles),
               handlelength=1.6, columnspacing=1.2, borderaxespad=0.1,
               title=("Modal bloc" if what == "alignment" else "Modal standard")
               + " across replicates; paler = fewer replicates agree",
               title_fontsize=figstyle.FONT_SIZE - 1)
    figstyle.footer(fig, figstyle.run_caption(run.meta))
    return fig


def cmd_map(args) -> List[Path]:
    run = blocsim_io.load_run(args.run_dir)
    _require_countries(run)
    ticks = _resolve_ticks(run, args.when)
    out = Path(args.out) if args.out else run.path / "figures"
    stem = f"map_{args.what}" + ("" if not args.when else
                                 "_" + "_".join(f"t{t}" for t in ticks))
    return _save({stem: plot_map(run, ticks, args.what)}, out, args.formats)


# ---------------------------------------------------------------------------
# scenario comparison
# ---------------------------------------------------------------------------

def run_labels(runs: Sequence[blocsim_io.Run]) -> List[str]:
    """Scenario names, made unique with the folder name when needed."""
    names = [r.name for r in runs]
    return [f"{n} ({r.path.name})" if names.count(n) > 1 else n
            for n, r in zip(names, runs)]


def plot_compare(runs: Sequence[blocsim_io.Run],
                 metrics: Optional[Sequence[str]] = None, weight: str = "gdp"):
    """Several runs on shared axes, one panel per metric.

    Each run's median across replicates is a line (gid ``<label>:<column>``)
    with its 50 % band; events are drawn in the colour of their run, or grey
    when all runs share them.

    Parameters
    ----------
    runs : sequence of blocsim_io.Run
    metrics : sequence of str, optional
        ``timeseries.csv`` columns (default: the power blocs' shares with
        ``weight``, fragmentation, interoperability, polarization_er).
    weight : {"count", "gdp", "pop"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = run_labels(runs)
    if not metrics:
        blocs = []
        for r in runs:
            blocs += [b for b in r.blocs if b not in blocs]
        metrics = [f"bloc_{weight}_{b}" for b in blocs] + \
            ["fragmentation", "interoperability", "polarization_er"]
    for r in runs:
        missing = [m for m in metrics if m not in r.timeseries.columns]
        if missing:
            raise UsageError(f"{r.path}: timeseries.csv has no column(s) "
                             f"{', '.join(missing)}")
    ncols = min(3, len(metrics))
    nrows = (len(metrics) + ncols - 1) // ncols
    fig, axes = figstyle.figure("double" if ncols > 1 else "single",
                                0.6 + 1.9 * nrows, nrows, ncols, sharex=True,
                                squeeze=False)
    axes = axes.ravel()
    names = {}
    for r in runs:
        names.update(r.power_names())
    ev_all = pd.concat([r.events.assign(run=i) for i, r in enumerate(runs)],
                       ignore_index=True)
    for k, (ax, col) in enumerate(zip(axes, metrics)):
        for i, (r, lab) in enumerate(zip(runs, labels)):
            band_plot(ax, quantiles(r.timeseries, col), f"{lab}:{col}", lab,
                      bands=("50",), **figstyle.run_style(i))
        if not ev_all.empty:
            for (date, text), grp in ev_all.groupby(["date", "label"], sort=False):
                shared = grp["run"].nunique() == len(runs)
                st = figstyle.run_style(0 if shared else int(grp["run"].iloc[0]))
                draw_events(ax, grp.iloc[:1], labels=(k == 0),
                            color="#555555" if shared else st["color"],
                            linestyle=(0, (2, 2)) if shared else (0, (1, 1)))
        ax.set_title(_metric_label(col, names))
        if col.startswith(("bloc_", "std_")):
            ax.set_ylim(0, 1)
        date_axis(ax)
        _panel_letter(ax, k)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    handles, labs = axes[0].get_legend_handles_labels()
    fig.legend(handles, labs, loc="lower center", ncol=min(len(labs), 4),
               bbox_to_anchor=(0.5, 1.0), handlelength=2.6,
               title="median across replicates, 50% band",
               title_fontsize=figstyle.FONT_SIZE - 1)
    figstyle.footer(fig, [f"{lab}: {figstyle.run_caption(r.meta)}"
                          for lab, r in zip(labels, runs)])
    return fig


def cmd_compare(args) -> List[Path]:
    runs = [blocsim_io.load_run(p, countries=False) for p in args.run_dirs]
    metrics = args.metrics.split(",") if args.metrics else None
    out = Path(args.out) if args.out else runs[0].path / "figures"
    stem = args.name or "compare_" + "_vs_".join(r.path.name for r in runs)[:80]
    return _save({stem: plot_compare(runs, metrics, args.weight)}, out,
                 args.formats)


# ---------------------------------------------------------------------------
# sweeps
# ---------------------------------------------------------------------------

def _short(param: str) -> str:
    return param.split(".", 1)[1] if param.count(".") >= 2 else param


def _check_sweep_args(sweep: blocsim_io.Sweep, params: Sequence[str],
                      metric: str) -> None:
    for p in params:
        if p not in sweep.parameters:
            raise UsageError(f"parameter {p!r} was not swept; swept: "
                             f"{', '.join(sweep.parameters)}")
    if f"{metric}_mean" not in sweep.points.columns:
        raise UsageError(f"metric {metric!r} not in points.csv; available: "
                         f"{', '.join(sweep.metrics)}")


def plot_sweep_heatmap(sweep: blocsim_io.Sweep, x: str, y: str, metric: str):
    """Phase diagram: replicate mean of ``metric`` over two parameters.

    On a full grid the cells are drawn with ``pcolormesh`` (equally spaced,
    labelled with the parameter values, annotated with the value); scattered
    designs (LHS, Saltelli) are drawn as coloured points. Points that differ
    only in other parameters are averaged.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _check_sweep_args(sweep, [x, y], metric)
    pts = sweep.points
    col = f"{metric}_mean"
    others = [p for p in sweep.parameters if p not in (x, y)
              and pts[p].nunique() > 1]
    table = pts.pivot_table(index=y, columns=x, values=col, aggfunc="mean")
    fig, ax = figstyle.figure("single", 3.0)
    grid = table.size <= len(pts) and table.notna().to_numpy().mean() > 0.75
    if grid:
        mesh = ax.pcolormesh(np.arange(table.shape[1] + 1),
                             np.arange(table.shape[0] + 1),
                             np.ma.masked_invalid(table.to_numpy()),
                             cmap="cividis", shading="flat")
        mesh.set_gid(f"heatmap:{metric}")
        ax.set_xticks(np.arange(table.shape[1]) + 0.5,
                      [f"{v:g}" for v in table.columns])
        ax.set_yticks(np.arange(table.shape[0]) + 0.5,
                      [f"{v:g}" for v in table.index])
        if table.size <= 80:
            vmin, vmax = np.nanmin(table.to_numpy()), np.nanmax(table.to_numpy())
            for (i, j), v in np.ndenumerate(table.to_numpy()):
                if np.isfinite(v):
                    light = (v - vmin) / (vmax - vmin + 1e-300) < 0.55
                    ax.text(j + 0.5, i + 0.5, f"{v:.2f}", ha="center",
                            va="center", fontsize=figstyle.FONT_SIZE - 2,
                            color="white" if light else "black")
    else:
        mesh = ax.scatter(pts[x], pts[y], c=pts[col], cmap="cividis", s=14,
                          edgecolors="none")
        mesh.set_gid(f"heatmap:{metric}")
    cb = fig.colorbar(mesh, ax=ax, shrink=0.9)
    cb.set_label(f"{metric} (replicate mean)")
    ax.set_xlabel(_short(x))
    ax.set_ylabel(_short(y))
    title = f"{metric}"
    if others:
        title += f"\n(averaged over {', '.join(_short(o) for o in others)})"
    ax.set_title(title)
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    figstyle.footer(fig, figstyle.sweep_caption(sweep.meta))
    return fig


def plot_sweep_line(sweep: blocsim_io.Sweep, x: str, metric: str,
                    by: Optional[str] = None):
    """``metric`` over one parameter: replicate mean with bands.

    With ``by``, one line per level of that parameter. Bands are the
    replicate quantiles of ``points.csv`` (q25–q75 and q05–q95) when each x
    value has one point; when other parameters vary too, points are averaged
    and the bands show the spread of point means.

    Returns
    -------
    matplotlib.figure.Figure
        Lines have gid ``line:<metric>`` or ``line:<metric>:<by value>``.
    """
    _check_sweep_args(sweep, [x] + ([by] if by else []), metric)
    pts = sweep.points.dropna(subset=[f"{metric}_mean"])
    fig, ax = figstyle.figure("single", 2.6)
    groups = [(None, pts)] if not by else list(pts.groupby(by))
    many = len(groups) > 1
    for i, (level, g) in enumerate(groups):
        st = figstyle.run_style(i)
        if g[x].is_unique:
            g = g.sort_values(x)
            xs = g[x].to_numpy()
            mid = g[f"{metric}_mean"].to_numpy()
            lo50, hi50 = g.get(f"{metric}_q25"), g.get(f"{metric}_q75")
            lo90, hi90 = g.get(f"{metric}_q05"), g.get(f"{metric}_q95")
        else:
            agg = g.groupby(x)[f"{metric}_mean"]
            xs = np.array(sorted(g[x].unique()))
            mid = agg.mean().to_numpy()
            lo50, hi50 = agg.quantile(0.25), agg.quantile(0.75)
            lo90, hi90 = agg.min(), agg.max()
        if lo90 is not None and not many:
            ax.fill_between(xs, np.asarray(lo90), np.asarray(hi90),
                            color=st["color"], alpha=0.12, linewidth=0)
        if lo50 is not None:
            ax.fill_between(xs, np.asarray(lo50), np.asarray(hi50),
                            color=st["color"], alpha=0.25, linewidth=0)
        lab = None if level is None else f"{_short(by)} = {level:g}"
        (line,) = ax.plot(xs, mid, marker="o", markersize=2.5, label=lab, **st)
        line.set_gid(f"line:{metric}" + ("" if level is None else f":{level:g}"))
    ax.set_xlabel(_short(x))
    ax.set_ylabel(f"{metric}")
    ax.set_title(f"{metric} (mean, " + ("50% band" if many else "50%/90% bands")
                 + ")")
    if many:
        ax.legend(loc="best", ncol=1 if len(groups) < 5 else 2)
    figstyle.footer(fig, figstyle.sweep_caption(sweep.meta))
    return fig


def plot_sobol(sweep: blocsim_io.Sweep, metrics: Optional[Sequence[str]] = None):
    """Sobol first-order (S1) and total (ST) indices with confidence intervals.

    Returns
    -------
    matplotlib.figure.Figure
        Bars have gid ``S1:<metric>`` / ``ST:<metric>`` on their containers'
        patches.
    """
    if sweep.sobol is None:
        raise UsageError(f"{sweep.path}: no sobol.csv (not a Saltelli design)")
    sob = sweep.sobol
    all_metrics = list(dict.fromkeys(sob["metric"]))
    metrics = [m for m in (metrics or all_metrics)]
    unknown = [m for m in metrics if m not in all_metrics]
    if unknown:
        raise UsageError(f"sobol.csv has no metric {unknown[0]!r}; available: "
                         f"{', '.join(all_metrics)}")
    params = list(dict.fromkeys(sob["parameter"]))
    ncols = min(3, len(metrics))
    nrows = (len(metrics) + ncols - 1) // ncols
    fig, axes = figstyle.figure("double" if ncols > 1 else "single",
                                0.7 + (0.45 + 0.28 * len(params)) * nrows,
                                nrows, ncols, sharey=True, squeeze=False)
    axes = axes.ravel()
    yy = np.arange(len(params))
    h = 0.38
    for k, (ax, m) in enumerate(zip(axes, metrics)):
        d = sob[sob["metric"] == m].set_index("parameter").reindex(params)
        for j, (idx, fc, hat) in enumerate((("S1", "#0072B2", ""),
                                            ("ST", "#E69F00", "///"))):
            err = np.vstack([(d[idx] - d[f"{idx}_lo"]).clip(lower=0),
                             (d[f"{idx}_hi"] - d[idx]).clip(lower=0)])
            bars = ax.barh(yy + (j - 0.5) * h, d[idx], height=h, color=fc,
                           hatch=hat, edgecolor="black", linewidth=0.4,
                           xerr=err, error_kw=dict(elinewidth=0.6, capsize=1.5),
                           label={"S1": "first order S1", "ST": "total ST"}[idx])
            for patch in bars.patches:
                patch.set_gid(f"{idx}:{m}")
        ax.axvline(0, color="black", linewidth=0.5)
        ax.set_yticks(yy, [_short(p) for p in params])
        if k == 0:
            ax.invert_yaxis()
        ax.set_title(m)
        ax.set_xlabel("Sobol index (bars: CI lo–hi)")
        if len(metrics) > 1:
            _panel_letter(ax, k)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2,
               bbox_to_anchor=(0.5, 1.0))
    figstyle.footer(fig, figstyle.sweep_caption(sweep.meta))
    return fig


def cmd_sweep(args) -> List[Path]:
    sweep = blocsim_io.load_sweep(args.sweep_dir)
    params = sweep.parameters
    if not params:
        raise UsageError(f"{sweep.path}: metadata lists no parameters")
    metric = args.metric or (sweep.metrics[0] if sweep.metrics else None)
    if metric is None:
        raise UsageError(f"{sweep.path}: no summary metrics in points.csv")
    x = args.x or params[0]
    y = args.y or next((p for p in params if p != x), None)
    out = Path(args.out) if args.out else sweep.path / "figures"
    figs = {}
    safe = metric.replace("/", "_")
    if y is not None:
        figs[f"sweep_heatmap_{safe}"] = plot_sweep_heatmap(sweep, x, y, metric)
    by = args.by
    if by is None and y is not None and sweep.points[y].nunique() <= 8 \
            and len(params) == 2:
        by = y
    figs[f"sweep_line_{safe}"] = plot_sweep_line(sweep, x, metric, by)
    if sweep.sobol is not None:
        figs["sobol"] = plot_sobol(sweep, [args.metric] if args.metric else None)
    return _save(figs, out, args.formats)


# ---------------------------------------------------------------------------
# country trajectories
# ---------------------------------------------------------------------------

def plot_countries(run: blocsim_io.Run, isos: Sequence[str], what: str = "both"):
    """Trajectories of chosen countries: choice utility per bloc and identity.

    One row per country; medians across replicates (gid
    ``<ISO3>:utility_<b>`` / ``<ISO3>:<dimension>``) with 50 % bands.

    Returns
    -------
    matplotlib.figure.Figure
    """
    _require_countries(run)
    c = run.countries
    known = set(c["iso3"])
    missing = [i for i in isos if i not in known]
    if missing:
        raise UsageError(f"country {', '.join(missing)} not in countries.csv "
                         f"(e.g. {', '.join(sorted(known)[:8])}, ...)")
    kinds = {"both": ["utility", "identity"], "utility": ["utility"],
             "identity": ["identity"]}[what]
    ucols = [f"utility_{b}" for b in run.blocs if f"utility_{b}" in c.columns]
    dims = [d for d in run.dimensions if d in c.columns]
    names = run.power_names()
    fig, axes = figstyle.figure("double" if len(kinds) == 2 else "single",
                                0.5 + 1.6 * len(isos), len(isos), len(kinds),
                                sharex=True, squeeze=False)
    n = c["tick"].nunique()
    for r, iso in enumerate(isos):
        d = c[c["iso3"] == iso]
        for k, kind in enumerate(kinds):
            ax = axes[r, k]
            if kind == "utility":
                for col in ucols:
                    b = col[len("utility_"):]
                    band_plot(ax, quantiles(d, col), f"{iso}:{col}",
                              figstyle.label(b, names), bands=("50",),
                              **figstyle.series_style(b, n))
                ax.set_ylabel(f"{iso}\nutility U_ib")
            else:
                for j, dim in enumerate(dims):
                    band_plot(ax, quantiles(d, dim), f"{iso}:{dim}", dim,
                              bands=("50",), **figstyle.run_style(j))
                ax.set_ylabel(f"{iso}\nidentity")
                ax.set_ylim(0, 1)
            draw_events(ax, run.events, labels=(r == 0))
            date_axis(ax)
            if r == 0:
                ax.set_title("Choice utility per bloc" if kind == "utility"
                             else "Identity dimensions")
                ax.legend(loc="lower left", ncol=len(ucols if kind == "utility"
                                                     else dims),
                          fontsize=figstyle.FONT_SIZE - 2, handlelength=2.2,
                          bbox_to_anchor=(0, 1.12), borderaxespad=0)
    figstyle.footer(fig, figstyle.run_caption(run.meta) +
                    " · median, 50% band across replicates")
    return fig


def cmd_countries(args) -> List[Path]:
    run = blocsim_io.load_run(args.run_dir)
    isos = [s.strip().upper() for s in args.countries.split(",") if s.strip()]
    if not isos:
        raise UsageError("--countries: give at least one ISO3 code")
    out = Path(args.out) if args.out else run.path / "figures"
    stem = "countries_" + "_".join(isos)[:60]
    return _save({stem: plot_countries(run, isos, args.what)}, out, args.formats)


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# calibration figures (`blocsim calibrate`, docs/ODD.md "Calibration")
# ---------------------------------------------------------------------------

_CLASS_COLORS = {"nonaligned": "#999999"}


def _class_color(label: str, i: int) -> str:
    return _CLASS_COLORS.get(label, ("#c0392b", "#2c6fbb", "#27ae60")[i % 3])


def _wquantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    o = np.argsort(x)
    x, w = x[o], w[o]
    c = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, c, x))


def plot_posterior_marginals(cal: blocsim_io.Calibration):
    """Weighted posterior histogram per parameter over its prior range, with the
    median and the 90 % interval (log axis for log-uniform priors)."""
    params = cal.parameters
    n = len(params)
    ncol = min(3, n)
    nrow = int(np.ceil(n / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(figstyle.DOUBLE, 1.9 * nrow), squeeze=False)
    w = cal.posterior["weight"].to_numpy()
    for i, prm in enumerate(params):
        ax = axes[i // ncol][i % ncol]
        row = cal.summary.iloc[i]
        x = cal.posterior[prm].to_numpy()
        log = str(row.get("prior", "")) == "log_uniform"
        lo, hi = float(row["min"]), float(row["max"])
        bins = np.geomspace(lo, hi, 31) if log else np.linspace(lo, hi, 31)
        ax.hist(x, bins=bins, weights=w, color="#2c6fbb", alpha=0.8)
        if log:
            ax.set_xscale("log")
        for v, ls in ((row["median"], "-"), (row["q05"], "--"), (row["q95"], "--")):
            ax.axvline(v, color="k", lw=0.8, ls=ls)
        ax.set_xlim(lo, hi)
        ax.set_title(_short(prm), fontsize=figstyle.FONT_SIZE)
        ax.set_yticks([])
        _panel_letter(ax, i)
    for j in range(n, nrow * ncol):
        axes[j // ncol][j % ncol].axis("off")
    fig.supylabel("posterior weight")
    fig.tight_layout()
    return fig


def plot_posterior_pairs(cal: blocsim_io.Calibration):
    """Pair plot: weighted particles for every pair of parameters (lower triangle),
    marginal histograms on the diagonal."""
    params = cal.parameters
    n = len(params)
    size = min(figstyle.DOUBLE, 1.3 * n + 0.6)
    fig, axes = plt.subplots(n, n, figsize=(size, size), squeeze=False)
    w = cal.posterior["weight"].to_numpy()
    s = 40 * w / w.max()
    logs = [str(r) == "log_uniform" for r in cal.summary.get("prior", [""] * n)]
    for i in range(n):
        for j in range(n):
            ax = axes[i][j]
            if j > i:
                ax.axis("off")
                continue
            xi = cal.posterior[params[j]].to_numpy()
            if i == j:
                ax.hist(xi, bins=20, weights=w, color="#2c6fbb")
                ax.set_yticks([])
            else:
                yi = cal.posterior[params[i]].to_numpy()
                ax.scatter(xi, yi, s=s, color="#2c6fbb", alpha=0.5, lw=0)
                if logs[i]:
                    ax.set_yscale("log")
            if logs[j]:
                ax.set_xscale("log")
            if i == n - 1:
                ax.set_xlabel(_short(params[j]), fontsize=figstyle.FONT_SIZE - 2)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(_short(params[i]), fontsize=figstyle.FONT_SIZE - 2)
            elif j > 0:
                ax.set_yticklabels([])
            ax.tick_params(labelsize=figstyle.FONT_SIZE - 3)
    fig.tight_layout(pad=0.3)
    return fig


def plot_hindcast(cal: blocsim_io.Calibration):
    """Hindcast vs observed over time: class shares of the posterior predictive
    (median and 90 % band over draws) and the observed shares, held-out years
    shaded; second panel: the Spearman correlation of the model's US-minus-China
    score with the observed axis per year."""
    if cal.ppc is None:
        raise UsageError(f"{cal.path}: no ppc.csv (calibration ran with predictive: 0)")
    classes = cal.classes
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(figstyle.DOUBLE, 2.6))
    years = sorted(cal.ppc["year"].unique())
    held = sorted(cal.ppc.loc[cal.ppc["set"] == "held_out", "year"].unique())
    for ax in (a1, a2):
        if held:
            ax.axvspan(min(held) - 0.5, max(held) + 0.5, color="#f0e6c8", zorder=0, label="held out")
    for i, c in enumerate(classes):
        g = cal.ppc.groupby("year")["share_" + c]
        col = _class_color(c, i)
        a1.fill_between(years, g.quantile(0.05), g.quantile(0.95), color=col, alpha=0.25, lw=0)
        a1.plot(years, g.median(), color=col, lw=1.2, label=f"model {c}")
        obs = cal.ppc.groupby("year")["obs_share_" + c].first()
        a1.plot(years, obs, "o--", color=col, ms=3.5, lw=0.8, label=f"observed {c}")
    a1.set_ylabel("share of countries")
    a1.set_ylim(0, 1)
    a1.set_xticks(years)
    a1.legend(fontsize=figstyle.FONT_SIZE - 3, ncol=2, frameon=False)
    rho = 1 - cal.ppc.groupby("year")["spearman"].describe(percentiles=[0.05, 0.5, 0.95])
    a2.fill_between(years, rho["95%"], rho["5%"], color="#2c6fbb", alpha=0.25, lw=0)
    a2.plot(years, rho["50%"], color="#2c6fbb")
    a2.axhline(0, color="k", lw=0.5)
    a2.set_ylabel("Spearman ρ (model score vs UNGA axis)")
    a2.set_xticks(years)
    for i, ax in enumerate((a1, a2)):
        _panel_letter(ax, i)
    fig.tight_layout()
    return fig


def plot_ppc(cal: blocsim_io.Calibration):
    """Posterior-predictive check per country: the model's predicted score
    P(high) - P(low) against the observed axis, for the last fitted and the last
    held-out year, coloured by the observed class."""
    if cal.countries is None:
        raise UsageError(f"{cal.path}: no predictive_countries.csv")
    classes = cal.classes
    d = cal.countries
    picks = []
    for st in ("fit", "held_out"):
        ys = d.loc[d["set"] == st, "year"]
        if len(ys):
            picks.append((st, int(ys.max())))
    fig, axes = plt.subplots(1, len(picks), figsize=(figstyle.DOUBLE, 2.8), squeeze=False)
    for k, (st, y) in enumerate(picks):
        ax = axes[0][k]
        g = d[(d["year"] == y)]
        score = g["p_" + classes[2]] - g["p_" + classes[1]]
        for i, c in enumerate(classes):
            m = g["observed"] == c
            ax.scatter(g.loc[m, "axis"], score[m], s=9, color=_class_color(c, i), label=f"observed {c}")
        ax.set_xlabel(f"UNGA axis {y} ({'held out' if st == 'held_out' else 'fitted'})")
        ax.set_ylabel(f"P({classes[2]}) − P({classes[1]})")
        ax.axhline(0, color="k", lw=0.4)
        _panel_letter(ax, k)
    axes[0][0].legend(fontsize=figstyle.FONT_SIZE - 3, frameon=False)
    fig.tight_layout()
    return fig


def reliability_table(probs: np.ndarray, hits: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Reliability table: per probability bin the mean forecast, the observed
    frequency and the count (all classes pooled, one row per forecast)."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(probs, edges) - 1, 0, bins - 1)
    rows = []
    for b in range(bins):
        m = idx == b
        if m.any():
            rows.append((edges[b], edges[b + 1], probs[m].mean(), hits[m].mean(), int(m.sum())))
    return pd.DataFrame(rows, columns=["lo", "hi", "forecast", "observed", "n"])


def plot_reliability(cal: blocsim_io.Calibration):
    """Reliability diagram of the held-out (or, without held-out years, fitted)
    class probabilities, and a map of per-country misses 1 - P(observed class)
    in the last of those years."""
    if cal.countries is None:
        raise UsageError(f"{cal.path}: no predictive_countries.csv")
    classes = cal.classes
    d = cal.countries
    st = "held_out" if (d["set"] == "held_out").any() else "fit"
    g = d[d["set"] == st]
    probs = np.concatenate([g["p_" + c].to_numpy() for c in classes])
    hits = np.concatenate([(g["observed"] == c).to_numpy(float) for c in classes])
    tab = reliability_table(probs, hits)
    year = int(g["year"].max())
    last = g[g["year"] == year].copy()
    last["miss"] = 1 - np.choose(
        [classes.index(c) for c in last["observed"]],
        [last["p_" + c].to_numpy() for c in classes])
    return reliability_and_misses(tab, last[["iso3", "miss"]],
                                  f"{'held-out' if st == 'held_out' else 'fitted'} years",
                                  f"1 − P(observed class), {year}")


def reliability_and_misses(tab: pd.DataFrame, misses: pd.DataFrame, title: str, map_label: str):
    """Two panels: reliability diagram of ``tab`` (columns forecast, observed,
    n) and a world map of ``misses`` (columns iso3, miss in [0, 1]). Shared by
    ``tools/plot calibration`` and ``tools/plot score``."""
    fig = plt.figure(figsize=(figstyle.DOUBLE, 3.0))
    a1 = fig.add_axes([0.07, 0.15, 0.25, 0.75])
    a1.plot([0, 1], [0, 1], color="k", lw=0.5)
    a1.plot(tab["forecast"], tab["observed"], "o-", color="#2c6fbb", ms=3)
    for _, r in tab.iterrows():
        a1.annotate(str(int(r["n"])), (r["forecast"], r["observed"]), fontsize=figstyle.FONT_SIZE - 4,
                    xytext=(2, -7), textcoords="offset points")
    a1.set_xlim(0, 1)
    a1.set_ylim(0, 1)
    a1.set_xlabel("forecast probability")
    a1.set_ylabel("observed frequency")
    a1.set_title(title, fontsize=figstyle.FONT_SIZE)
    _panel_letter(a1, 0)
    a2 = fig.add_axes([0.36, 0.05, 0.62, 0.9])
    try:
        world = load_world().copy()
    except SystemExit as exc:  # no world-atlas: the diagram alone, with a note
        a2.axis("off")
        a2.text(0.5, 0.5, "map needs the npm package world-atlas\n" + str(exc).splitlines()[0],
                ha="center", va="center", fontsize=figstyle.FONT_SIZE - 3)
        return fig
    misses = misses.copy()
    misses["iso3"] = [_ISO_ALIAS.get(i, i) for i in misses["iso3"]]
    world = world.merge(misses[["iso3", "miss"]], on="iso3", how="left")
    world.plot(ax=a2, color="#eeeeee", edgecolor="white", linewidth=0.2)
    sub = world[world["miss"].notna()]
    sub.plot(ax=a2, column="miss", cmap="Reds", vmin=0, vmax=1, edgecolor="white", linewidth=0.2,
             legend=True, legend_kwds={"shrink": 0.5, "label": map_label})
    a2.set_axis_off()
    _panel_letter(a2, 1)
    return fig


def cmd_score(args) -> List[Path]:
    """Reliability diagram and per-country misses map of a `blocsim score --out DIR` folder."""
    path = Path(args.score_dir)
    for f in ("reliability.csv", "countries.csv", "score.yaml"):
        if not (path / f).is_file():
            raise UsageError(f"{path}: no {f} (write it with `blocsim score RUN OBSERVED --out {path}`)")
    rel = pd.read_csv(path / "reliability.csv")
    cty = pd.read_csv(path / "countries.csv", keep_default_na=False, na_values=[""])
    meta = {}
    for line in (path / "score.yaml").read_text().splitlines():
        k, _, v = line.partition(":")
        meta[k.strip()] = v.strip()
    model = rel["predictor"].iloc[0] if len(rel) else None
    tab = rel[rel["predictor"] == model]
    if tab.empty:
        raise UsageError(f"{path}/reliability.csv: no rows")
    binary = meta.get("binary") == "true"
    classes = [c for c in cty.columns if c.startswith("p_")]
    what = f"P({classes[-1][2:]})" if binary else "class probabilities, pooled"
    fig = reliability_and_misses(tab, cty[["iso3", "miss"]],
                                 f"{meta.get('date', '')}: {what}",
                                 "1 − P(observed class)")
    out = Path(args.out) if args.out else path / "figures"
    return _save({"score_reliability": fig}, out, args.formats)


def cmd_calibration(args) -> List[Path]:
    cal = blocsim_io.load_calibration(args.calib_dir)
    out = Path(args.out) if args.out else cal.path / "figures"
    figs = {"posterior_marginals": plot_posterior_marginals(cal)}
    if len(cal.parameters) > 1:
        figs["posterior_pairs"] = plot_posterior_pairs(cal)
    if cal.ppc is not None:
        figs["hindcast"] = plot_hindcast(cal)
        figs["ppc_countries"] = plot_ppc(cal)
        figs["reliability"] = plot_reliability(cal)
    return _save(figs, out, args.formats)


def _formats(text: str) -> List[str]:
    fmts = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in fmts if f not in ("png", "pdf", "svg", "eps")]
    if bad or not fmts:
        raise argparse.ArgumentTypeError(
            f"unknown format {bad[0] if bad else text!r} (use png, pdf, svg, eps)")
    return fmts


def _tick(text: str):
    try:
        return ("tick", int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a tick number: {text!r}")


def _date(text: str):
    if blocsim_io.parse_dates([text]).isna().iloc[0]:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM date: {text!r}")
    return ("date", text)


def build_parser() -> argparse.ArgumentParser:
    """The ``tools/plot`` argument parser."""
    p = argparse.ArgumentParser(
        prog="tools/plot",
        description="Publication figures from BlocSim run and sweep folders "
                    "(PNG 300 dpi and vector PDF).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sp, what):
        sp.add_argument("--out", metavar="DIR",
                        help=f"output folder (default: {what}/figures)")
        sp.add_argument("--format", dest="formats", type=_formats,
                        default=["png", "pdf"], metavar="FMT[,FMT]",
                        help="output formats, comma-separated (default: png,pdf)")

    sp = sub.add_parser("run", help="bloc shares, standards, polarization over "
                        "time (median and bands across replicates)",
                        description="Writes blocs, standards and polarization "
                        "figures for one run folder.")
    sp.add_argument("run_dir", metavar="RUN_DIR")
    common(sp, "RUN_DIR")
    sp.set_defaults(func=cmd_run)

    sp = sub.add_parser("map", help="world choropleth of alignment or standard",
                        description="Choropleth of the modal alignment (or "
                        "standard) across replicates, paler where replicates "
                        "disagree; several --tick/--date give several panels "
                        "(default: last recorded tick).")
    sp.add_argument("run_dir", metavar="RUN_DIR")
    sp.add_argument("--tick", dest="when", action="append", type=_tick,
                    metavar="T", help="tick to show (repeatable)")
    sp.add_argument("--date", dest="when", action="append", type=_date,
                    metavar="YYYY-MM", help="date to show (repeatable)")
    sp.add_argument("--what", choices=("alignment", "standard"),
                    default="alignment", help="what to colour (default: alignment)")
    common(sp, "RUN_DIR")
    sp.set_defaults(func=cmd_map)

    sp = sub.add_parser("compare", help="several runs on shared axes",
                        description="Medians and 50%% bands of several runs on "
                        "shared axes; labels are the scenario names.")
    sp.add_argument("run_dirs", metavar="RUN_DIR", nargs="+")
    sp.add_argument("--metrics", metavar="COL[,COL]",
                    help="timeseries.csv columns, one panel each (default: "
                    "bloc shares, fragmentation, interoperability, "
                    "polarization_er)")
    sp.add_argument("--weight", choices=("count", "gdp", "pop"), default="gdp",
                    help="weight of the default bloc-share panels (default: gdp)")
    sp.add_argument("--name", help="file name stem (default: compare_A_vs_B)")
    common(sp, "first RUN_DIR")
    sp.set_defaults(func=cmd_compare)

    sp = sub.add_parser("sweep", help="phase diagram, line plot, Sobol indices",
                        description="Heatmap of a metric's replicate mean over "
                        "two parameters, line plot with bands over one, and "
                        "Sobol bar chart when sobol.csv exists.")
    sp.add_argument("sweep_dir", metavar="SWEEP_DIR")
    sp.add_argument("--x", metavar="PARAM", help="x parameter (default: first)")
    sp.add_argument("--y", metavar="PARAM", help="y parameter (default: second)")
    sp.add_argument("--by", metavar="PARAM", help="one line per level of PARAM "
                    "in the line plot (default: --y on a 2-parameter sweep)")
    sp.add_argument("--metric", metavar="M", help="summary name, e.g. "
                    "bloc_count_cn_final (default: first in metadata)")
    common(sp, "SWEEP_DIR")
    sp.set_defaults(func=cmd_sweep)

    sp = sub.add_parser("countries", help="trajectories of chosen countries",
                        description="Choice utility per bloc and identity "
                        "dimensions of chosen countries over time.")
    sp.add_argument("run_dir", metavar="RUN_DIR")
    sp.add_argument("--countries", required=True, metavar="ISO3[,ISO3]",
                    help="e.g. IND,BRA,IDN")
    sp.add_argument("--what", choices=("both", "utility", "identity"),
                    default="both")
    common(sp, "RUN_DIR")
    sp.set_defaults(func=cmd_countries)

    sp = sub.add_parser("calibration", help="posterior marginals and pairs, hindcast, "
                        "posterior-predictive check, reliability and misses map",
                        description="Figures of a `blocsim calibrate` folder.")
    sp.add_argument("calib_dir", metavar="CALIB_DIR")
    common(sp, "CALIB_DIR")
    sp.set_defaults(func=cmd_calibration)

    sp = sub.add_parser("score", help="reliability diagram and misses map of a "
                        "`blocsim score --out DIR` folder",
                        description="Reliability diagram of BlocSim's forecast "
                        "and a world map of per-country misses 1 - P(observed class).")
    sp.add_argument("score_dir", metavar="SCORE_DIR")
    common(sp, "SCORE_DIR")
    sp.set_defaults(func=cmd_score)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``tools/plot``; returns the exit code (0 ok, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        paths = args.func(args)
    except (FormatError, UsageError) as exc:
        print(f"tools/plot {args.command}: error: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
