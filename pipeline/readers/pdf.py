"""PDF reader: a PDF with a text layer → ``SourceDoc`` rows in reading order.

In:  a path and the file's bytes.  Out: ``model.SourceDoc`` (form ``"pdf"``).

* Ruled tables are found with pdfplumber's ``lines`` strategy.  Each grid row becomes one
  ``Row``; a merged cell's text sits in its top-left position and the positions it covers
  are ``""`` so columns stay aligned.  Text inside a cell is assembled from the characters
  (wrapped lines joined with ``''`` for Chinese, spaces between CJK characters dropped,
  ``(cid:N)`` debris removed).
* Borderless tables (no ruling) are rebuilt from the text lines left outside ruled
  tables (characters grouped by their vertical middle, so a line set half a line beside
  another stays apart): runs of lines with several widely spaced chunks form a table.
  Columns come from the gutters that lines leave free (and from the cells of the grid's
  header row and the field labels above it); each word (glyphs that touch) goes whole
  to the column it overlaps most.  Lines of one column at the line pitch form a cell;
  cells form rows by vertical overlap with the rows of the fullest column, a merged
  cell (one overlapping several rows) joining the row its first line lies in.  The
  header fields above a grid and the grid have columns of their own.
* Text outside tables (titles, ``（2024年度）``, ``编制单位（盖章）：…``, page numbers)
  comes out as rows with ``table_id`` None, one per text line, interleaved with the table
  rows by page and vertical position.  A line is one cell, except that pieces set far
  apart (``编制单位：…`` at the left, ``单位：元`` at the right) are separate cells.
* A table that continues on the next page (nothing but page furniture between the two
  parts, same horizontal extent) keeps one ``table_id``; a header row repeated at the top
  of the continuation is dropped.  A borderless continuation is read with the columns of
  the part above it.  Characters drawn twice ("fake bold") are read once.
* Pages without a text layer give a ``pdf_page_no_text`` finding (one per page, for the
  OCR route: see ``pages_without_text``); pages whose fonts have no Unicode map give a
  ``pdf_no_text_map`` error and no rows.  Encrypted, truncated or damaged files raise
  ``ReadError`` naming the file.

camelot is not used: on the fixtures pdfplumber's grids were as exact and several times
faster (``bench/pdf_camelot_compare.py`` measures both; ``bench/pdf_throughput.py``
measures pages/s).
"""

from __future__ import annotations

import io
import re
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common import clean_text, doc_id_of, join_lines
from ..model import BBox, Cell, Finding, ReadError, Row, SourceDoc
from .base import Reader, active_config
from .limits import ResourceLimitError, limits

TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
BAD_MAP_SHARE = 0.3  # share of unmapped characters above which a page is unreadable

_PAGE_NO = re.compile(
    r"^[\s\-—–_·•]*(第\s*)?(\d{1,4}|[ivxlcdmIVXLCDM]{1,6})\s*(页)?"
    r"(\s*[/／]\s*(共\s*)?\d{1,4}\s*(页)?)?[\s\-—–_·•]*$"
)
_ABOVE_TABLE = re.compile(
    r"^\s*(编制单位|填报单位|申报单位|预算单位|主管部门|单位名称|部门名称|金额单位|单位)\s*"
    r"(（盖章）|\(盖章\))?\s*[:：]"
)
_TABLE_START = re.compile(r"^(项目名称|部门（单位）名称|部门\(单位\)名称|部门名称|单位名称)")


# --------------------------------------------------------------------------- text helpers


def _is_bad(text: str) -> bool:
    """True for characters that carry no text: ``(cid:N)`` debris and private-use code
    points (fonts without a Unicode map)."""
    if text.startswith("(cid:"):
        return True
    return any("\ue000" <= ch <= "\uf8ff" for ch in text)


@dataclass(slots=True)
class _Line:
    chars: list[dict]
    top: float
    bottom: float
    x0: float
    x1: float
    size: float


@dataclass(slots=True)
class _Chunk:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str


def _cluster_lines(chars: list[dict]) -> list[_Line]:
    """Group characters into text lines by vertical overlap (chars sorted by top)."""
    lines: list[_Line] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (ch["top"] + ch["bottom"]) / 2
        if lines and lines[-1].top - 0.5 <= mid <= lines[-1].bottom + 0.5:
            ln = lines[-1]
            ln.chars.append(ch)
            ln.bottom = max(ln.bottom, ch["bottom"])
            ln.x0 = min(ln.x0, ch["x0"])
            ln.x1 = max(ln.x1, ch["x1"])
        else:
            lines.append(_Line([ch], ch["top"], ch["bottom"], ch["x0"], ch["x1"], 0.0))
    for ln in lines:
        ln.chars.sort(key=lambda c: c["x0"])
        ln.size = statistics.median(c["size"] for c in ln.chars)
    return lines


def _baseline_lines(chars: list[dict]) -> list[_Line]:
    """Group characters into text lines by their vertical middle: a character joins a
    line whose middle lies within a quarter of its height.  Unlike ``_cluster_lines``
    (any overlap), two lines set half a line apart (a one-line cell centred beside a
    two-line one in a borderless table) stay two lines."""
    lines: list[_Line] = []
    mids: list[float] = []
    for ch in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        mid = (ch["top"] + ch["bottom"]) / 2
        h = max(ch["bottom"] - ch["top"], 1.0)
        if lines and abs(mid - mids[-1]) <= 0.25 * h:
            ln = lines[-1]
            ln.chars.append(ch)
            ln.top = min(ln.top, ch["top"])
            ln.bottom = max(ln.bottom, ch["bottom"])
            ln.x0 = min(ln.x0, ch["x0"])
            ln.x1 = max(ln.x1, ch["x1"])
        else:
            lines.append(_Line([ch], ch["top"], ch["bottom"], ch["x0"], ch["x1"], 0.0))
            mids.append(mid)
    for ln in lines:
        ln.chars.sort(key=lambda c: c["x0"])
        ln.size = statistics.median(c["size"] for c in ln.chars)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _line_text(chars: list[dict], size: float) -> str:
    """Text of chars on one line (sorted by x): a space where the gap is word-sized."""
    parts: list[str] = []
    prev = None
    for ch in chars:
        if prev is not None and ch["x0"] - prev["x1"] > 0.2 * size:
            parts.append(" ")
        parts.append(ch["text"])
        prev = ch
    return "".join(parts)


def _chunks(line: _Line, gap: float) -> list[_Chunk]:
    """Split a line where characters are more than ``gap`` apart (column gutters)."""
    out: list[list[dict]] = []
    for ch in line.chars:
        if out and ch["x0"] - out[-1][-1]["x1"] <= gap:
            out[-1].append(ch)
        else:
            out.append([ch])
    return [
        _Chunk(
            cs[0]["x0"],
            max(c["x1"] for c in cs),
            min(c["top"] for c in cs),
            max(c["bottom"] for c in cs),
            clean_text(_line_text(cs, line.size)),
        )
        for cs in out
    ]


def _cell_text(chars: list[dict]) -> str:
    if not chars:
        return ""
    if sum(1 for c in chars if not c.get("upright", True)) > len(chars) / 2:
        # vertical text: columns left to right, top to bottom inside a column
        chars = sorted(chars, key=lambda c: (round(c["x0"] / 3), c["top"]))
        return clean_text("".join(c["text"] for c in chars))
    lines = _cluster_lines(chars)
    return join_lines(_line_text(ln.chars, ln.size) for ln in lines)


# --------------------------------------------------------------------------- page model


@dataclass(slots=True)
class _PRow:
    cells: list[Cell]
    bbox: BBox


@dataclass
class _Block:
    """A table or a line of free text on one page."""

    kind: str  # "table" | "text"
    page: int
    bbox: BBox
    rows: list[_PRow]
    col_x: list[float] = field(default_factory=list)  # left edge of each column
    ruled: bool = False
    size: float = 0.0  # font size (text lines)
    furniture: bool = False  # page number or running header/footer
    carried: bool = False  # borderless part read with the previous page's columns
    table_key: int | None = None  # logical table this part belongs to
    pitch: float | None = None  # line pitch of wrapped cells (borderless tables)

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.rows[0].cells if c.text) if self.rows else ""


@dataclass
class _PageInfo:
    number: int
    width: float
    height: float
    blocks: list[_Block]
    status: str  # "ok" | "no_text" | "no_map" | "blank"
    bad_share: float = 0.0
    dropped: int = 0  # unmapped characters dropped from an otherwise readable page
    notes: list[str] = field(default_factory=list)  # layout steps that fell back


def _char_ok(ch: dict) -> bool:
    t = ch.get("text", "")
    return bool(t) and not t.isspace()


def _page_status(page, chars: list[dict]) -> tuple[str, float]:
    if not chars:
        drawn = page.images or page.curves or len(page.rects) + len(page.lines) > 4
        return ("no_text" if drawn else "blank"), 0.0
    bad = sum(1 for c in chars if _is_bad(c["text"]))
    share = bad / len(chars)
    return ("no_map" if share > BAD_MAP_SHARE else "ok"), share


def _ruled_tables(page, chars: list[dict], page_no: int) -> tuple[list[_Block], set[int]]:
    """Ruled tables on the page and the ids of the chars they consumed."""
    blocks: list[_Block] = []
    used: set[int] = set()
    if not (page.lines or page.rects or page.curves):
        return blocks, used
    settings = dict(TABLE_SETTINGS)
    sides = _open_sides(page)
    if sides:
        settings["explicit_vertical_lines"] = sides
    try:
        found = page.find_tables(settings)
    except Exception:  # noqa: BLE001 - the added sides are a refinement: retry without
        if not sides:
            raise
        found = page.find_tables(dict(TABLE_SETTINGS))
    for table in found:
        cells = table.cells
        xs = sorted({c[0] for c in cells})
        tops = sorted({c[1] for c in cells})
        if len(xs) < 2:  # a frame or a one-column box: not a table
            continue
        n_r, n_c = len(tops), len(xs)
        owner: list[list[int | None]] = [[None] * n_c for _ in range(n_r)]
        anchor: dict[int, tuple[int, int]] = {}
        for k, (x0, top, x1, bottom) in enumerate(cells):
            r0, c0 = bisect_left(tops, top), bisect_left(xs, x0)
            r1, c1 = bisect_left(tops, bottom - 0.01), bisect_left(xs, x1 - 0.01)
            anchor[k] = (r0, c0)
            for r in range(r0, max(r1, r0 + 1)):
                for c in range(c0, max(c1, c0 + 1)):
                    if owner[r][c] is None:
                        owner[r][c] = k
        x_min, t_min, x_max, b_max = table.bbox
        cell_chars: dict[int, list[dict]] = {}
        for i, ch in enumerate(chars):
            h = (ch["x0"] + ch["x1"]) / 2
            v = (ch["top"] + ch["bottom"]) / 2
            if not (x_min <= h < x_max and t_min <= v < b_max):
                continue
            r = bisect_right(tops, v) - 1
            c = bisect_right(xs, h) - 1
            if r < 0 or c < 0:
                continue
            k = owner[r][c]
            if k is None:
                continue
            cell_chars.setdefault(k, []).append(ch)
            used.add(i)
        grid: list[list[Cell]] = [
            [Cell("", covered=_covered_by(owner[r][c], anchor, r, c)) for c in range(n_c)]
            for r in range(n_r)
        ]
        for k, bbox in enumerate(cells):
            r0, c0 = anchor[k]
            if grid[r0][c0].bbox is None:
                grid[r0][c0] = Cell(_cell_text(cell_chars.get(k, [])), bbox=_round(bbox))
        rows: list[_PRow] = []
        for r in range(n_r):
            if not any(c.text for c in grid[r]):
                continue
            bottom = min(
                (c.bbox[3] for c in grid[r] if c.bbox is not None),
                default=tops[r + 1] if r + 1 < n_r else b_max,
            )
            if r + 1 < n_r:
                bottom = min(bottom, tops[r + 1])
            rows.append(_PRow(grid[r], _round((x_min, tops[r], x_max, bottom))))
        if rows:
            blocks.append(_Block("table", page_no, _round(table.bbox), rows, col_x=xs, ruled=True))
    return blocks, used


def _covered_by(k: int | None, anchor: dict[int, tuple[int, int]], r: int, c: int) -> str | None:
    """``"up"``/``"left"`` for a lattice position inside a merged cell other than its
    top-left one (``Cell.covered``)."""
    if k is None or anchor[k] == (r, c):
        return None
    return "up" if r > anchor[k][0] else "left"


def _union(spans: Iterable[tuple[float, float]], join: float = 1.0) -> list[list[float]]:
    out: list[list[float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + join:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _minus(spans: list[list[float]], cut: list[list[float]]) -> list[tuple[float, float]]:
    """Parts of ``spans`` not covered by ``cut`` (both sorted, disjoint)."""
    out: list[tuple[float, float]] = []
    for a, b in spans:
        pos = a
        for c, d in cut:
            if d <= pos or c >= b:
                continue
            if c > pos:
                out.append((pos, c))
            pos = max(pos, d)
        if pos < b:
            out.append((pos, b))
    return out


def _open_sides(page) -> list[dict]:
    """Missing outer borders of "open-sided" grids (inner rules only, no left/right
    frame line), as explicit vertical lines for pdfplumber.

    For a stack of three or more horizontal rules with the same ends, a line is added
    at an end wherever column lines (vertical rules strictly between the ends) run but
    no vertical rule stands at that end: the gap between two tables, or a title rule
    above a table, gets nothing."""
    h = [e for e in _rules(page, "h") if e["x1"] - e["x0"] > 50]
    if len(h) < 3:
        return []
    v = _rules(page, "v")
    groups: dict[tuple[int, int], list[dict]] = {}
    for e in h:
        groups.setdefault((round(e["x0"] / 3), round(e["x1"] / 3)), []).append(e)
    out: list[dict] = []
    for rules in groups.values():
        if len(rules) < 3:
            continue
        x0 = min(e["x0"] for e in rules)
        x1 = max(e["x1"] for e in rules)
        top = min(e["top"] for e in rules)
        bottom = max(e["bottom"] for e in rules)
        inner = _union(
            (max(top, e["top"]), min(bottom, e["bottom"]))
            for e in v
            if x0 + 3 < e["x0"] < x1 - 3 and e["bottom"] > top and e["top"] < bottom
        )
        if not inner:
            continue
        ys = sorted(e["top"] for e in rules)
        for x in (x0, x1):
            # a rule that runs on past this end (a wider table part above or below)
            # shows that the end is no side there: only stretches between two rules of
            # the stack with no such rule between them can be open sides
            crossing = [
                e["top"] for e in h if e["x0"] < x - 3 < x + 3 < e["x1"] and top < e["top"] < bottom
            ]
            spans = [
                (a, b)
                for a, b in zip(ys, ys[1:], strict=False)
                if not any(a < y < b for y in crossing)
            ]
            border = _union((e["top"], e["bottom"]) for e in v if abs(e["x0"] - x) <= 3)
            allowed = _union(spans)
            gaps = _minus(inner, border)
            gaps = [
                (max(a, c), min(b, d)) for a, b in gaps for c, d in allowed if min(b, d) > max(a, c)
            ]
            for a, b in gaps:
                if b - a > 5:
                    out.append(
                        {
                            "x0": x,
                            "x1": x,
                            "top": a,
                            "bottom": b,
                            "width": 0,
                            "height": b - a,
                            "object_type": "line",
                            "orientation": "v",
                        }
                    )
    return out


def _rules(page, orientation: str, tol: float = 3.0) -> list[dict]:
    """The page's horizontal (``"h"``) or vertical (``"v"``) edges snapped to common
    positions and joined into rules (cell borders drawn piecewise become one line), with
    pdfplumber's public helpers only; diagonal lines and curves are left out."""
    from pdfplumber import utils

    edges = utils.filter_edges(page.edges, orientation)
    pos, lo, hi = ("top", "x0", "x1") if orientation == "h" else ("x0", "top", "bottom")
    edges = utils.snap_objects(edges, pos, tol)
    groups: dict[float, list[tuple[float, float]]] = {}
    for e in edges:
        groups.setdefault(round(float(e[pos]), 3), []).append((float(e[lo]), float(e[hi])))
    out: list[dict] = []
    for at, spans in sorted(groups.items()):
        for a, b in _union(spans, join=tol):
            if orientation == "h":
                out.append({"x0": a, "x1": b, "top": at, "bottom": at, "orientation": "h"})
            else:
                out.append({"x0": at, "x1": at, "top": a, "bottom": b, "orientation": "v"})
    return out


def _round(b: Iterable[float]) -> BBox:
    x0, top, x1, bottom = (round(float(v), 2) for v in b)
    return (x0, top, x1, bottom)


# --------------------------------------------------------------------------- borderless


def _columns(lines: list[_Line], chunks: list[list[_Chunk]]) -> list[float]:
    """Column boundaries of a borderless region: x positions that several lines of two
    or more chunks leave as a gap and few chunks of full lines (three or more chunks)
    cover.  A line of two chunks (a label and a long text spanning the rest) votes for
    its gap but its text does not hide the gutters it runs across.  A stretch that no
    chunk of any line covers is a gutter too."""
    voters = [cs for cs in chunks if len(cs) >= 2]
    full = [cs for cs in chunks if len(cs) >= 3]
    if len(full) < 2:
        full = voters
    x_lo = int(min(ln.x0 for ln in lines)) - 1
    x_hi = int(max(ln.x1 for ln in lines)) + 2
    n = x_hi - x_lo
    cover = [0] * n
    support = [0] * n
    for cs in full:
        for ck in cs:
            for x in range(max(0, int(ck.x0) - x_lo), min(n, int(ck.x1) - x_lo + 1)):
                cover[x] += 1
    for cs in voters:
        for a, b in zip(cs, cs[1:], strict=False):
            for x in range(max(0, int(a.x1) - x_lo + 1), min(n, int(b.x0) - x_lo)):
                support[x] += 1
    bounds: list[float] = []
    start = None
    for x in range(n + 1):
        ok = x < n and support[x] >= 2 and cover[x] <= max(1.0, 0.25 * support[x])
        if ok and start is None:
            start = x
        elif not ok and start is not None:
            bounds.extend(x_lo + b for b in _gutter_middles(cover, start, x))
            start = None
    # a river: a stretch no chunk of any line covers, with text on both sides, is a
    # gutter even where no single line has words on both sides of it (a section label
    # whose lines sit between the rows of the labels beside it)
    size = statistics.median(ln.size for ln in lines)
    empty = [True] * n
    for cs in chunks:
        for ck in cs:
            for x in range(max(0, int(ck.x0) - x_lo), min(n, int(ck.x1) - x_lo + 1)):
                empty[x] = False
    filled = [x for x in range(n) if not empty[x]]
    start = None
    for x in range(filled[0], filled[-1] + 1) if filled else ():
        if empty[x] and start is None:
            start = x
        elif not empty[x] and start is not None:
            mid = x_lo + (start + x) / 2
            if x - start >= 0.5 * size and not any(_same_gutter(b, mid, chunks) for b in bounds):
                bounds.append(mid)
            start = None
    return sorted(bounds)


def _same_gutter(a: float, b: float, chunks: list[list[_Chunk]]) -> bool:
    """True when no chunk lies wholly between the boundaries ``a`` and ``b``: they part
    the same columns."""
    lo, hi = min(a, b), max(a, b)
    return not any(lo <= ck.x0 and ck.x1 <= hi for cs in chunks for ck in cs)


def _gutter_middles(cover: list[int], a: int, b: int) -> list[float]:
    """Boundaries inside the gutter ``a..b`` (a run that few chunks cover): the middle
    of each stretch that the fewest chunks cover.  A chunk of a full line inside the
    run with free space on both sides is a narrow column of its own; a text spanning
    the gutter (covering all of it) leaves the run's middle."""
    low = min(cover[a:b])
    out: list[float] = []
    start = None
    for x in range(a, b + 1):
        free = x < b and cover[x] == low
        if free and start is None:
            start = x
        elif not free and start is not None:
            out.append((start + x) / 2)
            start = None
    return out


@dataclass(slots=True)
class _Carry:
    """Columns of a borderless table that reached the bottom of the previous page."""

    bounds: list[float]
    x0: float
    x1: float
    pitch: float | None = None


def _borderless(
    lines: list[_Line], page_no: int, carry: _Carry | None = None
) -> tuple[list[_Block], set[int]]:
    """Find borderless tables among free text lines. Returns the table blocks and the
    indexes of the lines they consumed.  A short run at the top of the page continues
    ``carry`` (same horizontal extent) and uses its columns."""
    if not lines:
        return [], set()
    chunked = [_chunks(ln, gap=0.6 * ln.size) for ln in lines]
    blocks: list[_Block] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if len(chunked[i]) < 2 and not (i == 0 and carry is not None):
            i += 1
            continue
        region = [i]
        size = lines[i].size
        j = i + 1
        while j < len(lines):
            ln, prev = lines[j], lines[region[-1]]
            if abs(ln.size - size) > 0.15 * size or ln.top - prev.bottom > 3 * size:
                break
            region.append(j)
            j += 1
        while region and _ABOVE_TABLE.match(" ".join(c.text for c in chunked[region[0]])):
            region.pop(0)  # "编制单位：…  单位：元" sits above a table, not in it
        if not region:
            i = j
            continue
        # single-chunk lines at the end belong to the table only as wrapped text or as
        # a one-cell row aligned on a column other than the first
        starts = [c.x0 for k in region if len(chunked[k]) >= 2 for c in chunked[k]]
        left = min(lines[k].x0 for k in region)
        while len(region) > 1 and len(chunked[region[-1]]) == 1:
            k = region[-1]
            gap = lines[k].top - lines[region[-2]].bottom
            x0 = chunked[k][0].x0
            aligned = x0 > left + 2 * size and any(abs(x0 - s) <= 2 for s in starts)
            if gap <= 0.6 * size or aligned:
                break
            region.pop()
        multi = sum(1 for k in region if len(chunked[k]) >= 2)
        sub_lines = [lines[k] for k in region]
        sub_chunks = [chunked[k] for k in region]
        cont = (
            carry is not None
            and region[0] == 0
            and min(ln.x0 for ln in sub_lines) >= carry.x0 - 12
            and max(ln.x1 for ln in sub_lines) <= carry.x1 + 12
        )
        if multi >= 3 or (cont and multi >= 1):
            bounds = carry.bounds if cont and carry is not None else None
            # the header fields above an indicator grid have columns of their own: the
            # grid (from its header line on) gets its own column boundaries
            head = _grid_header_line(sub_chunks) if bounds is None else None
            cut = _row_start(sub_chunks, head) if head else None
            if head is not None:
                start = cut or 0
                bounds = _header_bounds(sub_lines[start:], sub_chunks[start:], head - start)
            pitch = carry.pitch if cont and carry is not None else None
            if cut:
                fb = _field_bounds(sub_lines[:cut], sub_chunks[:cut])
                top = _region_table(sub_lines[:cut], sub_chunks[:cut], page_no, fb, pitch)
                grid = _region_table(
                    sub_lines[cut:], sub_chunks[cut:], page_no, bounds, pitch=top.pitch or pitch
                )
                if top.pitch is None and grid.pitch is not None:
                    top = _region_table(sub_lines[:cut], sub_chunks[:cut], page_no, fb, grid.pitch)
                block = _stack(top, grid)
            else:
                block = _region_table(sub_lines, sub_chunks, page_no, bounds, pitch=pitch)
            bounds = carry.bounds if cont and carry is not None else None
            block.carried = bounds is not None
            blocks.append(block)
            used.update(region)
            i = region[-1] + 1
        else:
            i += 1
    return blocks, used


def _stack(top: _Block, grid: _Block) -> _Block:
    """One table of two parts with columns of their own (header fields, then the grid):
    rows padded to one width; the grid's columns are the table's (for continuations)."""
    width = max(len(r.cells) for r in top.rows + grid.rows)
    rows = [
        _PRow(r.cells + [Cell("") for _ in range(width - len(r.cells))], r.bbox)
        for r in top.rows + grid.rows
    ]
    bbox = (
        min(top.bbox[0], grid.bbox[0]),
        top.bbox[1],
        max(top.bbox[2], grid.bbox[2]),
        grid.bbox[3],
    )
    return _Block("table", grid.page, bbox, rows, col_x=grid.col_x, pitch=grid.pitch)


def _grid_header_line(chunks: list[list[_Chunk]]) -> int | None:
    """Index of an indicator grid's header line (一级指标 | 二级指标 | 三级指标 …, words of
    ``configs/labels.yaml``) inside a borderless region."""
    cfg = active_config()
    for k, cs in enumerate(chunks):
        if len(cs) >= 3:
            roles = {cfg.header_role(c.text, loose=True) for c in cs} - {None}
            if len(roles) >= 3 and roles & {"level1", "level2", "level3"}:
                return k
    return None


def _row_start(chunks: list[list[_Chunk]], k: int) -> int:
    """The first line of the table row that line ``k`` is in: lines set half a line
    above it (a wrapped header cell such as 一级指 / 标) overlap it."""
    while k > 1 and chunks[k - 1] and chunks[k - 1][0].bottom > chunks[k][0].top + 0.5:
        k -= 1
    return k


def _header_cells(chunks: list[list[_Chunk]], head: int) -> list[tuple[float, float]]:
    """The x-extents of the cells of the header row that line ``head`` is in: the chunks
    of every line that overlaps it vertically (a wrapped header cell such as 年度指 / 标值
    set half a line above or below), those stacked over one another joined."""
    k0 = k1 = head
    while k0 > 0 and chunks[k0 - 1] and chunks[k0 - 1][0].bottom > chunks[k0][0].top + 0.5:
        k0 -= 1
    while (
        k1 + 1 < len(chunks)
        and chunks[k1 + 1]
        and chunks[k1 + 1][0].top < chunks[k1][0].bottom - 0.5
    ):
        k1 += 1
    spans = [(ck.x0, ck.x1) for cs in chunks[k0 : k1 + 1] for ck in cs]
    return [(a, b) for a, b in _union(spans, join=0.0)]


def _split_gaps(
    bounds: list[float], gaps: Iterable[tuple[float, float]], body: list[_Chunk]
) -> list[float]:
    """``bounds`` with one more in every gap ``(x1, x0)`` that none crosses, where the
    fewest chunks of ``body`` cross (words are never cut: they go whole to one column)."""
    out = list(bounds)
    for a1, b0 in gaps:
        if b0 - a1 < 1 or any(a1 <= x <= b0 for x in out):
            continue
        xs = [a1 + (b0 - a1) * i / 20 for i in range(21)]
        mid = (a1 + b0) / 2
        out.append(
            min(xs, key=lambda x: (sum(1 for ck in body if ck.x0 < x < ck.x1), abs(x - mid)))
        )
    return sorted(out)


def _field_bounds(lines: list[_Line], chunks: list[list[_Chunk]]) -> list[float]:
    """Column boundaries of the header fields above a grid: the gutters of its lines,
    and one on each side of a field label (项目负责人, 资金性质 …, ``configs``) that is
    set apart from its neighbours on its line: a label is a cell of its own even where
    only two rows show that gutter and texts spanning several columns cross it."""
    cfg = active_config()
    body = [ck for cs in chunks for ck in cs]
    gaps = []
    for cs in chunks:
        for a, b in zip(cs, cs[1:], strict=False):
            if cfg.field_of(a.text) or cfg.field_of(b.text):
                gaps.append((a.x1, b.x0))
    return _split_gaps(_columns(lines, chunks), gaps, body)


def _header_bounds(lines: list[_Line], chunks: list[list[_Chunk]], head: int) -> list[float]:
    """Column boundaries of an indicator grid: the gutters of its lines (``_columns``),
    and one between every two cells of its header row that no gutter separates (a
    column left empty below its header, such as 指标解释 with no explanations), where
    the fewest words of the body cross."""
    cells = _header_cells(chunks, head)
    body = [ck for k, cs in enumerate(chunks) if k != head for ck in cs]
    gaps = [(a1, b0) for (_, a1), (b0, _) in zip(cells, cells[1:], strict=False)]
    return _split_gaps(_columns(lines, chunks), gaps, body)


WORD_GAP = 0.15  # a gap wider than this (× font size) ends a word: glyphs of one word touch
CELL_STEP = 1.15  # lines of one column this many line pitches apart or less: one cell


@dataclass(slots=True)
class _Piece:
    """The words of one printed line that fall in one column."""

    chars: list[dict]
    top: float
    bottom: float
    x0: float
    x1: float


@dataclass(slots=True)
class _BCell:
    """A cell of a borderless table: lines of one column at the line pitch."""

    col: int
    pieces: list[_Piece]

    @property
    def top(self) -> float:
        return self.pieces[0].top

    @property
    def bottom(self) -> float:
        return self.pieces[-1].bottom


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _column_of(x0: float, x1: float, bounds: list[float]) -> int:
    """The column (between ``bounds``) that the span ``x0..x1`` overlaps most; a word is
    never cut at a column edge."""
    edges = [float("-inf"), *bounds, float("inf")]
    best, best_ov = 0, float("-inf")
    for c in range(len(edges) - 1):
        ov = _overlap(x0, x1, edges[c], edges[c + 1])
        if ov > best_ov + 1e-6:
            best, best_ov = c, ov
    return best


def _pieces(line: _Line, bounds: list[float]) -> dict[int, _Piece]:
    """A line's words (glyphs closer than ``WORD_GAP`` × size), each put in the column it
    overlaps most, joined per column."""
    words: list[list[dict]] = []
    for ch in line.chars:
        if words and ch["x0"] - words[-1][-1]["x1"] <= WORD_GAP * line.size:
            words[-1].append(ch)
        else:
            words.append([ch])
    out: dict[int, _Piece] = {}
    for w in words:
        x0, x1 = w[0]["x0"], max(c["x1"] for c in w)
        c = _column_of(x0, x1, bounds)
        top, bottom = min(ch["top"] for ch in w), max(ch["bottom"] for ch in w)
        if c in out:
            p = out[c]
            p.chars.extend(w)
            p.top, p.bottom = min(p.top, top), max(p.bottom, bottom)
            p.x0, p.x1 = min(p.x0, x0), max(p.x1, x1)
        else:
            out[c] = _Piece(list(w), top, bottom, x0, x1)
    return out


def _line_pitch(columns: dict[int, list[_Piece]], size: float) -> float | None:
    """The distance between the lines of a wrapped cell: the shortest step between
    successive lines of one column under 1.5 × the font size (rows are further apart:
    cell padding), preferring a step seen twice.  Lines of one column never overlap:
    two that do are text of two columns that no gutter separated, and give no step."""
    steps = sorted(
        b.top - a.top
        for ps in columns.values()
        for a, b in zip(ps, ps[1:], strict=False)
        if b.top >= a.bottom - 0.5
    )
    steps = [x for x in steps if 0.5 * size < x < 1.5 * size]
    for x in steps:
        if sum(abs(y - x) <= 0.5 for y in steps) >= 2:
            return x
    return steps[0] if steps else None


def _table_rows(cells: list[_BCell]) -> list[list[_BCell]]:
    """Borderless cells → table rows.

    The rows are those of the column with the most cells (a column without merged
    cells: 指标值, or the labels of the header fields), leaving out any of its cells
    that overlaps two cells of another column (a merged cell).  Every other cell joins
    the row it overlaps (rows grow as cells join, so a heading set at the top of a tall
    row still finds it); one that overlaps several rows is a merged cell and joins the
    row its first line lies in (the upper one when it sits between two); cells that
    overlap no row make rows of their own (a heading row with nothing else in it)."""
    by_col: dict[int, list[_BCell]] = {}
    for c in cells:
        by_col.setdefault(c.col, []).append(c)

    def ov(c: _BCell, t: float, b: float) -> float:
        return _overlap(c.top, c.bottom, t, b)

    def merged(c: _BCell) -> bool:
        return any(
            sum(1 for o in others if ov(o, c.top, c.bottom) > 0.5) >= 2
            for col, others in by_col.items()
            if col != c.col
        )

    def n_lines(col: int) -> float:
        return sum(len(c.pieces) for c in by_col[col]) / len(by_col[col])

    anchor_col = max(by_col, key=lambda col: (len(by_col[col]), -n_lines(col)))
    anchors = [c for c in by_col[anchor_col] if not merged(c)]
    rows: list[list[_BCell]] = [[c] for c in anchors]
    spans: list[list[float]] = [[c.top, c.bottom] for c in anchors]

    def join(c: _BCell, hit: list[int]) -> None:
        if len(hit) == 1:
            k = hit[0]
            if not merged(c):
                spans[k] = [min(spans[k][0], c.top), max(spans[k][1], c.bottom)]
        else:  # a merged cell: the row its first line lies in, the upper one on a tie
            first = c.pieces[0]
            k = max(
                hit,
                key=lambda k: (
                    round(_overlap(first.top, first.bottom, *spans[k]), 1),
                    round(ov(c, *spans[k]), 1),
                    -k,
                ),
            )
        rows[k].append(c)

    left = sorted((c for c in cells if all(c is not a for a in anchors)), key=lambda c: c.top)

    # first the cells that overlap a row's anchor, judged by the anchors alone
    def place(todo: list[_BCell], against: list[list[float]]) -> list[_BCell]:
        """Join each cell to the rows it overlaps by more than half; the others back."""
        rest: list[_BCell] = []
        for c in todo:
            hit = [k for k, (t, b) in enumerate(against) if ov(c, t, b) > 0.5]
            if hit:
                join(c, hit)
            else:
                rest.append(c)
        return rest

    left = place(left, [list(sp) for sp in spans])
    gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:], strict=False)]
    gap = statistics.median(gaps) if gaps else 0.0  # the padding between two rows
    # then the others, by the rows as they have grown, a column at a time from the
    # fullest: a label with no text beside it in the anchor column (年度目标 with no
    # goal) makes its row before a section label spanning it and the next row joins one
    rank = sorted(by_col, key=lambda col: (-len(by_col[col]), col))
    for col in rank:
        todo = [c for c in left if c.col == col]
        while todo:
            rest = place(todo, spans)
            if len(rest) == len(todo):
                c = rest.pop(0)
                k = bisect_left([t for t, _ in spans], c.top)
                near = 0 < k < len(spans) and (
                    max(c.top - spans[k - 1][1], spans[k][0] - c.bottom) < 0.5 * gap
                )
                if near:
                    # in the gap between two rows, touching both: a merged cell centred
                    # on their boundary, with the upper one
                    rows[k - 1].append(c)
                else:  # a row of its own
                    rows.insert(k, [c])
                    spans.insert(k, [c.top, c.bottom])
            todo = rest
    return rows


def _follow_wraps(
    placed: list[tuple[int, _Piece]], bounds: list[float], pitch: float | None, size: float
) -> list[tuple[int, _Piece]]:
    """A cell merged across columns wraps its text at its own width: a line that starts
    where the line one pitch above starts (left-aligned text), when that line runs on
    over this line's column, continues it and goes to its column (the short last line
    of a long text would otherwise fall into the column under its start).  With no
    pitch measured, a step under 1.5 × the font size is one."""
    edges = [float("-inf"), *bounds, float("inf")]
    lo, hi = (pitch - 0.5, pitch + 0.5) if pitch is not None else (0.5 * size, 1.5 * size)
    out = list(placed)
    for i, (c, p) in enumerate(out):
        for j in range(i - 1, -1, -1):
            d, q = out[j]
            step = p.top - q.top
            if step > hi:
                break
            if lo <= step <= hi and abs(q.x0 - p.x0) <= 1.0 and d != c:
                if q.x1 > edges[c + 1] and q.x0 <= edges[c + 1]:
                    out[i] = (d, p)
                break
    return out


def _region_table(
    lines: list[_Line],
    chunks: list[list[_Chunk]],
    page_no: int,
    bounds: list[float] | None = None,
    pitch: float | None = None,
) -> _Block:
    """A borderless table from its printed lines: words into columns (by overlap), lines
    of one column at the line pitch into cells, cells into rows (``_table_rows``).  The
    line pitch is measured on the table's lines; ``pitch`` (from the part above, or the
    page before) stands in where no cell of this part wraps."""
    if bounds is None:
        bounds = _columns(lines, chunks)
    n_cols = len(bounds) + 1
    size = statistics.median(ln.size for ln in lines)
    placed = [(c, piece) for ln in lines for c, piece in _pieces(ln, bounds).items()]
    columns: dict[int, list[_Piece]] = {}
    for c, piece in placed:
        columns.setdefault(c, []).append(piece)
    pitch = _line_pitch(columns, size) or pitch
    placed = _follow_wraps(placed, bounds, pitch, size)
    columns = {}
    for c, piece in placed:
        columns.setdefault(c, []).append(piece)
    pitch = _line_pitch(columns, size) or pitch
    cells: list[_BCell] = []
    for c, ps in sorted(columns.items()):
        ps.sort(key=lambda p: p.top)
        for p in ps:
            prev = cells[-1] if cells and cells[-1].col == c else None
            if (
                prev is not None
                and pitch is not None
                and p.top - prev.pieces[-1].top <= (CELL_STEP * pitch)
            ):
                prev.pieces.append(p)
            else:
                cells.append(_BCell(c, [p]))
    out: list[_PRow] = []
    for row in _table_rows(cells):
        texts: dict[int, list[_Piece]] = {}
        for cell in sorted(row, key=lambda c: c.top):
            texts.setdefault(cell.col, []).extend(cell.pieces)
        row_cells = []
        for c in range(n_cols):
            ps = texts.get(c)
            if not ps:
                row_cells.append(Cell(""))
                continue
            text = join_lines(
                _line_text(sorted(p.chars, key=lambda ch: ch["x0"]), size) for p in ps
            )
            box = (
                min(p.x0 for p in ps),
                min(p.top for p in ps),
                max(p.x1 for p in ps),
                max(p.bottom for p in ps),
            )
            row_cells.append(Cell(text, bbox=_round(box)))
        boxes = [x.bbox for x in row_cells if x.bbox is not None]
        box = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        out.append(_PRow(row_cells, _round(box)))
    bbox = (min(ln.x0 for ln in lines), lines[0].top, max(ln.x1 for ln in lines), lines[-1].bottom)
    col_x = [min(ln.x0 for ln in lines)] + list(bounds)
    block = _Block("table", page_no, _round(bbox), out, col_x=col_x, ruled=False, size=size)
    block.pitch = pitch
    return block


# --------------------------------------------------------------------------- page reading


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop characters drawn twice at (almost) the same place: the "fake bold" of many
    Chinese PDF producers, which would otherwise read ``项项目目``."""
    out: list[dict] = []
    last: dict | None = None
    for ch in sorted(chars, key=lambda c: (c["text"], c["top"], c["x0"])):
        if (
            last is not None
            and ch["text"] == last["text"]
            and abs(ch["top"] - last["top"]) < 1
            and abs(ch["x0"] - last["x0"]) < 1
        ):
            continue
        out.append(ch)
        last = ch
    return out if len(out) < len(chars) else chars


def _carry(info: _PageInfo | None) -> _Carry | None:
    """Columns to hand to the next page when this page ends with a borderless table."""
    if info is None or not info.blocks:
        return None
    last = [b for b in info.blocks if not _PAGE_NO.match(b.text)]
    if not last or last[-1].kind != "table" or last[-1].ruled:
        return None
    b = last[-1]
    if b.bbox[3] < 0.6 * info.height:
        return None
    return _Carry(b.col_x[1:], b.bbox[0], b.bbox[2], b.pitch)


def _read_page(page, page_no: int, prev: _PageInfo | None = None) -> _PageInfo:
    chars = _dedupe([c for c in page.chars if _char_ok(c)])
    status, share = _page_status(page, chars)
    info = _PageInfo(page_no, float(page.width), float(page.height), [], status, share)
    if status != "ok":
        return info
    if share:
        n = len(chars)
        chars = [c for c in chars if not _is_bad(c["text"])]
        info.dropped = n - len(chars)
    # each layout step falls back to the next on failure: ruled tables → borderless
    # tables from text lines → plain text lines
    try:
        tables, used = _ruled_tables(page, chars, page_no)
    except Exception as e:  # noqa: BLE001 - a drawing pdfplumber cannot use
        info.notes.append(f"ruled tables not read ({_why(e)}); read as text lines")
        tables, used = [], set()
    free = [c for i, c in enumerate(chars) if i not in used]
    lines = _baseline_lines(free) if free else []
    try:
        borderless, used_lines = _borderless(lines, page_no, _carry(prev))
    except Exception as e:  # noqa: BLE001
        info.notes.append(f"borderless tables not read ({_why(e)}); read as plain lines")
        borderless, used_lines = [], set()
    blocks = tables + borderless
    for k, ln in enumerate(lines):
        if k in used_lines:
            continue
        cells = [
            Cell(c.text, bbox=_round((c.x0, c.top, c.x1, c.bottom)))
            for c in _chunks(ln, gap=1.5 * ln.size)
            if c.text
        ]
        if not cells:
            continue
        box = _round((ln.x0, ln.top, ln.x1, ln.bottom))
        blocks.append(_Block("text", page_no, box, [_PRow(cells, box)], size=ln.size))
    blocks.sort(key=lambda b: (b.top, b.bbox[0]))
    info.blocks = blocks
    return info


def _mark_furniture(pages: list[_PageInfo]) -> None:
    """Page numbers, and small lines repeated near the top or bottom edge of several
    pages (running headers/footers)."""
    seen: Counter[str] = Counter()
    band: list[tuple[_Block, str]] = []
    for p in pages:
        body = [b.size for b in p.blocks if b.kind == "text"]
        body_size = statistics.median(body) if body else 0
        for b in p.blocks:
            if b.kind != "text":
                continue
            t = b.text
            if _PAGE_NO.match(t):
                b.furniture = True
                continue
            edge = b.bbox[3] < 0.06 * p.height or b.top > 0.94 * p.height
            if edge and b.size <= 1.1 * body_size:
                key = re.sub(r"\d+", "#", t)
                seen[key] += 1
                band.append((b, key))
    for b, key in band:
        if seen[key] >= 2:
            b.furniture = True


def _continues(prev: _Block, prev_page: _PageInfo, nxt: _Block) -> bool:
    """Does ``nxt`` (first block of a page) continue ``prev`` (last block of the page
    before)?"""
    if prev.kind != "table" or nxt.kind != "table" or prev.ruled != nxt.ruled:
        return False
    if nxt.carried:
        return True
    if prev.bbox[3] < 0.6 * prev_page.height:
        return False
    tol = 12.0
    if abs(prev.bbox[0] - nxt.bbox[0]) > tol or abs(prev.bbox[2] - nxt.bbox[2]) > tol:
        return False
    first = next((c.text for c in nxt.rows[0].cells if c.text), "")
    return not _TABLE_START.match(first)


def _remap(rows: list[_PRow], src_x: list[float], dst_x: list[float]) -> list[_PRow]:
    """Put a continuation's cells under the first part's columns when its column edges
    are a subset of the first part's."""
    if len(src_x) == len(dst_x) or not src_x:
        return rows
    index = []
    for x in src_x:
        k = min(range(len(dst_x)), key=lambda i: abs(dst_x[i] - x))
        if abs(dst_x[k] - x) > 3 or (index and k <= index[-1]):
            return rows
        index.append(k)
    out = []
    for r in rows:
        cells = [Cell("") for _ in dst_x]
        for c, cell in enumerate(r.cells):
            if c < len(index):
                cells[index[c]] = cell
        out.append(_PRow(cells, r.bbox))
    return out


def _repeats(row: _PRow, head: _PRow) -> bool:
    """Is ``row`` (first row of a continuation) a repeat of ``head`` (a row of the first
    part)?  Every non-empty cell must match, at the same column or, when the columns
    differ, in the same order at the end of the row; at least two cells."""
    texts = [c.text for c in row.cells]
    filled = [t for t in texts if t]
    if len(filled) < 2:
        return False
    other = [c.text for c in head.cells]
    if len(other) == len(texts) and all(not t or t == o for t, o in zip(texts, other, strict=True)):
        return True
    keys = [t for t in other if t]
    return len(filled) >= 3 and keys[-len(filled) :] == filled


def _assemble(pages: list[_PageInfo]) -> list[Row]:
    """Number logical tables (merging page continuations) and emit rows."""
    _mark_furniture(pages)
    next_id = 0
    firsts: dict[int, _Block] = {}  # table id -> first part
    last_table: tuple[_Block, _PageInfo] | None = None
    for p in pages:
        content = [b for b in p.blocks if not b.furniture]
        for n, b in enumerate(content):
            if b.kind != "table":
                continue
            if n == 0 and last_table is not None and _continues(*last_table, b):
                head = firsts[last_table[0].table_key]  # type: ignore[index]
                b.table_key = head.table_key
                b.rows = _remap(b.rows, b.col_x, head.col_x)
                if b.rows and any(_repeats(b.rows[0], h) for h in head.rows):
                    b.rows = b.rows[1:]
            else:
                b.table_key = next_id
                firsts[next_id] = b
                next_id += 1
        last_table = None
        if p.status == "ok" and content and content[-1].kind == "table":
            last_table = (content[-1], p)
    width: dict[int, int] = {}
    for p in pages:
        for b in p.blocks:
            if b.kind == "table" and b.table_key is not None:
                w = max((len(r.cells) for r in b.rows), default=0)
                width[b.table_key] = max(width.get(b.table_key, 0), w)
    rows: list[Row] = []
    for p in pages:
        for b in p.blocks:
            for r in b.rows:
                cells = r.cells
                if b.kind == "table":
                    w = width[b.table_key]  # type: ignore[index]
                    if len(cells) < w:
                        cells = cells + [Cell("") for _ in range(w - len(cells))]
                rows.append(
                    Row(
                        cells,
                        line=len(rows) + 1,
                        page=p.number,
                        table_id=b.table_key,
                        bbox=r.bbox,
                        spans=b.kind == "table" and b.ruled,
                    )
                )
    return rows


# --------------------------------------------------------------------------- public


def _why(e: BaseException) -> str:
    """What an exception from pdfplumber/pdfminer says, in a few words: no object
    addresses, one line, cut at a word boundary."""
    msg = re.sub(r"<[^<>]{0,200} at 0x[0-9a-fA-F]+>", "the file", str(e)).strip()
    msg = msg.splitlines()[0] if msg else ""
    if len(msg) > 160:
        msg = msg[:160].rsplit(" ", 1)[0] + " …"
    kind = type(e).__name__
    if isinstance(e, KeyError | IndexError | TypeError | AttributeError):
        kind = "malformed page content"
    return f"{kind}: {msg}" if msg and msg not in ("None", kind) else kind


def _page_too_large(page) -> str | None:
    """Why a page is too large to read (its size in points past ``max_page_pt``)."""
    w, h = float(page.width), float(page.height)
    cap = limits().max_page_pt
    if w > cap or h > cap:
        return f"{w:,.0f}×{h:,.0f} pt, larger than {cap:,.0f} pt a side (limit max_page_pt)"
    return None


def _render_too_large(info: _PageInfo) -> str | None:
    """Why a page without a text layer is too large to render for OCR (its pixels at
    the OCR resolution past ``max_render_mpx``); checked before anything is rendered."""
    from .ocr import OCR_DPI

    px = (info.width * OCR_DPI / 72) * (info.height * OCR_DPI / 72)
    cap = limits().max_render_mpx
    if px > cap * 1e6:
        return (
            f"{info.width:,.0f}×{info.height:,.0f} pt would render to {px / 1e6:,.0f} "
            f"megapixels at {OCR_DPI} dpi for OCR, more than {cap:g} (limit max_render_mpx); "
            "not read"
        )
    return None


def _check_bytes(name: str, data: bytes) -> None:
    if not data.strip():
        raise ReadError(f"{name}: empty file")
    if b"%PDF-" not in data[:1024]:
        raise ReadError(f"{name}: not a PDF (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise ReadError(f"{name}: damaged PDF (truncated: no end-of-file marker)")


def _open(name: str, data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    _check_bytes(name, data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages
    except Exception as e:  # pdfplumber wraps pdfminer's errors
        inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
            raise ReadError(f"{name}: encrypted PDF (password required)") from e
        raise ReadError(f"{name}: damaged PDF ({_why(inner)})") from e
    return pdf


def read_pdf(path: Path, data: bytes) -> SourceDoc:
    """Read a PDF with a text layer (see the module docstring)."""
    name = path.name
    pdf = _open(name, data)
    pages: list[_PageInfo] = []
    findings: list[Finding] = []
    failed = 0
    refused = 0
    lim = limits()
    with pdf:
        n_pages = len(pdf.pages)
        if n_pages > lim.max_pages:
            raise ResourceLimitError(
                f"{name}: {n_pages:,} pages, more than {lim.max_pages:,} (limit max_pages)"
            )
        for i, page in enumerate(pdf.pages, 1):
            too_big = _page_too_large(page)
            if too_big:
                refused += 1
                page.close()
                findings.append(
                    Finding("error", "resource_limit", f"{name}: page {i}: {too_big}", page=i)
                )
                continue
            try:
                info = _read_page(page, i, pages[-1] if pages else None)
            except MemoryError:
                raise
            except Exception as e:  # a broken content stream: keep the other pages
                failed += 1
                findings.append(
                    Finding(
                        "error",
                        "pdf_page_error",
                        f"{name}: page {i}: cannot read the page ({_why(e)})",
                        page=i,
                    )
                )
                continue
            finally:
                page.close()
            pages.append(info)
            for note in info.notes:
                findings.append(
                    Finding("warning", "pdf_layout_fallback", f"{name}: page {i}: {note}", page=i)
                )
            if info.status in ("no_text", "no_map"):
                too_big = _render_too_large(info)
                if too_big:
                    refused += 1
                    info.status = "refused"
                    findings.append(
                        Finding("error", "resource_limit", f"{name}: page {i}: {too_big}", page=i)
                    )
                    continue
            if info.status == "no_text":
                findings.append(
                    Finding(
                        "warning",
                        "pdf_page_no_text",
                        f"{name}: page {i} has no text layer (scanned image); "
                        "it needs the scanned-page (OCR) path",
                        page=i,
                    )
                )
            elif info.dropped:
                findings.append(
                    Finding(
                        "warning",
                        "pdf_unmapped_chars",
                        f"{name}: page {i}: {info.dropped} character(s) without a Unicode map "
                        "dropped",
                        page=i,
                    )
                )
            elif info.status == "no_map":
                findings.append(
                    Finding(
                        "error",
                        "pdf_no_text_map",
                        f"{name}: page {i}: the fonts have no Unicode map "
                        f"({info.bad_share:.0%} of characters unreadable), text not extracted; "
                        "use the scanned-page (OCR) path for this page",
                        page=i,
                    )
                )
    if n_pages and refused and failed + refused == n_pages:
        raise ResourceLimitError(
            "; ".join(f.message for f in findings if f.code == "resource_limit")[:600]
        )
    if n_pages and failed == n_pages:
        raise ReadError(f"{name}: damaged PDF (no page could be read)")
    return SourceDoc(
        path=str(path),
        source=name,
        doc_id=doc_id_of(data),
        form="pdf",
        rows=_assemble(pages),
        n_pages=n_pages,
        findings=findings,
    )


def page_text_status(pdf: Any) -> dict[int, str]:
    """Text-layer status of each page (1-based): ``"ok"``, ``"no_text"`` (nothing but
    images or drawings), ``"no_map"`` (fonts without a Unicode map) or ``"blank"``.

    ``pdf`` is a path, the file's bytes or an open ``pdfplumber.PDF``."""
    own = not hasattr(pdf, "pages")
    if own:
        if isinstance(pdf, bytes | bytearray):
            doc = _open("<bytes>", bytes(pdf))
        else:
            p = Path(pdf)
            doc = _open(p.name, p.read_bytes())
    else:
        doc = pdf
    out: dict[int, str] = {}
    try:
        for i, page in enumerate(doc.pages, 1):
            chars = [c for c in page.chars if _char_ok(c)]
            out[i] = _page_status(page, chars)[0]
            page.close()
    finally:
        if own:
            doc.close()
    return out


def pages_without_text(pdf: Any) -> list[int]:
    """1-based pages that need OCR: no text layer, or fonts without a Unicode map.
    ``pdf`` is a path, bytes or an open ``pdfplumber.PDF``.  After ``read_pdf`` the same
    pages are in ``SourceDoc.findings`` (codes ``pdf_page_no_text`` / ``pdf_no_text_map``,
    ``Finding.page``), so a router need not open the file twice."""
    return [n for n, s in page_text_status(pdf).items() if s in ("no_text", "no_map")]


PDF_NO_TEXT_CODES = ("pdf_page_no_text", "pdf_no_text_map")


def read_pdf_document(path: Path, data: bytes) -> SourceDoc:
    """The text layer of every page; pages without one (or without a Unicode map) are
    read by OCR (``readers.ocr``, imported only then)."""
    doc = read_pdf(path, data)
    if any(f.code in PDF_NO_TEXT_CODES and f.page for f in doc.findings):
        from .ocr import ocr_missing_pages

        doc = ocr_missing_pages(doc, path, data)
    return doc


READER = Reader("pdf", frozenset({".pdf"}), read_pdf_document, magic=(b"%PDF-",), magic_within=1024)
