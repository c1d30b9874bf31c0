"""Segment stage: a document's rows → its tables.

In:  ``SourceDoc`` (rows in reading order) and ``Config``.
Out: ``Segmentation``: the document's year and issuer, and a list of ``Table``s (department
overall table or project table), each with its title, kind, form, year and issuer where
the document says them, and the rows that belong to it.

A table starts at a title line (``…项目绩效目标表``, ``…部门整体支出绩效目标表``,
``…自评表``), or, in documents without titles, at a name field (项目名称 / 部门名称) when
the current table already has one.  Rows before the first table are the preamble.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import Config, norm_key
from .model import Row, SourceDoc, Table

_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年")
_YEAR_PAREN = re.compile(r"[(（]\s*(20\d\d)\s*(年度?)?\s*[)）]")
_ISSUER_IN_TITLE = re.compile(
    r"^(?P<issuer>.+?)(?:\d{4}\s*年度?)?(?:部门|单位)?(?:整体)?(?:支出|预算)?(?:整体)?"
    r"(?:项目)?(?:支出)?(?:绩效)"
)


@dataclass(slots=True)
class Segmentation:
    year: int | None
    issuer: str | None
    tables: list[Table] = field(default_factory=list)
    preamble: list[Row] = field(default_factory=list)


def title_kind(text: str, cfg: Config) -> str | None:
    """``department`` / ``project`` when ``text`` is a table title, else None."""
    s = norm_key(text)
    if not (4 <= len(s) <= 80) or "表" not in s[-6:]:
        return None
    if cfg.titles["department"].search(s):
        return "department"
    if cfg.titles["project"].search(s):
        return "project"
    return None


def title_of(row: Row, cfg: Config) -> tuple[str, str] | None:
    texts = [t for t in row.texts if t]
    if len(texts) != 1:
        return None
    kind = title_kind(texts[0], cfg)
    return (texts[0], kind) if kind else None


def _name_label(row: Row, cfg: Config) -> str | None:
    for c in row.cells:
        t = c.text
        if not t or len(t) > 40:  # labels are short; long cells are prose
            continue
        f = cfg.field_of(t)
        if f and f[0] == "name":
            return norm_key(t)
        head = re.split(r"[:：\s]", t.strip(), maxsplit=1)[0]
        if head != t.strip():
            f = cfg.field_of(head)
            if f and f[0] == "name":
                return norm_key(head)
    return None


# a title repeated over the rest of a table on the next page: …目标表（续）, （续表）, 续表
_CONTINUED = re.compile(r"(\(续表?\)|续表?)$")


def _grid_goes_on(rows: list[Row], cfg: Config) -> bool:
    """True when ``rows`` open with the indicator grid: its header, or a row led by a
    level-1 or level-2 heading cell."""
    from .interpret.schema import header_grid

    first = next((r for r in rows if any(r.texts)), None)
    if first is None:
        return False
    lead = next(t for t in first.texts if t)
    return (
        header_grid(first, cfg) is not None
        or sum(1 for t in first.texts if t) >= 2
        and (cfg.match1(lead) is not None or cfg.match2(lead) is not None)
    )


def year_in(text: str) -> int | None:
    m = _YEAR_PAREN.search(text) or _YEAR.search(text)
    return int(m.group(1)) if m else None


def issuer_in_title(title: str) -> str | None:
    s = re.sub(r"\s+", "", title)
    m = _ISSUER_IN_TITLE.match(s)
    if not m:
        return None
    issuer = re.sub(r"\d{4}年度?$", "", m.group("issuer")).strip("（()）")
    return issuer if len(issuer) >= 2 and not issuer.startswith(("项目", "部门")) else None


def _issuer_line(text: str) -> str | None:
    """``编制单位（盖章）：X`` → X."""
    m = re.match(
        r"^\s*(编制单位|填报单位|单位名称|预算单位|主管部门)[^:：]{0,8}[:：]\s*(.+)$", text
    )
    return clean_issuer(m.group(2)) if m else None


def clean_issuer(value: str) -> str | None:
    """An issuer cell or line without what follows it ("…局            单位：万元")."""
    value = re.split(r"\s{2,}|\t|(?:金额)?单位[:：]|填报日期|日期[:：]", value.strip())[0]
    return value.strip() or None


def segment(doc: SourceDoc, cfg: Config) -> Segmentation:
    seg = Segmentation(year=None, issuer=None)
    current: list[Row] | None = None
    title: str | None = None
    kind: str | None = None
    seen_name: set[str] = set()
    blocks: list[tuple[str | None, str | None, list[Row]]] = []

    def close() -> None:
        if not current:
            return
        prev = blocks[-1] if blocks else None
        if (
            prev is not None
            and title is not None
            and norm_key(title) == norm_key(prev[0] or "")
            and not any(_name_label(r, cfg) for r in current)
            and _grid_goes_on(current[1:], cfg)
        ):
            # the same title again right above grid rows, naming nothing: the title
            # repeated at the top of the next page, the table goes on
            prev[2].extend(current[1:])
            return
        blocks.append((title, kind, current))

    for row in doc.rows:
        t = title_of(row, cfg)
        if t is not None and current is not None and _CONTINUED.search(norm_key(t[0])):
            continue  # …目标表（续）: the table goes on after a page break
        if t is not None:
            # a title followed by hardly anything before the next title was a cover or
            # document title (…年度预算绩效目标表): its lines are preamble, the later and
            # more specific title names the table
            if (
                current is not None
                and title is not None
                and len(current) <= 8
                and not any(_name_label(r, cfg) for r in current[1:])
            ):
                seg.preamble.extend(current)
                current = None
            close()
            title, kind = t
            current, seen_name = [row], set()
            continue
        label = _name_label(row, cfg)
        if label is not None:
            # a name field seen again, or a project name after a department's, starts the
            # next (untitled) table
            project_after_department = "项目" in label and any(
                "项目" not in seen for seen in seen_name
            )
            if current is None or label in seen_name or project_after_department:
                close()
                title, kind = None, None
                current, seen_name = [], set()
            seen_name.add(label)
        if current is None:
            seg.preamble.append(row)
            continue
        current.append(row)
    close()

    pre_text = [t for r in seg.preamble for t in r.texts if t]
    for t in pre_text:
        seg.year = seg.year or year_in(t)
        seg.issuer = seg.issuer or _issuer_line(t)
    for n, (ttl, knd, rows) in enumerate(blocks, start=1):
        year = year_in(ttl) if ttl else None
        issuer = issuer_in_title(ttl) if ttl else None
        for r in rows[:6]:
            for t in r.texts:
                if t and t != ttl:
                    if year is None and len(t) <= 20:
                        year = year_in(t)
                    issuer = _issuer_line(t) or issuer
        if knd is None:
            knd = "project"
            for r in rows[:8]:
                lab = _name_label(r, cfg)
                if lab and ("部门" in lab or "单位" in lab):
                    knd = "department"
                    break
        form = "self_evaluation" if ttl and cfg.titles["self_evaluation"].search(ttl) else "target"
        seg.tables.append(Table(n, knd, form, ttl, year, issuer, rows))
        seg.year = seg.year or year
        seg.issuer = seg.issuer or issuer
    if seg.year is None:  # last resort: a year in the file name (…_2025.html)
        m = re.search(r"(?<!\d)(20[0-9]{2})(?!\d)", doc.source)
        seg.year = int(m.group(1)) if m else None
    return seg
