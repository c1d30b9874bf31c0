"""Docs: the README's column tables, generated from the Arrow schemas so they cannot drift.

In:  ``pipeline.write.SCHEMAS`` (columns and types) and ``configs/column_names.yaml``
(Chinese header and a one-line note per column, what a row of each dataset is).
Out: the Markdown between ``<!-- columns:start -->`` and ``<!-- columns:end -->`` in
``README.md``; ``column_names()`` also gives ``export`` its Chinese headers.

    .venv/bin/python -m pipeline.docs            # rewrite the block in README.md
    .venv/bin/python -m pipeline.docs --check    # exit 1 when README.md is out of date
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from .config import DEFAULT_DIR
from .config_files import read_yaml
from .write import SCHEMAS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COLUMN_NAMES = DEFAULT_DIR / "column_names.yaml"
START, END = "<!-- columns:start -->", "<!-- columns:end -->"
REGENERATE = ".venv/bin/python -m pipeline.docs"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    zh: str
    note: str


@lru_cache(maxsize=4)
def _names(path: Path) -> dict:
    return read_yaml(path)[0] or {}


def about(dataset: str, path: Path = COLUMN_NAMES) -> str:
    """What one row of ``dataset`` is."""
    return str(((_names(path).get("datasets") or {}).get(dataset) or {}).get("about") or "")


def column_names(dataset: str, path: Path = COLUMN_NAMES) -> dict[str, tuple[str, str]]:
    """Column → (Chinese header, note) for every column of ``dataset`` that has an entry."""
    doc = _names(path)
    own = ((doc.get("datasets") or {}).get(dataset) or {}).get("columns") or {}
    common = doc.get("common") or {}
    out: dict[str, tuple[str, str]] = {}
    for col in SCHEMAS[dataset].names:
        entry = own.get(col, common.get(col))
        if entry is None:
            continue
        if not (isinstance(entry, list) and len(entry) == 2):
            raise ValueError(f"{path}: {dataset}.{col}: want [中文, note], got {entry!r}")
        out[col] = (str(entry[0]), str(entry[1]))
    return out


def type_name(t: pa.DataType) -> str:
    """A short readable Arrow type: string, int32, double, bool, list<string>, double[4]."""
    if pa.types.is_fixed_size_list(t):
        return f"{type_name(t.value_type)}[{t.list_size}]"
    if pa.types.is_list(t):
        return f"list<{type_name(t.value_type)}>"
    return {"float64": "double"}.get(str(t), str(t))


def columns(dataset: str) -> list[Column]:
    names = column_names(dataset)
    return [
        Column(f.name, type_name(f.type), *names.get(f.name, ("", ""))) for f in SCHEMAS[dataset]
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def columns_markdown() -> str:
    """The generated block (markers included)."""
    lines = [
        START,
        f"<!-- generated from pipeline/write.py and configs/column_names.yaml by `{REGENERATE}`;"
        " do not edit by hand -->",
    ]
    for name in SCHEMAS:
        lines += [
            "",
            f"**`{name}/`** — {about(name)}",
            "",
            "| column | type | 中文 | meaning |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{c.name}` | {c.type} | {_cell(c.zh)} | {_cell(c.note)} |" for c in columns(name)
        ]
    lines += ["", END]
    return "\n".join(lines)


def with_columns(text: str) -> str:
    """``text`` (a README) with its generated block replaced by the current one."""
    a, b = text.find(START), text.find(END)
    if a < 0 or b < a:
        raise ValueError(f"README has no {START} … {END} block")
    return text[:a] + columns_markdown() + text[b + len(END) :]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if not a.startswith("-")]
    readme = Path(paths[0]) if paths else README
    text = readme.read_text(encoding="utf-8")
    new = with_columns(text)
    if check:
        if new != text:
            print(f"{readme}: column tables are out of date; run {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    if new != text:
        readme.write_text(new, encoding="utf-8")
        print(f"{readme}: column tables updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
