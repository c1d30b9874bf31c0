"""Command line: ``jixiao ingest``, ``query``, ``report``, ``export``, ``diff``, ``review``
(or ``python -m pipeline``).

In:  command-line arguments.  Out: Parquet datasets (ingest), query results as a table,
CSV, JSON or Parquet (query), an HTML summary (report), an xlsx/csv file (export),
a change list, dataset and HTML report (diff), a review queue (review),
a progress bar (outside a terminal: one line per file, also to ``--log FILE``) and a
summary on stderr; exit code 1 when any file failed.  No input text is printed as Rich
markup (every value is escaped or printed as ``Text``); ``jixiao`` alone prints the
help; ``--version``.

One set of habits for every subcommand:

* what a command reads is an argument: the files and folders of ``ingest``; the datasets
  folder (the output of an ingest, default ``data/parquet``) of ``query``, ``report``,
  ``export`` and ``review``; the two of ``diff``.  What it writes is ``-o``/``--out``
  (and ``--html``);
* ``-h`` is ``--help``; ``--limit N`` is how many rows or items to print;
* a user error (a path that does not exist or cannot be written, a bad option value, a
  folder that holds no datasets, SQL that is refused) is one line on stderr,
  ``error: <path or option>: <reason>``, and exit status 2; ``jixiao --debug …`` shows
  the traceback instead.  Anything else is a bug and shows its traceback;
* outside a terminal (a pipe, a log) every line is printed whole, never wrapped; in a
  terminal the ingest summary is a box as wide as the terminal at most.

Start-up: importing this module loads typer only; each command imports what it needs
when it runs (``--version`` and ``--help`` load no pandas, pyarrow or pipeline stage).
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from typer.core import TyperGroup

from . import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from .model import DocResult
    from .run import Summary

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
        return label if "|" in label else _METAVARS.get(label, label.upper())

    def argument_usage(self) -> str:
        name = self.metavar or (self.name or "").upper()
        name += "..." if self.nargs != 1 else ""
        return name if self.required else f"[{name}]"

    core.TyperOption.display_type_rich = option_type
    core.TyperArgument.display_type_rich = lambda self, ctx: None
    core.TyperArgument._usage_display_name = argument_usage
    core.TyperArgument._rich_display_name = argument_usage


_plain_help()


class UserError(Exception):
    """A mistake of the command line (not a bug): printed as one line, exit status 2."""


def _say_error(message: str) -> None:
    """``error: message`` on stderr, one line (red in a terminal)."""
    line = " ".join(message.split())
    typer.echo(f"{typer.style('error', fg='red')}: {line}", err=True)


_PLAIN = {
    errno.EEXIST: "a file is in the way (not a folder)",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
}


def _reason(e: BaseException) -> str:
    """An OSError as ``path: reason`` (its own message for the others)."""
    if isinstance(e, OSError) and e.strerror:
        names = [str(n) for n in (e.filename, e.filename2) if n is not None]
        why = _PLAIN.get(e.errno or 0, e.strerror)
        return f"{' → '.join(names)}: {why}" if names else e.strerror
    return str(e)


class _Group(TyperGroup):
    """``jixiao``: a user error is one line and exit status 2 (a traceback only with
    ``--debug``); usage errors (a bad option value, a missing argument) too."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (UserError, OSError) as e:
            if ctx.params.get("debug") or (isinstance(e, OSError) and e.errno == errno.EPIPE):
                raise
            _say_error(_reason(e))
            raise typer.Exit(2) from None

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as e:  # click's usage errors: a bad option value …
            if not standalone_mode:
                raise
            message = e.format_message().replace("Value error, ", "")
            ctx = getattr(e, "ctx", None)
            if ctx is not None:
                message += f" (see {ctx.command_path} -h)"
            _say_error(message)
            sys.exit(e.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            _say_error("aborted")
            sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Budget performance target tables (绩效目标表) → Parquet.",
)

DEFAULT_OUT = Path("data/parquet")
DataDir = Annotated[
    Path,
    typer.Argument(help="Datasets folder: the output of jixiao ingest.", show_default=True),
]


def _console(stderr: bool = False) -> Console:
    """A Rich console on stdout or stderr; outside a terminal it never wraps a line."""
    from rich.console import Console

    c = Console(stderr=stderr, highlight=False)
    c.soft_wrap = not c.is_terminal
    return c


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jixiao {__version__}")
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
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show the traceback of an error instead of one line."),
    ] = False,
) -> None:
    """Budget performance target tables (绩效目标表) → Parquet."""
    if ctx.invoked_subcommand is None:  # bare `jixiao`: the help, and success
        typer.echo(ctx.get_help())
        raise typer.Exit()


@app.command(
    epilog="Examples: jixiao ingest data/raw -o data/parquet  ·  jixiao ingest new.pdf "
    "-o data/parquet --append  ·  jixiao ingest attachments.zip --log ingest.log -q  ·  "
    "resource limits per document: JIXIAO_LIMIT_<NAME>=VALUE (pipeline/readers/limits.py)"
)
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    out_dir: Annotated[
        Path, typer.Option("-o", "--out", help="Datasets folder to write.")
    ] = DEFAULT_OUT,
    config: Annotated[
        Path | None, typer.Option(help="Config directory (default configs/).")
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No progress bar.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option("-j", "--jobs", min=1, help="Worker processes (default: one per CPU)."),
    ] = None,
    executor: Annotated[
        Literal["local", "dask", "inline"],
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
            help="Seconds per page of a file (a file without pages counts as one) before its "
            "worker is stopped; 0: none.",
        ),
    ] = 120.0,
    timeout_cap: Annotated[
        float,
        typer.Option(
            min=0.0, help="Seconds one file may take at most, whatever its pages (0: no cap)."
        ),
    ] = 1800.0,
    max_mb: Annotated[
        float, typer.Option(min=0.0, help="Files larger than this (MiB) are not read (0: none).")
    ] = 200.0,
    incremental: Annotated[
        bool,
        typer.Option("--incremental/--no-incremental", help="Reuse rows of unchanged documents."),
    ] = True,
    part_docs: Annotated[
        int, typer.Option(min=1, help="Documents per Parquet part (and per checkpoint).")
    ] = 200,
    append: Annotated[
        bool,
        typer.Option(
            "--append", help="Keep the documents of the previous run that are not given again."
        ),
    ] = False,
    log: Annotated[
        Path | None, typer.Option("--log", help="Write one line per file to this file.")
    ] = None,
) -> None:
    """Read files and folders into the four Parquet datasets.

    Writes documents/, targets/, indicators/ and findings/ under -o.  Every input is a
    row of `documents` with its status (ok, partial, empty, error, skipped, duplicate,
    archive) and the reason; ZIP archives are read member by member.  The output is
    exactly the inputs of this run unless --append is given.  A folder that holds a
    jixiao output (this one or another) is never read as input.
    """
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if len(missing) == len(paths):
        raise UserError(f"{', '.join(map(str, missing))}: no such file or folder")
    if executor == "local":  # the workers' imports run while this process does its own
        from .forkserver import start

        start()
    from .write import arrow_without_pandas

    arrow_without_pandas()
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from .config import load_config
    from .config_files import ConfigError
    from .readers.limits import limits
    from .run import BusyError, expand, ingest_paths
    from .run import Progress as BatchProgress

    try:
        limits()  # a JIXIAO_LIMIT_<NAME> that is not a number: said before any work
    except ValueError as e:
        raise UserError(str(e)) from None
    own: list[str] = []
    files = expand(paths, out_dir, own)
    if not files and own:
        raise UserError(f"{', '.join(own)}: jixiao's own output, never read as input")
    if not files:
        raise UserError(f"{', '.join(map(str, paths))}: no files to ingest")
    try:
        cfg = load_config(config)
    except ConfigError as e:
        raise UserError(str(e)) from None
    err = _console(stderr=True)
    lines = not quiet and not err.is_terminal  # no bar outside a terminal: a line per file
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[pages]} pages · [red]{task.fields[failed]} failed[/]"),
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
            task = progress.add_task(
                "ingest", total=len(files), name="", failed=0, reused=0, pages=0
            )

            def on_file(path: Path, res: DocResult) -> None:
                line = file_line(path, res)
                if log_fh is not None:
                    log_fh.write(line + "\n")
                    log_fh.flush()
                if lines:
                    err.print(line, markup=False, highlight=False)
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
                    pages=p.pages,
                )

            try:
                summary = ingest_paths(
                    paths,
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
                raise UserError(str(e)) from None
    finally:
        if log_fh is not None:
            log_fh.close()
    print_summary(summary, err)
    if summary.failed:
        raise typer.Exit(1)


def file_line(path: Path, res: DocResult) -> str:
    """One line for one input: status, path, and the reason or what was found."""
    what = res.error or ""
    if res.status in ("ok", "empty") and res.findings:
        what = f"{len(res.findings)} findings"
    return f"{res.status:9} {path}  {what}".rstrip()


def summary_rows(summary: Summary) -> list[tuple[str, str]]:
    """The ingest summary as (label, text) rows."""
    st = summary.statuses
    states = ", ".join(f"{n} {k}" for k, n in st.most_common())
    rows = [
        (
            "documents",
            f"{summary.documents} ({states}; {summary.parsed} parsed, "
            f"{summary.reused} unchanged and reused)",
        ),
        ("pages", f"{summary.pages} (PDF, Office, images); {summary.text_files} text files"),
        ("tables", str(summary.tables)),
        ("indicators", str(summary.indicators)),
        ("findings", ", ".join(f"{c} {n}" for c, n in summary.findings.most_common()) or "0"),
    ]
    for suffix, n, hint, paths in summary.skipped_by_suffix():
        shown = ", ".join(Path(p).name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        rows.append(("skipped", f"{n} {suffix} ({shown}): {hint}"))
    for folder in summary.own_outputs:
        rows.append(("not read", f"{folder}: a jixiao output folder (never read as input)"))
    if summary.duplicates:
        shown = "; ".join(f"{a} = {b}" for a, b in summary.duplicates[:3])
        more = " …" if len(summary.duplicates) > 3 else ""
        rows.append(("duplicates", f"{len(summary.duplicates)} ({shown}{more})"))
    if summary.kept:
        rows.append(("kept", f"{summary.kept} documents of earlier runs (--append)"))
    if summary.dropped:
        shown = ", ".join(summary.dropped[:5]) + (" …" if len(summary.dropped) > 5 else "")
        rows.append(
            (
                "dropped",
                f"{len(summary.dropped)} documents of the previous run not given again "
                f"({shown}); use --append to keep them",
            )
        )
    took = f"{summary.seconds:.2f} s"
    if summary.parsed and summary.seconds:
        took += f" ({summary.parsed / summary.seconds:.1f} documents parsed/s)"
    elif summary.documents:
        took += " (nothing parsed: every document unchanged)"
    rows.append(("time", took))
    return rows


def print_summary(summary: Summary, console: Console | None = None) -> None:
    """The summary printed after an ingest: in a terminal a box no wider than it, elsewhere
    one whole line per row.  Every value is printed as text (no input text is markup)."""
    from rich.table import Table
    from rich.text import Text

    con = console or _console(stderr=True)
    title = f"jixiao ingest → {summary.out_dir}"
    rows = summary_rows(summary)
    if not con.is_terminal:
        con.print(Text(title), soft_wrap=True)
        for label, text in rows:
            con.print(Text(f"{label:<11} {text}"), soft_wrap=True)
        return
    t = Table(title=Text(title), show_header=False)
    t.add_column(no_wrap=True)
    t.add_column(overflow="fold")
    for label, text in rows:
        t.add_row(label, Text(text))
    con.print(t)


@app.command(
    epilog='Examples: jixiao query "SELECT unit, count(*) FROM indicators GROUP BY 1"  ·  '
    'jixiao query "SELECT * FROM targets" data/parquet -o targets.csv  ·  '
    'jixiao query "SELECT * FROM findings" --format json --limit 0'
)
def query(
    sql: Annotated[
        str, typer.Argument(help="SQL over views documents/targets/indicators/findings.")
    ],
    data: DataDir = DEFAULT_OUT,
    fmt: Annotated[
        Literal["table", "csv", "json", "parquet"] | None,
        typer.Option("-f", "--format", help="Default: from -o's extension, else table."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write the result to this file.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=0, help="Rows to print at most; 0: all (default: 50 in a terminal table, else all)."
        ),
    ] = None,
    allow_files: Annotated[
        bool,
        typer.Option("--allow-files", help="Let the SQL read and write other files."),
    ] = False,
) -> None:
    """Run read-only DuckDB SQL over the datasets.

    The views documents, targets, indicators and findings; nothing else is readable
    unless --allow-files is given.
    """
    from rich.markup import escape

    from .query import QueryError, run_query

    fmt = _format_of(fmt, out_file, ("table", "csv", "json", "parquet"), "table")
    if fmt == "parquet" and out_file is None:
        raise UserError("--format parquet needs -o FILE")
    out = _console()
    to_terminal = out_file is None and out.is_terminal
    if limit is None:
        limit = 50 if fmt == "table" and to_terminal else 0
    try:
        con = run_query(data, sql, allow_files)
    except QueryError as e:
        raise UserError(str(e)) from None
    cols = [d[0] for d in con.description or []]
    rows = con.fetchall() if limit == 0 else con.fetchmany(limit + 1)
    more = limit > 0 and len(rows) > limit
    rows = rows[:limit] if limit else rows
    from .export import write_rows

    n = write_rows(fmt, cols, rows, out_file, to_terminal, out)
    err = _console(stderr=True)
    if out_file is not None:
        err.print(f"{n} rows → {escape(str(out_file))}")
    if more:
        err.print(f"(first {limit} rows shown; --limit 0 for all)")


def _format_of(fmt: str | None, path: Path | None, known: tuple[str, ...], default: str) -> str:
    """The output format: ``--format``, else ``-o``'s extension, else ``default``; a
    mismatch between the two is refused (``UserError``)."""
    ext = path.suffix.lower().lstrip(".") if path is not None else ""
    ext = {"jsonl": "json", "txt": "table", "xls": "xlsx"}.get(ext, ext)
    if fmt is not None and ext and ext in known and ext != fmt:
        raise UserError(f"--format {fmt} but -o {path} ends in .{ext}: say one format")
    if fmt is not None and path is not None and ext not in known:
        raise UserError(f"-o {path}: for --format {fmt} name it *.{fmt}")
    if fmt is None and path is not None:
        if ext not in known:
            raise UserError(f"-o {path}: cannot tell the format; use one of {', '.join(known)}")
        return ext
    return fmt or default


@app.command(epilog="Example: jixiao report data/parquet -o report.html")
def report(
    data: DataDir = DEFAULT_OUT,
    out_file: Annotated[Path, typer.Option("-o", "--out", help="HTML file.")] = Path("report.html"),
) -> None:
    """Write a self-contained HTML report of the datasets.

    Counts, charts, the findings and the lowest-confidence rows, in one page that opens
    offline.
    """
    from rich.markup import escape

    from .report import build_report

    path = build_report(data, out_file)
    _console(stderr=True).print(f"report → {escape(str(path))}")


@app.command(
    epilog="Examples: jixiao export -o indicators.xlsx  ·  jixiao export data/parquet "
    "--dataset targets -o targets.csv --chinese-headers  ·  jixiao export --where "
    "\"kind = 'qualitative'\" -o vague.csv"
)
def export(
    data: DataDir = DEFAULT_OUT,
    fmt: Annotated[
        Literal["xlsx", "csv"] | None,
        typer.Option("-f", "--format", help="Default: from -o's extension, else xlsx."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("-o", "--out", help="File to write (default DATASET.FORMAT).")
    ] = None,
    dataset: Annotated[
        Literal["indicators", "targets", "findings", "documents"],
        typer.Option(help="The dataset to export."),
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
    """Export one dataset, filtered, to Excel (xlsx) or CSV.

    CSV is UTF-8 with a BOM, so Excel reads the Chinese; the format comes from -o's
    extension.
    """
    from rich.markup import escape

    from .export import FORMATS, ExportError, export_dataset

    fmt = _format_of(fmt, out_file, FORMATS, "xlsx")
    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    try:
        path, n = export_dataset(
            data, fmt, out_file, dataset, where, cols, chinese_headers, raw=raw
        )
    except ExportError as e:
        raise UserError(str(e)) from None
    _console(stderr=True).print(f"{n} rows of {escape(dataset)} → {escape(str(path))}")


@app.command(
    epilog="Examples: jixiao diff old_out data/parquet --html diff.html  ·  "
    "jixiao diff --by project out_2023 out_2024  ·  jixiao diff old_out data/parquet "
    "--fail-on changes"
)
def diff(
    old: Annotated[Path, typer.Argument(help="Datasets folder of the earlier run (or year).")],
    new: Annotated[Path, typer.Argument(help="Datasets folder of the later run (or year).")],
    out_dir: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write the changes dataset here.")
    ] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    by: Annotated[
        Literal["run", "project"],
        typer.Option(
            "--by",
            help="run: two runs, rows paired by their keys; project: two years, projects "
            "matched by name (fuzzy).",
        ),
    ] = "run",
    threshold: Annotated[
        float, typer.Option(min=0.0, max=100.0, help="--by project: lowest name match score.")
    ] = 80.0,
    fail_on: Annotated[
        Literal["changes", "content"] | None,
        typer.Option(
            "--fail-on",
            help="changes: exit 1 when any table or indicator differs (a CI gate); "
            "content: the same, moves to another page aside.",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=0, help="Changes to print at most.")] = 50,
) -> None:
    """Compare two runs (or two years) row by row.

    Tables and indicators added, removed, changed field by field, or moved.
    """
    from rich.markup import escape

    from .diff import load_and_diff, print_summary, write_diff
    from .diff_report import write_diff_html

    result = load_and_diff(old, new, by, threshold)
    print_summary(result, _console(), limit)
    err = _console(stderr=True)
    if out_dir is not None:
        err.print(f"changes dataset → {escape(str(write_diff(result, out_dir)))}")
    if html is not None:
        err.print(f"HTML report → {escape(str(write_diff_html(result, html)))}")
    if fail_on and result.data_changes(moves=fail_on == "changes"):
        raise typer.Exit(1)


@app.command(epilog="Example: jixiao review data/parquet --limit 10 --html review.html")
def review(
    data: DataDir = DEFAULT_OUT,
    limit: Annotated[int, typer.Option(min=0, help="Items to print at most.")] = 30,
    html: Annotated[Path | None, typer.Option("--html", help="Write the queue as HTML.")] = None,
) -> None:
    """List the rows a person should check, most doubtful first.

    Findings, headings matched below 100, low OCR confidence, doubtful flags.
    """
    from rich.markup import escape

    from .review import load_queue, print_queue, write_review_html

    run, items = load_queue(data)
    print_queue(items, _console(), limit)
    if html is not None:
        path = write_review_html(run, items, html)
        _console(stderr=True).print(f"review queue → {escape(str(path))}")
