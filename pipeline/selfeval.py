"""Self-evaluation (绩效自评表): was each target met, and do the self-scores agree?

In:  a ``TableRecord`` of form ``self_evaluation`` (targets and actual values already
normalized) and the ``Config`` (grade words).
Out: ``Indicator.met`` set (True / False / None when not comparable) and ``Finding``s:
``selfeval_score_missed_full`` (full marks for a missed target), ``selfeval_score_met_zero``
(no marks for a met target), ``selfeval_weights_total`` (weights do not add up to the
form's total), ``selfeval_rate_mismatch`` (stated execution rate differs from executed /
adjusted budget).

``met`` compares like with like: numbers only when target and actual have the same unit
(or one has none) and the same per-period; a worded target is met when the actual value
is a grade that says so (达成, 已完成, 合规 …) and missed when it says otherwise (未完成 …).
"""

from __future__ import annotations

import math

from .config import Config, norm_key
from .model import Finding, Indicator, TableRecord, Value

RATE_TOLERANCE = 0.5  # percentage points
WEIGHT_TOLERANCE = 0.01
FORM_TOTAL = 100.0  # a 自评表 scores out of 100 points


def met(target: Value, actual: Value | None, cfg: Config) -> bool | None:
    """Whether ``actual`` meets ``target``; None when they cannot be compared."""
    if actual is None or actual.raw is None or target.raw is None:
        return None
    if target.kind == "numeric" and actual.kind == "numeric":
        if not _same_unit(target, actual):
            return None
        a, t = actual.value, target.value
        if a is None or t is None:
            return None
        op = target.op
        if op == "range":
            hi = target.value_max if target.value_max is not None else t
            return t <= a <= hi
        if op == ">=":
            return a >= t
        if op == ">":
            return a > t
        if op == "<=":
            return a <= t
        if op == "<":
            return a < t
        return math.isclose(a, t, rel_tol=1e-9, abs_tol=1e-9)
    grade = norm_key(actual.raw)
    if grade in cfg.grades_missed:
        return False
    if grade in cfg.grades_met:
        return True
    return None


def _same_unit(a: Value, b: Value) -> bool:
    if a.unit and b.unit and norm_key(a.unit) != norm_key(b.unit):
        return False
    return not (a.per and b.per and norm_key(a.per) != norm_key(b.per))


def assess(rec: TableRecord, cfg: Config) -> list[Finding]:
    """Set ``met`` on every indicator of a self-evaluation table; return its findings."""
    if rec.form != "self_evaluation":
        return []
    out: list[Finding] = []
    t = rec.table_no

    def add(code: str, msg: str, ind: Indicator | None = None) -> None:
        out.append(
            Finding(
                "warning",
                code,
                msg,
                t,
                ind.row_no if ind else None,
                ind.line if ind else rec.line_start,
                ind.page if ind else rec.page,
            )
        )

    for ind in rec.indicators:
        ind.met = met(ind.target, ind.actual, cfg)
        if ind.weight is None or ind.score is None:
            continue
        if ind.met is False and ind.weight > 0 and ind.score >= ind.weight:
            add(
                "selfeval_score_missed_full",
                f"{ind.level3!r}: target {ind.target.raw} missed ({ind.actual.raw if ind.actual else ''})"
                f" but scored full marks {ind.score:g}/{ind.weight:g}",
                ind,
            )
        elif ind.met is True and ind.weight > 0 and ind.score == 0:
            add(
                "selfeval_score_met_zero",
                f"{ind.level3!r}: target {ind.target.raw} met but scored 0/{ind.weight:g}",
                ind,
            )
    weights = [i.weight for i in rec.indicators if i.weight is not None]
    if weights and len(weights) == len(rec.indicators):
        total = sum(weights) + (rec.budget_execution_weight or 0.0)
        if abs(total - FORM_TOTAL) > WEIGHT_TOLERANCE:
            stated = f"; its 总分 row says {rec.stated_total:g}" if rec.stated_total else ""
            add(
                "selfeval_weights_total",
                f"weights add up to {total:g} (indicators {sum(weights):g} + budget execution "
                f"{rec.budget_execution_weight or 0:g}), not the form's {FORM_TOTAL:g}{stated}",
            )
    if rec.execution_rate is not None and rec.budget_executed is not None:
        base = rec.budget_adjusted or rec.budget_planned
        if base:
            rate = 100.0 * rec.budget_executed / base
            if abs(rate - rec.execution_rate) > RATE_TOLERANCE:
                add(
                    "selfeval_rate_mismatch",
                    f"stated execution rate {rec.execution_rate:g}% but executed / budget = "
                    f"{rate:.2f}%",
                )
    return out
