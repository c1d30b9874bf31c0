"""Segment stage: a document's rows → its tables.

In:  ``SourceDoc`` (rows in reading order) and ``Config``.
Out: ``Segmentation``: the document's year and issuer, and a list of ``Table``s (department
overall table or project table), each with its title, kind, form, year and issuer where
the document says them, and the rows that belong to it.

A table starts at a title line (``…项目绩效目标表``, ``…部门整体支出绩效目标表``,
``…自评表``), or, in documents without titles, at a name field (项目名称 / 部门名称) when
the current table already has one.  Rows before the first table are the preamble.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .common import BARE_NUMBER, PAGE_NUMBER
from .config import EXACT_MATCH, Config, norm_key
from .model import Cell, Row, SourceDoc, Table
from .vocabulary import VOCAB

_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年")
_YEAR_PAREN = re.compile(r"[(（]\s*(20\d\d)\s*(年度?)?\s*[)）]")
_ISSUER_IN_TITLE = re.compile(
    r"^(?P<issuer>.+?)(?:\d{4}\s*年度?)?(?:部门|单位)?(?:整体)?(?:支出|预算)?(?:整体)?"
    r"(?:项目)?(?:支出)?(?:绩效)"
)


# a note after a title: its year (（2024年度）), a unit or an attachment mark
_TRAILING_NOTE = re.compile(r"(\([^()]{1,16}\))+$")
TITLE_MIN = 4  # a title names at least its form (目标表): shorter text is a word
TITLE_MAX = 80  # a title is one line: longer text is prose
# a title ends with its form's name, or a short note after it (…目标表 单位：万元): 表 stands
# among its last characters
TITLE_TAIL = 6


@dataclass(slots=True)
class Segmentation:
    year: int | None
    issuer: str | None
    tables: list[Table] = field(default_factory=list)
    preamble: list[Row] = field(default_factory=list)


def title_kind(text: str, cfg: Config) -> str | None:
    """``department`` / ``project`` when ``text`` is a table title, else None."""
    s = _TRAILING_NOTE.sub("", norm_key(text))
    if not (TITLE_MIN <= len(s) <= TITLE_MAX) or "表" not in s[-TITLE_TAIL:]:
        return None
    if cfg.titles["department"].search(s):
        return "department"
    if cfg.titles["project"].search(s):
        return "project"
    return None


def title_of(row: Row, cfg: Config) -> tuple[str, str] | None:
    texts = [t for t in row.texts if t]
    if len(texts) != 1:
        return None
    kind = title_kind(texts[0], cfg)
    return (texts[0], kind) if kind else None


NAME_LABEL_MAX = 40  # a name label with its value run on (项目名称：X): longer cells are prose


_COLON = re.compile(r"[:：]")


def _name_label(row: Row, cfg: Config) -> str | None:
    for c in row.cells:
        t = c.text
        # labels are short, long cells prose, but for a line of label：value pairs
        if not t or len(t) > LINE_MAX or (len(t) > NAME_LABEL_MAX and not _COLON.search(t)):
            continue
        f = cfg.field_of(t)
        if f and f[0] == "name":
            return norm_key(t)
        head = re.split(r"[:：\s]", t.strip(), maxsplit=1)[0]
        if head != t.strip():
            f = cfg.field_of(head)
            if f and f[0] == "name":
                return norm_key(head)
    return None


# a title repeated over the rest of a table on the next page: …目标表（续）, （续表）, 续表
_CONTINUED = re.compile(r"(\(续表?\)|续表?)$")


def year_in(text: str) -> int | None:
    m = _YEAR_PAREN.search(text) or _YEAR.search(text)
    return int(m.group(1)) if m else None


def issuer_in_title(title: str) -> str | None:
    s = re.sub(r"\s+", "", title)
    m = _ISSUER_IN_TITLE.match(s)
    if not m:
        return None
    issuer = re.sub(r"\d{4}年度?$", "", m.group("issuer")).strip("（()）")
    return issuer if len(issuer) >= 2 and not issuer.startswith(("项目", "部门")) else None


_FORM_WORDS = re.compile(
    r"(?:项目)?(?:支出)?(?:预算)?绩效(?:目标|自评)(?:申报|批复)?表(?:\([^()]*\))?$"
)
_ATTACHMENT = re.compile(r"^(?:附件|附表|表)\s*[\d一二三四五六七八九十]*\s*[-－:：、.]?\s*")
_PROJECT_END = ("项目", "资金", "经费", "工程", "专项", "补助", "补贴", "计划")


def project_in_title(title: str) -> str | None:
    """The project a title names, for a table that has no name field:
    ``2024年社区养老服务项目绩效目标表`` → 社区养老服务.  Words before the year are the
    issuer; without a year, only words that end like a project's name
    (…项目, …资金, …经费) count.  None for a title naming only the form."""
    s = _ATTACHMENT.sub("", norm_key(title))
    s = _FORM_WORDS.sub("", s)
    m = list(re.finditer(r"(19|20)\d\d年度?", s))
    if m:
        s = s[m[-1].end() :]
    elif not s.endswith(_PROJECT_END):
        return None
    s = s.strip("：:-－ ")
    return s if len(s) >= 2 and s not in ("项目", "部门", "单位", "整体") else None


def _issuer_line(text: str) -> str | None:
    """``编制单位（盖章）：X`` → X."""
    m = re.match(
        r"^\s*(编制单位|填报单位|单位名称|预算单位|主管部门)[^:：]{0,8}[:：]\s*(.+)$", text
    )
    return clean_issuer(m.group(2)) if m else None


def clean_issuer(value: str) -> str | None:
    """An issuer cell or line without what follows it ("…局            单位：万元")."""
    value = re.split(r"\s{2,}|\t|(?:金额)?单位[:：]|填报日期|日期[:：]", value.strip())[0]
    return value.strip() or None


# --- tables by their grid -------------------------------------------------------------


_ATTACHMENT_LINE = re.compile(
    r"^(附件|附表|表)\s*[\d一二三四五六七八九十]+(?:[-－.]\d+)?\s*[:：、.]?\s*$"
)
_UNIT_LINE = re.compile(r"^(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)$")
_YEAR_LINE = re.compile(r"^[(（]?\s*(19|20)\d\d\s*年度?\s*[)）]?$")
# a project named in the line that introduces a grid: 关于“X”…的公示, “X”项目绩效目标
_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")


def _text1(row: Row) -> str | None:
    """The text of a row holding one cell, else None."""
    texts = [t for t in row.texts if t.strip()]
    return texts[0].strip() if len(texts) == 1 else None


# a line of page buttons (【打印】【关闭】, [下载][打印]): two or more bracketed words
_CHROME = re.compile(r"(?:\([\u4e00-\u9fff]{2,4}\)){2,}")


def _is_stop_row(row: Row, cfg: Config) -> bool:
    """A row after which a grid is over: notes, totals, signatures (``grid_stop``), or a
    line of page buttons (【打印】【关闭】)."""
    first = next((t for t in row.texts if t.strip()), "")
    if not first:
        return False
    key = norm_key(first)
    return (
        key.startswith(cfg.grid_stop)
        or any(w in key for w in cfg.grid_stop_within)
        or bool(_CHROME.fullmatch(norm_key("".join(row.texts))))
    )


def _starts_table(row: Row, cfg: Config) -> bool:
    """A row that opens a table's head: its title, a name field, an attachment heading
    (附表2), a unit line (单位：元), a year line (（2024年度）) or the issuer's line
    (填报单位：X)."""
    if title_of(row, cfg) is not None or _name_label(row, cfg) is not None:
        return True
    t = _text1(row)
    if t is None:
        return False
    k = norm_key(t)
    return bool(
        _ATTACHMENT_LINE.match(k) or _UNIT_LINE.match(k) or _YEAR_LINE.match(k) or _issuer_line(t)
    )


HEADER_CELL_MAX = 16  # a header cell is a few words (一级指标, 绩效指标值): longer text is content


def _header_cell(text: str, cfg: Config, inside: bool) -> bool:
    """A one-cell line that can belong to a grid header written one cell per line: a
    header word (any word of the header vocabulary once the header has begun), a field
    label (a wide header holding the project's fields) or a section word beside it."""
    if not text or len(norm_key(text)) > HEADER_CELL_MAX:
        return False
    if cfg.header_role(text, loose=inside):
        return True
    f = cfg.field_of(text)
    return (f is not None and not f[0].startswith("_")) or cfg.is_section(text)


def header_at(rows: list[Row], i: int, cfg: Config) -> int:
    """The number of rows the grid header starting at row ``i`` takes (0: none there).
    A header is a row of header words, or a run of one-cell lines that are."""
    from .readers.grid.header import header_score

    row = rows[i]
    if row.sep != "cell" or sum(1 for t in row.texts if t.strip()) > 1:
        if header_score(row.texts, cfg, loose=True) == 0 and not _sparse_header(rows, i, cfg):
            return 0
        n = 1
        if i + 1 < len(rows) and _lower_header(rows[i + 1], cfg):
            n = 2
        return n
    if not _leads_header(rows, i, cfg):
        return 0
    n = _header_lines(rows, i, cfg)
    return n or _sparse_lines(rows, i, cfg)


def _header_lines(rows: list[Row], i: int, cfg: Config) -> int:
    """The rows of a header written one cell per line from row ``i`` on, read by its words
    (0: none there)."""
    from .readers.grid.header import header_score

    texts: list[str] = []
    j = i
    while j < len(rows) and rows[j].sep == "cell":
        t = _text1(rows[j]) or ""
        # the header has begun once two words of the vocabulary are read (序号 | 一级指标)
        # the header has begun once a word of the vocabulary is read as written
        # (一级指标 | 二级指标名称 …): words read loosely may follow it
        inside = any(cfg.header_role(x) for x in texts)
        # the first cell may be a header word read loosely (一级指标名称) where an exact
        # one follows it
        loose_first = not texts and _next_exact(rows, j, cfg)
        if texts and not cfg.header_role(t) and cfg.header_role(texts[-1] + t):
            texts.append(t)  # a header word wrapped over two lines (指标解释及计 / 算公式)
            j += 1
            continue
        if not _header_cell(t, cfg, inside or loose_first):
            # a header cell the vocabulary does not know (绩效指标描述) is one where more
            # header words follow it, or where the text closes the header row (|||)
            k = _unknown_header_cells(rows, j, cfg)
            if not inside or k == 0:
                break
            texts.extend(_text1(r) or "" for r in rows[j : j + k])
            j += k
            continue
        texts.append(t)
        j += 1
        if rows[j - 1].end and header_score(texts, cfg, loose=True) > 0:
            break  # the text marks the end of the header row
    return j - i if header_score(texts, cfg, loose=True) > 0 else 0


def _field_label(text: str, cfg: Config) -> bool:
    f = cfg.field_of(text) if text else None
    return f is not None and not f[0].startswith("_") and not cfg.header_role(text)


def _leads_header(rows: list[Row], i: int, cfg: Config) -> bool:
    """Whether a one-cell-per-line header may start at line ``i``: at a header word or a
    side label, or at a field label that opens a wide header (two or more field labels in
    a row, right before the header words: 项目名称 | 预算数 | 一级指标 …).  A single label
    whose value is empty, before the grid's side label, is the head's."""
    t = _text1(rows[i]) or ""
    if not _field_label(t, cfg):
        return True
    j = i
    while j < len(rows) and rows[j].sep == "cell" and _field_label(_text1(rows[j]) or "", cfg):
        j += 1
    nxt = _text1(rows[j]) or "" if j < len(rows) else ""
    return j - i >= 2 and not cfg.is_section(nxt)


def _label_like(text: str | None) -> bool:
    """Short words with no digit, sign or sentence mark: what a header cell looks like."""
    k = norm_key(text or "")
    return 2 <= len(k) <= HEADER_CELL_MAX and not re.search(r"[\d%≥≤<>=＞＜，。；;,:：、]", k)


def _next_exact(rows: list[Row], j: int, cfg: Config) -> bool:
    nxt = _text1(rows[j + 1]) if j + 1 < len(rows) and rows[j + 1].sep == "cell" else None
    return bool(nxt) and cfg.header_role(nxt or "") is not None


UNKNOWN_HEADER_CELLS = 3  # header cells the vocabulary does not know, in a row, at most


def _unknown_header_cells(rows: list[Row], j: int, cfg: Config) -> int:
    """How many label-like one-cell lines from ``j`` on belong to the header: those before
    the next header word (at most three), those before a row end the text marks, or those
    right before the grid's first heading (the first row of a grid leads with its
    level-1: 产出指标)."""
    from .readers.grid.kinds import is_heading, kind_of

    k = j
    while (
        k < len(rows)
        and k - j < UNKNOWN_HEADER_CELLS
        and rows[k].sep == "cell"
        and _label_like(_text1(rows[k]))
        and not is_heading(kind_of(_text1(rows[k]) or "", cfg))
    ):
        if rows[k].end:
            return k - j + 1
        k += 1
        nxt = _text1(rows[k]) or "" if k < len(rows) else ""
        if k < len(rows) and _header_cell(nxt, cfg, True):
            return k - j
        if nxt and is_heading(kind_of(nxt, cfg)) and kind_of(nxt, cfg).heading_score >= EXACT_MATCH:
            return k - j
    return 0


_BRACKETED = re.compile(r"\([^()]*\)")
# lines looked at after a line for the grid row that goes on after it (a unit or year line,
# a heading, may stand between)
NEXT_ROWS = 2
_ONE_CJK = re.compile(r"[\u4e00-\u9fff]")


def _sparse_header(rows: list[Row], i: int, cfg: Config) -> bool:
    """A header row naming fewer columns by known words (指标 | 绩效指标值 | 数据来源): a
    row of labels only, one of them naming the value or the name, right above a grid row
    (one holding a heading or a value)."""
    from .readers.grid.kinds import NUMBER, VALUE, WORDED, is_heading, kind_of

    # a character of a side label printed down the grid (绩 / 效 …) is no header cell
    texts = [t for t in rows[i].texts if t.strip() and not _ONE_CJK.fullmatch(t.strip())]
    bare = [_BRACKETED.sub("", norm_key(t)) for t in texts]  # 绩效指标值（%）: a unit noted
    if len(texts) < 2 or not all(_label_like(t) or cfg.is_section(t) for t in bare):
        return False
    roles = {cfg.header_role(t) or cfg.header_role(t, loose=True) for t in texts}
    if not roles & {"value", "level3"}:
        return False
    nxt = next(
        (r for r in rows[i + 1 : i + 1 + NEXT_ROWS] if any(t.strip() for t in r.texts)), None
    )
    if nxt is None:
        return False
    kinds = [kind_of(t, cfg) for t in nxt.texts if t.strip()]
    return any(is_heading(k) or k.kind in (VALUE, NUMBER, WORDED) for k in kinds)


SPARSE_LINES = 6  # header cells of a one-cell-per-line header read by their shape, at most


def _sparse_lines(rows: list[Row], i: int, cfg: Config) -> int:
    """The rows of a header written one cell per line whose words the vocabulary knows in
    part (指标 / 预期目标值 / 考核方式), as ``_sparse_header`` reads such a row: two or more
    label lines, each a header word read loosely or a section word, one of them naming
    the value or the name, that end right before the grid's first heading (一、产出指标).
    0 when the lines from ``i`` are not one."""
    from .readers.grid.kinds import is_heading, kind_of

    j = i
    while j < len(rows) and j - i < SPARSE_LINES and rows[j].sep == "cell":
        t = _text1(rows[j]) or ""
        if (
            not _label_like(_BRACKETED.sub("", norm_key(t)))
            or not (cfg.header_role(t, loose=True) or cfg.is_section(t))
            or is_heading(kind_of(t, cfg))
        ):
            break
        j += 1
    texts = [_text1(r) or "" for r in rows[i:j]]
    if len(texts) < 2 or j >= len(rows) or any(_field_label(t, cfg) for t in texts):
        return 0
    roles = {cfg.header_role(t) or cfg.header_role(t, loose=True) for t in texts}
    nxt = _text1(rows[j])
    if not roles & {"value", "level3"} or nxt is None:
        return 0
    k = kind_of(nxt, cfg)
    return j - i if is_heading(k) and k.heading_score >= EXACT_MATCH else 0


def _lower_header(row: Row, cfg: Config) -> bool:
    """The lower row of a two-row header (目标值 | 实际完成值 under 年度指标值, 计量单位 |
    数值): labels only, one at least a header word, no heading."""
    # a character of a side label printed down the grid (绩 / 效 …) is no header cell
    texts = [t for t in row.texts if t.strip() and not _ONE_CJK.fullmatch(t.strip())]
    return (
        len(texts) >= 2
        and row.sep != "cell"
        and any(cfg.header_role(t, loose=True) for t in texts)
        and all(_label_like(_BRACKETED.sub("", norm_key(t))) for t in texts)
        and not any(cfg.match1(t) or cfg.match2(t) for t in texts)
    )


def _grid_end(
    rows: list[Row],
    start: int,
    stream: bool,
    cfg: Config,
    head: list[str] | None = None,
    recurring: frozenset[str] = frozenset(),
) -> int:
    """Where the grid whose body starts at ``start`` ends: at a stop line (notes, totals,
    signatures, page chrome), the next table's head or header (its own header ``head``
    repeated, as on the next page, too), or, in a grid whose rows
    are lines of several cells, at a line of one cell that no grid row follows.  A line
    such as 附表2 between rows of one grid (more projects' rows under the same header)
    does not end it."""
    from .readers.grid.kinds import is_heading, kind_of

    k = start
    while k < len(rows):
        r = rows[k]
        if header_at(rows, k, cfg) or _repeated(rows, k, head):
            return k
        if (
            _introduces(r)
            and k + 1 < len(rows)
            and (_starts_table(rows[k + 1], cfg) or _field_row(rows[k + 1], cfg))
        ):
            return k  # a line introducing a project right above the next table's head
        if _is_stop_row(r, cfg) or _starts_table(r, cfg):
            if stream or not _goes_on(rows, k, cfg):
                return k
        one = _text1(r)
        if not stream and one is not None and r.sep == "cell":
            # one cell in a grid of rows: a heading row (一、产出指标) or a wrapped line
            # inside the grid, or page furniture between two of its rows (a page number,
            # a running header, 续表); other text after the last grid row ends it
            f = k
            while f < len(rows) and _furniture(rows[f], cfg, recurring):
                f += 1
            after = range(f + (f == k), min(len(rows), f + (f == k) + NEXT_ROWS))
            # a grid row goes on after it, not a field line or the header of the next table
            if not is_heading(kind_of(one, cfg)) and not any(
                rows[x].sep != "cell"
                and not _field_row(rows[x], cfg)
                and not header_at(rows, x, cfg)
                for x in after
            ):
                return k
        k += 1
    return k


def _furniture(row: Row, cfg: Config, recurring: frozenset[str] = frozenset()) -> bool:
    """A line of page furniture that may stand between two rows of one grid: a page
    number (5, 第 5 页, - 5 -), a running header (2024年度预算公开, or any line of the
    text's ``recurring`` ones) or a continuation mark (续表, 续表：, （续）)."""
    from .readers.text import is_running_header

    t = _text1(row)
    if t is None:
        return False
    k = norm_key(t).rstrip(":")
    return bool(
        BARE_NUMBER.fullmatch(k)
        or PAGE_NUMBER.fullmatch(k)
        or is_running_header(t, cfg)
        or _CONTINUED.fullmatch(k)
        or k in recurring
    )


def printed_again(rows: list[Row], first_line: int) -> frozenset[str]:
    """Short lines of one cell printed before the text's first grid (whose header is at
    line ``first_line``) and again after it starts: a page's running header, which the
    first page prints too.  Between two rows of a grid of several cells they are page
    furniture, wherever the vocabulary does not know their words."""
    from .readers.text import RUNNING_HEADER_MAX

    def lines(part: list[Row]) -> set[str]:
        return {
            norm_key(t).rstrip(":")
            for r in part
            if (t := _text1(r)) and len(norm_key(t)) <= RUNNING_HEADER_MAX
        }

    before = [r for r in rows if r.line < first_line]
    return frozenset(lines(before) & lines(rows[len(before) :]))


def _goes_on(rows: list[Row], k: int, cfg: Config) -> bool:
    """True when the grid goes on after the line at ``k`` (an attachment, unit or year
    line between rows of one grid): the next line of several cells is a grid row, not a
    header, a title or a field."""
    if title_of(rows[k], cfg) is not None or _name_label(rows[k], cfg) is not None:
        return False
    if _is_stop_row(rows[k], cfg) or _text1(rows[k]) is None:
        return False
    for r in rows[k + 1 : k + 1 + NEXT_ROWS]:
        if _text1(r) is not None and r.sep == "cell":
            if _starts_table(r, cfg) and title_of(r, cfg) is None and _name_label(r, cfg) is None:
                continue
            return False
        return (
            not (
                header_at(rows, rows.index(r), cfg)
                or _field_row(r, cfg)
                or _is_stop_row(r, cfg)
                or title_of(r, cfg) is not None
            )
            and sum(1 for t in r.texts if t.strip()) >= MIN_ROW_CELLS
        )
    return False


MIN_ROW_CELLS = 3  # a grid row holds a name, a value and more; fewer cells are a field line


@dataclass(frozen=True, slots=True)
class GridSpan:
    """Where a grid lies in the rows: its header's first row and row count, its end, and
    the rows of page furniture between its rows (a page number, a running header, 续表),
    which are none of its rows."""

    start: int
    header_rows: int
    end: int
    furniture: frozenset[int] = frozenset()


def find_grids(rows: list[Row], cfg: Config, lines: list[Row] | None = None) -> list[GridSpan]:
    """Every indicator grid in the rows (``lines``: the text's rows as read, before a
    title's lines were joined, where its running header is looked for)."""
    out: list[GridSpan] = []
    recurring: frozenset[str] | None = None
    head: list[str] | None = None  # the last grid's header cells, one line each
    i = 0
    while i < len(rows):
        n = header_at(rows, i, cfg) or _repeated(rows, i, head)
        if n == 0:
            i += 1
            continue
        if recurring is None:
            recurring = printed_again(lines or rows, rows[i].line)
        # a grid whose rows are lines of one cell (one cell per line, or cells run
        # together under a run-together header) has no multi-cell rows to end at
        stream = rows[i].sep == "run" or (rows[i].sep == "cell" and _text1(rows[i]) is not None)
        one_each = [_text1(r) for r in rows[i : i + n]]
        head = [t for t in one_each if t] if n > 1 and all(one_each) else None
        end = _grid_end(rows, i + n, stream, cfg, head, recurring)
        furniture = frozenset(
            k for k in range(i + n, end) if not stream and _furniture(rows[k], cfg, recurring)
        )
        out.append(GridSpan(i, n, end, furniture))
        i = max(end, i + n)
    return out


def _repeated(rows: list[Row], i: int, head: list[str] | None) -> int:
    """The rows of a header written one cell per line (``head``) repeated from row ``i``
    on, as a page break repeats it, whatever the vocabulary knows of its words; else 0."""
    if not head or i + len(head) > len(rows):
        return 0
    same = all(_text1(r) == t for r, t in zip(rows[i : i + len(head)], head, strict=True))
    return len(head) if same else 0


def _head_start(block: list[Row], cfg: Config) -> int | None:
    """Where the head of the table whose grid follows ``block`` starts in it: at the last
    title before its first field, else at its first field (name first), else at a title,
    else at a line that opens a table (附表2, 单位：万元, （2024年度）); with the lines of
    that kind right above it.  None when the block holds none of these (the rows before a
    grid that goes on, its header repeated)."""
    names = [i for i, r in enumerate(block) if _name_label(r, cfg) is not None]
    # a signature line (审核人： 经办人：) ends the table before; it opens no head
    fields = [i for i, r in enumerate(block) if _field_row(r, cfg) and not _is_stop_row(r, cfg)]
    titles = [i for i, r in enumerate(block) if title_of(r, cfg) is not None]
    anchor = names[0] if names else (fields[0] if fields else None)
    if anchor is not None:
        before = [t for t in titles if t < anchor]
        start = before[-1] if before else anchor
    elif titles:
        start = titles[-1]
    else:
        # a line that opens a table, or one that introduces it naming its project
        opening = [i for i, r in enumerate(block) if _starts_table(r, cfg) or _introduces(r)]
        if not opening:
            return None
        start = opening[-1]
    while start > 0 and _starts_table(block[start - 1], cfg):
        start -= 1
    return start


def _continued(block: list[Row], last_title: str | None, cfg: Config) -> bool:
    """True when the rows between two grids hold only the title of the table before,
    repeated over the rest of it (on the next page) or marked as its continuation
    (…目标表（续）, 续表): no field, no project named, no title of another table."""
    titles = [t for r in block if (t := title_of(r, cfg)) is not None]
    if not titles or intro_name(block) is not None:
        return False
    if any(
        _name_label(r, cfg) is not None or _field_row(r, cfg) or _run_label(r, cfg) for r in block
    ):
        return False
    return all(
        _CONTINUED.search(norm_key(t)) or (last_title and norm_key(t) == norm_key(last_title))
        for t, _ in titles
    )


# a one-cell line longer than this is a paragraph: it runs no label into its value and is no
# line introducing a table
LINE_MAX = 120


def _run_label(row: Row, cfg: Config) -> bool:
    """A row of one cell opening with a field label run into its value (项目名称示范项目)."""
    t = _text1(row)
    if t is None or len(t) > LINE_MAX or title_of(row, cfg) is not None:
        return False
    return cfg.label_run(t) is not None


FIELD_CELL_MAX = 24  # a field label, with a short value after its colon: longer cells are content


def _field_row(row: Row, cfg: Config) -> bool:
    for t in row.texts:
        t = t.strip()
        if t and (len(t) <= FIELD_CELL_MAX or (len(t) <= LINE_MAX and _COLON.search(t))):
            f = cfg.field_of(t) or cfg.field_of(re.split(r"[:：]", t, maxsplit=1)[0])
            if f is not None and not f[0].startswith("_"):
                return True
    return False


INTRO_LINES = 3  # lines before a table's head that may introduce it


def intro_name(rows: list[Row]) -> str | None:
    """The project that the line introducing a table names in quotes (关于“X”项目…的公示):
    one of the last lines before its head."""
    for r in reversed(rows[-INTRO_LINES:]):
        t = _text1(r)
        if t and len(t) <= LINE_MAX:
            m = _QUOTED.search(t)
            if m:
                return m.group(1).strip()
    return None


# a line introducing a table: 关于“X”…, or “X”项目… (a quoted word inside a cell, 政务服务
# “好差评”系统评价, is none)
_INTRODUCING = re.compile(r"^关于|[”\"」』]\s*项目")


def _introduces(row: Row) -> bool:
    """A line that introduces a table naming its project (关于“X”项目支出绩效目标的公开说明)."""
    t = _text1(row)
    return t is not None and bool(_INTRODUCING.search(t)) and intro_name([row]) is not None


def join_split_titles(rows: list[Row], cfg: Config) -> list[Row]:
    """A title broken over two lines (某局2025年部门整体支出 / 绩效目标表): a short title
    line whose line above, a short line of its own, makes one title with it."""
    out: list[Row] = []
    for r in rows:
        t, prev = _text1(r), _text1(out[-1]) if out else None
        if (
            t is not None
            and prev is not None
            # the form's name, a bracketed note after it aside (（2024年度）)
            and len(_TRAILING_NOTE.sub("", norm_key(t))) <= SPLIT_TITLE_TAIL
            and len(norm_key(prev)) <= SPLIT_TITLE_HEAD
            and title_of(r, cfg) is not None
            and title_of(out[-1], cfg) is None
            and _title_head(prev)
            and title_kind(prev + t, cfg) is not None
        ):
            last = out[-1]
            out[-1] = Row(
                [Cell(prev + t)], last.line, last.page, last.table_id, last.bbox, sep=last.sep
            )
            continue
        out.append(r)
    return out


def _title_head(text: str) -> bool:
    """A line that can open a title broken over two lines: the issuer and the year, or
    the form's first words (…2025年部门整体支出), no sentence, no figure but a year."""
    k = norm_key(text)
    if re.search(r"[:：。；;%≥≤]", k) or re.search(r"\d", _YEAR.sub("", k)):
        return False
    return bool(_YEAR.search(k)) or k.endswith(_TITLE_HEAD_ENDS)


_TITLE_HEAD_ENDS = VOCAB.title_head_ends
SPLIT_TITLE_TAIL = 12  # a title's second line: the form's name (绩效目标表, 项目支出绩效目标表)
SPLIT_TITLE_HEAD = 30  # its first line: the issuer and year


HEAD_ROWS = 12  # rows of a table's head searched for its year, issuer and name label
YEAR_TEXT_MAX = (
    20  # a year in a short line (（2024年度）, 2024年) is the table's; prose cites years
)


def segment(doc: SourceDoc, cfg: Config) -> Segmentation:
    """A document's rows → its tables, each found by its grid (see the module docstring)."""
    seg = Segmentation(year=None, issuer=None)
    rows = join_split_titles(doc.rows, cfg)
    blocks: list[
        tuple[str | None, str | None, list[Row], int | None, int, int | None, str | None]
    ] = []
    prev = 0
    for span in find_grids(rows, cfg, doc.rows):
        start, n, end = span.start, span.header_rows, span.end
        block = rows[prev:start]
        hs = _head_start(block, cfg)
        if blocks and _continued(block, blocks[-1][0], cfg):
            hs = None
        grid = rows[start : start + n] + [
            r for k, r in enumerate(rows[start + n : end], start + n) if k not in span.furniture
        ]
        if hs is None and blocks:
            # no title, no field: the grid goes on (its header repeated after a break)
            title, kind, trows, h0, hn, _, intro = blocks[-1]
            trows.extend(block + grid[n:])
            blocks[-1] = (title, kind, trows, h0, hn, len(trows), intro)
            prev = end
            continue
        hs = len(block) if hs is None else hs
        if blocks:
            blocks[-1][2].extend(block[:hs])  # the previous table's foot
        else:
            seg.preamble.extend(block[:hs])
        head = block[hs:]
        titles = [t for r in head if (t := title_of(r, cfg)) is not None]
        title, kind = titles[-1] if titles else (None, None)
        trows = head + grid
        # the line introducing the table: before its head, or the line that opens it
        intro = intro_name(
            block[:hs]
            + [r for r in head[:1] if not _field_row(r, cfg)]
            + [r for r in head[1:] if title_of(r, cfg) is not None]
        )
        blocks.append((title, kind, trows, len(head), n, len(trows), intro))
        prev = end
    if blocks:
        blocks[-1][2].extend(rows[prev:])
    else:
        seg.preamble.extend(rows)
    from .readers.grid.align import wrap_widths

    # the widths at which the document's grids wrap their cells, from all their lines
    body = [r for _, _, trows, h0, hn, gend, _ in blocks for r in trows[(h0 or 0) + hn : gend]]
    wrap = frozenset(wrap_widths([t for r in body if r.sep == "cell" and (t := _text1(r))]))

    pre_text = [t for r in seg.preamble for t in r.texts if t]
    for t in pre_text:
        seg.year = seg.year or year_in(t)
        seg.issuer = seg.issuer or _issuer_line(t)
    for n_, (ttl, knd, trows, h0, hn, gend, intro) in enumerate(blocks, start=1):
        year = year_in(ttl) if ttl else None
        issuer = issuer_in_title(ttl) if ttl else None
        for r in trows[: h0 or 0][:HEAD_ROWS]:
            for t in r.texts:
                if t and t != ttl:
                    if year is None and len(t) <= YEAR_TEXT_MAX:
                        year = year_in(t)
                    issuer = _issuer_line(t) or issuer
        if knd is None:
            knd = "project"
            for r in trows[: h0 or 0][:HEAD_ROWS]:
                lab = _name_label(r, cfg)
                if lab and ("部门" in lab or "单位" in lab):
                    knd = "department"
                    break
        form = "self_evaluation" if ttl and cfg.titles["self_evaluation"].search(ttl) else "target"
        t = Table(n_, knd, form, ttl, year, issuer, trows, h0, hn, gend, intro, wrap)
        seg.tables.append(t)
        seg.year = seg.year or year
        seg.issuer = seg.issuer or issuer
    if seg.year is None:  # last resort: a year in the file name (…_2025.html)
        m = re.search(r"(?<!\d)(20[0-9]{2})(?!\d)", doc.source)
        seg.year = int(m.group(1)) if m else None
    return seg
