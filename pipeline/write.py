"""Write stage: ``DocResult``s → Parquet datasets (SPEC section 4).

In:  a list of ``DocResult`` and an output directory.
Out: four datasets under the directory, each a folder of Parquet parts readable by
DuckDB, pandas, polars and Spark: ``documents/``, ``targets/``, ``indicators/``,
``findings/``.  Column types are explicit Arrow types (no all-null object columns).

Writes are atomic per dataset: parts go to a temporary folder beside the target, which
then replaces the old folder by rename, so a reader never sees half a dataset.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .model import DocResult

S, F, I32 = pa.string(), pa.float64(), pa.int32()
BBOX = pa.list_(pa.float64(), 4)

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("doc_id", S),
            ("source", S),
            ("path", S),
            ("form", S),
            ("status", S),
            ("error", S),
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
            ("doc_id", S),
            ("source", S),
            ("table_no", I32),
            ("row_no", I32),
            ("year", I32),
            ("table_name", S),
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
    d, src = result.doc_id, result.source
    out: dict[str, list[dict]] = {name: [] for name in DATASETS}
    out["documents"].append(
        {
            "doc_id": d,
            "source": src,
            "path": result.path,
            "form": result.form,
            "status": result.status,
            "error": result.error,
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
                    "doc_id": d,
                    "source": src,
                    "table_no": t.table_no,
                    "row_no": i.row_no,
                    "year": t.year,
                    "table_name": t.name,
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


def to_table(name: str, rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])


def write_datasets(results: Iterable[DocResult], out_dir: str | Path, config_hash: str) -> Path:
    """Write all four datasets for ``results`` into ``out_dir`` (replacing what was there)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict]] = {name: [] for name in DATASETS}
    for r in results:
        for name, part in rows_of(r, config_hash).items():
            rows[name].extend(part)
    for name in DATASETS:
        replace_dataset(out, name, [to_table(name, rows[name])])
    return out


def replace_dataset(out: Path, name: str, tables: list[pa.Table]) -> None:
    """Atomically replace ``out/name/`` with the given tables as parts."""
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
