"""Normalize stage: one 指标值 (or 完成值) text → ``Value`` (SPEC section 3).

In:  the raw cell text, optionally the indicator name and separate operator / unit
column texts.  Out: ``model.Value`` with ``op`` (``>=``, ``<=``, ``>``, ``<``, ``=``,
``range`` or None), ``value``, ``value_max``, ``unit``, ``per``, ``kind``
(``numeric`` | ``qualitative``) and ``flags``.

A chain of small pure functions: ``_prepare`` (width/sign folding) → ``_find_op`` (sign
or word operator, prefix or suffix) → ``_find_quantity`` (number, Chinese numeral,
range) → ``_find_unit_per`` (unit after the number, ``/per`` or ``每X`` period).  Never
raises: any string gives a ``Value``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .model import Value
from .vocabulary import VOCAB

# --- operators -----------------------------------------------------------------------

_SIGN_OPS = VOCAB.operators
_PREFIX_OPS = sorted(((w, op) for op, ws in _SIGN_OPS for w in ws), key=lambda x: -len(x[0]))
# suffixes that turn a number into a bound
_SUFFIX_OPS = VOCAB.bound_suffixes
_OP_COLUMN = {
    "≥": ">=",
    ">=": ">=",
    "≧": ">=",
    "大于等于": ">=",
    "≤": "<=",
    "<=": "<=",
    "≦": "<=",
    "小于等于": "<=",
    ">": ">",
    "大于": ">",
    "<": "<",
    "小于": "<",
    "=": "=",
    "等于": "=",
    "定性": None,
    "定量": None,
    "无": None,
    "": None,
}
_OP_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}

# --- numbers -------------------------------------------------------------------------

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_CN_NUM_CHARS = "".join(_CN_DIGIT) + "".join(_CN_UNIT)
# measure words that may follow a Chinese numeral (so 进一步 or 一般 are not numbers)
_MEASURE = VOCAB.numeral_measures
_NUM = r"(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d{1,3}(?![\d.]))?"
_CN_NUM = f"[{_CN_NUM_CHARS}]+"
_RANGE_SEP = r"\s*(?:-|~|～|—|–|－|至|到)\s*"
_UNIT_CHARS = r"[^\d\s/／,，、;；:：()（）\[\]【】<>=≥≤≧≦~～\-—–－。.!！?？+×÷*\"“”'‘’]"
_STOP_WORDS = (
    "底前",
    "末前",
    "底",
    "末",
    "及以上",
    "或以上",
    "以上",
    "及以下",
    "或以下",
    "以下",
    "以内",
    "之内",
    "以前",
    "之前",
    "以后",
    "之后",
    "左右",
    "前",
    "后",
    "内",
    "的",
    "且",
    "和",
    "或",
    "并",
    "确保",
    "完成",
    "达到",
    "以",
    "每",
)
_PER_WORDS = (
    "季度",
    "半年",
    "学期",
    "年度",
    "小时",
    "工作日",
    "年",
    "季",
    "月",
    "周",
    "旬",
    "天",
    "日",
    "人",
    "户",
    "次",
    "场",
    "期",
    "册",
    "批",
    "家",
    "项",
    "件",
    "个",
    "台",
    "辆",
    "平方米",
    "亩",
    "公里",
    "吨",
)
_YEAR_DATE = re.compile(
    r"(19|20)\d\d\s*年\s*(\d{1,2}\s*月|底|末|初|中|上半年|下半年|年底|前|全年|内|以前|之前|度内)"
)
# a calendar deadline without 每 (6月30日前, 11月底前, 12月31日): qualitative (SPEC §3)
_MONTH_DATE = re.compile(
    r"(?<!每)(?<![\d月])(1[0-2]|0?[1-9])月(?:份)?(?:\d{1,2}[日号]|底|末|中旬|上旬|下旬)"
)
# 2024-06-30, 2024/6/30, 2024.06.30, 2024-06: a year and a real month, the same separator
# (1900.01% or 2000-3000人 are numbers)
_ISO_DATE = re.compile(
    r"(?<![\d.])(19|20)\d\d(?:([-/])(0?[1-9]|1[0-2])(?:\2\d{1,2})?|\.(0?[1-9]|1[0-2])\.\d{1,2})(?![\d.%])"
)
_YEAR_REF = re.compile(r"(?<![\d.])(19|20)\d\d年度?(?:同期|水平|标准|基础上|的)?(?!\d)")
_PAREN_UNIT = re.compile(r"[（(]\s*([^()（）]{1,6}?)\s*[)）]\s*$")


@dataclass(slots=True)
class _Quantity:
    value: float
    value_max: float | None
    start: int
    end: int  # index just after the (last) number
    count: int  # numbers found outside the per part


def chinese_numeral(s: str) -> float | None:
    """Value of a Chinese numeral (十, 十二, 一百零五, 三千五百, 一万, 三万五千); None if
    ``s`` is not one.  cn2an reads it in strict mode, so 二三 or 进一步 are not numbers."""
    if not s or any(ch not in _CN_NUM_CHARS for ch in s):
        return None
    try:
        import cn2an  # on first use: its import compiles patterns for a quarter second

        return float(cn2an.cn2an(s.replace("两", "二"), "strict"))
    except (ValueError, KeyError, IndexError):
        return None


# m², m³, ㎡, ㎥ and ㎢ are units, not m2, m3 and km2 (NFKC would make them so)
_KEEP = {"²": "\x01", "³": "\x02", "㎡": "\x03", "㎥": "\x04", "㎢": "\x05"}
_RESTORE = {v: k for k, v in _KEEP.items()}


# signs NFKC leaves alone: box-drawing and other look-alike equals signs, full-width %
_FOLD = str.maketrans({"═": "=", "＝": "=", "〓": "=", "％": "%", "﹪": "%", "⩾": "≥", "⩽": "≤"})
_FRACTION = re.compile(r"(\d+)⁄(\d+)")
_PERCENT_WORDS = re.compile(f"百分之([{_CN_NUM_CHARS}点]+)")


def _fraction(a: str, b: str) -> str:
    return f"{int(a) / int(b):g}" if int(b) else f"{a}/{b}"


def _percent_words(m: re.Match[str]) -> str:
    words = m.group(1)
    whole, _, frac = words.partition("点")
    v = chinese_numeral(whole)
    if v is None or (frac and any(ch not in _CN_DIGIT for ch in frac)):
        return m.group(0)
    text = f"{v:g}" + ("." + "".join(str(_CN_DIGIT[ch]) for ch in frac) if frac else "")
    return text + "%"


def _prepare(text: str) -> str:
    s = "".join(_KEEP.get(ch, ch) for ch in text) if any(k in text for k in _KEEP) else text
    s = unicodedata.normalize("NFKC", s)
    if any(v in s for v in _RESTORE):
        s = "".join(_RESTORE.get(ch, ch) for ch in s)
    s = re.sub(r"\s+", "", s)
    s = s.translate(_FOLD)
    if "⁄" in s:  # a vulgar fraction after NFKC: ½ → 1⁄2 → 0.5
        s = _FRACTION.sub(lambda m: _fraction(m.group(1), m.group(2)), s)
    if "百分之" in s:  # 百分之九十五 → 95%
        s = _PERCENT_WORDS.sub(_percent_words, s)
    return s


def _find_prefix_op(s: str) -> tuple[str | None, int]:
    """Operator written before the number (sign or word); returns (op, length)."""
    for word, op in _PREFIX_OPS:
        if s.startswith(word):
            return op, len(word)
    return None, 0


def _parse_number(tok: str) -> float | None:
    if tok and (tok[0].isdigit() or tok[0] == "."):
        try:
            return float(tok.replace(",", ""))
        except ValueError:
            return None
    return chinese_numeral(tok)


_QTY = re.compile(rf"(?P<a>{_NUM}|{_CN_NUM})(?P<ua>%?)(?:{_RANGE_SEP}(?P<b>{_NUM}|{_CN_NUM}))?")


def _numbers(s: str) -> list[re.Match[str]]:
    """Number matches in ``s``; Chinese numerals only where a measure word follows."""
    out = []
    for m in _QTY.finditer(s):
        a = m.group("a")
        if not a[0].isdigit() and a[0] != ".":
            tail = s[m.end() :] if m.group("b") else s[m.end("a") :]
            before = s[: m.start("a")]
            if not any(tail.startswith(w) for w in _MEASURE) and tail:
                continue
            if (
                before
                and before[-1] not in "每/于过到至约为共计达≥≤><="
                and not before.endswith(tuple(w for w, _ in _PREFIX_OPS))
            ):
                continue
            if chinese_numeral(a) is None:
                continue
        out.append(m)
    return out


def _find_quantity(s: str) -> tuple[_Quantity | None, list[re.Match[str]]]:
    ms = _numbers(s)
    if not ms:
        return None, ms
    m = ms[0]
    a = _parse_number(m.group("a"))
    if a is None:
        return None, ms
    b = _parse_number(m.group("b")) if m.group("b") else None
    start = m.start("a")
    if _negative(s, start):
        a, start = -a, start - 1
    end = m.end("b") if m.group("b") else m.end("a")
    return _Quantity(a, b, start, end, len(ms)), ms


def _negative(s: str, i: int) -> bool:
    """A minus sign just before the number at ``i``: at the start or after an operator
    (``-5%``, ``≤-5%``), not the dash of a range (``80%-90%``) or of a code."""
    if i == 0 or s[i - 1] not in "-−－":
        return False
    before = s[: i - 1]
    return (
        not before or before[-1] in "≥≤><=≧≦" or before.endswith(tuple(w for w, _ in _PREFIX_OPS))
    )


def _read_unit(s: str, i: int) -> tuple[str, int]:
    """Unit text starting at ``i``; stops at separators and operator/deadline words."""
    j = i
    while j < len(s) and re.match(_UNIT_CHARS, s[j]):
        if s.startswith(_STOP_WORDS, j) and j > i:
            break
        if s.startswith(("以上", "以下", "以内", "之内", "左右"), j):
            break
        j += 1
    unit = s[i:j]
    alt = re.match(r"\(([^\d()]{1,2})\)", s[j:])
    if unit and alt:  # 台(套): an alternative measure word stays with the unit
        unit, j = unit + alt.group(0), j + alt.end()
    # a unit is short; long runs are prose (keep the leading measure word if any)
    if len(unit) > 8:
        for w in sorted(_MEASURE, key=len, reverse=True):
            if unit.startswith(w):
                return w, i + len(w)
        return "", i
    return unit, j


def _per_after_slash(s: str, j: int) -> tuple[str | None, int]:
    parts = []
    while j < len(s) and s[j] in "/／":
        k = j + 1
        while k < len(s) and (s[k].isdigit() or re.match(_UNIT_CHARS, s[k])):
            if s.startswith(("以上", "以下", "以内", "之内", "左右", "前"), k) and k > j + 1:
                break
            k += 1
        if k == j + 1:
            break
        part = s[j + 1 : k]
        # 60户/人.月 (or 人·月): per 人 per 月
        dot = re.match(r"([^\d.·]{1,3})[.·]([^\d.·]{1,3})$", part + s[k : k + 3])
        if dot and s[k : k + 1] in ".·":
            part, k = f"{dot.group(1)}/{dot.group(2)}", k + 1 + len(dot.group(2))
        parts.append(part)
        j = k
    return ("/".join(parts) if parts else None), j


def _per_words_after(s: str, j: int) -> tuple[str | None, int]:
    """``每人每月`` written after the unit (≥200元每人每月 → per 人/月)."""
    m = re.match(r"(?:每(?:" + "|".join(_PER_WORDS) + "))+", s[j:])
    if not m:
        return None, j
    return "/".join(re.findall("每(" + "|".join(_PER_WORDS) + ")", m.group(0))), j + m.end()


def _per_before(s: str, start: int) -> str | None:
    """``每月``/``每人每月``/``每季度`` written before the number."""
    head = s[:start]
    pers = re.findall(r"每(" + "|".join(_PER_WORDS) + ")", head)
    if not pers and re.search(r"(?:全年|年度内|每年度)", head):
        return "年"  # 全年不少于4次 reads as ≥4次 per 年, like ≥每年4次
    return "/".join(pers) if pers else None


@lru_cache(maxsize=65536)
def _normalize_cached(raw: str, name: str) -> Value:
    s = _prepare(raw)
    if not s:
        return Value(raw=None)
    if _YEAR_DATE.search(s) or _ISO_DATE.search(s) or _MONTH_DATE.match(s.lstrip("在于截至到")):
        return Value(raw=raw, kind="qualitative")
    # a year named as the base of a comparison (较2023年增长5%, 不低于2022年度水平) or as
    # when (2024年完成) is no quantity: the target is what else is written, if anything
    s = _YEAR_REF.sub("", s)
    op, oplen = _find_prefix_op(s)
    qty, matches = _find_quantity(s)
    if qty is None:
        return Value(raw=raw, kind="qualitative")
    if op is None:
        # an operator word just before the number, after some text (完成率不低于90%)
        head = s[: qty.start]
        for word, wop in _PREFIX_OPS:
            if head.endswith(word) and len(word) > 1 or head.endswith(("≥", "≤", ">", "<", "=")):
                op = wop if head.endswith(word) else _find_prefix_op(head[-1])[0]
                break
        if op is None and head.endswith(("达到", "达")):
            op = ">="
    flags: list[str] = []
    j = qty.end
    unit = ""
    if qty.value_max is None:
        pm = matches[0]
        if pm.group("ua"):
            unit, j = "%", pm.end("ua")
        else:
            unit, j = _read_unit(s, j)
    else:
        unit, j = _read_unit(s, j)
        first_unit = matches[0].group("ua")
        if not unit and first_unit:
            unit = first_unit
        if not unit:
            # 80%-90%: the unit sits after the first number too
            m_unit = re.match(
                rf"({_NUM})(%|[^\d\-~～—–－至到]{{1,4}}?){_RANGE_SEP}", s[qty.start :]
            )
            if m_unit:
                unit = m_unit.group(2)
        op = "range"
    if not unit or unit == "%":
        # a unit written in brackets after the number: =100.00(%), 12.50(万吨); a note
        # in brackets after a unit is not one: %(百分比)
        pu = re.match(r"[(（]([^()（）\d]{1,6})[)）]", s[j:])
        if pu:
            unit = unit or pu.group(1)
            j += pu.end()
    per, j2 = _per_after_slash(s, j)
    if per is None:
        per, j2 = _per_words_after(s, j2)
    if per is None:
        per = _per_before(s, qty.start)
    if op is None or op == "=":
        tail = s[j2:]
        for word, sop in _SUFFIX_OPS:
            if tail.startswith(word):
                if word in ("前", "内") and op == "=":
                    break
                op = sop
                break
    if op is None:
        op = "="
    value, value_max = qty.value, qty.value_max
    if not math.isfinite(value) or (value_max is not None and not math.isfinite(value_max)):
        flags.append("value_overflow")  # more digits than a float holds: keep the text only
        value, value_max = None, None
    elif value_max is not None and value_max < value:
        flags.append("range_reversed")  # 100至95%: bounds kept in order, the row flagged
        value, value_max = value_max, value
    numbers_outside = [m for m in matches if m.start() >= j2 or m.end() <= qty.start]
    if numbers_outside and len(matches) > 1:
        flags.append("multiple_values")
    if not unit and name:
        m = _PAREN_UNIT.search(unicodedata.normalize("NFKC", name))
        if m and not re.search(r"\d", m.group(1)):
            unit = m.group(1)
    return Value(
        raw=raw,
        op=op,
        value=value,
        value_max=value_max,
        unit=unit or None,
        per=per,
        kind="numeric",
        flags=flags,
    )


def normalize_value(
    raw: str | None,
    name: str | None = None,
    op_text: str | None = None,
    unit_text: str | None = None,
) -> Value:
    """Split one value cell into op/value/value_max/unit/per/kind (SPEC section 3).

    ``op_text`` and ``unit_text`` are the cells of separate 指标性质 / 计量单位 columns
    where the table has them; ``value_raw`` then joins them (``≥`` + ``95`` + ``%``).
    """
    text = (raw or "").strip()
    op_text = (op_text or "").strip()
    unit_text = (unit_text or "").strip()
    if op_text or unit_text:
        # the sign or word of an operator column; other words there (定量, 定性, 无) are
        # what kind of indicator it is, not part of the target
        key = _prepare(op_text)
        is_op = _OP_COLUMN.get(key) is not None or any(key == w for w, _ in _PREFIX_OPS)
        op_sym = op_text if is_op else ""
        if op_sym and op_sym in _OP_SYMBOL:
            op_sym = _OP_SYMBOL[op_sym]
        unit_part = unit_text if unit_text and not text.endswith(unit_text) else ""
        if unit_part in ("无", "/", "-"):
            unit_part = ""
        joined = f"{op_sym}{text}{unit_part}" if text else ""
        if not joined:
            return Value(raw=None)
        v = _copy(_normalize_cached(joined, name or ""))
        v.raw = joined
        return v
    if not text:
        return Value(raw=None)
    return _copy(_normalize_cached(text, name or ""))


def _copy(v: Value) -> Value:
    return Value(v.raw, v.op, v.value, v.value_max, v.unit, v.per, v.kind, list(v.flags))


def looks_numeric(text: str) -> bool:
    """True when the cell reads as a measurable target (a number with operator/unit)."""
    v = _normalize_cached(text.strip(), "") if text and text.strip() else None
    return bool(v and v.kind == "numeric")
