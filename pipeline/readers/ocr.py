"""OCR reader: scanned pages (images, image-only PDF pages) → rows of cells.

In:  an image file (PNG/JPEG/TIFF/BMP/WebP; a multi-page TIFF is several pages) as bytes,
     or a page image as a numpy array (BGR or gray), or chosen pages of a PDF that have
     no text layer (rendered here with pypdfium2 at ``OCR_DPI``).
Out: ``model.SourceDoc`` (``form="ocr"``) / a list of ``model.Row`` in reading order,
     the same shape every other reader produces.  ``ocr_missing_pages`` completes the
     text-layer PDF reader's ``SourceDoc`` with OCR of the pages it could not read.

* each table row is one ``Row`` (``table_id`` = one int per physical table), cells in
  column order, ``""`` for empty cells and for cells covered by a merged cell (the
  merged cell's text sits once in its top-left cell);
* text outside tables (titles, ``（2024年度）``, ``编制单位（盖章）：…``) comes out as
  single-cell rows with ``table_id=None``;
* ``Row.page`` is 1-based, ``Row.line`` a running 1-based counter across the document;
* pages are read one at a time against the document's time budget (``readers.budget``,
  set by the executor): when the next page would not fit, reading stops and the pages
  read are kept, with an ``ocr_pages_missing`` error finding naming the pages not read;
* ``Cell.bbox`` = (x0, top, x1, bottom) in pixels of the (deskewed, upright) page image, or in
  PDF points for PDF pages; ``Cell.conf`` = mean OCR confidence of the cell's text boxes
  (``None`` for empty cells).  Cells below ``LOW_CONF`` are left for the interpreter to
  flag.

How a page is read:

1. red stamps are suppressed (HSV mask) so they neither break lines nor add text;
2. a small rotation (≤ ``MAX_SKEW_DEG``) is measured from the projection profile of the
   ink (ruling lines and text lines both make it sharp) and undone;
3. ruling lines are found with OpenCV morphology; where a grid is drawn, the cell
   lattice comes from the line positions, and merged cells from line segments missing
   between adjacent lattice cells;
4. OCR runs once per page (rapidocr with its bundled models, no download) and each text
   box goes to the cell holding its centre (a box spanning a drawn line is split);
   a page turned by 90°/180°/270° is recognised from that pass (sideways text lines come
   out as tall boxes; the wheel's direction classifier, on a sample of the longest lines,
   tells upright from upside down), turned upright and read again (``page_turn``);
5. where only horizontal rules are drawn (rules between rows, three-line tables), the
   rules separate rows and text of a merged cell moves up to its first row (the rule
   above it is interrupted there);
6. where no rule is drawn, rows come from the vertical layout of the text boxes
   (wrapped lines of one row are close together); in both cases columns come from the
   blank gaps between the pieces of the fullest lines (or, failing that, from left
   edges that many lines share), and a box read across a column gap is split there;
7. a comparison sign starting a box gets the bars the page image shows under its
   chevron (``signs``: ``≧`` read as ``≥``, a slanted ``⩾`` read as ``>``);
8. common OCR confusions are repaired by ``repair_ocr_text`` (``二95%`` → ``≥95%`` …).

Limits: tables with no rules at all whose merged cells are vertically centred and whose
rows are packed tightly cannot be split into rows reliably (use a ruled scan where one
exists); pages rotated by more than ``MAX_SKEW_DEG`` away from a quarter turn (e.g. 10°)
are not straightened.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..common import doc_id_of
from ..model import OCR_LOW_CONF, Cell, Finding, ReadError, Row, SourceDoc
from .budget import budget, page_fits
from .pdf import PDF_NO_TEXT_CODES
from .signs import GE_CHARS, LE_CHARS, sign_bars, sign_from_image

# threads for OCR: all cores (up to 4) in one process; a share of them in a worker pool
_THREADS = int(os.environ.get("JIXIAO_OCR_THREADS") or 0) or max(1, min(os.cpu_count() or 1, 4))
os.environ.setdefault("OMP_NUM_THREADS", str(_THREADS))

import cv2  # noqa: E402  (after OMP_NUM_THREADS)

LOW_CONF = OCR_LOW_CONF  # cells whose mean OCR confidence is below this are worth a look
OCR_DPI = 200  # resolution PDF pages are rendered at
MAX_SKEW_DEG = 3.0  # rotations up to this are measured and undone
MIN_TEXT_SCORE = 0.4  # boxes rapidocr scores below this are dropped as noise
MAX_SIDE = 3400  # larger page images are scaled down to this (A4 at ~290 dpi)
MIN_WIDTH = 1100  # narrower page images are scaled up (to about A4 at 200 dpi)

_engine_lock = threading.Lock()
_engine: Any = None


def ocr_engine() -> Any:
    """The process-wide rapidocr engine (loaded on first use, ~0.6 s).

    Only the models shipped inside the rapidocr wheel are used; nothing is downloaded.
    The engine's per-line direction classifier is off (it would turn lines one by one,
    not the page); ``page_turn`` uses the same model once per page instead.
    """
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                from rapidocr import RapidOCR

                cv2.setNumThreads(_THREADS)
                _engine = RapidOCR(
                    params={
                        "Global.log_level": "warning",
                        "Global.use_cls": False,
                        "Global.text_score": MIN_TEXT_SCORE,
                        "EngineConfig.onnxruntime.intra_op_num_threads": _THREADS,
                        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                    }
                )
    return _engine


# ---------------------------------------------------------------------------------------
# OCR text repair


_GE_GARBLE = re.compile(r"^\s*(?:>=|=>|＞=|＞＝|》=|》|二|≥)\s*(?=[\d每])")
_LE_GARBLE = re.compile(r"^\s*(?:<=|=<|＜=|＜＝|《=|≤)\s*(?=[\d每])")
_SIGN_SPACE = re.compile(r"^\s*([≧≦])\s*(?=[\d每])")  # real signs, as printed
_SIGN_SPECK = re.compile(r"^\s*([≥≤≧≦])\s*[.。·,，]\s*(?=[1-9])")  # ``≥.95%``: a speck read
_LE_BOOK = re.compile(r"^\s*《\s*(?=\d[\d.]*\s*(?:%|[^\d》]*$))")
_O_IN_NUM = re.compile(r"(?<=\d)[Oo](?=[\d%.]|$|[^\x00-\x7f])|(?<![A-Za-z])[Oo](?=\.\d)")
_L_IN_NUM = re.compile(r"(?<=\d)[lI|](?=\d)")
_HAN = "\u4e00-\u9fff"
_HAN_O = re.compile(rf"(?<=[{_HAN}，、；])[oO](?=$|[{_HAN}])")


_BOOK = re.compile(rf"([(<（〈《])([{_HAN}0-9A-Za-z·、]{{2,40}}?)([>)）〉》])")
_DOCNO = re.compile(r"([（(〔［\[])(\d{4})([〕\]］)）])(?=\d{1,4}号)")
_ROUND_OPEN, _ROUND_CLOSE = "(（", ")）"
_ANGLE_PAIRS = {"<": ">", "〈": "〉", "《": "》"}


def _fix_book(m: re.Match[str]) -> str:
    """``(…>``, ``<…)``, ``《…)``, ``<…》`` are a misread ``《…》``; ``(…)``, ``（…)``,
    ``<…>``, ``《…》`` are left alone."""
    a, body, b = m.group(1), m.group(2), m.group(3)
    if a in _ROUND_OPEN and b in _ROUND_CLOSE:
        return m.group(0)
    if _ANGLE_PAIRS.get(a) == b:
        return m.group(0)
    return f"《{body}》"


def _fix_docno(m: re.Match[str]) -> str:
    """The year of a document number (``国办发〔2018〕22号``) in mismatched brackets."""
    a, year, b = m.group(1), m.group(2), m.group(3)
    if (a in _ROUND_OPEN and b in _ROUND_CLOSE) or (a, b) in (
        ("〔", "〕"),
        ("[", "]"),
        ("［", "］"),
    ):
        return m.group(0)
    return f"〔{year}〕"


def repair_ocr_text(text: str, value: bool = False) -> str:
    """Repair OCR confusions that are safe to repair in this domain.

    Everywhere: full-width ``％`` → ``%``; ``O``/``o`` inside numbers → ``0`` (``1O0%``);
    ``l``/``I`` between digits → ``1``; a lone ``o`` after Chinese text → ``。``;
    mismatched bracket halves around a title (``(六盘水市人民政府公报>``) → ``《…》`` and
    around the year of a document number (``国办发（2018〕22号``) → ``〔2018〕``.
    In value cells (``value=True``, the 指标值 column or a short value-like cell): a
    garbled comparison sign before a number becomes ``≥``/``≤`` (``二95%``, ``>=95%``,
    ``》90%`` → ``≥…``; ``<=5``, ``《5天`` → ``≤…``); ``≧``/``≦`` are real signs and stay as
    printed (only the blank after them goes); a speck read between a sign and its number
    goes (``≥.95%`` → ``≥95%``).
    """
    s = text.replace("％", "%")
    s = _O_IN_NUM.sub("0", s)
    s = _L_IN_NUM.sub("1", s)
    s = _HAN_O.sub("。", s)
    if "(" in s or "<" in s or "（" in s or "〈" in s or "《" in s:
        s = _BOOK.sub(_fix_book, s)
    if "号" in s:
        s = _DOCNO.sub(_fix_docno, s)
    if value:
        s = _SIGN_SPECK.sub(r"\1", s.strip(), count=1)
        if _GE_GARBLE.match(s):
            s = _GE_GARBLE.sub("≥", s, count=1)
        elif _LE_GARBLE.match(s):
            s = _LE_GARBLE.sub("≤", s, count=1)
        elif _LE_BOOK.match(s):
            s = _LE_BOOK.sub("≤", s, count=1)
        elif _SIGN_SPACE.match(s):
            s = _SIGN_SPACE.sub(r"\1", s, count=1)
    return s


_VALUE_LIKE = re.compile(
    r"^\s*(?:>=|=>|＞=|＞＝|》=|》|≧|二|<=|=<|＜=|＜＝|≦|[≥≤](?=\s*[.。·,，]\s*[1-9]))"
    r"\s*(?:[.。·,，]\s*)?(?:每.{1,3})?\d"
)
# the header of a value column, once brackets, slashes and blanks are gone
# (``年度(/项目)指标值`` → ``年度项目指标值``)
_VALUE_HEADER = re.compile(r"^(?:年度|项目|全年)*(?:指标值|目标值|完成值|实际完成值|指标值及单位)")
_HEADER_NOISE = re.compile(r"[\s()（）/／]")


def looks_like_value(text: str) -> bool:
    """A short cell that starts with a (possibly garbled) comparison sign and a number."""
    return len(text) <= 16 and bool(_VALUE_LIKE.match(text))


# ---------------------------------------------------------------------------------------
# image preparation


def suppress_red(img: np.ndarray) -> np.ndarray:
    """Gray image with red (stamp) ink removed.

    Red pixels that are light (stamp ink on paper) become white; darker red pixels
    (stamp over text, anti-aliased text edges) keep their red-channel value, so text
    under a stamp survives.  A gray input is returned as is.
    """
    if img.ndim == 2:
        return img
    if img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = ((h <= 12) | (h >= 160)) & (s >= 60) & (v >= 90)
    if not red.any():
        return gray
    red_u8 = cv2.dilate(red.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    r = img[..., 2]
    out = gray.copy()
    light = red_u8 & (r >= 140)
    out[light] = 255
    dark = red_u8 & (r < 140)
    out[dark] = r[dark]
    return out


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink = 255, paper = 0 (adaptive threshold, robust to uneven paper tone)."""
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 18
    )


def _profile_score(ys: np.ndarray, xs: np.ndarray, angle: float, n_bins: int) -> float:
    t = np.tan(np.radians(angle))
    proj = np.round(ys + xs * t).astype(np.int64)
    proj = proj[(proj >= 0) & (proj < n_bins)]
    hist = np.bincount(proj, minlength=n_bins).astype(np.float64)
    return float(np.sum(np.diff(hist) ** 2))


def estimate_skew(binary: np.ndarray, max_angle: float = MAX_SKEW_DEG) -> float:
    """Rotation of the page content in degrees, counter-clockwise positive (the sense
    of ``PIL.Image.rotate`` and ``cv2.getRotationMatrix2D``); ``deskew(img, angle)``
    undoes it.  Measured from the projection profile of the ink, coarse then fine.
    """
    h, w = binary.shape[:2]
    f = min(1.0, 1000 / max(w, 1))
    small = (
        cv2.resize(binary, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
        if f < 1
        else binary
    )
    ys, xs = np.nonzero(small > 127)
    if ys.size < 50:
        return 0.0
    if ys.size > 400_000:
        step = ys.size // 400_000 + 1
        ys, xs = ys[::step], xs[::step]
    n = small.shape[0] + int(small.shape[1] * np.tan(np.radians(max_angle))) + 2
    off = int(small.shape[1] * np.tan(np.radians(max_angle))) + 1
    ysf, xsf = ys.astype(np.float64) + off, xs.astype(np.float64)
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.1)
    scores = [_profile_score(ysf, xsf, a, n) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.1, best + 0.1 + 1e-9, 0.01)
    scores = [_profile_score(ysf, xsf, a, n) for a in fine]
    best = float(fine[int(np.argmax(scores))])
    # y' = y + x·tan(a) levels lines that fall to the right by a, i.e. content rotated
    # counter-clockwise by a
    return round(best, 2)


def deskew(img: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``-angle`` degrees about the centre (same size, white fill)."""
    if abs(angle) < 0.02:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    fill = 255 if img.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(
        img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill
    )


# ---------------------------------------------------------------------------------------
# ruling lines → lattice


@dataclass
class Grid:
    """A ruled table: line positions, and which lattice edges are drawn.

    ``ys``: row lines (top to bottom), ``xs``: column lines (left to right);
    ``v_present[i, j]``: a vertical line at ``xs[j]`` across row band ``i``;
    ``h_present[i, j]``: a horizontal line at ``ys[i]`` across column band ``j``.
    """

    ys: list[float]
    xs: list[float]
    v_present: np.ndarray
    h_present: np.ndarray
    labels: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.labels = merge_regions(self.h_present, self.v_present)

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        i = min(max(bisect_right(self.ys, y) - 1, 0), self.n_rows - 1)
        j = min(max(bisect_right(self.xs, x) - 1, 0), self.n_cols - 1)
        return i, j

    def region_bbox(self, label: int) -> tuple[float, float, float, float]:
        ii, jj = np.nonzero(self.labels == label)
        return (self.xs[jj.min()], self.ys[ii.min()], self.xs[jj.max() + 1], self.ys[ii.max() + 1])


def merge_regions(h_present: np.ndarray, v_present: np.ndarray) -> np.ndarray:
    """Label each lattice cell with the row-major index of the top-left cell of the
    merged cell it belongs to (adjacent lattice cells with no line between them are one
    cell).  ``labels[i, j] == i * n_cols + j`` for a cell that is its own top-left."""
    n_rows, n_cols = v_present.shape[0], h_present.shape[1]
    parent = list(range(n_rows * n_cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i in range(n_rows):
        for j in range(n_cols):
            k = i * n_cols + j
            if j + 1 < n_cols and not v_present[i, j + 1]:
                union(k, k + 1)
            if i + 1 < n_rows and not h_present[i + 1, j]:
                union(k, k + n_cols)
    labels = np.array([find(k) for k in range(n_rows * n_cols)], dtype=np.int64)
    # the root is the smallest index of the set = its top-left cell in row-major order
    # (for the rectangles tables have)
    return labels.reshape(n_rows, n_cols)


def _longest_run(on: np.ndarray, max_gap: int) -> int:
    """Longest run of True in a 1-D array, bridging gaps of up to ``max_gap``."""
    idx = np.flatnonzero(on)
    if idx.size == 0:
        return 0
    breaks = np.flatnonzero(np.diff(idx) > max_gap + 1)
    starts = np.r_[idx[0], idx[breaks + 1]]
    ends = np.r_[idx[breaks], idx[-1]]
    return int((ends - starts + 1).max())


def _cluster(values: list[float], weights: list[float], tol: float) -> list[float]:
    """1-D clustering: sorted values closer than ``tol`` form one weighted mean."""
    if not values:
        return []
    order = np.argsort(values)
    out: list[float] = []
    cur_v: list[float] = []
    cur_w: list[float] = []
    for k in order:
        v, wt = values[k], weights[k]
        if cur_v and v - cur_v[-1] > tol:
            out.append(float(np.average(cur_v, weights=cur_w)))
            cur_v, cur_w = [], []
        cur_v.append(v)
        cur_w.append(wt)
    out.append(float(np.average(cur_v, weights=cur_w)))
    return out


def _components(mask: np.ndarray) -> np.ndarray:
    """Bounding boxes (x, y, w, h) of the connected components of a mask."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return stats[1:, :4] if n > 1 else np.zeros((0, 4), np.int32)


@dataclass
class RowRules:
    """A table drawn with horizontal rules only (row rules, or a three-line table):
    rule positions ``ys`` over the x range ``x0``–``x1``, and ``h_mask`` (the page's
    horizontal-line pixels) to tell where a rule is interrupted by a merged cell."""

    ys: list[float]
    x0: float
    x1: float
    h_mask: np.ndarray = field(repr=False)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.ys[0], self.x1, self.ys[-1])

    def ruled_under(self, i: int, x0: float, x1: float) -> bool:
        """Is rule ``i`` drawn across most of the x range [x0, x1]?"""
        yi = int(round(self.ys[i]))
        a, b = int(max(x0, self.x0)), int(min(x1, self.x1))
        if b - a < 4:
            return True
        row = self.h_mask[max(yi - 3, 0) : yi + 4, a : b + 1].any(axis=0)
        return float(row.mean()) >= 0.6


def find_grids(binary: np.ndarray) -> list[Grid]:
    """Ruled tables (lattices) on a deskewed binary page (ink = 255), top to bottom."""
    return find_tables(binary)[0]


def find_tables(binary: np.ndarray) -> tuple[list[Grid], list[RowRules]]:
    """Ruled tables on a deskewed binary page (ink = 255): lattices (horizontal and
    vertical lines) and tables with horizontal rules only, each top to bottom."""
    h_img, w_img = binary.shape[:2]
    h_len = max(40, w_img // 35)
    h_mask = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1))
    )
    h_mask = cv2.morphologyEx(
        h_mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1))
    )
    v_len = max(15, h_img // 150)
    v_mask = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len))
    )
    v_mask = cv2.morphologyEx(
        v_mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9))
    )
    h_comps = [c for c in _components(h_mask) if c[2] >= 1.5 * h_len and c[3] <= 20]
    v_comps = [c for c in _components(v_mask) if c[3] >= v_len and c[2] <= 20]
    if len(h_comps) < 2:
        return [], []
    union = cv2.dilate(h_mask | v_mask, np.ones((5, 5), np.uint8))
    grids: list[Grid] = []
    for rx, ry, rw, rh in _components(union):
        if rw < 150 or rh < 40:
            continue
        inside = [
            c
            for c in h_comps
            if rx <= c[0] and c[0] + c[2] <= rx + rw and ry <= c[1] and c[1] + c[3] <= ry + rh
        ]
        if len(inside) < 2:
            continue
        grid = _grid_in_region(binary, h_mask, inside, v_comps, (rx, ry, rw, rh))
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: g.ys[0])
    return grids, _row_rules(h_comps, grids, h_mask, w_img, h_img)


def _row_rules(
    h_comps: list[np.ndarray], grids: list[Grid], h_mask: np.ndarray, w_img: int, h_img: int
) -> list[RowRules]:
    """Stacks of long horizontal rules outside the lattices, with about the same x
    extent: tables ruled between rows only (at least 3 rules)."""

    def in_grid(c: np.ndarray) -> bool:
        cy = c[1] + c[3] / 2
        return any(
            g.xs[0] - 8 <= c[0] + c[2] / 2 <= g.xs[-1] + 8 and g.ys[0] - 8 <= cy <= g.ys[-1] + 8
            for g in grids
        )

    long = sorted(
        (c for c in h_comps if c[2] >= 0.3 * w_img and not in_grid(c)), key=lambda c: c[1]
    )
    # merge pieces of one rule (split by a merged cell) into (y, x0, x1)
    rules: list[list[float]] = []
    for c in long:
        y, x0, x1 = c[1] + c[3] / 2, float(c[0]), float(c[0] + c[2])
        if rules and abs(rules[-1][0] - y) <= 8:
            rules[-1][1] = min(rules[-1][1], x0)
            rules[-1][2] = max(rules[-1][2], x1)
        else:
            rules.append([y, x0, x1])
    out: list[RowRules] = []
    group: list[list[float]] = []

    def close() -> None:
        if len(group) >= 3:
            out.append(
                RowRules(
                    [r[0] for r in group],
                    min(r[1] for r in group),
                    max(r[2] for r in group),
                    h_mask,
                )
            )

    for r in rules:
        if group:
            g = group[-1]
            overlap = min(g[2], r[2]) - max(g[1], r[1])
            if overlap >= 0.8 * min(g[2] - g[1], r[2] - r[1]) and r[0] - g[0] <= 0.3 * h_img:
                group.append(r)
                continue
            close()
        group = [r]
    close()
    return out


def _presence(
    binary: np.ndarray, h_mask: np.ndarray, ys: list[float], xs: list[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Which lattice edges are drawn: a vertical edge needs an (almost) unbroken run of
    ink from row line to row line; a horizontal edge a run of line pixels across the
    column band."""
    v_present = np.zeros((len(ys) - 1, len(xs)), bool)
    h_present = np.zeros((len(ys), len(xs) - 1), bool)
    win = 3
    for i in range(len(ys) - 1):
        y0, y1 = int(round(ys[i])), int(round(ys[i + 1]))
        for j, x in enumerate(xs):
            xi = int(round(x))
            col = binary[y0 : y1 + 1, max(xi - win, 0) : xi + win + 1].any(axis=1)
            v_present[i, j] = _longest_run(col, 3) >= 0.9 * (y1 - y0)
    for i, y in enumerate(ys):
        yi = int(round(y))
        for j in range(len(xs) - 1):
            x0, x1 = int(round(xs[j])), int(round(xs[j + 1]))
            row = h_mask[max(yi - win, 0) : yi + win + 1, x0 : x1 + 1].any(axis=0)
            h_present[i, j] = _longest_run(row, 6) >= 0.85 * (x1 - x0)
    # the outer frame may be undrawn; the lattice is closed anyway
    v_present[:, 0] = v_present[:, -1] = True
    h_present[0, :] = h_present[-1, :] = True
    return v_present, h_present


def _grid_in_region(
    binary: np.ndarray,
    h_mask: np.ndarray,
    h_comps: list[np.ndarray],
    v_comps: list[np.ndarray],
    region: tuple[int, int, int, int],
) -> Grid | None:
    rx, ry, rw, rh = region
    tol = 8.0
    ys = _cluster([c[1] + c[3] / 2 for c in h_comps], [float(c[2]) for c in h_comps], tol)
    if len(ys) < 2:
        return None
    left = float(min(c[0] for c in h_comps))
    right = float(max(c[0] + c[2] for c in h_comps))

    def near_row(y: float) -> bool:
        return min(abs(y - r) for r in ys) <= tol

    vx, vw = [], []
    for x, y, w, h in v_comps:
        cx = x + w / 2
        if not (left - tol <= cx <= right + tol and ry <= y and y + h <= ry + rh):
            continue
        top, bottom = float(y), float(y + h)
        if near_row(top) and near_row(bottom) and bottom - top > tol:
            vx.append(cx)
            vw.append(float(h))
    xs = _cluster(vx, vw, tol)
    if not xs or xs[0] - left > tol:
        xs.insert(0, left)
    if right - xs[-1] > tol:
        xs.append(right)
    if len(xs) < 3:
        return None  # no inner vertical line: not a lattice (handled as borderless)
    v_present, h_present = _presence(binary, h_mask, ys, xs)
    # a candidate line drawn nowhere along the lattice (a stray stroke) is dropped
    keep_x = [0] + [j for j in range(1, len(xs) - 1) if v_present[:, j].any()] + [len(xs) - 1]
    keep_y = [0] + [i for i in range(1, len(ys) - 1) if h_present[i, :].any()] + [len(ys) - 1]
    if len(keep_x) < len(xs) or len(keep_y) < len(ys):
        xs = [xs[j] for j in keep_x]
        ys = [ys[i] for i in keep_y]
        if len(xs) < 3 or len(ys) < 2:
            return None
        v_present, h_present = _presence(binary, h_mask, ys, xs)
    return Grid(ys, xs, v_present, h_present)


# ---------------------------------------------------------------------------------------
# OCR boxes → cells


@dataclass
class TextBox:
    """One OCR text line piece: text, confidence, rectangle, and where known the
    horizontal extent of each character (from rapidocr's word boxes)."""

    text: str
    conf: float
    x0: float
    y0: float
    x1: float
    y1: float
    chars: list[tuple[str, float, float]] | None = None

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0


# a ``>``/``<`` before a number (or alone, in a column of signs) that the recogniser is
# unsure of is the two-stroke sign: it reads ``≥``, and the slanted ``⩾`` it has not
# learnt, as ``>`` with low confidence, while a printed ``>`` is read with high confidence
# (the fallback where the page image does not show the sign clearly, see ``_sign_of``)
SIGN_CONF = 0.8
_UNSURE_SIGN = {">": "≥", "<": "≤", "＞": "≥", "＜": "≤"}
SIGN_CHARS = frozenset(GE_CHARS) | frozenset(LE_CHARS)
_AFTER_SIGN = frozenset("每 .。·,，")  # a sign's number may follow a blank or a speck


def run_ocr(img: np.ndarray) -> list[TextBox]:
    """OCR one page image; boxes as axis-aligned rectangles with character extents
    (a comparison sign read with low confidence is repaired here, see ``SIGN_CONF``)."""
    res = ocr_engine()(img, return_word_box=True)
    if res is None or getattr(res, "txts", None) is None or res.boxes is None:
        return []
    words = getattr(res, "word_results", None)
    if not words or len(words) != len(res.txts):
        words = [None] * len(res.txts)
    out = []
    for quad, txt, score, wr in zip(res.boxes, res.txts, res.scores, words, strict=False):
        q = np.asarray(quad, dtype=np.float64)
        text = str(txt).strip()
        if not text:
            continue
        chars = None
        if wr:
            try:
                chars = [
                    (
                        str(w[0]),
                        float(np.min(np.asarray(w[2])[:, 0])),
                        float(np.max(np.asarray(w[2])[:, 0])),
                    )
                    for w in wr
                    if w[2] is not None
                ]
            except (TypeError, ValueError, IndexError):
                chars = None
            if chars and "".join(c[0] for c in chars).replace(" ", "") != text.replace(" ", ""):
                chars = None
        rect = (
            float(q[:, 0].min()),
            float(q[:, 1].min()),
            float(q[:, 0].max()),
            float(q[:, 1].max()),
        )
        sign = _sign_of(img, rect, text, wr, float(score))
        if sign is not None and sign != text[0]:
            text = sign + text[1:]
            if chars:
                c0 = chars[0]
                chars[0] = (sign + c0[0][1:], c0[1], c0[2])
        box = TextBox(text, float(score), *rect, chars)
        out.extend(_split_wide_gaps(box))
    return out


def _sign_of(
    img: np.ndarray,
    rect: tuple[float, float, float, float],
    text: str,
    wr: Any,
    score: float,
) -> str | None:
    """The comparison sign a box's text should start with, or ``None`` when it does not
    start with one.

    The page image adds the bars the recogniser missed where it shows them clearly
    (``signs.sign_from_image``: ``≧`` read as ``≥``, a slanted ``⩾`` read as a confident
    ``>``); it never takes a bar away (blur and small print lose bars, they do not make
    them), but a chevron it sees alone keeps a ``>``/``<`` read with low confidence as it
    is.  Where the image is unclear, a ``>``/``<`` read with low confidence is taken for
    ``≥``/``≤`` (``SIGN_CONF``)."""
    head, nxt = text[0], text[1:2]
    if head not in SIGN_CHARS or not (nxt == "" or nxt.isdigit() or nxt in _AFTER_SIGN):
        return None
    seen = sign_from_image(img, rect, head)
    if seen is not None:
        return seen if sign_bars(seen) > sign_bars(head) else head
    if head in _UNSURE_SIGN and (nxt == "" or nxt.isdigit() or nxt == "每"):
        first = float(wr[0][1]) if wr and len(wr[0]) > 1 else score
        if first < SIGN_CONF:
            return _UNSURE_SIGN[head]
    return head


def _split_wide_gaps(box: TextBox) -> list[TextBox]:
    """The detector sometimes joins text across a blank of several characters (two
    cells of a table without lines); a gap wider than the text height never occurs inside
    one cell's line, so split there."""
    if not box.chars or len(box.chars) < 2:
        return [box]
    cuts = [
        (a[2] + b[1]) / 2
        for a, b in zip(box.chars, box.chars[1:], strict=False)
        if b[1] - a[2] >= box.h
    ]
    return split_box(box, cuts) if cuts else [box]


def _char_w(ch: str) -> float:
    return 0.55 if ord(ch) < 0x2E80 and ch not in "（）：；，。、" else 1.0


def split_box(box: TextBox, cuts: list[float]) -> list[TextBox]:
    """Split a text box at x positions (drawn lines or column gaps it spans).

    Uses the character extents when rapidocr gave them, otherwise apportions the
    characters by estimated width (CJK 1, ASCII ~0.55).
    """
    cuts = sorted(c for c in cuts if box.x0 < c < box.x1)
    if not cuts or len(box.text) < 2:
        return [box]
    if box.chars:
        spans = box.chars
    else:
        widths = [_char_w(c) for c in box.text]
        scale = (box.x1 - box.x0) / sum(widths)
        spans, pos = [], box.x0
        for ch, wch in zip(box.text, widths, strict=True):
            spans.append((ch, pos, pos + wch * scale))
            pos += wch * scale
    groups: list[list[tuple[str, float, float]]] = [[] for _ in range(len(cuts) + 1)]
    for sp in spans:
        groups[bisect_right(cuts, (sp[1] + sp[2]) / 2)].append(sp)
    pieces = []
    for g in groups:
        text = "".join(c[0] for c in g).strip()
        if text:
            pieces.append(TextBox(text, box.conf, g[0][1], box.y0, g[-1][2], box.y1, g))
    return pieces


def _lines(boxes: list[TextBox]) -> list[list[TextBox]]:
    """Group boxes into text lines (vertical overlap), top to bottom, each left to right."""
    lines: list[list[TextBox]] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        if lines:
            last = lines[-1]
            y0 = min(x.y0 for x in last)
            y1 = max(x.y1 for x in last)
            overlap = min(y1, b.y1) - max(y0, b.y0)
            if overlap >= 0.5 * min(b.h, y1 - y0):
                last.append(b)
                continue
        lines.append([b])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def join_boxes(boxes: list[TextBox]) -> str:
    """Text of one cell: boxes top to bottom, left to right, joined with '' (Chinese)."""
    return "".join(b.text for line in _lines(boxes) for b in line)


def _mean_conf(boxes: list[TextBox]) -> float | None:
    return round(float(np.mean([b.conf for b in boxes])), 4) if boxes else None


def _union_bbox(boxes: list[TextBox]) -> tuple[float, float, float, float]:
    return (
        min(b.x0 for b in boxes),
        min(b.y0 for b in boxes),
        max(b.x1 for b in boxes),
        max(b.y1 for b in boxes),
    )


@dataclass
class _Block:
    """A piece of page content in reading order: a table (rows of cells) or a text line."""

    top: float
    rows: list[tuple[list[Cell], tuple[float, float, float, float]]]
    is_table: bool
    left: float = 0.0
    spans: bool = False  # a ruled lattice: its merged cells are known (Cell.covered)


def _scaled(bb: tuple[float, float, float, float], s: float) -> tuple[float, float, float, float]:
    return (round(bb[0] * s, 1), round(bb[1] * s, 1), round(bb[2] * s, 1), round(bb[3] * s, 1))


def _grid_block(grid: Grid, boxes: list[TextBox], page: int, s: float) -> _Block:
    per_region: dict[int, list[TextBox]] = {}
    for b in boxes:
        ij = grid.cell_at(b.cx, b.cy)
        if ij is None:
            continue
        i, _ = ij
        cuts = [
            x
            for j, x in enumerate(grid.xs[1:-1], start=1)
            if grid.v_present[i, j] and b.x0 + 0.3 * b.h < x < b.x1 - 0.3 * b.h
        ]
        for piece in split_box(b, cuts):
            pij = grid.cell_at(piece.cx, piece.cy)
            if pij is not None:
                per_region.setdefault(int(grid.labels[pij]), []).append(piece)
    value_cols: set[int] = set()
    header_row: int | None = None
    texts: dict[int, str] = {lab: join_boxes(bs) for lab, bs in per_region.items()}
    for lab, t in texts.items():
        if _VALUE_HEADER.match(_HEADER_NOISE.sub("", t)):
            i0, j0 = divmod(lab, grid.n_cols)
            _, _, x1, _ = grid.region_bbox(lab)
            value_cols.update(j for j in range(j0, grid.n_cols) if grid.xs[j] < x1)
            header_row = i0 if header_row is None else min(header_row, i0)
    rows = []
    for i in range(grid.n_rows):
        cells: list[Cell] = []
        for j in range(grid.n_cols):
            lab = int(grid.labels[i, j])
            if lab != i * grid.n_cols + j:
                bb = (grid.xs[j], grid.ys[i], grid.xs[j + 1], grid.ys[i + 1])
                how = "up" if i > lab // grid.n_cols else "left"  # inside a merged cell
                cells.append(
                    Cell("", _scaled(bb, s), None, f"p{page} r{i + 1}c{j + 1}", covered=how)
                )
                continue
            bs = per_region.get(lab, [])
            t = texts.get(lab, "")
            is_value = j in value_cols and header_row is not None and i > header_row
            t = repair_ocr_text(t, value=is_value or looks_like_value(t))
            cells.append(
                Cell(
                    t,
                    _scaled(grid.region_bbox(lab), s),
                    _mean_conf(bs) if t else None,
                    f"p{page} r{i + 1}c{j + 1}",
                )
            )
        if any(c.text for c in cells):
            rb = (grid.xs[0], grid.ys[i], grid.xs[-1], grid.ys[i + 1])
            rows.append((cells, _scaled(rb, s)))
    return _Block(grid.ys[0], rows, True, spans=True)


def _segments(line: list[TextBox]) -> list[list[TextBox]]:
    """Split a text line where the gap between boxes is wider than ~1 character."""
    h = float(np.median([b.h for b in line]))
    segs = [[line[0]]]
    for b in line[1:]:
        if b.x0 - segs[-1][-1].x1 > 0.8 * h:
            segs.append([b])
        else:
            segs[-1].append(b)
    return segs


def _free_text_blocks(lines: list[list[TextBox]], s: float) -> list[_Block]:
    blocks = []
    for line in lines:
        top = min(b.y0 for b in line)  # parts of one line share it: left to right
        h = float(np.median([b.h for b in line]))
        parts = [[line[0]]]
        for b in line[1:]:
            if b.x0 - parts[-1][-1].x1 > 2.5 * h:
                parts.append([b])
            else:
                parts[-1].append(b)
        for part in parts:
            t = repair_ocr_text("".join(b.text for b in part))
            bb = _union_bbox(part)
            blocks.append(
                _Block(
                    top,
                    [([Cell(t, _scaled(bb, s), _mean_conf(part))], _scaled(bb, s))],
                    False,
                    bb[0],
                )
            )
    return blocks


def _is_tabular(line: list[TextBox], page_w: float) -> bool:
    segs = _segments(line)
    if len(segs) < 2:
        return False
    if len(segs) == 2:
        gap = segs[1][0].x0 - segs[0][-1].x1
        if gap > 0.4 * page_w:  # e.g. "编制单位：…            单位：元"
            return False
    return True


WRAP_GAP = 0.25  # lines closer than this × text height are wrapped lines of one row


def _borderless_blocks(
    boxes: list[TextBox], binary: np.ndarray, s: float
) -> tuple[list[_Block], list[TextBox]]:
    """Tables drawn without lines, from text layout; returns (blocks, boxes left over)."""
    if not boxes:
        return [], []
    page_w = float(binary.shape[1])
    lines = _lines(boxes)
    tab = [_is_tabular(ln, page_w) for ln in lines]
    med_h = float(np.median([b.h for b in boxes]))
    blocks: list[_Block] = []
    used: set[int] = set()
    k = 0
    while k < len(lines):
        if not tab[k]:
            k += 1
            continue
        # a run of lines starting at a tabular line; one-piece lines belong to it when
        # they are wrapped lines of the row above or rows between tabular rows
        start = end = k
        m = k + 1
        while m < len(lines):
            if tab[m]:
                end = m
                m += 1
                continue
            gap = min(b.y0 for b in lines[m]) - max(b.y1 for b in lines[m - 1])
            if _continues(lines[m], lines, start, m) and (
                gap < WRAP_GAP * med_h or any(tab[m + 1 : m + 4])
            ):
                end = m
                m += 1
                continue
            break
        run = lines[start : end + 1]
        if sum(tab[start : end + 1]) >= 3:
            blocks.append(_borderless_table(run, binary, s, med_h))
            used.update(range(start, end + 1))
        k = end + 1
    rest = [b for i, ln in enumerate(lines) if i not in used for b in ln]
    return blocks, rest


def _continues(line: list[TextBox], lines: list[list[TextBox]], start: int, m: int) -> bool:
    """A one-piece line lies within the horizontal extent of the table so far."""
    x0 = min(b.x0 for ln in lines[start:m] for b in ln)
    x1 = max(b.x1 for ln in lines[start:m] for b in ln)
    return min(b.x0 for b in line) >= x0 - 20 and max(b.x1 for b in line) <= x1 + 20


def _gap_cut(
    box: TextBox, binary: np.ndarray, lo: float, hi: float, strict: bool = False
) -> float | None:
    """Centre of the widest blank span inside ``box`` whose centre lies in [lo, hi];
    None when the text runs on there.  Uses the character extents when known (a gap of
    ≥ 0.45 × box height, about ⅔ of a character, between two characters), otherwise the
    ink of the binary page (≥ 0.6 × box height, wider than the blank after a full-width
    comma).  ``strict`` doubles both (for text that may span columns)."""
    lo = max(box.x0, lo)
    hi = min(box.x1, hi)
    k = 2.0 if strict else 1.0
    min_gap = 0.45 * k * box.h
    if box.chars:
        best = None
        for a, b in zip(box.chars, box.chars[1:], strict=False):
            g0, g1 = a[2], b[1]
            if g1 - g0 >= min_gap and lo <= (g0 + g1) / 2 <= hi:
                if best is None or g1 - g0 > best[1] - best[0]:
                    best = (g0, g1)
        return None if best is None else (best[0] + best[1]) / 2
    min_gap = 0.6 * k * box.h
    y0, y1 = int(max(box.y0, 0)), int(min(box.y1, binary.shape[0]))
    ilo, ihi = int(lo), int(hi)
    if ihi - ilo < min_gap or y1 <= y0:
        return None
    ink = binary[y0:y1, ilo:ihi].any(axis=0)
    blank = np.flatnonzero(~ink)
    if blank.size == 0:
        return None
    breaks = np.flatnonzero(np.diff(blank) > 1)
    starts = np.r_[blank[0], blank[breaks + 1]]
    ends = np.r_[blank[breaks], blank[-1]]
    widths = ends - starts + 1
    k = int(np.argmax(widths))
    if widths[k] < min_gap:
        return None
    return ilo + (starts[k] + ends[k]) / 2


def _borderless_table(
    run: list[list[TextBox]], binary: np.ndarray, s: float, med_h: float
) -> _Block:
    # rows: lines closer than WRAP_GAP × text height are wrapped lines of one row
    rows_lines = _wrap_rows(run, med_h)
    return _Block(min(b.y0 for b in run[0]), _assemble(rows_lines, binary, s, med_h), True)


def _wrap_rows(run: list[list[TextBox]], med_h: float) -> list[list[list[TextBox]]]:
    """Group text lines into table rows: lines closer than ``WRAP_GAP`` × text height
    are wrapped lines of one row."""
    rows_lines: list[list[list[TextBox]]] = [[run[0]]]
    for prev, ln in zip(run, run[1:], strict=False):
        gap = min(b.y0 for b in ln) - max(b.y1 for b in prev)
        if gap < WRAP_GAP * med_h:
            rows_lines[-1].append(ln)
        else:
            rows_lines.append([ln])
    return rows_lines


def _assemble(
    rows_lines: list[list[list[TextBox]]], binary: np.ndarray, s: float, med_h: float
) -> list[tuple[list[Cell], tuple[float, float, float, float]]]:
    """Cells of a table without vertical lines: columns start at the left edges that
    several lines share; each box goes to the column its left edge is in."""
    lines = [ln for rl in rows_lines for ln in rl]
    bounds = _column_gaps(lines)
    tol = 0.5 * med_h
    if bounds:
        # columns from the gaps of the fullest rows (also right for centred text)
        col_x = [-1e9] + [_free_middle(lines, g0, g1) + tol for g0, g1 in bounds]
        windows = [(g0 - med_h, g1 + med_h) for g0, g1 in bounds]
    else:
        # columns start at left edges that several lines share
        starts = [seg[0].x0 for ln in lines for seg in _segments(ln)]
        n_tab = sum(1 for ln in lines if len(_segments(ln)) >= 2)
        min_support = max(2, int(0.25 * n_tab))
        col_x = [c for c, n in _cluster_with_support(starts, 0.7 * med_h) if n >= min_support]
        col_x = sorted(col_x) or [min(starts)]
        col_x[0] = min(col_x[0], min(starts))
        windows = [(x - tol - 1.5 * med_h, x - tol + med_h) for x in col_x[1:]]
    out_rows = []
    for rl in rows_lines:
        per_col: dict[int, list[TextBox]] = {}
        row_boxes = [b for ln in rl for b in ln]
        for ln in rl:
            for b in ln:
                # a box running over another column's left edge is split only where the
                # text has a blank gap there (two cells read as one box); text that
                # really spans columns has none.  With nothing to its right in the row
                # the box may well be a spanning cell: then only a wide gap splits it.
                alone = not any(o.x0 >= b.x1 - 1 for o in row_boxes if o is not b)
                cuts = []
                for x, (w0, w1) in zip(col_x[1:], windows, strict=True):
                    if b.x0 + tol < x - tol < b.x1 - tol:
                        cut = _gap_cut(b, binary, w0, w1, strict=alone)
                        if cut is not None:
                            cuts.append(cut)
                for piece in split_box(b, cuts):
                    j = max(bisect_right(col_x, piece.x0 + tol) - 1, 0)
                    per_col.setdefault(j, []).append(piece)
        cells = []
        for j in range(len(col_x)):
            bs = per_col.get(j, [])
            t = join_boxes(bs) if bs else ""
            t = repair_ocr_text(t, value=looks_like_value(t))
            bb = _scaled(_union_bbox(bs), s) if bs else None
            cells.append(Cell(t, bb, _mean_conf(bs) if t else None))
        out_rows.append((cells, _scaled(_union_bbox(row_boxes), s)))
    return out_rows


def _row_ruled_block(rr: RowRules, boxes: list[TextBox], binary: np.ndarray, s: float) -> _Block:
    """A table with horizontal rules only: rules separate rows (a band without inner
    rules, as in three-line tables, is split into rows by the text layout); text of a
    merged cell (no rule above it in its column) moves up to the first band of its
    block; columns come from the text as in borderless tables."""
    med_h = float(np.median([b.h for b in boxes]))
    bands: dict[int, list[TextBox]] = {}
    moved: list[tuple[int, TextBox]] = []
    for b in boxes:
        i = k = min(max(bisect_right(rr.ys, b.cy) - 1, 0), len(rr.ys) - 2)
        while i > 0 and not rr.ruled_under(i, b.x0, b.x1):
            i -= 1
        if i == k:
            bands.setdefault(i, []).append(b)
        else:
            moved.append((i, b))
    for i, b in moved:
        # put the merged cell's text on the first text line of its first band
        top = min((x.y0 for x in bands.get(i, [])), default=rr.ys[i] + 0.3 * b.h)
        shifted = TextBox(b.text, b.conf, b.x0, top, b.x1, top + b.h, b.chars)
        bands.setdefault(i, []).append(shifted)
    rows_lines: list[list[list[TextBox]]] = []
    for i in sorted(bands):
        lines = _lines(bands[i])
        # within a band wrapped lines stay together; separate rows need a clear gap
        rows_lines.extend(
            _wrap_rows(lines, med_h) if i == 0 or _band_has_gaps(lines, med_h) else [lines]
        )
    return _Block(rr.ys[0], _assemble(rows_lines, binary, s, med_h), True)


def _band_has_gaps(lines: list[list[TextBox]], med_h: float) -> bool:
    """A band holding several table rows (a three-line table body) shows row-sized gaps
    between its text lines; a band that is one row (rules between rows) does not need
    splitting, even if its cells are vertically centred."""
    return (
        len(lines) > 2
        and sum(
            1
            for a, b in zip(lines, lines[1:], strict=False)
            if min(x.y0 for x in b) - max(x.y1 for x in a) >= WRAP_GAP * med_h
        )
        >= 2
    )


def _column_gaps(lines: list[list[TextBox]]) -> list[tuple[float, float]] | None:
    """Blank x intervals between the columns, from the lines with the most pieces (at
    least 3): the k-th gap of each such line, intersected over the lines.  None when no
    line has 3 pieces or the fullest lines disagree."""
    segs = [_segments(ln) for ln in lines]
    m = max((len(sg) for sg in segs), default=0)
    if m < 3:
        return None
    full = [sg for sg in segs if len(sg) == m]
    gaps = []
    for k in range(m - 1):
        g0 = max(sg[k][-1].x1 for sg in full)
        g1 = min(sg[k + 1][0].x0 for sg in full)
        if g1 <= g0:
            return None
        gaps.append((g0, g1))
    return gaps


def _free_middle(lines: list[list[TextBox]], g0: float, g1: float) -> float:
    """Middle of the widest x span in [g0, g1] that no character of any line covers
    (text spanning the whole interval is ignored); the interval's middle if all is
    covered."""
    n = int(g1 - g0) + 1
    if n < 3:
        return (g0 + g1) / 2
    occ = np.zeros(n, bool)
    for ln in lines:
        for b in ln:
            if b.x0 <= g0 and b.x1 >= g1:
                continue
            spans = [(c[1], c[2]) for c in b.chars] if b.chars else [(b.x0, b.x1)]
            for a, z in spans:
                lo, hi = int(max(a - g0, 0)), int(min(z - g0, n - 1))
                if hi >= lo:
                    occ[lo : hi + 1] = True
    free = np.flatnonzero(~occ)
    if free.size == 0:
        return (g0 + g1) / 2
    breaks = np.flatnonzero(np.diff(free) > 1)
    starts = np.r_[free[0], free[breaks + 1]]
    ends = np.r_[free[breaks], free[-1]]
    k = int(np.argmax(ends - starts))
    return g0 + (starts[k] + ends[k]) / 2


def _cluster_with_support(values: list[float], tol: float) -> list[tuple[float, int]]:
    out: list[tuple[float, int]] = []
    cur: list[float] = []
    for v in sorted(values):
        if cur and v - cur[-1] > tol:
            out.append((float(np.median(cur)), len(cur)))
            cur = []
        cur.append(v)
    if cur:
        out.append((float(np.median(cur)), len(cur)))
    return out


# ---------------------------------------------------------------------------------------
# page and document entry points


_ROTATE = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}
ORIENT_SAMPLE = 24  # text lines the direction classifier looks at per page
ORIENT_MIN = 5  # fewer elongated text lines than this: the page is left as it is
ORIENT_SHARE = 0.6  # share of them that must agree before a page is turned


def _cls_votes(gray: np.ndarray, boxes: list[TextBox], pre: int | None) -> float:
    """Share of the sampled line crops the engine's direction classifier reads as
    upside down (after turning each crop by ``pre`` when given)."""
    cls = ocr_engine()._load_cls_model()  # the classifier model shipped in the wheel
    crops = []
    for b in boxes[:ORIENT_SAMPLE]:
        c = gray[max(int(b.y0), 0) : int(b.y1) + 1, max(int(b.x0), 0) : int(b.x1) + 1]
        if c.size == 0:
            continue
        if pre is not None:
            c = cv2.rotate(c, pre)
        crops.append(cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) if c.ndim == 2 else c)
    if not crops:
        return 0.0
    res = cls(crops).cls_res or []
    flipped = sum(1 for label, score in res if "180" in str(label) and score >= 0.9)
    return flipped / len(crops)


def page_turn(gray: np.ndarray, boxes: list[TextBox]) -> int:
    """Clockwise turn (0, 90, 180 or 270 degrees) that makes the page's text upright,
    from the OCR pass already made: text lines read sideways come out as tall boxes (a
    page turned by 90° or 270°); the engine's direction classifier, on a sample of the
    longest lines, tells upright from upside down.  Pages with too few text lines to
    judge are left as they are."""
    wide = [b for b in boxes if (b.x1 - b.x0) >= 2 * b.h and len(b.text) >= 2]
    tall = [b for b in boxes if b.h >= 2 * (b.x1 - b.x0) and len(b.text) >= 2]
    if len(wide) + len(tall) < ORIENT_MIN:
        return 0
    if len(tall) > ORIENT_SHARE * (len(wide) + len(tall)):
        tall.sort(key=lambda b: -b.h)
        up = _cls_votes(gray, tall, cv2.ROTATE_90_CLOCKWISE)
        return 270 if up > ORIENT_SHARE else 90
    wide.sort(key=lambda b: -(b.x1 - b.x0))
    return 180 if _cls_votes(gray, wide, None) > ORIENT_SHARE else 0


def _prepare(img: np.ndarray) -> tuple[np.ndarray, float]:
    """Working gray image (stamps removed, size normalized) and its scale factor back to
    the input's pixels."""
    if img.dtype != np.uint8:
        img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    gray = suppress_red(img)
    h, w = gray.shape[:2]
    f = 1.0
    if max(h, w) > MAX_SIDE:
        f = MAX_SIDE / max(h, w)
    elif w < MIN_WIDTH:
        f = min(2.0, 1654 / w)
    if f != 1.0:
        gray = cv2.resize(
            gray,
            (round(w * f), round(h * f)),
            interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC,
        )
    return gray, 1.0 / f


def ocr_page_image(
    img: np.ndarray, page: int, first_line: int, table_id_start: int, scale: float = 1.0
) -> list[Row]:
    """Rows of one page image (BGR, BGRA or gray ``uint8`` array).

    ``first_line`` is the ``Row.line`` of the first row returned; tables get ids
    ``table_id_start``, ``table_id_start + 1``, … in reading order.  Boxes are in pixels
    of the input image times ``scale`` (pass ``72 / dpi`` for PDF points).
    """
    gray, back = _prepare(img)
    s = back * scale
    binary = binarize(gray)
    angle = estimate_skew(binary)
    if abs(angle) >= 0.02:
        gray = deskew(gray, angle)
        binary = binarize(gray)
    boxes = run_ocr(gray)
    turn = page_turn(gray, boxes)
    if turn:
        gray = cv2.rotate(gray, _ROTATE[turn])
        binary = binarize(gray)
        boxes = run_ocr(gray)
    grids, ruled = find_tables(binary)
    blocks: list[_Block] = []
    rest: list[TextBox] = []
    tables: list[Grid | RowRules] = [*grids, *ruled]
    inside: list[list[TextBox]] = [[] for _ in tables]
    for b in boxes:
        for k, t in enumerate(tables):
            x0, y0, x1, y1 = t.bbox
            if x0 - 2 <= b.cx <= x1 + 2 and y0 - 2 <= b.cy <= y1 + 2:
                inside[k].append(b)
                break
        else:
            rest.append(b)
    for t, bs in zip(tables, inside, strict=True):
        if isinstance(t, Grid):
            blocks.append(_grid_block(t, bs, page, s))
        elif bs:
            blocks.append(_row_ruled_block(t, bs, binary, s))
    bl_blocks, rest = _borderless_blocks(rest, binary, s)
    blocks.extend(bl_blocks)
    blocks.extend(_free_text_blocks(_lines(rest), s) if rest else [])
    blocks.sort(key=lambda b: (b.top, not b.is_table, b.left))
    rows: list[Row] = []
    line = first_line
    table_id = table_id_start
    for blk in blocks:
        tid = None
        if blk.is_table:
            if not blk.rows:
                continue
            tid = table_id
            table_id += 1
        for cells, bb in blk.rows:
            rows.append(Row(cells, line=line, page=page, table_id=tid, bbox=bb, spans=blk.spans))
            line += 1
    return rows


class _PageClock:
    """Times the pages of one document and tells whether the next one fits its budget
    (the slowest page so far is the estimate; the first page is always read)."""

    def __init__(self) -> None:
        self.t = time.monotonic()
        self.slowest = 0.0
        self.n = 0

    def lap(self) -> None:
        now = time.monotonic()
        self.slowest = max(self.slowest, now - self.t)
        self.t = now
        self.n += 1

    def next_fits(self) -> bool:
        self.t = time.monotonic()
        return self.n == 0 or page_fits(self.slowest)


def _page_ranges(pages: list[int]) -> str:
    out: list[str] = []
    for p in sorted(set(pages)):
        if out and out[-1].split("–")[-1] == str(p - 1):
            out[-1] = f"{out[-1].split('–')[0]}–{p}"
        else:
            out.append(str(p))
    return ", ".join(out)


def pages_missing_finding(source: str, pages: list[int], n_pages: int | None = None) -> Finding:
    """The ``ocr_pages_missing`` error of a document whose time budget ran out before
    ``pages`` were read (the pages before them were read and kept)."""
    b = budget()
    within = f" within the document's {b:g} s budget" if b else ""
    word = "page" if len(pages) == 1 else "pages"
    return Finding(
        "error",
        "ocr_pages_missing",
        f"{source}: {word} {_page_ranges(pages)} of {n_pages or max(pages)} not read{within} "
        "(the pages before were read and kept)",
        page=min(pages),
    )


def _next_table_id(rows: list[Row], default: int) -> int:
    ids = [r.table_id for r in rows if r.table_id is not None]
    return max(ids) + 1 if ids else default


def load_image_pages(data: bytes, name: str) -> list[np.ndarray]:
    """Decode an image file into page arrays (BGR or gray); a multi-page TIFF gives
    several.  Raises ``ReadError`` naming the file when it cannot be decoded."""
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = 400_000_000
    try:
        im = Image.open(io.BytesIO(data))
        pages = []
        for frame in ImageSequence.Iterator(im):
            fr = ImageOps.exif_transpose(frame) or frame
            if fr.mode in ("1", "L", "I;16", "I", "F"):
                pages.append(np.asarray(fr.convert("L")))
            else:
                rgb = np.asarray(fr.convert("RGB"))
                pages.append(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise ReadError(f"{name}: cannot decode image: {e}") from e
    if not pages:
        raise ReadError(f"{name}: image has no pages")
    return pages


def read_image(path: Path, data: bytes) -> SourceDoc:
    """Read a scanned page image (PNG/JPEG/TIFF/…; each TIFF frame is a page)."""
    name = path.name
    pages = load_image_pages(data, name)
    rows: list[Row] = []
    findings: list[Finding] = []
    table_id = 0
    clock = _PageClock()
    for p, img in enumerate(pages, start=1):
        if not clock.next_fits():
            findings.append(pages_missing_finding(name, list(range(p, len(pages) + 1)), len(pages)))
            break
        page_rows = ocr_page_image(img, p, len(rows) + 1, table_id)
        clock.lap()
        if not page_rows:
            findings.append(
                Finding("warning", "ocr_no_text", f"{name} page {p}: OCR found no text", page=p)
            )
        table_id = _next_table_id(page_rows, table_id)
        rows.extend(page_rows)
    return SourceDoc(
        path=str(path),
        source=name,
        doc_id=doc_id_of(data),
        form="ocr",
        rows=rows,
        n_pages=len(pages),
        findings=findings,
    )


def render_pdf_page(pdf: Any, page: int, dpi: int = OCR_DPI) -> np.ndarray:
    """Render a 1-based page of an open ``pypdfium2.PdfDocument`` to a BGR array."""
    pg = pdf[page - 1]
    try:
        bitmap = pg.render(scale=dpi / 72, grayscale=False)
        arr = bitmap.to_numpy()
    finally:
        pg.close()
    if arr.ndim == 3 and arr.shape[2] == 4:
        return cv2.cvtColor(arr, cv2.COLOR_BGRA2BGR)
    return arr.copy()


def read_pdf_pages_ocr(
    path: Path,
    data: bytes,
    pages: list[int],
    first_line: int = 1,
    table_id_start: int = 0,
    skipped: list[int] | None = None,
) -> list[Row]:
    """OCR the given 1-based pages of a PDF (pages without a text layer).

    Pages are rendered with pypdfium2 at ``OCR_DPI``; boxes come back in PDF points,
    like the text-layer reader's.  Rows are numbered from ``first_line``; table ids
    start at ``table_id_start``.  When the document's time budget (``readers.budget``)
    would run out before the next page, reading stops there and the pages not read are
    appended to ``skipped``.
    """
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as e:  # pdfium raises PdfiumError and others on broken files
        raise ReadError(f"{path.name}: cannot open PDF: {e}") from e
    rows: list[Row] = []
    table_id = table_id_start
    try:
        n = len(pdf)
        clock = _PageClock()
        for k, p in enumerate(pages):
            if not 1 <= p <= n:
                raise ReadError(f"{path.name}: page {p} out of range (1..{n})")
            if not clock.next_fits():
                if skipped is not None:
                    skipped.extend(pages[k:])
                break
            img = render_pdf_page(pdf, p)
            page_rows = ocr_page_image(img, p, first_line + len(rows), table_id, scale=72 / OCR_DPI)
            clock.lap()
            table_id = _next_table_id(page_rows, table_id)
            rows.extend(page_rows)
    finally:
        pdf.close()
    return rows


def ocr_missing_pages(doc: SourceDoc, path: Path, data: bytes) -> SourceDoc:
    """Complete a text-layer PDF reading with OCR of the pages it could not read.

    In: the ``SourceDoc`` of ``read_pdf`` (its findings name the pages without a text
    layer or without a Unicode map: codes in ``PDF_NO_TEXT_CODES`` with ``Finding.page``).
    Out: the same document with those pages OCRed and their rows inserted in page order;
    lines are renumbered 1..N, OCR table ids follow the text layer's, and the page
    findings become ``info`` ones saying the page was read by OCR.  ``form`` becomes
    ``"ocr"`` when every page was OCRed.  A document without such pages is returned as is.
    """
    pages = sorted({f.page for f in doc.findings if f.code in PDF_NO_TEXT_CODES and f.page})
    if not pages:
        return doc
    start_id = _next_table_id(doc.rows, 0)
    skipped: list[int] = []
    ocr_rows = read_pdf_pages_ocr(path, data, pages, 1, start_id, skipped)
    got = {r.page for r in ocr_rows}
    # sort by page, text-layer rows before OCR rows of a page (there are none on the
    # same page), keeping each source's order; a text row without a page keeps the page
    # of the row before it
    keyed: list[tuple[int, int, int, Row]] = []
    prev = 0
    for k, r in enumerate(doc.rows):
        prev = r.page if r.page is not None else prev
        keyed.append((prev, 0, k, r))
    keyed += [(r.page or 0, 1, k, r) for k, r in enumerate(ocr_rows)]
    rows = [t[3] for t in sorted(keyed, key=lambda t: t[:3])]
    for n, r in enumerate(rows, start=1):
        r.line = n
    findings: list[Finding] = []
    for f in doc.findings:
        if f.code in PDF_NO_TEXT_CODES and f.page in got:
            findings.append(
                Finding(
                    "info",
                    "pdf_page_ocr",
                    f"{doc.source}: page {f.page} has no usable text layer; read by OCR",
                    page=f.page,
                )
            )
        else:
            findings.append(f)
    if skipped:
        findings.append(pages_missing_finding(doc.source, skipped, doc.n_pages))
    for p in pages:
        if p not in got and p not in skipped:
            findings.append(
                Finding(
                    "warning", "ocr_no_text", f"{doc.source} page {p}: OCR found no text", page=p
                )
            )
    all_ocr = doc.n_pages is not None and len(pages) >= doc.n_pages
    return SourceDoc(
        path=doc.path,
        source=doc.source,
        doc_id=doc.doc_id,
        form="ocr" if all_ocr else doc.form,
        rows=rows,
        encoding=doc.encoding,
        n_pages=doc.n_pages,
        findings=findings,
    )
