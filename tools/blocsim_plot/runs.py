"""Run figures (``tools/plot run``): one run folder's time series.

Bloc shares (by count, GDP, population), standards shares with fragmentation
and interoperability, and polarization over time; medians across replicates
with 50 %/90 % bands and timeline events.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import blocsim_io
import figstyle
from matplotlib.patches import Patch

from .common import (METRIC_LABELS, WEIGHTS, _panel_letter, _save, band_plot,
                     date_axis, draw_events, quantiles)


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
