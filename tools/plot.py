#!/usr/bin/python3
"""Figures for papers from BlocSim run and sweep folders.

Every figure family is one subcommand; see ``tools/README.md``::

    tools/plot run RUN_DIR                     # blocs, standards, polarization
    tools/plot map RUN_DIR [--date 2030-01]... # choropleth(s) of alignment
    tools/plot compare RUN_DIR RUN_DIR...      # several runs on shared axes
    tools/plot sweep SWEEP_DIR                 # phase diagram, lines, Sobol
    tools/plot countries RUN_DIR --countries IND,BRA
    tools/plot calibration CALIB_DIR           # posterior, hindcast, reliability
    tools/plot score SCORE_DIR                 # reliability diagram + misses map (blocsim score --out)

Each ``plot_*`` function returns a :class:`matplotlib.figure.Figure` (so tests
can check the data behind the lines); the ``cmd_*`` functions save them. Data
are read only through :mod:`blocsim_io`.

This file is the entry point and the stable import name (``import plot``):
the code lives in the package ``tools/blocsim_plot/``, one module per figure
family (see its ``__init__``), and every name is re-exported here.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import figstyle  # noqa: E402,F401  (selects the Agg backend)
import blocsim_io  # noqa: E402,F401
from blocsim_io import FormatError  # noqa: E402,F401

from blocsim_plot.common import (  # noqa: E402,F401
    METRIC_LABELS, QUANTILES, WEIGHTS, UsageError, _metric_label, _panel_letter,
    _require_countries, _save, _short, band_plot, date_axis, draw_events,
    quantiles)
from blocsim_plot.world import (  # noqa: E402,F401
    _ISO_ALIAS, _NE_NAME_FIX, _WORLD_CACHE, _split_antimeridian, _world_atlas,
    load_world, modal_labels)
from blocsim_plot.runs import (  # noqa: E402,F401
    _legend_top, cmd_run, plot_bloc_shares, plot_polarization, plot_standards)
from blocsim_plot.maps import (  # noqa: E402,F401
    _LIST_FONT, _LIST_LINE, _MAP_ASPECT_MAX, _MONO_CHAR, _NO_DATA, _resolve_ticks,
    _short_label, _small_state_entries, cmd_map, plot_map)
from blocsim_plot.compare import cmd_compare, plot_compare, run_labels  # noqa: E402,F401
from blocsim_plot.sweeps import (  # noqa: E402,F401
    _check_sweep_args, cmd_sweep, plot_sobol, plot_sweep_heatmap, plot_sweep_line)
from blocsim_plot.countries import cmd_countries, plot_countries  # noqa: E402,F401
from blocsim_plot.score import (  # noqa: E402,F401
    cmd_score, reliability_and_misses, reliability_table)
from blocsim_plot.calibration import (  # noqa: E402,F401
    _CLASS_COLORS, _class_color, _wquantile, cmd_calibration, plot_hindcast,
    plot_posterior_marginals, plot_posterior_pairs, plot_ppc, plot_reliability)
from blocsim_plot.cli import _date, _formats, _tick, build_parser, main  # noqa: E402,F401

# Everything the module plot.py defined before the split, under the same names.
__all__ = [
    "figstyle", "blocsim_io", "FormatError", "METRIC_LABELS", "QUANTILES",
    "WEIGHTS", "UsageError", "_metric_label", "_panel_letter", "_require_countries",
    "_save", "_short", "band_plot", "date_axis", "draw_events", "quantiles",
    "_ISO_ALIAS", "_NE_NAME_FIX", "_WORLD_CACHE", "_split_antimeridian",
    "_world_atlas", "load_world", "modal_labels", "_legend_top", "cmd_run",
    "plot_bloc_shares", "plot_polarization", "plot_standards", "_LIST_FONT",
    "_LIST_LINE", "_MAP_ASPECT_MAX", "_MONO_CHAR", "_NO_DATA", "_resolve_ticks",
    "_short_label", "_small_state_entries", "cmd_map", "plot_map", "cmd_compare",
    "plot_compare", "run_labels", "_check_sweep_args", "cmd_sweep", "plot_sobol",
    "plot_sweep_heatmap", "plot_sweep_line", "cmd_countries", "plot_countries",
    "cmd_score", "reliability_and_misses", "reliability_table", "_CLASS_COLORS",
    "_class_color", "_wquantile", "cmd_calibration", "plot_hindcast",
    "plot_posterior_marginals", "plot_posterior_pairs", "plot_ppc",
    "plot_reliability", "_date", "_formats", "_tick", "build_parser", "main",
]

if __name__ == "__main__":
    sys.exit(main())
