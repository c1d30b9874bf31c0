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
from ..readers.grid.align import GridRow
from ..readers.grid.cells import _PAGE_NO
from ..readers.grid.kinds import is_heading, kind_of
from .centred import Place, assign, assign_one_column, is_centred, off_middle
from .headings import (
    Headings,
    Level,
    TreeState,
    classify,
    heading_like,
    heading_of,
    only_child_worded_like,
    similarity,
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
            level2_empty = "level2" not in cols or not g.text(cols["level2"])
            if (
                m1 is not None
                and m1.canonical == carried
                and level2_empty
                and (child := only_child_worded_like(carried, m1, text, cfg))
            ):
                # 公众满意度指标 written where a level-1 goes, its level-2 cell empty, under
                # 满意度指标 already open: that level-1's only child, not the level-1 again
                h.l2 = child
            elif m1 is not None:
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
    return heading_of(texts[0], cfg)


def _outside(g: GridRow, cols: dict[str, int]) -> bool:
    """True when the row writes text only outside the level columns (a heading row
    merged across a grid whose level column was added: 一、产出指标 in the 序号 column)."""
    level = set(cols.values())
    written = [j for j, c in enumerate(g.cells) if c is not None and c.text.strip()]
    return bool(written) and not level & set(written)


def _ambiguous_level1(heads: list[Headings], cfg: Config) -> None:
    """A heading that is a level-1 and a level-2 alike (成本指标) written where a level-1
    goes is the level-1 only where its own children follow it (经济成本指标 …), else the
    level-2 of the level-1 above (SPEC section 2)."""
    for k, h in enumerate(heads):
        if h.l1 is None or h.l2 is not None:
            continue
        m2 = cfg.match2(h.l1.raw)
        if m2 is None or m2.score < h.l1.score:
            continue
        children = set(cfg.level1_children.get(h.l1.canonical, []))
        below = []
        for later in heads[k + 1 :]:
            if later.l1 is not None or later.l1_unknown is not None:
                break
            if later.l2 is not None:
                below.append(later.l2.canonical)
        if not any(c in children for c in below):
            h.l1, h.l2 = None, m2


def _garbled_level1(heads: list[Headings], cfg: Config) -> None:
    """A level-1 outside the schema whose first level-2 below it (before the next level-1)
    has a parent it resembles (严出指标 over 数量指标: 产出指标) is that parent garbled by OCR
    (SPEC section 1), read as it with a finding; the same row's level-2 is handled when
    the tree is applied."""
    for k, h in enumerate(heads):
        if h.l1_unknown is None or h.l2 is not None:
            continue
        child = None
        for later in heads[k + 1 :]:
            if _has_l1(later):
                break
            if later.l2 is not None:
                child = later.l2
                break
        parent = cfg.parent_of(child.canonical) if child is not None else None
        if parent is None:
            continue
        score = similarity(h.l1_unknown, parent)
        if score >= cfg.garbled_threshold:
            h.l1 = HeadingMatch(parent, 1, score, h.l1_unknown)
            h.l1_unknown = None


def _has_l1(h: Headings) -> bool:
    return h.l1 is not None or h.l1_unknown is not None


def _explicitly_empty(g: GridRow, c: int | None, merging: set[int]) -> bool:
    """An empty level cell the reader says no merged cell above covers, in a column where
    the grid merges cells (``merging``).  A sheet that never merges a column writes a level
    once and leaves the cells under it blank: there a blank carries the level down."""
    if c is None or c not in merging or not all(r.spans for r in g.rows):
        return False
    cell = g.cells[c] if c < len(g.cells) else None
    return cell is None or (not cell.text.strip() and cell.covered != "up")


def _label_after_break(
    g: GridRow,
    nxt: GridRow | None,
    cols: dict[str, int],
    h: Headings,
    state: TreeState,
    cfg: Config,
) -> HeadingMatch | None:
    """The level-2 of the last row on a page whose level-2 cell is empty, when the first
    row of the next page goes on with the same level-1 (its cell empty) and writes a
    level-2 of that level-1: a merged cell cut by the page break, its text printed below
    the break."""
    c1, c2 = cols.get("level1"), cols.get("level2")
    if nxt is None or nxt.page == g.page or (c1 is not None and nxt.text(c1)) or c2 is None:
        return None
    parent = h.l1.canonical if h.l1 is not None else state.l1.canonical if state.l1 else None
    m2 = classify(nxt.text(c2), cfg)[1]
    if parent is None or m2 is None or cfg.parent_of(m2.canonical) != parent:
        return None
    return m2


def label_places(rows: list[GridRow], cols: dict[str, int]) -> tuple[Place, Place] | None:
    """Where a grid's rows and their level-1 / level-2 labels sit on the page (rows read
    from a PDF page or a scan carry boxes), or None.  A row's extent is that of its
    content cells (a label centred between two rows reaches into both)."""
    level_cols = {c for r, c in cols.items()}
    spans: list[tuple[float, float]] = []
    y1: list[float | None] = []
    y2: list[float | None] = []
    for g in rows:
        box = g.bbox
        if box is None:
            return None
        own = [
            c.bbox
            for j, c in enumerate(g.cells)
            if j not in level_cols and c is not None and c.text.strip() and c.bbox is not None
        ]
        spans.append((min(b[1] for b in own), max(b[3] for b in own)) if own else (box[1], box[3]))
        for role, ys in (("level1", y1), ("level2", y2)):
            c = cols.get(role, cols.get("level12"))
            cell = g.cells[c] if c is not None and c < len(g.cells) else None
            if cell is not None and cell.text.strip() and cell.bbox is None:
                return None
            ok = cell is not None and cell.text.strip() and cell.bbox is not None
            ys.append((cell.bbox[1] + cell.bbox[3]) / 2 if ok else None)  # type: ignore[union-attr]
    return Place(tuple(spans), tuple(y1)), Place(tuple(spans), tuple(y2))


TALLER = 0.25  # a row taller than its label by this share of the label's height shows where it sits
TOP_SLACK = 1.0  # a label starting this close to its row's top (PDF points, pixels) is at the top


def _top_aligned(rows: list[GridRow], cols: dict[str, int]) -> bool:
    """True when the grid's labels sit at the top of their rows, not at their middle:
    every label in a row taller than itself (by over a quarter of the label's height)
    starts where its row starts.  Merged cells printed top-aligned are read top-down."""
    seen = 0
    for g in rows:
        if g.bbox is None:
            continue
        for role in ("level1", "level2", "level12"):
            c = cols.get(role)
            cell = g.cells[c] if c is not None and c < len(g.cells) else None
            if cell is None or cell.bbox is None or not cell.text.strip():
                continue
            height = cell.bbox[3] - cell.bbox[1]
            if (g.bbox[3] - g.bbox[1]) - height <= TALLER * height:
                continue  # as tall as its row: no telling
            if abs(cell.bbox[1] - g.bbox[1]) > TOP_SLACK:
                return False
            seen += 1
    return seen >= 2


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
        lone = heading_row(g, cfg) if not cols or not any(content) or _outside(g, cols) else None
        h = lone if lone is not None else read_headings(g, cols, cfg, carried)
        if h.l1 is not None:
            carried = h.l1.canonical
        heads.append(h)
    _ambiguous_level1(heads, cfg)
    _garbled_level1(heads, cfg)
    merged = (
        bool(rows)
        and all(r.spans for g in rows for r in g.rows)
        and any(c is not None and c.covered == "up" for g in rows for c in g.cells)
    )
    pairs = list(zip(heads, content, strict=True))
    out: list[RowLevels] = []
    place = label_places(rows, cols)
    if (
        not merged
        and is_centred(pairs, cfg)
        and not (place is not None and _top_aligned(rows, cols))
    ):
        if "level12" in cols and not {"level1", "level2"} & set(cols):
            labels = [i for i, h in enumerate(heads) if _has_l1(h) or h.l2 is not None]
            if labels and labels[0] == 0 and off_middle(len(heads), labels) > 0:
                return _top_down(rows, heads, cols, merged, cfg)
            held = assign_one_column(pairs)
        else:
            held = assign(pairs, cfg, place)
        for k, h in enumerate(heads):
            state = TreeState()
            flags, notes = update_tree(state, held[k], cfg)
            out.append((state.l1, state.l2, flags, notes if (h.used or _has_l1(h)) else []))
        return out
    return _top_down(rows, heads, cols, merged, cfg)


FILLED_SHARE = 0.9  # rows writing their level-1 before a grid counts as filling merges
MIN_FILLED_ROWS = 3


def _filled_style(rows: list[GridRow], cols: dict[str, int]) -> bool:
    """True when the grid writes its level-1 on (nearly) every row that holds a name, as
    text that fills merged cells does: there an empty level cell is truly empty."""
    c1, c2 = cols.get("level1"), cols.get("level2")
    if c1 is None or c2 is None:
        return False
    named = [g for g in rows if any(c is not None and c.text.strip() for c in g.cells[c2 + 1 :])]
    if len(named) < MIN_FILLED_ROWS:
        return False
    if sum(1 for g in named if g.text(c1)) < FILLED_SHARE * len(named):
        return False
    # but a level-2 column that writes a label atop each of its blocks, two or more under
    # one level-1 (数量指标 … 质量指标 … under 产出指标), writes each once and means it
    # for the rows below (it fills no merge)
    labels: dict[str, int] = {}
    for g in rows:
        if g.text(c2):
            labels[g.text(c1)] = labels.get(g.text(c1), 0) + 1
    return not any(n >= 2 for n in labels.values())


def _top_down(
    rows: list[GridRow],
    heads: list[Headings],
    cols: dict[str, int],
    merged: bool,
    cfg: Config,
) -> list[RowLevels]:
    out: list[RowLevels] = []
    state = TreeState()
    prev_page = rows[0].page if rows else None
    merging = {
        j for g in rows for j, c in enumerate(g.cells) if c is not None and c.covered == "up"
    }
    filled = _filled_style(rows, cols)
    for k, (g, h) in enumerate(zip(rows, heads, strict=True)):
        c2 = cols.get("level2")
        covered = c2 is not None and g.cells[c2] is not None and g.cells[c2].covered == "up"
        if (
            filled
            and not covered
            and h.l2 is None
            and (h.l1 is not None or h.l1_unknown is not None)
        ):
            # the grid writes its level-1 on every row: a merged cell there is filled,
            # so an empty level-2 beside it is empty, not the one above carried down
            state.l2 = None
        # a merged cell cut by a page break leaves an empty cell atop the next page
        continued, prev_page = g.page != prev_page, g.page
        if merged and not continued:
            no_l1 = h.l1 is None and h.l1_unknown is None
            if no_l1 and _explicitly_empty(g, cols.get("level1"), merging):
                state.l1 = None
            if h.l2 is None and _explicitly_empty(g, cols.get("level2"), merging):
                # or one whose text was printed in its part on the next page
                nxt = rows[k + 1] if k + 1 < len(rows) else None
                h.l2 = _label_after_break(g, nxt, cols, h, state, cfg)
                if h.l2 is None:
                    state.l2 = None
        flags, notes = update_tree(state, h, cfg)
        if state.l1 is None and state.l2 is not None and state.l2.canonical:
            parent = cfg.parent_of(state.l2.canonical)
            if parent:
                state.l1 = Level(parent, None, None)
                flags.append("level1_from_tree")
        out.append((state.l1, state.l2, flags, notes))
    return out
