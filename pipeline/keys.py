"""Keys: stable identities for tables and indicators, so two runs (or two years) can be
compared row by row.

In:  a ``DocResult`` (after interpretation).  Out: the same result with ``TableRecord.key``,
``Indicator.key`` and ``Indicator.link_key`` set.

* file identity ``file_id`` (every row of every dataset carries it): a digest of the
  path as given, normalised (``./a//b.txt`` is ``a/b.txt``; a ZIP member is
  ``archive.zip!member.pdf``), so two copies of one content under two names are two
  files, and re-reading a file at the same path keeps its ``file_id``;
* document identity: the file name (with its extension: ``foo.csv`` and ``foo.html`` in
  one folder are two documents), with the name of the folder it sits in
  (``2024/附件2.pdf``), so a department that re-publishes a corrected attachment under
  the same name keeps its keys (the content hash ``doc_id`` changes, the key does not)
  while same-named files of different folders stay apart;
* table identity: its kind, its form (目标表 or 自评表) and its name (project or
  department name, whitespace and bracket width folded); unnamed tables use
  ``#<table_no>``; a repeated identity within a document gets ``~2``, ``~3`` …;
* indicator identity: the table key + level1/level2/level3 (canonical levels, folded
  level-3 text); a path that repeats within a table gets ``~2``, ``~3`` … in row order;
* ``link_key`` leaves the document out (year + table kind + name + path), so a project's
  target row and the row of its 自评表 share it, and so do two files of the same project.

Keys are short SHA-1 hex digests of the readable identity, so they are safe in any tool.
"""

from __future__ import annotations

import hashlib
import posixpath
from pathlib import PurePath

from .config import norm_key
from .model import DocResult


def digest(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def fold(text: str | None) -> str:
    return norm_key(text or "")


def file_id_of(path: str) -> str:
    """The ``file_id`` of an input: a digest of its path as given, normalised."""
    norm = posixpath.normpath(str(path).replace("\\", "/")) if path else ""
    return digest("file", norm)


def document_identity(path: str) -> str:
    p = PurePath(path)
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name


def assign_keys(result: DocResult) -> DocResult:
    doc = document_identity(result.path)
    seen_tables: dict[tuple[str, str, str], int] = {}
    for t in result.tables:
        ident = fold(t.name) or f"#{t.table_no}"
        n = seen_tables[(t.kind, t.form, ident)] = seen_tables.get((t.kind, t.form, ident), 0) + 1
        suffix = f"~{n}" if n > 1 else ""
        t.key = digest("table", doc, t.kind, t.form, ident + suffix)
        seen_paths: dict[tuple[str, str, str], int] = {}
        for ind in t.indicators:
            path = (fold(ind.level1), fold(ind.level2), fold(ind.level3))
            k = seen_paths[path] = seen_paths.get(path, 0) + 1
            dup = f"~{k}" if k > 1 else ""
            ind.key = digest("indicator", t.key, *path, dup)
            ind.link_key = digest("link", t.year, t.kind, ident, *path, dup)
    return result
