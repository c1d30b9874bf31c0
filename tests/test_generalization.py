"""One regression test per failure class found on documents the pipeline was not written
for (the development corpus).  Every fixture here is composed for the test."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pipeline.common import PAGE_NUMBER, drop_page_furniture
from pipeline.interpret import interpret
from pipeline.interpret.centred import blocks
from pipeline.model import Cell, Row, SourceDoc
from pipeline.readers import read_document
from pipeline.segment import segment


def _read(path: Path, cfg):
    doc = read_document(path)
    return [r for t in segment(doc, cfg).tables for r in interpret(t, cfg)]


def _read_rows(rows: list[Row], cfg):
    """The records of a document whose reader gave ``rows`` (rows composed with the
    boxes, pages and merges a PDF or sheet reader records)."""
    doc = SourceDoc("t.pdf", "t.pdf", "id", "pdf", rows)
    return [r for t in segment(doc, cfg).tables for r in interpret(t, cfg)]


def _tabbed(tmp_path: Path, lines: list[list[str]], cfg):
    """The records of a text file whose lines hold ``lines``' cells separated by tabs
    (text copied from a rendered table)."""
    path = tmp_path / "tabbed.txt"
    path.write_text("\n".join("\t".join(cells) for cells in lines) + "\n", encoding="utf-8")
    return _read(path, cfg)


def _xlsx(path: Path, rows: list[list[object]], merges: list[str] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


# title, name field and grid header of a one-cell-per-line project table
HEAD = ["项目支出绩效目标表", "项目名称", "示范项目", "一级指标", "二级指标", "三级指标", "指标值"]
# the same for a 自评表 whose last column is the deviation
SELF_EVAL_HEAD = [
    "2024年度项目支出绩效自评表",
    *HEAD[1:6],
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]


SELF_EVAL = [
    ["2023年度项目支出绩效自评表"],
    ["项目名称", "示范项目", None, None, None, None, None, None, None, None],
    [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "计量单位",
        "指标权重",
        "全年完成值",
        "得分",
        "责任科室",
        "核查方式",
        "评价标准",
    ],
    [
        "产出指标",
        "数量指标",
        "培训人次",
        "≥",
        "120",
        "人次",
        "20",
        "131",
        "20",
        "培训科",
        "台账",
        "达到得满分",
    ],
    [None, "质量指标", "合格率", "≥", "95", "%", "10", "97", "10", "质控科", "抽查", "达到得满分"],
    [
        "管理类指标",
        None,
        "资金使用合规性",
        "无",
        "合规",
        "无",
        "10",
        "合规",
        "10",
        "财务科",
        "审计",
        "合规得满分",
    ],
]


def test_columns_the_header_names_fill_their_fields(tmp_path, cfg):
    """Class: columns the header names but the old interpreter did not know (指标权重,
    全年完成值, 评价标准, 指标性质, 计量单位) were glued into level-3 or the value, or
    shifted every cell after them; a column of how a figure is checked (核查方式) is a
    remark, and an unknown column (责任科室) is kept out with a finding."""
    path = _xlsx(tmp_path / "se.xlsx", SELF_EVAL)
    [(rec, findings)] = _read(path, cfg)
    assert rec.form == "self_evaluation"
    got = [
        (
            i.level1,
            i.level2,
            i.level3,
            i.target.raw,
            i.target.op,
            i.target.unit,
            i.weight,
            i.actual.raw,
            i.score,
            i.explanation,
        )
        for i in rec.indicators
    ]
    assert got == [
        ("产出指标", "数量指标", "培训人次", "≥120人次", ">=", "人次", 20, "131", 20, "达到得满分"),
        ("产出指标", "质量指标", "合格率", "≥95%", ">=", "%", 10, "97", 10, "达到得满分"),
        ("管理类指标", None, "资金使用合规性", "合规", None, None, 10, "合规", 10, "合规得满分"),
    ]
    assert any(f.code == "column_unknown" and "责任科室" in f.message for f in findings)


def test_an_empty_cell_outside_a_merge_is_an_empty_level(tmp_path, cfg):
    """Class: levels carried down across an empty cell that the workbook does not merge.
    One column holds both heading levels (指标类型); 数量指标 names only its own row."""
    rows = [
        ["项目名称", "示范项目", None, None],
        ["指标类型", "指标名称", "指标值", "指标解释"],
        ["数量指标", "甲", "1个", "说明"],
        ["产出类指标", "乙", "95%", "说明"],
        [None, "丙", "95%", "说明"],
        ["效益类指标", "丁", "有所提升", "说明"],
    ]
    path = _xlsx(tmp_path / "m.xlsx", rows, merges=["A4:A5"])
    [(rec, _)] = _read(path, cfg)
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("产出指标", "数量指标", "甲"),
        ("产出指标", None, "乙"),
        ("产出指标", None, "丙"),
        ("效益指标", None, "丁"),
    ]


def test_a_sheet_that_never_merges_carries_blank_levels_down(tmp_path, cfg):
    rows = [
        ["项目名称", "示范项目", None, None, None],
        ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
        ["产出指标", "数量指标", "甲", "1个", "说明"],
        [None, None, "乙", "2个", "说明"],
    ]
    [(rec, _)] = _read(_xlsx(tmp_path / "n.xlsx", rows), cfg)
    assert [(i.level1, i.level2) for i in rec.indicators] == [("产出指标", "数量指标")] * 2


def test_markdown_pipe_table_keeps_its_columns(tmp_path, cfg):
    """Class: a section column repeated on every row (本年度绩效指标) shifted the cells."""
    text = "\n".join(
        [
            "## 2026年项目支出绩效目标申报表",
            "",
            "| 项目名称 | 项目名称 | 示范项目 | 示范项目 | 示范项目 |",
            "|---|---|---|---|---|",
            "| 本年度绩效指标 | 一级指标 | 二级指标 | 三级指标 | 目标值 |",
            "| 本年度绩效指标 | 产出指标 | 数量指标 | 道路建设长度 | 985米 |",
            "| 本年度绩效指标 | 效益指标 | 社会效益指标 | 通行能力 | 提升 |",
        ]
    )
    path = tmp_path / "m.md"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    got = [(i.level1, i.level2, i.level3, i.target.raw) for i in rec.indicators]
    assert got == [
        ("产出指标", "数量指标", "道路建设长度", "985米"),
        ("效益指标", "社会效益指标", "通行能力", "提升"),
    ]


def test_centred_blocks_cut():
    # each label at the (upper) middle of its block; the most even cut where several fit
    assert blocks(10, [2, 6, 8, 9]) == [(0, 5), (5, 8), (8, 9), (9, 10)]
    assert blocks(6, [0, 2, 4, 5]) == [(0, 2), (2, 4), (4, 5), (5, 6)]
    assert blocks(3, [1]) == [(0, 3)]
    # a tail allowed: rows after the last block belong to no label
    assert blocks(6, [0], tail=0.3) == [(0, 2)]
    assert blocks(6, [0, 1], tail=0.3) == [(0, 1), (1, 3)]


def test_labels_written_at_the_middle_of_their_merged_span(tmp_path, cfg):
    """Class: text copied from a rendered table puts a merged cell's text on the middle
    row of its span; the rows above the label belong to it too."""
    lines = [
        ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
        ["甲", "1个", "说明"],
        ["数量指标", "乙", "2个", "说明"],
        ["产出指标", "丙", "3个", "说明"],
        ["质量指标", "丁", "95%", "说明"],
        ["戊", "96%", "说明"],
        ["己", "有所提升", "说明"],
        ["效益指标", "社会效益指标", "庚", "有所提升", "说明"],
        ["辛", "有所提升", "说明"],
    ]
    [(rec, _)] = _tabbed(tmp_path, lines, cfg)
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("产出指标", "数量指标", "甲"),
        ("产出指标", "数量指标", "乙"),
        ("产出指标", "数量指标", "丙"),
        ("产出指标", "质量指标", "丁"),
        ("产出指标", "质量指标", "戊"),
        ("效益指标", "社会效益指标", "己"),
        ("效益指标", "社会效益指标", "庚"),
        ("效益指标", "社会效益指标", "辛"),
    ]


def test_a_grid_that_leaves_out_its_first_level1_is_read_top_down(tmp_path, cfg):
    lines = [
        ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
        ["数量指标", "甲", "1个", "说明"],
        ["质量指标", "乙", "95%", "说明"],
        ["效益指标", "社会效益指标", "丙", "有所提升", "说明"],
    ]
    [(rec, _)] = _tabbed(tmp_path, lines, cfg)
    assert [(i.level1, i.level2) for i in rec.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("效益指标", "社会效益指标"),
    ]


@pytest.mark.parametrize(
    "text", ["第 15 页，共 16 页", "第3页/共3页", "- 3 -", "3/12", "共12页第3页"]
)
def test_page_numbers(text):
    assert PAGE_NUMBER.fullmatch(text)


def test_running_headers_beside_page_numbers_are_furniture():
    lines = [
        "甲",
        "第 1 页",
        "2024年度预算公开",
        "乙",
        "第 2 页",
        "2024年度预算公开",
        "2024年度预算公开",
    ]
    assert drop_page_furniture(lines) == [False, True, True, False, True, True, False]


def test_one_cell_per_line_self_evaluation_columns(tmp_path, cfg):
    """Class: a 自评表 extracted one cell per line: 权重, 完成值 and 得分 after the value."""
    cells = [
        "2023年度项目支出绩效自评表",
        "项目名称",
        "示范项目",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "指标权重",
        "全年完成值",
        "得分",
        "评价标准",
        "产出指标",
        "数量指标",
        "培训人次",
        "≥120人次",
        "20",
        "131",
        "20",
        "达到目标得满分",
        "质量指标",
        "合格率",
        "≥95%",
        "10",
        "97%",
        "9",
        "达到目标得满分",
        "时效指标",
        "完成及时率",
        "100%",
        "10",
        "100%",
        "10",
        "按时完成得满分",
    ]
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(cells) + "\n", encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    got = [(i.level3, i.target.raw, i.weight, i.actual.raw, i.score) for i in rec.indicators]
    assert got == [
        ("培训人次", "≥120人次", 20, "131", 20),
        ("合格率", "≥95%", 10, "97%", 9),
        ("完成及时率", "100%", 10, "100%", 10),
    ]


def test_one_cell_per_line_with_wrapped_headings_and_worded_values(tmp_path, cfg):
    """Class: naive PDF text where headings wrap mid-word (生态环境 / 成本指标, 服务对象 /
    满意度指 / 标) and most targets are words (可控, 及时, 提升), so few lines are numbers."""
    cells = [
        "财政项目支出绩效目标申报表",
        "项目名称",
        "示范工程",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度(/项目)指标值",
        "生态环境",
        "成本指标",
        "文明施工情况",
        "可控",
        "产出指标",
        "时效指标",
        "项目完成及时性",
        "及时",
        "效益指标",
        "社会效益",
        "指标",
        "道路景观提升情况",
        "提升",
        "满意度指",
        "标",
        "服务对象",
        "满意度指",
        "标",
        "居民群众满意度",
        "≥90.00(%)",
    ]
    path = tmp_path / "cells.txt"
    path.write_text("\n".join(cells) + "\n", encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    got = [(i.level1, i.level2, i.level3, i.target.raw) for i in rec.indicators]
    assert got == [
        ("成本指标", "生态环境成本指标", "文明施工情况", "可控"),
        ("产出指标", "时效指标", "项目完成及时性", "及时"),
        ("效益指标", "社会效益指标", "道路景观提升情况", "提升"),
        ("满意度指标", "服务对象满意度指标", "居民群众满意度", "≥90.00(%)"),
    ]


@pytest.mark.parametrize(
    "text, parts",
    [
        ("完成年度拆违计划=100.00(%)", ["完成年度拆违计划", "=100.00(%)"]),
        ("成本控制合理性合理", ["成本控制合理性", "合理"]),
        ("提高全民参保覆盖面按时办结", ["提高全民参保覆盖面", "按时办结"]),
        ("长效管理制度健全性健全", ["长效管理制度健全性", "健全"]),
        ("五险净增人数约5.5万人次", ["五险净增人数", "约5.5万人次"]),
        ("劳动监察网格日常巡查不低于60户/人.月", ["劳动监察网格日常巡查", "不低于60户/人.月"]),
    ],
)
def test_cells_run_together_split_at_the_value(cfg, text, parts):
    """Class: cells run together with no separator; bracketed units, 约, 人.月 and short
    worded targets at the end must stay whole."""
    from pipeline.readers.grid.runs import split_run

    assert split_run(text, cfg) == parts


def test_a_name_that_fills_its_column_is_not_continued_by_a_value(tmp_path, cfg):
    """Class: one cell per line where a level-3 name happens to be as wide as the column
    that wraps (20 display columns: the explanations wrap there), so it looked cut: the
    value after it was glued onto the name."""
    from pipeline.readers.grid.cells import display_width

    name = "项目或定额成本控制率"
    cells = [*HEAD, "指标解释", "产出指标", "成本指标", name, "100%"]
    cells += ["实际支出与预算成本之", "比", "质量指标", "项目或定额成本核算率", "100%"]
    cells += ["完成核算的项目占全部", "项目的比例", "时效指标", "资金拨付及时率", "100%"]
    cells += ["按时拨付的资金批次占", "全部批次的比例"]
    assert display_width(name) == display_width("实际支出与预算成本之") == 20
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        (name, "100%", "实际支出与预算成本之比"),
        ("项目或定额成本核算率", "100%", "完成核算的项目占全部项目的比例"),
        ("资金拨付及时率", "100%", "按时拨付的资金批次占全部批次的比例"),
    ]


@pytest.mark.parametrize(
    "text, option",
    [
        ("1.部门项目 □ 2.公共项目 □√", "公共项目"),
        ("☑延续项目 □新增项目", "延续项目"),
        ("□新增项目 ■延续项目", "延续项目"),
        # a tick written in its box's place, with no box of its own
        ("√延续性项目 □阶段性项目", "延续性项目"),
        ("□阶段性项目 √延续性项目", "延续性项目"),
        ("特定目标类", "特定目标类"),
    ],
)
def test_check_box_fields_give_the_ticked_option(text, option):
    from pipeline.interpret.fields import checked_option

    assert checked_option(text) == option


def test_a_target_typed_with_a_leading_equals_sign_is_read_as_typed(tmp_path, cfg):
    """Class: 指标值 cells such as ``=10件/年`` are stored by spreadsheet writers as formulas
    with no saved value; they read as empty.  A real formula (=SUM(…)) stays empty."""
    rows = [
        ["项目名称", "示范项目", None, None, None],
        ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
        ["产出指标", "数量指标", "办好民生实事", "=10件/年", "说明"],
        [None, "质量指标", "达标率", "=100.00(%)", "=SUM(D1:D2)"],
    ]
    [(rec, _)] = _read(_xlsx(tmp_path / "f.xlsx", rows), cfg)
    got = [(i.target.raw, i.target.op, i.target.value, i.target.unit) for i in rec.indicators]
    assert got == [("=10件/年", "=", 10, "件"), ("=100.00(%)", "=", 100, "%")]
    assert rec.indicators[1].explanation is None


def test_one_cell_per_line_level1_printed_below_its_first_children(tmp_path, cfg):
    """Class: a level-1 printed at the middle of its merged cell comes after its first
    level-2 block; that block belongs to it, not to the level-1 before."""
    cells = [
        *HEAD,
        "成本指标",
        "经济成本指标",
        "成本控制合理性",
        "合理",
        "数量指标",
        "生活垃圾清运",
        "=12.50(万吨)",
        "产出指标",
        "质量指标",
        "遗撒率",
        "≤2.00(%)",
    ]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(cells) + "\n", encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("成本指标", "经济成本指标", "成本控制合理性"),
        ("产出指标", "数量指标", "生活垃圾清运"),
        ("产出指标", "质量指标", "遗撒率"),
    ]


def test_a_section_column_fragment_on_the_page_is_no_heading(cfg):
    """Class: a borderless PDF whose 绩效指标 section column is cut into fragments (绩效指 |
    标) that sit before the level-1 of a row."""
    lines = [
        ["绩效指", "一级指标", "二级指标", "三级指标", "指标值"],
        ["标", "产出指标", "数量指标", "甲", "1个"],
        ["", "", "质量指标", "乙", "95%"],
    ]
    rows = [
        Row(
            [Cell(t) for t in cells],
            line=i + 1,
            page=1,
            table_id=0,
            bbox=(0, 10.0 * i, 100, 10.0 * i + 9),
        )
        for i, cells in enumerate(lines)
    ]
    [(rec, _)] = _read_rows(rows, cfg)
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("产出指标", "数量指标", "甲"),
        ("产出指标", "质量指标", "乙"),
    ]


def _cells(tmp_path: Path, cells: list[str], cfg):
    path = tmp_path / "cells.txt"
    path.write_text("\n".join(cells) + "\n", encoding="utf-8")
    return _read(path, cfg)


def test_a_line_ending_in_a_comma_goes_on_in_the_next_line(tmp_path, cfg):
    """Class: an explanation wrapped after a comma whose next line reads like a value
    (满意率达到80%); a cell does not end at a comma, so the next line continues it."""
    cells = [
        *HEAD,
        "指标解释",
        "满意度指标",
        "服务对象满意度指标",
        "市领导满意度",
        "≥90%",
        "抽取市领导进行测评。",
        "群众满意度",
        "≥80%",
        "抽取100名群众测评，",
        "满意率达到80%",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        ("市领导满意度", "≥90%", "抽取市领导进行测评。"),
        ("群众满意度", "≥80%", "抽取100名群众测评，满意率达到80%"),
    ]


def test_a_header_word_that_ends_a_wrapped_cell_is_content(tmp_path, cfg):
    """Class: a wrapped explanation whose last line is a header word (…得分或不 + 得分);
    it is the cell's tail, not a repeated header, and the next level-3 stands alone."""
    cells = [
        "2022年度项目支出绩效自评表",
        "项目名称",
        "示范项目",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "指标权重",
        "全年完成值",
        "得分",
        "评价标准",
        "产出指标",
        "质量指标",
        "发放准确率",
        "≥95%",
        "5",
        "100",
        "5",
        "达到目标得满分，未达",
        "到按完成比例得分或不",
        "得分",
        "补贴发放差错率",
        "≤2%",
        "5",
        "0.5",
        "5",
        "达到目标得满分，未达",
        "到按完成比例得分或不",
        "得分",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    rule = "达到目标得满分，未达到按完成比例得分或不得分"
    assert [(i.level3, i.explanation, i.weight, i.score) for i in rec.indicators] == [
        ("发放准确率", rule, 5.0, 5.0),
        ("补贴发放差错率", rule, 5.0, 5.0),
    ]


def test_without_an_explanation_column_a_value_is_followed_by_a_name(tmp_path, cfg):
    """Class: a grid whose header names no explanation column: the line after a value
    is the next level-3 even where it is short (服务单位对“三支一扶”人员 + 满意度), and a
    page number after the last value is no cell."""
    cells = [
        *HEAD,
        "满意度指标",
        "服务对象满意度指标",
        "贷款对象满意度",
        "≥95%",
        "服务单位对“三支一扶”人员",
        "满意度",
        "≥90%",
        "14",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        ("贷款对象满意度", "≥95%", None),
        ("服务单位对“三支一扶”人员满意度", "≥90%", None),
    ]


def test_a_title_that_opens_two_pages_is_not_a_running_header():
    """Class: a table title (or a heading) printed right after the page number of two of
    six pages was dropped as a running header; a running header stands beside at least
    half of the page numbers."""
    lines = ["第1页", "某某项目绩效目标表", "甲", "第2页", "乙", "第3页", "丙"]
    lines += ["第4页", "某某项目绩效目标表", "丁", "第5页", "戊", "第6页"]
    flags = drop_page_furniture(lines)
    assert [t for t, f in zip(lines, flags, strict=True) if not f] == [
        "某某项目绩效目标表",
        "甲",
        "乙",
        "丙",
        "某某项目绩效目标表",
        "丁",
        "戊",
    ]


def test_a_level1_after_empty_level2_placeholders_starts_its_subtree(tmp_path, cfg):
    """Class: level-2 rows left empty (可持续影响指标 with no indicator) before the next
    level-1; a heading is no worded target (服务对象满意度指标 holds 满意), so the level-1
    between them is read as a heading, not as a lone name."""
    cells = [
        *HEAD,
        "指标解释",
        "效益指标",
        "社会效益指标",
        "密切联系",
        "有所提升",
        "将方针政策传达到基层。",
        "可持续影响指标",
        "满意度指标",
        "服务对象满意度指标",
        "群众满意度",
        "不低于92%",
        "按期赠阅",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("效益指标", "社会效益指标", "密切联系"),
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
    ]


def test_one_cell_per_line_labels_at_the_middle_of_their_spans(tmp_path, cfg):
    """Class: text copied from a rendered table, one cell per line, where each merged
    level cell is printed at the middle of the rows it spans: the stream's rows are cut
    into blocks as a grid's are (the first rows, above 数量指标, belong to it)."""
    cells = [
        *HEAD,
        "贷款金额",
        "6000万元",
        "数量指标",
        "养老金标准",
        "≥210元/人/月",
        "新增就业人数",
        "≥3.2万人",
        "产出指标",
        "质量指标",
        "补贴发放准确率",
        "≥98%",
        "贷款还款率",
        "≥92%",
        "满意度指标",
        "服务对象满意度指标",
        "群众满意度",
        "≥80%",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("产出指标", "数量指标", "贷款金额"),
        ("产出指标", "数量指标", "养老金标准"),
        ("产出指标", "数量指标", "新增就业人数"),
        ("产出指标", "质量指标", "补贴发放准确率"),
        ("产出指标", "质量指标", "贷款还款率"),
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
    ]


def test_a_level2_between_two_level1_labels_that_belongs_to_the_later_one(tmp_path, cfg):
    """Class: centred labels where the first level-1 spans one row (成本指标), so no row
    comes before it; a level-2 after it whose parent is the next level-1 (数量指标 before
    产出指标) shows the labels sit at the middles of their blocks."""
    cells = [
        "项目支出绩效目标表",
        "项目名称",
        "示范项目",
        "一级指标",
        "二级指标",
        "指标名称",
        "目标值",
        "成本指标",
        "生态环境成本指标",
        "文明施工",
        "可控",
        "数量指标",
        "道路建设长度",
        "985米",
        "产出指标",
        "质量指标",
        "验收达标率",
        "=100.00(%)",
        "时效指标",
        "完成及时性",
        "及时",
        "道路安全隐患减少情况",
        "减少",
        "社会效益指标",
        "景观提升",
        "提升",
        "效益指标",
        "通行能力提升情况",
        "提升",
        "可持续影响指标",
        "长效机制健全性",
        "健全",
        "经济效益指标",
        "生态效益指标",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("成本指标", "生态环境成本指标", "文明施工"),
        ("产出指标", "数量指标", "道路建设长度"),
        ("产出指标", "质量指标", "验收达标率"),
        ("产出指标", "时效指标", "完成及时性"),
        ("效益指标", "社会效益指标", "道路安全隐患减少情况"),
        ("效益指标", "社会效益指标", "景观提升"),
        ("效益指标", "社会效益指标", "通行能力提升情况"),
        ("效益指标", "可持续影响指标", "长效机制健全性"),
    ]


_GRID = [
    ["一级指标", "二级指标", "三级指标", "指标值", "全年完成值", "得分"],
    ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "10"],
]


def test_self_evaluation_budget_written_beside_its_label(tmp_path, cfg):
    """Class: a 自评表 whose 全年预算数（万元） is followed by its amount in the same row
    (merged cells leave blanks between), not in a row of amounts below."""
    rows = [
        ["2022年度项目支出绩效自评表"],
        ["项目名称", None, "示范项目", None, "项目联系人", "张三"],
        ["全年预算数（万元）", None, "5236", None, "全年执行数（万元）", "4591.97"],
        *_GRID,
    ]
    [(rec, _)] = _read(_xlsx(tmp_path / "a.xlsx", rows), cfg)
    assert rec.budget_yuan == 52360000.0
    assert rec.budget_executed == 45919700.0


def test_self_evaluation_budget_labels_with_nested_notes(tmp_path, cfg):
    """Class: execution labels carrying bracketed notes, nested ones too (全年预算数（A）（上年
    结转+…（不含年底收回））), over a row holding nothing but the amounts."""
    rows = [
        ["2021年度项目支出绩效自评表"],
        ["项目名称", "示范项目", None, "项目联系人", "张三", None],
        [
            "项目预算执行情况（万元）",
            "全年预算数（A）（上年结转+年初预算（不含年底收回））",
            None,
            "全年执行数（B）",
        ],
        [None, "7574", None, "6643"],
        *_GRID,
    ]
    [(rec, _)] = _read(_xlsx(tmp_path / "b.xlsx", rows), cfg)
    assert rec.budget_yuan == 75740000.0
    assert rec.budget_executed == 66430000.0


def test_a_worded_value_wrapped_in_its_column(tmp_path, cfg):
    """Class: a worded target wrapped onto a second line (根据下达任务目标要求 + 确定); the
    short tail goes on the value, not into a name of its own or an explanation."""
    cells = [
        *HEAD,
        "效益指标",
        "经济效益指标",
        "就业困难人员就业人数",
        "根据下达任务目标要求",
        "确定",
        "社会效益指标",
        "扶持创业企业数",
        "700",
        "新增就业人数",
        "≥3.2万人",
        "满意度指标",
        "服务对象满意度指标",
        "群众满意度",
        "≥80%",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw) for i in rec.indicators] == [
        ("就业困难人员就业人数", "根据下达任务目标要求确定"),
        ("扶持创业企业数", "700"),
        ("新增就业人数", "≥3.2万人"),
        ("群众满意度", "≥80%"),
    ]


def test_a_formula_wrapped_at_an_operator_goes_on(tmp_path, cfg):
    """Class: an explanation holding a formula wrapped at an operator or before a closing
    bracket (…目标数× + 100%）, …总期数 + *100%): the next line reads like a value but a
    line cannot end in × nor start with *, ）."""
    cells = [
        *HEAD,
        "指标解释",
        "产出指标",
        "数量指标",
        "企业拜访率",
        "≥95%",
        "拜访企业录入台账。（拜访率=",
        "实际拜访企业数÷年初拜访目标数×",
        "100%）",
        "时效指标",
        "工作调度及时性",
        "≥90%",
        "按期上报情况数/调度台账总期数",
        "*100%",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        ("企业拜访率", "≥95%", "拜访企业录入台账。（拜访率=实际拜访企业数÷年初拜访目标数×100%）"),
        ("工作调度及时性", "≥90%", "按期上报情况数/调度台账总期数*100%"),
    ]


def test_a_lone_header_word_among_indicators_is_content(tmp_path, cfg):
    """Class: a name wrapped before a word that is also a header word (全市经济社会发展重点
    + 方向); only header words in a run (a repeated header) are dropped from the stream."""
    cells = [
        *HEAD,
        "效益指标",
        "经济效益指标",
        "全市经济社会发展重点",
        "方向",
        "维持稳定",
        "社会效益指标",
        "受益人数",
        "≥300人",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "群众满意率",
        "≥90%",
        "政策知晓率",
        "≥85%",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw) for i in rec.indicators] == [
        ("全市经济社会发展重点方向", "维持稳定"),
        ("受益人数", "≥300人"),
        ("群众满意率", "≥90%"),
        ("政策知晓率", "≥85%"),
    ]


@pytest.mark.parametrize(
    "line, more",
    [
        ("抽取100名群众测评，", True),
        ("拜访率=实际拜访企业数÷年初拜访目标数×", True),
        ("对不符合要求的", True),
        ("包括城乡低保户及", True),
        ("满意程度达到90%以上。", False),
        ("群众满意度", False),
    ],
)
def test_a_line_that_leaves_its_phrase_open_goes_on(line, more):
    from pipeline.readers.grid.cells import goes_on

    assert goes_on(line, set()) is more


@pytest.mark.parametrize(
    "name, level3",
    [
        ("指标1：培训人次", "培训人次"),
        ("1、培训人次", "培训人次"),
        ("（2）造林面积", "造林面积"),
        ("1.培训人次", "培训人次"),
        ("1.5万人次培训", "1.5万人次培训"),
        ("12345热线接通率", "12345热线接通率"),
    ],
)
def test_an_item_number_before_a_name_is_not_part_of_it(name, level3):
    from pipeline.interpret.records import strip_item_prefix

    assert strip_item_prefix(name) == level3


@pytest.mark.parametrize(
    "value, owner, phone",
    [
        ("张三 13800138000", "张三", "13800138000"),
        ("张三/0851-8261896", "张三", "0851-8261896"),
        ("李四，电话：8261896", "李四", "8261896"),
        ("王五", "王五", None),
    ],
)
def test_a_compound_label_splits_its_value_by_type(value, owner, phone):
    from pipeline.interpret.fields import split_compound

    got = split_compound("owner+phone", value)
    assert (got.get("owner"), got.get("phone")) == (owner, phone)


def test_header_fields_end_at_labels_jixiao_does_not_keep(tmp_path, cfg):
    """Class: a value run into the next label (示范研究室部门预算编码901001033) and a
    compound label (项目负责人及电话) holding owner and phone together."""
    cells = [
        "项目支出绩效目标表",
        "项目名称示范研究室部门预算编码901001033",
        "项目负责人及电话",
        "张三 13800138000",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "产出指标",
        "数量指标",
        "培训人次",
        "≥100人次",
        "质量指标",
        "合格率",
        "≥95%",
        "时效指标",
        "完成及时率",
        "100%",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert (rec.name, rec.owner, rec.phone) == ("示范研究室", "张三", "13800138000")
    rows = [
        ["项目支出绩效目标表"],
        ["项目名称", "示范研究室", "部门预算编码", "901001033"],
        ["项目负责人及电话", "张三 13800138000"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "指标1：培训人次", "≥100人次"],
    ]
    [(rec, _)] = _read(_xlsx(tmp_path / "f.xlsx", rows), cfg)
    assert (rec.name, rec.owner, rec.phone) == ("示范研究室", "张三", "13800138000")
    assert rec.indicators[0].level3 == "培训人次"


def test_a_header_of_two_rows_names_the_columns_its_upper_cell_spans(tmp_path, cfg):
    """Class: 年度指标值 merged over 目标值 | 实际完成值 in the row below; the lower row
    gives those columns their roles (the completion is no longer lost)."""
    rows = [
        ["2023年度项目支出绩效自评表"],
        ["项目名称", "示范项目"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", None, "分值", "得分"],
        [None, None, None, "目标值", "实际完成值", None, None],
        ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "10", "10"],
    ]
    merges = ["D3:E3", "A3:A4", "B3:B4", "C3:C4", "F3:F4", "G3:G4"]
    [(rec, _)] = _read(_xlsx(tmp_path / "h.xlsx", rows, merges), cfg)
    [ind] = rec.indicators
    assert (ind.target.raw, ind.actual.raw, ind.weight, ind.score) == (
        "≥100人次",
        "120人次",
        10,
        10,
    )
    html = (
        "<html><body><p>2023年度项目支出绩效自评表</p><table>"
        "<tr><td>项目名称</td><td colspan=6>示范项目</td></tr>"
        "<tr><td rowspan=2>一级指标</td><td rowspan=2>二级指标</td><td rowspan=2>三级指标</td>"
        "<td colspan=2>年度指标值</td><td rowspan=2>分值</td><td rowspan=2>得分</td></tr>"
        "<tr><td>目标值</td><td>实际完成值</td></tr>"
        "<tr><td>产出指标</td><td>数量指标</td><td>培训人次</td><td>≥100人次</td>"
        "<td>120人次</td><td>10</td><td>10</td></tr></table></body></html>"
    )
    path = tmp_path / "h.html"
    path.write_text(html, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    [ind] = rec.indicators
    assert (ind.target.raw, ind.actual.raw, ind.weight) == ("≥100人次", "120人次", 10)


def test_a_value_that_ends_two_pages_is_not_a_running_header():
    """Class: a 自评表 whose last score on two pages is the same number (10 before 第 1 页
    and before 第 2 页) lost both scores as a running footer; a running header is words."""
    lines = ["甲", "≥95%", "10", "第 1 页", "乙", "≥90%", "10", "第 2 页"]
    flags = drop_page_furniture(lines)
    assert [t for t, f in zip(lines, flags, strict=True) if not f] == [
        "甲",
        "≥95%",
        "10",
        "乙",
        "≥90%",
        "10",
    ]


def test_a_running_header_printed_once_and_its_bare_page_number(tmp_path, cfg):
    """Class: a table over two pages, so its running header (2024年度预算公开) is printed
    once, beside a bare page number (3): neither is a cell (they made an indicator)."""
    cells = [
        *HEAD,
        "产出指标",
        "数量指标",
        "培训人次",
        "≥100人次",
        "质量指标",
        "合格率",
        "≥95%",
        "3",
        "某区2024年度预算公开",
        "时效指标",
        "完成及时率",
        "100%",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level2, i.level3, i.target.raw) for i in rec.indicators] == [
        ("数量指标", "培训人次", "≥100人次"),
        ("质量指标", "合格率", "≥95%"),
        ("时效指标", "完成及时率", "100%"),
    ]


def test_an_operator_column_marks_every_value(tmp_path, cfg):
    """Class: one cell per line with a separate 指标性质 column: the value is the cell
    after the operator, so a name wrapped at its own width (…高校毕 + 业生就业率) after a
    wrapped explanation is a name, not a worded value, and a short explanation
    (合格人数/培训人数) is not a name."""
    cells = [
        "项目支出绩效目标表",
        "项目名称",
        "示范项目",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "计量单位",
        "评分标准",
        "产出指标",
        "数量指标",
        "新增基地数量",
        "≥",
        "2",
        "个",
        "达到目标得满分，未达",
        "到按完成比例得分或不",
        "得分",
        "年末应届离校未就业高校毕",
        "业生就业率",
        "≥",
        "92",
        "%",
        "达到目标得满分，未达",
        "到按完成比例得分或不",
        "得分",
        "培训合格率",
        "≥",
        "95",
        "%",
        "合格人数/培训人数",
        "基地建设标准",
        "定性",
        "符合省级标准",
        "按验收报告",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    rule = "达到目标得满分，未达到按完成比例得分或不得分"
    assert [(i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        ("新增基地数量", "≥2个", rule),
        ("年末应届离校未就业高校毕业生就业率", "≥92%", rule),
        ("培训合格率", "≥95%", "合格人数/培训人数"),
        ("基地建设标准", "符合省级标准", "按验收报告"),
    ]


def test_cells_that_end_before_a_heading_give_no_wrap_width():
    """Class: short explanations of about one length (验收通过的基地数, 培训支出/培训人数),
    each the last cell before a heading, were taken for lines cut at a column's width, so
    the cell after one was glued to it; a cell followed by a heading ended there."""
    from pipeline.readers.grid.cells import full_widths

    texts = [
        "建设示范基地",
        "=3个",
        "验收通过的基地数",
        "质量指标",
        "培训合格率",
        "≥95%",
        "合格人数/培训人数",
        "基地建设标准",
        "符合省级标准",
        "按验收报告",
        "时效指标",
        "资金拨付时间",
        "≤30日",
        "自下达之日起计算",
        "成本指标",
        "人均培训成本",
        "≤1500元/人",
        "培训支出/培训人数",
        "效益指标",
    ]
    assert full_widths(texts) == set()


def test_one_cell_per_line_row_numbers_and_direction_column(tmp_path, cfg):
    """Class: a grid with a 序号 column (1, 2, 3 … before each row) and a 指标方向 column
    (正向 / 反向 between the name and the value), the level-1 left out: the header starts
    at 序号, the numbers are no values and the direction is neither name nor value.  (The
    last column was 备注, which configs now name a remark kept out of every field: it is
    指标解释 here so the explanations stay checked.)"""
    cells = [
        "项目支出绩效目标申报表",
        "项目名称",
        "示范项目",
        "序号",
        "二级指标",
        "三级指标",
        "指标方向",
        "指标值",
        "指标解释",
        "1",
        "数量指标",
        "义诊服务人次",
        "正向",
        "≥5000人次",
        "全年累计",
        "2",
        "培训乡村医生",
        "正向",
        "≥200人",
        "3",
        "成本指标",
        "次均诊疗费用",
        "反向",
        "≤120元/人次",
        "不含药品",
        "4",
        "社会效益指标",
        "群众就医负担",
        "反向",
        "有所减轻",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level1, i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        ("产出指标", "义诊服务人次", "≥5000人次", "全年累计"),
        ("产出指标", "培训乡村医生", "≥200人", None),
        ("产出指标", "次均诊疗费用", "≤120元/人次", "不含药品"),
        ("效益指标", "群众就医负担", "有所减轻", None),
    ]


def test_self_evaluation_deviation_column_one_cell_per_line(tmp_path, cfg):
    """Class: a 自评表 whose last column is 偏差原因分析及改进措施 (no explanation column):
    the text after the scores is the deviation, not an explanation; and the score that
    ends a page (10 | 第 1 页 | running header) is a cell, not that page's number."""
    cells = [
        *SELF_EVAL_HEAD,
        "产出指标",
        "数量指标",
        "改造老旧小区",
        "12个",
        "10个",
        "10",
        "8",
        "2个小区因居民意见未统一推迟至下年实施",
        "成本指标",
        "成本控制率",
        "≤100%",
        "98%",
        "10",
        "10",
        "第 1 页",
        "某区2024年度部门决算",
        "满意度指标",
        "服务对象满意度指标",
        "居民满意度",
        "≥90%",
        "93%",
        "10",
        "10",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    got = [
        (i.level3, i.actual.raw, i.weight, i.score, i.explanation, i.deviation)
        for i in rec.indicators
    ]
    assert got == [
        ("改造老旧小区", "10个", 10.0, 8.0, None, "2个小区因居民意见未统一推迟至下年实施"),
        ("成本控制率", "98%", 10.0, 10.0, None, None),
        ("居民满意度", "93%", 10.0, 10.0, None, None),
    ]


def test_wrapped_cells_beside_headings_deadlines_and_the_last_page_number(tmp_path, cfg):
    """Class: an explanation cut at its column's width whose tail is a heading word
    (…通过验收的危桥 + 数量); a deadline target (2025年12月31日前) that is a value, not the
    tail of a name; and the last page's bare number (4, after page 3 beside its running
    header) that ends the text."""
    cells = [
        *HEAD,
        "指标解释",
        "产出指标",
        "数量指标",
        "农村公路养护里程",
        "≥1350公里",
        "按养护台账统计实际养护里",
        "程",
        "危桥改造数量",
        "≥8座",
        "完成改造并通过验收的危桥",
        "数量",
        "质量指标",
        "养护工程质量一次性验收合",
        "格率",
        "≥98%",
        "验收合格工程数/验收工程",
        "总数×100%",
        "时效指标",
        "养护任务完成时间",
        "2025年12月31日前",
        "按合同约定工期完成",
        "3",
        "2025年度部门预算",
        "效益指标",
        "社会效益指标",
        "农村群众出行条件",
        "得到有效改善",
        "通过问卷调查了解群众出行",
        "便利程度",
        "满意度指标",
        "服务对象满意度指标",
        "沿线群众满意度",
        "≥90%",
        "抽样调查不少于200户",
        "4",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        ("农村公路养护里程", "≥1350公里", "按养护台账统计实际养护里程"),
        ("危桥改造数量", "≥8座", "完成改造并通过验收的危桥数量"),
        ("养护工程质量一次性验收合格率", "≥98%", "验收合格工程数/验收工程总数×100%"),
        ("养护任务完成时间", "2025年12月31日前", "按合同约定工期完成"),
        ("农村群众出行条件", "得到有效改善", "通过问卷调查了解群众出行便利程度"),
        ("沿线群众满意度", "≥90%", "抽样调查不少于200户"),
    ]


def test_one_heading_column_with_centred_labels_of_both_levels(tmp_path, cfg):
    """Class: a 自评表 whose one heading column (指标类型) holds a level-2 cell (数量指标)
    and level-1 cells (产出类指标, 效益类指标), each over three rows and printed at their
    middle: each label is a merged cell of its own, so the rows under a level-1 cell have
    no level-2, and the row before 效益类指标 is already under it."""
    rows = [
        ("新增孵化基地数量", "≥1个"),
        ("数量指标", None),
        ("培训人次", "≥300人次"),
        ("见习人数", "≥50人"),
        ("补贴发放准确率", "≥95%"),
        ("产出类指标", None),
        ("见习补贴发放准确率", "≥95%"),
        ("补贴发放及时率", "≥95%"),
        ("城镇新增就业人数", "≥39500人"),
        ("效益类指标", None),
        ("零就业家庭帮扶率", "=100%"),
        ("高校毕业生就业率", "≥90%"),
    ]
    cells = ["2021年度项目支出绩效自评表", "项目名称", "示范项目"]
    cells += ["指标类型", "指标名称", "指标值", "分值", "全年完成值"]
    for name, value in rows:
        cells += [name] if value is None else [name, value, "5", "100"]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level1, i.level2) for i in rec.indicators] == [
        *[("产出指标", "数量指标")] * 3,
        *[("产出指标", None)] * 3,
        *[("效益指标", None)] * 3,
    ]


def test_a_formula_wrapped_before_a_short_tail_is_an_explanation(tmp_path, cfg):
    """Class: an explanation holding a ratio between words, wrapped once before a short
    tail (验收合格项目数/项目 + 总数) in a table too small to show its column's width: a
    formula is no name, so the tail is no worded value."""
    cells = [
        *HEAD,
        "指标解释及计算公式",
        "产出指标",
        "数量指标",
        "维修校舍面积",
        "≥12000平方米",
        "以竣工验收面积为准",
        "质量指标",
        "工程验收合格率",
        "100%",
        "验收合格项目数/项目",
        "总数",
        "时效指标",
        "工程完工时间",
        "8月31日前",
        "暑期内完成施工",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        ("维修校舍面积", "≥12000平方米", "以竣工验收面积为准"),
        ("工程验收合格率", "100%", "验收合格项目数/项目总数"),
        ("工程完工时间", "8月31日前", "暑期内完成施工"),
    ]


def test_a_budget_execution_label_starts_a_row_of_its_own(tmp_path, cfg):
    """Class: one cell per line, a 自评表 whose 项目负责人 is followed by 全年预算数（万元）:
    the execution label is no part of the owner's value (the owner was lost)."""
    cells = [
        "2023年度项目支出绩效自评表",
        "项目名称",
        "示范项目",
        "项目负责人",
        "孙敏",
        "全年预算数（万元）",
        "260",
        "全年执行数（万元）",
        "255.4",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "全年完成值",
        "分值",
        "得分",
        "产出指标",
        "数量指标",
        "发放助学金人数",
        "≥800人",
        "856人",
        "10",
        "10",
        "质量指标",
        "认定准确率",
        "≥98%",
        "97.5%",
        "10",
        "9.5",
        "满意度指标",
        "服务对象满意度指标",
        "受助学生满意度",
        "≥90%",
        "95%",
        "10",
        "10",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert (rec.owner, rec.budget_yuan, rec.budget_executed) == ("孙敏", 2600000.0, 2554000.0)
    assert [i.score for i in rec.indicators] == [10.0, 9.5, 10.0]


def test_the_cell_the_scores_follow_is_the_value(tmp_path, cfg):
    """Class: a 自评表 row whose deviation, wrapped at its column's width, opens with a
    number (2个小区因居民意见 + …): the value is the cell the completion and scores were
    found after (12个), not the numbered line after them.  (The deviation's first line
    still reads as a value, so its tail is cut off: not pinned here.)"""
    cells = [
        *SELF_EVAL_HEAD,
        "产出指标",
        "数量指标",
        "新建公共厕所",
        "≥20座",
        "22座",
        "10",
        "10",
        "改造老旧小区",
        "12个",
        "10个",
        "10",
        "8",
        "2个小区因居民意见",
        "未统一推迟至下年实",
        "施",
        "质量指标",
        "工程验收合格率",
        "100%",
        "100%",
        "10",
        "10",
        "项目完成及时率",
        "≥95%",
        "90%",
        "10",
        "9",
        "部分项目受雨季影响",
        "工期延误",
        "设施长效管护机制",
        "健全",
        "基本健全",
        "5",
        "4",
        "管护经费来源尚未固",
        "定",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    got = [(i.level3, i.target.raw, i.score) for i in rec.indicators]
    assert got == [
        ("新建公共厕所", "≥20座", 10.0),
        ("改造老旧小区", "12个", 8.0),
        ("工程验收合格率", "100%", 10.0),
        ("项目完成及时率", "≥95%", 9.0),
        ("设施长效管护机制", "健全", 4.0),
    ]


def test_a_worded_value_with_an_empty_operator_cell_is_still_a_value(tmp_path, cfg):
    """Class guard: an operator column marks values, but a worded target whose 指标性质
    cell is empty (no line printed) is still the row's value, not part of a name."""
    cells = [*HEAD[:6], "指标性质", "指标值", "度量单位", "指标解释", "产出指标", "数量指标"]
    cells += ["培训农村劳动力", "≥", "1200", "人次", "按培训台账统计"]
    cells += ["建设示范基地", "=", "3", "个", "验收通过的基地数", "质量指标"]
    cells += ["培训合格率", "≥", "95", "%", "合格人数/培训人数"]
    cells += ["基地建设标准", "符合省级标准", "按验收报告", "时效指标"]
    cells += ["资金拨付时间", "≤", "30", "日", "自下达之日起计算", "效益指标", "社会效益指标"]
    cells += ["带动农民增收", "根据实际情况确定", "问卷调查", "满意度指标", "服务对象满意度指标"]
    cells += ["参训人员满意度", "≥", "90", "%", "抽样调查"]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert [(i.level3, i.target.raw) for i in rec.indicators] == [
        ("培训农村劳动力", "≥1200人次"),
        ("建设示范基地", "=3个"),
        ("培训合格率", "≥95%"),
        ("基地建设标准", "符合省级标准"),
        ("资金拨付时间", "≤30日"),
        ("带动农民增收", "根据实际情况确定"),
        ("参训人员满意度", "≥90%"),
    ]


def test_several_projects_in_one_grid_are_tables_of_their_own(tmp_path, cfg):
    """A grid with a project-name column (单位名称 | 项目名称 | 年度绩效目标 | 一级指标 …)
    lists several projects: each is a table, named by its cell, its goal from its own
    column, its levels starting afresh."""
    rows = [
        ["2024年项目支出绩效目标表"],
        ["单位名称", "项目名称", "年度绩效目标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["某馆", "甲项目", "完成甲", "产出指标", "数量指标", "活动场次", "≥20场"],
        [None, None, None, None, "质量指标", "完成率", "100%"],
        [None, None, None, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
        [None, "乙项目", "完成乙", "产出指标", "数量指标", "调查数量", "≥10项"],
        [None, None, None, "效益指标", "社会效益指标", "影响力", "有所提升"],
    ]
    merges = ["A3:A7", "B3:B5", "C3:C5", "D3:D4", "B6:B7", "C6:C7"]
    out = _read(_xlsx(tmp_path / "m.xlsx", rows, merges), cfg)
    assert [(r.name, r.annual_goal, len(r.indicators)) for r, _ in out] == [
        ("甲项目", "完成甲", 3),
        ("乙项目", "完成乙", 2),
    ]
    second = out[1][0].indicators
    assert [(i.level1, i.level2, i.level3) for i in second] == [
        ("产出指标", "数量指标", "调查数量"),
        ("效益指标", "社会效益指标", "影响力"),
    ]
    # the same name on every row (no merged cells) is one project
    flat = [r[:1] + ["甲项目"] + r[2:] if i >= 2 else r for i, r in enumerate(rows[:5])]
    [(rec, _)] = _read(_xlsx(tmp_path / "f.xlsx", flat), cfg)
    assert (rec.name, len(rec.indicators)) == ("甲项目", 3)


def test_direction_cell_is_no_role_where_cells_are_read_by_order(tmp_path, cfg):
    """A 指标方向 cell (正向/反向) between the value and the explanation, in rows whose
    empty cells collapsed: the name stays the name, the explanation is not 正向."""
    text = (
        "部门整体支出绩效目标表\n部门名称 | 示范局\n"
        "一级指标 | 二级指标 | 三级指标 | 指标值 | 指标方向 | 指标解释\n"
        "产出指标 | 数量指标 | 监测点位数量 | ≥50个 | 正向 | 全年运行的点位\n"
        "质量指标 | 数据有效率 | ≥95% | 正向 | 有效数据占比\n"
        "效益指标 | 生态效益指标 | 重污染天数 | ≤3天 | 反向\n"
    )
    path = tmp_path / "d.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert [(i.level2, i.level3, i.target.raw, i.explanation) for i in rec.indicators] == [
        ("数量指标", "监测点位数量", "≥50个", "全年运行的点位"),
        ("质量指标", "数据有效率", "≥95%", "有效数据占比"),
        ("生态效益指标", "重污染天数", "≤3天", None),
    ]


def test_target_repeated_as_its_completion_is_two_cells(tmp_path, cfg):
    """明显改善 | 明显改善 in a 自评表: target and completion, not a doubled name."""
    text = (
        "项目支出绩效自评表\n项目名称 | 示范项目\n"
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分\n"
        "效益指标 | 社会效益指标 | 出行条件 | 明显改善 | 明显改善 | 20 | 18\n"
        "产出指标 | 数量指标 | 调度平台 | 调度平台 | 1套 | 1套 | 10 | 10\n"
    )
    path = tmp_path / "s.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert [(i.level3, i.target.raw, i.actual.raw, i.weight, i.score) for i in rec.indicators] == [
        ("出行条件", "明显改善", "明显改善", 20, 18),
        ("调度平台", "1套", "1套", 10, 10),
    ]


def test_unit_of_a_budget_column_header_holds_for_the_total_below(tmp_path, cfg):
    """预算金额（万元） over 总额 | 财政拨款, then 金额合计 | 500: 500 万元."""
    rows = [
        ["2024年部门整体支出绩效目标表"],
        ["部门名称", "示范局"],
        ["年度主要任务", "任务名称", "主要内容", "预算金额（万元）", None, None],
        [None, None, None, "总额", "财政拨款", "其他资金"],
        [None, "环境监测", "开展常规监测", "300", "300", "0"],
        [None, "金额合计", None, "500", "500", "0"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "监测点位数量", "≥50个"],
    ]
    merges = ["A3:A6", "D3:F3"]
    [(rec, _)] = _read(_xlsx(tmp_path / "d.xlsx", rows, merges), cfg)
    assert rec.budget_yuan == 5_000_000


@pytest.mark.parametrize("text", ["(1)数量指标", "（1）数量指标", "1)数量指标", "（一）数量指标"])
def test_numbered_heading_is_the_heading(text, cfg):
    """Headings numbered (1), 1) or （一） are the headings themselves."""
    from pipeline.interpret.headings import classify

    m1, m2 = classify(text, cfg)
    assert (m1, m2 and m2.canonical) == (None, "数量指标")


_SATISFACTION = [
    ["项目名称", "示范项目"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "培训人次", "≥100人次"],
    ["满意度指标", "社会公众满意度指标", "群众满意度", "≥90%"],
    ["", "公众满意度指标", "游客满意度", "≥95%"],
]


@pytest.mark.parametrize("form", ["txt", "html"])
def test_level2_worded_like_its_single_child_level1(tmp_path, cfg, form):
    """社会公众满意度指标 / 公众满意度指标 under 满意度指标 (whose only child is
    服务对象满意度指标) are that child, not a level-3 nor a second level-1; the name after
    them stays the level-3, whether cells are read by order or by column."""
    if form == "txt":
        path = tmp_path / "s.txt"
        text = "项目支出绩效目标表\n" + "\n".join(
            " | ".join(c for c in r if c) for r in _SATISFACTION
        )
        path.write_text(text, encoding="utf-8")
    else:
        path = tmp_path / "s.html"
        body = "".join(
            "<tr>" + "".join(f"<td>{c.replace('>', '&gt;')}</td>" for c in r) + "</tr>"
            for r in _SATISFACTION
        )
        path.write_text(f"<p>项目支出绩效目标表</p><table>{body}</table>", encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert [(i.level1, i.level2, i.level3, i.target.raw) for i in rec.indicators][1:] == [
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
        ("满意度指标", "服务对象满意度指标", "游客满意度", "≥95%"),
    ]


@pytest.mark.parametrize("again", ["项目支出绩效目标表（续）", "项目支出绩效目标表"])
def test_title_over_the_rest_of_a_table_continues_it(tmp_path, cfg, again):
    """The title repeated at the top of the next page (or marked （续）) over grid rows that
    name no project: one table, not a second nameless one."""
    text = (
        "项目支出绩效目标表\n项目名称 | 示范项目\n一级指标 | 二级指标 | 三级指标 | 指标值\n"
        "产出指标 | 数量指标 | 培训人次 | ≥100人次\n"
        f"{again}\n一级指标 | 二级指标 | 三级指标 | 指标值\n"
        "效益指标 | 社会效益指标 | 就业率 | 提高\n"
    )
    path = tmp_path / "c.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert (rec.name, [i.level3 for i in rec.indicators]) == ("示范项目", ["培训人次", "就业率"])
    # the same title over a table with a name of its own is the next table
    head, tail = text.rsplit(f"{again}\n", 1)
    two = f"{head}{again}\n项目名称 | 另一项目\n{tail}"
    path.write_text(two, encoding="utf-8")
    assert [r.name for r, _ in _read(path, cfg)] == ["示范项目", "另一项目"]


@pytest.mark.parametrize(
    "title",
    ["部门（单位）整体绩效目标表", "单位（部门）整体支出绩效自评表", "2025年部门整体绩效目标表"],
)
def test_department_titles_with_a_bracketed_unit(title, cfg):
    from pipeline.segment import title_kind

    assert title_kind(title, cfg) == "department"


@pytest.mark.parametrize(
    "prose,budget",
    [
        ("2019年预算金额5440万元，较上年增加1290万元", 67_300_000),
        ("资金用于就业补贴", 6730),  # nothing says 万元: left as read (and flagged later)
        ("补贴标准每人500元，2019年5440万元", 6730),  # amounts in both 元 and 万元
    ],
)
def test_unitless_budget_takes_the_unit_the_table_writes_its_amounts_in(
    tmp_path, cfg, prose, budget
):
    """项目总预算 | 6730 with no unit anywhere, too small to be 元: 万元 when the table's
    other amounts are all written in 万元."""
    rows = [
        ["2020年项目申报表"],
        ["项目名称", "示范项目"],
        ["项目总预算", "6730", "项目当年预算", "6730"],
        ["项目前两年预算情况", prose],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥100人次"],
    ]
    [(rec, _)] = _read(_xlsx(tmp_path / "b.xlsx", rows), cfg)
    assert rec.budget_yuan == budget


@pytest.mark.parametrize("form", ["txt", "xlsx"])
def test_the_years_target_beside_a_multi_year_one(tmp_path, cfg, form):
    """中期指标值 | 年度指标值: the year's target is the value (as the budget is the
    year's money); the multi-year one alone is the only target there is."""
    rows = [
        ["项目支出绩效目标申报表"],
        ["项目名称", "示范项目"],
        ["一级指标", "二级指标", "三级指标", "中期指标值", "年度指标值"],
        ["产出指标", "数量指标", "培训人次", "≥5000人次", "≥2000人次"],
        ["产出指标", "质量指标", "培训合格率", "≥90%", "≥95%"],
    ]
    if form == "txt":
        path = tmp_path / "m.txt"
        path.write_text("\n".join(" | ".join(r) for r in rows), encoding="utf-8")
    else:
        path = _xlsx(tmp_path / "m.xlsx", rows)
    [(rec, _)] = _read(path, cfg)
    assert [i.target.raw for i in rec.indicators] == ["≥2000人次", "≥95%"]
    alone = [r[:4] for r in rows]
    [(rec, _)] = _read(_xlsx(tmp_path / "a.xlsx", alone), cfg)
    assert [i.target.raw for i in rec.indicators] == ["≥5000人次", "≥90%"]


def test_projects_in_one_grid_with_budget_and_goal_columns(tmp_path, cfg):
    """项目名称 | 项目资金 | 绩效目标 | 一级指标 …, the name repeated on every row: each
    project's budget (in the table's 万元) and goal from its own cells."""
    rows = [
        ["2024年项目支出绩效目标表"],
        ["单位：万元"],
        ["项目名称", "项目资金", "绩效目标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["甲项目", 300, "完成甲", "产出指标", "数量指标", "活动场次", "≥20场"],
        ["甲项目", 300, "完成甲", "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
        ["乙项目", 120.5, "完成乙", "产出指标", "数量指标", "调查数量", "≥10项"],
    ]
    out = _read(_xlsx(tmp_path / "p.xlsx", rows), cfg)
    assert [(r.name, r.budget_yuan, r.annual_goal, len(r.indicators)) for r, _ in out] == [
        ("甲项目", 3_000_000, "完成甲", 2),
        ("乙项目", 1_205_000, "完成乙", 1),
    ]


@pytest.mark.parametrize("gap", ["        ", " ", ""])
def test_label_value_pairs_on_one_line_end_at_the_next_label(tmp_path, cfg, gap):
    """项目名称：示范项目  主管部门：某局 on one line (a paragraph above the grid, spaces
    kept, shrunk or lost): each value ends where the next label and its colon start."""
    text = (
        "2024年度项目支出绩效目标表\n"
        f"项目名称：示范项目{gap}主管部门：某局\n"
        f"项目负责人：张三{gap}联系电话：0851-1234567\n"
        "一级指标 | 二级指标 | 三级指标 | 指标值\n产出指标 | 数量指标 | 培训人次 | ≥100人次\n"
    )
    path = tmp_path / "f.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert (rec.name, rec.issuer, rec.owner, rec.phone) == (
        "示范项目",
        "某局",
        "张三",
        "0851-1234567",
    )


def test_weights_and_scores_written_in_points(tmp_path, cfg):
    """分值 / 得分 written 10分, 9.5分 in cells read by order: weight and score, not an
    explanation; the deviation stays the deviation."""
    text = (
        "项目支出绩效自评表\n项目名称 | 示范项目\n"
        "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施\n"
        "产出指标 | 数量指标 | 培训人次 | ≥100人次 | 120人次 | 10分 | 10分\n"
        "质量指标 | 合格率 | ≥95% | 93% | 10分 | 9.5分 | 部分学员未通过考核\n"
    )
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert [(i.weight, i.score, i.explanation, i.deviation) for i in rec.indicators] == [
        (10, 10, None, None),
        (10, 9.5, None, "部分学员未通过考核"),
    ]


def test_headings_written_as_rows_across_a_grid_without_level_columns(tmp_path, cfg):
    """序号 | 指标名称 | 指标值, the levels written as rows merged across the grid
    (一、产出指标, then （一）数量指标): each row below takes them."""
    html = (
        "<p>项目支出绩效目标表</p><table>"
        "<tr><td>项目名称</td><td colspan=2>示范项目</td></tr>"
        "<tr><td>序号</td><td>指标名称</td><td>指标值</td></tr>"
        "<tr><td colspan=3>一、产出指标</td></tr><tr><td colspan=3>（一）数量指标</td></tr>"
        "<tr><td>1</td><td>培训人次</td><td>≥100人次</td></tr>"
        "<tr><td colspan=3>（二）质量指标</td></tr><tr><td>2</td><td>合格率</td><td>≥95%</td></tr>"
        "<tr><td colspan=3>二、效益指标</td></tr><tr><td colspan=3>（一）社会效益指标</td></tr>"
        "<tr><td>3</td><td>就业率</td><td>提高</td></tr></table>"
    )
    path = tmp_path / "r.html"
    path.write_text(html, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("产出指标", "数量指标", "培训人次"),
        ("产出指标", "质量指标", "合格率"),
        ("效益指标", "社会效益指标", "就业率"),
    ]


def test_more_wordings_of_owner_phone_and_the_years_budget(tmp_path, cfg):
    """负责人姓名 / 负责人电话, and 本年度资金总额 beside 项目总投资 (the multi-year total)."""
    rows = [
        ["项目支出绩效目标表"],
        ["项目名称", "示范项目", "负责人姓名", "张三", "负责人电话", "13800000000"],
        ["项目总投资（万元）", "500", "本年度资金总额（万元）", "120"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥100人次"],
    ]
    [(rec, _)] = _read(_xlsx(tmp_path / "o.xlsx", rows), cfg)
    assert (rec.owner, rec.phone, rec.budget_yuan) == ("张三", "13800000000", 1_200_000)


def test_header_words_plan_value_and_completion_situation(tmp_path, cfg):
    """计划值 is the target column, 实际完成情况 the completion column of a 自评表 grid."""
    text = (
        "项目支出绩效自评表\n项目名称 | 示范项目\n"
        "一级指标 | 二级指标 | 三级指标 | 计划值 | 实际完成情况 | 分值 | 得分\n"
        "产出指标 | 数量指标 | 培训人次 | ≥100人次 | 120人次 | 10 | 10\n"
    )
    path = tmp_path / "h.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    [i] = rec.indicators
    assert (rec.form, i.target.raw, i.actual.raw, i.weight) == (
        "self_evaluation",
        "≥100人次",
        "120人次",
        10,
    )


def test_merged_level2_cut_by_a_page_break_with_its_text_below_the_break(cfg):
    """The last row of a page has an empty level-2 cell; the first row of the next page
    goes on under the same level-1 and writes 服务对象满意度指标: the cell was one merged
    cell cut by the break, its text printed in the part on the next page."""

    def row(line: int, page: int, texts: list[str], covered: list[str | None]) -> Row:
        cells = [Cell(t, covered=c) for t, c in zip(texts, covered, strict=True)]
        return Row(cells, line, page, table_id=0, spans=True)

    rows = [
        row(1, 1, ["项目支出绩效目标表", "", "", ""], ["", "left", "left", "left"]),
        row(2, 1, ["项目名称", "示范项目", "", ""], [None, None, "left", "left"]),
        row(3, 1, ["一级指标", "二级指标", "三级指标", "指标值"], [None] * 4),
        row(4, 1, ["效益指标", "社会效益指标", "就业率", "提高"], [None] * 4),
        row(5, 1, ["满意度指标", "", "群众满意度", "≥75%"], [None] * 4),
        row(6, 2, ["", "服务对象满意度指标", "学员满意度", "≥95%"], [None] * 4),
        row(7, 2, ["", "", "企业满意度", "≥90%"], ["up", "up", None, None]),
    ]
    rows[0] = Row([Cell("项目支出绩效目标表")], 1, 1)
    [(rec, _)] = _read_rows(rows, cfg)
    assert rec.name == "示范项目"
    assert [(i.level1, i.level2, i.level3) for i in rec.indicators] == [
        ("效益指标", "社会效益指标", "就业率"),
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
        ("满意度指标", "服务对象满意度指标", "学员满意度"),
        ("满意度指标", "服务对象满意度指标", "企业满意度"),
    ]


@pytest.mark.parametrize(
    "title,name",
    [
        ("2024年社区养老服务项目绩效目标表", "社区养老服务"),
        ("某局2024年就业补助资金绩效目标表", "就业补助资金"),
        ("附件3：城乡居民医保补助资金项目支出绩效目标表", "城乡居民医保补助资金"),
        ("某局2024年项目支出绩效目标表", None),  # the title names only the form
        ("财政项目支出绩效目标申报表", None),
    ],
)
def test_a_table_without_a_name_field_is_named_by_its_title(tmp_path, cfg, title, name):
    text = f"{title}\n一级指标 | 二级指标 | 三级指标 | 指标值\n产出指标 | 数量指标 | 服务人次 | ≥1000人次\n"
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert rec.name == name


def test_department_self_evaluation_budget_is_its_full_year_total(tmp_path, cfg):
    """A 部门整体 自评表 whose execution block lists 年度资金总额 then 其中：基本支出 and
    项目支出: the budget is the total's 全年预算数, not the sum of the lines read."""
    rows = [
        ["2023年度部门整体支出绩效自评表"],
        ["部门（单位）名称", "某县交通运输局"],
        [
            "年度预算（万元）",
            None,
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        [None, "年度资金总额", 500, 520, 494, 10, "95%", 9.5],
        [None, "其中：基本支出", 300, 300, 300, None, None, None],
        [None, "项目支出", 200, 220, 194, None, None, None],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "养护里程", "≥300公里", "305公里", 20, 20],
    ]
    [(rec, _)] = _read(_xlsx(tmp_path / "d.xlsx", rows, ["A3:A6"]), cfg)
    assert (rec.kind, rec.form, rec.budget_yuan) == ("department", "self_evaluation", 5_200_000)


def test_operator_column_holding_the_kind_of_indicator(tmp_path, cfg):
    """指标性质 written 定量 / 定性 (what kind of indicator) where cells are read by order:
    that cell fills the operator column and is not joined to the target."""
    text = (
        "项目支出绩效目标表\n项目名称 | 示范项目\n"
        "一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 计量单位\n"
        "产出指标 | 数量指标 | 培训人次 | 定量 | ≥100 | 人次\n"
        "效益指标 | 社会效益指标 | 就业条件 | 定性 | 明显改善\n"
    )
    path = tmp_path / "k.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    assert [(i.level3, i.target.raw, i.target.op) for i in rec.indicators] == [
        ("培训人次", "≥100人次", ">="),
        ("就业条件", "明显改善", None),
    ]


def test_unitless_total_under_a_label_naming_wan_yuan_one_cell_per_line(tmp_path, cfg):
    """One cell per line: 预算金额（万元） heads the task table, 金额合计 | 500 has no unit of
    its own: 500 万元."""
    cells = [
        "2024年部门整体支出绩效目标表",
        "部门名称",
        "示范局",
        "年度主要任务",
        "任务名称",
        "主要内容",
        "预算金额（万元）",
        "环境监测",
        "开展常规监测",
        "500",
        "金额合计",
        "500",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "产出指标",
        "数量指标",
        "监测点位数量",
        "≥50个",
    ]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert rec.budget_yuan == 5_000_000


def test_unit_column_saying_none_for_a_worded_target(tmp_path, cfg):
    """计量单位 written 无 for a worded target (合规 | 无 | 10 | 合规 | 10), cells read by
    order: 无 fills the unit column, so the weight and the completion stay in step."""
    text = (
        "2023年度项目支出绩效自评表\n项目名称 | 示范项目\n"
        "一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 计量单位 | 指标权重 | 全年完成值 | 得分 | 评价标准\n"
        "产出指标 | 数量指标 | 培训人次 | ≥ | 100 | 人次 | 10 | 120 | 10 | 达到得满分\n"
        " |  | 资金使用合规性 | 无 | 合规 | 无 | 10 | 合规 | 10 | 违规一例扣2分\n"
    )
    path = tmp_path / "u.txt"
    path.write_text(text, encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    i = rec.indicators[1]
    assert (i.target.raw, i.weight, i.actual.raw, i.score, i.explanation) == (
        "合规",
        10,
        "合规",
        10,
        "违规一例扣2分",
    )


def _one_column(tmp_path: Path, cfg, body: list[str]):
    text = "项目支出绩效目标表\n项目名称 | 示范项目\n指标类型 | 指标名称 | 指标值\n" + "\n".join(
        body
    )
    path = tmp_path / "one.txt"
    path.write_text(text + "\n【打印】 【关闭】\n", encoding="utf-8")
    [(rec, _)] = _read(path, cfg)
    return [(i.level1, i.level2) for i in rec.indicators]


def test_one_heading_column_labels_at_the_top_of_their_cells(tmp_path, cfg):
    """指标类型 holding both levels, each label written where its merged cell starts
    (text from a workbook): no cut puts every label at its block's middle, so each label
    holds for the rows after it; a level-1 label's rows have no level-2."""
    body = ["数量指标 | A | ≥1个", "产出指标 | B | ≥95%", " | C | ≥95%", " | D | ≥95%"]
    body += ["效益指标 | E | ≥1人", *[f" | {x} | =100%" for x in "FGHIJ"]]
    assert _one_column(tmp_path, cfg, body) == [
        ("产出指标", "数量指标"),
        *[("产出指标", None)] * 3,
        *[("效益指标", None)] * 6,
    ]


def test_one_heading_column_labels_at_the_middle_of_their_cells(tmp_path, cfg):
    """The same column with every label at the middle of its block (text from a rendered
    page): the rows are cut into blocks around the labels."""
    body = [" | A | ≥1个", "数量指标 | B | ≥95%", " | C | ≥95%", " | D | ≥95%"]
    body += ["产出指标 | E | ≥1人", " | F | =100%", "效益指标 | G | =100%"]
    assert _one_column(tmp_path, cfg, body) == [
        *[("产出指标", "数量指标")] * 3,
        *[("产出指标", None)] * 3,
        ("效益指标", None),
    ]


def test_leading_bar_without_a_closing_one_is_an_empty_first_cell():
    """` |  | 质量指标 | …` (converter text, empty cells kept): the leading bar separates
    an empty first cell; `| a | b |` is bordered on both sides."""
    from pipeline.readers.text import split_line

    assert split_line(" |  | 质量指标 | 完成率 | 100%", None) == (
        ["", "", "质量指标", "完成率", "100%"],
        "bar",
    )
    assert split_line("| 一级指标 | 二级指标 |", None) == (["一级指标", "二级指标"], "bar")
    assert split_line("||| 名称 | ≥190元 |", None) == (["", "", "名称", "≥190元"], "bar")


def test_several_projects_in_one_grid_in_pipe_text(tmp_path, cfg):
    """The project-name column in `|`-separated text, merged cells left empty."""
    text = "\n".join(
        [
            "2024年项目支出绩效目标表",
            "单位名称 | 项目名称 | 一级指标 | 二级指标 | 三级指标 | 指标值",
            "某馆 | 甲项目 | 产出指标 | 数量指标 | 活动场次 | ≥20场",
            " |  |  | 质量指标 | 完成率 | 100%",
            " |  | 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90%",
            " | 乙项目 | 产出指标 | 数量指标 | 调查数量 | ≥10项",
        ]
    )
    path = tmp_path / "m.txt"
    path.write_text(text, encoding="utf-8")
    out = _read(path, cfg)
    assert [(r.name, [(i.level1, i.level2) for i in r.indicators]) for r, _ in out] == [
        (
            "甲项目",
            [
                ("产出指标", "数量指标"),
                ("产出指标", "质量指标"),
                ("满意度指标", "服务对象满意度指标"),
            ],
        ),
        ("乙项目", [("产出指标", "数量指标")]),
    ]


def test_header_value_wrapped_in_a_narrow_column(tmp_path, cfg):
    """One cell per line, a field value wrapped in a narrow column (项目性质 | 阶段 | 性项 |
    目): the short lines up to the next label are the value's lines."""
    cells = ["项目支出绩效目标申报表", "项目名称", "示范项目", "项目性质", "阶段", "性项", "目"]
    cells += ["项目类别", "特定目标类", "一级指标", "二级指标", "三级指标", "指标值"]
    cells += ["产出指标", "数量指标", "培训人次", "≥100人次"]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert (rec.attribute, rec.category) == ("阶段性项目", "特定目标类")


def test_a_whole_label_does_not_run_on_into_the_amount_below_it(tmp_path, cfg):
    """One cell per line: 项目资金总额 / 10,308,000.00 年度资金申请总额 / 3,498,000.00 — the
    amount on the line after a whole label is its value (the year's money), however wide
    the label is."""
    cells = ["财政项目支出绩效目标申报表", "项目名称", "示范项目", "项目资金", "（元）"]
    cells += ["项目资金总额", "10,308,000.00 年度资金申请总额", "3,498,000.00", "其中：财政资金"]
    cells += ["10,308,000.00", "一级指标", "二级指标", "三级指标", "指标值", "指标解释"]
    cells += ["产出指标", "数量指标", "培训人次", "≥100人次"]
    # explanations wrapped at eight characters: the width of 年度资金申请总额
    for name in ("培训人次", "培训班次", "培训天数"):
        cells += [name + "数", "≥10次", "全年组织开展培训", "工作并按时完成任", "务"]
    [(rec, _)] = _cells(tmp_path, cells, cfg)
    assert rec.budget_yuan == 3_498_000
