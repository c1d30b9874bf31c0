"""Interpret stage: one ``Table`` (its head, grid header, body and foot) → ``TableRecord``s
with header fields and the indicator tree.

In:  ``Table`` from the segmenter, ``Config``.
Out: one ``TableRecord`` per project the table holds (one, or several where the grid's
rows name several projects), each with its ``Finding``s.

The chain, one module a step:

* ``fields``: the head's label → value pairs (项目名称, 预算资金 …; one-cell-per-line
  heads regrouped first);
* ``grid.header`` / ``grid.align``: the header's columns, and the body's cells placed in
  them (the evidence of separators and what each cell holds; see ``grid``);
* ``roles``: each column's role from its header word and its cells together;
* ``levels``: each row's level-1 and level-2 (recorded merges, then where labels sit in
  their spans, then carry-down with the canonical tree);
* ``records``: rows with a name and a value become ``Indicator``s (values normalized).

Fields written in the grid's own columns (a wide header: 项目名称 | 预算数 | 一级指标 …)
are read from the rows; a grid whose name column names several projects is one record per
project.
"""

from __future__ import annotations

from ..config import Config, norm_key
from ..model import Finding, Row, Table, TableRecord
from ..readers.grid.align import GridRow
from ..readers.grid.align import align as align_grid
from ..readers.grid.cells import full_widths
from ..readers.grid.header import Header, make_header, merge_lower, ungroup, with_outline
from ..readers.grid.heads import head_rows
from ..selfeval import assess
from .fields import FieldState, _fill_fields, _stated_total, _store_budget, read_fields
from .levels import assign_levels
from .records import build, is_indicator, parts_of
from .roles import settle

Result = tuple[TableRecord, list[Finding]]
MIN_BARE_LABELS = 2  # lines of a label alone (or run into its value) make a head read by lines
# a head whose rows are one-cell lines at least this often is written one cell a line (a
# title or a line of several cells may stand among them)
ONE_CELL_HEAD = 0.8


def interpret(table: Table, cfg: Config) -> list[Result]:
    """The records a table holds (see the module docstring)."""
    fs = FieldState()
    head = [
        r
        for r in table.head
        if any(t.strip() for t in r.texts) and (table.title is None or _text(r) != table.title)
    ]
    if (
        head
        and sum(r.sep == "cell" for r in head) >= ONE_CELL_HEAD * len(head)
        and sum(1 for r in head if _bare_label(_text(r), cfg)) >= MIN_BARE_LABELS
    ):
        # a one-cell-per-line head: the widths at which the whole table wraps its cells
        texts = [_text(r) for r in table.rows if _text(r)]
        head = head_rows(head, cfg, full_widths(texts))
    for row in head:
        read_fields(row, cfg, fs)
    if table.header_start is None:
        return [_record(table, fs, [], [], [], cfg)]
    header = _header(table.header_rows, cfg)
    rows = align_grid(header, table.body, cfg, table.wrap)
    roles, role_notes = settle(header, rows, cfg)
    notes = [
        Finding("info", code, msg, table.table_no, None, line) for line, code, msg in role_notes
    ]
    # the unit a value or completion column's header writes for its cells (指标值（%）)
    units = {
        r: c.unit for c, r in zip(header.columns, roles, strict=True) if c.unit and r in _MEASURED
    }
    out = []
    for group in _projects(header, rows, roles):
        gfs = FieldState(**{k: _copy(v) for k, v in _state(fs).items()})
        _field_columns(header, group, roles, gfs)
        out.append(_record(table, gfs, group, roles, list(notes), cfg, units))
    return out


_MEASURED = ("value", "actual")


def _bare_label(text: str, cfg: Config) -> bool:
    """A line that is a field label alone (its value on the next line), or a label run
    into its value with no separator (项目名称示范项目)."""
    if cfg.field_of(text):
        return True
    pieces = cfg.label_run(text)
    return pieces is not None and text[len(pieces[0]) : len(pieces[0]) + 1] not in ":："


def _text(row: Row) -> str:
    return next((t for t in row.texts if t.strip()), "")


def _state(fs: FieldState) -> dict:
    return {k: getattr(fs, k) for k in FieldState.__slots__}


def _copy(v: object) -> object:
    return v.copy() if isinstance(v, dict | set | list) else v


def _record(
    table: Table,
    fs: FieldState,
    rows: list[GridRow],
    roles: list[str],
    findings: list[Finding],
    cfg: Config,
    units: dict[str, str] | None = None,
) -> Result:
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
    if rows:
        content = [is_indicator(parts_of(g, roles)) for g in rows]
        levels = assign_levels(rows, roles, content, cfg)
        rec.indicators, notes = build(rows, roles, levels, units)
        for line, code, msg, row_no in notes:
            findings.append(Finding("warning", code, msg, table.table_no, row_no, line))
        if "actual" in roles:
            rec.form = "self_evaluation"
    for row in table.foot:
        rec.stated_total = rec.stated_total or _stated_total(row, cfg)
    _fill_fields(rec, fs, table)
    if rec.name is None and table.intro:
        rec.name = table.intro
    findings.extend(assess(rec, cfg))
    rec.bbox = _table_bbox(table)
    return rec, findings


def _header(rows: list[Row], cfg: Config) -> Header:
    """The grid's columns from its header row(s) or its one-cell-per-line header."""
    if all(r.sep == "cell" for r in rows):
        texts = _unwrap([next((t for t in r.texts if t.strip()), "") for r in rows], cfg)
        k = _lower_start(texts, cfg)
        if k is not None:  # two header rows written one after the other
            upper = make_header(texts[:k], rows, cfg)
            return with_outline(merge_lower(upper, texts[k:], cfg, kept=False) or upper)
        return with_outline(ungroup(make_header(texts, rows, cfg)))
    header = make_header(list(rows[0].texts), rows[:1], cfg)
    for lower in rows[1:]:
        kept = lower.sep in ("tab", "bar", None)
        cells = lower.cells if lower.sep == "spaces" else None
        header = merge_lower(header, list(lower.texts), cfg, kept, cells) or header
    return with_outline(header)


_VALUE_PARTS = frozenset({"value", "actual", "multi_year", "op", "unit"})
MIN_LOWER_WORDS = 2  # a lower header row divides its upper cell in two or more


def _lower_start(texts: list[str], cfg: Config) -> int | None:
    """Where the lower row of a two-row header written one cell a line starts: the words
    after the upper row's last word that are parts of a target (目标值 | 全年完成值 under
    年度指标值, 计量单位 | 数值), following a non-part word, where the upper row has a
    value word for them to divide and they repeat a role it has or one of them no word
    names.  None for a header of one row."""
    roles = [cfg.header_role(t) or cfg.header_role(t, loose=True) for t in texts]
    k = len(texts)
    while k > 0 and (roles[k - 1] in _VALUE_PARTS or roles[k - 1] is None):
        k -= 1
    tail = roles[k:]
    if k == 0 or len(tail) < MIN_LOWER_WORDS or not any(tail):
        return None
    upper = set(roles[:k])
    if "value" not in upper or roles[k - 1] in _VALUE_PARTS:
        return None
    return k if (upper & set(tail)) or None in tail else None


def _unwrap(texts: list[str], cfg: Config) -> list[str]:
    """Header words wrapped over two lines in one-cell-per-line text (指标解释及计 / 算公式):
    a line no header word names goes on the line before where together they are one."""
    out: list[str] = []
    for t in texts:
        if out and not cfg.header_role(t) and cfg.header_role(out[-1] + t):
            out[-1] += t
        else:
            out.append(t)
    return out


def _projects(header: Header, rows: list[GridRow], roles: list[str]) -> list[list[GridRow]]:
    """The grid's rows by project: where a name column (项目名称) names several projects,
    a project starts at a row whose name cell holds a name other than the current one (a
    cell covered by a merged name cell, an empty one or the same name repeated go on with
    the project above)."""
    names = [j for j, c in enumerate(header.columns) if roles[j] == "field" and c.field == "name"]
    if not names or not rows:
        return [rows]
    col = max(names)  # 单位名称 | 项目名称: the project is the innermost name
    groups: list[list[GridRow]] = []
    current: str | None = None
    for g in rows:
        name = g.text(col)
        cell = g.cells[col]
        if (name and name != current and (cell is None or cell.covered is None)) or not groups:
            groups.append([])
            current = name or current
        groups[-1].append(g)
    return groups


def _field_columns(header: Header, rows: list[GridRow], roles: list[str], fs: FieldState) -> None:
    """Fields written in the grid's own columns (a wide header: 项目名称 | 预算数 | 年度目标 |
    一级指标 …): the first value under each.  Of two name columns (单位名称 | 项目名称) a
    project's name is the inner one."""
    for j, col in reversed(list(enumerate(header.columns))):
        if roles[j] != "field" or col.field is None:
            continue
        value = next((g.text(j) for g in rows if g.text(j)), "")
        if not value:
            continue
        if col.field.startswith("budget:"):
            _store_budget(fs, col.field.split(":", 1)[1], norm_key(col.text), value, col.unit)
        else:
            fs.values.setdefault(col.field, value)


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


__all__ = ["interpret"]
