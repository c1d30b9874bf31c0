"""Read stage: text forms, encodings, HTML spans, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import ReadError
from pipeline.readers import read_document
from pipeline.readers.html import html_table_rows
from pipeline.readers.text import split_line

SAMPLE_LINES = "项目名称\t春节慰问专项经费\n<b>指标</b>\t产出指标\t\n"


def test_tab_line_keeps_empty_cells_and_strips_tags():
    assert split_line("<b>指标</b>\t产出指标\t\t≥95%", None) == (
        ["指标", "产出指标", "", "≥95%"],
        "tab",
    )


def test_pipe_and_markdown_rows():
    assert split_line("| 一级指标 | 二级指标 |  |", None) == (["一级指标", "二级指标", ""], "bar")
    assert split_line("产出指标 | 数量指标 | 覆盖率 | 100%", None) == (
        ["产出指标", "数量指标", "覆盖率", "100%"],
        "bar",
    )
    # a line of one cell names no separator
    assert split_line("项目绩效目标表", None) == (["项目绩效目标表"], None)


@pytest.mark.parametrize(
    "enc,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b"")]
)
def test_encodings(tmp_path: Path, enc: str, bom: bytes):
    p = tmp_path / "x.txt"
    p.write_bytes(bom + SAMPLE_LINES.encode(enc))
    doc = read_document(p)
    assert doc.rows[0].texts == ["项目名称", "春节慰问专项经费"]
    assert doc.rows[1].line == 2


def test_markdown_separator_rows_dropped(tmp_path: Path):
    p = tmp_path / "t.md"
    p.write_text("# 标题\n\n| a | b |\n|---|:---:|\n| 1 | 2 |\n", encoding="utf-8")
    rows = read_document(p).rows
    assert [r.texts for r in rows] == [["标题"], ["a", "b"], ["1", "2"]]
    assert [r.line for r in rows] == [1, 3, 5]


def test_csv_quoted_multiline_cell(tmp_path: Path):
    # a quoted cell holding a line break is one cell; its lines are joined as a sheet
    # cell's are (no separator between Chinese lines)
    p = tmp_path / "t.csv"
    p.write_text('项目名称,"第一行\n第二行"\n联系电话,123\n', encoding="utf-8")
    rows = read_document(p).rows
    assert rows[0].texts == ["项目名称", "第一行第二行"]
    assert rows[1].texts == ["联系电话", "123"]
    assert rows[1].line == 3


def test_html_rowspan_colspan_expand_to_empty_cells():
    html = (
        "<table><tr><td rowspan=2>产出指标</td><td colspan=2>数量指标</td><td>x</td></tr>"
        "<tr><td>覆盖率</td><td>100%</td><td>y</td></tr></table>"
    )
    rows = html_table_rows(html, first_line=10, table_id=0)
    assert [r.texts for r in rows] == [
        ["产出指标", "数量指标", "", "x"],
        ["", "覆盖率", "100%", "y"],
    ]
    assert all(r.table_id == 0 for r in rows) and rows[0].line == 10


def test_html_page_debris_and_line_numbers(tmp_path: Path):
    p = tmp_path / "page.html"
    p.write_text(
        "<html><head><script>var a='<table>';</script></head><body>\n"
        "<nav><a>首页</a></nav>\n<h1>某某项目绩效目标表</h1>\n"
        "<table>\n<tr><td>项目名称</td><td>甲</td></tr>\n</table></body></html>",
        encoding="utf-8",
    )
    doc = read_document(p)
    texts = [r.texts for r in doc.rows]
    assert ["某某项目绩效目标表"] in [[t for t in x if t] for x in texts]
    row = next(r for r in doc.rows if "项目名称" in r.texts)
    assert row.line == 5 and row.table_id == 0


def test_empty_file_is_a_clear_error(tmp_path: Path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(ReadError, match="empty.txt: empty file"):
        read_document(p)


def test_binary_file_is_a_clear_error(tmp_path: Path):
    p = tmp_path / "junk.txt"
    p.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ReadError, match="junk.txt"):
        read_document(p)


def test_missing_file(tmp_path: Path):
    with pytest.raises(ReadError, match="nope.txt"):
        read_document(tmp_path / "nope.txt")
