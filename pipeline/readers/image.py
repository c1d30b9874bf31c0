"""Image reader: scanned pages (PNG, JPEG, TIFF, BMP, WebP) → ``SourceDoc``.

In:  a path and its bytes.  Out: ``model.SourceDoc`` of OCR rows (``readers.ocr``: page
clean-up, table structure, the offline OCR engine).  The OCR module is imported on first
use, so reading other forms never loads the engine.  An image past ``max_image_mpx``
(``readers.limits``) is refused from its header, before anything is decoded.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..model import SourceDoc
from .base import Reader
from .limits import ResourceLimitError, limits

SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"})


def check_pixels(name: str, data: bytes) -> None:
    """Refuse an image whose frames hold more than ``limits().max_image_mpx`` megapixels,
    from its header alone (nothing is decoded).  Raises ``ResourceLimitError``; an image
    the header reader cannot open is left to the decoder to report."""
    from PIL import Image, ImageSequence

    cap = limits().max_image_mpx * 1e6
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # we check the size ourselves, before decoding
    try:
        im = Image.open(io.BytesIO(data))
        total = 0
        for n, frame in enumerate(ImageSequence.Iterator(im), 1):
            w, h = frame.size
            total += w * h
            if total > cap:
                where = f"frame {n} ({w:,}×{h:,} pixels)" if n > 1 else f"{w:,}×{h:,} pixels"
                raise ResourceLimitError(
                    f"{name}: image of {where}, more than {limits().max_image_mpx:g} "
                    "megapixels (limit max_image_mpx)"
                )
    except ResourceLimitError:
        raise
    except Exception:  # noqa: BLE001 - undecodable headers: the decoder says what is wrong
        return
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def read_image(path: Path, data: bytes) -> SourceDoc:
    check_pixels(path.name, data)
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
