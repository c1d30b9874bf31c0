"""Columns: a grid whose reader kept the columns (xlsx, docx, HTML, ruled PDF) → indicators.

In:  the grid's rows (header first), its ``Grid`` (column → role) and ``Config``.
Out: ``Indicator``s and notes (line, code, message, row_no).

Each cell's role is its column's: the header says which column holds level-1, level-2,
level-3, the value, a separate operator (指标性质) or unit (计量单位), the explanation,
the 自评表 columns (完成值, 权重/分值, 得分, 偏差原因) and which columns are unknown (kept
out of every field and named once in a finding).  Headings are read in their own columns
by vocabulary; a heading that matches nothing is kept as written.  A level carries down
over the rows its merged cell covers; where the reader knows merged cells (``Row.spans``),
an empty level cell outside a merge is an empty level (SPEC section 2).
"""

from __future__ import annotations

from ..config import Config, HeadingMatch
from ..model import Indicator, Row
from .align import _indicator
from .cells import _PAGE_NO, Token
from .headings import (
    Headings,
    Level,
    TreeState,
    classify,
    heading_like,
    only_child_worded_like,
    take_headings,
    update_tree,
)
from .schema import CONTENT_ROLES, HEADING_ROLES, Grid, header_grid

Notes = list[tuple[int, str, str, int | None]]


def is_columnar(rows: list[Row], grid: Grid) -> bool:
    """True when the reader kept the grid's columns and the header names level-3: it
    knows the merged cells (``Row.spans``: xlsx, docx, HTML tables, ruled PDF tables), or
    the rows are one physical text table of the header's width (a Markdown pipe table).
    Text whose columns drift (OCR text padded to arbitrary widths) is not."""
    body = rows[1:]
    if not body or "level3" not in grid.roles.values():
        return False
    if all(r.spans for r in rows):
        return True
    tid = rows[0].table_id
    return all(
        r.table_id == tid is not None and r.bbox is None and len(r.cells) == grid.width
        for r in rows
    )


def _first_col(grid: Grid) -> dict[str, int]:
    out: dict[str, int] = {}
    for c, role in sorted(grid.roles.items()):
        out.setdefault(role, c)
    return out


def _cell(row: Row, c: int | None) -> str:
    if c is None or c >= len(row.cells):
        return ""
    return row.cells[c].text.strip()


def _merged_columns(rows: list[Row]) -> set[int]:
    """Columns in which the grid merges cells vertically: there an empty cell outside a
    merge is an empty level.  A sheet that never merges writes a level once and leaves
    the cells under it blank, so there a blank carries the level down."""
    return {c for r in rows if r.spans for c, cell in enumerate(r.cells) if cell.covered == "up"}


def _explicitly_empty(row: Row, c: int | None, merged: set[int]) -> bool:
    """An empty cell the reader says is not covered by a merged cell above it."""
    if c is None or c not in merged or not row.spans or c >= len(row.cells):
        return False
    cell = row.cells[c]
    return not cell.text.strip() and cell.covered != "up"


def _heading_row(row: Row, cols: dict[str, int], cfg: Config) -> Headings | None:
    """In a grid with no level columns (序号 | 指标名称 | 指标值), a row holding nothing
    but a heading (一、产出指标 / （一）数量指标, merged across the grid or alone) sets
    that level for the rows below; None for any other row."""
    if any(r in cols for r in HEADING_ROLES):
        return None
    texts = {c.text.strip() for c in row.cells if c.text.strip()}
    if len(texts) != 1:
        return None
    text = texts.pop()
    h = take_headings([Token(text, 0, row)], cfg)
    return h if h.used == 1 else None


def _label_after_break(
    row: Row, nxt: Row | None, cols: dict[str, int], h: Headings, state: TreeState, cfg: Config
) -> HeadingMatch | None:
    """The level-2 of the last row on a page whose level-2 cell is empty, when the first
    row of the next page goes on with the same level-1 (its cell empty) and writes a level-2
    of that level-1: a merged cell cut by the page break, its text printed below the
    break."""
    if nxt is None or nxt.page == row.page or _cell(nxt, cols.get("level1")):
        return None
    parent = h.l1.canonical if h.l1 is not None else state.l1.canonical if state.l1 else None
    m2 = (
        classify(_cell(nxt, cols.get("level2")), cfg)[1] if cols.get("level2") is not None else None
    )
    if parent is None or m2 is None or cfg.parent_of(m2.canonical) != parent:
        return None
    return m2


def _read_headings(
    row: Row, cols: dict[str, int], cfg: Config, carried: str | None = None
) -> Headings:
    """The headings written in the row's level columns (``carried``: the level-1 above)."""
    h = Headings()
    for role in ("level1", "level12", "level2"):
        text = _cell(row, cols.get(role))
        if not text or _PAGE_NO.fullmatch(text):
            continue
        m1, m2 = classify(text, cfg)
        if role == "level1":
            if m1 is not None:
                h.l1 = m1
            elif m2 is not None and "level2" not in cols:
                h.l2 = m2
            else:
                h.l1_unknown = text  # a level-1 outside the schema, kept as written
        elif role == "level2":
            if m2 is not None:
                h.l2 = m2
            elif child := only_child_worded_like(
                h.l1.canonical if h.l1 else carried, m1, text, cfg
            ):
                h.l2 = child  # 公众满意度指标 under 满意度指标: that level-1's only child
            elif m1 is not None and h.l1 is None and h.l1_unknown is None:
                h.l1 = m1
            else:
                h.l2 = HeadingMatch(text, 2, 0.0, text)  # kept as written, score 0
        else:  # one column for both levels (指标类型)
            if m2 is not None and (m1 is None or m2.score >= m1.score):
                h.l2 = m2
            elif m1 is not None:
                h.l1 = m1
            elif heading_like(text):
                h.l1_unknown = text
    return h


def parse_columns(rows: list[Row], grid: Grid, cfg: Config) -> tuple[list[Indicator], Notes]:
    """Indicators of a grid read by column (``rows[0]`` is its header row)."""
    notes: Notes = []
    out: list[Indicator] = []
    state = TreeState()
    cols = _first_col(grid)
    header = rows[0]
    first = min(cols.get(r, grid.width) for r in (*HEADING_ROLES, "level3"))
    named = [
        header.cells[c].text.strip()
        for c in range(first + 1, min(grid.width, len(header.cells)))
        if c not in grid.roles and header.cells[c].text.strip()
    ]
    if named:
        notes.append(
            (
                header.line,
                "column_unknown",
                "columns not in the schema kept out of the fields: " + ", ".join(named),
                None,
            )
        )
    prev_page = header.page
    merged = _merged_columns(rows[1:])
    body = rows[1:]
    for k, row in enumerate(body):
        # a merged cell cut by a page break leaves an empty cell atop the next page
        continued, prev_page = row.page != prev_page, row.page
        if header_grid(row, cfg) is not None:
            continue  # the header repeated after a page break
        lone = _heading_row(row, cols, cfg)
        if lone is not None:
            _, tree_notes = update_tree(state, lone, cfg)
            notes.extend((row.line, code, msg, None) for code, msg in tree_notes)
            continue
        h = _read_headings(row, cols, cfg, state.l1.canonical if state.l1 else None)
        no_l1 = h.l1 is None and h.l1_unknown is None
        if not continued and no_l1 and _explicitly_empty(row, cols.get("level1"), merged):
            state.l1 = None
        if h.l2 is None and not continued and _explicitly_empty(row, cols.get("level2"), merged):
            # or one whose text was printed in its part on the next page
            nxt = body[k + 1] if k + 1 < len(body) else None
            h.l2 = _label_after_break(row, nxt, cols, h, state, cfg)
            if h.l2 is None:
                state.l2 = None
        flags, tree_notes = update_tree(state, h, cfg)
        if state.l1 is None and state.l2 is not None and state.l2.canonical:
            parent = cfg.parent_of(state.l2.canonical)
            if parent:
                state.l1 = Level(parent, None, None)
                flags.append("level1_from_tree")
        parts: dict[str, Token] = {}
        for role in CONTENT_ROLES:
            c = cols.get(role)
            text = _cell(row, c)
            if role == "explanation" and not text:
                # several explanation-like columns: the first that has text
                text = next(
                    (
                        _cell(row, k)
                        for k, r in sorted(grid.roles.items())
                        if r == "explanation" and _cell(row, k)
                    ),
                    "",
                )
            if text:
                parts[role] = Token(text, c or 0, row)
        if "level3" not in parts and "value" not in parts or set(parts) == {"level3"}:
            # a placeholder row (a heading and no indicator), or a note inside the grid
            for code, msg in tree_notes:
                notes.append((row.line, code, msg, None))
            continue
        ind = _indicator(len(out) + 1, state, parts, row, flags)
        for code, msg in tree_notes:
            notes.append((row.line, code, msg, ind.row_no))
        out.append(ind)
    return out, notes
