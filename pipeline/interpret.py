"""Interpret stage: one ``Table`` (rows of cells) → a ``TableRecord`` with header fields
and the indicator tree.

In:  ``Table`` from the segmenter, ``Config``.
Out: ``TableRecord`` (header fields, budget in 元, indicators with level1/2/3, raw and
canonical headings with match scores, target and actual values normalized) and the
``Finding``s met on the way.

Levels are recognised by vocabulary and by the tree, never by column position alone:

* ``tokens``: a row's non-empty cells (header words and section labels dropped);
* ``take_headings``: leading tokens that match a level-1 then a level-2 heading (fuzzy,
  score kept); an unknown ``…指标`` cell before a known level-2 is a garbled level-1,
  resolved from that child;
* ``update_tree``: merged cells carry down; a new level-1 empties level-2; a level-2
  with no level-1 takes its canonical parent;
* ``assign_roles``: the remaining cells become level-3 / value / explanation (and
  operator, unit, actual, weight, score, deviation where the header has those columns),
  by position when the table's columns are clean, else by order and cell type;
* rows of one cell each (plain text, one cell per line) are regrouped into indicators
  by ``split_stream``; cells run together (``产出指标数量指标覆盖率100%``) are split by
  ``split_run``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .config import Config, HeadingMatch, norm_key
from .model import OCR_LOW_CONF, Cell, Finding, Indicator, Row, Table, TableRecord
from .normalize import looks_numeric, normalize_value
from .segment import clean_issuer
from .selfeval import assess

CONTENT_ROLES = (
    "level3",
    "op",
    "value",
    "unit",
    "explanation",
    "actual",
    "weight",
    "score",
    "deviation",
)
DEFAULT_ROLES = ("level3", "value", "explanation")

_QUAL_WORDS = (
    "提升",
    "提高",
    "增强",
    "改善",
    "合规",
    "达标",
    "完成",
    "保障",
    "到位",
    "有效",
    "稳定",
    "持续",
    "良好",
    "明显",
    "显著",
    "规范",
    "及时",
    "满意",
    "下降",
    "降低",
    "减少",
    "扩大",
    "加强",
    "优化",
    "按时",
    "按期",
    "准确",
    "符合",
    "逐步",
    "进一步",
    "较好",
    "高效",
    "安全",
    "正常",
    "顺利",
    "可控",
    "落实",
    "促进",
    "不超",
    "无",
    "是",
    "否",
    "好",
    "高",
    "优",
    "达到",
    "实现",
    "确保",
    "加深",
    "整洁",
    "舒适",
    "改进",
)
_SENTENCE = re.compile(r"[，。；;：:,]")
_OP_TOKEN = {
    "≥",
    "≤",
    ">",
    "<",
    "=",
    ">=",
    "<=",
    "＝",
    "＞",
    "＜",
    "≧",
    "≦",
    "无",
    "定性",
    "大于",
    "小于",
    "等于",
    "大于等于",
    "小于等于",
    "/",
    "-",
}


@dataclass(slots=True)
class Token:
    text: str
    col: int
    row: Row


@dataclass(slots=True)
class Level:
    canonical: str | None
    raw: str | None
    score: float | None


@dataclass(slots=True)
class TreeState:
    l1: Level | None = None
    l2: Level | None = None


@dataclass(slots=True)
class Grid:
    """Column roles of an indicator grid, from its header row."""

    roles: dict[int, str] = field(default_factory=dict)  # column -> role
    width: int = 0
    line: int | None = None

    @property
    def content_roles(self) -> tuple[str, ...]:
        found = [r for _, r in sorted(self.roles.items()) if r in CONTENT_ROLES]
        if "level3" not in found or "value" not in found:
            return DEFAULT_ROLES
        out: list[str] = []
        for r in found:
            if r not in out:
                out.append(r)
        return tuple(out)


# --------------------------------------------------------------------------- headings


def classify(text: str, cfg: Config) -> tuple[HeadingMatch | None, HeadingMatch | None]:
    """Best level-1 and level-2 readings of a cell (either may be None)."""
    m1, m2 = cfg.match1(text), cfg.match2(text)
    if m1 and m2:
        if m1.score > m2.score:
            return m1, None
        if m2.score > m1.score:
            return None, m2
    return m1, m2


def heading_like(text: str) -> bool:
    """An unknown heading: short, ends with 指标 (or 类), no digits."""
    k = norm_key(text)
    return 3 <= len(k) <= 12 and k.endswith(("指标", "类")) and not re.search(r"\d|%", k)


@dataclass(slots=True)
class Headings:
    l1: HeadingMatch | None = None
    l1_unknown: str | None = None
    l2: HeadingMatch | None = None
    used: int = 0


def take_headings(tokens: list[Token], cfg: Config, positional: Grid | None = None) -> Headings:
    """Consume leading heading tokens: at most one level-1, then at most one level-2."""
    h = Headings()
    i = 0
    while i < len(tokens) and h.l2 is None:
        t = tokens[i].text
        m1, m2 = classify(t, cfg)
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else None
        role = positional.roles.get(tokens[i].col) if positional else None
        if h.l1 is None and h.l1_unknown is None and m1 is not None:
            if m2 is not None:  # ambiguous (成本指标): level-1 only if its child follows
                n1, n2 = classify(nxt, cfg) if nxt else (None, None)
                if not (n2 and cfg.parent_of(n2.canonical) == m1.canonical) and role != "level1":
                    h.l2 = m2
                    i += 1
                    break
            h.l1 = m1
            i += 1
            continue
        if m2 is not None:
            h.l2 = m2
            i += 1
            break
        if h.l1 is None and h.l1_unknown is None and heading_like(t) and nxt:
            n1, n2 = classify(nxt, cfg)
            if n2 is not None or (positional and role == "level1"):
                h.l1_unknown = t
                i += 1
                continue
        if positional and role in ("level1", "level2") and len(tokens) - i >= 2:
            # a clean grid: the cell sits in a level column though it matches no heading
            if role == "level1" and h.l1 is None and h.l1_unknown is None:
                h.l1_unknown = t
                i += 1
                continue
            if role == "level2":
                h.l2 = HeadingMatch(t, 2, 0.0, t)
                i += 1
                break
        break
    h.used = i
    return h


def update_tree(
    state: TreeState, h: Headings, cfg: Config
) -> tuple[list[str], list[tuple[str, str]]]:
    """Apply a row's headings to the carried tree; returns (row flags, findings)."""
    flags: list[str] = []
    notes: list[tuple[str, str]] = []
    if h.l1 is not None or h.l1_unknown is not None:
        # the same level-1 written again on the next row (a table that repeats it on every
        # row instead of merging it) continues its subtree; another one starts a new one
        repeated = (
            h.l1 is not None
            and h.l2 is None
            and state.l1 is not None
            and state.l1.canonical == h.l1.canonical
        )
        if h.l1 is not None:
            state.l1 = Level(h.l1.canonical, h.l1.raw, h.l1.score)
            if h.l1.score < 100:
                notes.append(("heading_fuzzy", f"level-1 {h.l1.raw!r} read as {h.l1.canonical}"))
        else:
            raw = h.l1_unknown or ""
            parent = cfg.parent_of(h.l2.canonical) if h.l2 else None
            score = _similarity(raw, parent) if parent else 0.0
            if parent and score >= cfg.garbled_threshold:
                state.l1 = Level(parent, raw, score)
                flags.append("level1_from_child")
                notes.append(
                    ("heading_garbled", f"level-1 {raw!r} read as {parent} (from its child)")
                )
            else:
                state.l1 = Level(raw, raw, None)
                notes.append(("heading_unknown", f"level-1 {raw!r} is not in the schema"))
        if not repeated:
            state.l2 = None
    if h.l2 is not None:
        state.l2 = Level(h.l2.canonical, h.l2.raw, h.l2.score)
        if 0 < h.l2.score < 100:
            notes.append(("heading_fuzzy", f"level-2 {h.l2.raw!r} read as {h.l2.canonical}"))
        parent = cfg.parent_of(h.l2.canonical)
        # a level-1 filled from the tree (not written) gives way to the next level-2's
        # parent; a written one stands, even over an unusual pair (SPEC section 2)
        filled = state.l1 is not None and state.l1.raw is None
        if state.l1 is None or (
            filled and parent and not cfg.level2_parent_ok(state.l1.canonical or "", h.l2.canonical)
        ):
            if parent:
                state.l1 = Level(parent, None, None)
                flags.append("level1_from_tree")
        elif (
            parent
            and state.l1.canonical in cfg.level1_children
            and not cfg.level2_parent_ok(state.l1.canonical or "", h.l2.canonical)
        ):
            notes.append(
                ("heading_unusual_pair", f"level-2 {h.l2.canonical} under {state.l1.canonical}")
            )
    return flags, notes


def _similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return round(float(fuzz.ratio(norm_key(a), norm_key(b))), 1)


# --------------------------------------------------------------------------- cells


def is_value_like(text: str) -> bool:
    return looks_numeric(text) and len(norm_key(text)) <= 24


def is_qualitative_value(text: str) -> bool:
    k = norm_key(text)
    return 1 <= len(k) <= 10 and not _SENTENCE.search(k) and any(w in k for w in _QUAL_WORDS)


def _is_op(text: str) -> bool:
    return norm_key(text) in _OP_TOKEN


def _is_unit(text: str) -> bool:
    k = norm_key(text)
    return 1 <= len(k) <= 5 and not re.search(r"\d", k) and not is_qualitative_value(k)


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?%?", norm_key(text)))


_ACCEPT = {
    "op": _is_op,
    "unit": _is_unit,
    "weight": _is_number,
    "score": _is_number,
}


def assign_roles(content: list[Token], roles: tuple[str, ...]) -> dict[str, Token]:
    """Give each content cell a role, by order and cell type (count mode).

    Extra cells (more than the header has columns for) are first read as doubled cells
    (``调度平台系统 | 调度平台系统``); past that, level-3 is the cell just before the first
    value-like cell and cells before it are dropped.
    """
    if "explanation" not in roles:
        roles = (*roles, "explanation")  # headers are often cut short of their last column
    toks = _dedupe(list(content))
    n_extra = len(toks) - len(roles)
    if n_extra > 0:
        p = next((i for i, t in enumerate(toks) if i >= 1 and is_value_like(t.text)), None)
        if p is not None and 0 < p - 1 <= n_extra:
            toks = toks[p - 1 :]
        else:
            toks = toks[n_extra:]
    out: dict[str, Token] = {}
    ti = 0
    for r in roles:
        if ti >= len(toks):
            break
        accept = _ACCEPT.get(r)
        if accept is not None and not accept(toks[ti].text):
            continue
        out[r] = toks[ti]
        ti += 1
    return out


def assign_positional(content: list[Token], grid: Grid) -> dict[str, Token]:
    out: dict[str, Token] = {}
    for t in content:
        r = grid.roles.get(t.col)
        if r in CONTENT_ROLES and r not in out:
            out[r] = t
    return out


# --------------------------------------------------------------------------- splitting


_UNITS = sorted(
    set(
        """% ‰ mm cm km m m² m³ kg t h 岁 个月 万元 亿元 千元 元 万人次 万人 万户 万亩 万册 万
        平方米 平方公里 立方米 公里 千米 小时 分钟 个工作日 工作日 人次 批次 次 件 个 人 期 套 条
        批 家 项 所 座 台 辆 间 册 份 篇 场 天 日 月 年 季度 周 名 户 组 本 张 处 亩 吨 米 课时
        学时 类 种 轮 部 门 位 只 头 棵 株 栋 块 趟 村 镇 校 分 秒 卷 株 棵 宗 起 例 床 班""".split()
    ),
    key=len,
    reverse=True,
)
_PERS = sorted({*_UNITS, "季度", "半年", "学期", "年度"}, key=len, reverse=True)
_OPS_RUN = (
    r"(?:>=|<=|[≥≤><=＞＜≧≦]|不低于|不少于|不超过|不高于|不大于|不小于|至少|大于|小于|低于|高于)"
)
_PER_RUN = r"(?:每(?:人|户|月|年|季度|周|天|日|次))*"
_VALUE_START = re.compile(
    rf"{_PER_RUN}{_OPS_RUN}?{_PER_RUN}"
    r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+(?=[次件个人期套条项场所家批户名篇册间座台辆轮]))"
)
_RANGE_TAIL = re.compile(r"\s*(?:-|~|～|—|–|至|到)\s*\d+(?:\.\d+)?")
_QUAL_RUN = re.compile(
    r"(?:有所|有效|持续|不断|明显|显著|逐步|稳步|进一步|大幅|全面|切实|得到有效|较上年)"
    r"(?:提升|提高|促进|改善|增强|下降|降低|减少|扩大|加强|加深|优化|保障|推进|增长|完善|建立"
    r"|健全|规范)"
    r"|得到(?:有效)?(?:维护|保障|提升|落实|改善)|(?:总体|基本|保持|维持)稳定|稳中有升"
    r"|(?:按时|按期|及时|如期|顺利)(?:完成|发放|拨付|到位)|保障到位|有效保障|有效可控"
    r"|(?:持续|稳定|正常)(?:稳定)?运行|稳定达到\S{1,4}?类"
    r"|(?:每(?:月|季度|年|周))?(?:年底|年末|季度末|月底|月末)前|控制在[^，。；\d]{1,6}?(?:内|以内)"
    r"|不(?:超过|低于|高于|少于)(?:年初预算|上年度?水平|上年|预算)数?|按(?:季度|月|年)拨付"
    r"|合规(?![性率])|达标(?![率])|不超支|按计划落实|良好(?![率])"
)


def _unit_at(s: str, j: int) -> int:
    """End of the known unit starting at ``j`` (万/千/亿 may lead it: 万人, 万m³)."""
    k = j + 1 if j < len(s) and s[j] in "万千亿" else j
    for u in _UNITS:
        if s.startswith(u, k):
            return k + len(u)
    return k


def value_span(s: str) -> tuple[int, int] | None:
    """Where a value sits inside run-together text: operator, number, known unit, per."""
    for m in _VALUE_START.finditer(s):
        if m.start() == 0:
            continue
        j = _unit_at(s, m.end())
        r = _RANGE_TAIL.match(s, j)
        if r:  # 80%-90%, 3-5个月
            j = _unit_at(s, r.end())
        while True:  # several numbers in one value: 600人、2400人
            more = re.match(r"[、,，/和及]\d+(?:\.\d+)?", s[j:])
            if not more or _unit_at(s, j + more.end()) == j + more.end():
                break
            j = _unit_at(s, j + more.end())
        while j < len(s) and s[j] in "/／":
            k = j + 1
            while k < len(s) and s[k].isdigit():
                k += 1
            for u in _PERS:
                if s.startswith(u, k):
                    k += len(u)
                    break
            if k == j + 1:
                break
            j = k
        for w in ("及以上", "以上", "以下", "以内", "之内", "前"):
            if s.startswith(w, j):
                j += len(w)
                break
        return m.start(), j
    return None


def _heading_prefix(s: str, cfg: Config) -> str | None:
    best = None
    for key in list(cfg.level1_keys) + list(cfg.level2_keys):
        if len(key) >= 3 and s.startswith(key) and (best is None or len(key) > len(best)):
            best = key
    if best is None:
        m = re.match(r"(.{2,4}指标)", s)
        if m and _heading_prefix(s[m.end() :], cfg) in cfg.level2_keys:
            best = m.group(1)  # a garbled level-1 before a known level-2
    return best


def split_run(text: str, cfg: Config) -> list[str]:
    """Split a cell whose cells ran together: headings, level-3, value, explanation."""
    s = norm_key(text.replace("²", "\x01").replace("³", "\x02"))
    s = s.replace("\x01", "²").replace("\x02", "³")  # m² and m³ stay units
    parts: list[str] = []
    for w in sorted(cfg.sections, key=len, reverse=True):
        if len(w) >= 2 and s.startswith(w) and _heading_prefix(s[len(w) :], cfg):
            s = s[len(w) :]
            break
    for _ in range(2):  # at most a level-1 and a level-2 prefix
        best = _heading_prefix(s, cfg)
        if best is None:
            break
        parts.append(best)
        s = s[len(best) :]
    if not s:
        return parts
    span = value_span(s)
    q = _QUAL_RUN.search(s, 2)
    if q and (span is None or _SENTENCE.search(s, 0, span[0])):
        # a worded target before any sentence; a number after a comma is explanation
        span = (q.start(), q.end())
    if span is None and s.find("定性", 2) > 0:
        # a separate 指标性质 column ran in: the worded target follows its 定性 mark
        k = s.find("定性", 2)
        return [*parts, s[:k], s[k + 2 :]] if s[k + 2 :] else [*parts, s[:k]]
    if span:
        a, b = span
        head = s[:a]
        half = len(head) // 2
        if len(head) % 2 == 0 and head[:half] == head[half:]:
            head = head[:half]  # a doubled name cell: 调度平台系统调度平台系统
        for mark in ("定性", "无"):  # the 指标性质 cell of a worded target
            if head.endswith(mark) and len(head) > len(mark) + 1 and q and span[0] == q.start():
                head = head[: -len(mark)]
                break
        parts += [head, s[a:b]]
        if s[b:]:
            parts.append(s[b:])
        return parts
    parts.append(s)
    return parts


def split_stream(
    tokens: list[Token], widths: set[int] | None = None
) -> list[dict[str, Token | list[Token]]]:
    """Regroup one-cell-per-line content into indicators (level-3, value, explanation).

    A small Viterbi over roles L (level-3), l (its continuation), V (value), E
    (explanation), e (its continuation), scored by cell type and by whether the cell
    before a continuation was cut at its column's full width.
    """
    if not tokens:
        return []
    full = full_widths([t.text for t in tokens]) if widths is None else widths
    # values never wrap, so a value is never the cut first part of a cell
    cuts = [not _value_alone(t.text) and is_cut(t.text, full) for t in tokens]

    def s_role(i: int, role: str) -> float:
        t = tokens[i].text
        k = norm_key(t)
        num = _value_alone(t)
        loose = not num and is_value_like(t)
        qual = is_qualitative_value(t)
        long_ = len(k) > 14 or bool(_SENTENCE.search(k))
        cut = cuts[i - 1] if i else False  # the cell before ran to its column's full width
        if role in ("l", "e"):
            # a cell of one or two characters is the tail of a wrapped cell, not a name
            return 2.0 if cut else (-1.0 if len(k) <= 2 else -5.0)
        # a cell cut at full width goes on in the next line, whatever that looks like
        if role == "V":
            base = 4.0 if num else (2.0 if qual else (-3.0 if long_ else (0.5 if loose else -0.5)))
            return base - (6.0 if cut else 0.0)
        if role == "L":
            base = -4.0 if num else (-1.5 if long_ else (-0.3 if qual else 1.0))
            base -= 3.0 if len(k) <= 2 else 0.0
            return base - (6.0 if cut else 0.0)
        base = -2.5 if num and not long_ else (1.5 if long_ or cuts[i] else -0.5)  # E
        return base - (6.0 if cut else 0.0)

    nxt = {"L": ("l", "V"), "l": ("l", "V"), "V": ("E", "L"), "E": ("e", "L"), "e": ("e", "L")}
    states = ("L", "l", "V", "E", "e")
    neg = float("-inf")
    score = [{s: neg for s in states} for _ in tokens]
    back: list[dict[str, str | None]] = [{s: None for s in states} for _ in tokens]
    score[0]["L"] = s_role(0, "L")
    for i in range(1, len(tokens)):
        for p in states:
            if score[i - 1][p] == neg:
                continue
            for s in nxt[p]:
                v = score[i - 1][p] + s_role(i, s.upper() if s in "LVE" else s)
                if v > score[i][s]:
                    score[i][s], back[i][s] = v, p
    # a trailing cell with no value after it (a stray line) may end the stream
    final = {s: score[-1][s] - (2.0 if s in ("L", "l") else 0.0) for s in states}
    end = max(states, key=lambda s: final[s])
    path = [end]
    for i in range(len(tokens) - 1, 0, -1):
        path.append(back[i][path[-1]] or "L")
    path.reverse()
    groups: list[dict[str, Token | list[Token]]] = []
    if path[-1] in ("L", "l"):
        k = len(path)
        while k > 0 and path[k - 1] in ("L", "l"):
            k -= 1
        tokens, path = tokens[:k], path[:k]  # drop the stray cells at the end
    for tok, role in zip(tokens, path, strict=True):
        if role == "L" or not groups:
            groups.append({"level3": [tok]})
        elif role == "l":
            groups[-1]["level3"].append(tok)  # type: ignore[union-attr]
        elif role == "V":
            groups[-1]["value"] = tok
        else:
            groups[-1].setdefault("explanation", [])
            groups[-1]["explanation"].append(tok)  # type: ignore[union-attr]
    return groups


# --------------------------------------------------------------------------- header fields


_COLON_SPLIT = re.compile(r"^([^:：]{2,16})[:：]\s*(.*)$")
_SPACE_SPLIT = re.compile(r"^(\S{2,12})\s+(\S.*)$")
_AMOUNT = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


def _label_parts(text: str, cfg: Config) -> tuple[str, str | None, str] | None:
    """(field, unit, inline value) when a cell is a field label, possibly with its value."""
    if len(text) > 80:
        return None
    f = cfg.field_of(text)
    if f:
        return f[0], f[1], ""
    for rx in (_COLON_SPLIT, _SPACE_SPLIT):
        m = rx.match(text.strip())
        if m:
            f = cfg.field_of(m.group(1))
            if f:
                return f[0], f[1], m.group(2).strip()
    return None


def amount_yuan(text: str, unit: str | None) -> float | None:
    s = norm_key(text)
    m = _AMOUNT.search(s)
    if not m:
        return None
    v = float(m.group(0).replace(",", ""))
    tail = s[m.end() : m.end() + 3]
    u = unit
    if tail.startswith("万"):
        u = "万元"
    elif tail.startswith("亿"):
        u = "亿元"
    elif tail.startswith("元"):
        u = "元"
    mult = {"万元": 1e4, "千元": 1e3, "亿元": 1e8}.get(u or "元", 1.0)
    return round(v * mult, 2)


@dataclass(slots=True)
class FieldState:
    values: dict[str, str] = field(default_factory=dict)
    budget: dict[str, float] = field(default_factory=dict)  # kind -> yuan
    dept_lines: dict[str, float] = field(default_factory=dict)
    unit_hint: str | None = None
    # budget labels of a label-only row, by column, waiting for the amounts row below
    pending: dict[int, tuple[str, str, str | None]] = field(default_factory=dict)
    # 自评表 budget execution block: columns of 年初预算数 / 全年预算数 / 全年执行数 / 执行率 …
    execution_cols: dict[int, str] = field(default_factory=dict)
    execution: dict[str, float] = field(default_factory=dict)
    # field labels whose value is not beside them but in the row below (年度总体目标 |
    # 预期目标 | 实际完成情况, then the texts), by column
    below: dict[int, str] = field(default_factory=dict)


def _take_below(row: Row, cfg: Config, st: FieldState) -> bool:
    """Values written under their labels' columns in the next row."""
    pending, st.below = st.below, {}
    texts = row.texts
    if not pending or any(
        t and (cfg.is_section(t) or _label_parts(t, cfg) is not None) for t in texts
    ):
        return False
    taken = False
    for name in dict.fromkeys(pending.values()):
        cols = [c for c, f in pending.items() if f == name]
        # a field labelled twice (年度绩效目标 … 年度目标) takes the column with text right
        # under one of its labels before a neighbouring one
        exact = [texts[c] for c in cols if c < len(texts) and texts[c]]
        cell = (
            exact[0] if exact else next(filter(None, (_cell_under(texts, c) for c in cols)), None)
        )
        if cell is not None and name not in st.values:
            st.values[name] = cell
            taken = True
    return taken


def _percent(text: str) -> float | None:
    m = _AMOUNT.search(norm_key(text))
    return float(m.group(0).replace(",", "")) if m else None


def read_execution(row: Row, cfg: Config, st: FieldState) -> bool:
    """The budget execution block of a 自评表: a row of labels (年初预算数 | 全年预算数 |
    全年执行数 | 分值 | 执行率 | 得分), then the amounts of 年度资金总额 by column."""
    texts = row.texts
    cols = {
        c: cfg.budget_execution[norm_key(t)]
        for c, t in enumerate(texts)
        if t and norm_key(t) in cfg.budget_execution
    }
    if len({v for v in cols.values()} & {"planned", "adjusted", "executed", "rate"}) >= 2:
        st.execution_cols = cols
        return True
    if not st.execution_cols or st.execution:
        return False
    first = next((norm_key(t) for t in texts if t), "")
    numbers = [t for t in texts if t and _AMOUNT.fullmatch(norm_key(t).rstrip("%"))]
    if first not in cfg.budget_execution_total and not (numbers and len(numbers) >= 3):
        return False
    for col, name in st.execution_cols.items():
        cell = _cell_under(texts, col, _is_amount)
        if cell is None:
            continue
        if name in ("planned", "adjusted", "executed"):
            v = amount_yuan(cell, st.unit_hint)
        else:
            v = _percent(cell)
        if v is not None:
            st.execution[name] = v
    return True


def _store_budget(st: FieldState, kind: str, key: str, value: str, unit: str | None) -> None:
    amt = amount_yuan(value, unit or st.unit_hint) if value else None
    if amt is None:
        return
    if kind == "department_lines":
        st.dept_lines.setdefault(key, amt)
    else:
        st.budget.setdefault(kind, amt)


def _take_pending(row: Row, st: FieldState) -> bool:
    """Amounts under a row of budget labels (资金总额 | 财政拨款 … above 15820.36 | …)."""
    texts = row.texts
    if not st.pending or not any(_AMOUNT.search(t) for t in texts if t):
        st.pending = {}
        return False
    for col, (kind, key, unit) in st.pending.items():
        cell = _cell_under(texts, col, _is_amount)
        if cell is not None:
            _store_budget(st, kind, key, cell, unit)
    st.pending = {}
    return True


def _is_amount(text: str) -> bool:
    return bool(_AMOUNT.fullmatch(norm_key(text).rstrip("%")))


def _cell_under(texts: list[str], col: int, accept=None) -> str | None:  # noqa: ANN001
    """The cell of a values row that belongs to the label in column ``col`` of the row
    above: that column, else the next, else the previous (merged or drifted cells)."""
    for c in (col, col + 1, col - 1):
        if 0 <= c < len(texts) and texts[c] and (accept is None or accept(texts[c])):
            return texts[c]
    return None


def _unit_hint(texts: list[str], cfg: Config, st: FieldState) -> None:
    for t in texts:
        # a section or column label with a unit, e.g. 项目资金（万元）, 2024年度预算金额（万元）
        if (
            t
            and ("万元" in t or t.endswith(("（元）", "(元)")))
            and (cfg.is_section(t) or cfg.field_of(t) is None)
            and not _AMOUNT.fullmatch(norm_key(t))
        ):
            st.unit_hint = "万元" if "万元" in t else "元"


def read_fields(row: Row, cfg: Config, st: FieldState) -> bool:
    """Take label/value pairs from a header row; True when the row held a field."""
    texts = [t for t in row.texts]
    if _take_pending(row, st) or _take_below(row, cfg, st):
        return True
    _unit_hint(texts, cfg, st)
    if read_execution(row, cfg, st):
        return True
    budget_cols = {}
    for col, t in enumerate(texts):
        f = cfg.field_of(t) if t else None
        if f and f[0].startswith("budget:"):
            budget_cols[col] = (f[0].split(":", 1)[1], norm_key(t), f[1])
    if budget_cols and not any(
        _AMOUNT.search(norm_key(t))
        for t in texts
        if t and cfg.field_of(t) is None and not cfg.is_section(t)
    ):
        st.pending = budget_cols
        return True
    found = False
    i = 0
    n = len(texts)
    while i < n:
        t = texts[i]
        if not t or cfg.is_section(t):
            i += 1
            continue
        lp = _label_parts(t, cfg)
        if lp is None:
            i += 1
            continue
        fname, unit, inline = lp
        value = inline
        j = i + 1
        if not value:
            while j < n and not texts[j]:
                j += 1
            if j < n and _label_parts(texts[j], cfg) is None and not cfg.is_section(texts[j]):
                value = texts[j]
                j += 1
            elif not fname.startswith("budget:"):
                st.below[i] = fname
        found = True
        if fname.startswith("budget:"):
            key = norm_key(t)
            if not any(key.startswith(p) for p in cfg.sub_line_prefixes):
                _store_budget(st, fname.split(":", 1)[1], key, value, unit)
        elif value and fname not in st.values:
            st.values[fname] = value
        i = j
    return found


# --------------------------------------------------------------------------- the table


def _tokens(row: Row, cfg: Config, drop_header: bool = True) -> list[Token]:
    out = []
    for col, c in enumerate(row.cells):
        t = c.text.strip()
        if not t:
            continue
        out.append(Token(t, col, row))
    # header words and section labels lead some rows (指标 | 产出指标 | …)
    while out and drop_header and (cfg.is_section(out[0].text) or cfg.header_role(out[0].text)):
        out.pop(0)
    return out


def header_grid(row: Row, cfg: Config) -> Grid | None:
    """The grid header (一级指标 | 二级指标 | 三级指标 | 指标值 …) or None."""
    roles: dict[int, str] = {}
    for col, c in enumerate(row.cells):
        r = cfg.header_role(c.text) if c.text else None
        if r:
            roles[col] = r
    kinds = set(roles.values())
    if len(roles) >= 2 and (
        "level3" in kinds or "value" in kinds or len(kinds & {"level1", "level2"}) == 2
    ):
        return Grid(roles, len(row.cells), row.line)
    return None


_SEQ = re.compile(r"\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})[.、]?\s*")
# page numbers and footers: "- 3 -", "— 8 —", "第 3 页", "3/12", "共12页第3页"
_PAGE_NO = re.compile(
    r"\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}\s*页?|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页)\s*"
)


def _indicators_follow(rows: list[Row], k: int, cfg: Config) -> bool:
    """True when one of the next rows still looks like an indicator row (a heading or a
    value cell): a 说明/注 line inside the grid (an explanation) does not end it."""
    for row in rows[k + 1 : k + 4]:
        for t in row.texts:
            if not t:
                continue
            if classify(t, cfg) != (None, None):
                return True
            if _value_alone(t) and not _PAGE_NO.fullmatch(t) and not re.fullmatch(r"\d{1,3}", t):
                return True
    return False


def _is_stop(row: Row, cfg: Config) -> bool:
    first = next((t for t in row.texts if t), "")
    return norm_key(first).startswith(cfg.grid_stop) if first else False


def _grid_is_clean(rows: list[Row], grid: Grid, cfg: Config) -> bool:
    """True when every heading sits in its own column and rows have the header's width."""
    if not rows:
        return False
    col_of = {r: c for c, r in grid.roles.items()}
    for row in rows:
        if len(row.cells) != grid.width:
            return False
        for t in _tokens(row, cfg, drop_header=False):
            if cfg.is_section(t.text) or cfg.header_role(t.text):
                continue
            m1, m2 = classify(t.text, cfg)
            if m1 is not None and m2 is None and col_of.get("level1") not in (None, t.col):
                return False
            if m2 is not None and m1 is None and col_of.get("level2") not in (None, t.col):
                return False
            if grid.roles.get(t.col) is None:
                return False
    return True


def display_width(text: str) -> int:
    """Width as a column lays it out: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def is_cut(text: str, widths: set[int]) -> bool:
    """True when a line filled its column (so the cell goes on in the next line)."""
    w = display_width(text)
    return any(0 <= full - w <= 1 for full in widths)


def full_widths(texts: list[str]) -> set[int]:
    """Lengths at which a column wrapped its text (``texts`` in reading order).

    A wrapped column yields many lines of exactly its width, so its width stands out as
    a peak among line lengths (seen at least 3 times and twice as often as either
    neighbouring length), and a line of that length is mostly followed by more text,
    not by a value.  Natural cell lengths spread out and are followed by values.
    """
    counts: dict[int, int] = {}
    then_text: dict[int, int] = {}
    for i, t in enumerate(texts):
        if _value_alone(t) or norm_key(t).endswith("指标"):
            continue  # values never wrap; headings are whole words
        n = display_width(t)
        counts[n] = counts.get(n, 0) + 1
        # the next line goes on with this cell when neither it nor the one after it is
        # a value (a level-3 name is followed by its value)
        nxt = texts[i + 1 : i + 3]
        if nxt and not any(_value_alone(x) for x in nxt):
            then_text[n] = then_text.get(n, 0) + 1
    # a line that fills its column is at the width or one short of it (a wide character
    # that did not fit), so lengths are pooled in pairs
    pooled = {n: counts.get(n, 0) + counts.get(n - 1, 0) for n in counts}
    then = {n: then_text.get(n, 0) + then_text.get(n - 1, 0) for n in counts}
    peaks = {
        n: c
        for n, c in pooled.items()
        if n >= 12
        and c >= 3
        and c >= 2 * max(pooled.get(n - 2, 0), pooled.get(n + 2, 0))
        and then[n] >= 0.6 * c
    }
    top = max(peaks.values(), default=0)
    out = {n for n, c in peaks.items() if c >= 0.3 * top}
    # the widest column wraps at the widest line: several lines at that very width (or one
    # short of it) are cut lines, whatever follows them
    if counts:
        widest = max(counts)
        if widest >= 12 and pooled.get(widest, 0) >= 3:
            out.add(widest)
    return out


def _is_label(text: str, cfg: Config) -> bool:
    return cfg.field_of(text) is not None or _label_parts(text, cfg) is not None


def regroup(rows: list[Row], cfg: Config) -> list[Row]:
    """Rebuild table rows from text with one cell per line or cells run together.

    Before the grid: a label starts a row and the lines after it are its value (wrapped
    lines joined where the line before was cut at the column's full width); cells run
    together are split at known labels.  Consecutive header words make the grid header;
    grid rows are left to ``parse_grid``.
    """
    texts = [next(t for t in r.texts if t) for r in rows]
    full = full_widths(texts)
    out: list[Row] = []
    cur: Row | None = None
    header: Row | None = None
    i = 0
    while i < len(rows):
        row, text = rows[i], texts[i]
        if (
            header is not None
            and header.cells
            and not (cfg.header_role(text) or cfg.is_section(text))
        ):
            # header words end: join fragments such as 指标解释及计算公 + 式
            out.extend(rows[i:])
            break
        if i + 1 < len(rows) and not _is_label(text, cfg) and not cfg.header_role(text):
            joined = text + texts[i + 1]
            if _is_label(joined, cfg) or cfg.header_role(joined):
                texts[i + 1] = joined
                i += 1
                continue
        pieces = cfg.split_vocab(text) if len(text) > 3 else [text]
        roles = [cfg.header_role(p) for p in pieces]
        if sum(1 for r in roles if r) >= 2 or (header is not None and roles[0]):
            header = header or Row([], row.line, row.page)
            header.cells.extend(Cell(p) for p in pieces)
            if header not in out:
                if cur is not None:
                    out.append(cur)
                    cur = None
                out.append(header)
            i += 1
            continue
        if roles[0] and header is None and cfg.header_role(pieces[0]) in ("level1", "level2"):
            header = Row([Cell(pieces[0])], row.line, row.page)
            if cur is not None:
                out.append(cur)
                cur = None
            out.append(header)
            i += 1
            continue
        if len(pieces) > 1 or _is_label(text, cfg) or cfg.is_section(text):
            if cur is not None:
                out.append(cur)
            cur = Row([Cell(p) for p in pieces], row.line, row.page, row.table_id, row.bbox)
            if cfg.is_section(text) and len(pieces) == 1:
                out.append(cur)
                cur = None
        elif cur is None:
            out.append(row)
        elif len(cur.cells) == 1 and _is_label(cur.cells[0].text, cfg):
            cur.cells.append(Cell(text))
        elif is_cut(cur.cells[-1].text, full):
            cur.cells[-1] = Cell(cur.cells[-1].text + text)
        else:
            cur.cells.append(Cell(text))
        i += 1
    else:
        if cur is not None:
            out.append(cur)
    return out


def _single_cell_table(rows: list[Row]) -> bool:
    n1 = sum(1 for r in rows if sum(1 for t in r.texts if t) == 1)
    return n1 >= 0.8 * max(len(rows), 1) and len(rows) >= 4


def interpret(table: Table, cfg: Config) -> tuple[TableRecord, list[Finding]]:
    rec = TableRecord(
        table_no=table.table_no,
        kind=table.kind,
        form=table.form,
        year=table.year,
        issuer=table.issuer,
        line_start=table.line_start,
        line_end=table.line_end,
        page=table.rows[0].page,
    )
    findings: list[Finding] = []
    fs = FieldState()
    grid: Grid | None = None
    grid_rows: list[Row] = []
    in_grid = False
    body = table.rows[1:] if table.title else table.rows
    if _single_cell_table(body):
        body = regroup(body, cfg)
    grid_table: int | None = None
    # the physical table each row's next table row belongs to: a page number or running
    # header between two parts of one table does not end its grid
    next_tid: list[int | None] = [None] * len(body)
    nxt: int | None = None
    for k in range(len(body) - 1, -1, -1):
        next_tid[k] = nxt
        if body[k].table_id is not None:
            nxt = body[k].table_id
    for k, row in enumerate(body):
        if in_grid:
            if row.table_id is None and grid_table is not None and next_tid[k] == grid_table:
                continue
            stop = _is_stop(row, cfg) and not _indicators_follow(body, k, cfg)
            if stop or (grid_table is not None and row.table_id is None):
                in_grid = False  # signatures and notes, or text after the grid's table
                rec.stated_total = rec.stated_total or _stated_total(row, cfg)
                continue
            g = header_grid(row, cfg)
            if g is not None and not grid_rows:
                grid = g
            if g is None:
                grid_rows.append(row)
            elif grid_rows:
                # a repeated header (page break): keep any heading it carries
                grid_rows.append(row)
            continue
        g = header_grid(row, cfg)
        if g is not None:
            grid, in_grid, grid_table = g, True, row.table_id
            grid_rows.append(row)  # the header may carry the first level-1
            continue
        if read_fields(row, cfg, fs):
            continue
        toks = _tokens(row, cfg)
        if (
            toks
            and classify(toks[0].text, cfg) != (None, None)
            and (len(toks) >= 2 or split_run(toks[0].text, cfg)[:1] != [toks[0].text])
        ):
            in_grid, grid_table = True, row.table_id
            grid_rows.append(row)
    _fill_fields(rec, fs, table)
    if grid is not None and "actual" in grid.roles.values():
        rec.form = "self_evaluation"
    rec.indicators, notes = parse_grid(grid_rows, grid, cfg)
    for line, code, msg, row_no in notes:
        findings.append(Finding("warning", code, msg, table.table_no, row_no, line))
    findings.extend(assess(rec, cfg))
    rec.bbox = _table_bbox(table)
    return rec, findings


def _table_bbox(table: Table) -> tuple[float, float, float, float] | None:
    """The box of the table's rows on its first page (PDF points / image pixels)."""
    grid = [r for r in table.rows if r.table_id is not None] or table.rows  # not page footers
    page = grid[0].page
    boxes = [r.bbox for r in grid if r.bbox is not None and r.page == page]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _fill_fields(rec: TableRecord, fs: FieldState, table: Table) -> None:
    v = fs.values
    for f in (
        "owner",
        "phone",
        "category",
        "attribute",
        "period",
        "fund_nature",
        "annual_goal",
        "org",
        "policy",
        "plan",
    ):
        setattr(rec, f, v.get(f))
    rec.name = v.get("name")
    if v.get("issuer"):
        rec.issuer = clean_issuer(v["issuer"]) or rec.issuer
    if rec.kind == "department":
        rec.name = rec.name or rec.issuer
        rec.budget_yuan = fs.budget.get("project") or fs.budget.get("year")
        if rec.budget_yuan is None and fs.dept_lines:
            rec.budget_yuan = round(sum(fs.dept_lines.values()), 2)
    else:
        rec.budget_yuan = fs.budget.get("year") or fs.budget.get("project")
    rec.budget_lines = dict(fs.dept_lines)
    ex = fs.execution
    rec.budget_planned = ex.get("planned")
    rec.budget_adjusted = ex.get("adjusted")
    rec.budget_executed = ex.get("executed")
    rec.execution_rate = ex.get("rate")
    rec.budget_execution_weight = ex.get("weight")
    rec.budget_execution_score = ex.get("score")
    if rec.budget_yuan is None:
        # a 自评表 states the year's money as 全年预算数 (or 年初预算数)
        rec.budget_yuan = rec.budget_adjusted or rec.budget_planned


def _stated_total(row: Row, cfg: Config) -> float | None:
    """The form's total weight from a 总分 row (the first number on it)."""
    first = next((t for t in row.texts if t), "")
    if not norm_key(first).startswith(("总分", "合计", "总得分")):
        return None
    return next((_num(t) for t in row.texts[1:] if t and _num(t) is not None), None)


def parse_grid(
    rows: list[Row], grid: Grid | None, cfg: Config
) -> tuple[list[Indicator], list[tuple[int, str, str, int | None]]]:
    """Indicator rows of a grid → indicators (and notes: line, code, message, row_no)."""
    notes: list[tuple[int, str, str, int | None]] = []
    out: list[Indicator] = []
    state = TreeState()
    if grid is not None:
        rows = fold_wrapped_lines(rows, grid, cfg)
    clean = grid is not None and _grid_is_clean(rows[1:] if rows else rows, grid, cfg)
    roles = grid.content_roles if grid else DEFAULT_ROLES
    # token lists per row, with run-together cells split
    row_tokens: list[list[Token]] = []
    numbered = grid is not None and "seq" in grid.roles.values()
    for row in rows:
        toks = [t for t in _tokens(row, cfg) if not _PAGE_NO.fullmatch(t.text)]
        if numbered and toks and _SEQ.fullmatch(toks[0].text):
            toks = toks[1:]  # the 序号 cell
        if header_grid(row, cfg) is not None:  # a header row may carry the first level-1
            toks = [t for t in toks if not cfg.header_role(t.text) and not cfg.is_section(t.text)]
        row_tokens.append(toks)
    singles = [t[0].text for t in row_tokens if len(t) == 1]
    multi = sum(1 for t in row_tokens if len(t) >= 2)
    if len(singles) > 2 * max(multi, 1):
        # one cell per line (values stand alone on their lines) or cells run together
        alone = sum(1 for t in singles if _value_alone(t))
        if alone >= max(3, 0.1 * len(singles)):
            return _parse_stream(row_tokens, cfg, state, notes, roles)
        row_tokens = [_split_row(t, cfg) for t in row_tokens]
    for toks in row_tokens:
        if not toks:
            continue
        h = take_headings(toks, cfg, grid if clean else None)
        content = toks[h.used :]
        row_flags, tree_notes = update_tree(state, h, cfg)
        row = toks[0].row
        if not content:
            for code, msg in tree_notes:
                notes.append((row.line, code, msg, None))
            continue
        parts = assign_positional(content, grid) if clean and grid else assign_roles(content, roles)
        if "level3" not in parts or (
            "value" not in parts and "explanation" not in parts and "actual" not in parts
        ):
            if "level3" in parts and len(content) == 1 and h.used == 0:
                notes.append(
                    (
                        row.line,
                        "row_incomplete",
                        f"cell {content[0].text[:30]!r} has no value",
                        None,
                    )
                )
                continue
        ind = _indicator(len(out) + 1, state, parts, row, row_flags)
        for code, msg in tree_notes:
            notes.append((row.line, code, msg, ind.row_no))
        out.append(ind)
    return out, notes


def _value_alone(text: str) -> bool:
    """A cell that is a value and nothing else (one cell per line), not a run of cells."""
    k = norm_key(text)
    if _QUAL_RUN.fullmatch(k):
        return True
    return (
        len(k) <= 14
        and is_value_like(k)
        and k[0] in "≥≤><=＞＜≧≦每0123456789不至大小低高一二两三四五六七八九十百千"
    )


def _split_row(toks: list[Token], cfg: Config) -> list[Token]:
    """A row holding one cell whose cells ran together → its cells."""
    if len(toks) != 1 or len(toks[0].text) <= 6:
        return toks
    parts = split_run(toks[0].text, cfg)
    if len(parts) > 1 and (
        classify(parts[0], cfg) != (None, None)
        or len(parts) >= 3
        or is_value_like(parts[1])
        or is_qualitative_value(parts[1])
        or _QUAL_RUN.fullmatch(parts[1])
    ):
        return [Token(p, toks[0].col + k, toks[0].row) for k, p in enumerate(parts)]
    return toks


def fold_wrapped_lines(rows: list[Row], grid: Grid, cfg: Config) -> list[Row]:
    """Borderless PDF/scan grids come out one printed line per row, multi-line cells
    centred on the line that holds the value.  Each line without a value (and that is not
    a bare heading, i.e. a placeholder row) joins the nearer value line, by its position on
    the page, and the texts of each column are joined in reading order."""
    value_col = next((c for c, r in grid.roles.items() if r == "value"), None)
    if (
        value_col is None
        or not rows
        or any(r.bbox is None or len(r.cells) != grid.width for r in rows[1:])
    ):
        return rows
    body = rows[1:]
    anchors = [i for i, r in enumerate(body) if r.cells[value_col].text.strip()]

    def heading_only(r: Row) -> bool:
        texts = [t for t in r.texts if t]
        return bool(texts) and all(classify(t, cfg) != (None, None) for t in texts)

    loose = [
        i
        for i, r in enumerate(body)
        if i not in set(anchors) and any(r.texts) and not heading_only(r)
    ]
    if len(anchors) < 2 or len(loose) < 0.3 * len(body):
        return rows  # a ruled grid: wrapped text stays inside its cells
    groups: dict[int, list[int]] = {a: [a] for a in anchors}
    for i in loose:
        before = max((a for a in anchors if a < i), default=None)
        after = min((a for a in anchors if a > i), default=None)
        if before is None or after is None:
            target = after if before is None else before
        else:
            mid = body[i].bbox[1]
            target = before if mid - body[before].bbox[1] <= body[after].bbox[1] - mid else after
        groups[target].append(i)
    out = [rows[0]]
    used = {i for g in groups.values() for i in g}
    for i, r in enumerate(body):
        if i in groups:
            members = sorted(groups[i], key=lambda k: body[k].bbox[1])
            cells = [
                Cell("".join(body[k].cells[c].text for k in members), conf=r.cells[c].conf)
                for c in range(grid.width)
            ]
            out.append(Row(cells, r.line, r.page, r.table_id, r.bbox))
        elif i not in used:
            out.append(r)
    return out


def _dedupe(content: list[Token]) -> list[Token]:
    """Drop a doubled name cell (调度平台系统 | 调度平台系统 | 1套).  A repeat followed by a
    value is a doubled cell; one followed by an explanation is the value itself
    (严格控制会期 | 严格控制会期 | 严守获批会议方案会期…)."""
    out: list[Token] = []
    for i, t in enumerate(content):
        if out and norm_key(out[-1].text) == norm_key(t.text) and not _is_number(t.text):
            nxt = content[i + 1].text if i + 1 < len(content) else None
            if nxt is None or is_value_like(nxt) or is_qualitative_value(nxt):
                continue
        out.append(t)
    return out


def _text(x: Token | list[Token] | None) -> str | None:
    if x is None:
        return None
    if isinstance(x, list):
        return "".join(t.text for t in x) or None
    return x.text or None


def _indicator(row_no: int, state: TreeState, parts: dict, row: Row, flags: list[str]) -> Indicator:
    l1 = state.l1 or Level(None, None, None)
    l2 = state.l2 or Level(None, None, None)
    level3 = _text(parts.get("level3"))
    target = normalize_value(
        _text(parts.get("value")), level3, _text(parts.get("op")), _text(parts.get("unit"))
    )
    actual = None
    if "actual" in parts:
        actual = normalize_value(_text(parts.get("actual")), level3, None, _text(parts.get("unit")))
    confs = [c.conf for c in row.cells if c.conf is not None and c.text]
    min_conf = min(confs) if confs else None
    fl = list(flags) + list(target.flags)
    if min_conf is not None and min_conf < OCR_LOW_CONF:
        fl.append("low_ocr_confidence")
    return Indicator(
        row_no=row_no,
        level1=l1.canonical,
        level2=l2.canonical,
        level3=level3,
        target=target,
        explanation=_text(parts.get("explanation")),
        level1_raw=l1.raw,
        level2_raw=l2.raw,
        level1_score=l1.score,
        level2_score=l2.score,
        line=row.line,
        page=row.page,
        bbox=row.bbox,
        flags=fl,
        actual=actual,
        weight=_num(_text(parts.get("weight"))),
        score=_num(_text(parts.get("score"))),
        deviation=_text(parts.get("deviation")),
        min_conf=min_conf,
    )


def _num(text: str | None) -> float | None:
    if not text:
        return None
    m = _AMOUNT.search(norm_key(text))
    return float(m.group(0).replace(",", "")) if m else None


def _merge_fragments(tokens: list[Token], cfg: Config) -> list[Token]:
    """Join cells wrapped mid-word when the joined text is a heading or a header word
    (满意度指 + 标, 社会公众或服 + 务对象满意度 + 指标, 指标解释及计 + 算公式)."""

    def score(text: str) -> float:
        if cfg.header_role(text):
            return 100.0
        return max((m.score for m in classify(text, cfg) if m), default=0.0)

    def best_join(i: int) -> tuple[float, int]:
        best, best_n, base = 0.0, 0, score(tokens[i].text)
        joined = tokens[i].text
        for n in (1, 2):
            if i + n >= len(tokens):
                break
            joined += tokens[i + n].text
            if len(joined) > 20:
                break
            base = max(base, score(tokens[i + n].text))  # better than every part alone
            sc = score(joined)
            if sc >= cfg.threshold and sc > base and sc >= best:
                best, best_n = sc, n
        return best, best_n

    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        best, best_n = best_join(i)
        if best_n and i + 1 < len(tokens) and best_join(i + 1)[0] >= best:
            best_n = 0  # the heading starts at the next cell (年 | 满意度指 | 标)
        if best_n:
            out.append(Token("".join(x.text for x in tokens[i : i + best_n + 1]), t.col, t.row))
            i += best_n + 1
            continue
        out.append(t)
        i += 1
    return out


def _is_unit_cell(text: str) -> bool:
    k = norm_key(text)
    return (
        0 < len(k) <= 5
        and not re.search(r"\d", k)
        and (k in _UNITS or k[0] in "万千亿%‰" or "/" in k or k.endswith(tuple(_UNITS)))
    )


def _join_value_columns(tokens: list[Token]) -> list[Token]:
    """Operator, number and unit cells on lines of their own (separate 指标性质 and 计量单位
    columns) → one value cell, as ``normalize_value`` joins them: ≥ | 12 | 万人 → ≥12万人."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        k = norm_key(t.text)
        if _is_op(k) and i + 1 < len(tokens):
            nxt = tokens[i + 1]
            if k in ("无", "定性", "/", "-"):
                i += 1  # no operator: the value follows as written
                continue
            sym = {">=": "≥", "<=": "≤", "大于等于": "≥", "小于等于": "≤"}.get(k, t.text)
            t = Token(sym + nxt.text, t.col, t.row)
            i += 1
        if _is_number(t.text.lstrip("≥≤<>=＞＜＝")) and i + 1 < len(tokens):
            if _is_unit_cell(tokens[i + 1].text):
                t = Token(t.text + tokens[i + 1].text, t.col, t.row)
                i += 1
        out.append(t)
        i += 1
    return out


def _parse_stream(
    row_tokens: list[list[Token]],
    cfg: Config,
    state: TreeState,
    notes: list[tuple[int, str, str, int | None]],
    roles: tuple[str, ...] = DEFAULT_ROLES,
) -> tuple[list[Indicator], list[tuple[int, str, str, int | None]]]:
    flat = _merge_fragments([t for toks in row_tokens for t in toks], cfg)
    flat = [t for t in flat if not cfg.header_role(t.text) and not cfg.is_section(t.text)]
    if "op" in roles or "unit" in roles:
        flat = _join_value_columns(flat)
    widths = full_widths([t.text for t in flat])
    out: list[Indicator] = []
    i = 0
    pending_flags: list[str] = []
    force_content = False
    while i < len(flat):
        h = take_headings(flat[i:], cfg) if not force_content else Headings()
        if h.used:
            fl, tree_notes = update_tree(state, h, cfg)
            pending_flags = fl
            for code, msg in tree_notes:
                notes.append((flat[i].row.line, code, msg, None))
            i += h.used
            # after a level-2 the next cell is a level-3, unless it is another heading
            # not followed by a value (the level-2 was a placeholder row)
            force_content = h.l2 is not None and not (
                i + 1 < len(flat)
                and take_headings(flat[i : i + 1], cfg).used
                and not is_value_like(flat[i + 1].text)
                and not is_qualitative_value(flat[i + 1].text)
            )
            continue
        force_content = False
        j = i
        while j < len(flat):
            if j > i and take_headings(flat[j:], cfg).used:
                break
            j += 1
        for g in split_stream(flat[i:j], widths):
            first = g["level3"][0] if isinstance(g["level3"], list) else g["level3"]
            ind = _indicator(len(out) + 1, state, g, first.row, pending_flags)
            ind.line = first.row.line
            out.append(ind)
        pending_flags = []
        i = j
    return out, notes
