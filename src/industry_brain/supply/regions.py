"""Prefecture-level regions (GB/T 2260) and countries that the supply network names, with approximate centres
(WGS-84) for distances and the map when a firm's own position is unknown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REGIONS: dict[str, tuple[object, float, float]] = {
    "310000": (_("Shanghai"), 31.23, 121.47),
    "320100": (_("Nanjing"), 32.06, 118.80),
    "320200": (_("Wuxi"), 31.49, 120.31),
    "320400": (_("Changzhou"), 31.81, 119.97),
    "320500": (_("Suzhou"), 31.30, 120.59),
    "330100": (_("Hangzhou"), 30.27, 120.16),
    "330200": (_("Ningbo"), 29.87, 121.54),
    "330300": (_("Wenzhou"), 28.00, 120.70),
    "330400": (_("Jiaxing"), 30.75, 120.76),
    "330500": (_("Huzhou"), 30.89, 120.09),
    "330600": (_("Shaoxing"), 30.00, 120.58),
    "330700": (_("Jinhua"), 29.08, 119.65),
    "331000": (_("Taizhou"), 28.66, 121.42),
    "340100": (_("Hefei"), 31.82, 117.23),
    "440300": (_("Shenzhen"), 22.54, 114.06),
    "441900": (_("Dongguan"), 23.02, 113.75),
    "JP": (_("Japan"), 35.68, 139.69),
    "KR": (_("South Korea"), 37.57, 126.98),
    "DE": (_("Germany"), 50.11, 8.68),
    "US": (_("United States"), 37.39, -122.08),
}


def region_centroid(code: str) -> tuple[float | None, float | None]:
    r = REGIONS.get((code or "").upper())
    return (r[1], r[2]) if r else (None, None)


def region_name(code: str) -> str:
    r = REGIONS.get((code or "").upper())
    return str(r[0]) if r else code
