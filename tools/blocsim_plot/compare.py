"""Comparison figures (``tools/plot compare``): several runs on shared axes.

One panel per metric, each run's median with its 50 % band, runs labelled by
scenario name; events grey when every run shares them, in the run's colour
otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence

import pandas as pd

import blocsim_io
import figstyle

from .common import (UsageError, _metric_label, _panel_letter, _save, band_plot,
                     date_axis, draw_events, quantiles)


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
