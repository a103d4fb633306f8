"""District boundaries (WGS-84) and small geometry helpers, without a GIS dependency at run time."""

from __future__ import annotations

import functools
import json
import random
from pathlib import Path

from django.conf import settings


@functools.lru_cache(maxsize=1)
def district_boundaries() -> dict:
    """The FeatureCollection of the 13 districts (`adcode`, `name`), from DISTRICT_BOUNDARIES_PATH."""
    return json.loads(Path(settings.DISTRICT_BOUNDARIES_PATH).read_text(encoding="utf-8"))


def _rings(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]  # MultiPolygon


def _in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    for polygon in _rings(geometry):
        if _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, hole) for hole in polygon[1:]):
            return True
    return False


def district_of_point(lon: float, lat: float) -> str | None:
    """The GB/T 2260 code of the district containing the point, or None outside the city."""
    for feature in district_boundaries()["features"]:
        if point_in_geometry(lon, lat, feature["geometry"]):
            return feature["properties"]["adcode"]
    return None


@functools.lru_cache(maxsize=32)
def _bbox(code: str) -> tuple[dict, tuple[float, float, float, float]]:
    for feature in district_boundaries()["features"]:
        if feature["properties"]["adcode"] == code:
            xs = [p[0] for poly in _rings(feature["geometry"]) for p in poly[0]]
            ys = [p[1] for poly in _rings(feature["geometry"]) for p in poly[0]]
            return feature["geometry"], (min(xs), min(ys), max(xs), max(ys))
    raise KeyError(code)


def random_point_in_district(code: str, rng: random.Random) -> tuple[float, float]:
    """A uniformly random (lon, lat) inside a district (rejection sampling in its bounding box)."""
    geometry, (x0, y0, x1, y1) = _bbox(code)
    for _ in range(10_000):
        lon, lat = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if point_in_geometry(lon, lat, geometry):
            return round(lon, 6), round(lat, 6)
    raise RuntimeError(f"could not place a point in {code}")
