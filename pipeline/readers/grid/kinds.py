"""Cell kinds: what a cell's text holds, and how well it fits each column role.

In:  a cell's text and ``Config`` (heading, header and label vocabulary).
Out: ``kind_of`` (one ``Kind`` per text: heading, operator, unit, number, value,
worded target, direction, nature, standard, name, prose …) and ``fit`` (how well a kind
sits in a column of a role: 0 is a perfect fit, more negative is worse, like a
log-likelihood).  The aligner (``grid.align``) places cells in columns by these fits and
the interpreter reads a column's role from the fits of the cells it holds.

The table of fits is the one place where a cell's look meets a column's role; it is
written for a reader who has never seen the corpus: an operator cell (≥) fits only an
operator column, a heading (产出指标) only a level column, a number a value, completion,
weight or score column, a short worded target (合规, 有所提升) a value or completion
column before a name column, and prose (a sentence) an explanation-like column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...config import EXACT_MATCH, Config, heading_key, norm_key
from ...normalize import looks_numeric
from ...vocabulary import VOCAB
from .cells import _SENTENCE_MARK, _UNITS, _value_alone, is_worded

# column roles a grid knows (``configs/labels.yaml`` grid_header names them)
INDICATOR_ROLES = ("level1", "level2", "level12", "level3", "value")
SELF_EVAL_ROLES = ("actual", "weight", "score", "deviation")
# columns kept out of every field: read so the other columns stay in step
AUX_ROLES = ("op", "unit", "direction", "nature", "standard", "remark", "seq", "multi_year")
ROLES = (*INDICATOR_ROLES, "explanation", *SELF_EVAL_ROLES, *AUX_ROLES, "side", "field", "other")

# the kinds of cell text
EMPTY = "empty"
NONE = "none"  # a mark for nothing (无, /, -, —): what an operator or unit column holds
# beside a worded target
HEADING1 = "heading1"  # a level-1 heading (产出指标, 效益类指标)
HEADING2 = "heading2"  # a level-2 heading (数量指标)
HEADER = "header"  # a grid header word (指标值, 一级指标)
SECTION = "section"  # a section label (绩效指标, printed beside a grid: its side label)
OP = "op"  # an operator alone (≥, =, 不低于)
UNIT = "unit"  # a unit alone (%, 人次, 元/人/月)
NUMBER = "number"  # a bare number (95, 100%, 0.5)
POINTS = "points"  # a weight or score in points (10分)
VALUE = "value"  # a target with a number (≥95%, 10次/年, 1600人、200人)
WORDED = "worded"  # a short worded target (合规, 有所提升, 春节前)
DIRECTION = "direction"  # 正向 / 反向
NATURE = "nature"  # 定量 / 定性
STANDARD = "standard"  # 计划标准 / 历史标准 / 行业标准
FRAGMENT = "fragment"  # one or two characters that are no word of their own (势, 方向)
SHORT = "short"  # a few words: a name, or a worded target no known word marks
NAME = "name"  # a phrase: an indicator's name, often, or a short explanation
ITEM = "item"  # a name with an item number (指标1：…, 1、…): a level-3 name
PROSE = "prose"  # a sentence: an explanation, a deviation, a remark


@dataclass(frozen=True, slots=True)
class Kind:
    kind: str
    heading_score: float = 0.0  # match score of a heading (EXACT_MATCH: exact)
    chars: int = 0  # length of the text (normalized)
    level1: float = 0.0  # a heading's match score as a level-1 and as a level-2 (成本指标 is
    level2: float = 0.0  # both: a level-2 under 产出指标 and a level-1 in newer forms)


_OPS = VOCAB.operator_cells
NONE_MARKS = VOCAB.empty_marks
_NATURE = re.compile(r"(定量|定性)(指标)?")
_POINTS = re.compile(r"\d+(\.\d+)?分")
_NUMBER = re.compile(r"[-+]?\d+(,\d{3})*(\.\d+)?%?")
# an item number before a name (指标1：, 1、, (2), 1.)
ITEM_PREFIX = re.compile(
    r"^(?:指标\s*\d{1,3}\s*[：:.、．]?|\d{1,2}\s*[：:、．]|\d{1,2}\.(?!\d)|[(（]\d{1,2}[)）])\s*(?=\D)"
)
_SIGNS = "≥≤><=＞＜≧≦"
_SENTENCE = _SENTENCE_MARK
_CJK = re.compile(r"[\u4e00-\u9fff]+")
# a formula: words multiplied, divided or equated (实际接种人数÷应接种人数×100%, 拜访率=…)
_FORMULA = re.compile(r"[\u4e00-\u9fff)][÷×=][\u4e00-\u9fff\d(]")
NAME_MAX = 30  # longer text is prose, whatever its punctuation
FRAGMENT_MAX = 2  # so few characters that are no unit, number or known word: a wrap's tail
SHORT_MAX = 10  # worded targets are short (按会议方案、调研方案); explanations are longer
LONG_VALUE = 8  # a target with a number longer than this may as well be an explanation
VALUE_MAX = 16  # a target with a number is short: longer text holding one is a phrase
OUTSIDE_HEADING_SCORE = 70.0  # a heading outside the schema fits a level column less well
ITEM_MARK = 3  # characters an item number takes (1、, (2)): sentence marks are looked for after
PUNCTUATED_MAX = 12  # text with a comma or colon this short is still a name; longer is a sentence


@lru_cache(maxsize=200_000)
def kind_of(text: str, cfg: Config) -> Kind:
    """What ``text`` holds (see the module docstring)."""
    from ...interpret.headings import heading_like

    k = norm_key(text)
    n = len(k)
    if not k:
        return Kind(EMPTY)
    if k in _OPS:
        return Kind(OP, chars=n)
    if k in NONE_MARKS:
        return Kind(NONE, chars=n)
    if k in cfg.direction_words:
        return Kind(DIRECTION, chars=n)
    if _NATURE.fullmatch(k):
        return Kind(NATURE, chars=n)
    if k in cfg.standard_words:
        return Kind(STANDARD, chars=n)
    if _NUMBER.fullmatch(k):
        return Kind(NUMBER, chars=n)
    if _POINTS.fullmatch(k):
        return Kind(POINTS, chars=n)
    m1, m2 = cfg.match1(text), cfg.match2(text)
    if m1 is not None or m2 is not None:
        s1 = m1.score if m1 else 0.0
        s2 = m2.score if m2 else 0.0
        return Kind(HEADING1 if s1 >= s2 else HEADING2, max(s1, s2), n, s1, s2)
    if cfg.header_role(text):
        return Kind(HEADER, chars=n)
    if cfg.is_section(text):
        return Kind(SECTION, chars=n)
    if (heading_like(k) and k.endswith("指标")) or k.startswith(cfg.outside_level1_words):
        # a heading outside the schema (管理类指标): a level cell, kept as written
        return Kind(HEADING1, OUTSIDE_HEADING_SCORE, n, OUTSIDE_HEADING_SCORE)
    if is_unit(k):
        return Kind(UNIT, chars=n)
    if ITEM_PREFIX.match(k) and ITEM_MARK < n <= NAME_MAX and not _SENTENCE.search(k[ITEM_MARK:]):
        return Kind(ITEM, chars=n)
    if _value_alone(k) and any(ch.isdigit() for ch in k):
        return Kind(VALUE, chars=n)
    if _value_alone(k) or is_worded(k):
        return Kind(WORDED, chars=n)
    if n <= VALUE_MAX and looks_numeric(k) and not _SENTENCE.search(k):
        return Kind(VALUE, chars=n)
    if (
        n > NAME_MAX
        or (_SENTENCE.search(k) and n > PUNCTUATED_MAX)
        or k[0] in _SIGNS
        or _FORMULA.search(k)
    ):
        return Kind(PROSE, chars=n)  # a sentence, a formula, or text opening with a sign
    if VOCAB.prose_start.match(k):
        # 根据下达任务目标要求确定, 按照…执行: a worded target (it ends as one does) or an
        # explanation, no name
        target = n <= PHRASE_TARGET_MAX and k.endswith(VOCAB.target_clause_ends)
        return Kind(WORDED if target else PROSE, chars=n)
    if n <= FRAGMENT_MAX and _CJK.fullmatch(k):
        return Kind(FRAGMENT, chars=n)
    return Kind(SHORT if n <= SHORT_MAX else NAME, chars=n)


PHRASE_TARGET_MAX = 16  # a target that says how it is set (根据…确定) is one clause


UNIT_MAX = 8  # a unit is short, its per's included (元/人/月, 万元/平方米)


def is_unit(k: str) -> bool:
    """A unit alone (%, 人次, 万元, 元/人/月, 元每人每月, 平方米), or the 无 / - a unit column
    holds for a worded target: known units, 万/千/亿 before one, joined by / or 每."""
    units = set(_UNITS) | set(VOCAB.period_units)
    if len(k) > 2 and k[0] == "(" and k[-1] == ")":
        k = k[1:-1]  # a unit in brackets: (%), (万元)
    parts = [p for p in re.split(r"[/／每.·]", k) if p]
    return (
        bool(parts)
        and len(k) <= UNIT_MAX
        and all(p in units or (p[0] in "万千亿" and p[1:] in units) for p in parts)
    )


# fit[kind][role]: how well a cell of that kind sits in a column of that role (0 best).
# Roles missing from a kind's row fit at ``_NEVER``.
_NEVER = -9.0
_FIT: dict[str, dict[str, float]] = {
    EMPTY: {},  # handled by the aligner: an empty cell holds any column's place
    NONE: {"op": 0.0, "unit": 0.0, "value": -2.0, "actual": -1.0, "remark": -1.0}
    | {"other": -1.0, "explanation": -2.0, "direction": -2.0, "nature": -2.0, "field": -2.0},
    HEADING1: {"level1": 0.0, "level12": 0.0, "level2": -3.0, "level3": -4.0, "other": -4.0}
    | {"field": -4.0},
    HEADING2: {"level2": 0.0, "level12": 0.0, "level1": -3.0, "level3": -2.5, "other": -4.0}
    | {"field": -4.0},
    HEADER: {"other": -2.0, "level3": -5.0, "remark": -4.0, "side": -1.0},
    SECTION: {"side": 0.0, "other": -3.0, "field": -3.0, "level1": -4.0, "level12": -4.0},
    OP: {"op": 0.0, "value": -5.0, "direction": -4.0, "other": -3.0, "remark": -4.0},
    UNIT: {"unit": 0.0, "value": -4.0, "remark": -3.0, "other": -3.0, "level3": -7.0},
    NUMBER: {
        "value": 0.0,
        "actual": 0.0,
        "weight": 0.0,
        "score": 0.0,
        "multi_year": -0.5,
        "seq": -1.0,
        "remark": -3.0,
        "other": -2.0,
        "field": -2.0,
        "explanation": -5.0,
        "level3": -7.0,
    },
    POINTS: {"weight": 0.0, "score": 0.0, "actual": -3.0, "value": -4.0, "other": -3.0},
    VALUE: {
        "value": 0.0,
        "actual": -0.5,
        "multi_year": -0.5,
        "remark": -3.0,
        "explanation": -3.0,
        "deviation": -3.0,
        "other": -2.5,
        "field": -3.0,
        "level3": -5.0,
    },
    WORDED: {
        "value": 0.0,
        "actual": -0.5,
        "multi_year": -0.5,
        "remark": -2.5,
        "explanation": -3.0,
        "deviation": -2.5,
        "level3": -3.0,
        "other": -2.5,
        "field": -2.5,
    },
    DIRECTION: {"direction": 0.0, "other": -3.0, "remark": -4.0},
    NATURE: {"nature": 0.0, "op": -3.0, "other": -3.0, "remark": -4.0},
    STANDARD: {"standard": 0.0, "other": -2.0, "remark": -3.0, "explanation": -4.0},
    ITEM: {"level3": 0.0, "explanation": -4.0, "value": -5.0, "other": -4.0, "remark": -4.0},
    FRAGMENT: {
        "level3": -2.5,
        "value": -2.0,
        "actual": -2.5,
        "explanation": -3.0,
        "remark": -2.0,
        "other": -2.0,
        "field": -1.5,
    },
    SHORT: {
        "level3": 0.0,
        "level2": -3.5,  # a heading outside the schema (预算执行 under 管理类指标), or one
        "level1": -3.5,  # garbled by OCR (产出指杯)
        "value": -1.0,
        "actual": -1.5,
        "explanation": -1.5,
        "deviation": -2.0,
        "remark": -1.5,
        "multi_year": -1.5,
        "other": -2.0,
        "field": -1.0,
    },
    NAME: {
        "level3": 0.0,
        "value": -2.5,
        "actual": -3.0,
        "explanation": -1.0,
        "deviation": -1.5,
        "remark": -2.0,
        "multi_year": -2.5,
        "other": -2.0,
        "field": -1.0,
    },
    PROSE: {
        "explanation": 0.0,
        "deviation": 0.0,
        "remark": -1.0,
        "level3": -2.5,
        "value": -3.0,
        "actual": -3.0,
        "other": -1.5,
        "field": -1.0,
    },
}


def fit(kind: Kind, role: str) -> float:
    """How well a cell of ``kind`` sits in a column of ``role`` (0 best, ``_NEVER`` never).
    A heading matched fuzzily fits its level a little less."""
    if kind.kind in (HEADING1, HEADING2) and role in ("level1", "level2"):
        # a heading fits each level by its match score at that level, and less where it
        # matches the other level better (服务对象满意度指标: a level-2 exactly, a level-1
        # only by likeness)
        score = kind.level1 if role == "level1" else kind.level2
        if score > 0:
            return -(EXACT_MATCH - score) / 20 - (max(kind.level1, kind.level2) - score) / 10
    f = _FIT[kind.kind].get(role, _NEVER)
    if kind.kind == VALUE and kind.chars > LONG_VALUE and role in ("explanation", "deviation"):
        f = -1.5  # a phrase holding a number: a target, or an explanation's clause
    if kind.kind in (HEADING1, HEADING2) and kind.heading_score < EXACT_MATCH and f == 0.0:
        f = -(EXACT_MATCH - kind.heading_score) / 20
    return f


def is_heading(kind: Kind) -> bool:
    return kind.kind in (HEADING1, HEADING2)


def heading_text(text: str) -> str:
    """A heading as the schema compares it (``（一）产出指标（50分）`` → 产出指标)."""
    return heading_key(text)
