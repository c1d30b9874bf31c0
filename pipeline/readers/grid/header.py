"""Grid header: the header cells of an indicator grid → its columns and the roles each may
hold.

In:  header cell texts (a row, or consecutive one-cell lines) and ``Config`` (header
words, field labels and section words in ``configs/labels.yaml``).
Out: ``Column``s: the header text and, for each role the column may hold, a prior (0 for
the role its header word names, less for the roles such a column is known to hold
instead: a 指标性质 column holds operators or 定量/定性, a 指标方向 column 正向/反向 and
sometimes operators).  The aligner places cells by these priors and the cells' fits; the
interpreter settles each column's role from the header and its cells together
(``interpret.roles``).

A header is a row (or a run of one-cell lines) with at least two grid header words, one
of them naming the level-3 name or the value, or both heading levels.  Field labels in
it (项目名称 | 预算数 | 年度目标 | 一级指标 …: a wide row holding a project's fields
and its indicators) are field columns; a section word leading it (绩效指标, 年度绩效指标,
printed beside the whole grid) is a side column, empty below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ...config import Config, norm_key
from ...model import Cell, Row

# roles a header word names, and the other roles such a column is known to hold, with
# their priors (how much less likely than the named role)
_ALSO: dict[str, dict[str, float]] = {
    "op": {"nature": -1.0, "direction": -2.0},
    "direction": {"op": -1.5},
    "nature": {"op": -1.5},
    "explanation": {"standard": -1.0, "remark": -1.0, "deviation": -2.0},
    "remark": {"explanation": -1.5, "standard": -1.5},
    "standard": {"explanation": -1.5, "remark": -1.5},
    "value": {"actual": -2.0, "multi_year": -3.0},
    "level1": {"level12": -1.0},
    "level2": {"level12": -1.5},
    "level12": {"level1": -1.0, "level2": -1.0},
    "unit": {"remark": -3.0},
}
# an unknown column (数值, 绩效指标描述) may hold any role its cells show: a value column
# no word names is read as one where its cells are targets and no named column is
UNKNOWN_PRIOR = {"other": 0.0, "explanation": -1.0, "remark": -1.0, "standard": -1.0}
UNKNOWN_PRIOR |= {"value": -2.0}
UNKNOWN_PRIOR |= {"direction": -1.0, "nature": -1.0, "op": -2.0, "unit": -2.0}


@dataclass(frozen=True, slots=True)
class Column:
    text: str  # the header cell as written
    named: str | None  # the role its header word names (None: an unknown column)
    priors: dict[str, float] = field(default_factory=dict)  # role -> prior (0 best)
    field: str | None = None  # for a field column: the field (name, budget:year …)
    unit: str | None = None  # a unit written in the header (预算数（万元）)
    x: tuple[float, float] | None = None  # where it stands in fixed-width text (columns)


_ONE_CJK = re.compile(r"[\u4e00-\u9fff]")


def _x(cell: Cell) -> tuple[float, float] | None:
    return (cell.bbox[0], cell.bbox[2]) if cell.bbox is not None else None


def column_of(text: str, cfg: Config, first: bool = False) -> Column:
    """The column a header cell makes (``first``: it leads the header, where a section
    word is the grid's side label)."""
    t = text.strip()
    if not t:
        return Column(t, None, {"other": 0.0, "side": -0.5})
    role = cfg.header_role(t) or cfg.header_role(t, loose=True)
    if role is None and first and (cfg.is_section(t) or _ONE_CJK.fullmatch(t)):
        # a side label leading the header (绩效指标), or its first character where the
        # label is printed down the grid one character a line (绩 / 效 / 指 / 标)
        return Column(t, "side", {"side": 0.0})
    if role is None:
        f = cfg.field_of(t)
        if f is not None and not f[0].startswith("_"):
            return Column(t, "field", {"field": 0.0}, field=f[0], unit=f[1])
        if cfg.is_section(t):
            return Column(t, "side", {"side": 0.0, "other": -1.0})
        return Column(t, None, dict(UNKNOWN_PRIOR))
    priors = {role: 0.0, **_ALSO.get(role, {})}
    return Column(t, role, priors, unit=_header_unit(t) if role in _MEASURED else None)


_MEASURED = frozenset({"value", "actual", "multi_year"})
_BRACKETED_TAIL = re.compile(r"[(（]([^()（）]{1,8})[)）]\s*$")


def _header_unit(text: str) -> str | None:
    """The unit a value column's header writes for all its cells (年度指标值（%）,
    目标值(万元))."""
    from .kinds import is_unit

    m = _BRACKETED_TAIL.search(text)
    return m.group(1).strip() if m and is_unit(norm_key(m.group(1))) else None


def header_score(texts: list[str], cfg: Config, loose: bool = False) -> int:
    """How many of ``texts`` are grid header words (0 unless they make a grid header:
    two or more words of the vocabulary as written, naming the level-3 name or the value,
    or both heading levels, or four roles or more; with ``loose``, words read loosely (二级指标名称, 预期目标值)
    count beside the two written ones, and a side label (绩效指标) counts as written)."""
    cells = [t for t in texts if t and t.strip()]
    exact = [cfg.header_role(t) for t in cells]
    written = sum(
        1 for r, t in zip(exact, cells, strict=True) if r or (loose and cfg.is_section(t))
    )
    if written < MIN_EXACT_HEADER_WORDS:
        return 0
    roles = [
        r or (cfg.header_role(t, loose=True) if loose else None)
        for r, t in zip(exact, cells, strict=True)
    ]
    named = {r for r in roles if r}
    if (
        "level3" in named
        or "value" in named
        or {"level1", "level2"} <= named
        or len(named) >= MANY_HEADER_ROLES
    ):
        return len([r for r in roles if r])
    return 0


# header words of this many roles make a grid header whatever they are (序号 | 评分标准 |
# 符号 | 计量单位 | 全年实际值 | 得分: the name and target columns under words it lacks)
MANY_HEADER_ROLES = 4


MIN_EXACT_HEADER_WORDS = 2  # header words written as the vocabulary has them


def is_header_row(row: Row, cfg: Config) -> bool:
    return header_score(row.texts, cfg) > 0


@dataclass(slots=True)
class Header:
    """The columns of a grid, from its header (one row, or the cells of a one-cell-per-line
    header), and the rows it was read from."""

    columns: list[Column]
    rows: list[Row]

    @property
    def line(self) -> int:
        return self.rows[0].line

    def role_cols(self, role: str) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.named == role]

    @property
    def padded(self) -> bool:
        """True when empty cells pad the header between its words (OCR text padded to
        arbitrary widths): its rows' positions say little, their order and cells more."""
        named = [i for i, c in enumerate(self.columns) if c.text.strip()]
        if len(named) < 2:
            return False
        inner = [c for c in self.columns[named[0] : named[-1]] if not c.text.strip()]
        return len(inner) >= PADDING


def make_header(texts: list[str], rows: list[Row], cfg: Config) -> Header:
    """Columns from header cell texts.  Trailing empty cells (padding) are no columns."""
    while texts and not texts[-1].strip():
        texts = texts[:-1]
    cols = [column_of(t, cfg, first=i == 0) for i, t in enumerate(texts)]
    cells = rows[0].cells if rows else []
    if rows and rows[0].sep == "spaces" and len(cells) >= len(cols):
        cols = [replace(c, x=_x(cells[i])) for i, c in enumerate(cols)]
    # a side label written over two columns (绩效指标 | 绩效指标: a merged cell repeated
    # in each column it spans) heads the headings' column and the names' column
    for j in range(len(cols) - 1):
        a, b = cols[j], cols[j + 1]
        no_levels = not any(c.named in ("level1", "level2", "level12") for c in cols)
        if a.named == "side" and b.named == "side" and a.text == b.text and no_levels:
            cols[j] = Column(a.text, "level12", {"level12": 0.0, "side": -0.5})
    if not any(c.named in ("value", "multi_year") for c in cols):
        # no column named for the target: a column no word names (数值) may well be it
        cols = [
            Column(c.text, c.named, {**c.priors, "value": VALUE_UNNAMED}, c.field, c.unit)
            if c.named is None and c.text.strip()
            else c
            for c in cols
        ]
    if not any(c.named == "level3" for c in cols):
        # no column named for the indicator's name: a section word heading a column
        # (绩效指标, 指标) may be it, where its cells are names
        cols = [
            Column(c.text, c.named, {**c.priors, "level3": NAME_IN_SECTION}, c.field, c.unit)
            if c.named == "side"
            else c
            for c in cols
        ]
    return Header(cols, rows)


GROUP_COLUMNS = 3  # columns a value group names under it at most (运算符号 | 单位 | 数值)


def ungroup(header: Header) -> Header:
    """A header written one cell a line whose two rows ran into one (指标值 | 运算符号 |
    单位 | 数值: the group's name, then its columns): a value column followed by an
    operator or unit column and one no word names is the group's name, not a column; the
    unnamed one is the value."""
    cols = header.columns
    for j, c in enumerate(cols):
        if c.named != "value":
            continue
        after = cols[j + 1 : j + 1 + GROUP_COLUMNS]
        parts = []
        for a in after:
            if a.named in ("op", "unit") or a.named is None:
                parts.append(a)
            else:
                break
        unnamed = [a for a in parts if a.named is None]
        if len(parts) >= 2 and len(unnamed) == 1 and any(a.named for a in parts):
            k = cols.index(unnamed[0])
            new = list(cols)
            new[k] = replace(c, text=unnamed[0].text)
            del new[j]
            return Header(new, header.rows)
    return header


OUTLINE = Column("", "level12", {"level12": 0.0})


def with_outline(header: Header) -> Header:
    """A grid with no level column writes its headings as rows across it (一、产出指标 /
    （一）数量指标): a column of its own (``OUTLINE``, before the others) holds them."""
    if any(c.named in ("level1", "level2", "level12") for c in header.columns):
        return header
    return Header([OUTLINE, *header.columns], header.rows)


NAME_IN_SECTION = -1.0
VALUE_UNNAMED = -0.5
PADDING = 2  # empty header cells between its words that show a padded header


def merge_lower(
    upper: Header,
    lower_texts: list[str],
    cfg: Config,
    kept: bool = True,
    lower_cells: list[Cell] | None = None,
) -> Header | None:
    """A header of two rows (年度指标值 over 目标值 | 实际完成值, 指标值 over 符号 | 数值 |
    单位): the lower row names the columns the upper one spans.  Under a spanning upper
    cell (the cells right of it empty), the lower cells keep the roles their words name,
    and one lower cell no word names takes the upper cell's role (数值 under 指标值 is the
    value).  Where the text does not keep empty cells (``kept`` False: spaces) the lower
    cells stand under the upper cell that spans them: the value's (年度指标值 over 数值 |
    运算符号 | 度量单位), else the last.  None when ``lower_texts`` is no such row."""
    if header_score(lower_texts, cfg) == 0 and not any(
        cfg.header_role(t) for t in lower_texts if t
    ):
        return None
    if lower_cells is not None and all(c.x is not None for c in upper.columns):
        return _merge_by_place(upper, lower_cells, cfg)
    if not kept:
        lower_texts = _under_span(upper, [t for t in lower_texts if t.strip()])
    cols = list(upper.columns)
    n = max(len(cols), len(lower_texts))
    cols += [Column("", None, {"other": 0.0, "side": -0.5})] * (n - len(cols))
    lower = [column_of(t, cfg) if t.strip() else None for t in lower_texts]
    lower += [None] * (n - len(lower))
    j = 0
    while j < n:
        span = j + 1
        while span < n and not cols[span].text.strip() and lower[span] is not None:
            span += 1
        under = [k for k in range(j, span) if lower[k] is not None]
        named = {lower[k].named for k in under if lower[k].named}  # type: ignore[union-attr]
        up = cols[j]
        role = up.named
        for k in under:
            c = lower[k]
            assert c is not None
            if c.named is not None:
                cols[k] = c
            elif role is not None and role not in named and len(under) > 1:
                cols[k] = Column(c.text, role, dict(up.priors), up.field, up.unit)
                named.add(role)
            else:
                cols[k] = c
        j = span
    return Header(cols, upper.rows)


def _merge_by_place(upper: Header, lower: list[Cell], cfg: Config) -> Header:
    """A two-row header laid out in fixed-width text: each lower cell stands under the
    upper column it overlaps; an upper column with several lower cells under it is
    divided into them (the one no word names takes the upper's role); a lower cell under
    no upper cell is a column of its own."""
    cols = list(upper.columns)
    under: dict[int, list[Cell]] = {}
    alone: list[Cell] = []
    # each upper column's region reaches halfway to its neighbours (a spanning cell may
    # be printed over its first sub-column or centred over them all)
    bounds = []
    for j, c in enumerate(cols):
        x0, x1 = c.x  # type: ignore[misc]
        left = -1e9 if j == 0 else (cols[j - 1].x[1] + x0) / 2  # type: ignore[index]
        right = 1e9 if j + 1 == len(cols) else (x1 + cols[j + 1].x[0]) / 2  # type: ignore[index]
        bounds.append((left, right))
    for c in lower:
        if c.bbox is None or not c.text.strip():
            continue
        start = c.bbox[0]
        j = next((k for k, (a, b) in enumerate(bounds) if a <= start < b), None)
        if j is None or (cols[j].named == "side" and not _ONE_CJK.fullmatch(c.text.strip())):
            alone.append(c)
        elif cols[j].named != "side":
            under.setdefault(j, []).append(c)
    out: list[Column] = []
    for j, up in enumerate(cols):
        subs = under.get(j, [])
        if not subs:
            out.append(up)
            continue
        taken = False
        for c in subs:
            col = replace(column_of(c.text, cfg), x=_x(c))
            if col.named is None and not taken and up.named is not None:
                col = replace(up, text=c.text, x=_x(c))
                taken = True
            out.append(col)
    out += [replace(column_of(c.text, cfg), x=_x(c)) for c in alone]
    out.sort(key=lambda c: c.x[0] if c.x else 0.0)
    return Header(out, upper.rows)


def _overlap(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float:
    if a is None or b is None:
        return 0.0
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def _under_span(upper: Header, lower: list[str]) -> list[str]:
    """Lower header cells written without their empty cells, placed under the upper cell
    they subdivide: the upper columns are widened there (the spanning cell's text is kept
    over the first sub-column, empty over the others)."""
    cols = upper.columns
    at = next(
        (j for j, c in enumerate(cols) if c.named in ("value", "actual", "multi_year")),
        len(cols) - 1,
    )
    extra = len(lower) - 1
    if extra > 0:
        upper.columns = [
            *cols[: at + 1],
            *[Column("", None, {"other": 0.0})] * extra,
            *cols[at + 1 :],
        ]
    return [""] * at + lower


@lru_cache(maxsize=8)
def _header_vocab(cfg: Config) -> tuple[frozenset[str], int, re.Pattern[str]]:
    """The words a run-together header is split into (header words, section words, field
    labels), the longest one's length, and a pattern finding any of them."""
    vocab = {w for w in cfg.grid_header if len(w) >= 2}
    vocab |= {w for w in cfg.sections if len(w) >= 2}
    vocab |= {w for w, f in cfg.fields.items() if len(w) >= 2 and not f.startswith("_")}
    rx = re.compile("|".join(re.escape(w) for w in sorted(vocab, key=len, reverse=True)))
    return frozenset(vocab), max((len(w) for w in vocab), default=0), rx


def split_header_run(text: str, cfg: Config) -> list[str]:
    """A grid header whose words ran together (年度绩效指标一级指标二级指标三级指标年度指标值
    备注) → its words: the reading that covers the most characters with header words,
    section words and field labels of the vocabulary (fewest pieces on a tie); characters
    no word covers stay together as a piece of their own."""
    s = norm_key(text)
    vocab, longest, rx = _header_vocab(cfg)
    if len(rx.findall(s)) < 2:
        return [s]  # fewer than two words of the vocabulary: no header
    n = len(s)
    # best[i]: (characters covered, -pieces) for s[:i], and the cut before i
    best: list[tuple[tuple[int, int], int, bool]] = [((0, 0), 0, False)] + [((-1, 0), 0, False)] * n
    for i in range(n):
        (cov, neg), _, _ = best[i]
        if cov < 0:
            continue
        for j in range(i + 2, min(n, i + longest) + 1):
            if s[i:j] in vocab:
                cand = ((cov + j - i, neg - 1), i, True)
                if cand[0] > best[j][0]:
                    best[j] = cand
        cand = ((cov, neg - (0 if i > 0 and not best[i][2] else 1)), i, False)
        if cand[0] > best[i + 1][0]:
            best[i + 1] = cand
    pieces: list[str] = []
    i = n
    while i > 0:
        _, start, word = best[i]
        if not word and pieces and not pieces[-1][1]:
            pieces[-1] = (s[start:i] + pieces[-1][0], False)
        else:
            pieces.append((s[start:i], word))
        i = start
    out = list(reversed(pieces))
    # a piece no word covers belongs to the word beside it where together they read as a
    # header word (绩效指标 + 描述, 年度(/项目) + 指标值)
    k = 0
    while k < len(out):
        piece, word = out[k]
        if not word:
            if k + 1 < len(out) and cfg.header_role(piece + out[k + 1][0], loose=True):
                out[k : k + 2] = [(piece + out[k + 1][0], True)]
                continue
            if k > 0 and cfg.header_role(out[k - 1][0] + piece, loose=True):
                out[k - 1 : k + 1] = [(out[k - 1][0] + piece, True)]
                k -= 1
                continue
        k += 1
    return [p for p, _ in out]
