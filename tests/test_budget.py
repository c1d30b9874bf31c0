"""Time budgets that scale with the work (pipeline.readers.budget, executors, OCR reader).

In:  small files made here (a multi-page TIFF, the PDF fixtures), a stubbed page reader.
Out: pass/fail: page counts, per-page budgets with a cap, and an OCR document whose
     deadline comes after its first page keeping that page with an ``ocr_pages_missing``
     finding naming the pages not read.  No timings are asserted.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.executors import file_budget
from pipeline.model import Cell, Row
from pipeline.readers import budget
from pipeline.readers.budget import budget_seconds, pages_of

ROOT = Path(__file__).resolve().parent


def _tiff(path: Path, n: int) -> Path:
    pages = [Image.fromarray(np.full((40, 60), 255, np.uint8)) for _ in range(n)]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:])
    path.write_bytes(buf.getvalue())
    return path


def test_pages_and_budgets(tmp_path: Path) -> None:
    assert pages_of(_tiff(tmp_path / "three.tif", 3)) == 3
    pdf = next((ROOT / "fixtures" / "pdf").glob("*.pdf"))
    import pypdfium2 as pdfium

    assert pages_of(pdf) == len(pdfium.PdfDocument(str(pdf)))
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7 broken")
    assert pages_of(tmp_path / "a.txt") == 1 and pages_of(tmp_path / "bad.pdf") == 1
    assert pages_of(tmp_path / "missing.pdf") == 1
    assert budget_seconds(16, 120, 1800) == 1800
    assert budget_seconds(3, 120, 1800) == 360
    assert budget_seconds(0, 120, None) == 120
    assert budget_seconds(5, None, 100) is None
    assert file_budget(str(tmp_path / "three.tif"), 10, None) == 30
    assert file_budget(str(tmp_path / "a.txt"), 10, 5) == 5
    assert file_budget(str(tmp_path / "a.txt"), None, 5) is None


def test_ocr_document_out_of_time_keeps_the_pages_read(tmp_path: Path, monkeypatch) -> None:
    from pipeline.readers import ocr

    read: list[int] = []

    def page(img, p, first_line, table_id_start, scale=1.0):  # noqa: ANN001, ANN202
        read.append(p)
        return [Row([Cell(f"第{p}页", None, 0.99)], line=first_line, page=p)]

    monkeypatch.setattr(ocr, "ocr_page_image", page)
    f = _tiff(tmp_path / "five.tif", 5)
    budget.set_deadline(None)
    doc = ocr.read_image(f, f.read_bytes())
    assert read == [1, 2, 3, 4, 5] and not doc.findings
    read.clear()
    budget.set_deadline(1.0)  # less than the margin kept for interpreting: one page only
    try:
        doc = ocr.read_image(f, f.read_bytes())
    finally:
        budget.set_deadline(None)
    assert read == [1]
    assert [r.cells[0].text for r in doc.rows] == ["第1页"]
    [fd] = doc.findings
    assert fd.code == "ocr_pages_missing" and fd.page == 2
    assert "pages 2–5 of 5 not read" in fd.message and "1 s budget" in fd.message
