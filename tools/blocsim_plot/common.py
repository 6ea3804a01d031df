"""Shared figure helpers: what every figure family of ``tools/plot`` uses.

Metric labels and weights, replicate quantiles and median-with-bands lines,
date axes, timeline event marks, panel letters, the :class:`UsageError` a
command-line value raises when it does not fit the data, and saving figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional

import pandas as pd

import figstyle  # (selects the Agg backend before pyplot is imported)

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

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


def _require_countries(run):
    """Raise UsageError unless the run recorded countries.csv."""
    if run.countries is None:
        raise UsageError(f"{run.path}: no countries.csv (the run was made with "
                         "outputs.countries: false)")


def _short(param: str) -> str:
    return param.split(".", 1)[1] if param.count(".") >= 2 else param
