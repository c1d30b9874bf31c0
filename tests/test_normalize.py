"""Value normalizer: the SPEC section 3 table, word operators, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize import chinese_numeral, normalize_value

# raw, op, value, value_max, unit, per, kind  (SPEC section 3, row by row)
SPEC_TABLE = [
    ("≥10次/月", ">=", 10, None, "次", "月", "numeric"),
    ("≥每月4次", ">=", 4, None, "次", "月", "numeric"),
    ("≥每季度1次", ">=", 1, None, "次", "季度", "numeric"),
    ("=10件/年", "=", 10, None, "件", "年", "numeric"),
    ("12期", "=", 12, None, "期", None, "numeric"),
    ("100%", "=", 100, None, "%", None, "numeric"),
    ("≤0.2mm", "<=", 0.2, None, "mm", None, "numeric"),
    ("≤15元/册", "<=", 15, None, "元", "册", "numeric"),
    ("720元/人/月", "=", 720, None, "元", "人/月", "numeric"),
    ("120元/24小时", "=", 120, None, "元", "24小时", "numeric"),
    ("≥5000万元", ">=", 5000, None, "万元", None, "numeric"),
    ("≥20", ">=", 20, None, None, None, "numeric"),
    ("每月30日前", "<=", 30, None, "日", "月", "numeric"),
    ("80%-90%", "range", 80, 90, "%", None, "numeric"),
    ("合规", None, None, None, None, None, "qualitative"),
    ("有所提升", None, None, None, None, None, "qualitative"),
    ("春节前", None, None, None, None, None, "qualitative"),
    ("不超支", None, None, None, None, None, "qualitative"),
]

MORE = [
    ("不低于95%", ">=", 95, None, "%", None),
    ("不少于3次", ">=", 3, None, "次", None),
    ("至少2次", ">=", 2, None, "次", None),
    ("90%以上", ">=", 90, None, "%", None),
    ("不超过5%", "<=", 5, None, "%", None),
    ("不高于10万元", "<=", 10, None, "万元", None),
    ("3个工作日以内", "<=", 3, None, "个工作日", None),
    ("5%以下", "<=", 5, None, "%", None),
    ("＞95％", ">", 95, None, "%", None),
    ("≧60分", ">=", 60, None, "分", None),
    (">=98%", ">=", 98, None, "%", None),
    ("＜1‰", "<", 1, None, "‰", None),
    ("十件", "=", 10, None, "件", None),
    ("两次", "=", 2, None, "次", None),
    ("一百人", "=", 100, None, "人", None),
    ("≥三百所", ">=", 300, None, "所", None),
    ("每人每月500元", "=", 500, None, "元", "人/月"),
    ("≥1次/季度", ">=", 1, None, "次", "季度"),
    ("0次", "=", 0, None, "次", None),
    ("1万人次", "=", 1, None, "万人次", None),
    ("80-90%", "range", 80, 90, "%", None),
    ("4.5-5元/份", "range", 4.5, 5, "元", "份"),
    ("1,200人", "=", 1200, None, "人", None),
]


@pytest.mark.parametrize("raw,op,value,value_max,unit,per,kind", SPEC_TABLE)
def test_spec_table(raw, op, value, value_max, unit, per, kind):
    v = normalize_value(raw)
    assert (v.raw, v.op, v.value, v.value_max, v.unit, v.per, v.kind) == (
        raw,
        op,
        value,
        value_max,
        unit,
        per,
        kind,
    )


@pytest.mark.parametrize("raw,op,value,value_max,unit,per", MORE)
def test_word_operators_numerals_ranges(raw, op, value, value_max, unit, per):
    v = normalize_value(raw)
    assert (v.op, v.value, v.value_max, v.unit, v.per, v.kind) == (
        op,
        value,
        value_max,
        unit,
        per,
        "numeric",
    )


@pytest.mark.parametrize(
    "raw",
    [
        "不低于上年度水平",
        "进一步扩大",
        "按会议方案、调研方案",
        "2024年12月31日前",
        "一般",
        "有效保障",
        "逐步建立",
    ],
)
def test_qualitative(raw):
    v = normalize_value(raw)
    assert v.kind == "qualitative" and v.op is None and v.value is None


def test_several_numbers_keep_first_and_flag():
    v = normalize_value("1600人、200人")
    assert v.value == 1600 and v.unit == "人" and "multiple_values" in v.flags


def test_unit_from_indicator_name():
    assert normalize_value("5000", "城镇新增就业人数（人）").unit == "人"
    assert normalize_value("95", "合格率(%)").unit == "%"
    assert normalize_value("95%", "合格率（人）").unit == "%"  # the value's own unit wins


def test_separate_operator_and_unit_columns():
    v = normalize_value("95", None, "≥", "%")
    assert (v.raw, v.op, v.value, v.unit) == ("≥95%", ">=", 95, "%")
    v = normalize_value("稳步提高", None, "定性", "")
    assert (v.raw, v.kind, v.op) == ("稳步提高", "qualitative", None)
    v = normalize_value("100", None, "=", "%")
    assert v.raw == "=100%" and v.op == "="


def test_empty_values():
    assert normalize_value(None).kind is None
    assert normalize_value("   ").raw is None


@pytest.mark.parametrize(
    "s,n",
    [
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百", 100),
        ("一百零五", 105),
        ("三千五百", 3500),
        ("两", 2),
        ("零", 0),
    ],
)
def test_chinese_numerals(s, n):
    assert chinese_numeral(s) == n


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_never_raises_on_any_string(s):
    v = normalize_value(s)
    assert v.kind in (None, "numeric", "qualitative")
    if v.kind == "numeric":
        assert v.op in (">=", "<=", ">", "<", "=", "range")
        assert v.value is not None or "value_overflow" in v.flags
    else:
        assert v.value is None


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["≥", "≤", "=", ">", "<", ""]),
    st.integers(min_value=0, max_value=10**7),
    st.sampled_from(["%", "次", "人", "万元", "元", "个", "天", ""]),
    st.sampled_from(["", "/月", "/年", "/季度"]),
)
def test_round_trip_composed_values(op, n, unit, per):
    raw = f"{op}{n}{unit}{per}"
    v = normalize_value(raw)
    expect_op = {"≥": ">=", "≤": "<=", "": "="}.get(op, op)
    assert (v.op, v.value, v.unit, v.per, v.kind) == (
        expect_op,
        n,
        unit or None,
        per[1:] or None,
        "numeric",
    )


# --- drawn the way real documents write them: Chinese text around, decimals, ranges,
# word operators, Chinese numerals, signs --------------------------------------------

WORD_OPS = {"不低于": ">=", "不少于": ">=", "至少": ">=", "不超过": "<=", "不高于": "<=", "≥": ">="}
DECIMALS = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(
    lambda d: d.normalize()
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(WORD_OPS)), DECIMALS, st.sampled_from(["%", "万元", "人次", "公里"]))
def test_word_operator_and_decimal(word, d, unit):
    v = normalize_value(f"{word}{d:f}{unit}")
    assert (v.op, v.value, v.unit, v.kind) == (WORD_OPS[word], float(d), unit, "numeric")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["人", "次", "件", "个"]))
def test_chinese_numeral_values(n, unit):
    import cn2an

    v = normalize_value(cn2an.an2cn(n) + unit)
    assert (v.op, v.value, v.unit) == ("=", n, unit)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(["-", "～", "至"]),
)
def test_ranges_keep_their_bounds_in_order(a, b, sep):
    v = normalize_value(f"{a}{sep}{b}%")
    assert (v.op, v.value, v.value_max, v.unit) == ("range", min(a, b), max(a, b), "%")
    assert ("range_reversed" in v.flags) == (b < a)


@settings(max_examples=100, deadline=None)
@given(DECIMALS.filter(lambda d: d > 0), st.sampled_from(["", "≤", "≥"]))
def test_minus_signs_are_kept(d, op):
    v = normalize_value(f"{op}-{d:f}%")
    assert v.value == -float(d)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28))
def test_calendar_deadlines_are_qualitative_recurring_days_numeric(m, d):
    assert normalize_value(f"{m}月{d}日前").kind == "qualitative"
    assert normalize_value(f"{m}月底前").kind == "qualitative"
    assert normalize_value(f"2024年{m}月底").kind == "qualitative"
    v = normalize_value(f"每月{d}日前")
    assert (v.op, v.value, v.per) == ("<=", d, "月")


@pytest.mark.parametrize(
    "raw, op, value, unit, per",
    [
        ("═100%", "=", 100, "%", None),
        ("=100.00(%)", "=", 100, "%", None),
        ("=12.50(万吨)", "=", 12.5, "万吨", None),
        ("95%(百分比)", "=", 95, "%", None),
        ("≥200元每人每月", ">=", 200, "元", "人/月"),
        ("不低于60户/人.月", ">=", 60, "户", "人/月"),
        ("百分之九十五", "=", 95, "%", None),
        ("三万五千人", "=", 35000, "人", None),
        ("1E5次", "=", 100000, "次", None),
        ("½", "=", 0.5, None, None),
    ],
)
def test_forms_seen_in_other_regions(raw, op, value, unit, per):
    v = normalize_value(raw)
    assert (v.op, v.value, v.unit, v.per) == (op, value, unit, per)


def test_overflow_is_flagged_not_infinite():
    v = normalize_value("9" * 320 + "次")
    assert v.value is None and "value_overflow" in v.flags


@pytest.mark.parametrize(
    "raw,unit", [("≥3000㎡", "㎡"), ("5㎥", "㎥"), ("2.5㎢", "㎢"), ("≥20m²", "m²"), ("10m³", "m³")]
)
def test_area_and_volume_signs_are_units_not_a_second_number(raw, unit):
    """NFKC turns ㎡ into m2: the 2 is part of the unit, not a number of its own."""
    v = normalize_value(raw)
    assert (v.unit, v.flags) == (unit, [])


@pytest.mark.parametrize(
    "raw,op,value,unit,kind",
    [
        ("较2023年增长5%", "=", 5, "%", "numeric"),
        ("比2023年提高2个百分点", "=", 2, "个百分点", "numeric"),
        ("不低于2023年水平", None, None, None, "qualitative"),
        ("≥2022年度水平", None, None, None, "qualitative"),
        ("2024年完成", None, None, None, "qualitative"),
        ("2024年完成5项", "=", 5, "项", "numeric"),
    ],
)
def test_a_year_named_as_base_or_time_is_no_quantity(raw, op, value, unit, kind):
    """较2023年增长5%: the base year of a comparison is not the target; a year alone with
    a word operator (不低于2023年水平) is qualitative, like 不低于上年度水平 (SPEC §3)."""
    v = normalize_value(raw)
    assert (v.op, v.value, v.unit, v.kind) == (op, value, unit, kind)
