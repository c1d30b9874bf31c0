"""CLI: ingest with a summary, query over the output, clear errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import SAMPLE

runner = CliRunner()


def test_ingest_then_query(tmp_path: Path):
    out = tmp_path / "pq"
    r = runner.invoke(app, ["ingest", str(SAMPLE), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert "indicators" in r.output and "140" in r.output
    r = runner.invoke(app, ["query", "SELECT count(*) AS n FROM targets", "-d", str(out)])
    assert r.exit_code == 0 and "15" in r.output


def test_missing_path_and_bad_sql(tmp_path: Path):
    r = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "nope.txt" in r.output
    r = runner.invoke(app, ["query", "SELECT * FROM nothing", "-d", str(tmp_path)])
    assert r.exit_code == 2 and "error" in r.output


def test_failed_file_exits_nonzero_but_writes_the_rest(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    r = runner.invoke(app, ["ingest", str(SAMPLE), str(bad), "-o", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 1
    assert "bad.txt: empty file" in r.output
    assert (tmp_path / "o" / "indicators").is_dir()
