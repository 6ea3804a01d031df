"""The world map's geometry and the per-country labels painted on it.

Natural Earth 1:110m country shapes (npm package world-atlas) keyed by ISO
3166 alpha-3, cut at the date line and projected to Equal Earth; the modal
label of each country across replicates.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Sequence

import pandas as pd

# Natural Earth rows whose iso_a3 is -99 (or differs) -> ISO 3166 alpha-3.
_NE_NAME_FIX = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX",
                "N. Cyprus": "CYN", "Somaliland": "SOL"}
# Codes that scenario data may use for the same place.
_ISO_ALIAS = {"KOS": "XKX", "RKS": "XKX"}

_WORLD_CACHE = {}


def _world_atlas() -> Path:
    """countries-110m.json of the npm package world-atlas (Natural Earth 1:110m as TopoJSON)."""
    cands = [os.environ.get("BLOCSIM_NPM_DIR", ""), str(Path.home() / ".cache" / "blocsim-npm")]
    for c in cands:
        f = Path(c) / "node_modules" / "world-atlas" / "countries-110m.json" if c else None
        if f and f.exists():
            return f
    raise SystemExit("plot: maps need the npm package world-atlas (Natural Earth shapes):\n"
                     "    mkdir -p ~/.cache/blocsim-npm && cd ~/.cache/blocsim-npm && npm install world-atlas@2.0.2\n"
                     "or set BLOCSIM_NPM_DIR to the folder holding node_modules/world-atlas")


def _split_antimeridian(geom):
    """Cut polygons whose ring runs across the date line (Russia's Chukotka, Fiji's
    Taveuni in Natural Earth 1:110m) into their eastern and western halves.

    Such a ring jumps from +180 to -180 in longitude, so any projection draws it as a
    band across the whole map. Each offending polygon is moved to 0–360 longitude, cut
    at 180 and the eastern half shifted back by -360; other polygons are kept as read.
    """
    from shapely.geometry import MultiPolygon, Polygon, box
    from shapely.affinity import translate
    from shapely.ops import transform

    parts = list(getattr(geom, "geoms", [geom]))
    if not any(p.bounds[2] - p.bounds[0] > 180 for p in parts):
        return geom
    out = []
    for p in parts:
        if p.bounds[2] - p.bounds[0] <= 180:
            out.append(p)
            continue
        shifted = transform(lambda x, y, z=None: (x + 360.0 * (x < 0), y), p)
        if not shifted.is_valid:
            shifted = shifted.buffer(0)
        west = shifted.intersection(box(-180, -90, 180, 90))
        east = translate(shifted.intersection(box(180, -90, 540, 90)), xoff=-360)
        for half in (west, east):
            out.extend(q for q in getattr(half, "geoms", [half])
                       if isinstance(q, Polygon) and not q.is_empty)
    return MultiPolygon(out)


def load_world():
    """Natural Earth 1:110m countries from the npm package world-atlas (TopoJSON).

    ``geopandas.datasets`` (removed in GeoPandas 1.0) is not used. Geometry ids are ISO
    3166 numeric codes, mapped to alpha-3 with ``tools/world_inputs/iso3166.csv``.

    Returns
    -------
    geopandas.GeoDataFrame
        With an ``iso3`` column, without Antarctica, in the Equal Earth projection when
        pyproj supports it.
    """
    if "world" in _WORLD_CACHE:
        return _WORLD_CACHE["world"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import geopandas as gpd
        world = gpd.read_file(_world_atlas(), layer="countries")
    iso_table = pd.read_csv(Path(__file__).resolve().parent.parent / "world_inputs" / "iso3166.csv",
                            dtype=str, keep_default_na=False)
    num = {r.ccn3: r.iso3 for r in iso_table.itertuples() if r.ccn3}
    world = world[world["name"] != "Antarctica"].copy()
    world["geometry"] = [_split_antimeridian(g) for g in world.geometry]
    ids = world["id"].fillna("").astype(str)
    world["iso3"] = [num.get(i) or _NE_NAME_FIX.get(n, "") for i, n in zip(ids, world["name"])]
    try:
        world = world.set_crs("EPSG:4326", allow_override=True).to_crs(
            "+proj=eqearth +datum=WGS84 +units=m +no_defs")
    except Exception:  # pragma: no cover - projection support missing
        pass
    _WORLD_CACHE["world"] = world
    return world


def modal_labels(countries: pd.DataFrame, tick: int, column: str,
                 order: Sequence[str]) -> pd.DataFrame:
    """Modal label of each country across replicates at ``tick``.

    Parameters
    ----------
    countries : pandas.DataFrame
        ``Run.countries``.
    tick : int
        Recorded tick.
    column : {"alignment", "standard"}
    order : sequence of str
        Label order used to break ties deterministically.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``iso3`` with ``label`` and ``agreement`` (share of
        replicates with the modal label, 0–1).
    """
    d = countries[countries["tick"] == tick]
    counts = d.groupby(["iso3", column]).size().unstack(fill_value=0)
    rank = {b: i for i, b in enumerate(order)}
    cols = sorted(counts.columns, key=lambda b: (rank.get(b, len(rank)), b))
    counts = counts[cols]
    total = counts.sum(axis=1)
    label = counts.idxmax(axis=1)
    agree = counts.max(axis=1) / total
    return pd.DataFrame({"label": label, "agreement": agree})
