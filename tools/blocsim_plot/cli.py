"""The ``tools/plot`` command line: argument types, one subcommand per
figure family, and ``main`` (exit code 0, or 2 with a one-line message).
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional, Sequence

import blocsim_io
from blocsim_io import FormatError

from .calibration import cmd_calibration
from .common import UsageError
from .compare import cmd_compare
from .countries import cmd_countries
from .maps import cmd_map
from .runs import cmd_run
from .score import cmd_score
from .sweeps import cmd_sweep


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
