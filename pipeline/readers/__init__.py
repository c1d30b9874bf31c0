"""Readers: a file on disk → ``SourceDoc`` (rows of cells with file/page/line provenance).

In:  a path.  Out: ``model.SourceDoc`` from the reader of the file's family.

One module per input family, each declaring a ``READER`` (``base.Reader``: the suffixes
and magic bytes it takes and its read function): ``text`` (plain text, CSV/TSV,
Markdown), ``html`` (web pages and text holding ``<table>``s), ``pdf`` (text-layer PDFs;
pages without a text layer go to OCR), ``office`` (xlsx/xls/docx), ``image`` (scans, via
the OCR engine in ``ocr``), ``legacy`` (``.doc``/``.wps``/``.et`` through LibreOffice
when installed), ``zip`` (archives: the batch reads their members, ``archive.zip!m.pdf``)
and ``unsupported`` (OFD, slides, JSON …: skipped with what to do).  The registry picks
a reader by content first (a ``.doc`` that is really a ``.docx`` is read as one; a ZIP
container by what it holds: workbook, Word document, OFD, slides or a plain archive; an
OLE2 file by its streams: Word or workbook), then by suffix; anything else is tried as
text, and binary data with an unknown suffix is ``Unsupported`` (status ``skipped``).
Adding a form means one new module and one line in ``_FAMILIES``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import ReadError, SourceDoc
from . import html, image, legacy, office, pdf, text, unsupported
from . import zip as archive
from .base import Reader, using_config

if TYPE_CHECKING:
    from ..config import Config
from .unsupported import Unsupported

_FAMILIES = (pdf, office, image, html, text, legacy, archive, unsupported)
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


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip_family(data: bytes, suffix: str) -> Reader | None:
    """What a ZIP container holds: Office, OFD, slides or a plain archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, ValueError):
        return None  # the Office reader reports the damage
    kind = archive.container_kind(names)
    if kind == "archive" and suffix in office.READER.suffixes:
        return None  # a .docx that holds no document: the Office reader says so
    return {"office": office.READER, "archive": archive.READER}.get(kind, unsupported.READER)


def classify(path: str | Path, data: bytes) -> Reader:
    """The reader for a file given all its bytes (``reader_for`` refined by what a ZIP or
    OLE2 container holds)."""
    r = reader_for(path, data[:1024])
    if r is office.READER and data.startswith(b"PK"):
        return _zip_family(data, Path(path).suffix.lower()) or r
    if r is office.READER and data.startswith(_OLE):
        streams = _ole_streams(data)
        word = "WordDocument" in streams or (
            not streams and Path(path).suffix.lower() in (".doc", ".wps")
        )
        if word and not streams & {"Workbook", "Book"}:
            return legacy.READER
    return r


def _ole_streams(data: bytes) -> set[str]:
    """The stream names of an OLE2 compound file (empty when it cannot be parsed)."""
    import os

    from xlrd import compdoc

    try:
        with open(os.devnull, "w") as log:
            return {e.name for e in compdoc.CompDoc(data, logfile=log).dirlist}
    except Exception:  # a damaged container: the readers report it
        return set()


def read_bytes(path: str | Path, data: bytes, cfg: Config | None = None) -> SourceDoc:
    """Read a file whose bytes are in hand.  Raises ``ReadError`` (``Unsupported`` for a
    format jixiao does not read) naming the file.  ``cfg``: the vocabulary the readers use
    (the default configs when None)."""
    with using_config(cfg):
        return _read_bytes(path, data)


def _read_bytes(path: str | Path, data: bytes) -> SourceDoc:
    p = Path(path)
    r = classify(p, data)
    if r is text.READER and p.suffix.lower() not in text.READER.suffixes:
        try:
            return r.read(p, data)
        except ReadError as e:  # binary data of an unknown kind: not a document we read
            if "binary" in str(e):
                raise unsupported.unsupported(p, "binary data of an unknown kind") from e
            raise
    return r.read(p, data)


def read_document(path: str | Path, cfg: Config | None = None) -> SourceDoc:
    """Read any supported file (or ZIP member ``archive.zip!member``).  Raises
    ``ReadError`` naming the file when it cannot.  ``cfg``: see ``read_bytes``."""
    p = Path(path)
    if archive.split(p) is not None and not p.exists():
        data = archive.read_member(p)
    else:
        try:
            data = p.read_bytes()
        except OSError as e:
            raise ReadError(f"{p}: cannot open: {e.strerror or e}") from e
    return read_bytes(p, data, cfg)


__all__ = [
    "READERS",
    "SUPPORTED_SUFFIXES",
    "Reader",
    "Unsupported",
    "classify",
    "read_bytes",
    "read_document",
    "reader_for",
    "reader_named",
]
