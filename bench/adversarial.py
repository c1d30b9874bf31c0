"""Hostile inputs: seconds and peak memory per case, then a whole batch.

In:  nothing (the cases are built in a temporary folder by ``tests/hostile.py``, full
size unless ``--scale small``).  Out: a table on stdout, one line per case: the
document's status, seconds and the peak resident memory of the process that read it
(a fresh process per case, with the worker's memory cap, so one case cannot inflate
another's figure; "read s" is ``process_file`` alone, "proc s" includes start-up); then the batch of the sample plus every case through
``python -m pipeline ingest -j 2`` with default settings: its wall time and the peak
memory of its whole process tree (CLI, fork server, workers; sampled every 50 ms).

    .venv/bin/python bench/adversarial.py [--scale full|small] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_ONE = """
import json, sys, time
from pipeline.executors import cap_memory
from pipeline.readers.limits import limits
cap_memory(limits().max_memory_mb)
from pipeline.config import load_config
from pipeline.run import process_file
cfg = load_config(None)
t0 = time.perf_counter()
r = process_file(sys.argv[1], cfg)
secs = time.perf_counter() - t0
codes = sorted({f.code for f in r.findings if f.severity != "info"})
print(json.dumps({"status": r.status, "codes": codes, "error": r.error, "secs": secs}))
"""


def one(path: Path) -> tuple[dict, float, float]:
    """Read one file in a fresh process: (result with ``secs``, the time of
    ``process_file`` alone; the process's seconds, start-up included; its peak RSS MB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _ONE, str(path)], stdout=subprocess.PIPE, cwd=ROOT, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    secs = time.perf_counter() - t0
    try:
        res = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        res = {"status": f"exit {proc.returncode}", "codes": [], "error": None, "secs": secs}
    return res, secs, usage.ru_maxrss / 1024


def tree_rss(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, MB."""
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / (1 << 20)


def batch(src: Path, out: Path, jobs: int) -> tuple[int, float, float, str]:
    """``jixiao ingest`` over ``src``: (exit code, seconds, peak tree RSS MB, summary)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "ingest", str(src), "-o", str(out), "-j", str(jobs)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.05)
    secs = time.perf_counter() - t0
    return proc.returncode, secs, peak, proc.stdout.read() if proc.stdout else ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=("full", "small"), default="full")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from tests import hostile
    from tests.conftest import SAMPLE

    with tempfile.TemporaryDirectory(prefix="jixiao-adversarial-") as tmp:
        src = Path(tmp) / "in"
        t0 = time.perf_counter()
        cases = hostile.build(src, args.scale)
        print(f"built {len(cases)} {args.scale} cases in {time.perf_counter() - t0:.1f} s")
        (src / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
        cases = {"sample": src / SAMPLE.name, **cases}
        print(
            f"{'case':<16} {'bytes':>11} {'status':<8} {'read s':>7} {'proc s':>7} "
            f"{'peak MB':>8}  findings"
        )
        for case, path in cases.items():
            res, secs, peak = one(path)
            codes = ",".join(res["codes"])
            size = path.stat().st_size
            print(
                f"{case:<16} {size:>11,} {res['status']:<8} {res['secs']:>7.2f} {secs:>7.2f} "
                f"{peak:>8.0f}  {codes}"
            )
        code, secs, peak, summary = batch(src, Path(tmp) / "out", args.jobs)
        traceback = "Traceback" in summary
        print(
            f"batch: {len(cases)} files, -j {args.jobs}: exit {code}, {secs:.1f} s, peak memory "
            f"of the process tree {peak:,.0f} MB, traceback printed: {traceback}"
        )


if __name__ == "__main__":
    main()
