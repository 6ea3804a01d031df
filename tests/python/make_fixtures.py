#!/usr/bin/python3
"""Write small synthetic BlocSim run and sweep folders (results/README.md, v1).

Used by ``test_figures.py`` while no real engine output is available, and as a
reference for the folder format. The data are produced by a toy model (utility
= closeness to each power's identity plus a drift), so the aggregate columns
of ``timeseries.csv`` are consistent with ``countries.csv``.

Usage::

    /usr/bin/python3 tests/python/make_fixtures.py OUTDIR

writes ``OUTDIR/run_kept``, ``OUTDIR/run_rescinded``, ``OUTDIR/sweep_grid`` and
``OUTDIR/sweep_saltelli``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

# ~70 states on the Natural Earth low-res map, Kosovo (-99 there) and a few
# small states that the low-res map cannot show.
COUNTRIES = (
    "USA CAN MEX BRA ARG CHL COL PER VEN CUB GBR FRA DEU ITA ESP PRT NLD BEL "
    "POL SWE NOR FIN DNK IRL AUT CHE CZE HUN ROU GRC TUR UKR RUS BLR KAZ UZB "
    "IRN IRQ SAU ARE ISR EGY DZA MAR NGA ETH KEN ZAF AGO COD TZA CHN IND PAK "
    "BGD LKA NPL MMR THA VNM KHM MYS IDN PHL JPN KOR PRK MNG TWN AUS NZL XKX "
    "SGP MLT BHR MDV LIE MCO BRB MUS"
).split()
DIMENSIONS = ["democracy", "sovereignty", "multilateralism", "market"]
POWERS = [
    {"id": "us", "name": "United States", "home": "USA",
     "identity": [0.85, 0.35, 0.40, 0.90]},
    {"id": "cn", "name": "China", "home": "CHN",
     "identity": [0.15, 0.90, 0.50, 0.35]},
]


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format="%.17g", na_rep="nan")


def _dates(start: str, ticks: int, months: int = 3):
    y, m = (int(v) for v in start.split("-"))
    out = []
    for t in range(ticks + 1):
        k = (m - 1) + months * t
        out.append(f"{y + k // 12:04d}-{k % 12 + 1:02d}")
    return out


def _shares(labels, keys, weights):
    tot = weights.sum()
    return {k: float(weights[labels == k].sum() / tot) for k in keys}


def make_run(folder, name="fixture", seed=42, replicates=3, ticks=16,
             start="2025-07", events=None, strictness=0.5, countries_every=2,
             format_version=1, countries=COUNTRIES):
    """Write one synthetic ``blocsim-run`` folder and return its path.

    Parameters
    ----------
    folder : str or pathlib.Path
        Output folder (created).
    name : str
        Scenario name.
    seed : int
        Root seed; replicate r uses ``seed + r``.
    replicates, ticks : int
        Size of the run.
    start : str
        Calendar start ``YYYY-MM`` (quarterly steps).
    events : list of (tick, label), optional
        Timeline events.
    strictness : float
        Toy export-control strictness: pushes countries away from ``us``.
    countries_every : int
        Interval of recorded ticks in ``countries.csv`` (tick 0 and the last
        tick are always recorded).
    format_version : int or str
        Written into ``metadata.yaml``.
    countries : list of str
        ISO3 codes.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    blocs = ["nonaligned"] + [p["id"] for p in POWERS]
    stds = ["intl"] + [p["id"] for p in POWERS]
    dates = _dates(start, ticks)
    events = events if events is not None else [(2, "Diffusion rule in force")]
    n = len(countries)
    base = np.random.default_rng(1234)     # the "world" is the same in every run
    x0 = base.uniform(0, 1, (n, len(DIMENSIONS)))
    gdp = base.lognormal(5, 1.5, n)
    pop = base.lognormal(3, 1.3, n)
    cap0 = base.uniform(0.05, 0.9, n)
    y = np.array([p["identity"] for p in POWERS])
    homes = {p["home"]: j for j, p in enumerate(POWERS)}
    ts_rows, c_rows = [], []
    seeds = [seed + r for r in range(replicates)]
    for r, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        x = x0.copy()
        prev = None
        for t in range(ticks + 1):
            x = np.clip(x + rng.normal(0, 0.01, x.shape), 0, 1)
            d = np.linalg.norm(x[:, None, :] - y[None, :, :], axis=2)
            drift = np.array([-strictness * 0.02 * t, 0.015 * t])
            u_pow = -d + drift + rng.normal(0, 0.05, d.shape)
            u_non = np.full((n, 1), -0.55)
            util = np.hstack([u_non, u_pow])
            choice = util.argmax(axis=1)
            for iso, j in homes.items():
                if iso in countries:
                    choice[countries.index(iso)] = j + 1
            align = np.array(blocs, dtype=object)[choice]
            std_choice = np.where(rng.uniform(size=n) < 0.7, choice, 0)
            std = np.array(stds, dtype=object)[std_choice]
            cap = np.clip(cap0 + 0.01 * t, 0, 1)
            row = {"replicate": r, "seed": s, "tick": t, "date": dates[t]}
            for w, wt in (("count", np.ones(n)), ("gdp", gdp), ("pop", pop)):
                for b, v in _shares(align, blocs, wt).items():
                    row[f"bloc_{w}_{b}"] = v
            for w, wt in (("count", np.ones(n)), ("gdp", gdp), ("pop", pop)):
                for b, v in _shares(std, stds, wt).items():
                    row[f"std_{w}_{b}"] = v
            sh = np.array([row[f"std_gdp_{b}"] for b in stds])
            hhi = float((sh ** 2).sum())
            k = len(POWERS)
            row["fragmentation"] = 1 - hhi
            row["fragmentation_norm"] = (1 - hhi) / (1 - 1 / (k + 1))
            row["effective_standards"] = 1 / hhi
            row["interoperability"] = hhi + rng.normal(0, 0.01)
            z = (1 - d[:, 0]) - (1 - d[:, 1])
            pw = pop / pop.sum()
            row["polarization_er"] = float(
                (pw[:, None] ** 1.6 * pw[None, :]
                 * np.abs(z[:, None] - z[None, :])).sum())
            bs = np.array([row[f"bloc_count_{b}"] for b in blocs])
            row["bipolarity_rq"] = float(1 - (((0.5 - bs) / 0.5) ** 2 * bs).sum())
            cents = [x[align == b].mean(axis=0) if (align == b).any() else None
                     for b in blocs[1:]]
            row["centroid_distance"] = (float(np.linalg.norm(cents[0] - cents[1]))
                                        if all(c is not None for c in cents)
                                        else float("nan"))
            row["churn"] = 0 if prev is None else int((prev != align).sum())
            for b in blocs:
                m = align == b
                row[f"capacity_{b}"] = float(cap[m].mean()) if m.any() else float("nan")
            for j, p in enumerate(POWERS):
                row[f"frontier_{p['id']}"] = 1.0 * (1.03 - 0.005 * j) ** t
            ts_rows.append(row)
            prev = align
            if t % countries_every == 0 or t == ticks:
                for i, iso in enumerate(countries):
                    c = {"replicate": r, "tick": t, "date": dates[t], "iso3": iso,
                         "alignment": align[i], "standard": std[i],
                         "capacity": cap[i]}
                    for dd, dim in enumerate(DIMENSIONS):
                        c[dim] = x[i, dd]
                    for b, col in zip(blocs, range(util.shape[1])):
                        c[f"utility_{b}"] = util[i, col]
                    c_rows.append(c)
    _write_csv(pd.DataFrame(ts_rows), folder / "timeseries.csv")
    _write_csv(pd.DataFrame(c_rows), folder / "countries.csv")
    _write_csv(pd.DataFrame([{"tick": t, "date": dates[t], "label": lab}
                             for t, lab in events], columns=["tick", "date", "label"]),
               folder / "events.csv")
    meta = {
        "format": "blocsim-run",
        "format_version": format_version,
        "blocsim_version": "0.1.0",
        "git_sha": "0000000fixture",
        "compiler": "synthetic (tests/python/make_fixtures.py)",
        "scenario": {"name": name, "path": f"scenarios/{name}.yaml",
                     "sha256": "0" * 64},
        "overrides": [f"powers.us.export_controls.strictness={strictness}"],
        "seed": seed,
        "replicates": replicates,
        "seeds": seeds,
        "threads": 1,
        "ticks": ticks,
        "calendar": {"start": start, "step": "quarter"},
        "dimensions": DIMENSIONS,
        "blocs": blocs,
        "standards": stds,
        "powers": [{k: p[k] for k in ("id", "name", "home")} for p in POWERS],
        "started_utc": "2025-01-01T00:00:00Z",
        "finished_utc": "2025-01-01T00:00:01Z",
        "status": "ok",
        "phase_seconds": {"policy": 0.0, "courtship": 0.0},
    }
    (folder / "metadata.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    (folder / "scenario.resolved.yaml").write_text(
        yaml.safe_dump({"name": name, "seed": seed, "ticks": ticks}))
    return folder


def _toy_summaries(p, rng):
    s = p.get("powers.us.export_controls.strictness", 0.5)
    mu = p.get("model.mu", 0.1)
    nu = p.get("model.narrative_weight", 0.5)
    cn = 0.2 + 0.4 * s * (1 - np.exp(-mu * 8)) + 0.05 * nu + rng.normal(0, 0.03)
    frag = 0.3 + 0.3 * s + 0.1 * mu + rng.normal(0, 0.02)
    pol = 0.1 + 0.2 * s * mu + 0.05 * nu + rng.normal(0, 0.01)
    return {"bloc_count_cn_final": cn, "fragmentation_final": frag,
            "polarization_er_mean": pol}


def make_sweep(folder, design="grid", replicates=3, root_seed=7,
               format_version=1, with_timeseries=True):
    """Write one synthetic ``blocsim-sweep`` folder and return its path.

    Parameters
    ----------
    folder : str or pathlib.Path
        Output folder (created).
    design : {"grid", "saltelli"}
        Grid over two parameters, or a Saltelli design over three (writes
        ``sobol.csv``).
    replicates : int
        Replicates per design point.
    root_seed : int
        Root seed (run r gets seed ``root_seed + r``).
    format_version : int or str
        Written into ``metadata.yaml``.
    with_timeseries : bool
        Write the optional consolidated ``timeseries.csv``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(root_seed)
    if design == "grid":
        params = ["powers.us.export_controls.strictness", "model.mu"]
        pts = [{params[0]: a, params[1]: b}
               for a in (0.0, 0.25, 0.5, 0.75, 1.0) for b in (0.05, 0.1, 0.2, 0.4)]
    else:
        params = ["powers.us.export_controls.strictness", "model.mu",
                  "model.narrative_weight"]
        nbase = 8
        a = rng.uniform(0, 1, (nbase, 3))
        b = rng.uniform(0, 1, (nbase, 3))
        rows = [a, b] + [np.where(np.arange(3) == j, b, a) for j in range(3)]
        mat = np.vstack(rows)
        pts = [{params[0]: v[0], params[1]: 0.05 + 0.35 * v[1], params[2]: v[2]}
               for v in mat]
    metrics = ["bloc_count_cn_final", "fragmentation_final", "polarization_er_mean"]
    plan, runs, ts = [], [], []
    run = 0
    dates = _dates("2025-07", 8)
    for pi, p in enumerate(pts):
        for r in range(replicates):
            seed = root_seed + run
            plan.append({"run": run, "point": pi, "replicate": r, "seed": seed, **p})
            failed = design == "grid" and run == 5
            summ = _toy_summaries(p, rng)
            if failed:
                summ = {k: float("nan") for k in summ}
            runs.append({"run": run, "point": pi, "replicate": r, "seed": seed,
                         "status": "error" if failed else "ok",
                         "error": "toy failure" if failed else "",
                         **p, **summ})
            if with_timeseries and not failed:
                for t in range(9):
                    ts.append({"run": run, "tick": t, "date": dates[t],
                               "bloc_count_cn": summ["bloc_count_cn_final"] * t / 8,
                               "fragmentation": summ["fragmentation_final"] * t / 8})
            run += 1
    runs_df = pd.DataFrame(runs)
    points = []
    for pi, p in enumerate(pts):
        ok = runs_df[(runs_df.point == pi) & (runs_df.status == "ok")]
        row = {"point": pi, **p, "n_ok": len(ok)}
        for m in metrics:
            v = ok[m]
            row[f"{m}_mean"] = v.mean()
            row[f"{m}_sd"] = v.std(ddof=1) if len(v) > 1 else float("nan")
            for q in (5, 25, 50, 75, 95):
                row[f"{m}_q{q:02d}"] = v.quantile(q / 100)
        points.append(row)
    _write_csv(pd.DataFrame(plan), folder / "plan.csv")
    _write_csv(runs_df, folder / "runs.csv")
    _write_csv(pd.DataFrame(points), folder / "points.csv")
    if with_timeseries:
        _write_csv(pd.DataFrame(ts), folder / "timeseries.csv")
    if design != "grid":
        srows = []
        for m in metrics:
            raw = rng.dirichlet(np.ones(len(params)) * 2)
            for j, par in enumerate(params):
                s1 = float(raw[j] * 0.9)
                st = s1 + float(rng.uniform(0, 0.1))
                srows.append({"metric": m, "parameter": par, "S1": s1,
                              "S1_lo": s1 - 0.08, "S1_hi": s1 + 0.08, "ST": st,
                              "ST_lo": st - 0.06, "ST_hi": st + 0.06})
        _write_csv(pd.DataFrame(srows), folder / "sobol.csv")
    meta = {
        "format": "blocsim-sweep",
        "format_version": format_version,
        "blocsim_version": "0.1.0",
        "name": f"fixture_{design}",
        "base": "scenarios/baseline.yaml",
        "parameters": params,
        "design": design,
        "replicates": replicates,
        "seed_policy": "sequential",
        "root_seed": root_seed,
        "metrics": metrics,
        "runs": run,
        "status": "ok" if design != "grid" else "partial",
    }
    (folder / "metadata.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
    return folder


def make_all(out) -> dict:
    """Write the standard fixture set under ``out``; return the paths."""
    out = Path(out)
    return {
        "run_kept": make_run(out / "run_kept", name="diffusion_kept", strictness=0.8,
                             events=[(2, "Diffusion rule in force")]),
        "run_rescinded": make_run(out / "run_rescinded", name="diffusion_rescinded",
                                  strictness=0.2,
                                  events=[(2, "Diffusion rule in force"),
                                          (4, "Diffusion rule rescinded")]),
        "sweep_grid": make_sweep(out / "sweep_grid", "grid"),
        "sweep_saltelli": make_sweep(out / "sweep_saltelli", "saltelli",
                                     replicates=1, with_timeseries=False),
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for k, v in make_all(sys.argv[1]).items():
        print(f"{k}: {v}")
