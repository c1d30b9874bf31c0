"""Interpret stage: header fields and the indicator tree, one behaviour per test.

Each table is composed as tab-separated text (the OCR/converter form) and goes the
public way: the text reader (``text_rows``), ``segment``, ``interpret``."""

from __future__ import annotations

from pipeline.interpret import interpret
from pipeline.model import SourceDoc
from pipeline.readers.grid.runs import split_run
from pipeline.readers.text import text_rows
from pipeline.segment import segment

HEADER = ["", "一级指标", "二级指标", "三级指标", "指标值", "指标解释及计算公式"]
GRID = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "甲", "1个"]]


def records(lines: list[list[str]], cfg):
    """The records of the text whose lines hold ``lines``' cells separated by tabs."""
    text = "\n".join("\t".join(cells) for cells in lines) + "\n"
    doc = SourceDoc("t.txt", "t.txt", "id", "text", text_rows(text))
    return [r for t in segment(doc, cfg).tables for r in interpret(t, cfg)]


def rows_of(lines, cfg):
    [(rec, findings)] = records(lines, cfg)
    return (
        rec,
        [(i.level1, i.level2, i.level3, i.target.raw, i.explanation) for i in rec.indicators],
        findings,
    )


def test_merged_levels_carry_down_and_columns_drift(cfg):
    _, rows, _ = rows_of(
        [
            HEADER,
            ["", "产出指标", "数量指标", "甲", "≥10次/月", "说明甲"],
            ["", "", "", "乙", "12期"],
            ["质量指标", "丙", "100%", "说明丙", "", "", ""],
        ],
        cfg,
    )
    assert rows == [
        ("产出指标", "数量指标", "甲", "≥10次/月", "说明甲"),
        ("产出指标", "数量指标", "乙", "12期", None),
        ("产出指标", "质量指标", "丙", "100%", "说明丙"),
    ]


def test_missing_level1_comes_from_the_tree(cfg):
    rec, rows, _ = rows_of([HEADER, ["数量指标", "", "甲", "1套", ""]], cfg)
    assert rows[0][:2] == ("产出指标", "数量指标")
    assert "level1_from_tree" in rec.indicators[0].flags


def test_garbled_level1_resolved_from_its_child(cfg):
    rec, rows, findings = rows_of([HEADER, ["指标", "厂内指标", "质量指标", "甲", "合规", ""]], cfg)
    ind = rec.indicators[0]
    assert (ind.level1, ind.level1_raw, ind.level2) == ("产出指标", "厂内指标", "质量指标")
    assert any(f.code == "heading_garbled" for f in findings)


def test_truncated_and_synonym_headings_keep_raw_and_score(cfg):
    rec, rows, _ = rows_of(
        [
            HEADER,
            ["满意度指标", "社会公众或服务对象满", "社会满意度", "≥90%", ""],
            ["效益指标", "经济收益指标", "到京对接工作", "保障到位"],
            ["", "环境效益指标", "投资环境", "不断提升"],
        ],
        cfg,
    )
    a, b, c = rec.indicators
    assert (a.level2, a.level2_raw) == ("服务对象满意度指标", "社会公众或服务对象满")
    assert 80 <= a.level2_score < 100
    assert (b.level2, c.level2, c.level1) == ("经济效益指标", "生态效益指标", "效益指标")


def test_placeholder_rows_are_not_indicators_and_new_level1_resets_level2(cfg):
    _, rows, _ = rows_of(
        [
            HEADER,
            ["", "效益指标", "社会效益指标", "", "", ""],
            ["", "", "经济效益指标", "甲", "有所促进", ""],
            ["环境效益指标", "", "", "", "", ""],
            ["满意度指标", "", "", "", ""],
            ["", "", "", "乙", "≥90%"],
        ],
        cfg,
    )
    assert rows == [
        ("效益指标", "经济效益指标", "甲", "有所促进", None),
        ("满意度指标", None, "乙", "≥90%", None),
    ]


def test_doubled_name_cell_and_level2_named_like_level3(cfg):
    _, rows, _ = rows_of(
        [
            HEADER,
            ["数量指标", "", "调度平台系统", "调度平台系统", "1套", "说明"],
            ["满意度指标", "社会公众或服务对象满意度", "社会公众或服务对象满意度", "≥90%", "说明"],
            ["时效指标", "严格控制会期", "严格控制会期", "说明"],
        ],
        cfg,
    )
    assert rows[0] == ("产出指标", "数量指标", "调度平台系统", "1套", "说明")
    assert rows[1][1:4] == ("服务对象满意度指标", "社会公众或服务对象满意度", "≥90%")
    assert rows[2][2:4] == ("严格控制会期", "严格控制会期")


def test_extra_cell_before_level3_dropped(cfg):
    _, rows, _ = rows_of(
        [HEADER, ["", "质量指标", "省级部门评价", "客房环境", "整洁舒适", "说明"]], cfg
    )
    assert rows[0][2:] == ("客房环境", "整洁舒适", "说明")


def test_header_row_carries_first_level1(cfg):
    _, rows, _ = rows_of(
        [
            [
                "指标",
                "产出指标",
                "",
                "一级指标",
                "二级指标",
                "三级指标",
                "指标值",
                "指标解释及计算公式",
            ],
            ["", "", "", "数量指标", "甲", "≥95%", "说明", ""],
        ],
        cfg,
    )
    assert rows == [("产出指标", "数量指标", "甲", "≥95%", "说明")]


def test_cost_level1_only_when_its_children_follow(cfg):
    _, rows, _ = rows_of(
        [
            HEADER,
            ["", "产出指标", "成本指标", "项目成本控制率", "100%", ""],
            ["", "成本指标", "经济成本指标", "单价", "≤5元/份", ""],
            ["", "", "社会成本指标", "家庭负担", "不增加", ""],
        ],
        cfg,
    )
    assert [r[:2] for r in rows] == [
        ("产出指标", "成本指标"),
        ("成本指标", "经济成本指标"),
        ("成本指标", "社会成本指标"),
    ]


def test_source_tree_stands_in_a_clean_grid(cfg):
    rec, rows, findings = rows_of(
        [
            HEADER,
            ["指标", "效益指标", "社会效益指标", "甲", "有所提升", ""],
            ["", "", "服务对象满意度指标", "乙", "≥90%", ""],
        ],
        cfg,
    )
    assert rows[1][:2] == ("效益指标", "服务对象满意度指标")
    assert any(f.code == "heading_unusual_pair" for f in findings)


def test_unknown_level1_kept_as_written(cfg):
    rec, rows, findings = rows_of(
        [
            HEADER,
            ["", "管理类指标", "预算执行", "资金到位率", "100%", ""],
        ],
        cfg,
    )
    assert rows[0][:3] == ("管理类指标", "预算执行", "资金到位率")
    assert any(f.code == "heading_unknown" for f in findings)


def test_separate_operator_and_unit_columns(cfg):
    rec, _, _ = rows_of(
        [
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位", "指标解释"],
            ["产出指标", "数量指标", "培训人数", "≥", "500", "人次", "说明"],
            ["", "质量指标", "培训质量", "定性", "良好", "", ""],
        ],
        cfg,
    )
    a, b = rec.indicators
    assert (a.target.raw, a.target.op, a.target.value, a.target.unit, a.explanation) == (
        "≥500人次",
        ">=",
        500,
        "人次",
        "说明",
    )
    assert (b.target.raw, b.target.kind) == ("良好", "qualitative")


def test_self_evaluation_columns(cfg):
    rec, _, _ = rows_of(
        [
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
            ["产出指标", "数量指标", "培训人数", "≥500人", "520人", "10", "10", ""],
            ["", "质量指标", "合格率", "≥95%", "90%", "10", "8", "部分学员缺考"],
        ],
        cfg,
    )
    a, b = rec.indicators
    assert (a.actual.value, a.weight, a.score) == (520, 10, 10)
    assert (b.actual.raw, b.score, b.deviation) == ("90%", 8, "部分学员缺考")


def test_header_fields_labels_in_one_cell_and_budget_priority(cfg):
    rec, _, _ = rows_of(
        [
            ["项目基本情况", "项目名称", "", "某项目", "", ""],
            ["", "项目负责人", "张三", "联系电话 8261896", "", ""],
            ["项目资金情况", "项目总预算（万元）", "300", "年度资金申请总额（万元）", "120", ""],
            ["", "其中：财政资金（万元）", "100", "资金性质", "", "一般公共预算"],
            *GRID,
        ],
        cfg,
    )
    assert (rec.name, rec.owner, rec.phone, rec.fund_nature) == (
        "某项目",
        "张三",
        "8261896",
        "一般公共预算",
    )
    assert rec.budget_yuan == 1_200_000


def test_department_budget_sums_lines_when_no_total(cfg):
    rec, _, _ = rows_of(
        [
            ["部门（单位）名称", "丙局"],
            ["支出预算", "名称", "2024年度预算金额（万元）"],
            ["", "基本支出", "100.5"],
            ["", "项目支出", "20"],
            *GRID,
        ],
        cfg,
    )
    assert rec.kind == "department"
    assert rec.name == "丙局" and rec.budget_yuan == 1_205_000


def test_split_run_together_cells(cfg):
    assert split_run("产出指标数量指标覆盖率100%计算方法：人数÷总数", cfg) == [
        "产出指标",
        "数量指标",
        "覆盖率",
        "100%",
        "计算方法:人数÷总数",
    ]
    assert split_run("指标厂内指标质量指标会议费支出合规性合规按照规定", cfg) == [
        "厂内指标",
        "质量指标",
        "会议费支出合规性",
        "合规",
        "按照规定",
    ]


def test_one_cell_per_line_joins_wrapped_cells(cfg):
    """One cell per line: an explanation wrapped at its column's width (12 characters,
    24 display columns, a width three explanations fill) goes on in the next line, even
    where its tail reads like a value (大于 + 10次)."""
    cells = [
        "项目支出绩效目标表",
        "项目名称",
        "示范项目",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "指标解释",
        "产出指标",
        "数量指标",
        "专项招商推介",
        "≥10次/年",
        "全年组织对外招商推荐大于",
        "10次",
        "基层调研",
        "≥10次/月",
        "针对市政府工作开展难点、",
        "弱点，每月调研。",
        "会议无差错率",
        "≥90%",
        "按会议记录统计会务工作差",
        "错次数",
    ]
    rec, rows, _ = rows_of([[c] for c in cells], cfg)
    assert [r[2:] for r in rows] == [
        ("专项招商推介", "≥10次/年", "全年组织对外招商推荐大于10次"),
        ("基层调研", "≥10次/月", "针对市政府工作开展难点、弱点，每月调研。"),
        ("会议无差错率", "≥90%", "按会议记录统计会务工作差错次数"),
    ]


def test_numbered_and_annotated_headings(cfg):
    rec, rows, _ = rows_of(
        [
            HEADER,
            ["", "一、产出指标（50分）", "1.数量指标", "培训人数", "≥500人次", ""],
            ["", "", "（二）质量指标(权重20%)", "合格率", "≥95%", ""],
        ],
        cfg,
    )
    assert [r[:3] for r in rows] == [
        ("产出指标", "数量指标", "培训人数"),
        ("产出指标", "质量指标", "合格率"),
    ]
    assert rec.indicators[0].level1_raw == "一、产出指标（50分）"
