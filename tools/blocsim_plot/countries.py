"""Country figures (``tools/plot countries``): chosen countries over time.

Per country, choice utility per bloc and identity dimensions, medians across
replicates with 50 % bands.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

import blocsim_io
import figstyle

from .common import (UsageError, _require_countries, _save, band_plot, date_axis,
                     draw_events, quantiles)


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

