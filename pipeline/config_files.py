"""The config files' shapes, validated (pydantic): unknown keys refused, errors naming the
file and the key.

In:  the parsed YAML of ``configs/schema.yaml``, ``labels.yaml``, ``directions.yaml`` and
``vocabulary.yaml``.
Out: ``SchemaFile``, ``LabelsFile``, ``DirectionsFile``, ``VocabularyFile`` (or
``ConfigError``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

GRID_ROLES = Literal[
    "level1",
    "level2",
    "level12",
    "level3",
    "value",
    "op",
    "unit",
    "explanation",
    "actual",
    "weight",
    "score",
    "deviation",
    "seq",
    "direction",
    "multi_year",
    "nature",
    "standard",
    "remark",
]
# header fields of a table that labels may name (``TableRecord`` attributes)
HEADER_FIELDS = (
    "name",
    "issuer",
    "owner",
    "phone",
    "category",
    "attribute",
    "period",
    "fund_nature",
    "annual_goal",
    "org",
    "policy",
    "plan",
)
DIRECTIONS = Literal["improve", "maintain", "comply", "decrease", "deadline", "other"]


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""


def _compiles(pattern: str, what: str) -> None:
    try:
        re.compile(pattern)
    except re.error as e:
        raise ValueError(f"{what} {pattern!r}: {e}") from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Level1Spec(_Strict):
    synonyms: list[str] = Field(default_factory=list)
    children: list[str] = Field(default_factory=list)


class OutsideLevel1(_Strict):
    """Level-1 headings outside the schema, as they lead text whose cells ran together."""

    words: list[str] = Field(default_factory=list)
    suffixes: list[str] = Field(default_factory=list)


class SchemaFile(_Strict):
    match_threshold: float = Field(80, ge=0, le=100)
    garbled_threshold: float = Field(40, ge=0, le=100)
    level1: dict[str, Level1Spec | None]
    level2: dict[str, list[str] | None]
    outside_level1: OutsideLevel1 = Field(default_factory=OutsideLevel1)


class BudgetLabels(_Strict):
    year: list[str] = Field(default_factory=list)
    project: list[str] = Field(default_factory=list)
    total_multi_year: list[str] = Field(default_factory=list)
    department_lines: list[str] = Field(default_factory=list)
    sub_line_prefix: list[str] = Field(default_factory=list)


class Grades(_Strict):
    met: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)


class LabelsFile(_Strict):
    fields: dict[Literal[HEADER_FIELDS], list[str]]  # type: ignore[valid-type]
    budget: BudgetLabels
    sections: list[str] = Field(default_factory=list)
    other_fields: list[str] = Field(default_factory=list)
    grid_header: dict[GRID_ROLES, list[str]]
    grid_header_contains: list[tuple[GRID_ROLES, list[str]]] = Field(default_factory=list)
    grid_stop: list[str] = Field(default_factory=list)
    grid_stop_within: list[str] = Field(default_factory=list)
    standard_words: list[str] = Field(default_factory=list)
    running_headers: list[str] = Field(default_factory=list)
    direction_words: list[str] = Field(default_factory=list)
    budget_execution: dict[
        Literal["planned", "adjusted", "executed", "rate", "weight", "score"], list[str]
    ] = Field(default_factory=dict)
    budget_execution_total: list[str] = Field(default_factory=list)
    grades: Grades = Field(default_factory=Grades)
    titles: dict[Literal["department", "project", "self_evaluation"], str]

    @field_validator("titles")
    @classmethod
    def _regexes(cls, v: dict[str, str]) -> dict[str, str]:
        for k, pat in v.items():
            _compiles(pat, f"{k}: bad regex")
        return v


class DirectionRule(_Strict):
    direction: DIRECTIONS
    note: str | None = None
    words: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)

    @field_validator("patterns")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        for pat in v:
            _compiles(pat, "bad pattern")
        return v


class DirectionsFile(_Strict):
    rules: list[DirectionRule]


OPERATORS = Literal[">=", "<=", ">", "<", "="]


class VocabularyFile(_Strict):
    """``configs/vocabulary.yaml``: the word lists cells are matched against."""

    worded_target_words: list[str]
    units: list[str]
    period_units: list[str] = Field(default_factory=list)
    numeral_measures: list[str]
    operators: dict[OPERATORS, list[str]]
    bound_suffixes: dict[Literal[">=", "<="], list[str]] = Field(default_factory=dict)
    operator_cells: list[str] = Field(default_factory=list)
    empty_marks: list[str] = Field(default_factory=list)
    prose_openers: list[str] = Field(default_factory=list)
    target_clause_ends: list[str] = Field(default_factory=list)
    title_head_ends: list[str] = Field(default_factory=list)

    @field_validator(
        "worded_target_words", "units", "numeral_measures", "empty_marks", "prose_openers"
    )
    @classmethod
    def _no_blank(cls, v: list[str]) -> list[str]:
        if any(not w.strip() for w in v):
            raise ValueError("an empty word")
        return v


def read_yaml(path: Path) -> tuple[Any, bytes]:
    """The parsed YAML of ``path`` and the file's bytes; ``ConfigError`` naming the file.
    Parsed by libyaml where PyYAML has it (the same safe subset, ten times faster: every
    jixiao process reads four of these files as it starts)."""
    try:
        raw = path.read_bytes()
        return yaml.load(raw.decode("utf-8"), Loader=SAFE_LOADER), raw
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def validated(model: type[BaseModel], data: Any, path: Path) -> Any:
    """``model`` of ``data`` read from ``path``; ``ConfigError`` naming file and key."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in e.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
