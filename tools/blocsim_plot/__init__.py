"""The figure code behind ``tools/plot``, one module per figure family.

``tools/plot.py`` is the entry point and re-exports every name below, so
``import plot`` (with ``tools/`` on ``sys.path``) is the stable way to use it.

======================  ======================================================
module                  concept
======================  ======================================================
``common``              shared helpers: labels, quantile bands, date axes,
                        events, ``UsageError``, saving
``world``               map geometry (Natural Earth via world-atlas) and the
                        modal label per country
``runs``                ``tools/plot run``: one run's time series
``maps``                ``tools/plot map``: choropleths of alignment/standard
``compare``             ``tools/plot compare``: several runs on shared axes
``sweeps``              ``tools/plot sweep``: heatmap, lines, Sobol indices
``countries``           ``tools/plot countries``: chosen countries over time
``calibration``         ``tools/plot calibration``: posterior, hindcast, PPC
``score``               ``tools/plot score``: reliability diagram + misses map
``cli``                 the argument parser and ``main``
======================  ======================================================

Data are read only through :mod:`blocsim_io`; style comes from
:mod:`figstyle`. Both live in ``tools/`` beside this package, which must be
on ``sys.path`` (``tools/plot.py`` puts it there).
"""
