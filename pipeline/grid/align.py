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

from ..common import join_lines
from ..config import Config
from ..model import BBox, Cell, Row
from .header import Column, Header
from .kinds import EMPTY, Kind, fit, kind_of

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
# a row's end: whole (name and value), a placeholder (headings only), or less
ROW_WHOLE = 0.0
ROW_NO_VALUE = 1.5
ROW_NO_NAME = 2.5
ROW_HEADINGS_ONLY = 0.3
ROW_EMPTY = 0.5
ROW_NOTHING = 3.0
NEW_ROW = 0.1  # any row break (fewer, longer rows where the cells allow)
# joining a line to the cell of the line before: one-cell-per-line text with blank lines
# between cells writes a wrapped cell's lines together (splitting them costs), plain
# one-cell-per-line text writes each cell on its own line (joining costs)
JOIN_PLAIN = 1.2
SPLIT_GROUP = 1.5
MAX_JOIN = 4  # lines one cell may span

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
    if kind.kind in ("name", "prose", "worded", "item"):
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
    empty cells, so few columns are left out)."""
    cols = header.columns
    n, m = len(cells), len(cols)
    kinds = [kind_of(c.text, cfg) for c in cells]
    inf = math.inf
    # cost[i][j]: cells[:i] placed, columns[:j] decided; back pointers beside
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, bool] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf:
                continue
            if j < m:  # column j left out
                started = any(kinds[k].kind != EMPTY for k in range(i))
                skip = _skip_inside(cols[j], kept) if started else _skip_leading(cols[j], kept)
                if c + skip < cost[i][j + 1]:
                    cost[i][j + 1] = c + skip
                    back[i][j + 1] = (i, j, False)
            if i < n:  # cell i in no column
                d = (SKIP_KEPT if kept else DROP_EMPTY) if kinds[i].kind == EMPTY else DROP_CELL
                if c + d < cost[i + 1][j]:
                    cost[i + 1][j] = c + d
                    back[i + 1][j] = (i, j, False)
            if i < n and j < m:  # cell i in column j
                f = column_fit(kinds[i], cols[j])
                if f > -inf and c - f < cost[i + 1][j + 1]:
                    cost[i + 1][j + 1] = c - f
                    back[i + 1][j + 1] = (i, j, True)
    out: list[Cell | None] = [None] * m
    i, j = n, m
    while (i, j) != (0, 0):
        b = back[i][j]
        assert b is not None
        pi, pj, placed = b
        if placed:
            out[pj] = cells[pi] if cells[pi].text.strip() else None
        i, j = pi, pj
    return out


# --- one cell per line ---------------------------------------------------------------------


@dataclass(slots=True)
class _Token:
    text: str
    row: Row
    empty: bool = False
    certain: bool = True  # a cell boundary before it for certain (blank line, bar)
    group: bool = False  # a line of the same blank-delimited group as the line before
    row_end: bool = False  # a row ends before it for certain (a line of bars)


def _tokens(rows: list[Row], blank_mode: bool) -> list[_Token]:
    """The lines of one-cell-per-line text as tokens with the evidence before each.  In
    text that puts blank lines between cells (``blank_mode``) a line right after a line
    goes on its cell and extra blank lines are empty cells; in plain text a blank line is
    an empty cell."""
    out: list[_Token] = []
    prev: Row | None = None
    closing = sum(r.closed for r in rows) > 0.5 * len(rows)
    for r in rows:
        empties = max(0, r.gap - 1) if blank_mode else r.gap
        if prev is None:
            empties = 0
        row_end = prev is not None and prev.end
        for _ in range(min(empties, 3)):
            out.append(_Token("", r, empty=True, row_end=row_end))
            row_end = False
        text = next((t for t in r.texts if t.strip()), "")
        if not text:  # a lone bar: an empty cell
            out.append(_Token("", r, empty=True, row_end=row_end))
        else:
            # a line right after a line of its blank-delimited group, or after an unclosed
            # line where the text closes its cells with bars, likely goes on that cell
            same_group = prev is not None and r.gap == 0 and (blank_mode or closing and not prev.closed)
            certain = prev is None or prev.closed or r.gap > 0 or row_end
            out.append(_Token(text, r, certain=certain, group=same_group, row_end=row_end))
        prev = r
    return out


def blank_mode(rows: list[Row]) -> bool:
    """True when the text puts a blank line between the cells of a one-cell-per-line
    grid (most lines follow exactly one blank line)."""
    gaps = [r.gap for r in rows[1:]]
    return bool(gaps) and sum(1 for g in gaps if g == 1) > 0.5 * len(gaps)


def align_stream(rows: list[Row], header: Header, cfg: Config) -> list[GridRow]:
    """One-cell-per-line grid rows → table rows (see the module docstring)."""
    if not rows:
        return []
    mode = blank_mode(rows)
    toks = _tokens(rows, mode)
    cols = header.columns
    m = len(cols)
    kept = sum(r.closed for r in rows) > 0.5 * len(rows)  # cells closed by bars: empties written
    T = len(toks)
    inf = math.inf
    # best[t]: state (last column, flags) -> (cost, back pointer)
    best: list[dict[tuple[int, int], tuple[float, tuple | None]]] = [{} for _ in range(T + 1)]
    best[0][(-1, 0)] = (0.0, None)
    lead = [0.0] * (m + 1)  # cost of leaving out columns [0, j) at a row's start
    for j in range(m):
        lead[j + 1] = lead[j] + _skip_leading(cols[j], kept)
    trail = [0.0] * (m + 1)  # cost of leaving out columns (j, m) at a row's end
    for j in range(m - 1, -1, -1):
        trail[j] = trail[j + 1] + (SKIP_OTHER if j + 1 < m else 0.0) * 0
    inside = [_skip_inside(c, kept) for c in cols]
    kinds_cache: dict[str, Kind] = {}

    def kind(text: str) -> Kind:
        k = kinds_cache.get(text)
        if k is None:
            k = kinds_cache[text] = kind_of(text, cfg)
        return k

    for t in range(T):
        states = best[t]
        if not states:
            continue
        for L in range(1, MAX_JOIN + 1):
            if t + L > T:
                break
            seg = toks[t : t + L]
            if L > 1 and (seg[-1].empty or seg[-1].certain and not seg[-1].group):
                break
            if seg[0].empty and L > 1:
                break
            join_cost = 0.0
            if L > 1:
                join_cost = sum(0.0 if s.group else JOIN_PLAIN for s in seg[1:])
            # a group the segment leaves unjoined costs
            nxt = toks[t + L] if t + L < T else None
            split_cost = SPLIT_GROUP if nxt is not None and nxt.group and not nxt.empty else 0.0
            text = join_lines(s.text for s in seg) if L > 1 else seg[0].text
            k = kind(text)
            forced = seg[0].row_end
            for (j, fl), (c0, _) in states.items():
                if L == 1:  # a cell in no column (an empty one, or one the header lacks)
                    key = (j, fl)
                    c = c0 + (DROP_EMPTY if seg[0].empty else DROP_CELL)
                    if c < best[t + 1].get(key, (inf,))[0]:
                        best[t + 1][key] = (c, (t, j, fl, -2, 1))
                for jj in range(m):
                    f = column_fit(k, cols[jj])
                    if f == -inf or f < -8.5:
                        continue
                    emit = -f + join_cost + split_cost
                    if jj > j and not forced and j >= 0:  # same row
                        c = c0 + sum(inside[j + 1 : jj]) + emit
                        nf = fl | _flags(cols[jj], k)
                    elif jj > j and j == -1:  # the first row
                        c = c0 + lead[jj] + emit
                        nf = _flags(cols[jj], k)
                    else:  # a new row
                        c = c0 + _close(fl) + NEW_ROW + lead[jj] + emit
                        nf = _flags(cols[jj], k)
                    key = (jj, nf)
                    if c < best[t + L].get(key, (inf,))[0]:
                        best[t + L][key] = (c, (t, j, fl, jj, L))
    end = best[T]
    if not end:
        return []
    (j, fl), (c, _) = min(end.items(), key=lambda kv: kv[1][0] + _close(kv[0][1]))
    # walk back: segments with their columns
    segs: list[tuple[int, int, int]] = []  # (start token, length, column or -2 dropped)
    t = T
    state = (j, fl)
    while t > 0:
        _, bp = best[t][state]
        assert bp is not None
        pt, pj, pfl, jj, L = bp
        segs.append((pt, L, jj))
        t, state = pt, (pj, pfl)
    segs.reverse()
    out: list[GridRow] = []
    cur: GridRow | None = None
    last = -1
    for start, L, jj in segs:
        if jj == -2:
            continue
        seg = toks[start : start + L]
        if cur is None or jj <= last or seg[0].row_end:
            cur = GridRow([None] * m)
            out.append(cur)
        text = join_lines(s.text for s in seg)
        if text:
            cur.cells[jj] = Cell(text)
        cur.rows.extend(s.row for s in seg if s.row not in cur.rows)
        last = jj
    return [g for g in out if g.rows]


def align(header: Header, rows: list[Row], cfg: Config) -> list[GridRow]:
    """The grid rows below ``header`` placed in its columns.  A grid whose header is
    written one cell per line is read as one stream; other rows one by one (a line of one
    cell among them is a row of one cell: a heading across the grid, a note)."""
    if all(r.sep == "cell" for r in header.rows):
        return align_stream([r for r in rows], header, cfg)
    return [_one(r, header, cfg) for r in rows if any(t.strip() for t in r.texts)]


def _one(r: Row, header: Header, cfg: Config) -> GridRow:
    m = len(header.columns)
    if r.sep is None and (r.spans or r.table_id is not None or r.bbox is not None):
        # the reader kept the columns: cells stay in place
        cells: list[Cell | None] = [
            c if c.text.strip() or c.covered else None for c in r.cells[:m]
        ]
        cells += [None] * (m - len(cells))
        if len(r.cells) <= m or not any(c.text.strip() for c in r.cells[m:]):
            return GridRow(cells, [r])
    kept = r.sep in ("tab", "bar", None)
    return GridRow(align_row(r.cells, header, cfg, kept), [r])
