"""Diff: two ingest outputs → change records, a ``changes`` Parquet dataset and a summary.

In:  two output directories of ``jixiao ingest`` (flat ``name/part-*.parquet`` or
     hive-partitioned ``name/year=2024/…`` layouts; ``_manifest.json`` where the run wrote
     one).
Out: a ``DiffResult``: ``Change`` records (documents, tables and indicators added,
     removed, changed field by field, or moved to another page) and notes on what changed
     between the runs (inputs, config hash, pipeline version); ``write_diff`` stores the
     records as ``DIFF_OUT/changes/part-00000.parquet`` (one row per changed field);
     ``print_summary`` prints them with rich.  The HTML report is ``diff_report.py``.

Two modes:

* ``diff_runs`` (two runs over the same documents): tables are matched by their stable
  key (``target_key``: document name + kind + table name, see ``keys.py``), indicators by
  ``indicator_key`` (table + level1/level2/level3 path); what the keys leave unmatched is
  paired within the document by a close table name (a renamed project) and, within a
  table, by the same path, the same level-3 text (a renamed heading above it) or a close
  level-3 text (rapidfuzz).  Only content is compared: line numbers, bboxes,
  ``table_no``/``row_no``, ``ocr_conf`` and counts derived from other rows shift with any
  edit above them and are not changes; a table (or row) on another page is ``moved``.
* ``diff_projects`` (two years): projects are matched by name with rapidfuzz (the year
  in a name such as ``2024年…`` is ignored, the issuer must agree where both have one;
  every match is reported with its score), indicators by path as above, and a target
  is ``raised``, ``lowered``, made ``vaguer`` (numeric → qualitative), ``sharper``
  (qualitative → numeric), ``changed`` (another unit, operator or wording),
  ``dropped`` or ``new``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
from rapidfuzz import fuzz, process
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from .keys import fold

MANIFEST = "_manifest.json"
RENAME_MIN = 85.0  # a table or level-3 text this close (rapidfuzz ratio) is the same one
PROJECT_MIN = 80.0  # default threshold for matching projects across years

# Columns that say where a row sits or are derived from other rows: never a change.
TARGET_SKIP = frozenset(
    {
        "file_id",
        "doc_id",
        "source",
        "table_no",
        "page",
        "line_start",
        "line_end",
        "bbox",
        "target_key",
    }
    | {"n_indicators"}
)
INDICATOR_SKIP = frozenset(
    {"file_id", "doc_id", "source", "table_no", "row_no", "page", "line", "bbox", "target_key"}
    | {"indicator_key", "link_key", "table_name", "year", "ocr_conf"}
)
DOCUMENT_FIELDS = ("status", "error", "form", "n_pages", "pipeline_version", "config_hash")
# across years: the header fields worth an auditor's eye, and the target's fields
PROJECT_TABLE_FIELDS = ("name", "budget_yuan", "category", "attribute", "fund_nature")
TARGET_FIELDS = ("value_raw", "op", "value", "value_max", "unit", "per", "kind")
LEVEL_FIELDS = ("level1", "level2", "level3")

# change kinds that mean the data differ (``--fail-on changes``)
DATA_ENTITIES = ("table", "indicator")


# --------------------------------------------------------------------------- loading


@dataclass(slots=True)
class RunData:
    """One ingest output directory, read into plain rows (dicts) in a stable order."""

    root: Path
    documents: list[dict]
    targets: list[dict]
    indicators: list[dict]
    findings: list[dict]
    manifest: dict | None
    columns: dict[str, list[str]]


def read_dataset(root: str | Path, name: str) -> tuple[list[dict], list[str]]:
    """Rows and column names of ``root/name`` (flat or hive-partitioned); none if absent."""
    d = Path(root) / name
    if not d.is_dir() or not any(d.rglob("*.parquet")):
        return [], []
    # ``year=2024`` / ``year=0`` folders (write.py; older runs: __HIVE_DEFAULT_PARTITION__), or flat parts
    # with the year inside the files (older runs): both read back as an int32 ``year``
    part = ds.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")
    dataset = ds.dataset(d, format="parquet", partitioning=part)
    table = dataset.to_table()
    cols = table.column_names
    rows = table.to_pylist()
    return rows, cols


def _int_or(v: Any, default: int) -> int:
    return default if v is None else int(v)


def load_run(root: str | Path) -> RunData:
    """Read an ingest output directory.  Raises ``FileNotFoundError`` when it is not one."""
    r = Path(root)
    if not r.is_dir():
        raise FileNotFoundError(f"{r}: no such output directory")
    data: dict[str, list[dict]] = {}
    columns: dict[str, list[str]] = {}
    for name in ("documents", "targets", "indicators", "findings"):
        data[name], columns[name] = read_dataset(r, name)
    if not columns["documents"] and not columns["targets"]:
        raise FileNotFoundError(f"{r}: not an ingest output (no documents/ or targets/)")
    data["documents"].sort(key=lambda d: (d.get("source") or "", d.get("path") or ""))
    data["targets"].sort(key=lambda t: (t.get("source") or "", _int_or(t.get("table_no"), 0)))
    data["indicators"].sort(
        key=lambda i: (
            i.get("source") or "",
            _int_or(i.get("table_no"), 0),
            _int_or(i.get("row_no"), 0),
        )
    )
    data["findings"].sort(
        key=lambda f: (
            f.get("source") or "",
            _int_or(f.get("table_no"), 0),
            _int_or(f.get("row_no"), 0),
            f.get("code") or "",
        )
    )
    manifest = None
    mp = r / MANIFEST
    if mp.is_file():
        try:
            manifest = json.loads(mp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
    return RunData(
        r,
        data["documents"],
        data["targets"],
        data["indicators"],
        data["findings"],
        manifest,
        columns,
    )


def doc_ident(source: str | None) -> str:
    """The document part of the stable keys: the file name without its extension."""
    return PurePath(source or "").stem


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class Place:
    """Where one side of a change came from (for the source snippet)."""

    doc_id: str | None = None
    source: str | None = None
    path: str | None = None
    form: str | None = None
    page: int | None = None
    line: int | None = None
    line_end: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table_no: int | None = None
    row_no: int | None = None
    root: str | None = None  # the run's output directory (to find its manifest)


@dataclass(slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(slots=True)
class Change:
    """One added, removed, changed or moved document, table or indicator."""

    entity: str  # "document" | "table" | "indicator"
    change: str  # added removed changed moved | matched dropped new raised lowered vaguer …
    source: str | None = None
    table: str | None = None  # table (project or department) name
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    key_old: str | None = None
    key_new: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    old: Place | None = None
    new: Place | None = None
    match: str | None = None  # how the two sides were paired: key path level3 fuzzy name
    score: float | None = None  # rapidfuzz score of a fuzzy pairing
    note: str | None = None

    @property
    def path(self) -> str:
        return " / ".join(x for x in (self.level1, self.level2, self.level3) if x)

    def describe(self) -> str:
        """``value_raw ≥90% → ≥95%; level2 社会效益指标 → 经济效益指标``, or the note."""
        parts = [f"{f.field} {fmt(f.old)} → {fmt(f.new)}" for f in self.fields]
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


@dataclass(slots=True)
class RunInfo:
    root: str
    documents: int
    tables: int
    indicators: int
    pipeline_versions: list[str]
    config_hashes: list[str]
    manifest: dict | None


@dataclass(slots=True)
class DiffResult:
    mode: str  # "run" | "project"
    old: RunInfo
    new: RunInfo
    changes: list[Change]
    notes: list[str]  # what differs between the runs: inputs, config, pipeline version

    def data_changes(self, moves: bool = True) -> list[Change]:
        """Table and indicator changes (what ``--fail-on`` counts); a project match with
        nothing changed is not one, nor, with ``moves=False``, a move to another page."""
        return [
            c
            for c in self.changes
            if c.entity in DATA_ENTITIES
            and not (c.change == "matched" and not c.fields)
            and (moves or c.change != "moved")
        ]

    def counts(self) -> Counter:
        return Counter((c.entity, c.change) for c in self.changes)


def fmt(v: Any) -> str:
    """A value as the report shows it."""
    if v is None:
        return "∅"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.10g}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def same(a: Any, b: Any) -> bool:
    """Equal values; floats within rounding noise, lists element by element."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        try:
            fa, fb = float(a), float(b)
        except (TypeError, ValueError):
            return False
        if math.isnan(fa) or math.isnan(fb):
            return math.isnan(fa) and math.isnan(fb)
        return math.isclose(fa, fb, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _info(run: RunData) -> RunInfo:
    return RunInfo(
        root=str(run.root),
        documents=len(run.documents),
        tables=len(run.targets),
        indicators=len(run.indicators),
        pipeline_versions=sorted(
            {str(d["pipeline_version"]) for d in run.documents if d.get("pipeline_version")}
        ),
        config_hashes=sorted(
            {str(d["config_hash"]) for d in run.documents if d.get("config_hash")}
        ),
        manifest=run.manifest,
    )


# --------------------------------------------------------------------------- places


def file_key(row: dict) -> str | None:
    """The input a row belongs to: its ``file_id`` (``doc_id`` in outputs older than it).
    Not ``doc_id``: two copies of one file share it and would be taken for one input."""
    return row.get("file_id") or row.get("doc_id")


class RunIndex:
    """Per-run lookups: documents by input, indicators by table, table bboxes."""

    def __init__(self, run: RunData) -> None:
        self.run = run
        self.docs = {file_key(d): d for d in run.documents}
        self.by_table: dict[str, list[dict]] = defaultdict(list)
        for i in run.indicators:
            self.by_table[self.table_id(i)].append(i)

    @staticmethod
    def table_id(row: dict) -> str:
        return f"{file_key(row)}\x1f{row.get('table_no')}"

    def indicators_of(self, t: dict) -> list[dict]:
        return self.by_table.get(self.table_id(t), [])

    def _doc(self, row: dict) -> dict:
        return self.docs.get(file_key(row)) or {}

    def table_place(self, t: dict) -> Place:
        page = t.get("page")
        boxes = [
            i["bbox"]
            for i in self.indicators_of(t)
            if i.get("bbox") and (page is None or i.get("page") == page)
        ]
        bbox = t.get("bbox") or (
            (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            if boxes
            else None
        )
        d = self._doc(t)
        return Place(
            doc_id=t.get("doc_id"),
            source=t.get("source"),
            path=d.get("path"),
            form=d.get("form"),
            page=page,
            line=t.get("line_start"),
            line_end=t.get("line_end"),
            bbox=tuple(bbox) if bbox else None,
            table_no=t.get("table_no"),
            root=str(self.run.root),
        )

    def indicator_place(self, i: dict) -> Place:
        d = self._doc(i)
        return Place(
            doc_id=i.get("doc_id"),
            source=i.get("source"),
            path=d.get("path"),
            form=d.get("form"),
            page=i.get("page"),
            line=i.get("line"),
            bbox=tuple(i["bbox"]) if i.get("bbox") else None,
            table_no=i.get("table_no"),
            row_no=i.get("row_no"),
            root=str(self.run.root),
        )

    def document_place(self, d: dict) -> Place:
        return Place(
            doc_id=d.get("doc_id"),
            source=d.get("source"),
            path=d.get("path"),
            form=d.get("form"),
            root=str(self.run.root),
        )


# --------------------------------------------------------------------------- matching

Pair = tuple[dict | None, dict | None, str | None, float | None]


def _greedy(
    olds: list[dict], news: list[dict], keys_old: list[str], keys_new: list[str], cutoff: float
) -> list[tuple[int, int, float]]:
    """Best-first one-to-one pairing of two lists by rapidfuzz ratio of their keys."""
    if not olds or not news:
        return []
    m = process.cdist(keys_old, keys_new, scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)
    cand = [
        (float(m[a][b]), a, b)
        for a in range(len(olds))
        for b in range(len(news))
        if m[a][b] >= cutoff and keys_old[a] and keys_new[b]
    ]
    cand.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for s, a, b in cand:
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        out.append((a, b, s))
    return out


def _path(i: dict) -> tuple[str, str, str]:
    return (fold(i.get("level1")), fold(i.get("level2")), fold(i.get("level3")))


def _with_ordinals(rows: list[dict], ident: Callable[[dict], tuple]) -> dict[tuple, dict]:
    """Identity → row, with ``~n`` ordinals for identities that repeat (as keys.py does)."""
    seen: Counter = Counter()
    out: dict[tuple, dict] = {}
    for r in rows:
        k = ident(r)
        seen[k] += 1
        out[(*k, seen[k])] = r
    return out


def match_indicators(
    olds: list[dict], news: list[dict], by_key: bool, fuzzy_min: float = RENAME_MIN
) -> list[Pair]:
    """Pair the indicators of two matched tables; unpaired rows come back alone."""
    pairs: list[Pair] = []
    left_o = list(olds)
    left_n = list(news)

    def take(matched: list[tuple[dict, dict, str, float | None]]) -> None:
        nonlocal left_o, left_n
        ids_o = {id(o) for o, _, _, _ in matched}
        ids_n = {id(n) for _, n, _, _ in matched}
        pairs.extend(matched)
        left_o = [o for o in left_o if id(o) not in ids_o]
        left_n = [n for n in left_n if id(n) not in ids_n]

    if by_key:
        new_by = {n.get("indicator_key"): n for n in left_n if n.get("indicator_key")}
        take(
            [(o, new_by[k], "key", None) for o in left_o if (k := o.get("indicator_key")) in new_by]
        )
    # the same path (what the key encodes, for tables paired without a common key)
    po, pn = _with_ordinals(left_o, _path), _with_ordinals(left_n, _path)
    take([(po[k], pn[k], "path", None) for k in po if k in pn])
    # the same level-3 text under another heading (a renamed or re-read level 1/2)
    lo = _with_ordinals([o for o in left_o if o.get("level3")], lambda r: (_path(r)[2],))
    ln = _with_ordinals([n for n in left_n if n.get("level3")], lambda r: (_path(r)[2],))
    take([(lo[k], ln[k], "level3", None) for k in lo if k in ln])
    # a close level-3 text under the same headings
    groups_o: dict[tuple, list[dict]] = defaultdict(list)
    groups_n: dict[tuple, list[dict]] = defaultdict(list)
    for o in left_o:
        groups_o[_path(o)[:2]].append(o)
    for n in left_n:
        groups_n[_path(n)[:2]].append(n)
    fuzzy: list[tuple[dict, dict, str, float | None]] = []
    for g in sorted(groups_o):
        if g not in groups_n:
            continue
        go, gn = groups_o[g], groups_n[g]
        got = _greedy(go, gn, [_path(o)[2] for o in go], [_path(n)[2] for n in gn], fuzzy_min)
        fuzzy += [(go[a], gn[b], "fuzzy", round(s, 1)) for a, b, s in got]
    take(fuzzy)
    pairs += [(o, None, None, None) for o in left_o]
    pairs += [(None, n, None, None) for n in left_n]
    return pairs


def match_tables_by_key(olds: list[dict], news: list[dict]) -> list[Pair]:
    """Two runs: the stable key, then a close name within the same document and kind."""
    pairs: list[Pair] = []
    new_by = {n.get("target_key"): n for n in news if n.get("target_key")}
    used: set[int] = set()
    left_o: list[dict] = []
    for o in olds:
        n = new_by.get(o.get("target_key"))
        if n is not None and id(n) not in used:
            used.add(id(n))
            pairs.append((o, n, "key", None))
        else:
            left_o.append(o)
    left_n = [n for n in news if id(n) not in used]
    groups: dict[tuple, tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    for o in left_o:
        groups[(doc_ident(o.get("source")), o.get("kind"))][0].append(o)
    for n in left_n:
        groups[(doc_ident(n.get("source")), n.get("kind"))][1].append(n)
    paired: set[int] = set()
    for g in sorted(groups, key=lambda k: (k[0], k[1] or "")):
        go, gn = groups[g]
        got = _greedy(
            go, gn, [fold(o.get("name")) for o in go], [fold(n.get("name")) for n in gn], RENAME_MIN
        )
        for a, b, s in got:
            pairs.append((go[a], gn[b], "name", round(s, 1)))
            paired.update((id(go[a]), id(gn[b])))
    pairs += [(o, None, None, None) for o in left_o if id(o) not in paired]
    pairs += [(None, n, None, None) for n in left_n if id(n) not in paired]
    return pairs


_YEAR = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?")


def project_name_key(name: str | None) -> str:
    """A project name for matching across years: folded, the year left out."""
    return fold(_YEAR.sub("", name or ""))


def match_tables_by_name(
    olds: list[dict], news: list[dict], threshold: float = PROJECT_MIN
) -> list[Pair]:
    """Two years: projects by name (rapidfuzz), within the same kind and issuer."""
    pairs: list[Pair] = []
    groups: dict[tuple, tuple[list[dict], list[dict]]] = defaultdict(lambda: ([], []))
    issuers_o = {fold(o.get("issuer")) for o in olds}
    issuers_n = {fold(n.get("issuer")) for n in news}
    shared = issuers_o & issuers_n - {""}

    def group(t: dict) -> tuple[str, str]:
        iss = fold(t.get("issuer"))
        return (t.get("kind") or "", iss if iss in shared else "")

    for o in olds:
        groups[group(o)][0].append(o)
    for n in news:
        groups[group(n)][1].append(n)
    paired: set[int] = set()
    for g in sorted(groups):
        go, gn = groups[g]
        got = _greedy(
            go,
            gn,
            [project_name_key(o.get("name")) for o in go],
            [project_name_key(n.get("name")) for n in gn],
            threshold,
        )
        for a, b, s in got:
            pairs.append((go[a], gn[b], "name", round(s, 1)))
            paired.update((id(go[a]), id(gn[b])))
    pairs += [(o, None, None, None) for o in olds if id(o) not in paired]
    pairs += [(None, n, None, None) for n in news if id(n) not in paired]
    return pairs


# --------------------------------------------------------------------------- comparing


def compare(old: dict, new: dict, fields: list[str] | tuple[str, ...]) -> list[FieldChange]:
    return [
        FieldChange(f, old.get(f), new.get(f)) for f in fields if not same(old.get(f), new.get(f))
    ]


def _content_fields(cols_old: list[str], cols_new: list[str], skip: frozenset[str]) -> list[str]:
    have = set(cols_old)
    return [c for c in cols_new if c in have and c not in skip]


def _order(p: Pair) -> tuple:
    o, n, _, _ = p
    row = n if n is not None else o
    assert row is not None
    return (
        _int_or(row.get("table_no"), 0),
        _int_or(row.get("row_no"), 0),
        0 if n is not None else 1,
    )


def _page_shift(o: dict, n: dict, key: str = "page") -> int | None:
    if o.get(key) is None or n.get(key) is None:
        return None
    return int(n[key]) - int(o[key])


def _table_change(kind: str, t: dict, idx: RunIndex, old: bool) -> Change:
    ind = idx.indicators_of(t)
    place = idx.table_place(t)
    return Change(
        entity="table",
        change=kind,
        source=t.get("source"),
        table=t.get("name"),
        key_old=t.get("target_key") if old else None,
        key_new=None if old else t.get("target_key"),
        old=place if old else None,
        new=None if old else place,
        note=f"{t.get('kind') or 'table'} with {len(ind)} indicators",
    )


def _ind_change(kind: str, o: dict | None, n: dict | None, io: RunIndex, inew: RunIndex) -> Change:
    row = n if n is not None else o
    assert row is not None
    return Change(
        entity="indicator",
        change=kind,
        source=row.get("source"),
        table=row.get("table_name"),
        level1=row.get("level1"),
        level2=row.get("level2"),
        level3=row.get("level3"),
        key_old=o.get("indicator_key") if o else None,
        key_new=n.get("indicator_key") if n else None,
        old=io.indicator_place(o) if o else None,
        new=inew.indicator_place(n) if n else None,
    )


def _document_changes(old: RunData, new: RunData, io: RunIndex, inew: RunIndex) -> list[Change]:
    out: list[Change] = []
    by_o = {doc_ident(d.get("source")): d for d in old.documents}
    by_n = {doc_ident(d.get("source")): d for d in new.documents}
    for k in sorted(set(by_o) | set(by_n)):
        o, n = by_o.get(k), by_n.get(k)
        if o is None or n is None:
            d = n if n is not None else o
            assert d is not None
            out.append(
                Change(
                    entity="document",
                    change="added" if o is None else "removed",
                    source=d.get("source"),
                    key_old=k if o else None,
                    key_new=k if n else None,
                    old=io.document_place(o) if o else None,
                    new=inew.document_place(n) if n else None,
                    note=f"{d.get('n_tables') or 0} tables",
                )
            )
            continue
        fields = compare(o, n, DOCUMENT_FIELDS)
        if not same(o.get("doc_id"), n.get("doc_id")):
            fields.insert(0, FieldChange("content", o.get("doc_id"), n.get("doc_id")))
        if o.get("source") != n.get("source"):
            fields.insert(0, FieldChange("source", o.get("source"), n.get("source")))
        if fields:
            out.append(
                Change(
                    entity="document",
                    change="changed",
                    source=n.get("source"),
                    key_old=k,
                    key_new=k,
                    fields=fields,
                    old=io.document_place(o),
                    new=inew.document_place(n),
                )
            )
    return out


def diff_runs(old: RunData, new: RunData) -> DiffResult:
    """Two runs over the same documents: what was added, removed, changed or moved."""
    io, inew = RunIndex(old), RunIndex(new)
    changes = _document_changes(old, new, io, inew)
    t_fields = _content_fields(old.columns["targets"], new.columns["targets"], TARGET_SKIP)
    i_fields = _content_fields(old.columns["indicators"], new.columns["indicators"], INDICATOR_SKIP)
    by_doc: dict[str, list[Pair]] = defaultdict(list)
    for p in match_tables_by_key(old.targets, new.targets):
        row = p[1] if p[1] is not None else p[0]
        assert row is not None
        by_doc[doc_ident(row.get("source"))].append(p)
    for doc in sorted(by_doc):
        for o, n, how, score in sorted(by_doc[doc], key=_order):
            if n is None:
                assert o is not None
                changes.append(_table_change("removed", o, io, old=True))
                continue
            if o is None:
                changes.append(_table_change("added", n, inew, old=False))
                continue
            fields = compare(o, n, t_fields)
            shift = _page_shift(o, n)
            moved = bool(shift)
            if fields or moved:
                kind = "changed" if fields else "moved"
                if moved:
                    fields.append(FieldChange("page", o.get("page"), n.get("page")))
                changes.append(
                    Change(
                        entity="table",
                        change=kind,
                        source=n.get("source"),
                        table=n.get("name"),
                        key_old=o.get("target_key"),
                        key_new=n.get("target_key"),
                        fields=fields,
                        old=io.table_place(o),
                        new=inew.table_place(n),
                        match=how,
                        score=score,
                    )
                )
            pairs = match_indicators(io.indicators_of(o), inew.indicators_of(n), how == "key")
            for io_, in_, ihow, iscore in sorted(pairs, key=_order):
                if in_ is None or io_ is None:
                    changes.append(
                        _ind_change("removed" if in_ is None else "added", io_, in_, io, inew)
                    )
                    continue
                f = compare(io_, in_, i_fields)
                ishift = _page_shift(io_, in_)
                imoved = bool(ishift) and ishift != shift
                if not f and not imoved:
                    continue
                if imoved:
                    f.append(FieldChange("page", io_.get("page"), in_.get("page")))
                c = _ind_change(
                    "changed" if any(x.field != "page" for x in f) else "moved", io_, in_, io, inew
                )
                c.fields, c.match, c.score = f, ihow, iscore
                changes.append(c)
    notes = run_notes(old, new)
    return DiffResult("run", _info(old), _info(new), changes, notes)


def _numbers(i: dict) -> tuple[float, float] | None:
    v = i.get("value")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    vmax = i.get("value_max")
    return (float(v), float(vmax if vmax is not None else v))


def classify_target(o: dict, n: dict) -> str | None:
    """How a target moved between two years; ``None`` when it did not."""
    if same(o.get("value_raw"), n.get("value_raw")) and same(o.get("kind"), n.get("kind")):
        return None
    ko, kn = o.get("kind"), n.get("kind")
    if ko == "numeric" and kn != "numeric":
        return "vaguer"
    if ko != "numeric" and kn == "numeric":
        return "sharper"
    if ko == "numeric" and kn == "numeric":
        a, b = _numbers(o), _numbers(n)
        same_measure = all(fold(o.get(k)) == fold(n.get(k)) for k in ("unit", "per")) and (
            o.get("op") == n.get("op")
        )
        if a and b and same_measure:
            if b[0] >= a[0] and b[1] >= a[1] and b != a:
                return "raised"
            if b[0] <= a[0] and b[1] <= a[1] and b != a:
                return "lowered"
    return "changed"


def diff_projects(old: RunData, new: RunData, threshold: float = PROJECT_MIN) -> DiffResult:
    """Two years: projects matched by name, targets raised/lowered/vaguer/dropped/new."""
    io, inew = RunIndex(old), RunIndex(new)
    changes: list[Change] = []
    pairs = match_tables_by_name(old.targets, new.targets, threshold)

    def order(p: Pair) -> tuple:
        o, n, _, _ = p
        row = n if n is not None else o
        assert row is not None
        return (0 if n is not None else 1, row.get("source") or "", _int_or(row.get("table_no"), 0))

    for o, n, _how, score in sorted(pairs, key=order):
        if n is None or o is None:
            kind = "dropped" if n is None else "new"
            t = o if n is None else n
            assert t is not None
            c = _table_change(kind, t, io if n is None else inew, old=n is None)
            changes.append(c)
            continue
        changes.append(
            Change(
                entity="table",
                change="matched",
                source=n.get("source"),
                table=n.get("name"),
                key_old=o.get("target_key"),
                key_new=n.get("target_key"),
                fields=compare(o, n, PROJECT_TABLE_FIELDS),
                old=io.table_place(o),
                new=inew.table_place(n),
                match="name",
                score=score,
                note=f"{o.get('name')} ({o.get('year')}) ↔ {n.get('name')} ({n.get('year')})",
            )
        )
        ipairs = match_indicators(io.indicators_of(o), inew.indicators_of(n), by_key=False)
        for io_, in_, ihow, iscore in sorted(ipairs, key=_order):
            if in_ is None or io_ is None:
                changes.append(_ind_change("dropped" if in_ is None else "new", io_, in_, io, inew))
                continue
            kind = classify_target(io_, in_)
            if kind is None:
                continue
            c = _ind_change(kind, io_, in_, io, inew)
            c.fields = compare(io_, in_, TARGET_FIELDS) + compare(io_, in_, LEVEL_FIELDS)
            c.match, c.score = ihow, iscore
            changes.append(c)
    notes = run_notes(old, new, inputs=False)
    return DiffResult("project", _info(old), _info(new), changes, notes)


# --------------------------------------------------------------------------- run notes


def _manifest_inputs(m: dict) -> dict[str, str]:
    """name → content hash from a manifest (tolerant of its exact layout)."""
    items = m.get("inputs") or m.get("files") or []
    if isinstance(items, dict):
        items = [
            {"path": k, **(v if isinstance(v, dict) else {"sha256": v})} for k, v in items.items()
        ]
    out: dict[str, str] = {}
    for it in items:
        if not isinstance(it, dict):
            continue
        name = it.get("path") or it.get("source") or it.get("name") or ""
        h = it.get("sha256") or it.get("hash") or it.get("content_hash") or it.get("doc_id")
        if name:
            out[str(name)] = str(h) if h is not None else ""
    return out


def _mget(m: dict | None, *names: str) -> Any:
    if not m:
        return None
    for n in names:
        if m.get(n) is not None:
            return m[n]
    return None


def run_notes(old: RunData, new: RunData, inputs: bool = True) -> list[str]:
    """What differs between two runs: manifest (or documents), config, pipeline version."""
    notes: list[str] = []
    mo, mn = old.manifest, new.manifest
    if mo is None or mn is None:
        which = [s for s, m in (("OLD", mo), ("NEW", mn)) if m is None]
        notes.append(f"no manifest in {' and '.join(which)} (run facts taken from documents/)")
    for label, keys in (
        ("pipeline version", ("pipeline_version", "version")),
        ("code hash", ("code_hash",)),
        ("config hash", ("config_hash",)),
    ):
        if keys[0] == "code_hash" and (_mget(mo, *keys) is None or _mget(mn, *keys) is None):
            continue  # only manifests record it
        a, b = _mget(mo, *keys), _mget(mn, *keys)
        if a is None or b is None:
            col = keys[0]
            a = ", ".join(sorted({str(d[col]) for d in old.documents if d.get(col)})) or None
            b = ", ".join(sorted({str(d[col]) for d in new.documents if d.get(col)})) or None
        if a != b:
            notes.append(f"{label}: {fmt(a)} → {fmt(b)}")
        else:
            notes.append(f"{label}: {fmt(a)} (same)")
    ta, tb = _mget(mo, "started", "finished", "time"), _mget(mn, "started", "finished", "time")
    if ta or tb:
        notes.append(f"runs started: {fmt(ta)} → {fmt(tb)}")
    ca, cb = _mget(mo, "counts"), _mget(mn, "counts")
    if isinstance(ca, dict) and isinstance(cb, dict) and ca != cb:
        diffs = [f"{k} {fmt(ca.get(k))} → {fmt(cb.get(k))}" for k in cb if ca.get(k) != cb.get(k)]
        notes.append("counts: " + ", ".join(diffs))
    if inputs:
        if mo and mn and _manifest_inputs(mo) and _manifest_inputs(mn):
            a, b = _manifest_inputs(mo), _manifest_inputs(mn)
            a = {PurePath(k).name: v for k, v in a.items()}
            b = {PurePath(k).name: v for k, v in b.items()}
        else:
            a = {d.get("source") or "": d.get("doc_id") or "" for d in old.documents}
            b = {d.get("source") or "": d.get("doc_id") or "" for d in new.documents}
        added = sorted(set(b) - set(a))
        removed = sorted(set(a) - set(b))
        changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
        same_n = len(set(a) & set(b)) - len(changed)
        notes.append(
            f"inputs: {same_n} same, {len(changed)} changed, {len(added)} added, "
            f"{len(removed)} removed"
        )
        for k in changed:
            notes.append(f"input changed: {k} ({a[k][:12]} → {b[k][:12]})")
        notes += [f"input added: {k}" for k in added]
        notes += [f"input removed: {k}" for k in removed]
    cols = [
        f"{name}: columns only in {side}: {', '.join(c)}"
        for name in ("targets", "indicators")
        for side, c in (
            ("OLD", [x for x in old.columns[name] if x not in set(new.columns[name])]),
            ("NEW", [x for x in new.columns[name] if x not in set(old.columns[name])]),
        )
        if c and old.columns[name] and new.columns[name]
    ]
    return notes + cols


# --------------------------------------------------------------------------- output

B4 = pa.list_(pa.float64(), 4)
CHANGES_SCHEMA = pa.schema(
    [
        ("seq", pa.int32()),  # the change's position in the report
        ("mode", pa.string()),  # run | project
        ("entity", pa.string()),  # document | table | indicator
        ("change", pa.string()),
        ("field", pa.string()),  # null for added/removed/matched rows without fields
        ("old", pa.string()),
        ("new", pa.string()),
        ("delta", pa.float64()),  # new - old for numeric fields
        ("source", pa.string()),
        ("table_name", pa.string()),
        ("level1", pa.string()),
        ("level2", pa.string()),
        ("level3", pa.string()),
        ("key_old", pa.string()),
        ("key_new", pa.string()),
        ("match", pa.string()),
        ("score", pa.float64()),
        ("note", pa.string()),
        ("source_old", pa.string()),
        ("doc_id_old", pa.string()),
        ("page_old", pa.int32()),
        ("line_old", pa.int32()),
        ("bbox_old", B4),
        ("source_new", pa.string()),
        ("doc_id_new", pa.string()),
        ("page_new", pa.int32()),
        ("line_new", pa.int32()),
        ("bbox_new", B4),
    ]
)


def _s(v: Any) -> str | None:
    return None if v is None else fmt(v)


def _delta(a: Any, b: Any) -> float | None:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        if not isinstance(b, bool):
            return float(b) - float(a)
    return None


def change_rows(result: DiffResult) -> list[dict]:
    """The ``changes`` dataset: one row per changed field (one per record without fields)."""
    rows: list[dict] = []
    for seq, c in enumerate(result.changes, 1):
        o, n = c.old or Place(), c.new or Place()
        base = {
            "seq": seq,
            "mode": result.mode,
            "entity": c.entity,
            "change": c.change,
            "source": c.source,
            "table_name": c.table,
            "level1": c.level1,
            "level2": c.level2,
            "level3": c.level3,
            "key_old": c.key_old,
            "key_new": c.key_new,
            "match": c.match,
            "score": c.score,
            "note": c.note,
            "source_old": o.source,
            "doc_id_old": o.doc_id,
            "page_old": o.page,
            "line_old": o.line,
            "bbox_old": list(o.bbox) if o.bbox else None,
            "source_new": n.source,
            "doc_id_new": n.doc_id,
            "page_new": n.page,
            "line_new": n.line,
            "bbox_new": list(n.bbox) if n.bbox else None,
        }
        for f in c.fields or [None]:
            r = dict(base)
            if f is None:
                r.update(field=None, old=None, new=None, delta=None)
            else:
                r.update(field=f.field, old=_s(f.old), new=_s(f.new), delta=_delta(f.old, f.new))
            rows.append(r)
    return rows


def write_diff(result: DiffResult, out_dir: str | Path) -> Path:
    """Write ``out_dir/changes/part-00000.parquet`` (replacing what was there)."""
    from .write import replace_dataset

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(change_rows(result), schema=CHANGES_SCHEMA)
    replace_dataset(out, "changes", [table])
    return out / "changes"


SYMBOL = {
    "added": "[green]+[/]",
    "new": "[green]+[/]",
    "removed": "[red]-[/]",
    "dropped": "[red]-[/]",
    "changed": "[yellow]~[/]",
    "moved": "[cyan]>[/]",
    "matched": "[blue]=[/]",
    "raised": "[green]↑[/]",
    "lowered": "[magenta]↓[/]",
    "vaguer": "[red]≈[/]",
    "sharper": "[green]#[/]",
}


def where(p: Place | None) -> str:
    """``file p.2 l.37`` for a place."""
    if p is None:
        return ""
    bits = [p.source or "?"]
    if p.page is not None:
        bits.append(f"p.{p.page}")
    if p.line is not None:
        bits.append(f"l.{p.line}" + (f"-{p.line_end}" if p.line_end else ""))
    return " ".join(bits)


def print_summary(result: DiffResult, console: Console | None = None, limit: int = 50) -> None:
    """Counts by entity and kind, the run notes, and the first ``limit`` changes."""
    con = console or Console()
    title = "jixiao diff" + (" --by project" if result.mode == "project" else "")
    con.print(f"[bold]{title}[/] {escape(result.old.root)} → {escape(result.new.root)}")
    for n in result.notes:
        con.print(f"  {escape(n)}")
    counts = result.counts()
    if not result.changes:
        con.print("[green]no changes[/]")
        return
    summary = RichTable("entity", "change", "count", title="changes")
    for (entity, change), k in sorted(counts.items()):
        summary.add_row(entity, change, str(k))
    con.print(summary)
    matched = [c for c in result.changes if c.change == "matched"]
    if matched:
        fuzzy = sum(1 for c in matched if c.score is not None and c.score < 100)
        con.print(f"projects matched: {len(matched)} ({fuzzy} by a name below 100)")
    shown = [
        c for c in result.changes if not (c.change == "matched" and not c.fields and c.score == 100)
    ]
    for c in shown[:limit]:
        p = c.new if c.new is not None else c.old
        head = f"{SYMBOL.get(c.change, c.change)} {c.entity} [bold]{c.change}[/]"
        place = c.source if c.entity == "document" else where(p)
        name = " › ".join(x for x in (c.table, c.path) if x)
        con.print(f"{head}  {escape(place or '')}  {escape(name)}")
        what = c.describe()
        if c.score is not None:
            what += f"{'; ' if what else ''}matched by {c.match}, score {c.score:g}"
        if what:
            con.print(f"    {escape(what)}", highlight=False)
    if len(shown) > limit:
        con.print(f"(first {limit} of {len(shown)} changes shown; all are in the dataset)")


def load_and_diff(
    old: str | Path, new: str | Path, by: str | None = None, threshold: float = PROJECT_MIN
) -> DiffResult:
    """``diff_runs`` or, with ``by="project"``, ``diff_projects`` of two output directories."""
    a, b = load_run(old), load_run(new)
    if by == "project":
        return diff_projects(a, b, threshold)
    if by not in (None, "run"):
        raise ValueError(f"--by {by}: expected 'project'")
    return diff_runs(a, b)
