"""A small PDF writer for the briefing when LibreOffice is not installed: A4 pages of text in the standard
Chinese CID font STSong-Light (Adobe-GB1, UniGB-UCS2-H encoding; viewers supply the font, nothing is embedded)."""

from __future__ import annotations

PAGE_W, PAGE_H, MARGIN = 595, 842, 56
SIZES = {"title": 18, "heading": 14, "text": 11}


def _wrap(text: str, size: int) -> list[str]:
    width = PAGE_W - 2 * MARGIN
    lines, line, used = [], "", 0.0
    for ch in text:
        w = size * (0.5 if ord(ch) < 128 else 1.0)
        if used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    if line:
        lines.append(line)
    return lines or [""]


def _hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def text_pdf(items: list[tuple[str, str]]) -> bytes:
    """items: (kind, text) with kind title|heading|text; returns the PDF bytes."""
    pages: list[list[str]] = [[]]
    y = PAGE_H - MARGIN
    for kind, text in items:
        size = SIZES.get(kind, 11)
        for line in _wrap(text, size):
            if y - size * 1.6 < MARGIN:
                pages.append([])
                y = PAGE_H - MARGIN
            y -= size * 1.6
            x = MARGIN + (max(0, (PAGE_W - 2 * MARGIN - len(line) * size) / 2) if kind == "title" else 0)
            pages[-1].append(f"BT /F1 {size} Tf {x:.1f} {y:.1f} Td <{_hex(line)}> Tj ET")
        y -= 4
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled below
    pages_obj = add("")
    font = add("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
               f"/DescendantFonts [{len(objects) + 2} 0 R] >>")
    add("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 "
        "/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
    add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        f"/Ordering (GB1) /Supplement 4 >> /FontDescriptor {len(objects)} 0 R /DW 1000 /W [1 95 500] >>")
    kids = []
    for lines in pages:
        stream = "\n".join(lines).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode("latin-1")
    objects[pages_obj - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                              f"/Count {len(kids)} >>").encode("latin-1")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)
