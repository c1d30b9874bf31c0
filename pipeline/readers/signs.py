"""Comparison signs read from the page image: how many bars sit under the chevron.

In:  a gray page image (``uint8``, ink dark on light paper) and the rectangle of an OCR
     text box whose text starts with a comparison sign (``>``, ``≥``, ``≧``, ``<`` …).
Out: the bar count of the box's first glyph, as ``SignShape`` (``PLAIN`` = chevron only
     ``>``/``<``, ``ONE_BAR`` = ``≥``/``≤`` with a level or slanted bar, ``TWO_BARS`` =
     ``≧``/``≦``), or ``None`` when the image does not say clearly; ``sign_from_image``
     turns that into the sign to print, keeping the direction the recogniser read.

Why: the recogniser tells the chevron's direction reliably but not what lies under it.
It reads a slanted ``⩾``-style ``≥`` (serif CJK fonts) as a confident ``>`` once the bar
has blurred into the lower arm, and ``≧`` (two level bars) as ``≥``.  Both are plain to
see in the pixels:

* the first glyph is the run of ink columns at the box's left edge up to the first
  blank column (specks and ruling lines that leak into the box are dropped first);
* a level bar is a row whose longest ink run spans most of the glyph's width (and
  clearly more than any row of the upper arm), below the upper arm; two groups of such
  rows, with columns that cross four strokes, are ``≧``, one group is ``≥``;
* with no level bar, a slanted bar shows as a third stroke crossed by the middle
  columns, or, blurred into the lower arm, as clearly more ink under the middle row than
  over it; a chevron alone is mirror-symmetric about its middle row.

Blur and small print merge or lose bars; they do not make them.  So a reading of more
bars than the recogniser's is trusted, one of fewer is only a hint (the OCR reader uses
it to keep a low-confidence ``>`` as it is, never to drop a bar it read).
"""

from __future__ import annotations

from enum import Enum

import numpy as np

GE_CHARS = {">": 0, "＞": 0, "≥": 1, "⩾": 1, "≧": 2}
LE_CHARS = {"<": 0, "＜": 0, "≤": 1, "⩽": 1, "≦": 2}
_GE_OUT = {0: ">", 1: "≥", 2: "≧"}
_LE_OUT = {0: "<", 1: "≤", 2: "≦"}

MIN_CONTRAST = 60  # paper minus ink (gray levels) below which the crop says nothing
BAR_SPAN = 0.8  # a level bar's ink run covers this share of the glyph's width
ASYM_BAR = 0.15  # (ink under the middle − over it) / all ink: a slanted bar
ASYM_PLAIN = 0.07  # below this the chevron is alone


class SignShape(Enum):
    PLAIN = 0
    ONE_BAR = 1
    TWO_BARS = 2


def _runs(on: np.ndarray) -> list[tuple[int, int]]:
    """(start, end exclusive) of the runs of True in a 1-D array."""
    if not on.any():
        return []
    d = np.diff(np.r_[0, on.astype(np.int8), 0])
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _clean(ink: np.ndarray, h: float) -> np.ndarray:
    """Ink mask without specks (tiny components) and ruling lines that touch the crop's
    top or bottom edge (a cell border the text box reached)."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    min_area = max(3.0, 0.005 * h * h)
    rows, cols = ink.shape
    for k in range(1, n):
        x, y, w, hh, area = stats[k]
        if area < min_area:
            continue
        touches = y == 0 or y + hh >= rows
        if touches and hh <= 0.25 * h and w >= 0.9 * cols:
            continue  # a horizontal rule
        if (x == 0 or x + w >= cols) and w <= 0.25 * h and hh >= 0.9 * rows:
            continue  # a vertical rule
        keep[k] = True
    return keep[labels]


def first_glyph(gray: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray | None:
    """Ink mask (rows × columns, cropped to its ink) of the leftmost glyph in the box,
    or ``None`` when the crop has too little contrast or no separable first glyph."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, gray.shape[1]), min(y1, gray.shape[0])
    h = y1 - y0
    if h < 8 or x1 - x0 < 4:
        return None
    crop = gray[y0:y1, x0:x1].astype(np.int16)
    paper = float(np.percentile(crop, 75))
    ink_level = float(np.percentile(crop, 1))
    if paper - ink_level < MIN_CONTRAST:
        return None
    ink = _clean(crop < (paper + ink_level) / 2, h)
    cols = _runs(ink.any(axis=0))
    if not cols:
        return None
    c0, c1 = cols[0]
    if c1 - c0 > 1.0 * h or c1 - c0 < 3:
        return None  # touches the next glyph, or a speck
    g = ink[:, c0:c1]
    rows = np.flatnonzero(g.any(axis=1))
    if rows[-1] - rows[0] + 1 < 0.2 * h:
        return None
    return g[rows[0] : rows[-1] + 1]


def sign_shape(gray: np.ndarray, box: tuple[float, float, float, float]) -> SignShape | None:
    """How many bars the box's first glyph (a chevron) has; ``None`` when unclear."""
    g = first_glyph(gray, box)
    if g is None:
        return None
    gh, gw = g.shape
    if gw < 4 or gh < 5:
        return None
    # level bars: rows in the lower part whose longest run spans most of the width (and
    # clearly more than any row of the upper arm: a blurred chevron has long rows too)
    longest = np.array([max((b - a for a, b in _runs(r)), default=0) for r in g])
    upper = int(0.4 * gh)
    need = max(BAR_SPAN * gw, 1.5 * float(longest[: max(upper, 1)].max()))
    bar_rows = (longest >= need) & (np.arange(gh) >= upper)
    bars = len(_runs(bar_rows))
    # strokes the columns of the middle cross: 2 for a chevron, one more per bar
    mid_cols = g[:, int(0.25 * gw) : max(int(0.75 * gw), int(0.25 * gw) + 1)]
    crossed = [len(_runs(c)) for c in mid_cols.T]
    strokes = float(np.median(crossed))
    if bars >= 3:
        return None
    if bars == 2:  # two level bars, and columns that cross both under the chevron
        return SignShape.TWO_BARS if sum(n >= 4 for n in crossed) >= 2 else None
    if bars == 1:
        return SignShape.ONE_BAR
    # no level bar: a slanted one shows as a third stroke in the columns of the middle
    # (upper arm, lower arm, bar) or, blurred into the lower arm, as ink under the middle
    mass = g.sum(axis=1).astype(np.float64)
    ys = np.arange(gh) + 0.5
    asym = (mass[ys > gh / 2].sum() - mass[ys < gh / 2].sum()) / mass.sum()
    if strokes >= 3 or asym >= ASYM_BAR:
        return SignShape.ONE_BAR
    if strokes == 2 and abs(asym) <= ASYM_PLAIN:
        return SignShape.PLAIN
    return None


def sign_bars(sign: str) -> int:
    """Bars under the chevron of a comparison sign (``>`` 0, ``≥`` 1, ``≧`` 2; −1 for
    anything else)."""
    return GE_CHARS.get(sign, LE_CHARS.get(sign, -1))


def sign_from_image(
    gray: np.ndarray, box: tuple[float, float, float, float], read: str
) -> str | None:
    """The comparison sign the image shows at the left of ``box``, in the direction the
    recogniser read (``read`` is its first character; it is returned as is when the
    image agrees, so ``＞`` stays full-width); ``None`` when ``read`` is not a comparison
    sign or the image is unclear."""
    if read in GE_CHARS:
        table, bars = _GE_OUT, GE_CHARS[read]
    elif read in LE_CHARS:
        table, bars = _LE_OUT, LE_CHARS[read]
    else:
        return None
    if gray.ndim == 3:
        gray = gray.min(axis=2)
    shape = sign_shape(gray, box)
    if shape is None:
        return None
    return read if shape.value == bars else table[shape.value]
