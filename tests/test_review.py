"""Review queue: findings, weak heading matches, low OCR confidence and flags, most
doubtful first, with the source line; CLI and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.diff import load_run
from pipeline.model import DocResult, Finding, Indicator, TableRecord, Value
from pipeline.review import render_review, review_items
from pipeline.run import ingest_paths
from pipeline.write import write_datasets
from tests.conftest import SAMPLE

runner = CliRunner()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("review") / "out"
    ingest_paths([SAMPLE], out)
    return out


def test_sample_queue_most_doubtful_first(sample_run: Path):
    items = review_items(load_run(sample_run))
    doubts = [it.doubt for it in items]
    assert doubts == sorted(doubts, reverse=True) and all(d > 0 for d in doubts)
    top = items[0]
    # the garbled level-1 (厂内指标 → 产出指标): a finding, a weak match and a flag
    assert (top.table_no, top.row_no, top.place.line) == (1, 6, 38)
    assert "heading_garbled" in top.codes and any("matched at" in r for r in top.reasons)
    codes = {c for it in items for c in it.codes}
    assert {"heading_garbled", "heading_fuzzy", "period_outside_year"} <= codes
    table_item = next(it for it in items if "period_outside_year" in it.codes)
    assert table_item.level == "table" and table_item.row_no is None
    assert [(it.source, it.table_no, it.row_no) for it in review_items(load_run(sample_run))] == [
        (it.source, it.table_no, it.row_no) for it in items
    ]


def test_cli_review_prints_snippets_and_writes_html(sample_run: Path, tmp_path: Path):
    html = tmp_path / "q.html"
    r = runner.invoke(app, ["review", str(sample_run), "--limit", "2", "--html", str(html)])
    assert r.exit_code == 0, r.output
    assert "review queue" in r.output and "│ 38:" in r.output and "厂内指标" in r.output
    assert "use --limit" in r.output
    page = html.read_text(encoding="utf-8")
    assert page.count('class="card ') == len(review_items(load_run(sample_run)))
    assert '<tr class="hit"><td class="ln">38</td>' in page
    assert "<script" not in page
    r = runner.invoke(app, ["review", str(tmp_path / "nope")])
    assert r.exit_code == 2


def _ind(row_no: int, level3: str, **kw) -> Indicator:
    base = dict(
        row_no=row_no,
        level1="产出指标",
        level2="数量指标",
        level3=level3,
        target=Value("≥1次", ">=", 1.0, None, "次", None, "numeric"),
        explanation=None,
        level1_raw="产出指标",
        level2_raw="数量指标",
        level1_score=100.0,
        level2_score=100.0,
        line=10 + row_no,
        page=1,
        bbox=(10.0, 10.0 * row_no, 200.0, 10.0 * row_no + 9),
    )
    base.update(kw)
    return Indicator(**base)


def test_ranking_by_severity_score_confidence_and_flags(tmp_path: Path):
    t = TableRecord(table_no=1, kind="project", form="target", year=2024, name="测试项目")
    t.indicators = [
        _ind(1, "正常行"),
        _ind(2, "低置信度", min_conf=0.55, flags=["low_ocr_confidence"]),
        _ind(3, "弱匹配", level2_raw="数量指", level2_score=80.0),
        _ind(4, "多个数", flags=["multiple_values"]),
        _ind(5, "树补全", flags=["level1_from_tree"]),
    ]
    res = DocResult("d1", "scan.png", str(tmp_path / "gone.png"), "ocr", "ok", 2024, tables=[t])
    res.findings = [
        Finding("warning", "low_ocr_confidence", "OCR confidence 0.55", 1, 2, 12, 1),
        Finding("error", "pdf_page_error", "page 2 could not be read"),
    ]
    write_datasets([res], tmp_path / "out", "cfg")
    items = review_items(load_run(tmp_path / "out"))
    got = [(it.level, it.row_no, round(it.doubt, 2)) for it in items]
    assert got == [
        ("indicator", 2, 1.4),  # warning 0.5 + 2 × (1 - 0.55)
        ("document", None, 1.0),  # an error finding
        ("indicator", 3, 0.4),  # level2 matched at 80: (100 - 80) / 50
        ("indicator", 4, 0.3),  # multiple_values
    ]  # rows 1 and 5 (a level-1 filled from the tree) need no look
    html = render_review(load_run(tmp_path / "out"), items)
    assert "source not available" in html and "gone.png" in html


def test_two_copies_of_one_file_are_reviewed_apart(sample_run: Path, tmp_path: Path):
    """A copy shares the sample's doc_id but not its file_id: its rows are items of their
    own (same doubts), not added to the sample's."""
    import shutil

    shutil.copy(SAMPLE, tmp_path / "copy.txt")
    out = tmp_path / "out"
    ingest_paths([SAMPLE, tmp_path / "copy.txt"], out, executor="inline")
    one = review_items(load_run(sample_run))
    both = review_items(load_run(out))
    copy = [it for it in both if it.source == "copy.txt"]
    original = [it for it in both if it.source == SAMPLE.name]
    assert [round(it.doubt, 6) for it in original] == [round(it.doubt, 6) for it in one]
    dup = [it for it in copy if "duplicate_content" in it.codes]
    assert len(dup) == 1 and dup[0].level == "document"
    assert len(copy) == len(one) + 1
