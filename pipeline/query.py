"""Query: DuckDB views over an ingest's output directory.

In:  the output directory.  Out: a DuckDB connection with one view per dataset
(``documents``, ``targets``, ``indicators``, ``findings``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .write import DATASETS


def connect(data_dir: str | Path) -> duckdb.DuckDBPyConnection:
    d = Path(data_dir)
    if not d.is_dir():
        raise FileNotFoundError(f"{d}: no such output directory (run jixiao ingest first)")
    con = duckdb.connect()
    for name in DATASETS:
        parts = d / name
        if parts.is_dir() and any(parts.glob("*.parquet")):
            glob = str(parts / "*.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{glob}')")
    return con
