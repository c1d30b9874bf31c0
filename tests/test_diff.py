"""Diff: planted changes are found exactly, same inputs give an empty diff, the changes
dataset and the HTML report (opened in headless Chromium), two years by project."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.diff import (
    Change,
    DiffResult,
    diff_projects,
    diff_runs,
    load_and_diff,
    load_run,
    write_diff,
)
from pipeline.diff_report import render_diff, write_diff_html
from pipeline.run import ingest_paths
from tests import chromium
from tests.conftest import ROOT, SAMPLE

runner = CliRunner()
DATASETS = ("documents", "targets", "indicators", "findings")
NEW_PROJECT = "市政府新增测试项目租用及突发事件处置经费"


# --------------------------------------------------------------------------- inputs


def sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)


def replace_in(lines: list[str], needle: str, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on the one line holding ``needle``."""
    hits = [n for n, line in enumerate(lines) if needle in line]
    assert len(hits) == 1, (needle, hits)
    assert old in lines[hits[0]]
    lines[hits[0]] = lines[hits[0]].replace(old, new, 1)


def table_block(lines: list[str], name: str) -> tuple[int, int]:
    """[start, end) of the sample's table whose 项目名称 is ``name`` (heading to heading)."""
    at = next(n for n, line in enumerate(lines) if name in line)
    start = max(n for n in range(at) if lines[n].startswith("## "))
    end = next((n for n in range(at, len(lines)) if lines[n].startswith("## ")), len(lines))
    return start, end


def planted_text() -> str:
    """The sample with four planted edits: a value, a heading, a dropped row, a new project."""
    lines = sample_lines()
    replace_in(lines, "招商推介媒体曝光率", "≥90%", "≥95%")  # table 1
    replace_in(lines, "受益覆盖面", "社会效益指标", "经济效益指标")  # table 2
    drop = [n for n, line in enumerate(lines) if "市政府党组会议" in line]
    assert len(drop) == 1
    del lines[drop[0]]  # table 4
    a, b = table_block(lines, "市政府应急指挥系统租用及突发事件处置经费")
    copy_ = [x.replace("市政府应急指挥系统", "市政府新增测试项目") for x in lines[a:b]]
    lines[b:b] = copy_  # a new project right after the one it was copied from
    return "".join(lines)


def build_pdf(out: Path, tables: list[dict], spacer_before: int | None = None) -> None:
    """Project tables, one per page; a text-only page before table ``spacer_before``."""
    from tests.fixtures import make_pdf_fixtures as mk

    doc = mk.Doc(out)
    st = mk.Style(font="WQY", size=9, leading=11.5, pad=3, border="line")
    doc.text("附件2", size=10, after=6)
    for k, t in enumerate(tables):
        if k:
            doc.new_page()
        if k == spacer_before:
            doc.text("说明：下页为项目绩效目标表。", size=10)
            doc.new_page()
        mk.project_titles(doc, t)
        doc.grid(mk.project_grid(t, st, mk.W_PORTRAIT))
    doc.save()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """OLD and NEW inputs (text sample, a PDF whose 2nd table moves to the next page, a
    PDF with one changed value), each ingested; and OLD ingested a second time."""
    pytest.importorskip("reportlab")
    from tests.fixtures import make_pdf_fixtures as mk

    base = tmp_path_factory.mktemp("diff")
    old, new = base / "in_old", base / "in_new"
    old.mkdir()
    new.mkdir()
    shutil.copy(SAMPLE, old / SAMPLE.name)
    (new / SAMPLE.name).write_text(planted_text(), encoding="utf-8")
    tables = mk.load_sample()["tables"]
    build_pdf(old / "moved.pdf", [tables[1], tables[2]])
    build_pdf(new / "moved.pdf", [tables[1], tables[2]], spacer_before=1)
    build_pdf(old / "values.pdf", [tables[3]])
    changed = copy.deepcopy(tables[3])
    row = next(r for r in changed["indicators"] if r["value_raw"] == "≥90%")
    row["value_raw"] = "≥98%"
    build_pdf(new / "values.pdf", [changed])
    out = {"in_old": old, "in_new": new}
    for name, src in (("old", old), ("new", new), ("old2", old)):
        ingest_paths([src], base / name)
        out[name] = base / name
    for name, files in (("pdf_old", [old / "moved.pdf"]), ("pdf_new", [new / "moved.pdf"])):
        ingest_paths(files, base / name)
        out[name] = base / name
    return out


@pytest.fixture(scope="module")
def result(runs) -> DiffResult:
    return load_and_diff(runs["old"], runs["new"])


def sig(c: Change) -> tuple:
    return (
        c.entity,
        c.change,
        c.source,
        c.table,
        c.level3,
        tuple(sorted(f.field for f in c.fields)),
    )


# --------------------------------------------------------------------------- run diffs


def test_planted_changes_are_found_exactly(result: DiffResult):
    txt, moved, values = SAMPLE.name, "moved.pdf", "values.pdf"
    expected = {
        ("indicator", "changed", txt, "六盘水市人民政府办公室", "招商推介媒体曝光率",
         ("value", "value_raw")),
        ("indicator", "changed", txt, "春节慰问专项经费", "受益覆盖面", ("level2", "level2_raw")),
        ("indicator", "removed", txt, "市政府常务会议经费", "市政府党组会议", ()),
        ("table", "added", txt, NEW_PROJECT, None, ()),
        ("table", "moved", moved, "《六盘水市人民政府公报》编辑出版", None, ("page",)),
        ("indicator", "changed", values, "市政府常务会议经费", "会议无差错率",
         ("value", "value_raw")),
    }  # fmt: skip
    got = [sig(c) for c in result.data_changes()]
    assert sorted(got, key=str) == sorted(expected, key=str)
    docs = {(c.source, c.change) for c in result.changes if c.entity == "document"}
    assert docs == {(txt, "changed"), (moved, "changed"), (values, "changed")}
    by = {c.level3: c for c in result.changes if c.level3}
    v = {f.field: (f.old, f.new) for f in by["招商推介媒体曝光率"].fields}
    assert v == {"value_raw": ("≥90%", "≥95%"), "value": (90.0, 95.0)}
    h = by["受益覆盖面"]
    assert [(f.field, f.old, f.new) for f in h.fields][0] == (
        "level2",
        "社会效益指标",
        "经济效益指标",
    )
    assert h.match == "level3"  # the key changed with the heading; the row was still paired
    m = next(c for c in result.changes if c.change == "moved")
    assert m.old.page == 2 and m.new.page == 3 and m.old.bbox and m.new.bbox
    assert "input changed: moved.pdf" in " ".join(result.notes)


def test_describe_reads_field_by_field(result: DiffResult):
    texts = [c.describe() for c in result.changes]
    assert "value_raw ≥90% → ≥95%; value 90 → 95" in texts
    assert "level2 社会效益指标 → 经济效益指标; level2_raw 社会效益指标 → 经济效益指标" in texts


def test_same_inputs_same_config_give_an_empty_diff_and_the_same_bytes(runs):
    res = load_and_diff(runs["old"], runs["old2"])
    assert res.changes == []
    assert "inputs: 3 same, 0 changed, 0 added, 0 removed" in res.notes
    for name in DATASETS:
        a = sorted((runs["old"] / name).rglob("*.parquet"))
        b = sorted((runs["old2"] / name).rglob("*.parquet"))
        assert [p.relative_to(runs["old"]) for p in a] == [p.relative_to(runs["old2"]) for p in b]
        for x, y in zip(a, b, strict=True):
            assert x.read_bytes() == y.read_bytes(), f"{name}: {x.name} differs between runs"


def test_flat_and_partitioned_layouts_read_the_same(runs, tmp_path: Path):
    """A run written flat with ``year`` inside the files (older runs), or partitioned with
    ``year`` in the folder name too, diffs empty against the run as ingest wrote it."""
    year = ds.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")
    for name in DATASETS:
        t = ds.dataset(runs["old"] / name, format="parquet", partitioning=year).to_table()
        (tmp_path / "flat" / name).mkdir(parents=True)
        pq.write_table(t, tmp_path / "flat" / name / "part-00000.parquet")
        sub = "year=2024" if "year" in t.column_names and name != "documents" else ""
        (tmp_path / "both" / name / sub).mkdir(parents=True)
        pq.write_table(t, tmp_path / "both" / name / sub / "part-00000.parquet")
    for layout in ("flat", "both"):
        res = diff_runs(load_run(runs["old"]), load_run(tmp_path / layout))
        assert res.changes == [], layout


def test_changes_dataset_for_duckdb(result: DiffResult, tmp_path: Path):
    d = write_diff(result, tmp_path / "d1")
    write_diff(result, tmp_path / "d2")
    assert (d / "part-00000.parquet").read_bytes() == (
        tmp_path / "d2" / "changes" / "part-00000.parquet"
    ).read_bytes()
    glob = str(tmp_path / "d1" / "changes" / "**" / "*.parquet")
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT field, old, new, delta, line_old, line_new FROM read_parquet('{glob}') "
        "WHERE entity = 'indicator' AND level3 = '招商推介媒体曝光率' ORDER BY field"
    ).fetchall()
    assert rows == [("value", "90", "95", 5.0, 36, 36), ("value_raw", "≥90%", "≥95%", None, 36, 36)]
    kinds = con.execute(
        f"SELECT entity, change, count(DISTINCT seq) FROM read_parquet('{glob}') "
        "WHERE entity <> 'document' GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert kinds == [
        ("indicator", "changed", 3),
        ("indicator", "removed", 1),
        ("table", "added", 1),
        ("table", "moved", 1),
    ]


def test_cli_fail_on_changes_gates_ci(runs, tmp_path: Path):
    r = runner.invoke(app, ["diff", str(runs["old"]), str(runs["old2"]), "--fail-on", "changes"])
    assert r.exit_code == 0, r.output
    assert "no changes" in r.output
    r = runner.invoke(
        app,
        ["diff", str(runs["old"]), str(runs["new"]), "--fail-on", "changes", "-o",
         str(tmp_path / "d"), "--html", str(tmp_path / "r.html")],
    )  # fmt: skip
    assert r.exit_code == 1, r.output
    assert "value_raw ≥90% → ≥95%" in r.output and "table added" in r.output
    assert (tmp_path / "d" / "changes" / "part-00000.parquet").is_file()
    assert (tmp_path / "r.html").is_file()
    # a table moved to another page only: a change, but not a content change
    pdf = [str(runs["pdf_old"]), str(runs["pdf_new"])]
    assert runner.invoke(app, ["diff", *pdf, "--fail-on", "changes"]).exit_code == 1
    assert runner.invoke(app, ["diff", *pdf, "--fail-on", "content"]).exit_code == 0
    r = runner.invoke(app, ["diff", str(tmp_path / "nope"), str(runs["old"])])
    assert r.exit_code == 2 and "nope" in r.output
    assert runner.invoke(app, ["diff", *pdf, "--fail-on", "anything"]).exit_code == 2


def test_manifest_notes_and_no_manifest(runs, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(runs["old"], a)
    shutil.copytree(runs["new"], b)
    for d in (a, b):
        (d / "_manifest.json").unlink(missing_ok=True)
    res = load_and_diff(a, b)
    assert any(n.startswith("no manifest in OLD and NEW") for n in res.notes)
    assert res.data_changes()  # the diff still works
    for d, cfg, ver, n in ((a, "c0ffee", "0.1.0", 19), (b, "beef00", "0.2.0", 20)):
        docs = load_run(d).documents
        inputs = [{"doc_id": x["doc_id"], "path": x["path"], "source": x["source"]} for x in docs]
        manifest = {
            "manifest_version": 1,
            "pipeline_version": ver,
            "code_hash": "abc",
            "config_hash": cfg,
            "started": f"2025-01-3{n - 19}T08:00:00Z",
            "counts": {"documents": 3, "tables": n},
            "inputs": inputs,
        }  # the format of write.py's manifest
        (d / "_manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    res = load_and_diff(a, b)
    assert "pipeline version: 0.1.0 → 0.2.0" in res.notes
    assert "code hash: abc (same)" in res.notes
    assert "config hash: c0ffee → beef00" in res.notes
    assert "counts: tables 19 → 20" in res.notes
    assert "runs started: 2025-01-30T08:00:00Z → 2025-01-31T08:00:00Z" in res.notes
    assert not any(n.startswith("no manifest") for n in res.notes)
    assert sum(n.startswith("input changed:") for n in res.notes) == 3


# --------------------------------------------------------------------------- HTML


def test_html_report_shows_changes_beside_sources(runs, result: DiffResult):
    html = render_diff(result)
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert html.count('class="card ') == len(result.data_changes())
    assert "<summary>documents</summary>" in html and "content " in html
    assert "<mark>≥95%</mark>" in html  # the new text line, value marked
    assert html.count("data:image/png;base64,") >= 4  # old/new page crops of the PDFs
    assert "source not available" not in html


def test_missing_or_replaced_source_says_so(runs, result: DiffResult, tmp_path: Path):
    old_pdf = runs["in_old"] / "values.pdf"
    saved = old_pdf.read_bytes()
    try:
        old_pdf.unlink()
        html = render_diff(result)
        assert "source not available" in html and "not found" in html
        old_pdf.write_bytes(saved + b"\n% republished\n")
        html = render_diff(result)
        assert "changed since the run" in html
    finally:
        old_pdf.write_bytes(saved)


def test_html_report_opens_in_chromium(result: DiffResult, tmp_path: Path):
    chromium.require()
    page = write_diff_html(result, tmp_path / "diff.html")
    dom = chromium.dump_dom(page)
    assert "jixiao diff" in dom and "indicator changed" in dom.lower()
    assert "≥95%" in dom and "经济效益指标" in dom and NEW_PROJECT in dom
    png = chromium.screenshot(page, tmp_path / "diff.png", width=1280, height=2300)
    small = shrink_png(png)
    assert 20_000 < len(small) < 300_000
    from PIL import Image

    img = Image.open(io.BytesIO(small))
    assert img.size == (1280, 2300)
    lo, hi = img.convert("L").getextrema()
    assert hi - lo > 100  # not a blank page
    if os.environ.get("JIXIAO_UPDATE_DOCS"):
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "diff_report.png").write_bytes(small)


def shrink_png(png: Path) -> bytes:
    """A screenshot as a palette PNG (commit-sized)."""
    from PIL import Image

    img = Image.open(png).convert("RGB").quantize(colors=128, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


# --------------------------------------------------------------------------- two years


def year_2023() -> str:
    """Last year's document, planted: the sample with 2023 for 2024 and, against this
    year, one target lower (→ raised), one higher (→ lowered), one numeric that becomes
    qualitative (→ vaguer), an extra row (→ dropped), an extra project (→ dropped), the
    last project missing (→ new) and a project name worded differently (fuzzy match)."""
    lines = [x.replace("2024", "2023") for x in sample_lines()]
    replace_in(lines, "招商推介媒体曝光率", "≥90%", "≥85%")
    replace_in(lines, "基层调研", "≥10次/月", "≥12次/月")
    replace_in(lines, "受益覆盖面", "进一步扩大", "≥95%")
    at = next(n for n, x in enumerate(lines) if "市政府党组会议" in x)
    lines.insert(at + 1, lines[at].replace("市政府党组会议", "市政府党组扩大会议"))
    replace_in(lines, "春节慰问专项经费", "春节慰问专项经费", "春节慰问经费")
    a, b = table_block(lines, "铁路护路联防经费")
    del lines[a:b]
    a, b = table_block(lines, "大连办事处招商引资经费")
    lines[b:b] = [x.replace("大连办事处招商引资经费", "旧城改造调研经费") for x in lines[a:b]]
    return "".join(lines)


def test_diff_by_project_across_years(tmp_path: Path):
    y23, y24 = tmp_path / "in23", tmp_path / "in24"
    y23.mkdir()
    y24.mkdir()
    (y23 / "liupanshui_gov_office_2023.txt").write_text(year_2023(), encoding="utf-8")
    shutil.copy(SAMPLE, y24 / SAMPLE.name)
    ingest_paths([y23], tmp_path / "o23")
    ingest_paths([y24], tmp_path / "o24")
    res = diff_projects(load_run(tmp_path / "o23"), load_run(tmp_path / "o24"))
    matched = [c for c in res.changes if c.change == "matched"]
    assert len(matched) == 14
    fuzzy = [c for c in matched if c.score != 100]
    assert [(c.table, c.score, c.fields[0].old) for c in fuzzy] == [
        ("春节慰问专项经费", 85.7, "春节慰问经费")
    ]
    got = sorted(
        (c.entity, c.change, c.table, c.level3) for c in res.changes if c.change != "matched"
    )
    assert got == sorted(
        [
            ("table", "new", "铁路护路联防经费", None),
            ("table", "dropped", "旧城改造调研经费", None),
            ("indicator", "raised", "六盘水市人民政府办公室", "招商推介媒体曝光率"),
            ("indicator", "lowered", "六盘水市人民政府办公室", "基层调研"),
            ("indicator", "vaguer", "春节慰问专项经费", "受益覆盖面"),
            ("indicator", "dropped", "市政府常务会议经费", "市政府党组扩大会议"),
        ]
    )
    raised = next(c for c in res.changes if c.change == "raised")
    assert [(f.field, f.old, f.new) for f in raised.fields][:2] == [
        ("value_raw", "≥85%", "≥90%"),
        ("value", 85.0, 90.0),
    ]
    r = runner.invoke(
        app,
        ["diff", "--by", "project", str(tmp_path / "o23"), str(tmp_path / "o24"),
         "--html", str(tmp_path / "years.html"), "-o", str(tmp_path / "d")],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "raised" in r.output and "score 85.7" in r.output
    html = (tmp_path / "years.html").read_text(encoding="utf-8")
    assert "by project" in html and "indicator vaguer" in html
