"""One figure style for every BlocSim figure.

* Colour-blind-safe Okabe–Ito colours, and for greyscale prints a line style,
  marker and hatch per bloc.
* Fixed colours per bloc/standard label (``nonaligned``/``intl`` grey, ``us``
  blue, ``cn`` vermillion, ``eu`` bluish green, ``in`` orange, ...); unknown
  ids get a colour chosen by a stable hash of the id, so they are the same in
  every figure and every session.
* Sizes for a two-column journal page: single column 3.5 in, double 7.2 in,
  8-pt fonts.
* :func:`footer` writes a small caption (scenario, seeds, replicates, BlocSim
  version) and :func:`save` writes PNG (300 dpi) and vector PDF.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import colors as mcolors  # noqa: E402

__all__ = [
    "SINGLE", "DOUBLE", "FONT_SIZE", "OKABE_ITO", "apply", "figure",
    "color", "linestyle", "marker", "hatch", "label", "series_style",
    "run_style", "footer", "run_caption", "sweep_caption", "save", "lighten",
]

#: Single-column width (inches).
SINGLE = 3.5
#: Double-column width (inches).
DOUBLE = 7.2
#: Base font size (points).
FONT_SIZE = 8

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "skyblue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}

# Fixed styles for known labels (blocs and standards share power ids).
_KNOWN = {
    "nonaligned": ("grey", ":", "o", ""),
    "intl": ("grey", ":", "o", ""),
    "us": ("blue", "-", "s", "///"),
    "cn": ("vermillion", "--", "^", "\\\\\\"),
    "eu": ("green", "-.", "D", "..."),
    "in": ("orange", (0, (5, 1, 1, 1, 1, 1)), "v", "xxx"),
    "ru": ("purple", (0, (1, 1)), "P", "+++"),
    "jp": ("skyblue", (0, (3, 1, 1, 1)), "X", "ooo"),
    "gb": ("black", (0, (6, 2)), "*", "---"),
    "uk": ("black", (0, (6, 2)), "*", "---"),
}
# Fallbacks for other ids (picked by a stable hash of the id).
_EXTRA_COLORS = ["#882255", "#44AA99", "#DDCC77", "#117733", "#332288",
                 "#AA4499", "#88CCEE", "#661100"]
_EXTRA_LINES = ["-", "--", "-.", (0, (3, 1, 1, 1, 1, 1)), (0, (8, 2))]
_EXTRA_MARKERS = ["h", "p", "<", ">", "d", "8"]
_EXTRA_HATCHES = ["||", "--", "oo", "**", "xx\\\\", "//.."]

_DISPLAY = {"nonaligned": "Non-aligned", "intl": "International"}

# Styles for runs in comparison plots (ordered, not per bloc).
_RUN_COLORS = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#CC79A7",
               "#0072B2", "#D55E00", "#F0E442"]
_RUN_LINES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2))]


def _hash(key: str) -> int:
    return zlib.crc32(key.encode("utf-8"))


def color(label: str) -> str:
    """Fixed colour for a bloc/standard label (stable for unknown ids)."""
    if label in _KNOWN:
        return OKABE_ITO[_KNOWN[label][0]]
    return _EXTRA_COLORS[_hash(label) % len(_EXTRA_COLORS)]


def linestyle(label: str):
    """Fixed line style for a bloc/standard label."""
    if label in _KNOWN:
        return _KNOWN[label][1]
    return _EXTRA_LINES[_hash(label) // 7 % len(_EXTRA_LINES)]


def marker(label: str) -> str:
    """Fixed marker for a bloc/standard label."""
    if label in _KNOWN:
        return _KNOWN[label][2]
    return _EXTRA_MARKERS[_hash(label) // 11 % len(_EXTRA_MARKERS)]


def hatch(label: str) -> str:
    """Fixed hatch pattern for a bloc/standard label (for greyscale maps)."""
    if label in _KNOWN:
        return _KNOWN[label][3]
    return _EXTRA_HATCHES[_hash(label) // 13 % len(_EXTRA_HATCHES)]


def label(key: str, names: Mapping[str, str] | None = None) -> str:
    """Display name of a bloc/standard label (power names from metadata)."""
    if key in _DISPLAY:
        return _DISPLAY[key]
    if names and key in names:
        return names[key]
    return key.upper()


def series_style(key: str, n_points: int = 0) -> Dict[str, Any]:
    """Keyword arguments for ``Axes.plot`` of a bloc/standard series."""
    kw = dict(color=color(key), linestyle=linestyle(key), linewidth=1.2)
    if n_points:
        kw.update(marker=marker(key), markersize=3,
                  markevery=max(1, n_points // 8))
    return kw


def run_style(i: int) -> Dict[str, Any]:
    """Keyword arguments for the i-th run in a comparison plot."""
    return dict(color=_RUN_COLORS[i % len(_RUN_COLORS)],
                linestyle=_RUN_LINES[i % len(_RUN_LINES)], linewidth=1.2)


def lighten(col: str, amount: float) -> tuple:
    """Blend ``col`` towards white; ``amount`` = 1 keeps it, 0 gives white."""
    r, g, b = mcolors.to_rgb(col)
    a = min(max(float(amount), 0.0), 1.0)
    return (1 - a + a * r, 1 - a + a * g, 1 - a + a * b)


def apply() -> None:
    """Set the matplotlib rcParams of the BlocSim style."""
    plt.rcParams.update({
        "font.size": FONT_SIZE,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
        "axes.titlesize": FONT_SIZE,
        "axes.labelsize": FONT_SIZE,
        "xtick.labelsize": FONT_SIZE - 1,
        "ytick.labelsize": FONT_SIZE - 1,
        "legend.fontsize": FONT_SIZE - 1,
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "lines.linewidth": 1.2,
        "hatch.linewidth": 0.5,
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "pdf.fonttype": 42,     # embed TrueType (editable text in PDF)
        "ps.fonttype": 42,
        "axes.prop_cycle": matplotlib.cycler(color=_RUN_COLORS),
    })


def figure(width: str | float = "single", height: float | None = None,
           nrows: int = 1, ncols: int = 1, **kwargs):
    """Create a figure sized for a journal column.

    Parameters
    ----------
    width : {"single", "double"} or float
        Column width or explicit width in inches.
    height : float, optional
        Height in inches (default: 2.2 in per row of panels).
    nrows, ncols : int
        Panel grid, passed to :func:`matplotlib.pyplot.subplots`.
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots`.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or array of Axes
    """
    apply()
    w = {"single": SINGLE, "double": DOUBLE}.get(width, width)
    h = height if height is not None else 0.4 + 1.9 * nrows
    kwargs.setdefault("constrained_layout", True)
    return plt.subplots(nrows, ncols, figsize=(float(w), h), **kwargs)


def _seed_text(seeds: Sequence[Any], root: Any) -> str:
    seeds = [s for s in (seeds or [])]
    if not seeds:
        return f"seed {root}" if root is not None else "seed ?"
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if len(seeds) <= 3:
        return "seeds " + ", ".join(str(s) for s in seeds)
    if root is not None:
        return f"seeds: root {root}"
    return f"{len(seeds)} seeds"


def run_caption(meta: Mapping[str, Any]) -> str:
    """Caption text for a run: scenario, seeds, replicates, BlocSim version."""
    scen = meta.get("scenario") or {}
    name = scen.get("name") if isinstance(scen, dict) else scen
    parts = [f"scenario {name or '?'}"]
    if meta.get("overrides"):
        parts.append("set " + ", ".join(str(o) for o in meta["overrides"]))
    reps = meta.get("replicates")
    seeds = list(meta.get("seeds") or [])
    reps_text = f"{reps} replicate{'s' if reps != 1 else ''}"
    if len(seeds) > 3 and meta.get("seed") is not None:
        # per-replicate seeds derive from the root seed: name only the root
        parts.append(f"seeds: root {meta['seed']}, {reps_text}")
    else:
        parts.append(_seed_text(seeds, meta.get("seed")))
        parts.append(reps_text)
    parts.append(_version_text(meta))
    return " · ".join(parts)


def sweep_caption(meta: Mapping[str, Any]) -> str:
    """Caption text for a sweep: name, base scenario, design, seeds, version."""
    parts = [f"sweep {meta.get('name', '?')}"]
    base = meta.get("base") or meta.get("base_scenario") or meta.get("scenario")
    if isinstance(base, dict):
        base = base.get("name") or base.get("path")
    if base:
        parts.append(f"base {base}")
    parts.append(f"{meta.get('design', '?')} design, {meta.get('runs', '?')} runs")
    parts.append(f"{meta.get('replicates', '?')} replicates/point")
    parts.append(f"root seed {meta.get('root_seed', '?')}"
                 + (f" ({meta['seed_policy']})" if meta.get("seed_policy") else ""))
    parts.append(_version_text(meta))
    return " · ".join(parts)


def _version_text(meta: Mapping[str, Any]) -> str:
    text = f"BlocSim {meta.get('blocsim_version', '?')}"
    sha = meta.get("git_sha")
    if sha and str(sha) not in ("", "unknown", "..."):
        text += f" ({str(sha)[:7]})"
    return text


def footer(fig, text: str | Iterable[str]) -> None:
    """Add a small caption line (or lines) below the panels of ``fig``."""
    if not isinstance(text, str):
        text = "\n".join(text)
    fig.text(0.005, -0.005, text, ha="left", va="top",
             fontsize=FONT_SIZE - 2.5, color="#444444")


def save(fig, out_dir, stem: str, formats: Sequence[str] = ("png", "pdf")
         ) -> List[Path]:
    """Save ``fig`` as ``out_dir/stem.<fmt>`` for each format.

    PNG files are written at 300 dpi, PDF as vectors (TrueType fonts).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        fmt = fmt.strip().lower().lstrip(".")
        if not fmt:
            continue
        p = out / f"{stem}.{fmt}"
        meta = {"Creator": "BlocSim tools/plot"} if fmt in ("pdf", "png") else None
        fig.savefig(p, dpi=300, bbox_inches="tight", pad_inches=0.03,
                    metadata=meta)
        paths.append(p)
    return paths
