"""Helpers shared by the readers and the audit tools (no pipeline imports here).

In:  bytes or text.  Out: a content hash (``doc_id_of``) and cleaned cell text
(``clean_text``, ``join_lines``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_MULTI_SPACE = re.compile(r"[ \t]{2,}")
_CID = re.compile(r"\(cid:\d+\)")


def doc_id_of(data: bytes) -> str:
    """Content hash of a file: sha256, first 16 hex digits."""
    return hashlib.sha256(data).hexdigest()[:16]


def _is_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def join_lines(lines: Iterable[str]) -> str:
    """Join the wrapped lines of one cell: ``''`` (Chinese wraps anywhere, numbers too),
    a space only between two Latin letters."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and _is_letter(out[-1]) and _is_letter(line[0]):
            out += " "
        out += line
    return clean_text(out)


def clean_text(text: str) -> str:
    """Drop ``(cid:N)`` debris and spaces between CJK characters; collapse spaces."""
    if "(cid:" in text:
        text = _CID.sub("", text)
    text = text.replace("\u3000", " ")
    text = _CJK_SPACE.sub("", text)
    text = _MULTI_SPACE.sub(" ", text)
    return text.strip()


# A page number or page footer line: "- 3 -", "— 8 —", "第 3 页", "第3页/共12页", "3/12",
# "共12页第3页"
BARE_NUMBER = re.compile(r"\d{1,3}")  # a row or page number written alone
PAGE_NUMBER = re.compile(
    r"\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[/／，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}\s*页?|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页)\s*"
)


_WORDY = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def drop_page_furniture(lines: list[str]) -> list[bool]:
    """Which lines of a text (in order) are page furniture: page numbers, and running
    headers or footers, i.e. a line written right beside at least half of the page
    numbers (and twice at least): a heading or a table title that happens to open two
    pages is not furniture, nor is a value (10, 95%) that ends two pages.  Returns one flag per line (True: furniture)."""
    is_no = [len(t) <= 24 and bool(PAGE_NUMBER.fullmatch(t)) for t in lines]
    beside: dict[str, int] = {}
    for i, t in enumerate(lines):
        key = t.strip()
        # a running header is words: a number beside two page numbers is a cell's value
        if key and not is_no[i] and len(key) <= 30 and _WORDY.search(key):
            near = (i > 0 and is_no[i - 1]) or (i + 1 < len(lines) and is_no[i + 1])
            if near:
                beside[key] = beside.get(key, 0) + 1
    pages = sum(is_no)
    running = {k for k, n in beside.items() if n >= 2 and 2 * n >= pages}
    return [
        is_no[i]
        or (
            t.strip() in running
            and ((i > 0 and is_no[i - 1]) or (i + 1 < len(lines) and is_no[i + 1]))
        )
        for i, t in enumerate(lines)
    ]
