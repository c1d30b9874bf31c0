"""Records: aligned grid rows with their column roles and levels → ``Indicator``s.

In:  ``GridRow``s, one role per column (``roles``), each row's levels (``levels``).
Out: ``Indicator``s (target and actual values normalized) and notes (line, code, message,
row_no).  The one path from cells to records for every form: a row becomes an indicator
when it holds a name and a value (or a completion), or a name with an explanation; a row
of headings only is a placeholder, not an indicator; a name with nothing after it (a
table cut off mid-row) is left out with a note.
"""

from __future__ import annotations

import re

from ..config import norm_key
from ..model import OCR_LOW_CONF, Cell, Indicator, Row, Value
from ..normalize import normalize_value
from ..readers.grid.align import GridRow
from .headings import Level, Token, TreeState
from .levels import RowLevels

# the roles a record reads (other columns are kept out of every field)
FIELD_ROLES = ("level3", "op", "value", "unit", "explanation", "actual", "weight", "score")
FIELD_ROLES += ("deviation",)

Notes = list[tuple[int, str, str, int | None]]
NOTE_QUOTE = 30  # characters of a cell a note quotes: enough to find the row by


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
    rows: list[GridRow],
    roles: list[str],
    levels: list[RowLevels],
    header_units: dict[str, str] | None = None,
) -> tuple[list[Indicator], Notes]:
    """The indicators of the rows (``header_units``: the unit a value or completion
    column's header writes for its cells, by role)."""
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
                        f"cell {parts['level3'].text[:NOTE_QUOTE]!r} has no value",
                        None,
                    )
                )
            continue
        ind = _indicator(
            len(out) + 1, TreeState(l1, l2), parts, _source_row(g), flags, header_units or {}
        )
        for code, msg in tree_notes:
            notes.append((g.line, code, msg, ind.row_no))
        out.append(ind)
    return out, notes


def _with_header_unit(v: Value, unit: str | None) -> Value:
    """A figure that writes no unit, in a column whose header writes one (指标值（%）),
    takes it, as a figure takes the unit its indicator's name ends in (SPEC §3);
    ``value_raw`` stays the cell as written."""
    if unit and v.kind == "numeric" and not v.unit:
        v.unit = unit
    return v


# an item number before a name (指标1：培训人次, 1、培训人次, (2)造林面积): not part of it
_ITEM_PREFIX = re.compile(
    r"^(?:指标\s*\d{1,2}\s*[：:.、．]?|\d{1,2}\s*[：:、．.]|[(（]\d{1,2}[)）])\s*(?=\D)"
)


def strip_item_prefix(name: str | None) -> str | None:
    """A level-3 name without its item number (指标1：培训人次 → 培训人次)."""
    if not name:
        return name
    out = _ITEM_PREFIX.sub("", name, count=1)
    return out or name


def _indicator(
    row_no: int,
    state: TreeState,
    parts: dict,
    row: Row,
    flags: list[str],
    header_units: dict[str, str],
) -> Indicator:
    l1 = state.l1 or Level(None, None, None)
    l2 = state.l2 or Level(None, None, None)
    level3 = strip_item_prefix(_joined(parts.get("level3")))
    target = _with_header_unit(
        normalize_value(
            _joined(parts.get("value")),
            level3,
            _joined(parts.get("op")),
            _joined(parts.get("unit")),
        ),
        header_units.get("value"),
    )
    actual = None
    if "actual" in parts:
        written = _joined(parts.get("actual"))
        actual = normalize_value(written, level3, None, _joined(parts.get("unit")))
        actual.raw = written  # as written: a separate unit column is not joined (SPEC §3)
        actual = _with_header_unit(actual, header_units.get("actual"))
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
        explanation=_joined(parts.get("explanation")),
        level1_raw=l1.raw,
        level2_raw=l2.raw,
        level1_score=l1.score,
        level2_score=l2.score,
        line=row.line,
        page=row.page,
        bbox=row.bbox,
        flags=fl,
        actual=actual,
        weight=_number(_joined(parts.get("weight"))),
        score=_number(_joined(parts.get("score"))),
        deviation=_joined(parts.get("deviation")),
        min_conf=min_conf,
    )


def _joined(x: Token | None) -> str | None:
    return (x.text or None) if x is not None else None


_AMOUNT = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


def _number(text: str | None) -> float | None:
    """The first number in a cell (a weight, a score: 10, 9.5分)."""
    if not text:
        return None
    m = _AMOUNT.search(norm_key(text))
    return float(m.group(0).replace(",", "")) if m else None
