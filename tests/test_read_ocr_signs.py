"""Comparison signs in scanned value cells: bars under the chevron read from the image.

In:  glyphs composed here: text rendered with PIL in WenQuanYi Zen Hei (Debian
     ``fonts-wqy-zenhei``, the font of the scan fixtures) and a slanted ``⩾`` drawn with
     OpenCV strokes (as serif CJK fonts print ``≥``), then blurred and noised like a scan;
     a ruled grid drawn here with OCR boxes placed in its cells.
Out: pass/fail.  One test per failure class seen on scans:

* ``≧``/``≦`` (two level bars) read by the recogniser as ``≥``/``≤``;
* a slanted ``⩾`` whose bar has blurred into the lower arm, read as a confident ``>``;
* a value column headed ``年度(/项目)指标值`` not taken for one, so the repairs of value
  cells (``≥.95%`` → ``≥95%``) did not run there.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.readers import ocr as read_ocr
from pipeline.readers.ocr import TextBox, _grid_block, binarize, find_grids, looks_like_value
from pipeline.readers.signs import SignShape, sign_from_image, sign_shape

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
needs_wqy = pytest.mark.skipif(not WQY.exists(), reason="needs fonts-wqy-zenhei")
needs_ocr = pytest.mark.skipif(
    importlib.util.find_spec("rapidocr") is None, reason="rapidocr not installed"
)


def scanned(img: np.ndarray, blur: float, seed: int = 0) -> np.ndarray:
    """Blur and gaussian noise, like a 200 dpi scan."""
    pil = Image.fromarray(img)
    if blur:
        pil = pil.filter(ImageFilter.GaussianBlur(blur))
    a = np.asarray(pil).astype(np.float64)
    a += np.random.default_rng(seed).normal(0, 8, a.shape)
    return np.clip(a, 0, 255).astype(np.uint8)


def rendered(text: str, px: int = 26, blur: float = 0.8) -> tuple[np.ndarray, tuple]:
    """``text`` in WenQuanYi at ``px`` pixels, and a box around it as the detector gives."""
    fnt = ImageFont.truetype(str(WQY), px, index=0)
    im = Image.new("L", (px * len(text) + 40, 2 * px + 20), 255)
    ImageDraw.Draw(im).text((20, px // 2 + 10), text, font=fnt, fill=30)
    img = scanned(np.asarray(im), blur)
    ys, xs = np.nonzero(img < 150)
    return img, (xs.min() - 6, ys.min() - 6, xs.max() + 6, ys.max() + 6)


def slanted_ge(
    h: int = 20, bar: bool = True, blur: float = 1.0, mirror: bool = False
) -> tuple[np.ndarray, tuple]:
    """A ``⩾`` (chevron, bar parallel to its lower arm) or a bare ``>`` drawn ``h`` px
    tall, then a digit-like stroke after it; ``mirror`` draws ``⩽``/``<``."""
    img = np.full((h + 30, 4 * h), 255, np.uint8)
    x0, top, w = 12, 12, int(0.8 * h)
    mid = top + int(0.4 * h)
    lines = [((x0, top), (x0 + w, mid)), ((x0 + w, mid), (x0, top + int(0.8 * h)))]
    if bar:
        off = int(0.2 * h)
        lines.append(((x0 + w, mid + off), (x0, top + int(0.8 * h) + off)))
    for a, b in lines:
        if mirror:
            a, b = (2 * x0 + w - a[0], a[1]), (2 * x0 + w - b[0], b[1])
        cv2.line(img, a, b, 40, 2, cv2.LINE_AA)
    cv2.line(img, (x0 + w + 12, top), (x0 + w + 12, top + h), 40, 2, cv2.LINE_AA)  # "1"
    return scanned(img, blur), (x0 - 6, top - 6, x0 + w + 20, top + h + 6)


# ---------------------------------------------------------------------------------------
# class 1: two level bars (≧ ≦), read as one


@needs_wqy
@pytest.mark.parametrize("px,blur", [(22, 0.6), (26, 0.8), (34, 1.0)])
def test_two_level_bars_are_the_double_sign(px: int, blur: float) -> None:
    for text, read, want in [
        ("≧95%", "≥", "≧"),
        ("≦5天", "≤", "≦"),
        ("≥95%", "≥", "≥"),
        ("≤0.2mm", "≤", "≤"),
    ]:
        img, box = rendered(text, px, blur)
        assert sign_from_image(img, box, read) == want, (text, px, blur)


@needs_wqy
def test_plain_chevron_has_no_bar() -> None:
    for text in (">90%", "<0.3mm"):
        img, box = rendered(text)
        assert sign_shape(img, box) == SignShape.PLAIN, text


@needs_ocr
@needs_wqy
def test_ocr_reads_double_sign_from_the_image() -> None:
    """End to end through the recogniser, which reads ``≧95%`` as ``≥95%``."""
    im = Image.new("L", (700, 110), 255)
    d = ImageDraw.Draw(im)
    fnt = ImageFont.truetype(str(WQY), 26, index=0)
    for x, t in ((40, "≧95%"), (260, "≥90%"), (480, ">90%")):
        d.text((x, 40), t, font=fnt, fill=30)
    got = sorted((b.x0, b.text) for b in read_ocr.run_ocr(scanned(np.asarray(im), 0.6)))
    assert [t for _, t in got] == ["≧95%", "≥90%", ">90%"]


# ---------------------------------------------------------------------------------------
# class 2: a slanted bar blurred into the lower arm, read as a confident ``>``


@pytest.mark.parametrize("h,blur", [(16, 1.2), (20, 1.0), (28, 1.0), (20, 0.0)])
def test_slanted_bar_is_one_bar(h: int, blur: float) -> None:
    img, box = slanted_ge(h, bar=True, blur=blur)
    assert sign_from_image(img, box, ">") == "≥", (h, blur)
    img, box = slanted_ge(h, bar=True, blur=blur, mirror=True)
    assert sign_from_image(img, box, "<") == "≤", (h, blur)


@pytest.mark.parametrize("h", [16, 20, 28])
def test_drawn_chevron_alone_is_plain(h: int) -> None:
    img, box = slanted_ge(h, bar=False, blur=1.0)
    assert sign_shape(img, box) == SignShape.PLAIN, h


def _fake_engine(monkeypatch, lines: list[tuple[str, float, tuple]]) -> None:
    """rapidocr stand-in: the given (text, confidence, box) for any image."""
    quads = [[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]] for _, _, b in lines]
    res = SimpleNamespace(
        txts=[t for t, _, _ in lines],
        scores=[c for _, c, _ in lines],
        boxes=quads,
        word_results=[[(t, c, q)] for (t, c, _), q in zip(lines, quads, strict=True)],
    )
    monkeypatch.setattr(read_ocr, "ocr_engine", lambda: lambda img, **kw: res)


def test_confident_chevron_over_a_slanted_bar_becomes_ge(monkeypatch) -> None:
    img, box = slanted_ge(20, bar=True, blur=1.0)
    _fake_engine(monkeypatch, [(">1个", 0.95, box)])
    assert [b.text for b in read_ocr.run_ocr(img)] == ["≥1个"]


def test_image_never_takes_a_bar_away(monkeypatch) -> None:
    """A ``≥`` the recogniser read stays where the image shows a bare chevron (blur loses
    bars); a low-confidence ``>`` over a bare chevron is kept (the image is clear)."""
    img, box = slanted_ge(20, bar=False, blur=1.0)
    _fake_engine(monkeypatch, [("≥95%", 0.99, box)])
    assert [b.text for b in read_ocr.run_ocr(img)] == ["≥95%"]
    _fake_engine(monkeypatch, [(">", 0.6, box)])
    assert [b.text for b in read_ocr.run_ocr(img)] == [">"]


# ---------------------------------------------------------------------------------------
# class 3: a value column headed ``年度(/项目)指标值``


def test_value_header_with_bracketed_alternative() -> None:
    xs, ys = [100, 400, 700], [100, 160, 220]
    page = np.full((400, 800), 255, np.uint8)
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 2)
    (grid,) = find_grids(binarize(page))
    for header in ("年度(/项目)指标值", "年度（/项目）指标值"):
        boxes = [
            TextBox("三级指标", 0.99, 150, 115, 300, 145),
            TextBox(header, 0.99, 430, 115, 650, 145),
            TextBox("满意度", 0.99, 150, 175, 250, 205),
            TextBox("≥.95%", 0.9, 450, 175, 540, 205),
        ]
        rows = _grid_block(grid, boxes, 1, 1.0).rows
        assert [c.text for c in rows[1][0]] == ["满意度", "≥95%"], header


def test_speck_after_sign_looks_like_a_value() -> None:
    assert looks_like_value("≥.95%")
    assert looks_like_value("≤ . 5天")
    assert not looks_like_value("≥95%")  # nothing to repair
    assert not looks_like_value("说明.95")
