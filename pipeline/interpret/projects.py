"""Several projects in one grid: a table whose indicator grid has a name column
(单位名称 | 项目名称 | 年度绩效目标 | 一级指标 | … | 指标值) → one table per project.

In:  a ``Table`` from the segmenter and ``Config``.
Out: the tables it holds: the table itself when its grid names no project column, else one
``Table`` per project, each with the rows above the grid, the grid's header row(s), a
label → value row per field column (项目名称, 年度绩效目标, 预算金额（万元）…) and the
project's own grid rows, the field columns blanked so the grid readers see only the
indicator columns.

A project starts at a row whose name cell holds a name other than the current one; a cell
covered by a merged name cell (xlsx ranges, HTML rowspan), an empty cell or the same name
repeated on every row continue the project above.
"""

from __future__ import annotations

from dataclasses import replace

from ..config import Config
from ..model import Cell, Row, Table
from .schema import header_grid


def _field_columns(header: Row, cfg: Config) -> dict[int, tuple[str, str]]:
    """Column → (label, field) for the header cells that are field labels (项目名称,
    年度目标 …)."""
    out: dict[int, tuple[str, str]] = {}
    for col, c in enumerate(header.cells):
        t = c.text.strip()
        if t and len(t) <= 20 and not cfg.header_role(t):
            f = cfg.field_of(t)
            if f and not f[0].startswith("_"):
                out[col] = (t, f[0])
    return out


def _label(text: str, cfg: Config) -> str:
    """A label for the field ``text`` names that reads as a field where it stands alone
    (绩效目标 is also a section heading: 年度绩效目标 is not)."""
    if not cfg.is_section(text):
        return text
    f = cfg.field_of(text)
    return next(
        (k for k, v in cfg.fields.items() if f and v == f[0] and not cfg.is_section(k)), text
    )


def _blank(row: Row, cols: set[int]) -> Row:
    cells = [Cell("", c.bbox, None, c.ref) if k in cols else c for k, c in enumerate(row.cells)]
    return replace(row, cells=cells)


def _text(row: Row, col: int) -> str:
    return row.cells[col].text.strip() if col < len(row.cells) else ""


def split_projects(table: Table, cfg: Config) -> list[Table]:
    """The table, or one table per project where its grid has a project-name column."""
    rows = table.rows
    found = next(((k, g) for k, r in enumerate(rows) if (g := header_grid(r, cfg))), None)
    if found is None:
        return [table]
    h, grid = found
    fields = _field_columns(rows[h], cfg)
    names = [c for c, (_, f) in fields.items() if f == "name"]
    if not names:
        return [table]
    name_col = max(names)  # 单位名称 | 项目名称: the project is the innermost name
    # the header may span two rows (年度指标值 over 目标值 | 实际完成值)
    body = h + 1
    while body < len(rows) and header_grid(rows[body], cfg) is not None:
        body += 1
    groups: list[list[Row]] = []
    current: str | None = None
    for row in rows[body:]:
        cell = row.cells[name_col] if name_col < len(row.cells) else None
        name = _text(row, name_col)
        starts = (
            name
            and (cell is None or cell.covered is None)
            and name != current
            and row.table_id == rows[h].table_id
            and any(_text(row, c) for c in grid.roles)  # not a note under the grid
        )
        if starts or not groups:
            groups.append([])
            current = name or current
        groups[-1].append(row)
    if not groups or not _text(groups[0][0], name_col):
        return [table]
    blank = set(fields)
    head = rows[:h]
    grid_head = [_blank(r, blank) for r in rows[h:body]]
    out: list[Table] = []
    for group in groups:
        first = group[0]
        labels = [
            Row([Cell(_label(label, cfg)), Cell(_text(first, col))], first.line, first.page)
            for col, (label, _) in sorted(fields.items())
            if _text(first, col) and (col == name_col or col not in names)
        ]
        out.append(
            replace(
                table,
                rows=head + labels + grid_head + [_blank(r, blank) for r in group],
            )
        )
    return out
