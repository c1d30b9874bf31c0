"""Centred labels: merged level cells whose text sits on the middle row of their span.

In:  the grid's rows as ``(Headings, has_content)`` in order.  Out: for each row, the
level-1 and level-2 headings that hold for it.

Text copied from a rendered table (web pages, PDF text, converters) puts a merged cell's
text on the row at the vertical middle of the rows it spans, not on the first: the rows
above the label belong to it too.  Such a grid is recognised by rows that carry content
before any level-1 label.  Each level is then cut into blocks, one per label, so that
every label sits at the middle of its block (the upper middle for an even count of rows,
``(n - 1) // 2``): ``blocks`` finds the cut with the least deviation from that and,
where several cuts fit, the most even one.  Level-2 blocks are cut inside their
level-1 block.  Where the rows' places on the page are known (PDF), the middle is
measured there: a block of rows of different heights has its middle elsewhere than at
its middle row.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ..config import Config
from .headings import Headings


def _l1(h: Headings) -> bool:
    return h.l1 is not None or h.l1_unknown is not None


def is_centred(rows: list[tuple[Headings, bool]], cfg: Config) -> bool:
    """True when a row with content comes before the first level-1 label and belongs to
    it: every level-2 above that label is one of its children.  (A grid that leaves out
    its first level-1, 数量指标 … 成本指标 then 效益指标, is read top-down.)  Also true
    when a level-2 between two level-1 labels belongs to the later one."""
    first = next((i for i, (h, _) in enumerate(rows) if _l1(h)), None)
    if first is None:
        # no level-1 label (a grid that leaves its level-1 out): the level-2 labels tell
        # the same way, a row with content before the first of them
        first2 = next((i for i, (h, _) in enumerate(rows) if h.l2 is not None), None)
        return first2 is not None and any(c for _, c in rows[:first2])
    if any(c for _, c in rows[:first]):
        label = rows[first][0].l1
        for h, _ in rows[:first]:
            if h.l2 is not None and label is not None:
                parent = cfg.parent_of(h.l2.canonical)
                if parent and parent != label.canonical:
                    return False
        return True
    # or a level-2 written between two level-1 labels is a child of the later one, not of
    # the one above it (成本指标 … 数量指标 … 产出指标): the later label sits below it
    l1_rows = [i for i, (h, _) in enumerate(rows) if h.l1 is not None]
    for a, b in zip(l1_rows, l1_rows[1:], strict=False):
        above, below = rows[a][0].l1, rows[b][0].l1
        for h, _ in rows[a + 1 : b]:
            parent = cfg.parent_of(h.l2.canonical) if h.l2 is not None else None
            if parent and above and below and parent == below.canonical != above.canonical:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Place:
    """Where rows and labels sit on the page: each row's ``(top, bottom)`` and each
    label's vertical middle (None where the row has no such label)."""

    spans: tuple[tuple[float, float], ...]
    y: tuple[float | None, ...]

    def pitch(self) -> float:
        steps = [b[0] - a[0] for a, b in zip(self.spans, self.spans[1:], strict=False)]
        steps = [s for s in steps if s > 0]
        return statistics.median(steps) if steps else 1.0

    def sub(self, b: int, e: int, y: list[float | None]) -> Place:
        return Place(self.spans[b:e], tuple(y[b:e]))


def blocks(
    n: int,
    labels: list[int],
    misfit: Callable[[int, int, int], float] | None = None,
    tail: float | None = None,
    place: Place | None = None,
) -> list[tuple[int, int]]:
    """Cut rows ``0..n-1`` into ``len(labels)`` consecutive blocks ``[start, end)``, block
    ``j`` holding row ``labels[j]``, each label as near the middle of its block as can be.
    ``misfit(j, start, end)`` adds the cost of rows that do not belong under label ``j``.
    With ``tail`` the last block may stop short of ``n``: the rows after it belong to no
    label (a level-1 whose last rows have no level-2), at ``tail`` per row.
    With ``place`` (rows laid out on a page) the middle is measured on the page: the
    label's distance from the middle of its block's rows, in row pitches (rows of
    different heights put the middle of a block elsewhere than its middle row).
    """
    k = len(labels)
    if k == 0:
        return []
    unit = place.pitch() if place is not None else 1.0

    def cost(b: int, e: int, p: int) -> tuple[float, int]:
        # (distance of the label from the middle + misfits, size²): the middle decides;
        # where several cuts put every label at its middle, the most even one is taken
        extra = misfit(labels.index(p), b, e) if misfit else 0.0
        y = place.y[p] if place is not None else None
        if place is not None and y is not None:
            mid_y = (place.spans[b][0] + place.spans[e - 1][1]) / 2
            return round(abs(y - mid_y) / unit, 1) + extra, (e - b) ** 2
        mid = b + (e - b - 1) // 2
        return abs(p - mid) + extra, (e - b) ** 2

    @cache
    def best(j: int, b: int) -> tuple[tuple[float, int], tuple[int, ...]]:
        # block j starts at b; returns (cost, ends of blocks j..k-1)
        p = labels[j]
        if j == k - 1:
            if tail is None:
                return cost(b, n, p), (n,)
            ends = [(cost(b, e, p), e) for e in range(p + 1, n + 1)]
            (c1, c2), e = min(((c1 + (n - e) * tail, c2), e) for (c1, c2), e in ends)
            return (c1, c2), (e,)
        out: tuple[tuple[float, int], tuple[int, ...]] = ((float("inf"), 0), ())
        for e in range(p + 1, labels[j + 1] + 1):
            (c1, c2), rest = best(j + 1, e)
            d1, d2 = cost(b, e, p)
            c = (c1 + d1, c2 + d2)
            if c < out[0]:
                out = (c, (e, *rest))
        return out

    ends = best(0, 0)[1]
    starts = [0, *ends[:-1]]
    return list(zip(starts, ends, strict=True))


def cut_cost(
    n: int, labels: list[int], tail: float | None = None, place: Place | None = None
) -> float:
    """How far the labels sit from the middles of their blocks in the best cut of rows
    ``0..n-1`` (with ``tail``: rows after the last block cost that much each)."""
    if not labels:
        return (tail or 0.0) * n
    total = 0.0
    for (b, e), p in zip(blocks(n, labels, tail=tail, place=place), labels, strict=True):
        if place is not None and place.y[p] is not None:
            mid_y = (place.spans[b][0] + place.spans[e - 1][1]) / 2
            total += round(abs(place.y[p] - mid_y) / place.pitch(), 1)
        else:
            total += abs(p - (b + (e - b - 1) // 2))
    if tail is not None:
        last_end = blocks(n, labels, tail=tail, place=place)[-1][1]
        total += (n - last_end) * tail
    return total


def off_middle(n: int, labels: list[int]) -> int:
    """How many rows the labels sit off the middles of their blocks in the best cut of
    rows ``0..n-1`` (0: every label can be at its block's middle)."""
    total = 0
    for (b, e), p in zip(blocks(n, labels), labels, strict=True):
        total += abs(p - (b + (e - b - 1) // 2))
    return total


NO_LEVEL2 = 0.3  # cost of a row left without a level-2 (a label off its middle costs 1)


def assign(
    rows: list[tuple[Headings, bool]],
    cfg: Config,
    place: tuple[Place, Place] | None = None,
) -> list[Headings]:
    """The headings that hold for each row of a grid with centred labels; ``place``
    (level-1 and level-2 label positions, rows laid out on a page) measures the middles
    on the page."""
    n = len(rows)
    out = [Headings() for _ in range(n)]
    l1_rows = [i for i, (h, _) in enumerate(rows) if _l1(h)]
    if place is None and at_bottom(rows):
        return _assign_bottom(rows)

    def misfit(j: int, b: int, e: int) -> float:
        # a level-2 label under a level-1 that is not its parent (the tree decides cuts
        # that the middles alone leave open), and how well the level-2 labels inside the
        # block sit at their own middles
        label = rows[l1_rows[j]][0].l1
        inner = [i - b for i in range(b, e) if rows[i][0].l2 is not None]
        fit2 = cut_cost(e - b, inner, tail=NO_LEVEL2) if inner else 0.0
        if label is None:
            return fit2
        bad = 0
        for h, _ in rows[b:e]:
            if h.l2 is not None:
                parent = cfg.parent_of(h.l2.canonical)
                bad += bool(parent and parent != label.canonical)
        return float(bad) + fit2

    p1 = place[0] if place else None
    for b1, e1 in blocks(n, l1_rows, misfit, place=p1) if l1_rows else [(0, n)]:
        label = next((rows[i][0] for i in l1_rows if b1 <= i < e1), None)
        l2_rows = [i for i in range(b1, e1) if rows[i][0].l2 is not None]
        p2 = place[1].sub(b1, e1, list(place[1].y)) if place else None
        cuts = [
            (b1 + b, b1 + e)
            for b, e in blocks(e1 - b1, [i - b1 for i in l2_rows], tail=NO_LEVEL2, place=p2)
        ]
        for i in range(b1, e1):
            h = out[i]
            if label is not None:
                h.l1, h.l1_unknown = label.l1, label.l1_unknown
            for (b2, e2), p in zip(cuts, l2_rows, strict=True):
                if b2 <= i < e2:
                    h.l2 = rows[p][0].l2
    return out


def at_bottom(rows: list[tuple[Headings, bool]]) -> bool:
    """True when the labels sit on the last row of their blocks, not at their middles
    (text that writes a merged cell's label after its rows): rows with content come
    before the first label of each level, none comes after the last one, and the labels
    of neither level can all sit at the middles of blocks."""
    n = len(rows)
    l1 = [i for i, (h, _) in enumerate(rows) if _l1(h)]
    l2 = [i for i, (h, _) in enumerate(rows) if h.l2 is not None]
    content = [i for i, (_, c) in enumerate(rows) if c]
    if not l1 or not content or len(l1) + len(l2) < MIN_BOTTOM_LABELS:
        return False
    for labels in (l1, l2):
        if labels and (content[0] >= labels[0] or content[-1] > labels[-1]):
            return False
    return off_middle(n, l1) > 0 and (not l2 or off_middle(n, l2) > 0)


MIN_BOTTOM_LABELS = 3  # labels before a grid's convention of placing them shows


def _assign_bottom(rows: list[tuple[Headings, bool]]) -> list[Headings]:
    """Each row under the next label of each level at or below it."""
    out = [Headings() for _ in rows]
    nxt1: Headings | None = None
    nxt2: Headings | None = None
    for i in range(len(rows) - 1, -1, -1):
        h = rows[i][0]
        if _l1(h):
            nxt1, nxt2 = h, None  # a level-1 block ends here: its level-2s are below none
        if h.l2 is not None:
            nxt2 = h
        if nxt1 is not None:
            out[i].l1, out[i].l1_unknown = nxt1.l1, nxt1.l1_unknown
        if nxt2 is not None:
            out[i].l2 = nxt2.l2
    return out


def assign_one_column(rows: list[tuple[Headings, bool]]) -> list[Headings]:
    """The headings for each row of a grid whose one heading column (指标类型) holds
    level-1 and level-2 cells alike, centred: each label is a merged cell of its own, so
    the rows are cut into one block per label, whatever its level.  A row in a level-2
    block has that level-2 (its level-1 follows from the tree); a row in a level-1 block
    has that level-1 and no level-2."""
    labels = [i for i, (h, _) in enumerate(rows) if _l1(h) or h.l2 is not None]
    out = [Headings() for _ in rows]
    for (b, e), p in zip(blocks(len(rows), labels), labels, strict=True):
        label = rows[p][0]
        for i in range(b, e):
            out[i].l1, out[i].l1_unknown, out[i].l2 = label.l1, label.l1_unknown, label.l2
    return out
