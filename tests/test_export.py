"""``jixiao export``: a filtered view of one dataset as xlsx or csv."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.docs import column_names
from pipeline.export import ExportError, cell_text, export_dataset
from pipeline.report import open_datasets
from pipeline.run import ingest_paths
from pipeline.write import SCHEMAS
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "parquet"
    ingest_paths([SAMPLE], out)
    return out


def _count(data: Path, sql: str) -> int:
    return int(open_datasets(data).execute(sql).fetchone()[0])


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["export", *args])
    return res.exit_code, " ".join(res.output.split())


def test_xlsx_of_qualitative_targets_with_chinese_headers(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "vague.xlsx"
    code, msg = _run(
        str(data), "--format", "xlsx", "-o", str(out),
        "--where", "kind = 'qualitative'", "--chinese-headers",
    )  # fmt: skip
    assert code == 0, msg
    n = _count(data, "SELECT count(*) FROM indicators WHERE kind = 'qualitative'")
    assert f"{n} rows of indicators" in msg
    ws = openpyxl.load_workbook(out).active
    assert ws.title == "indicators"
    assert ws.freeze_panes == "A2"
    assert ws.max_row == n + 1
    header = [c.value for c in ws[1]]
    names = column_names("indicators")
    assert header == [names[c][0] for c in SCHEMAS["indicators"].names]
    assert header[:4] == ["文件编号", "文档编号", "来源文件", "表序号"]
    assert all(c.font.b for c in ws[1])
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{n + 1}"
    col = {h: i for i, h in enumerate(header)}
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert {r[col["指标值类型"]] for r in rows} == {"qualitative"}
    assert "有所提升" in {r[col["指标值"]] for r in rows}
    assert {r[col["目标方向"]] for r in rows} <= {
        "improve", "maintain", "comply", "decrease", "deadline", "other",
    }  # fmt: skip
    # widths follow the content: the Chinese project names are wider than a row number
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths["F"] > widths["D"] >= 8
    assert max(widths.values()) <= 60


def test_xlsx_keeps_text_that_looks_like_a_formula(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "ops.xlsx"
    path, n = export_dataset(
        data, "xlsx", out, where="op = '='", columns=["level3", "value_raw", "op", "value"]
    )
    assert n == _count(data, "SELECT count(*) FROM indicators WHERE op = '='") > 0
    ws = openpyxl.load_workbook(path).active
    for row in ws.iter_rows(min_row=2):
        assert row[2].value == "="
        assert row[2].data_type == "s"  # a string, not a formula
        assert isinstance(row[3].value, int | float)  # numbers stay numbers


def test_csv_is_utf8_with_bom_and_filtered(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "targets.csv"
    code, msg = _run(
        str(data), "--format", "csv", "-o", str(out), "--dataset", "targets",
        "--where", "kind = 'project' AND budget_yuan >= 1e6",
        "--columns", "name, budget_yuan, n_indicators, bbox",
    )  # fmt: skip
    assert code == 0, msg
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["name", "budget_yuan", "n_indicators", "bbox"]
    want = _count(data, "SELECT count(*) FROM targets WHERE kind='project' AND budget_yuan>=1e6")
    assert len(rows) - 1 == want > 0
    assert all(float(r[1]) >= 1e6 for r in rows[1:])
    assert "春节慰问专项经费" in {r[0] for r in rows[1:]}


def test_csv_of_findings_with_chinese_headers(data: Path, tmp_path: Path) -> None:
    path, n = export_dataset(data, "csv", tmp_path / "f.csv", "findings", chinese_headers=True)
    assert n == _count(data, "SELECT count(*) FROM findings")
    head = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "问题代码" in head and "严重程度" in head


def test_default_file_name(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path, _ = export_dataset(data, "csv", dataset="documents")
    assert path == Path("documents.csv") and (tmp_path / "documents.csv").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "'pdf' is not one of 'xlsx', 'csv'"),
        (["--dataset", "budget"], "'budget' is not one of"),
        (["--columns", "level3,nonsense"], "no column nonsense"),
        (["--where", "kind = "], "--where"),
        (["--where", "no_such_column > 1"], "no_such_column"),
    ],
)
def test_bad_requests_exit_2(data: Path, tmp_path: Path, args: list[str], message: str) -> None:
    code, msg = _run(str(data), "-o", str(tmp_path / "x.xlsx"), *args)
    assert code == 2
    assert message in msg


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        export_dataset(tmp_path / "nope", "csv", tmp_path / "x.csv")
    with pytest.raises(ExportError):
        export_dataset(tmp_path, "csv", tmp_path / "x.csv", dataset="nope")


def test_cell_text() -> None:
    assert cell_text(100.0) == 100
    assert cell_text(0.2) == 0.2
    assert cell_text(["a", "b"]) == "a, b"
    assert cell_text([1.0, 2.5, None]) == "1, 2.5, "
    assert cell_text(None) is None
