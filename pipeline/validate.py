"""Validate stage: checks on one interpreted table → findings.

In:  ``TableRecord`` (after interpretation) and the document year.
Out: a list of ``Finding`` (severity, code, message, table/row/line): plan period outside
the budget year, department budget lines that do not add up, a table with no indicators
or no name, a value that could not be parsed or holds several numbers, cells the OCR was
unsure of.  Findings never change the data; they point a person at it.
"""

from __future__ import annotations

import re

from .model import Finding, TableRecord

_YEARS = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_DIGIT = re.compile(r"\d")


def years_in(text: str | None) -> list[int]:
    return [int(y) for y in _YEARS.findall(text or "")]


def validate(rec: TableRecord, doc_year: int | None) -> list[Finding]:
    out: list[Finding] = []
    t = rec.table_no
    year = rec.year or doc_year

    def add(sev: str, code: str, msg: str, row_no: int | None = None, line: int | None = None):
        out.append(Finding(sev, code, msg, t, row_no, line, rec.page))

    if not rec.indicators:
        add(
            "warning",
            "table_no_indicators",
            f"table {t} ({rec.name or 'no name'}) has no indicators",
            line=rec.line_start,
        )
    if not rec.name:
        add(
            "warning",
            "table_no_name",
            f"table {t} has no project or department name",
            line=rec.line_start,
        )
    if rec.budget_yuan is None:
        add("info", "budget_missing", f"table {t} states no budget amount", line=rec.line_start)
    if year:
        for label, text in (("period", rec.period), ("plan", rec.plan)):
            ys = years_in(text)
            bad = [y for y in ys if y != year]
            if bad:
                add(
                    "warning",
                    "period_outside_year",
                    f"{label} {text!r} lies outside the budget year {year}",
                    line=rec.line_start,
                )
    if rec.kind == "department" and rec.budget_lines and rec.budget_yuan is not None:
        total = sum(rec.budget_lines.values())
        if len(rec.budget_lines) >= 2 and abs(total - rec.budget_yuan) > max(100.0, 1e-4 * total):
            add(
                "warning",
                "budget_lines_mismatch",
                f"expenditure lines add up to {total:.2f} 元 but the total says "
                f"{rec.budget_yuan:.2f} 元",
                line=rec.line_start,
            )
    for ind in rec.indicators:
        v = ind.target
        if v.raw is None:
            add(
                "warning",
                "value_missing",
                f"indicator {ind.level3!r} has no target value",
                ind.row_no,
                ind.line,
            )
        elif v.kind == "qualitative" and _DIGIT.search(v.raw) and not years_in(v.raw):
            add(
                "info",
                "value_unparsed",
                f"value {v.raw!r} holds digits but no quantity was read",
                ind.row_no,
                ind.line,
            )
        if "multiple_values" in v.flags:
            add(
                "info",
                "value_multiple",
                f"value {v.raw!r} holds several numbers; the first is kept",
                ind.row_no,
                ind.line,
            )
        if "low_ocr_confidence" in ind.flags:
            add(
                "warning",
                "low_ocr_confidence",
                f"OCR confidence {ind.min_conf:.2f} on row {ind.level3!r}",
                ind.row_no,
                ind.line,
            )
        if not ind.level1:
            add(
                "warning",
                "level1_missing",
                f"indicator {ind.level3!r} has no level-1",
                ind.row_no,
                ind.line,
            )
    return out


BUDGET_MIN_YUAN = 10_000.0  # below this a 绩效目标表 budget is almost surely 万元 read as 元
BUDGET_MAX_YUAN = 1e11  # 1000 亿元: above this, 元 read as 万元 (or digits run together)


def budget_plausibility(rec: TableRecord) -> list[Finding]:
    """A ``budget_implausible`` warning when a table's budget (``budget_yuan``, in 元) is
    implausibly small or large for its unit: a 万元 table read as 元 gives ``2299.77``
    元 for a 22.9-million project; a 元 amount read as 万元 gives trillions."""
    b = rec.budget_yuan
    if b is None or b <= 0 or BUDGET_MIN_YUAN <= b <= BUDGET_MAX_YUAN:
        return []
    what = "department" if rec.kind == "department" else "project"
    if b < BUDGET_MIN_YUAN:
        msg = (
            f"table {rec.table_no} ({rec.name or 'no name'}): budget {b:,.2f} 元 is implausibly "
            f"small for a {what}: was the table in 万元 ({b:,.2f} 万元 = {b * 1e4:,.0f} 元)?"
        )
    else:
        msg = (
            f"table {rec.table_no} ({rec.name or 'no name'}): budget {b:,.0f} 元 is implausibly "
            f"large for a {what}: was the table in 元, not 万元?"
        )
    return [
        Finding("warning", "budget_implausible", msg, rec.table_no, None, rec.line_start, rec.page)
    ]
