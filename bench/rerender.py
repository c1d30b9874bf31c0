"""Rerender benchmark: the corpus' workbooks written in other forms, read back, scored.

In:  the ``.xlsx`` documents of the development corpus (``../shared/corpus/real`` and
     ``generated/xlsx`` by default) and their gold.
Out: one line per rendering (exact-row F1 over all documents) and the misses with
     ``--verbose``.  The content and the gold stay the same; only the form changes, so a
     drop names a reader or layout weakness, not a content one.

Renderings (merged ranges from the workbook):

* ``html``: one ``<table>`` per sheet, ``rowspan``/``colspan`` for merged ranges;
* ``docx``: one Word table per sheet, merged cells merged;
* ``markdown``: pipe tables, merged cells left empty;
* ``pipe``: `` | ``-separated lines, merged cells empty (naive converter text);
* ``pipe_filled``: the same with a vertically merged cell's text repeated on every row
  (what a converter that fills merges writes);
* ``tsv``: tab-separated lines, merged cells empty;
* ``cellline``: one cell per line, each merged cell once (naive PDF text extraction).

Usage: ``python bench/rerender.py [XLSX_DIR ...] [--forms html,pipe] [--verbose]``.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import openpyxl
from openpyxl.utils.cell import range_boundaries

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
FORMS = ("html", "docx", "markdown", "pipe", "pipe_filled", "tsv", "cellline")


def _text(cell) -> str:  # noqa: ANN001
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float) and "%" in (cell.number_format or ""):
        return f"{round(v * 100, 6):g}%"
    if isinstance(v, float):
        return repr(v).removesuffix(".0")
    return str(v).strip()


def sheet_grid(ws) -> tuple[list[list[str]], dict, dict]:  # noqa: ANN001
    """Texts by row (empty rows dropped), the anchor of every merged cell and the spans
    of each anchor, in kept-row coordinates."""
    anchor: dict[tuple[int, int], tuple[int, int]] = {}
    ranges = []
    for m in ws.merged_cells.ranges:
        c1, r1, c2, r2 = range_boundaries(str(m))
        ranges.append((r1, c1, r2, c2))
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                anchor[(r, c)] = (r1, c1)
    raw = {
        (r, c): _text(ws.cell(r, c))
        for r in range(1, ws.max_row + 1)
        for c in range(1, ws.max_column + 1)
    }
    kept = [
        r for r in range(1, ws.max_row + 1) if any(raw[(r, c)] for c in range(1, ws.max_column + 1))
    ]
    width = max((c for (r, c), t in raw.items() if t), default=0)
    index = {r: k for k, r in enumerate(kept)}
    rows = [[raw[(r, c)] for c in range(1, width + 1)] for r in kept]
    cover: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in ranges:
        ks = [index[r] for r in range(r1, r2 + 1) if r in index]
        if not ks or c1 > width:
            continue
        a = (ks[0], c1 - 1)
        spans[a] = (len(ks), min(c2, width) - c1 + 1)
        for k in ks:
            for c in range(c1 - 1, min(c2, width)):
                if (k, c) != a:
                    cover[(k, c)] = a
    return rows, cover, spans


def render(path: Path, form: str, out: Path) -> Path:
    wb = openpyxl.load_workbook(path)
    grids = [sheet_grid(ws) for ws in wb.worksheets]
    target = (
        out
        / f"{path.stem}_{form}.{ {'html': 'html', 'docx': 'docx', 'markdown': 'md'}.get(form, 'txt') }"
    )
    if form == "docx":
        d = docx.Document()
        for rows, cover, spans in grids:
            if not rows:
                continue
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            for k, row in enumerate(rows):
                for c, text in enumerate(row):
                    if (k, c) not in cover:
                        t.cell(k, c).text = text
            for (k, c), (rs, cs) in spans.items():
                if rs > 1 or cs > 1:
                    t.cell(k, c).merge(t.cell(k + rs - 1, c + cs - 1))
        d.save(target)
        return target
    lines: list[str] = []
    for rows, cover, spans in grids:
        if form == "html":
            lines.append("<table border=1>")
        for k, row in enumerate(rows):
            if form == "html":
                cells = []
                for c, text in enumerate(row):
                    if (k, c) in cover:
                        continue
                    rs, cs = spans.get((k, c), (1, 1))
                    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (
                        f' colspan="{cs}"' if cs > 1 else ""
                    )
                    cells.append(f"<td{attrs}>{html.escape(text).replace(chr(10), '<br>')}</td>")
                lines.append("<tr>" + "".join(cells) + "</tr>")
                continue
            if form == "cellline":
                lines.extend(
                    t.replace("\n", "") for c, t in enumerate(row) if t and (k, c) not in cover
                )
                continue
            texts = []
            for c, text in enumerate(row):
                a = cover.get((k, c))
                if a is not None:
                    # a vertically merged cell: its text again only where a converter fills
                    text = rows[a[0]][a[1]] if form == "pipe_filled" and a[1] == c else ""
                texts.append(text.replace("\n", ""))
            if form == "markdown":
                lines.append("| " + " | ".join(texts) + " |")
                if k == 0:
                    lines.append("|" + "---|" * len(texts))
                continue
            while texts and not texts[-1]:
                texts.pop()
            lines.append(("\t" if form == "tsv" else " | ").join(texts))
        lines.append("</table>" if form == "html" else "")
    body = "\n".join(lines)
    target.write_text(
        f"<html><body>{body}</body></html>" if form == "html" else body, encoding="utf-8"
    )
    return target


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path, help="corpus folders with raw/ and gold/")
    ap.add_argument("--forms", default=",".join(FORMS))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    folders = args.folders or [CORPUS / "real", CORPUS / "generated" / "xlsx"]
    if not SCORE.is_file() or not all((f / "raw").is_dir() for f in folders):
        print(f"corpus not found ({', '.join(map(str, folders))}); nothing to measure")
        return 0
    books = [(f, x) for f in folders for x in sorted((f / "raw").glob("*.xlsx"))]
    with tempfile.TemporaryDirectory() as tmp:
        for form in args.forms.split(","):
            base = Path(tmp) / form
            raw, gold, out = base / "raw", base / "gold", base / "out"
            raw.mkdir(parents=True)
            gold.mkdir()
            for folder, book in books:
                made = render(book, form, raw)
                g = json.loads((folder / "gold" / f"{book.stem}.gold.json").read_text("utf-8"))
                g["source"] = made.name
                (gold / f"{made.stem}.gold.json").write_text(
                    json.dumps(g, ensure_ascii=False), "utf-8"
                )
            subprocess.run(
                [sys.executable, "-m", "pipeline", "ingest", str(raw), "-o", str(out)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            score = subprocess.run(
                [sys.executable, str(SCORE), str(gold), str(out), "--verbose"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.splitlines()
            print(f"{form:<12} {score[-1]}  ({len(books)} workbooks)")
            if args.verbose:
                for line in score:
                    if " line " in line or "not found" in line or ": gold=" in line:
                        print("   ", line[:200])
            shutil.rmtree(base)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
