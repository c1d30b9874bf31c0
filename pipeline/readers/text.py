"""Text reader: plain text forms → ``SourceDoc`` (rows of cells with file/line provenance).

In:  a path and its bytes.  Out: ``model.SourceDoc``.

Forms (SPEC section 1):

* tab-separated OCR/converter text (``##`` headings, stray ``<b>``/``<p>`` tags);
* ``.tsv`` / ``.csv`` sheet dumps;
* `` | ``-separated rows and Markdown pipe tables (separator rows dropped);
* plain text with one cell per line or cells run together: returned as single-cell
  rows; the interpreter splits and regroups them.

Text that holds HTML tables (Markdown from PDF converters, saved web pages) is handed
to ``readers.html``.  Encodings: UTF-8 with or without BOM, UTF-16 with BOM, GB18030 (a
superset of GBK/GB2312).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..common import doc_id_of, drop_page_furniture
from ..model import Cell, ReadError, Row, SourceDoc
from .base import Reader

_TAG = re.compile(r"<[^>]{0,200}>")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_BR = re.compile(r"<br\s*/?>", re.I)
_ENTITY = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'"}
_ENTITY_RE = re.compile("|".join(map(re.escape, _ENTITY)))
_MD_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes of a text file; returns (text, encoding)."""
    if not data.strip():
        raise ReadError(f"{name}: empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:4096]
    if b"\x00" in head:
        raise ReadError(f"{name}: binary data, not a text, PDF, Office or image file")
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text, enc
    raise ReadError(f"{name}: not valid UTF-8 or GB18030 text")


def clean_cell(text: str) -> str:
    """Strip markup debris and surrounding whitespace from one cell's text."""
    if "<" in text:
        text = _BR.sub("", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = _ENTITY_RE.sub(lambda m: _ENTITY[m.group(0)], text)
    text = text.replace("\u3000", " ").strip()
    if text.startswith(("**", "__")) and text.endswith(("**", "__")) and len(text) > 4:
        text = text[2:-2].strip()  # Markdown bold around a whole cell or line
    return text


def split_line(line: str, delimiter: str | None) -> list[str]:
    """Split one text line into cell texts."""
    if delimiter == "\t" or (delimiter is None and "\t" in line):
        return [clean_cell(c) for c in line.split("\t")]
    s = line.strip()
    if "|" in s and (s.startswith("|") or " | " in s or s.count("|") >= 2):
        if s.startswith("|"):
            s = s[1:]
        if s.endswith("|"):
            s = s[:-1]
        return [clean_cell(c) for c in s.split("|")]
    return [clean_cell(line)]


def _heading(line: str) -> str:
    s = line.lstrip()
    if s.startswith("#"):
        return s.lstrip("#").strip()
    return line


def text_rows(text: str, first_line: int = 1, delimiter: str | None = None) -> list[Row]:
    """Rows of a plain text block (no HTML tables inside).

    A Markdown pipe table (a header row, a ``|---|`` separator, body rows) is a physical
    table: its rows share a ``table_id`` (an id made of the separator's line number), so
    the interpreter can trust its columns."""
    rows: list[Row] = []
    md_table: int | None = None
    prev_line = -2
    lines = text.splitlines()
    furniture = drop_page_furniture(lines)
    for i, line in enumerate(lines):
        if not line.strip() or furniture[i]:
            md_table = None
            continue
        if _MD_SEP.match(line):
            if rows and prev_line == i - 1 and len(rows[-1].cells) >= 2:
                md_table = 100_000 + first_line + i
                rows[-1].table_id = md_table
            continue
        cells = split_line(_heading(line), delimiter)
        if not any(cells):
            continue
        if md_table is not None and (len(cells) < 2 or "|" not in line):
            md_table = None
        rows.append(Row([Cell(c) for c in cells], line=first_line + i, table_id=md_table))
        prev_line = i
    return rows


def csv_rows(text: str) -> list[Row]:
    """Rows of a CSV sheet dump; line numbers are those of each record's first line."""
    rows: list[Row] = []
    buf = io.StringIO(text)
    reader = csv.reader(buf)
    line = 1
    for rec in reader:
        start, line = line, reader.line_num + 1
        cells = [clean_cell(c) for c in rec]
        if any(cells):
            rows.append(Row([Cell(c) for c in cells], line=start))
    return rows


def read_text(path: Path, data: bytes) -> SourceDoc:
    name = path.name
    text, enc = decode(data, name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = csv_rows(text)
    elif suffix == ".tsv":
        rows = text_rows(text, delimiter="\t")
    elif "<table" in text.lower():
        from .html import mixed_rows  # HTML tables inside text (a lazy import: html uses us)

        rows = mixed_rows(text)
    else:
        rows = text_rows(text)
    head = text[:20000]
    if len(_UNPRINTABLE.findall(head)) > 0.1 * len(head):
        raise ReadError(f"{name}: binary or corrupt data (mostly unprintable characters)")
    form = "html" if "<table" in text.lower() else "text"
    return SourceDoc(
        path=str(path),
        source=name,
        doc_id=doc_id_of(data),
        form=form,
        rows=rows,
        encoding=enc,
    )


READER = Reader(
    "text", frozenset({".txt", ".text", ".md", ".markdown", ".tsv", ".csv", ""}), read_text
)
