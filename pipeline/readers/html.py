"""HTML reader: web pages, Word-exported HTML and text with inline ``<table>``s → rows.

In:  decoded text (``text.read_text`` decodes a file and hands text that holds tables
here, whatever its suffix: web pages, Markdown from PDF converters).  Out: ``Row``s whose table rows carry ``table_id`` (one per
``<table>``), with ``rowspan``/``colspan`` expanded into empty covered cells.  Text outside
tables (scripts, styles and navigation removed) becomes plain rows, which the segmenter
ignores unless they are titles or labels.
"""

from __future__ import annotations

import re

from ..model import Cell, Row
from .base import Reader
from .text import _TAG, clean_cell, read_text, text_rows

_TABLE_BLOCK = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_SKIP_BLOCK = re.compile(r"<(script|style|noscript|head)\b.*?</\1\s*>", re.I | re.S)


def html_table_rows(fragment: str, first_line: int, table_id: int) -> list[Row]:
    """Rows of one ``<table>``: rowspan/colspan expanded into empty covered cells."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment)
    except Exception:  # lxml raises several types on broken markup
        return text_rows(_TAG.sub("\t", fragment), first_line)
    grid: dict[tuple[int, int], tuple[str, int]] = {}
    covered: dict[tuple[int, int], str] = {}  # position -> "up" | "left"
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
                        covered.setdefault((r + dr, c + dc), "up" if dr else "left")
            c += cs
    n_rows = len(trs)
    n_cols = 1 + max((c for _, c in list(grid) + list(covered)), default=0)
    rows: list[Row] = []
    for r in range(n_rows):
        cells = [
            Cell(grid.get((r, c), ("", 0))[0], covered=covered.get((r, c))) for c in range(n_cols)
        ]
        lines = [grid[(r, c)][1] for c in range(n_cols) if (r, c) in grid]
        if any(x.text for x in cells):
            line = min(lines) if lines else (rows[-1].line if rows else first_line)
            rows.append(Row(cells, line=line, table_id=table_id, spans=True))
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


# decoding, the binary check and the SourceDoc are the text reader's
READER = Reader("html", frozenset({".html", ".htm", ".xhtml"}), read_text)
