"""Heads written one cell per line: label lines and value lines → rows of label and value.

In:  the rows of a table's head (one cell a line; page furniture dropped) and ``Config``.
Out: rows a field reader reads (``interpret.fields``): a label starts a row and the lines
after it are its value (wrapped lines joined where the line before was cut at the
column's full width); cells run together are split at known labels; a row of budget
execution labels over their amounts.
"""

from __future__ import annotations

from ...config import Config
from ...model import Cell, Row
from ..text import drop_running_headers
from .cells import display_width, full_widths, is_cut


def _is_label(text: str, cfg: Config) -> bool:
    from ...interpret.fields import _is_label as is_label

    return is_label(text, cfg)


def _execution_label(text: str, cfg: Config) -> str | None:
    from ...interpret.fields import _execution_label as label

    return label(text, cfg)


_AMOUNT_FIELDS = ("planned", "adjusted", "executed")


def _starts_row(text: str, cfg: Config) -> bool:
    """A label that starts a row of its own: a header field's, or a 自评表's budget
    execution amount (全年预算数（万元）), which is no value of the field before it."""
    return _is_label(text, cfg) or _execution_label(text, cfg) in _AMOUNT_FIELDS


# a value at most this wide (display columns) so far sits in a narrow column that wraps it
# (阶段 | 性项 | 目)
NARROW_VALUE = 12


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
    return display_width(text) <= width <= NARROW_VALUE and not any(ch.isdigit() for ch in text)


ONE_WORD = 3  # a line this short is one word: no label and value ran together in it


def head_rows(rows: list[Row], cfg: Config, widths: set[int] | None = None) -> list[Row]:
    """Rows of label and value from a head written one cell a line (see the module
    docstring).  ``widths``: the widths at which the table wraps its cells (the whole
    table's lines show them better than the head's few)."""
    rows = drop_running_headers(rows, cfg)
    texts = [next(t for t in r.texts if t) for r in rows]
    full = full_widths(texts) if widths is None else widths
    out: list[Row] = []
    cur: Row | None = None
    i = 0
    while i < len(rows):
        row, text = rows[i], texts[i]
        if i + 1 < len(rows) and not _is_label(text, cfg):
            joined = text + texts[i + 1]
            if _is_label(joined, cfg):  # a label wrapped over two lines
                texts[i + 1] = joined
                i += 1
                continue
        pieces = cfg.split_vocab(text) if len(text) > ONE_WORD else [text]
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
    if cur is not None:
        out.append(cur)
    return out
