#!/usr/bin/python3
"""Build BlocSim's default world (scenarios/world/) from cited data releases.

Reproducible and offline. Run from anywhere with Debian's Python:

    /usr/bin/python3 tools/build_world.py            # rebuild every file
    /usr/bin/python3 tools/build_world.py --check    # validate the committed files; with the
                                                      # sources, also require equality with a fresh build

Inputs (see scenarios/world/README.md, the data statement):
  * ../shared/data/world_sources/ (or --sources / $BLOCSIM_WORLD_SOURCES): raw releases (IMF WEO,
    UN WPP, V-Dem, Freedom House, Oxford Insights / IMF AIPI / Microsoft, Fraser EFW, IMF DOTS,
    ATOP / Thompson-Dreyer / GML MIDs via peacesciencer, AidData GCDF, UNGA ideal points). Every
    file is checked against tools/world_inputs/sources.lock.tsv before anything is built; codes and
    labels are mapped to ISO3 through tools/world_inputs/crosswalk.csv only (tools/world_sources.py).
    Without the folder, countries.csv, provenance.csv, unga.csv and trade.csv stay as committed.
  * tools/world_inputs/iso3166.csv: ISO 3166 codes, names, regions, UN membership, reference points
    (from the npm package world-countries, ODbL 1.0, via --refresh-iso).
  * tools/world_inputs/estimates.csv (sovereignty, multilateralism, and fallbacks where a source has
    no value), security.csv (hand-coded ties with reasons), rivalry_post2010.csv (cited list).
  * tools/world_inputs/memberships.yaml (verbatim copy of ../shared/data/memberships.yaml),
    groups_override.yaml (lists replacing same-id lists) and groups_extra.yaml (more lists).
  * Land borders: the npm package world-atlas (Natural Earth 1:50m as TopoJSON); two countries share
    a border when their geometries share an arc. Without the package the committed borders.csv is
    kept. To fetch it:
        mkdir -p ~/.cache/blocsim-npm && cd ~/.cache/blocsim-npm && npm install world-atlas world-countries
    then pass --npm-dir ~/.cache/blocsim-npm (or set BLOCSIM_NPM_DIR).

Outputs: scenarios/world/{countries.csv, provenance.csv, unga.csv, groups.yaml, borders.csv, trade.csv}.
Why one file over 600 lines: it is one pipeline read top to bottom, one block per column with
the provenance rule next to the value it writes; readers of raw releases live in
tools/world_sources.py, so what remains here is the rules a reviewer checks side by side.
geopandas is not used (geopandas.datasets was removed in GeoPandas 1.0).
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
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world_sources as ws  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
INPUTS = REPO / "tools" / "world_inputs"
OUT = REPO / "scenarios" / "world"
DEFAULT_MEMBERSHIPS = REPO / "tools" / "world_inputs" / "memberships.yaml"
NPM_CANDIDATES = [os.environ.get("BLOCSIM_NPM_DIR", ""), str(Path.home() / ".cache" / "blocsim-npm")]

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

# world-atlas geometries without a usable ISO numeric id, or territories, mapped for borders.
ATLAS_NAME_MAP = {"Somaliland": "SOM", "N. Cyprus": "CYP"}
ATLAS_CODE_MAP = {"HKG": "CHN", "MAC": "CHN"}

# security ties derived from membership lists: (power, group id, value); the max applies.
SECURITY_FROM_GROUPS = [
    ("us", "nato_members", 1.0), ("us", "us_bilateral_treaty_allies", 1.0),
    ("us", "us_compact_states", 1.0),
    ("us", "rio_treaty", 0.5), ("us", "us_major_non_nato_allies", 0.5),
    ("eu", "eu_member_states", 0.7),
]


WORLD_FILES = ("countries.csv", "provenance.csv", "unga.csv", "groups.yaml", "borders.csv", "trade.csv")


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


def haversine(a, b) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def load_groups(memberships: Path):
    shared = yaml.safe_load(memberships.read_text(encoding="utf-8"))
    extra = yaml.safe_load((INPUTS / "groups_extra.yaml").read_text(encoding="utf-8"))
    override = yaml.safe_load((INPUTS / "groups_override.yaml").read_text(encoding="utf-8"))["lists"]
    by_id = {l["id"]: l for l in override}
    unknown = set(by_id) - {l["id"] for l in shared["lists"]}
    if unknown:
        raise SystemExit(f"groups_override.yaml: no list {sorted(unknown)} in {memberships}")
    shared["lists"] = [by_id.get(l["id"], l) for l in shared["lists"]]
    ids = [l["id"] for l in shared["lists"]]
    for l in extra["lists"]:
        if l["id"] in ids:
            raise SystemExit(f"groups_extra.yaml: list {l['id']} already in {memberships}")
    return shared, extra["lists"]


# ---------------------------------------------------------------------------------------
# countries.csv from the sources, with per-cell provenance
EU27 = ["AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL", "ITA",
        "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE"]
# GDP of countries in neither the IMF WEO nor WDI (US$ bn): flagged estimates.
OLD_GDP_FALLBACK = {"PRK": (40.0, "in neither WEO nor WDI; Natural Earth 2019 placeholder (gdp_md_est) kept")}
POWER_COW = {"us": 2, "cn": 710, "in": 750}
DOTS_PARTNER = {"us": "United States", "cn": "China, P.R.: Mainland", "in": "India"}
DATA_COLUMNS = ["gdp_ppp", "capacity_imf", "capacity_msft", "rivalry_us", "rivalry_cn", "rivalry_eu", "rivalry_in",
                "chinese_finance"]
MODEL_COLUMNS = COLUMNS[4:-1] + DATA_COLUMNS
OUT_COLUMNS = COLUMNS[:-1] + DATA_COLUMNS + ["estimated"]
PROV_COLUMNS = ["iso3", "column", "source", "year", "flag", "note"]
CF_SCALE = 100.0        # chinese_finance = log10(1 + 100 s) / log10(1 + 100), s = GCDF total / GDP 2021
# Rivalry from militarised disputes (GML MIDs), on the dispute-density typology of Diehl & Goertz (2000,
# ch. 2): 1-2 disputes = isolated conflict (not a rivalry), 3-5 = proto-rivalry, >= 6 within about 20
# years = enduring rivalry; disputes less than MID_EPISODE_GAP years apart belong to one episode and an
# episode with no dispute for MID_EPISODE_GAP years has ended (Goertz & Diehl 1993). A proto- or enduring
# rivalry ongoing at the end of the MID data scores MID_RIVALRY; stronger evidence (Thompson-Dreyer
# strategic rivalry, the cited post-2010 list) is needed for more. Until 0.2.x any single dispute since
# 2000 scored 0.5 - changed after the 2024 face-validity case showed Russia rival to China on one 2009 MID.
MID_RIVALRY = 0.5
MID_PROTO_RIVALRY = 3     # disputes in the latest episode for a (proto-)rivalry
MID_EPISODE_GAP = 10      # years without a dispute that end an episode
MID_ENDURING = 6          # disputes within 20 years for an enduring rivalry (label only: same value)
RIO_ONLY = 0.5          # ATOP defence tie with the US through the Rio Treaty only


def linfit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def build_countries(src: "ws.Sources", world_codes, iso, groups, est, dt):
    """Return (rows, provenance) for countries.csv from the raw releases."""
    xw = ws.read_crosswalk()
    if sorted(r["iso3"] for r in xw) != sorted(world_codes):
        raise SystemExit("crosswalk.csv must have exactly one row per country of the world")
    cells = {c: {} for c in world_codes}     # iso3 -> column -> value
    prov = []

    def put(c, col, value, source, year, flag, note=""):
        cells[c][col] = value
        prov.append({"iso3": c, "column": col, "source": source, "year": year, "flag": flag, "note": note})

    # gdp, gdp_ppp (US$ bn, 2024): IMF WEO Oct 2025; WDI fallback
    weo_mer, weo_ppp = ws.weo(src, xw, "MER"), ws.weo(src, xw, "PPP")
    wdi_gdp = ws.wdi(src, xw, "ny.gdp.mktp.cd")
    wdi_pcppp = ws.wdi(src, xw, "ny.gdp.pcap.pp.cd")
    pop = ws.wpp(src, xw)
    for c in world_codes:
        if c in weo_mer:
            v, y, n = weo_mer[c]
            put(c, "gdp", v, "IMF WEO Oct 2025", y, "read", n)
        elif c in wdi_gdp:
            v, y, n = wdi_gdp[c]
            put(c, "gdp", v / 1e9, "World Bank WDI NY.GDP.MKTP.CD", y, "read", f"{n}; not in WEO; US$ -> bn")
        else:
            put(c, "gdp", float(OLD_GDP_FALLBACK[c][0]), "estimate", 2019, "estimate", OLD_GDP_FALLBACK[c][1])
        v, y, n = pop[c]
        put(c, "pop", v / 1000.0, "UN WPP 2024", y, "read", f"{n}; thousands -> millions")
        if c in weo_ppp:
            v, y, n = weo_ppp[c]
            put(c, "gdp_ppp", v, "IMF WEO Oct 2025", y, "read", n)
        elif c in wdi_pcppp:
            v, y, n = wdi_pcppp[c]
            put(c, "gdp_ppp", v * cells[c]["pop"] / 1000.0, "World Bank WDI NY.GDP.PCAP.PP.CD x UN WPP 2024", y,
                "derived", f"{n}; per-capita PPP (year {y}) x WPP 2024 population; not in WEO")
        else:
            put(c, "gdp_ppp", "", "none", "", "estimate", "no PPP value in WEO or WDI: left empty")

    # capacity: Oxford Insights 2023 / 100; alternatives IMF AIPI 2023 and Microsoft Q1 2026
    oi, imf, ms = ws.futuregrid(src, xw, "governmentReadiness"), ws.futuregrid(src, xw, "readiness"), ws.msft(src, xw)
    both = [c for c in world_codes if c in oi and c in imf]
    a, b = linfit([imf[c][0] for c in both], [oi[c][0] / 100 for c in both])
    for c in world_codes:
        if c in oi:
            put(c, "capacity", oi[c][0] / 100, "Oxford Insights Government AI Readiness Index 2023", 2023, "read",
                f"{oi[c][2]}; score / 100")
        elif c in imf:
            put(c, "capacity", min(1, max(0, a + b * imf[c][0])), "IMF AIPI 2023 mapped to Oxford Insights", 2023,
                "derived", f"not scored by Oxford Insights; linear fit on {len(both)} countries scored by both "
                f"(OI/100 = {a:.4f} + {b:.4f} x AIPI)")
        else:
            put(c, "capacity", float(est.loc[c, "air"]) / 100, "estimate (tools/world_inputs/estimates.csv)", 2023,
                "estimate", "in neither Oxford Insights nor IMF AIPI")
        if c in imf:
            put(c, "capacity_imf", imf[c][0], "IMF AI Preparedness Index 2023", 2023, "read", imf[c][2])
        else:
            put(c, "capacity_imf", "", "none", "", "estimate", "not in IMF AIPI: empty (a scenario using this column "
                "falls back to `capacity`)")
        if c in ms:
            put(c, "capacity_msft", ms[c][0] / 100, "Microsoft AI Diffusion Report (Q1 2026)", 2026, "read",
                f"{ms[c][2]}; percent / 100")
        else:
            put(c, "capacity_msft", "", "none", "", "estimate", "not in the Microsoft report: empty (a scenario "
                "using this column falls back to `capacity`)")

    # democracy: V-Dem v15 v2x_libdem 2024; microstates from Freedom House 2024 by a fit on the overlap
    vd, fh = ws.vdem(src, xw), ws.freedom_house(src, xw)
    both = [c for c in world_codes if c in vd and c in fh]
    a, b = linfit([fh[c][0] for c in both], [vd[c][0] for c in both])
    for c in world_codes:
        if c in vd:
            put(c, "democracy", vd[c][0], "V-Dem v15", 2024, "read", vd[c][2])
        else:
            v = min(1.0, max(0.0, a + b * fh[c][0]))
            put(c, "democracy", v, "Freedom House 2025 (year 2024) mapped to V-Dem v2x_libdem", 2024, "derived",
                f"not in V-Dem; FH total {fh[c][0]:.0f}; libdem = {a:.4f} + {b:.5f} x FH total (OLS on "
                f"{len(both)} countries in both), clipped to [0, 1]")

    # market: Fraser EFW (latest year) / 10; old estimates mapped onto the EFW scale where absent
    ef = ws.efw(src, xw)
    both = [c for c in world_codes if c in ef]
    a, b = linfit([float(est.loc[c, "efw"]) for c in both], [ef[c][0] / 10 for c in both])
    for c in world_codes:
        if c in ef:
            put(c, "market", ef[c][0] / 10, "Fraser Economic Freedom of the World", ef[c][1], "read",
                f"{ef[c][2]}; index / 10")
        else:
            v = min(1.0, max(0.0, a + b * float(est.loc[c, "efw"])))
            put(c, "market", v, "estimate mapped to the Fraser scale", 2024, "estimate",
                f"not rated by Fraser; Heritage-style estimate {est.loc[c, 'efw']} from estimates.csv mapped by "
                f"OLS on {len(both)} rated countries (EFW/10 = {a:.4f} + {b:.5f} x estimate)")

    # sovereignty, multilateralism: no published index - flagged estimates (rule in the data statement)
    for c in world_codes:
        for col, key in (("sovereignty", "sov"), ("multilateralism", "multi")):
            put(c, col, float(est.loc[c, key]), "estimate (tools/world_inputs/estimates.csv)", 2025, "estimate",
                "expert score on the anchored scale of the data statement")

    # trade shares: IMF DOTS, mean 2017-2019, goods exports + imports; mirror flows for non-reporters
    names = ws.scheme_map(xw, "dots")
    label = {v: k for k, v in names.items()}
    rep = dots_reporters(dt, names)
    for c in world_codes:
        for p in POWERS:
            if HOME.get(p) == c:
                put(c, f"trade_{p}", 1.0, "definition", "", "derived", "the power's home country")
                continue
            if c in rep:
                tot = dt[c]["World"]
                if p == "eu":
                    part = dt[c].get("European Union", 0.0)
                    note = "partner 'European Union' (EU27)"
                else:
                    part = dt[c].get(DOTS_PARTNER[p], 0.0)
                    note = f"partner '{DOTS_PARTNER[p]}'"
                share, src_name, flag = part / tot, "IMF DOTS", "read"
                note = f"{note} / 'World', exports FOB + imports CIF, mean 2017-2019"
            elif c in label:
                lab = label[c]
                tot = sum(dt[r].get(lab, 0.0) for r in sorted(rep))
                if p == "eu":
                    part = sum(dt[m].get(lab, 0.0) for m in EU27 if m in rep)
                else:
                    part = dt[HOME[p]].get(lab, 0.0)
                share, src_name, flag = part / tot, "IMF DOTS (mirror flows)", "derived"
                note = ("no usable own partner breakdown in DOTS: partner-reported flows with this country / "
                        "the same summed over all reporters, mean 2017-2019")
            else:
                share = float(est.loc[c, TRADE_SHARE_COL[p]]) / 100
                put(c, f"trade_{p}", min(1.0, share * 100 / TRADE_SATURATION),
                    "estimate (tools/world_inputs/estimates.csv)", 2023, "estimate",
                    f"not in DOTS as reporter or partner; share {share:.3f}")
                continue
            put(c, f"trade_{p}", min(1.0, share * 100 / TRADE_SATURATION), src_name, "2017-2019", flag,
                f"{note}; share {share:.4f}; min(1, share / 0.5)")

    # security ties
    sec = {p: {c: (0.0, "none", "", "derived", "no tie in ATOP 2018 or the lists") for c in world_codes} for p in POWERS}

    def raise_to(p, c, v, source, year, flag, note):
        if c in sec[p] and v > sec[p][c][0]:
            sec[p][c] = (v, source, year, flag, note)
    cow_of = {r["iso3"]: int(r["cow"]) for r in xw}
    AMERICAS_COW = {c for c, k in cow_of.items() if 31 <= k <= 165}
    for p, cow in POWER_COW.items():
        for c in ws.atop_defense(src, xw, cow):
            if p == "us" and c in AMERICAS_COW and c not in groups["nato_members"]:
                if c in groups["rio_treaty"]:
                    raise_to(p, c, RIO_ONLY, "ATOP 5.0", 2018, "derived", "defence pact in 2018 through the Rio Treaty only")
                else:
                    sec[p][c] = (0.0, "ATOP 5.0 + groups.yaml:rio_treaty", 2025, "derived",
                                 "ATOP 2018 still codes a Rio Treaty tie, but the state has left the treaty")
            else:
                raise_to(p, c, 1.0, "ATOP 5.0", 2018, "read", "atop_defense = 1 with the power in 2018")
    for p, gid, v in SECURITY_FROM_GROUPS:
        for c in groups[gid]:
            raise_to(p, c, v, f"groups.yaml:{gid}", 2025, "derived", f"member of {gid}")
    for _, r in pd.read_csv(INPUTS / "security.csv").iterrows():
        if r.iso3 not in sec[r.power]:
            raise SystemExit(f"security.csv: unknown country {r.iso3}")
        raise_to(r.power, r.iso3, float(r.value), "tools/world_inputs/security.csv", 2025, "estimate", r.reason)
    for p, home in HOME.items():
        sec[p][home] = (1.0, "definition", "", "derived", "the power's home country")
    for c in world_codes:
        for p in POWERS:
            put(c, f"security_{p}", *sec[p][c])

    # rivalry
    riv = {p: {c: (0.0, "none", "", "derived", "no rivalry, dispute or listed conflict") for c in world_codes}
           for p in POWERS}

    def riv_to(p, c, v, *rest):
        if c in riv[p] and v > riv[p][c][0]:
            riv[p][c] = (v, *rest)
    for p, cow in POWER_COW.items():
        episodes, mid_end = ws.gml_mid_episodes(src, xw, cow, MID_EPISODE_GAP)
        for c, (n, first, last, starts, rel) in sorted(episodes.items()):
            if c not in riv[p] or last < mid_end - MID_EPISODE_GAP:
                continue      # episode ended: no dispute in the last MID_EPISODE_GAP years of the data
            years = ", ".join(str(y) for y in starts)
            if n >= MID_PROTO_RIVALRY:
                dense = max(sum(1 for y in starts if s <= y < s + 20) for s in starts)
                kind = "enduring rivalry" if dense >= MID_ENDURING else "proto-rivalry"
                riv_to(p, c, MID_RIVALRY, "GML MID 2.2 (dyad-year)", last, "derived",
                       f"{kind} (Diehl & Goertz 2000): {n} militarised disputes with the power in the episode "
                       f"{first}-{last} (starts {years}), not ended by the end of the MID data ({mid_end}: last "
                       f"dispute within {MID_EPISODE_GAP} years)")
            else:
                riv[p][c] = (0.0, "GML MID 2.2 (dyad-year)", last, "derived",
                             f"isolated conflict, not a rivalry (Diehl & Goertz 2000: fewer than {MID_PROTO_RIVALRY} "
                             f"disputes): {n} militarised dispute(s) with the power in the episode {first}-{last} "
                             f"(starts {years})")
        for c, note in ws.td_rivals(src, xw, cow).items():
            riv_to(p, c, 1.0, "Thompson-Dreyer strategic rivalries", 2010, "read", note)
    for _, r in pd.read_csv(INPUTS / "rivalry_post2010.csv").iterrows():
        if r.iso3 not in riv[r.power]:
            raise SystemExit(f"rivalry_post2010.csv: unknown country {r.iso3}")
        riv_to(r.power, r.iso3, float(r.value), "tools/world_inputs/rivalry_post2010.csv", int(r.since), "derived",
               f"{r.reason} [{r.citation}]")
    for p, home in HOME.items():
        riv[p][home] = (0.0, "definition", "", "derived", "the power's home country")
    for c in world_codes:
        for p in POWERS:
            put(c, f"rivalry_{p}", *riv[p][c])

    # chinese_finance: AidData GCDF 3.0, 2000-2021, relative to GDP 2021
    ad = ws.aiddata(src, xw)
    gdp21 = ws.wdi_year(src, xw, "ny.gdp.mktp.cd", 2021)
    weo21 = ws.weo(src, xw, "MER", 2021)
    wdi_latest21 = ws.wdi(src, xw, "ny.gdp.mktp.cd", upto=2021)
    for c in world_codes:
        if c == "CHN":
            put(c, "chinese_finance", 0.0, "definition", "", "derived", "the lender")
        elif c == "SRB":
            put(c, "chinese_finance", "", "none", "", "estimate", "Serbia is dropped by the carrier of GCDF 3.0: empty")
        elif c not in ad:
            put(c, "chinese_finance", 0.0, "AidData GCDF 3.0", "2000-2021", "derived",
                "no recorded Chinese official finance 2000-2021 (GCDF covers low- and middle-income countries)")
        else:
            if c in gdp21:
                g, gnote = gdp21[c][0], "GDP 2021 (WDI)"
            elif c in weo21:
                g, gnote = weo21[c][0] * 1e9, "GDP 2021 (IMF WEO)"
            elif c in wdi_latest21:
                g, gnote = wdi_latest21[c][0], f"GDP {wdi_latest21[c][1]} (WDI, latest year before 2021)"
            else:
                put(c, "chinese_finance", "", "none", "", "estimate", "no GDP for 2021 or earlier in WDI or WEO: empty")
                continue
            s = ad[c][0] / g
            v = math.log10(1 + CF_SCALE * s) / math.log10(1 + CF_SCALE)
            put(c, "chinese_finance", min(1.0, v), "AidData GCDF 3.0", "2000-2021", "derived",
                f"sum 2000-2021 of ODA+OOF+vague (constant 2021 US$) {ad[c][0] / 1e9:.3f} bn / {gnote} "
                f"{g / 1e9:.1f} bn = {s:.4f}; log10(1 + 100 s) / log10(101), capped at 1")

    estimated = {(p["iso3"], p["column"]) for p in prov if p["flag"] == "estimate" and cells[p["iso3"]][p["column"]] != ""}
    rows = []
    for c in world_codes:
        row = {"iso3": c, "name": iso.loc[c, "name"], "region": iso.loc[c, "region"],
               "subregion": iso.loc[c, "subregion"]}
        for col in MODEL_COLUMNS:
            v = cells[c][col]
            row[col] = "" if v == "" else round(float(v), 3 if col in ("gdp", "gdp_ppp") else 4)
        row["estimated"] = ";".join(col for col in MODEL_COLUMNS if (c, col) in estimated)
        rows.append(row)
    return rows, prov


def dots_cached(src: "ws.Sources") -> dict:
    """ws.dots(), cached in ~/.cache/blocsim-world (parsing the 269 workbooks takes minutes).
    The cache key covers the locked SHA-256 of every DOTS file (already verified), the reader's
    source code and the crosswalk's DOTS labels, so any change there re-parses."""
    import hashlib
    import inspect
    xw = ws.read_crosswalk()
    ident = "\n".join(f"{k}\t{v}" for k, v in sorted(src.lock.items()) if k.startswith("imf_dots/"))
    ident += inspect.getsource(ws.dots) + "|".join(r["dots"] for r in xw)
    key = hashlib.sha256(ident.encode()).hexdigest()[:20]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "blocsim-world" / f"dots-{key}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    # a JSON round trip gives the same key order (hence the same float sums) as a cache hit
    dt = json.loads(json.dumps(ws.dots(src, xw), sort_keys=True))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(dt, sort_keys=True), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass
    return dt


DOTS_MIN_COVERAGE = 0.5   # own report used when its bilateral rows cover >= 50 % of its World total


def dots_reporters(dt, labels) -> set:
    """Countries whose own DOTS workbook has a usable partner breakdown: flows with countries of
    the world cover at least DOTS_MIN_COVERAGE of its `World` total. The others (workbooks with
    only regional aggregates, e.g. PRK, LAO, IRQ) are treated as non-reporters: mirror flows."""
    labs = set(labels)
    out = set()
    for c, f in dt.items():
        w = f.get("World", 0.0)
        if w > 0 and sum(v for p, v in f.items() if p in labs) >= DOTS_MIN_COVERAGE * w:
            out.add(c)
    return out


def trade_edges(dt, world_codes, iso, gdp_of) -> dict:
    """Each country's top GRAVITY_PARTNERS partners by observed goods trade (IMF DOTS, exports +
    imports, mean 2017-2019; mirror flows for non-reporters), weight = flow / the country's
    largest flow; the undirected edge keeps the larger of the two directions. Countries in no
    DOTS workbook (AND, LIE, MCO) get their top partners from the gravity model
    GDP_j / d_ij^2 instead."""
    xw = ws.read_crosswalk()
    label = {r["iso3"]: r["dots"].strip() for r in xw if r["dots"]}
    rep = dots_reporters(dt, label.values())
    flows = {}
    for i in world_codes:
        if i in rep:
            f = {j: dt[i].get(label[j], 0.0) for j in world_codes if j != i and j in label}
        elif i in label:
            f = {j: dt[j].get(label[i], 0.0) for j in world_codes if j != i and j in rep}
        else:
            continue
        flows[i] = {j: v for j, v in f.items() if v > 0}
    cen = {c: (float(iso.loc[c, "lat"]), float(iso.loc[c, "lon"])) for c in world_codes}
    edges = {}
    for i in world_codes:
        if i in flows and flows[i]:
            scores = sorted(((v, j) for j, v in flows[i].items()), key=lambda t: (-t[0], t[1]))
        else:
            scores = sorted(((gdp_of[j] / max(MIN_DISTANCE_KM, haversine(cen[i], cen[j])) ** GRAVITY_DISTANCE_EXPONENT, j)
                             for j in world_codes if j != i), key=lambda t: (-t[0], t[1]))
        top = scores[0][0]
        for v, j in scores[:GRAVITY_PARTNERS]:
            key = tuple(sorted((i, j)))
            edges[key] = max(edges.get(key, 0.0), v / top)
    return edges


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
    out.mkdir(parents=True, exist_ok=True)

    # countries.csv + provenance.csv: from the sources when present, else the committed files stand
    if src is not None:
        dt = dots_cached(src)
        rows, prov = build_countries(src, world_codes, iso, groups, est, dt)
        with open(out / "countries.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=OUT_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        prov.sort(key=lambda r: (r["iso3"], MODEL_COLUMNS.index(r["column"])))
        with open(out / "provenance.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=PROV_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(prov)
    elif out != OUT:
        for n in ("countries.csv", "provenance.csv"):
            (out / n).write_bytes((OUT / n).read_bytes())
    countries = pd.read_csv(out / "countries.csv", keep_default_na=False)

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

    # trade.csv - observed DOTS flows (needs the sources; otherwise the committed file stands)
    if src is not None:
        edges = trade_edges(dt, world_codes, iso, dict(zip(countries.iso3, countries.gdp)))
        with open(out / "trade.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["iso3_a", "iso3_b", "weight"])
            for (a, b), v in sorted(edges.items()):
                w.writerow([a, b, f"{max(0.001, v):.3f}"])
    elif out != OUT:
        (out / "trade.csv").write_bytes((OUT / "trade.csv").read_bytes())
    n_edges = sum(1 for _ in open(out / "trade.csv")) - 1
    # unga.csv - observed alignment (needs the sources folder; otherwise the committed file stands)
    if src is not None:
        write_unga(src, ws.read_crosswalk(), out / "unga.csv")
    elif out != OUT:
        (out / "unga.csv").write_bytes((OUT / "unga.csv").read_bytes())
    log(f"wrote {out}: {len(countries)} countries, {len(all_lists)} lists, {n_edges} trade edges")


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


def validate(folder: Path) -> list[str]:
    """Problems in the committed world files that need no sources to find (schema, ranges,
    provenance coverage, UNGA anchors). Empty list = valid."""
    errs = []
    with open(folder / "countries.csv", newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        header, rows = r.fieldnames, list(r)
    if header != OUT_COLUMNS:
        errs.append(f"countries.csv: header {header} != {OUT_COLUMNS}")
        return errs
    if len(rows) != 194 or len({x["iso3"] for x in rows}) != 194:
        errs.append(f"countries.csv: {len(rows)} rows, expected 194 distinct countries")
    with open(folder / "provenance.csv", newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        if r.fieldnames != PROV_COLUMNS:
            errs.append(f"provenance.csv: header {r.fieldnames} != {PROV_COLUMNS}")
        prov = list(r)
    seen = {}
    for n, x in enumerate(prov, 2):
        key = (x["iso3"], x["column"])
        if key in seen:
            errs.append(f"provenance.csv:{n}: second row for {key} (first at line {seen[key]})")
        seen[key] = n
        if x["flag"] not in ("read", "derived", "estimate"):
            errs.append(f"provenance.csv:{n}: flag {x['flag']!r} is not read|derived|estimate")
        if x["flag"] != "estimate" and not x["source"]:
            errs.append(f"provenance.csv:{n}: {key} has no source")
    for n, row in enumerate(rows, 2):
        c = row["iso3"]
        est_cols = set(filter(None, row["estimated"].split(";")))
        for col in MODEL_COLUMNS:
            if (c, col) not in seen:
                errs.append(f"provenance.csv: no row for {c} {col}")
                continue
            v = row[col]
            flag = prov[seen[(c, col)] - 2]["flag"]
            if v == "":
                if col not in DATA_COLUMNS:
                    errs.append(f"countries.csv:{n}: {c} {col} is empty")
                continue
            try:
                x = float(v)
            except ValueError:
                errs.append(f"countries.csv:{n}: {c} {col} = {v!r} is not a number")
                continue
            if col in ("gdp", "pop", "gdp_ppp"):
                if not x > 0:
                    errs.append(f"countries.csv:{n}: {c} {col} = {v} must be > 0")
            elif not 0 <= x <= 1:
                errs.append(f"countries.csv:{n}: {c} {col} = {v} outside [0, 1]")
            if (flag == "estimate") != (col in est_cols):
                errs.append(f"countries.csv:{n}: {c} {col}: `estimated` disagrees with provenance flag {flag}")
    with open(folder / "unga.csv", newline="", encoding="utf-8") as f:
        unga_rows = list(csv.DictReader(f))
    years = sorted({int(x["year"]) for x in unga_rows})
    if years != list(range(2010, 2025)):
        errs.append(f"unga.csv: years {years[:1]}..{years[-1:]} != 2010..2024")
    for x in unga_rows:
        if x["iso3"] == "TWN":
            errs.append("unga.csv: Taiwan has no UNGA votes and must have no row")
        if x["iso3"] == "CHN" and abs(float(x["axis"])) > 1e-6:
            errs.append(f"unga.csv: CHN axis {x['axis']} != 0 in {x['year']}")
        if x["iso3"] == "USA" and abs(float(x["axis"]) - 1) > 1e-6:
            errs.append(f"unga.csv: USA axis {x['axis']} != 1 in {x['year']}")
        if not float(x["q5"]) <= float(x["ideal_point"]) <= float(x["q95"]):
            errs.append(f"unga.csv: {x['iso3']} {x['year']}: ideal point outside [q5, q95]")
    return errs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--memberships", type=Path, default=DEFAULT_MEMBERSHIPS)
    ap.add_argument("--npm-dir", help="folder holding node_modules/world-atlas (and world-countries)")
    ap.add_argument("--refresh-iso", action="store_true", help="regenerate iso3166.csv from world-countries")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="build into a temp dir and compare with the committed files")
    ap.add_argument("--sources", help="folder of the raw releases (default: $BLOCSIM_WORLD_SOURCES or "
                    "../shared/data/world_sources next to the repository)")
    ap.add_argument("--no-sources", action="store_true",
                    help="behave as if the sources folder were absent (keep the committed data files)")
    args = ap.parse_args()
    npm = find_npm_dir(args.npm_dir)
    if args.sources and not ws.find_sources(args.sources):
        raise SystemExit(f"build_world: --sources {args.sources}: not a sources folder (no MANIFEST.tsv)")
    sdir = None if args.no_sources else ws.find_sources(args.sources)
    src = None
    if sdir:
        src = ws.Sources(sdir)
        src.verify_all()      # refuse before building anything if a locked file changed
        log(f"sources: {sdir} ({len(src.lock)} files match the lock)")
    else:
        log("sources folder absent: countries.csv, provenance.csv and unga.csv are the committed ones")
    if args.refresh_iso:
        if not npm or not (npm / "world-countries").is_dir():
            raise SystemExit("--refresh-iso needs `npm install world-countries` (see --npm-dir)")
        refresh_iso(npm)
    if not args.memberships.exists():
        raise SystemExit(f"memberships file not found: {args.memberships} (use --memberships)")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp), args.memberships, npm, src)
            bad = [n for n in WORLD_FILES
                   if not filecmp.cmp(Path(tmp) / n, OUT / n, shallow=False)]
            problems = validate(OUT)
            for p in problems:
                print(f"build_world --check: {p}", file=sys.stderr)
            if bad:
                print(f"build_world --check: differs from a fresh build: {bad}", file=sys.stderr)
            if bad or problems:
                return 1
            if src:
                print("build_world --check: committed files are valid and equal a fresh build from the sources")
            else:
                print("build_world --check: sources absent - committed files are valid; groups.yaml and "
                      "borders.csv equal a fresh build (countries, provenance, unga and trade need the sources)")
            return 0
    build(args.out, args.memberships, npm, src)
    return 0


if __name__ == "__main__":
    sys.exit(main())
