#!/usr/bin/python3
"""Build BlocSim's default world (scenarios/world/) from its inputs.

Reproducible and offline. Run from anywhere with Debian's Python:

    /usr/bin/python3 tools/build_world.py            # rebuild every file
    /usr/bin/python3 tools/build_world.py --check    # rebuild into a temp dir and diff

Inputs (see scenarios/world/README.md, the data statement):
  * Natural Earth 1:110m admin-0 countries as bundled with Debian's python3-geopandas
    (`geopandas.datasets.get_path("naturalearth_lowres")`): GDP (gdp_md_est, 2019,
    million current US$), population (pop_est, 2019), country shapes for centroids.
  * tools/world_inputs/iso3166.csv: ISO 3166 alpha-3 / numeric codes, names, UN region
    labels, UN membership, centroids of countries absent from the 110m shapes. Generated
    from the npm package `world-countries` (ODbL 1.0) by `--refresh-iso` and committed.
  * tools/world_inputs/estimates.csv: hand-curated expert estimates (V-Dem LDI, Heritage
    economic freedom, Oxford Insights AI readiness, goods-trade shares, sovereignty and
    multilateralism scores, GDP/population of microstates missing from Natural Earth).
  * tools/world_inputs/security.csv: hand-curated security ties other than list-derived ones.
  * tools/world_inputs/groups_extra.yaml and tools/world_inputs/memberships.yaml (a verbatim copy
    of the team's shared membership lists, ../shared/data/memberships.yaml): membership lists.
  * Land borders: the npm package `world-atlas` (Natural Earth 1:50m as TopoJSON); two
    countries share a land border when their geometries share an arc. If the package is not
    found the committed scenarios/world/borders.csv is kept. To fetch it:
        mkdir -p ~/.cache/blocsim-npm && cd ~/.cache/blocsim-npm && npm install world-atlas world-countries
    then pass --npm-dir ~/.cache/blocsim-npm (or set BLOCSIM_NPM_DIR).

Outputs: scenarios/world/{countries.csv, groups.yaml, borders.csv, trade.csv}.
"""
from __future__ import annotations

import argparse
import csv
import filecmp
import json
import math
import os
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world_sources as ws  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
INPUTS = REPO / "tools" / "world_inputs"
OUT = REPO / "scenarios" / "world"
DEFAULT_MEMBERSHIPS = REPO / "tools" / "world_inputs" / "memberships.yaml"
NPM_CANDIDATES = [os.environ.get("BLOCSIM_NPM_DIR", ""), str(Path.home() / ".cache" / "blocsim-npm"), "/tmp/wa"]

COLUMNS = ["iso3", "name", "region", "subregion", "gdp", "pop", "capacity", "democracy", "sovereignty",
           "multilateralism", "market", "trade_us", "trade_cn", "trade_eu", "trade_in",
           "security_us", "security_cn", "security_eu", "security_in", "estimated"]
POWERS = ["us", "cn", "eu", "in"]
HOME = {"us": "USA", "cn": "CHN", "in": "IND"}          # the EU has no home country
TRADE_SHARE_COL = {"us": "sh_us", "cn": "sh_cn", "eu": "sh_eu", "in": "sh_in"}
TRADE_SATURATION = 50.0   # trade_k = min(1, share_percent / 50)
GRAVITY_PARTNERS = 5      # trade edges: each country's top-5 gravity partners
MIN_DISTANCE_KM = 100.0
GRAVITY_DISTANCE_EXPONENT = 2.0  # score_ij = GDP_j / distance_ij ** exponent

# Natural Earth units that belong to a UN member state (de jure territory) for GDP/pop.
NE_MERGE = {"SOL": "SOM", "CYN": "CYP"}
# world-atlas geometries without a usable ISO numeric id, or territories, mapped for borders.
ATLAS_NAME_MAP = {"Somaliland": "SOM", "N. Cyprus": "CYP"}
ATLAS_CODE_MAP = {"HKG": "CHN", "MAC": "CHN"}

# security ties derived from membership lists: (power, group id, value); the max applies.
SECURITY_FROM_GROUPS = [
    ("us", "nato_members", 1.0), ("us", "us_bilateral_treaty_allies", 1.0),
    ("us", "rio_treaty", 0.5), ("us", "us_major_non_nato_allies", 0.5),
    ("eu", "eu_member_states", 0.7),
    ("cn", "sco_members", 0.2),
]


def log(msg: str) -> None:
    print(f"build_world: {msg}", file=sys.stderr)


def find_npm_dir(arg: str | None) -> Path | None:
    for cand in [arg] if arg else NPM_CANDIDATES:
        if cand and (Path(cand) / "node_modules").is_dir():
            return Path(cand) / "node_modules"
    return None


# ---------------------------------------------------------------------------------------
def refresh_iso(npm: Path) -> None:
    """Regenerate tools/world_inputs/iso3166.csv from the npm package world-countries."""
    data = json.loads((npm / "world-countries" / "countries.json").read_text(encoding="utf-8"))
    rows = []
    for c in data:
        un = bool(c.get("unMember"))
        if c["cca3"] == "VAT":   # the Holy See is a UN observer state, not a member
            un = False
        rows.append({"iso3": c["cca3"], "ccn3": c.get("ccn3", ""), "name": c["name"]["common"],
                     "region": c.get("region", ""), "subregion": c.get("subregion", ""),
                     "lat": c["latlng"][0] if c.get("latlng") else "", "lon": c["latlng"][1] if c.get("latlng") else "",
                     "un_member": int(un)})
    rows.sort(key=lambda r: r["iso3"])
    with open(INPUTS / "iso3166.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    log(f"wrote {INPUTS / 'iso3166.csv'} ({len(rows)} codes)")


def load_ne():
    import geopandas as gpd
    warnings.filterwarnings("ignore")
    ne = gpd.read_file(gpd.datasets.get_path("naturalearth_lowres"))
    ne = ne[ne.iso_a3 != "-99"]  # Kosovo: not a UN member state
    return ne


def largest_part_centroid(geom):
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    c = geom.centroid
    return c.y, c.x


def haversine(a, b) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def load_groups(memberships: Path):
    shared = yaml.safe_load(memberships.read_text(encoding="utf-8"))
    extra = yaml.safe_load((INPUTS / "groups_extra.yaml").read_text(encoding="utf-8"))
    ids = [l["id"] for l in shared["lists"]]
    for l in extra["lists"]:
        if l["id"] in ids:
            raise SystemExit(f"groups_extra.yaml: list {l['id']} already in {memberships}")
    return shared, extra["lists"]


def build(out: Path, memberships: Path, npm: Path | None, src: "ws.Sources | None" = None) -> None:
    iso = pd.read_csv(INPUTS / "iso3166.csv", dtype={"ccn3": str}, keep_default_na=False)
    world_codes = sorted(set(iso.loc[iso.un_member == 1, "iso3"]) | {"TWN"})
    if len(world_codes) != 194:
        raise SystemExit(f"expected 193 UN members + TWN, got {len(world_codes)}")
    iso = iso.set_index("iso3")
    est = pd.read_csv(INPUTS / "estimates.csv").set_index("iso3")
    missing = sorted(set(world_codes) - set(est.index))
    if missing:
        raise SystemExit(f"estimates.csv lacks rows for {missing}")

    ne = load_ne()
    gdp, pop, cen = {}, {}, {}
    for _, r in ne.iterrows():
        code = NE_MERGE.get(r.iso_a3, r.iso_a3)
        gdp[code] = gdp.get(code, 0.0) + r.gdp_md_est / 1000.0
        pop[code] = pop.get(code, 0.0) + r.pop_est / 1e6
        if r.iso_a3 not in NE_MERGE:
            cen[code] = largest_part_centroid(r.geometry)

    shared, extra_lists = load_groups(memberships)
    all_lists = shared["lists"] + extra_lists
    un_list = {"id": "un_members", "title": "United Nations member states (193)", "as_of": "2025-06-30",
               "source": "npm package world-countries 5.1 (mledoze/countries, ODbL 1.0) field unMember, "
                         "with VAT (Holy See, observer) removed",
               "confidence": "secondary_source_read",
               "notes": "Defines the default world together with TWN (Taiwan, not a UN member).",
               "members": [c for c in world_codes if c != "TWN"]}
    all_lists.append(un_list)
    groups = {l["id"]: set(l["members"]) for l in all_lists}

    # security ties: list-derived, then hand-curated (max of all), then home countries
    sec_src = pd.read_csv(INPUTS / "security.csv")
    security = {p: {c: 0.0 for c in world_codes} for p in POWERS}
    for p, gid, v in SECURITY_FROM_GROUPS:
        for c in groups[gid]:
            if c in security[p]:
                security[p][c] = max(security[p][c], v)
    for _, r in sec_src.iterrows():
        if r.iso3 not in security[r.power]:
            raise SystemExit(f"security.csv: unknown country {r.iso3}")
        security[r.power][r.iso3] = max(security[r.power][r.iso3], float(r.value))
    for p, home in HOME.items():
        security[p][home] = 1.0

    rows = []
    for c in world_codes:
        e = est.loc[c]
        estimated = ["capacity", "democracy", "sovereignty", "multilateralism", "market"]
        if c in gdp:
            g, po = gdp[c], pop[c]
        else:
            if pd.isna(e.gdp) or pd.isna(e["pop"]):
                raise SystemExit(f"{c}: not in Natural Earth and no gdp/pop in estimates.csv")
            g, po = float(e.gdp), float(e["pop"])
            estimated += ["gdp", "pop"]
        row = {"iso3": c, "name": iso.loc[c, "name"], "region": iso.loc[c, "region"],
               "subregion": iso.loc[c, "subregion"], "gdp": round(g, 3), "pop": round(po, 4),
               "capacity": e.air / 100.0, "democracy": e.ldi, "sovereignty": e.sov,
               "multilateralism": e.multi, "market": e.efw / 100.0}
        for p in POWERS:
            if HOME.get(p) == c:
                row[f"trade_{p}"] = 1.0     # a power's home country: definitional
            else:
                row[f"trade_{p}"] = min(1.0, float(e[TRADE_SHARE_COL[p]]) / TRADE_SATURATION)
                estimated.append(f"trade_{p}")
        for p in POWERS:
            row[f"security_{p}"] = security[p][c]
            if HOME.get(p) != c:
                estimated.append(f"security_{p}")   # lists and treaties are memory values
        row["estimated"] = ";".join(k for k in COLUMNS if k in estimated)
        rows.append(row)
    countries = pd.DataFrame(rows, columns=COLUMNS)
    for col in COLUMNS[6:-1]:
        countries[col] = countries[col].astype(float).round(4)
    out.mkdir(parents=True, exist_ok=True)
    countries.to_csv(out / "countries.csv", index=False, lineterminator="\n")

    # groups.yaml
    ignore = sorted({m for l in all_lists for m in l["members"]} - set(world_codes))
    header = ("# Membership lists of the default world (generated by tools/build_world.py - edit the inputs,\n"
              "# not this file). Lists 1-%d are copied from tools/world_inputs/memberships.yaml with their\n"
              "# confidence flags; the rest come from tools/world_inputs/groups_extra.yaml. Confidence:\n"
              "#   exact_source_read | secondary_source_read | derived | memory_unverified | mixed\n"
              "# `ignore`: codes that appear in lists but are not countries of the world.\n" % len(shared["lists"]))
    doc = {"schema_version": shared.get("schema_version", 1), "ignore": ignore, "lists": all_lists}
    with open(out / "groups.yaml", "w", encoding="utf-8") as f:
        f.write(header)
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True, width=120)

    # borders.csv
    atlas = npm / "world-atlas" / "countries-50m.json" if npm else None
    if atlas and atlas.exists():
        write_borders(atlas, out / "borders.csv", iso, set(world_codes))
    elif (OUT / "borders.csv").exists():
        if out != OUT:
            (out / "borders.csv").write_bytes((OUT / "borders.csv").read_bytes())
        log("world-atlas not found: kept the committed borders.csv. To rebuild it:\n"
            "    mkdir -p ~/.cache/blocsim-npm && cd ~/.cache/blocsim-npm && npm install world-atlas\n"
            "    /usr/bin/python3 tools/build_world.py --npm-dir ~/.cache/blocsim-npm")
    else:
        raise SystemExit("no borders.csv and no world-atlas: run `npm install world-atlas` "
                         "in ~/.cache/blocsim-npm and pass --npm-dir")

    # trade.csv - gravity-model estimate
    for c in world_codes:
        if c not in cen:
            cen[c] = (float(iso.loc[c, "lat"]), float(iso.loc[c, "lon"]))
    gdp_of = dict(zip(countries.iso3, countries.gdp))
    edges = {}
    for i in world_codes:
        scores = sorted(((gdp_of[j] / max(MIN_DISTANCE_KM, haversine(cen[i], cen[j])) ** GRAVITY_DISTANCE_EXPONENT, j)
                         for j in world_codes if j != i), reverse=True)
        top = scores[0][0]
        for s, j in scores[:GRAVITY_PARTNERS]:
            key = tuple(sorted((i, j)))
            edges[key] = max(edges.get(key, 0.0), s / top)
    with open(out / "trade.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso3_a", "iso3_b", "weight"])
        for (a, b), v in sorted(edges.items()):
            w.writerow([a, b, f"{max(0.001, v):.3f}"])
    # unga.csv - observed alignment (needs the sources folder; otherwise the committed file stands)
    if src is not None:
        write_unga(src, ws.read_crosswalk(), out / "unga.csv")
    elif out != OUT:
        (out / "unga.csv").write_bytes((OUT / "unga.csv").read_bytes())
    log(f"wrote {out}: {len(countries)} countries, {len(all_lists)} lists, {len(edges)} trade edges")


def write_unga(src: "ws.Sources", xw, path: Path) -> None:
    rows = ws.unga(src, xw)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        keys = ["iso3", "year", "ideal_point", "q5", "q95", "axis", "axis_q5", "axis_q95"]
        w.writerow(keys)
        for r in rows:
            w.writerow([r["iso3"], r["year"]] + [f"{r[k]:.6f}" for k in keys[2:]])
    log(f"wrote {path}: {len(rows)} country-years of UNGA ideal points")


def write_borders(atlas: Path, path: Path, iso: pd.DataFrame, world: set[str]) -> None:
    topo = json.loads(atlas.read_text(encoding="utf-8"))
    geoms = topo["objects"]["countries"]["geometries"]
    num = {r.ccn3: code for code, r in iso.iterrows() if r.ccn3}
    codes = []
    for g in geoms:
        code = num.get(g.get("id"), "") or ATLAS_NAME_MAP.get(g.get("properties", {}).get("name"), "")
        codes.append(ATLAS_CODE_MAP.get(code, code))
    users: dict[int, set[int]] = {}

    def walk(a, gi):
        if isinstance(a, int):
            users.setdefault(a if a >= 0 else ~a, set()).add(gi)
        else:
            for x in a:
                walk(x, gi)

    for gi, g in enumerate(geoms):
        walk(g.get("arcs", []), gi)
    pairs, dropped = set(), set()
    labels = [c or g.get("properties", {}).get("name", "?") for c, g in zip(codes, geoms)]
    for s in users.values():
        s = sorted(s)
        for x in range(len(s)):
            for y in range(x + 1, len(s)):
                a, b = sorted((labels[s[x]], labels[s[y]]))
                if a == b:
                    continue
                if a in world and b in world:
                    pairs.add((a, b))
                else:
                    dropped.add((a, b))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso3_a", "iso3_b"])
        w.writerows(sorted(pairs))
    log(f"wrote {path}: {len(pairs)} land borders from {atlas.name}; dropped non-world pairs: {sorted(dropped)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--memberships", type=Path, default=DEFAULT_MEMBERSHIPS)
    ap.add_argument("--npm-dir", help="folder holding node_modules/world-atlas (and world-countries)")
    ap.add_argument("--refresh-iso", action="store_true", help="regenerate iso3166.csv from world-countries")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="build into a temp dir and compare with the committed files")
    ap.add_argument("--sources", help="folder of the raw releases (default ../shared/data/world_sources)")
    args = ap.parse_args()
    npm = find_npm_dir(args.npm_dir)
    sdir = ws.find_sources(args.sources)
    src = ws.Sources(sdir) if sdir else None
    if args.refresh_iso:
        if not npm or not (npm / "world-countries").is_dir():
            raise SystemExit("--refresh-iso needs `npm install world-countries` (see --npm-dir)")
        refresh_iso(npm)
    if not args.memberships.exists():
        raise SystemExit(f"memberships file not found: {args.memberships} (use --memberships)")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp), args.memberships, npm, src)
            bad = [n for n in ("countries.csv", "groups.yaml", "borders.csv", "trade.csv", "unga.csv")
                   if not filecmp.cmp(Path(tmp) / n, OUT / n, shallow=False)]
            if bad:
                print(f"build_world --check: differs from committed: {bad}", file=sys.stderr)
                return 1
            print("build_world --check: committed files are up to date")
            return 0
    build(args.out, args.memberships, npm, src)
    return 0


if __name__ == "__main__":
    sys.exit(main())
