"""Review queue: the rows of one ingest a person should look at, most doubtful first.

In:  an ingest output directory (flat or hive-partitioned, read by ``diff.load_run``) and
     the source files named in ``documents.path`` (for the snippets).
Out: ``ReviewItem``s ranked by a doubt score; ``print_queue`` prints them with the source
     line (or page and box) on the terminal, ``render_review`` makes a self-contained HTML
     page with each item beside its source snippet (``diff_report``).

What makes a row doubtful, and how much (the doubt score is the sum):

* each finding on the row, table or document: ``error`` 1.0, ``warning`` 0.5, ``info`` 0.1;
* a heading matched below 100 (rapidfuzz): ``(100 - score) / 50`` for level1 and level2;
* OCR confidence below ``model.OCR_LOW_CONF``: ``2 × (1 - ocr_conf)``;
* row flags: ``multiple_values`` 0.3, ``level1_from_child`` 0.2, others 0.2 except the
  benign ``level1_from_tree`` (a missing level-1 filled from the canonical tree) and
  ``low_ocr_confidence`` (already counted by its confidence).

Ties keep document, table and row order, so the queue is the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from .diff import Place, RunData, RunIndex, file_key, load_run, where
from .diff_report import Snippets, card, esc, highlight, page
from .model import OCR_LOW_CONF

SEVERITY = {"error": 1.0, "warning": 0.5, "info": 0.1}
FLAG_WEIGHT = {"multiple_values": 0.3, "level1_from_child": 0.2}
BENIGN_FLAGS = frozenset({"level1_from_tree", "low_ocr_confidence"})
OTHER_FLAG = 0.2


@dataclass(slots=True)
class ReviewItem:
    """One row (or table, or document) to look at, and why."""

    doubt: float
    level: str  # "indicator" | "table" | "document"
    source: str | None
    table_no: int | None
    row_no: int | None
    table_name: str | None
    path: str
    value_raw: str | None
    severity: str | None  # the worst finding's severity, if any
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    place: Place | None = None

    def sort_key(self) -> tuple:
        return (
            -round(self.doubt, 6),
            self.source or "",
            self.table_no if self.table_no is not None else -1,
            self.row_no if self.row_no is not None else -1,
        )


def _worse(a: str | None, b: str | None) -> str | None:
    rank = {None: -1, "info": 0, "warning": 1, "error": 2}
    return a if rank.get(a, 0) >= rank.get(b, 0) else b


def review_items(run: RunData) -> list[ReviewItem]:
    """Every doubtful row, table and document of ``run``, most doubtful first."""
    idx = RunIndex(run)
    items: dict[tuple, ReviewItem] = {}
    tables = {(file_key(t), t.get("table_no")): t for t in run.targets}
    inds = {(file_key(i), i.get("table_no"), i.get("row_no")): i for i in run.indicators}
    docs = {file_key(d): d for d in run.documents}

    def item_for(fid: str | None, table_no: int | None, row_no: int | None) -> ReviewItem:
        ind = inds.get((fid, table_no, row_no)) if row_no is not None else None
        tab = tables.get((fid, table_no)) if table_no is not None else None
        key = (
            (fid, table_no, row_no)
            if ind is not None
            else (fid, table_no, None)
            if tab is not None
            else (fid, None, None)
        )
        if key in items:
            return items[key]
        if ind is not None:
            it = ReviewItem(
                0.0,
                "indicator",
                ind.get("source"),
                table_no,
                row_no,
                ind.get("table_name"),
                " / ".join(x for x in (ind.get(k) for k in ("level1", "level2", "level3")) if x),
                ind.get("value_raw"),
                None,
                place=idx.indicator_place(ind),
            )
        elif tab is not None:
            it = ReviewItem(
                0.0,
                "table",
                tab.get("source"),
                table_no,
                None,
                tab.get("name"),
                "",
                None,
                None,
                place=idx.table_place(tab),
            )
        else:
            d = docs.get(fid) or {}
            it = ReviewItem(
                0.0,
                "document",
                d.get("source"),
                None,
                None,
                None,
                "",
                None,
                None,
                place=idx.document_place(d) if d else None,
            )
        items[key] = it
        return it

    for f in run.findings:
        it = item_for(file_key(f), f.get("table_no"), f.get("row_no"))
        sev = f.get("severity")
        it.doubt += SEVERITY.get(sev or "", 0.1)
        it.severity = _worse(it.severity, sev)
        it.codes.append(f.get("code") or "")
        it.reasons.append(f"{sev} {f.get('code')}: {f.get('message')}")
        if it.place is not None and it.place.line is None and f.get("line") is not None:
            it.place.line = f.get("line")
            it.place.page = it.place.page or f.get("page")
    for i in run.indicators:
        parts: list[tuple[float, str]] = []
        for lvl in ("level1", "level2"):
            s = i.get(f"{lvl}_score")
            if s is not None and s < 100:
                parts.append(((100 - s) / 50, f"{lvl} '{i.get(lvl + '_raw')}' matched at {s:g}"))
        conf = i.get("ocr_conf")
        if conf is not None and conf < OCR_LOW_CONF:
            parts.append((2 * (1 - conf), f"OCR confidence {conf:.2f}"))
        for fl in i.get("flags") or []:
            if fl in BENIGN_FLAGS:
                continue
            parts.append((FLAG_WEIGHT.get(fl, OTHER_FLAG), f"flag {fl}"))
        if not parts:
            continue
        it = item_for(file_key(i), i.get("table_no"), i.get("row_no"))
        for w, why in parts:
            it.doubt += w
            it.reasons.append(why)
    return sorted(items.values(), key=ReviewItem.sort_key)


def load_queue(data: str | Path) -> tuple[RunData, list[ReviewItem]]:
    run = load_run(data)
    return run, review_items(run)


def print_queue(
    items: list[ReviewItem],
    console: Console | None = None,
    limit: int = 30,
    snippets: Snippets | None = None,
) -> None:
    """The first ``limit`` items, each with its reasons and its source line."""
    con = console or Console()
    sn = snippets or Snippets()
    if not items:
        con.print("[green]nothing to review[/]")
        return
    con.print(f"[bold]review queue[/]: {len(items)} items, most doubtful first")
    for n, it in enumerate(items[:limit], 1):
        colour = {"error": "red", "warning": "yellow"}.get(it.severity or "", "cyan")
        name = " › ".join(x for x in (it.table_name, it.path) if x)
        value = f"  [bold]{escape(it.value_raw)}[/]" if it.value_raw else ""
        con.print(
            f"[{colour}]{n:>3}. {it.doubt:4.2f}[/] {escape(where(it.place) or it.source or '')}"
            f"  {escape(name)}{value}",
            highlight=False,
        )
        for r in it.reasons:
            con.print(f"       {escape(r)}", highlight=False)
        if it.place is not None:
            lines = sn.lines(it.place)
            for ln, text in lines:
                text = text.replace("\t", " │ ").strip()
                con.print(f"       [dim]│ {ln}: {escape(text[:160])}[/]", highlight=False)
            if not lines and it.place.page is not None:
                box = it.place.bbox
                at = f" box {', '.join(f'{v:.0f}' for v in box)}" if box else ""
                con.print(f"       [dim]│ page {it.place.page}{at}[/]", highlight=False)
    if len(items) > limit:
        con.print(f"(first {limit} of {len(items)} shown; use --limit)")


def render_review(run: RunData, items: list[ReviewItem], limit: int | None = None) -> str:
    """The review queue as one self-contained HTML page."""
    sn = Snippets()
    cards = []
    for n, it in enumerate(items[:limit] if limit else items, 1):
        reasons = "".join(f"<li>{highlight(r, [])}</li>" for r in it.reasons)
        value = f'<ul class="fields"><li>指标值 <b>{esc(it.value_raw)}</b></li></ul>'
        cards.append(
            card(
                f"#{n} · doubt {it.doubt:.2f} · {it.level}",
                it.severity or "info",
                it.table_name or it.source or "",
                it.path,
                (value if it.value_raw else "") + f'<ul class="fields">{reasons}</ul>',
                where(it.place) if it.place else (it.source or ""),
                sn.html(it.place, "source") if it.place and it.level != "document" else "",
            )
        )
    sev: dict[str, int] = {}
    for it in items:
        sev[it.severity or "no finding"] = sev.get(it.severity or "no finding", 0) + 1
    counts = [f"{k}: {v}" for k, v in sorted(sev.items())]
    return page(
        "jixiao review queue",
        f"{run.root} · {len(items)} items, most doubtful first",
        [],
        counts,
        cards,
    )


def write_review_html(
    run: RunData, items: list[ReviewItem], path: str | Path, limit: int | None = None
) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_review(run, items, limit), encoding="utf-8")
    return p
