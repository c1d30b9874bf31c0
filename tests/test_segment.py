"""Segment stage: tables cut at titles or repeated name fields, years and issuers."""

from __future__ import annotations

from pipeline.model import Cell, Row, SourceDoc
from pipeline.segment import issuer_in_title, segment, title_kind


def doc(lines: list[list[str]]) -> SourceDoc:
    rows = [Row([Cell(t) for t in cells], line=i + 1) for i, cells in enumerate(lines)]
    return SourceDoc("x.txt", "x.txt", "id", "text", rows)


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
                ["附件2"],
                ["甲局项目绩效目标表"],
                ["（2025年度）"],
                ["编制单位（盖章）：甲局"],
                ["项目名称", "一"],
                ["乙局项目绩效目标表"],
                ["项目名称", "二"],
            ]
        ),
        cfg,
    )
    assert [t.title for t in seg.tables] == ["甲局项目绩效目标表", "乙局项目绩效目标表"]
    assert seg.tables[0].year == 2025 and seg.tables[0].issuer == "甲局"
    assert seg.tables[0].line_start == 2 and seg.tables[0].line_end == 5
    assert [r.texts for r in seg.preamble] == [["附件2"]]


def test_untitled_tables_cut_at_repeated_name_field(cfg):
    seg = segment(
        doc(
            [
                ["项目名称", "一"],
                ["项目负责人", "张三"],
                ["项目名称", "二"],
                ["项目负责人", "李四"],
            ]
        ),
        cfg,
    )
    assert len(seg.tables) == 2 and seg.tables[1].line_start == 3
    assert all(t.kind == "project" for t in seg.tables)


def test_department_kind_from_name_label(cfg):
    seg = segment(doc([["部门（单位）名称", "丙局"], ["资金总额（万元）", "10"]]), cfg)
    assert seg.tables[0].kind == "department"
