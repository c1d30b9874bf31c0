"""``jixiao report``: a self-contained HTML summary, opened in headless Chromium.

Set ``JIXIAO_UPDATE_DOCS=1`` to also refresh ``docs/report.png`` from the screenshot.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from PIL import Image
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.report import collect, open_datasets
from pipeline.run import ingest_paths
from tests import chromium
from tests.conftest import ROOT, SAMPLE

HANDMADE = sorted((ROOT / "tests" / "fixtures" / "handmade").glob("*.*"))
DOCS = ROOT / "docs"
MAX_PNG = 300_000


def update_docs() -> bool:
    return os.environ.get("JIXIAO_UPDATE_DOCS") == "1"


def shrink_png(
    src: Path, dst: Path, max_bytes: int = MAX_PNG, crop_height: int | None = None
) -> Path:
    """Save ``src`` as a palette PNG under ``max_bytes`` (fewer colours, then smaller)."""
    img = Image.open(src).convert("RGB")
    if crop_height and img.height > crop_height:
        img = img.crop((0, 0, img.width, crop_height))
    dst.parent.mkdir(parents=True, exist_ok=True)
    for colors in (128, 64, 32):
        img.quantize(colors=colors).save(dst, optimize=True)
        if dst.stat().st_size < max_bytes:
            return dst
        img = img.resize((img.width * 3 // 4, img.height * 3 // 4))
    return dst


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "data" / "parquet"
    ingest_paths([SAMPLE, *HANDMADE], out)
    return out


@pytest.fixture(scope="module")
def page(data: Path) -> Path:
    root = data.parent.parent
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)  # as a user would type it, from the project folder
        res = CliRunner().invoke(app, ["report", "data/parquet", "-o", "report.html"])
    assert res.exit_code == 0, res.output
    return root / "report.html"


def _count(data: Path, sql: str) -> int:
    con = open_datasets(data)
    return int(con.execute(sql).fetchone()[0])


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "<style>" in text
    assert not re.search(r"<(script|link)\b", text, re.I), "nothing loaded from elsewhere"
    srcs = re.findall(r'src="([^"]*)"', text)
    assert len(srcs) >= 6
    assert all(s.startswith("data:image/png;base64,") for s in srcs)


def test_page_opens_in_chromium_with_counts_and_sections(page: Path, data: Path) -> None:
    chromium.require()
    dom = chromium.dump_dom(page)
    assert "<h1>jixiao report" in dom
    for section in ("counts", "charts", "vague", "findings-by-code", "findings", "low-confidence"):
        assert f'id="{section}"' in dom, section

    def card(name: str) -> str:
        m = re.search(rf'id="count-{name}"><span>[^<]*</span><b>([^<]*)</b>', dom)
        assert m, name
        return m.group(1).replace(",", "")

    assert card("documents") == "3"
    assert card("tables") == str(_count(data, "SELECT count(*) FROM targets"))
    assert card("indicators") == str(_count(data, "SELECT count(*) FROM indicators"))
    assert card("qualitative-targets") == str(
        _count(data, "SELECT count(*) FROM indicators WHERE kind = 'qualitative'")
    )
    assert card("findings") == str(_count(data, "SELECT count(*) FROM findings"))
    for alt in (
        "numeric vs qualitative by department",
        "numeric vs qualitative by level-2 indicator",
        "most common units",
        "operators",
        "vague targets per project",
        "budget against measurable targets",
        "findings by code",
    ):
        assert f'alt="{alt}"' in dom, alt
    # the findings table and the lowest-confidence rows of the sample
    assert "heading_garbled" in dom
    low = dom[dom.index('id="low-confidence"') :]
    assert "厂内指标" in low  # OCR-garbled 产出指标, matched at a score of 50
    assert "春节慰问专项经费" in dom  # a project in the vague-targets table


def test_screenshot(page: Path, tmp_path: Path) -> None:
    chromium.require()
    png = chromium.screenshot(page, tmp_path / "report.png", width=1280, height=2200)
    img = Image.open(png)
    assert img.size == (1280, 2200)
    assert len(img.convert("RGB").getcolors(1 << 20) or []) > 50, "the page rendered blank"
    small = shrink_png(png, tmp_path / "small.png")
    assert small.stat().st_size < MAX_PNG
    if update_docs():
        DOCS.mkdir(exist_ok=True)
        shutil.copy(small, DOCS / "report.png")


def _relayout(data: Path, dst: Path, partitioned: bool) -> Path:
    """A copy of ``data`` with targets and indicators flat (``name/part.parquet``, year in
    the file) or hive-partitioned (``name/year=2024/part.parquet``, year in the path)."""
    shutil.copytree(data, dst)
    con = open_datasets(data)
    for name in ("targets", "indicators"):
        table = con.sql(f"SELECT * FROM {name}").to_arrow_table()
        shutil.rmtree(dst / name)
        if not partitioned:
            (dst / name).mkdir()
            pq.write_table(table, dst / name / "part-00000.parquet")
            continue
        for year in set(table.column("year").to_pylist()):
            mask = pc.is_null(table["year"]) if year is None else pc.equal(table["year"], year)
            folder = dst / name / f"year={0 if year is None else year}"
            folder.mkdir(parents=True)
            pq.write_table(table.filter(mask).drop_columns(["year"]), folder / "part-00000.parquet")
    return dst


def test_flat_and_partitioned_layouts_read_the_same(data: Path, tmp_path: Path) -> None:
    flat = collect(_relayout(data, tmp_path / "flat", partitioned=False))
    part = collect(_relayout(data, tmp_path / "part", partitioned=True))
    assert flat.counts == part.counts == collect(data).counts
    assert flat.counts["indicators"] > 100
    for key in ("by_department", "by_level2", "vague_by_project", "low_confidence"):
        assert flat.frames[key].equals(part.frames[key]), key


def test_report_of_a_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(tmp_path / "nope"), "-o", str(tmp_path / "r")])
    assert res.exit_code == 2
    assert "no such output directory" in " ".join(res.output.split())


def test_report_without_findings(tmp_path: Path, data: Path) -> None:
    d = tmp_path / "no_findings"
    shutil.copytree(data, d)
    shutil.rmtree(d / "findings")
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", str(d), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "findings by code: no data" in out.read_text(encoding="utf-8")
