"""Segment stage: tables found by their grid header, cut at titles or repeated name
fields, years and issuers."""

from __future__ import annotations

from pipeline.model import SourceDoc
from pipeline.readers.text import text_rows
from pipeline.segment import issuer_in_title, segment, title_kind

HEADER = "一级指标\t二级指标\t三级指标\t指标值"
ROW = "产出指标\t数量指标\t培训人次\t≥100人次"


def doc(lines: list[str]) -> SourceDoc:
    """A text document of ``lines`` (tab-separated cells), read as the text reader does."""
    return SourceDoc("x.txt", "x.txt", "id", "text", text_rows("\n".join(lines) + "\n"))


def test_title_kinds(cfg):
    assert title_kind("六盘水市人民政府办公室2024年部门整体支出绩效目标表", cfg) == "department"
    assert title_kind("六盘水市人民政府办公室项目绩效目标表", cfg) == "project"
    assert title_kind("2023年度项目支出绩效自评表", cfg) == "project"
    assert title_kind("项目名称", cfg) is None
    assert (
        title_kind("绩效目标表是预算管理的重要组成部分，各单位应认真填报并报送财政部门审核。", cfg)
        is None
    )


def test_issuer_from_title():
    assert (
        issuer_in_title("六盘水市人民政府办公室2024年部门整体支出绩效目标表")
        == "六盘水市人民政府办公室"
    )
    assert issuer_in_title("安顺市教育局项目绩效目标表") == "安顺市教育局"


def test_tables_cut_at_titles_with_year_and_issuer(cfg):
    seg = segment(
        doc(
            [
                "部门预算公开说明",
                "附件2",
                "甲局项目绩效目标表",
                "（2025年度）",
                "编制单位（盖章）：甲局",
                "项目名称\t一",
                HEADER,
                ROW,
                "乙局项目绩效目标表",
                "项目名称\t二",
                HEADER,
                ROW,
            ]
        ),
        cfg,
    )
    assert [t.title for t in seg.tables] == ["甲局项目绩效目标表", "乙局项目绩效目标表"]
    assert seg.tables[0].year == 2025 and seg.tables[0].issuer == "甲局"
    # the attachment line (附件2) right above the title opens the table's head
    assert seg.tables[0].line_start == 2 and seg.tables[0].line_end == 8
    assert seg.tables[1].line_start == 9 and seg.tables[1].line_end == 12
    assert [r.texts for r in seg.preamble] == [["部门预算公开说明"]]


def test_a_table_s_head_header_body_and_foot(cfg):
    seg = segment(
        doc(["甲局项目绩效目标表", "项目名称\t一", HEADER, ROW, ROW, "填报人：张三"]), cfg
    )
    [t] = seg.tables
    assert (t.header_start, t.header_len) == (2, 1)
    assert [r.line for r in t.head] == [1, 2]
    assert [r.texts for r in t.header_rows] == [HEADER.split("\t")]
    assert [r.line for r in t.body] == [4, 5]
    assert [r.texts for r in t.foot] == [["填报人：张三"]]


def test_untitled_tables_cut_at_repeated_name_field(cfg):
    seg = segment(
        doc(
            [
                "项目名称\t一",
                "项目负责人\t张三",
                HEADER,
                ROW,
                "项目名称\t二",
                "项目负责人\t李四",
                HEADER,
                ROW,
            ]
        ),
        cfg,
    )
    assert len(seg.tables) == 2 and seg.tables[1].line_start == 5
    assert all(t.kind == "project" and t.title is None for t in seg.tables)


def test_a_grid_is_a_table_without_title_or_fields(cfg):
    seg = segment(doc(["说明文字", HEADER, ROW]), cfg)
    [t] = seg.tables
    assert (t.title, t.line_start, len(t.body)) == (None, 2, 1)
    assert [r.texts for r in seg.preamble] == [["说明文字"]]


def test_department_kind_from_name_label(cfg):
    seg = segment(doc(["部门（单位）名称\t丙局", "资金总额（万元）\t10", HEADER, ROW]), cfg)
    assert seg.tables[0].kind == "department"
