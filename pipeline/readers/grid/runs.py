"""Runs: a table row whose cells ran together with no separator → its cells.

In:  the row's text, the header's content roles and ``Config``.
Out: the row's cells, in the header's order (``split_run``: headings at its start, then
the level-3 name, the value and what follows it).

* ``read_short_columns`` / ``decode_short``: in a 自评表 the numbers of several columns
  run into one digit string: ``≥2个`` then ``10210`` for 分值 10 | 实际完成值 2 | 得分 10,
  then the 评价标准 text.  The run is cut into the short columns the header names after
  the value (``weight``, ``actual``, ``score``; ``value`` too when the target's own number
  ran in), the rest is the explanation.  A reading must hold for any 自评表: numbers
  without leading zeros (``0.5`` is fine), a weight in (0, 100], a score between 0 and
  the weight, a worded 完成值 (``较健全``) without digits.  Among those, the one whose
  explanation starts like prose or an item number (``1.制定…``, not ``.51.制定…`` or
  ``0达到…``) wins, then a 完成值 of the target's kind (words for a worded target), then
  the one nearest the target on a ratio scale, with small costs for unusual writing.
* ``split_placeholders``: the 指标性质 / 计量单位 placeholders around a worded target
  (``绩效目标明确性无明确无`` → 绩效目标明确性, 明确).
* ``outside_level1_prefix``: a level-1 outside the schema leading the row (管理类指标).
* ``clause_start``: a target written as a clause (在规定时间结案率为95%).
* ``worded_cells`` / ``restated``: a worded target no number or known word marks (a name
  written twice, a name ending in its unit, prose opening with 根据, an explanation
  that restates the target).
"""

from __future__ import annotations

import math
import re

from ...config import Config, norm_key
from ...vocabulary import VOCAB
from .cells import _QUAL_RUN, _QUAL_TAIL_MAX, _SENTENCE, WORDED_MAX, value_span, worded_tail

SHORT_ROLES = ("weight", "actual", "score")  # short numeric columns after the value

# a number as written in a cell: no leading zero except 0.x
_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
# an item number before prose (1.制定…, 2、采取…, 3）…)
_RATE_START = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?[%‰]")
_ITEM = re.compile(r"[1-9][.、．)）](?!\d)")
_WORD = re.compile(r"[^\d.%，。；;：:,、()（）]{1,10}")  # a worded 完成值: 较健全, 明确
_UNIT_AFTER = re.compile(r"%|‰|[^\d.\s，。；;：:,、]{1,2}(?=\d)")  # 100%5 → unit %
_SENTENCE_MARK = re.compile(r"[，。；;：:,、]")
_PLACEHOLDER_OPS = ("定性", "定量", "无")
_PLACEHOLDER_UNITS = ("无", "/", "-")
FULL_MARKS = 100  # a 自评表 scores out of 100: no weight or score is more
RATE_MAX = 100  # a rate in percent is at most 100: a target above it is no rate
WORDED_ACTUAL_MAX = 6  # a worded 完成值 up to the next number is a short word (较健全, 基本完成)
# a name run together with its target or explanation has four characters at least: a
# shorter head cut off would read a word of the text as a name
RUN_NAME_MIN = 4
RESTATED_MIN = 3  # a target an explanation restates is a word of three characters or more
# a heading cut short by its cell's width is a long one, seven characters left at least
# (shorter prefixes open other names too)
TRUNCATED_MIN = 7


def _numbers_at(s: str, i: int) -> list[str]:
    """Every number (as text) that starts at ``i``: 590.54 → 5, 59, 590, 590.5, 590.54."""
    m = re.match(r"\d+(?:\.\d+)?", s[i:])
    if not m or (i > 0 and s[i - 1] in ".．"):
        return []
    run = m.group(0)
    out = []
    for j in range(1, len(run) + 1):
        piece = run[:j]
        if piece.endswith(".") or not _NUMBER.fullmatch(piece):
            continue
        out.append(piece)
    return out


def _rest_ok(rest: str) -> bool:
    """An explanation starts like prose, an item number or a rate (90%以上…), not like a
    cut number (0达到…, .51.制定…)."""
    if not rest:
        return True
    if rest[0] in ".．%":
        return False
    if rest[0].isdigit():
        return bool(_ITEM.match(rest) or _RATE_START.match(rest))
    return True


def _closeness(actual: str, target: float | None, percent: bool = False) -> float:
    """How far a 完成值 lies from the target on a ratio scale (0 when no measure); against
    a rate (``percent``) it may be written as a fraction (0.88 against ≥90%)."""
    m = re.match(r"\d+(?:\.\d+)?", actual)
    if target is None or not m:
        return 0.0
    a = float(m.group(0))
    readings = [a, a * 100] if percent and a < 1 < abs(target) <= RATE_MAX else [a]
    return min(abs(math.log((x + 0.01) / (abs(target) + 0.01))) for x in readings)


def _decimals(text: str | None) -> int:
    m = re.match(r"\d+(?:\.(\d+))?", text or "")
    return len(m.group(1) or "") if m else 0


def _oddness(got: dict[str, str], target: float | None) -> float:
    """How unusual a reading's numbers are as written in a 自评表: more decimals than the
    target has (78.71 against 80), a weight or score with two decimals, a score far short
    of the weight (most rows score full marks): small costs that settle near ties."""
    cost = 0.0
    allowed = max(1, _decimals(f"{target:g}") if target is not None else 1)
    cost += 0.5 * max(0, _decimals(got.get("actual")) - allowed)
    cost += 0.5 * max(0, _decimals(got.get("weight")) - 1)
    cost += 0.5 * max(0, _decimals(got.get("score")) - 1)
    w, sc = _num(got.get("weight")), _num(got.get("score"))
    if w and sc is not None:
        cost += 0.05 * (sc != w) + 0.3 * (1 - sc / w)  # most rows score (near) full marks
    return cost


# a worded 完成值 graded against its target: 较健全 for 健全, 基本完成, 未达到
_GRADES = ("较为", "比较", "基本", "部分", "不太", "较", "已", "未", "不", "欠")
_WORD_END = re.compile(r"[\d，。；;：:,、()（）]")


def _worded_actual(run: str, i: int, last: bool, value: str | None) -> list[str]:
    """Readings of a worded 完成值 starting at ``i``.  Before another column it ends where
    that column's number starts; as the last short column it is the target's word (or a
    grade of it: 较健全) or a short word up to the next number or item."""
    w = _WORD.match(run, i)
    if not w or run[i].isdigit():
        return []
    if not last:
        return [w.group(0)]
    out = []
    if value and not re.search(r"\d", value):
        for g in ("", *_GRADES):
            if run.startswith(g + value, i):
                out.append(g + value)
    end = _WORD_END.search(run, i)
    j = end.start() if end else len(run)
    if 0 < j - i <= WORDED_ACTUAL_MAX and run[i:j] not in out:
        out.append(run[i:j])
    return out


def decode_short(
    run: str, roles: tuple[str, ...], target: float | None = None, value: str | None = None
) -> tuple[list[str], str] | None:
    """Cut the start of ``run`` into the cells of ``roles`` (in order); the rest is
    returned as the explanation.  ``value`` in ``roles`` is the target's number (then
    ``target`` is taken from it); ``value`` (the target as written) helps read a worded
    完成值 that ends the short columns.  None when no reading satisfies the constraints."""
    best: tuple[tuple[float, float, float], list[str], str] | None = None

    def consider(cells: list[str], end: int) -> None:
        nonlocal best
        got = dict(zip(roles, cells, strict=True))
        w = _num(got.get("weight"))
        sc = _num(got.get("score"))
        if w is not None and not 0 < w <= FULL_MARKS:
            return
        if sc is not None and not (0 <= sc <= (w if w is not None else FULL_MARKS)):
            return
        rest = run[end:]
        tgt = _num(got["value"]) if "value" in got else target
        act = got.get("actual")
        # a worded target is met in words (合规 | 合规), a number in a number
        numeric = _has_digit(value) if value else (True if tgt is not None else None)
        alike = act is None or numeric is None or _has_digit(act) == numeric
        key = (
            0.0 if _rest_ok(rest) else -1.0,
            0.0 if alike else -1.0,
            -_closeness(act or "", tgt, "%" in (value or "")) - _oddness(got, tgt),
        )
        if best is None or key > best[0]:
            best = (key, list(cells), rest)

    def walk(k: int, i: int, cells: list[str]) -> None:
        if k == len(roles):
            consider(cells, i)
            return
        role = roles[k]
        options: list[str] = list(_numbers_at(run, i))
        if role == "actual":
            options += [
                n + u.group(0) for n in list(options) if (u := _unit_after(run, i + len(n)))
            ]
            options += _worded_actual(run, i, k + 1 == len(roles), value)
        for opt in options:
            walk(k + 1, i + len(opt), [*cells, opt])

    walk(0, 0, [])
    if best is None or best[0][0] < 0:
        return None  # every reading leaves a cut number: the run is not these columns
    return best[1], best[2]


def _unit_after(s: str, j: int) -> re.Match[str] | None:
    m = _UNIT_AFTER.match(s, j)
    return m if m and m.group(0) else None


def _has_digit(text: str) -> bool:
    return bool(re.search(r"\d", text))


def _num(text: str | None) -> float | None:
    if not text:
        return None
    m = re.match(r"\d+(?:\.\d+)?", text)
    return float(m.group(0)) if m else None


def split_placeholders(head: str, op_column: bool, unit_column: bool) -> tuple[str, str] | None:
    """Name and worded target of ``head`` when it ends with the 指标性质 / 计量单位
    placeholders of a worded target (``财务监控有效性无有效无`` → 财务监控有效性, 有效);
    None when it does not."""
    k = norm_key(head)
    if unit_column:
        mark = next((u for u in _PLACEHOLDER_UNITS if k.endswith(u)), None)
        if mark is None:
            return None
        k = k[: -len(mark)]
    if not op_column:
        return None
    best = None
    for mark in _PLACEHOLDER_OPS:
        p = k.rfind(mark, 0, len(k) - 1)
        if p >= 2 and (best is None or p > best[0]):
            best = (p, mark)
    if best is None:
        return None
    p, mark = best
    value = k[p + len(mark) :]
    if not value or len(value) > WORDED_MAX or re.search(r"\d", value):
        return None
    return k[:p], value


def _met_in_words(head: str, run: str, after: tuple[str, ...]) -> list[str] | None:
    """A worded target at the end of ``head`` with no placeholders around it, told by the
    完成值 that meets it in the same words or a grade of them (资金使用合规性合规 | 10合规10…
    → 资金使用合规性, 合规, 10, 合规, 10): name, target, short columns, explanation."""
    known = [
        n for n in range(WORDED_MAX, 1, -1) if len(head) - n >= 2 and _QUAL_RUN.fullmatch(head[-n:])
    ]
    # a known worded target (保持稳定) or a short word
    for n in known[:1] or range(_QUAL_TAIL_MAX, 1, -1):
        word = head[-n:]
        if len(head) - n < 2 or re.search(r"[\d%]", word):
            continue
        dec = decode_short(run, after, value=word)
        if dec is None:
            continue
        actual = dec[0][after.index("actual")]
        if known or actual == word or any(actual == g + word for g in _GRADES):
            return [head[:-n], word, *dec[0], *([dec[1]] if dec[1] else [])]
    return None


_BARE_VALUE = re.compile(r"([≥≤><=＞＜≧≦]?)(\d+(?:\.\d+)?)")


def read_short_columns(cells: list[str], n_head: int, roles: tuple[str, ...]) -> list[str]:
    """Cells of a run-together row (``n_head`` headings, name, value, rest) with the short
    自评表 columns the header names after the value (``roles``) cut out of the rest:
    ``[…, 名称, ≥2个, 10210达到…]`` → ``[…, 名称, ≥2个, 10, 2, 10, 达到…]``.  Cells that do
    not read that way are returned as they came."""
    if "value" not in roles:
        return cells
    after = tuple(r for r in roles[roles.index("value") + 1 :] if r in SHORT_ROLES)
    body = cells[n_head:]
    if not after or len(body) < 2:
        return cells
    head, value, tail = body[0], body[1], "".join(body[2:])
    bare = _BARE_VALUE.fullmatch(norm_key(value))
    if bare:
        # a number right after the 指标性质 / 计量单位 placeholders of a worded target is
        # the first short column (…明确性无明确无 | 6 | 明确6…)
        sp = split_placeholders(head, "op" in roles, "unit" in roles)
        if sp and not bare.group(1):
            dec = decode_short(value + tail, after, value=sp[1])
            if dec:
                return [*cells[:n_head], sp[0], sp[1], *dec[0], *([dec[1]] if dec[1] else [])]
        if (
            not bare.group(1)
            and "actual" in after
            and (got := _met_in_words(head, value + tail, after))
        ):
            return [*cells[:n_head], *got]
    if tail:
        target = re.search(r"\d+(?:\.\d+)?", norm_key(value))
        dec = decode_short(tail, after, float(target.group(0)) if target else None, value)
        if dec:
            return [*cells[:n_head], head, value, *dec[0], *([dec[1]] if dec[1] else [])]
    if bare:
        # the target's own number ran into the short columns: ≥9551005 → ≥95 | 5 | 100 | 5
        dec = decode_short(bare.group(2) + tail, ("value", *after))
        if dec:
            v, *short = dec[0]
            return [*cells[:n_head], head, bare.group(1) + v, *short, *([dec[1]] if dec[1] else [])]
    return cells


# a target written as a clause: 在规定时间结案率为95% (a 在… phrase, then 为 / 达到 and
# the number); 存在, 所在, 现在 … are words, not the start of a clause
_CLAUSE = re.compile(r"(?<![存所现正实内潜外自])在[^，。；;,\d]{2,12}?(?:为|达到)$")


def clause_start(head: str) -> int | None:
    """Where a target written as a clause starts in the text before its number, when the
    name and the clause ran together (劳动监察配合处理举报投诉案件在规定时间结案率为 → the
    clause 在规定时间结案率为 starts at 在); None when the text does not end that way.
    The name left before it has at least four characters."""
    m = _CLAUSE.search(head)
    return m.start() if m and m.start() >= RUN_NAME_MIN else None


_UNIT_NAME_END = re.compile(
    r"[(（](?:%|‰|[万千亿]?[人户次件个项元家所名本册台套]|万人次|人次|天|小时)[)）]"
)
# prose that opens a worded target or its explanation (根据下达任务确定, 按照…执行)
PROSE_START = VOCAB.prose_start


def _doubled(s: str) -> int:
    """Length of a name written twice at the start of ``s`` with more text after (0)."""
    for n in range(len(s) // 2, RUN_NAME_MIN - 1, -1):
        if s[:n] == s[n : 2 * n] and len(s) > 2 * n:
            return n
    return 0


def worded_cells(s: str) -> list[str] | None:
    """Name and worded target of run-together text where no number or known target word
    marks the target: a name written twice (the target cell repeats it: 严格控制会期 |
    严格控制会期 | 严守…), a name that ends in its unit (城镇新增就业人数（万人） | 根据下达…),
    or prose opening with 根据 / 按照 / 依据 after a name of four or more characters.
    None when none of these holds."""
    if n := _doubled(s):
        return [s[:n], s[:n], s[2 * n :]]
    m = _UNIT_NAME_END.search(s)
    if m and m.start() >= 2 and len(s) > m.end() + 1:
        return [s[: m.end()], s[m.end() :]]
    p = PROSE_START.search(s, RUN_NAME_MIN)
    if p:
        return [s[: p.start()], s[p.start() :]]
    return restated(s)


def restated(s: str) -> list[str] | None:
    """Name, target, explanation where the explanation restates the target: the first
    words of three or more characters after the name that come again later
    (客房环境 | 整洁舒适 | 通过…保障居住环境整洁舒适).  The target comes before any
    sentence punctuation; the name has at least four characters."""
    if _doubled(s):
        return None
    stop = _SENTENCE_MARK.search(s)
    end = stop.start() if stop else len(s)
    for p in range(RUN_NAME_MIN, end - RESTATED_MIN + 1):
        for n in range(min(WORDED_MAX, end - p), RESTATED_MIN - 1, -1):
            word = s[p : p + n]
            if word in s[p + n :] and not re.search(r"[\d%]", word):
                return [s[:p], word, s[p + n :]]
    return None


def outside_level1_prefix(s: str, cfg: Config) -> str | None:
    """A level-1 outside the schema leading run-together text (管理类指标绩效目标明确性…):
    one of the config's ``outside_level1.words``, or a word of two to four characters
    before one of its ``suffixes`` (类指标), with more of the row after it."""
    for w in sorted(cfg.outside_level1_words, key=len, reverse=True):
        if s.startswith(w) and len(s) > len(w) + 1:
            return w
    for suffix in cfg.outside_level1_suffixes:
        m = re.match(rf"[\u4e00-\u9fff]{{2,4}}?{re.escape(suffix)}", s)
        if m and len(s) > m.end() + 1:
            return m.group(0)
    return None


def truncated_heading(s: str, cfg: Config) -> str | None:
    """A long heading cut short by a cell's width, run together with what follows
    (社会公众或服务对象满 + 社会满意度≥90%): the longest name of seven or more
    characters, one or two short of a level-1 or level-2 name (or synonym), that ``s``
    starts with; None when there is none."""
    best = None
    keys = {*cfg.level1_keys, *cfg.level2_keys}
    for key in keys:
        for cut in (1, 2):
            k = key[:-cut]
            if (
                len(k) >= TRUNCATED_MIN
                and k not in keys  # a name of its own is read as that name
                and s.startswith(k)
                and not s.startswith(key)
                and len(s) > len(k) + 1
                and (best is None or len(k) > len(best))
            ):
                best = k
    return best


# a calendar deadline ending a run (…时间2024年10月底前, …11月底前): one value
_DUE_AT_END = re.compile(
    r"(?:(?:19|20)\d\d年)?(?:1[0-2]|0?[1-9])月(?:份)?(?:\d{1,2}[日号])?(?:底|末|中旬|上旬|下旬)?"
    r"(?:前|之前|以前)$|(?:19|20)\d\d年(?:底|末)(?:前|之前)?$"
)


def split_run(text: str, cfg: Config, roles: tuple[str, ...] = ()) -> list[str]:
    """Split a cell whose cells ran together: headings, level-3, value, explanation.
    With the header's content ``roles``, the short 自评表 columns after the value
    (分值, 完成值, 得分) are cut out of the text that follows it (``runs``)."""
    from ...interpret.headings import heading_prefix

    s = norm_key(text.replace("²", "\x01").replace("³", "\x02"))
    s = s.replace("\x01", "²").replace("\x02", "³")  # m² and m³ stay units
    parts: list[str] = []
    for w in sorted(cfg.sections, key=len, reverse=True):
        if len(w) >= 2 and s.startswith(w) and heading_prefix(s[len(w) :], cfg):
            s = s[len(w) :]
            break
    for _ in range(2):  # at most a level-1 and a level-2 prefix
        best = heading_prefix(s, cfg) or truncated_heading(s, cfg)
        if best is None:
            break
        parts.append(best)
        s = s[len(best) :]
    if not parts and (w := outside_level1_prefix(s, cfg)):
        parts.append(w)  # a level-1 outside the schema (管理类指标) leads the row
        s = s[len(w) :]
    n_head = len(parts)

    def done(cells: list[str]) -> list[str]:
        return read_short_columns(cells, n_head, roles) if roles else cells

    if not s:
        return parts
    span = value_span(s)
    due = _DUE_AT_END.search(s, 2)
    if due is not None and (span is None or span[0] >= due.start()):
        span = (due.start(), len(s))  # a deadline ends the row: 2024年10月底前 is one value
    q = _QUAL_RUN.search(s, 2)
    if q and (span is None or _SENTENCE.search(s, 0, span[0])):
        # a worded target before any sentence; a number after a comma is explanation
        span = (q.start(), q.end())
    if span is None and q is None and (cells := restated(s)) is not None:
        return done([*parts, *cells])  # the explanation restates the target
    if span is None and (t := worded_tail(s)) is not None:
        span = (t, len(s))
    if span is None and s.find("定性", 2) > 0:
        # a separate 指标性质 column ran in: the worded target follows its 定性 mark
        k = s.find("定性", 2)
        return done([*parts, s[:k], s[k + 2 :]] if s[k + 2 :] else [*parts, s[:k]])
    if span:
        a, b = span
        if (c := clause_start(s[:a])) is not None:
            a = c  # a target written as a clause: 在规定时间结案率为95%
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
        return done(parts)
    if (cells := worded_cells(s)) is not None:
        return done([*parts, *cells])  # a worded target no number or known word marks
    parts.append(s)
    return done(parts)
