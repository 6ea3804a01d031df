#!/usr/bin/python3
"""Tests of the figure tools (tools/plot, tools/blocsim_io.py, tools/figstyle.py).

Usage::

    /usr/bin/python3 tests/python/test_figures.py [RUN_DIR] [SWEEP_DIR]

Without arguments, synthetic run and sweep folders are written to a temporary
folder by ``make_fixtures.py`` (they follow ``results/README.md``). With a real
``RUN_DIR`` (e.g. ``build/blocsim run scenarios/minimal.yaml --replicates 3
--out /tmp/x``) and/or ``SWEEP_DIR``, those are used instead. Exits non-zero
when a check fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import blocsim_io  # noqa: E402
import figstyle  # noqa: E402
import make_fixtures  # noqa: E402
import plot  # noqa: E402

FAILURES = []


def check(cond, message):
    """Record a failure (the tests go on)."""
    if not cond:
        FAILURES.append(message)
        print(f"  FAIL: {message}")


def check_files(paths, stems, out: Path, formats=("png", "pdf")):
    """Each stem has a non-empty file per format, with the right magic bytes."""
    for stem in stems:
        for fmt in formats:
            f = out / f"{stem}.{fmt}"
            ok = f.is_file() and f.stat().st_size > 1000
            check(ok, f"{f} missing or empty")
            if ok:
                magic = f.read_bytes()[:8]
                want = b"\x89PNG" if fmt == "png" else b"%PDF"
                check(magic.startswith(want), f"{f} is not a {fmt.upper()} file")
    check(all(Path(p).is_file() for p in paths), "main() reported missing files")


def run_cli(argv):
    """Call plot.main in-process; return (exit code, written paths)."""
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = plot.main(argv)
    return rc, [Path(x) for x in buf.getvalue().split()]


def lines_by_gid(fig):
    return {ln.get_gid(): ln for ax in fig.axes for ln in ax.get_lines()
            if ln.get_gid()}


# ---------------------------------------------------------------------------
# loader
# ---------------------------------------------------------------------------

def test_loader(run_dir: Path, sweep_dir: Path, tmp: Path):
    run = blocsim_io.load_run(run_dir)
    check(len(run.timeseries) > 0, "empty timeseries")
    check(run.blocs[0] == "nonaligned", f"first bloc is {run.blocs[0]!r}")
    check("datetime" in run.timeseries, "no datetime column added")
    sweep = blocsim_io.load_sweep(sweep_dir)
    check(len(sweep.points) > 0, "empty points.csv")

    def expect_error(fn, path, *needles):
        try:
            fn(path)
        except blocsim_io.FormatError as exc:
            msg = str(exc)
            for n in needles:
                check(n in msg, f"error message {msg!r} lacks {n!r}")
            return msg
        check(False, f"{fn.__name__}({path}) did not raise FormatError")
        return ""

    # missing folder, wrong kind of folder
    expect_error(blocsim_io.load_run, tmp / "nope", "no such folder")
    expect_error(blocsim_io.load_run, sweep_dir, "format is 'blocsim-sweep'",
                 "expected 'blocsim-run'")
    expect_error(blocsim_io.load_sweep, run_dir, "expected 'blocsim-sweep'")
    empty = tmp / "empty"
    empty.mkdir()
    expect_error(blocsim_io.load_run, empty, "metadata.yaml is missing")

    # wrong format version (older and newer major; a minor bump is fine)
    for version, ok in ((0, False), (2, False), ("1.3", True), ("2.0", False)):
        d = tmp / f"ver_{version}"
        shutil.copytree(run_dir, d, ignore=shutil.ignore_patterns("figures",
                                                                  "countries.csv"))
        meta = (d / "metadata.yaml").read_text()
        meta = "\n".join(f"format_version: {version}" if line.startswith(
            "format_version:") else line for line in meta.splitlines())
        (d / "metadata.yaml").write_text(meta + "\n")
        if ok:
            try:
                blocsim_io.load_run(d)
            except blocsim_io.FormatError as exc:
                check(False, f"format_version {version} rejected: {exc}")
        else:
            expect_error(blocsim_io.load_run, d, "format_version", str(version),
                         "not supported")
    d = tmp / "sweep_v9"
    shutil.copytree(sweep_dir, d, ignore=shutil.ignore_patterns("figures"))
    meta = (d / "metadata.yaml").read_text().replace("format_version: 1",
                                                      "format_version: 9")
    (d / "metadata.yaml").write_text(meta)
    expect_error(blocsim_io.load_sweep, d, "format_version 9")

    # missing column
    d = tmp / "nocol"
    shutil.copytree(run_dir, d, ignore=shutil.ignore_patterns("figures",
                                                              "countries.csv"))
    ts = pd.read_csv(d / "timeseries.csv").drop(columns=["fragmentation"])
    ts.to_csv(d / "timeseries.csv", index=False)
    expect_error(blocsim_io.load_run, d, "timeseries.csv",
                 "missing required column", "fragmentation")
    d = tmp / "nocol_sweep"
    shutil.copytree(sweep_dir, d, ignore=shutil.ignore_patterns("figures"))
    pts = pd.read_csv(d / "points.csv").drop(columns=["n_ok"])
    pts.to_csv(d / "points.csv", index=False)
    expect_error(blocsim_io.load_sweep, d, "points.csv", "n_ok")

    # the CLI turns FormatError into exit code 2 with the message
    rc, _ = run_cli(["run", str(tmp / "nocol"), "--out", str(tmp / "x")])
    check(rc == 2, f"tools/plot run on a bad folder returned {rc}, expected 2")


# ---------------------------------------------------------------------------
# figures: files
# ---------------------------------------------------------------------------

def test_commands(run_dir: Path, run2_dir: Path, sweep_dir: Path,
                  saltelli_dir, tmp: Path):
    out = tmp / "figs"
    rc, paths = run_cli(["run", str(run_dir), "--out", str(out)])
    check(rc == 0, "plot run failed")
    check_files(paths, ["blocs", "standards", "polarization"], out)

    run = blocsim_io.load_run(run_dir)
    if run.countries is not None:
        ticks = sorted(run.countries["tick"].unique())
        rc, paths = run_cli(["map", str(run_dir), "--out", str(out)])
        check(rc == 0, "plot map failed")
        check_files(paths, ["map_alignment"], out)
        first_date = run.countries.loc[run.countries.tick == ticks[0], "date"].iloc[0]
        rc, paths = run_cli(["map", str(run_dir), "--out", str(out), "--what",
                             "standard", "--date", first_date, "--tick",
                             str(ticks[-1])])
        check(rc == 0, "plot map (2 panels) failed")
        check_files(paths, [f"map_standard_t{ticks[0]}_t{ticks[-1]}"], out)
        isos = list(dict.fromkeys(run.countries["iso3"]))[:2]
        rc, paths = run_cli(["countries", str(run_dir), "--countries",
                             ",".join(isos), "--out", str(out)])
        check(rc == 0, "plot countries failed")
        check_files(paths, ["countries_" + "_".join(isos)], out)
        rc, _ = run_cli(["countries", str(run_dir), "--countries", "ZZZ",
                         "--out", str(out)])
        check(rc == 2, "unknown country should give exit code 2")
    else:
        print("  note: run has no countries.csv; map/countries not tested")

    rc, paths = run_cli(["compare", str(run_dir), str(run2_dir), "--out",
                         str(out), "--name", "compare"])
    check(rc == 0, "plot compare failed")
    check_files(paths, ["compare"], out)

    sweep = blocsim_io.load_sweep(sweep_dir)
    rc, paths = run_cli(["sweep", str(sweep_dir), "--out", str(out)])
    check(rc == 0, "plot sweep failed")
    m = sweep.metrics[0]
    stems = [f"sweep_line_{m}"]
    if len(sweep.parameters) > 1:
        stems.append(f"sweep_heatmap_{m}")
    if sweep.sobol is not None:
        stems.append("sobol")
    check_files(paths, stems, out)
    if saltelli_dir is not None:
        out2 = tmp / "figs_saltelli"
        rc, paths = run_cli(["sweep", str(saltelli_dir), "--out", str(out2),
                             "--format", "pdf"])
        check(rc == 0, "plot sweep (saltelli) failed")
        check_files(paths, ["sobol", f"sweep_line_{m}"], out2, formats=("pdf",))
        check(not (out2 / "sobol.png").exists(), "--format pdf wrote a PNG")

    # default output folder is <input>/figures (on a copy)
    cp = tmp / "default_out"
    shutil.copytree(run_dir, cp, ignore=shutil.ignore_patterns("figures",
                                                               "countries.csv"))
    rc, _ = run_cli(["run", str(cp), "--format", "png"])
    check(rc == 0 and (cp / "figures" / "blocs.png").is_file(),
          "default --out is not RUN_DIR/figures")

    # the executable entry point and --help of each subcommand
    exe = ROOT / "tools" / "plot"
    for sub in ("run", "map", "compare", "sweep", "countries"):
        p = subprocess.run([str(exe), sub, "--help"], capture_output=True,
                           text=True)
        check(p.returncode == 0 and "--out" in p.stdout and "--format" in p.stdout,
              f"tools/plot {sub} --help failed: {p.stderr[-300:]}")
    p = subprocess.run([str(exe), "run", str(tmp / "nope")], capture_output=True,
                       text=True)
    check(p.returncode == 2 and "no such folder" in p.stderr,
          f"tools/plot on a missing folder: rc {p.returncode}, {p.stderr!r}")


# ---------------------------------------------------------------------------
# figures: the data behind the lines
# ---------------------------------------------------------------------------

def test_plotted_data(run_dir: Path, run2_dir: Path, sweep_dir: Path):
    run = blocsim_io.load_run(run_dir)
    # Independent reference: medians straight from the CSV file.
    raw = pd.read_csv(run_dir / "timeseries.csv")
    ticks = np.sort(raw["tick"].unique())
    dates = raw.groupby("tick")["date"].first().loc[ticks]

    fig = plot.plot_bloc_shares(run)
    lines = lines_by_gid(fig)
    for b in run.blocs:
        for w in ("count", "gdp", "pop"):
            col = f"bloc_{w}_{b}"
            check(col in lines, f"no line with gid {col}")
            if col not in lines:
                continue
            want = raw.groupby("tick")[col].median().loc[ticks].to_numpy()
            got = np.asarray(lines[col].get_ydata(), dtype=float)
            check(np.allclose(got, want, equal_nan=True, rtol=0, atol=1e-12),
                  f"{col}: plotted median differs from the CSV median")
            x = pd.to_datetime(np.asarray(lines[col].get_xdata()))
            check(list(x.strftime("%Y-%m")) == list(dates),
                  f"{col}: x values are not the calendar dates")
    # the events are drawn as vertical lines at their dates
    ev = pd.read_csv(run_dir / "events.csv")
    vlines = [ln for ln in fig.axes[0].get_lines() if not ln.get_gid()]
    xs = {pd.Timestamp(np.asarray(ln.get_xdata())[0]).strftime("%Y-%m")
          for ln in vlines}
    for d in ev["date"]:
        check(d in xs or d < dates.iloc[0] or d > dates.iloc[-1],
              f"event {d} not drawn")
    texts = {t.get_text().strip() for t in fig.axes[0].texts}
    for lab in ev["label"].dropna():
        check(lab in texts, f"event label {lab!r} not shown")
    # the caption names scenario, replicates and version
    cap = " ".join(t.get_text() for t in fig.texts)
    meta = run.meta
    for needle in (run.name, f"{meta['replicates']} replicate",
                   str(meta["blocsim_version"])):
        check(needle in cap, f"caption {cap!r} lacks {needle!r}")

    fig = plot.plot_standards(run)
    lines = lines_by_gid(fig)
    for col in ["fragmentation", "interoperability"] + \
            [f"std_gdp_{s}" for s in run.standards]:
        want = raw.groupby("tick")[col].median().loc[ticks].to_numpy()
        check(col in lines and np.allclose(lines[col].get_ydata(), want,
                                           equal_nan=True),
              f"{col}: plotted median differs from the CSV median")

    fig = plot.plot_polarization(run)
    want = raw.groupby("tick")["polarization_er"].median().loc[ticks].to_numpy()
    line = lines_by_gid(fig).get("polarization_er")
    check(line is not None and np.allclose(line.get_ydata(), want, equal_nan=True),
          "polarization_er: plotted median differs from the CSV median")

    run2 = blocsim_io.load_run(run2_dir, countries=False)
    fig = plot.plot_compare([run, run2], ["fragmentation"])
    labels = plot.run_labels([run, run2])
    raw2 = pd.read_csv(run2_dir / "timeseries.csv")
    for lab, r in zip(labels, (raw, raw2)):
        want = r.groupby("tick")["fragmentation"].median().sort_index().to_numpy()
        line = lines_by_gid(fig).get(f"{lab}:fragmentation")
        check(line is not None and np.allclose(line.get_ydata(), want,
                                               equal_nan=True),
              f"compare: {lab} fragmentation differs from the CSV median")

    if run.countries is not None:
        rawc = pd.read_csv(run_dir / "countries.csv")
        iso = rawc["iso3"].iloc[0]
        ucol = next(c for c in rawc.columns if c.startswith("utility_"))
        fig = plot.plot_countries(run, [iso])
        line = lines_by_gid(fig).get(f"{iso}:{ucol}")
        want = rawc[rawc.iso3 == iso].groupby("tick")[ucol].median().sort_index()
        check(line is not None and np.allclose(line.get_ydata(), want.to_numpy(),
                                               equal_nan=True),
              f"countries: {iso} {ucol} differs from the CSV median")
        # map: modal label and agreement from the CSV
        t = rawc["tick"].max()
        modal = plot.modal_labels(run.countries, t, "alignment", run.blocs)
        sub = rawc[(rawc.tick == t) & (rawc.iso3 == iso)]["alignment"]
        top = sub.value_counts()
        check(top.iloc[0] / len(sub) == modal.loc[iso, "agreement"]
              and modal.loc[iso, "label"] in top[top == top.iloc[0]].index,
              f"map: modal alignment of {iso} wrong")

    sweep = blocsim_io.load_sweep(sweep_dir)
    praw = pd.read_csv(sweep_dir / "points.csv")
    m, x = sweep.metrics[0], sweep.parameters[0]
    if len(sweep.parameters) == 1:
        fig = plot.plot_sweep_line(sweep, x, m)
        line = lines_by_gid(fig)[f"line:{m}"]
        want = praw.dropna(subset=[f"{m}_mean"]).sort_values(x)[f"{m}_mean"]
        check(np.allclose(line.get_ydata(), want.to_numpy()),
              "sweep line differs from points.csv")
    else:
        y = sweep.parameters[1]
        fig = plot.plot_sweep_heatmap(sweep, x, y, m)
        mesh = next(a for ax in fig.axes for a in ax.get_children()
                    if getattr(a, "get_gid", lambda: None)() == f"heatmap:{m}")
        if len(sweep.parameters) == 2 and praw[[x, y]].drop_duplicates().shape[0] \
                == praw[x].nunique() * praw[y].nunique():
            want = praw.pivot(index=y, columns=x, values=f"{m}_mean")
            got = np.ma.filled(mesh.get_array(), np.nan).reshape(want.shape)
            check(np.allclose(got, want.to_numpy(), equal_nan=True),
                  "sweep heatmap cells differ from points.csv means")
            by = y
            fig = plot.plot_sweep_line(sweep, x, m, by)
            lv = praw[y].iloc[0]
            line = lines_by_gid(fig)[f"line:{m}:{lv:g}"]
            want = praw[praw[y] == lv].dropna(subset=[f"{m}_mean"]) \
                .sort_values(x)[f"{m}_mean"]
            check(np.allclose(line.get_ydata(), want.to_numpy()),
                  "sweep line differs from points.csv")

    # style: fixed, distinct colours; unknown ids stable
    check(figstyle.color("us") != figstyle.color("cn"), "us/cn same colour")
    check(figstyle.color("xx") == figstyle.color("xx"), "unstable colour")
    import matplotlib.pyplot as plt
    plt.close("all")


def main(argv):
    t0 = time.time()
    tmp = Path(tempfile.mkdtemp(prefix="blocsim_figtest_"))
    try:
        fx = None
        if len(argv) < 2 or len(argv) < 3:
            fx = make_fixtures.make_all(tmp / "fixtures")
        run_dir = Path(argv[1]) if len(argv) > 1 else fx["run_kept"]
        sweep_dir = Path(argv[2]) if len(argv) > 2 else fx["sweep_grid"]
        # a second run for comparisons: the fixture, or the same run again
        run2_dir = fx["run_rescinded"] if len(argv) < 2 else run_dir
        saltelli = fx["sweep_saltelli"] if fx and len(argv) < 3 else None
        print(f"run: {run_dir}\nsweep: {sweep_dir}")
        for name, fn, args in (
                ("loader", test_loader, (run_dir, sweep_dir, tmp)),
                ("commands", test_commands,
                 (run_dir, run2_dir, sweep_dir, saltelli, tmp)),
                ("plotted data", test_plotted_data,
                 (run_dir, run2_dir, sweep_dir))):
            n0 = len(FAILURES)
            t = time.time()
            try:
                fn(*args)
            except Exception:
                traceback.print_exc()
                FAILURES.append(f"{name}: exception")
            status = "ok" if len(FAILURES) == n0 else "FAILED"
            print(f"{name}: {status} ({time.time() - t:.1f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(FAILURES)} failure(s), {time.time() - t0:.1f} s")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
