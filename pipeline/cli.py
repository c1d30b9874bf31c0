"""Command line: ``jixiao ingest``, ``query``, ``report``, ``export``, ``diff``, ``review``
(or ``python -m pipeline``).

In:  command-line arguments.  Out: Parquet datasets (ingest), query results as a table,
CSV, JSON or Parquet (query), an HTML summary (report), an xlsx/csv file (export),
a change list, dataset and HTML report (diff), a review queue (review),
a progress bar (outside a terminal: one line per file, also to ``--log FILE``) and a
summary on stderr; exit code 1 when any file failed.  No input text is printed as Rich
markup (every value is escaped or printed as ``Text``); ``jixiao`` alone prints the
help; ``--version``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from . import __version__
from .config import load_config
from .model import DocResult
from .readers.limits import parse_limits, set_limits
from .run import (
    DEFAULT_MAX_BYTES,
    DEFAULT_PART_DOCS,
    DEFAULT_TIMEOUT,
    DEFAULT_TIMEOUT_CAP,
    BusyError,
    Summary,
    expand,
    ingest_paths,
)
from .run import Progress as BatchProgress

_METAVARS = {"path": "PATH", "int": "N", "int range": "N", "float": "NUMBER"}
_METAVARS |= {"float range": "NUMBER", "str": "TEXT"}


def _plain_help() -> None:
    """Typer's help writes types as ``<bool>``, ``<list[Path]>`` and ``{paths}...``; show
    plain placeholders instead (``PATH``, ``N``, ``PATHS...``), none for flags."""
    from typer import core

    def option_type(self, ctx) -> str | None:  # noqa: ANN001
        if self.is_flag or self.count:
            return None
        if self.metavar:
            return self.metavar
        label = self.display_type(ctx).strip("<>")
        return _METAVARS.get(label, label.upper())

    def argument_usage(self) -> str:
        name = self.metavar or (self.name or "").upper()
        name += "..." if self.nargs != 1 else ""
        return name if self.required else f"[{name}]"

    core.TyperOption.display_type_rich = option_type
    core.TyperArgument.display_type_rich = lambda self, ctx: None
    core.TyperArgument._usage_display_name = argument_usage
    core.TyperArgument._rich_display_name = argument_usage


_plain_help()

app = typer.Typer(
    add_completion=False,
    help="Budget performance target tables (绩效目标表) → Parquet.",
)
err = Console(stderr=True)
err.soft_wrap = not err.is_terminal  # a log or a pipe: one message, one line
out = Console()

DEFAULT_OUT = Path("data/parquet")


def _version(value: bool) -> None:
    if value:
        out.print(f"jixiao {__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Budget performance target tables (绩效目标表) → Parquet."""
    if ctx.invoked_subcommand is None:  # bare `jixiao`: the help, and success
        out.print(ctx.get_help(), markup=False, highlight=False)
        raise typer.Exit()


@app.command(
    epilog="Examples: jixiao ingest data/raw -o data/parquet  ·  jixiao ingest new.pdf "
    "-o data/parquet --append  ·  jixiao ingest attachments.zip --log ingest.log -q"
)
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
    append: Annotated[
        bool,
        typer.Option(
            "--append", help="Keep the documents of the previous run that are not given again."
        ),
    ] = False,
    log: Annotated[
        Path | None, typer.Option("--log", help="Write one line per file to this file.")
    ] = None,
    limit: Annotated[
        list[str] | None,
        typer.Option(
            "--limit",
            metavar="NAME=VALUE",
            help="Raise (or lower) a resource limit per document, e.g. --limit max_cells=5000000"
            " or --limit max_memory_mb=8192 (names: readers/limits.py).",
        ),
    ] = None,
) -> None:
    """Read documents and write the documents/targets/indicators/findings datasets.

    Every input is a row of `documents` with its status (ok, empty, error, skipped,
    duplicate, archive) and the reason; ZIP archives are read member by member.
    The output is exactly the inputs of this run unless --append is given.
    """
    if executor not in ("local", "dask", "inline"):
        err.print(f"[red]error[/]: --executor {escape(executor)}: use local, dask or inline")
        raise typer.Exit(2)
    if limit:
        try:
            set_limits(**parse_limits(limit))
        except ValueError as e:
            err.print(f"[red]error[/]: {escape(str(e))}")
            raise typer.Exit(2) from None
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    for p in missing:
        err.print(f"[red]error[/]: {escape(str(p))}: no such file or folder")
    files = expand([p for p in paths if p not in missing])
    if not files:
        err.print("[red]error[/]: nothing to ingest")
        raise typer.Exit(2)
    cfg = load_config(config)
    lines = not quiet and not err.is_terminal  # no bar outside a terminal: a line per file
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · [red]{task.fields[failed]} failed[/]"),
        TextColumn("· {task.fields[reused]} reused"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}", markup=False),
        console=err,
        disable=quiet or lines,
        transient=True,
    )
    log_fh = open(log, "a", encoding="utf-8") if log else None  # noqa: SIM115
    try:
        with progress:
            task = progress.add_task("ingest", total=len(files), name="", failed=0, reused=0)

            def on_file(path: Path, res: DocResult) -> None:
                line = file_line(path, res)
                if log_fh is not None:
                    log_fh.write(line + "\n")
                    log_fh.flush()
                if lines:
                    err.print(line, markup=False, highlight=False, soft_wrap=True)
                elif res.status == "error":
                    progress.console.print(f"[red]error[/]: {escape(res.error or '')}")

            def on_progress(p: BatchProgress) -> None:
                progress.update(
                    task,
                    total=max(p.total, len(files)),
                    completed=p.done,
                    name=p.name,
                    failed=p.failed,
                    reused=p.reused,
                )

            try:
                summary = ingest_paths(
                    paths,  # a missing one too: a documents row saying so
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
                    append=append,
                )
            except BusyError as e:
                err.print(f"[red]error[/]: {escape(str(e))}")
                raise typer.Exit(2) from None
    finally:
        if log_fh is not None:
            log_fh.close()
    print_summary(summary)
    if summary.failed or missing:
        raise typer.Exit(1)


def file_line(path: Path, res: DocResult) -> str:
    """One line for one input: status, path, and the reason or what was found."""
    what = res.error or ""
    if res.status in ("ok", "empty") and res.findings:
        what = f"{len(res.findings)} findings"
    return f"{res.status:9} {path}  {what}".rstrip()


def print_summary(summary: Summary) -> None:
    """The table printed after an ingest; every value escaped (no input text is markup)."""
    t = RichTable(title=f"jixiao ingest → {escape(str(summary.out_dir))}", show_header=False)
    t.add_column(no_wrap=True)
    t.add_column(overflow="fold")
    st = summary.statuses
    states = ", ".join(f"{n} {k}" for k, n in st.most_common())
    t.add_row(
        "documents",
        escape(
            f"{summary.documents} ({states}; {summary.parsed} parsed, "
            f"{summary.reused} unchanged and reused)"
        ),
    )
    paged = summary.pages
    t.add_row("pages", f"{paged} (PDF, Office, images); {summary.text_files} text files")
    t.add_row("tables", str(summary.tables))
    t.add_row("indicators", str(summary.indicators))
    findings = ", ".join(f"{c} {n}" for c, n in summary.findings.most_common()) or "0"
    t.add_row("findings", escape(findings))
    for suffix, n, hint, paths in summary.skipped_by_suffix():
        shown = ", ".join(Path(p).name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        t.add_row("skipped", escape(f"{n} {suffix} ({shown}): {hint}"))
    if summary.duplicates:
        shown = "; ".join(f"{a} = {b}" for a, b in summary.duplicates[:3])
        more = " …" if len(summary.duplicates) > 3 else ""
        t.add_row("duplicates", escape(f"{len(summary.duplicates)} ({shown}{more})"))
    if summary.kept:
        t.add_row("kept", f"{summary.kept} documents of earlier runs (--append)")
    if summary.dropped:
        shown = ", ".join(summary.dropped[:5]) + (" …" if len(summary.dropped) > 5 else "")
        t.add_row(
            "dropped",
            escape(
                f"{len(summary.dropped)} documents of the previous run not given again "
                f"({shown}); use --append to keep them"
            ),
        )
    rate = summary.documents / summary.seconds if summary.seconds else 0.0
    t.add_row("time", f"{summary.seconds:.2f} s ({rate:.1f} documents/s)")
    console = err if err.is_terminal else Console(stderr=True, width=200)  # a log: whole paths
    console.print(t)


QUERY_FORMATS = ("table", "csv", "json", "parquet")


@app.command(
    epilog='Examples: jixiao query "SELECT unit, count(*) FROM indicators GROUP BY 1"  ·  '
    'jixiao query "SELECT * FROM targets" --format csv -o targets.csv  ·  '
    'jixiao query "SELECT * FROM findings" --format json --limit 0'
)
def query(
    sql: Annotated[
        str, typer.Argument(help="SQL over views documents/targets/indicators/findings.")
    ],
    data: Annotated[
        Path, typer.Option("-d", "--data", help="Output directory of an ingest.")
    ] = DEFAULT_OUT,
    fmt: Annotated[
        str | None,
        typer.Option(
            "-f", "--format", help="table, csv, json or parquet (default: from -o, else table)."
        ),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write the result to this file.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(help="Rows at most; 0: all (default: 50 in a terminal table, else all)."),
    ] = None,
    allow_files: Annotated[
        bool,
        typer.Option("--allow-files", help="Let the SQL read and write other files."),
    ] = False,
) -> None:
    """Run DuckDB SQL over an ingest's output (read-only, confined to its datasets)."""
    from .query import QueryError, run_query

    try:
        fmt = _format_of(fmt, out_file, QUERY_FORMATS, "table")
    except ValueError as e:
        err.print(f"[red]error[/]: {escape(str(e))}")
        raise typer.Exit(2) from None
    if limit is not None and limit < 0:
        err.print("[red]error[/]: --limit takes 0 (all rows) or a positive number")
        raise typer.Exit(2)
    if fmt == "parquet" and out_file is None:
        err.print("[red]error[/]: --format parquet needs -o FILE")
        raise typer.Exit(2)
    to_terminal = out_file is None and out.is_terminal
    if limit is None:
        limit = 50 if fmt == "table" and to_terminal else 0
    try:
        con = run_query(data, sql, allow_files)
    except (QueryError, FileNotFoundError) as e:
        err.print(f"[red]error[/]: {escape(str(e))}")
        raise typer.Exit(2) from None
    cols = [d[0] for d in con.description or []]
    rows = con.fetchall() if limit == 0 else con.fetchmany(limit + 1)
    more = limit > 0 and len(rows) > limit
    rows = rows[:limit] if limit else rows
    from .export import write_rows

    n = write_rows(fmt, cols, rows, out_file, to_terminal, out)
    if out_file is not None:
        err.print(f"{n} rows → {escape(str(out_file))}")
    if more:
        err.print(f"(first {limit} rows shown; --limit 0 for all)")


def _format_of(fmt: str | None, path: Path | None, known: tuple[str, ...], default: str) -> str:
    """The output format: ``--format``, else ``-o``'s extension, else ``default``; a
    mismatch between the two is refused."""
    ext = path.suffix.lower().lstrip(".") if path is not None else ""
    ext = {"jsonl": "json", "txt": "table", "xls": "xlsx"}.get(ext, ext)
    if fmt is not None and fmt not in known:
        raise ValueError(f"--format {fmt!r}: use one of {', '.join(known)}")
    if fmt is not None and ext and ext in known and ext != fmt:
        raise ValueError(f"--format {fmt} but -o {path} ends in .{ext}: say one format")
    if fmt is not None and path is not None and ext not in known:
        raise ValueError(f"-o {path}: for --format {fmt} name it *.{fmt}")
    if fmt is None and path is not None:
        if ext not in known:
            raise ValueError(f"-o {path}: cannot tell the format; use one of {', '.join(known)}")
        return ext
    return fmt or default


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
        err.print(f"[red]error[/]: {escape(str(e))}")
        raise typer.Exit(2) from None
    err.print(f"report → {escape(str(path))}")


@app.command(
    epilog="Examples: jixiao export -o indicators.xlsx  ·  jixiao export --dataset targets "
    "-o targets.csv --chinese-headers  ·  jixiao export --where \"kind = 'qualitative'\" "
    "-o vague.csv"
)
def export(
    data: Annotated[Path, typer.Argument(help="Output directory of an ingest.")] = DEFAULT_OUT,
    fmt: Annotated[
        str | None,
        typer.Option("-f", "--format", help="xlsx or csv (default: from -o, else xlsx)."),
    ] = None,
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
    raw: Annotated[
        bool,
        typer.Option(
            "--raw", help="CSV: write cells starting with = + - @ as they are (no ' prefix)."
        ),
    ] = False,
) -> None:
    """Export a filtered view of one dataset to Excel (xlsx) or CSV (UTF-8 with BOM)."""
    from .export import FORMATS, ExportError, export_dataset

    try:
        fmt = _format_of(fmt, out_file, FORMATS, "xlsx")
    except ValueError as e:
        err.print(f"[red]error[/]: {escape(str(e))}")
        raise typer.Exit(2) from None
    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    try:
        path, n = export_dataset(
            data, fmt, out_file, dataset, where, cols, chinese_headers, raw=raw
        )
    except (ExportError, FileNotFoundError) as e:
        err.print(f"[red]error[/]: {escape(str(e))}")
        raise typer.Exit(2) from None
    err.print(f"{n} rows of {escape(dataset)} → {escape(str(path))}")


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
        err.print(f"[red]error[/]: {escape(str(e))}")
        raise typer.Exit(2) from None
    print_summary(result, out, limit)
    if out_dir is not None:
        err.print(f"changes dataset → {escape(str(write_diff(result, out_dir)))}")
    if html is not None:
        err.print(f"HTML report → {escape(str(write_diff_html(result, html)))}")
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
        err.print(f"[red]error[/]: {escape(str(e))}")
        raise typer.Exit(2) from None
    print_queue(items, out, limit)
    if html is not None:
        err.print(f"review queue → {escape(str(write_review_html(run, items, html)))}")
