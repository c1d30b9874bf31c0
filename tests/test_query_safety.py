"""``jixiao query`` output formats and confinement; ``export`` CSV safety and ``--where``;
no input text reaches Rich markup; help and version.

* ``query --format csv`` (not a terminal) parses with Python's csv module into the full
  values; json and parquet too; ``--limit 0`` is all rows, a negative one is refused;
* the query connection reads the datasets and nothing else: ``read_csv('/etc/passwd')``,
  ``COPY … TO``, ``INSTALL``, ``ATTACH``, ``SET`` and two statements are refused unless
  ``--allow-files``;
* CSV export prefixes cells starting with ``= + - @``, tab or CR with ``'`` (``--raw``
  opts out); ``--where`` is one expression: a second statement or a UNION that reads a
  file is refused and writes nothing;
* values, paths and errors holding ``[/]`` print as text.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.cli import app, print_summary
from pipeline.export import export_dataset
from pipeline.model import DocResult
from pipeline.run import Summary, ingest_paths
from pipeline.write import write_datasets
from tests.conftest import ROOT, SAMPLE

runner = CliRunner()


def _cli(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pipeline", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("q") / "out"
    ingest_paths([SAMPLE], out, executor="inline")
    return out


def _truth(data: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW indicators AS SELECT * FROM read_parquet('{data}/indicators/**/*.parquet')"
    )
    return con.execute(sql).fetchall()


def test_query_csv_is_parsed_into_full_values(data: Path):
    sql = "SELECT row_no, level3, explanation FROM indicators ORDER BY table_no, row_no"
    r = _cli("query", sql, str(data), "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["row_no", "level3", "explanation"]
    want = [[str(a), b or "", c or ""] for a, b, c in _truth(data, sql)]
    assert rows[1:] == want and len(want) == 140  # all rows (not a terminal), cells whole
    assert max(len(r[2]) for r in rows[1:]) > 40


def test_query_table_json_parquet_and_limits(data: Path, tmp_path: Path):
    sql = "SELECT level3, explanation FROM indicators ORDER BY length(explanation) DESC"
    longest = _truth(data, sql)[0][1]
    r = _cli("query", sql, str(data))  # a table, but not to a terminal: cells whole
    assert r.returncode == 0 and longest in r.stdout and "…" not in r.stdout
    r = _cli("query", sql, str(data), "--format", "json", "--limit", "3")
    assert [o["explanation"] for o in json.loads(r.stdout)][0] == longest
    assert len(json.loads(r.stdout)) == 3
    r = _cli("query", sql, str(data), "-o", str(tmp_path / "x.parquet"))
    assert r.returncode == 0 and pq.read_table(tmp_path / "x.parquet").num_rows == 140
    r = _cli("query", sql, str(data), "-o", str(tmp_path / "x.json"), "--limit", "0")
    assert len(json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))) == 140
    r = _cli("query", sql, str(data), "--limit", "-1")
    assert r.returncode == 2 and "--limit" in r.stderr
    r = _cli("query", sql, str(data), "--format", "csv", "-o", str(tmp_path / "x.json"))
    assert r.returncode == 2 and "say one format" in r.stderr


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "Permission"),
        ("SELECT * FROM read_text('/etc/hostname')", "Permission"),
        ("COPY (SELECT 1) TO '{tmp}/out.csv'", "not COPY"),
        ("COPY (SELECT 1) TO '{data}/documents/evil.csv'", "not COPY"),
        ("INSTALL httpfs", "not"),
        ("ATTACH '{tmp}/x.db'", "not"),
        ("SET enable_external_access = true", "not"),
        ("SELECT 1; SELECT 2", "one SQL statement"),
    ],
)
def test_query_sees_the_datasets_and_nothing_else(
    data: Path, tmp_path: Path, sql: str, message: str
):
    r = runner.invoke(app, ["query", sql.format(tmp=tmp_path, data=data), str(data), "-f", "csv"])
    assert r.exit_code == 2 and message in r.output, r.output
    assert not (tmp_path / "out.csv").exists() and not (data / "documents" / "evil.csv").exists()
    assert not (tmp_path / "x.db").exists()


def test_allow_files_opens_the_connection(data: Path, tmp_path: Path):
    f = tmp_path / "other.csv"
    f.write_text("a\n7\n", encoding="utf-8")
    sql = f"SELECT a FROM read_csv('{f}')"
    assert runner.invoke(app, ["query", sql, str(data), "-f", "csv"]).exit_code == 2
    r = runner.invoke(app, ["query", sql, str(data), "-f", "csv", "--allow-files"])
    assert r.exit_code == 0 and r.output.split() == ["a", "7"]


def test_a_dataset_folder_is_not_an_ingest_output(data: Path):
    r = runner.invoke(app, ["query", "SELECT 1", str(data / "indicators")])
    assert r.exit_code == 2
    text = " ".join(r.output.split())
    assert "not the output directory of an ingest" in text and f"give {data}" in text


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    out = tmp_path / "hostile"
    cells = ["=cmd|' /C calc'!A0", "+1+2", "-3+4", "@SUM(1,2)", "\t=1", "\r=1", "[/]x[red]"]
    results = [
        DocResult(doc_id=f"{i:016x}", source=c, path=c, form="text", status="error", error=c)
        for i, c in enumerate(cells)
    ]
    write_datasets(results, out, "cfg")
    return out


def test_csv_export_neutralises_formulas(hostile: Path, tmp_path: Path):
    path, n = export_dataset(hostile, "csv", tmp_path / "d.csv", "documents", None, ["source"])
    got = [r[0] for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))][1:]
    assert n == 7
    for v in got:
        assert v == "[/]x[red]" or v.startswith("'"), v
    assert "'=cmd|' /C calc'!A0" in got and "'@SUM(1,2)" in got and "'\t=1" in got
    raw, _ = export_dataset(
        hostile, "csv", tmp_path / "r.csv", "documents", None, ["source"], raw=True
    )
    got = [r[0] for r in csv.reader(io.StringIO(raw.read_text(encoding="utf-8-sig")))][1:]
    assert "=cmd|' /C calc'!A0" in got and "+1+2" in got
    r = runner.invoke(app, ["export", str(hostile), "--dataset", "documents", "-o",
                            str(tmp_path / "c.csv"), "--raw"])  # fmt: skip
    assert r.exit_code == 0 and "=cmd" in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    "where",
    [
        "true); COPY (SELECT 1) TO '{tmp}/pwn.csv'; SELECT 1 WHERE (true",
        "true) UNION SELECT * FROM read_csv('/etc/passwd') WHERE (true",
        "source IN (SELECT * FROM read_csv('/etc/passwd'))",
        "true; SELECT 1",
    ],
)
def test_where_is_one_expression_over_the_datasets(data: Path, tmp_path: Path, where: str):
    out = tmp_path / "x.csv"
    r = runner.invoke(app, ["export", str(data), "-o", str(out), "--where",
                            where.format(tmp=tmp_path)])  # fmt: skip
    assert r.exit_code == 2, r.output
    assert not (tmp_path / "pwn.csv").exists() and not out.exists()


def test_export_takes_the_format_from_the_file_name(data: Path, tmp_path: Path):
    r = runner.invoke(app, ["export", str(data), "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 0
    assert (tmp_path / "x.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a CSV, not xlsx
    r = runner.invoke(app, ["export", str(data), "-o", str(tmp_path / "y.csv"), "-f", "xlsx"])
    assert r.exit_code == 2 and "say one format" in r.output


def test_markup_in_values_paths_and_errors_is_text(hostile: Path, tmp_path: Path):
    r = runner.invoke(app, ["query", "SELECT source FROM documents", str(hostile)])
    assert r.exit_code == 0 and "[/]x[red]" in r.output
    s = Summary(out_dir=tmp_path / "[/]out")
    s.skipped = [("a[/]b.ofd", "a[/]b.ofd: [/] broken", "unsupported")]
    s.dropped = ["[/]gone.txt"]
    s.findings.update(["[/]code"])
    print_summary(s)  # raises MarkupError if any of it were markup
    bad = tmp_path / "bad[red].txt"
    bad.write_bytes(b"")
    r = runner.invoke(app, ["ingest", str(bad), "-o", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 1 and "bad[red].txt: empty file" in r.output


def test_help_version_and_bare_command():
    r = runner.invoke(app, [])
    assert r.exit_code == 0 and "ingest" in r.output
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.startswith("jixiao ")
    for cmd in ("ingest", "query", "export"):
        r = runner.invoke(app, [cmd, "--help"])
        assert r.exit_code == 0
        assert "<bool>" not in r.output and "<list" not in r.output and "{paths}" not in r.output
    assert "Examples" in runner.invoke(app, ["query", "--help"]).output
