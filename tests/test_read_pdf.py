"""PDF reader: grids, merged cells, page continuations, free text, bad input, end to end.

Fixtures are written by ``tests/fixtures/make_pdf_fixtures.py`` (committed PDFs; the
generator needs reportlab and the wqy/uming fonts only to regenerate them).
"""

from __future__ import annotations

import io
import shutil
from functools import cache
from pathlib import Path

import pytest

from pipeline.model import ReadError, Row, SourceDoc
from pipeline.readers import read_document
from pipeline.readers.pdf import (
    clean_text,
    join_lines,
    page_text_status,
    pages_without_text,
    read_pdf,
)

FIX = Path(__file__).resolve().parent / "fixtures"
PDF = FIX / "pdf"
GOLD = Path(__file__).resolve().parent / "gold_pdf"
PDFS = sorted(PDF.glob("*.pdf"))
MIN_F1 = 0.97


@cache
def read(name: str, folder: Path = PDF) -> SourceDoc:
    p = folder / name
    return read_pdf(p, p.read_bytes())


def table_rows(doc: SourceDoc, tid: int) -> list[Row]:
    return [r for r in doc.rows if r.table_id == tid]


def texts(rows: list[Row]) -> list[list[str]]:
    return [r.texts for r in rows]


# --------------------------------------------------------------------------- text helpers


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["满意度指", "标"], "满意度指标"),
        (["2024-01-01 至 202", "4-12-31"], "2024-01-01 至 2024-12-31"),
        (["项", "目", "基", "本"], "项目基本"),
        (["the system", "is ready"], "the system is ready"),
        (["≥10次/", "月"], "≥10次/月"),
        (["", "  数量指标 ", ""], "数量指标"),
    ],
)
def test_join_lines(lines: list[str], expected: str) -> None:
    assert join_lines(lines) == expected


def test_clean_text_drops_cid_and_cjk_spaces() -> None:
    assert clean_text("(cid:12)项 目(cid:3)名称") == "项目名称"
    assert clean_text("2024至 2024") == "2024至 2024"
    assert clean_text("编制单位\u3000 （盖章）") == "编制单位（盖章）"


# --------------------------------------------------------------------------- ruled grid

RULED_FIRST = [
    ["项目基本情况", "项目名称", "春节慰问专项经费", "", "", ""],
    ["", "项目负责人", "邓婕", "联系电话", "8261896", ""],
    ["", "项目类别", "特定目标类", "", "", ""],
    ["", "项目属性", "延续性项目", "", "", ""],
    ["", "项目计划实施时间", "2024至 2024", "", "", ""],
    ["项目资金情况", "预算资金（元）", "4700000", "资金性质", "一般公共预算安排", ""],
]
RULED_INDICATORS = [
    ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "指标解释及计算公式"],
    [
        "",
        "产出指标",
        "数量指标",
        "发放慰问金覆盖率",
        "≥95%",
        "计算方法：（发放慰问金人数÷应发放慰问金人数）×100%",
    ],
    [
        "",
        "",
        "质量指标",
        "慰问发放及时率",
        "100%",
        "计算方法：（春节前拨付单位数÷应拨付单位数）×100%",
    ],
    [
        "",
        "",
        "时效指标",
        "慰问金拨付时间",
        "春节前",
        "在春节前将涉及的协办单位资金在春节前全部拨付到位，保障市领导对全市社会各界慰问工作的"
        "及时正常开展。",
    ],
    ["", "", "成本指标", "项目或定额成本控制率", "100%", "项目或定额成本控制率"],
]


def test_ruled_grid_first_rows() -> None:
    rows = table_rows(read("ruled_projects.pdf"), 0)
    assert texts(rows[:6]) == RULED_FIRST
    start = next(i for i, r in enumerate(rows) if r.texts[1] == "一级指标")
    assert texts(rows[start : start + 5]) == RULED_INDICATORS


def test_merged_cells_are_empty_and_rows_aligned() -> None:
    doc = read("ruled_projects.pdf")
    for tid in {r.table_id for r in doc.rows if r.table_id is not None}:
        rows = table_rows(doc, tid)
        assert len({len(r.cells) for r in rows}) == 1, "rows of a table have one width"
        assert all(isinstance(c.text, str) for r in rows for c in r.cells)
    rows = table_rows(doc, 0)
    placeholder = [r.texts for r in rows if r.texts[2] == "经济效益指标"]
    assert placeholder == [["", "", "经济效益指标", "", "", ""]]
    satisfaction = next(r.texts for r in rows if r.texts[1] == "满意度指标")
    assert satisfaction[2] == "社会公众或服务对象满意度"  # wrapped over 2 lines, joined


def test_open_sided_grid_reads_like_a_closed_one() -> None:
    rows = table_rows(read("ruled_projects.pdf"), 2)  # page 3: no outer left/right rules
    assert rows[0].texts == ["项目基本情况", "项目名称", "市政府常务会议经费", "", "", ""]
    assert rows[5].texts == [
        "项目资金情况",
        "预算资金（元）",
        "450000",
        "资金性质",
        "一般公共预算安排",
        "",
    ]
    assert ["", "", "", "全市廉政工作会议", "1次", "根据国务院及省政府要求每年召开1次"] in texts(
        rows
    )
    assert {len(r.cells) for r in rows} == {6}


def test_text_outside_tables_in_reading_order() -> None:
    doc = read("ruled_projects.pdf")
    free = [r for r in doc.rows if r.table_id is None]
    assert [r.texts for r in free[:4]] == [
        ["附件2"],
        ["六盘水市人民政府办公室项目绩效目标表"],
        ["（2024年度）"],
        ["编制单位（盖章）：六盘水市人民政府办公室", "单位：元"],
    ]
    first_table = next(r.line for r in doc.rows if r.table_id == 0)
    assert all(r.line < first_table for r in free[:4])
    assert [r.line for r in doc.rows] == list(range(1, len(doc.rows) + 1))
    titles = [r for r in doc.rows if r.texts == ["六盘水市人民政府办公室项目绩效目标表"]]
    assert [r.page for r in titles] == [1, 2, 3]
    ids = [r.table_id for r in doc.rows if r.table_id is not None]
    assert sorted(set(ids)) == [0, 1, 2]
    assert ["- 2 -"] in [r.texts for r in free]


def test_bbox_present() -> None:
    doc = read("ruled_projects.pdf")
    for r in doc.rows:
        assert r.bbox is not None and r.page is not None
        x0, top, x1, bottom = r.bbox
        assert 0 <= x0 < x1 <= 596 and 0 <= top < bottom <= 842
    row = next(r for r in doc.rows if r.texts[1:3] == ["项目名称", "春节慰问专项经费"])
    assert all(c.bbox is not None for c in row.cells if c.text)
    assert row.cells[3].bbox is None  # covered by the merged name cell


# --------------------------------------------------------------------------- continuation


def test_continuation_keeps_table_id_and_drops_repeated_header() -> None:
    doc = read("continued_projects.pdf")
    t0, t1 = table_rows(doc, 0), table_rows(doc, 1)
    assert {r.table_id for r in doc.rows} == {None, 0, 1}
    headers = [r for r in doc.rows if r.texts == ["六盘水市人民政府办公室2024年部门预算公开"]]
    assert [r.page for r in headers] == [1, 2, 3, 4]  # running header: kept, not a break
    assert sorted({r.page for r in t0}) == [1, 2]
    assert sorted({r.page for r in t1}) == [3, 4]
    assert sum(1 for r in t0 if "一级指标" in r.texts) == 1, "repeated header dropped"
    first_p2 = next(r for r in t0 if r.page == 2)
    assert first_p2.texts == [
        "",
        "",
        "时效指标",
        "紧急事件转接时间",
        "≤1小时",
        "发生紧急事件, 在接到下级部门报告后, 1小时内按照市政府应急办的"
        "相应要求转接平台内各职能单位,并且按照指令发送指定内容信息到"
        "指定人员通讯设备上。",
    ]
    first_p4 = next(r for r in t1 if r.page == 4)
    assert first_p4.texts[2:5] == ["经济效益指标", "全市经济社会发展重点方向", "维持稳定"]
    assert len(first_p4.cells) == len(t1[0].cells)


def test_department_table_continues_with_header_repeat() -> None:
    doc = read("department_and_projects.pdf")
    dept = table_rows(doc, 0)
    assert sorted({r.page for r in dept}) == [1, 2]
    assert sum(1 for r in dept if "一级指标" in r.texts) == 1
    assert dept[0].texts[:2] == ["部门（单位）基本情况", "部门（单位）名称"]
    amounts = {r.texts[2]: r.texts[3] for r in dept if r.texts[2] in ("基本支出", "项目支出")}
    assert amounts == {"基本支出": "3100.55", "项目支出": "1053.19"}
    assert {r.table_id for r in doc.rows if r.page == 3} == {None, 1}


def test_one_row_and_borderless_continuations() -> None:
    doc = read("mixed_continued.pdf")
    t0, t1 = table_rows(doc, 0), table_rows(doc, 1)
    assert {r.table_id for r in doc.rows} == {None, 0, 1, 2}
    (last,) = [r for r in t0 if r.page == 2]  # a continuation of one row
    assert last.texts[1:5] == [
        "满意度指标",
        "社会公众或服务对象满意度",
        "访问人员对聘用人员工作满意度",
        "≥90%",
    ]
    p4 = [r.texts for r in t1 if r.page == 4]  # borderless, starts with a one-cell row
    assert p4[0] == ["", "可持续影响指标", "", "", ""]
    assert p4[1][:4] == ["满意度指标", "社会公众或服务对象满意度", "全市政府系统满意度", "≥90%"]
    t2 = table_rows(doc, 2)  # borderless, explanations nearly all empty: 5 columns still
    assert ["", "成本指标", "项目或定额成本控制率", "100%", "项目或定额成本控制率"] in texts(t2)
    assert ["产出指标", "数量指标", "开展巡查调度", "≥每月4次", ""] in texts(t2)


def test_two_tables_on_one_page() -> None:
    doc = read("two_tables_page.pdf")
    on_p1 = {r.table_id for r in doc.rows if r.page == 1 and r.table_id is not None}
    assert on_p1 == {0, 1}
    assert {r.table_id for r in doc.rows if r.page == 2} == {None, 1}  # continuation
    assert {r.table_id for r in doc.rows if r.page == 3} == {None, 2}
    between = [r.texts for r in doc.rows if r.page == 1 and r.table_id is None]
    assert between.count(["六盘水市人民政府办公室项目绩效目标表"]) == 2


# --------------------------------------------------------------------------- layouts

BORDERLESS_ROWS = [
    ["项目名称", "市政府应急值守补贴", "", "", ""],
    ["项目负责人", "邓经线", "联系电话", "8260000", ""],
    ["预算资金（元）", "150500", "资金性质", "一般公共预算安排", ""],
    ["一级指标", "二级指标", "三级指标", "指标值", "指标解释及计算公式"],
    ["产出指标", "数量指标", "政务值班标准", "120元/24小时", ""],
    ["", "", "专职人员发放标准", "720元/人/月", ""],
    [
        "",
        "时效指标",
        "应急响应时间",
        "≤1小时",
        "发生紧急事件，在接到下级部门报告后，1小时内按照市政府应急办的相应要求转接平台内各职能"
        "单位，并且按照指令发送指定内容信息到指定人员通讯设备上。",
    ],
    ["", "社会效益指标", "", "", ""],
    [
        "满意度指标",
        "社会公众或服务对象满意度",
        "参与值班人员满意度",
        "≥90%",
        "抽取参与值班人员20人进行问卷调查",
    ],
]


def test_borderless_table() -> None:
    doc = read("borderless_projects.pdf")
    rows = table_rows(doc, 0)
    got = texts(rows)
    for expected in BORDERLESS_ROWS:
        assert expected in got
    assert len({len(r) for r in got}) == 1
    above = [r.texts for r in doc.rows if r.table_id is None and r.page == 1]
    assert ["编制单位（盖章）：六盘水市人民政府办公室", "单位：元"] in above
    assert {r.table_id for r in doc.rows if r.page == 2} == {None, 1}


def test_landscape_and_rotated_pages() -> None:
    doc = read("landscape_projects.pdf")
    assert doc.n_pages == 4
    t1 = table_rows(doc, 1)
    assert sorted({r.page for r in t1}) == [3, 4]  # /Rotate 90 pages, continued
    assert t1[0].texts[1:3] == ["项目名称", "驻外办事处、联络处人员补助"]
    assert max(r.bbox[2] for r in t1 if r.bbox) > 600  # displayed (landscape) coordinates
    budget = next(r.texts for r in table_rows(doc, 0) if "预算资金（万元）" in r.texts)
    assert budget[2] == "230.00"


# --------------------------------------------------------------------------- no text


def test_font_without_unicode_map_reports_error_and_no_rows() -> None:
    doc = read("no_unicode_map.pdf", FIX / "pdf_bad")
    assert doc.rows == []
    (f,) = doc.findings
    assert f.severity == "error" and f.code == "pdf_no_text_map" and f.page == 1
    assert "no_unicode_map.pdf" in f.message and "page 1" in f.message
    assert "scanned" in f.message
    assert pages_without_text(FIX / "pdf_bad" / "no_unicode_map.pdf") == [1]


def test_a_few_unmapped_characters_are_dropped_with_a_warning(tmp_path: Path) -> None:
    from tests.fixtures.make_pdf_fixtures import no_unicode_map_pdf

    plain = [f"Project line {i} with readable text, quite long" for i in range(8)]
    p = tmp_path / "partly.pdf"
    p.write_bytes(no_unicode_map_pdf(plain, cid_lines=1))
    doc = read_pdf(p, p.read_bytes())
    assert [f.code for f in doc.findings] == ["pdf_unmapped_chars"]
    assert all("(cid:" not in c.text for r in doc.rows for c in r.cells)
    assert doc.rows[-1].texts == ["Project line 7 with readable text, quite long"]


def test_page_without_text_layer() -> None:
    path = FIX / "pdf_scan" / "scanned_page2.pdf"
    doc = read(path.name, path.parent)
    assert [(f.code, f.page) for f in doc.findings] == [("pdf_page_no_text", 2)]
    assert {r.page for r in doc.rows} == {1}
    assert pages_without_text(path) == [2]
    assert page_text_status(path.read_bytes()) == {1: "ok", 2: "no_text"}


# --------------------------------------------------------------------------- bad input


def _encrypted(user: str) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, encrypt=pdfencrypt.StandardEncryption(user, ownerPassword="owner"))
    c.drawString(72, 720, "Hello")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_encrypted_pdf_raises_read_error(tmp_path: Path) -> None:
    p = tmp_path / "secret.pdf"
    p.write_bytes(_encrypted("secret"))
    with pytest.raises(ReadError, match=r"^secret\.pdf: encrypted PDF \(password required\)$"):
        read_document(p)


def test_pdf_with_owner_password_only_is_read(tmp_path: Path) -> None:
    p = tmp_path / "owner.pdf"
    p.write_bytes(_encrypted(""))
    doc = read_document(p)
    assert doc.form == "pdf" and doc.rows[0].texts == ["Hello"]


@pytest.mark.parametrize("cut", [0.3, 0.9])
def test_truncated_pdf_raises_read_error(tmp_path: Path, cut: float) -> None:
    data = (PDF / "ruled_projects.pdf").read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(ReadError, match=r"^cut\.pdf: damaged PDF"):
        read_document(p)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\n" + b"garbage " * 50 + b"\n%%EOF\n", b"%PDF-1.7\n%%EOF", b"   "],
)
def test_damaged_pdf_raises_read_error(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "broken.pdf"
    p.write_bytes(data)
    with pytest.raises(ReadError, match=r"^broken\.pdf: "):
        read_document(p)


def test_read_document_dispatches_pdf() -> None:
    doc = read_document(PDF / "two_tables_page.pdf")
    assert doc.form == "pdf" and doc.source == "two_tables_page.pdf"
    assert len(doc.doc_id) == 16 and doc.n_pages == 3


# --------------------------------------------------------------------------- end to end

try:
    from pipeline.run import ingest_paths
except ImportError:  # pragma: no cover - the pipeline is always there in this repo
    ingest_paths = None


@pytest.fixture(scope="module")
def pdf_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if ingest_paths is None:
        pytest.skip("pipeline.run is not importable: end-to-end scoring skipped")
    out = tmp_path_factory.mktemp("pdf_e2e") / "out"
    ingest_paths(PDFS, out)
    return out


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_end_to_end_f1(pdf: Path, pdf_parquet: Path, tmp_path: Path) -> None:
    from tests.score import score

    gold = GOLD / f"{pdf.stem}.gold.json"
    gdir = tmp_path / "gold"
    gdir.mkdir()
    shutil.copy(gold, gdir / gold.name)
    totals, misses = score(gdir, pdf_parquet, True)
    denom = totals["gold_rows"] + totals["pred_rows"]
    f1 = 2 * totals["exact_rows"] / denom if denom else 0.0
    assert totals["matched_tables"] == totals["gold_tables"], misses[:10]
    assert f1 >= MIN_F1, f"{pdf.name}: exact-row F1 {f1:.3f}; " + "; ".join(misses[:10])
