#!/usr/bin/python3
"""Tests of the world builder (tools/build_world.py, tools/world_sources.py) and of the committed
data against the raw releases. Run: /usr/bin/python3 -m pytest tests/world/test_build_world.py

Tests that need ../shared/data/world_sources are skipped when it is absent (a user's fresh
clone); the rest check the committed files alone.
"""
from __future__ import annotations

import csv
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import build_world as bw  # noqa: E402
import world_sources as ws  # noqa: E402

WORLD = REPO / "scenarios" / "world"
SOURCES = ws.find_sources(None)
needs_sources = pytest.mark.skipif(SOURCES is None, reason="../shared/data/world_sources is absent")


def rows(name):
    with open(WORLD / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def country(iso3):
    return next(r for r in rows("countries.csv") if r["iso3"] == iso3)


# --- lock file -----------------------------------------------------------------------------
@needs_sources
def test_changed_source_is_refused_by_name(tmp_path):
    """A copy of the sources with one byte changed in one file: the builder refuses, naming it."""
    bad = "vdem/vdem_simple.rda"
    for rel in ws.read_lock():
        dst = tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel == bad:
            data = bytearray((SOURCES / rel).read_bytes())
            data[-1] ^= 0x01
            dst.write_bytes(bytes(data))
        else:
            dst.symlink_to(SOURCES / rel)
    (tmp_path / "MANIFEST.tsv").symlink_to(SOURCES / "MANIFEST.tsv")
    # unit level
    src = ws.Sources(tmp_path)
    src.path("unga_ideal_points/IdealpointsJuly2025.dta")  # unchanged file passes
    with pytest.raises(ws.SourceError, match="vdem_simple.rda"):
        src.path(bad)
    # command level: refused before anything is written
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, str(REPO / "tools" / "build_world.py"), "--sources", str(tmp_path),
                        "--out", str(out)], capture_output=True, text=True)
    assert p.returncode != 0
    assert "vdem_simple.rda" in p.stderr and "differs from the lock file" in p.stderr
    assert not out.exists()


def test_lock_covers_every_file_the_readers_open():
    lock = ws.read_lock()
    for rel in [ws.UNGA_FILE, "vdem/vdem_simple.rda", "freedom_house/fh_full.rda", "imf_weo/imf-dm-export-20251119_MER.xls",
                "imf_weo/imf-dm-export-20251119_PPP.xls", "un_wpp/UN_PPP2024_Output_PopTot.xlsx",
                "ai_readiness/global-ai-metrics.json", "ai_diffusion/AI_Diffusion_Q12026_Update.csv",
                "econ_freedom/efwpnl.rda", "aiddata/cow_gcdf.csv", "peacesciencer/atop_alliance.rda",
                "peacesciencer/td_rivalries.rda", "peacesciencer/gml_mid_ddydisps.rda", "wdi/ny.gdp.mktp.cd.csv",
                "wdi/ny.gdp.pcap.pp.cd.csv"]:
        assert rel in lock and len(lock[rel]) == 64
    assert sum(k.startswith("imf_dots/") for k in lock) > 150


# --- crosswalk -----------------------------------------------------------------------------
def test_crosswalk_covers_the_194_countries_once():
    xw = ws.read_crosswalk()
    codes = [r["iso3"] for r in xw]
    world = [r["iso3"] for r in rows("countries.csv")]
    assert len(codes) == 194 and sorted(codes) == sorted(world)
    for r in xw:                       # every country has a COW and an M49 code
        assert r["cow"].isdigit() and r["un_m49"].isdigit(), r
    for scheme in ("cow", "imf", "un_m49", "vdem", "fh", "weo", "dots", "msft", "wdi", "efw", "futuregrid"):
        ws.scheme_map(xw, scheme)      # raises if a code maps to two countries
    by = {r["iso3"]: r for r in xw}
    assert by["SRB"]["cow"] == "345" and by["TWN"]["cow"] == "713" and by["DEU"]["cow"] == "255"
    # documented absences (data statement): V-Dem lacks exactly these 21 microstates
    assert sorted(c for c in codes if not by[c]["vdem"]) == sorted(
        "AND ATG BHS BLZ BRN DMA FSM GRD KIR KNA LCA LIE MCO MHL NRU PLW SMR TON TUV VCT WSM".split())
    assert all(by[c]["fh"] for c in codes)   # Freedom House covers all 194


@needs_sources
def test_every_source_label_of_a_world_country_is_in_the_crosswalk():
    """No world country is silently dropped because its label differs: the sources' own ISO3
    columns (where they have one) agree with the crosswalk."""
    import pandas as pd
    d = pd.read_stata(SOURCES / ws.UNGA_FILE)
    d = d[d.year >= 2010]
    cow = ws.scheme_map(ws.read_crosswalk(), "cow", int)
    for _, r in d[["ccode", "iso3c"]].drop_duplicates().iterrows():
        assert cow[int(r.ccode)] == ("SRB" if r.iso3c == "YUG" else r.iso3c)


# --- committed files -----------------------------------------------------------------------
def test_committed_files_are_valid():
    assert bw.validate(WORLD) == []


def test_no_model_column_of_a_un_member_is_an_unflagged_estimate():
    prov = {(r["iso3"], r["column"]): r for r in rows("provenance.csv")}
    for r in rows("countries.csv"):
        est = set(filter(None, r["estimated"].split(";")))
        for col in bw.MODEL_COLUMNS:
            p = prov[(r["iso3"], col)]
            assert p["flag"] in ("read", "derived", "estimate")
            if p["flag"] == "estimate" and r[col] != "":
                assert col in est, (r["iso3"], col)
            if p["flag"] == "read":
                assert p["source"] and p["year"], (r["iso3"], col)


def test_reviewer_errors_are_fixed():
    assert float(country("IND")["security_cn"]) == 0.0          # no SCO rule: India is China's rival
    assert float(country("IND")["rivalry_cn"]) == 1.0
    for c in ("FSM", "MHL", "PLW"):
        assert float(country(c)["security_us"]) == 1.0          # Compacts of Free Association
    assert float(country("DJI")["security_us"]) > 0             # Camp Lemonnier
    # workbooks with only regional aggregates use mirror flows (PRK trades mostly with China)
    assert float(country("PRK")["trade_cn"]) == 1.0
    for c in ("FIN", "SWE", "MKD"):
        assert float(country(c)["security_us"]) == 1.0          # NATO since 2020-2024
    prov = {(r["iso3"], r["column"]): r for r in rows("provenance.csv")}
    for c in ("VEN", "TWN"):
        assert prov[(c, "gdp")]["flag"] == "read" and prov[(c, "gdp")]["year"] >= "2020"
    import yaml
    g = {l["id"]: l for l in yaml.safe_load((WORLD / "groups.yaml").read_text())["lists"]}
    assert "CYP" not in g["us_ai_diffusion_tier3"]["members"]
    assert len(g["us_ai_diffusion_tier1"]["members"]) == 18 and "TWN" in g["us_ai_diffusion_tier1"]["members"]
    assert len(g["nam"]["members"]) == 121 and "IND" in g["nam"]["members"] and "SSD" in g["nam"]["members"]
    assert "CHN" not in g["nam"]["members"]
    assert g["us_compact_states"]["members"] == ["FSM", "MHL", "PLW"]


def test_unga_table():
    u = rows("unga.csv")
    assert not [r for r in u if r["iso3"] == "TWN"]
    for r in u:
        if r["iso3"] == "CHN":
            assert float(r["axis"]) == 0.0
        if r["iso3"] == "USA":
            assert float(r["axis"]) == 1.0
        assert float(r["axis_q5"]) <= float(r["axis"]) <= float(r["axis_q95"])


# --- spot values against the sources ------------------------------------------------------
@needs_sources
def test_india_vdem_2024_libdem():
    d = ws.rda(SOURCES / "vdem/vdem_simple.rda")["vdem_simple"]
    v = float(d[(d.country_text_id == "IND") & (d.year == 2024)].v2x_libdem.iloc[0])
    assert abs(v - 0.291) < 0.0005                      # V-Dem v15 value as published
    assert float(country("IND")["democracy"]) == round(v, 4)


@needs_sources
def test_germany_china_trade_share():
    """Independent read of the German DOTS workbook: China (mainland) share of goods trade,
    exports + imports, mean 2017-2019."""
    import openpyxl
    lock = ws.read_lock()
    for rel in sorted(k for k in lock if k.startswith("imf_dots/")):
        wb = openpyxl.load_workbook(SOURCES / rel, read_only=True)
        if wb.worksheets[0]["B4"].value.strip() == "Germany":
            break
    else:
        pytest.fail("no DOTS workbook for Germany")
    tot = {"World": 0.0, "China, P.R.: Mainland": 0.0}
    for ws_ in wb.worksheets:
        header = None
        for row in ws_.iter_rows(values_only=True):
            if header is None and row[1] is None and len(row) > 2 and row[2] is not None:
                header = [str(x) for x in row]
                continue
            if header and row[1] in tot:
                tot[row[1]] += sum(float(row[header.index(y)]) for y in ("2017", "2018", "2019"))
    share = tot["China, P.R.: Mainland"] / tot["World"]
    assert 0.06 < share < 0.08                          # Germany-China ~7 % of goods trade
    assert math.isclose(float(country("DEU")["trade_cn"]), round(min(1, share / 0.5), 4), abs_tol=1e-4)


@needs_sources
def test_unga_spot_value():
    import pandas as pd
    d = pd.read_stata(SOURCES / ws.UNGA_FILE)
    y = d[d.year == 2024].set_index("iso3c").idealpointfp
    axis = (y["DEU"] - y["CHN"]) / (y["USA"] - y["CHN"])
    r = next(r for r in rows("unga.csv") if r["iso3"] == "DEU" and r["year"] == "2024")
    assert math.isclose(float(r["axis"]), axis, abs_tol=1e-6)


# --- --check ----------------------------------------------------------------------------------
def test_check_without_sources_validates_committed_files(tmp_path):
    p = subprocess.run([sys.executable, str(REPO / "tools" / "build_world.py"), "--check", "--no-sources"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "sources absent" in p.stdout


def test_check_without_sources_finds_a_broken_committed_file(tmp_path):
    bad = tmp_path / "world"
    shutil.copytree(WORLD, bad)
    text = (bad / "countries.csv").read_text().splitlines()
    fields = text[5].split(",")
    fields[bw.OUT_COLUMNS.index("democracy")] = "1.7"
    text[5] = ",".join(fields)
    (bad / "countries.csv").write_text("\n".join(text) + "\n")
    errs = bw.validate(bad)
    assert any("democracy = 1.7 outside [0, 1]" in e for e in errs)
