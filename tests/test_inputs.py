"""Every input accounted for, keys that join safely, runs that say what they changed.

* a mixed folder (a ZIP of two PDFs, a .doc, a .pptx, an .ofd, a .json, a text table, an
  empty file, a duplicate copy, a dot-file, a dangling link, a FIFO, and ``/dev/zero``
  and a FIFO named on the command line): every input is a ``documents`` row with a status
  and a reason, the run ends (the FIFO is never opened), the summary names each skipped
  file with what to do, and the ZIP's members are ingested;
* two renamed copies of one document: distinct ``file_id``s, a ``duplicate_content``
  finding, and the README's join gives the right counts;
* ``target_key`` is unique per file (``foo.csv``/``foo.html``/``foo.md`` in one folder);
* the summary names documents dropped since the previous run; ``--append`` keeps them;
* legacy ``.doc`` through LibreOffice (skipped when ``soffice`` is not installed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.model import TableRecord
from pipeline.readers import legacy
from pipeline.run import ingest_paths
from pipeline.validate import budget_plausibility
from pipeline.write import read_dataset
from tests.conftest import ROOT, SAMPLE

PDFS = ROOT / "tests" / "fixtures" / "pdf"
TEXT = ROOT / "tests" / "fixtures" / "text"
OFFICE = ROOT / "tests" / "fixtures" / "office"
N_SAMPLE = 140


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The CLI in a child process (not a terminal), so a hang would show as a timeout."""
    cmd = [sys.executable, "-m", "pipeline", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    src = tmp_path / "mixed"
    src.mkdir()
    pdfs = {p.name: p.read_bytes() for p in sorted(PDFS.glob("*.pdf"))[:2]}
    _zip(src / "attachments.zip", pdfs)
    (src / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048)
    _zip(src / "slides.pptx", {"[Content_Types].xml": b"<x/>", "ppt/presentation.xml": b"<p/>"})
    _zip(src / "notice.ofd", {"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<d/>"})
    (src / "data.json").write_text('{"a": 1}', encoding="utf-8")
    (src / "table.txt").write_bytes(SAMPLE.read_bytes())
    (src / "table_2.txt").write_bytes(SAMPLE.read_bytes())
    (src / "empty.txt").write_bytes(b"")
    (src / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    os.symlink(src / "gone.txt", src / "dangling.txt")
    os.mkfifo(src / "pipe.txt")
    return src


def test_mixed_folder_every_input_is_a_row(mixed: Path, tmp_path: Path):
    fifo = tmp_path / "named.fifo"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    r = _cli("ingest", str(mixed), str(fifo), "/dev/zero", "-o", str(out))
    assert r.returncode == 1, r.stderr  # empty.txt is an error
    assert "Traceback" not in r.stderr
    docs = {d["path"]: d for d in read_dataset(out, "documents").to_pylist()}
    name = {Path(p).name if "!" not in p else p.split("/")[-1]: d for p, d in docs.items()}
    status = {k: d["status"] for k, d in name.items()}
    expected = {
        "attachments.zip": "archive",
        "slides.pptx": "skipped",
        "notice.ofd": "skipped",
        "data.json": "skipped",
        "table.txt": "ok",
        "table_2.txt": "duplicate",
        "empty.txt": "error",
        ".DS_Store": "skipped",
        "dangling.txt": "skipped",
        "pipe.txt": "skipped",
        "named.fifo": "skipped",
        "zero": "skipped",
    }
    for k, v in expected.items():
        assert status[k] == v, (k, name[k])
    assert status["old.doc"] == ("error" if legacy.soffice() else "skipped")
    members = sorted(k for k in status if k.startswith("attachments.zip!"))
    assert len(members) == 2 and all(status[m] == "ok" for m in members)
    # 12 named or found + the FIFO and /dev/zero named + 2 members, one row each
    assert len(docs) == len(expected) + 1 + 2
    assert all(d["reason"] for d in docs.values() if d["status"] != "ok")
    assert name["pipe.txt"]["doc_id"] is None  # never opened, never hashed
    assert "FIFO" in name["named.fifo"]["reason"] and "device" in name["zero"]["reason"]
    assert "dangling" in name["dangling.txt"]["reason"]

    # the members' tables are in the datasets, under their own file_id
    targets = read_dataset(out, "targets", ["file_id", "source"]).to_pylist()
    by_source = {t["source"] for t in targets}
    assert {f"attachments.zip!{Path(m).name.split('!')[-1]}" for m in members} <= by_source
    fids = {d["file_id"] for d in docs.values()}
    assert len(fids) == len(docs)
    assert {t["file_id"] for t in targets} <= fids

    # the summary says what to do with each skipped kind
    summary = " ".join(r.stderr.split())
    assert "skipped" in summary
    assert ".pptx (slides.pptx): slides are not read" in summary
    assert ".ofd (notice.ofd): OFD is not read" in summary
    assert ".json (data.json)" in summary
    if not legacy.soffice():
        assert ".doc (old.doc): convert to .docx, or install LibreOffice" in summary
    assert "(not a regular file)" in summary and "(hidden file)" in summary
    assert "duplicates" in summary
    # one line per file outside a terminal
    for k in ("slides.pptx", "table.txt", "named.fifo"):
        assert re.search(rf"^(ok|skipped|duplicate)\s+\S*{re.escape(k)}", r.stderr, re.M), k


def test_a_folder_of_only_unreadable_files_is_still_accounted_for(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    _zip(src / "slides.pptx", {"ppt/presentation.xml": b"<p/>"})
    (src / "data.json").write_text("{}", encoding="utf-8")
    r = _cli("ingest", str(src), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    docs = read_dataset(tmp_path / "out", "documents").to_pylist()
    assert sorted(d["status"] for d in docs) == ["skipped", "skipped"]


def test_a_zip_bomb_member_is_not_inflated(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    _zip(src / "bomb.zip", {"big.txt": b"0" * (50 * 2**20), "table.txt": SAMPLE.read_bytes()})
    s = ingest_paths([src], tmp_path / "out", executor="inline")
    docs = {d["source"]: d for d in read_dataset(tmp_path / "out", "documents").to_pylist()}
    assert docs["bomb.zip!big.txt"]["status"] == "skipped"
    assert "zip bomb" in docs["bomb.zip!big.txt"]["reason"]
    assert docs["bomb.zip!table.txt"]["status"] == "ok"
    assert s.indicators == N_SAMPLE


def test_renamed_copies_have_their_own_file_id_and_joins_count_right(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for n in ("a.txt", "b.txt"):
        shutil.copy(SAMPLE, src / n)
    out = tmp_path / "out"
    s = ingest_paths([src], out, executor="inline")
    docs = read_dataset(out, "documents").to_pylist()
    assert len({d["doc_id"] for d in docs}) == 1 and len({d["file_id"] for d in docs}) == 2
    assert [d["status"] for d in docs] == ["ok", "duplicate"]
    dup = [f for f in read_dataset(out, "findings").to_pylist() if f["code"] == "duplicate_content"]
    assert len(dup) == 1 and dup[0]["source"] == "b.txt" and "a.txt" in dup[0]["message"]
    assert s.indicators == 2 * N_SAMPLE and s.duplicates

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    join = next(
        q
        for q in re.findall(r"```sql\n(.*?)```", readme, re.S)[0].split(";")
        if "JOIN indicators" in q
    )
    join = "\n".join(ln for ln in join.splitlines() if not ln.strip().startswith("--"))
    assert "file_id" in join
    con = duckdb.connect()
    for name in ("targets", "indicators"):
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out}/{name}/**/*.parquet')"
        )
    rows = {r[:2]: r[2] for r in con.execute(join).fetchall()}
    single = tmp_path / "single"
    ingest_paths([src / "a.txt"], single, executor="inline")
    con2 = duckdb.connect()
    for name in ("targets", "indicators"):
        con2.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{single}/{name}/**/*.parquet')"
        )
    once = {r[:2]: r[2] for r in con2.execute(join).fetchall()}
    assert rows == {k: 2 * n for k, n in once.items()}  # each copy once, nothing multiplied
    measurable = con.execute(
        "SELECT count(*) FROM targets t JOIN indicators i USING (file_id, table_no)"
    ).fetchone()[0]
    assert measurable == 2 * N_SAMPLE


def test_target_keys_are_unique_per_file(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for suffix in ("html", "md", "tsv"):
        shutil.copy(TEXT / f"chengdu_wuhou_wsjk_2025.{suffix}", src / f"foo.{suffix}")
    ingest_paths([src], tmp_path / "out", executor="inline")
    t = read_dataset(tmp_path / "out", "targets", ["source", "target_key"]).to_pylist()
    assert {r["source"] for r in t} == {"foo.html", "foo.md", "foo.tsv"}
    assert len({r["target_key"] for r in t}) == len(t)
    i = read_dataset(tmp_path / "out", "indicators", ["indicator_key", "issuer"]).to_pylist()
    assert len({r["indicator_key"] for r in i}) == len(i)


def test_issuer_on_indicators(tmp_path: Path):
    ingest_paths([SAMPLE], tmp_path / "out", executor="inline")
    i = read_dataset(tmp_path / "out", "indicators", ["issuer"]).to_pylist()
    t = read_dataset(tmp_path / "out", "targets", ["issuer"]).to_pylist()
    assert {r["issuer"] for r in i} == {r["issuer"] for r in t} and any(r["issuer"] for r in i)


def test_dropped_documents_are_named_and_append_keeps_them(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE, src / "a.txt")
    shutil.copy(TEXT / "chengdu_wuhou_wsjk_2025.txt", src / "b.txt")
    out = tmp_path / "out"
    ingest_paths([src], out, executor="inline")
    r = _cli("ingest", str(src / "a.txt"), "-o", str(out), "-q")
    assert r.returncode == 0, r.stderr
    summary = " ".join(r.stderr.split())
    assert "dropped" in summary and "b.txt" in summary and "--append" in summary, r.stderr
    assert [d["source"] for d in read_dataset(out, "documents").to_pylist()] == ["a.txt"]
    ingest_paths([src], out, executor="inline")
    (src / "b.txt").unlink()  # gone from disk: its rows are carried over
    s = ingest_paths([src / "a.txt"], out, executor="inline", append=True)
    assert sorted(d["source"] for d in read_dataset(out, "documents").to_pylist()) == [
        "a.txt",
        "b.txt",
    ]
    assert s.kept == 1 and not s.dropped


def test_budget_implausible_for_its_unit():
    rec = TableRecord(table_no=1, kind="project", form="target", year=2024, budget_yuan=2299.77)
    [f] = budget_plausibility(rec)
    assert f.code == "budget_implausible" and "万元" in f.message
    assert budget_plausibility(TableRecord(1, "project", "target", 2024, budget_yuan=2.3e7)) == []
    assert budget_plausibility(TableRecord(1, "project", "target", 2024, budget_yuan=5e12))


@pytest.mark.skipif(legacy.soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_legacy_doc_is_converted_with_libreoffice(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    subprocess.run(
        [legacy.soffice(), "--headless", "--convert-to", "doc", "--outdir", str(src),
         str(OFFICE / "liupanshui_tables.docx")],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    s = ingest_paths([src], tmp_path / "out", executor="inline")
    [d] = read_dataset(tmp_path / "out", "documents").to_pylist()
    assert d["status"] == "ok" and d["form"] == "doc" and s.indicators > 0


def test_library_warnings_are_findings_of_the_file_being_read(monkeypatch):
    import logging
    import warnings

    from pipeline import run
    from pipeline.config import load_config

    read = run._process

    def noisy(path, cfg):  # noqa: ANN001, ANN202
        warnings.warn("a deprecated call", DeprecationWarning, stacklevel=1)
        logging.getLogger("RapidOCR").warning("\x1b[33mmodel warm-up\x1b[0m")
        return read(path, cfg)

    monkeypatch.setattr(run, "_process", noisy)
    res = run.process_file(SAMPLE, load_config())
    notes = [f.message for f in res.findings if f.code == "library_warning"]
    assert notes == [
        f"{SAMPLE.name}: DeprecationWarning: a deprecated call",
        f"{SAMPLE.name}: RapidOCR: model warm-up",
    ]


def test_log_file_has_one_line_per_input(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE, src / "a.txt")
    (src / "b.json").write_text("{}", encoding="utf-8")
    log = tmp_path / "run.log"
    r = _cli("ingest", str(src), "-o", str(tmp_path / "out"), "-q", "--log", str(log))
    assert r.returncode == 0, r.stderr
    lines = sorted(log.read_text(encoding="utf-8").splitlines())  # in the order files finish
    assert len(lines) == 2
    assert lines[0].startswith("ok") and "a.txt" in lines[0]
    assert lines[1].startswith("skipped") and "b.json" in lines[1]


def test_a_docx_named_doc_and_a_renamed_zip_are_read_by_their_content(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(OFFICE / "liupanshui_tables.docx", src / "tables.doc")
    _zip(src / "bundle.dat", {"table.txt": SAMPLE.read_bytes()})  # a ZIP under another name
    ingest_paths([src], tmp_path / "out", executor="inline")
    docs = {d["source"]: d for d in read_dataset(tmp_path / "out", "documents").to_pylist()}
    assert docs["tables.doc"]["status"] == "ok" and docs["tables.doc"]["form"] == "docx"
    assert docs["bundle.dat"]["status"] == "archive"
    assert docs["bundle.dat!table.txt"]["status"] == "ok"


def test_a_missing_input_has_one_status_and_one_reason_everywhere(tmp_path: Path):
    """A named input that does not exist: the line on stderr, the documents row, its
    finding and the summary all say ``error`` and the same reason."""
    shutil.copy(SAMPLE, tmp_path / "a.txt")
    nope = tmp_path / "nosuch.pdf"
    reason = f"{nope}: no such file or folder"
    out = tmp_path / "out"
    r = _cli("ingest", str(tmp_path / "a.txt"), str(nope), "-o", str(out))
    assert r.returncode == 1, r.stderr  # a file failed; the others are written
    assert re.search(rf"^error\s+{re.escape(str(nope))}\s+{re.escape(reason)}$", r.stderr, re.M)
    assert "skipped" not in r.stderr and "not a regular file" not in r.stderr
    assert re.search(r"^documents\s+2 \(1 error, 1 ok;", r.stderr, re.M), r.stderr
    docs = {d["source"]: d for d in read_dataset(out, "documents").to_pylist()}
    assert docs["nosuch.pdf"]["status"] == "error"
    assert docs["nosuch.pdf"]["reason"] == docs["nosuch.pdf"]["error"] == reason
    assert docs["a.txt"]["status"] == "ok"
    findings = read_dataset(out, "findings").to_pylist()
    [f] = [f for f in findings if f["source"] == "nosuch.pdf"]
    assert (f["severity"], f["code"], f["message"]) == ("error", "not_found", reason)
    # nothing to ingest at all: one line, exit status 2, nothing written
    r = _cli("ingest", str(nope), "-o", str(tmp_path / "none"))
    assert r.returncode == 2 and r.stderr.strip() == f"error: {reason}"
    assert not (tmp_path / "none").exists()
