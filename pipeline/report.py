"""Report: an ingest's output directory → one self-contained HTML summary page.

In:  the output directory of ``jixiao ingest`` (flat ``indicators/*.parquet`` or
partitioned ``indicators/year=2024/*.parquet``; read with DuckDB).
Out: an HTML file with inline CSS and charts as inline base64 PNG (matplotlib, CJK font
where one is installed): counts, numeric vs qualitative targets by department and by
level-2 indicator, units and operators, vague targets per project by direction, budget
against measurable targets, findings by code and severity, the findings table and the
lowest-confidence indicator rows.  Nothing is fetched when the page opens.

The charts stay legible from a sample to a batch of thousands of indicators: bars carry
their counts (no crowded value axis), count axes get as many ticks as their labels have
room for, legends sit beside the plot, never over a bar, and each figure lays out its
labels inside its own width (``tests/test_report.py`` checks all of it on both sizes).
Tables are joined on ``file_id`` (two copies of one file share ``doc_id``).

``open_datasets`` (typed views over either layout, never missing one) is shared with
``export.py``.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from . import __version__
from .write import DATASETS, SCHEMAS

CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
_CJK_FAMILIES = (
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)
DIRECTION_COLORS = {
    "improve": "#4c78a8",
    "maintain": "#72b7b2",
    "comply": "#54a24b",
    "decrease": "#e45756",
    "deadline": "#f58518",
    "other": "#b0b0b0",
}
KIND_COLORS = {"numeric": "#4c78a8", "qualitative": "#f58518"}
SEVERITY_COLORS = {"error": "#d62728", "warning": "#f2a93b", "info": "#9d9d9d"}
TOP = 20  # rows in the per-project charts and the low-confidence table
MAX_FINDINGS = 300  # rows of the findings table (the counts cover all)


# --- data ----------------------------------------------------------------------------


_DUCK_TYPES = {"string": "VARCHAR", "int32": "INTEGER", "double": "DOUBLE", "bool": "BOOLEAN"}


def _duck_type(t: pa.DataType) -> str:
    if pa.types.is_fixed_size_list(t):
        return f"{_duck_type(t.value_type)}[{t.list_size}]"
    if pa.types.is_list(t):
        return f"{_duck_type(t.value_type)}[]"
    return _DUCK_TYPES[str(t).replace("float64", "double")]


def open_datasets(data_dir: str | Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per dataset (documents, targets, indicators,
    findings), columns and types as ``write.SCHEMAS``, whatever the layout: flat
    ``name/*.parquet`` (year inside the files) or hive-partitioned ``name/year=2024/``.  A
    column an older run did not write reads as NULL; a missing dataset is an empty view."""
    d = Path(data_dir)
    if not d.is_dir():
        raise FileNotFoundError(f"{d}: no such output directory (run jixiao ingest first)")
    con = duckdb.connect()
    found = 0
    for name in DATASETS:
        folder = d / name
        if folder.is_dir() and any(folder.rglob("*.parquet")):
            glob = str(folder / "**" / "*.parquet").replace("'", "''")
            src = f"read_parquet('{glob}', hive_partitioning = true, union_by_name = true)"
            have = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
            cols = ", ".join(
                f'CAST("{f.name}" AS {_duck_type(f.type)}) AS "{f.name}"'
                if f.name in have
                else f'CAST(NULL AS {_duck_type(f.type)}) AS "{f.name}"'
                for f in SCHEMAS[name]
            )
            con.execute(f"CREATE VIEW {name} AS SELECT {cols} FROM {src}")
            found += 1
        else:
            con.register(f"_{name}_empty", SCHEMAS[name].empty_table())
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM _{name}_empty")
    if not found:
        raise FileNotFoundError(f"{d}: no Parquet datasets here (run jixiao ingest first)")
    return con


DEPARTMENT_SQL = "coalesce(nullif(trim(d.issuer), ''), nullif(trim(t.issuer), ''), d.source)"

QUERIES: dict[str, str] = {
    "by_department": f"""
        SELECT {DEPARTMENT_SQL} AS department,
               count(*) FILTER (i.kind = 'numeric') AS numeric,
               count(*) FILTER (i.kind = 'qualitative') AS qualitative
        FROM indicators i
        JOIN targets t USING (file_id, table_no)
        JOIN documents d USING (file_id)
        GROUP BY ALL ORDER BY numeric + qualitative DESC, department""",
    "by_level2": """
        SELECT coalesce(level2, '(none)') AS level2,
               count(*) FILTER (kind = 'numeric') AS numeric,
               count(*) FILTER (kind = 'qualitative') AS qualitative
        FROM indicators GROUP BY ALL ORDER BY numeric + qualitative DESC, level2""",
    "units": """
        SELECT coalesce(unit, '(none)') AS unit, count(*) AS n
        FROM indicators WHERE kind = 'numeric' GROUP BY ALL ORDER BY n DESC, unit LIMIT 15""",
    "operators": """
        SELECT coalesce(op, '(none)') AS op, count(*) AS n
        FROM indicators WHERE kind = 'numeric' GROUP BY ALL ORDER BY n DESC, op""",
    "vague_by_project": """
        SELECT coalesce(table_name, source || ' #' || table_no) AS project,
               coalesce(direction, 'other') AS direction, count(*) AS n
        FROM indicators WHERE kind = 'qualitative' GROUP BY ALL ORDER BY project, direction""",
    "budget_vs_measurable": """
        SELECT coalesce(t.name, t.source || ' #' || t.table_no) AS project, t.kind,
               t.budget_yuan,
               count(i.row_no) FILTER (i.kind = 'numeric') AS measurable,
               count(i.row_no) AS indicators
        FROM targets t LEFT JOIN indicators i USING (file_id, table_no)
        GROUP BY ALL ORDER BY t.budget_yuan DESC NULLS LAST, project""",
    "findings_by_code": """
        SELECT code, severity, count(*) AS n FROM findings GROUP BY ALL ORDER BY n DESC, code""",
    "findings": f"""
        SELECT source, table_no, row_no, line, page, severity, code, message FROM findings
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                 source, table_no, row_no
        LIMIT {MAX_FINDINGS}""",
    "low_confidence": f"""
        SELECT source, table_name, row_no, line, page,
               level1_raw, level1, level2_raw, level2, level3, value_raw,
               round(least(coalesce(level1_score, 100), coalesce(level2_score, 100),
                           coalesce(ocr_conf * 100, 100)), 1) AS confidence,
               array_to_string(flags, ', ') AS flags
        FROM indicators
        WHERE least(coalesce(level1_score, 100), coalesce(level2_score, 100),
                    coalesce(ocr_conf * 100, 100)) < 100
        ORDER BY confidence, source, table_no, row_no
        LIMIT {TOP}""",
}

COUNTS_SQL = """
    SELECT
      (SELECT count(*) FROM documents) AS documents,
      (SELECT count(*) FROM documents WHERE status = 'error') AS documents_failed,
      (SELECT count(*) FROM targets) AS tables,
      (SELECT count(*) FROM targets WHERE kind = 'department') AS department_tables,
      (SELECT count(*) FROM targets WHERE kind = 'project') AS project_tables,
      (SELECT count(*) FROM targets WHERE form = 'self_evaluation') AS self_evaluation_tables,
      (SELECT count(*) FROM indicators) AS indicators,
      (SELECT count(*) FROM indicators WHERE kind = 'numeric') AS numeric,
      (SELECT count(*) FROM indicators WHERE kind = 'qualitative') AS qualitative,
      (SELECT count(*) FROM indicators WHERE kind IS NULL) AS no_target,
      (SELECT count(*) FROM findings) AS findings,
      (SELECT count(*) FROM findings WHERE severity = 'error') AS findings_error,
      (SELECT count(*) FROM findings WHERE severity = 'warning') AS findings_warning,
      (SELECT sum(budget_yuan) FROM targets WHERE kind = 'project') AS project_budget_yuan
"""


@dataclass(slots=True)
class ReportData:
    """What the page shows: the counts and one DataFrame per query of ``QUERIES``."""

    data_dir: Path
    counts: dict[str, Any]
    frames: dict[str, pd.DataFrame]
    versions: list[str]
    config_hashes: list[str]


def collect(data_dir: str | Path) -> ReportData:
    """Run the report's queries over an output directory."""
    con = open_datasets(data_dir)
    try:
        cur = con.execute(COUNTS_SQL)
        cols = [c[0] for c in cur.description or []]
        counts = dict(zip(cols, cur.fetchone() or (), strict=True))
        frames = {k: con.execute(q).df() for k, q in QUERIES.items()}
        versions = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT pipeline_version FROM documents WHERE pipeline_version "
                "IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        hashes = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT config_hash FROM documents WHERE config_hash IS NOT NULL "
                "ORDER BY 1"
            ).fetchall()
        ]
    finally:
        con.close()
    return ReportData(Path(data_dir), counts, frames, versions, hashes)


# --- charts --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of a font that draws Chinese, registering WenQuanYi Zen Hei where
    installed; None when there is none (labels then show as boxes, nothing fails)."""
    from matplotlib import font_manager

    fm = font_manager.fontManager
    if CJK_FONT_FILE.is_file():
        try:
            fm.addfont(str(CJK_FONT_FILE))
            name = font_manager.FontProperties(fname=str(CJK_FONT_FILE)).get_name()
            # Zen Hei is registered as weight 500; a 400 twin saves matplotlib warning on
            # every lookup of the default (normal) weight
            for e in [e for e in fm.ttflist if e.name == name and e.weight != 400]:
                fm.ttflist.append(dataclasses.replace(e, weight=400))
            return name
        except (OSError, RuntimeError, ValueError, TypeError):
            pass
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in _CJK_FAMILIES if f in installed), None)


def _rc() -> dict[str, Any]:
    font = cjk_font()
    rc: dict[str, Any] = {
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
    }
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    return rc


def _png(fig: Any) -> str:
    """A chart as base64 PNG (drawn with the report's fonts and settings)."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(_rc()):
        fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _short(s: Any, n: int = 22) -> str:
    s = "" if s is None else str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


def _figure(n_rows: int, width: float = 6.4) -> Any:
    from matplotlib.figure import Figure

    # constrained: labels and a legend beside the plot fit inside the figure's width
    return Figure(figsize=(width, max(1.6, 0.32 * n_rows + 0.9)), layout="constrained")


def _count_axis(axis: Any) -> None:
    """Whole-number ticks, as many as the axis has room for (matplotlib's ``auto``
    counts the space its labels need, so wide numbers get fewer ticks, never a run)."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins="auto", integer=True, min_n_ticks=2))


def chart_stacked(
    df: pd.DataFrame, label: str, parts: dict[str, str], title: str, xlabel: str = "indicators"
) -> Any:
    """Horizontal stacked bars: one bar per ``label`` value (the first ``TOP``), one
    segment per column in ``parts`` (column → colour) that has any count; the legend
    beside the plot, never over a bar.  A matplotlib ``Figure``; None for no data."""
    import matplotlib

    if df.empty:
        return None
    df = df.head(TOP).iloc[::-1]
    parts = {c: color for c, color in parts.items() if c in df and df[c].fillna(0).any()}
    with matplotlib.rc_context(_rc()):
        fig = _figure(len(df))
        ax = fig.subplots()
        left = [0.0] * len(df)
        labels = [_short(x) for x in df[label]]
        for col, color in parts.items():
            vals = [float(v) for v in df[col].fillna(0)]
            ax.barh(labels, vals, left=left, color=color, label=col)
            left = [a + b for a, b in zip(left, vals, strict=True)]
        ax.set_title(title, loc="left", fontsize=10)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        ax.set_xlabel(xlabel)
        _count_axis(ax.xaxis)
        return fig


def chart_bars(df: pd.DataFrame, label: str, value: str, title: str, color: str) -> Any:
    """Horizontal bars of ``value`` by ``label``, each labelled with its count (so no
    value axis, whose ticks would crowd a narrow chart).  A ``Figure``; None for no data."""
    import matplotlib

    if df.empty:
        return None
    df = df.head(TOP).iloc[::-1]
    with matplotlib.rc_context(_rc()):
        fig = _figure(len(df), width=3.2)
        ax = fig.subplots()
        ax.barh([_short(x, 20) for x in df[label]], df[value], color=color)
        for y, v in enumerate(df[value]):
            ax.text(v, y, f" {int(v):,}", va="center", fontsize=8)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_xlim(0, max(float(df[value].max()), 1.0))
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        return fig


def chart_budget(df: pd.DataFrame) -> Any:
    """Scatter of a table's budget (万元, log scale) against its measurable targets."""
    import matplotlib

    d = df[df["budget_yuan"].notna() & (df["budget_yuan"] > 0)]
    if d.empty:
        return None
    with matplotlib.rc_context(_rc()):
        fig = _figure(12)
        ax = fig.subplots()
        for kind, color in (("project", "#4c78a8"), ("department", "#e45756")):
            k = d[d["kind"] == kind]
            ax.scatter(k["budget_yuan"] / 1e4, k["measurable"], color=color, label=kind, alpha=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("budget (万元, log scale)")
        ax.set_ylabel("measurable (numeric) targets")
        ax.set_title("Budget against measurable targets, one point per table", loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        _count_axis(ax.yaxis)
        return fig


def largest_budgets(df: pd.DataFrame, n: int = 3) -> str:
    """The ``n`` tables with the largest budgets, named (for the scatter's caption: names
    written beside the points would run into each other)."""
    d = df[df["budget_yuan"].notna() & (df["budget_yuan"] > 0)].nlargest(n, "budget_yuan")
    return "; ".join(
        f"{r['project']} ({r['budget_yuan'] / 1e4:,.0f} 万元, {r['measurable']} measurable)"
        for _, r in d.iterrows()
    )


def severity_pivot(df: pd.DataFrame) -> pd.DataFrame:
    """Findings per code, one column per severity, most frequent code first."""
    cols = list(SEVERITY_COLORS)
    if df.empty:
        return pd.DataFrame(columns=["code", *cols, "total"])
    p = df.pivot_table(index="code", columns="severity", values="n", aggfunc="sum")
    p = p.reindex(columns=cols).fillna(0).astype(int)
    p["total"] = p.sum(axis=1)
    return p.reset_index().sort_values(["total", "code"], ascending=[False, True])


def vague_pivot(df: pd.DataFrame) -> pd.DataFrame:
    """Qualitative targets per project, one column per direction, most vague first."""
    cols = list(DIRECTION_COLORS)
    if df.empty:
        return pd.DataFrame(columns=["project", *cols, "total"])
    p = df.pivot_table(index="project", columns="direction", values="n", aggfunc="sum")
    p = p.reindex(columns=cols).fillna(0).astype(int)
    p["total"] = p.sum(axis=1)
    return p.sort_values(["total", *cols], ascending=False).reset_index()


# --- HTML ----------------------------------------------------------------------------

CSS = """
body{font-family:"WenQuanYi Zen Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",
  system-ui,sans-serif;margin:0 auto;max-width:1180px;padding:18px 28px;color:#222;
  background:#fafafa;font-size:14px}
h1{font-size:22px;margin:4px 0 2px}h2{font-size:17px;margin:26px 0 8px;
  border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}
.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}.card span{color:#666;font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:12px}
figure{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:0;padding:8px}
figure img{display:block;max-width:100%}
figcaption{color:#666;font-size:12px;margin-top:4px;max-width:700px}
table{border-collapse:collapse;background:#fff;font-size:12px;width:100%}
th,td{border:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev-error{color:#b00020;font-weight:bold}.sev-warning{color:#a15c00}
.empty{color:#666;font-style:italic}
"""


def _e(v: Any, sep: str = "") -> str:
    """A cell value as escaped text: blank for null, whole floats as ints (``sep``: the
    thousands separator, for the count cards)."""
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
    if v is None or (pd.api.types.is_scalar(v) and pd.isna(v)):
        return ""
    if isinstance(v, float) and not v.is_integer():
        return f"{v:{sep}.2f}".rstrip("0").rstrip(".")
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f"{int(v):{sep}d}"
    return html.escape(str(v))


def html_table(df: pd.DataFrame, cls: str = "") -> str:
    """An escaped HTML table of ``df`` (numbers right-aligned, empty cells blank)."""
    if df.empty:
        return '<p class="empty">none</p>'
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = []
        for col, v in zip(df.columns, rec, strict=True):
            v = v.item() if hasattr(v, "item") else v
            num = isinstance(v, int | float) and not isinstance(v, bool)
            extra = f' class="sev-{html.escape(str(v))}"' if col == "severity" else ""
            cells.append(f'<td class="num">{_e(v)}</td>' if num else f"<td{extra}>{_e(v)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _figure_html(png: str | None, alt: str, caption: str) -> str:
    if png is None:
        return f'<figure><p class="empty">{html.escape(alt)}: no data</p></figure>'
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{png}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def charts(data: ReportData) -> list[tuple[str, str, Any]]:
    """The page's charts: (alt text, caption, matplotlib ``Figure`` or None for no data)."""
    f = data.frames
    return [
        (
            "numeric vs qualitative by department",
            f"Numeric (measurable) and qualitative targets per department (document issuer); "
            f"the {TOP} with the most targets.",
            chart_stacked(f["by_department"], "department", KIND_COLORS, "Targets by department"),
        ),
        (
            "operators",
            "Operators (>=, <=, =, range …).",
            chart_bars(f["operators"], "op", "n", "Operators of numeric targets", "#72b7b2"),
        ),
        (
            "numeric vs qualitative by level-2 indicator",
            "Numeric and qualitative targets per canonical level-2 heading (二级指标).",
            chart_stacked(f["by_level2"], "level2", KIND_COLORS, "Targets by level-2 indicator"),
        ),
        (
            "most common units",
            "The 15 most common units.",
            chart_bars(f["units"], "unit", "n", "Units of numeric targets", "#4c78a8"),
        ),
        (
            "vague targets per project",
            f"Qualitative targets per table by direction (configs/directions.yaml); top {TOP}.",
            chart_stacked(
                vague_pivot(f["vague_by_project"]),
                "project",
                DIRECTION_COLORS,
                "Vague targets per project",
                "qualitative targets",
            ),
        ),
        (
            "budget against measurable targets",
            "Each point is a table: its budget against how many of its targets are numeric. "
            f"Largest budgets: {largest_budgets(f['budget_vs_measurable']) or 'none'}.",
            chart_budget(f["budget_vs_measurable"]),
        ),
        (
            "findings by code",
            "Validation findings by code, coloured by severity (error, warning, info).",
            chart_stacked(
                severity_pivot(f["findings_by_code"]),
                "code",
                SEVERITY_COLORS,
                "Findings by code",
                "findings",
            ),
        ),
    ]


def render(data: ReportData) -> str:
    """The HTML page for ``data``."""
    c, f = data.counts, data.frames
    tables = f"{c['department_tables']} department, {c['project_tables']} project"
    findings = f"{c['findings_error']} error, {c['findings_warning']} warning"
    cards = [
        ("documents", c["documents"], f"{c['documents_failed']} failed"),
        ("tables", c["tables"], tables),
        ("indicators", c["indicators"], f"{c['no_target']} without a target"),
        ("numeric targets", c["numeric"], _pct(c["numeric"], c["indicators"])),
        ("qualitative targets", c["qualitative"], _pct(c["qualitative"], c["indicators"])),
        ("findings", c["findings"], findings),
        ("project budget", _wan(c["project_budget_yuan"]), "万元, sum over project tables"),
    ]
    cards_html = "".join(
        f'<div class="card" id="count-{html.escape(k.replace(" ", "-"))}"><span>{html.escape(k)}'
        f"</span><b>{_e(v, ',')}</b><span>{html.escape(str(note))}</span></div>"
        for k, v, note in cards
    )
    vague = vague_pivot(f["vague_by_project"])
    figures = "".join(
        _figure_html(None if fig is None else _png(fig), alt, caption)
        for alt, caption, fig in charts(data)
    )
    n_find = c["findings"]
    shown = len(f["findings"])
    more = f" (first {shown} of {n_find}; all with <code>jixiao export --dataset findings</code>)"
    title = f"jixiao report — {data.data_dir}"
    meta = (
        f"generated {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} by jixiao {__version__}"
        f" · data written by {', '.join(data.versions) or '?'}"
        f" · config {', '.join(data.config_hashes) or '?'}"
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<div class="meta">{html.escape(meta)}</div>
<section id="counts"><h2>Counts</h2><div class="cards">{cards_html}</div></section>
<section id="charts"><h2>Charts</h2><div class="charts">{figures}</div></section>
<section id="vague"><h2>Vague targets per project</h2>
{html_table(vague.head(TOP))}</section>
<section id="findings-by-code"><h2>Findings by code</h2>
{html_table(f["findings_by_code"])}</section>
<section id="findings"><h2>Findings{more if shown < n_find else ""}</h2>
{html_table(f["findings"])}</section>
<section id="low-confidence"><h2>Lowest-confidence rows</h2>
<p class="meta">Indicators whose headings matched the schema below 100 (rapidfuzz score) or whose
OCR confidence was below 1, lowest first; confidence = the lowest of level1_score, level2_score
and 100 × ocr_conf.</p>
{html_table(f["low_confidence"])}</section>
</body></html>
"""


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}% of indicators" if total else ""


def _wan(yuan: float | None) -> float | None:
    return None if yuan is None or pd.isna(yuan) else round(float(yuan) / 1e4, 2)


def build_report(data_dir: str | Path, out: str | Path) -> Path:
    """Write the HTML report of ``data_dir`` to ``out`` and return its path."""
    page = render(collect(data_dir))
    p = Path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(page, encoding="utf-8")
    return p
