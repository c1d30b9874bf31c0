"""Column roles: each column of an aligned grid → the one role it holds, from its header
word and its cells together.

In:  the ``Header`` (each column's candidate roles and priors), the ``GridRow``s and
``Config``.  Out: one role per column and notes (line, code, message) naming what the
header alone would have got wrong: a column whose cells say another role than its header
word (指标方向 holding ≥, 指标性质 holding 定量/定性, 评价标准 holding 计划标准 / 历史标准),
a second column for a role (kept out, named), and columns no role fits (kept out, named).

A column's score for a role is the role's prior from the header plus the fits of its
cells (``grid.kinds.fit``): a few cells outweigh a header word that names a role its cells
do not fit.  Each role is held by one column; the best-scoring column keeps it, the others
take their next role.  A grid whose only target column is the target over several years
(中期指标值) reads that column as the value.
"""

from __future__ import annotations

from ..config import Config
from ..readers.grid.align import GridRow
from ..readers.grid.header import Header
from ..readers.grid.kinds import EMPTY, fit, kind_of

# roles one column at most holds (the others may repeat: remarks, unknown columns)
UNIQUE = frozenset(
    {"level1", "level2", "level12", "level3", "value", "op", "unit", "explanation", "actual"}
    | {"weight", "score", "deviation", "direction", "nature", "multi_year"}
)
# roles kept out of every field: a column holding one is read only to keep the others in
# step
KEPT_OUT = frozenset({"direction", "nature", "standard", "remark", "seq", "side", "other"})
CELL_WEIGHT = 1.0  # each cell's fit counts this much against the header's prior
PRIOR_WEIGHT = 3.0  # a header word counts as much as this many cells that fit it
# a cell fits a role no worse than this: one stray cell (a note, a misplaced value) does not
# outweigh the cells that fit
FIT_FLOOR = -5.0

Notes = list[tuple[int, str, str]]


def _scores(header: Header, rows: list[GridRow], cfg: Config) -> list[dict[str, float]]:
    out = []
    for j, col in enumerate(header.columns):
        kinds = [kind_of(g.text(j), cfg) for g in rows if g.text(j)]
        kinds = [k for k in kinds if k.kind != EMPTY]
        sc: dict[str, float] = {}
        for role, prior in col.priors.items():
            if role == "field":
                sc[role] = 0.0
                continue
            total = sum(max(fit(k, role), FIT_FLOOR) for k in kinds)
            sc[role] = PRIOR_WEIGHT * prior + CELL_WEIGHT * total
        out.append(sc)
    return out


def settle(header: Header, rows: list[GridRow], cfg: Config) -> tuple[list[str], Notes]:
    """The role of each column, and notes naming columns read otherwise than their header
    word says, columns left out as a second one for a role, and unknown columns."""
    scores = _scores(header, rows, cfg)
    roles = [max(sc, key=lambda r: sc[r]) if sc else "other" for sc in scores]
    notes: Notes = []
    line = header.line
    # one column per role: the best keeps it, the others take their next role
    for role in UNIQUE:
        cols = [j for j, r in enumerate(roles) if r == role]
        if len(cols) < 2:
            continue
        # the column whose header word names the role, else the better-scoring one
        keep = max(cols, key=lambda j: (header.columns[j].named == role, scores[j][role], -j))
        for j in cols:
            if j == keep:
                continue
            taken = set(roles)
            rest = sorted(
                (r for r in scores[j] if r != role and (r not in UNIQUE or r not in taken)),
                key=lambda r: scores[j][r],
                reverse=True,
            )
            roles[j] = rest[0] if rest else "other"
            notes.append(
                (
                    line,
                    "column_duplicate",
                    f"column {header.columns[j].text!r} is a second {role} column "
                    f"beside {header.columns[keep].text!r}: kept out of the fields",
                )
            )
    if "value" not in roles and "multi_year" in roles:
        # the target over several years is the only target the grid has: it is the value
        roles[roles.index("multi_year")] = "value"
    for col, role in zip(header.columns, roles, strict=True):
        if col.named and col.named not in (role, "side", "field", "multi_year") and role != "other":
            notes.append(
                (
                    line,
                    "column_role_from_content",
                    f"column {col.text!r} holds {role} cells: read as {role}",
                )
            )
        if role == "other" and col.text:
            notes.append(
                (
                    line,
                    "column_unknown",
                    f"column {col.text!r} is not in the schema: kept out of the fields",
                )
            )
    return roles, notes
