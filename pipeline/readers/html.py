"""HTML reader: web pages, Word-exported HTML and text with inline ``<table>``s → rows.

In:  decoded text (``text.read_text`` decodes a file and hands web pages and text that
holds tables here, whatever its suffix: Markdown from PDF converters included).
Out: ``Row``s and reader findings.  Table rows carry ``table_id`` (one per ``<table>``,
nested tables get their own), ``rowspan``/``colspan`` expanded into empty cells marked
``Cell.covered`` (``"up"``/``"left"``) and ``Row.spans=True``.  Text outside tables
(scripts, styles and the ``<head>`` removed) becomes plain rows split as the text reader
splits lines (block ends become cell breaks), which the segmenter ignores unless they are
titles or labels.  Line numbers are those of the source.

The whole text is parsed once by lxml (libxml2's HTML parser, linear in the input), and
the tree is walked without recursion, so unclosed tags and deep nesting cost no more than
their bytes.  libxml2 stops at 2048 levels of nesting: the rest of such a file is not
read, with an ``html_truncated`` error finding.  A ``<`` that is text (``<5%``,
``&lt;5%``) stays in the cell.
"""

from __future__ import annotations

import lxml.etree as etree
import lxml.html

from ..model import Cell, Finding, Row
from .base import Reader
from .limits import ResourceLimitError, limits
from .text import clean_cell, read_text, text_rows

_SKIP = frozenset({"script", "style", "noscript", "head", "template", "title"})
_BLOCK = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "header"}
    | {"footer", "nav", "article", "aside", "blockquote", "dd", "dt", "caption"}
)
_MAX_SPAN = 1000  # spans clamp to this (HTML's own limit); rowspan stops at the table end


def _parse(text: str, name: str = "the file") -> tuple[etree._Element | None, list[Finding]]:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):  # nothing but whitespace or comments
        return None, []
    notes: list[Finding] = []
    for e in parser.error_log:
        if e.level_name != "FATAL":
            continue
        if "depth" in e.message.lower():
            why = "elements nest more than 2048 deep"
        else:
            why = "the markup cannot be parsed further"
        notes.append(
            Finding(
                "error",
                "html_truncated",
                f"{name}: {why} at line {e.line}; the rest of the file was not read",
                line=e.line,
            )
        )
        break
    return root, notes


def _tag(el: etree._Element) -> str:
    return el.tag if isinstance(el.tag, str) else ""


def _text(el: etree._Element) -> str:
    """The text of ``el`` without that of scripts and nested tables (their tails kept)."""
    parts: list[str] = []
    walk = etree.iterwalk(el, events=("start", "end"))
    for ev, node in walk:
        tag = _tag(node)
        if ev == "start":
            if node is not el and (tag in _SKIP or tag == "table" or not tag):
                walk.skip_subtree()
            elif node.text:
                parts.append(node.text)
        elif node is not el and node.tail:
            parts.append(node.tail)
    return "".join(parts)


def _span(v: str | None, cap: int) -> int:
    try:
        n = int(str(v).strip())
    except (TypeError, ValueError):
        return 1
    return max(1, min(n, _MAX_SPAN, cap))


def _own_rows(table: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """``table``'s own ``<tr>``s and the tables nested in it (their rows not included)."""
    trs: list[etree._Element] = []
    nested: list[etree._Element] = []
    walk = etree.iterwalk(table, events=("start",))
    for _, node in walk:
        tag = _tag(node)
        if node is table:
            continue
        if tag == "table":
            nested.append(node)
            walk.skip_subtree()
        elif tag == "tr":
            trs.append(node)
        elif tag in _SKIP:
            walk.skip_subtree()
    return trs, nested


def table_rows(table: etree._Element, table_id: int, line_offset: int = 0) -> list[Row]:
    """Rows of one parsed ``<table>`` (not those of tables nested in it): rowspan/colspan
    expanded into empty covered cells.  Raises ``ResourceLimitError`` when the expanded
    grid would hold more cells than ``limits().max_cells``."""
    trs, _ = _own_rows(table)
    grid: dict[tuple[int, int], tuple[str, int]] = {}
    covered: dict[tuple[int, int], str] = {}  # position -> "up" | "left"
    budget = limits().max_cells
    n_rows = len(trs)
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while (r, c) in covered or (r, c) in grid:
                c += 1
            rs = _span(td.get("rowspan"), n_rows - r)
            cs = _span(td.get("colspan"), _MAX_SPAN)
            if len(grid) + len(covered) + rs * cs > budget:
                raise ResourceLimitError(
                    f"a table at line {(td.sourceline or 1) + line_offset} spans more than "
                    f"{budget:,} cells (limit max_cells)"
                )
            text = clean_cell(_text(td), markup=False)
            grid[(r, c)] = (text, (td.sourceline or 1) + line_offset)
            for dr in range(rs):
                for dc in range(cs):
                    if dr or dc:
                        covered.setdefault((r + dr, c + dc), "up" if dr else "left")
            c += cs
    n_cols = 1 + max((c for _, c in list(grid) + list(covered)), default=0)
    rows: list[Row] = []
    for r in range(n_rows):
        cells = [
            Cell(grid.get((r, c), ("", 0))[0], covered=covered.get((r, c))) for c in range(n_cols)
        ]
        lines = [grid[(r, c)][1] for c in range(n_cols) if (r, c) in grid]
        if any(x.text for x in cells):
            line = min(lines) if lines else (rows[-1].line if rows else 1 + line_offset)
            rows.append(Row(cells, line=line, table_id=table_id, spans=True))
    return rows


def html_table_rows(fragment: str, first_line: int, table_id: int) -> list[Row]:
    """Rows of the first ``<table>`` in an HTML fragment whose first line is
    ``first_line`` of its file (see ``table_rows``)."""
    root, _ = _parse(fragment)
    table = None if root is None else next(root.iter("table"), None)
    if table is None:
        return text_rows(fragment, first_line)
    return table_rows(table, table_id, first_line - 1)


def _end_line(table: etree._Element) -> int:
    """The source line where ``table``'s content ends (its ``</table>``'s line, as far as
    the tree tells: the last node's line plus the line breaks after it)."""
    last = table
    for node in table.iter():
        last = node
    line = last.sourceline or 0
    if last is not table:
        line += (last.text or "").count("\n")
        node: etree._Element | None = last
        while node is not None and node is not table:
            line += (node.tail or "").count("\n")
            node = node.getparent()
    return line


class _Walker:
    """Document order walk: text outside tables kept with its source lines, tables as
    table rows (nested tables after the rows of the table around them)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[Row] = []
        self.pieces: list[str] = []
        self.start = 1  # source line of the first piece
        self.line = 1  # source line where the pieces end
        self.next_table = 0
        self.notes: list[Finding] = []

    def add(self, s: str | None) -> None:
        if s:
            self.pieces.append(s)
            self.line += s.count("\n")

    def goto(self, line: int | None) -> None:
        if line and line > self.line:
            self.add("\n" * (line - self.line))

    def flush(self) -> None:
        if self.pieces:
            self.rows.extend(text_rows("".join(self.pieces), self.start, markup=False))
        self.pieces = []
        self.start = self.line

    def table(self, table: etree._Element) -> None:
        self.flush()
        pending = [table]
        while pending:
            t = pending.pop(0)
            tid = self.next_table
            self.next_table += 1
            rows = table_rows(t, tid)
            if not rows:
                self.next_table -= 1
            self.rows.extend(rows)
            pending[:0] = _own_rows(t)[1]
        self.line = max(self.line, _end_line(table))
        self.start = self.line

    def skipped(self, el: etree._Element) -> None:
        """Say so when a script or style swallowed a table (one left unclosed)."""
        body = el.text or ""
        low = body.lower()
        if "<table" in low and ("<td" in low or "<tr" in low):
            self.notes.append(
                Finding(
                    "warning",
                    "html_table_in_script",
                    f"{self.name}: a <{el.tag}> block from line {el.sourceline} holds table "
                    f"markup that was not read (an unclosed <{el.tag}> runs to the end of "
                    "the file)",
                    line=el.sourceline,
                )
            )

    def walk(self, root: etree._Element) -> None:
        walk = etree.iterwalk(root, events=("start", "end"))
        for ev, el in walk:
            tag = _tag(el)
            if ev == "start":
                self.goto(el.sourceline)
                if not tag:
                    walk.skip_subtree()
                elif tag in _SKIP:
                    self.skipped(el)
                    walk.skip_subtree()
                elif tag == "table":
                    self.table(el)
                    walk.skip_subtree()
                else:
                    self.add(el.text)
            else:
                if tag in _BLOCK:
                    self.add("\t")
                self.add(el.tail)
        self.flush()


def html_rows(text: str, name: str = "") -> tuple[list[Row], list[Finding]]:
    """Rows of an HTML page or of text holding HTML tables, and the reader's findings
    (``html_truncated``, ``html_table_in_script``).  Raises ``ResourceLimitError`` for a
    table whose spans expand past ``limits().max_cells``."""
    name = name or "the file"
    root, notes = _parse(text, name)
    if root is None:
        return text_rows(text), []
    w = _Walker(name)
    w.walk(root)
    return w.rows, notes + w.notes


def mixed_rows(text: str) -> list[Row]:
    """Rows of text that may hold HTML tables (Markdown, web pages, converter output)."""
    return html_rows(text)[0]


# decoding, the binary check and the SourceDoc are the text reader's
READER = Reader("html", frozenset({".html", ".htm", ".xhtml"}), read_text)
