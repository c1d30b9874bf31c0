"""Readers: a file on disk → ``SourceDoc`` (rows of cells with file/page/line provenance).

In:  a path.  Out: ``model.SourceDoc`` from the reader of the file's family.

One module per input family, each declaring a ``READER`` (``base.Reader``: the suffixes
and magic bytes it takes and its read function): ``text`` (plain text, CSV/TSV,
Markdown), ``html`` (web pages and text holding ``<table>``s), ``pdf`` (text-layer PDFs;
pages without a text layer go to OCR), ``office`` (xlsx/xls/docx), ``image`` (scans, via
the OCR engine in ``ocr``).  The registry picks a reader by content first (a ``.doc``
that is really a ``.docx`` is read as one), then by suffix; anything else is tried as text.
Adding a form means one new module and one line in ``_FAMILIES``.
"""

from __future__ import annotations

from pathlib import Path

from ..model import ReadError, SourceDoc
from . import html, image, office, pdf, text
from .base import Reader

_FAMILIES = (pdf, office, image, html, text)
READERS: tuple[Reader, ...] = tuple(m.READER for m in _FAMILIES)
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(s for r in READERS for s in r.suffixes if s)
_BY_NAME = {r.name: r for r in READERS}


def reader_named(name: str) -> Reader:
    return _BY_NAME[name]


def reader_for(path: str | Path, head: bytes = b"") -> Reader:
    """The reader for a file: by its first bytes where they carry a signature, else by
    its suffix, else the text reader (which refuses binary data with a clear error)."""
    for r in READERS:
        if r.sniff(head):
            return r
    suffix = Path(path).suffix.lower()
    for r in READERS:
        if suffix in r.suffixes:
            return r
    return text.READER


def read_document(path: str | Path) -> SourceDoc:
    """Read any supported file.  Raises ``ReadError`` naming the file when it cannot."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(f"{p}: cannot open: {e.strerror or e}") from e
    return reader_for(p, data[:1024]).read(p, data)


__all__ = ["READERS", "SUPPORTED_SUFFIXES", "Reader", "read_document", "reader_for", "reader_named"]
