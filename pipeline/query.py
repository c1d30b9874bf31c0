"""Query: DuckDB views over an ingest's output directory, confined to it.

In:  the output directory (and SQL).  Out: a DuckDB connection with one view per
dataset (``documents``, ``targets``, ``indicators``, ``findings``), columns in
``SCHEMAS`` order; ``run_query`` checks the SQL first (one read-only statement).

The views read ``DIR/<name>/**/*.parquet``; ``year`` is an int32 column in the files
(outputs of older versions, hive-partitioned ``year=2024/`` with no ``year`` in the
files, are read with ``hive_partitioning``).  A dataset with no files is an empty view of
the right columns, so queries over it still run.

Confinement (unless ``allow_files``): once the views exist, the connection may read only
the dataset folders (``allowed_directories``) and nothing else on disk
(``enable_external_access = false``); extensions are neither installed nor loaded
automatically, and the configuration is locked so SQL cannot undo it.  ``run_query``
accepts one statement and only a read (``SELECT``, ``WITH``, ``DESCRIBE``,
``SUMMARIZE``, ``EXPLAIN``), so ``COPY … TO``, ``ATTACH``, ``INSTALL`` or ``SET`` are
refused before they run.  ``check_predicate`` does the same for an export's ``--where``:
one expression, no second statement.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .write import DATASETS, MANIFEST, SCHEMAS

READ_ONLY = {"SELECT", "EXPLAIN"}


class QueryError(ValueError):
    """SQL that is refused (several statements, a write, a file access) or fails."""


def _check_output_dir(d: Path) -> None:
    if not d.is_dir():
        raise FileNotFoundError(f"{d}: no such output directory (run jixiao ingest first)")
    if not (d / MANIFEST).exists() and not any((d / n).is_dir() for n in DATASETS):
        hint = ""
        if d.name in DATASETS or d.name.startswith("year"):
            parent = d.parent.parent if d.name.startswith("year") else d.parent
            hint = f"; it looks like one dataset of one: give {parent}"
        raise FileNotFoundError(
            f"{d}: not the output directory of an ingest (no {MANIFEST} and no "
            f"{', '.join(DATASETS)} folders){hint}"
        )


def connect(data_dir: str | Path, allow_files: bool = False) -> duckdb.DuckDBPyConnection:
    """Views over an output directory; confined to its datasets unless ``allow_files``."""
    d = Path(data_dir)
    _check_output_dir(d)
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    con = duckdb.connect(config={} if allow_files else config)
    allowed = []
    for name in DATASETS:
        parts = d / name
        if parts.is_dir() and any(parts.rglob("*.parquet")):
            glob = str(parts / "**" / "*.parquet").replace("'", "''")
            hive = any(p.is_dir() and p.name.startswith("year=") for p in parts.iterdir())
            opts = "hive_partitioning = true, hive_types = {'year': INTEGER}" if hive else ""
            src = f"read_parquet('{glob}', {opts or 'hive_partitioning = false'})"
            have = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
            order = [c for c in SCHEMAS[name].names if c in have]  # an older run may lack some
            order += [c for c in have if c not in order]
            cols = ", ".join(f'"{c}"' for c in order)
            con.execute(f"CREATE VIEW {name} AS SELECT {cols} FROM {src}")
            allowed.append(str(parts) + "/")
        else:
            cols = ", ".join(f'"{c}"' for c in SCHEMAS[name].names)
            con.register(f"_{name}_empty", SCHEMAS[name].empty_table())
            con.execute(f"CREATE VIEW {name} AS SELECT {cols} FROM _{name}_empty")
    if not allow_files:
        confine(con, allowed)
    return con


def confine(con: duckdb.DuckDBPyConnection, folders: list[str]) -> None:
    """Let ``con`` read only under ``folders`` (the dataset folders), nothing else, and
    lock its configuration."""
    quoted = ", ".join("'" + f.replace("'", "''") + "'" for f in folders)
    con.execute(f"SET allowed_directories = [{quoted}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def check_sql(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but one read-only statement (``QueryError``)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError(str(e)) from None
    if len(statements) != 1:
        raise QueryError(f"one SQL statement at a time, not {len(statements)}")
    kind = statements[0].type.name
    if kind not in READ_ONLY:
        raise QueryError(f"only queries run here (SELECT, WITH …), not {kind}")


def check_predicate(con: duckdb.DuckDBPyConnection, where: str) -> None:
    """Refuse a ``--where`` that is not one expression (``QueryError``)."""
    try:
        statements = con.extract_statements(f"SELECT 1 WHERE ({where})")
    except duckdb.Error as e:
        raise QueryError(f"--where {where!r}: {e}") from None
    if len(statements) != 1 or statements[0].type.name != "SELECT" or not _balanced(where):
        raise QueryError(f"--where {where!r}: one expression only (no ';', no statements)")


def _balanced(text: str) -> bool:
    """True when ``text``'s brackets (outside quotes) never close one it did not open,
    so wrapping it in ``( … )`` keeps it one expression."""
    depth, quote = 0, ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
        elif ch == ";":
            return False
    return depth == 0 and not quote


def run_query(
    data_dir: str | Path, sql: str, allow_files: bool = False
) -> duckdb.DuckDBPyConnection:
    """``sql`` checked and run over the views of ``data_dir``; the connection holds the
    result (``fetchmany``/``description``/``arrow``)."""
    con = connect(data_dir, allow_files)
    if not allow_files:
        check_sql(con, sql)
    try:
        con.execute(sql)
    except duckdb.Error as e:
        raise QueryError(str(e)) from None
    return con
