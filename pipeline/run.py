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
  are not read: status ``error``, finding ``too_large``; a file past a reader's resource
  limit (``readers.limits``) or the worker's memory cap: ``error``, ``resource_limit``.  A
  document whose reader could not read a page, sheet or part (an error finding from the
  reader) has status ``partial``.  Every input gets exactly one
  ``documents`` row with a status and, when not ``ok``, a ``reason``: regular files are
  read; a named input that does not exist is an ``error`` (``not_found``); everything
  else named or found in a folder (dangling links, FIFOs, devices, hidden files in
  folders) is ``skipped`` without being opened; formats jixiao does not
  read are ``skipped`` with what to do (``readers.unsupported``); a ZIP archive is a row
  with status ``archive`` followed by one input per member (``archive.zip!member``);
  an input with the content of an earlier one is read all the same, with status
  ``duplicate`` and a ``duplicate_content`` finding.  jixiao's own output (the
  datasets, versions, lock and manifest of ``out_dir`` or of any other output folder
  found among the inputs) is never an input (``Summary.own_outputs`` names them).  Warnings that libraries raise
  while a file is read are ``library_warning`` findings of that file.
* **Incremental.**  A document is reused, not parsed again, when its content hash
  (``doc_id``), its path as given, the pipeline version, the pipeline's code hash and
  the config hash are all unchanged.  Its rows come from the previous output (the
  datasets are the cache: no second copy is kept) or from the parts of an interrupted
  run.  A part whose documents are all unchanged, in the same order, is hard-linked
  instead of rewritten, so re-running an unchanged batch only hashes the inputs.
  Documents whose worker timed out or crashed are always retried.  ``incremental=False``
  parses everything.
* **The output is exactly the inputs of this run**, in sorted input order: documents of
  an earlier run that are not given again are dropped from the datasets, and
  ``Summary.dropped`` names them; ``append=True`` keeps them (first, in their order).
* **Crash safe.**  A run builds the new datasets under ``OUT/_work/<run>/``, a part at a
  time (``part_docs`` documents, default 200; each part written to temporary names,
  fsynced and renamed, its ``windows/w-NNNNN.json`` record last); only when every part is
  written are the datasets and the manifest published together by one pointer rename
  (``write.swap_in``).  A run killed at any point leaves the previous datasets and
  manifest as they were; the next run reuses the parts the killed one finished and
  removes ``_work/`` when it commits.
  An exclusive lock (``OUT/.jixiao.lock``) keeps two runs out of one directory.
* **Bounded memory.**  Workers handle one file at a time and return its rows as Arrow
  record batches (IPC bytes); the parent keeps at most ``2 * part_docs`` finished
  documents before it writes their part, and reads earlier parts back one part at a time.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import time
import traceback
import uuid
import warnings
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
from .keys import assign_keys
from .model import DocResult, Finding, ReadError, TableRecord
from .readers import SUPPORTED_SUFFIXES, Unsupported, read_document
from .readers import zip as archive
from .readers.limits import ResourceLimitError, limits
from .readers.unsupported import hint_for
from .validate import budget_plausibility, validate
from .write import (
    CURRENT,
    DATASETS,
    MANIFEST,
    MANIFEST_VERSION,
    PARTITIONED,
    SCHEMAS,
    VERSIONS,
    doc_tables,
    from_ipc,
    list_files,
    part_name,
    read_file,
    read_manifest,
    swap_in,
    to_table,
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
    pages: int = 0  # pages read (PDF, Office, images; text files have none)
    text_files: int = 0  # documents without pages (text, CSV, Markdown, HTML)
    statuses: Counter = field(default_factory=Counter)  # documents by status
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, code)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, first copy)
    dropped: list[str] = field(default_factory=list)  # paths of the last run not in this one
    kept: int = 0  # --append: documents of earlier runs kept without being given again
    own_outputs: list[str] = field(default_factory=list)  # jixiao output folders not read

    def skipped_by_suffix(self) -> list[tuple[str, int, str, list[str]]]:
        """Skipped inputs grouped by extension: (suffix, count, what to do, paths)."""
        groups: dict[str, list[str]] = {}
        reasons: dict[str, str] = {}
        for path, reason, code in self.skipped:
            suffix = _GROUPS.get(code) or _suffix(path)
            groups.setdefault(suffix, []).append(path)
            reasons.setdefault(suffix, reason)
        out = []
        for suffix, paths in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            hint = hint_for(suffix) if suffix.startswith(".") else reasons[suffix]
            out.append((suffix, len(paths), hint, paths))
        return out


_GROUPS = {
    "not_a_file": "(not a regular file)",
    "hidden_file": "(hidden file)",
    "archive_member": "(archive member not read)",
}


def _suffix(path: str) -> str:
    """The extension a skipped input is grouped by."""
    name = str(path).rsplit(archive.SEP, 1)[-1].rsplit("/", 1)[-1]
    return os.path.splitext(name)[1].lower() or "(no extension)"


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


OWN = frozenset({*DATASETS, VERSIONS, CURRENT, WORK, MANIFEST, LOCK})  # in an output folder


def is_output_dir(d: str | Path) -> bool:
    """True for a folder jixiao writes to: it holds an ingest's lock, manifest or pointer."""
    d = Path(d)
    return (d / LOCK).exists() or os.path.lexists(d / MANIFEST) or os.path.islink(d / CURRENT)


def _own_entry(parent: str, name: str, out: str | None) -> bool:
    """``parent/name`` is one of jixiao's own entries (datasets, versions, work folder,
    pointer, manifest, lock) of an output folder: ``out`` or any folder that holds one."""
    if name.startswith(f".{MANIFEST}.tmp-"):
        return True
    return name in OWN and (parent == out or is_output_dir(parent))


def _in_output(p: Path, out: str | None) -> bool:
    """A named path that is, or lies inside, one of jixiao's own entries."""
    parts = Path(os.path.abspath(p)).parts
    return any(_own_entry(os.path.join(*parts[:i]), parts[i], out) for i in range(1, len(parts)))


def expand(
    paths: Iterable[str | Path], out: str | Path | None = None, own: list[str] | None = None
) -> list[Path]:
    """Every input named, and every entry under the folders named (sorted, no duplicates):
    files of any type (those jixiao does not read become ``skipped`` rows), dot-files,
    links and other non-regular entries alike, so each is accounted for.  Hidden folders
    (``.git``) are not entered; links to folders are not followed.  jixiao's own output is
    never an input: the datasets, versions, lock and manifest of the output folder ``out``
    or of any other folder that holds an ingest's output are left out, wherever they lie
    (``own`` gets the folders and named paths left out so)."""
    out_abs = os.path.abspath(out) if out is not None else None
    left: list[str] = [] if own is None else own
    result: list[Path] = []
    seen: set[str] = set()
    for p in map(Path, paths):
        if _in_output(p, out_abs):
            left.append(str(p))
            continue
        if p.is_dir():
            found = []
            for root, dirs, names in os.walk(p):
                here = os.path.abspath(root)
                if here == out_abs or is_output_dir(here):
                    if any(_own_entry(here, n, out_abs) for n in dirs + names):
                        left.append(root)
                    dirs[:] = [d for d in dirs if not _own_entry(here, d, out_abs)]
                    names = [n for n in names if not _own_entry(here, n, out_abs)]
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [Path(root) / n for n in names]
            found.sort()
        else:
            found = [p]
        for f in found:
            try:
                r = str(f.resolve()) if f.is_file() else os.path.abspath(f)
            except OSError:
                r = os.path.abspath(f)
            if r not in seen:
                seen.add(r)
                result.append(f)
    return result


def _not_regular(p: Path, named: bool) -> tuple[str, str] | None:
    """Why an input is not read without opening it (``skipped``: code, reason), or None
    for a regular file.  Never opens the file: a FIFO would block, ``/dev/zero`` never ends."""
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            return "not_a_file", f"{p}: a dangling symbolic link (its target does not exist)"
        return "not_found", f"{p}: no such file or folder"
    except OSError as e:
        return "not_a_file", f"{p}: cannot stat: {e.strerror or e}"
    if stat.S_ISREG(st.st_mode):
        if not named and p.name.startswith("."):
            return "hidden_file", f"{p.name}: a hidden file (name starts with '.'); not read"
        return None
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(st.st_mode)
        else "a character device"
        if stat.S_ISCHR(st.st_mode)
        else "a block device"
        if stat.S_ISBLK(st.st_mode)
        else "a socket"
        if stat.S_ISSOCK(st.st_mode)
        else "a folder"
        if stat.S_ISDIR(st.st_mode)
        else "not a regular file"
    )
    return "not_a_file", f"{p}: {kind}, not a regular file; only regular files are read"


def source_of(path: str | Path) -> str:
    """The ``source`` of an input: its file name; for a ZIP member ``archive.zip!member``."""
    parts = archive.split(path)
    if parts is not None:
        return f"{parts[0].name}{archive.SEP}{parts[1]}"
    return Path(path).name


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


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class _Captured(logging.Handler):
    """Log records of third-party libraries while one file is read, kept for findings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _attributed(name: str, findings: list[Finding]) -> Iterator[None]:
    """Warnings (``warnings`` and ``logging`` at WARNING and above) raised by libraries
    while ``name`` is read become ``library_warning`` findings naming the file, instead of
    unattributed (coloured) lines on the terminal."""
    handler = _Captured()
    loggers = [logging.getLogger()] + [
        lg
        for lg in logging.Logger.manager.loggerDict.values()
        if isinstance(lg, logging.Logger) and lg.handlers
    ]
    saved = [(lg, lg.handlers[:], lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.handlers = [handler] if lg is loggers[0] else []
        lg.propagate = True
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        for lg, handlers, propagate in saved:
            lg.handlers, lg.propagate = handlers, propagate
    seen: set[str] = set()
    notes = [f"{w.category.__name__}: {w.message}" for w in caught]
    notes += [f"{r.name}: {r.getMessage()}" for r in handler.records]
    for note in notes:
        note = " ".join(_ANSI.sub("", note).split())[:300]
        if note not in seen:
            seen.add(note)
            findings.append(Finding("info", "library_warning", f"{name}: {note}"))


def process_file(path: str | Path, cfg: Config) -> DocResult:
    """Read, segment, interpret and validate one file.  Never raises.  Warnings of the
    libraries it uses are findings of this file (``library_warning``)."""
    notes: list[Finding] = []
    with _attributed(source_of(path), notes):
        res = _process(path, cfg)
    res.findings.extend(notes)
    return res


def _process(path: str | Path, cfg: Config) -> DocResult:
    # the stages after reading are imported by the process that parses (a worker, whose
    # fork server preloads them: ``forkserver.PRELOAD``), not by the parent of a batch,
    # which only plans, hashes and writes
    from .direction import assign_directions, load_directions
    from .interpret import interpret
    from .segment import segment

    p = Path(path)
    try:
        doc = read_document(p, cfg)
        doc.source = source_of(p)
    except Unsupported as e:
        return _failed(p, str(e), "unsupported", status="skipped", severity="info")
    except ResourceLimitError as e:
        return _failed(p, _named(p, str(e)), "resource_limit")
    except MemoryError:
        cap = limits().max_memory_mb
        return _failed(
            p,
            f"{p.name}: reading it needs more memory than a worker may use"
            + (f" ({cap:,} MB, limit max_memory_mb)" if cap else ""),
            "resource_limit",
        )
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
        for rec, notes in (r for t in seg.tables for r in interpret(t, cfg)):
            if not _has_content(rec):
                continue
            rec.table_no = len(res.tables) + 1
            for f in notes:
                f.table_no = rec.table_no
            rec.year = rec.year or seg.year
            res.tables.append(rec)
            res.findings.extend(notes)
            res.findings.extend(validate(rec, seg.year))
            res.findings.extend(budget_plausibility(rec))
        if any(f.severity == "error" for f in doc.findings):
            res.status = "partial"  # a page, sheet or part the reader could not read
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
    except MemoryError:
        return _failed(
            p,
            f"{p.name}: interpreting it needs more memory than a worker may use",
            "resource_limit",
            doc_id=doc.doc_id,
            form=doc.form,
        )
    except Exception as e:
        return _failed(
            p,
            f"{p.name}: {type(e).__name__}: {e}",
            "internal_error",
            traceback.format_exc(limit=3),
            doc_id=doc.doc_id,
            form=doc.form,
        )


def _named(p: Path, msg: str) -> str:
    return msg if msg.startswith(p.name) else f"{p.name}: {msg}"


def _failed(
    p: Path,
    msg: str,
    code: str,
    detail: str | None = None,
    doc_id: str | None = None,
    form: str | None = None,
    status: str = "error",
    severity: str = "error",
    read: bool = True,
) -> DocResult:
    """A document row for an input that gave no tables: ``status`` (``error``, or
    ``skipped``/``archive`` for inputs not read), the reason, and one finding."""
    if doc_id is None and read:
        try:
            doc_id = doc_id_of(archive.read_member(p) if archive.split(p) else _regular_bytes(p))
        except (OSError, ReadError):
            doc_id = None
    res = DocResult(
        doc_id=doc_id,  # type: ignore[arg-type]  # None: no content was read
        source=source_of(p),
        path=str(p),
        form=form or "unknown",
        status=status,
        error=msg,
    )
    res.findings.append(Finding(severity, code, msg + (f"\n{detail}" if detail else "")))
    return res


def _regular_bytes(p: Path) -> bytes:
    if not stat.S_ISREG(os.stat(p).st_mode):
        raise OSError(f"{p}: not a regular file")
    return p.read_bytes()


# --------------------------------------------------------------------------- batch runs

Outcome = dict[str, pa.Table]  # one document's rows, per dataset


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Digest of the pipeline's source files: an edited checkout never reuses stale rows."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for f in sorted(root.rglob("*.py")):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _hash_file(p: Path) -> tuple[str | None, int]:
    """``doc_id`` (as ``common.doc_id_of``) and size of a regular file or ZIP member, read
    in 1 MiB blocks; (None, -1) when it cannot be read."""
    h, n = hashlib.sha256(), 0
    try:
        if archive.split(p) is not None and not p.exists():
            blocks: Iterable[bytes] = archive.iter_member(p)
            for block in blocks:
                h.update(block)
                n += len(block)
        else:
            with open(p, "rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
                    n += len(block)
    except (OSError, ReadError):
        return None, -1
    return h.hexdigest()[:16], n


Note = tuple[str, str, str, str]  # status, severity, code, reason of an input not read


def plan_inputs(
    files: Iterable[Path], named: set[str] | None = None
) -> list[tuple[Path, str | None, int, Note | None]]:
    """Each input as (path, doc_id, size, note): regular files hashed; ZIP archives
    followed by their members (``archive.zip!member``); a ``note`` for inputs that are not
    read (not regular files, hidden files found in folders, archive members over a limit,
    the archive itself)."""
    named = named or set()
    out: list[tuple[Path, str | None, int, Note | None]] = []
    for f in files:
        why = _not_regular(f, str(f) in named)
        if why is not None:  # a named input that does not exist failed; the others are skipped
            how = ("error", "error") if why[0] == "not_found" else ("skipped", "warning")
            out.append((f, None, -1, (*how, *why)))
            continue
        doc_id, size = _hash_file(f)
        if not archive.is_archive(f):
            out.append((f, doc_id, size, None))
            continue
        try:
            members = archive.members(f)
        except ReadError as e:
            out.append((f, doc_id, size, ("error", "error", "read_error", str(e))))
            continue
        reason = f"{f.name}: ZIP archive of {len(members)} files, read as {f.name}{archive.SEP}…"
        out.append((f, doc_id, size, ("archive", "info", "archive", reason)))
        for m in members:
            mp = archive.member_path(f, m.name)
            if m.problem:
                note = ("skipped", "warning", "archive_member", f"{source_of(mp)}: {m.problem}")
                out.append((mp, None, m.size, note))
                continue
            doc_id, size = _hash_file(mp)
            if doc_id is None:
                note = ("error", "error", "read_error", f"{source_of(mp)}: cannot inflate it")
                out.append((mp, None, m.size, note))
            else:
                out.append((mp, doc_id, size, None))
    return out


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
    doc_id: str | None
    size: int
    note: Note | None = None  # not read: its row is made here, no worker
    dup_of: str | None = None  # path of an earlier input with the same content
    kept: bool = False  # --append: an earlier run's document, not given again

    @property
    def key(self) -> tuple[str | None, str]:
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
        if any("file_id" not in e for e in m["inputs"]):
            return []  # an output of a version before file_id: its rows cannot be split
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
        pos = {e["file_id"]: i for i, e in enumerate(win.entries)}
        rows: list[list[int]] = [[] for _ in win.entries]
        for r, k in enumerate(t["file_id"].to_pylist()):
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
        error=d["error"] or d.get("reason"),
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
    findings: dict[str, list[dict]] = {}
    for f in t["findings"]:
        findings.setdefault(f["file_id"], []).append(f)
    by_file = {d["file_id"]: d for d in t["documents"]}
    out = []
    for e in win.entries:
        d = by_file[e["file_id"]]
        out.append((_result(d, findings.get(e["file_id"], [])), d))
    return out


class _Batch:
    def __init__(
        self,
        plan: list[_Input],
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
        self.inputs = plan
        files = plan
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
        self.carried: list[_Window] = []  # --append: rows of earlier documents whose files are gone

    # -- accounting
    def _account(self, inp: _Input, res: DocResult, d: dict, reused: bool) -> None:
        s, p = self.summary, self.progress
        s.documents += 1
        s.tables += d["n_tables"] or 0
        s.indicators += d["n_indicators"] or 0
        s.findings.update(f.code for f in res.findings)
        s.statuses[res.status] += 1
        pages = (d["n_pages"] or 0) if res.status not in ("error", "skipped", "archive") else 0
        if res.status in ("ok", "empty", "duplicate", "partial") and not d["n_pages"]:
            s.text_files += 1
        if res.status == "skipped":
            code = next((f.code for f in res.findings), "")
            s.skipped.append((str(inp.path), res.error or "", code))
        if res.status == "duplicate" and inp.dup_of:
            s.duplicates.append((str(inp.path), inp.dup_of))
        if inp.kept:
            s.kept += 1
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
            "file_id": d["file_id"],
            "doc_id": d["doc_id"],
            "path": d["path"],
            "source": d["source"],
            "bytes": inp.size,
            "status": d["status"],
            "code": errors[0] if d["status"] == "error" and errors else None,
            "reason": d["reason"],
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
        if e.get("status") in ("skipped", "archive", "duplicate"):
            return False  # cheap to redo, or its status depends on the other inputs
        return code not in RETRY_CODES and (code != "too_large" or win.max_bytes == self.max_bytes)

    def _index(self, windows: list[_Window]) -> dict[tuple[str, str], list[tuple[_Window, int]]]:
        idx: dict[tuple[str, str], list[tuple[_Window, int]]] = {}
        for win in windows:
            for pos, e in enumerate(win.entries):
                if self._reusable(win, e):
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
                o = self._duplicate(inp, self._rows(win)[pos])
                self._account(inp, *_header(o), reused=True)
                outs.append(o)
        tables = {n: pa.concat_tables([o[n] for o in outs]) for n in DATASETS}
        files = write_window(self.run_dir, w, tables)
        entries = [self._entry(i, o, w) for i, o in zip(self.windows[w], outs, strict=True)]
        self._record(w, entries, files)

    def _duplicate(self, inp: _Input, o: Outcome) -> Outcome:
        """Mark a document whose content an earlier input has: status ``duplicate`` and a
        ``duplicate_content`` finding (its rows stay, under its own ``file_id``)."""
        if inp.dup_of is None:
            return o
        [d] = o["documents"].to_pylist()
        if d["status"] == "error":
            return o
        msg = f"{d['source']}: same content as {inp.dup_of} (doc_id {d['doc_id']})"
        d["status"], d["reason"] = "duplicate", msg
        finding = {name: None for name in SCHEMAS["findings"].names}
        finding |= {"file_id": d["file_id"], "doc_id": d["doc_id"], "source": d["source"]}
        finding |= {"severity": "warning", "code": "duplicate_content", "message": msg}
        return {
            **o,
            "documents": to_table("documents", [d]),
            "findings": pa.concat_tables([o["findings"], to_table("findings", [finding])]),
        }

    def _finish(self, inp: _Input, o: Outcome) -> None:
        o = self._duplicate(inp, o)
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
        kept_rows = {
            (e["doc_id"], e["path"]): (win, pos)
            for win in self.carried
            for pos, e in enumerate(win.entries)
        }
        todo: deque[_Input] = deque()
        for w, docs in enumerate(self.windows):
            whole = (
                []
                if any(i.kept for i in docs)
                else [
                    win
                    for win, pos in idx.get(docs[0].key, [])
                    if pos == 0
                    and len(win.entries) == len(docs)
                    and all(
                        (e["doc_id"], e["path"]) == i.key and self._reusable(win, e)
                        for e, i in zip(win.entries, docs, strict=True)
                    )
                ]
            )
            if whole and not any(i.note or i.dup_of for i in docs):
                self._link(w, whole[0])
                continue
            for inp in docs:
                if inp.kept:
                    self.reuse[inp.ord] = kept_rows[inp.key]
                elif inp.note is None and inp.key in idx:
                    self.reuse[inp.ord] = idx[inp.key][0]
                else:
                    todo.append(inp)
                    self.pending[w] += 1
        for w in sorted(self.unwritten):
            if self.pending[w] == 0:
                self._assemble(w)
        for inp in [i for i in todo if i.note is not None]:
            todo.remove(inp)
            status, severity, code, reason = inp.note
            res = _failed(
                inp.path, reason, code, inp.doc_id, status=status, severity=severity, read=False
            )
            res.form = "zip" if status == "archive" else res.form
            self._finish(inp, doc_tables(res, self.cfg.config_hash))
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
                "partial": status["partial"],
                "empty": status["empty"],
                "error": status["error"],
                "skipped": status["skipped"],
                "duplicate": status["duplicate"],
                "archive": status["archive"],
                "pages": s.pages,
                "tables": s.tables,
                "indicators": s.indicators,
                "findings": datasets["findings"]["rows"],
            },
            "inputs": entries,
            "datasets": datasets,
        }
        swap_in(self.out, self.run_dir, manifest)
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
    append: bool = False,
    timeout_cap: float | None = DEFAULT_TIMEOUT_CAP,
) -> Summary:
    """Ingest files/folders into Parquet datasets under ``out_dir`` (see the module doc).

    ``on_file(path, result)`` is called once per input, parsed or reused, with the
    document's ``DocResult`` rebuilt from its rows: status, error, year, issuer, pages and
    findings, but no ``tables`` (those travel as Arrow rows).  ``on_progress(progress)``
    is called after each document.  ``jobs`` defaults to the number of CPUs; ``executor``
    is ``local``, ``dask`` (``address`` of a scheduler, else a local cluster) or
    ``inline``.  ``timeout`` is seconds per page of a file, ``timeout_cap`` the most a
    file may take (``None``: no limit).  ``append=True`` keeps the documents of the
    previous output that are not given again (re-read from their paths when the files are
    still there, else their rows are carried over); without it the output is exactly this
    run's inputs, and ``Summary.dropped`` names the previous output's documents that are
    gone.  Raises ``BusyError`` when another ingest holds ``out_dir``.
    """
    t0 = time.perf_counter()
    started = _now()
    cfg = cfg or load_config()
    paths = list(paths)
    own: list[str] = []
    files = expand(paths, out_dir, own)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        plan = [
            _Input(i, p, doc_id, size, note)
            for i, (p, doc_id, size, note) in enumerate(plan_inputs(files, set(map(str, paths))))
        ]
        given = {str(i.path) for i in plan}
        before = read_manifest(out)
        earlier = [e for e in (before or {}).get("inputs", []) if e.get("path") not in given]
        carried: list[_Window] = []
        if append:  # earlier documents first, in their order, then this run's
            still = [Path(e["path"]) for e in earlier if _exists(e["path"])]
            still = [p for p in still if archive.split(p) is None or p.exists()]
            again = [_Input(0, p, d, n, note) for p, d, n, note in plan_inputs(still, set())]
            again = [i for i in again if str(i.path) not in given]
            carried = _previous(out, {})
            rows = {(e["doc_id"], e["path"]) for w in carried for e in w.entries}
            gone = [
                _Input(0, Path(e["path"]), e["doc_id"], e.get("bytes", -1), kept=True)
                for e in earlier
                if not _exists(e["path"]) and (e["doc_id"], e["path"]) in rows
            ]
            plan = gone + again + plan
            for n, inp in enumerate(plan):
                inp.ord = n
            kept_paths = {str(i.path) for i in gone + again}
            earlier = [e for e in earlier if e["path"] not in kept_paths]
        first: dict[str, str] = {}
        for inp in plan:
            if inp.note is None and inp.doc_id:
                if inp.doc_id in first:
                    inp.dup_of = first[inp.doc_id]
                else:
                    first[inp.doc_id] = str(inp.path)
        batch = _Batch(
            plan,
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
        batch.carried = carried
        summary = batch.run(started, t0)
        summary.dropped = [e["path"] for e in earlier]
        summary.own_outputs = own
        summary.kept = sum(1 for i in plan if i.kept or str(i.path) not in given)
        return summary


def _exists(path: str) -> bool:
    parts = archive.split(path)
    return parts[0].is_file() if parts is not None else os.path.lexists(path)
