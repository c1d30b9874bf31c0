"""Align: the body rows of a grid → cells placed in the header's columns.

In:  a ``Header`` (columns and their role priors), the rows below it and ``Config``.
Out: ``GridRow``s: one per row of the table, one cell (or None) per column, with the
source rows they came from.

Every way a text source writes a grid comes down to one question: which column does each
cell belong to, and where does each row end?  The evidence is the separators the reader
recorded (``Row.sep``, ``gap``, ``closed``, ``end``) and what each cell holds
(``grid.kinds.fit``).  One model answers it for all forms:

* a row whose reader kept the columns (a sheet, an HTML table, a PDF table: cells in
  place, merged cells marked) keeps its places;
* a row of one text line (tab, bar or space separated) is aligned to the columns by a
  dynamic program: each cell goes to a column, in order, or to none; columns left out
  are empty cells the text did not write (a merged level cell, a collapsed empty), at a
  cost that depends on the column (a merged heading costs nothing, a missing name much);
* one cell per line (where the text does not say where a row ends) is read by the same
  costs as a whole: a semi-Markov chain over the lines whose state is the last column
  filled.  A cell placed left of the last one starts a new row; a line may go on the
  cell of the line before (a cell wrapped in a narrow column) where the separators allow
  it; a line of bars ends a row for certain.

A row's cost also asks that it be whole: a name with its value, or a placeholder holding
only headings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ...common import BARE_NUMBER, join_lines
from ...config import EXACT_MATCH, Config
from ...model import BBox, Cell, Row
from .cells import MIN_WRAPPED
from .header import OUTLINE, Column, Header
from .kinds import EMPTY, Kind, fit, kind_of
from .runs import PROSE_START

# --- costs (negative log-likelihoods, 0 best) ---------------------------------------------
DROP_CELL = 4.0  # a written cell placed in no column (an extra cell the header lacks)
DROP_EMPTY = 0.2  # an empty cell placed in no column (padding)
EMPTY_IN_COLUMN = 0.05  # an empty cell holding its column's place
# a column a row leaves out: where the text writes every cell (tab, bar) little is left
# out; where it collapses empty cells (spaces, one cell per line) optional columns are
SKIP_KEPT = 0.8
SKIP_LEADING = {"level1": 0.0, "level2": 0.0, "level12": 0.0, "side": 0.0, "field": 0.0}
SKIP_LEADING |= {"seq": 0.05, "level3": 2.5, "value": 1.5}
SKIP_INSIDE = {"level1": 0.1, "level2": 0.1, "level12": 0.1, "side": 0.0, "level3": 1.5}
SKIP_INSIDE |= {"value": 1.0, "actual": 0.4, "weight": 0.4, "score": 0.4, "field": 0.3}
SKIP_OTHER = 0.2
# a cell that leaves a column empty before it costs a little more than one that leaves it
# empty at the row's end: of two columns that fit, a cell is in the nearer
SKIP_GAP = 0.05
# a column left empty after a row's last cell: the columns a header names for what every
# row holds (an explanation, a completion) are seldom empty
SKIP_TRAILING = {"explanation": 0.7, "actual": 0.4, "weight": 0.4, "score": 0.4, "value": 0.7}
SKIP_TRAILING |= {"level1": 0.0, "level2": 0.0, "level12": 0.0, "side": 0.0, "field": 0.0}
# a row's end: whole (name and value), a placeholder (headings only), or less
ROW_WHOLE = 0.0
ROW_NO_VALUE = 2.0
ROW_NO_NAME = 2.5
ROW_HEADINGS_ONLY = 0.3
ROW_EMPTY = 0.5
ROW_NOTHING = 3.0
NEW_ROW = 0.1  # any row break (fewer, longer rows where the cells allow)
NEW_PROJECT = 2.0  # a row (other than the first) that starts with a wide header's fields
# joining a line to the cell of the line before: one-cell-per-line text with blank lines
# between cells writes a wrapped cell's lines together (splitting them costs), plain
# one-cell-per-line text writes each cell on its own line (joining costs)
# plain text: a wrapped cell's first lines fill the column and its last is no longer, so a
# line that goes on a line at least as wide is a likely wrap, one that goes on a narrower
# line an unlikely one
MAX_JOIN = 8  # lines one cell may span (a long explanation wrapped in a narrow column)
# a cell fitting a column worse than this never goes there: a role missing from the table of
# fits (``kinds._NEVER``, -9) is below it
NEVER_FIT = -8.5

_HAS_NAME, _HAS_VALUE, _HAS_HEADING, _HAS_CELL = 1, 2, 4, 8


@dataclass(slots=True)
class GridRow:
    """One row of the grid: a cell (or None) per header column, and where it came from."""

    cells: list[Cell | None]
    rows: list[Row] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.rows[0].line

    @property
    def page(self) -> int | None:
        return self.rows[0].page

    @property
    def bbox(self) -> BBox | None:
        return self.rows[0].bbox if len(self.rows) == 1 else None

    def text(self, col: int) -> str:
        c = self.cells[col] if col < len(self.cells) else None
        return c.text.strip() if c is not None else ""


def column_fit(kind: Kind, col: Column) -> float:
    """How well a cell of ``kind`` sits in ``col``: its best role's prior plus fit."""
    if kind.kind == EMPTY:
        return -EMPTY_IN_COLUMN
    best = -math.inf
    for role, prior in col.priors.items():
        f = fit(kind, role)
        if role == "field":
            f = _field_fit(kind, col.field or "")
        best = max(best, prior + f)
    return best


def _field_fit(kind: Kind, name: str) -> float:
    """A field written in its own grid column (a wide header) holds text of any kind: an
    amount under a budget label, words under the others."""
    if name.startswith("budget"):
        return 0.0 if kind.kind in ("number", "value") else -2.0
    if kind.kind in ("name", "short", "prose", "worded"):
        return -0.5
    if kind.kind in ("heading1", "heading2", "op"):
        return -5.0
    return -1.5


def _skip_inside(col: Column, kept: bool) -> float:
    if kept:
        return 0.0 if col.named == "side" else SKIP_KEPT
    return SKIP_INSIDE.get(col.named or "other", SKIP_OTHER)


def _skip_leading(col: Column, kept: bool) -> float:
    base = SKIP_LEADING.get(col.named or "other", SKIP_OTHER)
    return base + (SKIP_KEPT if kept and col.named not in SKIP_LEADING else 0.0)


def _flags(col: Column, kind: Kind) -> int:
    if kind.kind == EMPTY:
        return 0
    r = col.named
    f = _HAS_CELL
    if r == "level3":
        f |= _HAS_NAME
    elif r in ("value", "actual"):
        f |= _HAS_VALUE
    elif r in ("level1", "level2", "level12"):
        f |= _HAS_HEADING
    return f


def _close(flags: int) -> float:
    if flags & _HAS_NAME:
        return ROW_WHOLE if flags & _HAS_VALUE else ROW_NO_VALUE
    if flags & _HAS_VALUE:
        return ROW_NO_NAME
    if flags & _HAS_HEADING:
        return ROW_HEADINGS_ONLY
    return ROW_EMPTY if not flags & _HAS_CELL else ROW_NOTHING


# --- one row of one line ---------------------------------------------------------------------


def align_row(cells: list[Cell], header: Header, cfg: Config, kept: bool) -> list[Cell | None]:
    """The cells of one row placed in the header's columns (``kept``: the text writes
    empty cells, so few columns are left out).  The row is asked to be whole as in
    ``align_stream``: a value with no name, or a name with no value, costs."""
    cols = header.columns
    n, m = len(cells), len(cols)
    kinds = [kind_of(c.text, cfg) for c in cells]
    place = _places(cells, cols)
    inf = math.inf
    # cost[(i, j, f)]: cells[:i] placed, columns[:j] decided, f the name/value flags
    cost: dict[tuple[int, int, int], float] = {(0, 0, 0): 0.0}
    back: dict[tuple[int, int, int], tuple[int, int, int, bool]] = {}
    for i in range(n + 1):
        started = any(kinds[k].kind != EMPTY for k in range(i))
        for j in range(m + 1):
            for f in range(4):
                c = cost.get((i, j, f), inf)
                if c == inf:
                    continue
                moves = []
                if j < m:  # column j left out
                    skip = _skip_inside(cols[j], kept) if started else _skip_leading(cols[j], kept)
                    moves.append(((i, j + 1, f), c + skip, False))
                if i < n:  # cell i in no column
                    if kinds[i].kind == EMPTY:
                        d = SKIP_KEPT if kept else DROP_EMPTY
                    elif kinds[i].kind == "section" or _doubled(cells, i, kinds):
                        d = DROP_EMPTY  # a side label, or a cell written twice (名称 | 名称)
                    else:
                        d = DROP_CELL
                    moves.append(((i + 1, j, f), c + d, False))
                if i < n and j < m:  # cell i in column j
                    fit_ = column_fit(kinds[i], cols[j]) - (place[i][j] if place else 0.0)
                    if fit_ > -inf:
                        nf = f | (_flags(cols[j], kinds[i]) & (_HAS_NAME | _HAS_VALUE))
                        moves.append(((i + 1, j + 1, nf), c - fit_, True))
                for key, cc, placed in moves:
                    if cc < cost.get(key, inf):
                        cost[key] = cc
                        back[key] = (i, j, f, placed)
    ends = [(cost[(n, m, f)] + _incomplete(f), f) for f in range(4) if (n, m, f) in cost]
    key = (n, m, min(ends)[1])
    out: list[Cell | None] = [None] * m
    while key != (0, 0, 0):
        pi, pj, pf, placed = back[key]
        if placed:
            out[pj] = cells[pi] if cells[pi].text.strip() else None
        key = (pi, pj, pf)
    return out


def _incomplete(flags: int) -> float:
    """What a row holding a name without a value, or a value without a name, costs (a
    row holding neither is a row of headings or notes)."""
    if flags == _HAS_VALUE:
        return ROW_NO_NAME
    if flags == _HAS_NAME:
        return ROW_NO_VALUE
    return 0.0


def _doubled(cells: list[Cell], i: int, kinds: list[Kind]) -> bool:
    """A name cell written twice (OCR and converters double it: 调度平台系统 |
    调度平台系统 | 1套): the repeat of a cell, followed by a value.  A heading repeated is
    an indicator named like its level-2, and a name repeated before an explanation is its
    worded target (严格控制会期 | 严格控制会期 | 严守获批会议方案会期…)."""
    t = cells[i].text.strip()
    if i == 0 or not t or t != cells[i - 1].text.strip() or t[0].isdigit():
        return False
    if kinds[i].kind in ("heading1", "heading2"):
        return False
    nxt = next((k for k in kinds[i + 1 :] if k.kind != EMPTY), None)
    return nxt is not None and nxt.kind in ("value", "number", "worded", "op")


MISPLACED = 2.0  # a cell of fixed-width text under another column than its own


def _places(cells: list[Cell], cols: list[Column]) -> list[list[float]] | None:
    """Where the text lays its cells out (fixed-width text: ``Cell.bbox`` x-extents) and
    the header its columns: for each cell and column, the cost of placing the cell there
    (0 for the column whose region holds the cell's start, ``MISPLACED`` elsewhere).  A
    column's region reaches halfway to its neighbours'."""
    xs = [c.x for c in cols]
    if any(x is None for x in xs if x is not cols[0].x or cols[0] is not OUTLINE) or not all(
        c.bbox is not None for c in cells
    ):
        return None
    real = [j for j, c in enumerate(cols) if c.x is not None]
    if not real:
        return None
    bounds: dict[int, tuple[float, float]] = {}
    for k, j in enumerate(real):
        x0, x1 = cols[j].x  # type: ignore[misc]
        left = -math.inf if k == 0 else (cols[real[k - 1]].x[1] + x0) / 2  # type: ignore[index]
        right = math.inf if k + 1 == len(real) else (x1 + cols[real[k + 1]].x[0]) / 2  # type: ignore[index]
        bounds[j] = (left, right)
    out = []
    for c in cells:
        start = c.bbox[0]  # type: ignore[index]
        out.append(
            [
                0.0 if j in bounds and bounds[j][0] <= start < bounds[j][1] else MISPLACED
                for j in range(len(cols))
            ]
        )
    return out


# --- one cell per line ---------------------------------------------------------------------

# what showed the boundary before a line of one-cell-per-line text
START = "start"  # the first line
ROW_END = "row_end"  # a line of bars: a row ends here for certain
CELL = "cell"  # a cell ends here for certain (a blank line in plain text, a closing bar)
GROUP = "group"  # the line goes on the cell before (same blank-delimited group, or the
# line before was not closed where the text closes its cells with bars)
LINE = "line"  # a plain line break: a new cell, or a wrapped one

# a cell whose kind is one of these stands alone: no wrap tail, nothing goes on it
STANDALONE = frozenset({"op", "none", "direction", "nature", "standard", "unit"})


@dataclass(slots=True)
class _Token:
    text: str
    row: Row
    before: str
    kind: Kind
    width: int = 0  # display width of the line
    paired: bool = False  # as wide as a neighbouring line of the same cell (see _pair_wraps)
    ends_cell: bool = False  # a line repeated before different lines (see _repeated_cells)
    repeated: bool = False  # written again and again (see _repeated_cells)

    @property
    def empty(self) -> bool:
        return not self.text


CLOSED_SHARE = 0.5  # most lines closed by a bar: the text closes its cells with bars
MAX_EMPTY_CELLS = 3  # empty cells read from blank lines at most: more blank lines are spacing


def _tokens(rows: list[Row], blank_mode: bool, cfg: Config) -> list[_Token]:
    """The lines of one-cell-per-line text as tokens with the evidence before each.  In
    text that puts blank lines between cells (``blank_mode``) a line right after a line
    goes on its cell and extra blank lines are empty cells; in plain text a blank line is
    an empty cell."""
    from .cells import display_width

    out: list[_Token] = []
    prev: Row | None = None
    closing = sum(r.closed for r in rows) > CLOSED_SHARE * len(rows)
    empty = kind_of("", cfg)
    for r in rows:
        if prev is None:
            before = START
        elif prev.end:
            before = ROW_END
        elif prev.closed or r.gap > 0:
            before = CELL
        elif blank_mode or closing:
            before = GROUP
        else:
            before = LINE
        empties = 0 if prev is None else (max(0, r.gap - 1) if blank_mode else r.gap)
        for _ in range(min(empties, MAX_EMPTY_CELLS)):
            out.append(_Token("", r, before, empty))
            before = CELL
        text = next((t for t in r.texts if t.strip()), "")
        out.append(_Token(text, r, before, kind_of(text, cfg) if text else empty))
        out[-1].width = display_width(text)
        prev = r
    _pair_wraps(out)
    _repeated_cells(out)
    return out


MIN_REPEATS = 3  # times a line recurs before its repeats say it is a whole cell


def _repeated_cells(toks: list[_Token]) -> None:
    """Mark lines written again and again (``repeated``), and those that are whole cells
    by their repeats: a line written again and again
    (a scoring rule on every row) before different lines is a cell of its own; the lines
    after it are other cells, not the rest of one sentence (a wrapped sentence that starts
    alike goes on alike)."""
    after: dict[str, set[str]] = {}
    seen: dict[str, int] = {}
    for a, b in zip(toks, toks[1:], strict=False):
        if a.text and b.before == LINE:
            seen[a.text] = seen.get(a.text, 0) + 1
            after.setdefault(a.text, set()).add(b.text)
    for t in toks:
        if seen.get(t.text, 0) >= MIN_REPEATS:
            t.repeated = True
            t.ends_cell = len(after[t.text]) >= 2


# a line written again and again read as an indicator's name: names are each written
# once, a column's few values (a source, a method, a worded target) again and again
REPEATED_NAME = 2.5


def _pair_wraps(toks: list[_Token]) -> None:
    """Mark lines that show a wrap by themselves: a cell wrapped onto three or more lines
    fills its column in every line but its last, so two lines in a row of the same wide
    width (neither ending a sentence nor the second opening a clause of its own) are the
    filled lines of one cell, however few other lines the text has."""
    for a, b in zip(toks, toks[1:], strict=False):
        if (
            b.before == LINE
            and a.width >= MIN_WRAP_WIDTH
            and a.width == b.width
            and a.text != b.text
            and a.text.rstrip()[-1] not in _SENTENCE_END
            and not PROSE_START.match(b.text.lstrip())
            and not (_whole(a) or _whole(b) or _quantity(a) or _quantity(b))
        ):
            a.paired = b.paired = True


MIN_WRAP_WIDTH = 18  # narrower "wrap widths" are the lengths of common short names


def wrap_widths(texts: list[str]) -> set[int]:
    """Display widths at which one-cell-per-line text wraps its cells: the widest line's
    width where at least three different lines reach it (no line is wider than its
    column, and a wrapped column fills its width again and again), and any other width
    ``full_widths`` finds as a peak of wide lines."""
    from .cells import display_width, full_widths

    distinct = {t for t in texts if t}
    if not distinct:
        return set()
    sizes = [display_width(t) for t in distinct]
    top = max(sizes)
    out = {w for w in full_widths(texts) if w >= MIN_WRAP_WIDTH}
    if top >= MIN_WRAP_WIDTH and sum(1 for w in sizes if w >= top - 1) >= MIN_WRAPPED:
        out.add(top)
    return out


_CLAUSE_OPEN = "，、；：,;:（(“‘《"
_SENTENCE_END = "。！？!?"
MIN_CUT_CHARS = 6  # a line this short is a whole cell, whatever its width
# costs of reading a plain line break as a wrap inside a cell (join) or as a cell boundary
# (split): a line that filled its column (or leaves a clause open) goes on; a line that
# goes on a narrower one rarely does (a wrapped cell's last line is its shortest)
JOIN_CUT = 0.2
SPLIT_CUT = 0.8  # a line that filled its column's width and the next: weaker evidence
JOIN_PLAIN = 1.2
JOIN_WIDER = 3.0
SPLIT_GROUP = 1.5  # lines the text writes as one cell (a blank-delimited group), read as two


_QUANTITY = frozenset({"number", "value", "points"})
_UNWRAPPED = frozenset(
    {"value", "op", "unit", "actual", "weight", "score", "direction", "nature", "standard", "seq"}
)
# a line opening with one of these goes on the cell of the line before (an operator of a
# formula, a closing bracket or quote, a mark that ends a clause)
_GOES_ON = "×÷*+）)》”’，、；：。"
WHOLE_HEADING = 4  # characters of a heading word written whole (数量指标, not 数量)
_SIGNS = "≥≤><=＞＜≧≦＝"


def _quantity(t: _Token) -> bool:
    """A short cell that is a quantity (95%, ≥10次, 14): whole as it stands."""
    return t.kind.kind in _QUANTITY and t.kind.chars <= SHORT_QUANTITY


SHORT_QUANTITY = 10


def _filled(a: _Token, width: int | None, widths: set[int]) -> bool:
    """True when line ``a`` ends where its column wraps: it leaves a clause open, or it
    reaches its column's wrap width (``width``, else one of the text's ``widths``)
    without ending a sentence."""
    t = a.text.rstrip()
    if len(t) < MIN_CUT_CHARS or t[-1] in _SENTENCE_END:
        return False
    if t[-1] in _CLAUSE_OPEN:
        return True
    if width is not None:
        return width > 0 and a.width >= width - 1  # 0: a column that does not wrap
    return any(0 <= w - a.width <= 1 for w in widths)


def _named(k: Kind) -> bool:
    """A heading matched exactly, or a header word: text the vocabulary names whole."""
    return (
        k.kind in ("heading1", "heading2") and k.heading_score >= EXACT_MATCH
    ) or k.kind == "header"


def _whole(t: _Token) -> bool:
    """A line that is a cell of its own kind: nothing wraps onto it or off it.  A heading
    counts when written whole (数量指标); a short synonym (满意度, 数量) is also the tail of
    a wrapped name."""
    k = t.kind
    return k.kind in STANDALONE or (
        k.kind in ("heading1", "heading2")
        and k.heading_score >= EXACT_MATCH
        and k.chars >= WHOLE_HEADING
    )


_OPERATOR_END = "=＝×÷+＋*/／"
_OPENING = "（(“《"
_CLOSING = "）)”》"


def _left_open(text: str) -> bool:
    """A line that leaves its cell open: it ends in a mark that leaves a clause open or in
    a formula's operator (拜访率=, …目标数×), or it opens a bracket it does not close."""
    t = text.rstrip()
    if not t:
        return False
    if t[-1] in _CLAUSE_OPEN or t[-1] in _OPERATOR_END:
        return True
    return sum(t.count(c) for c in _OPENING) > sum(t.count(c) for c in _CLOSING)


def _closes_open(text: str) -> bool:
    """A line that closes more brackets than it opens (100%）): the end of a cell begun on
    a line before."""
    t = text.strip()
    return sum(t.count(c) for c in _CLOSING) > sum(t.count(c) for c in _OPENING)


def _join_cost(a: _Token, b: _Token, width: int | None, widths: set[int]) -> float:
    """The cost of reading line ``b`` as going on the cell of line ``a`` (in a column
    whose wrap width is ``width`` where known)."""
    if b.before == GROUP:
        return 0.0
    if b.before != LINE or _whole(a) or _whole(b):
        return math.inf
    if b.text.lstrip()[:1] in _GOES_ON or _left_open(a.text) or _closes_open(b.text):
        return JOIN_CUT  # …总期数 / *100% / 测评， / 拜访率= / 100%）: the line opens with
        # what cannot open a cell, or the line before leaves its clause or formula open
    if _quantity(a):
        return math.inf  # a short quantity (95%, 10次, a page number) is a whole cell
    if a.ends_cell:
        return JOIN_WIDER  # the line recurs before different lines: a cell of its own
    if b.kind.kind == "fragment":
        return JOIN_CUT  # one or two characters naming nothing: a wrapped cell's tail
    if PROSE_START.match(b.text.lstrip()):
        return JOIN_WIDER  # 根据… / 按照…: the line opens a clause of its own
    if (b.text.lstrip()[:1] in _SIGNS or _quantity(b)) and not _filled(a, width, widths):
        return math.inf  # a line opening with a sign, or a quantity alone, opens a target
    if _filled(a, width, widths):
        return JOIN_CUT
    if a.paired:
        return JOIN_PLAIN  # as wide as the line after it: a wrapped cell's filled lines
    if width is not None:
        return JOIN_WIDER
    if not widths:
        return JOIN_WIDER  # a text that shows no wrap width wraps no cell by width
    return JOIN_PLAIN if a.width >= b.width else JOIN_WIDER


def _split_cost(a: _Token, b: _Token | None, width: int | None, widths: set[int]) -> float:
    """The cost of ending a cell at line ``a`` when line ``b`` follows."""
    if b is None or b.empty:
        return 0.0
    if b.before == GROUP:
        return SPLIT_GROUP
    if b.before == LINE and not _whole(a) and not _whole(b) and _filled(a, width, widths):
        return SPLIT_CUT
    return 0.0


def blank_mode(rows: list[Row]) -> bool:
    """True when the text puts a blank line between the cells of a one-cell-per-line
    grid (most lines follow exactly one blank line)."""
    gaps = [r.gap for r in rows[1:]]
    return bool(gaps) and sum(1 for g in gaps if g == 1) > BLANK_SHARE * len(gaps)


BLANK_SHARE = 0.5  # most lines after one blank line: the text puts blank lines between cells


def align_stream(
    rows: list[Row], header: Header, cfg: Config, wrap: frozenset[int] = frozenset()
) -> list[GridRow]:
    """One-cell-per-line grid rows → table rows (see the module docstring).  Read twice:
    the first reading shows how often each column is filled and the width at which each
    column wraps its cells (the lines of its cells that went on in the next); the second
    reading uses both (a column most rows fill is rarely left out, one most rows leave
    empty rarely filled)."""
    if not rows:
        return []
    toks = _tokens(rows, blank_mode(rows), cfg)
    widths = wrap_widths([t.text for t in toks if t.text]) | wrap
    # cells closed by bars: empties written
    kept = sum(r.closed for r in rows) > CLOSED_SHARE * len(rows)
    costs = _Costs.by_role(header.columns, kept)
    segs = _decode(toks, header, costs, widths, {}, cfg)
    first = _rows(toks, segs, len(header.columns))
    col_widths = _column_widths(toks, segs)
    costs = _Costs.by_fill(header.columns, first, costs)
    segs = _decode(toks, header, costs, widths, col_widths, cfg)
    return _rows(toks, segs, len(header.columns))


@dataclass(slots=True)
class _Costs:
    """Costs of leaving a column out of a row (at its start, inside it, after its last
    cell) and of filling it."""

    lead: list[float]  # leaving out columns [0, j) at a row's start (cumulative)
    first: list[float]  # the same for the grid's first row (which fills a wide header's fields)
    inside: list[float]  # leaving out column j between two cells of a row
    trail: list[float]  # leaving out columns (j, m) after a row's last cell (cumulative)
    fill: list[float]  # filling column j

    @classmethod
    def by_role(cls, cols: list[Column], kept: bool) -> _Costs:
        m = len(cols)
        lead = [0.0] * (m + 1)
        for j in range(m):
            lead[j + 1] = lead[j] + _skip_leading(cols[j], kept)
        trail = [0.0] * (m + 1)
        for j in range(m - 1, -1, -1):
            after = cols[j + 1].named if j + 1 < m else None
            trail[j] = trail[j + 1] + (
                SKIP_TRAILING.get(after or "other", SKIP_OTHER) if j + 1 < m else 0.0
            )
        inside = [_skip_inside(c, kept) + SKIP_GAP for c in cols]
        return cls(lead, _first(lead, cols), inside, trail, [0.0] * m)

    @classmethod
    def by_fill(cls, cols: list[Column], rows: list[GridRow], base: _Costs) -> _Costs:
        """Costs from how often a first reading filled each column (rows holding a name or
        a value counted; smoothed), for the columns a row's content decides (headings and
        fields are written once for many rows and keep their costs)."""
        m = len(cols)
        body = [
            g
            for g in rows
            if any(g.cells[j] for j, c in enumerate(cols) if c.named in ("level3", "value"))
        ]
        if len(body) < MIN_ROWS_FOR_FILL:
            return base
        inside = list(base.inside)
        fill = [0.0] * m
        skip_after = [0.0] * m
        for j, c in enumerate(cols):
            if c.named in _WRITTEN_ONCE:
                continue
            p = (sum(1 for g in body if g.cells[j] is not None) + 1) / (len(body) + 2)
            fill[j] = -math.log(p)
            skip_after[j] = -math.log(1 - p)
            inside[j] = skip_after[j] + SKIP_GAP
        lead = [0.0] * (m + 1)
        for j in range(m):
            lead[j + 1] = (
                lead[j]
                + (base.lead[j + 1] - base.lead[j])
                + fill[j] * 0
                + (inside[j] if cols[j].named not in _WRITTEN_ONCE else 0.0)
            )
        trail = [0.0] * (m + 1)
        for j in range(m - 1, -1, -1):
            trail[j] = trail[j + 1] + (skip_after[j + 1] if j + 1 < m else 0.0)
        return cls(lead, _first(lead, cols), inside, trail, fill)


def _first(lead: list[float], cols: list[Column]) -> list[float]:
    """Lead costs for the first row: a wide header's fields (项目名称 | 预算数 …) are written
    in the first row under it, so leaving one out there costs."""
    out = list(lead)
    extra = 0.0
    for j, c in enumerate(cols):
        extra += SKIP_FIELD_FIRST if c.named == "field" else 0.0
        out[j + 1] += extra
    return out


SKIP_FIELD_FIRST = 1.5
MIN_ROWS_FOR_FILL = 4  # rows a first reading needs before its fill rates say anything
_WRITTEN_ONCE = frozenset({"level1", "level2", "level12", "side", "field", "seq"})


def _trail(trail: list[float], j: int, flags: int) -> float:
    """What leaving out the columns after a row's last cell costs: only a row that holds an
    indicator (a placeholder row of headings holds nothing more)."""
    return trail[max(j, 0)] if flags & (_HAS_NAME | _HAS_VALUE) else 0.0


def _drop_cost(t: _Token, last: bool) -> float:
    """The cost of a line placed in no column: an empty line or a grid's side label cost
    little, a bare page number ending the text (the last page's number) little more,
    other text much."""
    if t.empty or t.kind.kind == "section":
        return DROP_EMPTY
    if last and t.kind.kind == "number" and BARE_NUMBER.fullmatch(t.text.strip()):
        return DROP_PAGE_NUMBER
    return DROP_CELL


DROP_PAGE_NUMBER = 1.5


SEQ_BREAK = 2.0  # a row number that does not follow the last one (1, 2, then 5)
SEQ_NEXT_ELSEWHERE = 1.0  # the next row number (3 after 2) read as a cell of another column


def _row_number(text: str) -> int:
    """The row number a cell holds (0: none)."""
    t = text.strip()
    return int(t) if BARE_NUMBER.fullmatch(t) else 0


def _column_widths(toks: list[_Token], segs: list[tuple[int, int, int]]) -> dict[int, int]:
    """The wrap width of each column whose cells wrap: the width most of the lines that
    went on in the next reach (seen at least twice)."""
    seen: dict[int, dict[int, int]] = {}
    for start, n, col in segs:
        if col < 0 or n < 2:
            continue
        for t in toks[start : start + n - 1]:
            if t.text.rstrip()[-1:] not in _CLAUSE_OPEN:
                seen.setdefault(col, {})
                seen[col][t.width] = seen[col].get(t.width, 0) + 1
    out = {}
    for col, counts in seen.items():
        w, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if n >= 2 and w >= MIN_WRAP_WIDTH // 2:
            out[col] = w
    # a column whose widest lines reach one width again and again (and none goes past
    # it) wraps there, though the first reading joined none of its lines
    lines: dict[int, set[tuple[str, int]]] = {}
    for start, n, col in segs:
        if col >= 0:
            for t in toks[start : start + n]:
                if t.text:
                    lines.setdefault(col, set()).add((t.text, t.width))
    for col, seen_lines in lines.items():
        if col in out:
            continue
        top = max(w for _, w in seen_lines)
        if top >= MIN_WRAP_WIDTH and sum(1 for _, w in seen_lines if w >= top - 1) >= MIN_WRAPPED:
            out[col] = top
    return out


def _decode(
    toks: list[_Token],
    header: Header,
    costs: _Costs,
    widths: set[int],
    col_widths: dict[int, int],
    cfg: Config,
) -> list[tuple[int, int, int]]:
    """The best reading of the tokens: (first token, tokens joined, column or -2 for a
    cell in no column) in order."""
    cols = header.columns
    m = len(cols)
    T = len(toks)
    inf = math.inf
    # a state: (last column filled, the row's flags, the last row number read in a 序号
    # column); the row number keeps the numbering in step (1, 2, 3 …: a number that breaks
    # the count is less likely a row number)
    best: list[dict[tuple[int, int, int], tuple[float, tuple | None]]] = [{} for _ in range(T + 1)]
    best[0][(-1, 0, 0)] = (0.0, None)
    seq_cols = {j for j, c in enumerate(cols) if c.named == "seq"}
    name_cols = {j for j, c in enumerate(cols) if c.named == "level3"}
    lead, inside, trail, fill = costs.lead, costs.inside, costs.trail, costs.fill
    field_cols = {j for j, c in enumerate(cols) if c.named == "field"}
    prefix_cols = field_cols | {j for j, c in enumerate(cols) if c.named == "side"}
    fits: dict[str, list[float]] = {}
    for t in range(T):
        states = best[t]
        if not states:
            continue
        whole_prefix = False  # the lines joined so far already make a heading
        for L in range(1, MAX_JOIN + 1):
            if t + L > T:
                break
            seg = toks[t : t + L]
            if L > 1 and (seg[-1].empty or seg[0].empty):
                break
            if L > 1 and seg[-1].before not in (GROUP, LINE):
                break
            text = join_lines(s.text for s in seg) if L > 1 else seg[0].text
            k = seg[0].kind if L == 1 else kind_of(text, cfg)
            named = _named(k)
            if L > 1 and whole_prefix and not named:
                continue  # a heading goes on only into a longer heading
            whole_prefix = whole_prefix or named
            f = fits.get(text)
            if f is None:
                f = fits[text] = [column_fit(k, c) for c in cols]
            nxt = toks[t + L] if t + L < T else None
            forced = seg[0].before == ROW_END
            per_col = []
            for jj in range(m):
                if f[jj] == -inf or f[jj] < NEVER_FIT:
                    per_col.append(inf)
                    continue
                # the second reading knows which columns wrap; a column of short cells (a
                # value, an operator, a unit) it saw no wrap in does not
                w = col_widths.get(jj, 0 if col_widths and cols[jj].named in _UNWRAPPED else None)
                if L > 1 and named:
                    join = 0.0  # the lines make a heading or header word: the vocabulary joins them
                else:
                    join = sum(
                        _join_cost(a, b, w, widths) for a, b in zip(seg, seg[1:], strict=False)
                    )
                repeat = REPEATED_NAME if L == 1 and seg[0].repeated and jj in name_cols else 0.0
                per_col.append(
                    -f[jj] + fill[jj] + join + _split_cost(seg[-1], nxt, w, widths) + repeat
                )
            number = _row_number(text) if seq_cols else 0
            for state, (c0, _) in states.items():
                j, fl, last_no = state
                if L == 1:  # a cell in no column (an empty one, or one the header lacks)
                    c = c0 + _drop_cost(seg[0], t == T - 1)
                    if c < best[t + 1].get(state, (inf,))[0]:
                        best[t + 1][state] = (c, (t, state, -2, 1))
                for jj in range(m):
                    emit = per_col[jj]
                    if emit == inf:
                        continue
                    k = seg[0].kind
                    if jj > j and not forced and j >= 0:  # same row
                        if jj in field_cols and j not in prefix_cols:
                            continue  # a row's fields come before its indicator
                        c = c0 + sum(inside[j + 1 : jj]) + emit
                        nf = fl | _flags(cols[jj], k)
                    elif jj > j and j == -1:  # the first row
                        c = c0 + costs.first[jj] + emit
                        nf = _flags(cols[jj], k)
                    else:  # a new row
                        c = c0 + _trail(trail, j, fl) + _close(fl) + NEW_ROW + lead[jj] + emit
                        if jj in field_cols:
                            c += NEW_PROJECT  # another project's fields start a row
                        nf = _flags(cols[jj], k)
                    no = last_no
                    if jj in seq_cols and number:
                        c += 0.0 if number == last_no + 1 or not last_no else SEQ_BREAK
                        no = number
                    elif number and last_no and number == last_no + 1:
                        c += SEQ_NEXT_ELSEWHERE
                    key = (jj, nf, no)
                    if c < best[t + L].get(key, (inf,))[0]:
                        best[t + L][key] = (c, (t, state, jj, L))
    end = best[T]
    if not end:
        return []
    state = min(end, key=lambda s: end[s][0] + _trail(trail, s[0], s[1]) + _close(s[1]))
    segs: list[tuple[int, int, int]] = []
    t = T
    while t > 0:
        _, bp = best[t][state]
        assert bp is not None
        pt, state, jj, L = bp
        segs.append((pt, L, jj))
        t = pt
    segs.reverse()
    return segs


def _rows(toks: list[_Token], segs: list[tuple[int, int, int]], m: int) -> list[GridRow]:
    out: list[GridRow] = []
    cur: GridRow | None = None
    last = -1
    for start, L, jj in segs:
        if jj == -2:
            continue
        seg = toks[start : start + L]
        if cur is None or jj <= last or seg[0].before == ROW_END:
            cur = GridRow([None] * m)
            out.append(cur)
        text = join_lines(s.text for s in seg)
        if text:
            cur.cells[jj] = Cell(text)
        cur.rows.extend(s.row for s in seg if s.row not in cur.rows)
        last = jj
    return [g for g in out if g.rows]


def align(
    header: Header, rows: list[Row], cfg: Config, wrap: frozenset[int] = frozenset()
) -> list[GridRow]:
    """The grid rows below ``header`` placed in its columns.  A grid whose header is
    written one cell per line is read as one stream (``wrap``: widths at which the whole
    document wraps its cells, beside the grid's own); other rows one by one (a line of
    one cell among them is a row of one cell: a heading across the grid, a note)."""
    if all(r.sep == "cell" for r in header.rows):
        return align_stream([r for r in rows], header, cfg, wrap)
    header.columns = _widened(header.columns, rows, cfg)
    if header.rows[0].sep == "run":
        rows = [_split_run(r, header, cfg) for r in rows]
    return [_one(r, header, cfg) for r in rows if any(t.strip() for t in r.texts)]


TRAILING = Column("", None, {"explanation": 0.0, "remark": -1.0, "other": -1.0, "deviation": -1.5})
SHORT_HEADER_SHARE = 0.3  # rows writing cells past the header's last before it lacks columns


def _explained(rows: list[Row], cfg: Config) -> bool:
    """True when many rows end with an explanation after their value: their last cell is
    prose or a phrase, the one before it a target."""
    ends = []
    for r in rows:
        f = _filled_cols(r)
        if len(f) < 2:
            continue
        last, before = kind_of(r.cells[f[-1]].text, cfg), kind_of(r.cells[f[-2]].text, cfg)
        ends.append(last.kind in ("prose", "name") and before.kind in ("value", "number", "worded"))
    return bool(ends) and sum(ends) >= SHORT_HEADER_SHARE * len(ends)


def _widened(cols: list[Column], rows: list[Row], cfg: Config) -> list[Column]:
    """A header cut short of its last columns (a converter dropped them; the rows still
    write their cells): where many rows hold more cells than the header has columns, the
    header gains columns for them (an explanation, a note; their cells decide)."""
    if cols and cols[-1].named == "value" and _explained(rows, cfg):
        # a header that ends at the value while the rows write an explanation after it:
        # the converter cut the header's last column off
        cols = [*cols, TRAILING]
    width = len(cols) - (1 if cols and cols[0] is OUTLINE else 0)
    longer = [r for r in rows if r.sep in ("tab", "bar") and len(_filled_cols(r)) > 1]
    extra = [max(0, _last_filled(r) + 1 - width) for r in longer]
    over = [e for e in extra if e > 0]
    if not longer or len(over) < SHORT_HEADER_SHARE * len(longer):
        return cols
    return [*cols, *[TRAILING] * max(over)]


def _filled_cols(r: Row) -> list[int]:
    return [k for k, c in enumerate(r.cells) if c.text.strip()]


def _last_filled(r: Row) -> int:
    f = _filled_cols(r)
    return f[-1] if f else -1


def _split_run(r: Row, header: Header, cfg: Config) -> Row:
    """A line of one cell under a header whose words ran together: its cells ran together
    too (产出指标数量指标覆盖率100%), split at its headings and its value."""
    from .runs import split_run

    if r.sep != "cell" or len(r.cells) != 1:
        return r
    roles = tuple(
        c.named for c in header.columns if c.named and c.named not in ("level1", "level2", "side")
    )
    parts = split_run(r.cells[0].text, cfg, roles)
    return Row([Cell(p) for p in parts], r.line, r.page, r.table_id, r.bbox, sep="run")


def _one(r: Row, header: Header, cfg: Config) -> GridRow:
    m = len(header.columns)
    if r.sep is None and (r.spans or r.table_id is not None or r.bbox is not None):
        # the reader kept the columns: cells stay in place (after the outline column,
        # where the grid has one: it has no cell of its own)
        lead = 1 if header.columns and header.columns[0] is OUTLINE else 0
        cells: list[Cell | None] = [None] * lead + [
            c if c.text.strip() or c.covered else None for c in r.cells[: m - lead]
        ]
        cells += [None] * (m - len(cells))
        if len(r.cells) <= m - lead or not any(c.text.strip() for c in r.cells[m - lead :]):
            return GridRow(cells, [r])
    # tab and bar text keeps empty cells in place (spaces and runs collapse them), unless
    # the header itself is padded with empty cells: then positions drift
    kept = r.sep in ("tab", "bar", None) and not header.padded
    return GridRow(align_row(r.cells, header, cfg, kept), [r])
