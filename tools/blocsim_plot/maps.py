"""Map figures (``tools/plot map``): choropleths of alignment or standard.

Resolves ticks/dates to recorded ticks, lays out one row per date with the
states too small for the map listed beside it, and colours countries by
their modal bloc (or standard), paler where replicates disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd

import blocsim_io
import figstyle

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from .common import UsageError, _require_countries, _save
from .world import _ISO_ALIAS, load_world, modal_labels

_NO_DATA = "#FFFFFF"


def _short_label(key: str) -> str:
    return {"nonaligned": "NA", "intl": "INTL"}.get(key, key.upper())


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
