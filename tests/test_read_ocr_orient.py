"""Page orientation in the OCR reader: pages scanned turned by 90° and 180°.

In:  a small ruled project table drawn by tests/fixtures/make_scan_fixtures.py (two
     indicators, cropped to the table), degraded like a scan, turned by 90° and 180°,
     saved here as a two-page TIFF.
Out: pass/fail: both pages are turned upright and read as the same cells as the upright
     page (``page_turn`` decides the turn from the one OCR pass).
"""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("rapidocr") is None, reason="rapidocr not installed"
)

TABLE = {
    "name": "春节慰问专项经费",
    "owner": "邓婕",
    "phone": "8261896",
    "category": "特定目标类",
    "attribute": "延续性项目",
    "period": "2024至2024",
    "budget_yuan": 4700000,
    "fund_nature": "一般公共预算安排",
    "annual_goal": "按时发放慰问金。",
    "org": "各慰问小组。",
    "policy": "春节慰问活动方案。",
    "indicators": [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "level3": "发放慰问金覆盖率",
            "value_raw": "≥95%",
            "explanation": "应发尽发",
        },
        {
            "level1": "产出指标",
            "level2": "时效指标",
            "level3": "慰问发放及时率",
            "value_raw": "100%",
            "explanation": "节前发放",
        },
    ],
}


def _upright_page() -> Image.Image:
    sys.path.insert(0, str(ROOT / "fixtures"))
    import make_scan_fixtures as gen

    page, _ = gen.render_page(TABLE, ruled=True, stamp=False, seed=3)
    ink = np.nonzero(np.asarray(page.convert("L")) < 128)
    bottom = int(ink[0].max()) + 60
    page = page.crop((0, 100, page.width, bottom))
    return gen.degrade(page, angle=0.6, seed=3, gray=True)


def _table_cells(doc, page: int) -> list[list[str]]:
    return [
        [c.text for c in r.cells] for r in doc.rows if r.page == page and r.table_id is not None
    ]


def test_pages_turned_90_and_180_are_read_upright(tmp_path: Path) -> None:
    from pipeline.readers.ocr import read_image

    up = _upright_page()
    buf = io.BytesIO()
    turned = [up.rotate(90, expand=True), up.rotate(180, expand=True)]  # counter-clockwise
    turned[0].save(buf, "TIFF", save_all=True, append_images=turned[1:], compression="tiff_lzw")
    p = tmp_path / "turned.tif"
    p.write_bytes(buf.getvalue())
    doc = read_image(p, p.read_bytes())
    assert doc.n_pages == 2
    for page in (1, 2):
        cells = _table_cells(doc, page)
        assert ["项目名称", "春节慰问专项经费", "", "", ""] in cells, (page, cells)
        assert ["产出指标", "数量指标", "发放慰问金覆盖率", "≥95%", "应发尽发"] in cells, page
        assert ["", "时效指标", "慰问发放及时率", "100%", "节前发放"] in cells, page
        titles = [r.cells[0].text for r in doc.rows if r.page == page and r.table_id is None]
        assert titles and titles[0].endswith("项目绩效目标表"), (page, titles)
