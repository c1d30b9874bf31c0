"""``jixiao report``: a self-contained HTML summary, opened in headless Chromium, on the
sample and on a batch of thousands of indicators (40 departments).

Every chart is checked for what makes one illegible at realistic sizes: tick labels that
run together, a legend over a bar or the title.  Set ``JIXIAO_UPDATE_DOCS=1`` to also
refresh ``docs/report.png`` (the sample) and ``docs/report_large.png`` (the batch) from
the screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import matplotlib
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from PIL import Image
from typer.testing import CliRunner

from pipeline import report
from pipeline.cli import app
from pipeline.report import collect, open_datasets
from pipeline.run import ingest_paths
from tests import chromium
from tests.conftest import ROOT, SAMPLE

HANDMADE = sorted((ROOT / "tests" / "fixtures" / "handmade").glob("*.*"))
DOCS = ROOT / "docs"
MAX_PNG = 300_000


def update_docs() -> bool:
    return os.environ.get("JIXIAO_UPDATE_DOCS") == "1"


def shrink_png(
    src: Path, dst: Path, max_bytes: int = MAX_PNG, crop_height: int | None = None
) -> Path:
    """Save ``src`` as a palette PNG under ``max_bytes`` (fewer colours, then smaller)."""
    img = Image.open(src).convert("RGB")
    if crop_height and img.height > crop_height:
        img = img.crop((0, 0, img.width, crop_height))
    dst.parent.mkdir(parents=True, exist_ok=True)
    for colors in (128, 64, 32):
        img.quantize(colors=colors).save(dst, optimize=True)
        if dst.stat().st_size < max_bytes:
            return dst
        img = img.resize((img.width * 3 // 4, img.height * 3 // 4))
    return dst


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "data" / "parquet"
    ingest_paths([SAMPLE, *HANDMADE], out)
    return out


@pytest.fixture(scope="module")
def page(data: Path) -> Path:
    root = data.parent.parent
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)  # as a user would type it, from the project folder
        res = CliRunner().invoke(app, ["report", "data/parquet", "-o", "report.html"])
    assert res.exit_code == 0, res.output
    return root / "report.html"


CITIES = ("六盘水市", "钟山区", "盘州市", "水城区", "六枝特区")
BUREAUS = ("教育局", "卫生健康局", "财政局", "交通运输局", "农业农村局", "生态环境局")
BUREAUS += ("人力资源和社会保障局", "住房和城乡建设局")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch of 40 departments' tables, 5,600 indicators: the sample, its department
    renamed in each copy."""
    root = tmp_path_factory.mktemp("big")
    raw = root / "raw"
    raw.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for n, dept in enumerate((c + b for c in CITIES for b in BUREAUS), 1):
        (raw / f"{n:02d}_{dept}.txt").write_text(
            text.replace("六盘水市人民政府办公室", dept), encoding="utf-8"
        )
    out = root / "data" / "parquet"  # as in a checkout, so the page's title is the same
    ingest_paths([raw], out)
    return out


def _count(data: Path, sql: str) -> int:
    con = open_datasets(data)
    return int(con.execute(sql).fetchone()[0])


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "<style>" in text
    assert not re.search(r"<(script|link)\b", text, re.I), "nothing loaded from elsewhere"
    srcs = re.findall(r'src="([^"]*)"', text)
    assert len(srcs) >= 6
    assert all(s.startswith("data:image/png;base64,") for s in srcs)


def test_page_opens_in_chromium_with_counts_and_sections(page: Path, data: Path) -> None:
    chromium.require()
    dom = chromium.dump_dom(page)
    assert "<h1>jixiao report" in dom
    for section in ("counts", "charts", "vague", "findings-by-code", "findings", "low-confidence"):
        assert f'id="{section}"' in dom, section

    def card(name: str) -> str:
        m = re.search(rf'id="count-{name}"><span>[^<]*</span><b>([^<]*)</b>', dom)
        assert m, name
        return m.group(1).replace(",", "")

    assert card("documents") == "3"
    assert card("tables") == str(_count(data, "SELECT count(*) FROM targets"))
    assert card("indicators") == str(_count(data, "SELECT count(*) FROM indicators"))
    assert card("qualitative-targets") == str(
        _count(data, "SELECT count(*) FROM indicators WHERE kind = 'qualitative'")
    )
    assert card("findings") == str(_count(data, "SELECT count(*) FROM findings"))
    for alt in (
        "numeric vs qualitative by department",
        "numeric vs qualitative by level-2 indicator",
        "most common units",
        "operators",
        "vague targets per project",
        "budget against measurable targets",
        "findings by code",
    ):
        assert f'alt="{alt}"' in dom, alt
    # the findings table and the lowest-confidence rows of the sample
    assert "heading_garbled" in dom
    low = dom[dom.index('id="low-confidence"') :]
    assert "厂内指标" in low  # OCR-garbled 产出指标, matched at a score of 50
    assert "春节慰问专项经费" in dom  # a project in the vague-targets table


def _relayout(data: Path, dst: Path, partitioned: bool) -> Path:
    """A copy of ``data`` with targets and indicators flat (``name/part.parquet``, year in
    the file) or hive-partitioned (``name/year=2024/part.parquet``, year in the path)."""
    shutil.copytree(data, dst)
    con = open_datasets(data)
    for name in ("targets", "indicators"):
        table = con.sql(f"SELECT * FROM {name}").to_arrow_table()
        shutil.rmtree(dst / name)
        if not partitioned:
            (dst / name).mkdir()
            pq.write_table(table, dst / name / "part-00000.parquet")
            continue
        for year in set(table.column("year").to_pylist()):
            mask = pc.is_null(table["year"]) if year is None else pc.equal(table["year"], year)
            folder = dst / name / f"year={0 if year is None else year}"
            folder.mkdir(parents=True)
            pq.write_table(table.filter(mask).drop_columns(["year"]), folder / "part-00000.parquet")
    return dst


def test_flat_and_partitioned_layouts_read_the_same(data: Path, tmp_path: Path) -> None:
    flat = collect(_relayout(data, tmp_path / "flat", partitioned=False))
    part = collect(_relayout(data, tmp_path / "part", partitioned=True))
    assert flat.counts == part.counts == collect(data).counts
    assert flat.counts["indicators"] > 100
    for key in ("by_department", "by_level2", "vague_by_project", "low_confidence"):
        assert flat.frames[key].equals(part.frames[key]), key


def test_report_of_a_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(tmp_path / "nope"), "-o", str(tmp_path / "r")])
    assert res.exit_code == 2
    assert "no such output directory" in " ".join(res.output.split())


def test_report_without_findings(tmp_path: Path, data: Path) -> None:
    d = tmp_path / "no_findings"
    shutil.copytree(data, d)
    shutil.rmtree(d / "findings")
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", str(d), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "findings by code: no data" in out.read_text(encoding="utf-8")


# --- legible at every size -----------------------------------------------------------------


def _in_view(axis, text) -> bool:  # noqa: ANN001
    lo, hi = sorted(axis.get_view_interval())
    x, y = text.get_position()
    v = x if axis.axis_name == "x" else y
    return lo - 1e-9 <= v <= hi + 1e-9 or axis.get_scale() == "log"


def layout_problems(fig) -> list[str]:  # noqa: ANN001
    """What makes a drawn chart illegible: tick labels of one axis that overlap, a legend
    over a bar, a point or the title."""
    FigureCanvasAgg(fig)
    with matplotlib.rc_context(report._rc()):
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        problems = []
        for ax in fig.axes:
            name = ax.get_title("left") or ax.get_title()
            titles = [
                t.get_window_extent(r)
                for t in ax.get_children()
                if isinstance(t, matplotlib.text.Text) and name and t.get_text() == name
            ]
            for axis in (ax.xaxis, ax.yaxis):
                if not axis.get_visible():
                    continue
                labels = [
                    t
                    for t in axis.get_ticklabels(which="both")
                    if t.get_visible() and t.get_text() and _in_view(axis, t)
                ]
                boxes = [(t.get_text(), t.get_window_extent(r)) for t in labels]
                for i, (a, ba) in enumerate(boxes):
                    for b, bb in boxes[i + 1 :]:
                        if ba.overlaps(bb):
                            problems.append(f"{name}: tick labels {a!r} and {b!r}")
            texts = [(t.get_text(), t.get_window_extent(r)) for t in ax.texts if t.get_text()]
            for i, (a, ba) in enumerate(texts):  # bar labels, annotations
                for b, bb in texts[i + 1 :]:
                    if ba.overlaps(bb):
                        problems.append(f"{name}: texts {a!r} and {b!r}")
            legend = ax.get_legend()
            if legend is not None:
                lb = legend.get_window_extent(r)
                marks = [p for p in ax.patches if p.get_width() > 0]
                hit = [p for p in marks if lb.overlaps(p.get_window_extent(r))]
                for c in ax.collections:  # scatter points, one by one
                    for x, y in c.get_offset_transform().transform(c.get_offsets()):
                        if lb.contains(x, y):
                            hit.append((x, y))
                if hit:
                    problems.append(f"{name}: the legend covers {len(hit)} marks")
                if any(lb.overlaps(t) for t in titles):
                    problems.append(f"{name}: the legend covers the title")
        return problems


@pytest.mark.parametrize("size", ["sample", "big"])
def test_no_chart_has_overlapping_labels_or_a_covering_legend(
    size: str, data: Path, big: Path
) -> None:
    d = collect(data if size == "sample" else big)
    drawn = [(alt, fig) for alt, _, fig in report.charts(d) if fig is not None]
    assert len(drawn) == 7
    problems = [f"{alt}: {p}" for alt, fig in drawn for p in layout_problems(fig)]
    assert not problems, problems


def test_the_big_batch_is_realistic(big: Path) -> None:
    d = collect(big)
    assert d.counts["documents"] == 40 and d.counts["indicators"] == 5600
    assert len(d.frames["by_department"]) == 40  # the chart shows the first 20
    assert d.frames["operators"]["n"].max() > 2000  # four-digit ticks, if it had any


def test_findings_are_coloured_by_severity(data: Path) -> None:
    d = collect(data)
    sev = set(d.frames["findings_by_code"]["severity"])
    assert sev and "error" not in sev  # the sample's findings are warnings and infos
    [fig] = [fig for alt, _, fig in report.charts(d) if alt == "findings by code"]
    colours = {to_hex(p.get_facecolor()) for p in fig.axes[0].patches if p.get_width() > 0}
    assert colours == {report.SEVERITY_COLORS[s] for s in sev}
    assert report.SEVERITY_COLORS["error"] not in colours


def test_two_copies_of_one_file_are_counted_once_each(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "copy.txt")  # same content: same doc_id, its own file_id
    out = tmp_path / "out"
    ingest_paths([SAMPLE, tmp_path / "copy.txt"], out, executor="inline")
    d = collect(out)
    by_dept = d.frames["by_department"]
    assert int((by_dept["numeric"] + by_dept["qualitative"]).sum()) == 2 * 140
    budget = d.frames["budget_vs_measurable"]
    assert int(budget["indicators"].sum()) == 2 * 140


CHECK = """<script>
window.addEventListener("load", () => {
  const imgs = [...document.images];
  const out = document.createElement("pre");
  out.id = "layout-check";
  out.textContent = JSON.stringify({
    images: imgs.length,
    broken: imgs.filter(i => !i.complete || i.naturalWidth === 0).length,
    shrunk: imgs.filter(i => i.width < i.naturalWidth).length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  });
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.parametrize("size", ["sample", "big"])
def test_the_page_in_chromium(size: str, data: Path, big: Path, tmp_path: Path) -> None:
    """Both pages open in Chromium at 1280 px: every chart loads at its own size (not
    shrunk to fit) and nothing runs off the page; a screenshot of each goes to docs/ on
    request."""
    import json

    chromium.require()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir((data if size == "sample" else big).parent.parent)  # as a user types it
        page = report.build_report("data/parquet", tmp_path / "report.html")
    probe = tmp_path / "probe.html"  # the page plus a script that measures it
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", CHECK + "</body>"), encoding="utf-8"
    )
    dom = chromium.dump_dom(probe, width=1280, height=2000)
    m = re.search(r'<pre id="layout-check">([^<]*)</pre>', dom)
    assert m, "the page did not finish loading"
    found = json.loads(m.group(1))
    assert found == {"images": 7, "broken": 0, "shrunk": 0, "overflow": 0}, found
    height = 2200 if size == "sample" else 2600
    png = chromium.screenshot(page, tmp_path / "shot.png", width=1280, height=height)
    img = Image.open(png)
    assert len(img.convert("RGB").getcolors(1 << 20) or []) > 50, "the page rendered blank"
    if update_docs():
        name = "report.png" if size == "sample" else "report_large.png"
        shutil.copy(shrink_png(png, tmp_path / "small.png"), DOCS / name)
