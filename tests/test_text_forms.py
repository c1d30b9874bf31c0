"""Every text form of the composed fixture documents, end to end, scored against gold.

The fixtures in ``tests/fixtures/text/`` and their gold in ``tests/fixtures/text_gold/``
are written by ``tests/fixtures/make_text_fixtures.py`` (four invented documents, each
rendered as OCR-like tab text, TSV/CSV sheet dumps, `` | `` rows, Markdown, HTML in
Markdown, a whole web page, one-cell-per-line text and run-together text).  Each file is
ingested alone into a temporary directory and scored with ``tests/score.py``.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEXT_DIR = FIXTURES / "text"
GOLD_DIR = FIXTURES / "text_gold"
MIN_F1 = 0.90

FILES = sorted(p for p in TEXT_DIR.iterdir() if p.is_file()) if TEXT_DIR.is_dir() else []


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


try:
    from tests.score import score
except ImportError:  # ``tests`` not importable as a package: load the file itself
    score = _load("_jixiao_score", Path(__file__).resolve().parent / "score.py").score

try:
    from pipeline.run import ingest_paths
except ImportError as e:  # the pipeline is written concurrently with these tests
    ingest_paths = None
    _IMPORT_ERROR = f"pipeline.run not importable yet: {e}"


def f1_of(totals: dict) -> float:
    denom = totals["gold_rows"] + totals["pred_rows"]
    return 2 * totals["exact_rows"] / denom if denom else 0.0


def test_fixtures_present_and_paired():
    assert len(FILES) >= 27, "run tests/fixtures/make_text_fixtures.py"
    golds = {p.name.removesuffix(".gold.json") for p in GOLD_DIR.glob("*.gold.json")}
    assert golds == {p.name for p in FILES}


def test_fixtures_up_to_date(tmp_path):
    """The committed fixtures are what the generator writes (line endings aside, so a
    checkout that converts CRLF in the CSV dumps still passes)."""
    gen = _load("_make_text_fixtures", FIXTURES / "make_text_fixtures.py")
    names = gen.build(tmp_path)
    assert sorted(names) == [p.name for p in FILES]

    def same(a: Path, b: Path) -> bool:
        return a.read_bytes().replace(b"\r\n", b"\n") == b.read_bytes().replace(b"\r\n", b"\n")

    for name in names:
        assert same(tmp_path / "text" / name, TEXT_DIR / name), f"{name}: regenerate fixtures"
        gold = f"{name}.gold.json"
        assert same(tmp_path / "text_gold" / gold, GOLD_DIR / gold), f"{gold}: regenerate"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_text_form(path: Path, tmp_path: Path):
    if ingest_paths is None:
        pytest.skip(_IMPORT_ERROR)
    gold = GOLD_DIR / f"{path.name}.gold.json"
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    shutil.copy(gold, gold_dir / gold.name)
    out = tmp_path / "parquet"
    ingest_paths([path], out)
    totals, misses = score(gold_dir, out, verbose=True)
    f1 = f1_of(totals)
    detail = "\n".join(misses[:40])
    assert totals["matched_tables"] == totals["gold_tables"], (
        f"{path.name}: {totals['matched_tables']}/{totals['gold_tables']} tables found "
        f"({totals['pred_tables']} extracted)\n{detail}"
    )
    assert f1 >= MIN_F1, (
        f"{path.name}: exact-row F1 {f1:.3f} < {MIN_F1} (gold {totals['gold_rows']}, "
        f"extracted {totals['pred_rows']}, exact {totals['exact_rows']})\n{detail}"
    )
