"""Headless Chromium (Debian's ``chromium``) for tests that open a page like a person would.

``dump_dom(path)`` returns the DOM after scripts ran; ``screenshot(path, png)`` writes a
PNG.  Tests that need it call ``require()``, which skips with a clear reason where the
browser is missing (``scripts/test-packages.sh``, run by ``scripts/test.sh``, installs it
when it runs as root).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require() -> str:
    b = binary()
    if b is None:
        pytest.skip("Debian chromium is not installed (scripts/test.sh installs it as root)")
    return b


def _run(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="jixiao-chromium-") as profile:
        cmd = [require(), *FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def dump_dom(page: Path, width: int = 1280, height: int = 2000) -> str:
    """The DOM of ``page`` after its scripts ran, in a window of ``width`` × ``height``."""
    res = _run(
        [
            "--virtual-time-budget=5000",
            f"--window-size={width},{height}",
            "--dump-dom",
            page.resolve().as_uri(),
        ]
    )
    return res.stdout


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2000) -> Path:
    _run(
        [
            "--virtual-time-budget=5000",
            f"--window-size={width},{height}",
            f"--screenshot={png.resolve()}",
            page.resolve().as_uri(),
        ]
    )
    return png
