#!/usr/bin/python3
"""Calibration figures (tools/plot calibration) on a real `blocsim calibrate` folder.

Usage: test_calibration_figures.py CALIB_DIR   (tests/calibrate/test_cli_fast.sh makes one)
Checks the data behind the figures, not pixels.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tools"))

import numpy as np  # noqa: E402

import blocsim_io  # noqa: E402
import plot  # noqa: E402


def main(argv) -> int:
    cal = blocsim_io.load_calibration(argv[1])
    # reliability table: hand example (pooled forecasts and hits)
    tab = plot.reliability_table(np.array([0.05, 0.05, 0.95, 0.95, 0.55]), np.array([0, 1, 1, 1, 0.0]), bins=10)
    assert list(tab["n"]) == [2, 1, 2], tab
    assert np.allclose(tab["observed"], [0.5, 0.0, 1.0]), tab
    # marginals: the histogram of each panel holds the whole posterior weight
    fig = plot.plot_posterior_marginals(cal)
    for ax, prm in zip(fig.axes, cal.parameters):
        heights = sum(p.get_height() for p in ax.patches)
        x = cal.posterior[prm]
        row = cal.summary[cal.summary["parameter"] == prm].iloc[0]
        assert ((x >= row["min"]) & (x <= row["max"])).all(), prm
        assert abs(heights - 1.0) < 1e-9, (prm, heights)
    # hindcast: the observed dashed lines are the shares in observed.csv
    fig = plot.plot_hindcast(cal)
    obs = cal.observed.groupby("year")["class"].value_counts(normalize=True).unstack(fill_value=0)
    for line in fig.axes[0].lines:
        lab = line.get_label()
        if lab.startswith("observed "):
            c = lab.split(" ", 1)[1]
            assert np.allclose(line.get_ydata(), obs.loc[list(line.get_xdata()), c].to_numpy()), lab
    # predictive probabilities are probabilities
    p = cal.countries[[c for c in cal.countries.columns if c.startswith("p_")]].to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0)
    with tempfile.TemporaryDirectory() as tmp:
        class A:
            calib_dir = argv[1]
            out = tmp
            formats = ["png"]
        paths = plot.cmd_calibration(A)
        names = sorted(Path(x).stem for x in paths)
        assert names == sorted(["posterior_marginals", "posterior_pairs", "hindcast", "ppc_countries",
                                "reliability"]), names
    print("calibration figures: ok")
    return 0


def test_figures_on_a_real_folder(calib_dir):
    """pytest entry (tests/python/conftest.py gives the folder)."""
    assert main(["", calib_dir]) == 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
