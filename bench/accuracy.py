"""Accuracy benchmark: ingest every ``raw/`` folder of a corpus and score it against its gold.

In:  corpus folders (default ``../shared/corpus`` beside the checkout, when present); each
folder that holds ``raw/`` and ``gold/`` is one line.  Out: one line per folder on stdout
(exact-row F1, recall, precision, gold tables found and tables extracted beyond them, gold
rows right wherever they landed (tables ignored: detection and reading told apart), the
three weakest row fields) and a total; with ``--check BASELINE`` exit 1 when a folder's F1 drops more than ``--tolerance`` below the
committed figure (a ratchet: raise the baseline in the commit that earns it, with
``--write BASELINE``).

    .venv/bin/python bench/accuracy.py                       # the shared corpus
    .venv/bin/python bench/accuracy.py --check bench/accuracy_baseline.json
    .venv/bin/python bench/accuracy.py --skip scan            # slow folders left out
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import load_config  # noqa: E402
from pipeline.run import ingest_paths  # noqa: E402
from tests import score as scorer  # noqa: E402  (a verbatim copy of the shared scorer)
from tests.score import score  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
ROW_FIELDS = ("level1", "level2", "level3", "value_raw", "op", "value", "unit", "per", "kind")


def folders(roots: list[Path]) -> list[tuple[str, Path]]:
    """(name, folder) of every folder with ``raw/`` and ``gold/`` under the roots."""
    out = []
    for root in roots:
        found = sorted(p.parent for p in root.rglob("raw") if (p.parent / "gold").is_dir())
        out += [(str(f.relative_to(root)) if f != root else f.name, f) for f in found]
    return out


def rows_ignoring_tables(gold_dir: Path, out: Path) -> int:
    """Gold rows extracted right wherever they landed: each document's gold rows matched
    against all its extracted rows, whichever table holds them (the scorer's row match
    and field rules), so a wrong table split or name does not hide rows read right."""
    indicators = scorer.load(out, "indicators")
    by_source: dict[str, list[dict]] = {}
    for r in indicators:
        by_source.setdefault(Path(str(r.get("source", ""))).name, []).append(r)
    right = 0
    for gf in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gf.read_text(encoding="utf-8"))
        g_rows = [r for t in gold["tables"] for r in t.get("indicators", [])]
        p_rows = sorted(
            by_source.get(gold["source"], []),
            key=lambda r: (r.get("table_no") or 0, r.get("row_no") or 0),
        )
        for gr, pr in scorer.match_rows(g_rows, p_rows):
            right += pr is not None and _exact(gr, pr)
    return right


def _exact(gr: dict, pr: dict) -> bool:
    return (
        all(scorer.same(f, gr.get(f), pr.get(f)) for f in scorer.ROW_FIELDS)
        and all(scorer.same(f, gr.get(f), pr.get(f)) for f in scorer.OPTIONAL_ROW_FIELDS if f in gr)
        and scorer.sim(gr.get("explanation"), pr.get("explanation")) >= 0.9
    )


def measure(folder: Path, work: Path) -> dict:
    out = work / folder.name
    t0 = time.perf_counter()
    ingest_paths([folder / "raw"], out, load_config())
    seconds = time.perf_counter() - t0
    t, _ = score(folder / "gold", out, False)
    denom = t["gold_rows"] + t["pred_rows"]
    matched = max(t["matched_rows"], 1)
    fields = {f: t["field_ok"][f] / matched for f in ROW_FIELDS + ("explanation",)}
    for f, n in t["optional_n"].items():
        if f != "form":
            fields[f] = t["optional_ok"].get(f, 0) / n
    return {
        "f1": round(2 * t["exact_rows"] / denom if denom else 0.0, 4),
        "recall": round(t["exact_rows"] / max(t["gold_rows"], 1), 4),
        "precision": round(t["exact_rows"] / max(t["pred_rows"], 1), 4),
        "weakest": sorted(fields.items(), key=lambda kv: kv[1])[:3],
        "tables": f"{t['matched_tables']}/{t['gold_tables']}",
        "rows_anywhere": rows_ignoring_tables(folder / "gold", out),
        "extra_tables": t["pred_tables"] - t["matched_tables"],
        "gold_rows": t["gold_rows"],
        "pred_rows": t["pred_rows"],
        "exact_rows": t["exact_rows"],
        "seconds": round(seconds, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="*", type=Path)
    ap.add_argument("--skip", action="append", default=[], help="leave out folders so named")
    ap.add_argument("--check", type=Path, help="fail on a drop below this baseline")
    ap.add_argument("--tolerance", type=float, default=0.005)
    ap.add_argument("--write", type=Path, help="write the figures as the new baseline")
    a = ap.parse_args()
    roots = a.corpus or [DEFAULT_CORPUS]
    roots = [r for r in roots if r.is_dir()]
    if not roots:
        print("accuracy: no corpus folder (../shared/corpus is not there); nothing measured")
        return 0
    results: dict[str, dict] = {}
    gold = exact = pred = 0
    with tempfile.TemporaryDirectory(prefix="jixiao-accuracy-") as tmp:
        for name, folder in folders(roots):
            if folder.name in a.skip:
                continue
            r = measure(folder, Path(tmp))
            results[name] = r
            gold, pred, exact = (
                gold + r["gold_rows"],
                pred + r["pred_rows"],
                exact + r["exact_rows"],
            )
            weak = ", ".join(f"{f} {v:.3f}" for f, v in r["weakest"])
            print(
                f"{name:28s} F1 {r['f1']:.4f}  recall {r['recall']:.4f}  precision "
                f"{r['precision']:.4f}  tables {r['tables']} (+{r['extra_tables']} extra)  "
                f"rows right ignoring tables {r['rows_anywhere']}/{r['gold_rows']}  "
                f"weakest: {weak}  ({r['seconds']} s)",
                flush=True,
            )
    total = 2 * exact / (gold + pred) if gold + pred else 0.0
    print(f"{'total':28s} F1 {total:.4f}  ({exact} exact rows, {gold} gold, {pred} extracted)")
    if a.write:
        a.write.write_text(
            json.dumps({k: v["f1"] for k, v in results.items()}, indent=1, sort_keys=True) + "\n"
        )
    if a.check:
        base = json.loads(a.check.read_text())
        drops = [
            f"{k}: {results[k]['f1']:.4f} < baseline {v:.4f}"
            for k, v in base.items()
            if k in results and results[k]["f1"] < v - a.tolerance
        ]
        for d in drops:
            print("accuracy dropped: " + d)
        return 1 if drops else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
