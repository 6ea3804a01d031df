"""Calibration figures (``tools/plot calibration``): a ``blocsim calibrate``
folder (docs/ODD.md "Calibration").

Posterior marginals and pairs, the hindcast against observed class shares,
the per-country posterior-predictive check, and the reliability diagram with
its misses map (drawn by :mod:`blocsim_plot.score`).
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import numpy as np

import blocsim_io
import figstyle

import matplotlib.pyplot as plt  # noqa: E402

from .common import UsageError, _panel_letter, _save, _short
from .score import reliability_and_misses, reliability_table

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
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(figstyle.DOUBLE, 3.1))
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
    # legend below both panels, so it hides no observation
    handles, labels = a1.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False, fontsize=figstyle.FONT_SIZE - 3)
    rho = 1 - cal.ppc.groupby("year")["spearman"].describe(percentiles=[0.05, 0.5, 0.95])
    a2.fill_between(years, rho["95%"], rho["5%"], color="#2c6fbb", alpha=0.25, lw=0)
    a2.plot(years, rho["50%"], color="#2c6fbb")
    a2.axhline(0, color="k", lw=0.5)
    a2.set_ylabel("Spearman ρ with UNGA axis")
    a2.set_xticks(years)
    for i, ax in enumerate((a1, a2)):
        _panel_letter(ax, i)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
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
