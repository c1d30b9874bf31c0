"""Start-up benchmark: how long the ``jixiao`` command takes before and around real work.

In:  nothing (a one-line text file and tests/fixtures/scan/scan_twopage_t7_t9.tif).
Out: one line per command on stdout: the median wall time of ``--repeat`` runs (each a
     fresh process, as a user runs it) and the fastest: the bare interpreter, importing
     the CLI, ``jixiao --version``, ``jixiao --help``, ``jixiao ingest --help``, ingesting
     a one-line file into a fresh folder, and, unless ``--no-ocr``, ingesting two scanned
     pages against a script that runs the OCR engine alone on the same two page images
     (import, model load and recognition in both), with their ratio.  A run lasts until
     its output pipes close, as a program reading jixiao's output sees it: the fork
     server's exit counts.  The checkout's bytecode is compiled first (``compileall``), as
     every run after the first has it.

Run from the repository root: ``.venv/bin/python bench/startup.py [--repeat N] [--no-ocr]``.
Goals (issue 20): ``--version`` and ``--help`` under 0.2 s, a one-line ingest under 0.8 s.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JIXIAO = str(BIN / "jixiao")
SCAN = ROOT / "tests" / "fixtures" / "scan" / "scan_twopage_t7_t9.tif"

# The OCR engine alone on the pages of SCAN, the same settings jixiao's reader uses
# (threads as a --jobs 1 worker gets them): what jixiao's ingest of SCAN is compared with.
BARE_OCR = f"""
import os
from PIL import Image, ImageSequence
import numpy as np
from rapidocr import RapidOCR
engine = RapidOCR(params={{"Global.log_level": "warning",
    "EngineConfig.onnxruntime.intra_op_num_threads": os.cpu_count() or 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1}})
for frame in ImageSequence.Iterator(Image.open({str(SCAN)!r})):
    engine(np.asarray(frame.convert("RGB")))
"""


def timed(cmd: list[str], repeat: int, fresh: Path | None = None) -> list[float]:
    """Wall seconds of ``repeat`` runs of ``cmd``; ``fresh``: a folder removed before each
    run (an ingest's output, so nothing is reused)."""
    import shutil

    out = []
    for _ in range(repeat):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        t = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, cwd=ROOT, check=False)
        out.append(time.perf_counter() - t)
        if res.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} exited {res.returncode}:\n{res.stderr.decode()}")
    return out


def line(name: str, secs: list[float]) -> float:
    med = statistics.median(secs)
    print(f"{name:<44} {med:7.3f} s median  {min(secs):7.3f} s fastest  ({len(secs)} runs)")
    return med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per command (default 7)")
    ap.add_argument("--no-ocr", action="store_true", help="skip the two scanned pages")
    a = ap.parse_args()
    py = sys.executable
    # the bytecode of the checkout, as every run after the first has it (compileall writes
    # it even where PYTHONDONTWRITEBYTECODE is set, as on CI machines)
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "pipeline")], check=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-startup-") as tmp:
        one = Path(tmp) / "one.txt"
        one.write_text("项目名称：一行\n", encoding="utf-8")
        out = Path(tmp) / "out"
        line("python -c pass", timed([py, "-c", "pass"], a.repeat))
        line("python -c 'import pipeline.cli'", timed([py, "-c", "import pipeline.cli"], a.repeat))
        line("jixiao --version", timed([JIXIAO, "--version"], a.repeat))
        line("jixiao --help", timed([JIXIAO, "--help"], a.repeat))
        line("jixiao ingest --help", timed([JIXIAO, "ingest", "--help"], a.repeat))
        cmd = [JIXIAO, "ingest", str(one), "-o", str(out), "-q"]
        line("jixiao ingest (one-line file)", timed(cmd, a.repeat, fresh=out))
        if a.no_ocr:
            return
        n = max(1, a.repeat // 2)
        cmd = [JIXIAO, "ingest", str(SCAN), "-o", str(out), "-q", "--jobs", "1"]
        ours = line(f"jixiao ingest ({SCAN.name}, 2 pages)", timed(cmd, n, fresh=out))
        bare = line("OCR engine alone (same 2 pages)", timed([py, "-c", BARE_OCR], n))
        print(f"{'ratio jixiao / OCR engine alone':<44} {ours / bare:7.2f}")


if __name__ == "__main__":
    main()
