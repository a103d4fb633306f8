"""A bar chart as PNG without an imaging library (the briefing's charts): bars above and below a zero line."""

from __future__ import annotations

import struct
import zlib

BLUE, RED, GREY, WHITE = (38, 94, 166), (196, 58, 49), (120, 120, 120), (255, 255, 255)


def _png(width: int, height: int, pixels: list[bytearray]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(row) for row in pixels)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def bar_chart_png(values: list[float], width: int = 900, height: int = 300) -> bytes:
    """Positive bars in blue, negative in red, a grey zero line; bars in the order given."""
    pixels = [bytearray(WHITE * width) for _ in range(height)]
    if not values:
        return _png(width, height, pixels)
    top, bottom = max(max(values), 0.0), min(min(values), 0.0)
    span = (top - bottom) or 1.0
    margin = 10
    usable = height - 2 * margin
    zero = margin + int(top / span * usable)
    slot = width / len(values)
    for i, v in enumerate(values):
        x0, x1 = int(i * slot + slot * 0.2), int((i + 1) * slot - slot * 0.2)
        y = margin + int((top - v) / span * usable)
        lo, hi = sorted((y, zero))
        colour = BLUE if v >= 0 else RED
        for row in range(lo, max(hi, lo + 1)):
            pixels[row][x0 * 3:x1 * 3] = bytes(colour) * (x1 - x0)
    pixels[min(zero, height - 1)][:] = bytes(GREY) * width
    return _png(width, height, pixels)
