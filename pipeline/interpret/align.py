"""Alignment: a row's content cells → roles, and the ``Indicator`` they make.

In:  content tokens (after the headings) and the grid's roles.  Out: ``{role: Token}``
by position (geometry known) or by order and cell type, and ``Indicator``s.
"""

from __future__ import annotations

import re

from ..config import norm_key
from ..model import OCR_LOW_CONF, Indicator, Row
from ..normalize import normalize_value
from .cells import (
    Token,
    _is_number,
    _is_op,
    _is_unit,
    _num,
    _text,
    is_qualitative_value,
    is_value_like,
)
from .headings import Level, TreeState
from .schema import CONTENT_ROLES, Grid


def _is_points(text: str) -> bool:
    """A weight or score: a number, written bare or in points (10分, 9.5分)."""
    return _is_number(text) or bool(re.fullmatch(r"\d+(\.\d+)?分", norm_key(text)))


_ACCEPT = {
    "op": _is_op,
    "unit": _is_unit,
    "weight": _is_points,
    "score": _is_points,
}


def assign_roles(content: list[Token], roles: tuple[str, ...]) -> dict[str, Token]:
    """Give each content cell a role, by order and cell type (count mode).

    Extra cells (more than the header has columns for) are first read as doubled cells
    (``调度平台系统 | 调度平台系统``); past that, level-3 is the cell just before the first
    value-like cell and cells before it are dropped.
    """
    if "explanation" not in roles:
        roles = (*roles, "explanation")  # headers are often cut short of their last column
    toks = _dedupe(list(content))
    n_extra = len(toks) - len(roles)
    if n_extra > 0:
        p = next((i for i, t in enumerate(toks) if i >= 1 and is_value_like(t.text)), None)
        if p is not None and p - 1 <= n_extra:
            toks = toks[p - 1 :]  # the name is the cell before the value; extras follow
        else:
            toks = toks[n_extra:]
    out: dict[str, Token] = {}
    ti = 0
    for r in roles:
        if ti >= len(toks):
            break
        accept = _ACCEPT.get(r)
        if accept is not None and not accept(toks[ti].text):
            continue
        out[r] = toks[ti]
        ti += 1
    return out


def assign_positional(content: list[Token], grid: Grid) -> dict[str, Token]:
    out: dict[str, Token] = {}
    for t in content:
        r = grid.roles.get(t.col)
        if r in CONTENT_ROLES and r not in out:
            out[r] = t
    return out


def _dedupe(content: list[Token]) -> list[Token]:
    """Drop a doubled name cell (调度平台系统 | 调度平台系统 | 1套).  A repeat followed by a
    value is a doubled cell; one followed by an explanation is the value itself
    (严格控制会期 | 严格控制会期 | 严守获批会议方案会期…).  Only the name doubles: a value
    repeated as its completion (明显改善 | 明显改善) is two cells."""
    out: list[Token] = []
    for i, t in enumerate(content):
        if i == 1 and norm_key(out[0].text) == norm_key(t.text) and not _is_number(t.text):
            nxt = content[i + 1].text if i + 1 < len(content) else None
            if nxt is None or is_value_like(nxt) or is_qualitative_value(nxt):
                continue
        out.append(t)
    return out


# an item number before a name (指标1：培训人次, 1、培训人次, (2)造林面积): not part of it
_ITEM_PREFIX = re.compile(
    r"^(?:指标\s*\d{1,2}\s*[：:.、．]?|\d{1,2}\s*[：:、．.]|[(（]\d{1,2}[)）])\s*(?=\D)"
)


def strip_item_prefix(name: str | None) -> str | None:
    """A level-3 name without its item number (指标1：培训人次 → 培训人次)."""
    if not name:
        return name
    out = _ITEM_PREFIX.sub("", name, count=1)
    return out or name


def _indicator(row_no: int, state: TreeState, parts: dict, row: Row, flags: list[str]) -> Indicator:
    l1 = state.l1 or Level(None, None, None)
    l2 = state.l2 or Level(None, None, None)
    level3 = strip_item_prefix(_text(parts.get("level3")))
    target = normalize_value(
        _text(parts.get("value")), level3, _text(parts.get("op")), _text(parts.get("unit"))
    )
    actual = None
    if "actual" in parts:
        written = _text(parts.get("actual"))
        actual = normalize_value(written, level3, None, _text(parts.get("unit")))
        actual.raw = written  # as written: a separate unit column is not joined (SPEC §3)
    confs = [c.conf for c in row.cells if c.conf is not None and c.text]
    min_conf = min(confs) if confs else None
    fl = list(flags) + list(target.flags)
    if min_conf is not None and min_conf < OCR_LOW_CONF:
        fl.append("low_ocr_confidence")
    return Indicator(
        row_no=row_no,
        level1=l1.canonical,
        level2=l2.canonical,
        level3=level3,
        target=target,
        explanation=_text(parts.get("explanation")),
        level1_raw=l1.raw,
        level2_raw=l2.raw,
        level1_score=l1.score,
        level2_score=l2.score,
        line=row.line,
        page=row.page,
        bbox=row.bbox,
        flags=fl,
        actual=actual,
        weight=_num(_text(parts.get("weight"))),
        score=_num(_text(parts.get("score"))),
        deviation=_text(parts.get("deviation")),
        min_conf=min_conf,
    )
