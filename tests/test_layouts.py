"""Real-world text layouts of 绩效目标表: one composed document and one regression test per
failure class the text reader and the grid path handle.

Every document here is composed for its test (invented projects, values and
explanations, in the style of published tables), written to ``tmp_path`` and read
through the public path: ``pipeline.run.process_file`` (reader → segmenter →
interpreter) or ``read_document`` → ``segment`` → ``interpret``.  Each test asserts the
records the way an analyst reads the table (SPEC): the table's name, kind, year or
budget where the class touches them, and for every indicator its levels, ``value_raw``
(and op/unit where the class is about them), explanation, and for 自评表 the completion,
weight and score.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from pipeline.config import Config, load_config
from pipeline.interpret import interpret
from pipeline.model import DocResult, TableRecord
from pipeline.readers import read_document
from pipeline.run import process_file
from pipeline.segment import segment

# level1, level2, level3, value_raw, explanation
Row5 = tuple[str | None, str | None, str | None, str | None, str | None]
# level1, level2, level3, value_raw, actual_raw, weight, score
SelfRow = tuple[
    str | None, str | None, str | None, str | None, str | None, float | None, float | None
]


@pytest.fixture(scope="module")
def cfg() -> Config:
    return load_config()


# --- helpers ---------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(tmp_path: Path, text: str, cfg: Config, name: str = "doc.txt") -> DocResult:
    """``text`` written to ``tmp_path / name`` and processed as one file."""
    res = process_file(write(tmp_path, text, name), cfg)
    assert res.status == "ok", (res.status, res.error, [f.message for f in res.findings])
    return res


def only(res: DocResult) -> TableRecord:
    assert len(res.tables) == 1, [(t.name, len(t.indicators)) for t in res.tables]
    return res.tables[0]


def records(path: Path, cfg: Config) -> list[TableRecord]:
    """The records of a file through the stages one by one."""
    doc = read_document(path, cfg)
    return [rec for table in segment(doc, cfg).tables for rec, _ in interpret(table, cfg)]


def rows(rec: TableRecord) -> list[Row5]:
    return [(i.level1, i.level2, i.level3, i.target.raw, i.explanation) for i in rec.indicators]


def self_rows(rec: TableRecord) -> list[SelfRow]:
    return [
        (
            i.level1,
            i.level2,
            i.level3,
            i.target.raw,
            i.actual.raw if i.actual else None,
            i.weight,
            i.score,
        )
        for i in rec.indicators
    ]


def ops(rec: TableRecord) -> list[tuple[str | None, float | None, str | None]]:
    return [(i.target.op, i.target.value, i.target.unit) for i in rec.indicators]


def tabbed(grid: list[list[str]]) -> str:
    return "".join("\t".join(r) + "\n" for r in grid)


def barred(grid: list[list[str]]) -> str:
    return "".join(" | ".join(r) + "\n" for r in grid)


def width(text: str) -> int:
    """Display width as a page lays text out (CJK, full-width and ambiguous two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def fixed(stops: list[int], cells: list[str]) -> str:
    """One line of fixed-width text: each cell starts at its column's stop (display
    columns), at least two spaces after the cell before it; empty cells leave blanks."""
    line = ""
    for stop, cell in zip(stops, cells, strict=True):
        if not cell:
            continue
        pad = stop - width(line)
        line += " " * (max(pad, 2) if line else max(pad, 0)) + cell
    return line


def wrapped(text: str, n: int) -> list[str]:
    """``text`` cut into lines of ``n`` characters (a column of fixed width)."""
    return [text[k : k + n] for k in range(0, len(text), n)]


P, B, S = "产出指标", "效益指标", "满意度指标"
QTY, QUAL, TIME, COST = "数量指标", "质量指标", "时效指标", "成本指标"
SOC, ECO, ENV, SAT = "社会效益指标", "经济效益指标", "生态效益指标", "服务对象满意度指标"


# --- 1. a grid under a heading that is no title ----------------------------------------


def test_untitled_grid_under_a_plain_heading(tmp_path: Path, cfg: Config) -> None:
    """Class: a grid under a heading that is no form title (项目具体目标表), named by its
    name field.  Pages that publish one project's targets often head the grid with such a
    heading instead of the form's title; the table must still be found."""
    text = "项目具体目标表\n" + tabbed(
        [
            ["项目名称", "社区老年助餐服务补助"],
            ["主管部门", "某区民政局"],
            ["项目资金（元）", "560000"],
            ["一级指标", "二级指标", "三级指标", "指标值", "指标解释及计算公式"],
            [P, QTY, "助餐服务人次", "≥12000人次", "全年为辖区老年人提供助餐服务的人次"],
            ["", "", "助餐点数量", "≥6个", "建成并运营的社区助餐点个数"],
            ["", QUAL, "餐食抽检合格率", "100%", "抽检合格批次/抽检总批次×100%"],
            [B, SOC, "老年人就餐便利程度", "有所提升", "与上年相比老年人就餐便利程度的变化"],
            [S, SAT, "就餐老人满意度", "≥90%", "问卷调查满意人数/调查总人数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert (rec.kind, rec.name, rec.budget_yuan) == ("project", "社区老年助餐服务补助", 560000)
    assert rows(rec) == [
        (P, QTY, "助餐服务人次", "≥12000人次", "全年为辖区老年人提供助餐服务的人次"),
        (P, QTY, "助餐点数量", "≥6个", "建成并运营的社区助餐点个数"),
        (P, QUAL, "餐食抽检合格率", "100%", "抽检合格批次/抽检总批次×100%"),
        (B, SOC, "老年人就餐便利程度", "有所提升", "与上年相比老年人就餐便利程度的变化"),
        (S, SAT, "就餐老人满意度", "≥90%", "问卷调查满意人数/调查总人数×100%"),
    ]


def test_untitled_self_evaluation_grid_under_a_notice_heading(tmp_path: Path, cfg: Config) -> None:
    """Class: a 自评表 grid under a notice heading (评价结果的公示) with a name field and no
    form title.  Departments publish self-evaluations as notices; the completion, weight
    and score columns make it a 自评表 all the same."""
    text = "关于2023年度项目绩效自评评价结果的公示\n" + barred(
        [
            ["项目名称", "城区公共自行车运营维护"],
            ["主管部门", "某市交通运输局"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            [P, QTY, "维护公共自行车数量", "≥3000辆", "3120辆", "20", "20"],
            ["", QUAL, "车辆完好率", "≥95%", "96.5%", "20", "20"],
            ["", TIME, "故障车辆修复时限", "≤48小时", "36小时", "10", "10"],
            [B, SOC, "市民绿色出行比例", "有所提升", "有所提升", "20", "18"],
            [S, SAT, "使用者满意度", "≥90%", "88%", "20", "17"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert (rec.kind, rec.form, rec.name) == (
        "project",
        "self_evaluation",
        "城区公共自行车运营维护",
    )
    assert self_rows(rec) == [
        (P, QTY, "维护公共自行车数量", "≥3000辆", "3120辆", 20, 20),
        (P, QUAL, "车辆完好率", "≥95%", "96.5%", 20, 20),
        (P, TIME, "故障车辆修复时限", "≤48小时", "36小时", 10, 10),
        (B, SOC, "市民绿色出行比例", "有所提升", "有所提升", 20, 18),
        (S, SAT, "使用者满意度", "≥90%", "88%", 20, 17),
    ]


# --- 2. the year beside the title ------------------------------------------------------

YEAR_GRID = [
    ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
    [P, QTY, "发放图书册数", "≥20000册", "全年向农家书屋配送的图书册数"],
    ["", TIME, "图书配送完成时间", "2024年6月底前", "按合同约定完成全部配送"],
    [B, SOC, "农家书屋借阅人次", "≥5000人次", "全年各书屋借阅登记人次合计"],
    [S, SAT, "村民阅读满意度", "≥85%", "抽样问卷调查满意比例"],
]
YEAR_ROWS: list[Row5] = [
    (P, QTY, "发放图书册数", "≥20000册", "全年向农家书屋配送的图书册数"),
    (P, TIME, "图书配送完成时间", "2024年6月底前", "按合同约定完成全部配送"),
    (B, SOC, "农家书屋借阅人次", "≥5000人次", "全年各书屋借阅登记人次合计"),
    (S, SAT, "村民阅读满意度", "≥85%", "抽样问卷调查满意比例"),
]


@pytest.mark.parametrize(
    "title",
    ["项目支出绩效目标表\n（2024年度）\n", "项目支出绩效目标表（2024年度）\n"],
    ids=["year_line", "year_in_brackets"],
)
def test_year_beside_the_title(tmp_path: Path, cfg: Config, title: str) -> None:
    """Class: the budget year printed on its own line under the title (（2024年度）) or in
    brackets at the title's end.  The national template prints the year as a subtitle, and
    converters either keep it on its own line or run it into the title."""
    text = title + barred([["项目名称", "农家书屋图书更新"], ["项目资金（万元）", "36"]])
    text += barred(YEAR_GRID)
    res = run(tmp_path, text, cfg)
    rec = only(res)
    assert (res.year, rec.year, rec.kind, rec.form) == (2024, 2024, "project", "target")
    assert (rec.name, rec.budget_yuan) == ("农家书屋图书更新", 360000)
    assert rows(rec) == YEAR_ROWS


# --- 3. a title split over two lines ---------------------------------------------------


def test_title_split_over_two_lines(tmp_path: Path, cfg: Config) -> None:
    """Class: a department title broken over two lines (…部门整体支出 / 绩效目标表).  A
    centred title wider than the page wraps, and text extraction keeps the break; the
    table is a department table of the year the first line names."""
    text = "某县农业农村局2025年部门整体支出\n绩效目标表\n" + tabbed(
        [
            ["部门（单位）名称", "某县农业农村局"],
            ["年度预算申请（万元）", "资金总额", "860.5"],
            ["", "基本支出", "520"],
            ["", "项目支出", "340.5"],
            ["年度总体目标", "推进高标准农田建设，稳定粮食生产，提升农业社会化服务水平。"],
            ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
            [P, QTY, "新建高标准农田面积", "≥1.2万亩", "当年验收合格的高标准农田面积"],
            ["", QUAL, "农田建设项目验收合格率", "100%", "验收合格项目数/项目总数×100%"],
            [B, ECO, "粮食播种面积", "≥45万亩", "全年粮食作物播种面积"],
            ["", ENV, "化肥使用量", "较上年减少", "与上年相比化肥施用总量的变化"],
            [S, SAT, "农户满意度", "≥90%", "抽样调查满意户数/调查户数×100%"],
        ]
    )
    res = run(tmp_path, text, cfg)
    rec = only(res)
    assert (rec.kind, rec.form, rec.year) == ("department", "target", 2025)
    assert (rec.name, rec.budget_yuan) == ("某县农业农村局", 8_605_000)
    assert rows(rec) == [
        (P, QTY, "新建高标准农田面积", "≥1.2万亩", "当年验收合格的高标准农田面积"),
        (P, QUAL, "农田建设项目验收合格率", "100%", "验收合格项目数/项目总数×100%"),
        (B, ECO, "粮食播种面积", "≥45万亩", "全年粮食作物播种面积"),
        (B, ENV, "化肥使用量", "较上年减少", "与上年相比化肥施用总量的变化"),
        (S, SAT, "农户满意度", "≥90%", "抽样调查满意户数/调查户数×100%"),
    ]


# --- 4. space-separated rows -----------------------------------------------------------


def test_space_separated_rows_with_levels_on_a_groups_first_row(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: cells separated by single spaces (each space a boundary; two spaces hold an
    empty cell), levels written on a group's first row only.  Naive extraction of a ruled
    PDF writes one space per cell border and nothing for a merged cell's covered part."""
    lines = [
        "2024年度项目支出绩效目标表",
        "项目名称 乡村公路日常养护",
        "主管部门 某县交通运输局",
        "项目资金（元） 480000",
        "一级指标 二级指标 三级指标 指标值 指标解释",
        "产出指标 数量指标 养护农村公路里程 ≥320公里 纳入日常养护的农村公路总里程",
        "  修复路面坑槽面积 ≥2000平方米 全年修补路面坑槽的面积",
        " 质量指标 路况优良率 ≥80% 优良路段里程/养护总里程×100%",
        " 时效指标 雨后巡查到位时间 ≤24小时 降雨结束后完成路面巡查的时间",
        "效益指标 社会效益指标 群众出行条件 持续改善 与上年相比农村群众出行条件的变化",
        "满意度指标 服务对象满意度指标 沿线群众满意度 ≥90% 问卷调查满意人数/调查人数×100%",
    ]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert (rec.name, rec.budget_yuan) == ("乡村公路日常养护", 480000)
    assert rows(rec) == [
        (P, QTY, "养护农村公路里程", "≥320公里", "纳入日常养护的农村公路总里程"),
        (P, QTY, "修复路面坑槽面积", "≥2000平方米", "全年修补路面坑槽的面积"),
        (P, QUAL, "路况优良率", "≥80%", "优良路段里程/养护总里程×100%"),
        (P, TIME, "雨后巡查到位时间", "≤24小时", "降雨结束后完成路面巡查的时间"),
        (B, SOC, "群众出行条件", "持续改善", "与上年相比农村群众出行条件的变化"),
        (S, SAT, "沿线群众满意度", "≥90%", "问卷调查满意人数/调查人数×100%"),
    ]


# --- 5-7. one cell per line ------------------------------------------------------------


def test_one_cell_per_line_with_blank_lines_between_cells(tmp_path: Path, cfg: Config) -> None:
    """Class: one cell per line, a blank line between cells, a level cell wrapped inside
    its group (满意度 / 指标 with no blank line between).  Copying a PDF table out of a
    viewer gives each cell a paragraph; a cell's own wrapped lines stay together."""
    cells = [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "指标解释",
        "产出指标",
        "数量指标",
        "开展防汛演练次数",
        "≥4次",
        "全年组织开展防汛应急演练的次数",
        "质量指标",
        "应急物资完好率",
        "≥98%",
        "完好物资数量/储备物资总量×100%",
        "效益指标",
        "社会效益指标",
        "汛期人员伤亡事故",
        "0起",
        "因防汛工作不到位造成的人员伤亡事故数",
        "满意度\n指标",
        "服务对象满\n意度指标",
        "沿河居民满意度",
        "≥90%",
        "抽样调查满意人数/调查人数×100%",
    ]
    head = "2024年度项目支出绩效目标表\n\n项目名称：防汛应急能力提升\n\n项目资金（元）：260000\n\n"
    rec = only(run(tmp_path, head + "\n\n".join(cells) + "\n", cfg))
    assert (rec.name, rec.budget_yuan) == ("防汛应急能力提升", 260000)
    assert rows(rec) == [
        (P, QTY, "开展防汛演练次数", "≥4次", "全年组织开展防汛应急演练的次数"),
        (P, QUAL, "应急物资完好率", "≥98%", "完好物资数量/储备物资总量×100%"),
        (B, SOC, "汛期人员伤亡事故", "0起", "因防汛工作不到位造成的人员伤亡事故数"),
        (S, SAT, "沿河居民满意度", "≥90%", "抽样调查满意人数/调查人数×100%"),
    ]


def test_one_cell_per_line_closed_by_bars_with_row_ends(tmp_path: Path, cfg: Config) -> None:
    """Class: one cell per line closed by `` |``, a line of bars (``||||``) after each
    row, empty cells as lone bars, a wrapped cell whose first line is not closed
    (满意度 / 指标 |).  Some converters write a table that way, one cell a line."""
    grid = [
        ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
        [P, QTY, "新增馆藏图书", "≥3000册", "全年新采购入藏图书册数"],
        ["", "", "免费开放天数", "≥300天", "书屋全年对外开放天数"],
        ["", QUAL, "图书编目准确率", "≥99%", "编目无误册数/编目总册数×100%"],
        [B, SOC, "年接待读者人次", "≥12000人次", "全年进馆读者登记人次"],
        ["满意度\n指标", SAT, "读者满意度", "≥90%", "读者问卷调查满意比例"],
    ]
    out = ["2024年度项目支出绩效目标表", "项目名称 |", "社区书屋运营补助 |", "||||"]
    out += ["项目资金（元） |", "150000 |", "||||"]
    for r in grid:
        for c in r:
            out.append(f"{c} |" if c else "|")
        out.append("||||")
    rec = only(run(tmp_path, "\n".join(out) + "\n", cfg))
    assert (rec.name, rec.budget_yuan) == ("社区书屋运营补助", 150000)
    assert rows(rec) == [
        (P, QTY, "新增馆藏图书", "≥3000册", "全年新采购入藏图书册数"),
        (P, QTY, "免费开放天数", "≥300天", "书屋全年对外开放天数"),
        (P, QUAL, "图书编目准确率", "≥99%", "编目无误册数/编目总册数×100%"),
        (B, SOC, "年接待读者人次", "≥12000人次", "全年进馆读者登记人次"),
        (S, SAT, "读者满意度", "≥90%", "读者问卷调查满意比例"),
    ]


def test_one_cell_per_line_with_explanations_wrapped_at_a_fixed_width(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: plain one cell per line, long explanations wrapped at the explanation
    column's width (12 characters), no blank lines.  Naive PDF text extraction writes each
    line of a cell as a line; only the width the lines reach tells a wrap from a cell."""
    ex1 = "全年累计为居家老年人提供上门助洁助浴等服务的户次以服务台账为准"
    ex2 = "服务质量抽查合格的户次占抽查总户次的比例"
    ex3 = "接受服务的老年人中对上门服务表示满意的人数占调查总人数的比例"
    lines = [
        "2024年度项目支出绩效目标表",
        "项目名称",
        "居家养老上门服务",
        "项目资金（元）",
        "850000",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "指标解释",
        P,
        QTY,
        "上门服务户次",
        "≥6000户次",
        *wrapped(ex1, 12),
        QUAL,
        "服务抽查合格率",
        "≥95%",
        *wrapped(ex2, 12),
        B,
        SOC,
        "独居老人安全状况",
        "明显改善",
        "独居老人意外未及时发现事件减少",
        S,
        SAT,
        "服务对象满意度",
        "≥92%",
        *wrapped(ex3, 12),
    ]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert (rec.name, rec.budget_yuan) == ("居家养老上门服务", 850000)
    assert rows(rec) == [
        (P, QTY, "上门服务户次", "≥6000户次", ex1),
        (P, QUAL, "服务抽查合格率", "≥95%", ex2),
        (B, SOC, "独居老人安全状况", "明显改善", "独居老人意外未及时发现事件减少"),
        (S, SAT, "服务对象满意度", "≥92%", ex3),
    ]


# --- 8. columns that hold no value: standard, direction, nature ------------------------


def test_standard_and_direction_columns_stay_out_of_value_and_explanation(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: a 指标方向 column of 正向/反向 and a 评价标准 column of 计划标准/历史标准
    beside value, unit and explanation.  Newer provincial templates add both; neither is
    part of the target or of the explanation."""
    text = "2024年度项目支出绩效目标表\n" + barred(
        [
            ["项目名称", "农村户厕改造提升"],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "指标方向",
                "指标值",
                "计量单位",
                "评价标准",
                "指标解释",
            ],
            [
                P,
                QTY,
                "改造农村户厕数量",
                "正向",
                "800",
                "户",
                "计划标准",
                "全年完成改造并通过验收的户厕数量",
            ],
            [
                "",
                QUAL,
                "改造户厕验收合格率",
                "正向",
                "98",
                "%",
                "历史标准",
                "验收合格户数/改造户数×100%",
            ],
            ["", COST, "户均改造成本", "反向", "3500", "元/户", "计划标准", "项目总支出/改造户数"],
            [
                B,
                ENV,
                "粪污无害化处理率",
                "正向",
                "90",
                "%",
                "行业标准",
                "无害化处理户数/改造户数×100%",
            ],
            [S, SAT, "农户满意度", "正向", "90", "%", "计划标准", "抽样调查满意户数/调查户数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert rec.name == "农村户厕改造提升"
    assert rows(rec) == [
        (P, QTY, "改造农村户厕数量", "800户", "全年完成改造并通过验收的户厕数量"),
        (P, QUAL, "改造户厕验收合格率", "98%", "验收合格户数/改造户数×100%"),
        (P, COST, "户均改造成本", "3500元/户", "项目总支出/改造户数"),
        (B, ENV, "粪污无害化处理率", "90%", "无害化处理户数/改造户数×100%"),
        (S, SAT, "农户满意度", "90%", "抽样调查满意户数/调查户数×100%"),
    ]
    assert [(i.target.value, i.target.unit) for i in rec.indicators] == [
        (800, "户"),
        (98, "%"),
        (3500, "元"),
        (90, "%"),
        (90, "%"),
    ]


def test_nature_column_of_quantitative_and_qualitative(tmp_path: Path, cfg: Config) -> None:
    """Class: a 指标性质 column holding 定量/定性 (the kind of indicator, not an operator)
    before a value that writes its own sign.  Several regions title that column 指标性质
    whatever it holds; 定量 must not be joined into the target."""
    text = "2024年度项目支出绩效目标表\n" + barred(
        [
            ["项目名称", "儿童免疫规划疫苗接种"],
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "指标解释"],
            [P, QTY, "接种疫苗剂次", "定量", "≥5000剂次", "全年完成免疫规划疫苗接种剂次"],
            ["", TIME, "接种信息录入及时率", "定量", "≥98%", "24小时内录入条数/接种总条数×100%"],
            [B, SOC, "适龄儿童免疫规划疫苗接种率", "定量", "≥95%", "已接种儿童数/适龄儿童数×100%"],
            ["", "", "群众预防接种意识", "定性", "明显增强", "通过宣传使群众主动接种意识增强"],
            [S, SAT, "接种对象家长满意度", "定量", "≥90%", "问卷调查满意人数/调查人数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert rows(rec) == [
        (P, QTY, "接种疫苗剂次", "≥5000剂次", "全年完成免疫规划疫苗接种剂次"),
        (P, TIME, "接种信息录入及时率", "≥98%", "24小时内录入条数/接种总条数×100%"),
        (B, SOC, "适龄儿童免疫规划疫苗接种率", "≥95%", "已接种儿童数/适龄儿童数×100%"),
        (B, SOC, "群众预防接种意识", "明显增强", "通过宣传使群众主动接种意识增强"),
        (S, SAT, "接种对象家长满意度", "≥90%", "问卷调查满意人数/调查人数×100%"),
    ]
    assert [i.target.op for i in rec.indicators] == [">=", ">=", ">=", None, ">="]


def test_direction_column_holding_operators_is_the_operator(tmp_path: Path, cfg: Config) -> None:
    """Class: a column headed 指标方向 that holds ≥ / = / ≤.  Some templates head the
    operator column so; its cells are the operator, joined into ``value_raw``."""
    text = "2024年度项目支出绩效目标表\n" + barred(
        [
            ["项目名称", "市场监管执法检查"],
            ["一级指标", "二级指标", "三级指标", "指标方向", "指标值", "计量单位", "指标解释"],
            [P, QTY, "开展执法检查次数", "≥", "24", "次", "全年组织开展专项执法检查的次数"],
            ["", QUAL, "案件按期办结率", "=", "100", "%", "按期办结案件数/立案数×100%"],
            ["", COST, "单次检查平均成本", "≤", "800", "元", "检查经费支出/检查次数"],
            [B, SOC, "重点领域投诉量下降", "≥", "10", "%", "与上年相比投诉举报量的降幅"],
            [S, SAT, "经营主体满意度", "≥", "85", "%", "问卷调查满意户数/调查户数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert rows(rec) == [
        (P, QTY, "开展执法检查次数", "≥24次", "全年组织开展专项执法检查的次数"),
        (P, QUAL, "案件按期办结率", "=100%", "按期办结案件数/立案数×100%"),
        (P, COST, "单次检查平均成本", "≤800元", "检查经费支出/检查次数"),
        (B, SOC, "重点领域投诉量下降", "≥10%", "与上年相比投诉举报量的降幅"),
        (S, SAT, "经营主体满意度", "≥85%", "问卷调查满意户数/调查户数×100%"),
    ]
    assert ops(rec) == [
        (">=", 24, "次"),
        ("=", 100, "%"),
        ("<=", 800, "元"),
        (">=", 10, "%"),
        (">=", 85, "%"),
    ]


# --- 9. operator and unit in their own columns -----------------------------------------


def test_operator_and_unit_columns_joined_into_the_target(tmp_path: Path, cfg: Config) -> None:
    """Class: 指标性质 (≥ / 无) | 指标值 | 度量单位 as three columns; ``value_raw`` joins them
    (``≥95%``) and 无 joins nothing.  The 2021 national template splits the target so."""
    text = "2024年度项目支出绩效目标表\n" + tabbed(
        [
            ["项目名称", "新型职业农民培训"],
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "指标解释"],
            [P, QTY, "培训农民人数", "≥", "600", "人", "全年完成培训并结业的农民人数"],
            ["", QUAL, "培训考核合格率", "≥", "95", "%", "考核合格人数/参训人数×100%"],
            ["", TIME, "培训完成时间", "无", "2024年9月底前", "无", "全部培训班次结业的时间"],
            [B, ECO, "参训农户人均增收", "≥", "500", "元", "参训农户年度人均增收额"],
            [S, SAT, "参训农民满意度", "≥", "90", "%", "问卷调查满意人数/调查人数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert rows(rec) == [
        (P, QTY, "培训农民人数", "≥600人", "全年完成培训并结业的农民人数"),
        (P, QUAL, "培训考核合格率", "≥95%", "考核合格人数/参训人数×100%"),
        (P, TIME, "培训完成时间", "2024年9月底前", "全部培训班次结业的时间"),
        (B, ECO, "参训农户人均增收", "≥500元", "参训农户年度人均增收额"),
        (S, SAT, "参训农民满意度", "≥90%", "问卷调查满意人数/调查人数×100%"),
    ]
    assert ops(rec) == [
        (">=", 600, "人"),
        (">=", 95, "%"),
        (None, None, None),
        (">=", 500, "元"),
        (">=", 90, "%"),
    ]


def test_value_written_before_its_operator_column(tmp_path: Path, cfg: Config) -> None:
    """Class: 指标值 | 运算符 | 计量单位, the value left of its operator.  Some sheets put
    the figure first; ``value_raw`` still reads operator, figure, unit (``≥120人次``)."""
    text = "2024年度项目支出绩效目标表\n" + tabbed(
        [
            ["项目名称", "社区心理健康服务"],
            ["一级指标", "二级指标", "三级指标", "指标值", "运算符", "计量单位", "指标解释"],
            [P, QTY, "心理咨询服务人次", "120", "≥", "人次", "全年提供一对一心理咨询的人次"],
            ["", QUAL, "咨询记录规范率", "100", "=", "%", "规范记录份数/咨询记录总份数×100%"],
            ["", COST, "单次咨询成本", "200", "≤", "元", "咨询服务支出/咨询人次"],
            [S, SAT, "服务对象满意度", "90", "≥", "%", "回访调查满意人数/回访人数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert rows(rec) == [
        (P, QTY, "心理咨询服务人次", "≥120人次", "全年提供一对一心理咨询的人次"),
        (P, QUAL, "咨询记录规范率", "=100%", "规范记录份数/咨询记录总份数×100%"),
        (P, COST, "单次咨询成本", "≤200元", "咨询服务支出/咨询人次"),
        (S, SAT, "服务对象满意度", "≥90%", "回访调查满意人数/回访人数×100%"),
    ]
    assert ops(rec) == [(">=", 120, "人次"), ("=", 100, "%"), ("<=", 200, "元"), (">=", 90, "%")]


# --- 10. item numbers before level-3 names ---------------------------------------------


def test_item_numbers_before_level3_names_are_dropped(tmp_path: Path, cfg: Config) -> None:
    """Class: 指标1： / 1、 / （2） / 1. before a level-3 name.  Many units number their
    indicators inside the name cell; SPEC: ``level3`` is the name after the number."""
    text = "2024年度项目支出绩效目标表\n" + tabbed(
        [
            ["项目名称", "中小学校园安保服务"],
            ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
            [P, QTY, "指标1：配备专职保安人数", "≥86人", "全区中小学配备的专职保安人数"],
            ["", "", "指标2：安防设备巡检次数", "≥12次/年", "每校每年安防设备巡检次数"],
            ["", QUAL, "1、保安持证上岗率", "100%", "持证保安人数/保安总人数×100%"],
            [B, SOC, "（2）校园安全事故发生数", "0起", "因安保缺位导致的校园安全事故数"],
            [S, SAT, "1.师生家长满意度", "≥90%", "问卷调查满意人数/调查人数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert rows(rec) == [
        (P, QTY, "配备专职保安人数", "≥86人", "全区中小学配备的专职保安人数"),
        (P, QTY, "安防设备巡检次数", "≥12次/年", "每校每年安防设备巡检次数"),
        (P, QUAL, "保安持证上岗率", "100%", "持证保安人数/保安总人数×100%"),
        (B, SOC, "校园安全事故发生数", "0起", "因安保缺位导致的校园安全事故数"),
        (S, SAT, "师生家长满意度", "≥90%", "问卷调查满意人数/调查人数×100%"),
    ]


# --- 11. blocks around the grid that are no indicators ---------------------------------


def test_goal_list_notes_signatures_and_page_buttons_are_no_indicators(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: 目标1… lines above the grid, notes (注：1.…), a signature block (填表人 /
    审核意见（盖章）) and page buttons (【打印】【关闭】) below it.  Web pages print all of
    them around a table; none is an indicator, and the last row before them is whole."""
    text = (
        "2024年度项目支出绩效目标表\n"
        + tabbed(
            [
                ["项目名称", "乡镇综合文化站免费开放"],
                ["主管部门", "某县文化和旅游局"],
                ["项目资金（元）", "300000"],
            ]
        )
        + "年度绩效目标\n"
        + "目标1：全年各乡镇综合文化站免费开放不少于300天。\n"
        + "目标2：组织开展群众文化活动不少于48场次。\n"
        + tabbed(
            [
                ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
                [P, QTY, "文化站免费开放天数", "≥300天", "各文化站全年免费开放天数的平均数"],
                ["", "", "群众文化活动场次", "≥48场次", "全年组织开展群众文化活动场次"],
                ["", QUAL, "活动安全事故", "0起", "活动中发生的安全责任事故数"],
                [B, SOC, "群众参与活动人次", "≥15000人次", "全年参与文化站活动的群众人次"],
                [S, SAT, "参与群众满意度", "≥90%", "现场问卷调查满意人数/调查人数×100%"],
            ]
        )
        + "注：1.指标值应可量化、可考核。2.本表由项目实施单位填报。\n"
        + "填表人：某某\t填报日期：2024年1月10日\n"
        + "主管部门审核意见（盖章）\n"
        + "【打印】【关闭】\n"
    )
    rec = only(run(tmp_path, text, cfg))
    assert (rec.name, rec.budget_yuan) == ("乡镇综合文化站免费开放", 300000)
    assert rows(rec) == [
        (P, QTY, "文化站免费开放天数", "≥300天", "各文化站全年免费开放天数的平均数"),
        (P, QTY, "群众文化活动场次", "≥48场次", "全年组织开展群众文化活动场次"),
        (P, QUAL, "活动安全事故", "0起", "活动中发生的安全责任事故数"),
        (B, SOC, "群众参与活动人次", "≥15000人次", "全年参与文化站活动的群众人次"),
        (S, SAT, "参与群众满意度", "≥90%", "现场问卷调查满意人数/调查人数×100%"),
    ]


def test_budget_execution_block_and_total_row_are_no_indicators(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: a 自评表 with its 预算执行情况 block (年初预算数 … 得分, then the amounts)
    above the grid and a 总分 row and notes below it.  Every 自评表 prints both; the
    amounts are the budget execution, the total no indicator, and the last row keeps its
    score and deviation."""
    text = "项目支出绩效自评表\n（2023年度）\n" + tabbed(
        [
            ["项目名称", "老旧小区消防设施更新"],
            ["主管部门", "某区应急管理局"],
            [
                "项目资金（万元）",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率",
                "得分",
            ],
            ["", "年度资金总额", "80", "80", "76", "10", "95%", "9.5"],
            ["", "其中：当年财政拨款", "80", "80", "76", "—", "—", "—"],
            ["年度总体目标", "完成20个老旧小区消防设施更新，消除一批火灾隐患。"],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            [P, QTY, "更新消防栓数量", "≥120个", "126个", "20", "20", ""],
            ["", "", "更换灭火器数量", "≥600具", "600具", "20", "20", ""],
            ["", QUAL, "设施验收合格率", "100%", "100%", "20", "20", ""],
            [B, SOC, "火灾隐患整改率", "≥95%", "92%", "10", "8", "部分住户未配合整改"],
            [S, SAT, "居民满意度", "≥90%", "93%", "10", "10", ""],
            ["总分", "", "", "", "", "100", "97.5", ""],
        ]
    )
    text += "注：1.偏差原因须逐项说明。2.得分保留一位小数。\n"
    rec = only(run(tmp_path, text, cfg))
    assert (rec.form, rec.name, rec.year) == ("self_evaluation", "老旧小区消防设施更新", 2023)
    assert (rec.budget_planned, rec.budget_adjusted, rec.budget_executed) == (
        800_000,
        800_000,
        760_000,
    )
    assert (rec.execution_rate, rec.budget_execution_weight, rec.budget_execution_score) == (
        95,
        10,
        9.5,
    )
    assert rec.stated_total == 100
    assert self_rows(rec) == [
        (P, QTY, "更新消防栓数量", "≥120个", "126个", 20, 20),
        (P, QTY, "更换灭火器数量", "≥600具", "600具", 20, 20),
        (P, QUAL, "设施验收合格率", "100%", "100%", 20, 20),
        (B, SOC, "火灾隐患整改率", "≥95%", "92%", 10, 8),
        (S, SAT, "居民满意度", "≥90%", "93%", 10, 10),
    ]
    assert [i.deviation for i in rec.indicators] == [None, None, None, "部分住户未配合整改", None]


# --- 12. several projects in one grid --------------------------------------------------


def test_several_projects_in_one_wide_grid(tmp_path: Path, cfg: Config) -> None:
    """Class: one wide grid (项目名称 | 预算数 | 年度目标 | 一级指标 …) listing two
    projects, each name, budget and goal written on its first row (a merged cell).
    Summary attachments list a unit's projects so; each is a table of its own."""
    text = "2024年度项目支出绩效目标表\n单位：万元\n" + tabbed(
        [
            ["项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标值"],
            ["道路清扫保洁", "260", "保持城区主次干道整洁", P, QTY, "清扫保洁面积", "≥150万平方米"],
            ["", "", "", "", QUAL, "道路保洁达标率", "≥95%"],
            ["", "", "", S, SAT, "市民满意度", "≥90%"],
            ["垃圾分类宣传", "45", "提高居民垃圾分类参与率", P, QTY, "宣传活动场次", "≥30场"],
            ["", "", "", B, SOC, "居民分类参与率", "≥70%"],
        ]
    )
    res = run(tmp_path, text, cfg)
    assert [(t.kind, t.name, t.budget_yuan, t.annual_goal) for t in res.tables] == [
        ("project", "道路清扫保洁", 2_600_000, "保持城区主次干道整洁"),
        ("project", "垃圾分类宣传", 450_000, "提高居民垃圾分类参与率"),
    ]
    assert [rows(t) for t in res.tables] == [
        [
            (P, QTY, "清扫保洁面积", "≥150万平方米", None),
            (P, QUAL, "道路保洁达标率", "≥95%", None),
            (S, SAT, "市民满意度", "≥90%", None),
        ],
        [
            (P, QTY, "宣传活动场次", "≥30场", None),
            (B, SOC, "居民分类参与率", "≥70%", None),
        ],
    ]


# --- 13. a table cut off mid-grid ------------------------------------------------------


def test_table_cut_off_mid_grid_keeps_its_whole_rows(tmp_path: Path, cfg: Config) -> None:
    """Class: a one-cell-per-line document that ends inside the grid (the next group's
    level cells printed, its rows on a page that was not published).  Excerpts and broken
    downloads end so; the whole rows are kept and nothing is made of the stub."""
    lines = [
        "2024年度项目支出绩效目标表",
        "项目名称",
        "河道日常保洁",
        "项目资金（元）",
        "420000",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "指标解释",
        P,
        QTY,
        "保洁河道长度",
        "≥85公里",
        "纳入日常保洁范围的河道长度",
        "打捞漂浮物次数",
        "≥2次/周",
        "每周对保洁河段打捞的次数",
        QUAL,
        "河面保洁达标率",
        "≥95%",
        "检查达标河段数/检查河段总数×100%",
        B,
        ENV,
    ]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert (rec.name, rec.budget_yuan) == ("河道日常保洁", 420000)
    assert rows(rec) == [
        (P, QTY, "保洁河道长度", "≥85公里", "纳入日常保洁范围的河道长度"),
        (P, QTY, "打捞漂浮物次数", "≥2次/周", "每周对保洁河段打捞的次数"),
        (P, QUAL, "河面保洁达标率", "≥95%", "检查达标河段数/检查河段总数×100%"),
    ]


# --- 14. headings as rows across a grid without level columns --------------------------


def test_headings_as_rows_across_a_grid_without_level_columns(tmp_path: Path, cfg: Config) -> None:
    """Class: 序号 | 指标名称 | 指标值 | 指标说明, the levels written as rows across the
    grid (一、产出指标 / （一）数量指标).  Older county templates outline the indicators
    instead of giving the levels columns."""
    text = "2024年度项目支出绩效目标表\n" + tabbed(
        [
            ["项目名称", "城乡居民医保参保动员"],
            ["序号", "指标名称", "指标值", "指标说明"],
            ["一、产出指标", "", "", ""],
            ["（一）数量指标", "", "", ""],
            ["1", "入户宣传户数", "≥8000户", "全年入户开展参保宣传的户数"],
            ["2", "发放宣传资料份数", "≥20000份", "全年发放的参保宣传资料份数"],
            ["（二）质量指标", "", "", ""],
            ["3", "参保信息录入准确率", "≥99%", "准确录入条数/录入总条数×100%"],
            ["二、效益指标", "", "", ""],
            ["（一）社会效益指标", "", "", ""],
            ["4", "城乡居民参保率", "≥95%", "参保人数/应参保人数×100%"],
            ["三、满意度指标", "", "", ""],
            ["（一）服务对象满意度指标", "", "", ""],
            ["5", "参保群众满意度", "≥90%", "回访满意人数/回访人数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert rec.name == "城乡居民医保参保动员"
    assert rows(rec) == [
        (P, QTY, "入户宣传户数", "≥8000户", "全年入户开展参保宣传的户数"),
        (P, QTY, "发放宣传资料份数", "≥20000份", "全年发放的参保宣传资料份数"),
        (P, QUAL, "参保信息录入准确率", "≥99%", "准确录入条数/录入总条数×100%"),
        (B, SOC, "城乡居民参保率", "≥95%", "参保人数/应参保人数×100%"),
        (S, SAT, "参保群众满意度", "≥90%", "回访满意人数/回访人数×100%"),
    ]


# --- 15. two-row headers ---------------------------------------------------------------


def test_two_row_header_target_over_plan_and_completion(tmp_path: Path, cfg: Config) -> None:
    """Class: a 自评表 header of two rows, 年度指标值 over 目标值 | 实际完成值.  The merged
    upper cell is written once, its lower row below with empty cells under the others;
    the lower row names the target and the completion."""
    text = "2023年度项目支出绩效自评表\n" + tabbed(
        [
            ["项目名称", "困难群众临时救助"],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            ["", "", "", "目标值", "实际完成值", "", "", ""],
            [P, QTY, "临时救助人次", "≥1500人次", "1620人次", "30", "30", ""],
            ["", TIME, "救助资金发放时限", "≤15个工作日", "10个工作日", "20", "20", ""],
            [B, SOC, "困难群众基本生活保障", "有效保障", "有效保障", "20", "20", ""],
            [S, SAT, "救助对象满意度", "≥90%", "86%", "20", "16", "个别救助对象对标准有意见"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert (rec.form, rec.name) == ("self_evaluation", "困难群众临时救助")
    assert self_rows(rec) == [
        (P, QTY, "临时救助人次", "≥1500人次", "1620人次", 30, 30),
        (P, TIME, "救助资金发放时限", "≤15个工作日", "10个工作日", 20, 20),
        (B, SOC, "困难群众基本生活保障", "有效保障", "有效保障", 20, 20),
        (S, SAT, "救助对象满意度", "≥90%", "86%", 20, 16),
    ]
    assert [i.deviation for i in rec.indicators] == [None, None, None, "个别救助对象对标准有意见"]


@pytest.mark.parametrize("bordered", [True, False], ids=["bordered", "unbordered"])
def test_two_row_header_value_over_operator_figure_and_unit(
    tmp_path: Path, cfg: Config, bordered: bool
) -> None:
    """Class: 指标值 over 运算符号 | 数值 | 单位 (two header rows, bar text, empty cells kept).
    Templates that split the target put its parts under one spanning header; ``value_raw``
    joins them.  Bar text comes bordered (``| a | b |``) or not (``a | b``); unbordered, the
    lower header row opens and closes with an empty cell, so it starts and ends with a bar
    like a bordered row, though no other row of the document is bordered."""
    grid = [
        ["项目名称", "耕地地力保护补贴发放"],
        ["一级指标", "二级指标", "三级指标", "指标值", "", "", "指标解释"],
        ["", "", "", "运算符号", "数值", "单位", ""],
        [P, QTY, "补贴发放农户数", "≥", "12000", "户", "全年足额领取补贴的农户数"],
        ["", QUAL, "补贴面积核实准确率", "=", "100", "%", "核实无误面积/申报面积×100%"],
        ["", TIME, "补贴资金兑付时间", "", "2024年6月底前", "", "补贴资金打卡发放到户的时间"],
        [B, ECO, "户均补贴金额", "≥", "800", "元", "补贴总额/发放农户数"],
        [S, SAT, "受补贴农户满意度", "≥", "90", "%", "抽样调查满意户数/调查户数×100%"],
    ]
    body = "".join(f"| {' | '.join(r)} |\n" for r in grid) if bordered else barred(grid)
    text = "2024年度项目支出绩效目标表\n" + body
    rec = only(run(tmp_path, text, cfg))
    assert rows(rec) == [
        (P, QTY, "补贴发放农户数", "≥12000户", "全年足额领取补贴的农户数"),
        (P, QUAL, "补贴面积核实准确率", "=100%", "核实无误面积/申报面积×100%"),
        (P, TIME, "补贴资金兑付时间", "2024年6月底前", "补贴资金打卡发放到户的时间"),
        (B, ECO, "户均补贴金额", "≥800元", "补贴总额/发放农户数"),
        (S, SAT, "受补贴农户满意度", "≥90%", "抽样调查满意户数/调查户数×100%"),
    ]
    assert ops(rec) == [
        (">=", 12000, "户"),
        ("=", 100, "%"),
        (None, None, None),
        (">=", 800, "元"),
        (">=", 90, "%"),
    ]


# --- 16. fixed-width text --------------------------------------------------------------


def test_fixed_width_text_with_an_empty_operator_cell(tmp_path: Path, cfg: Config) -> None:
    """Class: columns aligned with runs of spaces (``pdftotext -layout``), an operator
    column left empty on qualitative rows, levels on a group's first row only.  Only the
    positions tell which column a cell stands in."""
    stops = [0, 12, 26, 48, 58, 74, 84]
    grid = [
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "指标解释"],
        [P, QTY, "新增造林面积", "≥", "3000", "亩", "当年完成并验收的人工造林面积"],
        ["", "", "森林抚育面积", "≥", "5000", "亩", "当年完成森林抚育的面积"],
        ["", QUAL, "造林成活率", "≥", "85", "%", "抽样成活株数/抽样总株数×100%"],
        [B, ENV, "林区生态环境", "", "持续改善", "", "林区植被覆盖和水土保持状况"],
        ["", "可持续影响指标", "护林长效机制", "", "健全", "", "建立护林员巡护长效机制"],
        [S, SAT, "林农满意度", "≥", "90", "%", "问卷调查满意人数/调查人数×100%"],
    ]
    lines = ["                2024年度项目支出绩效目标表", "", "项目名称：国土绿化造林工程"]
    lines += ["项目资金（元）：1200000", ""] + [fixed(stops, r) for r in grid]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert (rec.name, rec.budget_yuan) == ("国土绿化造林工程", 1_200_000)
    assert rows(rec) == [
        (P, QTY, "新增造林面积", "≥3000亩", "当年完成并验收的人工造林面积"),
        (P, QTY, "森林抚育面积", "≥5000亩", "当年完成森林抚育的面积"),
        (P, QUAL, "造林成活率", "≥85%", "抽样成活株数/抽样总株数×100%"),
        (B, ENV, "林区生态环境", "持续改善", "林区植被覆盖和水土保持状况"),
        (B, "可持续影响指标", "护林长效机制", "健全", "建立护林员巡护长效机制"),
        (S, SAT, "林农满意度", "≥90%", "问卷调查满意人数/调查人数×100%"),
    ]
    assert [i.target.op for i in rec.indicators] == [">=", ">=", ">=", None, None, ">="]


# --- 17. cells run together ------------------------------------------------------------


def test_cells_run_together_without_separators(tmp_path: Path, cfg: Config) -> None:
    """Class: a row's cells run together with no separator (年度绩效指标一级指标二级指标
    三级指标指标值; 产出指标数量指标培训人次≥120人次).  Copying a table out of some PDF
    viewers drops every cell border; only the vocabulary and the value show the cuts."""
    lines = [
        "2024年度项目支出绩效目标表",
        "项目名称：退役军人职业技能培训",
        "项目资金（元）：360000",
        "年度绩效指标一级指标二级指标三级指标指标值",
        "产出指标数量指标培训人次≥120人次",
        "质量指标培训考核合格率≥90%",
        "时效指标培训完成时间2024年10月底前",
        "效益指标社会效益指标参训人员就业率≥60%",
        "满意度指标服务对象满意度指标参训人员满意度≥95%",
    ]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert (rec.name, rec.budget_yuan) == ("退役军人职业技能培训", 360000)
    assert rows(rec) == [
        (P, QTY, "培训人次", "≥120人次", None),
        (P, QUAL, "培训考核合格率", "≥90%", None),
        (P, TIME, "培训完成时间", "2024年10月底前", None),
        (B, SOC, "参训人员就业率", "≥60%", None),
        (S, SAT, "参训人员满意度", "≥95%", None),
    ]


# --- 18. tables drawn with rules and bars ----------------------------------------------


def test_grid_table_with_cells_wrapped_between_rules(tmp_path: Path, cfg: Config) -> None:
    """Class: a grid table drawn with +---+ rules whose cells wrap over two lines between
    two rules.  Plain-text exports (pandoc, e-mail) draw tables so; the lines between two
    rules are one row, each column's pieces joined."""
    rule = "+----------+--------------+--------------------+-----------+----------------------+"
    head = "+==========+==============+====================+===========+======================+"
    body = [
        "| 一级指标 | 二级指标     | 三级指标           | 指标值    | 指标解释             |",
        head,
        "| 产出指标 | 数量指标     | 巡查河道长度       | ≥50公里   | 全年日常巡查覆盖的   |",
        "|          |              |                    |           | 河道总长度           |",
        rule,
        "|          | 质量指标     | 问题整改销号率     | ≥95%      | 已销号问题数/交办问  |",
        "|          |              |                    |           | 题数×100%            |",
        rule,
        "| 效益指标 | 生态效益指标 | 河道水质达标率     | ≥90%      | 达标断面数/监测断面  |",
        "|          |              |                    |           | 数×100%              |",
        rule,
        "| 满意度   | 服务对象满意 | 沿河群众满意度     | ≥90%      | 问卷调查满意比例     |",
        "| 指标     | 度指标       |                    |           |                      |",
        rule,
    ]
    text = (
        "2024年度项目支出绩效目标表\n项目名称：河长制巡河管护\n" + "\n".join([rule, *body]) + "\n"
    )
    rec = only(run(tmp_path, text, cfg))
    assert rec.name == "河长制巡河管护"
    assert rows(rec) == [
        (P, QTY, "巡查河道长度", "≥50公里", "全年日常巡查覆盖的河道总长度"),
        (P, QUAL, "问题整改销号率", "≥95%", "已销号问题数/交办问题数×100%"),
        (B, ENV, "河道水质达标率", "≥90%", "达标断面数/监测断面数×100%"),
        (S, SAT, "沿河群众满意度", "≥90%", "问卷调查满意比例"),
    ]


BAR_GRID = [
    ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
    [P, QTY, "义诊活动场次", "≥24场", "全年下乡开展义诊活动的场次"],
    ["", QUAL, "慢病随访规范率", "≥90%", "规范随访人数/随访总人数×100%"],
    [B, SOC, "村民健康素养水平", "≥25%", "健康素养监测达标人数占比"],
    [S, SAT, "就诊村民满意度", "≥90%", "现场调查满意人数/调查人数×100%"],
]
BAR_ROWS: list[Row5] = [
    (P, QTY, "义诊活动场次", "≥24场", "全年下乡开展义诊活动的场次"),
    (P, QUAL, "慢病随访规范率", "≥90%", "规范随访人数/随访总人数×100%"),
    (B, SOC, "村民健康素养水平", "≥25%", "健康素养监测达标人数占比"),
    (S, SAT, "就诊村民满意度", "≥90%", "现场调查满意人数/调查人数×100%"),
]


def test_box_drawing_table(tmp_path: Path, cfg: Config) -> None:
    """Class: a table drawn with box-drawing characters (┌─┬─┐, │, ├─┼─┤).  Text exports
    of word-processor tables draw them so; │ is a cell border, the ─ lines are rules."""
    top = "┌────────┬────────┬──────────┬──────┬──────────────┐"
    mid = "├────────┼────────┼──────────┼──────┼──────────────┤"
    bottom = "└────────┴────────┴──────────┴──────┴──────────────┘"
    lines = ["2024年度项目支出绩效目标表", "项目名称：巡回医疗下乡服务", top]
    for k, r in enumerate(BAR_GRID):
        lines.append("│" + "│".join(r) + "│")
        lines.append(mid if k < len(BAR_GRID) - 1 else bottom)
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert rec.name == "巡回医疗下乡服务"
    assert rows(rec) == BAR_ROWS


def test_full_width_bars(tmp_path: Path, cfg: Config) -> None:
    """Class: cells separated by full-width bars (｜), an empty first cell under a merged
    level.  Text typed or converted on Chinese input methods uses the full-width bar."""
    lines = ["2024年度项目支出绩效目标表", "项目名称｜巡回医疗下乡服务"]
    lines += ["｜".join(r) for r in BAR_GRID]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert rec.name == "巡回医疗下乡服务"
    assert rows(rec) == BAR_ROWS


# --- 19. CSV saved as text -------------------------------------------------------------


def test_csv_saved_as_text_with_a_quoted_line_break(tmp_path: Path, cfg: Config) -> None:
    """Class: a sheet saved as CSV under a .txt name, a quoted cell holding a line break.
    Spreadsheet exports quote a cell written over two lines (Alt+Enter); the break is
    inside the cell, not between rows."""
    text = (
        "2024年度项目支出绩效目标表,,,,\n"
        "项目名称,农村饮水安全维修养护,,,\n"
        "项目资金（元）,520000,,,\n"
        "一级指标,二级指标,三级指标,指标值,指标解释\n"
        '产出指标,数量指标,维修供水工程处数,≥15处,"全年完成维修养护的\n供水工程处数"\n'
        ",质量指标,水质检测合格率,≥95%,检测合格水样数/检测水样总数×100%\n"
        '效益指标,社会效益指标,受益人口,"≥3.2万人","工程维修后\n恢复稳定供水的人口"\n'
        "满意度指标,服务对象满意度指标,用水群众满意度,≥90%,入户调查满意户数/调查户数×100%\n"
    )
    rec = only(run(tmp_path, text, cfg, name="export.txt"))
    assert (rec.name, rec.budget_yuan) == ("农村饮水安全维修养护", 520000)
    assert rows(rec) == [
        (P, QTY, "维修供水工程处数", "≥15处", "全年完成维修养护的供水工程处数"),
        (P, QUAL, "水质检测合格率", "≥95%", "检测合格水样数/检测水样总数×100%"),
        (B, SOC, "受益人口", "≥3.2万人", "工程维修后恢复稳定供水的人口"),
        (S, SAT, "用水群众满意度", "≥90%", "入户调查满意户数/调查户数×100%"),
    ]


# --- 20. a header cut short of its explanation column ----------------------------------


def test_header_cut_short_of_the_explanation_its_rows_write(tmp_path: Path, cfg: Config) -> None:
    """Class: OCR/converter text whose header row stops at 指标值 while the rows write an
    explanation after the value.  OCR loses a header cell cut by the page edge or shaded;
    the rows' last cells are still the explanation."""
    text = "## 2024年度项目支出绩效目标表\n" + tabbed(
        [
            ["项目名称", "食品安全抽检监测"],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            [P, QTY, "抽检食品批次", "≥200批次", "全年完成抽检的食品样品批次"],
            ["", QUAL, "检测报告出具及时率", "100%", "按时出具报告份数/报告总份数×100%"],
            ["", COST, "单批次检测费用", "≤1500元", "检测经费总额/抽检批次"],
            [B, SOC, "问题食品处置率", "100%", "依法处置问题食品批次/不合格批次×100%"],
            [S, SAT, "消费者满意度", "≥85%", "随机调查满意人数/调查人数×100%"],
        ]
    )
    rec = only(run(tmp_path, text, cfg))
    assert rec.name == "食品安全抽检监测"
    assert rows(rec) == [
        (P, QTY, "抽检食品批次", "≥200批次", "全年完成抽检的食品样品批次"),
        (P, QUAL, "检测报告出具及时率", "100%", "按时出具报告份数/报告总份数×100%"),
        (P, COST, "单批次检测费用", "≤1500元", "检测经费总额/抽检批次"),
        (B, SOC, "问题食品处置率", "100%", "依法处置问题食品批次/不合格批次×100%"),
        (S, SAT, "消费者满意度", "≥85%", "随机调查满意人数/调查人数×100%"),
    ]


# --- 21. the line introducing a grid names its project ---------------------------------


def test_intro_line_names_the_project(tmp_path: Path, cfg: Config) -> None:
    """Class: no name field; the notice line introducing the grid names the project in
    quotes (关于“X”绩效目标的公示).  Single-project notices print the name only there;
    SPEC: the table is named X.  Read stage by stage (read_document → segment →
    interpret)."""
    text = (
        "关于“城区公厕提升改造项目”绩效目标的公示\n"
        "根据预算绩效管理有关要求，现将该项目绩效目标公示如下：\n"
        + barred(
            [
                ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"],
                [P, QTY, "改造公厕座数", "≥18座", "全年完成提升改造的公厕座数"],
                ["", QUAL, "改造工程验收合格率", "100%", "验收合格座数/改造座数×100%"],
                ["", TIME, "工程完工时间", "2024年11月底前", "全部改造工程竣工的时间"],
                [B, SOC, "如厕环境", "明显改善", "公厕卫生和无障碍设施状况"],
                [S, SAT, "如厕群众满意度", "≥90%", "现场随机调查满意比例"],
            ]
        )
    )
    [rec] = records(write(tmp_path, text), cfg)
    assert (rec.kind, rec.name) == ("project", "城区公厕提升改造项目")
    assert rows(rec) == [
        (P, QTY, "改造公厕座数", "≥18座", "全年完成提升改造的公厕座数"),
        (P, QUAL, "改造工程验收合格率", "100%", "验收合格座数/改造座数×100%"),
        (P, TIME, "工程完工时间", "2024年11月底前", "全部改造工程竣工的时间"),
        (B, SOC, "如厕环境", "明显改善", "公厕卫生和无障碍设施状况"),
        (S, SAT, "如厕群众满意度", "≥90%", "现场随机调查满意比例"),
    ]


def test_header_words_written_loosely_beside_exact_ones(tmp_path: Path, cfg: Config) -> None:
    """Class: a header whose level-2 and value words are the vocabulary's only loosely
    (二级指标名称, 预期目标值) beside two it writes as they are (序号, 一级指标), one cell
    per line.  The loose words count once two exact ones are there."""
    text = "\n".join(
        [
            "项目支出绩效目标批复表",
            "项目名称",
            "示范项目",
            "序号",
            "一级指标",
            "二级指标名称",
            "绩效指标",
            "预期目标值",
            "1",
            "产出指标",
            "数量指标",
            "城镇新增就业人数",
            "25000人",
            "2",
            "满意度指标",
            "服务对象满意度指标",
            "群众满意度",
            "≥90%",
        ]
    )
    rec = only(run(tmp_path, text + "\n", cfg))
    assert [r[:4] for r in rows(rec)] == [
        ("产出指标", "数量指标", "城镇新增就业人数", "25000人"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"),
    ]


def test_unit_written_in_the_value_columns_header(tmp_path: Path, cfg: Config) -> None:
    """Class: the unit written once in the value column's header (年度目标值（%）) for cells
    that write none; a cell with its own unit keeps it, and value_raw stays as written."""
    grid = [
        ["项目名称", "示范项目", "", ""],
        ["一级指标", "二级指标", "三级指标", "年度目标值（%）"],
        ["产出指标", "质量指标", "验收合格率", "≥95"],
        ["产出指标", "数量指标", "培训人次", "≥100人次"],
        ["效益指标", "社会效益指标", "服务水平", "有所提升"],
    ]
    rec = only(run(tmp_path, tabbed(grid), cfg))
    assert [(i.target.raw, i.target.value, i.target.unit) for i in rec.indicators] == [
        ("≥95", 95, "%"),
        ("≥100人次", 100, "人次"),
        ("有所提升", None, None),
    ]


def test_bar_rows_wrapped_at_a_cell_boundary(tmp_path: Path, cfg: Config) -> None:
    """Class: bar-separated rows broken over two lines by a converter's line width, once
    right after a bar (the header: …自评得分 | / 分值 | 偏差原因) and once inside a cell;
    the rows close with a bar, so a line that does not is the end of the row before."""
    text = (
        "项目支出绩效自评表\n项目名称：示范项目\n"
        "序号 | 指标名称 | 评分规则 | 预期目标值 | 全年完成值 | 自评得分 |\n"
        " 分值 | 偏差原因分析及改进措施\n"
        " | 产出指标 |  |  |  |  |  | \n"
        " | 数量指标 |  |  |  |  |  | \n"
        "1 | 培训人次 | 达到目标得满分，未达到按完成比例得分\n"
        "或不得分 | ≥100人次 | 120 | 10 | 10 | \n"
        "2 | 服务满意度 | 达到目标得满分 | ≥90% | 95% | 10 | 10 | \n"
        "3 | 验收合格率 | 按比例得分 | 100% | 100% | 10 | 10 | \n"
    )
    rec = only(run(tmp_path, text, cfg))
    assert [
        (i.level3, i.target.raw, i.actual.raw if i.actual else None, i.weight, i.explanation)
        for i in rec.indicators
    ] == [
        ("培训人次", "≥100人次", "120", 10, "达到目标得满分，未达到按完成比例得分或不得分"),
        ("服务满意度", "≥90%", "95%", 10, "达到目标得满分"),
        ("验收合格率", "100%", "100%", 10, "按比例得分"),
    ]


def test_bar_rows_mostly_broken_inside_a_cell(tmp_path: Path, cfg: Config) -> None:
    """Class: nearly every row of a bar-separated table broken over two lines inside a
    long cell, so few lines show a whole row's bars; two lines whose bars add up, the first
    not ending in a bar, are one row."""
    rule = "达到目标得满分，未达到按完成比例得分或不得分"
    text = (
        "项目支出绩效自评表\n项目名称 | 示范项目\n"
        "一级指标 | 二级指标 | 三级指标 | 评分规则 | 目标值 | 实际完成值 | 权重 | 自评得分\n"
        f"产出指标 | 数量指标 | 培训人次 | {rule[:12]}\n{rule[12:]} | ≥100人次 | 120 | 10 | \n"
        f"产出指标 |  | 发放准确率 | {rule} | 不低\n于95% | 100 | 5 | \n"
        f"效益指标 | 社会效益指标 | 就业率 | {rule[:15]}\n{rule[15:]} | 提高 | 提高 | 5 | \n"
    )
    rec = only(run(tmp_path, text, cfg))
    assert [
        (i.level1, i.level2, i.level3, i.target.raw, i.actual.raw if i.actual else None, i.weight)
        for i in rec.indicators
    ] == [
        ("产出指标", "数量指标", "培训人次", "≥100人次", "120", 10),
        # the level-1 written on every row: merges are filled, an empty level-2 is empty
        ("产出指标", None, "发放准确率", "不低于95%", "100", 5),
        ("效益指标", "社会效益指标", "就业率", "提高", "提高", 5),
    ]


@pytest.mark.parametrize(
    "upper, lower, cells",
    [
        # 年度指标值 over 年度目标值 | 全年完成值 (a 自评表)
        (
            ["三级指标", "年度指标值", "权重", "自评得分", "指标解释"],
            ["年度目标值", "全年完成值"],
            [["培训人次", "≥100人次", "120", "10", "9", "以签到表为准"]],
        ),
        # 年度指标值 over 计量单位 | 数值
        (
            ["三级指标", "年度指标值", "数据来源"],
            ["计量单位", "数值"],
            [["培训人次", "人次", "≥100", "签到表"]],
        ),
    ],
)
def test_two_row_header_written_one_cell_a_line(
    tmp_path: Path, cfg: Config, upper: list[str], lower: list[str], cells: list[list[str]]
) -> None:
    """Class: a two-row header written one cell a line, the lower row's words (目标值 |
    完成值, 计量单位 | 数值) after the upper row's last word: they divide the upper row's
    value column, they are no columns after its last."""
    lines = ["项目支出绩效自评表", "项目名称", "示范项目", "一级指标", "二级指标", *upper, *lower]
    lines += ["产出指标", "数量指标", *cells[0]]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    [ind] = rec.indicators
    assert (ind.level3, ind.target.value, ind.target.unit) == ("培训人次", 100, "人次")
    if "全年完成值" in lower:
        assert (ind.actual.raw, ind.weight, ind.score, ind.explanation) == (
            "120",
            10,
            9,
            "以签到表为准",
        )


def test_one_cell_per_line_repeated_rule_and_names_of_one_width(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: one cell per line, a scoring rule repeated on every row before a short
    source word of a column of its own (相关文件 / 业务台账), and numbered names that happen
    to be of one width before worded targets (（11）绩效目标明确性 | 明确).  A line repeated
    before different lines is a whole cell; names of one width followed by targets show no
    wrap width."""
    rule = "达到目标得满分，未达到按完成比例得分或不得分"
    head = ["项目支出绩效自评表", "项目名称", "示范项目"]
    head += ["一级指标", "三级指标", "年度指标值", "全年完成值", "权重", "评分规则", "指标数据来源"]
    body = ["产出指标"]
    rows = [
        ("（1）培训人次", "≥100人次", "120", "10", "相关文件"),
        ("（2）发放准确率", "≥95%", "100%", "10", "业务台账"),
        ("（3）补贴发放及时率", "100%", "100%", "10", "问卷调查"),
        ("（11）绩效目标明确性", "明确", "明确", "6", "统计报表"),
        ("（12）财务监控有效性", "有效", "有效", "2", "相关文件"),
        ("（13）管理制度健全性", "健全", "较健全", "2", "业务台账"),
    ]
    for name, target, actual, weight, source in rows:
        body += [name, target, actual, weight, rule, source]
    # one explanation wrapped at the rule's very width: the text wraps cells there
    long = [
        "按季度统计全区各街道社区宣传活动开展情况汇总",
        "并以宣传台账和活动照片为依据核实覆盖的范围",
        "同时抽查部分社区居民知晓情况确认宣传的效果",
    ]
    long += ["为准"]
    body += ["（4）宣传覆盖率", "≥90%", "95%", "10", *long, "相关文件"]
    rec = only(run(tmp_path, "\n".join(head + body) + "\n", cfg))
    assert [
        (i.level3, i.target.raw, i.actual.raw if i.actual else None, i.weight, i.explanation)
        for i in rec.indicators
    ] == [(n[n.index("）") + 1 :], t, a, float(w), rule) for n, t, a, w, _ in rows] + [
        ("宣传覆盖率", "≥90%", "95%", 10.0, "".join(long))
    ]


def test_level_labels_written_on_the_last_row_of_their_blocks(tmp_path: Path, cfg: Config) -> None:
    """Class: merged level cells whose labels a converter wrote on the last row they span
    (rows before the first label, none after the last, and blocks of three rows whose
    labels cannot sit at their middles): each row takes the next label of each level at
    or below it, not the one above it nor the middle one."""
    grid = [
        ["项目名称", "示范项目", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["", "", "培训人次", "≥100人次"],
        ["", "", "发放人数", "≥50人"],
        ["", "数量指标", "宣传场次", "≥10场"],
        ["", "", "验收合格率", "100%"],
        ["产出指标", "质量指标", "数据准确率", "≥95%"],
        ["", "", "就业率", "提高"],
        ["", "", "收入增长", "有所增长"],
        ["效益指标", "社会效益指标", "服务人次", "≥500人次"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
    ]
    rec = only(run(tmp_path, tabbed(grid), cfg))
    assert [r[:3] for r in rows(rec)] == [
        ("产出指标", "数量指标", "培训人次"),
        ("产出指标", "数量指标", "发放人数"),
        ("产出指标", "数量指标", "宣传场次"),
        ("产出指标", "质量指标", "验收合格率"),
        ("产出指标", "质量指标", "数据准确率"),
        ("效益指标", "社会效益指标", "就业率"),
        ("效益指标", "社会效益指标", "收入增长"),
        ("效益指标", "社会效益指标", "服务人次"),
        ("满意度指标", "服务对象满意度指标", "群众满意度"),
    ]


def test_grid_table_with_rows_wrapped_into_many_lines(tmp_path: Path, cfg: Config) -> None:
    """Class: a grid table whose narrow columns wrap every row into four lines between two
    rules (few rule lines among many), beside a box drawn round a body of one row a line
    (numbered on every line): the first is a row per rule, the second a row per line."""
    rule = "+----------+----------+------------+--------+------------+"
    wrapped = [
        "| 序号     | 一级指标 | 三级指标   | 指标值 | 指标解释   |",
        rule.replace("-", "="),
        "| 1        | 产出指标 | 巡查河道长 | ≥50公  | 全年日常巡 |",
        "|          |          | 度         | 里     | 查覆盖的河 |",
        "|          |          |            |        | 道总长度   |",
        "|          |          |            |        |            |",
        rule,
        "| 2        | 产出指标 | 问题整改销 | ≥95%   | 已销号问题 |",
        "|          |          | 号率       |        | 数/交办问  |",
        "|          |          |            |        | 题数×100%  |",
        "|          |          |            |        |            |",
        rule,
        "| 3        | 效益指标 | 河道水质达 | ≥90%   | 达标断面数 |",
        "|          |          | 标率       |        | /监测断面  |",
        "|          |          |            |        | 数×100%    |",
        "|          |          |            |        |            |",
        rule,
    ]
    box = [
        "┌──────┬──────────┬──────────────┬────────┐",
        "│ 序号 │ 一级指标 │ 三级指标     │ 指标值 │",
        "├──────┼──────────┼──────────────┼────────┤",
        "│ 1    │ 产出指标 │ 培训人次     │ ≥100   │",
        "│ 2    │          │ 验收合格率   │ 100%   │",
        "│ 3    │ 效益指标 │ 就业率       │ 提高   │",
        "└──────┴──────────┴──────────────┴────────┘",
    ]
    text = "\n".join(
        ["项目支出绩效目标表", "项目名称：河道管护", rule, *wrapped, ""]
        + ["项目支出绩效目标表", "项目名称：教师培训", *box]
    )
    a, b = records(write(tmp_path, text + "\n"), cfg)
    assert [(i.level1, i.level3, i.target.raw, i.explanation) for i in a.indicators] == [
        (P, "巡查河道长度", "≥50公里", "全年日常巡查覆盖的河道总长度"),
        (P, "问题整改销号率", "≥95%", "已销号问题数/交办问题数×100%"),
        (B, "河道水质达标率", "≥90%", "达标断面数/监测断面数×100%"),
    ]
    assert [(i.level1, i.level3, i.target.raw) for i in b.indicators] == [
        (P, "培训人次", "≥100"),
        (P, "验收合格率", "100%"),
        (B, "就业率", "提高"),
    ]


def test_fixed_width_text_with_cells_wrapped_inside_their_columns(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: fixed-width text (``pdftotext -layout``) whose long names and explanations
    wrap inside their columns onto the next lines, the row's short cells on its first
    line.  A line whose every piece starts under a cell that filled its column goes on
    that row; a line with a cell under a short one (a new name) starts a row."""
    stops = [0, 12, 26, 46, 58]
    rows_in = [
        (P, QTY, "驻外人员数量", "≥20", "市政府驻北京办事处有在编在岗人员一人，驻大连办事处一人"),
        ("", "", "引流到市考察投资企业批次", "≥100批次", "各联络处通过拜访引流"),
        ("", QUAL, "出勤天数", "≥22天", "按照文件规定，每月驻外天数不少于二十二天。"),
        (S, SAT, "群众满意度", "≥90%", "问卷调查"),
    ]
    lines = ["项目支出绩效目标表", "项目名称：驻外联络补助", ""]
    lines.append(fixed(stops, ["一级指标", "二级指标", "三级指标", "目标值", "指标解释"]))
    for l1, l2, name, value, expl in rows_in:
        names, expls = wrapped(name, 8), wrapped(expl, 12)
        for k in range(max(len(names), len(expls))):
            first = k == 0
            lines.append(
                fixed(
                    stops,
                    [
                        l1 if first else "",
                        l2 if first else "",
                        names[k] if k < len(names) else "",
                        value if first else "",
                        expls[k] if k < len(expls) else "",
                    ],
                )
            )
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert rows(rec) == [
        (P, QTY, "驻外人员数量", "≥20", rows_in[0][4]),
        (P, QTY, "引流到市考察投资企业批次", "≥100批次", rows_in[1][4]),
        (P, QUAL, "出勤天数", "≥22天", rows_in[2][4]),
        (S, SAT, "群众满意度", "≥90%", "问卷调查"),
    ]


def test_one_cell_per_line_type_column_garbled_level1_and_a_method_column(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: one cell per line under 指标类型 | 指标名称 | 年度指标值 | 考核方式: the level-1
    garbled by OCR on its own row (严出指标 over 数量指标: 产出指标, from its child), and a
    column of a few methods written again and again (问卷调查 / 查阅资料), which are no
    names even where a row leaves it out."""
    lines = ["项目支出绩效目标表", "项目名称", "示范项目"]
    lines += ["指标类型", "指标名称", "年度指标值", "考核方式", "严出指标", "数量指标"]
    lines += ["养老金标准", "≥200元每人每月", "问卷调查"]
    lines += ["贷款金额", "5000万元", "查阅资料"]
    lines += ["新增就业人数", "根据下达任务目标要求确定", "问卷调查"]
    lines += ["促进创业人数", "根据下达任务目标要求确定", "查阅资料"]
    lines += ["质量指标", "贷款还款率", "90%以上", "实地查看"]
    lines += ["补贴发放准确率", "98%以上"]
    lines += ["时效指标", "资金下达率", "100%", "实地查看"]
    lines += ["资金支付规范性", "合规", "查阅资料", "实际资金支出率", "≥95%", "问卷调查"]
    lines += ["成本指标", "成本控制率", "100%", "实地查看"]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "养老金标准", "≥200元每人每月"),
        (P, QTY, "贷款金额", "5000万元"),
        (P, QTY, "新增就业人数", "根据下达任务目标要求确定"),
        (P, QTY, "促进创业人数", "根据下达任务目标要求确定"),
        (P, QUAL, "贷款还款率", "90%以上"),
        (P, QUAL, "补贴发放准确率", "98%以上"),
        (P, TIME, "资金下达率", "100%"),
        (P, TIME, "资金支付规范性", "合规"),
        (P, TIME, "实际资金支出率", "≥95%"),
        (P, COST, "成本控制率", "100%"),
    ]


def test_a_long_line_of_label_value_pairs_opens_the_head(tmp_path: Path, cfg: Config) -> None:
    """Class: the project's fields on one long line of label：value pairs (over forty
    characters: 专项（项目）名称：… 预算资金（元）：…) right above an untitled grid; it is
    the table's head, so the name and budget are read."""
    grid = [
        ["专项（项目）名称：市政府驻上海联络处房屋租赁费　　预算资金（元）：216,000.00", "", ""],
        ["二级指标", "三级指标", "年度指标值"],
        ["数量指标", "企业拜访率", "≥95%"],
        ["服务对象满意度指标", "访问人员满意度", "≥90%"],
    ]
    rec = only(run(tmp_path, tabbed(grid), cfg))
    assert (rec.name, rec.budget_yuan) == ("市政府驻上海联络处房屋租赁费", 216_000)
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "企业拜访率", "≥95%"),
        (S, SAT, "访问人员满意度", "≥90%"),
    ]


def test_side_label_written_over_two_columns(tmp_path: Path, cfg: Config) -> None:
    """Class: a header whose first cell, merged over the headings' and the names' columns,
    is written once per column (绩效指标 | 绩效指标 | 年度目标值 …), one cell per line:
    the first is the headings' column, the second the names'."""
    lines = ["项目支出绩效自评表", "项目名称", "示范项目"]
    lines += ["绩效指标", "绩效指标", "年度目标值", "全年完成值", "权重"]
    lines += ["产出指标", "数量指标", "1.培训人次", "≥100人次", "120", "10"]
    lines += ["2.发放人数", "≥50人", "55", "10"]
    lines += ["质量指标", "1.验收合格率", "100%", "100%", "10"]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "培训人次", "≥100人次"),
        (P, QTY, "发放人数", "≥50人"),
        (P, QUAL, "验收合格率", "100%"),
    ]


def test_csv_whose_cell_line_breaks_are_not_quoted(tmp_path: Path, cfg: Config) -> None:
    """Class: a CSV dump that wrote a cell's line break without quoting it, so a record
    breaks into two lines of too few fields; where their fields add up to a whole row's
    (the broken cell counted once) they are one row.  Label rows of two fields stay."""
    text = (
        "项目名称,示范项目,,,\n"
        "一级指标,二级指标,三级指标,指标解释,指标值\n"
        "产出指标,数量指标,培训人次,以签到表为准,≥100人次\n"
        ",,基层调研,针对工作难点，\n"
        "每月到基层开展调研,不少于10次/月\n"
        ",,议事会议,按照议事规则，\n"
        "每月召开会议,10次/月以上\n"
        ",质量指标,验收合格率,验收报告,100%\n"
        "效益指标,社会效益指标,就业率,统计报表,提高\n"
    )
    rec = only(run(tmp_path, text, cfg, name="doc.csv"))
    assert rows(rec) == [
        (P, QTY, "培训人次", "≥100人次", "以签到表为准"),
        (P, QTY, "基层调研", "不少于10次/月", "针对工作难点，每月到基层开展调研"),
        (P, QTY, "议事会议", "10次/月以上", "按照议事规则，每月召开会议"),
        (P, QUAL, "验收合格率", "100%", "验收报告"),
        (B, SOC, "就业率", "提高", "统计报表"),
    ]


def test_header_of_side_labels_and_a_value_group(tmp_path: Path, cfg: Config) -> None:
    """Class: a header written one cell a line whose only words the vocabulary names as
    written are a side label twice and a value group (绩效指标 | 绩效指标 | 年度指标值 |
    数值 | 运算符号 | 度量单位): the side labels count as header words."""
    lines = [
        "部门名称",
        "某局",
        "绩效指标",
        "绩效指标",
        "年度指标值",
        "数值",
        "运算符号",
        "度量单位",
    ]
    lines += ["产出指标", "数量指标", "（1）养老金标准", "200", "≥", "元每人每月"]
    lines += ["（2）贷款金额", "5000", "万元"]
    lines += ["质量指标", "（3）还款率", "90", "≥", "%"]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "养老金标准", "≥200元每人每月"),
        (P, QTY, "贷款金额", "5000万元"),
        (P, QUAL, "还款率", "≥90%"),
    ]


def test_fixed_width_grid_of_two_columns_under_a_vertical_side_label(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: fixed-width text whose grid has two text columns (name and target), the
    headings on lines of their own, and a side label printed down its left edge one
    character a line (绩 / 效 / 指 / 标); most lines hold two cells apart by a run of
    spaces, so that is how the text separates cells, and one written header word beside
    loose ones naming both the name and the value makes its header."""
    lines = ["项目支出绩效目标表", "  项目名称：拆违经费", "  项目资金：349.80", ""]
    lines += ["  绩  指标名称                    年度目标值（%）", ""]
    lines += ["  效  成本指标", "", "  指  经济成本指标", ""]
    lines += ["  标  (1)成本控制合理性           合理", ""]
    lines += ["      产出指标", "", "      数量指标", ""]
    lines += ["      (1)完成年度拆违计划         =100.00", ""]
    lines += ["      (2)新增违建处置率           =100.00", ""]
    lines += ["      满意度指标", "", "      服务对象满意度指标", ""]
    lines += ["      (1)群众满意度               ≥90.00", ""]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert [
        (i.level1, i.level2, i.level3, i.target.raw, i.target.unit) for i in rec.indicators
    ] == [
        ("成本指标", "经济成本指标", "成本控制合理性", "合理", None),
        (P, QTY, "完成年度拆违计划", "=100.00", "%"),
        (P, QTY, "新增违建处置率", "=100.00", "%"),
        (S, SAT, "群众满意度", "≥90.00", "%"),
    ]


def test_header_of_many_roles_without_name_or_value_words(tmp_path: Path, cfg: Config) -> None:
    """Class: a 自评表 header that names neither the name nor the target column (序号 | 指标
    | 评（扣）分标准 | 数值 | 符号 | 计量单位 | 全年实际值 | 自评得分 | 分值): words of four
    roles or more make a grid header, the section word's column holds the names and the
    column no word names (数值) the targets."""
    head = [
        "序号",
        "指标",
        "评（扣）分标准",
        "数值",
        "符号",
        "计量单位",
        "全年实际值",
        "自评得分",
        "分值",
    ]
    grid = [
        ["项目名称", "示范项目", "", "", "", "", "", "", ""],
        head,
        ["", "产出指标", "", "", "", "", "", "", ""],
        ["", "数量指标", "", "", "", "", "", "", ""],
        ["1", "培训人次", "达到目标得满分", "100", "≥", "人次", "120", "10", "10"],
        ["", "质量指标", "", "", "", "", "", "", ""],
        ["2", "验收合格率", "按比例得分", "95", "≥", "%", "100", "10", "10"],
    ]
    rec = only(run(tmp_path, tabbed(grid), cfg))
    assert [
        (i.level1, i.level2, i.level3, i.target.raw, i.actual.raw if i.actual else None, i.weight)
        for i in rec.indicators
    ] == [
        (P, QTY, "培训人次", "≥100人次", "120", 10),
        (P, QUAL, "验收合格率", "≥95%", "100", 10),
    ]


def test_loose_header_words_right_after_the_first_written_one(tmp_path: Path, cfg: Config) -> None:
    """Class: a header written one cell a line whose first word is the vocabulary's as
    written and the next ones only loosely (一级指标 | 二级指标名称 | 三级指标名称 | 指标值):
    the loose words belong to the header once one written word opened it."""
    lines = ["部门整体支出绩效目标表", "单位名称：某局"]
    lines += ["一级指标", "二级指标名称", "三级指标名称", "指标值"]
    lines += [P, QTY, "贷款金额", "6000万元", "新增就业人数", "≥3.2万人"]
    lines += [S, SAT, "群众满意度", "≥90%"]
    path = write(tmp_path, "\n".join(lines) + "\n")
    [table] = segment(read_document(path, cfg), cfg).tables
    assert [r.texts[0] for r in table.header_rows] == lines[2:6]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "贷款金额", "6000万元"),
        (P, QTY, "新增就业人数", "≥3.2万人"),
        (S, SAT, "群众满意度", "≥90%"),
    ]


def test_one_cell_per_line_header_the_vocabulary_knows_in_part(tmp_path: Path, cfg: Config) -> None:
    """Class: a header written one cell a line of which the vocabulary knows one word as
    written at most (指标 / 预期目标值 / 考核方式), right above the grid's first heading;
    repeated after a page break before a row that is no heading.  Read by its shape, as
    such a header written across a row is: labels naming the value, then a heading."""
    head = ["指标", "预期目标值", "考核方式"]
    lines = ["部门整体绩效目标表（2025年度）", "部门（单位）名称：", "某市档案局", *head]
    lines += ["一、产出指标", "（一）数量指标", "（1）档案接收数量", "≥3000卷", "查阅资料"]
    lines += ["（2）数字化扫描页数", "120万页", "实地查看"]
    lines += ["- 2 -", *head]
    lines += ["（3）开放档案件数", "≥500件", "抽样检查"]
    lines += [
        "二、满意度指标",
        "（一）服务对象满意度指标",
        "（1）查档群众满意度",
        "≥90%",
        "问卷调查",
    ]
    text = "\n".join(lines) + "\n"
    [table] = segment(read_document(write(tmp_path, text), cfg), cfg).tables
    assert [r.texts[0] for r in table.header_rows] == head
    rec = only(run(tmp_path, text, cfg))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "档案接收数量", "≥3000卷"),
        (P, QTY, "数字化扫描页数", "120万页"),
        (P, QTY, "开放档案件数", "≥500件"),
        (S, SAT, "查档群众满意度", "≥90%"),
    ]


def test_bar_rows_without_outer_bars_whose_last_cell_is_empty(tmp_path: Path, cfg: Config) -> None:
    """Class: bar-separated rows without outer bars, a row whose last cells are empty
    ending in a bar (一、产出指标 |  |  | ): two lines of the table's own bar count are two
    rows, not the halves of one (the first ends without a bar only because its last cell
    is written)."""
    grid = [
        ["指标", "年度指标值", "", ""],
        ["", "符号", "度量单位", "数值"],
        ["一、产出指标", "", "", ""],
        ["（一）数量指标", "", "", ""],
        ["道路保洁面积", "≥", "万平方米", "320"],
        ["垃圾清运量", "=", "万吨", "12.5"],
        ["（二）质量指标", "", "", ""],
        ["道路保洁达标率", "≥", "%", "95"],
        ["二、满意度指标", "", "", ""],
        ["（一）服务对象满意度指标", "", "", ""],
        ["群众满意度", "≥", "%", "92"],
    ]
    text = "项目绩效目标表\n项目名称：道路保洁服务\n" + barred(grid)
    rec = only(run(tmp_path, text, cfg))
    assert rec.name == "道路保洁服务"
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "道路保洁面积", "≥320万平方米"),
        (P, QTY, "垃圾清运量", "=12.5万吨"),
        (P, QUAL, "道路保洁达标率", "≥95%"),
        (S, SAT, "群众满意度", "≥92%"),
    ]


def test_page_furniture_between_the_rows_of_a_grid(tmp_path: Path, cfg: Config) -> None:
    """Class: a grid of several cells a row broken over pages, with the page's furniture
    between two of its rows: the page number, the running header the first page prints
    too (whatever its words), a 续表 line; in Markdown each page's part is a pipe table of
    its own whose first row is a data row.  The furniture ends the grid nowhere and is
    none of its rows (an empty level-2 stays empty where level-1 is written on every row)."""
    run_head = "2025年度市级部门绩效目标公开"
    head = "| 序号 | 一级指标 | 二级指标 | 三级指标 | 指标值 |\n|---|---|---|---|---|\n"

    def page(n: int, body: list[str]) -> str:
        return "".join(f"| {r} |\n" if k else f"| {r} |\n|---|---|---|---|---|\n"
                       for k, r in enumerate(body)) + f"\n{n}\n\n{run_head}\n\n续表：\n\n"  # fmt: skip

    text = f"{run_head}\n\n**项目支出绩效目标表**\n\n项目名称：城市书房运营\n\n" + head
    text += "| 1 | 产出指标 | 数量指标 | 新建城市书房 | ≥5个 |\n"
    text += "| 2 | 产出指标 |  | 图书借阅量 | ≥2万册次 |\n\n1\n\n" + f"{run_head}\n\n续表：\n\n"
    text += page(
        2, ["3 | 产出指标 |  | 开放时长 | ≥10小时/天", "4 | 效益指标 |  | 读者人次 | ≥8万"]
    )
    text += "| 5 | 满意度指标 |  | 读者满意度 | ≥90% |\n|---|---|---|---|---|\n"
    rec = only(run(tmp_path, text, cfg, "doc.md"))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "新建城市书房", "≥5个"),
        (P, None, "图书借阅量", "≥2万册次"),
        (P, None, "开放时长", "≥10小时/天"),
        (B, None, "读者人次", "≥8万"),
        (S, None, "读者满意度", "≥90%"),
    ]


def test_tab_rows_broken_at_a_paragraph_break_inside_a_cell(tmp_path: Path, cfg: Config) -> None:
    """Class: a word processor's plain text (tabs between cells, every cell written) where a
    paragraph break inside a cell ends the line, so a row runs over two lines whose tabs
    add up to a whole row's; two tables of different widths in one text, each read by its
    own width."""
    one = [
        ["一级指标", "二级指标", "三级指标", "指标值", "评分标准", "分值"],
        [P, QTY, "（1）新建社区书屋", "≥12个", "完成得满分", "10"],
        [P, QTY, "（2）图书配送", "≥3万册", "完成得满分", "10"],
        [P, QUAL, "（3）书屋达标率", "≥95%", "完成得满分", "10"],
        [S, SAT, "（4）居民满意度", "≥90%", "完成得满分", "10"],
    ]
    text = "项目绩效目标表\n项目名称：社区书屋建设\n" + tabbed(one)
    text = text.replace("（2）图书配送", "（2）图书\n配送").replace(
        "完成得满分\t10\n" + S, "完成得\n满分\t10\n" + S
    )
    two = [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        [P, QTY, "（1）培训场次", "≥20场"],
        [P, TIME, "（2）按期完成率", "100%"],
        [B, SOC, "（3）受益人数", "≥5000人"],
    ]
    text += "\n填报说明：无\n\n项目绩效目标表\n项目名称：阅读推广活动\n" + tabbed(two)
    text = text.replace("（3）受益人数", "（3）受益\n人数")
    res = run(tmp_path, text, cfg)
    first, second = res.tables
    assert [r[:4] for r in rows(first)] == [
        (P, QTY, "新建社区书屋", "≥12个"),
        (P, QTY, "图书配送", "≥3万册"),
        (P, QUAL, "书屋达标率", "≥95%"),
        (S, SAT, "居民满意度", "≥90%"),
    ]
    assert [r[:4] for r in rows(second)] == [
        (P, QTY, "培训场次", "≥20场"),
        (P, TIME, "按期完成率", "100%"),
        (B, SOC, "受益人数", "≥5000人"),
    ]


def test_csv_sheet_of_two_columns_under_loose_header_words(tmp_path: Path, cfg: Config) -> None:
    """Class: a sheet saved as CSV whose header names its two columns in words the
    vocabulary knows only loosely (指标,预期目标值), with the headings as rows padded to the
    sheet's width (产出指标,): a CSV by its shape (most lines as wide as the sheet)."""
    lines = ["项目名称：河道保洁服务,", "预算资金：120.5 万元,", "指标,预期目标值"]
    lines += [f"{P},", f"{QTY},", "河道保洁长度,≥35(公里)", "垃圾打捞量,＝１２００(吨)"]
    lines += [f"{QUAL},", "水面保洁达标率,≥95%", f"{S},", f"{SAT},", "沿岸居民满意度,90%以上"]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg, "sheet.txt"))
    assert rec.name == "河道保洁服务"
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "河道保洁长度", "≥35(公里)"),
        (P, QTY, "垃圾打捞量", "＝１２００(吨)"),
        (P, QUAL, "水面保洁达标率", "≥95%"),
        (S, SAT, "沿岸居民满意度", "90%以上"),
    ]


def test_title_split_over_two_lines_with_the_year_in_brackets(tmp_path: Path, cfg: Config) -> None:
    """Class: a title broken over two lines whose second line adds the year in brackets
    (某局2024年 / 部门整体绩效目标表（2024年度）); a department table with no name field
    is named by the issuer its title names."""
    grid = [
        ["基本支出（万元）：310.2", "", ""],
        ["项目支出（万元）：95.8", "", ""],
        ["三级指标名称", "年度目标值", "数据来源"],
        [P, "", ""],
        [QTY, "", ""],
        ["档案数字化页数", "≥50万页", "统计报表"],
        [S, "", ""],
        [SAT, "", ""],
        ["查档群众满意度", "≥90%", "问卷调查"],
    ]
    text = "某市档案馆2024年\n部门整体绩效目标表（2024年度）\n" + barred(grid)
    rec = only(run(tmp_path, text, cfg))
    assert (rec.kind, rec.year, rec.name) == ("department", 2024, "某市档案馆")
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "档案数字化页数", "≥50万页"),
        (S, SAT, "查档群众满意度", "≥90%"),
    ]


def test_two_column_table_of_one_bar_a_row(tmp_path: Path, cfg: Config) -> None:
    """Class: a table of two columns written one bar a row, without outer bars (指标｜指标值,
    一、产出指标｜), as CMS editors and IME-typed tables do: a bar table all the same."""
    lines = [
        "某区档案馆部门整体绩效目标表（2024年度）",
        "部门（单位）名称：某区档案馆",
        "指标｜指标值",
    ]
    lines += [
        "一、产出指标｜",
        "（一）数量指标｜",
        "（1）接收进馆档案｜≥3000卷",
        "（2）数字化页数｜50万页",
    ]
    lines += [
        "（二）质量指标｜",
        "（3）档案完好率｜100%",
        "二、满意度指标｜",
        "（一）服务对象满意度指标｜",
    ]
    lines += ["（4）查档群众满意度｜≥90%"]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "接收进馆档案", "≥3000卷"),
        (P, QTY, "数字化页数", "50万页"),
        (P, QUAL, "档案完好率", "100%"),
        (S, SAT, "查档群众满意度", "≥90%"),
    ]


def test_bordered_bar_rows_broken_next_to_a_bar(tmp_path: Path, cfg: Config) -> None:
    """Class: bordered bar rows (| a | b |) wrapped at a width right next to a bar: before
    it (the rest of the row opens with a bar: ``| 10 |``) or after it (the rest opens with
    none: ``…率 | 95% |``).  The pieces are one row where their bars add up to a whole
    row's, as wide as the text's unbroken rows."""
    lines = [
        "项目绩效目标表",
        "项目名称：社区养老服务",
        "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 |",
        f"| {P} | {QTY} | 助餐服务人次 | ≥2万人次 ",
        "| 10 |",
        f"| {P} | {QUAL} | 服务",
        "投诉处理率 | 100% | 10 |",
        f"| {P} | {TIME} | 补贴发放及时率 | ",
        "≥95% | 10 |",
        f"| {S} | {SAT} | 老年人满意度 | ≥90% | 10 |",
    ]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "助餐服务人次", "≥2万人次"),
        (P, QUAL, "服务投诉处理率", "100%"),
        (P, TIME, "补贴发放及时率", "≥95%"),
        (S, SAT, "老年人满意度", "≥90%"),
    ]


def test_fixed_width_field_lines_aligned_in_the_same_columns(tmp_path: Path, cfg: Config) -> None:
    """Class: fixed-width text whose head writes its fields as label / value lines aligned
    in the same columns (专项（项目）名称   X / 项目资金   67300000): a line that opens
    with a field label is a row of its own, never the wrapped rest of the line above,
    however exactly its cells stand under that line's."""
    stops = [4, 23, 44, 57]
    lines = ["2024年项目支出绩效目标表", "单位：元"]
    lines.append(fixed([4, 64], ["专项（项目）名称", "社区养老服务"]))
    lines.append(fixed([4, 64], ["项目资金", "850000"]))
    lines.append(fixed(stops, ["一级指标", "二级指标", "三级指标", "指标值"]))
    lines.append(fixed(stops, [P, QTY, "助餐服务人次", "≥2万人次"]))
    lines.append(fixed(stops, [S, SAT, "老年人满意度", "≥90%"]))
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert (rec.name, rec.budget_yuan) == ("社区养老服务", 850000)
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "助餐服务人次", "≥2万人次"),
        (S, SAT, "老年人满意度", "≥90%"),
    ]


def test_signature_line_ends_a_table_and_opens_no_head(tmp_path: Path, cfg: Config) -> None:
    """Class: a table's signature line (审核人：  经办人：) right before the next table's
    introducing line (关于“X”项目…的公开说明) and fields: it ends the table before and
    opens no head, so the introducing line names the next project."""
    grid = [["一级指标", "二级指标", "三级指标", "指标值"], [P, QTY, "巡查次数", "≥4次/月"]]
    text = "项目支出绩效目标表\n项目名称：应急值守\n" + tabbed(grid)
    text += "审核人：\t经办人：\n关于“专班工作经费”项目支出绩效目标的公开说明\n"
    text += "填报单位（盖章）：某市政府办公室\n项目金额：50.00万元\n"
    text += tabbed([grid[0], [S, SAT, "服务对象满意度", "≥90%"]])
    first, second = run(tmp_path, text, cfg).tables
    assert (first.name, second.name) == ("应急值守", "专班工作经费")
    assert second.budget_yuan == 500_000
    assert [r[:4] for r in rows(second)] == [(S, SAT, "服务对象满意度", "≥90%")]


def test_level1_on_every_row_and_level2_atop_each_block(tmp_path: Path, cfg: Config) -> None:
    """Class: a grid that writes level-1 on every row and level-2 once atop each of its
    blocks, two or more under one level-1 (数量指标 … 质量指标 under 产出指标): the level-2
    holds for the rows below it.  (Where a level-2 column writes one label under a level-1
    at most, an empty cell beside a written level-1 stays empty: the real-table quirk.)"""
    grid = [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        [P, QTY, "新建书屋", "≥12个"],
        [P, "", "配送图书", "≥3万册"],
        [P, QUAL, "书屋达标率", "≥95%"],
        [P, "", "图书完好率", "≥98%"],
        [S, SAT, "居民满意度", "≥90%"],
        [S, "", "读者满意度", "≥90%"],
    ]
    rec = only(run(tmp_path, "项目绩效目标表\n项目名称：社区书屋\n" + tabbed(grid), cfg))
    assert [r[:3] for r in rows(rec)] == [
        (P, QTY, "新建书屋"),
        (P, QTY, "配送图书"),
        (P, QUAL, "书屋达标率"),
        (P, QUAL, "图书完好率"),
        (S, SAT, "居民满意度"),
        (S, SAT, "读者满意度"),
    ]


def test_level2_labels_at_the_middle_of_their_blocks_without_level1(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: a grid with no level-1 column whose level-2 labels sit at the middle of their
    blocks, as text copied from a rendered table writes a merged cell: a row with content
    before the first label says so (level-1 from the tree)."""
    grid = [
        ["二级指标", "三级指标", "指标值"],
        ["", "新建书屋", "≥12个"],
        [QTY, "配送图书", "≥3万册"],
        ["", "培训馆员", "≥50人"],
        ["", "书屋达标率", "≥95%"],
        [QUAL, "图书完好率", "≥98%"],
        ["", "台账规范率", "100%"],
        ["", "居民满意度", "≥90%"],
        [SAT, "读者满意度", "≥90%"],
        ["", "馆员满意度", "≥85%"],
    ]
    rec = only(run(tmp_path, "项目绩效目标表\n项目名称：社区书屋\n" + tabbed(grid), cfg))
    assert [r[:3] for r in rows(rec)] == [
        (P, QTY, "新建书屋"),
        (P, QTY, "配送图书"),
        (P, QTY, "培训馆员"),
        (P, QUAL, "书屋达标率"),
        (P, QUAL, "图书完好率"),
        (P, QUAL, "台账规范率"),
        (S, SAT, "居民满意度"),
        (S, SAT, "读者满意度"),
        (S, SAT, "馆员满意度"),
    ]


def test_sparse_header_beside_a_side_label_printed_down_the_grid(
    tmp_path: Path, cfg: Config
) -> None:
    """Class: fixed-width text whose grid has a side label printed down its left edge one
    character a line (绩 / 效 / 指 / 标) and a header the vocabulary knows in part
    (绩效指标 | 预期目标值), after another table whose last row is followed by the next
    table's introducing line and field line (关于“X”…的公示 / 预算资金 12.00): the
    introducing line ends the grid above (a field line is no grid row going on) and names
    the project; the side label's characters are no header cells."""
    stops = [4, 20, 40]
    lines = ["项目支出绩效目标表", "项目名称：春节慰问"]
    lines.append(fixed(stops, ["一级指标", "三级指标", "指标值"]))
    lines.append(fixed(stops, [P, "慰问户数", "≥500户"]))
    lines.append(fixed(stops, [S, "慰问对象满意度", "≥95%"]))
    lines += ["          关于“政府公报编印”项目绩效目标的公示", "预算资金   12.00"]
    lines.append(fixed([0, 5, 37], ["绩", "绩效指标", "预期目标值"]))
    lines.append(fixed([0, 5, 37], ["效", P, ""]))
    lines.append(fixed([0, 5, 37], ["指", QTY, ""]))
    lines.append(fixed([0, 5, 37], ["标", "公报成刊", "12期"]))
    lines.append(fixed([0, 5, 37], ["", "每期单价", "≤15元/册"]))
    first, second = run(tmp_path, "\n".join(lines) + "\n", cfg).tables
    assert [r[2] for r in rows(first)] == ["慰问户数", "慰问对象满意度"]
    assert second.name == "政府公报编印"
    assert [r[:4] for r in rows(second)] == [
        (P, QTY, "公报成刊", "12期"),
        (P, QTY, "每期单价", "≤15元/册"),
    ]


def test_introducing_line_ends_a_one_cell_per_line_grid(tmp_path: Path, cfg: Config) -> None:
    """Class: one cell per line, a table's last row followed by the line introducing the
    next table (关于“X”项目…的公开说明) right above its head (单位：万元, fields): that line
    ends the grid above and names the next project.  A quoted word inside a cell
    (政务服务“好差评”系统评价) introduces nothing."""
    lines = [
        "项目支出绩效目标表",
        "项目名称：公报编印",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
    ]
    lines += ["指标解释", P, QTY, "成刊期数", "12期", "全年出刊", S, SAT, "读者满意度", "≥90%"]
    lines += ["政务服务“好差评”系统评价"]
    lines += ["关于“常务会议经费”项目支出绩效目标的公开说明", "单位：万元", "预算资金：38.00"]
    lines += ["一级指标", "二级指标", "三级指标", "指标值", "指标解释", P, QTY, "会议次数"]
    lines += ["≥12次", "全年召开", S, SAT, "参会人员满意度", "≥90%", "问卷调查"]
    first, second = run(tmp_path, "\n".join(lines) + "\n", cfg).tables
    assert first.name == "公报编印"
    assert first.indicators[-1].explanation == "政务服务“好差评”系统评价"
    assert (second.name, second.budget_yuan) == ("常务会议经费", 380_000)
    assert [r[2] for r in rows(second)] == ["会议次数", "参会人员满意度"]


def test_bar_rows_without_outer_bars_broken_after_a_bar(tmp_path: Path, cfg: Config) -> None:
    """Class: bar rows without outer bars whose whole rows end in a cell's text (… | 财务资料),
    wrapped at a width right before or after a bar (… | 指标值 / | 数据来源, … | 1600人 | /
    | 统计报表) or inside a cell (… | 财务 / 资料): the pieces add up to a whole row's bars,
    and the table's width is whole in the rows that are not broken, in no line more."""
    lines = [
        "项目绩效目标表",
        "项目名称：就业补助",
        "序号 | 一级指标 | 二级指标 | 三级指标 | 比较符 | 数值 ",
        "| 度量单位 | 数据来源",
        f"1 | {P} | {QTY} | 城镇新增就业人数 | = | 25000 | 人 | 财务资料",
        "2 |  |  | 再就业人数及带动人数 |  | 1600人、200人 |",
        "  | 统计报表",
        "3 |  |  | 社会保障卡发卡量 | = | 7 | 万张 | 财务",
        "资料",
        f"4 |  | {QUAL} | 培训合格率 | = | 100 | % | 业务台账",
        f"5 | {S} | {SAT} | 群众满意度 | ≥ | 90 | % | 问卷调查",
    ]
    rec = only(run(tmp_path, "\n".join(lines) + "\n", cfg))
    assert [r[:4] for r in rows(rec)] == [
        (P, QTY, "城镇新增就业人数", "=25000人"),
        (P, QTY, "再就业人数及带动人数", "1600人、200人"),
        (P, QTY, "社会保障卡发卡量", "=7万张"),
        (P, QUAL, "培训合格率", "=100%"),
        (S, SAT, "群众满意度", "≥90%"),
    ]


def test_introducing_line_above_a_field_line_in_a_csv_sheet(tmp_path: Path, cfg: Config) -> None:
    """Class: a CSV sheet where the line introducing the next table (关于“X”项目…) stands
    right above that table's first field line (预算资金,25.00 万元): it ends the grid above
    even with no title or unit line between, so the next table is no continuation of it."""
    lines = ["项目支出绩效目标表,,,", "项目名称,公报编印,,", "一级指标,二级指标,三级指标,指标值"]
    lines += [f"{P},{QTY},成刊期数,12期", f"{S},{SAT},读者满意度,≥90%", ",,,"]
    lines += ["关于“招商引资工作经费”项目支出绩效目标的公开说明,,,", "预算资金,25.00 万元,,"]
    lines += [
        "一级指标,二级指标,三级指标,指标值",
        f"{P},{QTY},专题推介活动,≥4次",
        f"{S},{SAT},企业满意度,≥85%",
    ]
    first, second = run(tmp_path, "\n".join(lines) + "\n", cfg, "sheet.csv").tables
    assert (first.name, len(first.indicators)) == ("公报编印", 2)
    assert (second.name, second.budget_yuan) == ("招商引资工作经费", 250_000)
    assert [r[2] for r in rows(second)] == ["专题推介活动", "企业满意度"]
