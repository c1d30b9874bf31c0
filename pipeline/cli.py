"""Command line: ``jixiao ingest`` and ``jixiao query`` (also ``python -m pipeline``).

In:  command-line arguments.  Out: Parquet datasets (ingest), query results (query),
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
from .run import expand, ingest_paths

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
) -> None:
    """Read documents and write the documents/targets/indicators/findings datasets."""
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
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
        console=err,
        disable=quiet,
        transient=True,
    )
    with progress:
        task = progress.add_task("ingest", total=len(files), name="")

        def on_file(path: Path, res) -> None:  # noqa: ANN001
            if res.status == "error":
                progress.console.print(f"[red]error[/]: {res.error}")
            progress.update(task, advance=1, name=path.name)

        summary = ingest_paths(files, out_dir, cfg, on_file=on_file)
    t = RichTable(title=f"jixiao ingest → {summary.out_dir}", show_header=False)
    t.add_row("documents", f"{summary.documents} ({summary.failed} failed)")
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
