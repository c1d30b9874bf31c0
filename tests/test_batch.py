"""Batch runs: parallel = sequential, incremental re-runs, a run killed with SIGKILL, a
poisoned batch, a worker killed mid-file, and the Dask executor on a local cluster.

What is real and what is arranged here:
* the SIGKILL test kills a real ``python -m pipeline ingest`` (its whole process group:
  the CLI, the fork server and the workers) once it has finished a few parts;
* the "parser loop" of the poisoned batch is a real, valid 50 MB file of tables that the
  pipeline would need well over the test's 10 s timeout for, so its worker is really
  stopped by the timeout (no parser is patched to loop);
* the crashed worker is a real worker process killed with SIGKILL from outside (what the
  OOM killer does) while it reads a slow file;
* "parses nothing" is counted by wrapping ``process_file`` where the inline executor calls
  it (the local executor's workers are other processes; there ``Summary.parsed`` counts).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import psutil
import pyarrow.dataset as ds
import pytest

import pipeline.executors as executors
from pipeline.query import connect
from pipeline.run import BusyError, Progress, _locked, ingest_paths
from pipeline.write import DATASETS, MANIFEST, read_dataset, read_manifest
from tests.conftest import ROOT, SAMPLE

HANDMADE = sorted((ROOT / "tests" / "fixtures" / "handmade").iterdir())
N_SAMPLE = 140  # indicators in the sample (its gold)


def copies(folder: Path, n: int, prefix: str = "doc", start: int = 0) -> list[Path]:
    """``n`` copies of the sample with distinct names and content hashes."""
    folder.mkdir(parents=True, exist_ok=True)
    data = SAMPLE.read_bytes()
    out = []
    for i in range(start, start + n):
        p = folder / f"{prefix}{i:04d}.txt"
        p.write_bytes(data + f"\n<!-- copy {prefix}{i} -->\n".encode())
        out.append(p)
    return out


def snapshot(out: Path) -> dict[str, bytes]:
    """Every dataset file and the manifest, by relative path."""
    files = {MANIFEST: (out / MANIFEST).read_bytes()}
    for name in DATASETS:
        for f in sorted((out / name).rglob("*.parquet")):
            files[f.relative_to(out).as_posix()] = f.read_bytes()
    return files


def stable(manifest: dict) -> dict:
    """A manifest without what may differ between two runs of the same batch."""
    return {k: v for k, v in manifest.items() if k not in ("started", "finished", "seconds", "run")}


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Sample copies, the hand-made HTML/Markdown fixtures, an empty and a prose file."""
    src = tmp_path / "in"
    copies(src, 7)
    for f in HANDMADE:
        (src / f.name).write_bytes(f.read_bytes())
    (src / "empty.txt").write_bytes(b"")
    (src / "prose.txt").write_text("这是一份工作总结，没有任何表格。\n", encoding="utf-8")
    return src


def test_parallel_output_is_the_sequential_output(mixed: Path, tmp_path: Path):
    a = ingest_paths([mixed], tmp_path / "a", executor="inline", part_docs=4)
    b = ingest_paths([mixed], tmp_path / "b", jobs=2, part_docs=4)
    assert (a.documents, a.failed, a.indicators) == (b.documents, b.failed, b.indicators)
    assert a.documents == 11 and a.failed == 1 and a.indicators == 7 * N_SAMPLE + 17
    sa, sb = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert sa.keys() == sb.keys()
    assert {k for k in sa if k.startswith("indicators/")} == {
        f"indicators/year-{y}/part-{p:05d}.parquet"
        for y, p in [(2023, 2), (2024, 0), (2024, 1), (2025, 0)]
    }
    for k in sa.keys() - {MANIFEST}:
        assert sa[k] == sb[k], f"{k} differs"  # the same bytes, not only the same rows
    ma, mb = read_manifest(tmp_path / "a"), read_manifest(tmp_path / "b")
    assert stable(ma) == stable(mb)
    assert [e["source"] for e in ma["inputs"]] == sorted(p.name for p in mixed.iterdir())
    assert ma["run"]["executor"] == "inline" and mb["run"]["jobs"] == 2


def test_rows_without_a_year_go_to_year_0(tmp_path: Path):
    md = (ROOT / "tests" / "fixtures" / "handmade" / "zunyi_health_2023.md").read_text("utf-8")
    src = tmp_path / "in"
    src.mkdir()
    (src / "zunyi_health.md").write_text(md.replace("2023年", ""), encoding="utf-8")
    (src / "sample.txt").write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    ingest_paths([src], out, executor="inline")
    assert sorted(p.parent.name for p in (out / "indicators").rglob("*.parquet")) == [
        "year-0",
        "year-2024",
    ]
    years = Counter(read_dataset(out, "indicators", ["year"])["year"].to_pylist())
    assert years == {2024: N_SAMPLE, 0: 7}
    con = connect(out)
    assert con.execute("SELECT typeof(year) FROM indicators LIMIT 1").fetchone() == ("INTEGER",)
    assert con.execute("SELECT count(*) FROM indicators WHERE year = 0").fetchone() == (7,)
    df = pd.read_parquet(out / "indicators")  # pandas reads it as it is
    assert int((df["year"] == 0).sum()) == 7
    only = tmp_path / "only"  # a dataset whose tables all lack a year stays readable
    ingest_paths([src / "zunyi_health.md"], only, executor="inline")
    assert ds.dataset(only / "indicators", partitioning="hive").to_table().num_rows == 7


def test_unchanged_rerun_parses_nothing(mixed: Path, tmp_path: Path, monkeypatch):
    calls: list[str] = []
    real = executors.process_file

    def counting(path, cfg):  # noqa: ANN001, ANN202
        calls.append(Path(path).name)
        return real(path, cfg)

    monkeypatch.setattr(executors, "process_file", counting)
    out = tmp_path / "out"
    first = ingest_paths([mixed], out, executor="inline", part_docs=4)
    assert len(calls) == first.parsed == 11 and first.reused == 0
    before = snapshot(out)

    calls.clear()
    seen: list[str] = []
    again = ingest_paths(
        [mixed], out, executor="inline", part_docs=4, on_file=lambda p, r: seen.append(r.status)
    )
    assert calls == [] and again.parsed == 0 and again.reused == 11
    assert sorted(seen) == sorted(["ok"] * 9 + ["empty", "error"])  # every input reported
    assert (again.documents, again.failed, again.indicators) == (11, 1, first.indicators)
    assert again.findings == first.findings
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k != MANIFEST} == {
        k: v for k, v in before.items() if k != MANIFEST
    }
    assert stable(json.loads(after[MANIFEST])) == stable(json.loads(before[MANIFEST]))
    assert not (out / "_work").exists()

    # one file changed, one removed, one added: only the changed and added are parsed
    calls.clear()
    (mixed / "doc0003.txt").write_bytes(SAMPLE.read_bytes())
    (mixed / "doc0005.txt").unlink()
    copies(mixed, 1, "new")
    third = ingest_paths([mixed], out, executor="inline", part_docs=4)
    assert sorted(calls) == ["doc0003.txt", "new0000.txt"] and third.reused == 9
    docs = read_dataset(out, "documents").to_pylist()
    assert [d["source"] for d in docs] == sorted(p.name for p in mixed.iterdir())
    fresh = ingest_paths([mixed], tmp_path / "fresh", executor="inline", part_docs=4)
    assert fresh.parsed == 11
    for name in DATASETS:  # reused rows are exactly what parsing gives
        assert read_dataset(out, name).equals(read_dataset(tmp_path / "fresh", name)), name

    # no incremental: everything parsed again
    calls.clear()
    ingest_paths([mixed], out, executor="inline", part_docs=4, incremental=False)
    assert len(calls) == 11


def test_another_run_on_the_same_output_is_refused(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    with _locked(out), pytest.raises(BusyError):
        ingest_paths([SAMPLE], out, executor="inline")


def test_sigkill_mid_batch_keeps_the_previous_dataset_and_the_next_run_finishes(
    tmp_path: Path,
):
    src, out = tmp_path / "in", tmp_path / "out"
    copies(src, 20, "a")
    ingest_paths([src], out, jobs=2, part_docs=20)
    before = snapshot(out)
    copies(src, 280, "b")  # 300 inputs now
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(src), "-o", str(out), "-q"]
    cmd += ["--jobs", "2", "--part-docs", "20"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    try:
        while len(list(out.glob("_work/*/windows/w-*.json"))) < 3:  # 60 documents done
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI, its fork server and its workers
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    # the previous dataset is untouched and readable
    assert snapshot(out) == before
    con = duckdb.connect()
    n = con.execute(
        f"SELECT count(*) FROM read_parquet('{out}/indicators/**/*.parquet', "
        "hive_partitioning = true)"
    ).fetchone()[0]
    assert n == 20 * N_SAMPLE

    # the next run finishes the job, reusing what the killed run had finished
    s = ingest_paths([src], out, jobs=2, part_docs=20)
    assert s.documents == 300 and s.failed == 0 and s.reused >= 60
    docs = read_dataset(out, "documents", ["doc_id", "source", "status"]).to_pylist()
    assert len(docs) == 300 and len({(d["doc_id"], d["source"]) for d in docs}) == 300
    assert sorted(d["source"] for d in docs) == sorted(p.name for p in src.iterdir())
    assert read_dataset(out, "indicators", ["doc_id"]).num_rows == 300 * N_SAMPLE
    m = read_manifest(out)
    assert m["counts"]["documents"] == 300 and len(m["inputs"]) == 300
    assert not (out / "_work").exists()


def test_poisoned_batch_lands_every_good_document(tmp_path: Path):
    src = tmp_path / "in"
    good = copies(src, 4)
    (src / "junk.txt").write_bytes(os.urandom(1 << 16))  # binary junk with a .txt name
    (src / "junk.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(1 << 16))  # a broken PDF
    (src / "zero.txt").write_bytes(b"")
    line = "这是一份工作总结，没有任何表格。" * 4 + "\n"
    (src / "big_prose.txt").write_bytes(line.encode() * 52_000)  # 10 MB, no tables
    (src / "big_tables.txt").write_bytes(SAMPLE.read_bytes() * 1_270)  # 50 MB of tables
    s = ingest_paths([src], tmp_path / "out", jobs=2, timeout=10)
    docs = {d["source"]: d for d in read_dataset(tmp_path / "out", "documents").to_pylist()}
    assert set(docs) == {p.name for p in src.iterdir()}  # nothing lost
    assert {p.name for p in good} == {k for k, d in docs.items() if d["status"] == "ok"}
    assert docs["big_prose.txt"]["status"] == "empty"  # read in full, no tables: it landed
    assert all(docs[k]["status"] == "error" for k in ("junk.txt", "junk.pdf", "zero.txt"))
    assert docs["big_tables.txt"]["status"] == "error"
    assert "no result after 10 s" in docs["big_tables.txt"]["error"]
    codes = {
        (f["source"], f["code"])
        for f in read_dataset(tmp_path / "out", "findings").to_pylist()
        if f["severity"] == "error"
    }
    assert ("big_tables.txt", "worker_timeout") in codes
    assert {("junk.txt", "read_error"), ("zero.txt", "read_error")} <= codes
    assert any(src == "junk.pdf" for src, _ in codes)
    assert s.indicators == 4 * N_SAMPLE and s.failed == 4
    m = read_manifest(tmp_path / "out")
    assert {e["source"]: e["code"] for e in m["inputs"]}["big_tables.txt"] == "worker_timeout"

    # a file over the size limit is not read at all
    s = ingest_paths([good[0]], tmp_path / "small", jobs=1, max_bytes=1000)
    [d] = read_dataset(tmp_path / "small", "documents").to_pylist()
    assert d["status"] == "error" and "over the 1000-byte limit" in d["error"]
    assert s.findings == {"too_large": 1}


def _kill_workers_later(delay: float) -> None:
    """SIGKILL the pool's worker processes (children of our fork server) after ``delay``."""

    def kill() -> None:
        time.sleep(delay)
        me = psutil.Process()
        for server in me.children():
            if "forkserver" in " ".join(server.cmdline()):
                for worker in server.children():
                    os.kill(worker.pid, signal.SIGKILL)

    threading.Thread(target=kill, daemon=True).start()


def test_a_killed_worker_becomes_a_finding_and_the_pool_goes_on(tmp_path: Path):
    src = tmp_path / "in"
    copies(src, 1, "a")
    (src / "b_slow.txt").write_bytes(SAMPLE.read_bytes() * 400)  # ~16 MB of tables: seconds
    copies(src, 2, "c")
    fired = []

    def on_progress(p: Progress) -> None:
        if p.done == 1 and not fired:  # a is done, the single worker has started on b
            fired.append(True)
            _kill_workers_later(0.5)

    s = ingest_paths([src], tmp_path / "out", jobs=1, on_progress=on_progress)
    docs = {d["source"]: d for d in read_dataset(tmp_path / "out", "documents").to_pylist()}
    assert docs["b_slow.txt"]["status"] == "error"
    assert "worker process died (signal SIGKILL)" in docs["b_slow.txt"]["error"]
    assert [docs[k]["status"] for k in ("a0000.txt", "c0000.txt", "c0001.txt")] == ["ok"] * 3
    assert s.findings["worker_crashed"] == 1 and s.failed == 1


def test_dask_local_cluster_writes_the_same_datasets(mixed: Path, tmp_path: Path):
    ingest_paths([mixed], tmp_path / "local", jobs=2, part_docs=4)
    dask = ingest_paths([mixed], tmp_path / "dask", jobs=2, part_docs=4, executor="dask")
    assert (dask.documents, dask.failed, dask.parsed) == (11, 1, 11)
    sl, sd = snapshot(tmp_path / "local"), snapshot(tmp_path / "dask")
    assert sl.keys() == sd.keys()
    for k in sl.keys() - {MANIFEST}:
        assert sl[k] == sd[k], f"{k} differs"
    md = read_manifest(tmp_path / "dask")
    assert stable(md) == stable(read_manifest(tmp_path / "local"))
    assert md["run"]["executor"] == "dask"
    # and a timeout is enforced on the cluster as locally
    slow = tmp_path / "slow"
    slow.mkdir()
    (slow / "big.txt").write_bytes(SAMPLE.read_bytes() * 400)
    s = ingest_paths([slow], tmp_path / "dask2", jobs=1, executor="dask", timeout=0.5)
    assert s.findings["worker_timeout"] == 1
