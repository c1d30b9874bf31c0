"""The README stays true: its column tables match the schemas, its queries run.

This test never rewrites the README; regenerate with ``.venv/bin/python -m pipeline.docs``.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import docs
from pipeline.cli import app
from pipeline.report import open_datasets
from pipeline.run import ingest_paths
from pipeline.write import SCHEMAS
from tests.conftest import ROOT, SAMPLE

README = ROOT / "README.md"


def test_column_tables_match_the_schemas() -> None:
    text = README.read_text(encoding="utf-8")
    assert docs.START in text and docs.END in text
    block = text[text.index(docs.START) : text.index(docs.END) + len(docs.END)]
    assert block == docs.columns_markdown(), (
        f"README.md column tables are out of date: run {docs.REGENERATE}"
    )
    assert docs.main(["--check", str(README)]) == 0


@pytest.mark.parametrize("dataset", list(SCHEMAS))
def test_every_column_has_a_chinese_name_and_a_note(dataset: str) -> None:
    names = docs.column_names(dataset)
    missing = [c for c in SCHEMAS[dataset].names if c not in names]
    assert not missing, f"add {missing} to configs/column_names.yaml ({dataset})"
    assert all(zh and note for zh, note in names.values())
    assert docs.about(dataset)


def test_check_reports_drift_without_writing(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(f"intro\n{docs.START}\n| old |\n{docs.END}\nrest\n", encoding="utf-8")
    before = stale.read_text(encoding="utf-8")
    assert docs.main(["--check", str(stale)]) == 1
    assert stale.read_text(encoding="utf-8") == before
    assert docs.main([str(stale)]) == 0  # the explicit regeneration command
    after = stale.read_text(encoding="utf-8")
    assert after.startswith("intro\n") and after.endswith("\nrest\n")
    assert "| `indicator_key` | string | 指标键 |" in after


def test_type_names() -> None:
    import pyarrow as pa

    assert docs.type_name(pa.list_(pa.float64(), 4)) == "double[4]"
    assert docs.type_name(pa.list_(pa.string())) == "list<string>"
    assert docs.type_name(pa.int32()) == "int32"


def _example_queries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    sql = "\n".join(re.findall(r"```sql\n(.*?)```", text, re.S))
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [q.strip() for q in "\n".join(lines).split(";") if q.strip()]


def test_five_example_queries_run_on_the_sample(tmp_path: Path) -> None:
    queries = _example_queries()
    assert len(queries) >= 5
    ingest_paths([SAMPLE], tmp_path)
    con = open_datasets(tmp_path)
    for q in queries:
        assert con.execute(q).fetchall(), q


def test_readme_names_the_commands() -> None:
    text = README.read_text(encoding="utf-8")
    for cmd in (
        "bash scripts/ingest.sh",
        "bash scripts/test.sh",
        "jixiao query",
        "jixiao report",
        "jixiao export",
        "jixiao diff OLD",
        "jixiao diff --by project",
        "configs/directions.yaml",
        "notebooks/analysis.ipynb",
    ):
        assert cmd in text, cmd


def _cli_examples() -> list[str]:
    """Every ``.venv/bin/jixiao …`` line of the README's indented code blocks, in order."""
    text = README.read_text(encoding="utf-8")
    return re.findall(r"^    \.venv/bin/jixiao (.+)$", text, re.M)


def test_every_cli_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """In a copy of the checkout's data/raw, one after the other, as a user would type them
    (the first ingests data/raw into data/parquet); each succeeds and writes nothing
    outside data/ and reports/ (git ignores reports/)."""
    examples = _cli_examples()
    assert len(examples) >= 10 and examples[0].startswith("ingest data/raw -o data/parquet")
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    monkeypatch.chdir(tmp_path)
    for line in examples:
        r = CliRunner().invoke(app, shlex.split(line, comments=True))
        assert r.exit_code == 0, (line, r.output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "reports"]
    assert "reports/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
