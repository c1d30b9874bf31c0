"""Office reader: ``.xlsx``/``.xlsm`` (openpyxl), ``.xls`` (xlrd), ``.docx`` (python-docx)
→ ``SourceDoc`` rows in reading order.

In:  a path and the file's bytes (the format is taken from the content when the suffix
lies: a ZIP with ``xl/workbook.xml`` is a workbook, one with ``word/document.xml`` a Word
file, an OLE2 container an ``.xls`` or an encrypted Office file).
Out: ``model.SourceDoc`` with form ``"xlsx"``, ``"xls"`` or ``"docx"``.

Sheets: every visible sheet is read over its used range (hidden sheets, rows and columns
are skipped, as Excel shows them).  Cells render as Excel displays them: percent formats
as ``95%``, whole numbers without ``.0``, decimals and thousands separators as the format
says, dates as ``2024-01-31``.  A merged range keeps its text in the top-left cell; the
cells it covers are ``""``.  Rows above a sheet's grid that hold one text (a title,
``（2024年度）``) and title rows between stacked tables (``…绩效目标表``, the year,
``编制单位：…`` with perhaps ``单位：元`` beside it) come out as rows of their filled cells
only, with ``table_id`` None; each grid (several per sheet when titles separate them) gets
its own ``table_id``.  Formula cells saved without a value (never recalculated) read as
empty, with a ``xlsx_formula_no_value`` warning.  ``Row.page`` is the sheet's 1-based position,
``Cell.ref`` the cell address (``Sheet1!B7``).

Word: paragraphs (single-cell rows) and tables in document order.  A vertically merged
cell (``vMerge``) keeps its text in the first row, the cells below are ``""``; a
horizontally merged cell (``gridSpan``) is followed by ``""`` for each extra grid column
it covers.  ``Row.page`` counts page breaks (rendered or explicit).

Encrypted, damaged or unsupported files raise ``ReadError`` naming the file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from ..common import clean_text, doc_id_of, join_lines
from ..model import Cell, Finding, ReadError, Row, SourceDoc
from .base import Reader
from .limits import ResourceLimitError, limits, mb

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TITLE = re.compile(
    r"(绩效目标表|绩效自评表|目标申报表|目标批复表|绩效目标申报表|^\s*[（(]?\s*\d{4}\s*年度?\s*[）)]?\s*$"
    r"|^\s*(编制单位|填报单位|申报单位|预算单位|主管部门)\s*(（盖章）|\(盖章\))?\s*[:：]"
    r"|^\s*(金额)?单位\s*[:：]\s*(万?元)\s*$|^\s*附件\s*\d*\s*[:：]?\s*$)"
)
_FMT_SECTION = re.compile(r'\[[^\]]*\]|"[^"]*"|\\.|_.|\*.')


# --------------------------------------------------------------------------- values


def cell_text(text: str) -> str:
    """Clean text typed into a cell: lines (Alt+Enter, paragraphs) joined as wrapped
    Chinese text, spaces between CJK characters dropped."""
    if "\n" in text or "\r" in text:
        return join_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return clean_text(text)


def _decimals(section: str) -> int:
    core = _FMT_SECTION.sub("", section)
    if "." not in core:
        return 0
    frac = core.split(".", 1)[1]
    return len(re.match(r"[0#?]*", frac).group(0))  # type: ignore[union-attr]


def _general(v: float) -> str:
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    s = f"{v:.15g}"
    if "e" in s:
        s = f"{v:.10g}"
    return s


def format_number(v: float, fmt: str | None) -> str:
    """A number as Excel displays it under ``fmt`` (the common formats)."""
    fmt = (fmt or "General").strip()
    if fmt.lower() in ("general", "@", ""):
        return _general(v)
    section = fmt.split(";", 1)[0]
    core = _FMT_SECTION.sub("", section)
    if not re.search(r"[0#?]", core):
        return _general(v)
    if "E+" in core.upper() or "E-" in core.upper():
        return _general(v)
    d = _decimals(section)
    if "%" in core:
        v = v * 100
    elif abs(round(v, d) - v) > 1e-9 * max(1.0, abs(v)):
        # the format rounds digits away (72807.384975 under 0.00): the number typed is
        # the data, its rounding only how the sheet prints it
        d = len(f"{v:.15g}".partition(".")[2])
    s = f"{v:,.{d}f}" if "," in core.split(".", 1)[0] else f"{v:.{d}f}"
    if "%" in core:
        s += "%"
    lits = re.findall(r'"([^"]*)"', section)
    if lits and section.rstrip().endswith('"'):
        s += lits[-1]
    return s


def format_date(v: dt.datetime | dt.date | dt.time, fmt: str | None) -> str:
    f = (fmt or "").lower()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S" if "s" in f else "%H:%M")
    if isinstance(v, dt.datetime) and (v.hour or v.minute or v.second) and "h" in f:
        return v.strftime("%Y-%m-%d %H:%M")
    if "年" in (fmt or ""):
        if "日" in (fmt or ""):
            return f"{v.year}年{v.month}月{v.day}日"
        return f"{v.year}年{v.month}月"
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"


def display(value: Any, fmt: str | None) -> str:
    """What a cell shows."""
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return format_date(value, fmt)
    if isinstance(value, int | float):
        return format_number(float(value), fmt)
    return cell_text(str(value))


# --------------------------------------------------------------------------- sheets


def _col_letter(c: int) -> str:
    s = ""
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


class _SheetGrid:
    """A sheet's visible cells as a dense grid of display strings plus their refs."""

    def __init__(
        self,
        title: str,
        rows: list[int],
        cols: list[int],
        values: dict[tuple[int, int], str],
        covered: dict[tuple[int, int], str],
    ) -> None:
        self.title = title
        self.covered = covered  # (row, col) -> "up" | "left" for cells inside a merged range
        self.rows = rows  # 1-based sheet row numbers, visible, in order
        self.cols = cols  # 1-based sheet column numbers, visible, in order
        self.values = values  # (row, col) -> text, "" for covered cells

    def ref(self, r: int, c: int) -> str:
        name = self.title
        if re.search(r"[^A-Za-z0-9_]", name):
            name = "'" + name.replace("'", "''") + "'"
        return f"{name}!{_col_letter(c)}{r}"


def _sheet_rows(
    grid: _SheetGrid, page: int, first_line: int, next_table: int
) -> tuple[list[Row], int]:
    """Rows of one sheet: title rows as text, grids as tables (split at title rows)."""
    out: list[Row] = []
    table: int | None = None
    line = first_line
    filled_rows = {r for (r, _), v in grid.values.items() if v}
    for r in grid.rows:
        if r not in filled_rows:
            continue
        cells = [
            Cell(grid.values.get((r, c), ""), ref=grid.ref(r, c), covered=grid.covered.get((r, c)))
            for c in grid.cols
        ]
        filled = [x for x in cells if x.text]
        if not filled:
            continue
        titles = all(_TITLE.search(x.text) for x in filled) and len(filled) <= 2
        if (len(filled) == 1 and table is None) or titles:
            out.append(Row(filled, line=line, page=page))
            line += 1
            table = None
            continue
        if table is None:
            table = next_table
            next_table += 1
        out.append(Row(cells, line=line, page=page, table_id=table, spans=True))
        line += 1
    return out, next_table


def _covered(ranges, where: str = "") -> dict[tuple[int, int], str]:  # noqa: ANN001
    """Cells inside merged ranges (1-based, end-exclusive ``(r0, r1, c0, c1)``) other than
    their top-left one: ``"up"`` below the first row of the range, else ``"left"``.
    Raises ``ResourceLimitError`` when they cover more than ``max_cells`` cells."""
    ranges = list(ranges)
    area = sum(max(0, r1 - r0) * max(0, c1 - c0) for r0, r1, c0, c1 in ranges)
    if area > limits().max_cells:
        raise ResourceLimitError(
            f"{where}merged ranges cover {area:,} cells, more than {limits().max_cells:,} "
            "(limit max_cells)"
        )
    out: dict[tuple[int, int], str] = {}
    for r0, r1, c0, c1 in ranges:
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) != (r0, c0):
                    out[(r, c)] = "up" if r > r0 else "left"
    return out


def _trim(
    rows: list[int], cols: list[int], values: dict[tuple[int, int], str], where: str = ""
) -> tuple[list[int], list[int]]:
    """The visible rows and columns between the first and last filled ones.  Raises
    ``ResourceLimitError`` when the grid of filled rows by columns would pass the cell or
    row limits (one stray cell far out would otherwise build millions of empty cells)."""
    used_r = {r for (r, _), v in values.items() if v}
    used_c = {c for (_, c), v in values.items() if v}
    rows = [r for r in rows if used_r and min(used_r) <= r <= max(used_r)]
    cols = [c for c in cols if used_c and min(used_c) <= c <= max(used_c)]
    lim = limits()
    if len(used_r) > lim.max_rows:
        raise ResourceLimitError(
            f"{where}{len(used_r):,} filled rows, more than {lim.max_rows:,} (limit max_rows)"
        )
    if len(used_r) * len(cols) > lim.max_cells:
        raise ResourceLimitError(
            f"{where}a grid of {len(used_r):,} rows by {len(cols):,} columns, more than "
            f"{lim.max_cells:,} cells (limit max_cells)"
        )
    return rows, cols


_CELL_TAG = re.compile(rb"<(?:\w{1,10}:)?c[\s>/]")
_ROW_TAG = re.compile(rb"<(?:\w{1,10}:)?row[\s>/]")
_COUNT_FROM = 4 << 20  # members smaller than this cannot hold max_cells cells


def check_zip(name: str, data: bytes) -> None:
    """Refuse an Office (ZIP) package before unpacking it when a member's unpacked size,
    all members' unpacked size or a member's compression ratio passes ``limits()``, or
    when its worksheets hold more cells or rows than allowed (counted while streaming
    the XML, so the count costs no memory).  Raises ``ResourceLimitError``."""
    lim = limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            total = 0
            for i in infos:
                total += i.file_size
                if i.file_size > lim.max_member_mb * (1 << 20):
                    raise ResourceLimitError(
                        f"{name}: part {i.filename!r} unpacks to {mb(i.file_size)}, more than "
                        f"{lim.max_member_mb:,.0f} MB (limit max_member_mb)"
                    )
                ratio = i.file_size / max(1, i.compress_size)
                if i.file_size > 8 << 20 and ratio > lim.max_ratio:
                    raise ResourceLimitError(
                        f"{name}: part {i.filename!r} unpacks {ratio:,.0f} times its packed "
                        f"size to {mb(i.file_size)} (limit max_ratio {lim.max_ratio:g})"
                    )
            if total > lim.max_unzipped_mb * (1 << 20):
                raise ResourceLimitError(
                    f"{name}: the package unpacks to {mb(total)}, more than "
                    f"{lim.max_unzipped_mb:,.0f} MB (limit max_unzipped_mb)"
                )
            cells = rows = 0
            for i in infos:
                if not i.filename.startswith("xl/worksheets/") or i.file_size < _COUNT_FROM:
                    continue
                c, r = _count_tags(z, i)
                cells, rows = cells + c, rows + r
                if cells > lim.max_cells or rows > lim.max_rows:
                    raise ResourceLimitError(
                        f"{name}: the sheets hold more than {min(cells, lim.max_cells):,} "
                        f"cells or {min(rows, lim.max_rows):,} rows "
                        f"(limits max_cells {lim.max_cells:,}, max_rows {lim.max_rows:,})"
                    )
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return  # the reader says what is broken


def _count_tags(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    cells = rows = 0
    tail = b""
    with z.open(info) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            cut = max(0, len(buf) - 16)  # a tag split across chunks is counted once
            cells += len(_CELL_TAG.findall(buf, 0, cut))
            rows += len(_ROW_TAG.findall(buf, 0, cut))
            tail = buf[cut:]
    return cells + len(_CELL_TAG.findall(tail)), rows + len(_ROW_TAG.findall(tail))


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _without_broken_sheets(data: bytes) -> bytes | None:
    """The package without its worksheet parts that are not well-formed XML (openpyxl
    then skips those sheets, which ``_listed_sheets`` reports), or None when every
    worksheet part parses (the damage is elsewhere)."""
    import lxml.etree as etree

    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
        broken = set()
        for i in zin.infolist():
            if not (i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")):
                continue
            try:
                with zin.open(i) as fh:
                    for _ in etree.iterparse(fh, events=("end",), resolve_entities=False):
                        pass
            except (etree.XMLSyntaxError, zipfile.BadZipFile, EOFError, zlib.error, OSError):
                broken.add(i.filename)
        if not broken:
            return None
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for i in zin.infolist():
                if i.filename not in broken:
                    zout.writestr(i, zin.read(i.filename))
        return buf.getvalue()
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return None


def _listed_sheets(data: bytes) -> list[str]:
    """Sheet names the workbook part lists (the sheets Excel would show tabs for)."""
    import lxml.etree as etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read("xl/workbook.xml")
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    except (KeyError, zipfile.BadZipFile, OSError, etree.XMLSyntaxError, ValueError):
        return []
    return [el.get("name", "") for el in root.iter(_MAIN_NS + "sheet")]


def _xlsx_grids(name: str, data: bytes) -> tuple[list[tuple[int, _SheetGrid]], list[Finding]]:
    import openpyxl

    check_zip(name, data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except MemoryError:
        raise
    except Exception as e:  # zipfile/XML/KeyError from a broken package
        # one broken worksheet part sinks openpyxl's whole load: read the others
        kept = _without_broken_sheets(data)
        try:
            if kept is None:
                raise e
            wb = openpyxl.load_workbook(io.BytesIO(kept), data_only=True, read_only=False)
        except MemoryError:
            raise
        except Exception:
            raise ReadError(f"{name}: damaged workbook ({_why(e)})") from e
    grids: list[tuple[int, _SheetGrid]] = []
    findings: list[Finding] = _uncached_formulas(name, data)
    typed = _typed_formulas(data) if findings else {}
    loaded = set(wb.sheetnames)
    for n, sheet in enumerate(_listed_sheets(data), 1):
        if sheet not in loaded:
            findings.append(
                Finding(
                    "error",
                    "sheet_unreadable",
                    f"{name}: sheet {sheet!r} (tab {n}) is listed in the workbook but its "
                    "part is missing or broken; its cells are not read",
                    page=n,
                )
            )
    try:
        for idx, ws in enumerate(wb.worksheets, 1):
            if ws.sheet_state != "visible":
                findings.append(
                    Finding(
                        "info",
                        "sheet_hidden",
                        f"{name}: sheet {ws.title!r} is hidden; skipped",
                        page=idx,
                    )
                )
                continue
            stored = getattr(ws, "_cells", None)
            items = (
                list(stored.items())
                if stored is not None
                else [((c.row, c.column), c) for row in ws.iter_rows() for c in row]
            )
            values: dict[tuple[int, int], str] = {}
            as_typed = typed.get(ws.title, {})
            for (r, c), cell in items:
                v = cell.value
                if v is None:
                    v = as_typed.get((r, c))
                if v is None or (isinstance(v, str) and not v.strip()):
                    continue
                values[(r, c)] = display(v, cell.number_format)
            where = f"{name}: sheet {ws.title!r}: "
            covered = _covered(
                (
                    (rng.min_row, rng.max_row + 1, rng.min_col, rng.max_col + 1)
                    for rng in ws.merged_cells.ranges
                ),
                where,
            )
            for pos in covered:
                values.pop(pos, None)
            if not values:
                continue
            hidden_r = {r for r, d in ws.row_dimensions.items() if d.hidden}
            hidden_c: set[int] = set()
            for d in ws.column_dimensions.values():
                if d.hidden and d.min and d.max:
                    hidden_c.update(range(d.min, d.max + 1))
            max_r = max(r for r, _ in values)
            max_c = max(c for _, c in values)
            rows = [r for r in range(1, max_r + 1) if r not in hidden_r]
            cols = [c for c in range(1, max_c + 1) if c not in hidden_c]
            rows, cols = _trim(
                rows,
                cols,
                {k: v for k, v in values.items() if k[0] not in hidden_r and k[1] not in hidden_c},
                where,
            )
            grids.append((idx, _SheetGrid(ws.title, rows, cols, values, covered)))
    finally:
        wb.close()
    return grids, findings


_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f\b[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>|<v\s*/>)?\s*</c>'
)


def _typed_not_formula(text: str) -> bool:
    """``=100.00(%)``, ``=10件/年``: text typed with a leading ``=`` that Excel stored as a
    formula but cannot compute (Chinese text, a number followed by a bracket); a real
    formula (``=SUM(D4:D5)``) is not one."""
    return text.startswith("=") and (
        any(ord(ch) > 127 for ch in text) or bool(re.search(r"\d\s*\(", text))
    )


def _typed_formulas(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet, the text of formula cells as typed (``=100.00(%)``): a target that
    starts with ``=`` is stored as a formula, and with no saved value it is read as written."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except Exception:  # the data-only load already read what can be read
        return {}
    try:
        return {
            ws.title: {
                (c.row, c.column): c.value
                for row in ws.iter_rows()
                for c in row
                if isinstance(c.value, str) and _typed_not_formula(c.value)
            }
            for ws in wb.worksheets
        }
    finally:
        wb.close()


def _uncached_formulas(name: str, data: bytes) -> list[Finding]:
    """Formula cells saved without a computed value (files written by scripts and
    never opened in Excel) read as empty: say so."""
    refs: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for n in sorted(z.namelist()):
                if n.startswith("xl/worksheets/") and n.endswith(".xml"):
                    xml = z.read(n)
                    if b"<f" in xml:
                        refs += [m.decode() for m in _FORMULA_NO_VALUE.findall(xml)]
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    if not refs:
        return []
    return [
        Finding(
            "warning",
            "xlsx_formula_no_value",
            f"{name}: {len(refs)} formula cell(s) have no saved value and are read as "
            f"typed (e.g. {', '.join(refs[:3])}); open and save the file in a "
            "spreadsheet program if they are meant to be computed",
        )
    ]


def _xls_grids(name: str, data: bytes) -> tuple[list[tuple[int, _SheetGrid]], list[Finding]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except xlrd.XLRDError as e:
        if "encrypt" in str(e).lower():
            raise ReadError(f"{name}: encrypted workbook (password required)") from e
        raise ReadError(f"{name}: damaged .xls workbook ({_why(e)})") from e
    except Exception as e:  # struct/index errors on truncated files
        raise ReadError(f"{name}: damaged .xls workbook ({type(e).__name__})") from e
    grids: list[tuple[int, _SheetGrid]] = []
    findings: list[Finding] = []
    for idx in range(book.nsheets):
        sh = book.sheet_by_index(idx)
        if sh.visibility:
            findings.append(
                Finding(
                    "info",
                    "sheet_hidden",
                    f"{name}: sheet {sh.name!r} is hidden; skipped",
                    page=idx + 1,
                )
            )
            continue
        where = f"{name}: sheet {sh.name!r}: "
        covered = _covered(
            ((rlo + 1, rhi + 1, clo + 1, chi + 1) for rlo, rhi, clo, chi in sh.merged_cells),
            where,
        )
        if sh.nrows * sh.ncols > limits().max_cells:
            raise ResourceLimitError(
                f"{where}a grid of {sh.nrows:,} rows by {sh.ncols:,} columns, more than "
                f"{limits().max_cells:,} cells (limit max_cells)"
            )
        values: dict[tuple[int, int], str] = {}
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                if (r + 1, c + 1) in covered:
                    continue
                cell = sh.cell(r, c)
                text = _xls_display(book, cell)
                if text:
                    values[(r + 1, c + 1)] = text
        if not values:
            continue
        hidden_r = {r + 1 for r, info in sh.rowinfo_map.items() if info.hidden}
        hidden_c = {c + 1 for c, info in sh.colinfo_map.items() if info.hidden}
        rows = [r for r in range(1, sh.nrows + 1) if r not in hidden_r]
        cols = [c for c in range(1, sh.ncols + 1) if c not in hidden_c]
        rows, cols = _trim(
            rows,
            cols,
            {k: v for k, v in values.items() if k[0] not in hidden_r and k[1] not in hidden_c},
            where,
        )
        grids.append((idx + 1, _SheetGrid(sh.name, rows, cols, values, covered)))
    return grids, findings


def _xls_display(book, cell) -> str:
    import xlrd

    t = cell.ctype
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if t == xlrd.XL_CELL_TEXT:
        return cell_text(cell.value)
    if t == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if t == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    fmt = None
    try:
        xf = book.xf_list[cell.xf_index]
        fmt = book.format_map[xf.format_key].format_str
    except (IndexError, KeyError, AttributeError, TypeError):
        pass
    if t == xlrd.XL_CELL_DATE:
        try:
            return format_date(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode), fmt)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return _general(float(cell.value))
    return format_number(float(cell.value), fmt)


# --------------------------------------------------------------------------- docx


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def _val(el, tag: str) -> str | None:
    """``w:val`` of child ``tag`` of a properties element (``""`` if present w/o val)."""
    if el is None:
        return None
    child = el.find(_w(tag))
    if child is None:
        return None
    return child.get(_w("val"), "")


class _DocxReader:
    def __init__(self, name: str, doc) -> None:
        self.name = name
        self.doc = doc
        body = doc.element.body
        self.rendered = any(True for _ in body.iter(_w("lastRenderedPageBreak")))
        self.page = 1
        self.rows: list[Row] = []
        self.next_table = 0

    # page counting: rendered breaks when Word left them, else explicit ones
    def _breaks(self, el) -> int:
        if self.rendered:
            return sum(1 for _ in el.iter(_w("lastRenderedPageBreak")))
        n = sum(1 for br in el.iter(_w("br")) if br.get(_w("type")) == "page")
        for ppr in el.iter(_w("pPr")):
            if ppr.find(_w("pageBreakBefore")) is not None:
                n += 1
            sect = ppr.find(_w("sectPr"))
            if sect is not None and _val(sect, "type") not in ("continuous", "nextColumn"):
                n += 1
        return n

    def _para_text(self, p) -> str:
        parts: list[str] = []
        for el in p.iter():
            if el.tag == _w("t"):
                parts.append(el.text or "")
            elif el.tag == _w("tab"):
                parts.append("\t")
            elif el.tag in (_w("br"), _w("cr")):
                parts.append("\n")
        return "".join(parts)

    def _cell_text(self, tc) -> str:
        lines: list[str] = []
        for el in tc.iter(_w("p")):
            lines.extend(self._para_text(el).split("\n"))
        return join_lines(x.replace("\t", " ") for x in lines)

    def _add(self, cells: list[Cell], table_id: int | None) -> None:
        self.rows.append(Row(cells, line=len(self.rows) + 1, page=self.page, table_id=table_id))

    def paragraph(self, p) -> None:
        """A paragraph is one row; text set apart by tabs (``title<TAB>单位：元``) gives
        one cell per part."""
        raw = self._para_text(p).replace("\n", " ")
        parts = [clean_text(x) for x in raw.split("\t")]
        cells = [Cell(x) for x in parts if x]
        breaks = self._breaks(p)
        if cells:
            self._add(cells, None)
        self.page += breaks

    def table(self, tbl) -> None:
        tid = self.next_table
        self.next_table += 1
        grid: list[list[Cell]] = []
        pages: list[int] = []
        n = len(self.rows)
        t_no = tid + 1
        for r_idx, tr in enumerate(tbl.iterchildren(_w("tr"))):
            trpr = tr.find(_w("trPr"))
            before = _int(_val(trpr, "gridBefore"))
            after = _int(_val(trpr, "gridAfter"))
            cells: list[Cell] = [Cell("") for _ in range(before)]
            for tc in _row_cells(tr):
                tcpr = tc.find(_w("tcPr"))
                span = max(1, _int(_val(tcpr, "gridSpan")) or 1)
                vm = _val(tcpr, "vMerge")
                hm = _val(tcpr, "hMerge")
                cont = (vm is not None and vm != "restart") or (hm is not None and hm != "restart")
                text = "" if cont else self._cell_text(tc)
                ref = f"table {t_no} r{r_idx + 1}c{len(cells) + 1}"
                how = "up" if vm is not None and vm != "restart" else ("left" if cont else None)
                cells.append(Cell(text, ref=ref, covered=how))
                cells.extend(Cell("", covered=how or "left") for _ in range(span - 1))
            cells.extend(Cell("") for _ in range(after))
            pages.append(self.page)
            self.page += self._breaks(tr)
            grid.append(cells)
        width = max((len(c) for c in grid), default=0)
        for cells, page in zip(grid, pages, strict=True):
            if not any(c.text for c in cells):
                continue
            cells = cells + [Cell("") for _ in range(width - len(cells))]
            self.rows.append(
                Row(cells, line=len(self.rows) + 1, page=page, table_id=tid, spans=True)
            )
        if len(self.rows) == n:
            self.next_table -= 1

    def walk(self, parent) -> None:
        for el in parent.iterchildren():
            if el.tag == _w("p"):
                self.paragraph(el)
            elif el.tag == _w("tbl"):
                self.table(el)
            elif el.tag in (_w("sdt"), _w("customXml")):
                content = el.find(_w("sdtContent"))
                self.walk(content if content is not None else el)


def _row_cells(tr) -> list:
    out = []
    for el in tr.iterchildren():
        if el.tag == _w("tc"):
            out.append(el)
        elif el.tag in (_w("sdt"), _w("customXml")):
            content = el.find(_w("sdtContent"))
            out.extend(_row_cells(content if content is not None else el))
    return out


_MAX_GRID_COLS = 64  # Word tables have at most 63 columns


def _int(v: str | None) -> int:
    """A count from the XML (spans, grid cells before/after), 0..``_MAX_GRID_COLS``."""
    try:
        return max(0, min(int(v), _MAX_GRID_COLS)) if v else 0
    except ValueError:
        return 0


def _why(e: BaseException) -> str:
    """What a library's exception says about the file, without object addresses or
    internals, cut at a word boundary."""
    msg = re.sub(r"<[^<>]{0,200} at 0x[0-9a-fA-F]+>", "the file", str(e)).strip()
    msg = msg.splitlines()[0] if msg else ""
    if len(msg) > 160:
        msg = msg[:160].rsplit(" ", 1)[0] + " …"
    kind = {
        "BadZipFile": "broken ZIP container",
        "KeyError": "a part is missing",
        "XMLSyntaxError": "broken XML",
        "PackageNotFoundError": "not an Office package",
    }.get(type(e).__name__, type(e).__name__)
    return f"{kind}: {msg}" if msg and msg != kind else kind


def _read_docx(name: str, data: bytes) -> list[Row]:
    import docx

    check_zip(name, data)
    try:
        doc = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as e:  # PackageNotFoundError, BadZipFile, KeyError, XML errors
        raise ReadError(f"{name}: damaged Word file ({_why(e)})") from e
    reader = _DocxReader(name, doc)
    reader.walk(doc.element.body)
    return reader.rows


# --------------------------------------------------------------------------- public


def _kind(name: str, suffix: str, data: bytes) -> str:
    if not data.strip():
        raise ReadError(f"{name}: empty file")
    if data.startswith(_OLE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise ReadError(f"{name}: encrypted Office file (password required)")
        if suffix == ".docx":
            raise ReadError(f"{name}: a legacy .doc (OLE) file, not .docx; save it as .docx")
        return "xls"
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile as e:
            raise ReadError(f"{name}: damaged Office file (broken ZIP container)") from e
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        raise ReadError(f"{name}: ZIP file that is neither a workbook nor a Word document")
    raise ReadError(f"{name}: not an Office file (no ZIP or OLE2 signature)")


def read_office(path: Path, data: bytes) -> SourceDoc:
    """Read an Excel workbook or Word document (see the module docstring)."""
    name = path.name
    kind = _kind(name, path.suffix.lower(), data)
    findings: list[Finding] = []
    n_pages: int | None = None
    if kind == "docx":
        rows = _read_docx(name, data)
        n_pages = max((r.page or 1 for r in rows), default=1)
    else:
        grids, findings = (_xlsx_grids if kind == "xlsx" else _xls_grids)(name, data)
        rows = []
        next_table = 0
        for page, grid in grids:
            sheet_rows, next_table = _sheet_rows(grid, page, len(rows) + 1, next_table)
            rows.extend(sheet_rows)
        n_pages = len(grids)
    if not rows:
        findings.append(Finding("warning", "office_empty", f"{name}: no text in the file"))
    return SourceDoc(
        path=str(path),
        source=name,
        doc_id=doc_id_of(data),
        form=kind,
        rows=rows,
        n_pages=n_pages,
        findings=findings,
    )


READER = Reader(
    "office",
    frozenset({".xlsx", ".xlsm", ".xls", ".docx"}),
    read_office,
    magic=(b"PK\x03\x04", _OLE),
)
