"""Image reader: scanned pages (PNG, JPEG, TIFF, BMP, WebP) → ``SourceDoc``.

In:  a path and its bytes.  Out: ``model.SourceDoc`` of OCR rows (``readers.ocr``: page
clean-up, table structure, the offline OCR engine).  The OCR module is imported on first
use, so reading other forms never loads the engine.
"""

from __future__ import annotations

from pathlib import Path

from ..model import SourceDoc
from .base import Reader

SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"})


def read_image(path: Path, data: bytes) -> SourceDoc:
    from .ocr import read_image as ocr_read_image

    return ocr_read_image(path, data)


READER = Reader(
    "image",
    SUFFIXES,
    read_image,
    magic=(
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff",
        b"II*\x00",
        b"MM\x00*",
    ),  # WebP and BMP: by suffix
)
