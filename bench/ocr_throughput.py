"""Benchmark of the OCR reader: seconds per A4 page, peak memory, character accuracy.

In:  page images / image-only PDFs (default: the fixtures in tests/fixtures/scan/, whose
     true text comes from tests/gold_scan/ via the fixture generator's table layout).
Out: one line per file on stdout (pages, seconds per page, character accuracy when the
     true text is known), then model load time, median seconds per page and peak RSS.

Run from the repository root: ``python bench/ocr_throughput.py [FILES…] [--repeat N]``.
Character accuracy = 1 − Levenshtein distance / length of the true text, over all cell
and title texts in reading order (NFKC, whitespace removed, as tests/score.py compares).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.model import Row  # noqa: E402
from pipeline.readers import ocr as read_ocr  # noqa: E402

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


def char_accuracy(truth: str, rows: list[Row]) -> float:
    from rapidfuzz.distance import Levenshtein

    got = _norm("".join(c.text for r in rows for c in r.cells))
    return 1 - Levenshtein.distance(truth, got) / max(len(truth), 1)


def ocr_file(path: Path) -> tuple[list[Row], list[float]]:
    """Rows of a file and the seconds each page took."""
    data = path.read_bytes()
    rows: list[Row] = []
    times: list[float] = []
    if data[:5] == b"%PDF-":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            for p in range(1, len(pdf) + 1):
                t0 = time.perf_counter()
                img = read_ocr.render_pdf_page(pdf, p)
                rows += read_ocr.ocr_page_image(img, p, len(rows) + 1, 0, 72 / read_ocr.OCR_DPI)
                times.append(time.perf_counter() - t0)
        finally:
            pdf.close()
        return rows, times
    for p, img in enumerate(read_ocr.load_image_pages(data, path.name), start=1):
        t0 = time.perf_counter()
        rows += read_ocr.ocr_page_image(img, p, len(rows) + 1, 0)
        times.append(time.perf_counter() - t0)
    return rows, times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=2, help="runs per file (median reported)")
    a = ap.parse_args()
    files = a.files or sorted(p for p in SCAN.iterdir() if p.is_file())
    t0 = time.perf_counter()
    read_ocr.ocr_engine()
    load = time.perf_counter() - t0
    all_pages: list[float] = []
    for f in files:
        per_run = []
        rows: list[Row] = []
        for _ in range(a.repeat):
            rows, times = ocr_file(f)
            per_run.append(times)
        n = len(per_run[0])
        med = [statistics.median(run[k] for run in per_run) for k in range(n)]
        all_pages += med
        truth = true_text(f.name)
        acc = f"  char accuracy {char_accuracy(truth, rows):.4f}" if truth else ""
        print(f"{f.name}: {n} page(s), {statistics.mean(med):.2f} s/page{acc}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model load {load:.2f} s (first page also pays ~1 s of warm-up)")
    print(
        f"median {statistics.median(all_pages):.2f} s/page over {len(all_pages)} pages "
        f"(threads: {read_ocr._THREADS})"
    )
    print(f"peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
