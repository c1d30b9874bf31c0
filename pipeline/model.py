"""Plain dataclasses passed between the stages.

In:  nothing (this module only defines data).
Out: ``Cell``/``Row``/``SourceDoc`` (what every reader produces), ``Table`` (what the
segmenter produces), ``Indicator``/``TableRecord``/``Finding``/``DocResult`` (what the
interpreter, normalizer and validator produce and the writer stores).

Every reader (text, HTML, PDF, Office, OCR) returns a ``SourceDoc``: a list of ``Row``s
in reading order.  A row is one line of a table (cells in column order, empty cells kept
as ``""`` so columns stay aligned where the source aligns them) or one line of free text
outside any table (a single cell).  Merged cells are written once, in their top-left
position; the cells they cover are empty, and the interpreter carries levels down.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (PDF points or pixels)
OCR_LOW_CONF = 0.80  # OCR cells below this mean confidence are flagged for a person


@dataclass(slots=True)
class Cell:
    """One cell of a row: its text and, where the reader knows them, box and OCR confidence."""

    text: str
    bbox: BBox | None = None
    conf: float | None = None  # OCR confidence 0..1; None when the text is not OCR output
    ref: str | None = None  # reader-specific address, e.g. "Sheet1!B7" or "table 2 r3c4"
    # where the reader knows merged cells (``Row.spans``): "up" for a cell covered by a
    # merged cell above it (its text is that cell's), "left" for one covered from the left
    covered: str | None = None


@dataclass(slots=True)
class Row:
    """A row of cells with provenance.

    ``line`` is the 1-based line in a text source (for PDFs and sheets: a running row
    number within the document, so ordering and error messages still work).
    ``table_id`` is set by readers that see physical tables (HTML ``<table>``, PDF
    tables, sheets): rows with the same id come from the same physical table; free text
    has ``None``.
    """

    cells: list[Cell]
    line: int
    page: int | None = None
    table_id: int | None = None
    bbox: BBox | None = None
    # True when the reader knows this row's merged cells (xlsx ranges, docx vMerge and
    # gridSpan, HTML rowspan/colspan): an empty cell not ``covered`` is then truly empty
    spans: bool = False
    # What separated this row's cells in a text source (boundary evidence): "tab", "bar"
    # (`` | ``), "space" (each space a boundary: two spaces hold an empty cell), "spaces"
    # (runs of two or more spaces; single spaces stay inside cells), "cell" (one cell per
    # line: where the grid's rows end is not written), None (one cell, or a reader that
    # kept the columns: sheets, HTML tables, PDF and scans)
    sep: str | None = None
    gap: int = 0  # blank lines right before this line in a text source
    # a "cell" line closed by a bar (``text |``): the cell ends here, whatever comes next
    closed: bool = False
    end: bool = False  # the source marks the end of a grid row after this row (``|||``)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(slots=True)
class SourceDoc:
    """What a reader hands to the segmenter."""

    path: str  # the file as given
    source: str  # file name
    doc_id: str  # content hash (sha256 hex, first 16 chars)
    form: str  # reader name: "text", "html", "pdf", "ocr", "xlsx", "docx", ...
    rows: list[Row]
    encoding: str | None = None
    n_pages: int | None = None
    findings: list[Finding] = field(default_factory=list)  # reader-level findings


@dataclass(slots=True)
class Table:
    """One logical table (department overall or project), as cut out by the segmenter."""

    table_no: int
    kind: str  # "department" | "project"
    form: str  # "target" | "self_evaluation"
    title: str | None
    year: int | None
    issuer: str | None
    rows: list[Row]
    # where the indicator grid stands in ``rows``: its header rows start at
    # ``header_start`` and take ``header_len`` rows, its body ends before ``grid_end``;
    # the rows before the header are the table's head (title, fields), those after the
    # grid its foot (totals, notes, signatures).  None: a table with no grid found
    header_start: int | None = None
    header_len: int = 0
    grid_end: int | None = None
    intro: str | None = None  # the line introducing the table (关于“X”…的公示), if any
    # display widths at which the document's one-cell-per-line text wraps its cells (the
    # whole document shows them better than one table's lines)
    wrap: frozenset[int] = frozenset()

    @property
    def head(self) -> list[Row]:
        return self.rows[: self.header_start] if self.header_start is not None else self.rows

    @property
    def header_rows(self) -> list[Row]:
        if self.header_start is None:
            return []
        return self.rows[self.header_start : self.header_start + self.header_len]

    @property
    def body(self) -> list[Row]:
        if self.header_start is None:
            return []
        return self.rows[self.header_start + self.header_len : self.grid_end]

    @property
    def foot(self) -> list[Row]:
        return self.rows[self.grid_end :] if self.grid_end is not None else []

    @property
    def line_start(self) -> int:
        return self.rows[0].line

    @property
    def line_end(self) -> int:
        return self.rows[-1].line


@dataclass(slots=True)
class Value:
    """A normalized target or actual value (SPEC section 3)."""

    raw: str | None
    op: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    per: str | None = None
    kind: str | None = None  # "numeric" | "qualitative" | None when raw is empty
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Indicator:
    row_no: int
    level1: str | None
    level2: str | None
    level3: str | None
    target: Value
    explanation: str | None
    level1_raw: str | None
    level2_raw: str | None
    level1_score: float | None
    level2_score: float | None
    line: int
    page: int | None = None
    bbox: BBox | None = None
    flags: list[str] = field(default_factory=list)
    # self-evaluation columns
    actual: Value | None = None
    weight: float | None = None
    score: float | None = None
    deviation: str | None = None
    min_conf: float | None = None
    direction: str | None = None  # for qualitative targets: improve/maintain/comply/…
    met: bool | None = None  # self-evaluation: target met by the actual value
    key: str | None = None  # stable indicator key (keys.py)
    link_key: str | None = None  # same for a project's target row and its self-evaluation


@dataclass(slots=True)
class TableRecord:
    """Header fields of one table plus its indicators."""

    table_no: int
    kind: str
    form: str
    year: int | None
    name: str | None = None
    issuer: str | None = None
    owner: str | None = None
    phone: str | None = None
    category: str | None = None
    attribute: str | None = None
    period: str | None = None
    budget_yuan: float | None = None
    fund_nature: str | None = None
    annual_goal: str | None = None
    org: str | None = None
    policy: str | None = None
    plan: str | None = None  # 本年度实施计划 (its period), where the table has one
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    bbox: BBox | None = None
    budget_lines: dict[str, float] = field(default_factory=dict)  # label -> 元
    # budget execution block of a 自评表 (元; rate in %)
    budget_planned: float | None = None  # 年初预算数
    budget_adjusted: float | None = None  # 全年预算数 (adjusted)
    budget_executed: float | None = None  # 全年执行数
    execution_rate: float | None = None  # 执行率 as stated
    key: str | None = None  # stable table key (keys.py)
    budget_execution_weight: float | None = None  # 分值 of the budget execution line
    budget_execution_score: float | None = None
    stated_total: float | None = None  # 总分 row: the form's total weight
    indicators: list[Indicator] = field(default_factory=list)


@dataclass(slots=True)
class Finding:
    severity: str  # "error" | "warning" | "info"
    code: str
    message: str
    table_no: int | None = None
    row_no: int | None = None
    line: int | None = None
    page: int | None = None


@dataclass(slots=True)
class DocResult:
    """Everything the pipeline learned about one input file."""

    doc_id: str
    source: str
    path: str
    form: str
    status: str  # "ok" | "partial" (part of the file unreadable) | "error" | "empty"
    year: int | None = None
    issuer: str | None = None
    n_pages: int | None = None
    tables: list[TableRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


class ReadError(Exception):
    """An input that cannot be read. The message names the file (and page/line if known)."""
