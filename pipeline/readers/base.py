"""The reader interface: what every input family declares.

In:  nothing (definitions only).  Out: ``Reader``, a family's name, the file suffixes and
the content signatures (magic bytes) it takes, and its ``read(path, data) -> SourceDoc``;
``active_config``, the ``Config`` the current read was given (``readers.read_document``
sets it, so ``ingest --config`` reaches the vocabulary readers use: running headers, grid
header words, field labels).
A reader raises ``model.ReadError`` naming the file when the file cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import SourceDoc

if TYPE_CHECKING:
    from ..config import Config

_CONFIG: ContextVar[Config | None] = ContextVar("jixiao_reader_config", default=None)


@cache
def _default() -> Config:
    from ..config import load_config

    return load_config()


def active_config() -> Config:
    """The config of the read under way (the default configs outside one)."""
    return _CONFIG.get() or _default()


@contextmanager
def using_config(cfg: Config | None) -> Iterator[None]:
    """Readers called inside see ``cfg`` as ``active_config()``."""
    token = _CONFIG.set(cfg)
    try:
        yield
    finally:
        _CONFIG.reset(token)


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
