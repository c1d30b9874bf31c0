"""Levels: the level-1 and level-2 headings that hold for each row of an aligned grid.

In:  ``GridRow``s, the columns' roles and ``Config``.  Out: for each row, its level-1
and level-2 (``headings.Level``: canonical name, as written, match score), flags and
notes.

One procedure for every form.  Each row's own heading cells are read first (its level-1,
level-2 or one-heading column, or a row holding nothing but a heading: 一、产出指标).  A
written heading holds for the rows its merged cell spans; the evidence for the span, in
order:

1. merges the reader recorded (sheet ranges, rowspan, vMerge, ruled PDF cells): a cell
   covered from above repeats the heading, an empty cell outside a merge is an empty
   level (SPEC section 2);
2. where a heading sits in its span: text copied from a rendered table writes a merged
   cell's text at the middle of its rows, not at the top.  A grid whose rows carry content
   before their first level-1 label (and whose tree agrees) is read that way
   (``centred``); labels on a page are measured there;
3. otherwise a heading holds from its row down to the next one (carry-down), and a
   level-2 with no level-1 above it takes its parent from the canonical tree.
"""

from __future__ import annotations

from ..config import Config, HeadingMatch
from ..grid.align import GridRow
from ..grid.kinds import is_heading, kind_of
from .cells import _PAGE_NO, Token
from .centred import assign, assign_one_column, is_centred, off_middle
from .headings import (
    Headings,
    Level,
    TreeState,
    classify,
    heading_like,
    only_child_worded_like,
    take_headings,
    update_tree,
)

HEADING_ROLES = ("level1", "level2", "level12")


def read_headings(
    g: GridRow, cols: dict[str, int], cfg: Config, carried: str | None = None
) -> Headings:
    """The headings written in the row's level columns (``carried``: the level-1 above)."""
    h = Headings()
    for role in ("level1", "level12", "level2"):
        c = cols.get(role)
        text = g.text(c) if c is not None else ""
        if not text or _PAGE_NO.fullmatch(text):
            continue
        m1, m2 = classify(text, cfg)
        if role == "level1":
            if m1 is not None:
                h.l1 = m1
            elif m2 is not None and "level2" not in cols:
                h.l2 = m2
            elif m2 is not None and not g.text(cols["level2"]):
                h.l2 = m2  # a level-2 written in the level-1 column, its own column empty
            else:
                h.l1_unknown = text  # a level-1 outside the schema, kept as written
        elif role == "level2":
            if m2 is not None:
                h.l2 = m2
            elif child := only_child_worded_like(
                h.l1.canonical if h.l1 else carried, m1, text, cfg
            ):
                h.l2 = child  # 公众满意度指标 under 满意度指标: that level-1's only child
            elif m1 is not None and h.l1 is None and h.l1_unknown is None:
                h.l1 = m1
            else:
                h.l2 = HeadingMatch(text, 2, 0.0, text)  # kept as written, score 0
        else:  # one column for both levels (指标类型)
            if m2 is not None and (m1 is None or m2.score >= m1.score):
                h.l2 = m2
            elif m1 is not None:
                h.l1 = m1
            elif heading_like(text):
                h.l1_unknown = text
    h.used = int(_has_l1(h)) + int(h.l2 is not None)
    return h


def heading_row(g: GridRow, cfg: Config) -> Headings | None:
    """A row holding nothing but a heading (一、产出指标 / （一）数量指标, across the grid
    or alone): its headings; None for any other row."""
    texts = [c.text.strip() for c in g.cells if c is not None and c.text.strip()]
    if len(set(texts)) != 1 or not is_heading(kind_of(texts[0], cfg)):
        return None
    row = g.rows[0]
    h = take_headings([Token(texts[0], 0, row)], cfg)
    return h if h.used == 1 else None


def _has_l1(h: Headings) -> bool:
    return h.l1 is not None or h.l1_unknown is not None


def _explicitly_empty(g: GridRow, c: int | None) -> bool:
    """An empty level cell the reader says no merged cell above covers."""
    if c is None or not all(r.spans for r in g.rows):
        return False
    cell = g.cells[c] if c < len(g.cells) else None
    return cell is None or (not cell.text.strip() and cell.covered != "up")


RowLevels = tuple[Level | None, Level | None, list[str], list[tuple[str, str]]]


def assign_levels(
    rows: list[GridRow], roles: list[str], content: list[bool], cfg: Config
) -> list[RowLevels]:
    """Each row's level-1, level-2, flags and notes (``content``: the row holds an
    indicator, not only headings)."""
    cols: dict[str, int] = {}
    for j, r in enumerate(roles):
        if r in HEADING_ROLES:
            cols.setdefault(r, j)
    heads: list[Headings] = []
    carried: str | None = None
    for g in rows:
        lone = heading_row(g, cfg) if not cols or not any(content) else None
        h = lone if lone is not None else read_headings(g, cols, cfg, carried)
        if h.l1 is not None:
            carried = h.l1.canonical
        heads.append(h)
    merged = bool(rows) and all(r.spans for g in rows for r in g.rows) and any(
        c is not None and c.covered == "up" for g in rows for c in g.cells
    )
    pairs = list(zip(heads, content, strict=True))
    out: list[RowLevels] = []
    if not merged and is_centred(pairs, cfg):
        if "level12" in cols and not {"level1", "level2"} & set(cols):
            labels = [i for i, h in enumerate(heads) if _has_l1(h) or h.l2 is not None]
            if labels and labels[0] == 0 and off_middle(len(heads), labels) > 0:
                return _top_down(rows, heads, cols, merged, cfg)
            held = assign_one_column(pairs)
        else:
            held = assign(pairs, cfg)
        for k, h in enumerate(heads):
            state = TreeState()
            flags, notes = update_tree(state, held[k], cfg)
            out.append((state.l1, state.l2, flags, notes if (h.used or _has_l1(h)) else []))
        return out
    return _top_down(rows, heads, cols, merged, cfg)


def _top_down(
    rows: list[GridRow],
    heads: list[Headings],
    cols: dict[str, int],
    merged: bool,
    cfg: Config,
) -> list[RowLevels]:
    out: list[RowLevels] = []
    state = TreeState()
    for g, h in zip(rows, heads, strict=True):
        if merged:
            no_l1 = h.l1 is None and h.l1_unknown is None
            if no_l1 and _explicitly_empty(g, cols.get("level1")):
                state.l1 = None
            if h.l2 is None and _explicitly_empty(g, cols.get("level2")):
                state.l2 = None
        flags, notes = update_tree(state, h, cfg)
        if state.l1 is None and state.l2 is not None and state.l2.canonical:
            parent = cfg.parent_of(state.l2.canonical)
            if parent:
                state.l1 = Level(parent, None, None)
                flags.append("level1_from_tree")
        out.append((state.l1, state.l2, flags, notes))
    return out
