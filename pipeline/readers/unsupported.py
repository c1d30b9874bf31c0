"""Formats jixiao does not read, with what to do about each.

In:  a path and its bytes.  Out: never a ``SourceDoc``: ``read_unsupported`` raises
``Unsupported`` (a ``ReadError`` with a ``hint``), which the batch records as a
``documents`` row with status ``skipped`` and the reason, and the summary lists by
extension with the hint.

* OFD (``.ofd``, GB/T 33190, the national e-document format): not read.  The one OFD
  library on PyPI (``easyofd``) converts through PyMuPDF (AGPL) and loguru and has one
  maintainer; no well-kept text-layer reader exists, so OFD is skipped with that reason.
* Slides (``.pptx``, ``.ppt``, ``.dps``), data files (``.json``, ``.xml``), other archive
  formats (``.rar``, ``.7z``): skipped with what to convert them to.
* Legacy ``.doc``/``.wps``/``.et`` are read by ``legacy`` (LibreOffice); their hint when
  LibreOffice is absent lives here too.
"""

from __future__ import annotations

from pathlib import Path

from ..model import ReadError, SourceDoc
from .base import Reader

_LIBREOFFICE = "install LibreOffice (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui)"
HINTS: dict[str, str] = {
    ".doc": f"convert to .docx, or {_LIBREOFFICE}",
    ".wps": f"convert to .docx, or {_LIBREOFFICE}",
    ".et": f"convert to .xlsx, or {_LIBREOFFICE}",
    ".ofd": "OFD is not read (no well-kept OFD text reader on PyPI): export it to PDF "
    "with an OFD reader and ingest the PDF",
    ".pptx": "slides are not read: save them as PDF and ingest the PDF",
    ".ppt": "slides are not read: save them as PDF and ingest the PDF",
    ".dps": "slides are not read: save them as PDF and ingest the PDF",
    ".json": "not a document: jixiao reads text, CSV, Markdown, HTML, PDF, Office and image files",
    ".xml": "not a document: jixiao reads text, CSV, Markdown, HTML, PDF, Office and image files",
    ".rar": "unpack it, or repack it as .zip (ZIP archives are read member by member)",
    ".7z": "unpack it, or repack it as .zip (ZIP archives are read member by member)",
}
_WHAT = {
    ".ofd": "an OFD document",
    ".pptx": "a slide deck",
    ".ppt": "a slide deck",
    ".dps": "a slide deck",
    ".json": "a JSON data file",
    ".xml": "an XML data file",
    ".rar": "a RAR archive",
    ".7z": "a 7-Zip archive",
}
GENERIC_HINT = "not a format jixiao reads (text, CSV, Markdown, HTML, PDF, Office, images, ZIP)"


class Unsupported(ReadError):
    """A file of a format jixiao does not read (status ``skipped``); ``hint`` says what to
    do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(f"{message}: {hint}")
        self.hint = hint


def hint_for(suffix: str) -> str:
    return HINTS.get(suffix.lower(), GENERIC_HINT)


def unsupported(path: Path, what: str | None = None) -> Unsupported:
    """The ``Unsupported`` error for ``path`` (by its suffix)."""
    suffix = path.suffix.lower()
    what = what or _WHAT.get(suffix) or f"a {suffix or 'suffix-less'} file"
    return Unsupported(f"{path.name}: {what}", hint_for(suffix))


def read_unsupported(path: Path, data: bytes) -> SourceDoc:
    raise unsupported(path)


READER = Reader("unsupported", frozenset(_WHAT), read_unsupported)
