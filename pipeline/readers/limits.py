"""Resource limits per document: what a reader may spend on one file.

In:  defaults below, raised or lowered with environment variables
(``JIXIAO_LIMIT_<NAME>=<value>``, e.g. ``JIXIAO_LIMIT_MAX_CELLS=5000000``) or
``set_limits(...)``; the executors hand the parent's limits to every worker.
Out: ``limits()`` (the ``Limits`` in force) and ``ResourceLimitError`` (a ``ReadError``)
that readers raise *before* the expensive step (unzipping, building a grid, rendering a
page, decoding an image); ``run.process_file`` records it as a ``resource_limit`` error.

The defaults are far above what a real attachment needs (a 30-page budget file has a few
thousand cells, A3 pages and a few MB of XML) and far below what takes a worker's memory
past ``max_memory_mb``, the address-space cap set in each worker process.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from ..model import ReadError


class ResourceLimitError(ReadError):
    """A file that would need more than a limit allows (the message names the limit)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_member_mb: float = 256.0  # unpacked size of one member of an Office (ZIP) file
    max_unzipped_mb: float = 512.0  # unpacked size of all members
    max_ratio: float = 200.0  # unpacked / packed size of a member over 8 MB unpacked
    max_cells: int = 1_000_000  # cells of a sheet grid or an HTML table once spans expand
    max_rows: int = 1_000_000  # rows of a sheet
    max_pages: int = 5000  # pages of a PDF
    max_page_pt: float = 14400.0  # either side of a PDF page, points (PDF's own limit)
    max_render_mpx: float = 80.0  # megapixels a PDF page would have when rendered for OCR
    max_image_mpx: float = 100.0  # megapixels of an image file (all frames; A3 at 600 dpi: 70)
    max_memory_mb: int = 6144  # address space of a worker (OCR needs ~3.2 GB); 0 = no cap


_CURRENT: Limits | None = None


def _from_env() -> Limits:
    kw: dict[str, float | int] = {}
    for f in dataclasses.fields(Limits):
        raw = os.environ.get(f"JIXIAO_LIMIT_{f.name.upper()}")
        if raw is None or not raw.strip():
            continue
        try:
            kw[f.name] = int(raw) if f.type in ("int", int) else float(raw)
        except ValueError as e:
            raise ValueError(f"JIXIAO_LIMIT_{f.name.upper()}={raw!r}: not a number") from e
    return Limits(**kw)  # type: ignore[arg-type]


def limits() -> Limits:
    """The limits in force (the defaults, as the environment overrides them)."""
    global _CURRENT
    if _CURRENT is None:
        _CURRENT = _from_env()
    return _CURRENT


def set_limits(value: Limits | None = None, **changes: float) -> Limits:
    """Put ``value`` (or the current limits with ``changes``) in force; returns them."""
    global _CURRENT
    _CURRENT = dataclasses.replace(value or limits(), **changes)  # type: ignore[arg-type]
    return _CURRENT


def mb(n: float) -> str:
    return f"{n / (1 << 20):,.0f} MB"
