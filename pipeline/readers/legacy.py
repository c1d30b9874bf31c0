"""Legacy Office files (``.doc``, ``.wps``, ``.et``) through LibreOffice headless.

In:  a path and its bytes.  Out: the ``SourceDoc`` of the converted ``.docx`` (``.et``:
``.xlsx``) as the Office reader reads it, with this file's path, name and content hash,
and an ``info`` finding ``converted_legacy``.  When LibreOffice (``soffice``) is not
installed, ``Unsupported`` (status ``skipped``) with the hint to convert the file or
install it (Debian ``libreoffice-writer-nogui``, ``libreoffice-calc-nogui``).

The conversion runs in a temporary folder with its own LibreOffice profile (so parallel
workers do not share one) and a timeout.  A ``.doc`` that is really a ``.docx`` never
comes here: the registry reads it by its content.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..common import doc_id_of
from ..model import Finding, ReadError, SourceDoc
from . import office
from .base import Reader
from .unsupported import unsupported

SUFFIXES = frozenset({".doc", ".wps", ".et"})
TIMEOUT = 120.0


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy(path: Path, data: bytes) -> SourceDoc:
    exe = soffice()
    suffix = path.suffix.lower()
    if exe is None:
        raise unsupported(path, f"a legacy {suffix} file and LibreOffice is not installed")
    target = "xlsx" if suffix == ".et" else "docx"
    with tempfile.TemporaryDirectory(prefix="jixiao-soffice-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        cmd = [
            exe,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp}/profile",
            "--convert-to",
            target,
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            subprocess.run(
                cmd,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired as e:
            raise ReadError(
                f"{path.name}: LibreOffice did not convert it in {TIMEOUT:.0f} s"
            ) from e
        out = Path(tmp) / f"input.{target}"
        if not out.is_file():
            raise ReadError(f"{path.name}: LibreOffice could not convert it to .{target}")
        converted = out.read_bytes()
    doc = office.read_office(path.with_suffix(f".{target}"), converted)
    doc.path, doc.source, doc.doc_id = str(path), path.name, doc_id_of(data)
    doc.form = suffix.lstrip(".")
    doc.findings.append(
        Finding("info", "converted_legacy", f"{path.name}: read after conversion to .{target}")
    )
    return doc


READER = Reader("legacy", SUFFIXES, read_legacy)
