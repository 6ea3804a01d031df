"""Forecast reliability figures (``tools/plot score``): how well stated
probabilities match what was observed.

The reliability table and the two-panel figure (reliability diagram and a
world map of per-country misses 1 - P(observed class)) shared by
``tools/plot score`` (a ``blocsim score --out`` folder) and the
``reliability`` figure of ``tools/plot calibration``.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np
import pandas as pd

import figstyle

import matplotlib.pyplot as plt  # noqa: E402

from .common import UsageError, _panel_letter, _save
from .world import _ISO_ALIAS, load_world


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
    a2 = fig.add_axes([0.36, 0.14, 0.63, 0.82])
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
             legend=True, legend_kwds={"shrink": 0.45, "label": map_label, "orientation": "horizontal",
                                       "pad": 0.02, "aspect": 30})
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
