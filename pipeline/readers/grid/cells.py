"""Cell types: what a cell's text looks like (value, operator, unit, number, worded target).

In:  cell texts.  Out: predicates and spans used by the aligners (``align``, ``stream``)
and the page-number / sequence patterns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ...common import PAGE_NUMBER
from ...config import norm_key
from ...model import Row
from ...normalize import looks_numeric
from ...vocabulary import VOCAB

_QUAL_WORDS = VOCAB.worded_target_words


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
    "定量",
    "不低于",
    "不少于",
    "不高于",
    "不超过",
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


# an item number before prose (1.资金拨付…, 2、采取…): an explanation, not a value
_ENUMERATED = re.compile(r"^\d{1,2}[.、．]\D")
VALUE_LIKE_MAX = 24  # a target with a number is a phrase at most: longer text is a sentence


def is_value_like(text: str) -> bool:
    k = norm_key(text)
    return looks_numeric(text) and len(k) <= VALUE_LIKE_MAX and not _ENUMERATED.match(k)


_MEASURE_END = ("度", "率", "性", "指标")  # 满意度, 知晓率, 合规性: measured, not a target


_UNITS = VOCAB.units


_PERS = sorted({*_UNITS, *VOCAB.period_units}, key=len, reverse=True)


_OPS_RUN = (
    r"(?:>=|<=|[≥≤><=＞＜≧≦]|不低于|不少于|不超过|不高于|不大于|不小于|至少|大于|小于|低于|高于)"
)


_PER_RUN = r"(?:每(?:人|户|月|年|季度|周|天|日|次))*"


_VALUE_START = re.compile(
    rf"(?:约)?{_PER_RUN}{_OPS_RUN}?{_PER_RUN}"
    r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+(?=[次件个人期套条项场所家批户名篇册间座台辆轮]))"
)


_RANGE_TAIL = re.compile(r"\s*(?:-|~|～|—|–|至|到)\s*\d+(?:\.\d+)?")


_QUAL_RUN = re.compile(
    r"(?:有所|有效|持续|不断|明显|显著|逐步|稳步|进一步|大幅|全面|切实|得到有效|较上年)"
    r"(?:提升|提高|促进|改善|增强|下降|降低|减少|减轻|扩大|加强|加深|优化|保障|推进|增长|完善|建立"
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


_QUAL_TAIL_MAX = 4  # a worded target run onto its name is short: 合理, 可控, 按时办结
TAIL_NAME_MIN = 3  # characters of the name before a worded target run onto it


def worded_tail(s: str) -> int | None:
    """Where a short worded target starts at the end of run-together text
    (成本控制合理性合理 → 合理, 提高全民参保覆盖面按时办结 → 按时办结), or None."""
    for p in range(TAIL_NAME_MIN, len(s)):
        tail = s[p:]
        if len(tail) <= _QUAL_TAIL_MAX and any(
            tail.startswith(w) for w in _QUAL_WORDS if len(w) >= 2
        ):
            return p
    return None


def value_span(s: str) -> tuple[int, int] | None:
    """Where a value sits inside run-together text: operator, number, known unit, per."""
    for m in _VALUE_START.finditer(s):
        if m.start() == 0:
            continue
        j = _unit_at(s, m.end())
        if j == m.end():  # a unit in brackets after the number: =100.00(%), 12.50(万吨)
            b = re.match(r"[(（][^()（）\d]{1,6}[)）]", s[j:])
            j += b.end() if b else 0
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
            if s[k : k + 1] in ".·" and any(s.startswith(u, k + 1) for u in _PERS):
                # 户/人.月: per 人 per 月
                k += 1 + next(len(u) for u in _PERS if s.startswith(u, k + 1))
            j = k
        per = re.match(r"(?:每(?:人|户|月|年|季度|周|天|日|次|家|名|场)){2,}", s[j:])
        if per and j > m.end() and "/" not in s[m.end() : j]:
            j += per.end()  # a double per written after the unit: 190元每人每月
        for w in ("及以上", "以上", "以下", "以内", "之内", "前"):
            if s.startswith(w, j):
                j += len(w)
                break
        return m.start(), j
    return None


_AMOUNT = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


_SEQ = re.compile(r"\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})[.、]?\s*")


# page numbers and footers: "- 3 -", "— 8 —", "第 3 页", "3/12", "共12页第3页"
_PAGE_NO = PAGE_NUMBER  # page numbers and footers (common.py)


def display_width(text: str) -> int:
    """Width as a column lays it out: CJK, full-width and ambiguous-width characters
    (“”, ≥, in a Chinese font) count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def is_cut(text: str, widths: set[int]) -> bool:
    """True when a line filled its column (so the cell goes on in the next line)."""
    w = display_width(text)
    return any(0 <= full - w <= 1 for full in widths)


# a line ending in one of these goes on in the next: a comma, an opening bracket, an
# operator, or a word that cannot end a phrase (的, 和, 及, 按, 对, 为 …)
_OPEN_END = "，、；：,;:（(“‘《×÷*/+=" + "的和与及或对在为由将把被从向按以"
_CLOSED_START = "，、；：。）)》”’×÷*"  # a line starting with one of these goes on the last
_CLOSED_END = "。！？!?"  # a line ending a sentence ends its cell unless cut mid-sentence


def goes_on(text: str, widths: set[int]) -> bool:
    """True when the cell of this line goes on in the next line: the line filled its
    column (``is_cut``) and did not end a sentence there, or it ends in a mark that
    leaves the clause open (a comma, an enumeration comma, an opening bracket)."""
    t = text.rstrip()
    if not t:
        return False
    if t[-1] in _OPEN_END:
        return True
    return t[-1] not in _CLOSED_END and is_cut(t, widths)


def continues(text: str) -> bool:
    """True when a line cannot start a cell: it opens with a closing bracket, a comma or
    an operator (…×年初拜访目标数 + ×100%）), so it goes on the line before."""
    t = text.lstrip()
    return bool(t) and t[0] in _CLOSED_START


MIN_FULL_WIDTH = 12  # narrower lines are whole short cells (names, values), not wrapped ones
MIN_WRAPPED = 3  # distinct lines at a width before it counts as a wrap width
PEAK_RATIO = 2  # a wrap width is seen this many times as often as the lengths beside it
THEN_TEXT = 0.6  # share of the lines at a wrap width that more text follows (not a value)
PEAK_SHARE = 0.3  # a second wrap width is seen at least this share as often as the first
# a line goes on in the next when none of the next lines up to this many is a value (a name
# is followed by its value)
THEN_LINES = 2


def full_widths(texts: list[str]) -> set[int]:
    """Lengths at which a column wrapped its text (``texts`` in reading order).

    A wrapped column yields many lines of exactly its width, so its width stands out as
    a peak among line lengths (seen at least 3 times and twice as often as either
    neighbouring length), and a line of that length is mostly followed by more text,
    not by a value.  Natural cell lengths spread out and are followed by values.
    """
    counts: dict[int, int] = {}
    then_text: dict[int, int] = {}
    seen: set[str] = set()
    for i, t in enumerate(texts):
        if _value_alone(t) or norm_key(t).endswith("指标") or t in seen:
            continue  # values never wrap; headings are whole words; a cell repeated on
            # every row (a level label) says nothing of a column's width
        seen.add(t)
        if i + 1 < len(texts) and norm_key(texts[i + 1]).endswith("指标"):
            continue  # a heading comes next: the cell ended here, whatever its width
        n = display_width(t)
        counts[n] = counts.get(n, 0) + 1
        # the next line goes on with this cell when neither it nor the one after it is
        # a value (a level-3 name is followed by its value)
        nxt = texts[i + 1 : i + 1 + THEN_LINES]
        if nxt and not any(_value_alone(x) or is_worded(norm_key(x)) for x in nxt):
            then_text[n] = then_text.get(n, 0) + 1
    # a line that fills its column is at the width or one short of it (a wide character
    # that did not fit), so lengths are pooled in pairs
    pooled = {n: counts.get(n, 0) + counts.get(n - 1, 0) for n in counts}
    then = {n: then_text.get(n, 0) + then_text.get(n - 1, 0) for n in counts}
    peaks = {
        n: c
        for n, c in pooled.items()
        if n >= MIN_FULL_WIDTH
        and c >= MIN_WRAPPED
        and c >= PEAK_RATIO * max(pooled.get(n - 2, 0), pooled.get(n + 2, 0))
        and then[n] >= THEN_TEXT * c
    }
    top = max(peaks.values(), default=0)
    out = {n for n, c in peaks.items() if c >= PEAK_SHARE * top}
    # the widest column wraps at the widest line: several lines at that very width (or one
    # short of it) are cut lines, unless every one of them is followed by a value (names
    # of one length, each before its value)
    if counts:
        widest = max(counts)
        if (
            widest >= MIN_FULL_WIDTH
            and pooled.get(widest, 0) >= MIN_WRAPPED
            and then.get(widest, 0) > 0
        ):
            out.add(widest)
    return out


# a calendar deadline written as the whole cell (2025年12月31日前, 11月底前, 2023年底): a
# worded target, but a value all the same (it does not wrap, and a name comes before it)
_DEADLINE = re.compile(
    r"(?:(?:19|20)\d\d年)?(?:(?:1[0-2]|0?[1-9])月(?:份)?(?:\d{1,2}[日号])?)?"
    r"(?:底|末|中旬|上旬|下旬)?(?:前|之前|以前)?"
)


DEADLINE_MIN = 3  # shorter text (5月, 底前) says too little to be read as a date


def is_deadline(text: str) -> bool:
    """A cell that is a calendar date or deadline and nothing else."""
    k = norm_key(text)
    return (
        len(k) >= DEADLINE_MIN
        and bool(_DEADLINE.fullmatch(k))
        and ("月" in k or k.endswith(("底", "末", "前")))
    )


def is_worded(k: str) -> bool:
    """A short worded target: a few words ending in a word of judgement or change
    (合规, 有所提升, 按时完成, 明显改善); a name holding such a word (提升培训人次) ends
    otherwise."""
    if len(k) > WORDED_MAX or _SENTENCE_MARK.search(k):
        return False
    return any(k.endswith(w) for w in _QUAL_WORDS if len(w) >= 2 or len(k) <= 2)


WORDED_MAX = 8  # a worded target is a few words: 有所提升, 进一步扩大, 不超支
_SENTENCE_MARK = re.compile(r"[，。；;,：:！？!?]")


VALUE_ALONE_MAX = 14  # a value on a line of its own is short: longer lines hold more cells


def _value_alone(text: str) -> bool:
    """A cell that is a value and nothing else (one cell per line), not a run of cells."""
    k = norm_key(text)
    if _QUAL_RUN.fullmatch(k) or is_deadline(k):
        return True
    return (
        len(k) <= VALUE_ALONE_MAX
        and is_value_like(k)
        and k[0] in "≥≤><=＞＜≧≦每0123456789不至大小低高一二两三四五六七八九十百千"
    )


def _text(x: Token | list[Token] | None) -> str | None:
    if x is None:
        return None
    if isinstance(x, list):
        return "".join(t.text for t in x) or None
    return x.text or None


def _num(text: str | None) -> float | None:
    if not text:
        return None
    m = _AMOUNT.search(norm_key(text))
    return float(m.group(0).replace(",", "")) if m else None
