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


def _distance_to_ring_m(lon: float, lat: float, ring: list[list[float]]) -> float:
    """Shortest distance in metres from the point to the ring's edges (local equirectangular projection; exact
    enough within a city)."""
    import math

    kx = 111_320 * math.cos(math.radians(lat))
    ky = 110_574
    best = float("inf")
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        ax, ay = (x1 - lon) * kx, (y1 - lat) * ky
        bx, by = (x2 - lon) * kx, (y2 - lat) * ky
        dx, dy = bx - ax, by - ay
        seg = dx * dx + dy * dy
        t = 0.0 if seg == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / seg))
        px, py = ax + t * dx, ay + t * dy
        best = min(best, math.hypot(px, py))
    return best


# The bundled boundaries are simplified (about 200 m); a point this close to its district counts as inside.
BOUNDARY_TOLERANCE_M = 500


def point_in_district(lon: float, lat: float, code: str) -> bool | None:
    """Whether (lon, lat), WGS-84, lies in the district `code` (within BOUNDARY_TOLERANCE_M of its border);
    None when the boundary file has no such district (nothing to check against)."""
    try:
        geometry, (x0, y0, x1, y1) = _bbox(code)
    except KeyError:
        return None
    lon, lat = float(lon), float(lat)
    margin = 0.01  # about 1 km: outside the box plus the margin, no edge can be near enough
    if not (x0 - margin <= lon <= x1 + margin and y0 - margin <= lat <= y1 + margin):
        return False
    if point_in_geometry(lon, lat, geometry):
        return True
    return any(_distance_to_ring_m(lon, lat, polygon[0]) <= BOUNDARY_TOLERANCE_M for polygon in _rings(geometry))


def location_errors(lat, lon, district_code: str | None, district_name: str = "") -> dict:
    """Form/service errors for a location that is not in the stated district ({} when it is, or when either is
    missing). Keys name the fields: `lat` and `lon`."""
    from django.utils.translation import gettext as _

    if lat is None or lon is None or not district_code:
        return {}
    if point_in_district(lon, lat, district_code) is False:
        message = _("The location (%(lat)s, %(lon)s) lies outside %(district)s; check the coordinates (WGS-84) "
                    "or the district.") % {"lat": lat, "lon": lon, "district": district_name or district_code}
        return {"lat": [message], "lon": [message]}
    return {}
