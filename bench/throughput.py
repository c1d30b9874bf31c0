"""Throughput benchmark: ingest N copies of the sample and print documents/s, tables/s,
indicators/s, peak memory, the speed-up of ``--jobs N`` over one worker, and the time of
an unchanged re-run.

    .venv/bin/python bench/throughput.py [--docs 2000] [--jobs 2] [--executor local]
                                         [--sample data/raw/…txt] [--no-baseline]

Copies get distinct names (and a distinct trailing comment line, so distinct content
hashes); each run covers hashing → read → segment → interpret → normalize → validate →
Parquet → manifest, into a fresh output directory.  One copy is ingested first, untimed,
so imports, the worker fork server and lazy set-up are not counted.  Then:

1. ``--jobs 1`` (the baseline, same executor) unless ``--no-baseline`` or ``--jobs 1``;
2. ``--jobs N``, with the peak resident memory of the parent, of the largest worker and of
   the whole process tree (sampled every 250 ms with psutil);
3. the same batch again into the same directory (nothing changed: every document is
   reused), as a fraction of run 2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

from pipeline.config import load_config
from pipeline.run import Summary, ingest_paths

ROOT = Path(__file__).resolve().parent.parent


class PeakRSS:
    """Samples the RSS of this process and all its descendants in a thread."""

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.parent = self.worker = self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                own = me.memory_info().rss
                kids = []
                for c in me.children(recursive=True):
                    try:
                        kids.append(c.memory_info().rss)
                    except psutil.Error:
                        pass
                self.parent = max(self.parent, own)
                self.worker = max(self.worker, max(kids, default=0))
                self.total = max(self.total, own + sum(kids))
            except psutil.Error:
                pass
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(label: str, src: Path, out: Path, **kw) -> tuple[Summary, float, PeakRSS]:
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        s = ingest_paths([src], out, load_config(), **kw)
        dt = time.perf_counter() - t0
    mb = 2**20
    print(
        f"{label:<28} {s.documents} docs in {dt:6.2f} s -> {s.documents / dt:7.1f} documents/s"
        f"  ({s.parsed} parsed, {s.reused} reused, {s.failed} failed)"
    )
    print(
        f"{'':<28} peak RSS: parent {rss.parent / mb:.0f} MB, largest worker "
        f"{rss.worker / mb:.0f} MB, all processes {rss.total / mb:.0f} MB"
    )
    if s.errors:
        print(f"{'':<28} first error: {s.errors[0][:200]}")
    return s, dt, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--executor", default="local", choices=["local", "dask", "inline"])
    ap.add_argument("--no-baseline", action="store_true", help="skip the --jobs 1 run")
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
        kw = {"executor": a.executor}
        t_cold = time.perf_counter()
        ingest_paths([src / "doc00000.txt"], tmp / "warm", load_config(), jobs=a.jobs, **kw)
        warm = time.perf_counter() - t_cold
        print(f"{a.docs} copies of {a.sample.name}, executor {a.executor}, {os.cpu_count()} CPUs")
        base = None
        if a.jobs > 1 and not a.no_baseline:
            _, base, _ = timed("--jobs 1", src, tmp / "out1", jobs=1, **kw)
            shutil.rmtree(tmp / "out1")
        s, dt, _ = timed(f"--jobs {a.jobs}", src, tmp / "out", jobs=a.jobs, **kw)
        print(f"{'':<28} tables {s.tables / dt:.0f}/s, indicators {s.indicators / dt:.0f}/s")
        if base:
            print(f"{'':<28} speed-up over --jobs 1: {base / dt:.2f}x")
        _, again, _ = timed("unchanged re-run", src, tmp / "out", jobs=a.jobs, **kw)
        print(f"{'':<28} {again / dt:.1%} of the first run's time")
        print(f"(warm-up incl. imports and worker start: {warm:.2f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
