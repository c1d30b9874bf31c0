"""Run: files and folders → ``DocResult``s → Parquet, one document at a time.

In:  paths (files or folders), an output directory, a ``Config``.
Out: the four Parquet datasets (``write``) and a ``Summary`` (counts, findings by code,
time).  A file that cannot be read becomes a document with status ``error`` and a
finding; the rest of the batch still lands.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, load_config
from .interpret import interpret
from .keys import assign_keys
from .model import DocResult, Finding, ReadError, TableRecord
from .read import IMAGE_SUFFIXES, OFFICE_SUFFIXES, PDF_SUFFIXES, TEXT_SUFFIXES, read_document
from .segment import segment
from .validate import validate
from .write import write_datasets

SUPPORTED = (TEXT_SUFFIXES - {""}) | PDF_SUFFIXES | OFFICE_SUFFIXES | IMAGE_SUFFIXES


@dataclass(slots=True)
class Summary:
    documents: int = 0
    failed: int = 0
    tables: int = 0
    indicators: int = 0
    findings: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    out_dir: Path | None = None
    errors: list[str] = field(default_factory=list)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and supported files under folders named (sorted, no duplicates)."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in SUPPORTED and not f.name.startswith(".")
            )
        else:
            found = [p]
        for f in found:
            r = f.resolve()
            if r not in seen:
                seen.add(r)
                out.append(f)
    return out


_FIELDS = (
    "name",
    "owner",
    "phone",
    "category",
    "attribute",
    "period",
    "budget_yuan",
    "fund_nature",
    "annual_goal",
    "org",
    "policy",
    "plan",
)


def _has_content(rec: TableRecord) -> bool:
    """A table is kept when it has indicators or at least three header fields; less is a
    cover line, a contact line or page debris that looked like a title or a label."""
    return bool(rec.indicators) or sum(getattr(rec, f) is not None for f in _FIELDS) >= 3


def process_file(path: str | Path, cfg: Config) -> DocResult:
    """Read, segment, interpret and validate one file.  Never raises."""
    p = Path(path)
    try:
        doc = read_document(p)
    except ReadError as e:
        return _failed(p, str(e), "read_error")
    except Exception as e:  # a reader bug must not sink the batch
        return _failed(
            p, f"{p.name}: {type(e).__name__}: {e}", "internal_error", traceback.format_exc(limit=3)
        )
    try:
        seg = segment(doc, cfg)
        res = DocResult(
            doc_id=doc.doc_id,
            source=doc.source,
            path=str(p),
            form=doc.form,
            status="ok",
            year=seg.year,
            issuer=seg.issuer,
            n_pages=doc.n_pages,
        )
        res.findings.extend(doc.findings)
        for table in seg.tables:
            rec, notes = interpret(table, cfg)
            if not _has_content(rec):
                continue
            rec.table_no = len(res.tables) + 1
            for f in notes:
                f.table_no = rec.table_no
            rec.year = rec.year or seg.year
            res.tables.append(rec)
            res.findings.extend(notes)
            res.findings.extend(validate(rec, seg.year))
        if not res.tables:
            res.status = "empty"
            res.findings.append(
                Finding("warning", "no_tables", f"{p.name}: no 绩效目标表 found in the document")
            )
        res.year = res.year or next((t.year for t in res.tables if t.year), None)
        res.issuer = res.issuer or next((t.issuer for t in res.tables if t.issuer), None)
        return assign_keys(res)
    except Exception as e:
        return _failed(
            p,
            f"{p.name}: {type(e).__name__}: {e}",
            "internal_error",
            traceback.format_exc(limit=3),
            doc_id=doc.doc_id,
            form=doc.form,
        )


def _failed(
    p: Path,
    msg: str,
    code: str,
    detail: str | None = None,
    doc_id: str | None = None,
    form: str | None = None,
) -> DocResult:
    if doc_id is None:
        from .read import doc_id_of

        try:
            doc_id = doc_id_of(p.read_bytes())
        except OSError:
            doc_id = "unreadable:" + p.name
    res = DocResult(
        doc_id=doc_id, source=p.name, path=str(p), form=form or "unknown", status="error", error=msg
    )
    res.findings.append(Finding("error", code, msg + (f"\n{detail}" if detail else "")))
    return res


def ingest_paths(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    cfg: Config | None = None,
    on_file: Callable[[Path, DocResult], None] | None = None,
) -> Summary:
    """Ingest files/folders into Parquet datasets under ``out_dir``."""
    t0 = time.perf_counter()
    cfg = cfg or load_config()
    files = expand(paths)
    results: list[DocResult] = []
    summary = Summary(out_dir=Path(out_dir))
    for f in files:
        res = process_file(f, cfg)
        results.append(res)
        summary.documents += 1
        summary.tables += len(res.tables)
        summary.indicators += sum(len(t.indicators) for t in res.tables)
        summary.findings.update(x.code for x in res.findings)
        if res.status == "error":
            summary.failed += 1
            summary.errors.append(res.error or res.source)
        if on_file:
            on_file(f, res)
    write_datasets(results, out_dir, cfg.config_hash)
    summary.seconds = time.perf_counter() - t0
    return summary
