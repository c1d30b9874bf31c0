"""The reader interface: what every input family declares.

In:  nothing (definitions only).  Out: ``Reader``, a family's name, the file suffixes and
the content signatures (magic bytes) it takes, and its ``read(path, data) -> SourceDoc``.
A reader raises ``model.ReadError`` naming the file when the file cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import SourceDoc


@dataclass(frozen=True, slots=True)
class Reader:
    name: str
    suffixes: frozenset[str]
    read: Callable[[Path, bytes], SourceDoc]
    magic: tuple[bytes, ...] = ()  # signatures the file starts with
    magic_within: int = 0  # PDF: the signature may follow junk in the first bytes

    def sniff(self, head: bytes) -> bool:
        """True when ``head`` (the file's first bytes) carries one of our signatures."""
        if self.magic_within:
            return any(m in head[: self.magic_within] for m in self.magic)
        return head.startswith(self.magic) if self.magic else False
