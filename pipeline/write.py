"""Write stage: ``DocResult``s → Parquet datasets (SPEC section 4), and the on-disk layout.

In:  ``DocResult``s (or their rows as Arrow tables), an output directory.
Out: four datasets under the directory, readable by DuckDB, pandas, polars and Spark, and
the run manifest ``_manifest.json``.  Column types are explicit Arrow types (``SCHEMAS``).

Layout of an output directory ``OUT``::

    OUT/_manifest.json                               the last run (written last, atomically)
    OUT/documents/part-00000.parquet                 one row per input, every input
    OUT/findings/part-00000.parquet                  validation and read findings
    OUT/targets/year-2024/part-00000.parquet         one row per table, a folder per year
    OUT/indicators/year-2024/part-00000.parquet      one row per indicator, a folder per year
    OUT/indicators/year-0/                           rows whose table states no year

* ``targets`` and ``indicators`` are split into one folder per ``year``, and ``year`` is an
  ordinary int32 column inside every file as well, so a single part file, pandas
  (``pd.read_parquet(dir)``), pyarrow, polars and DuckDB (``read_parquet('dir/**/*.parquet')``)
  all read it as a 32-bit integer with no option.  The folders are named ``year-2024``, not
  hive-style ``year=2024``: pandas and pyarrow discover hive keys by default, and a key
  next to the same column in the files fails to merge (dictionary against int32).
  Rows whose table states no year have year 0 ("not stated").  (Outputs of older
  versions, with ``year=`` folders and no column in the files, are still read.)
* ``documents`` and ``findings`` are not partitioned: every input has a ``documents`` row
  whatever its year, including files that could not be read.
* Part ``part-NNNNN`` holds the documents at input positions ``NNNNN*part_docs`` to
  ``(NNNNN+1)*part_docs - 1`` (sorted input order), rows in input order and, within a
  document, in reading order; so two runs over the same inputs write the same files.
* Every file is written to a temporary name, fsynced and renamed; a run builds the new
  datasets and manifest beside the old ones and publishes them by replacing one pointer
  (``swap_in``): ``OUT/documents`` … ``OUT/_manifest.json`` are symbolic links into
  ``OUT/_current``, itself a link to ``OUT/_versions/<run>/``, so readers see the old
  output or the new one, whole, at every instant.

Manifest (``OUT/_manifest.json``, UTF-8 JSON; format ``manifest_version`` 1)::

    {
      "manifest_version": 1,
      "pipeline_version": "0.1.0",        # pipeline.__version__
      "code_hash": "…",                   # digest of the pipeline's source files
      "config_hash": "…",                 # Config.config_hash (configs/*.yaml)
      "options": {"part_docs": 200, "max_bytes": 209715200, "timeout": 120.0},
      "started": "2025-01-31T08:00:00Z",  # UTC, ISO 8601
      "finished": "2025-01-31T08:00:09Z",
      "seconds": 9.1,
      "run": {"executor": "local", "jobs": 2, "parsed": 3, "reused": 1997},
      "counts": {"documents": 2000, "ok": 1990, "empty": 5, "error": 5, "pages": 2000,
                 "tables": 30000, "indicators": 280000, "findings": 6000},
      "inputs": [                          # every input, in input (sorted) order
        {"doc_id": "…", "path": "data/raw/a.txt", "source": "a.txt", "bytes": 39529,
         "status": "ok", "code": null, "error": null, "form": "text", "year": 2024,
         "n_pages": null, "n_tables": 15, "n_indicators": 140, "n_findings": 3,
         "part": 0},
        …],
      "datasets": {                        # every file of every dataset
        "indicators": {"partitioning": ["year"], "rows": 280000,
                       "files": [{"path": "indicators/year=2024/part-00000.parquet",
                                  "rows": 28000, "bytes": 301234}, …]},
        …}
    }

``file_id`` is the digest of the path as given (``keys.file_id_of``), ``doc_id`` the
content hash (sha256, 16 hex digits; null for inputs never opened) and ``path`` the path
as given; ``status`` is ``ok`` | ``partial`` | ``empty`` | ``error`` | ``skipped`` | ``duplicate`` |
``archive``, with its ``reason``; ``code`` is the code of the error finding of a
failed input (``read_error``, ``internal_error``, ``too_large``, ``worker_timeout``,
``worker_crashed``), else null.  Two runs over the same inputs with the same options and
config write the same manifest except ``started``, ``finished``, ``seconds`` and
``run.parsed``/``run.reused`` (how much came from the cache).  Keys are only ever added.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import __version__
from .keys import file_id_of
from .model import DocResult

S, F, I32 = pa.string(), pa.float64(), pa.int32()
BBOX = pa.list_(pa.float64(), 4)

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("file_id", S),
            ("doc_id", S),
            ("source", S),
            ("path", S),
            ("form", S),
            ("status", S),
            ("error", S),
            ("reason", S),
            ("year", I32),
            ("issuer", S),
            ("n_tables", I32),
            ("n_indicators", I32),
            ("n_pages", I32),
            ("pipeline_version", S),
            ("config_hash", S),
        ]
    ),
    "targets": pa.schema(
        [
            ("file_id", S),
            ("doc_id", S),
            ("source", S),
            ("table_no", I32),
            ("kind", S),
            ("form", S),
            ("year", I32),
            ("name", S),
            ("issuer", S),
            ("owner", S),
            ("phone", S),
            ("category", S),
            ("attribute", S),
            ("period", S),
            ("budget_yuan", F),
            ("fund_nature", S),
            ("annual_goal", S),
            ("org", S),
            ("policy", S),
            ("plan", S),
            ("n_indicators", I32),
            ("page", I32),
            ("line_start", I32),
            ("line_end", I32),
            ("bbox", BBOX),
            ("budget_planned", F),
            ("budget_adjusted", F),
            ("budget_executed", F),
            ("execution_rate", F),
            ("target_key", S),
        ]
    ),
    "indicators": pa.schema(
        [
            ("file_id", S),
            ("doc_id", S),
            ("source", S),
            ("table_no", I32),
            ("row_no", I32),
            ("year", I32),
            ("table_name", S),
            ("issuer", S),
            ("level1", S),
            ("level2", S),
            ("level3", S),
            ("value_raw", S),
            ("op", S),
            ("value", F),
            ("value_max", F),
            ("unit", S),
            ("per", S),
            ("kind", S),
            ("explanation", S),
            ("level1_raw", S),
            ("level2_raw", S),
            ("level1_score", F),
            ("level2_score", F),
            ("page", I32),
            ("line", I32),
            ("bbox", BBOX),
            ("flags", pa.list_(S)),
            ("actual_raw", S),
            ("actual_op", S),
            ("actual_value", F),
            ("actual_unit", S),
            ("weight", F),
            ("score", F),
            ("deviation", S),
            ("ocr_conf", F),
            ("actual_kind", S),
            ("met", pa.bool_()),
            ("direction", S),
            ("target_key", S),
            ("indicator_key", S),
            ("link_key", S),
        ]
    ),
    "findings": pa.schema(
        [
            ("file_id", S),
            ("doc_id", S),
            ("source", S),
            ("table_no", I32),
            ("row_no", I32),
            ("line", I32),
            ("page", I32),
            ("severity", S),
            ("code", S),
            ("message", S),
        ]
    ),
}
DATASETS = tuple(SCHEMAS)


def rows_of(result: DocResult, config_hash: str) -> dict[str, list[dict]]:
    """The Parquet rows one document contributes to each dataset."""
    d, src, fid = result.doc_id, result.source, file_id_of(result.path)
    out: dict[str, list[dict]] = {name: [] for name in DATASETS}
    out["documents"].append(
        {
            "file_id": fid,
            "doc_id": d,
            "source": src,
            "path": result.path,
            "form": result.form,
            "status": result.status,
            "error": result.error if result.status == "error" else None,
            "reason": result.error if result.status != "ok" else None,
            "year": result.year,
            "issuer": result.issuer,
            "n_tables": len(result.tables),
            "n_indicators": sum(len(t.indicators) for t in result.tables),
            "n_pages": result.n_pages,
            "pipeline_version": __version__,
            "config_hash": config_hash,
        }
    )
    for t in result.tables:
        out["targets"].append(
            {
                "file_id": fid,
                "doc_id": d,
                "source": src,
                "table_no": t.table_no,
                "kind": t.kind,
                "form": t.form,
                "year": t.year,
                "name": t.name,
                "issuer": t.issuer,
                "owner": t.owner,
                "phone": t.phone,
                "category": t.category,
                "attribute": t.attribute,
                "period": t.period,
                "budget_yuan": t.budget_yuan,
                "fund_nature": t.fund_nature,
                "annual_goal": t.annual_goal,
                "org": t.org,
                "policy": t.policy,
                "plan": t.plan,
                "n_indicators": len(t.indicators),
                "page": t.page,
                "line_start": t.line_start,
                "line_end": t.line_end,
                "bbox": list(t.bbox) if t.bbox else None,
                "budget_planned": t.budget_planned,
                "budget_adjusted": t.budget_adjusted,
                "budget_executed": t.budget_executed,
                "execution_rate": t.execution_rate,
                "target_key": t.key,
            }
        )
        for i in t.indicators:
            v, a = i.target, i.actual
            out["indicators"].append(
                {
                    "file_id": fid,
                    "doc_id": d,
                    "source": src,
                    "table_no": t.table_no,
                    "row_no": i.row_no,
                    "year": t.year,
                    "table_name": t.name,
                    "issuer": t.issuer,
                    "level1": i.level1,
                    "level2": i.level2,
                    "level3": i.level3,
                    "value_raw": v.raw,
                    "op": v.op,
                    "value": v.value,
                    "value_max": v.value_max,
                    "unit": v.unit,
                    "per": v.per,
                    "kind": v.kind,
                    "explanation": i.explanation,
                    "level1_raw": i.level1_raw,
                    "level2_raw": i.level2_raw,
                    "level1_score": i.level1_score,
                    "level2_score": i.level2_score,
                    "page": i.page,
                    "line": i.line,
                    "bbox": list(i.bbox) if i.bbox else None,
                    "flags": i.flags,
                    "actual_raw": a.raw if a else None,
                    "actual_op": a.op if a else None,
                    "actual_value": a.value if a else None,
                    "actual_unit": a.unit if a else None,
                    "weight": i.weight,
                    "score": i.score,
                    "deviation": i.deviation,
                    "ocr_conf": i.min_conf,
                    "actual_kind": a.kind if a else None,
                    "met": i.met,
                    "direction": i.direction,
                    "target_key": t.key,
                    "indicator_key": i.key,
                    "link_key": i.link_key,
                }
            )
    for f in result.findings:
        out["findings"].append(
            {
                "file_id": fid,
                "doc_id": d,
                "source": src,
                "table_no": f.table_no,
                "row_no": f.row_no,
                "line": f.line,
                "page": f.page,
                "severity": f.severity,
                "code": f.code,
                "message": f.message,
            }
        )
    return out


PARTITIONED = ("targets", "indicators")  # hive-partitioned by year
UNKNOWN_YEAR = 0  # partition and value of rows whose table states no year
MANIFEST = "_manifest.json"
MANIFEST_VERSION = 1
YEAR = pa.schema([("year", I32)])


def file_schema(name: str) -> pa.Schema:
    """The schema inside the files of a dataset: all its columns (``year`` included, as an
    ordinary int32 column, in the partitioned datasets too)."""
    return SCHEMAS[name]


def arrow_without_pandas() -> None:
    """Let pyarrow convert Python lists in this process without importing pandas.

    The first time pyarrow converts a Python list (``pa.array``) it asks whether pandas is
    installed, by importing it: 0.3 s of start-up and 0.1 s of exit in every process that
    ingests, for a library the ingest never hands to pyarrow.  Asked once while ``import
    pandas`` fails, pyarrow notes that it has no pandas and converts lists directly; it
    still imports pandas when pandas objects are asked for (``to_pandas``,
    ``from_pandas``), and a reader that uses pandas itself imports it as usual.  Called by
    the ingest command and by each worker, never on import; does nothing when pandas is
    already loaded or pyarrow has already asked."""
    import sys

    if "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # `import pandas` fails now
    try:
        pa.lib._pandas_api.have_pandas  # noqa: B018  (the question pyarrow asks once)
    except AttributeError:  # another pyarrow: it asks (and imports) when it needs to
        pass
    finally:
        del sys.modules["pandas"]


def to_table(name: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts) → a table of ``SCHEMAS[name]``, built column by column."""
    schema = SCHEMAS[name]
    return pa.table(
        [pa.array([r[f.name] for r in rows], type=f.type) for f in schema], schema=schema
    )


def doc_tables(result: DocResult, config_hash: str) -> dict[str, pa.Table]:
    """The rows one document contributes to each dataset, as Arrow tables."""
    return {name: to_table(name, rows) for name, rows in rows_of(result, config_hash).items()}


def to_ipc(tables: dict[str, pa.Table]) -> dict[str, bytes]:
    """Tables of ``SCHEMAS`` → one Arrow IPC record-batch message each (no schema: both
    sides know it; b"" for no rows).  How workers send a document's rows: encoding and
    decoding is C++ work, about ten times cheaper than pickling the tables."""
    return {
        name: t.combine_chunks().to_batches()[0].serialize().to_pybytes() if t.num_rows else b""
        for name, t in tables.items()
    }


def from_ipc(blobs: dict[str, bytes]) -> dict[str, pa.Table]:
    return {
        name: pa.Table.from_batches([pa.ipc.read_record_batch(pa.py_buffer(b), SCHEMAS[name])])
        if b
        else SCHEMAS[name].empty_table()
        for name, b in blobs.items()
    }


def part_name(part: int) -> str:
    return f"part-{part:05d}.parquet"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")


def write_parquet(table: pa.Table, path: Path) -> int:
    """Write ``table`` to ``path`` atomically (temporary name, fsync, rename); its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    pq.write_table(table, tmp, compression="zstd")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path.stat().st_size


def json_text(obj: object, level: int = 0) -> str:
    """JSON for people and diffs: objects indented one space per level, a list of objects
    one object per line (fast: each line is encoded by the C encoder)."""
    pad = " " * (level + 1)
    if isinstance(obj, dict) and obj:
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {json_text(v, level + 1)}"
            for k, v in obj.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + " " * level + "}"
    if isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        lines = (pad + json.dumps(x, ensure_ascii=False) for x in obj)
        return "[\n" + ",\n".join(lines) + "\n" + " " * level + "]"
    return json.dumps(obj, ensure_ascii=False)


def write_json(path: Path, obj: object) -> None:
    """Write JSON (``json_text``) atomically: temporary name, fsync, rename, fsync of the
    folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(path)
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json_text(obj) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def partition_dir(year: int | None) -> str:
    """``year-2024`` (``year-0``: no year stated).  Not ``year=2024``: a hive key in the
    folder name next to the ``year`` column in the files makes pandas and pyarrow's hive
    discovery fail (a dictionary column against an int32 one)."""
    return f"year-{UNKNOWN_YEAR if year is None else year}"


def write_part(root: Path, name: str, part: int, table: pa.Table) -> list[dict]:
    """Write one part of dataset ``name`` under ``root`` (one file per year for the
    partitioned datasets; nothing for an empty table).  Returns the files written as
    ``{"path", "rows", "bytes"}`` with paths relative to ``root``."""
    table = table.select(SCHEMAS[name].names).combine_chunks()
    if table.num_rows == 0:
        return []
    if name not in PARTITIONED:
        rel = f"{name}/{part_name(part)}"
        return [{"path": rel, "rows": table.num_rows, "bytes": write_parquet(table, root / rel)}]
    files = []
    years = table.column("year")
    years = pc.fill_null(years, UNKNOWN_YEAR)
    table = table.set_column(table.schema.get_field_index("year"), "year", years)
    values = sorted(years.unique().to_pylist())
    for y in values:
        rows = table  # one year in this part: no filtering
        if len(values) > 1:
            rows = table.filter(pc.equal(years, y))
        rel = f"{name}/{partition_dir(y)}/{part_name(part)}"
        files.append({"path": rel, "rows": rows.num_rows, "bytes": write_parquet(rows, root / rel)})
    return files


def write_window(root: Path, part: int, tables: dict[str, pa.Table]) -> list[dict]:
    """Write part ``part`` of every dataset (``documents`` last)."""
    files: list[dict] = []
    for name in (*[n for n in DATASETS if n != "documents"], "documents"):
        files += write_part(root, name, part, tables[name])
    return files


def read_file(root: Path, rel: str) -> pa.Table:
    """One part file as a table of the full schema (``year`` restored from its folder in
    outputs of older versions, whose files lack it)."""
    name = rel.split("/", 1)[0]
    table = pq.ParquetFile(root / rel).read()
    if name in PARTITIONED and "year" not in table.column_names:
        value = rel.split("/")[1].removeprefix("year=")
        idx = SCHEMAS[name].get_field_index("year")
        table = table.add_column(
            idx, SCHEMAS[name].field("year"), pa.array([int(value)] * len(table), I32)
        )
    return table.select(SCHEMAS[name].names).cast(SCHEMAS[name])


def read_dataset(out_dir: str | Path, name: str, columns: list[str] | None = None) -> pa.Table:
    """A whole dataset of an output directory, columns in ``SCHEMAS`` order, ``year`` as
    int32 (0 where the table states no year)."""
    d = Path(out_dir) / name
    cols = columns or SCHEMAS[name].names
    if not d.is_dir() or not any(d.rglob("*.parquet")):
        return SCHEMAS[name].empty_table().select(cols)
    import pyarrow.dataset as ds  # here, not at the top: it imports pandas (0.2 s)

    hive = name in PARTITIONED and any(p.name.startswith("year=") for p in d.iterdir())
    part = ds.partitioning(YEAR, flavor="hive") if hive else None  # an older output
    return ds.dataset(d, format="parquet", partitioning=part).to_table(columns=cols)


def list_files(root: Path, name: str) -> list[str]:
    """Parquet files of one dataset under ``root``, relative to it, sorted."""
    d = root / name
    return (
        sorted(p.relative_to(root).as_posix() for p in d.rglob("*.parquet")) if d.is_dir() else []
    )


def read_manifest(out_dir: str | Path) -> dict | None:
    """The manifest of an output directory, or None when there is none (or it is unreadable)."""
    try:
        m = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) and m.get("manifest_version") == MANIFEST_VERSION else None


VERSIONS = "_versions"  # OUT/_versions/<run>/: one complete output per run
CURRENT = "_current"  # OUT/_current -> _versions/<run>: the one pointer a commit replaces


def _link(target: str, at: Path) -> None:
    """Make ``at`` a symbolic link to ``target`` by one rename (atomic for readers)."""
    tmp = _tmp(at)
    os.symlink(target, tmp)
    os.replace(tmp, at)


def swap_in(out: Path, stage: Path, manifest: dict | None = None) -> Path:
    """Publish the datasets built under ``stage`` (and ``manifest``) as the output of
    ``out``, atomically for readers; returns the version folder.

    ``stage`` becomes ``OUT/_versions/<name>/`` by one rename, then the pointer
    ``OUT/_current`` is replaced by one rename; ``OUT/documents``, ``OUT/targets``,
    ``OUT/indicators``, ``OUT/findings`` and ``OUT/_manifest.json`` are fixed links
    into ``_current``.  A kill before the pointer moves leaves the previous output whole;
    after it, the new one whole: no instant shows a dataset missing or two runs mixed.
    (An output of an older version, with real folders, is converted once: its folders
    move into ``_versions/`` and become links, one rename each.)  Versions other than the
    current and the previous one are deleted (a reader still busy with the previous
    output keeps its files)."""
    for name in DATASETS:
        (stage / name).mkdir(exist_ok=True)
    if manifest is not None:
        write_json(stage / MANIFEST, manifest)
    for name in DATASETS:
        for d in [stage / name, *(p for p in (stage / name).rglob("*") if p.is_dir())]:
            fsync_dir(d)
    fsync_dir(stage)
    versions = out / VERSIONS
    versions.mkdir(exist_ok=True)
    version = versions / f"{stage.name.lstrip('.')}-{uuid.uuid4().hex[:6]}"
    os.rename(stage, version)
    fsync_dir(versions)
    names = [*DATASETS, MANIFEST]
    legacy = [n for n in names if (out / n).exists() and not (out / n).is_symlink()]
    if legacy:  # an output of an older version: its datasets become a version of their own
        old = versions / f"legacy-{uuid.uuid4().hex[:6]}"
        old.mkdir()
        for n in legacy:
            os.rename(out / n, old / n)
            _link(f"{CURRENT}/{n}", out / n)
    for n in names:
        if not (out / n).is_symlink():
            _link(f"{CURRENT}/{n}", out / n)  # dangles until the first pointer exists
    previous = os.readlink(out / CURRENT) if (out / CURRENT).is_symlink() else None
    _link(f"{VERSIONS}/{version.name}", out / CURRENT)
    fsync_dir(out)
    keep = {version.name, Path(previous).name if previous else ""}
    for v in versions.iterdir():
        if v.name not in keep:
            shutil.rmtree(v, ignore_errors=True)
    return version


def write_datasets(results: Iterable[DocResult], out_dir: str | Path, config_hash: str) -> Path:
    """Write all four datasets for ``results`` into ``out_dir`` (replacing what was there),
    as one part, without a manifest.  ``run.ingest_paths`` is the full batch writer."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, list[pa.Table]] = {name: [] for name in DATASETS}
    for r in results:
        for name, t in doc_tables(r, config_hash).items():
            tables[name].append(t)
    stage = out / f".stage-{uuid.uuid4().hex[:8]}"
    write_window(
        stage,
        0,
        {n: pa.concat_tables(ts) if ts else SCHEMAS[n].empty_table() for n, ts in tables.items()},
    )
    swap_in(out, stage)
    return out


def replace_dataset(out: Path, name: str, tables: list[pa.Table]) -> None:
    """Atomically replace ``out/name/`` with the given tables as parts (any dataset name;
    used by other writers such as ``diff``)."""
    tmp = out / f".{name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    for n, table in enumerate(tables):
        part = tmp / f"part-{n:05d}.parquet"
        pq.write_table(table, part, compression="zstd")
        with open(part, "rb") as fh:
            os.fsync(fh.fileno())
    target = out / name
    old = out / f".{name}.old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        os.rename(target, old)
    os.rename(tmp, target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
