"""Configuration: the canonical indicator schema and the label vocabulary, as data.

In:  ``configs/schema.yaml`` and ``configs/labels.yaml`` (or another directory);
``vocabulary.yaml`` (word lists, read once by ``vocabulary``) counts in the hash.
Out: ``Config`` with a heading matcher (rapidfuzz, score 0–100 kept), label lookups and a
``config_hash`` recorded with every run.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from .config_files import LabelsFile, SchemaFile, read_yaml, validated


def default_config_dir() -> Path:
    """The configs a run uses when none is named: the checkout's ``configs/`` (the
    editable source) when running from a checkout, else the copy shipped inside the
    installed package (``pipeline/configs/``, mapped from ``configs/`` at build time)."""
    here = Path(__file__).resolve().parent
    checkout = here.parent / "configs"
    if (here.parent / "pyproject.toml").is_file() and (checkout / "schema.yaml").is_file():
        return checkout
    return here / "configs"


DEFAULT_DIR = default_config_dir()

_SPACE = re.compile(r"\s+")
_PUNCT_EDGE = re.compile(r"^[\s:：、.。,，*＊\-—]+|[\s:：、.。,，*＊]+$")


@lru_cache(maxsize=262_144)
def norm_key(text: str) -> str:
    """Comparison key: NFKC, no whitespace, ASCII brackets, no edge punctuation."""
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE.sub("", s)
    s = s.replace("〔", "(").replace("〕", ")").replace("【", "(").replace("】", ")")
    s = s.replace("[", "(").replace("]", ")")
    return _PUNCT_EDGE.sub("", s)


EXACT_MATCH = 100.0  # a heading's match score when it is a schema name or synonym as written


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    canonical: str
    level: int
    score: float
    raw: str


@dataclass(slots=True, eq=False)
class Config:
    level1_children: dict[str, list[str]]
    level2_parent: dict[str, str]
    level1_keys: dict[str, str]  # normalized name or synonym -> canonical level-1
    level2_keys: dict[str, str]
    threshold: float
    garbled_threshold: float
    fields: dict[str, str]  # normalized label -> field
    budget: dict[str, str]  # normalized label -> "year" | "project" | "total_multi_year" | ...
    sub_line_prefixes: tuple[str, ...]
    sections: set[str]
    grid_header: dict[str, str]  # normalized header word -> role
    grid_stop: tuple[str, ...]
    grid_stop_within: tuple[str, ...]
    standard_words: frozenset[str]
    grid_header_contains: tuple[tuple[str, tuple[str, ...]], ...]
    titles: dict[str, re.Pattern[str]]
    config_hash: str
    directory: Path = DEFAULT_DIR
    budget_execution: dict[str, str] = field(default_factory=dict)  # label -> field
    direction_words: frozenset[str] = frozenset()  # what a 指标方向 column holds
    budget_execution_total: set[str] = field(default_factory=set)
    grades_met: frozenset[str] = frozenset()
    grades_missed: frozenset[str] = frozenset()
    outside_level1_words: tuple[str, ...] = ()
    running_headers: tuple[str, ...] = ()  # endings of a running header (…年度预算公开)
    outside_level1_suffixes: tuple[str, ...] = ()
    _l1_choices: list[str] = field(default_factory=list)
    _l2_choices: list[str] = field(default_factory=list)

    # Used as a cache key (lru_cache): two configs are the same when their files are, which
    # keeps look-ups cheap when a worker gets its own copy of the config.
    def __hash__(self) -> int:
        return hash((self.config_hash, str(self.directory)))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Config)
            and self.config_hash == other.config_hash
            and self.directory == other.directory
        )

    def is_pair(self, level1: str | None, level2: str | None) -> bool:
        return bool(level1 and level2 and self.level2_parent_ok(level1, level2))

    def level2_parent_ok(self, level1: str, level2: str) -> bool:
        return level2 in self.level1_children.get(level1, [])

    def parent_of(self, level2: str) -> str | None:
        return self.level2_parent.get(level2)

    def match1(self, text: str) -> HeadingMatch | None:
        return _match(self, text, 1)

    def match2(self, text: str) -> HeadingMatch | None:
        return _match(self, text, 2)

    def field_of(self, text: str) -> tuple[str, str | None] | None:
        """(field, unit) when ``text`` is a field label such as ``预算资金（万元）``."""
        return _field_of(self, text)

    def header_role(self, text: str, loose: bool = False) -> str | None:
        """Column role of a grid header word; a bracketed note is ignored
        (年度指标值（A）, 指标值（包含数字及文字描述）, 权重（%）).  ``loose`` also reads
        other header cells by the words they contain (``grid_header_contains``): only for
        a row already known to be a grid header, since body cells contain such words too."""
        key = norm_key(text)
        role = self.grid_header.get(key)
        if role is None and "(" in key:
            key = _PAREN.sub("", key)
            role = self.grid_header.get(key)
        if role is None and loose and 2 < len(key) <= 12 and not _NOT_HEADER.search(key):
            role = next(
                (r for r, words in self.grid_header_contains if any(w in key for w in words)), None
            )
        return role

    def is_section(self, text: str) -> bool:
        key = norm_key(text)
        return key in self.sections or ("(" in key and _PAREN.sub("", key) in self.sections)

    def split_vocab(self, text: str) -> list[str]:
        """Split text whose cells ran together at known labels, sections and header
        words (``项目负责人邓婕联系电话8261896`` → 项目负责人 | 邓婕 | 联系电话 | 8261896)."""
        return _split_vocab(self, text)

    def label_run(self, text: str) -> list[str] | None:
        """The pieces of text that opens with a field label run into its value (项目名称示范
        项目项目负责人王明 → 项目名称 | 示范项目 | 项目负责人 | 王明), else None."""
        pieces = self.split_vocab(text)
        return pieces if len(pieces) > 1 and self.field_of(pieces[0]) is not None else None


def load_config(directory: str | Path | None = None) -> Config:
    """Read and validate the config directory (``ConfigError`` names file and key)."""
    d = Path(directory) if directory else DEFAULT_DIR
    schema, b1 = read_yaml(d / "schema.yaml")
    labels, b2 = read_yaml(d / "labels.yaml")
    schema = validated(SchemaFile, schema, d / "schema.yaml").model_dump()
    labels = validated(LabelsFile, labels, d / "labels.yaml").model_dump()
    directions = d / "directions.yaml"  # read by direction.py; part of the config all the same
    b3 = directions.read_bytes() if directions.is_file() else b""
    from .vocabulary import check_same

    b4 = check_same(d)  # the word lists (compiled when jixiao starts: one copy for all runs)
    digest = hashlib.sha256(b1 + b"\0" + b2 + b"\0" + b3 + b"\0" + b4).hexdigest()[:16]
    l1_children: dict[str, list[str]] = {}
    l1_keys: dict[str, str] = {}
    l2_parent: dict[str, str] = {}
    l2_keys: dict[str, str] = {}
    for name, spec in (schema.get("level1") or {}).items():
        spec = spec or {}
        l1_children[name] = list(spec.get("children") or [])
        for syn in [name, *(spec.get("synonyms") or [])]:
            l1_keys[norm_key(syn)] = name
        for child in l1_children[name]:
            l2_parent.setdefault(child, name)
    for name, syns in (schema.get("level2") or {}).items():
        for syn in [name, *(syns or [])]:
            l2_keys[norm_key(syn)] = name
    fields = {}
    for fname, words in (labels.get("fields") or {}).items():
        for w in words:
            fields[norm_key(w)] = fname
    for w in labels.get("other_fields") or []:
        fields.setdefault(norm_key(w), OTHER_FIELD)  # a value ends there; nothing kept
    budget = {}
    b = labels.get("budget") or {}
    for kind in ("year", "project", "total_multi_year", "department_lines"):
        for w in b.get(kind) or []:
            budget[norm_key(w)] = kind
    grid_header = {}
    for role, words in (labels.get("grid_header") or {}).items():
        for w in words:
            grid_header[norm_key(w)] = role
    titles = {k: re.compile(v) for k, v in (labels.get("titles") or {}).items()}
    execution = {
        norm_key(w): name
        for name, words in (labels.get("budget_execution") or {}).items()
        for w in words
    }
    grades = labels.get("grades") or {}
    outside = schema.get("outside_level1") or {}
    return Config(
        level1_children=l1_children,
        level2_parent=l2_parent,
        level1_keys=l1_keys,
        level2_keys=l2_keys,
        threshold=float(schema.get("match_threshold", 80)),
        garbled_threshold=float(schema.get("garbled_threshold", 40)),
        fields=fields,
        budget=budget,
        sub_line_prefixes=tuple(norm_key(w) for w in b.get("sub_line_prefix") or []),
        sections={norm_key(w) for w in labels.get("sections") or []},
        grid_header=grid_header,
        grid_stop=tuple(norm_key(w) for w in labels.get("grid_stop") or []),
        grid_stop_within=tuple(norm_key(w) for w in labels.get("grid_stop_within") or []),
        standard_words=frozenset(norm_key(w) for w in labels.get("standard_words") or []),
        direction_words=frozenset(norm_key(w) for w in labels.get("direction_words") or []),
        grid_header_contains=tuple(
            (role, tuple(norm_key(w) for w in words))
            for role, words in labels.get("grid_header_contains") or []
        ),
        titles=titles,
        config_hash=digest,
        directory=d,
        budget_execution=execution,
        budget_execution_total={norm_key(w) for w in labels.get("budget_execution_total") or []},
        grades_met=frozenset(norm_key(w) for w in grades.get("met") or []),
        grades_missed=frozenset(norm_key(w) for w in grades.get("missed") or []),
        running_headers=tuple(norm_key(w) for w in labels.get("running_headers") or []),
        outside_level1_words=tuple(norm_key(w) for w in outside.get("words") or []),
        outside_level1_suffixes=tuple(norm_key(w) for w in outside.get("suffixes") or []),
        _l1_choices=list(l1_keys),
        _l2_choices=list(l2_keys),
    )


_NOT_HEADING = re.compile(r"[\d%％≥≤<>=，。；;、/]")


_ENUMERATOR = re.compile(
    r"^(?:\(?(?:[一二三四五六七八九十]{1,3}|\d{1,2})\)|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.])"
)
_NOTE = re.compile(r"\([^()]*\)$")


def heading_key(text: str) -> str:
    """A heading as compared with the schema: ``（一）产出指标（50分）`` → 产出指标."""
    key = norm_key(text)
    key = _ENUMERATOR.sub("", key)
    if key.endswith(")") and len(key) > 4:
        key = _NOTE.sub("", key)  # a weight or a note: 产出指标(50分), 数量指标(权重20%)
    return key


@lru_cache(maxsize=200_000)
def _match(cfg: Config, text: str, level: int) -> HeadingMatch | None:
    keys = cfg.level1_keys if level == 1 else cfg.level2_keys
    exact = norm_key(text)
    if exact in keys:
        return HeadingMatch(keys[exact], level, EXACT_MATCH, text)
    if level == 1 and exact in cfg.level2_keys:
        return None  # a level-2 synonym that reads like a level-1 once its note is dropped
    key = heading_key(text)
    if not key or len(key) > 20:
        return None
    if key in keys:
        return HeadingMatch(keys[key], level, EXACT_MATCH, text)
    if len(key) < 3 or _NOT_HEADING.search(key):
        return None
    choices = cfg._l1_choices if level == 1 else cfg._l2_choices
    best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=cfg.threshold)
    if best is None:
        return None
    return HeadingMatch(keys[best[0]], level, round(float(best[1]), 1), text)


_NOT_HEADER = re.compile(r"[\d%≥≤<>=，。；;：:]")  # a header cell is a short label, not a value
_UNIT_IN_LABEL = re.compile(r"\((万元|元|千元|亿元)\)|(万元|元)$")
_PAREN = re.compile(r"\([^()]*\)")


OTHER_FIELD = "_other"  # labels of fields jixiao does not keep (labels.yaml other_fields)


@lru_cache(maxsize=100_000)
def _field_of(cfg: Config, text: str) -> tuple[str, str | None] | None:
    key = norm_key(text)
    if not key or len(key) > 24:
        return None
    m = _UNIT_IN_LABEL.search(key)
    unit = (m.group(1) or m.group(2)) if m else None
    bare = _UNIT_IN_LABEL.sub("", key) if m else key
    for k in (key, bare, _PAREN.sub("", bare)):
        if k in cfg.budget:
            return "budget:" + cfg.budget[k], unit
        if k in cfg.fields:
            return cfg.fields[k], unit
    # a label with a qualifier before it (二级项目名称, 本级项目名称): the label's field
    for k in range(1, min(MAX_QUALIFIER, len(key) - MIN_QUALIFIED) + 1):
        tail = key[k:]
        if tail in cfg.fields and len(tail) >= MIN_QUALIFIED and cfg.fields[tail] == "name":
            return cfg.fields[tail], unit
    # a compound label, two field labels joined (项目负责人及电话, 联系人/联系电话):
    # "owner+phone", its value split by type when the fields are filled
    for m in _JOIN.finditer(key):
        a, b = key[: m.start()], key[m.end() :]
        fa, fb = cfg.fields.get(a), cfg.fields.get(b) or cfg.fields.get(_PHONE_SHORT.get(b, b))
        if fa and fb and fa != fb:
            return f"{fa}+{fb}", None
    return None


_JOIN = re.compile(r"及|和|与|/|、|&")
MAX_QUALIFIER = 3  # characters before a name label that qualify it (二级, 本级)
MIN_QUALIFIED = 4  # the label after them is a whole name label (项目名称)
_PHONE_SHORT = {"电话": "联系电话"}  # 负责人及电话: the bare word names the phone


@lru_cache(maxsize=8)
def _vocab_regex(cfg: Config) -> re.Pattern[str]:
    words = {w for w in list(cfg.fields) + list(cfg.budget) + list(cfg.grid_header) if len(w) >= 4}
    words |= {w for w in cfg.sections if len(w) >= 5}
    alts = sorted(words, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in alts))


@lru_cache(maxsize=100_000)
def _split_vocab(cfg: Config, text: str) -> list[str]:
    s = unicodedata.normalize("NFKC", text).strip()
    compact = _SPACE.sub("", s)
    rx = _vocab_regex(cfg)
    cuts: list[tuple[int, int]] = []
    for m in rx.finditer(compact):
        # a label is followed by its value (or colon/bracketed unit), not by more text of
        # the same word
        cuts.append((m.start(), m.end()))
    if not cuts:
        return [s]
    parts: list[str] = []
    pos = 0
    for a, b in cuts:
        if a > pos:
            parts.append(compact[pos:a])
        end = b
        m = re.match(r"(?:[(（][^()（）]{0,6}[)）])?[:：]?", compact[end:])
        if m:  # keep 预算资金(元) / 组织机构： together
            end += m.end()
        for k in range(end + 2, min(end + 6, len(compact)) + 1):
            if "+" in (_field_of(cfg, compact[a:k]) or ("",))[0]:
                end = k  # a compound label (项目负责人及电话) is one label
                break
        parts.append(compact[a:end])
        pos = end
    if pos < len(compact):
        parts.append(compact[pos:])
    return [p.strip(":：") for p in parts if p.strip(":：")]
