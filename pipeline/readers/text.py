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
from collections.abc import Callable
from pathlib import Path

from ..common import BARE_NUMBER, doc_id_of, drop_page_furniture, join_lines
from ..config import Config, norm_key
from ..model import Cell, Finding, ReadError, Row, SourceDoc
from .base import Reader, active_config

# a tag as markup writes it: ``<`` + an ASCII name (or ``/``, ``!``, ``?``) … ``>`` on one
# line; ``<5%``, ``< 3``, ``<办事处>`` and ``a<b`` without a closing ``>`` are text
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]{0,30}(?:[\s/][^<>\n]{0,300})?>|<![^<>\n]{0,300}>")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_BR = re.compile(r"<br\s{0,20}/?>", re.I)
_REPLACED = "text_undecodable"
_GUESS_SHARE = 0.01  # more replacements than this share of characters: ask charset-normalizer
BINARY_SNIFF = 4096  # bytes searched for a NUL that marks binary data (text has none)


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
    head = data[:BINARY_SNIFF]
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


MD_SEP_MAX = 2000  # a longer line is no Markdown separator row (and is not split to test it)


def _md_sep(line: str) -> bool:
    """A Markdown table separator row (``|---|:---:|``), tested without a regex so a
    line of a hundred thousand spaces costs one pass."""
    s = line.strip()
    if "-" not in s or len(s) > MD_SEP_MAX:
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


_SPACE_RUN = re.compile(r"[ \u3000]+")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_OPENS_NOTE = ("(", "（")
_CLOSES_NOTE = (")", "）")


def space_mode(lines: list[str]) -> str | None:
    """How a document's text separates cells with spaces, from the evidence of its lines:

    * ``"space"``: every space is a boundary (converter text that writes a row's cells with
      one space between them, and an empty cell as a second space): at least three lines
      hold two or more single spaces between words;
    * ``"spaces"``: runs of two or more spaces are boundaries and a single space stays
      inside a cell (fixed-width text);
    * None: spaces separate no cells (tab, bar or one-cell-per-line text).

    A space after a punctuation mark (``判和分析, 逐步``) is typing, not a boundary, and
    page numbers (第 3 页) are page furniture."""
    single = multi = two = texts = 0
    furniture = drop_page_furniture(lines)
    for line, skip in zip(lines, furniture, strict=True):
        if skip or "\t" in line or "|" in line or not line.strip():
            continue
        texts += 1
        s = line.strip()
        runs = [
            len(m.group(0))
            for m in _SPACE_RUN.finditer(s)
            if s[m.start() - 1] not in _TYPED_BEFORE_SPACE
        ]
        if len(runs) >= 2 and sum(1 for n in runs if n == 1) >= 2:
            single += 1
        elif sum(1 for n in runs if n >= 2) >= 2:
            multi += 1
        elif sum(1 for n in runs if n >= 2) == 1:
            two += 1  # two cells apart (a grid of two text columns, or typing)
    enough = max(MIN_SPACED_LINES, SPACED_SHARE * texts)
    if single >= enough:
        return "space"
    if multi >= enough or (multi + two >= max(enough, TWO_CELL_SHARE * texts) and multi):
        return "spaces"
    return None


_TYPED_BEFORE_SPACE = ",，;；:：、.。!！?？"
MIN_SPACED_LINES = 3  # lines that show a spacing convention before the document has one
SPACED_SHARE = 0.1  # … and this share of its lines: a few spaced lines are typing
# lines of two cells apart by a run of spaces, with a few of three or more, show columns
# where they are this share of the lines (a grid of name and value, a side label beside)
TWO_CELL_SHARE = 0.3


def _join_spaced_out(tokens: list[str]) -> list[str]:
    """Words printed with a space between their characters (绩 效 指 标, 单 位) are one
    cell: consecutive one-character CJK tokens are joined; a bracketed note after a space
    (数量指标 (必填)) stays with the word before it (an item number such as (1)名称 opens
    the next cell)."""
    out: list[str] = []
    run = False
    for t in tokens:
        single = len(t) == 1 and bool(_CJK_CHAR.match(t))
        if out and t.startswith(_OPENS_NOTE) and t.endswith(_CLOSES_NOTE) and out[-1]:
            out[-1] += " " + t
            run = False
            continue
        if single and run and out:
            out[-1] += t
            continue
        out.append(t)
        run = single
    return out


def _space_cells(line: str, mode: str, markup: bool) -> list[str]:
    s = line.rstrip("\r\n")
    if mode == "space":
        # every space a boundary: leading spaces are empty cells before the first (a
        # merged cell left of it), a trailing one an empty last cell
        lead = len(s) - len(s.lstrip(" \u3000"))
        parts = [""] * lead + re.split(r"[ \u3000]", s.strip(" \u3000"))
        if s.endswith((" ", "\u3000")) and s.strip():
            parts.append("")
        cells = _join_spaced_out(parts)
    else:
        cells = _join_spaced_out(re.split(r"[ \u3000]{2,}", s.strip(" \u3000")))
    return [clean_cell(c, markup) for c in cells]


def layout_cells(line: str, line_no: int, markup: bool = True) -> list[Cell]:
    """The cells of a fixed-width line (runs of two or more spaces between them) with
    where each stands: ``bbox`` x0/x1 in display columns (a CJK character two wide), the
    line as y.  Columns of a text laid out like a page line up at these positions."""
    from .grid.cells import display_width

    out: list[Cell] = []
    s = line.rstrip("\r\n").replace("\t", " ")
    for m in re.finditer(r"\S+(?:[ \u3000]\S+)*", s):
        x0 = display_width(s[: m.start()])
        x1 = x0 + display_width(m.group(0))
        text = clean_cell(m.group(0), markup)
        if text:
            out.append(Cell(text, bbox=(float(x0), float(line_no), float(x1), float(line_no + 1))))
    return out


def split_line(
    line: str,
    delimiter: str | None,
    markup: bool = True,
    spaces: str | None = None,
    bars: bool = False,
    bordered: bool = True,
) -> tuple[list[str], str | None]:
    """Split one text line into cell texts (``markup``: see ``clean_cell``), and name the
    separator that showed the boundaries (``Row.sep``): ``"tab"``, ``"bar"``, ``"space"``
    or ``"spaces"`` (``spaces``: the document's ``space_mode``), None for a single cell.
    ``bars``: the document separates cells with bars, so one bar between two texts
    (部门名称｜某局) separates them too.  ``bordered``: the document's bar rows open and
    close with a bar (| a | b |), so those are borders; where they do not, a bar that
    opens or closes a row leaves an empty first or last cell."""
    if delimiter == "\t" or (delimiter is None and "\t" in line):
        return [clean_cell(c, markup) for c in line.split("\t")], "tab"
    s = line.strip()
    if "|" in s and (bars or s.startswith("|") or " | " in s or s.count("|") >= 2):
        # a leading bar is a border where the rows are bordered on both sides (| a | b |);
        # without a closing one it separates an empty first cell ( |  | 质量指标 | …)
        if bordered and s.startswith("|") and s.endswith("|"):
            s = s[1:]
        if bordered and s.endswith("|"):
            s = s[:-1]
        return [clean_cell(c, markup) for c in s.split("|")], "bar"
    if spaces and _SPACE_RUN.search(s):
        cells = _space_cells(line, spaces, markup)
        if len(cells) > 1:
            return cells, spaces
        return cells, None
    return [clean_cell(line, markup)], None


def _heading(line: str) -> str:
    s = line.lstrip()
    if s.startswith("#"):
        return s.lstrip("#").strip()
    return line


def _closed_cell(line: str) -> str | None:
    """The text of a one-cell line closed by a bar (``text |``), "" for a lone bar (an
    empty cell), None for any other line."""
    s = line.strip()
    if s.endswith("|") and s.count("|") == 1:
        return s[:-1].strip()
    return None


def _row_end(line: str) -> bool:
    """A line of bars only (``||||``): the end of a grid row in one-cell-per-line text."""
    s = line.replace(" ", "")
    return len(s) >= 2 and not s.strip("|")


def text_rows(
    text: str, first_line: int = 1, delimiter: str | None = None, markup: bool = True
) -> list[Row]:
    """Rows of a plain text block (no HTML tables inside).  ``markup=False`` for text an
    HTML parser produced (tags gone, entities decoded).

    Each row records the evidence of its boundaries (``Row.sep``, ``gap``, ``closed``,
    ``end``): the separator between its cells, the blank lines before it, a bar closing a
    one-cell line and a line of bars ending a grid row.  No separator the text shows is
    thrown away.  Lines are joined here only where the layout itself shows one row broken
    over lines (bar rows whose bars add up, the lines between two rules of a grid table,
    fixed-width pieces under cells that filled their columns); where a one-cell line goes
    on in the next (``满意度`` / ``指标 |``) the grid aligner decides from this evidence
    and what the cells hold.

    A Markdown pipe table (a header row, a ``|---|`` separator, body rows) is a physical
    table: its rows share a ``table_id`` (an id made of the separator's line number), so
    the interpreter can trust its columns.  Page furniture (page numbers, running headers
    beside them) is left out."""
    rows: list[Row] = []
    md_table: int | None = None
    prev_line = -2
    lines = [_BARS.sub("|", x) for x in text.splitlines()]
    furniture = drop_page_furniture(lines)
    lines = _join_row_wraps([("" if f else x) for x, f in zip(lines, furniture, strict=True)])
    spaces = None if delimiter else space_mode(lines)
    bar_lines = [x.strip() for x in lines if x.count("|") >= 2]
    # a table of two columns writes one bar a row (指标｜指标值, 一、产出指标｜)
    one_bar = sum(1 for x in lines if x.count("|") == 1 and not _rule_line(x))
    bars = delimiter is None and (
        len(bar_lines) >= MIN_BAR_LINES or (not bar_lines and one_bar >= MIN_ONE_BAR_LINES)
    )
    # rows bordered on both sides, most of them (| a | b |), or bars only between cells
    bordered = (
        sum(1 for x in bar_lines if x.startswith("|") and x.endswith("|"))
        >= BORDERED_SHARE * max(1, len(bar_lines))
        or not bars
    )
    gap = 0
    for i, line in enumerate(lines):
        if not line.strip():
            gap += 1
            md_table = None
            continue
        if furniture[i]:
            continue
        if _md_sep(line):
            if rows and prev_line == i - 1 and len(rows[-1].cells) >= 2:
                md_table = 100_000 + first_line + i
                rows[-1].table_id = md_table
            continue
        if _rule_line(line):
            if rows:
                rows[-1].end = True  # a rule under a row: the row ends here
            continue
        if _row_end(line) and delimiter is None:
            if rows and rows[-1].sep == "cell":
                rows[-1].end = True
            gap = 0
            continue
        closed = _closed_cell(line) if delimiter is None else None
        if closed is not None:
            row = Row([Cell(clean_cell(closed, markup))], first_line + i, sep="cell", gap=gap)
            row.closed = True
            rows.append(row)
            gap = 0
            prev_line = i
            continue
        cells, sep = split_line(_heading(line), delimiter, markup, spaces, bars, bordered)
        if not any(cells):
            continue
        if md_table is not None and (len(cells) < 2 or "|" not in line):
            md_table = None
        cs = [Cell(c) for c in cells]
        if sep == "spaces" or (spaces == "spaces" and sep is None and line[:1].isspace()):
            # where columns stand in fixed-width text, an indented line of one cell too
            cs = layout_cells(line, first_line + i, markup) or cs
        row = Row(cs, line=first_line + i, table_id=md_table, gap=gap)
        row.sep = sep or "cell"
        rows.append(row)
        gap = 0
        prev_line = i
    cfg = active_config()
    if spaces == "spaces":
        rows = join_layout_wraps(rows)
    rows = _merge_ruled_rows(rows)
    return split_run_headers(drop_running_headers(rows, cfg), cfg)


# bars other than ``|`` that texts draw tables with: full width, box drawing
_BARS = re.compile(r"[｜│┃║]")
_RULE_CHARS = frozenset("-=+|:─━═┼├┤┌┐└┘┬┴╪╞╡╤╧╬╋┏┓┗┛┣┫┳┻╔╗╚╝╠╣╦╩ \t")
_RULE_DASHES = frozenset("-=─━═")
MIN_RULE = 3  # dashes a rule line draws at least


def _rule_line(line: str) -> bool:
    """A line that only draws a table's rule (+----+----+, ├──┼──┤, ====): a row
    boundary, not a row."""
    s = line.strip()
    return (
        bool(s)
        and all(ch in _RULE_CHARS for ch in s)
        and sum(ch in _RULE_DASHES for ch in s) >= MIN_RULE
    )


def _join_row_wraps(lines: list[str]) -> list[str]:
    """Rows of a bar-separated table broken over lines (a converter or a mail client that
    wraps long lines at a width): where rows are bordered on both sides (| a | b |), a line
    that opens with a bar and does not close with one goes on in the next lines, up to the
    one that closes, and a row that breaks right after a bar goes on in the line after it
    that opens with none (their bars add up to a whole row's); where they are not, lines
    with fewer bars than the table's rows have go on in the next lines until the bars add
    up (the wrap falls inside a cell, whose pieces join).  The joined lines leave empty
    lines behind, so line numbers stay."""
    lines = _join_short_rows(_join_short_rows(lines, "\t"), "|")
    opened = [x.strip().startswith("|") for x in lines]
    whole = _whole_bars(lines)
    both = sum(1 for x, o in zip(lines, opened, strict=True) if o and x.strip().endswith("|"))
    if both < MIN_BORDERED or both < BORDERED_SHARE * max(1, sum(opened)):
        return lines
    out: list[str] = []
    k = 0
    while k < len(lines):
        s = lines[k].strip()
        j = _row_close(lines, k, whole) if s.startswith("|") and not _rule_line(s) else None
        if j is not None and j > k:
            parts = [x.strip() for x in lines[k : j + 1]]  # a break inside Chinese text: no space
            out.append("".join(_glued(a, b) for a, b in zip(["", *parts], parts, strict=False)))
            out.extend([""] * (j - k))  # line numbers stay those of the source
            k = j + 1
            continue
        out.append(lines[k])
        k += 1
    return _join_after_bar(out)


def _whole_bars(lines: list[str]) -> frozenset[int]:
    """The bar counts of whole bordered rows: those two lines or more opening and closing
    with a bar show (a text's tables may differ in width)."""
    widths: dict[int, int] = {}
    for x in lines:
        t = x.strip()
        if t.startswith("|") and t.endswith("|") and not _rule_line(t):
            widths[t.count("|")] = widths.get(t.count("|"), 0) + 1
    return frozenset(w for w, n in widths.items() if n >= 2)


def _row_close(lines: list[str], k: int, whole: frozenset[int]) -> int | None:
    """The line that closes the bordered row opened at line ``k``: that line where it
    ends with a bar, else the next one within ``MAX_ROW_WRAP`` lines that does.  A line
    opening with a bar goes on the row only where it closes it as wide as whole rows are
    (``whole``: the break fell right before a bar); else it opens a row of its own."""
    if lines[k].strip().endswith("|"):
        return k
    bars = lines[k].count("|")
    j = k + 1
    while j < len(lines) and j - k <= MAX_ROW_WRAP and lines[j].strip():
        t = lines[j].strip()
        bars += t.count("|")
        if t.startswith("|"):
            return j if t.endswith("|") and bars in whole else None
        if t.endswith("|"):
            return j
        j += 1
    return None


def _join_after_bar(lines: list[str]) -> list[str]:
    """Bordered rows broken right after a bar (| a | b | / c | d |): a line opening and
    closing with a bar but short of a whole row's bars, and the line after it, opening
    with no bar, whose bars make up the rest."""
    whole = _whole_bars(lines)
    out = list(lines)
    for k in range(len(out) - 1):
        s, nxt = out[k].strip(), out[k + 1].strip()
        if (
            s.startswith("|")
            and s.endswith("|")
            and s.count("|") not in whole
            and nxt.endswith("|")
            and not nxt.startswith("|")
            and s.count("|") + nxt.count("|") in whole
        ):
            out[k], out[k + 1] = f"{s} {nxt}", ""
    return out


MIN_BAR_LINES = 3  # lines of bar-separated cells before a text counts as separating so
MOST_BORDERED = 0.5  # most bar lines open with a bar: bordered rows, joined by their closing bars


def _join_short_rows(lines: list[str], sep: str = "|") -> list[str]:
    """Rows broken inside a cell (a wrap, a paragraph break a word processor wrote as a line
    break): lines with fewer separators (``sep``: bars, or tabs) than the table's whole
    rows, whose counts add up to a whole row's, are one row.  Each table of the text (a
    block of lines with separators, apart from the next by two lines or more without
    one) has its own width."""
    out = list(lines)
    for a, b in _tables(lines, sep):
        out[a:b] = _join_block(lines[a:b], sep)
    return out


def _tables(lines: list[str], sep: str) -> list[tuple[int, int]]:
    """The line ranges of the text's tables drawn with ``sep``: blocks of lines holding
    it, apart from the next by ``TABLE_GAP`` lines or more without one."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    bare = 0  # lines without a separator in a row
    for k, line in enumerate([*lines, ""]):
        if sep in line:
            start = k if start is None else start
            bare = 0
            continue
        bare += 1
        if start is not None and (bare >= TABLE_GAP or k == len(lines)):
            out.append((start, k - bare + 1))
            start = None
    return out


# lines without a separator between two tables (a title, a name line, blank lines); one
# alone is the middle line of a row broken over three, or a blank line between rows
TABLE_GAP = 2


def _join_block(lines: list[str], sep: str) -> list[str]:
    counts = [x.count(sep) for x in lines]
    seen: dict[int, int] = {}
    for c, x in zip(counts, lines, strict=True):
        if c >= 2 and not _rule_line(x):
            seen[c] = seen.get(c, 0) + 1
    if not seen:
        return lines
    # a row broken inside a cell shows its bars in two lines, the first not ending in one:
    # their sum counts as a whole row's (where rows are mostly broken, few lines show it).
    # Two lines of as many bars are two whole rows of a table without outer bars as much
    # as the halves of one: they count as one row only where their count is no line's
    # that is commonly seen alone
    pairs: dict[int, int] = {}
    closed_pairs: dict[int, int] = {}
    halves: dict[int, int] = {}  # pairs of lines of as many bars, counted apart
    for a, b, ca, cb in zip(lines, lines[1:], counts, counts[1:], strict=False):
        if ca >= 1 and cb >= 1 and not _ends_with(a, sep) and not _rule_line(b):
            if ca == cb and seen.get(ca, 0) >= MIN_BAR_LINES:
                halves[ca + cb] = halves.get(ca + cb, 0) + 1
                continue
            pairs[ca + cb] = pairs.get(ca + cb, 0) + 1
            closed_pairs[ca + cb] = closed_pairs.get(ca + cb, 0) + _ends_with(b, sep)
    # a whole row's bars: the count most lines show, alone or as a pair of lines (at least
    # three times; of two as common, the larger: wrapped rows have fewer)
    support = {c: seen.get(c, 0) + pairs.get(c, 0) for c in set(seen) | set(pairs)}
    full = max((c for c, m in support.items() if m >= MIN_BAR_LINES), default=0,
               key=lambda c: (support[c], c))  # fmt: skip
    n = support.get(full, 0)
    if n < MIN_BAR_LINES:
        return lines
    closing = closed_pairs.get(full, 0) + sum(
        1 for x, c in zip(lines, counts, strict=True) if c == full and _ends_with(x, sep)
    )
    if sep == "|" and sum(
        1 for x, c in zip(lines, counts, strict=True) if c >= 2 and x.strip().startswith("|")
    ) > MOST_BORDERED * sum(seen.values()):
        return lines  # bordered rows are joined by their closing bars
    # where whole rows close with a bar, a short row that does not is a broken one; else
    # (tab rows, bar rows ending in a cell's text) the table must show its width whole in
    # the rows that are not broken, and in no line more: rows of varied length (a row
    # leaving out the cells a merged one covers) are whole as they stand
    closes = sep == "|" and closing >= BORDERED_SHARE * n
    even = (
        seen.get(full, 0) >= MIN_BAR_LINES
        and max(counts) <= full
        and seen[full] + 2 * (pairs.get(full, 0) + halves.get(full, 0))
        >= WHOLE_SHARE * sum(1 for c in counts if c)
    )
    if not (closes or even):
        return lines
    out = list(lines)
    k = 0
    while k < len(out):
        c = counts[k]
        # a short line ending in a bar broke at a cell boundary: it goes on where the next
        # line, short too, does not close as the table's rows do (the row's last cells)
        at_bar = _ends_with(out[k], sep)
        tail = k + 1 < len(out) and 0 < counts[k + 1] < full
        if (
            0 < c < full
            and (not at_bar or (tail and not _ends_with(out[k + 1], sep)))
            and not (k + 1 < len(out) and _header_line(out[k + 1], sep))
        ):
            total, j = c, k
            while total < full and j + 1 < len(out) and j - k < MAX_ROW_WRAP and out[j + 1].strip():
                j += 1
                total += counts[j]
            if total == full and j > k:
                parts = out[k : j + 1]
                if sep == "\t":  # the tabs are the cells' boundaries: none stripped
                    out[k] = "".join(
                        _glued(a, b) for a, b in zip(["", *parts], parts, strict=False)
                    )
                elif _cjk_break(parts):
                    out[k] = join_lines(parts)
                else:
                    out[k] = " ".join(x.strip() for x in parts)
                for m in range(k + 1, j + 1):
                    out[m] = ""
                k = j + 1
                continue
        k += 1
    return out


def _header_line(line: str, sep: str) -> bool:
    """A grid's header row (一级指标 | 二级指标 …): a row of its own, never the rest of a
    row broken above it (a header shorter than the rows under it, a field line above)."""
    from .grid.header import header_score

    return header_score([c.strip() for c in line.split(sep)], active_config()) > 0


def _glued(before: str, line: str) -> str:
    """``line`` as it goes on ``before`` across a break inside a cell: a space only
    between two Latin letters or digits (Chinese breaks anywhere)."""
    line = line.strip(" ")
    b = before.rstrip(" ")
    if (
        b
        and line
        and b[-1].isascii()
        and b[-1].isalnum()
        and line[0].isascii()
        and line[0].isalnum()
    ):
        return " " + line
    return line


def _ends_with(line: str, sep: str) -> bool:
    """The line ends at a separator (the cell after it empty or none)."""
    return line.rstrip(" ").endswith(sep) if sep == "\t" else line.rstrip().endswith(sep)


# most lines holding tabs hold as many as the table's whole rows, alone or with the line
# after them: the text writes every row's cells, empty ones too (a word processor's or a
# spreadsheet's plain text)
WHOLE_SHARE = 0.6


def _cjk_break(parts: list[str]) -> bool:
    """True when the lines broke inside a cell's Chinese text (no bar at the break)."""
    return all(
        not a.rstrip().endswith("|") and not b.lstrip().startswith("|")
        for a, b in zip(parts, parts[1:], strict=False)
    )


MIN_BORDERED = 3  # bordered rows before a text counts as bordering its rows
MIN_ONE_BAR_LINES = 5  # lines of one bar each before a text counts as a two-column bar table
BORDERED_SHARE = 0.6  # share of bar rows closed by a bar before a text counts as bordering rows
MAX_ROW_WRAP = 3  # lines one bordered row may be broken into


LAYOUT_SLACK = 2  # display columns a cell's start may stray from its column's


def join_layout_wraps(rows: list[Row]) -> list[Row]:
    """Rows of fixed-width text (``pdftotext -layout``) whose long cells wrap inside their
    column onto the next lines, the row's other cells on its first line: a line whose
    every cell starts under a cell of the line before that filled its column (reached
    the widest extent of that column's cells) goes on that row,
    each piece joined to the cell above it.  A line with a cell under a short one, or in
    a column the line before left empty, starts a row."""
    laid = [r for r in rows if r.cells and all(c.bbox is not None for c in r.cells)]
    if not laid:
        return rows
    # the right edge each column's cells reach at most (a wrapped column fills it)
    reach: dict[int, float] = {}
    for r in laid:
        for c in r.cells:
            x0 = round(c.bbox[0])  # type: ignore[index]
            reach[x0] = max(reach.get(x0, 0.0), c.bbox[2])  # type: ignore[index]

    def widest(x0: float) -> float:
        return max((v for k, v in reach.items() if abs(k - x0) <= LAYOUT_SLACK), default=x0)

    cfg = active_config()
    out: list[Row] = []
    last: list[Cell] = []  # the cells of the line before, as laid out
    for r in rows:
        prev = out[-1] if out else None
        if (
            prev is not None
            and last
            and r.gap == 0
            and r.cells
            and all(c.bbox is not None for c in r.cells)
            and _continues(r.cells, last, widest)
            and not _field_line(r, cfg)
        ):
            for c in r.cells:
                at = min(
                    range(len(prev.cells)),
                    key=lambda j: abs(prev.cells[j].bbox[0] - c.bbox[0]),  # type: ignore[index]
                )
                pc = prev.cells[at]
                prev.cells[at] = Cell(join_lines([pc.text, c.text]), bbox=pc.bbox)
            last = r.cells
            continue
        out.append(r)
        last = list(r.cells) if all(c.bbox is not None for c in r.cells) else []
    return out


def _field_line(row: Row, cfg: Config) -> bool:
    """A line that opens with a field label (项目资金 67300000, 联系电话 …): a row of the
    table's head of its own, never the wrapped rest of the line above."""
    f = cfg.field_of(row.cells[0].text) if row.cells else None
    return f is not None and not f[0].startswith("_")


def _continues(cells: list[Cell], above: list[Cell], widest: Callable[[float], float]) -> bool:
    """Every cell starts under a cell of the line above that filled its column."""
    for c in cells:
        x0 = c.bbox[0]  # type: ignore[index]
        k = next((j for j, a in enumerate(above) if abs(a.bbox[0] - x0) <= LAYOUT_SLACK), None)  # type: ignore[index]
        if k is None:
            return False
        a = above[k]
        # filled: it reaches the widest extent of its column's cells (a cell wraps where
        # its column ends)
        if a.bbox[2] < widest(a.bbox[0]) - LAYOUT_SLACK:  # type: ignore[index]
            return False
    return True


def _merge_ruled_rows(rows: list[Row]) -> list[Row]:
    """Rows of a table that draws a rule under every row (a grid table: +---+---+): the
    lines between two rules are one row, its cells' lines joined column by column (a long
    cell wraps inside its column).  Only where the rules stand under most rows of a run of
    bar rows and the lines between two rules have the same number of cells."""
    out: list[Row] = []
    group: list[Row] = []

    def flush() -> None:
        if len(group) > 1 and len({len(r.cells) for r in group}) == 1 and _one_row(group, tall):
            cells = [
                Cell(join_lines(r.cells[c].text for r in group)) for c in range(len(group[0].cells))
            ]
            out.append(Row(cells, group[0].line, sep="bar", gap=group[0].gap, end=True))
        else:
            out.extend(group)
        group.clear()

    bar = [r for r in rows if r.sep == "bar"]
    ruled = sum(1 for r in bar if r.end)
    if not bar or ruled < max(MIN_RULES, TALL_RULED_SHARE * len(bar)) or ruled == len(bar):
        return rows
    tall = ruled < RULED_SHARE * len(bar)
    for r in rows:
        if r.sep != "bar":
            flush()
            out.append(r)
            continue
        group.append(r)
        if r.end:
            flush()
    flush()
    return out


# rules under at least this share of bar lines (rows of up to three lines), or of rows
# wrapped into up to eight lines (TALL_…), and at least this many rules: rows span lines
def _one_row(group: list[Row], tall: bool) -> bool:
    """Whether the lines between two rules are one row's (its cells wrapped), not rows
    of their own inside a box drawn round a whole body: no line after the first starts
    with a row number or fills as many cells as the first; where rows wrap into many lines
    (``tall``: few rules among the lines) the lines after the first also leave the first
    column empty."""
    filled = [sum(1 for c in r.cells if c.text.strip()) for r in group]
    for r, n in zip(group[1:], filled[1:], strict=True):
        first = r.cells[0].text.strip()
        if BARE_NUMBER.fullmatch(first) or n >= filled[0] or (tall and first):
            return False
    return True


RULED_SHARE = 0.3
TALL_RULED_SHARE = 0.12
MIN_RULES = 3


def split_run_headers(rows: list[Row], cfg: Config) -> list[Row]:
    """A line of one cell that is a grid header whose words ran together with no separator
    (年度绩效指标一级指标二级指标三级指标年度指标值) → its words as cells (``Row.sep``
    ``"run"``: the boundaries are the vocabulary's, not the text's)."""
    from .grid.header import header_score, split_header_run

    for r in rows:
        if r.sep != "cell" or len(r.cells) != 1 or len(r.cells[0].text) <= MIN_RUN_HEADER:
            continue
        pieces = split_header_run(r.cells[0].text, cfg)
        if len(pieces) >= MIN_HEADER_CELLS and header_score(pieces, cfg) > 0:
            r.cells = [Cell(p) for p in pieces]
            r.sep = "run"
    return rows


MIN_RUN_HEADER = 6  # shorter lines are one header word at most
MIN_HEADER_CELLS = 3  # a grid header names three columns at least (a name, a value and more)


_YEAR = re.compile(r"(?:19|20)\d{2}年")


RUNNING_HEADER_MAX = 30  # a running header is a short line; a longer one is text


def is_running_header(text: str, cfg: Config) -> bool:
    """A running header or footer of a page (2024年度预算公开, 某区2024年度部门决算): a
    short line holding a year that ends in a word of ``running_headers``, and no title."""
    k = norm_key(text)
    return (
        len(k) <= RUNNING_HEADER_MAX
        and bool(_YEAR.search(k))
        and k.endswith(cfg.running_headers)
        and not any(p.search(k) for p in cfg.titles.values())
    )


def drop_running_headers(rows: list[Row], cfg: Config) -> list[Row]:
    """Rows of one cell per line without the page furniture the reader cannot tell from a
    cell: a running header printed at one page break only, and the bare page number on
    the line beside it (``5`` | ``2022年度预算公开``); where the reader dropped a page
    number between them (``10`` | ``第 1 页`` | header), the number is a cell.  The
    number after such a page number that ends the text is the last page's."""
    texts = [next((t for t in r.texts if t), "") for r in rows]
    header = [is_running_header(t, cfg) for t in texts]
    drop = list(header)

    def beside(i: int, j: int) -> bool:  # the very next line of the text (none dropped)
        return 0 <= j < len(rows) and header[j] and abs(rows[i].line - rows[j].line) == 1

    for i, t in enumerate(texts):
        if BARE_NUMBER.fullmatch(norm_key(t)) and (beside(i, i - 1) or beside(i, i + 1)):
            drop[i] = True
    pages = [int(norm_key(t)) for t, d, h in zip(texts, drop, header, strict=True) if d and not h]
    if pages and texts and norm_key(texts[-1]) == str(pages[-1] + 1):
        drop[-1] = True  # the next page's number ends the text
    return [r for r, d in zip(rows, drop, strict=True) if not d]


def looks_csv(text: str) -> bool:
    """Text that is a CSV sheet dump whatever its suffix: a line whose comma-separated
    fields are a grid header (一级指标,二级指标,三级指标,指标值), or a sheet whose rows
    are padded to its width (``_padded_sheet``)."""
    from .grid.header import header_score

    cfg = active_config()
    lines = text.splitlines()[:MAX_CSV_HEADER_LINE]
    for line in lines:
        if line.count(",") < MIN_HEADER_CELLS - 1 or "\t" in line or "|" in line:
            continue
        fields = next(csv.reader([line]), [])
        if (
            len(fields) >= MIN_HEADER_CELLS
            and header_score([clean_cell(f) for f in fields], cfg) > 0
        ):
            return True
    return _padded_sheet(lines, cfg)


CSV_SHARE = 0.6  # lines of a padded sheet holding its width in fields, at least


def _padded_sheet(lines: list[str], cfg: Config) -> bool:
    """A sheet saved as CSV, however narrow its header's words (指标,预期目标值): most
    lines hold the same number of comma-separated fields, two or more (a spreadsheet
    writes every row as wide as the sheet, empty fields too: ``成本指标,``), and a line
    of them names the value column."""
    written = [x for x in lines if x.strip() and "\t" not in x and "|" not in x]
    rows = [next(csv.reader([x]), []) for x in written]
    widths: dict[int, int] = {}
    for r in rows:
        widths[len(r)] = widths.get(len(r), 0) + 1
    width = max(widths, key=lambda w: widths[w], default=0)
    if width < 2 or widths[width] < max(MIN_CSV_ROWS, CSV_SHARE * len(rows)):
        return False
    return any(
        len(r) == width and any(cfg.header_role(clean_cell(f), loose=True) == "value" for f in r)
        for r in rows
    )


MIN_CSV_ROWS = 5  # rows of a padded sheet, at least


MAX_CSV_HEADER_LINE = 400  # lines searched for a CSV grid header


def _quoted_tabs(text: str) -> bool:
    """Tab-separated text that quotes cells holding line breaks (what a spreadsheet writes
    when its cells are copied as text): a field opening with a quote after a tab, whose
    closing quote is on a later line."""
    return "\t" in text and bool(re.search(r'(?:^|\t)"[^"\t\n]*\n', text, re.M))


def csv_rows(text: str, delimiter: str = ",") -> list[Row]:
    """Rows of a CSV (or quoted tab-separated) sheet dump; line numbers are those of each
    record's first line.  A quoted cell may hold line breaks (its lines are joined)."""
    rows: list[Row] = []
    buf = io.StringIO(text)
    reader = csv.reader(buf, delimiter=delimiter)
    line = 1
    records = []
    for rec in reader:
        start, line = line, reader.line_num + 1
        records.append((start, rec))
    for start, rec in _join_broken_records(records):
        cells = [clean_cell(join_lines(c.splitlines()) if "\n" in c else c) for c in rec]
        if any(cells):
            sep = "tab" if len(cells) > 1 else "cell"  # fields the text delimits, as tabs do
            rows.append(Row([Cell(c) for c in cells], line=start, sep=sep))
    return rows


def _join_broken_records(
    records: list[tuple[int, list[str]]],
) -> list[tuple[int, list[str]]]:
    """Records of a CSV dump that wrote a cell's line break without quoting it: a record
    with fewer fields than the sheet's rows have, and the next ones, whose fields add up to
    a whole row's (the broken cell counted once), are one record, the cell's pieces
    joined (a cell broken inside its text: neither piece empty, the second no label).  A
    whole row's width: the field count most records have (at least three)."""
    counts: dict[int, int] = {}
    for _, rec in records:
        if len(rec) > 1:
            counts[len(rec)] = counts.get(len(rec), 0) + 1
    full = max(counts, key=lambda n: (counts[n], n), default=0)
    if counts.get(full, 0) < MIN_BAR_LINES:
        return records
    cfg = active_config()
    out: list[tuple[int, list[str]]] = []
    k = 0
    while k < len(records):
        start, rec = records[k]
        if 0 < len(rec) < full and rec[-1].strip():
            joined, j = list(rec), k
            while len(joined) < full and j + 1 < len(records) and j - k < MAX_ROW_WRAP:
                j += 1
                nxt = records[j][1]
                if not nxt or not nxt[0].strip() or cfg.field_of(nxt[0].strip()):
                    break  # the cell broke inside its text: a label opens a row of its own
                joined = [*joined[:-1], join_lines([joined[-1], nxt[0]]), *nxt[1:]]
            if len(joined) == full and j > k:
                out.append((start, joined))
                k = j + 1
                continue
        out.append((start, rec))
        k += 1
    return out


_HTML_START = ("<!doctype html", "<html", "<?xml")
HTML_SNIFF = 1024  # characters searched for a web page's opening tag (it opens the file)


def is_html(text: str, suffix: str) -> bool:
    """Text to read with the HTML parser: a web page (by suffix or its first tag) or text
    holding ``<table>`` markup (Markdown from PDF converters)."""
    if suffix in (".html", ".htm", ".xhtml"):
        return True
    head = text[:HTML_SNIFF].lstrip().lower()
    return head.startswith(_HTML_START) or "<table" in text.lower()


UNPRINTABLE_SNIFF = 20_000  # characters searched for unprintable ones (binary data reads so)
UNPRINTABLE_SHARE = 0.1  # more than this share unprintable: binary or corrupt, not text


def read_text(path: Path, data: bytes) -> SourceDoc:
    """Read a text, CSV/TSV, Markdown or HTML file (see the module docstring)."""
    name = path.name
    text, enc, errors = decode_counted(data, name)
    head = text[:UNPRINTABLE_SNIFF]
    if len(_UNPRINTABLE.findall(head)) > UNPRINTABLE_SHARE * len(head):
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
    elif not is_html(text, suffix) and looks_csv(text):
        rows = csv_rows(text)
    elif not is_html(text, suffix) and _quoted_tabs(text):
        rows = csv_rows(text, "\t")
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
