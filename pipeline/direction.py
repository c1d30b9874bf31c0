"""Direction of qualitative targets: 有所提升 → improve, 合规 → comply, 春节前 → deadline ….

In:  a target text (``direction_of``) or a ``DocResult`` (``assign_directions``), and the
vocabulary ``configs/directions.yaml`` (rules of words and regex patterns, tried in order).
Out: one of ``DIRECTIONS`` (``improve``, ``maintain``, ``comply``, ``decrease``,
``deadline``, ``other``) for a qualitative target, ``None`` for a numeric or empty one;
``assign_directions`` sets ``Indicator.direction`` on every indicator of the result.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import DEFAULT_DIR
from .config_files import DirectionsFile, read_yaml, validated
from .model import DocResult
from .normalize import normalize_value

DIRECTIONS = ("improve", "maintain", "comply", "decrease", "deadline", "other")
DEFAULT_PATH = DEFAULT_DIR / "directions.yaml"
_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the vocabulary: a direction and what reveals it."""

    direction: str
    words: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, folded: str) -> bool:
        return any(w in folded for w in self.words) or any(p.search(folded) for p in self.patterns)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The rules of ``directions.yaml`` in order, and the bytes' hash."""

    rules: tuple[Rule, ...]
    digest: str

    def classify(self, text: str) -> str:
        """The direction of a qualitative target text: the first matching rule, else other."""
        return _classify(self, _fold(text))


@lru_cache(maxsize=65536)
def _classify(vocab: Vocabulary, folded: str) -> str:
    for rule in vocab.rules:
        if rule.matches(folded):
            return rule.direction
    return "other"


def load_directions(path: str | Path | None = None) -> Vocabulary:
    """Read a directions vocabulary (default ``configs/directions.yaml``).

    Raises ``ValueError`` naming the file for an unknown direction or a bad pattern.
    """
    p = Path(path) if path else DEFAULT_PATH
    return _load(p.resolve())


@lru_cache(maxsize=8)
def _load(p: Path) -> Vocabulary:
    parsed, data = read_yaml(p)
    doc = validated(DirectionsFile, parsed, p).model_dump()
    rules: list[Rule] = []
    for n, spec in enumerate(doc.get("rules") or [], 1):
        direction = (spec or {}).get("direction")
        if direction not in DIRECTIONS:
            raise ValueError(f"{p}: rule {n}: direction {direction!r} is not one of {DIRECTIONS}")
        words = tuple(_fold(str(w)) for w in spec.get("words") or [] if str(w).strip())
        patterns = []
        for pat in spec.get("patterns") or []:
            try:
                patterns.append(re.compile(unicodedata.normalize("NFKC", str(pat))))
            except re.error as e:
                raise ValueError(f"{p}: rule {n}: bad pattern {pat!r}: {e}") from None
        rules.append(Rule(direction, words, tuple(patterns)))
    return Vocabulary(tuple(rules), hashlib.sha256(data).hexdigest()[:16])


def direction_of(text: str | None, vocab: Vocabulary | None = None) -> str | None:
    """Direction of one target text; ``None`` when it is empty or numeric (``≥95%``)."""
    if not text or not text.strip():
        return None
    if normalize_value(text).kind != "qualitative":
        return None
    return (vocab or load_directions()).classify(text)


def assign_directions(result: DocResult, vocab: Vocabulary | None = None) -> DocResult:
    """Set ``direction`` on every indicator of ``result`` (None unless its target is
    qualitative) and return the same result."""
    v = vocab or load_directions()
    for table in result.tables:
        for ind in table.indicators:
            t = ind.target
            ind.direction = v.classify(t.raw) if t.kind == "qualitative" and t.raw else None
    return result
