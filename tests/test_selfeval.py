"""Self-evaluation tables: columns, met, findings, budget execution, linking to targets."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.normalize import normalize_value
from pipeline.run import ingest_paths
from pipeline.selfeval import met
from tests.conftest import f1_of, ingest_and_score

HERE = Path(__file__).resolve().parent
FIXTURES = sorted((HERE / "fixtures" / "selfeval").iterdir())


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_selfeval_fixture_scores(tmp_path: Path, path: Path):
    gold = HERE / "fixtures" / "selfeval_gold" / f"{path.name}.gold.json"
    totals, misses = ingest_and_score([path], [gold], tmp_path)
    assert totals["matched_tables"] == totals["gold_tables"] == 2
    assert f1_of(totals) >= 0.95, misses
    for f in ("form", "actual_raw", "actual_value", "weight", "score"):
        assert totals["optional_ok"][f] == totals["optional_n"][f], (f, misses)


@pytest.mark.parametrize(
    "target,actual,expected",
    [
        ("≥5000人次", "5230人次", True),
        ("≥12000人", "11800人", False),
        ("≤1000元/人", "945元/人", True),
        ("100%", "98%", False),
        ("80%-90%", "85%", True),
        ("≥90%", "0.95", False),  # a bare number is compared with the target's number
        ("≥5000万元", "5200元", None),  # different units: not comparable
        ("有效减轻", "达成", True),
        ("有效减轻", "未完成", False),
        ("稳步提升", "见附件", None),
        ("≥90%", None, None),
    ],
)
def test_met(cfg, target, actual, expected):
    a = normalize_value(actual) if actual else None
    assert met(normalize_value(target), a, cfg) is expected


def _sql(out: Path, q: str) -> list[tuple]:
    con = duckdb.connect()
    for name in ("targets", "indicators", "findings"):
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out}/{name}/**/*.parquet', "
            "hive_partitioning = true, union_by_name = true)"
        )
    return con.execute(q).fetchall()


def test_met_findings_and_budget_execution(tmp_path: Path):
    src = HERE / "fixtures" / "selfeval" / "xingyi_selfeval_2024.txt"
    ingest_paths([src], tmp_path)
    rows = _sql(
        tmp_path,
        "SELECT name, budget_planned, budget_adjusted, budget_executed, execution_rate "
        "FROM targets ORDER BY table_no",
    )
    assert rows == [
        ("城乡医疗救助资金", 5_000_000, 5_200_000, 4_940_000, 95),
        ("老年人健康管理项目", 800_000, 800_000, 720_000, 85),
    ]
    missed = _sql(tmp_path, "SELECT level3 FROM indicators WHERE met = false ORDER BY level3")
    assert missed == [("老年人健康体检人数",), ("资助参保人数",)]
    codes = _sql(
        tmp_path, "SELECT table_no, code FROM findings WHERE code LIKE 'selfeval%' ORDER BY 1, 2"
    )
    assert codes == [
        (2, "selfeval_rate_mismatch"),
        (2, "selfeval_score_missed_full"),
        (2, "selfeval_weights_total"),
    ]


def test_selfeval_rows_link_to_the_target_rows(tmp_path: Path):
    target = tmp_path / "target.txt"
    target.write_text(
        "\n".join(
            [
                "## 兴义市医疗保障局项目绩效目标表",
                "（2024年度）",
                "项目名称\t城乡医疗救助资金",
                "预算资金（元）\t5200000",
                "一级指标\t二级指标\t三级指标\t指标值",
                "产出指标\t数量指标\t医疗救助人次\t≥5000人次",
                "\t\t资助参保人数\t≥12000人",
                "满意度指标\t服务对象满意度\t救助对象满意度\t≥90%",
            ]
        ),
        encoding="utf-8",
    )
    src = HERE / "fixtures" / "selfeval" / "xingyi_selfeval_2024.txt"
    ingest_paths([target, src], tmp_path / "out")
    linked = _sql(
        tmp_path / "out",
        "SELECT t.level3, t.value_raw, s.actual_raw, s.met FROM indicators t "
        "JOIN indicators s USING (link_key) WHERE t.source = 'target.txt' "
        "AND s.source <> 'target.txt' ORDER BY t.row_no",
    )
    assert linked == [
        ("医疗救助人次", "≥5000人次", "5230人次", True),
        ("资助参保人数", "≥12000人", "11800人", False),
        ("救助对象满意度", "≥90%", "93%", True),
    ]
