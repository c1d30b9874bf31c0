"""Text whose cells ran together with no separator (the nosep form), 自评表 rows above all.

Composed fixtures, a few lines each: the short columns of a 自评表 row (分值, 完成值, 得分)
glued into one digit run, worded targets between the 指标性质 / 计量单位 placeholders, a
level-1 outside the schema leading a row, a target written as a clause, budget execution
amounts after their labels, and page chrome after the grid.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import DEFAULT_DIR, load_config
from pipeline.config_files import ConfigError
from pipeline.interpret.fields import FieldState, read_fields
from pipeline.model import Cell, Row
from pipeline.readers.grid.runs import (
    clause_start,
    decode_short,
    restated,
    split_placeholders,
    split_run,
    truncated_heading,
    worded_cells,
)
from pipeline.run import ingest_paths

SHORT = ("weight", "actual", "score")
ROLES = ("level3", "op", "value", "unit", "weight", "actual", "score", "explanation")


@pytest.fixture(scope="module")
def cfg():
    return load_config()


# --- the digit-run decoder ----------------------------------------------------------------


@pytest.mark.parametrize(
    "run,target,cells,rest",
    [
        ("10210达到目标得满分", 2, ["10", "2", "10"], "达到目标得满分"),
        ("51005达到目标", 95, ["5", "100", "5"], "达到目标"),
        ("50.55达到目标", 2, ["5", "0.5", "5"], "达到目标"),
        ("599.55达到目标", 98, ["5", "99.5", "5"], "达到目标"),  # not 59 | 9.5 | 5
        ("123125012达到目标", 30000, ["12", "31250", "12"], "达到目标"),
        ("590.54.9达到目标", 92, ["5", "90.5", "4.9"], "达到目标"),
        ("8928预算执行率=支出数/预算数", 90, ["8", "92", "8"], "预算执行率=支出数/预算数"),
    ],
)
def test_digit_run_splits_by_constraints(run, target, cells, rest):
    assert decode_short(run, SHORT, target) == (cells, rest)


def test_near_ties_go_to_the_usual_way_of_writing():
    # 78.71 | 2 lies as near the target as 78.7 | 12, but has more decimals than it
    assert decode_short("1278.712达到", SHORT, 80) == (["12", "78.7", "12"], "达到")
    # 0.1 is a rate written as a fraction only against a rate
    assert decode_short("610.15.6达到", SHORT, 10, "≥10人") == (["6", "10.1", "5.6"], "达到")


def test_worded_actual_and_an_item_number_after_the_score():
    # score 1.5 leaves 1.制定…; score 1 would leave .51.制定…, score 1.51 .制定…
    assert decode_short("2较健全1.51.制定制度", SHORT, value="健全") == (
        ["2", "较健全", "1.5"],
        "1.制定制度",
    )
    # 61 > the weight 6: the 1 opens the explanation
    assert decode_short("6明确61.指标清晰", SHORT, value="明确") == (
        ["6", "明确", "6"],
        "1.指标清晰",
    )


def test_worded_actual_that_ends_the_short_columns():
    only = ("weight", "actual")
    assert decode_short("10合规应按规定程序采购", only, value="合规") == (
        ["10", "合规"],
        "应按规定程序采购",
    )
    assert decode_short("2较有效1.建立监控机制", only, value="有效") == (
        ["2", "较有效"],
        "1.建立监控机制",
    )
    # a rate written as a fraction: 0.88 against ≥90%, not weight 80.8 and actual 8
    assert decode_short("80.88按比例得分", only, 90, "≥90%") == (["8", "0.88"], "按比例得分")


def test_no_reading_when_the_constraints_fail():
    assert decode_short("达到目标得满分", SHORT, 5) is None
    assert decode_short("0510达到", SHORT, 5) is None  # a weight of 0 or a leading zero
    assert decode_short("5达到", SHORT, 5) is None  # too few numbers
    # every reading leaves a cut number (0达到): the run is not these columns
    assert decode_short("215人1010达到", SHORT, 200) is None


def test_known_worded_target_at_the_end_of_the_name(cfg):
    roles = ("level3", "value", "weight", "actual", "score", "explanation")
    got = split_run("就业形势保持稳定10基本稳定8", cfg, roles)
    assert got == ["就业形势", "保持稳定", "10", "基本稳定", "8"]


def _fmt(x: float) -> str:
    return f"{x:g}"


def _valid_splits(digits: str) -> set[tuple[str, str, str]]:
    """Every cut of a digit run into weight | actual | score that any 自评表 allows."""

    def number(t: str) -> bool:
        if not t or t.startswith(".") or t.endswith(".") or t.count(".") > 1:
            return False
        whole = t.split(".")[0]
        return whole == "0" or not whole.startswith("0")

    out = set()
    for i, j in itertools.combinations(range(1, len(digits)), 2):
        w, a, s = digits[:i], digits[i:j], digits[j:]
        if number(w) and number(a) and number(s) and 0 < float(w) <= 100:
            if 0 <= float(s) <= float(w):
                out.add((w, a, s))
    return out


_halves = st.integers(min_value=0, max_value=200).map(lambda n: n / 2)


@settings(max_examples=300, deadline=None)
@given(
    weight=st.integers(min_value=1, max_value=40).map(float) | _halves.filter(lambda x: 0 < x),
    frac=st.floats(min_value=0, max_value=1),
    actual=st.integers(min_value=0, max_value=99999).map(float) | _halves,
)
def test_decoder_recovers_glued_columns(weight: float, frac: float, actual: float):
    score = round(weight * frac * 2) / 2  # 0 ≤ score ≤ weight, in halves
    cells = [_fmt(weight), _fmt(actual), _fmt(score)]
    digits = "".join(cells)
    got = decode_short(digits + "达到目标得满分", SHORT, actual)
    assert got is not None
    valid = _valid_splits(digits)
    assert tuple(got[0]) in valid and got[1] == "达到目标得满分"  # always a reading that holds
    if valid == {tuple(cells)}:  # the run reads one way only: that way
        assert got == (cells, "达到目标得满分")


# --- rows split with the header's roles ---------------------------------------------------


def test_split_run_with_self_evaluation_roles(cfg):
    got = split_run("产出指标数量指标服务老年人数≥500人2061220达到目标得满分", cfg, ROLES)
    assert got == [
        "产出指标",
        "数量指标",
        "服务老年人数",
        "≥500人",
        "20",
        "612",
        "20",
        "达到目标得满分",
    ]
    got = split_run("档案管理规范性无规范无3较规范21.档案齐全", cfg, ROLES)
    assert got == ["档案管理规范性", "规范", "3", "较规范", "2", "1.档案齐全"]
    # without the roles the row splits as before
    assert split_run("服务老年人数≥500人", cfg) == ["服务老年人数", "≥500人"]


def test_worded_target_without_placeholders(cfg):
    # no 指标性质 / 计量单位 columns: the 完成值 that meets the target in its words tells
    # where the name ends
    roles = ("level3", "value", "weight", "actual", "score", "explanation")
    got = split_run("档案管理规范性规范3较规范21.档案齐全", cfg, roles)
    assert got == ["档案管理规范性", "规范", "3", "较规范", "2", "1.档案齐全"]
    got = split_run("采购程序合规性合规4合规按规定程序采购得满分", cfg, roles[:4] + roles[5:])
    assert got == ["采购程序合规性", "合规", "4", "合规", "按规定程序采购得满分"]


def test_placeholders_of_a_worded_target():
    assert split_placeholders("资金拨付及时性无及时无", True, True) == ("资金拨付及时性", "及时")
    assert split_placeholders("资金拨付及时性定性及时无", True, True) == ("资金拨付及时性", "及时")
    assert split_placeholders("资金拨付及时性无及时", True, True) is None  # no unit mark
    assert split_placeholders("资金拨付及时性无及时无", False, True) is None


def test_level1_outside_the_schema_leads_a_row(cfg):
    got = split_run("管理类指标资金拨付及时性无及时无5及时51.按时拨付", cfg, ROLES)
    assert got[:3] == ["管理类指标", "资金拨付及时性", "及时"]
    # a word of one character before 类指标 is no level-1 (各类指标…)
    assert split_run("各类指标完成率≥90%", cfg)[0] != "各类指标"


def test_outside_level1_vocabulary_is_config(tmp_path):
    d = tmp_path / "configs"
    shutil.copytree(DEFAULT_DIR, d)
    p = d / "schema.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(
        text.replace("  words: [管理类指标", "  words: [履职效能指标, 管理类指标"), "utf-8"
    )
    got = split_run("履职效能指标重点工作完成率≥90%", load_config(d))
    assert got[:2] == ["履职效能指标", "重点工作完成率"]
    p.write_text(text.replace("  suffixes: [类指标]", "  suffix: [类指标]"), "utf-8")
    with pytest.raises(ConfigError, match="outside_level1"):
        load_config(d)


def test_truncated_heading_run_together_with_the_name(cfg):
    # a level-2 cut short by its cell's width, then the level-3
    got = split_run("满意度指标社会公众或服务对象满群众满意度≥85%", cfg)
    assert got == ["满意度指标", "社会公众或服务对象满", "群众满意度", "≥85%"]
    assert truncated_heading("服务对象满意度调查覆盖率≥90%", cfg) is None  # a whole name


def test_target_written_as_a_clause(cfg):
    got = split_run("产出指标时效指标投诉案件办理在规定时限内办结率为98%", cfg)
    assert got == ["产出指标", "时效指标", "投诉案件办理", "在规定时限内办结率为98%"]
    assert clause_start("存在问题整改率为") is None  # 存在 is a word, not a clause
    assert clause_start("在岗率为") is None  # no name before the clause


def test_worded_targets_no_number_marks(cfg):
    # the target cell repeats the name, then the explanation
    got = split_run("严格执行采购程序严格执行采购程序按规定公开招标", cfg)
    assert got == ["严格执行采购程序", "严格执行采购程序", "按规定公开招标"]
    # a name that ends in its unit, then a worded target
    assert split_run("年度培训人数（人）按上级下达任务确定", cfg) == [
        "年度培训人数(人)",
        "按上级下达任务确定",
    ]
    # prose opening with 根据 / 按照 / 依据 after the name
    assert split_run("困难群众救助人数根据实际申请情况确定", cfg) == [
        "困难群众救助人数",
        "根据实际申请情况确定",
    ]
    assert worded_cells("根据实际情况") is None  # no name before the prose


def test_explanation_that_restates_the_target(cfg):
    got = split_run("办公场所卫生干净整洁定期清扫保持办公场所干净整洁", cfg)
    assert got == ["办公场所卫生", "干净整洁", "定期清扫保持办公场所干净整洁"]
    # a word after the first punctuation is explanation, not the target
    assert restated("会议组织严守方案,不超期办会、不超期调研") is None


def test_double_per_after_the_unit(cfg):
    assert split_run("高龄津贴标准≥300元每人每月", cfg) == ["高龄津贴标准", "≥300元每人每月"]
    # one 每… after the unit opens the explanation
    assert split_run("入户走访次数≥4次每月开展走访", cfg)[1] == "≥4次"


@pytest.mark.parametrize(
    "texts",
    [
        ["全年预算数（万元）80全年执行数（万元）72.5"],  # run together
        ["全年预算数（万元）", "", "80", "", "全年执行数（万元）", "", "72.5"],  # cells
    ],
)
def test_budget_execution_amounts_after_their_labels(cfg, texts):
    st_ = FieldState()
    assert read_fields(Row([Cell(t) for t in texts], 1, None), cfg, st_)
    assert st_.execution == {"adjusted": 800_000, "executed": 725_000}


def test_budget_execution_label_inside_other_text_is_not_read(cfg):
    st_ = FieldState()
    read_fields(Row([Cell("说明：全年预算数100万元")], 1, None), cfg, st_)
    assert st_.execution == {}


# --- a whole document ---------------------------------------------------------------------

DOC = """2024年度项目支出绩效自评表
填报单位：某某区民政局单位：万元
项目名称社区养老服务补贴项目联系人王明
全年预算数（万元）120全年执行数（万元）110.5
一级指标二级指标三级指标指标性质指标值计量单位分值实际完成值得分评价标准
产出指标数量指标服务老年人数≥500人2061220达到目标得满分，未达到按比例扣分
质量指标补贴发放准确率≥98%1099.510达到目标得满分
满意度指标服务对象满意度指标老人满意度≥90%1593.514达到目标得满分
管理类指标资金拨付及时性无及时无5及时51.按时拨付得满分；2.延迟拨付不得分
档案管理规范性无规范无3较规范21.档案齐全；2.归档及时
投诉处理按期办结率≥95%499.5%3.5按比例得分
主办单位：某某区人民政府办公室网站标识码：5000000001
"""


def _sql(out: Path, q: str) -> list[tuple]:
    con = duckdb.connect()
    for name in ("targets", "indicators", "findings"):
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out}/{name}/**/*.parquet', "
            "hive_partitioning = true, union_by_name = true)"
        )
    return con.execute(q).fetchall()


def test_run_together_self_evaluation_document(tmp_path: Path):
    src = tmp_path / "in" / "nosep_selfeval.txt"
    src.parent.mkdir()
    src.write_text(DOC, encoding="utf-8")
    out = tmp_path / "out"
    ingest_paths([src], out)
    assert _sql(out, "SELECT form, name, budget_yuan FROM targets") == [
        ("self_evaluation", "社区养老服务补贴", 1_200_000)
    ]
    rows = _sql(
        out,
        "SELECT level1, level2, level3, value_raw, actual_raw, weight, score, "
        "left(explanation, 4) FROM indicators ORDER BY row_no",
    )
    assert rows == [
        ("产出指标", "数量指标", "服务老年人数", "≥500人", "612", 20, 20, "达到目标"),
        ("产出指标", "质量指标", "补贴发放准确率", "≥98%", "99.5", 10, 10, "达到目标"),
        ("满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "93.5", 15, 14, "达到目标"),
        ("管理类指标", None, "资金拨付及时性", "及时", "及时", 5, 5, "1.按时"),
        ("管理类指标", None, "档案管理规范性", "规范", "较规范", 3, 2, "1.档案"),
        ("管理类指标", None, "投诉处理按期办结率", "≥95%", "99.5%", 4, 3.5, "按比例得"),
    ]
    codes = {c for (c,) in _sql(out, "SELECT code FROM findings")}
    assert "heading_unknown" in codes  # the level-1 outside the schema, kept with a finding
