"""Shared test helpers: run the pipeline on files and score them against gold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.run import ingest_paths
from tests.score import score

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "liupanshui_gov_office_2024.txt"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def cfg():
    return load_config()


def f1_of(totals: dict) -> float:
    denom = totals["gold_rows"] + totals["pred_rows"]
    return 2 * totals["exact_rows"] / denom if denom else 0.0


def ingest_and_score(files: list[Path], gold_files: list[Path], tmp: Path) -> tuple[dict, list]:
    """Ingest ``files`` into ``tmp/out`` and score them against ``gold_files``."""
    out, gold_dir = tmp / "out", tmp / "gold"
    gold_dir.mkdir(parents=True, exist_ok=True)
    for g in gold_files:
        shutil.copy(g, gold_dir / g.name)
    ingest_paths(files, out)
    return score(gold_dir, out, True)
