"""One number format across outputs (issue 10).

Feeds the same value through a run folder, a sweep folder and a score report:
the sweep's `bloc_count_us_final` of a run must be the very text the run folder
writes for the same scenario, parameters and seed, and every number in all
three outputs must be the shortest text that reads back as the same double
(what `format_number` writes; `%.17g` would fail this).
Run: /usr/bin/python3 -m pytest tests/python/test_number_format.py
(BLOCSIM = path of the binary, default build/blocsim).
"""
import csv
import math
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCSIM = os.environ.get("BLOCSIM", str(ROOT / "build" / "blocsim"))


def run(*args):
    subprocess.run([BLOCSIM, *args], cwd=ROOT, check=True, capture_output=True, text=True)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def is_shortest(text):
    if text in ("nan", "inf", "-inf"):
        return True
    try:
        v = float(text)
    except ValueError:
        return True  # not a number (labels, dates, ids)
    if not math.isfinite(v):
        return False
    r = repr(v)
    # C++ to_chars and Python repr both give the shortest round-trip digits;
    # they differ only in spelling (1e-05 vs 1e-05, 3 vs 3.0).
    return float(text) == v and len(text.replace("e-0", "e-").replace("e+0", "e+").rstrip(".")) <= len(
        r.replace(".0e", "e").removesuffix(".0").replace("e-0", "e-").replace("e+0", "e+")
    )


def test_same_value_same_text(tmp_path):
    sweep = tmp_path / "sweep"
    run("sweep", "tests/data/sweeps/small.yaml", "--out", str(sweep), "--quiet", "--jobs", "1")
    runs = rows(sweep / "runs.csv")
    r = runs[5]
    folder = tmp_path / "run"
    run("run", "scenarios/minimal.yaml", "--seed", r["seed"], "--quiet", "--out", str(folder),
        "--set", "powers.us.export_controls.strictness=" + r["powers.us.export_controls.strictness"],
        "--set", "powers.cn.open_models=" + r["powers.cn.open_models"])
    ts = rows(folder / "timeseries.csv")
    assert ts[-1]["bloc_count_us"] == r["bloc_count_us_final"]
    assert ts[-1]["fragmentation"] == r["fragmentation_final"]

    world = tmp_path / "world"
    run("run", "scenarios/baseline.yaml", "--ticks", "2", "--quiet", "--out", str(world))
    report = tmp_path / "score.csv"
    run("score", str(world), "scenarios/observed/example_security_2025.yaml", "--csv", str(report))
    score = rows(report)
    assert score, "empty score report"

    for name, table in (("timeseries.csv", ts), ("runs.csv", runs), ("score.csv", score)):
        for row in table:
            for col, text in row.items():
                assert is_shortest(text), f"{name}: {col} = {text!r} is not the shortest round-trip text"
    # The score's accuracy of 1/3-like values: the same double prints the same way everywhere.
    values = {float(x["value"]): x["value"] for x in score if x["value"] not in ("nan",)}
    for row in runs:
        for col, text in row.items():
            try:
                v = float(text)
            except ValueError:
                continue
            if v in values and col not in ("run", "point", "replicate", "seed"):
                assert values[v] == text, f"{v}: '{values[v]}' in score.csv but '{text}' in runs.csv"
