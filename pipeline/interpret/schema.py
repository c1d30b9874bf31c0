"""Column schema: a grid's header row(s) → the role of each column.

In:  rows and ``Config`` (header words in ``configs/labels.yaml``).  Out: ``Grid`` (column
→ role: level1/level2/level3/value/op/unit/explanation/actual/weight/score/…).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Config
from ..model import Row
from .cells import Token

CONTENT_ROLES = (
    "level3",
    "op",
    "value",
    "unit",
    "explanation",
    "actual",
    "weight",
    "score",
    "deviation",
    "multi_year",  # 中期指标值 beside 年度指标值: read to keep the columns in step, not kept
)


DEFAULT_ROLES = ("level3", "value", "explanation")
HEADING_ROLES = ("level1", "level2", "level12")  # level12: one column for both (指标类型)


@dataclass(slots=True)
class Grid:
    """Column roles of an indicator grid, from its header row."""

    roles: dict[int, str] = field(default_factory=dict)  # column -> role
    width: int = 0
    line: int | None = None

    @property
    def content_roles(self) -> tuple[str, ...]:
        found = [r for _, r in sorted(self.roles.items()) if r in CONTENT_ROLES]
        if "level3" not in found or "value" not in found:
            return DEFAULT_ROLES
        out: list[str] = []
        for r in found:
            if r not in out:
                out.append(r)
        return tuple(out)


def _tokens(row: Row, cfg: Config, drop_header: bool = True) -> list[Token]:
    out = []
    for col, c in enumerate(row.cells):
        t = c.text.strip()
        if not t:
            continue
        out.append(Token(t, col, row))
    # header words and section labels lead some rows (指标 | 产出指标 | …)
    while out and drop_header and (cfg.is_section(out[0].text) or cfg.header_role(out[0].text)):
        out.pop(0)
    return out


def header_grid(row: Row, cfg: Config) -> Grid | None:
    """The grid header (一级指标 | 二级指标 | 三级指标 | 指标值 …) or None."""
    roles: dict[int, str] = {}
    for col, c in enumerate(row.cells):
        r = cfg.header_role(c.text) if c.text else None
        if r:
            roles[col] = r
    kinds = set(roles.values())
    if len(roles) >= 2 and (
        "level3" in kinds or "value" in kinds or len(kinds & {"level1", "level2"}) == 2
    ):
        for col, c in enumerate(row.cells):  # the other header cells, by the words in them
            if col not in roles and c.text:
                r = cfg.header_role(c.text, loose=True)
                if r:
                    roles[col] = r
        if "value" not in roles.values():  # 中期指标值 alone is the target there is
            roles = {c: "value" if r == "multi_year" else r for c, r in roles.items()}
        return Grid(roles, len(row.cells), row.line)
    return None
