"""Text reader: plain text forms → ``SourceDoc`` (rows of cells with file/line provenance).

In:  a path and its bytes.  Out: ``model.SourceDoc``.

Forms (SPEC section 1):

* tab-separated OCR/converter text (``##`` headings, stray ``<b>``/``<p>`` tags);
* ``.tsv`` / ``.csv`` sheet dumps;
* `` | ``-separated rows and Markdown pipe tables (separator rows dropped);
* plain text with one cell per line or cells run together: returned as single-cell
  rows; the interpreter splits and regroups them.

Web pages and text that holds HTML tables (Markdown from PDF converters) are handed to
``readers.html`` (lxml).  Encodings: UTF-8 with or without BOM, UTF-16 with BOM, GB18030
(a superset of GBK/GB2312), others as charset-normalizer finds them.  Bytes that do not
decode are replaced by U+FFFD and counted in a ``text_undecodable`` warning, so one
stray byte costs one character, not the document.  Every pattern here is linear in its
input (no regex with nested repetition over a line, none over a whole file).
"""

from __future__ import annotations

import codecs
import csv
import html as _html
import io
import re
from pathlib import Path

from ..common import doc_id_of, drop_page_furniture
from ..model import Cell, Finding, ReadError, Row, SourceDoc
from .base import Reader

# a tag as markup writes it: ``<`` + an ASCII name (or ``/``, ``!``, ``?``) … ``>`` on one
# line; ``<5%``, ``< 3``, ``<办事处>`` and ``a<b`` without a closing ``>`` are text
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]{0,30}(?:[\s/][^<>\n]{0,300})?>|<![^<>\n]{0,300}>")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_BR = re.compile(r"<br\s{0,20}/?>", re.I)
_REPLACED = "text_undecodable"
_GUESS_SHARE = 0.01  # more replacements than this share of characters: ask charset-normalizer


def _count_errors(err: UnicodeDecodeError) -> tuple[str, int]:
    _ERRORS.append(err.start)
    return "\ufffd", err.end


_ERRORS: list[int] = []
codecs.register_error("jixiao-count", _count_errors)


def _decode_replacing(data: bytes, enc: str) -> tuple[str, list[int]]:
    """``data`` decoded with undecodable bytes replaced by U+FFFD, and the byte offsets
    of the replacements."""
    _ERRORS.clear()
    text = data.decode(enc, errors="jixiao-count")
    errors = list(_ERRORS)
    _ERRORS.clear()
    return text, errors


def decode_counted(data: bytes, name: str) -> tuple[str, str, list[int]]:
    """Decode bytes of a text file: (text, encoding, byte offsets of undecodable bytes).

    UTF-8 (with or without BOM), UTF-16 with BOM and GB18030 are tried strictly first.
    When neither UTF-8 nor GB18030 decodes cleanly the one that needs fewer replacements
    wins (UTF-8 on a tie); past a few replacements per hundred characters charset-normalizer
    is asked for another encoding that decodes cleanly.  Raises ``ReadError`` for empty
    and binary files."""
    if not data.strip():
        raise ReadError(f"{name}: empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        text, errors = _decode_replacing(data[3:], "utf-8")
        return text, "utf-8-sig", [e + 3 for e in errors]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, errors = _decode_replacing(data, "utf-16")
        return text, "utf-16", errors
    head = data[:4096]
    if b"\x00" in head:
        raise ReadError(f"{name}: binary data, not a text, PDF, Office or image file")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc, []
        except UnicodeDecodeError:
            continue
    best: tuple[str, str, list[int]] | None = None
    for enc in ("utf-8", "gb18030"):
        text, errors = _decode_replacing(data, enc)
        if best is None or len(errors) < len(best[2]):
            best = (text, enc, errors)
    assert best is not None
    if len(best[2]) > _GUESS_SHARE * max(1, len(best[0])):
        guess = _guess(data)
        if guess is not None:
            return guess[0], guess[1], []
    return best


def _guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best encoding when it decodes ``data`` without errors."""
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None or not match.encoding:
        return None
    try:
        return data.decode(match.encoding), match.encoding
    except (UnicodeDecodeError, LookupError):
        return None


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes of a text file; returns (text, encoding).  Undecodable bytes become
    U+FFFD (``decode_counted`` also says where)."""
    text, enc, _ = decode_counted(data, name)
    return text, enc


def undecodable_finding(name: str, data: bytes, enc: str, errors: list[int]) -> Finding:
    """The finding for bytes replaced while decoding: how many, and the first's line."""
    line = data.count(b"\n", 0, errors[0]) + 1
    return Finding(
        "warning",
        _REPLACED,
        f"{name}: {len(errors)} byte sequence(s) not valid in {enc} replaced by U+FFFD "
        f"(the first on line {line})",
        line=line,
    )


def _md_sep(line: str) -> bool:
    """A Markdown table separator row (``|---|:---:|``), tested without a regex so a
    line of a hundred thousand spaces costs one pass."""
    s = line.strip()
    if "-" not in s or len(s) > 2000:
        return False
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    for part in s.split("|"):
        part = part.strip()
        if part.startswith(":"):
            part = part[1:]
        if part.endswith(":"):
            part = part[:-1]
        if len(part) < 2 or part.strip("-"):
            return False
    return True


def clean_cell(text: str, markup: bool = True) -> str:
    """Strip markup debris and surrounding whitespace from one cell's text.

    ``markup=False`` for text an HTML parser already took apart (no tags left, entities
    decoded): a ``<`` or ``&`` in it is text."""
    if markup:
        if "<" in text:
            text = _BR.sub("", text)
            text = _TAG.sub("", text)
        if "&" in text:
            text = _html.unescape(text)
    text = text.replace("\u3000", " ").replace("\xa0", " ").strip()
    if text.startswith(("**", "__")) and text.endswith(("**", "__")) and len(text) > 4:
        text = text[2:-2].strip()  # Markdown bold around a whole cell or line
    return text


def split_line(line: str, delimiter: str | None, markup: bool = True) -> list[str]:
    """Split one text line into cell texts (``markup``: see ``clean_cell``)."""
    if delimiter == "\t" or (delimiter is None and "\t" in line):
        return [clean_cell(c, markup) for c in line.split("\t")]
    s = line.strip()
    if "|" in s and (s.startswith("|") or " | " in s or s.count("|") >= 2):
        # a leading bar is a border where the row is bordered on both sides (| a | b |);
        # without a closing one it separates an empty first cell ( |  | 质量指标 | …)
        if s.startswith("|") and s.endswith("|"):
            s = s[1:]
        if s.endswith("|"):
            s = s[:-1]
        return [clean_cell(c, markup) for c in s.split("|")]
    return [clean_cell(line, markup)]


def _heading(line: str) -> str:
    s = line.lstrip()
    if s.startswith("#"):
        return s.lstrip("#").strip()
    return line


def text_rows(
    text: str, first_line: int = 1, delimiter: str | None = None, markup: bool = True
) -> list[Row]:
    """Rows of a plain text block (no HTML tables inside).  ``markup=False`` for text an
    HTML parser produced (tags gone, entities decoded).

    A Markdown pipe table (a header row, a ``|---|`` separator, body rows) is a physical
    table: its rows share a ``table_id`` (an id made of the separator's line number), so
    the interpreter can trust its columns.  Page furniture (page numbers, running headers
    beside them) is left out."""
    rows: list[Row] = []
    md_table: int | None = None
    prev_line = -2
    lines = text.splitlines()
    furniture = drop_page_furniture(lines)
    for i, line in enumerate(lines):
        if not line.strip() or furniture[i]:
            md_table = None
            continue
        if _md_sep(line):
            if rows and prev_line == i - 1 and len(rows[-1].cells) >= 2:
                md_table = 100_000 + first_line + i
                rows[-1].table_id = md_table
            continue
        cells = split_line(_heading(line), delimiter, markup)
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


_HTML_START = ("<!doctype html", "<html", "<?xml")


def is_html(text: str, suffix: str) -> bool:
    """Text to read with the HTML parser: a web page (by suffix or its first tag) or text
    holding ``<table>`` markup (Markdown from PDF converters)."""
    if suffix in (".html", ".htm", ".xhtml"):
        return True
    head = text[:1024].lstrip().lower()
    return head.startswith(_HTML_START) or "<table" in text.lower()


def read_text(path: Path, data: bytes) -> SourceDoc:
    """Read a text, CSV/TSV, Markdown or HTML file (see the module docstring)."""
    name = path.name
    text, enc, errors = decode_counted(data, name)
    head = text[:20000]
    if len(_UNPRINTABLE.findall(head)) > 0.1 * len(head):
        raise ReadError(f"{name}: binary or corrupt data (mostly unprintable characters)")
    findings: list[Finding] = []
    if errors:
        findings.append(undecodable_finding(name, data, enc, errors))
    suffix = path.suffix.lower()
    form = "text"
    if suffix == ".csv":
        rows = csv_rows(text)
    elif suffix == ".tsv":
        rows = text_rows(text, delimiter="\t")
    elif is_html(text, suffix):
        from .html import html_rows  # a lazy import: html uses us

        rows, notes = html_rows(text, name)
        findings.extend(notes)
        form = "html"
    else:
        rows = text_rows(text)
    return SourceDoc(
        path=str(path),
        source=name,
        doc_id=doc_id_of(data),
        form=form,
        rows=rows,
        encoding=enc,
        findings=findings,
    )


READER = Reader(
    "text", frozenset({".txt", ".text", ".md", ".markdown", ".tsv", ".csv", ""}), read_text
)
