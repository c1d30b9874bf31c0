"""Headings: level-1 / level-2 cells matched to the schema, and the carried tree.

In:  tokens of a row and ``Config``.  Out: ``Headings`` (what the row's leading cells
say) and ``update_tree`` (the carried level-1/level-2 state, flags and notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import EXACT_MATCH, Config, HeadingMatch, heading_key, norm_key
from ..model import Row


@dataclass(slots=True)
class Token:
    """A cell's text with its column and row."""

    text: str
    col: int
    row: Row


@dataclass(slots=True)
class Level:
    canonical: str | None
    raw: str | None
    score: float | None


@dataclass(slots=True)
class TreeState:
    l1: Level | None = None
    l2: Level | None = None


def classify(text: str, cfg: Config) -> tuple[HeadingMatch | None, HeadingMatch | None]:
    """Best level-1 and level-2 readings of a cell (either may be None)."""
    m1, m2 = cfg.match1(text), cfg.match2(text)
    if m1 and m2:
        if m1.score > m2.score:
            return m1, None
        if m2.score > m1.score:
            return None, m2
    return m1, m2


# a heading is a few words: three characters at least (X类, X指标; a two-character synonym
# such as 数量 also opens names, so no shorter prefix is read as a heading), twelve at most
# (longer text ending in 指标 is a name)
HEADING_MIN = 3
HEADING_MAX = 12


def heading_like(text: str) -> bool:
    """An unknown heading: short, ends with 指标 (or 类), no digits."""
    k = norm_key(text)
    return (
        HEADING_MIN <= len(k) <= HEADING_MAX
        and k.endswith(("指标", "类"))
        and not re.search(r"\d|%", k)
    )


@dataclass(slots=True)
class Headings:
    l1: HeadingMatch | None = None
    l1_unknown: str | None = None
    l2: HeadingMatch | None = None
    used: int = 0


LIKE_PREFIX_MAX = 6  # words before a level-1's name (社会公众 + 满意度指标) that still read as it


def only_child_worded_like(
    l1: str | None, m1: HeadingMatch | None, text: str, cfg: Config
) -> HeadingMatch | None:
    """The level-2 a cell after a level-1 with a single child is, when the cell is worded
    like that level-1 without being it: it matches it again only fuzzily, or it is the
    level-1's name with words before it (社会公众满意度指标 after 满意度指标); else None."""
    children = cfg.level1_children.get(l1, []) if l1 is not None else []
    if len(children) != 1:
        return None
    if m1 is not None:
        like = m1.canonical == l1 and m1.score < EXACT_MATCH
    else:
        key = heading_key(text)
        like = key.endswith(l1) and len(key) <= len(l1) + LIKE_PREFIX_MAX  # type: ignore[arg-type]
    return HeadingMatch(children[0], 2, m1.score if m1 else 0.0, text) if like else None


def heading_of(text: str, cfg: Config) -> Headings | None:
    """The headings a cell holding nothing but a heading sets (一、产出指标 → level-1,
    （一）数量指标 → level-2; 成本指标, both, is a level-2 here: a row of its own opens the
    level-1's children only under a level-1 of its own), or None."""
    m1, m2 = classify(text, cfg)
    h = Headings(used=1)
    if m2 is not None:
        h.l2 = m2
    elif m1 is not None:
        h.l1 = m1
    elif heading_like(text):
        h.l1_unknown = text
    else:
        return None
    return h


def update_tree(
    state: TreeState, h: Headings, cfg: Config
) -> tuple[list[str], list[tuple[str, str]]]:
    """Apply a row's headings to the carried tree; returns (row flags, findings)."""
    flags: list[str] = []
    notes: list[tuple[str, str]] = []
    if h.l1 is not None or h.l1_unknown is not None:
        # the same level-1 written again on the next row (a table that repeats it on every
        # row instead of merging it) continues its subtree; another one starts a new one
        repeated = (
            h.l1 is not None
            and h.l2 is None
            and state.l1 is not None
            and state.l1.raw is not None  # one filled from the tree was not written: new
            and state.l1.canonical == h.l1.canonical
        )
        if h.l1 is not None:
            state.l1 = Level(h.l1.canonical, h.l1.raw, h.l1.score)
            if h.l1.score < EXACT_MATCH:
                notes.append(("heading_fuzzy", f"level-1 {h.l1.raw!r} read as {h.l1.canonical}"))
        else:
            raw = h.l1_unknown or ""
            parent = cfg.parent_of(h.l2.canonical) if h.l2 else None
            score = similarity(raw, parent) if parent else 0.0
            if parent and score >= cfg.garbled_threshold:
                state.l1 = Level(parent, raw, score)
                flags.append("level1_from_child")
                notes.append(
                    ("heading_garbled", f"level-1 {raw!r} read as {parent} (from its child)")
                )
            else:
                state.l1 = Level(raw, raw, None)
                notes.append(("heading_unknown", f"level-1 {raw!r} is not in the schema"))
        if not repeated:
            state.l2 = None
    if h.l2 is not None:
        state.l2 = Level(h.l2.canonical, h.l2.raw, h.l2.score)
        if 0 < h.l2.score < EXACT_MATCH:
            notes.append(("heading_fuzzy", f"level-2 {h.l2.raw!r} read as {h.l2.canonical}"))
        parent = cfg.parent_of(h.l2.canonical)
        # a level-1 filled from the tree (not written) gives way to the next level-2's
        # parent; a written one stands, even over an unusual pair (SPEC section 2)
        filled = state.l1 is not None and state.l1.raw is None
        if state.l1 is None or (
            filled and parent and not cfg.level2_parent_ok(state.l1.canonical or "", h.l2.canonical)
        ):
            if parent:
                state.l1 = Level(parent, None, None)
                flags.append("level1_from_tree")
        elif (
            parent
            and state.l1.canonical in cfg.level1_children
            and not cfg.level2_parent_ok(state.l1.canonical or "", h.l2.canonical)
        ):
            notes.append(
                ("heading_unusual_pair", f"level-2 {h.l2.canonical} under {state.l1.canonical}")
            )
    return flags, notes


def similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return round(float(fuzz.ratio(norm_key(a), norm_key(b))), 1)


def heading_prefix(s: str, cfg: Config) -> str | None:
    best = None
    for key in list(cfg.level1_keys) + list(cfg.level2_keys):
        if len(key) >= HEADING_MIN and s.startswith(key) and (best is None or len(key) > len(best)):
            best = key
    if best is None:
        m = re.match(r"(.{2,4}指标)", s)
        if m and heading_prefix(s[m.end() :], cfg) in cfg.level2_keys:
            best = m.group(1)  # a garbled level-1 before a known level-2
    return best
