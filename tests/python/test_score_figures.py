#!/usr/bin/python3
"""Score figure (tools/plot score) on a real `blocsim score --out` folder.

Usage: test_score_figures.py SCORE_DIR   (tests/score/test_score_cli.sh makes one)
Checks the data behind the figure, not pixels.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tools"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import plot  # noqa: E402


def main(argv) -> int:
    d = Path(argv[1])
    cty = pd.read_csv(d / "countries.csv")
    rel = pd.read_csv(d / "reliability.csv")
    model = rel[rel["predictor"] == rel["predictor"].iloc[0]]
    # binary list: one P(bloc) per scored country, so the bins hold every country
    assert model["n"].sum() == len(cty), (model["n"].sum(), len(cty))
    assert ((cty["miss"] >= 0) & (cty["miss"] <= 1)).all()
    p = cty[[c for c in cty.columns if c.startswith("p_")]].to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0)
    # miss = 1 - P(observed class)
    obs_p = [row["p_" + row["observed"]] for _, row in cty.iterrows()]
    assert np.allclose(cty["miss"], 1 - np.array(obs_p))
    with tempfile.TemporaryDirectory() as tmp:
        class A:
            score_dir = argv[1]
            out = tmp
            formats = ["png"]
        paths = plot.cmd_score(A)
        assert [Path(x).stem for x in paths] == ["score_reliability"], paths
    print("score figures: ok")
    return 0


def test_figures_on_a_real_folder(score_dir):
    """pytest entry (tests/python/conftest.py gives the folder)."""
    assert main(["", score_dir]) == 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
