"""Query: DuckDB views over an ingest's output directory.

In:  the output directory.  Out: a DuckDB connection with one view per dataset
(``documents``, ``targets``, ``indicators``, ``findings``), columns in ``SCHEMAS`` order.

The views read ``DIR/<name>/**/*.parquet``; ``targets`` and ``indicators`` are
hive-partitioned (``year=2024/``; ``year=0/`` where no year is stated), so their
``year`` comes from the folder names, typed INTEGER (outputs of older versions, flat with
``year`` inside the files, read as well).  A dataset with no files is an empty
view of the right columns, so queries over it still run.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .write import DATASETS, SCHEMAS


def connect(data_dir: str | Path) -> duckdb.DuckDBPyConnection:
    d = Path(data_dir)
    if not d.is_dir():
        raise FileNotFoundError(f"{d}: no such output directory (run jixiao ingest first)")
    con = duckdb.connect()
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
        elif parts.is_dir():
            cols = ", ".join(f'"{c}"' for c in SCHEMAS[name].names)
            con.register(f"_{name}_empty", SCHEMAS[name].empty_table())
            con.execute(f"CREATE VIEW {name} AS SELECT {cols} FROM _{name}_empty")
    return con
