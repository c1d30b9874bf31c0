"""Hostile input files, built on the spot (nothing hostile is committed).

In:  a folder and a size (``scale``: ``"small"`` for the test batch, small files that
still cross the default limits or would take the old parsers minutes; ``"full"`` for
``bench/adversarial.py``, the sizes of issue 13).  Out: the files' paths, by case name.

Cases: an xlsx whose sheet inflates (ratio past ``max_ratio``; full: 600 MB of cells), a
PDF with one 9000 pt page and no text (would render to 625 megapixels for OCR), a
25000×25000 PNG (small: its header only; full: every row), ``<table>`` and ``<script>``
left unclosed 10⁵ times, 10⁵ nested ``<div>``s, a text line of 100 000 spaces, and the
sample with one stray 0xFF byte.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from tests.conftest import SAMPLE

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def inflating_xlsx(path: Path, unpacked_mb: int) -> Path:
    """A valid xlsx whose one sheet unpacks to ``unpacked_mb`` MB of identical rows of
    numeric cells (a ZIP bomb: hundreds of times its packed size), streamed into the ZIP
    so building it needs no memory."""
    row = b"<row>" + b"<c><v>1</v></c>" * 26 + b"</row>"
    block = row * 4000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            size = 0
            while size < unpacked_mb << 20:
                fh.write(block)
                size += len(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def giant_pdf_page(path: Path, side_pt: float = 9000) -> Path:
    """A one-page PDF, ``side_pt`` points square, with a drawing and no text layer (so
    it goes to OCR, which would render it)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(side_pt, side_pt))
    for k in range(8):  # a ruled grid: a page with drawings, i.e. a scan-like page
        c.line(100, 100 + k * 1000, side_pt - 100, 100 + k * 1000)
        c.line(100 + k * 1000, 100, 100 + k * 1000, side_pt - 100)
    c.showPage()
    c.save()
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def giant_png(path: Path, side: int = 25000, full: bool = False) -> Path:
    """A gray ``side``×``side`` PNG.  ``full``: every row compressed in (a real 600+ MB
    image in well under a MB); otherwise one row of data, a file whose header still
    claims the whole size."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    co = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * side
    with path.open("wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr))
        for k in range(side if full else 1):
            out = co.compress(row)
            if out:
                fh.write(_chunk(b"IDAT", out))
            if full and k % 4096 == 4095:
                fh.write(_chunk(b"IDAT", co.flush(zlib.Z_SYNC_FLUSH)))
        fh.write(_chunk(b"IDAT", co.flush()) + _chunk(b"IEND", b""))
    return path


def build(folder: Path, scale: str = "small") -> dict[str, Path]:
    """Every hostile case in ``folder``; returns {case: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    full = scale == "full"
    n = 100_000
    sample = SAMPLE.read_bytes()
    cut = sample.index("产出指标".encode())
    out = {
        "inflating_xlsx": inflating_xlsx(folder / "inflating.xlsx", 600 if full else 10),
        "giant_pdf_page": giant_pdf_page(folder / "giant_page.pdf"),
        "giant_png": giant_png(folder / "giant.png", full=full),
    }
    texts = {
        "unclosed_table": ("unclosed_table.html", "<p>标题</p>" + "<table>" * n + "<tr><td>x"),
        "unclosed_script": ("unclosed_script.html", "<p>x</p>" + "<script>" * n + "<table>"),
        "nested_div": ("nested_div.html", "<div>" * n + "项目名称" + "</div>" * n),
        "space_line": ("spaces.md", "| 项目名称 | 甲 |\n" + " " * n + "\n|" + " " * n + "-\n"),
    }
    for case, (name, text) in texts.items():
        p = folder / name
        p.write_text(text, encoding="utf-8")
        out[case] = p
    stray = folder / "stray_byte.txt"
    stray.write_bytes(sample[:cut] + b"\xff" + sample[cut:])
    out["stray_byte"] = stray
    return out
