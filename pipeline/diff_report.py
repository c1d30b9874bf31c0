"""Diff and review reports as one self-contained HTML page, each row beside its source.

In:  a ``diff.DiffResult`` (``render_diff``) or review items (``review.render_review`` uses
     ``card``/``page``), and the source files named in each run's ``documents.path``.
Out: HTML text: inline CSS, no scripts, no external links; source snippets are the text
     lines around the row (decoded as the reader decodes them) or, for PDFs and scans, a
     crop of the page around the row's bbox as an inline base64 PNG (pypdfium2 renders
     PDF pages; images are cropped with Pillow), the row outlined in red.

A source that is missing, or whose content hash no longer matches the run's ``doc_id``
(the file was replaced after the run), shows "source not available" with the reason.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from .common import doc_id_of
from .diff import Change, DiffResult, Place, fmt, where
from .readers import reader_for
from .readers.text import decode

CONTEXT_LINES = 2  # text lines shown above and below a row
MAX_TABLE_LINES = 10  # lines shown for a whole table
MAX_TABLE_CROP = 0.3  # of the page height, for a whole table
MAX_LINE_CHARS = 220
CROP_WIDTH = 620  # pixels of a page crop in the report
PDF_SCALE = 2.0  # pypdfium2 render scale (144 dpi)
MAX_CROPS = 300  # page crops per report (the rest say so)


@dataclass(slots=True)
class Source:
    path: Path | None
    data: bytes | None
    problem: str | None  # why there is no snippet


class Snippets:
    """Finds, checks and caches source files; renders snippets as HTML fragments."""

    def __init__(self, max_crops: int = MAX_CROPS) -> None:
        self._sources: dict[tuple, Source] = {}
        self._lines: dict[Path, list[str]] = {}
        self._pages: dict[tuple[Path, int], Any] = {}
        self._manifests: dict[str, dict] = {}
        self.crops = 0
        self.max_crops = max_crops

    # -- finding the file
    def _manifest_paths(self, root: str | None) -> list[str]:
        if not root:
            return []
        if root not in self._manifests:
            try:
                m = json.loads((Path(root) / "_manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                m = {}
            self._manifests[root] = m if isinstance(m, dict) else {}
        items = self._manifests[root].get("inputs") or []
        if isinstance(items, dict):
            items = [{"path": k} for k in items]
        return [str(i.get("path")) for i in items if isinstance(i, dict) and i.get("path")]

    def source(self, p: Place) -> Source:
        key = (p.path, p.doc_id, p.root, p.source)
        if key in self._sources:
            return self._sources[key]
        cands: list[Path] = []
        if p.path:
            cands.append(Path(p.path))
            if p.root and not Path(p.path).is_absolute():
                cands.append(Path(p.root).parent / p.path)
        for mp in self._manifest_paths(p.root):
            if p.source and PurePath(mp).name == p.source:
                cands.append(Path(mp))
        src = Source(None, None, f"source not available ({p.path or p.source}: not found)")
        for c in cands:
            if c.is_file():
                data = c.read_bytes()
                if p.doc_id and doc_id_of(data) != p.doc_id:
                    src = Source(c, None, f"source not available ({c}: changed since the run)")
                    continue
                src = Source(c, data, None)
                break
        self._sources[key] = src
        return src

    # -- rendering
    def html(self, p: Place | None, label: str, marks: list[str] | None = None) -> str:
        """A snippet box for one side of a change; ``marks`` are highlighted in its lines."""
        if p is None:
            return ""
        head = f'<div class="where">{esc(label)}: {esc(where(p))}</div>'
        src = self.source(p)
        if src.data is None or src.path is None:
            return f'<div class="snip">{head}<div class="na">{esc(src.problem or "")}</div></div>'
        cls = "snip"
        suffix = src.path.suffix.lower()
        family = reader_for(src.path, src.data[:1024]).name
        try:
            if family == "pdf":
                body, cls = self._crop_pdf(src, p), "snip img"
            elif family == "image":
                body, cls = self._crop_image(src, p), "snip img"
            elif family not in ("text", "html"):
                body = f'<div class="na">no snippet for {esc(suffix)} sources</div>'
            else:
                body = self._text(src, p, marks or [])
        except Exception as e:  # a snippet must never sink the report
            body = f'<div class="na">source not available ({esc(type(e).__name__)}: {esc(e)})</div>'
        return f'<div class="{cls}">{head}{body}</div>'

    def lines(self, p: Place) -> list[tuple[int, str]]:
        """The text lines of a place (number, text), or none for non-text sources."""
        src = self.source(p)
        if src.data is None or src.path is None or p.line is None:
            return []
        if reader_for(src.path, src.data[:1024]).name not in ("text", "html"):
            return []
        if src.path not in self._lines:
            text, _ = decode(src.data, src.path.name)
            self._lines[src.path] = text.splitlines()
        lines = self._lines[src.path]
        return [(p.line, lines[p.line - 1])] if 0 < p.line <= len(lines) else []

    def _text(self, src: Source, p: Place, marks: list[str]) -> str:
        assert src.path is not None and src.data is not None
        if src.path not in self._lines:
            text, _ = decode(src.data, src.path.name)
            self._lines[src.path] = text.splitlines()
        lines = self._lines[src.path]
        if p.line is None:
            return '<div class="na">no line number</div>'
        if p.line_end is not None and p.line_end >= p.line:  # a whole table
            lo, hi = p.line, min(p.line_end, p.line + MAX_TABLE_LINES - 1)
            marked = set(range(p.line, hi + 1))
        else:
            lo, hi = p.line - CONTEXT_LINES, p.line + CONTEXT_LINES
            marked = {p.line}
        out = []
        for n in range(max(1, lo), min(len(lines), hi) + 1):
            text = lines[n - 1].replace("\t", " │ ").strip()
            if len(text) > MAX_LINE_CHARS:
                text = text[:MAX_LINE_CHARS] + "…"
            cls = ' class="hit"' if n in marked else ""
            body = highlight(text, marks) if n in marked else esc(text)
            out.append(f'<tr{cls}><td class="ln">{n}</td><td>{body}</td></tr>')
        more = ""
        if p.line_end is not None and p.line_end > hi:
            more = f'<div class="more">… to line {p.line_end}</div>'
        return f'<table class="lines">{"".join(out)}</table>{more}'

    def _page_image(self, src: Source, page: int, pdf: bool) -> Any:
        assert src.path is not None and src.data is not None
        k = (src.path, page)
        if k not in self._pages:
            if pdf:
                import pypdfium2 as pdfium

                doc = pdfium.PdfDocument(src.data)
                try:
                    pg = doc[page - 1]
                    img = pg.render(scale=PDF_SCALE).to_pil().convert("RGB")
                finally:
                    doc.close()
            else:
                from PIL import Image

                im = Image.open(io.BytesIO(src.data))
                if getattr(im, "n_frames", 1) > 1:
                    im.seek(page - 1)
                img = im.convert("RGB")
            self._pages[k] = img
        return self._pages[k]

    def _crop_pdf(self, src: Source, p: Place) -> str:
        return self._crop(src, p, pdf=True, scale=PDF_SCALE)

    def _crop_image(self, src: Source, p: Place) -> str:
        return self._crop(src, p, pdf=False, scale=1.0)

    def _crop(self, src: Source, p: Place, pdf: bool, scale: float) -> str:
        if p.page is None and not pdf:
            p = replace(p, page=1)
        if p.page is None:
            return '<div class="na">no page number</div>'
        if self.crops >= self.max_crops:
            return f'<div class="na">page {p.page}: crop left out (over {self.max_crops})</div>'
        from PIL import ImageDraw

        img = self._page_image(src, p.page, pdf)
        w, h = img.size
        if p.bbox:
            x0, y0, x1, y1 = (v * scale for v in p.bbox)
            my = max(y1 - y0, 0.04 * h) if p.line_end is None else 0.02 * h
            cut = p.line_end is not None and y1 - y0 > MAX_TABLE_CROP * h
            if cut:  # a whole table: its top part is enough to know it
                y1 = y0 + MAX_TABLE_CROP * h
            box = (
                max(0, int(x0 - 0.03 * w)),
                max(0, int(y0 - my)),
                min(w, int(x1 + 0.03 * w)),
                min(h, int(y1 + (0 if cut else my))),
            )
            crop = img.crop(box).copy()
            ImageDraw.Draw(crop).rectangle(
                (x0 - box[0] - 2, y0 - box[1] - 2, x1 - box[0] + 2, y1 - box[1] + 2),
                outline=(220, 30, 30),
                width=3,
            )
        else:
            crop = img.copy()  # no box: the whole page, small
        if crop.width > CROP_WIDTH:
            crop = crop.resize((CROP_WIDTH, max(1, round(crop.height * CROP_WIDTH / crop.width))))
        buf = io.BytesIO()
        crop.save(buf, format="PNG", optimize=True)
        self.crops += 1
        b64 = base64.b64encode(buf.getvalue()).decode("ascii")
        alt = f"page {p.page} of {p.source}"
        return f'<img class="crop" alt="{esc(alt)}" src="data:image/png;base64,{b64}">'


def highlight(text: str, marks: list[str]) -> str:
    """``text`` escaped, with each occurrence of a mark wrapped in ``<mark>``."""
    ms = sorted({m for m in marks if m and m.strip()}, key=len, reverse=True)
    if not ms:
        return esc(text)
    pat = re.compile("|".join(map(re.escape, ms)))
    out, pos = [], 0
    for m in pat.finditer(text):
        out.append(esc(text[pos : m.start()]))
        out.append(f"<mark>{esc(m.group(0))}</mark>")
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def esc(v: object) -> str:
    return html.escape("" if v is None else str(v))


CSS = """
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:0;
  color:#1d2330;background:#f4f5f7}
header{background:#1f2d3d;color:#fff;padding:14px 24px}
header h1{font-size:19px;margin:0 0 4px}
header .runs{font:12px ui-monospace,monospace;opacity:.85}
main{padding:12px 24px 40px}
.notes{font-size:12.5px;color:#444;margin:8px 0 12px;padding:0;list-style:none}
.notes li{display:inline-block;background:#fff;border:1px solid #dde;border-radius:4px;
  padding:2px 8px;margin:2px 4px 2px 0}
.counts span{display:inline-block;border-radius:12px;padding:2px 10px;margin:0 6px 6px 0;
  font-weight:600;font-size:12.5px;background:#e4e7ec}
.card{background:#fff;border:1px solid #d8dce3;border-left:5px solid #999;border-radius:5px;
  margin:10px 0;display:grid;grid-template-columns:minmax(280px,2fr) 3fr;gap:12px;padding:10px}
.card.added,.card.new,.card.raised,.card.sharper{border-left-color:#2e9d4d}
.card.removed,.card.dropped,.card.vaguer{border-left-color:#d03b3b}
.card.changed,.card.lowered{border-left-color:#d99a1a}
.card.moved,.card.matched{border-left-color:#2b7bb9}
.card.error{border-left-color:#d03b3b}.card.warning{border-left-color:#d99a1a}
.kind{font-weight:700;text-transform:uppercase;font-size:11.5px;letter-spacing:.04em;
  color:#555}
.title{font-weight:600;margin:2px 0}
.path{color:#444;font-size:13px}
.fields{margin:6px 0 0;padding:0;list-style:none;font-size:13.5px}
.fields li{margin:2px 0}
.fields .f{font:12px ui-monospace,monospace;color:#555;margin-right:6px}
del{background:#fde2e2;color:#a31515;text-decoration:line-through;padding:0 3px}
ins{background:#dcf5e1;color:#146c2e;text-decoration:none;padding:0 3px}
.meta{font-size:12px;color:#666;margin-top:4px}
.snips{display:flex;gap:10px;flex-wrap:wrap;align-items:flex-start}
.snip{flex:1 1 300px;min-width:0}
.snip.img{flex-basis:100%}
mark{background:#ffd54a;padding:0 1px}
.where{font:11.5px ui-monospace,monospace;color:#555;margin-bottom:2px}
.lines{border-collapse:collapse;font:12px/1.35 ui-monospace,"WenQuanYi Zen Hei Mono",monospace;
  width:100%;background:#fafbfc;border:1px solid #e3e6ea}
.lines td{padding:1px 6px;vertical-align:top;white-space:pre-wrap;word-break:break-all}
.lines td.ln{color:#999;text-align:right;width:1%;white-space:nowrap}
.lines tr.hit{background:#fff3c4}
.crop{max-width:100%;border:1px solid #ccd;display:block}
.na{color:#999;font-style:italic;font-size:12.5px;padding:6px;border:1px dashed #ccd}
.more{color:#888;font-size:11.5px}
.docs{background:#fff;border:1px solid #d8dce3;border-radius:5px;padding:6px 10px;
  margin:6px 0 10px;font-size:12.5px}
.docs summary{font-weight:600;cursor:pointer}
.docs td{padding:1px 10px 1px 0;vertical-align:top}
.empty{font-size:16px;color:#2e9d4d;font-weight:600;margin:20px 0}
"""


def page(
    title: str,
    subtitle: str,
    notes: list[str],
    counts: list[str],
    cards: list[str],
    extra: str = "",
) -> str:
    """The whole HTML document (``extra`` goes between the counts and the cards)."""
    notes_html = "".join(f"<li>{esc(n)}</li>" for n in notes)
    counts_html = "".join(f"<span>{esc(c)}</span>" for c in counts)
    body = "".join(cards) or '<div class="empty">no changes</div>'
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><div class="runs">{esc(subtitle)}</div></header>'
        f'<main><ul class="notes">{notes_html}</ul><div class="counts">{counts_html}</div>'
        f"{extra}{body}</main></body></html>"
    )


def card(
    kind: str,
    css: str,
    title: str,
    path: str,
    fields_html: str,
    meta: str,
    snippets_html: str,
) -> str:
    """One change (or review item): description on the left, source snippets on the right."""
    return (
        f'<section class="card {esc(css)}"><div><div class="kind">{esc(kind)}</div>'
        f'<div class="title">{esc(title)}</div><div class="path">{esc(path)}</div>'
        f'{fields_html}<div class="meta">{esc(meta)}</div></div>'
        f'<div class="snips">{snippets_html}</div></section>'
    )


def _fields_html(c: Change) -> str:
    items = [
        f'<li><span class="f">{esc(f.field)}</span><del>{esc(fmt(f.old))}</del> → '
        f"<ins>{esc(fmt(f.new))}</ins></li>"
        for f in c.fields
    ]
    if c.note:
        items.append(f"<li>{esc(c.note)}</li>")
    return f'<ul class="fields">{"".join(items)}</ul>' if items else ""


def _marks(c: Change, old: bool) -> list[str]:
    vals = [f.old if old else f.new for f in c.fields]
    return [v for v in vals if isinstance(v, str)]


def _docs_html(result: DiffResult) -> str:
    """Documents that changed, and (by project) every project match with its score."""
    rows = []
    for c in result.changes:
        if c.entity == "document":
            what = "; ".join(f"{f.field} {fmt(f.old)} → {fmt(f.new)}" for f in c.fields)
            rows.append((c.change, c.source or "", what or (c.note or "")))
        elif c.change == "matched":
            rows.append(("matched", f"score {c.score:g}", c.note or ""))
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{esc(a)}</td><td>{esc(b)}</td><td>{esc(x)}</td></tr>" for a, b, x in rows
    )
    title = "projects matched by name" if result.mode == "project" else "documents"
    return f'<details class="docs" open><summary>{title}</summary><table>{body}</table></details>'


def render_diff(result: DiffResult, snippets: Snippets | None = None) -> str:
    """The diff report as one HTML page: run notes, changed documents (or project
    matches), then one card per table or indicator change beside its source snippets."""
    sn = snippets or Snippets()
    cards = []
    for c in result.changes:
        if c.entity == "document" or (c.change == "matched" and not c.fields):
            continue
        meta = []
        if c.match:
            meta.append(f"matched by {c.match}" + (f" (score {c.score:g})" if c.score else ""))
        if c.key_new or c.key_old:
            meta.append(f"key {c.key_new or c.key_old}")
        snips = sn.html(c.old, "old", _marks(c, old=True)) + sn.html(
            c.new, "new", _marks(c, old=False)
        )
        cards.append(
            card(
                f"{c.entity} {c.change}",
                c.change,
                c.table or "",
                c.path or (c.source or ""),
                _fields_html(c),
                " · ".join(meta),
                snips,
            )
        )
    counts = [f"{e} {k}: {n}" for (e, k), n in sorted(result.counts().items())]
    mode = "by project (years)" if result.mode == "project" else "runs"
    return page(
        f"jixiao diff — {mode}",
        f"OLD {result.old.root} → NEW {result.new.root}",
        result.notes,
        counts,
        cards,
        _docs_html(result),
    )


def write_diff_html(result: DiffResult, path: str | Path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_diff(result), encoding="utf-8")
    return p
