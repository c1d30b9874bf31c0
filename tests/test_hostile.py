"""Hostile and broken inputs (issue 13, the document side): linear-time parsing, degrade
instead of reject, resource limits before the expensive step, PDF layout fallbacks,
messages in the file's own terms, and a batch of the sample plus hostile files.

The hostile files are small versions (``tests/hostile.py``) that still cross the default
limits or would have taken the old regex parsers minutes; ``bench/adversarial.py`` runs
the full-size ones and times them.  No assertion here is about time.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline.config import load_config
from pipeline.model import Finding
from pipeline.readers import read_document
from pipeline.readers.html import html_rows
from pipeline.readers.limits import ResourceLimitError, limits, set_limits
from pipeline.readers.pdf import _why
from pipeline.readers.text import _md_sep, decode_counted
from pipeline.run import process_file
from pipeline.write import read_dataset
from tests import hostile
from tests.conftest import ROOT, SAMPLE

N_SAMPLE = 140


@pytest.fixture(scope="module")
def cfg():
    return load_config(None)


# --------------------------------------------------------------------------- text, HTML


def test_lt_that_is_text_stays():
    rows, notes = html_rows(
        "<p>说明 <5% 与 &lt;3</p><table><tr><td><5%</td><td>&lt;6%</td><td>≥95%</td>"
        "<td>（市政府驻外联络处<办事处>）</td></tr></table>",
        "t.html",
    )
    assert notes == []
    table = [r for r in rows if r.table_id == 0]
    assert table[0].texts == ["<5%", "<6%", "≥95%", "（市政府驻外联络处<办事处>）"]
    assert any("<5%" in t and "<3" in t for r in rows if r.table_id is None for t in r.texts)


def test_html_spans_nested_tables_and_lines():
    text = (
        "# 标题\n\n<table>\n<tr><td rowspan=2>产出指标</td><td colspan=2>数量</td></tr>\n"
        "<tr><td>a</td><td><table><tr><td>内</td></tr></table>b</td></tr>\n</table>\n\n"
        "说明文字\n"
    )
    rows, _ = html_rows(text, "t.md")
    outer = [r for r in rows if r.table_id == 0]
    assert [r.texts for r in outer] == [["产出指标", "数量", ""], ["", "a", "b"]]
    assert [c.covered for c in outer[0].cells] == [None, None, "left"]
    assert outer[1].cells[0].covered == "up" and all(r.spans for r in outer)
    assert [r.line for r in outer] == [4, 5]
    inner = [r for r in rows if r.table_id == 1]
    assert [r.texts for r in inner] == [["内"]]
    assert next(r.line for r in rows if r.texts == ["说明文字"]) == 8


@pytest.mark.parametrize(
    "text",
    [
        "<p>x</p>" + "<table>" * 100_000 + "<tr><td>项目名称",
        "<p>x</p>" + "<script>" * 100_000 + "<table><tr><td>a</td></tr></table>",
        "<div>" * 100_000 + "项目名称" + "</div>" * 100_000,
    ],
    ids=["unclosed_table", "unclosed_script", "nested_div"],
)
def test_unclosed_and_deep_markup_is_read_and_reported(text: str):
    rows, notes = html_rows(text, "h.html")
    if text.startswith("<p>"):
        assert rows[0].texts[0] == "x"  # what comes before the damage is kept
    assert {f.code for f in notes} <= {"html_truncated", "html_table_in_script"}
    assert notes, "the lost part of the file is reported"
    assert all("line 1" in f.message for f in notes)


def test_markdown_separator_without_backtracking():
    assert _md_sep("|---|:---:|") and _md_sep(" --- ") and _md_sep("| -- | --: |")
    assert not _md_sep(" " * 100_000) and not _md_sep("|" + " " * 100_000 + "-")
    assert not _md_sep("| a | -- |") and not _md_sep("|")


def test_space_line(tmp_path: Path):
    p = hostile.build(tmp_path)["space_line"]
    assert read_document(p).rows[0].texts == ["项目名称", "甲"]


def test_a_stray_byte_is_replaced_and_counted(tmp_path: Path, cfg):
    data = SAMPLE.read_bytes()
    cut = data.index("产出指标".encode())
    text, enc, errors = decode_counted(data[:cut] + b"\xff" + data[cut:], "x.txt")
    assert enc == "utf-8" and len(errors) == 1 and text.count("\ufffd") == 1
    p = hostile.build(tmp_path)["stray_byte"]
    res = process_file(p, cfg)
    assert res.status == "ok"
    assert sum(len(t.indicators) for t in res.tables) == N_SAMPLE
    [f] = [f for f in res.findings if f.code == "text_undecodable"]
    assert f.severity == "warning" and "1 byte sequence" in f.message and f.line


def test_gb18030_with_a_stray_byte_stays_gb18030():
    data = "项目名称\t春节慰问专项经费\n产出指标\t数量指标\n".encode("gb18030") * 20
    text, enc, errors = decode_counted(data[:30] + b"\xff" + data[30:], "g.txt")
    assert enc == "gb18030" and len(errors) == 1 and "春节慰问" in text


# --------------------------------------------------------------------------- office


def _workbook(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "甲"
    wb.active["A1"] = "项目名称"
    wb.create_sheet("乙")["A1"] = "第二张"
    p = tmp_path / "wb.xlsx"
    wb.save(p)
    return p


def _rewrite(src: Path, dst: Path, change) -> Path:  # noqa: ANN001
    zin = zipfile.ZipFile(src)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in zin.infolist():
            data = change(i.filename, zin.read(i.filename))
            if data is not None:
                z.writestr(i.filename, data)
    dst.write_bytes(buf.getvalue())
    return dst


@pytest.mark.parametrize("how", ["missing_part", "broken_xml"])
def test_a_broken_sheet_is_a_finding_and_status_partial(tmp_path: Path, cfg, how: str):
    src = _workbook(tmp_path)

    def change(name: str, data: bytes) -> bytes | None:
        if name == "xl/worksheets/sheet2.xml":
            return None if how == "missing_part" else data[: len(data) // 2]
        return data

    p = _rewrite(src, tmp_path / f"{how}.xlsx", change)
    doc = read_document(p)
    assert [r.texts for r in doc.rows] == [["项目名称"]]
    [f] = [f for f in doc.findings if f.code == "sheet_unreadable"]
    assert f.severity == "error" and "'乙'" in f.message
    res = process_file(p, cfg)
    assert res.status in ("partial", "empty")  # one label is no table: empty wins


def test_partial_status_where_a_reader_lost_a_part(monkeypatch, cfg):
    import pipeline.run as run

    doc = read_document(SAMPLE)
    doc.findings.append(Finding("error", "sheet_unreadable", "x: sheet 'b' not read"))
    monkeypatch.setattr(run, "read_document", lambda p, cfg=None: doc)
    res = process_file(SAMPLE, cfg)
    assert res.status == "partial" and sum(len(t.indicators) for t in res.tables) == N_SAMPLE


def test_inflating_xlsx_is_refused_before_unpacking(tmp_path: Path, cfg):
    p = hostile.inflating_xlsx(tmp_path / "bomb.xlsx", 10)
    with pytest.raises(ResourceLimitError, match="max_ratio"):
        read_document(p)
    res = process_file(p, cfg)
    assert res.status == "error" and [f.code for f in res.findings] == ["resource_limit"]
    assert res.error and res.error.startswith("bomb.xlsx: ")


def test_cell_and_row_limits(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "项目名称"
    ws["Z5000"] = "远处的一格"  # 26 columns × 2 filled rows is small: a grid limit of rows
    p = tmp_path / "far.xlsx"
    wb.save(p)
    assert read_document(p).rows  # within the defaults
    old = limits()
    try:
        set_limits(max_cells=40)
        with pytest.raises(ResourceLimitError, match="max_cells"):
            read_document(p)
    finally:
        set_limits(old)


def test_word_spans_are_bounded(tmp_path: Path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "项目名称"
    t.cell(0, 1).text = "甲"
    p = tmp_path / "span.docx"
    d.save(p)

    def change(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="999999999"/>', 1)
        return data

    q = _rewrite(p, tmp_path / "span2.docx", change)
    [row] = [r for r in read_document(q).rows if r.table_id is not None]
    assert row.texts[0] == "项目名称" and len(row.cells) <= 70


# --------------------------------------------------------------------------- images, PDF


def test_giant_png_is_refused_from_its_header(tmp_path: Path, cfg):
    p = hostile.giant_png(tmp_path / "big.png")
    res = process_file(p, cfg)
    assert res.status == "error" and res.findings[0].code == "resource_limit"
    assert "25,000×25,000 pixels" in (res.error or "")


def test_giant_pdf_page_is_not_rendered(tmp_path: Path, cfg):
    p = hostile.giant_pdf_page(tmp_path / "big.pdf")
    res = process_file(p, cfg)
    assert res.status == "error" and res.findings[0].code == "resource_limit"
    assert "max_render_mpx" in (res.error or "")


def _pdf_with_diagonals(path: Path) -> Path:
    """A ruled table whose header cell is split by a diagonal line (斜线表头), with a
    curve beside it: edges without an orientation."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    if not font.is_file():
        pytest.skip("needs fonts-wqy-zenhei")
    pdfmetrics.registerFont(TTFont("wqy", str(font), subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("wqy", 10)
    xs, ys = [50, 200, 350, 500], [700, 680, 660, 640]
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, ys[0], x, ys[-1])
    c.line(xs[0], ys[0], xs[1], ys[1])  # the diagonal of the corner cell
    c.bezier(520, 700, 560, 690, 540, 660, 580, 640)
    for r, row in enumerate(
        [["", "指标", "指标值"], ["产出", "数量", "≥95%"], ["效益", "满意", "90%"]]
    ):
        for k, text in enumerate(row):
            c.drawString(xs[k] + 5, ys[r] - 14, text)
    c.showPage()
    c.save()
    return path


def test_diagonal_and_curved_edges_do_not_sink_the_page(tmp_path: Path):
    doc = read_document(_pdf_with_diagonals(tmp_path / "diag.pdf"))
    assert not [f for f in doc.findings if f.severity == "error"]
    texts = [r.texts for r in doc.rows if r.table_id is not None]
    assert ["产出", "数量", "≥95%"] in texts


def test_a_failing_layout_step_falls_back(tmp_path: Path, monkeypatch):
    import pipeline.readers.pdf as pdf

    def broken(*a, **k):
        raise KeyError(None)

    monkeypatch.setattr(pdf, "_ruled_tables", broken)
    doc = read_document(_pdf_with_diagonals(tmp_path / "diag.pdf"))
    [f] = [f for f in doc.findings if f.code == "pdf_layout_fallback"]
    assert f.severity == "warning" and "ruled tables not read" in f.message
    assert "None" not in f.message
    assert any("≥95%" in " ".join(r.texts) for r in doc.rows)


def test_messages_carry_no_addresses():
    e = ValueError("cannot read <_io.BytesIO object at 0x7f3a2b1c9d50>: " + "词" * 300)
    msg = _why(e)
    assert "0x" not in msg and len(msg) < 200 and msg.endswith("…")


# --------------------------------------------------------------------------- worker memory


def test_memory_cap_turns_an_overrun_into_memory_error():
    code = (
        "from pipeline.executors import cap_memory\n"
        "assert cap_memory(2048)\n"
        "try:\n    bytearray(4 << 30)\nexcept MemoryError:\n    print('MemoryError')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "MemoryError", out.stderr


def test_memory_error_is_a_resource_limit(monkeypatch, cfg):
    import pipeline.run as run

    def hungry(p, cfg=None):
        raise MemoryError

    monkeypatch.setattr(run, "read_document", hungry)
    res = process_file(SAMPLE, cfg)
    assert res.status == "error" and res.findings[0].code == "resource_limit"
    assert "max_memory_mb" in (res.error or "")


# --------------------------------------------------------------------------- the batch


def test_hostile_batch(tmp_path: Path):
    """The sample plus every hostile case, default settings, two workers: it ends, every
    input is a documents row, the good documents keep every indicator, no traceback."""
    src = tmp_path / "in"
    cases = hostile.build(src)
    (src / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", str(src), "-o", str(out), "-j", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode in (0, 1), run.stderr  # 1: some documents failed, as they should
    assert "Traceback" not in run.stdout + run.stderr
    docs = {d["source"]: d for d in read_dataset(out, "documents").to_pylist()}
    assert set(docs) == {p.name for p in src.iterdir()}
    ind = read_dataset(out, "indicators").to_pylist()
    per_doc = {s: sum(1 for r in ind if r["source"] == s) for s in docs}
    assert per_doc[SAMPLE.name] == N_SAMPLE
    assert per_doc[cases["stray_byte"].name] == N_SAMPLE
    for case in ("inflating_xlsx", "giant_pdf_page", "giant_png"):
        d = docs[cases[case].name]
        assert d["status"] == "error" and "limit " in d["error"], d
    for case in ("unclosed_table", "unclosed_script", "nested_div", "space_line"):
        assert docs[cases[case].name]["status"] == "empty"
    assert not any(d["error"] and "internal" in d["error"] for d in docs.values())


def test_a_limit_that_is_not_a_number_is_one_line_before_any_work(tmp_path: Path):
    env = {**os.environ, "JIXIAO_LIMIT_MAX_CELLS": "lots"}
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(SAMPLE), "-o", str(tmp_path / "o")]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 2
    assert r.stderr.strip() == "error: JIXIAO_LIMIT_MAX_CELLS='lots': not a number"
    assert not (tmp_path / "o").exists()
