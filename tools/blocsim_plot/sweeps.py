"""Sweep figures (``tools/plot sweep``): a sweep folder's summaries.

Phase diagram of a metric over two parameters (grid cells or scattered
design points), the metric over one parameter with replicate bands, and
Sobol first-order/total indices when ``sobol.csv`` exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

import blocsim_io
import figstyle

from .common import UsageError, _panel_letter, _save, _short


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
