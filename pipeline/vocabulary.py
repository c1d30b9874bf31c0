"""The word lists cells are matched against (``configs/vocabulary.yaml``), read once.

In:  ``vocabulary.yaml`` of the default config directory (validated: ``VocabularyFile``).
Out: ``VOCAB`` and the forms the readers and the normalizer use (sorted longest first,
as sets, as a pattern).  The lists are compiled into module-level patterns when jixiao
starts, so a run's ``--config`` directory may not carry a different copy
(``check_same`` says so, naming the file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .config_files import ConfigError, VocabularyFile, read_yaml, validated

FILE = "vocabulary.yaml"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    worded_target_words: tuple[str, ...]
    units: tuple[str, ...]  # longest first
    period_units: tuple[str, ...]
    numeral_measures: tuple[str, ...]
    operators: tuple[tuple[str, tuple[str, ...]], ...]  # (operator, its words), in file order
    bound_suffixes: tuple[tuple[str, str], ...]  # (suffix, operator), longest first
    operator_cells: frozenset[str]  # a cell holding only one of these is an operator
    empty_marks: frozenset[str]
    prose_start: re.Pattern[str]
    target_clause_ends: tuple[str, ...]  # with worded_target_words
    title_head_ends: tuple[str, ...]


def read(path: Path) -> tuple[Vocabulary, bytes]:
    """The vocabulary in ``path`` and the file's bytes (``ConfigError`` naming the file)."""
    data, raw = read_yaml(path)
    f = validated(VocabularyFile, data, path)
    longest = lambda ws: tuple(sorted(dict.fromkeys(ws), key=len, reverse=True))  # noqa: E731
    ops = tuple((op, tuple(ws)) for op, ws in f.operators.items())
    suffixes = sorted(
        ((w, op) for op, ws in f.bound_suffixes.items() for w in ws), key=lambda x: -len(x[0])
    )
    words = [w for _, ws in ops for w in ws]
    return (
        Vocabulary(
            worded_target_words=tuple(f.worded_target_words),
            units=longest(f.units),
            period_units=tuple(f.period_units),
            numeral_measures=tuple(f.numeral_measures),
            operators=ops,
            bound_suffixes=tuple(suffixes),
            operator_cells=frozenset(words) | frozenset(f.operator_cells),
            empty_marks=frozenset(f.empty_marks),
            prose_start=re.compile("|".join(re.escape(w) for w in longest(f.prose_openers))),
            target_clause_ends=(*f.target_clause_ends, *f.worded_target_words),
            title_head_ends=tuple(f.title_head_ends),
        ),
        raw,
    )


def _default_path() -> Path:
    from .config import default_config_dir

    return default_config_dir() / FILE


VOCAB, DEFAULT_BYTES = read(_default_path())


def check_same(directory: Path) -> bytes:
    """The bytes of ``directory``'s vocabulary (the default's when it has none);
    ``ConfigError`` when it differs from the vocabulary jixiao started with."""
    path = directory / FILE
    if not path.is_file():
        return DEFAULT_BYTES
    _, raw = read(path)
    if raw != DEFAULT_BYTES:
        raise ConfigError(
            f"{path}: differs from {_default_path()}; the word lists are compiled when jixiao "
            "starts, so edit that file instead of carrying a copy in a run's config directory"
        )
    return raw
