#!/usr/bin/python3
"""Completeness checker for BlocSim's default world (scenarios/world/).

Run from anywhere:  /usr/bin/python3 tests/world/test_world_data.py
Exits 1 with every problem listed, or prints a summary and exits 0.

Checks: 194 rows (193 UN members + TWN); unique, well-formed ISO3 codes that exist in the
committed ISO 3166 table (tools/world_inputs/iso3166.csv) and match its UN-membership flag;
exactly the schema's columns; every field present and in range; `estimated` names only real
columns; every list member is a country of the world or listed under `ignore`, and every
`ignore` code is really outside the world; every border/trade edge has known, distinct
endpoints, no duplicates, a<b, weight in (0,1]; the network (borders + trade + shared
memberships of the groups base.yaml uses) is connected and no country is isolated; borders +
trade alone are connected too.
"""
from __future__ import annotations

import csv
import math
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
WORLD = REPO / "scenarios" / "world"
ISO_TABLE = REPO / "tools" / "world_inputs" / "iso3166.csv"
BASE = REPO / "scenarios" / "base.yaml"

COLUMNS = ["iso3", "name", "region", "subregion", "gdp", "pop", "capacity", "democracy", "sovereignty",
           "multilateralism", "market", "trade_us", "trade_cn", "trade_eu", "trade_in",
           "security_us", "security_cn", "security_eu", "security_in",
           # data-only columns (may be empty where the source has no value; see the data statement)
           "gdp_ppp", "capacity_imf", "capacity_msft", "rivalry_us", "rivalry_cn", "rivalry_eu", "rivalry_in",
           "chinese_finance", "estimated"]
OPTIONAL = {"gdp_ppp", "capacity_imf", "capacity_msft", "chinese_finance"}
UNIT = [c for c in COLUMNS[6:-1] if c != "gdp_ppp"]
ISO3 = re.compile(r"^[A-Z]{3}$")

errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def num(v: str):
    try:
        x = float(v)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def read_csv(path: Path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        return r.fieldnames or [], list(r)


def check_countries():
    header, rows = read_csv(WORLD / "countries.csv")
    if header != COLUMNS:
        err(f"countries.csv: columns {header} != expected {COLUMNS}")
    if len(rows) != 194:
        err(f"countries.csv: {len(rows)} rows, expected 194 (193 UN members + TWN)")
    iso_rows = read_csv(ISO_TABLE)[1]
    known = {r["iso3"]: r for r in iso_rows}
    un = {r["iso3"] for r in iso_rows if r["un_member"] == "1"}
    codes = []
    for n, r in enumerate(rows, start=2):
        c = r.get("iso3", "")
        where = f"countries.csv:{n}: {c or '?'}"
        codes.append(c)
        if not ISO3.match(c):
            err(f"{where}: iso3 {c!r} is not 3 upper-case letters")
        elif c not in known:
            err(f"{where}: {c} is not an ISO 3166-1 alpha-3 code")
        for k in COLUMNS[:-1]:
            if (r.get(k) or "").strip() == "" and k not in OPTIONAL:
                err(f"{where}: {k} is empty")
        for k in ("gdp", "pop"):
            x = num(r.get(k) or "")
            if x is None or x <= 0:
                err(f"{where}: {k}={r.get(k)!r} must be a finite number > 0")
        for k in UNIT:
            if k in OPTIONAL and (r.get(k) or "") == "":
                continue
            x = num(r.get(k) or "")
            if x is None or not 0.0 <= x <= 1.0:
                err(f"{where}: {k}={r.get(k)!r} must be in [0,1]")
        est = [e for e in (r.get("estimated") or "").split(";") if e]
        bad = [e for e in est if e not in COLUMNS]
        if bad:
            err(f"{where}: estimated names unknown columns {bad}")
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        err(f"countries.csv: duplicate iso3 {dup}")
    world = set(codes)
    if world - un - {"TWN"}:
        err(f"countries.csv: not UN members (nor TWN): {sorted(world - un - {'TWN'})}")
    if un - world:
        err(f"countries.csv: UN members missing: {sorted(un - world)}")
    if "TWN" not in world:
        err("countries.csv: TWN missing")
    by = {r["iso3"]: r for r in rows}
    for home, col in (("USA", "security_us"), ("CHN", "security_cn"), ("USA", "trade_us"), ("CHN", "trade_cn")):
        if home in by and num(by[home][col]) != 1.0:
            err(f"countries.csv: {home} {col} should be 1 (home country of the power)")
    return world, rows


def check_groups(world):
    doc = yaml.safe_load((WORLD / "groups.yaml").read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("lists"), list):
        err("groups.yaml: needs a top-level `lists:` list")
        return {}
    ignore = set(doc.get("ignore") or [])
    for c in sorted(ignore & world):
        err(f"groups.yaml: ignore lists {c}, which is a country of the world")
    groups, seen = {}, set()
    for i, l in enumerate(doc["lists"]):
        gid = l.get("id", f"#{i}")
        for k in ("id", "title", "as_of", "source", "confidence", "members"):
            if k not in l:
                err(f"groups.yaml: list {gid}: missing `{k}`")
        if l.get("confidence") not in ("exact_source_read", "secondary_source_read", "derived",
                                       "memory_unverified", "mixed"):
            err(f"groups.yaml: list {gid}: unknown confidence {l.get('confidence')!r}")
        if gid in seen:
            err(f"groups.yaml: duplicate list id {gid}")
        seen.add(gid)
        members = l.get("members") or []
        if len(set(members)) != len(members):
            err(f"groups.yaml: list {gid}: duplicate members")
        for m in members:
            if m not in world and m not in ignore:
                err(f"groups.yaml: list {gid}: member {m} is not a country of the world nor in `ignore`")
        groups[gid] = [m for m in members if m in world]
    used_ignore = {m for l in doc["lists"] for m in (l.get("members") or [])} & ignore
    for c in sorted(ignore - used_ignore):
        err(f"groups.yaml: ignore lists {c}, which no list uses")
    return groups


def check_edges(name, world, weighted):
    path = WORLD / name
    header, rows = read_csv(path)
    want = ["iso3_a", "iso3_b"] + (["weight"] if weighted else [])
    if header[:len(want)] != want:
        err(f"{name}: header {header} != {want}")
    edges, seen = [], set()
    for n, r in enumerate(rows, start=2):
        a, b = r.get("iso3_a", ""), r.get("iso3_b", "")
        for c in (a, b):
            if c not in world:
                err(f"{name}:{n}: unknown country {c!r}")
        if a == b:
            err(f"{name}:{n}: self-loop {a}")
        if not a < b:
            err(f"{name}:{n}: pair not ordered a<b ({a},{b})")
        if (a, b) in seen:
            err(f"{name}:{n}: duplicate pair ({a},{b})")
        seen.add((a, b))
        w = 1.0
        if weighted or r.get("weight"):
            w = num(r.get("weight") or "")
            if w is None or not 0.0 < w <= 1.0:
                err(f"{name}:{n}: weight {r.get('weight')!r} not in (0,1]")
        edges.append((a, b))
    return edges


def components(nodes, edges):
    parent = {c: c for c in nodes}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    comps = {}
    for c in nodes:
        comps.setdefault(find(c), []).append(c)
    return sorted(comps.values(), key=len, reverse=True)


def network_groups(groups):
    """Group ids that create ties in base.yaml (network.groups; default all)."""
    if BASE.exists():
        base = yaml.safe_load(BASE.read_text(encoding="utf-8")) or {}
        ids = (base.get("network") or {}).get("groups")
        if ids:
            for g in ids:
                if g not in groups:
                    err(f"base.yaml: network.groups names unknown group {g}")
            return [g for g in ids if g in groups]
    return list(groups)


def main() -> int:
    world, rows = check_countries()
    groups = check_groups(world)
    borders = check_edges("borders.csv", world, weighted=False)
    trade = check_edges("trade.csv", world, weighted=True)
    gids = network_groups(groups)
    group_edges = [(m[0], x) for g in gids for m in [groups[g]] if m for x in m[1:]]  # star = same components
    degree = {c: 0 for c in world}
    for a, b in borders + trade:
        if a in degree and b in degree:
            degree[a] += 1
            degree[b] += 1
    for g in gids:
        if len(groups[g]) > 1:
            for c in groups[g]:
                degree[c] += 1
    isolated = sorted(c for c, d in degree.items() if d == 0)
    if isolated:
        err(f"network: isolated countries {isolated}")
    comps = components(world, borders + trade + group_edges)
    if len(comps) > 1:
        err(f"network (borders+trade+groups {gids}): {len(comps)} components; smaller ones: {comps[1:]}")
    comps_bt = components(world, borders + trade)
    if len(comps_bt) > 1:
        err(f"network (borders+trade only): {len(comps_bt)} components; smaller ones: {comps_bt[1:]}")
    if errors:
        print(f"test_world_data: FAILED with {len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    n_est = sum(1 for r in rows if r["estimated"])
    print(f"test_world_data: OK - {len(world)} countries, {len(groups)} lists, {len(borders)} borders, "
          f"{len(trade)} trade edges, network connected ({len(gids)} tie-forming groups), "
          f"{n_est} rows carry estimated values")
    return 0


if __name__ == "__main__":
    sys.exit(main())
