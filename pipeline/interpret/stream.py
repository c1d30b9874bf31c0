"""Streams: text with one cell per line, or cells run together, → indicator cells.

In:  single-cell rows or tokens.  Out: regrouped rows (``regroup``), split runs
(``split_run``) and indicators of a one-cell-per-line grid (``_parse_stream``).
"""

from __future__ import annotations

import re

from ..config import Config, HeadingMatch, norm_key
from ..model import Cell, Indicator, Row
from .align import _indicator
from .cells import (
    _QUAL_RUN,
    _SENTENCE,
    Token,
    _is_number,
    _is_op,
    _is_unit_cell,
    _value_alone,
    continues,
    display_width,
    full_widths,
    goes_on,
    is_cut,
    is_qualitative_value,
    is_value_like,
    value_span,
    worded_tail,
)
from ..readers.text import drop_running_headers
from .centred import assign, assign_one_column, is_centred
from .fields import _AMOUNT_FIELDS, _execution_label, _is_label
from .headings import Headings, TreeState, _heading_prefix, classify, take_headings, update_tree
from .runs import (
    clause_start,
    outside_level1_prefix,
    read_short_columns,
    restated,
    truncated_heading,
    worded_cells,
)
from .schema import DEFAULT_ROLES


def split_run(text: str, cfg: Config, roles: tuple[str, ...] = ()) -> list[str]:
    """Split a cell whose cells ran together: headings, level-3, value, explanation.
    With the header's content ``roles``, the short 自评表 columns after the value
    (分值, 完成值, 得分) are cut out of the text that follows it (``runs``)."""
    s = norm_key(text.replace("²", "\x01").replace("³", "\x02"))
    s = s.replace("\x01", "²").replace("\x02", "³")  # m² and m³ stay units
    parts: list[str] = []
    for w in sorted(cfg.sections, key=len, reverse=True):
        if len(w) >= 2 and s.startswith(w) and _heading_prefix(s[len(w) :], cfg):
            s = s[len(w) :]
            break
    for _ in range(2):  # at most a level-1 and a level-2 prefix
        best = _heading_prefix(s, cfg) or truncated_heading(s, cfg)
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


_PAGE_ALONE = re.compile(r"\d{1,3}")  # a bare page number
_FORMULA = re.compile(r"[\u4e00-\u9fff]{2}[/÷×=＝][\u4e00-\u9fff]{2}")


def split_stream(
    tokens: list[Token],
    widths: set[int] | None = None,
    explained: bool = True,
    marked: set[int] | None = None,
    bound: set[int] | None = None,
) -> list[dict[str, Token | list[Token]]]:
    """Regroup one-cell-per-line content into indicators (level-3, value, explanation).

    A small Viterbi over roles L (level-3), l (its continuation), V (value), v (its
    continuation), E (explanation), e (its continuation), X (a page number), scored by cell type and by whether the cell
    before a continuation was cut at its column's full width.  Without an explanation
    column (``explained`` False: the header names none) a value is followed by the next
    level-3, and a stray line after the last value is dropped.  ``marked`` (a separate
    指标性质 column): the ids of the cells an operator cell stood before; every value of
    such a grid is one of them, so no other cell is taken for a value.  ``bound``: the
    ids of the cells the short 自评表 columns (完成值, 分值, 得分) were found after: values.
    """
    if not tokens:
        return []
    full = full_widths([t.text for t in tokens]) if widths is None else widths
    # values never wrap, so a value is never the cut first part of a cell
    cuts = [not _value_alone(t.text) and goes_on(t.text, full) for t in tokens]
    for i in range(1, len(tokens)):
        cuts[i - 1] = cuts[i - 1] or continues(tokens[i].text)
    # the line before ended a wrapped cell: it is shorter than the cut line it goes on
    w = [display_width(t.text) for t in tokens]
    ended = [
        i >= 2 and cuts[i - 2] and not cuts[i - 1] and w[i - 1] < w[i - 2] - 2
        for i in range(len(tokens))
    ]

    def s_role(i: int, role: str) -> float:
        t = tokens[i].text
        k = norm_key(t)
        num = _value_alone(t)
        loose = not num and is_value_like(t)
        qual = is_qualitative_value(t)
        # a sentence, or a formula between words (项目数/项目总数): explanation, not a name
        long_ = len(k) > 14 or bool(_SENTENCE.search(k) or _FORMULA.search(k))
        cut = cuts[i - 1] if i else False  # the cell before ran to its column's full width
        if role == "X":
            return 0.0 if _PAGE_ALONE.fullmatch(k) else float("-inf")
        if bound and id(tokens[i]) in bound:  # the scores follow it: it is the value
            return 4.0 if role == "V" else -6.0
        if role == "v":  # a worded value wrapped in its column (…任务目标要求 + 确定)
            if num:
                return float("-inf")
            return 1.0 if cut else (-1.5 if len(k) <= 4 and not qual else float("-inf"))
        if role == "l" and num:
            return -4.0  # a name that fills its column by chance: a value does not go on it
        if role in ("l", "e"):
            # a cell of one or two characters is the tail of a wrapped cell, not a name;
            # a line after the short last line of a wrapped cell starts a cell of its own
            if cut:
                return 2.0
            return -1.0 if len(k) <= 2 else (-7.0 if ended[i] else -5.0)
        # a cell cut at full width goes on in the next line, whatever that looks like
        if role == "V":
            if marked is not None:  # the operator column marks every value
                return 4.0 if id(tokens[i]) in marked else -6.0
            base = 4.0 if num else (2.0 if qual else (-3.0 if long_ else (0.5 if loose else -0.5)))
            return base - (6.0 if cut else 0.0)
        if role == "L":
            if num and k[:1] in "≥≤><=＞＜≧≦":
                return -8.0  # a name never starts with a comparison
            base = -4.0 if num else (-1.5 if long_ else (-0.3 if qual else 1.0))
            base -= 3.0 if len(k) <= 2 else 0.0
            return base - (6.0 if cut else 0.0)
        base = -2.5 if num and not long_ else (1.5 if long_ or cuts[i] else -0.5)  # E
        return base - (6.0 if cut else 0.0)

    # X: a page number after the last cell (a bare number where no value can stand)
    nxt = {
        "L": ("l", "V"),
        "l": ("l", "V"),
        "V": ("v", "E", "L", "X") if explained else ("v", "L", "X"),
        "E": ("e", "L", "X"),
        "e": ("e", "L", "X"),
        "X": ("X",),
    }
    nxt["v"] = nxt["V"]
    states = ("L", "l", "V", "v", "E", "e", "X")
    neg = float("-inf")
    score = [{s: neg for s in states} for _ in tokens]
    back: list[dict[str, str | None]] = [{s: None for s in states} for _ in tokens]
    score[0]["L"] = s_role(0, "L")
    for i in range(1, len(tokens)):
        for p in states:
            if score[i - 1][p] == neg:
                continue
            for s in nxt[p]:
                v = score[i - 1][p] + s_role(i, s.upper() if s in "LVEX" else s)
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
    while path and path[-1] == "X":
        tokens, path = tokens[:-1], path[:-1]
    if path and path[-1] in ("L", "l"):
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
        elif role == "v":
            head = groups[-1]["value"]
            groups[-1]["value"] = [*(head if isinstance(head, list) else [head]), tok]
        else:
            groups[-1].setdefault("explanation", [])
            groups[-1]["explanation"].append(tok)  # type: ignore[union-attr]
    return groups


def _starts_row(text: str, cfg: Config) -> bool:
    """A label that starts a row of its own: a header field's, or a 自评表's budget
    execution amount (全年预算数（万元）), which is no value of the field before it."""
    return _is_label(text, cfg) or _execution_label(text, cfg) in _AMOUNT_FIELDS


def _narrow_tail(cur: Row, text: str, cfg: Config) -> bool:
    """A header field's value wrapped in a narrow column (项目性质 | 阶段 | 性项 | 目): a
    line after a short value (at most 12 columns wide) that is no wider than the value so
    far, holds no digit and is no label goes on the value, for a text field (not a budget,
    phone or prose field)."""
    if len(cur.cells) != 2 or not text or _is_label(text, cfg):
        return False
    f = cfg.field_of(cur.cells[0].text)
    if f is None or f[0].startswith("budget") or f[0] in ("phone", "annual_goal", "plan"):
        return False
    width = display_width(cur.cells[1].text)  # the value so far, a short one
    return display_width(text) <= width <= 12 and not any(ch.isdigit() for ch in text)


def regroup(rows: list[Row], cfg: Config, widths: set[int] | None = None) -> list[Row]:
    """Rebuild table rows from text with one cell per line or cells run together.

    Before the grid: a label starts a row and the lines after it are its value (wrapped
    lines joined where the line before was cut at the column's full width); cells run
    together are split at known labels.  Consecutive header words make the grid header;
    grid rows are left to ``parse_grid``.
    """
    rows = drop_running_headers(rows, cfg)
    texts = [next(t for t in r.texts if t) for r in rows]
    full = full_widths(texts) if widths is None else widths
    out: list[Row] = []
    cur: Row | None = None
    header: Row | None = None
    i = 0
    while i < len(rows):
        row, text = rows[i], texts[i]
        if (
            header is not None
            and header.cells
            and not (cfg.header_role(text, loose=True) or cfg.is_section(text))
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
        roles = [cfg.header_role(p, loose=header is not None) for p in pieces]
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
        if (
            roles[0]
            and header is None
            and (
                cfg.header_role(pieces[0]) in ("level1", "level2", "level12")
                # any header word that the next line's header word follows (序号 | 二级指标)
                or (i + 1 < len(rows) and cfg.header_role(texts[i + 1]) is not None)
            )
        ):
            header = Row([Cell(pieces[0])], row.line, row.page)
            if cur is not None:
                out.append(cur)
                cur = None
            out.append(header)
            i += 1
            continue
        if len(pieces) > 1 or _starts_row(text, cfg) or cfg.is_section(text):
            if cur is not None:
                out.append(cur)
            cur = Row([Cell(p) for p in pieces], row.line, row.page, row.table_id, row.bbox)
            if cfg.is_section(text) and len(pieces) == 1:
                out.append(cur)
                cur = None
        elif cur is None:
            out.append(row)
        elif len(cur.cells) == 1 and _starts_row(cur.cells[0].text, cfg):
            cur.cells.append(Cell(text))
        elif (
            is_cut(cur.cells[-1].text, full) and not _is_label(cur.cells[-1].text, cfg)
        ) or _narrow_tail(cur, text, cfg):
            # a whole label never goes on in the next line: that line is its value
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


def _split_row(toks: list[Token], cfg: Config, roles: tuple[str, ...] = ()) -> list[Token]:
    """A row holding one cell whose cells ran together → its cells."""
    if len(toks) != 1 or len(toks[0].text) <= 6:
        return toks
    parts = split_run(toks[0].text, cfg, roles)
    if len(parts) > 1 and (
        classify(parts[0], cfg) != (None, None)
        or len(parts) >= 3
        or is_value_like(parts[1])
        or is_qualitative_value(parts[1])
        or _QUAL_RUN.fullmatch(parts[1])
        or worded_cells(norm_key(toks[0].text)) == parts
    ):
        return [Token(p, toks[0].col + k, toks[0].row) for k, p in enumerate(parts)]
    return toks


def _merge_fragments(tokens: list[Token], cfg: Config) -> list[Token]:
    """Join cells wrapped mid-word when the joined text is a heading or a header word
    (满意度指 + 标, 社会公众或服 + 务对象满意度 + 指标, 指标解释及计 + 算公式)."""

    def score(text: str) -> float:
        if cfg.header_role(text):
            return 100.0
        return max((m.score for m in classify(text, cfg) if m), default=0.0)

    def best_join(i: int) -> tuple[float, int]:
        best, best_n = 0.0, 0
        base = worst = score(tokens[i].text)
        joined = tokens[i].text
        for n in (1, 2):
            if i + n >= len(tokens):
                break
            joined += tokens[i + n].text
            if len(joined) > 20:
                break
            part = score(tokens[i + n].text)
            base, worst = max(base, part), min(worst, part)
            sc = score(joined)
            # better than every part alone, or an exact heading made of a whole word and
            # a fragment (生态环境 + 成本指标, 服务对象 + 满意度指 + 标)
            whole = sc == 100.0 and worst < 100.0
            if sc >= cfg.threshold and (sc > base or whole) and sc >= best:
                best, best_n = sc, n
        return best, best_n

    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        best, best_n = best_join(i)
        nxt = best_join(i + 1)[0] if best_n and i + 1 < len(tokens) else 0.0
        if best_n and (nxt > best or (nxt == best and score(t.text) < cfg.threshold)):
            best_n = 0  # the heading starts at the next cell (年 | 满意度指 | 标)
        if best_n:
            out.append(Token("".join(x.text for x in tokens[i : i + best_n + 1]), t.col, t.row))
            i += best_n + 1
            continue
        out.append(t)
        i += 1
    return out


SHORT_ROLES = ("weight", "actual", "score")  # short cells after the value in a 自评表 row


def _bind_short_columns(
    tokens: list[Token], roles: tuple[str, ...]
) -> tuple[list[Token], dict[int, dict[str, Token]]]:
    """One cell per line with 自评表 columns (权重, 完成值, 得分 after the value): the short
    cells right after a value are those columns, in the header's order.  They are taken
    out of the stream and returned by the value token's id, so the stream's own model
    (name, value, explanation) sees only what it knows."""
    wanted = (
        [r for r in roles[roles.index("value") + 1 :] if r in SHORT_ROLES]
        if ("value" in roles)
        else []
    )
    if not wanted:
        return tokens, {}

    def fits(role: str, text: str) -> bool:
        k = norm_key(text)
        if role in ("weight", "score"):
            return _is_number(k) and not k.endswith("%")  # points, not a rate
        return 0 < len(k) <= 12 and not _SENTENCE.search(k)

    out: list[Token] = []
    side: dict[int, dict[str, Token]] = {}
    i = 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1 : i + 1 + len(wanted)]
        if (
            (_value_alone(t.text) or is_qualitative_value(t.text) or len(norm_key(t.text)) <= 6)
            and len(nxt) == len(wanted)
            and all(fits(r, x.text) for r, x in zip(wanted, nxt, strict=True))
            and any(_is_number(x.text) for x in nxt)
        ):
            side[id(t)] = dict(zip(wanted, nxt, strict=True))
            out.append(t)
            i += 1 + len(wanted)
            continue
        out.append(t)
        i += 1
    return out, side


def _join_value_columns(
    tokens: list[Token], unit_column: bool = False
) -> tuple[list[Token], set[int]]:
    """Operator, number and unit cells on lines of their own (separate 指标性质 and 计量单位
    columns) → one value cell, as ``normalize_value`` joins them: ≥ | 12 | 万人 → ≥12万人.
    With a unit column, a 无 or - after a worded value is that column's empty mark.
    Also returns the ids of the value cells the operator column marks (the cell after
    an operator, 定性 or 无): those are values whatever their words."""
    out: list[Token] = []
    marked: set[int] = set()
    i = 0
    while i < len(tokens):
        t = tokens[i]
        k = norm_key(t.text)
        after_op = False
        if _is_op(k) and i + 1 < len(tokens):
            nxt = tokens[i + 1]
            after_op = True
            if k in ("无", "定性", "/", "-"):
                i += 1  # no operator: the value follows as written
                t = nxt
            else:
                sym = {">=": "≥", "<=": "≤", "大于等于": "≥", "小于等于": "≤"}.get(k, t.text)
                t = Token(sym + nxt.text, t.col, t.row)
                i += 1
        if _is_number(t.text.lstrip("≥≤<>=＞＜＝")) and i + 1 < len(tokens):
            if _is_unit_cell(tokens[i + 1].text):
                t = Token(t.text + tokens[i + 1].text, t.col, t.row)
                i += 1
        elif (
            unit_column and i + 1 < len(tokens) and norm_key(tokens[i + 1].text) in ("无", "/", "-")
        ):
            if is_qualitative_value(t.text) or len(norm_key(t.text)) <= 6:
                out.append(t)
                marked.add(id(t))
                i += 2
                continue
        if after_op:
            marked.add(id(t))
        out.append(t)
        i += 1
    return out, marked


_ROW_NO = re.compile(r"(\d{1,3})[.、．]?")


def _drop_row_numbers(tokens: list[Token], cfg: Config) -> list[Token]:
    """A 序号 column, one cell per line: the numbers 1, 2, 3 … in order, each where a row
    starts (a heading follows it, or a name and then an operator or a value).  A score
    or a weight that happens to be the next number stands elsewhere."""
    out: list[Token] = []
    expected = 1
    for i, t in enumerate(tokens):
        m = _ROW_NO.fullmatch(norm_key(t.text))
        if m and int(m.group(1)) == expected and i + 1 < len(tokens):
            nxt = tokens[i + 1].text
            after = tokens[i + 2].text if i + 2 < len(tokens) else ""
            starts = bool(take_headings(tokens[i + 1 : i + 2], cfg).used) or (
                not _value_alone(nxt)
                and not _is_op(nxt)
                and (_is_op(after) or _value_alone(after) or is_qualitative_value(after))
            )
            if starts:
                expected += 1
                continue
        out.append(t)
    return out


def _coming_parent(
    flat: list[Token], start: int, level2: str, state: TreeState, cfg: Config
) -> HeadingMatch | None:
    """A level-2 outside the written level-1 whose own parent is the next level-1 of the
    stream: the level-1 was printed at the middle of its merged cell, below its first
    children (数量指标 … then 产出指标 | 质量指标), so the level-2 is already under it."""
    parent = cfg.parent_of(level2)
    if not parent or state.l1 is None or state.l1.raw is None or state.l1.canonical == parent:
        return None
    for t in flat[start:]:
        m1, m2 = classify(t.text, cfg)
        if m1 is not None and m2 is None:
            return m1 if m1.canonical == parent else None
    return None


def _heading_at(flat: list[Token], j: int, cfg: Config, widths: set[int] | None = None) -> bool:
    """Headings start at ``j``, unless a short heading word (满意度, not …指标) comes
    between a name still waiting for its value and that value: then it is the name's
    tail (服务单位对“三支一扶”人员 + 满意度 + ≥90%), since a heading is followed by a name.
    Nor after a line cut at its column's full width (``widths``): the word ends that
    cell (…通过验收的危桥 + 数量)."""
    used = take_headings(flat[j:], cfg).used
    if not used:
        return False
    if used > 1 or norm_key(flat[j].text).endswith("指标"):
        return True  # written out as a heading
    prev = flat[j - 1].text if j > 0 else ""
    if widths and prev and not _value_alone(prev) and goes_on(prev, widths):
        return False
    after = flat[j + used] if j + used < len(flat) else None
    waiting = j > 0 and not (
        _value_alone(flat[j - 1].text) or is_qualitative_value(flat[j - 1].text)
    )
    return not (waiting and after is not None and _value_alone(after.text))


def _parse_stream(
    row_tokens: list[list[Token]],
    cfg: Config,
    state: TreeState,
    notes: list[tuple[int, str, str, int | None]],
    roles: tuple[str, ...] = DEFAULT_ROLES,
    columns: tuple[str, ...] = (),
) -> tuple[list[Indicator], list[tuple[int, str, str, int | None]]]:
    """Indicators of a one-cell-per-line grid; ``columns`` are all the header's roles
    (序号 and 指标方向 columns among them, which hold no content)."""
    flat = _merge_fragments([t for toks in row_tokens for t in toks], cfg)
    # section lines and repeated headers (header words in a run) are not content, unless
    # the line before goes on in them (…按完成比例得分或不 + 得分: a wrapped cell's tail);
    # a lone header word among indicators is content (全市经济社会发展重点 + 方向)
    wide = full_widths([t.text for t in flat])
    word = [bool(cfg.header_role(t.text)) for t in flat]
    section = [cfg.is_section(t.text) for t in flat]
    head = [w or c for w, c in zip(word, section, strict=True)]

    def furniture(k: int) -> bool:
        if k > 0 and not _value_alone(flat[k - 1].text) and goes_on(flat[k - 1].text, wide):
            return False
        run = (k > 0 and head[k - 1]) or (k + 1 < len(flat) and head[k + 1])
        return section[k] or (word[k] and run)

    flat = [t for k, t in enumerate(flat) if not furniture(k)]
    if "direction" in columns:  # 正向 / 反向 cells of a 指标方向 column
        flat = [t for t in flat if norm_key(t.text) not in cfg.direction_words]
    if "seq" in columns:
        flat = _drop_row_numbers(flat, cfg)
    marked: set[int] | None = None
    if "op" in roles or "unit" in roles:
        flat, marked = _join_value_columns(flat, "unit" in roles)
        if "op" not in roles:
            marked = None  # a unit column alone marks no value
    flat, side = _bind_short_columns(flat, roles)
    widths = full_widths([t.text for t in flat])
    explained = "explanation" in roles or "deviation" in roles
    # first pass: the stream as rows, each its headings and the indicator cells after them
    rows: list[tuple[Headings, int, dict[str, Token | list[Token]] | None]] = []
    i = 0
    force_content = False
    while i < len(flat):
        h = take_headings(flat[i:], cfg) if not force_content else Headings()
        if h.used:
            rows.append((h, i, None))
            i += h.used
            # after a level-2 the next cell is a level-3, unless it is another heading
            # not followed by a value (the level-2 was a placeholder row)
            force_content = h.l2 is not None and not (
                i < len(flat)
                and take_headings(flat[i : i + 1], cfg).used
                and (
                    i + 1 == len(flat)
                    or not (
                        is_value_like(flat[i + 1].text) or is_qualitative_value(flat[i + 1].text)
                    )
                )
            )
            continue
        force_content = False
        j = i
        while j < len(flat):
            if j > i and _heading_at(flat, j, cfg, widths):
                break
            j += 1
        for k, g in enumerate(split_stream(flat[i:j], widths, explained, marked, set(side))):
            value = g.get("value")
            tail = value[-1] if isinstance(value, list) else value  # its last line
            if isinstance(tail, Token) and id(tail) in side:
                g.update(side[id(tail)])
            if "explanation" in g and "explanation" not in roles and "deviation" in roles:
                g["deviation"] = g.pop("explanation")  # the text after is 偏差原因分析
            if k == 0 and rows and rows[-1][2] is None and rows[-1][0].used:
                rows[-1] = (rows[-1][0], rows[-1][1], g)  # the headings' own row
            else:
                rows.append((Headings(), i, g))
        i = j
    # second pass: levels, top-down, or by blocks where labels sit at their middles
    entries = [(h, g is not None) for h, _, g in rows]
    held = assign(entries, cfg) if is_centred(entries, cfg) else None
    if held is not None and "level12" in columns and not {"level1", "level2"} & set(columns):
        held = assign_one_column(entries)  # one heading column: each label its own cell
    out: list[Indicator] = []
    for k, (h, at, g) in enumerate(rows):
        row_flags: list[str] = []
        if held is not None:
            state = TreeState()
            row_flags, tree_notes = update_tree(state, held[k], cfg)
            tree_notes = tree_notes if h.used else []
        elif h.used:
            if h.l2 is not None and h.l1 is None and h.l1_unknown is None:
                h.l1 = _coming_parent(flat, at + h.used, h.l2.canonical, state, cfg)
            row_flags, tree_notes = update_tree(state, h, cfg)
        else:
            tree_notes = []
        for code, msg in tree_notes:
            notes.append((flat[at].row.line, code, msg, None))
        if g is None:
            continue
        first = g["level3"][0] if isinstance(g["level3"], list) else g["level3"]
        ind = _indicator(len(out) + 1, state, g, first.row, row_flags)
        ind.line = first.row.line
        out.append(ind)
    return out, notes
