"""The swap of a run's datasets into the output is atomic for readers.

A child process runs an ingest whose every ``os.rename``/``os.replace`` inside
``write.swap_in`` is counted, and kills itself (``os._exit``) right after the N-th one,
for N = 1, 2, … until a run gets through.  After each kill the output is read as a
reader would (pyarrow, DuckDB, the manifest): every dataset is there and the whole output
is the previous run's or the new run's, never a mix; and the next run finishes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from pipeline.run import ingest_paths
from pipeline.write import DATASETS, read_dataset, read_manifest
from tests.conftest import ROOT, SAMPLE

TEXT = ROOT / "tests" / "fixtures" / "text"

CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    import pipeline.run as run
    import pipeline.write as write

    n, count = int(sys.argv[3]), 0
    real = {"rename": os.rename, "replace": os.replace}
    original = write.swap_in

    def counted(name):
        def call(*a, **k):
            global count
            real[name](*a, **k)
            count += 1
            if count == n:
                os._exit(9)  # killed right after the n-th rename
        return call

    def swap_in(*a, **k):
        os.rename, os.replace = counted("rename"), counted("replace")
        try:
            return original(*a, **k)
        finally:
            os.rename, os.replace = real["rename"], real["replace"]

    run.swap_in = swap_in
    run.ingest_paths([Path(sys.argv[1])], Path(sys.argv[2]), executor="inline")
    print("finished", count)
    """
)


def _state(out: Path) -> tuple[str, ...] | None:
    """What a reader sees: the sorted sources of ``documents``, after checking that every
    dataset and the manifest agree on them; None when no dataset is there at all."""
    present = [n for n in DATASETS if (out / n).is_dir()]
    if not present and not (out / "_manifest.json").exists():
        return None
    assert present == list(DATASETS), f"datasets missing: {set(DATASETS) - set(present)}"
    docs = tuple(sorted(d["source"] for d in read_dataset(out, "documents").to_pylist()))
    for name in ("targets", "indicators", "findings"):
        sources = set(read_dataset(out, name, ["source"])["source"].to_pylist())
        assert sources <= set(docs), f"{name} holds rows of another run: {sources - set(docs)}"
    con = duckdb.connect()
    n = con.execute(
        f"SELECT count(DISTINCT source) FROM read_parquet('{out}/targets/**/*.parquet')"
    ).fetchone()[0]
    assert n == len(docs)
    m = read_manifest(out)
    assert m is not None and tuple(sorted(e["source"] for e in m["inputs"])) == docs
    return docs


def _kill_after_each_rename(src: Path, start: Path | None, tmp: Path) -> tuple[int, set]:
    tmp.mkdir(exist_ok=True)
    script = tmp / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    seen = set()
    for n in range(1, 60):
        out = tmp / f"out{n}"
        if start is not None:
            shutil.copytree(start, out, symlinks=True)
        r = subprocess.run(
            [sys.executable, str(script), str(src), str(out), str(n)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if r.returncode == 0:
            assert "finished" in r.stdout
            return n, seen
        assert r.returncode == 9, r.stderr
        seen.add(_state(out))
        ingest_paths([src], out, executor="inline")  # the next run finishes the job
        assert _state(out) is not None
    raise AssertionError("the swap never finished")


def test_killed_after_any_rename_the_output_is_old_or_new_whole(tmp_path: Path):
    old_src, new_src = tmp_path / "old", tmp_path / "new"
    old_src.mkdir()
    new_src.mkdir()
    shutil.copy(SAMPLE, old_src / "a.txt")
    shutil.copy(TEXT / "chengdu_wuhou_wsjk_2025.txt", old_src / "b.txt")
    shutil.copy(TEXT / "chengdu_wuhou_wsjk_2025.md", new_src / "c.md")
    base = tmp_path / "base"
    ingest_paths([old_src], base, executor="inline")
    ingest_paths([old_src], base, executor="inline")  # a second version, as in steady use
    renames, seen = _kill_after_each_rename(new_src, base, tmp_path / "steady")
    assert renames >= 3
    assert seen == {("a.txt", "b.txt"), ("c.md",)}  # both sides of the pointer were hit


def test_a_first_run_killed_shows_nothing_or_everything(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE, src / "a.txt")
    (tmp_path / "first").mkdir()
    _, seen = _kill_after_each_rename(src, None, tmp_path / "first")
    assert seen <= {None, ("a.txt",)} and None in seen
