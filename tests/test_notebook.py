"""notebooks/analysis.ipynb runs top to bottom on the sample's output and its plots render.

Set ``JIXIAO_UPDATE_DOCS=1`` to also refresh ``docs/notebook.png`` (the executed notebook
exported to HTML with nbconvert, opened in headless Chromium).
"""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from PIL import Image

from pipeline.report import CJK_FONT_FILE
from pipeline.run import ingest_paths
from tests import chromium
from tests.conftest import ROOT, SAMPLE
from tests.test_report import DOCS, MAX_PNG, shrink_png, update_docs

NOTEBOOK = ROOT / "notebooks" / "analysis.ipynb"
N_PLOTS = 7  # department, level-2, units+operators, vague, budget, findings, met vs missed
SELFEVAL = ROOT / "tests" / "fixtures" / "selfeval" / "xingyi_selfeval_2024.txt"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    data = tmp_path_factory.mktemp("notebook") / "parquet"
    ingest_paths([SAMPLE, SELFEVAL], data)  # a 自评表 too, for the met-vs-missed section
    nb = nbformat.read(NOTEBOOK, as_version=4)
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DATA", str(data))
    try:
        # raises CellExecutionError, naming the cell, when any cell fails
        NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        ).execute()
    finally:
        mp.undo()
    return nb


def _outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_checked_in_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.outputs and c.execution_count is None, "clear outputs before committing"


def test_runs_top_to_bottom(executed: nbformat.NotebookNode) -> None:
    outs = _outputs(executed)
    assert not [o for o in outs if o.output_type == "error"]
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)


def test_plots_render(executed: nbformat.NotebookNode) -> None:
    pngs = [o["data"]["image/png"] for o in outs_with_png(executed)]
    assert len(pngs) >= N_PLOTS
    for b64 in pngs:
        img = Image.open(io.BytesIO(base64.b64decode(b64)))
        assert img.width > 200 and img.height > 100
        assert len(img.convert("RGB").getcolors(1 << 20) or []) > 8, "an empty plot"
    if CJK_FONT_FILE.is_file():  # Chinese labels drew with a real font, not as boxes
        stderr = "".join(o.get("text", "") for o in _outputs(executed) if o.get("name") == "stderr")
        assert "missing from font" not in stderr


def outs_with_png(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for o in _outputs(nb) if "image/png" in o.get("data", {})]


def test_extension_point_is_last(executed: nbformat.NotebookNode) -> None:
    """Later sections (e.g. met vs missed of self-evaluation tables) go above this cell."""
    last = executed.cells[-1]
    assert last.cell_type == "markdown"
    assert "extension-point" in last.metadata.get("tags", [])
    assert last.source.startswith("## Adding a section")


def test_screenshot_of_the_notebook_as_html(
    executed: nbformat.NotebookNode, tmp_path: Path
) -> None:
    chromium.require()
    from nbconvert import HTMLExporter

    # sections 4 and 5 (vague targets, budget) with their plots
    cells = executed.cells
    start = next(i for i, c in enumerate(cells) if c.source.startswith("## 4."))
    end = next(i for i, c in enumerate(cells) if c.source.startswith("## 6."))
    part = nbformat.v4.new_notebook(cells=cells[start:end], metadata=executed.metadata)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(part)
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)  # offline
    page = tmp_path / "notebook.html"
    page.write_text(body, encoding="utf-8")
    png = chromium.screenshot(page, tmp_path / "notebook.png", width=1100, height=1500)
    img = Image.open(png)
    assert len(img.convert("RGB").getcolors(1 << 20) or []) > 50, "the page rendered blank"
    small = shrink_png(png, tmp_path / "small.png")
    assert small.stat().st_size < MAX_PNG
    if update_docs():
        DOCS.mkdir(exist_ok=True)
        shutil.copy(small, DOCS / "notebook.png")


def test_relative_data_folder_is_relative_to_the_checkout(monkeypatch) -> None:
    """``JIXIAO_DATA=data/parquet jupyter nbconvert --execute notebooks/analysis.ipynb``
    (run from the checkout, the kernel in ``notebooks/``) reads ``data/parquet`` of the
    checkout, not ``notebooks/data/parquet``."""
    import os
    from pathlib import Path

    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = next(c.source for c in nb.cells if c.cell_type == "code" and "CHECKOUT" in c.source)
    lines = code.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("CHECKOUT = "))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("DATA = DATA if"))
    monkeypatch.chdir(NOTEBOOK.parent)
    monkeypatch.setenv("JIXIAO_DATA", "data/parquet")
    scope: dict = {"Path": Path, "os": os}
    exec("\n".join(lines[start : end + 1]), scope)  # noqa: S102
    assert scope["DATA"] == ROOT / "data" / "parquet"


def test_tables_are_joined_on_file_id() -> None:
    """``doc_id`` is the content hash: two copies of one file share it, and a join on it
    counts each copy's rows twice (the README says: join on ``file_id``)."""
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert "USING (doc_id" not in text and "ON (doc_id" not in text
    assert text.count("USING (file_id, table_no)") == 2
