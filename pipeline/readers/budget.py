"""Time budget of the document being read: how many pages it has, and when the worker
reading it will be stopped.

In:  a path (``pages_of``), or the deadline the executor sets before a document
     (``set_deadline``, a ``time.monotonic()`` value or ``None``).
Out: the page count used to size a document's time budget (``pages_of``,
     ``budget_seconds``), and for readers that work a page at a time (OCR) whether another
     page still fits before the deadline (``page_fits``).

The executor gives each document ``per_page × pages`` seconds (at most ``cap``); a reader
that stops early at a page boundary keeps the pages it has read, instead of the worker
being stopped with nothing.  Counting pages opens only the file's header structures
(pypdfium2 for PDF, PIL for multi-frame TIFF): milliseconds, no page is rendered.
"""

from __future__ import annotations

import time
from pathlib import Path

MARGIN = 0.1  # share of the budget kept for interpreting and returning the rows
MIN_MARGIN = 3.0  # seconds kept at least

_deadline: float | None = None
_budget: float | None = None


def pages_of(path: str | Path) -> int:
    """Pages of a PDF or multi-page TIFF (1 for any other file or one that cannot be
    opened: the reader will report what is wrong with it)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
        if head[:5] == b"%PDF-":
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(p))
            try:
                return max(1, len(pdf))
            finally:
                pdf.close()
        if head[:4] in (b"II*\x00", b"MM\x00*"):
            from PIL import Image

            with Image.open(p) as im:
                return max(1, int(getattr(im, "n_frames", 1)))
    except Exception:  # unreadable: the reader reports it
        return 1
    return 1


def budget_seconds(pages: int, per_page: float | None, cap: float | None) -> float | None:
    """``per_page × pages`` seconds, at most ``cap`` (``None``: no limit)."""
    if not per_page:
        return None
    b = per_page * max(1, pages)
    return min(b, cap) if cap else b


def set_deadline(budget: float | None) -> None:
    """Start the clock of the document about to be read (``None``: no deadline)."""
    global _deadline, _budget
    _budget = budget
    _deadline = None if budget is None else time.monotonic() + budget


def budget() -> float | None:
    """The current document's budget in seconds (``None``: unlimited)."""
    return _budget


def page_fits(seconds_per_page: float) -> bool:
    """Whether one more page of about ``seconds_per_page`` can be read and the document
    still be returned before the deadline (always true without a deadline)."""
    if _deadline is None or _budget is None:
        return True
    keep = max(MIN_MARGIN, MARGIN * _budget)
    return time.monotonic() + 1.5 * seconds_per_page + keep <= _deadline
