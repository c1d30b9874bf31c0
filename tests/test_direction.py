"""Directions of qualitative targets (configs/directions.yaml, pipeline/direction.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.direction import (
    DIRECTIONS,
    assign_directions,
    direction_of,
    load_directions,
)
from pipeline.model import DocResult, Indicator, TableRecord, Value
from pipeline.run import ingest_paths
from tests.conftest import SAMPLE

# real phrasings from the sample and the fixtures' gold, and what an analyst reads in them
PHRASINGS = [
    ("有所提升", "improve"),
    ("持续提升", "improve"),  # 持续 is how, 提升 is what
    ("不断提升", "improve"),
    ("有效提升", "improve"),
    ("有效提高", "improve"),
    ("稳步提高", "improve"),
    ("较上年提高", "improve"),
    ("明显改善", "improve"),
    ("显著提升", "improve"),
    ("进一步扩大", "improve"),
    ("进一步加深友好", "improve"),
    ("逐步建立", "improve"),
    ("逐步完善", "improve"),
    ("有所促进", "improve"),
    ("持续推进", "improve"),
    ("稳中有升", "improve"),  # not 稳定: the README's example of adding a wording
    ("维持稳定", "maintain"),
    ("总体稳定", "maintain"),
    ("有效保障", "maintain"),
    ("得到有效保障", "maintain"),
    ("持续提供保障", "maintain"),
    ("得到有效维护", "maintain"),
    ("持续运行", "maintain"),
    ("持续稳定运行", "maintain"),
    ("不低于上年度水平", "maintain"),  # a floor at last year's level
    ("不减少", "maintain"),  # a negated decrease
    ("合规", "comply"),
    ("符合国家标准", "comply"),
    ("稳定达到Ⅲ类", "comply"),
    ("无明显影响", "comply"),
    ("无安全事故", "comply"),
    ("未发生暴发流行", "comply"),
    ("有效可控", "comply"),
    ("保障到位", "comply"),
    ("按计划落实", "comply"),
    ("按会议方案、调研方案", "comply"),
    ("顺利通过年度考核", "comply"),
    ("顺利完成任务", "comply"),
    ("持续下降", "decrease"),
    ("不超支", "decrease"),
    ("不超过年初预算", "decrease"),
    ("控制在预算内", "decrease"),
    ("严格控制会期", "decrease"),
    ("不增加", "decrease"),  # a negated increase is a cap
    ("春节前", "deadline"),
    ("年底前", "deadline"),
    ("汛期前完成", "deadline"),
    ("每季度末前", "deadline"),
    ("按时完成", "deadline"),
    ("按合同约定时间", "deadline"),
    ("按季度拨付", "deadline"),
    ("整洁舒适", "other"),
]


@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_direction_of_real_phrasings(text: str, expected: str) -> None:
    assert direction_of(text) == expected


@pytest.mark.parametrize("text", ["≥95%", "12期", "=10件/年", "每月30日前", "80%-90%", "100%"])
def test_numeric_targets_have_no_direction(text: str) -> None:
    assert direction_of(text) is None


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_targets_have_no_direction(text: str | None) -> None:
    assert direction_of(text) is None


def test_width_and_spaces_are_folded() -> None:
    assert direction_of("有 所 提 升") == "improve"
    assert direction_of("ＡＢＣ合规") == "comply"


def _doc(*values: Value) -> DocResult:
    inds = [
        Indicator(n, "产出指标", "质量指标", f"指标{n}", v, None, None, None, None, None, n)
        for n, v in enumerate(values, 1)
    ]
    table = TableRecord(table_no=1, kind="project", form="target", year=2024, indicators=inds)
    return DocResult("d", "s.txt", "s.txt", "text", "ok", tables=[table])


def test_assign_directions_sets_qualitative_rows_only() -> None:
    res = _doc(
        Value("有所提升", kind="qualitative"),
        Value("≥95%", op=">=", value=95, unit="%", kind="numeric"),
        Value(None),
        Value("春节前", kind="qualitative"),
    )
    res.tables[0].indicators[1].direction = "stale"  # numeric rows are reset
    out = assign_directions(res)
    assert out is res
    assert [i.direction for i in res.tables[0].indicators] == [
        "improve",
        None,
        None,
        "deadline",
    ]


def test_vocabulary_is_data(tmp_path: Path) -> None:
    """An analyst adds a wording to the file; precedence is the order of the rules."""
    p = tmp_path / "directions.yaml"
    p.write_text(
        "rules:\n"
        "  - direction: comply\n    words: [整洁]\n"
        "  - direction: improve\n    words: [提升]\n    patterns: ['^更.+']\n",
        encoding="utf-8",
    )
    v = load_directions(p)
    assert direction_of("整洁舒适", v) == "comply"
    assert direction_of("更加便捷", v) == "improve"
    assert direction_of("合规", v) == "other"  # not in this vocabulary
    assert set(DIRECTIONS) >= {r.direction for r in v.rules}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("rules:\n  - direction: better\n    words: [好]\n", "rules.0.direction: Input should be"),
        ("rules:\n  - direction: improve\n    patterns: ['(']\n", "bad pattern"),
    ],
)
def test_bad_vocabulary_names_the_file(tmp_path: Path, body: str, message: str) -> None:
    p = tmp_path / "directions.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as e:
        load_directions(p)
    assert str(p.name) in str(e.value)


def test_shipped_vocabulary_covers_every_direction() -> None:
    v = load_directions()
    assert v.rules, "configs/directions.yaml has no rules"
    assert {r.direction for r in v.rules} == set(DIRECTIONS) - {"other"}


def test_ingest_writes_direction_for_qualitative_rows(tmp_path: Path) -> None:
    ingest_paths([SAMPLE], tmp_path)
    glob = str(tmp_path / "indicators" / "**" / "*.parquet")
    rows = duckdb.sql(
        f"SELECT kind, direction, count(*) FROM read_parquet('{glob}') GROUP BY ALL"
    ).fetchall()
    assert rows
    for kind, direction, _ in rows:
        if kind == "qualitative":
            assert direction in DIRECTIONS
        else:
            assert direction is None
    got = dict(
        duckdb.sql(
            f"SELECT value_raw, direction FROM read_parquet('{glob}') WHERE kind = 'qualitative'"
        ).fetchall()
    )
    assert got["有所提升"] == "improve"
    assert got["合规"] == "comply"
    assert got["春节前"] == "deadline"
    assert got["不超支"] == "decrease"
    assert got["维持稳定"] == "maintain"
