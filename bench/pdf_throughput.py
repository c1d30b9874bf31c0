"""PDF throughput benchmark: pages per second and peak memory for reading and ingest.

In:  nothing (a batch of text-layer PDFs is generated into a temporary directory with
     ``tests/fixtures/make_pdf_fixtures.build_batch``: one project table per page, ruled
     and borderless layouts, two fonts; needs reportlab and the wqy/uming fonts).
Out: lines on stdout: pages, seconds, pages/s and peak RSS of ``read_pdf`` alone and of a
     full ``pipeline.run.ingest_paths`` to Parquet, each measured in a fresh child
     process, and the ingest's exact-row F1 against the batch's gold; the exit status is
     1 when reading is slower than ``--min-rate`` pages/s.

Run: ``python bench/pdf_throughput.py [--pages 100] [--min-rate 5]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(mode: str, folder: Path, out: Path) -> None:
    """Measure one mode in this (fresh) process and print a JSON line."""
    sys.path.insert(0, str(ROOT))
    files = sorted(folder.glob("*.pdf"))
    t0 = time.perf_counter()
    pages = 0
    if mode == "read":
        from pipeline.readers.pdf import read_pdf

        t0 = time.perf_counter()
        for f in files:
            doc = read_pdf(f, f.read_bytes())
            pages += doc.n_pages or 0
    else:
        from pipeline.readers.pdf import page_text_status
        from pipeline.run import ingest_paths

        pages = sum(len(page_text_status(f)) for f in files)
        t0 = time.perf_counter()
        summary = ingest_paths(files, out)
        if summary.failed:
            raise SystemExit(f"ingest failed: {summary.errors}")
    dt = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "pages": pages, "seconds": dt, "rss_mb": rss_mb}))


def run_child(mode: str, folder: Path, out: Path) -> dict | None:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(folder), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        print(f"{mode}: failed\n{proc.stderr.strip()[-2000:]}")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--min-rate", type=float, default=5.0, help="pages/s reading must reach")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "DIR", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child[0], Path(a.child[1]), Path(a.child[2]))
        return
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    import make_pdf_fixtures

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pdfs"
        t = time.perf_counter()
        gold = Path(tmp) / "gold"
        files = make_pdf_fixtures.build_batch(folder, a.pages, gold_dir=gold)
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"generated {len(files)} PDFs ({size:.1f} MB) in {time.perf_counter() - t:.1f}s")
        rate = 0.0
        for mode in ("read", "ingest"):
            r = run_child(mode, folder, Path(tmp) / "parquet")
            if r is None:
                continue
            pps = r["pages"] / r["seconds"] if r["seconds"] else float("inf")
            if mode == "read":
                rate = pps
            print(
                f"{mode:6}: {r['pages']} pages in {r['seconds']:.2f}s = {pps:.1f} pages/s, "
                f"peak RSS {r['rss_mb']:.0f} MB"
            )
            if mode == "ingest":
                sys.path.insert(0, str(ROOT))
                from tests.score import score

                t, _ = score(gold, Path(tmp) / "parquet", False)
                denom = t["gold_rows"] + t["pred_rows"]
                f1 = 2 * t["exact_rows"] / denom if denom else 0.0
                print(
                    f"ingest: tables {t['matched_tables']}/{t['gold_tables']}, "
                    f"exact-row F1 {f1:.4f} against the batch's gold"
                )
    if rate < a.min_rate:
        print(f"reading is below {a.min_rate} pages/s")
        sys.exit(1)


if __name__ == "__main__":
    main()
