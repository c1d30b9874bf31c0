"""Compare the PDF reader (pdfplumber) with camelot on the PDF fixtures.

In:  ``tests/fixtures/pdf/*.pdf`` and their gold in ``tests/gold_pdf/``.
Out: a table on stdout: per fixture, for ``read_pdf`` and for camelot (``lattice`` on
ruled fixtures, ``stream`` and ``network`` on the borderless one), the share of gold
indicator rows whose 三级指标, 指标值 and 指标解释 come out as consecutive cells of one row
(whitespace ignored), and seconds per page.

Run: ``python bench/pdf_camelot_compare.py`` (camelot is imported lazily; it is a
dependency of the project but not used by the pipeline).
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.readers.pdf import read_pdf  # noqa: E402

FIX = ROOT / "tests" / "fixtures" / "pdf"
GOLD = ROOT / "tests" / "gold_pdf"


def norm(s: object) -> str:
    return re.sub(r"\s+", "", str(s or ""))


def gold_rows(name: str) -> list[tuple[str, str, str]]:
    g = json.loads((GOLD / f"{Path(name).stem}.gold.json").read_text(encoding="utf-8"))
    return [
        (norm(r["level3"]), norm(r["value_raw"]), norm(r["explanation"]))
        for t in g["tables"]
        for r in t["indicators"]
    ]


def recall(gold: list[tuple[str, str, str]], grids: list[list[str]]) -> float:
    """Share of gold rows found as three consecutive cells of some row."""
    triples = set()
    for row in grids:
        cells = [norm(c) for c in row]
        for k in range(len(cells) - 2):
            triples.add(tuple(cells[k : k + 3]))
    hit = sum(1 for g in gold if g in triples)
    return hit / len(gold) if gold else 1.0


def plumber(path: Path) -> tuple[list[list[str]], int, float]:
    t = time.perf_counter()
    doc = read_pdf(path, path.read_bytes())
    dt = time.perf_counter() - t
    return [r.texts for r in doc.rows if r.table_id is not None], doc.n_pages or 1, dt


def camelot_rows(path: Path, flavor: str) -> tuple[list[list[str]], float]:
    import camelot

    t = time.perf_counter()
    tables = camelot.read_pdf(str(path), pages="all", flavor=flavor)
    dt = time.perf_counter() - t
    rows: list[list[str]] = []
    for tb in tables:
        rows.extend(tb.df.astype(str).values.tolist())
    return rows, dt


def main() -> None:
    print(f"{'fixture':32} {'reader':18} {'rows ok':>8} {'s/page':>7}")
    totals: dict[str, list[float]] = {}
    for pdf in sorted(FIX.glob("*.pdf")):
        gold = gold_rows(pdf.name)
        rows, n_pages, dt = plumber(pdf)
        results = [("pdfplumber (ours)", recall(gold, rows), dt / n_pages)]
        flavors = ["stream", "network"] if "borderless" in pdf.name else ["lattice"]
        for fl in flavors:
            try:
                crow, cdt = camelot_rows(pdf, fl)
                results.append((f"camelot {fl}", recall(gold, crow), cdt / n_pages))
            except Exception as e:  # camelot raises on odd pages; report, don't stop
                print(f"  camelot {fl} failed on {pdf.name}: {e}")
        for name, rec, spp in results:
            print(f"{pdf.name:32} {name:18} {rec:8.3f} {spp:7.3f}")
            key = name.split()[0] if name.startswith("pdfplumber") else name
            totals.setdefault(key, []).append(spp)
    for k, v in totals.items():
        print(f"mean s/page {k}: {sum(v) / len(v):.3f}")


if __name__ == "__main__":
    main()
