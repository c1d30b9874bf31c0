"""Office reader: xlsx/xls/docx grids, merged cells, number display, bad input, end to end.

Fixtures are written by ``tests/fixtures/make_office_fixtures.py``; a few small files
are built here at run time with openpyxl / python-docx.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from functools import cache
from pathlib import Path

import pytest

from pipeline.model import ReadError, Row, SourceDoc
from pipeline.readers import read_document
from pipeline.readers.office import display, format_number, read_office

OFFICE = Path(__file__).resolve().parent / "fixtures" / "office"
GOLD = Path(__file__).resolve().parent / "gold_office"
FILES = sorted(p for p in OFFICE.iterdir() if p.suffix in (".xlsx", ".xls", ".docx"))
MIN_F1 = 0.97


@cache
def read(name: str) -> SourceDoc:
    return read_document(OFFICE / name)


def table_rows(doc: SourceDoc, tid: int) -> list[Row]:
    return [r for r in doc.rows if r.table_id == tid]


# --------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        (0.95, "0%", "95%"),
        (1, "0%", "100%"),
        (0.955, "0.0%", "95.5%"),
        (4700000.0, "General", "4700000"),
        (4700000, "0", "4700000"),
        (4153.74, "#,##0.00", "4,153.74"),
        (3100.55, "0.00", "3100.55"),
        (3.0, "0.00", "3.00"),
        (12.5, '0.00"万元"', "12.50万元"),
        (0.1 + 0.2, "General", "0.3"),
        (8261896.0, "@", "8261896"),
        (-5.0, "0.00_);[Red](0.00)", "-5.00"),
        # a format that rounds digits away does not lose them (amounts to the fen)
        (72807.384975, "0.00", "72807.384975"),
        (72807.384975, "#,##0.00", "72,807.384975"),
        (0.1 + 0.2, "0.00", "0.30"),
    ],
)
def test_format_number(value: float, fmt: str, expected: str) -> None:
    assert format_number(value, fmt) == expected


def test_display_other_types() -> None:
    assert display(dt.datetime(2024, 1, 31), "yyyy-mm-dd") == "2024-01-31"
    assert display(dt.datetime(2024, 1, 31), 'yyyy"年"m"月"d"日"') == "2024年1月31日"
    assert display(True, None) == "TRUE"
    assert display(None, "0%") == ""
    assert display("满意度指\n标", None) == "满意度指标"
    assert display("  项 目  ", None) == "项目"


# --------------------------------------------------------------------------- xlsx fixture


def test_xlsx_titles_grids_and_sheets() -> None:
    doc = read("liupanshui_tables.xlsx")
    assert doc.form == "xlsx" and doc.n_pages == 2
    assert [r.texts for r in doc.rows[:2]] == [
        ["六盘水市人民政府办公室2024年部门整体支出绩效目标表"],
        ["编制单位：六盘水市人民政府办公室", "单位：万元"],
    ]
    assert doc.rows[0].table_id is None and doc.rows[0].cells[0].ref == "'部门整体支出'!A1"
    dept = table_rows(doc, 0)
    assert dept[0].texts == [
        "部门（单位）基本情况",
        "部门（单位）名称",
        "",
        "六盘水市人民政府办公室",
        "",
        "",
    ]
    assert dept[0].cells[3].ref == "'部门整体支出'!D3"
    amounts = {r.texts[2]: r.texts[3] for r in dept if r.texts[2] in ("基本支出", "项目支出")}
    assert amounts == {"基本支出": "3100.55", "项目支出": "1053.19"}
    assert {r.page for r in dept} == {1}
    assert [r.line for r in doc.rows] == list(range(1, len(doc.rows) + 1))
    # sheet 2: two project tables separated by their titles
    sheet2 = [r for r in doc.rows if r.page == 2]
    assert {r.table_id for r in sheet2} == {None, 1, 2}
    titles = [r.texts for r in sheet2 if r.table_id is None]
    assert titles.count(["六盘水市人民政府办公室项目绩效目标表"]) == 2
    assert titles.count(["（2024年度）"]) == 2
    t1 = table_rows(doc, 1)
    assert t1[0].texts == ["项目基本情况", "项目名称", "春节慰问专项经费", "", "", ""]
    assert t1[1].texts == ["", "项目负责人", "邓婕", "联系电话", "8261896", ""]
    assert t1[5].texts == [
        "项目资金情况",
        "预算资金（元）",
        "4700000",
        "资金性质",
        "一般公共预算安排",
        "",
    ]
    cost = next(r.texts for r in t1 if r.texts[2] == "成本指标")
    assert cost[4] == "100%"  # stored as 1 with a 0% format
    dem = next(r.texts for r in dept if r.texts[3] == "办好民生实事")
    assert dem[4] == "=10件/年"
    assert [f.code for f in doc.findings] == ["sheet_hidden"]
    assert all("隐藏" not in c.text for r in doc.rows for c in r.cells)


def test_xlsx_built_at_run_time(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "某单位项目绩效目标表"
    ws.merge_cells("A1:E1")
    ws["A3"], ws["B3"], ws["C3"], ws["D3"], ws["E3"] = (
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "完成时间",
    )
    ws["A4"], ws["B4"], ws["C4"], ws["D4"] = "产出指标", "质量指标", "合格率", 0.955
    ws["D4"].number_format = "0.0%"
    ws["E4"] = dt.datetime(2024, 12, 31)
    ws["E4"].number_format = "yyyy-mm-dd"
    ws["C5"], ws["D5"] = "满意度\n调查", 0.9
    ws["D5"].number_format = "0%"
    ws.merge_cells("A4:A5")
    ws["C6"], ws["D6"] = "隐藏行", "x"
    ws.row_dimensions[6].hidden = True
    ws["C7"] = "=SUM(D4:D5)"
    ws["G20"].number_format = "0%"  # formatted but empty: not part of the used range
    p = tmp_path / "made.xlsx"
    wb.save(p)
    doc = read_office(p, p.read_bytes())
    assert [r.texts for r in doc.rows] == [
        ["某单位项目绩效目标表"],
        ["一级指标", "二级指标", "三级指标", "指标值", "完成时间"],
        ["产出指标", "质量指标", "合格率", "95.5%", "2024-12-31"],
        ["", "", "满意度调查", "90%", ""],
    ]
    assert [r.table_id for r in doc.rows] == [None, 0, 0, 0]
    assert doc.rows[2].cells[3].ref == "Sheet1!D4"
    assert [f.code for f in doc.findings] == ["xlsx_formula_no_value"]
    assert "C7" in doc.findings[0].message


# --------------------------------------------------------------------------- xls / docx


def test_xls_fixture() -> None:
    doc = read("liupanshui_table4.xls")
    assert doc.form == "xls"
    assert [r.texts for r in doc.rows[:3]] == [
        ["六盘水市人民政府办公室项目绩效目标表"],
        ["（2024年度）"],
        ["编制单位（盖章）：六盘水市人民政府办公室", "单位：元"],
    ]
    rows = table_rows(doc, 0)
    assert rows[0].texts == ["项目基本情况", "项目名称", "市政府常务会议经费", "", "", ""]
    assert rows[0].cells[2].ref == "'项目绩效目标表'!C4"
    assert rows[5].texts[2] == "450000"
    first = next(i for i, r in enumerate(rows) if r.texts[1] == "产出指标")
    assert [r.texts[1:4] for r in rows[first : first + 3]] == [
        ["产出指标", "数量指标", "日常工作调度会议"],
        ["", "", "全市廉政工作会议"],
        ["", "", "市政府党组会议"],
    ]
    assert next(r.texts[4] for r in rows if r.texts[2] == "成本指标") == "100%"


def test_docx_fixture() -> None:
    doc = read("liupanshui_tables.docx")
    assert doc.form == "docx" and doc.n_pages == 2
    assert [r.texts for r in doc.rows[:3]] == [
        ["六盘水市人民政府办公室项目绩效目标表"],
        ["（2024年度）"],
        ["编制单位（盖章）：六盘水市人民政府办公室", "单位：元"],
    ]
    t0, t1 = table_rows(doc, 0), table_rows(doc, 1)
    assert t0[0].texts == [
        "项目基本情况",
        "项目名称",
        "市政府应急指挥系统租用及突发事件处置经费",
        "",
        "",
        "",
    ]
    assert t0[1].texts == ["", "项目负责人", "邓经线", "联系电话", "8260000", ""]
    first = next(i for i, r in enumerate(t0) if r.texts[1] == "产出指标")
    assert [r.texts[1:3] for r in t0[first : first + 3]] == [
        ["产出指标", "数量指标"],
        ["", ""],
        ["", ""],
    ]
    assert len({len(r.cells) for r in t0 + t1}) == 1
    assert {r.page for r in t0} == {1} and {r.page for r in t1} == {2}
    assert doc.rows[-1].texts == ["注：本表金额单位为元。"] and doc.rows[-1].table_id is None
    titles = [r for r in doc.rows if r.texts == ["六盘水市人民政府办公室项目绩效目标表"]]
    assert [r.page for r in titles] == [1, 2]


def test_docx_built_at_run_time(tmp_path: Path) -> None:
    from docx import Document

    d = Document()
    d.add_paragraph("标题")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).text = "一级指标"
    t.cell(0, 1).text = "合并两列"
    t.cell(0, 1).merge(t.cell(0, 2))
    t.cell(1, 0).text = "产出指标"
    t.cell(1, 0).merge(t.cell(2, 0))
    t.cell(1, 1).text = "数量"
    t.cell(1, 2).add_paragraph("第二段")
    t.cell(2, 1).text = "质量"
    d.add_paragraph("表后文字")
    p = tmp_path / "made.docx"
    d.save(p)
    doc = read_office(p, p.read_bytes())
    assert [(r.texts, r.table_id) for r in doc.rows] == [
        (["标题"], None),
        (["一级指标", "合并两列", ""], 0),
        (["产出指标", "数量", "第二段"], 0),
        (["", "质量", ""], 0),
        (["表后文字"], None),
    ]


# --------------------------------------------------------------------------- bad input


def test_format_from_content_not_suffix(tmp_path: Path) -> None:
    p = tmp_path / "really_docx.xlsx"
    shutil.copy(OFFICE / "liupanshui_tables.docx", p)
    assert read_document(p).form == "docx"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xlsx", b"", "empty file"),
        ("b.xlsx", b"hello, this is not a workbook", "not an Office file"),
        ("c.docx", b"PK\x03\x04broken", "damaged Office file"),
        (
            "d.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + "EncryptedPackage".encode("utf-16-le")
            + b"\x00" * 64,
            "encrypted Office file",
        ),
        ("e.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "damaged .xls"),
    ],
)
def test_bad_office_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(ReadError, match=rf"^{name.replace('.', '[.]')}: .*{message}"):
        read_document(p)


def test_truncated_xlsx(tmp_path: Path) -> None:
    data = (OFFICE / "liupanshui_tables.xlsx").read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match=r"^cut\.xlsx: damaged"):
        read_document(p)


def test_zip_without_office_parts(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "x")
    p = tmp_path / "z.docx"
    p.write_bytes(buf.getvalue())
    with pytest.raises(ReadError, match=r"^z\.docx: ZIP file that is neither"):
        read_document(p)


# --------------------------------------------------------------------------- end to end

try:
    from pipeline.run import ingest_paths
except ImportError:  # pragma: no cover
    ingest_paths = None


@pytest.fixture(scope="module")
def office_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if ingest_paths is None:
        pytest.skip("pipeline.run is not importable: end-to-end scoring skipped")
    out = tmp_path_factory.mktemp("office_e2e") / "out"
    ingest_paths(FILES, out)
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_end_to_end_f1(path: Path, office_parquet: Path, tmp_path: Path) -> None:
    from tests.score import score

    stem = path.name.rsplit(".", 1)[0] + "_" + path.suffix[1:]
    gold = GOLD / f"{stem}.gold.json"
    gdir = tmp_path / "gold"
    gdir.mkdir()
    shutil.copy(gold, gdir / gold.name)
    totals, misses = score(gdir, office_parquet, True)
    denom = totals["gold_rows"] + totals["pred_rows"]
    f1 = 2 * totals["exact_rows"] / denom if denom else 0.0
    assert totals["matched_tables"] == totals["gold_tables"], misses[:10]
    assert f1 >= MIN_F1, f"{path.name}: exact-row F1 {f1:.3f}; " + "; ".join(misses[:10])
