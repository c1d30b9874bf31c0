"""Command line: ``jixiao ingest``, ``query``, ``report``, ``export``, ``diff``, ``review``
(or ``python -m pipeline``).

In:  command-line arguments.  Out: Parquet datasets (ingest), query results (query), an
HTML summary (report), an xlsx/csv file (export),
a change list, dataset and HTML report (diff), a review queue (review),
a progress bar and a summary on the terminal; exit code 1 when any file failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from .config import load_config
from .run import (
    DEFAULT_MAX_BYTES,
    DEFAULT_PART_DOCS,
    DEFAULT_TIMEOUT,
    DEFAULT_TIMEOUT_CAP,
    BusyError,
    expand,
    ingest_paths,
)
from .run import Progress as BatchProgress

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Budget performance target tables (绩效目标表) → Parquet.",
)
err = Console(stderr=True)
out = Console()

DEFAULT_OUT = Path("data/parquet")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="Output directory.")] = DEFAULT_OUT,
    config: Annotated[
        Path | None, typer.Option(help="Config directory (default configs/).")
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bar.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option("-j", "--jobs", min=1, help="Worker processes (default: one per CPU)."),
    ] = None,
    executor: Annotated[
        str,
        typer.Option(help="local (process pool), dask (cluster) or inline (no workers)."),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="--executor dask: scheduler address (default: a local cluster)."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="Seconds per page of a file before its worker is stopped (0: none).",
        ),
    ] = DEFAULT_TIMEOUT,
    timeout_cap: Annotated[
        float,
        typer.Option(min=0.0, help="Seconds one file may take at most (0: no cap)."),
    ] = DEFAULT_TIMEOUT_CAP,
    max_mb: Annotated[
        float, typer.Option(min=0.0, help="Files larger than this (MiB) are not read (0: none).")
    ] = DEFAULT_MAX_BYTES / 2**20,
    incremental: Annotated[
        bool,
        typer.Option("--incremental/--no-incremental", help="Reuse rows of unchanged documents."),
    ] = True,
    part_docs: Annotated[
        int, typer.Option(min=1, help="Documents per Parquet part (and per checkpoint).")
    ] = DEFAULT_PART_DOCS,
) -> None:
    """Read documents and write the documents/targets/indicators/findings datasets."""
    if executor not in ("local", "dask", "inline"):
        err.print(f"[red]error[/]: --executor {executor}: use local, dask or inline")
        raise typer.Exit(2)
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        err.print(f"[red]error[/]: {p}: no such file or folder")
    files = expand([p for p in paths if p.exists()])
    if not files:
        err.print("[red]error[/]: nothing to ingest")
        raise typer.Exit(2)
    cfg = load_config(config)
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[pages]} pages · [red]{task.fields[failed]} failed[/]"),
        TextColumn("· {task.fields[reused]} reused"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
        console=err,
        disable=quiet,
        transient=True,
    )
    with progress:
        task = progress.add_task("ingest", total=len(files), name="", pages=0, failed=0, reused=0)

        def on_file(path: Path, res) -> None:  # noqa: ANN001
            if res.status == "error":
                progress.console.print(f"[red]error[/]: {res.error}")

        def on_progress(p: BatchProgress) -> None:
            progress.update(
                task,
                completed=p.done,
                name=p.name,
                pages=p.pages,
                failed=p.failed,
                reused=p.reused,
            )

        try:
            summary = ingest_paths(
                files,
                out_dir,
                cfg,
                on_file=on_file,
                jobs=jobs,
                executor=executor,
                timeout=timeout or None,
                timeout_cap=timeout_cap or None,
                incremental=incremental,
                max_bytes=int(max_mb * 2**20) or None,
                part_docs=part_docs,
                address=scheduler,
                on_progress=on_progress,
            )
        except BusyError as e:
            err.print(f"[red]error[/]: {e}")
            raise typer.Exit(2) from None
    t = RichTable(title=f"jixiao ingest → {summary.out_dir}", show_header=False)
    t.add_row(
        "documents",
        f"{summary.documents} ({summary.failed} failed; {summary.parsed} parsed, "
        f"{summary.reused} unchanged and reused)",
    )
    t.add_row("pages", str(summary.pages))
    t.add_row("tables", str(summary.tables))
    t.add_row("indicators", str(summary.indicators))
    t.add_row("findings", ", ".join(f"{c} {n}" for c, n in summary.findings.most_common()) or "0")
    rate = summary.documents / summary.seconds if summary.seconds else 0.0
    t.add_row("time", f"{summary.seconds:.2f} s ({rate:.1f} documents/s)")
    err.print(t)
    if summary.failed or missing:
        raise typer.Exit(1)


@app.command()
def query(
    sql: Annotated[
        str, typer.Argument(help="SQL over views documents/targets/indicators/findings.")
    ],
    data: Annotated[
        Path, typer.Option("-d", "--data", help="Output directory of an ingest.")
    ] = DEFAULT_OUT,
    limit: Annotated[int, typer.Option(help="Rows to print at most.")] = 50,
) -> None:
    """Run DuckDB SQL over an ingest's output."""
    from .query import connect

    try:
        con = connect(data)
        res = con.execute(sql)
    except Exception as e:  # duckdb raises many error types; show the message only
        err.print(f"[red]error[/]: {e}")
        raise typer.Exit(2) from None
    cols = [d[0] for d in res.description or []]
    rows = res.fetchmany(limit + 1)
    t = RichTable(*cols)
    for r in rows[:limit]:
        t.add_row(*("" if v is None else str(v) for v in r))
    out.print(t)
    if len(rows) > limit:
        err.print(f"(first {limit} rows shown; use --limit)")


@app.command()
def report(
    data: Annotated[Path, typer.Argument(help="Output directory of an ingest.")] = DEFAULT_OUT,
    out_file: Annotated[Path, typer.Option("-o", "--out", help="HTML file.")] = Path("report.html"),
) -> None:
    """Write a self-contained HTML summary (counts, charts, findings, low-confidence rows)."""
    from .report import build_report

    try:
        path = build_report(data, out_file)
    except FileNotFoundError as e:
        err.print(f"[red]error[/]: {e}")
        raise typer.Exit(2) from None
    err.print(f"report → {path}")


@app.command()
def export(
    data: Annotated[Path, typer.Argument(help="Output directory of an ingest.")] = DEFAULT_OUT,
    fmt: Annotated[str, typer.Option("-f", "--format", help="xlsx or csv.")] = "xlsx",
    out_file: Annotated[
        Path | None, typer.Option("-o", "--out", help="File to write (default DATASET.FORMAT).")
    ] = None,
    dataset: Annotated[
        str, typer.Option(help="indicators, targets, findings or documents.")
    ] = "indicators",
    where: Annotated[
        str | None, typer.Option(help="SQL predicate, e.g. \"kind = 'qualitative'\".")
    ] = None,
    columns: Annotated[
        str | None, typer.Option(help="Comma-separated columns (default all).")
    ] = None,
    chinese_headers: Annotated[
        bool, typer.Option("--chinese-headers", help="Chinese column headers.")
    ] = False,
) -> None:
    """Export a filtered view of one dataset to Excel (xlsx) or CSV (UTF-8 with BOM)."""
    from .export import ExportError, export_dataset

    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    try:
        path, n = export_dataset(data, fmt, out_file, dataset, where, cols, chinese_headers)
    except (ExportError, FileNotFoundError) as e:
        err.print(f"[red]error[/]: {e}")
        raise typer.Exit(2) from None
    err.print(f"{n} rows of {dataset} → {path}")


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="Output directory of the earlier run (or year).")],
    new: Annotated[Path, typer.Argument(help="Output directory of the later run (or year).")],
    out_dir: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write the changes dataset here.")
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="'project': two years, projects matched by name (fuzzy)."),
    ] = None,
    threshold: Annotated[
        float, typer.Option(help="--by project: lowest name match score (0-100).")
    ] = 80.0,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="'changes': exit 1 when any table or indicator differs (a CI gate); "
            "'content': the same, moves to another page aside.",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Changes to print at most.")] = 50,
) -> None:
    """Compare two ingest outputs: tables and indicators added, removed, changed, moved."""
    from .diff import load_and_diff, print_summary, write_diff
    from .diff_report import write_diff_html

    if by not in (None, "project", "run") or fail_on not in (None, "changes", "content"):
        err.print("[red]error[/]: --by takes 'project'; --fail-on takes 'changes' or 'content'")
        raise typer.Exit(2)
    try:
        result = load_and_diff(old, new, by, threshold)
    except FileNotFoundError as e:
        err.print(f"[red]error[/]: {e}")
        raise typer.Exit(2) from None
    print_summary(result, out, limit)
    if out_dir is not None:
        err.print(f"changes dataset → {write_diff(result, out_dir)}")
    if html is not None:
        err.print(f"HTML report → {write_diff_html(result, html)}")
    if fail_on and result.data_changes(moves=fail_on == "changes"):
        raise typer.Exit(1)


@app.command()
def review(
    data: Annotated[Path, typer.Argument(help="Output directory of an ingest.")] = DEFAULT_OUT,
    limit: Annotated[int, typer.Option(help="Items to print at most.")] = 30,
    html: Annotated[Path | None, typer.Option("--html", help="Write the queue as HTML.")] = None,
) -> None:
    """List the rows a person should check (findings, weak matches, low OCR confidence)."""
    from .review import load_queue, print_queue, write_review_html

    try:
        run, items = load_queue(data)
    except FileNotFoundError as e:
        err.print(f"[red]error[/]: {e}")
        raise typer.Exit(2) from None
    print_queue(items, out, limit)
    if html is not None:
        err.print(f"review queue → {write_review_html(run, items, html)}")
