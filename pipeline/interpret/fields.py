"""Header fields: label → value pairs above the grid (项目名称, 负责人, 预算资金 …).

In:  rows before the grid and ``Config``.  Out: ``FieldState`` (values, budgets in 元,
the 自评表 execution block) and ``fill_fields`` onto a ``TableRecord``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import Config, norm_key
from ..config_files import HEADER_FIELDS
from ..model import Row, Table, TableRecord
from ..readers.grid.cells import _AMOUNT, _num
from ..segment import LINE_MAX, clean_issuer, project_in_title
from ..validate import BUDGET_MIN_YUAN

_COLON_SPLIT = re.compile(r"^([^:：]{2,16})[:：]\s*(.*)$")


_SPACE_SPLIT = re.compile(r"^(\S{2,12})\s+(\S.*)$")
LABEL_CELL_MAX = 80  # a label with its value in one cell is a line at most: longer is prose
LABEL_MAX = 16  # the longest label looked for before a colon (as in _COLON_SPLIT)


def _label_parts(text: str, cfg: Config) -> tuple[str, str | None, str] | None:
    """(field, unit, inline value) when a cell is a field label, possibly with its value."""
    if len(text) > LABEL_CELL_MAX:
        return None
    f = cfg.field_of(text)
    if f:
        return f[0], f[1], ""
    for rx in (_COLON_SPLIT, _SPACE_SPLIT):
        m = rx.match(text.strip())
        if m:
            f = cfg.field_of(m.group(1))
            if f:
                return f[0], f[1], m.group(2).strip()
    return None


def amount_yuan(text: str, unit: str | None) -> float | None:
    s = norm_key(text)
    m = _AMOUNT.search(s)
    if not m:
        return None
    v = float(m.group(0).replace(",", ""))
    tail = s[m.end() : m.end() + 3]
    u = unit
    if tail.startswith("万"):
        u = "万元"
    elif tail.startswith("亿"):
        u = "亿元"
    elif tail.startswith("元"):
        u = "元"
    mult = {"万元": 1e4, "千元": 1e3, "亿元": 1e8}.get(u or "元", 1.0)
    return round(v * mult, 2)


@dataclass(slots=True)
class FieldState:
    values: dict[str, str] = field(default_factory=dict)
    budget: dict[str, float] = field(default_factory=dict)  # kind -> yuan
    dept_lines: dict[str, float] = field(default_factory=dict)
    unit_hint: str | None = None
    # budget labels of a label-only row, by column, waiting for the amounts row below
    pending: dict[int, tuple[str, str, str | None]] = field(default_factory=dict)
    # 自评表 budget execution block: columns of 年初预算数 / 全年预算数 / 全年执行数 / 执行率 …
    execution_cols: dict[int, str] = field(default_factory=dict)
    execution: dict[str, float] = field(default_factory=dict)
    # field labels whose value is not beside them but in the row below (年度总体目标 |
    # 预期目标 | 实际完成情况, then the texts), by column
    below: dict[int, str] = field(default_factory=dict)
    unitless: set[str] = field(default_factory=set)  # budget kinds read with no unit at all


def _take_below(row: Row, cfg: Config, st: FieldState) -> bool:
    """Values written under their labels' columns in the next row."""
    pending, st.below = st.below, {}
    texts = row.texts
    if not pending or any(
        t and (cfg.is_section(t) or _label_parts(t, cfg) is not None) for t in texts
    ):
        return False
    taken = False
    for name in dict.fromkeys(pending.values()):
        cols = [c for c, f in pending.items() if f == name]
        # a field labelled twice (年度绩效目标 … 年度目标) takes the column with text right
        # under one of its labels before a neighbouring one
        exact = [texts[c] for c in cols if c < len(texts) and texts[c]]
        cell = (
            exact[0] if exact else next(filter(None, (_cell_under(texts, c) for c in cols)), None)
        )
        if cell is not None and name not in st.values:
            st.values[name] = cell
            taken = True
    return taken


def _percent(text: str) -> float | None:
    m = _AMOUNT.search(norm_key(text))
    return float(m.group(0).replace(",", "")) if m else None


_BRACKETED = re.compile(r"\([^()]*\)")


def _execution_label(text: str, cfg: Config) -> str | None:
    """The budget execution field a label names; bracketed notes are ignored, nested ones
    too (全年预算数（A）（上年结转+年初预算+…（不含年底收回））→ adjusted)."""
    key = norm_key(text)
    while True:
        name = cfg.budget_execution.get(key)
        if name is not None or "(" not in key:
            return name
        stripped = _BRACKETED.sub("", key)
        if stripped == key:
            return None
        key = stripped


_AMOUNT_FIELDS = ("planned", "adjusted", "executed")


def _inline_execution(
    texts: list[str], cfg: Config, unit: str | None
) -> tuple[dict[str, float], bool]:
    """Budget execution amounts written right after their own labels in one row, as cells
    (全年预算数（万元） | 5236 | 全年执行数（万元） | 4591.97) or run together
    (全年预算数（万元）5236全年执行数（万元）4591.97): amounts in 元 by field, and whether
    they are all the row holds."""
    labels = sorted(
        (k for k, v in cfg.budget_execution.items() if v in _AMOUNT_FIELDS), key=len, reverse=True
    )
    if not labels:
        return {}, False
    line = "|".join(norm_key(t) for t in texts if t)
    rx = re.compile(
        "(" + "|".join(re.escape(k) for k in labels) + r")"
        r"(?:\((万元|千元|亿元|元)\))?[|:]*(-?\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.%])"
    )
    out: dict[str, float] = {}
    end = -1
    covered = 0
    for m in rx.finditer(line):
        if m.start() != end and m.start() != 0 and line[m.start() - 1] != "|":
            continue  # a label inside other text
        name = cfg.budget_execution[m.group(1)]
        v = amount_yuan(m.group(3), m.group(2) or unit)
        if v is not None and name not in out:
            out[name] = v
        covered += len(m.group(0).replace("|", ""))
        end = m.end()
    return out, covered == len(line.replace("|", ""))


def read_execution(row: Row, cfg: Config, st: FieldState) -> bool:
    """The budget execution block of a 自评表: a row of labels (年初预算数 | 全年预算数 |
    全年执行数 | 分值 | 执行率 | 得分), then the amounts of 年度资金总额 by column; or
    amounts right after their labels in one row."""
    texts = row.texts
    if not st.execution_cols:  # each label beside its amount, one row or one row each
        inline, whole = _inline_execution(texts, cfg, st.unit_hint)
        new = {k: v for k, v in inline.items() if k not in st.execution}
        st.execution.update(new)
        if new and whole:
            return True
    cols = {c: n for c, t in enumerate(texts) if t and (n := _execution_label(t, cfg))}
    if len({v for v in cols.values()} & {"planned", "adjusted", "executed", "rate"}) >= 2:
        st.execution_cols = cols
        return True
    if not st.execution_cols or st.execution:
        return False
    first = next((norm_key(t) for t in texts if t), "")
    numbers = [t for t in texts if t and _AMOUNT.fullmatch(norm_key(t).rstrip("%"))]
    filled = [t for t in texts if t]
    # the amounts row: under 年度资金总额, or three amounts, or nothing but amounts
    if first not in cfg.budget_execution_total and not (
        numbers and (len(numbers) >= EXECUTION_AMOUNTS or len(numbers) == len(filled))
    ):
        return False
    for col, name in st.execution_cols.items():
        cell = _cell_under(texts, col, _is_amount)
        if cell is None:
            continue
        if name in ("planned", "adjusted", "executed"):
            v = amount_yuan(cell, st.unit_hint)
        else:
            v = _percent(cell)
        if v is not None:
            st.execution[name] = v
    return True


# amounts in a row that make it the execution block's amounts row, with no 年度资金总额 before
# them: one for each of 年初预算数, 全年预算数, 全年执行数
EXECUTION_AMOUNTS = 3


def _store_budget(st: FieldState, kind: str, key: str, value: str, unit: str | None) -> None:
    amt = amount_yuan(value, unit or st.unit_hint) if value else None
    if amt is None:
        return
    if kind == "department_lines":
        st.dept_lines.setdefault(key, amt)
    elif kind not in st.budget:
        st.budget[kind] = amt
        if not (unit or st.unit_hint or _WRITTEN_UNIT.search(norm_key(value))):
            st.unitless.add(kind)


# an amount written with its unit (5440万元), or a label naming the unit ((万元))
_WRITTEN_UNIT = re.compile(r"(?:\d\s*|\()(万|亿|千)?元(?:\))?")


def _unit_from_text(rec: TableRecord, fs: FieldState, kind: str | None, table: Table) -> None:
    """A budget read with no unit of its own (项目总预算 | 6730, 金额合计 | 500), too small to
    be 元, in a table whose other amounts and amount labels are all in 万元
    (…2019年预算金额5440万元…, 预算金额（万元）): 万元."""
    b = rec.budget_yuan
    if b is None or kind not in fs.unitless or not 0 < b < BUDGET_MIN_YUAN:
        return
    units = {
        m.group(1) or ""
        for r in table.rows
        for t in r.texts
        if t and "元" in t
        for m in _WRITTEN_UNIT.finditer(norm_key(t))
    }
    if units == {"万"}:
        rec.budget_yuan = round(b * 1e4, 2)


def _take_pending(row: Row, cfg: Config, st: FieldState) -> bool:
    """Amounts under a row of budget labels (资金总额 | 财政拨款 … above 15820.36 | …).
    A row with budget labels of its own (基本支出 | 10596.35 under 预算金额) is read as
    label/value pairs: the labels above were column headers."""
    texts = row.texts
    own = any(t and (f := cfg.field_of(t)) and f[0].startswith("budget:") for t in texts)
    if not st.pending or own or not any(_AMOUNT.search(t) for t in texts if t):
        if st.pending:  # the headers' unit holds for the amounts below them (预算金额（万元）
            # over 总额 | 财政拨款, then 金额合计 | 500) or beside the labels
            st.unit_hint = next((u for _, _, u in st.pending.values() if u), st.unit_hint)
        st.pending = {}
        return False
    for col, (kind, key, unit) in st.pending.items():
        cell = _cell_under(texts, col, _is_amount)
        if cell is not None:
            _store_budget(st, kind, key, cell, unit)
    st.pending = {}
    return True


def _is_amount(text: str) -> bool:
    return bool(_AMOUNT.fullmatch(norm_key(text).rstrip("%")))


def _cell_under(texts: list[str], col: int, accept=None) -> str | None:  # noqa: ANN001
    """The cell of a values row that belongs to the label in column ``col`` of the row
    above: that column, else the next, else the previous (merged or drifted cells)."""
    for c in (col, col + 1, col - 1):
        if 0 <= c < len(texts) and texts[c] and (accept is None or accept(texts[c])):
            return texts[c]
    return None


def _unit_hint(texts: list[str], cfg: Config, st: FieldState) -> None:
    for t in texts:
        # a section or column label with a unit, e.g. 项目资金（万元）, 2024年度预算金额（万元）
        if (
            t
            and ("万元" in t or t.endswith(("（元）", "(元)")))
            and (cfg.is_section(t) or cfg.field_of(t) is None)
            and not _AMOUNT.fullmatch(norm_key(t))
        ):
            st.unit_hint = "万元" if "万元" in t else "元"


def split_pairs(text: str, cfg: Config) -> list[str]:
    """A line of several ``label：value`` pairs (``项目名称：示范项目  主管部门：某局``, spaces
    kept or lost) → one text per pair; a value ends where the next known label and its
    colon start.  Text that does not open with a label and a colon is left whole."""
    head = _COLON_SPLIT.match(text.strip())
    if head is None or cfg.field_of(head.group(1).strip()) is None:
        return [text]
    cuts: list[int] = []
    first = text.index(head.group(1)) + len(head.group(1))
    for m in re.finditer(r"[:：]", text):
        if m.start() <= first:
            continue
        before = text[: m.start()].rstrip()
        for n in range(min(LABEL_MAX, len(before) - 1), 1, -1):
            label = before[-n:]
            if cfg.field_of(label) is not None:
                cuts.append(len(before) - n)
                break
    if not cuts:
        return [text]
    bounds = [0, *cuts, len(text)]
    return [
        text[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip()
    ]


def read_fields(row: Row, cfg: Config, st: FieldState) -> bool:
    """Take label/value pairs from a header row; True when the row held a field."""
    texts = [t for t in row.texts]
    filled = [t for t in texts if t]
    if len(filled) == 1 and len(filled[0]) <= LINE_MAX:
        texts = split_pairs(filled[0], cfg)
        pieces = cfg.label_run(filled[0]) if len(texts) == 1 else None
        if pieces is not None:
            texts = pieces  # labels run into their values (项目名称示范项目项目联系人王明)
    if _take_pending(row, cfg, st) or _take_below(row, cfg, st):
        return True
    _unit_hint(texts, cfg, st)
    if read_execution(row, cfg, st):
        return True
    budget_cols = {}
    for col, t in enumerate(texts):
        f = cfg.field_of(t) if t else None
        if f and f[0].startswith("budget:"):
            budget_cols[col] = (f[0].split(":", 1)[1], norm_key(t), f[1])
    if budget_cols and not any(
        _AMOUNT.search(norm_key(t))
        for t in texts
        if t and cfg.field_of(t) is None and not cfg.is_section(t)
    ):
        st.pending = budget_cols
        return True
    found = False
    i = 0
    n = len(texts)
    while i < n:
        t = texts[i]
        nxt = next((x for x in texts[i + 1 :] if x), "")
        if not t or (cfg.is_section(t) and not (cfg.field_of(t) and _is_amount(nxt))):
            # a section label; one that is a budget label followed by its amount
            # (项目资金（万元） | 349.8) is a field
            i += 1
            continue
        lp = _label_parts(t, cfg)
        if lp is None:
            i += 1
            continue
        fname, unit, inline = lp
        value = inline
        j = i + 1
        if not value:
            while j < n and not texts[j]:
                j += 1
            if j < n and _label_parts(texts[j], cfg) is None and not cfg.is_section(texts[j]):
                value = texts[j]
                j += 1
            elif not fname.startswith("budget:"):
                st.below[i] = fname
        found = True
        if fname.startswith("budget:"):
            key = norm_key(t)
            if not any(key.startswith(p) for p in cfg.sub_line_prefixes):
                _store_budget(st, fname.split(":", 1)[1], key, value, unit)
        elif value and fname not in st.values:
            st.values[fname] = value
        i = j
    return found


def _is_label(text: str, cfg: Config) -> bool:
    return cfg.field_of(text) is not None or _label_parts(text, cfg) is not None


_BOX = "□☐"
_CHECKED = "☑☒■√✓✔"
_ENUM = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十])[.、．]\s*")


def checked_option(text: str) -> str:
    """The option ticked in a check-box field (``1.部门项目 □ 2.公共项目 □√`` → 公共项目,
    ``☑延续项目 □新增项目`` → 延续项目, ``√延续项目 □新增项目`` → 延续项目: a tick with
    no box of its own stands in its box's place); other text as it is."""
    if not any(b in text for b in _BOX + "☑☒■") or not any(c in text for c in _CHECKED):
        return text
    t = re.sub(rf"[{_BOX}]\s*[√✓✔]", "☑", text)
    t = re.sub(r"[√✓✔]", "☑", t)
    marks = [i for i, ch in enumerate(t) if ch in _BOX or ch in "☑☒■"]
    before = t.lstrip()[:1] in _BOX + "☑☒■"  # boxes lead their options
    cuts = [-1, *marks, len(t)]
    for k, i in enumerate(marks):
        if t[i] in "☑☒■":
            piece = t[i + 1 : cuts[k + 2]] if before else t[cuts[k] + 1 : i]
            piece = _ENUM.sub("", piece).strip(" ：:;；,，")
            if piece:
                return piece
    return text


_PHONE = re.compile(
    r"(?<!\d)(?:1[3-9]\d{9}|(?:\(?0\d{2,3}\)?[-－\s]?)?[2-9]\d{6,7}(?:[-转]\d{1,5})?)(?!\d)"
)
_PHONE_WORD = re.compile(r"(?:联系)?(?:电话|手机|方式)\s*[:：]?")


def split_compound(fields: str, value: str) -> dict[str, str]:
    """The value of a compound label (owner+phone: 张三 13800138000) split by type: the
    phone is the phone-number part, the other field the rest; other pairs give the whole
    value to the first field."""
    a, b = fields.split("+", 1)
    if "phone" in (a, b):
        other = a if b == "phone" else b
        m = _PHONE.search(value)
        if m:
            rest = _PHONE_WORD.sub("", value[: m.start()] + " " + value[m.end() :])
            rest = rest.strip(" ，,;；/、:：")
            out = {"phone": m.group(0).strip()}
            if rest:
                out[other] = rest
            return out
    return {a: value}


def _fill_fields(rec: TableRecord, fs: FieldState, table: Table) -> None:
    for compound in [k for k in fs.values if "+" in k]:
        for name, part in split_compound(compound, fs.values.pop(compound)).items():
            fs.values.setdefault(name, part)
    v = fs.values
    for f in HEADER_FIELDS:
        if f not in ("name", "issuer"):
            setattr(rec, f, checked_option(v[f]) if v.get(f) else None)
    rec.name = v.get("name")
    if rec.name is None and rec.kind == "project" and table.title:
        rec.name = project_in_title(table.title)  # no name field: the title names it
    if v.get("issuer"):
        rec.issuer = clean_issuer(v["issuer"]) or rec.issuer
    if rec.kind == "department":
        rec.name = rec.name or rec.issuer
        rec.budget_yuan = fs.budget.get("project") or fs.budget.get("year")
        lines = [v for v in fs.dept_lines.values() if v]
        # an amount read under a column header (预算金额 over 基本支出 | 10596.35) that is
        # one of the expenditure lines is that line, not the department's total
        if rec.budget_yuan is not None and len(lines) >= 2 and rec.budget_yuan in lines:
            rec.budget_yuan = None
        execution_total = fs.execution.get("adjusted") or fs.execution.get("planned")
        if rec.budget_yuan is None and fs.dept_lines and execution_total is None:
            # no total written: the sum of the lines (a 自评表's 全年预算数 is the total)
            rec.budget_yuan = round(sum(fs.dept_lines.values()), 2)
    else:
        rec.budget_yuan = fs.budget.get("year") or fs.budget.get("project")
    chosen = next((k for k in ("year", "project") if fs.budget.get(k) == rec.budget_yuan), None)
    _unit_from_text(rec, fs, chosen, table)
    rec.budget_lines = dict(fs.dept_lines)
    ex = fs.execution
    rec.budget_planned = ex.get("planned")
    rec.budget_adjusted = ex.get("adjusted")
    rec.budget_executed = ex.get("executed")
    rec.execution_rate = ex.get("rate")
    rec.budget_execution_weight = ex.get("weight")
    rec.budget_execution_score = ex.get("score")
    if rec.budget_yuan is None:
        # a 自评表 states the year's money as 全年预算数 (or 年初预算数)
        rec.budget_yuan = rec.budget_adjusted or rec.budget_planned


def _stated_total(row: Row, cfg: Config) -> float | None:
    """The form's total weight from a 总分 row (the first number on it)."""
    first = next((t for t in row.texts if t), "")
    if not norm_key(first).startswith(("总分", "合计", "总得分")):
        return None
    return next((_num(t) for t in row.texts[1:] if t and _num(t) is not None), None)
