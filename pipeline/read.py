"""Read stage: a file on disk → ``SourceDoc`` (rows of cells with file/line provenance).

In:  a path.  Out: ``model.SourceDoc``.

This module reads every *text* form (SPEC section 1) and dispatches other forms to
their own reader modules (``read_pdf``, ``read_office``, ``read_ocr``), which return the
same ``SourceDoc``.  Text forms handled here:

* tab-separated OCR/converter text (``##`` headings, stray ``<b>``/``<p>`` tags);
* ``.tsv`` / ``.csv`` sheet dumps;
* `` | ``-separated rows and Markdown pipe tables (separator rows dropped);
* HTML tables (``<table>`` with ``rowspan``/``colspan``, several per file), alone, inside
  Markdown, or inside a whole web page (scripts, styles and navigation become plain
  single-cell rows, which the segmenter ignores);
* plain text with one cell per line or cells run together: returned as single-cell
  rows; the interpreter splits and regroups them.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM, GB18030 (a superset of GBK/GB2312).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from .model import Cell, ReadError, Row, SourceDoc

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".tsv", ".csv", ".html", ".htm", ""}
PDF_SUFFIXES = {".pdf"}
OFFICE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".docx"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}

_TAG = re.compile(r"<[^>]{0,200}>")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_BR = re.compile(r"<br\s*/?>", re.I)
_ENTITY = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'"}
_ENTITY_RE = re.compile("|".join(map(re.escape, _ENTITY)))
_MD_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TABLE_BLOCK = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_SKIP_BLOCK = re.compile(r"<(script|style|noscript|head)\b.*?</\1\s*>", re.I | re.S)


def doc_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def read_document(path: str | Path) -> SourceDoc:
    """Read any supported file. Raises ``ReadError`` naming the file when it cannot."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(f"{p}: cannot open: {e.strerror or e}") from e
    suffix = p.suffix.lower()
    if suffix in PDF_SUFFIXES or b"%PDF-" in data[:1024]:
        from .read_ocr import ocr_missing_pages
        from .read_pdf import read_pdf

        # pages with no (or no usable) text layer go to the scanned-page path
        return ocr_missing_pages(read_pdf(p, data), p, data)
    if suffix in OFFICE_SUFFIXES:
        from .read_office import read_office

        return read_office(p, data)
    if suffix in IMAGE_SUFFIXES:
        from .read_ocr import read_image

        return read_image(p, data)
    return read_text(p, data)


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
    """Rows of a plain text block (no HTML tables inside)."""
    rows: list[Row] = []
    for i, line in enumerate(text.splitlines()):
        if not line.strip() or _MD_SEP.match(line):
            continue
        cells = split_line(_heading(line), delimiter)
        if not any(cells):
            continue
        rows.append(Row([Cell(c) for c in cells], line=first_line + i))
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


def html_table_rows(fragment: str, first_line: int, table_id: int) -> list[Row]:
    """Rows of one ``<table>``: rowspan/colspan expanded into empty covered cells."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment)
    except Exception:  # lxml raises several types on broken markup
        return text_rows(_TAG.sub("\t", fragment), first_line)
    grid: dict[tuple[int, int], tuple[str, int]] = {}
    covered: set[tuple[int, int]] = set()
    trs = [tr for tr in root.iter("tr") if _own_table(tr, root)]
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in covered or (r, c) in grid:
                c += 1
            rs = _span(td.get("rowspan"))
            cs = _span(td.get("colspan"))
            text = clean_cell("".join(td.itertext()))
            grid[(r, c)] = (text, (td.sourceline or 1) - 1 + first_line)
            for dr in range(rs):
                for dc in range(cs):
                    if dr or dc:
                        covered.add((r + dr, c + dc))
            c += cs
    n_rows = len(trs)
    n_cols = 1 + max((c for _, c in list(grid) + list(covered)), default=0)
    rows: list[Row] = []
    for r in range(n_rows):
        cells = [Cell(grid.get((r, c), ("", 0))[0]) for c in range(n_cols)]
        lines = [grid[(r, c)][1] for c in range(n_cols) if (r, c) in grid]
        if any(x.text for x in cells):
            line = min(lines) if lines else (rows[-1].line if rows else first_line)
            rows.append(Row(cells, line=line, table_id=table_id))
    return rows


def _own_table(tr, root) -> bool:
    """True when ``tr`` belongs to ``root`` and not to a table nested inside it."""
    parent = tr.getparent()
    while parent is not None and parent is not root:
        if parent.tag == "table":
            return False
        parent = parent.getparent()
    return True


def _span(v: str | None) -> int:
    try:
        return max(1, min(int(str(v).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _blank_keep_lines(m: re.Match[str]) -> str:
    return "\n" * m.group(0).count("\n")


def mixed_rows(text: str) -> list[Row]:
    """Rows of text that may hold HTML tables (Markdown, web pages, converter output)."""
    if "<table" not in text.lower():
        return text_rows(text)
    text = _SKIP_BLOCK.sub(_blank_keep_lines, text)
    rows: list[Row] = []
    pos = 0
    for n, m in enumerate(_TABLE_BLOCK.finditer(text)):
        before = text[pos : m.start()]
        base = text.count("\n", 0, pos) + 1
        rows.extend(text_rows(_block_text(before), base))
        rows.extend(html_table_rows(m.group(0), text.count("\n", 0, m.start()) + 1, n))
        pos = m.end()
    rows.extend(text_rows(_block_text(text[pos:]), text.count("\n", 0, pos) + 1))
    return rows


_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|tr|section|header|footer|nav)\s*>", re.I)


def _block_text(html: str) -> str:
    """Text outside tables.  Block ends become cell breaks (tabs) so minified pages still
    split into pieces, while line numbers stay those of the source."""
    return html if "<" not in html else _BLOCK_END.sub("\t", html)


def read_text(path: Path, data: bytes) -> SourceDoc:
    name = path.name
    text, enc = decode(data, name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = csv_rows(text)
    elif suffix == ".tsv":
        rows = text_rows(text, delimiter="\t")
    else:
        rows = mixed_rows(text)
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
