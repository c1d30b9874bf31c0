"""Run: files and folders → ``DocResult``s → Parquet, as a parallel, incremental,
crash-safe batch.

In:  paths (files or folders), an output directory, a ``Config``, batch options.
Out: the four Parquet datasets and ``_manifest.json`` under the output directory (layout
and manifest format: ``write.py``) and a ``Summary`` (counts, findings by code, time).

``process_file(path, cfg) -> DocResult`` is the per-document function: it reads one file
and never raises.  ``ingest_paths`` runs it over a batch:

* **Parallel.**  Files go to an executor (``executors.py``): ``local`` worker processes
  (``jobs``, default one per CPU), a ``dask`` cluster, or ``inline``.  Each file has a
  time budget of ``timeout`` seconds per page (default 120 s; a file without pages counts
  as one), at most ``timeout_cap`` (default 1800 s); a file whose worker times out or dies
  becomes a document with status ``error`` and an error finding ``worker_timeout`` /
  ``worker_crashed``, and the batch goes on.  Files over ``max_bytes`` (default 200 MiB)
  are not read: status ``error``, finding ``too_large``.  Every input gets exactly one
  ``documents`` row.
* **Incremental.**  A document is reused, not parsed again, when its content hash
  (``doc_id``), its path as given, the pipeline version, the pipeline's code hash and
  the config hash are all unchanged.  Its rows come from the previous output (the
  datasets are the cache: no second copy is kept) or from the parts of an interrupted
  run.  A part whose documents are all unchanged, in the same order, is hard-linked
  instead of rewritten, so re-running an unchanged batch only hashes the inputs.
  Documents whose worker timed out or crashed are always retried.  ``incremental=False``
  parses everything.
* **The output is exactly the inputs of this run**, in sorted input order: documents of
  an earlier run that are not given again are dropped from the datasets.
* **Crash safe.**  A run builds the new datasets under ``OUT/_work/<run>/``, a part at a
  time (``part_docs`` documents, default 200; each part written to temporary names,
  fsynced and renamed, its ``windows/w-NNNNN.json`` record last); only when every part is
  written are the datasets swapped in by rename and the manifest written, last.  A run
  killed at any point leaves the previous datasets and manifest as they were; the next
  run reuses the parts the killed one finished and removes ``_work/`` when it commits.
  An exclusive lock (``OUT/.jixiao.lock``) keeps two runs out of one directory.
* **Bounded memory.**  Workers handle one file at a time and return its rows as Arrow
  record batches (IPC bytes); the parent keeps at most ``2 * part_docs`` finished
  documents before it writes their part, and reads earlier parts back one part at a time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import traceback
import uuid
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from . import __version__
from .common import doc_id_of
from .config import Config, load_config
from .direction import assign_directions, load_directions
from .interpret import interpret
from .keys import assign_keys
from .model import DocResult, Finding, ReadError, TableRecord
from .readers import SUPPORTED_SUFFIXES, read_document
from .segment import segment
from .validate import validate
from .write import (
    DATASETS,
    MANIFEST,
    MANIFEST_VERSION,
    PARTITIONED,
    SCHEMAS,
    doc_tables,
    from_ipc,
    list_files,
    part_name,
    read_file,
    read_manifest,
    swap_in,
    write_json,
    write_parquet,
    write_window,
)

SUPPORTED = SUPPORTED_SUFFIXES
DEFAULT_TIMEOUT = 120.0  # seconds per page of a file
DEFAULT_TIMEOUT_CAP = 1800.0  # seconds per file at most
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_PART_DOCS = 200
RETRY_CODES = frozenset({"worker_timeout", "worker_crashed"})
WORK = "_work"
LOCK = ".jixiao.lock"


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
    parsed: int = 0  # documents processed in this run
    reused: int = 0  # documents whose rows came from an earlier run
    pages: int = 0  # pages read (a text file counts as one)


@dataclass(slots=True)
class Progress:
    """What ``on_progress`` is given after each document."""

    total: int
    done: int = 0
    parsed: int = 0
    reused: int = 0
    failed: int = 0
    pages: int = 0
    name: str = ""


class BusyError(RuntimeError):
    """Another ingest holds the output directory."""


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
        directions = cfg.directory / "directions.yaml"
        vocab = load_directions(directions if directions.is_file() else None)
        return assign_directions(assign_keys(res), vocab)
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
        try:
            doc_id = doc_id_of(p.read_bytes())
        except OSError:
            doc_id = "unreadable:" + p.name
    res = DocResult(
        doc_id=doc_id, source=p.name, path=str(p), form=form or "unknown", status="error", error=msg
    )
    res.findings.append(Finding("error", code, msg + (f"\n{detail}" if detail else "")))
    return res


# --------------------------------------------------------------------------- batch runs

Outcome = dict[str, pa.Table]  # one document's rows, per dataset


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Digest of the pipeline's source files: an edited checkout never reuses stale rows."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _hash_file(p: Path) -> tuple[str, int]:
    """``doc_id`` (as ``read.doc_id_of``) and size of a file, read in 1 MiB blocks."""
    h, n = hashlib.sha256(), 0
    try:
        with open(p, "rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
                n += len(block)
    except OSError:
        return "unreadable:" + p.name, -1
    return h.hexdigest()[:16], n


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    with open(out / LOCK, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(f"{out}: another jixiao ingest is writing here") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass(slots=True)
class _Input:
    ord: int
    path: Path
    doc_id: str
    size: int

    @property
    def key(self) -> tuple[str, str]:
        return self.doc_id, str(self.path)


@dataclass(slots=True, eq=False)
class _Window:
    """A finished part (of the previous output or of an interrupted run) to reuse rows from."""

    root: Path
    files: list[dict]
    entries: list[dict]
    max_bytes: int | None


def _files_ok(root: Path, files: list[dict]) -> bool:
    try:
        return all((root / f["path"]).stat().st_size == f["bytes"] for f in files)
    except (OSError, KeyError, TypeError):
        return False


def _previous(out: Path, meta: dict) -> list[_Window]:
    """The parts of the committed output, when its manifest matches it and this run."""
    m = read_manifest(out)
    if not m or any(m.get(k) != v for k, v in meta.items()):
        return []
    try:
        files = [f for d in m["datasets"].values() for f in d["files"]]
        listed = {f["path"] for f in files}
        present = {rel for name in DATASETS for rel in list_files(out, name)}
        if listed != present or not _files_ok(out, files):
            return []
        by_part: dict[int, list[dict]] = {}
        for f in files:
            by_part.setdefault(int(f["path"].rsplit("part-", 1)[1][:5]), []).append(f)
        entries: dict[int, list[dict]] = {}
        for e in m["inputs"]:
            entries.setdefault(e["part"], []).append(e)
        max_bytes = m["options"]["max_bytes"]
    except (KeyError, TypeError, ValueError, IndexError):
        return []
    return [_Window(out, by_part.get(p, []), es, max_bytes) for p, es in sorted(entries.items())]


def _staged(out: Path, meta: dict) -> list[_Window]:
    """The finished parts of interrupted runs (``_work/<run>/windows/*.json``)."""
    found = []
    work = out / WORK
    for run_dir in sorted(work.iterdir()) if work.is_dir() else []:
        try:
            info = json.loads((run_dir / "_run.json").read_text(encoding="utf-8"))
            if any(info.get(k) != v for k, v in meta.items()):
                continue
            for wf in sorted((run_dir / "windows").glob("w-*.json")):
                w = json.loads(wf.read_text(encoding="utf-8"))
                if _files_ok(run_dir, w["files"]):
                    found.append(_Window(run_dir, w["files"], w["entries"], info["max_bytes"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found


def _split(win: _Window) -> list[Outcome]:
    """Read a finished part back and cut it into its documents' rows."""
    parts: dict[str, list[pa.Table]] = {n: [] for n in DATASETS}
    for f in win.files:
        name = f["path"].split("/", 1)[0]
        if name in parts:
            parts[name].append(read_file(win.root, f["path"]))
    out: list[Outcome] = [{} for _ in win.entries]
    for name in DATASETS:
        t = pa.concat_tables(parts[name]) if parts[name] else SCHEMAS[name].empty_table()
        col = "path" if name == "documents" else "source"
        pos = {(e["doc_id"], e[col]): i for i, e in enumerate(win.entries)}
        rows: list[list[int]] = [[] for _ in win.entries]
        for r, k in enumerate(zip(t["doc_id"].to_pylist(), t[col].to_pylist(), strict=True)):
            if (i := pos.get(k)) is not None:
                rows[i].append(r)
        for i, rs in enumerate(rows):
            out[i][name] = t.take(pa.array(rs, pa.int64()))
    return out


def _result(d: dict, findings: list[dict]) -> DocResult:
    """A document's ``DocResult`` rebuilt from its ``documents`` row and ``findings`` rows
    (without tables)."""
    res = DocResult(
        doc_id=d["doc_id"],
        source=d["source"],
        path=d["path"],
        form=d["form"],
        status=d["status"],
        year=d["year"],
        issuer=d["issuer"],
        n_pages=d["n_pages"],
        error=d["error"],
    )
    for f in findings:
        res.findings.append(
            Finding(
                f["severity"],
                f["code"],
                f["message"],
                f["table_no"],
                f["row_no"],
                f["line"],
                f["page"],
            )
        )
    return res


def _header(o: Outcome) -> tuple[DocResult, dict]:
    d = o["documents"].to_pylist()[0]
    return _result(d, o["findings"].to_pylist()), d


def _headers(win: _Window) -> list[tuple[DocResult, dict]]:
    """``_header`` of every document of a finished part, reading only its documents and
    findings files."""
    t = {"documents": [], "findings": []}
    for f in win.files:
        name = f["path"].split("/", 1)[0]
        if name in t:
            t[name] += read_file(win.root, f["path"]).to_pylist()
    findings: dict[tuple[str, str], list[dict]] = {}
    for f in t["findings"]:
        findings.setdefault((f["doc_id"], f["source"]), []).append(f)
    by_path = {(d["doc_id"], d["path"]): d for d in t["documents"]}
    out = []
    for e in win.entries:
        d = by_path[(e["doc_id"], e["path"])]
        out.append((_result(d, findings.get((e["doc_id"], e["source"]), [])), d))
    return out


class _Batch:
    def __init__(
        self,
        files: list[Path],
        out: Path,
        cfg: Config,
        on_file: Callable[[Path, DocResult], None] | None,
        on_progress: Callable[[Progress], None] | None,
        jobs: int,
        executor: str,
        timeout: float | None,
        incremental: bool,
        max_bytes: int | None,
        part_docs: int,
        address: str | None,
        timeout_cap: float | None = DEFAULT_TIMEOUT_CAP,
    ) -> None:
        self.out, self.cfg, self.on_file, self.on_progress = out, cfg, on_file, on_progress
        self.timeout_cap = timeout_cap
        self.jobs, self.executor, self.timeout, self.address = jobs, executor, timeout, address
        self.incremental, self.max_bytes, self.B = incremental, max_bytes, part_docs
        self.inputs = [_Input(i, f, *_hash_file(f)) for i, f in enumerate(files)]
        self.meta = {
            "pipeline_version": __version__,
            "code_hash": code_hash(),
            "config_hash": cfg.config_hash,
        }
        self.summary = Summary(out_dir=out)
        self.progress = Progress(total=len(files))
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.run_dir = out / WORK / f"{stamp}-{uuid.uuid4().hex[:8]}"
        self.windows = [self.inputs[s : s + part_docs] for s in range(0, len(files), part_docs)]
        self.parsed: dict[int, Outcome] = {}
        self.reuse: dict[int, tuple[_Window, int]] = {}
        self.pending = [0] * len(self.windows)
        self.unwritten = set(range(len(self.windows)))
        self.entries: list[list[dict]] = [[] for _ in self.windows]
        self.files: list[list[dict]] = [[] for _ in self.windows]
        self._cache: OrderedDict[int, list[Outcome]] = OrderedDict()

    # -- accounting
    def _account(self, inp: _Input, res: DocResult, d: dict, reused: bool) -> None:
        s, p = self.summary, self.progress
        s.documents += 1
        s.tables += d["n_tables"] or 0
        s.indicators += d["n_indicators"] or 0
        s.findings.update(f.code for f in res.findings)
        pages = (d["n_pages"] or 1) if res.status != "error" else 0
        s.pages += pages
        p.pages += pages
        p.done += 1
        p.name = inp.path.name
        if reused:
            s.reused += 1
            p.reused += 1
        else:
            s.parsed += 1
            p.parsed += 1
        if res.status == "error":
            s.failed += 1
            p.failed += 1
            s.errors.append(res.error or res.source)
        if self.on_file:
            self.on_file(inp.path, res)
        if self.on_progress:
            self.on_progress(p)

    def _entry(self, inp: _Input, o: Outcome, part: int) -> dict:
        d = o["documents"].to_pylist()[0]
        f = o["findings"]
        errors = [
            c
            for s, c in zip(f["severity"].to_pylist(), f["code"].to_pylist(), strict=True)
            if s == "error"
        ]
        return {
            "doc_id": d["doc_id"],
            "path": d["path"],
            "source": d["source"],
            "bytes": inp.size,
            "status": d["status"],
            "code": errors[0] if d["status"] == "error" and errors else None,
            "error": d["error"],
            "form": d["form"],
            "year": d["year"],
            "n_pages": d["n_pages"],
            "n_tables": d["n_tables"],
            "n_indicators": d["n_indicators"],
            "n_findings": f.num_rows,
            "part": part,
        }

    # -- reuse
    def _reusable(self, win: _Window, e: dict) -> bool:
        code = e.get("code")
        return code not in RETRY_CODES and (code != "too_large" or win.max_bytes == self.max_bytes)

    def _index(self, windows: list[_Window]) -> dict[tuple[str, str], list[tuple[_Window, int]]]:
        idx: dict[tuple[str, str], list[tuple[_Window, int]]] = {}
        for win in windows:
            names = Counter((e["doc_id"], e["source"]) for e in win.entries)
            for pos, e in enumerate(win.entries):
                if names[(e["doc_id"], e["source"])] == 1 and self._reusable(win, e):
                    idx.setdefault((e["doc_id"], e["path"]), []).append((win, pos))
        return idx

    def _rows(self, win: _Window) -> list[Outcome]:
        k = id(win)
        if k not in self._cache:
            self._cache[k] = _split(win)
            while len(self._cache) > 2:
                self._cache.popitem(last=False)
        self._cache.move_to_end(k)
        return self._cache[k]

    def _link(self, w: int, win: _Window) -> None:
        """Reuse a whole finished part: hard-link its files under this run's part number."""
        files = []
        for f in win.files:
            rel = f["path"][: f["path"].rindex("part-")] + part_name(w)
            dst = self.run_dir / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(win.root / f["path"], dst)
            except OSError:
                shutil.copyfile(win.root / f["path"], dst)
            files.append({**f, "path": rel})
        for inp, (res, d) in zip(self.windows[w], _headers(win), strict=True):
            self._account(inp, res, d, reused=True)
        entries = [{**e, "part": w} for e in win.entries]
        self._record(w, entries, files)

    def _record(self, w: int, entries: list[dict], files: list[dict]) -> None:
        write_json(
            self.run_dir / "windows" / f"w-{w:05d}.json",
            {"part": w, "entries": entries, "files": files},
        )
        self.entries[w], self.files[w] = entries, files
        self.unwritten.discard(w)

    def _assemble(self, w: int) -> None:
        """Write part ``w`` from parsed documents and rows reused from earlier parts."""
        outs = []
        for inp in self.windows[w]:
            if inp.ord in self.parsed:
                outs.append(self.parsed.pop(inp.ord))
            else:
                win, pos = self.reuse[inp.ord]
                o = self._rows(win)[pos]
                self._account(inp, *_header(o), reused=True)
                outs.append(o)
        tables = {n: pa.concat_tables([o[n] for o in outs]) for n in DATASETS}
        files = write_window(self.run_dir, w, tables)
        entries = [self._entry(i, o, w) for i, o in zip(self.windows[w], outs, strict=True)]
        self._record(w, entries, files)

    def _finish(self, inp: _Input, o: Outcome) -> None:
        self._account(inp, *_header(o), reused=False)
        self.parsed[inp.ord] = o
        w = inp.ord // self.B
        self.pending[w] -= 1
        if self.pending[w] == 0:
            self._assemble(w)

    # -- the run
    def run(self, started: str, t0: float) -> Summary:
        self.run_dir.mkdir(parents=True)
        write_json(
            self.run_dir / "_run.json",
            {**self.meta, "max_bytes": self.max_bytes, "part_docs": self.B, "started": started},
        )
        providers: list[_Window] = []
        if self.incremental:  # parts of interrupted runs, then the committed output
            providers = _staged(self.out, self.meta) + _previous(self.out, self.meta)
        idx = self._index(providers)
        todo: deque[_Input] = deque()
        for w, docs in enumerate(self.windows):
            whole = [
                win
                for win, pos in idx.get(docs[0].key, [])
                if pos == 0
                and len(win.entries) == len(docs)
                and all(
                    (e["doc_id"], e["path"]) == i.key and self._reusable(win, e)
                    for e, i in zip(win.entries, docs, strict=True)
                )
            ]
            if whole:
                self._link(w, whole[0])
                continue
            for inp in docs:
                if inp.key in idx:
                    self.reuse[inp.ord] = idx[inp.key][0]
                else:
                    todo.append(inp)
                    self.pending[w] += 1
        for w in sorted(self.unwritten):
            if self.pending[w] == 0:
                self._assemble(w)
        self._dispatch(todo)
        return self._commit(started, t0)

    def _dispatch(self, todo: deque[_Input]) -> None:
        from .executors import WorkerFailure, make_executor

        too_large = [i for i in todo if self.max_bytes is not None and i.size > self.max_bytes]
        for inp in too_large:
            todo.remove(inp)
            msg = f"{inp.path.name}: {inp.size} bytes, over the {self.max_bytes}-byte limit"
            res = _failed(inp.path, msg, "too_large", doc_id=inp.doc_id)
            self._finish(inp, doc_tables(res, self.cfg.config_hash))
        if not todo:
            return
        ex = make_executor(
            self.executor,
            self.cfg,
            max(1, min(self.jobs, len(todo))),
            self.timeout,
            self.address,
            self.timeout_cap,
        )
        ahead = 2 * self.B  # finished documents kept in memory before their part is written
        running: dict = {}
        try:
            while todo or running:
                low = min(self.unwritten, default=0) * self.B
                while (
                    todo
                    and len(running) < ex.in_flight
                    and (todo[0].ord < low + ahead or not running)
                ):
                    inp = todo.popleft()
                    running[ex.submit(str(inp.path))] = inp
                for fut in ex.wait(set(running)):
                    inp = running.pop(fut)
                    o = ex.outcome(fut)
                    if isinstance(o, WorkerFailure):
                        msg = f"{inp.path.name}: {o.message}"
                        res = _failed(inp.path, msg, o.code, doc_id=inp.doc_id)
                        self._finish(inp, doc_tables(res, self.cfg.config_hash))
                    else:
                        self._finish(inp, from_ipc(o))
        finally:
            ex.close()

    def _commit(self, started: str, t0: float) -> Summary:
        files = [f for fs in self.files for f in fs]
        for name in DATASETS:
            if name not in PARTITIONED and not any(f["path"].startswith(name + "/") for f in files):
                rel = f"{name}/{part_name(0)}"  # an empty dataset still has its schema
                size = write_parquet(SCHEMAS[name].empty_table(), self.run_dir / rel)
                files.append({"path": rel, "rows": 0, "bytes": size})
        swap_in(self.out, self.run_dir, self.run_dir / "old")
        entries = [e for es in self.entries for e in es]
        s = self.summary
        s.seconds = time.perf_counter() - t0
        status = Counter(e["status"] for e in entries)
        datasets = {}
        for name in DATASETS:
            fs = sorted(
                (f for f in files if f["path"].startswith(name + "/")), key=lambda f: f["path"]
            )
            datasets[name] = {
                "partitioning": ["year"] if name in PARTITIONED else [],
                "rows": sum(f["rows"] for f in fs),
                "files": fs,
            }
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            **self.meta,
            "options": {"part_docs": self.B, "max_bytes": self.max_bytes, "timeout": self.timeout},
            "started": started,
            "finished": _now(),
            "seconds": round(s.seconds, 3),
            "run": {
                "executor": self.executor,
                "jobs": self.jobs,
                "parsed": s.parsed,
                "reused": s.reused,
            },
            "counts": {
                "documents": len(entries),
                "ok": status["ok"],
                "empty": status["empty"],
                "error": status["error"],
                "pages": s.pages,
                "tables": s.tables,
                "indicators": s.indicators,
                "findings": datasets["findings"]["rows"],
            },
            "inputs": entries,
            "datasets": datasets,
        }
        write_json(self.out / MANIFEST, manifest)
        shutil.rmtree(self.out / WORK, ignore_errors=True)
        for stray in self.out.glob(f".{MANIFEST}.tmp-*"):
            stray.unlink(missing_ok=True)
        return s


def ingest_paths(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    cfg: Config | None = None,
    on_file: Callable[[Path, DocResult], None] | None = None,
    *,
    jobs: int | None = None,
    executor: str = "local",
    timeout: float | None = DEFAULT_TIMEOUT,
    incremental: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    part_docs: int = DEFAULT_PART_DOCS,
    address: str | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    timeout_cap: float | None = DEFAULT_TIMEOUT_CAP,
) -> Summary:
    """Ingest files/folders into Parquet datasets under ``out_dir`` (see the module doc).

    ``on_file(path, result)`` is called once per input, parsed or reused, with the
    document's ``DocResult`` rebuilt from its rows: status, error, year, issuer, pages and
    findings, but no ``tables`` (those travel as Arrow rows).  ``on_progress(progress)``
    is called after each document.  ``jobs`` defaults to the number of CPUs; ``executor``
    is ``local``, ``dask`` (``address`` of a scheduler, else a local cluster) or
    ``inline``.  ``timeout`` is seconds per page of a file, ``timeout_cap`` the most a
    file may take (``None``: no limit).  Raises ``BusyError`` when another ingest holds ``out_dir``.
    """
    t0 = time.perf_counter()
    started = _now()
    cfg = cfg or load_config()
    files = expand(paths)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        batch = _Batch(
            files,
            out,
            cfg,
            on_file,
            on_progress,
            jobs or os.cpu_count() or 1,
            executor,
            timeout,
            incremental,
            max_bytes,
            max(1, part_docs),
            address,
            timeout_cap,
        )
        return batch.run(started, t0)
