"""Benchmark of the OCR reader against the OCR engine alone: seconds per page, ratio,
peak memory, character accuracy.

In:  page images / image-only PDFs (default: the fixtures in tests/fixtures/scan/, whose
     true text comes from tests/gold_scan/ via the fixture generator's table layout).
Out: one line per page on stdout, side by side: jixiao's seconds for the page (PDF
     rendering, clean-up, deskew, orientation, table structure, one OCR pass, cell
     assembly) and RapidOCR's own seconds on the same page image (a plain
     ``RapidOCR()`` with its default settings and the same thread count), and their
     ratio; then per file the character accuracy when the true text is known, and in
     closing the medians, the ratio of the totals, model load time and peak RSS.

Run from the repository root: ``python bench/ocr_throughput.py [FILES…] [--repeat N]
[--threads N]``.  ``--threads`` is the OCR runtime's thread count (default: what a
worker of a ``--jobs 2`` run on this machine gets, cores // 2).  Both readers run in
this one process, alternating page by page, so they see the same machine load.
Character accuracy = 1 − Levenshtein distance / length of the true text, over all cell
and title texts in reading order (NFKC, whitespace removed, as tests/score.py compares).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCAN = ROOT / "tests" / "fixtures" / "scan"
GOLD = ROOT / "tests" / "gold_scan"


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def true_text(source: str) -> str | None:
    """The text drawn on a generated fixture, in reading order (None if unknown)."""
    gold = GOLD / (Path(source).stem + ".gold.json")
    if not gold.exists():
        return None
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    import make_scan_fixtures as gen

    g = json.loads(gold.read_text(encoding="utf-8"))
    out = []
    for t in g["tables"]:
        out += [gen.TITLE, "（2024年度）", f"编制单位（盖章）：{gen.ISSUER}", "单位：元"]
        cells = sorted(gen.project_cells(t), key=lambda c: (c.row, c.col))
        out += [c.text for c in cells]
    return _norm("".join(out))


def char_accuracy(truth: str, rows: list) -> float:
    from rapidfuzz.distance import Levenshtein

    got = _norm("".join(c.text for r in rows for c in r.cells))
    return 1 - Levenshtein.distance(truth, got) / max(len(truth), 1)


def page_images(path: Path) -> list:
    """The page images of a file as jixiao's OCR reader gets them (PDF pages rendered at
    ``OCR_DPI``), with the seconds rendering each took."""
    from pipeline.readers import ocr as read_ocr

    data = path.read_bytes()
    if data[:5] == b"%PDF-":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        out = []
        try:
            for p in range(1, len(pdf) + 1):
                t0 = time.perf_counter()
                img = read_ocr.render_pdf_page(pdf, p)
                out.append((img, time.perf_counter() - t0, 72 / read_ocr.OCR_DPI))
        finally:
            pdf.close()
        return out
    return [(img, 0.0, 1.0) for img in read_ocr.load_image_pages(data, path.name)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=2, help="runs per page (median reported)")
    ap.add_argument("--threads", type=int, default=max(1, (os.cpu_count() or 1) // 2))
    a = ap.parse_args()
    os.environ["JIXIAO_OCR_THREADS"] = str(a.threads)
    from pipeline.readers import ocr as read_ocr  # after the thread count is set

    files = a.files or sorted(p for p in SCAN.iterdir() if p.is_file())
    t0 = time.perf_counter()
    read_ocr.ocr_engine()
    load = time.perf_counter() - t0
    from rapidocr import RapidOCR

    alone = RapidOCR(
        params={
            "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": a.threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )
    warm = page_images(files[0])[0][0]
    read_ocr.ocr_page_image(warm, 1, 1, 0)  # both pay their first-run warm-up here
    alone(warm)
    ours_all: list[float] = []
    theirs_all: list[float] = []
    print(f"{'page':<28} {'jixiao s':>9} {'RapidOCR s':>11} {'ratio':>6}")
    for f in files:
        rows: list = []
        for p, (img, render_s, scale) in enumerate(page_images(f), start=1):
            ours, theirs = [], []
            for _ in range(a.repeat):
                t = time.perf_counter()
                page_rows = read_ocr.ocr_page_image(img, p, len(rows) + 1, 0, scale)
                ours.append(time.perf_counter() - t + render_s)
                t = time.perf_counter()
                alone(img)
                theirs.append(time.perf_counter() - t)
            rows += page_rows
            o, r = statistics.median(ours), statistics.median(theirs)
            ours_all.append(o)
            theirs_all.append(r)
            print(f"{f.name + ' p' + str(p):<28} {o:>9.2f} {r:>11.2f} {o / r:>6.2f}")
        truth = true_text(f.name)
        if truth:
            print(f"  {f.name}: char accuracy {char_accuracy(truth, rows):.4f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"median s/page over {len(ours_all)} pages: jixiao {statistics.median(ours_all):.2f}, "
        f"RapidOCR alone {statistics.median(theirs_all):.2f}; "
        f"ratio of totals {sum(ours_all) / sum(theirs_all):.3f} (threads: {a.threads})"
    )
    print(f"model load {load:.2f} s; peak RSS of this process {rss:.0f} MiB")


if __name__ == "__main__":
    main()
