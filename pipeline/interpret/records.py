"""Records: aligned grid rows with their column roles and levels → ``Indicator``s.

In:  ``GridRow``s, one role per column (``roles``), each row's levels (``levels``).
Out: ``Indicator``s (target and actual values normalized) and notes (line, code, message,
row_no).  The one path from cells to records for every form: a row becomes an indicator
when it holds a name and a value (or a completion), or a name with an explanation; a row
of headings only is a placeholder, not an indicator; a name with nothing after it (a
table cut off mid-row) is left out with a note.
"""

from __future__ import annotations

from ..model import Cell, Indicator, Row
from ..grid.align import GridRow
from .align import _indicator
from .cells import Token
from .headings import TreeState
from .levels import RowLevels

# the roles a record reads (other columns are kept out of every field)
FIELD_ROLES = ("level3", "op", "value", "unit", "explanation", "actual", "weight", "score")
FIELD_ROLES += ("deviation",)

Notes = list[tuple[int, str, str, int | None]]


def _source_row(g: GridRow) -> Row:
    """One row standing for the lines a grid row came from (for provenance and OCR
    confidence)."""
    if len(g.rows) == 1:
        return g.rows[0]
    cells = [c for c in g.cells if c is not None] or [Cell("")]
    first = g.rows[0]
    return Row(cells, first.line, first.page, first.table_id, None)


def parts_of(g: GridRow, roles: list[str]) -> dict[str, Token]:
    """The row's cells by role (the first column holding a role that has text)."""
    row = _source_row(g)
    out: dict[str, Token] = {}
    for j, role in enumerate(roles):
        if role in FIELD_ROLES and role not in out:
            text = g.text(j)
            if text:
                out[role] = Token(text, j, row)
    return out


def is_indicator(parts: dict[str, Token]) -> bool:
    """A row with a name and something it holds (a value, completion or explanation), or
    a value with no name."""
    if "level3" in parts:
        return bool(set(parts) & {"value", "actual", "explanation", "weight", "score"})
    return "value" in parts


def build(
    rows: list[GridRow], roles: list[str], levels: list[RowLevels]
) -> tuple[list[Indicator], Notes]:
    out: list[Indicator] = []
    notes: Notes = []
    for g, (l1, l2, flags, tree_notes) in zip(rows, levels, strict=True):
        parts = parts_of(g, roles)
        if not is_indicator(parts):
            for code, msg in tree_notes:
                notes.append((g.line, code, msg, None))
            if set(parts) == {"level3"}:
                notes.append(
                    (
                        g.line,
                        "row_incomplete",
                        f"cell {parts['level3'].text[:30]!r} has no value",
                        None,
                    )
                )
            continue
        ind = _indicator(len(out) + 1, TreeState(l1, l2), parts, _source_row(g), flags)
        for code, msg in tree_notes:
            notes.append((g.line, code, msg, ind.row_no))
        out.append(ind)
    return out, notes
