"""pytest fixtures for the figure tests (tests/python/test_*figures.py).

``/usr/bin/python3 -m pytest tests/python`` runs the figure tests on synthetic
run and sweep folders written by ``make_fixtures.py``; the ctests run them on
real folders made by the ``blocsim`` binary, passed in environment variables:

* ``BLOCSIM_FIG_RUN`` / ``BLOCSIM_FIG_SWEEP``: a run folder and a sweep folder
  (``tests/python/run_figure_tests.sh``, ctest ``figures``);
* ``BLOCSIM_CALIB_DIR``: a ``blocsim calibrate`` folder (ctest ``calibrate_cli_fast``);
* ``BLOCSIM_SCORE_DIR``: a ``blocsim score --out`` folder (ctest ``score_cli``).

The calibration and score figure tests need such a folder and are skipped
without it. ``test_figures.py`` records its checks in ``FAILURES`` (it also
runs as a script); an autouse fixture turns any new entry into a test failure.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tools"))
sys.path.insert(0, str(HERE))


@pytest.fixture(scope="session")
def _figure_folders():
    run_env, sweep_env = os.environ.get("BLOCSIM_FIG_RUN"), os.environ.get("BLOCSIM_FIG_SWEEP")
    tmp = Path(tempfile.mkdtemp(prefix="blocsim_figfix_"))
    try:
        fx = None
        if not (run_env and sweep_env):
            import make_fixtures
            fx = make_fixtures.make_all(tmp / "fixtures")
        run_dir = Path(run_env) if run_env else fx["run_kept"]
        yield {
            "run": run_dir,
            "sweep": Path(sweep_env) if sweep_env else fx["sweep_grid"],
            # a second run for comparisons: the fixture, or the same run again
            "run2": fx["run_rescinded"] if fx and not run_env else run_dir,
            "saltelli": fx["sweep_saltelli"] if fx and not sweep_env else None,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _folder_fixture(name, key):
    """A fixture `name` giving one of the session's figure folders."""
    @pytest.fixture(name=name)
    def fixture(_figure_folders):
        return _figure_folders[key]
    return fixture


run_dir = _folder_fixture("run_dir", "run")
run2_dir = _folder_fixture("run2_dir", "run2")
sweep_dir = _folder_fixture("sweep_dir", "sweep")
saltelli_dir = _folder_fixture("saltelli_dir", "saltelli")


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


def _folder(var):
    d = os.environ.get(var)
    if not d:
        pytest.skip(f"needs a real folder in ${var} (made by its ctest)")
    return d


@pytest.fixture
def calib_dir():
    return _folder("BLOCSIM_CALIB_DIR")


@pytest.fixture
def score_dir():
    return _folder("BLOCSIM_SCORE_DIR")


@pytest.fixture(autouse=True)
def _no_recorded_failures(request):
    """test_figures.py's check() appends to FAILURES instead of raising."""
    fails = getattr(request.module, "FAILURES", None)
    n0 = len(fails) if fails is not None else 0
    yield
    if fails is not None and len(fails) > n0:
        pytest.fail("; ".join(fails[n0:]))
