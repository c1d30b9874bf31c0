"""End to end: the real sample and hand-made fixtures against their gold, bad input."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.run import ingest_paths
from pipeline.write import PARTITIONED, SCHEMAS, file_schema
from tests.conftest import GOLD, SAMPLE, f1_of, ingest_and_score

HERE = Path(__file__).resolve().parent
HANDMADE = sorted((HERE / "fixtures" / "handmade").iterdir())


def test_sample_scores_perfectly(tmp_path: Path):
    totals, misses = ingest_and_score([SAMPLE], sorted(GOLD.glob("*.gold.json")), tmp_path)
    assert totals["matched_tables"] == totals["gold_tables"] == 15
    assert f1_of(totals) == 1.0, misses[:10]
    assert all(v == totals["matched_tables"] for v in totals["header_ok"].values())


@pytest.mark.parametrize("path", HANDMADE, ids=[p.name for p in HANDMADE])
def test_handmade_fixture(tmp_path: Path, path: Path):
    gold = HERE / "fixtures" / "handmade_gold" / f"{path.name}.gold.json"
    totals, misses = ingest_and_score([path], [gold], tmp_path)
    assert totals["matched_tables"] == totals["gold_tables"]
    assert f1_of(totals) >= 0.95, misses


def test_output_types_are_explicit(tmp_path: Path):
    ingest_paths([SAMPLE], tmp_path)
    for name, schema in SCHEMAS.items():
        t = pq.read_table(tmp_path / name)  # no partitioning option: year is in the files
        assert t.select(schema.names).schema.equals(schema), name
        for part in (tmp_path / name).rglob("*.parquet"):  # a single part file has year too
            assert pq.read_schema(part).names == file_schema(name).names, part
            if "year" in schema.names:
                assert pq.read_schema(part).field("year").type == pa.int32(), part
        if name in PARTITIONED:
            df = pd.read_parquet(tmp_path / name)  # pandas, as it is: int32, not a category
            assert str(df["year"].dtype) == "int32", name
    con = duckdb.connect()
    n, numeric = con.execute(
        f"SELECT count(*), count(*) FILTER (kind = 'numeric') "
        f"FROM read_parquet('{tmp_path}/indicators/**/*.parquet', hive_partitioning = true)"
    ).fetchone()
    assert (n, numeric) == (140, 107)  # as in the gold


def test_bad_inputs_do_not_sink_the_batch(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 50)
    (src / "prose.txt").write_text("这是一份工作总结，没有任何表格。\n第二段。\n", encoding="utf-8")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    (src / "truncated.txt").write_text("\n".join(lines[:40]), encoding="utf-8")
    (src / "good.txt").write_bytes(SAMPLE.read_bytes())
    summary = ingest_paths([src], tmp_path / "out")
    assert summary.documents == 5 and summary.failed == 2
    con = duckdb.connect()
    docs = dict(
        con.execute(
            f"SELECT source, status FROM read_parquet('{tmp_path}/out/documents/*.parquet')"
        ).fetchall()
    )
    assert docs == {
        "binary.txt": "error",
        "empty.txt": "error",
        "good.txt": "ok",
        "prose.txt": "empty",
        "truncated.txt": "ok",
    }
    codes = {
        r[0]: r[1]
        for r in con.execute(
            f"SELECT source, code FROM read_parquet('{tmp_path}/out/findings/*.parquet') "
            f"WHERE severity = 'error' OR code = 'no_tables'"
        ).fetchall()
    }
    assert codes == {
        "binary.txt": "read_error",
        "empty.txt": "read_error",
        "prose.txt": "no_tables",
    }
    # the truncated department table still gives what it holds
    n = con.execute(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/out/indicators/**/*.parquet') "
        f"WHERE source = 'truncated.txt'"
    ).fetchone()[0]
    assert n == 8  # lines 32-36 and 38-40


BLIND = sorted((HERE / "fixtures" / "blind").iterdir())


@pytest.mark.parametrize("path", BLIND, ids=[p.name for p in BLIND])
def test_blind_documents(tmp_path: Path, path: Path):
    """Documents composed by someone who had not read the pipeline's code (other regions,
    a Word-exported HTML page, a 自评表 in Markdown, naive PDF text with page footers)."""
    gold = HERE / "fixtures" / "blind_gold" / f"{path.name}.gold.json"
    totals, misses = ingest_and_score([path], [gold], tmp_path)
    assert totals["matched_tables"] == totals["gold_tables"]
    assert f1_of(totals) >= (0.85 if path.stem.endswith("_lines") else 0.95), misses


def test_pdf_rows_carry_page_and_bbox(tmp_path: Path):
    ingest_paths([HERE / "fixtures" / "pdf" / "continued_projects.pdf"], tmp_path)
    con = duckdb.connect()
    for name in ("targets", "indicators"):
        missing, n = con.execute(
            f"SELECT count(*) FILTER (page IS NULL OR bbox IS NULL), count(*) "
            f"FROM read_parquet('{tmp_path}/{name}/**/*.parquet', hive_partitioning = true)"
        ).fetchone()
        assert n > 0 and missing == 0, name


BLIND_PDF = sorted((HERE / "fixtures" / "blind_pdf").iterdir())


@pytest.mark.parametrize("path", BLIND_PDF, ids=[p.name for p in BLIND_PDF])
def test_blind_pdf_and_scan_layouts(tmp_path: Path, path: Path):
    """The sample's tables in PDF and scan layouts composed without reading the code: a 序号
    column, level-1 repeated on every row, tables flowing across pages with 第 N 页 footers,
    a borderless three-line table."""
    gold = HERE / "fixtures" / "blind_pdf_gold" / f"{path.name}.gold.json"
    totals, misses = ingest_and_score([path], [gold], tmp_path)
    assert totals["matched_tables"] == totals["gold_tables"]
    if "threeline" in path.name:  # borderless, multi-line cells centred on the value line
        assert f1_of(totals) >= 0.90, misses
        return
    assert totals["matched_rows"] == totals["gold_rows"], misses
    assert f1_of(totals) >= 0.97, misses
