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
