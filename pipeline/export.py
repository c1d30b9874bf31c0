"""Export: a filtered view of one dataset → an Excel workbook or a CSV file.

In:  an ingest's output directory, a dataset name (``indicators``, ``targets``,
``findings``, ``documents``), an optional SQL predicate (``--where``) and column list.
Out: ``.xlsx`` (openpyxl: one sheet, bold frozen header row with filters, column widths
from the content, numbers as numbers) or ``.csv`` (UTF-8 with BOM, so Excel reads the
Chinese text).  Headers are the column names, or the Chinese names of
``configs/column_names.yaml`` on request.  Rows keep the document's reading order.

Safety: a CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is written with a leading ``'`` (OWASP's advice against formula injection: Excel would
run ``=cmd|' /C calc'!A0``); ``raw=True`` (``--raw``) writes them as they are.  xlsx
cells are always strings, never formulas.  ``--where`` must be one expression
(``query.check_predicate``) and runs on a connection that reads only the datasets.

``write_rows`` renders a query's result (``jixiao query``) as a table, CSV, JSON or
Parquet, with every cell whole (Rich markup in values is shown as text).
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .docs import column_names
from .query import QueryError, check_predicate, confine
from .report import open_datasets
from .write import DATASETS, SCHEMAS

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

FORMATS = ("xlsx", "csv")
EXCEL_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows less the header
BATCH = 5000
ORDER = {
    "documents": "source, file_id",
    "targets": "source, file_id, table_no",
    "indicators": "source, file_id, table_no, row_no",
    "findings": "source, file_id, table_no NULLS FIRST, row_no NULLS FIRST, line",
}
MONEY = {"budget_yuan", "budget_planned", "budget_adjusted", "budget_executed"}


class ExportError(ValueError):
    """A request that cannot be exported (bad dataset, column or predicate; too many rows)."""


def _sql(dataset: str, cols: Sequence[str], where: str | None) -> str:
    select = ", ".join(f'"{c}"' for c in cols)
    pred = f" WHERE ({where})" if where and where.strip() else ""
    return f"SELECT {select} FROM {dataset}{pred} ORDER BY {ORDER[dataset]}"


def _columns(dataset: str, columns: Sequence[str] | None) -> list[str]:
    known = SCHEMAS[dataset].names
    if not columns:
        return list(known)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ExportError(
            f"{dataset} has no column {', '.join(unknown)} (columns: {', '.join(known)})"
        )
    return list(columns)


def cell_text(v: Any) -> Any:
    """A value as it goes into a cell: lists joined with ``, ``, whole floats as ints."""
    if isinstance(v, list | tuple):
        return ", ".join("" if x is None else str(cell_text(x)) for x in v)
    if isinstance(v, float) and math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _width(v: Any) -> int:
    s = "" if v is None else str(v)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def export_dataset(
    data_dir: str | Path,
    fmt: str,
    out: str | Path | None = None,
    dataset: str = "indicators",
    where: str | None = None,
    columns: Sequence[str] | None = None,
    chinese_headers: bool = False,
    *,
    raw: bool = False,
) -> tuple[Path, int]:
    """Write ``dataset`` (rows matching ``where``) to ``out`` as xlsx or csv.

    Returns the file written and the number of data rows.  Raises ``ExportError`` for a
    bad request and ``FileNotFoundError`` when ``data_dir`` holds no datasets.
    """
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    if dataset not in DATASETS:
        raise ExportError(f"dataset {dataset!r}: use one of {', '.join(DATASETS)}")
    cols = _columns(dataset, columns)
    path = Path(out) if out else Path(f"{dataset}.{fmt}")
    con = open_datasets(data_dir)
    try:
        d = Path(data_dir)
        confine(con, [str(d / n) + "/" for n in DATASETS if (d / n).is_dir()])
        try:
            if where and where.strip():
                check_predicate(con, where)
            cur = con.execute(_sql(dataset, cols, where))
        except QueryError as e:
            raise ExportError(str(e)) from None
        except Exception as e:  # duckdb raises many error types; the message says it all
            raise ExportError(f"--where {where!r}: {e}") from None
        names = column_names(dataset) if chinese_headers else {}
        header = [names.get(c, (c, ""))[0] or c for c in cols]

        def rows() -> Iterator[list[Any]]:
            while batch := cur.fetchmany(BATCH):
                for r in batch:
                    yield [cell_text(v) for v in r]

        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            n = _write_csv(path, header, rows(), raw)
        else:
            n = _write_xlsx(path, dataset, cols, header, rows())
    finally:
        con.close()
    return path, n


def neutralise(v: Any) -> Any:
    """A CSV cell that a spreadsheet would run as a formula, prefixed with ``'``."""
    if isinstance(v, str) and v.startswith(DANGEROUS):
        return "'" + v
    return v


def _write_csv(path: Path, header: list[str], rows: Iterator[list[Any]], raw: bool) -> int:
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header if raw else [neutralise(h) for h in header])
        for r in rows:
            cells = ["" if v is None else v for v in r]
            w.writerow(cells if raw else [neutralise(v) for v in cells])
            n += 1
    return n


def write_rows(
    fmt: str,
    cols: list[str],
    rows: list[tuple],
    path: Path | None,
    terminal: bool,
    console: Any = None,
) -> int:
    """Write a query result: ``table`` (Rich, cut to the terminal only when ``terminal``;
    whole cells otherwise), ``csv`` (values as they are: this is data, not for Excel),
    ``json`` (an array of objects) or ``parquet`` (needs ``path``).  To ``path`` or
    stdout.  Returns the number of rows."""
    import io
    import json
    import sys

    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([dict(zip(cols, r, strict=True)) for r in rows])
        if not rows:
            table = pa.table({c: pa.array([], pa.null()) for c in cols})
        assert path is not None
        pq.write_table(table, path)
        return len(rows)
    buf = io.StringIO()
    if fmt == "csv":
        w = csv.writer(buf)
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if v is None else cell_text(v) for v in r])
    elif fmt == "json":
        objs = [dict(zip(cols, r, strict=True)) for r in rows]
        buf.write(json.dumps(objs, ensure_ascii=False, default=str, indent=1) + "\n")
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        t = Table()
        for c in cols:
            t.add_column(Text(c), overflow="fold")
        for r in rows:
            t.add_row(*(Text("" if v is None else str(cell_text(v))) for v in r))
        if terminal and console is not None and path is None:
            console.print(t)
            return len(rows)
        widths = [
            max([_width(c)] + [_width(cell_text(r[i])) for r in rows]) for i, c in enumerate(cols)
        ]
        wide = Console(file=buf, width=sum(widths) + 3 * len(cols) + 4, no_color=True)
        wide.print(t)
    text = buf.getvalue()
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return len(rows)


def _write_xlsx(
    path: Path, dataset: str, cols: list[str], header: list[str], rows: Iterator[list[Any]]
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    # widths come from the header and the first rows, so read those ahead
    head: list[list[Any]] = []
    for r in rows:
        head.append(r)
        if len(head) >= 500:
            break
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(dataset)
    for i, _ in enumerate(cols, 1):
        w = max([_width(header[i - 1])] + [_width(r[i - 1]) for r in head])
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 60)
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    top = Alignment(vertical="top")

    def cell(v: Any, col: str) -> WriteOnlyCell:
        if isinstance(v, str):
            v = ILLEGAL_CHARACTERS_RE.sub("", v)
        c = WriteOnlyCell(ws, value=v)
        if isinstance(v, str) and c.data_type == "f":
            c.data_type = "s"  # =10件/年 is a target, not a formula
        if col in MONEY and isinstance(v, int | float):
            c.number_format = "#,##0.00"
        c.alignment = top
        return c

    hdr = []
    for h in header:
        c = WriteOnlyCell(ws, value=h)
        c.font, c.fill = bold, fill
        hdr.append(c)
    ws.append(hdr)
    n = 0
    for r in _chain(head, rows):
        n += 1
        if n > EXCEL_MAX_ROWS:
            raise ExportError(
                f"more than {EXCEL_MAX_ROWS:,} rows do not fit an Excel sheet: "
                "narrow them with --where or use --format csv"
            )
        ws.append([cell(v, c) for v, c in zip(r, cols, strict=True)])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{n + 1}"
    wb.save(path)
    return n


def _chain(first: list[list[Any]], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    yield from rest
