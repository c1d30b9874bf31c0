"""Interpret stage: one ``Table`` (rows of cells) → a ``TableRecord`` with header fields
and the indicator tree.

In:  ``Table`` from the segmenter, ``Config``.
Out: ``TableRecord`` (header fields, budget in 元, indicators with level1/2/3, raw and
canonical headings with match scores, target and actual values normalized) and the
``Finding``s met on the way.

Levels are recognised by vocabulary and by the tree, never by column position alone:

* ``tokens``: a row's non-empty cells (header words and section labels dropped);
* ``take_headings``: leading tokens that match a level-1 then a level-2 heading (fuzzy,
  score kept); an unknown ``…指标`` cell before a known level-2 is a garbled level-1,
  resolved from that child;
* ``update_tree``: merged cells carry down; a new level-1 empties level-2; a level-2
  with no level-1 takes its canonical parent;
* ``assign_roles``: the remaining cells become level-3 / value / explanation (and
  operator, unit, actual, weight, score, deviation where the header has those columns),
  by position when the table's columns are clean, else by order and cell type;
* rows of one cell each (plain text, one cell per line) are regrouped into indicators
  by ``split_stream``; cells run together (``产出指标数量指标覆盖率100%``) are split by
  ``split_run``, which hands the short 自评表 columns glued after the value (分值, 完成值,
  得分: ``≥2个10210…``) and worded targets no number marks to ``runs``.
"""

from __future__ import annotations

from ..config import Config
from ..model import Finding, Row, Table, TableRecord
from ..selfeval import assess
from .cells import Token
from .fields import FieldState, _fill_fields, _stated_total, read_fields
from .grid import _indicators_follow, _is_stop, parse_grid
from .headings import classify
from .projects import split_projects
from .schema import Grid, _tokens, header_grid
from .stream import _single_cell_table, regroup, split_run, split_stream


def interpret(table: Table, cfg: Config) -> tuple[TableRecord, list[Finding]]:
    rec = TableRecord(
        table_no=table.table_no,
        kind=table.kind,
        form=table.form,
        year=table.year,
        issuer=table.issuer,
        line_start=table.line_start,
        line_end=table.line_end,
        page=table.rows[0].page,
    )
    findings: list[Finding] = []
    fs = FieldState()
    grid: Grid | None = None
    grid_rows: list[Row] = []
    in_grid = False
    body = table.rows[1:] if table.title else table.rows
    if _single_cell_table(body):
        body = regroup(body, cfg)
    grid_table: int | None = None
    # the physical table each row's next table row belongs to: a page number or running
    # header between two parts of one table does not end its grid
    next_tid: list[int | None] = [None] * len(body)
    nxt: int | None = None
    for k in range(len(body) - 1, -1, -1):
        next_tid[k] = nxt
        if body[k].table_id is not None:
            nxt = body[k].table_id
    for k, row in enumerate(body):
        if in_grid:
            if row.table_id is None and grid_table is not None and next_tid[k] == grid_table:
                continue
            stop = _is_stop(row, cfg) and not _indicators_follow(body, k, cfg)
            if stop or (grid_table is not None and row.table_id is None):
                in_grid = False  # signatures and notes, or text after the grid's table
                rec.stated_total = rec.stated_total or _stated_total(row, cfg)
                continue
            g = header_grid(row, cfg)
            if g is not None and not grid_rows:
                grid = g
            elif (
                g is not None
                and grid is not None
                and len(grid_rows) == 1
                and grid_rows[0].line == grid.line
            ):
                # a header of two rows (年度指标值 over 目标值 | 实际完成值): the lower row
                # names the columns the upper one spans
                grid = Grid({**grid.roles, **g.roles}, max(grid.width, g.width), grid.line)
                continue
            if g is None:
                grid_rows.append(row)
            elif grid_rows:
                # a repeated header (page break): keep any heading it carries
                grid_rows.append(row)
            continue
        g = header_grid(row, cfg)
        if g is not None:
            grid, in_grid, grid_table = g, True, row.table_id
            grid_rows.append(row)  # the header may carry the first level-1
            continue
        if read_fields(row, cfg, fs):
            continue
        toks = _tokens(row, cfg)
        if (
            toks
            and classify(toks[0].text, cfg) != (None, None)
            and (len(toks) >= 2 or split_run(toks[0].text, cfg)[:1] != [toks[0].text])
        ):
            in_grid, grid_table = True, row.table_id
            grid_rows.append(row)
    _fill_fields(rec, fs, table)
    if grid is not None and "actual" in grid.roles.values():
        rec.form = "self_evaluation"
    rec.indicators, notes = parse_grid(grid_rows, grid, cfg)
    for line, code, msg, row_no in notes:
        findings.append(Finding("warning", code, msg, table.table_no, row_no, line))
    findings.extend(assess(rec, cfg))
    rec.bbox = _table_bbox(table)
    return rec, findings


def _table_bbox(table: Table) -> tuple[float, float, float, float] | None:
    """The box of the table's rows on its first page (PDF points / image pixels)."""
    grid = [r for r in table.rows if r.table_id is not None] or table.rows  # not page footers
    page = grid[0].page
    boxes = [r.bbox for r in grid if r.bbox is not None and r.page == page]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


__all__ = ["Token", "interpret", "split_projects", "split_run", "split_stream"]
