"""Borderless PDF tables: one regression test per failure class of the borderless
reader (``pipeline/readers/pdf.py``) and of reading its rows (``readers.grid``,
``interpret.levels`` / ``interpret.centred``).

Every fixture is composed here: a small table drawn with reportlab the way office software
prints a table without rules (text wrapped at the column width, each cell's lines centred
in its row, merged cells centred or top-aligned over the rows they span, only a rule above
and below the table).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from pipeline.interpret import interpret
from pipeline.interpret.centred import Place, blocks
from pipeline.interpret.levels import HEADING_ROLES, label_places
from pipeline.interpret.roles import settle
from pipeline.model import Cell, Row
from pipeline.readers import read_document
from pipeline.readers.grid.align import align
from pipeline.readers.grid.header import make_header
from pipeline.segment import segment
from tests.fixtures.make_pdf_fixtures import register_fonts, wrap

FONT = "WQY"
Spec = str | tuple[str, int] | tuple[str, int, int]  # text, rows spanned, columns spanned


def render(
    path: Path,
    parts: list[tuple[list[float], list[list[Spec]]]],
    size: float = 10.0,
    leading: float = 12.5,
    pad: float = 2.5,
    merged: str = "middle",
    top_cols: frozenset[int] = frozenset(),
    hcenter: bool = False,
    title: str = "测试局项目绩效目标表",
) -> Path:
    """Draw ``parts`` (column widths and rows; the header fields, then the grid) one
    below the other as one borderless table.  Cells are ``text`` or ``(text, rows)`` or
    ``(text, rows, cols)``; ``merged`` is where a cell spanning rows puts its text
    (``"middle"`` or ``"top"``); cells of ``top_cols`` start at the top of their row,
    every other cell is centred in its row; ``hcenter`` centres every text across its
    cell's width."""
    register_fonts()
    w, h = A4
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 14)
    c.drawCentredString(w / 2, h - 60, title)
    y = 90.0
    x0 = 50.0
    c.line(x0, h - y, x0 + sum(parts[0][0]), h - y)
    for widths, rows in parts:
        xs = [x0]
        for wd in widths:
            xs.append(xs[-1] + wd)
        anchors: dict[tuple[int, int], tuple[str, int, int]] = {}
        covered: set[tuple[int, int]] = set()
        for r, row in enumerate(rows):
            col = 0
            for spec in row:
                text, rs, cs = (spec, 1, 1) if isinstance(spec, str) else (*spec, 1)[:3]
                while (r, col) in covered:
                    col += 1
                anchors[(r, col)] = (text, rs, cs)
                covered.update((r + i, col + j) for i in range(rs) for j in range(cs))
                col += cs
        lines = {
            (r, col): wrap(t, xs[col + cs] - xs[col] - 2 * pad, FONT, size)
            for (r, col), (t, _, cs) in anchors.items()
        }
        heights = [leading + 2 * pad] * len(rows)
        for (r, col), (_, rs, _) in anchors.items():
            if rs == 1:
                heights[r] = max(heights[r], len(lines[(r, col)]) * leading + 2 * pad)
        tops = [y]
        for hh in heights:
            tops.append(tops[-1] + hh)
        c.setFont(FONT, size)
        for (r, col), (_, rs, cs) in anchors.items():
            text_lines = lines[(r, col)]
            top, bottom = tops[r], tops[r + rs]
            total = len(text_lines) * leading
            at_top = (rs > 1 and merged == "top") or col in top_cols
            ty = top + pad if at_top else top + (bottom - top - total) / 2
            for n, ln in enumerate(text_lines):
                x = xs[col] + pad
                if hcenter:
                    x = (xs[col] + xs[col + cs] - stringWidth(ln, FONT, size)) / 2
                c.drawString(x, h - (ty + n * leading + (leading + size * 0.8) / 2), ln)
        y = tops[-1]
    c.line(x0, h - y, x0 + sum(parts[0][0]), h - y)
    c.showPage()
    c.save()
    return path


def grid_rows(path: Path) -> list[list[str]]:
    return [r.texts for r in read_document(path).rows if r.table_id is not None]


def records(path: Path, cfg):
    return [rec for t in segment(read_document(path), cfg).tables for rec, _ in interpret(t, cfg)]


HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "指标解释及计算公式"]
WIDTHS = [60.0, 70.0, 95.0, 70.0, 150.0]


def test_a_wrapped_word_is_not_cut_at_the_column_edge(tmp_path):
    """Class: a level-3 wrapped onto two lines (项目或定额成本控制 / 率) with the value and
    explanation centred beside it, half a line lower: the lines overlap vertically and
    were read as one, pushing 率 into the value column.  Only one cell of the table wraps."""
    path = render(
        tmp_path / "t.pdf",
        [
            (
                WIDTHS,
                [
                    HEADER,
                    [("产出指标", 2), "成本指标", "项目或定额成本控制率", "100%", "成本控制率"],
                    ["时效指标", "完成时间", "年底前", "按期完成"],
                ],
            )
        ],
    )
    rows = grid_rows(path)
    assert ["产出指标", "成本指标", "项目或定额成本控制率", "100%", "成本控制率"] in rows
    assert ["", "时效指标", "完成时间", "年底前", "按期完成"] in rows


def test_lines_group_into_rows_by_their_spacing(tmp_path, cfg):
    """Class: a borderless grid printed one line per printed line, each row's explanation
    wrapped onto two lines with the row's other cells centred between them: rows are told
    apart by the cell padding between them (the line pitch inside a cell is smaller), so
    each explanation's two lines are one cell of one row.  (Was a unit test of
    ``interpret.grid.row_groups``; the PDF reader groups a page's lines itself now.)"""
    first = "按名册统计发放人数，名册由乡镇审核后报送"
    second = "按签到表统计培训人数，签到表由培训单位汇总"
    rows = [
        HEADER,
        ["产出指标", "数量指标", "发放人数", "≥200人", first],
        ["", "", "培训人数", "≥100人", second],
        ["", "", "培训场次", "12期", "按通知统计"],
    ]
    path = render(tmp_path / "t.pdf", [([60.0, 70.0, 95.0, 70.0, 110.0], rows)])
    got = grid_rows(path)
    for row in rows[1:]:
        assert row in got
    [rec] = records(path, cfg)
    assert [(i.level3, i.explanation) for i in rec.indicators] == [
        ("发放人数", first),
        ("培训人数", second),
        ("培训场次", "按通知统计"),
    ]


def test_a_value_set_close_to_the_next_column_keeps_to_its_column(tmp_path):
    """Class: a value that fills its narrow column (严格控制会 / 期) ends a few points
    before the explanation starts: the two were read as one chunk (严格控制会严守…)."""
    widths = [60.0, 70.0, 80.0, 55.0, 150.0]
    path = render(
        tmp_path / "t.pdf",
        [
            (
                widths,
                [
                    HEADER,
                    [
                        "产出指标",
                        "时效指标",
                        "会期控制",
                        "严格控制会期",
                        "严守获批会议方案会期，不超期，不超规模",
                    ],
                    ["", "质量指标", "合格率", "≥每季度1次", "按季度检查"],
                ],
            )
        ],
    )
    rows = grid_rows(path)
    assert [
        "产出指标",
        "时效指标",
        "会期控制",
        "严格控制会期",
        "严守获批会议方案会期，不超期，不超规模",
    ] in rows
    assert ["", "质量指标", "合格率", "≥每季度1次", "按季度检查"] in rows


def test_a_column_empty_below_its_header_keeps_the_values_apart(tmp_path):
    """Class: no row has an explanation, so only the header line shows the gutter
    between 指标值 and 指标解释: the column still starts there and the values stay in
    指标值."""
    rows = [
        HEADER,
        ["产出指标", "数量指标", "培训人数", "≥200人", ""],
        ["", "", "培训场次", "12期", ""],
        ["", "质量指标", "合格率", "≥95%", ""],
    ]
    path = render(tmp_path / "t.pdf", [(WIDTHS, rows)])
    got = grid_rows(path)
    for row in rows[1:]:
        assert row in got


def test_text_of_a_cell_spanning_columns_wraps_back_under_its_start(tmp_path, cfg):
    """Class: header fields above the grid have columns of their own; a long text
    spanning three of them wraps at its own width, and its short last line lies under
    the label columns' words: it belongs to the text.  The fields are read row by row
    (资金性质 and its value in the same row)."""
    fields = (
        [90.0, 95.0, 90.0, 170.0],
        [
            ["项目名称", ("测试专项经费", 1, 3)],
            ["项目负责人", "张三", "联系电话", "8261896"],
            ["项目类别", ("特定目标类", 1, 3)],
            ["预算资金（元）", "96000", "资金性质", "一般公共预算安排"],
            [
                "年度目标",
                ("传达政令、传递信息、政务公开、指导工作、服务群众，体现政府工作的权威性。", 1, 3),
            ],
        ],
    )
    grid = (WIDTHS, [HEADER, ["产出指标", "数量指标", "出刊期数", "12期", "全年出刊12期"]])
    path = render(tmp_path / "t.pdf", [fields, grid])
    rows = grid_rows(path)
    goal = next(r for r in rows if r[0] == "年度目标")
    assert "传达政令、传递信息、政务公开、指导工作、服务群众，体现政府工作的权威性。" in goal
    [rec] = records(path, cfg)
    assert (rec.name, rec.owner, rec.phone, rec.category) == (
        "测试专项经费",
        "张三",
        "8261896",
        "特定目标类",
    )
    assert (rec.budget_yuan, rec.fund_nature) == (96000, "一般公共预算安排")


def test_heading_rows_and_labels_centred_over_their_rows(tmp_path, cfg):
    """Class: merged level-1 / level-2 cells centred over the rows they span (a label
    between two rows goes with the upper one), a level-2 row with nothing else in it (a
    heading row, not an indicator), and rows of different heights: a block's middle is
    measured on the page, not counted in rows."""
    rows = [
        HEADER,
        [("产出指标", 4), ("数量指标", 3), "发放人数", "≥200人", "按名册统计"],
        ["培训人数", "≥100人", "按签到表统计，签到表由培训单位汇总后报送主管部门审核"],
        ["培训场次", "12期", "按通知统计，通知由培训单位印发并报送主管部门备案存档"],
        ["质量指标", "合格率", "≥95%", "考核"],
        [("效益指标", 2), "社会效益指标", "群众知晓度", "有所提升", "问卷"],
        ["经济效益指标", "", "", ""],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "问卷调查"],
    ]
    path = render(tmp_path / "t.pdf", [(WIDTHS, rows)], merged="middle")
    [rec] = records(path, cfg)
    got = [(i.level1, i.level2, i.level3, i.target.raw) for i in rec.indicators]
    assert got == [
        ("产出指标", "数量指标", "发放人数", "≥200人"),
        ("产出指标", "数量指标", "培训人数", "≥100人"),
        ("产出指标", "数量指标", "培训场次", "12期"),
        ("产出指标", "质量指标", "合格率", "≥95%"),
        ("效益指标", "社会效益指标", "群众知晓度", "有所提升"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]


def test_labels_printed_at_the_top_of_tall_rows_are_read_top_down(tmp_path, cfg):
    """Class: a 指标类型 column whose merged cells print their label at the top of their
    span, the first row written with a level-2 only (数量指标): the grid looks centred
    (content before the first level-1) but the labels sit where their rows start.  A
    level-1 outside the schema (管理类指标) in that column is a level-1.  The 自评表's
    execution amounts stand beside their labels among the header fields."""
    head = ["指标类型", "指标名称", "指标性质", "指标值", "计量单位", "评分标准"]
    widths = [70.0, 110.0, 45.0, 50.0, 45.0, 130.0]
    text = "达到目标得满分，未达到按完成比例得分或不得分"
    rows = [
        head,
        ["数量指标", "新增创业孵化基地数量", "≥", "1", "个", text],
        [("产出类指标", 2), "社会保险补贴发放准确率", "≥", "95", "%", text],
        ["就业见习补贴发放及时率", "≥", "95", "%", text],
        [("效益类指标", 2), "城镇新增就业人数", "≥", "39500", "人", text],
        ["零就业家庭帮扶率", "=", "100", "%", text],
        [("管理类指标", 2), "预算执行率", "≥", "90", "%", text],
        ["资金使用合规性", "无", "合规", "无", text],
    ]
    fields = (
        [120.0, 130.0, 120.0, 80.0],
        [
            ["项目名称", "就业补助资金", "项目联系人", "向俐"],
            ["全年预算数（万元）", "7574", "全年执行数（万元）", "6642.40"],
        ],
    )
    path = render(
        tmp_path / "t.pdf",
        [fields, (widths, rows)],
        merged="top",
        top_cols=frozenset({0}),
        title="2021年度项目支出绩效自评表",
    )
    [rec] = records(path, cfg)
    # the execution amounts beside their labels: 全年预算数 is the year's budget
    assert (rec.name, rec.owner, rec.budget_yuan) == ("就业补助资金", "向俐", 75740000)
    got = [(i.level1, i.level3) for i in rec.indicators]
    assert got == [
        ("产出指标", "新增创业孵化基地数量"),
        ("产出指标", "社会保险补贴发放准确率"),
        ("产出指标", "就业见习补贴发放及时率"),
        ("效益指标", "城镇新增就业人数"),
        ("效益指标", "零就业家庭帮扶率"),
        ("管理类指标", "预算执行率"),
        ("管理类指标", "资金使用合规性"),
    ]


def test_block_middles_are_measured_on_the_page():
    """Class: labels centred over blocks of rows of different heights.  Two short rows
    and two tall ones under the first label put its middle in the third row; counted in
    rows, that row would be the middle of rows 0-2 and row 3 would go to the next label."""
    spans = ((0, 10), (20, 30), (40, 70), (80, 110), (120, 130), (140, 150))
    y = (None, None, 55.0, None, 135.0, None)
    assert blocks(6, [2, 4]) == [(0, 3), (3, 6)]  # without the page: by row counts
    assert blocks(6, [2, 4], place=Place(spans, y)) == [(0, 4), (4, 6)]


def test_a_narrow_label_column_between_two_wrapped_values(tmp_path, cfg):
    """Class: header fields of four columns whose values wrap onto two lines: the
    gutters around the second label column are wide and one full line crosses part of
    them; a boundary goes in each free stretch, so 实施单位 is a column of its own and
    the wrapped lines stay with their values."""
    unit = "上海市普陀区城市管理行政执法局执法大队"
    fields = (
        [70.0, 190.0, 70.0, 130.0],
        [
            ["项目支出名称", ("拆违经费", 1, 3)],
            ["主管部门", unit, "实施单位", unit],
            ["项目类别", "特定目标类", "项目属性", "阶段性项目"],
            ["项目实施期", "2024-01-01至2026-12-31", "年度预算金额（元）", "3498000"],
        ],
    )
    grid = (WIDTHS, [HEADER, ["产出指标", "数量指标", "拆违面积", "≥1000平方米", "按台账统计"]])
    path = render(tmp_path / "t.pdf", [fields, grid])
    rows = grid_rows(path)
    assert ["主管部门", unit, "实施单位", unit, ""] in rows
    assert ["项目类别", "特定目标类", "项目属性", "阶段性项目", ""] in rows
    [rec] = records(path, cfg)
    assert (rec.category, rec.attribute, rec.budget_yuan) == ("特定目标类", "阶段性项目", 3498000)


def test_a_wrapped_header_cell_still_starts_its_column(tmp_path):
    """Class: the 指标值 header wraps (年度(/项目)指 / 标值) so it is on other lines than
    the rest of the header, and no row has an explanation: the header row's cells on all
    its lines give the columns, and the values stay out of 指标解释."""
    head = ["一级指标", "二级指标", "三级指标", "年度(/项目)指标值", "指标解释"]
    rows = [
        head,
        ["成本指标", "经济成本指标", "成本控制合理性", "合理", ""],
        ["产出指标", "数量指标", "完成年度拆违计划", "=100.00(%)", ""],
        ["", "质量指标", "违法建筑销项正确率", "=100.00(%)", ""],
    ]
    path = render(tmp_path / "t.pdf", [([60.0, 70.0, 100.0, 70.0, 120.0], rows)])
    got = grid_rows(path)
    for row in rows[1:]:
        assert row in got


def test_field_labels_are_cells_of_their_own(tmp_path, cfg):
    """Class: header fields centred in their cells, values spanning three columns, a
    section column at the left: only two rows show the gutter after 联系电话 / 资金性质
    and spanning texts cross it, so label and value were read as one cell
    (资金性质一般公共预算安排).  A label with nothing beside it (年度目标 with no goal)
    makes a row of its own: the section label spanning it and the next row does not pull
    the two rows together."""
    fields = (
        [45.0, 85.0, 75.0, 75.0, 170.0],
        [
            [("项目基本情况", 3), "项目名称", ("春节慰问专项经费", 1, 3)],
            ["项目负责人", "邓婕", "联系电话", "8261896"],
            ["项目类别", ("特定目标类", 1, 3)],
            ["项目资金情况", "预算资金（元）", "4700000", "资金性质", "一般公共预算安排"],
            [("绩效目标情况", 2), "年度目标", ("", 1, 3)],
            ["本年度实施计划", "2024-01-01至2024-12-31", ("按照年度工作安排组织实施", 1, 2)],
        ],
    )
    grid = (WIDTHS, [HEADER, ["产出指标", "数量指标", "慰问人数", "≥100人", "按名册统计"]])
    path = render(tmp_path / "t.pdf", [fields, grid], hcenter=True)
    rows = grid_rows(path)
    assert any(r[1] == "年度目标" and not any(r[2:]) for r in rows)
    [rec] = records(path, cfg)
    assert (rec.name, rec.owner, rec.phone, rec.category) == (
        "春节慰问专项经费",
        "邓婕",
        "8261896",
        "特定目标类",
    )
    assert (rec.budget_yuan, rec.fund_nature) == (4700000, "一般公共预算安排")


def test_a_section_label_between_the_rows_of_its_labels(tmp_path, cfg):
    """Class: a department table whose section label (部门（单位）资金情况（万元）) wraps
    in its own column, its lines set between the rows of the expenditure labels beside
    it: no single line has words on both sides of the gutter, but no word crosses it."""
    fields = (
        [130.0, 90.0, 110.0, 150.0],
        [
            ["部门（单位）名称", ("测试局", 1, 3)],
            [("部门（单位）资金情况（万元）", 4), "名称", ("预算金额（万元）", 1, 2)],
            ["基本支出", ("1545.19", 1, 2)],
            ["项目支出", ("2608.55", 1, 2)],
            ["资金总额", ("4153.74", 1, 2)],
        ],
    )
    grid = (WIDTHS, [HEADER, ["产出指标", "数量指标", "招商推介", "≥10次/年", "全年10次"]])
    path = render(
        tmp_path / "t.pdf",
        [fields, grid],
        merged="middle",
        hcenter=True,
        pad=4.0,
        title="测试局2023年部门整体支出绩效目标表",
    )
    rows = grid_rows(path)
    assert any(r[1] == "基本支出" and "1545.19" in r for r in rows)
    [rec] = records(path, cfg)
    assert (rec.kind, rec.budget_yuan) == ("department", 41537400)


def test_a_row_s_extent_is_its_content_not_a_label_reaching_past_it(cfg):
    """Class: a level-2 label centred between two one-line rows is read into the upper
    one and reaches into the lower: the upper row's extent for measuring middles is its
    content, else the label's block looks one row short."""
    row = Row(
        [
            Cell("质量指标", bbox=(0.0, 8.3, 40.0, 17.8)),
            Cell("合格率", bbox=(50.0, 0.0, 90.0, 9.5)),
            Cell("≥95%", bbox=(100.0, 0.0, 120.0, 9.5)),
        ],
        line=1,
        page=1,
        table_id=0,
        bbox=(0.0, 0.0, 120.0, 17.8),
    )
    words = ["二级指标", "三级指标", "指标值"]
    header_row = Row([Cell(t) for t in words], line=0, page=1, table_id=0)
    header = make_header(words, [header_row], cfg)
    grid = align(header, [row], cfg)
    roles, _ = settle(header, grid, cfg)
    assert roles == ["level2", "level3", "value"]
    cols = {r: j for j, r in enumerate(roles) if r in HEADING_ROLES}
    place = label_places(grid, cols)
    assert place is not None
    assert place[1].spans == ((0.0, 9.5),)
    assert place[1].y == (pytest.approx(13.05),)
