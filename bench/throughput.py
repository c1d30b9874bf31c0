"""Throughput benchmark: ingest N copies of the sample and print documents/s, tables/s,
indicators/s and peak memory.

    .venv/bin/python bench/throughput.py [--docs 200] [--sample data/raw/…txt]

Copies get distinct names (and a distinct trailing comment line, so distinct content
hashes); the run covers read → segment → interpret → normalize → validate → Parquet.
One copy is ingested first, untimed, so imports and lazy set-up are not counted.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from pipeline.config import load_config
from pipeline.run import ingest_paths

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument(
        "--sample", type=Path, default=ROOT / "data" / "raw" / "liupanshui_gov_office_2024.txt"
    )
    a = ap.parse_args()
    data = a.sample.read_bytes()
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    try:
        src = tmp / "in"
        src.mkdir()
        for i in range(a.docs):
            (src / f"doc{i:05d}.txt").write_bytes(data + f"\n<!-- copy {i} -->\n".encode())
        cfg = load_config()
        t_cold = time.perf_counter()
        ingest_paths([src / "doc00000.txt"], tmp / "warm", cfg)  # imports, caches
        t0 = time.perf_counter()
        s = ingest_paths([src], tmp / "out", cfg)
        dt = time.perf_counter() - t0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {s.documents} in {dt:.2f} s -> {s.documents / dt:.1f} documents/s")
    print(f"tables:    {s.tables} -> {s.tables / dt:.1f} tables/s")
    print(f"indicators:{s.indicators} -> {s.indicators / dt:.1f} indicators/s")
    print(f"peak RSS:  {peak_mb:.0f} MB (warm-up incl. imports: {t0 - t_cold:.2f} s)")


if __name__ == "__main__":
    main()
