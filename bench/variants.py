"""Held-out layout variants: known gold tables rendered in layouts the development corpus never shows.

In:  gold tables of the development corpus: ``../shared/corpus/generated/text_pipe/gold``
     t01-t12 and the three ``real/`` tables whose content differs from those (``--bases``).
Out: ``OUT/raw/vNNN.txt`` (``.md`` for the Markdown form) with ``OUT/gold/vNNN.gold.json`` (the
     corpus gold format; ``source`` is the rendered file's name; row ``line`` omitted),
     ``OUT/manifest.json`` (per file: origin gold, tables kept, every draw) and a summary on
     stdout, ending with a self-check that every gold table (name, header fields, budget) and
     row (level-3, value, explanation) is in its raw file.  Seeded and deterministic: the same
     ``--seed`` and ``--docs`` write the same bytes.

    .venv/bin/python bench/variants.py OUT [--seed N] [--docs N]      # default 100 documents
    .venv/bin/jixiao ingest OUT/raw -o /tmp/vout -q
    .venv/bin/python ../shared/eval/score.py OUT/gold /tmp/vout
    .venv/bin/python bench/variants.py OUT --breakdown /tmp/vout      # exact rows per draw

Each document is one source document (of the 15-table t01, a run of 1-4 tables), rendered in
one separator style and, per table, one draw of every other feature.  The gold follows what is
rendered: a left-out column or header field is null, a rewritten value (Chinese numeral, range
form, word operator, full-width digits, split columns) has its new ``value_raw``, a 万元
amount rounded to two decimals its new ``budget_yuan``.  Readings where SPEC leaves a choice:
the ``value_raw`` of operator / number / unit columns is the three joined in that order,
whatever the column order (SPEC §3); a unit only in the column header (``指标值（%）``) fills
``unit`` while ``value_raw`` stays the cell as written (as for a unit in the indicator name);
a project table without a name field is named by the quoted project of the line introducing
it (``关于“X”项目绩效目标的公示``, ``“X”项目支出绩效目标表``); a department table without one
by the issuer, which its title then names; the checked option of a check-box list is the
field's value; a garbled level-1 is its canonical name (SPEC §1).  Draws whose reading would be
undefined are not made: a level written once per block on the block's last row only where the
table's first data row has no label (so the convention is evident); a level-1 column left out
and level-1 names garbled only where every pair is canonical; decorations only on canonical
names; placeholder rows only where no indicator has an empty level-2; and t12, whose level-2
is written on a block's first row only with the rows below it empty, always writes every row's
levels, in a form that keeps empty cells.

Features (draw: value, and why real documents have it).  Draws that wild/ also has are kept as
controls: levels ``first``/``every``, ``vsplit`` ``single``/``op_num_unit``, ``names`` ``plain``.

Separators (``sep``, one per document):
- ``ideo``: cells apart by one or two U+3000; empty cells vanish (Word documents aligned with
  full-width spaces, web pages converted from them).
- ``layout``: ``pdftotext -layout``: columns at fixed positions counting CJK double width, long
  cells wrapped inside their column onto continuation lines, short cells of a wrapped row on its
  first line or (rows apart by blank lines) its middle line as vertically centred cells print, a
  left margin, centred titles, form feeds and page furniture, one geometry for every page.
- ``layout_shift``: fixed-width text where a cell wider than its column pushes the rest of the
  row right (converters that never wrap, narrow PDF columns).
- ``tabpad``: spreadsheet copy / tab-delimited text: every row padded with trailing tabs to the
  sheet width, a cell holding a line break quoted over two lines (Excel's clipboard).
- ``tab_para``: Word/WPS ``save as plain text``: tabs between cells, a paragraph break inside a
  cell ends the physical line, so one row runs over two lines.
- ``fwbar``: cells between full-width bars ``｜`` (CMS editors, IME-typed tables).
- ``box``: box-drawing grids ``┌─┬─┐ │ ├─┼─┤`` (text exports of Word/WPS tables, console tools).
- ``grid``: pandoc grid tables ``+---+ | … |``, cells wrapped inside the row, ``+===+`` under the
  header.
- ``csv``: Excel / Tabula CSV: commas, quoted fields, line breaks inside quoted cells, rows
  padded with empty fields, titles as a row's first field.
- ``md_br``: PDF-to-Markdown (MinerU, marker): one pipe table per page whose first row is the
  table's first row, ``<br>`` where the PDF cell wrapped or broke.
- ``cell_colon``: one cell per line, header-field labels ending in a full-width colon
  (``项目名称：`` then the value line), as naive PDF text of form-style tables.
- ``cell_wrap``: one cell per line, long cells (names, explanations, goals) broken at a fixed
  width over two or three lines (lines of a narrow PDF column).
- ``pipe_rowwrap``: `` | `` rows hard-wrapped at a fixed width, a long row continuing on the next
  line (text copied from a fixed-width viewer or an e-mail).

Levels:
- ``levels``/``l1mode``/``l2mode``: ``first``, ``last`` (bottom-aligned merged cells, some PDF
  tools), ``every`` (converters that fill merges), level-1 and level-2 apart; ``type_col``: one
  指标类型 column, level-1 and level-2 each a row of its own above its indicators; ``outline``:
  no level column, section rows ``一、产出指标`` / ``（一）数量指标`` in the name column (Word
  templates written as an outline).
- ``names``: ``notes`` (``产出指标（50分）``, ``数量指标（权重20%）``), ``numbered``
  (``一、产出指标``, ``（一）数量指标``).
- ``no_l1``: no level-1 column (二级指标 and 三级指标 only, county templates).
- ``ocr``: a level-1 name with one character misread (``产出指杯``, ``满竞度指标``) in forms that
  come from OCR.
- ``prefix``/``prefix_scope``: level-3 numbered ``（1）``, ``1.``, ``(1)``, per level-2 block or
  through the table.

Grid header and columns:
- ``heads``: other wordings (三级指标名称, 绩效指标, 具体指标, 年度指标值, 目标值, 预期目标值,
  指标值（包含数字及文字描述）, 绩效指标值, 指标解释, 计算方法, 评（扣）分标准, 指标说明,
  指标性质/符号/比较符, 计量单位/度量单位 …).
- ``twohead``: two header rows, 指标值 over 符号 / 数值 / 单位, and in 自评表 年度指标值 over
  目标值 / 实际完成值 (merged header cells as converters print them).
- ``vsplit``: operator, number and unit in columns of their own in other orders
  (``num_unit``, ``unit_num`` with the operator kept by the number, ``num_op_unit`` value before
  operator, ``op_unit_num``), or ``unit_head``: the unit only in the header (``指标值（%）``);
  ``op_eq``: ``=`` written in the operator column for a bare number.
- ``expl``: explanation ``keep``, ``drop`` (the column is not printed) or ``before_value``.
- ``extra``: a 序号 column (``seq``), 数据来源 (``source``), 考核方式 (``method``), 指标权重
  (``weight``): numbers and words next to the value that are not it.
- ``vlabel``: the tall merged left cell 年度绩效指标 printed one character per line (vertical
  text in PDFs).
- ``ph``: placeholder rows for unused level-2s filled with ``/`` or ``——`` (templates keep every
  canonical level-2).
- ``pagebreak`` (0-2): page footers (``- 3 -``, ``第3页 共8页`` …, one format and one count per
  document), a running header, a form feed, ``xu`` (续表) and ``repeat_header`` after it.
- ``para``: a paragraph break typed inside long explanations (Alt+Enter, Word paragraphs).

Values (``vals``): ``cn`` counts in Chinese numerals (``十二期``, ``≥两次``; never before
万/千/百 units); ``range`` ranges written ``80%~90%``, ``80～90%``, ``80%—90%``, ``80%至90%``,
``80-90%`` (and up to two ≥ targets made ranges); ``words`` 不低于 / 不少于 / 不超过 / 不高于 /
``以上`` / ``以内``; ``fw`` full-width digits typed with a Chinese IME.

Titles, header fields, surroundings:
- ``title``: ``none``, ``plain``, ``two_line`` (broken after the issuer and year), ``annex``
  (附件3, 表4-2, 附表2-1 above it), ``intro_named`` (a sentence naming the project instead of
  a name field).
- ``hdr``: ``grid2`` label | value cells (two pairs on some rows), ``colon_cell``
  (``项目名称：X`` one cell each), ``fw_line`` (several ``label：value`` pairs per line apart by
  full-width spaces, above the grid); ``hdr_fields``: ``all`` or ``min`` (name and money only);
  ``checkbox``: ``☑延续性项目　□新增项目`` option lists.
- ``budget``: 元 or 万元 in the label (``预算金额（万元）``), after the number (``470万元``), or only
  in a ``单位：万元`` line; ``comma`` thousands separators; ``dept_lines``: a department's
  基本支出 / 项目支出 with or without 资金总额.
- Document: ``chrome`` none, web page furniture (breadcrumbs, print / close, 扫一扫, site
  footer) or PDF running headers and page numbers; ``narrative`` intro / outro sentences;
  ``joiner`` tables back to back, after a blank line or a page break; ``footer`` notes,
  signature line, issuer and date.
"""

from __future__ import annotations

import argparse
import copy
import csv
import importlib.util
import io
import json
import random
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
WORK = SHARED.parent
DEFAULT_BASES = [
    *(f"corpus/generated/text_pipe/gold/t{i:02d}.gold.json" for i in range(1, 13)),
    "corpus/real/gold/guangdong_zhanjiang_rsj_2023_bumen_zhengti_xlsx.gold.json",
    "corpus/real/gold/guangdong_zhanjiang_rsj_2024_bumen_zhengti_xlsx.gold.json",
    "corpus/real/gold/hubei_wuhan_donghu_rsj_2020_xiangmu_shenbaobiao_xlsx.gold.json",
]

# ---------------------------------------------------------------- canonical tree (SPEC §2)

L1_OF = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "成本指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
}
CANON_L1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
PLACEHOLDER_L2 = {
    "产出指标": ["数量指标", "质量指标", "时效指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
}
CN_ORD = "一二三四五六七八九十"
PAGEBREAK = "\x00pagebreak"
OCR_CONFUSIONS = [("标", "杯"), ("益", "盆"), ("意", "竞"), ("产", "严"), ("指", "揹")]

# ---------------------------------------------------------------- feature vocabularies

SEPS = [
    "ideo",
    "layout",
    "layout_shift",
    "tabpad",
    "tab_para",
    "fwbar",
    "box",
    "grid",
    "csv",
    "md_br",
    "cell_colon",
    "cell_wrap",
    "pipe_rowwrap",
]
KEEPS_EMPTY = {"tabpad", "tab_para", "fwbar", "box", "grid", "csv", "md_br", "pipe_rowwrap"}
PAGED = {
    "ideo",
    "layout",
    "layout_shift",
    "fwbar",
    "md_br",
    "cell_colon",
    "cell_wrap",
    "pipe_rowwrap",
}
OCR_SEPS = {"ideo", "layout", "layout_shift", "cell_colon", "cell_wrap", "md_br", "fwbar"}
WEB = {"ideo", "fwbar", "cell_colon", "cell_wrap", "pipe_rowwrap", "tab_para"}

HEAD_L1 = ["一级指标", "一级指标", "一级指标名称"]
HEAD_L2 = ["二级指标", "二级指标", "二级指标名称"]
HEAD_L3 = ["三级指标名称", "绩效指标", "具体指标", "三级指标", "指标名称", "三级指标（指标内容）"]
HEAD_VAL = [
    "年度指标值",
    "目标值",
    "预期目标值",
    "指标值（包含数字及文字描述）",
    "绩效指标值",
    "年度目标值",
    "指标值",
]
HEAD_EXPL = ["指标解释", "计算方法", "评（扣）分标准", "指标说明", "评分标准", "指标解释及计算方法"]
HEAD_EXPL_SELF = ["评（扣）分标准", "评分标准", "指标解释", "评分规则"]
HEAD_TYPE = ["指标类型", "绩效指标", "指标类别"]
HEAD_OUTLINE = ["绩效指标", "指标", "指标名称"]
HEAD_OP = ["指标性质", "符号", "运算符号", "比较符"]
HEAD_NUM = ["数值", "指标值", "目标值"]
HEAD_UNIT = ["计量单位", "度量单位", "单位"]
EXTRA_VALUES = {
    "source": (
        ["数据来源", "指标数据来源"],
        ["统计报表", "业务台账", "问卷调查", "财务资料", "相关文件"],
    ),
    "method": (["考核方式", "评价方式"], ["查阅资料", "实地查看", "问卷调查", "抽样检查"]),
}

# ---------------------------------------------------------------- text helpers


def dw(s: str) -> int:
    """Display width: East Asian wide and full-width characters count two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def wrap(s: str, width: int) -> list[str]:
    """Break ``s`` into pieces of at most ``width`` display columns (anywhere, as PDF text
    lines break CJK); explicit line breaks are kept as breaks."""
    out: list[str] = []
    for para in s.split("\n"):
        cur, w = "", 0
        # a run of ASCII letters, digits and number marks (1,234.5; 2024-01-01) is not
        # broken where it fits
        for tok in re.findall(r"[A-Za-z0-9.,%/:\-]+|.", para):
            tw = dw(tok)
            if cur and w + tw > width and tw <= width:
                out.append(cur)
                cur, w = "", 0
            for c in tok if tw > width else [tok]:
                cw = dw(c)
                if cur and w + cw > width:
                    out.append(cur)
                    cur, w = "", 0
                cur += c
                w += cw
        out.append(cur)
    return out or [""]


def pad(s: str, width: int) -> str:
    return s + " " * max(0, width - dw(s))


def cn_number(n: int, two: bool = False) -> str:
    """1..100 in Chinese numerals (十二, 二十, 一百); ``two`` writes 2 as 两."""
    if n == 100:
        return "一百"
    if n == 2 and two:
        return "两"
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    s = ("" if tens == 1 else digits[tens]) + "十"
    return s + (digits[ones] if ones else "")


def cn_ord(i: int) -> str:
    return CN_ORD[i] if i < 10 else "十" + CN_ORD[i - 10]


def fullwidth(s: str) -> str:
    table = {c: chr(ord(c) + 0xFEE0) for c in "0123456789%.="}
    return "".join(table.get(c, c) for c in s)


def fmt_num(v: float | int | None) -> str:
    if v is None:
        return ""
    f = float(v)
    return str(int(f)) if f == int(f) else repr(f)


def fmt_money(d: Decimal, places: int, comma: bool) -> str:
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places else d
    s = f"{q:,.{places}f}" if comma else f"{q:.{places}f}"
    return s


OP_SYM = {
    "≥": ">=",
    "≧": ">=",
    "＞": ">",
    ">": ">",
    "≤": "<=",
    "≦": "<=",
    "＜": "<",
    "<": "<",
    "=": "=",
    "＝": "=",
}
VAL_RE = re.compile(
    r"^(?P<op>[≥≧＞>≤≦＜<=＝])?(?P<num>\d+(?:\.\d+)?)(?P<unit>[^\d、，,~～\-—至]*)$"
)


def parse_simple(row: dict) -> tuple[str, str, str] | None:
    """(op sign, number, unit) of a value written ``[sign]number[unit]`` whose gold agrees,
    else None (words, several numbers, dates and ranges stay whole)."""
    raw = row.get("value_raw") or ""
    m = VAL_RE.match(raw)
    if not m or row.get("kind") != "numeric" or row.get("value") is None:
        return None
    op, num, unit = m.group("op") or "", m.group("num"), m.group("unit")
    if float(num) != float(row["value"]):
        return None
    if (OP_SYM.get(op) if op else "=") != row.get("op"):
        return None
    unit = unit.strip()
    if unit.startswith("(") and unit.endswith(")"):
        unit = unit[1:-1]
    if unit and not (row.get("unit") and unit.startswith(row["unit"])):
        return None
    return op, num, unit


# ---------------------------------------------------------------- model


@dataclass
class IRow:
    """One grid row as rendered; ``gold`` is None for a placeholder row."""

    l1: str | None
    l2: str | None
    gold: dict | None
    name: str = ""
    value: str = ""
    op: str = ""
    num: str = ""
    unit: str = ""
    expl: str = ""
    actual: str = ""
    weight: str = ""
    score: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Grid:
    """Rows of one table: ``("f", cells)`` header-field rows, ``("h", cells)`` grid header
    rows, ``("g", cells)`` grid rows, ``("raw", line)`` a line inside the table (page
    furniture); ``roles`` names the grid's columns; ``vlabel`` is vertical text of column 0."""

    items: list[tuple[str, Any]]
    roles: list[str]
    vlabel: str = ""


Part = tuple[str, Any]  # ("lines", list[str]) or ("grid", Grid)

# ---------------------------------------------------------------- draws


def table_shape(t: dict) -> dict[str, bool]:
    rows = t["indicators"]
    canonical = all(r["level2"] and L1_OF.get(r["level2"]) == r["level1"] for r in rows)
    gappy = False
    for a, b in zip(rows, rows[1:], strict=False):
        if b["level1"] == a["level1"] and a["level2"] and not b["level2"]:
            gappy = True
    none_l2 = any(not r["level2"] for r in rows)
    # labels on a block's last row are only evident when the first data row has none
    first = (rows[0]["level1"], rows[0]["level2"]) if rows else None
    last_ok = len(rows) > 1 and (rows[1]["level1"], rows[1]["level2"]) == first
    return {"canonical": canonical, "gappy": gappy, "none_l2": none_l2, "last_ok": last_ok}


def draw_doc(rng: random.Random, sep: str, ntables: int) -> dict:
    d: dict[str, Any] = {"sep": sep}
    chrome = ["none"]
    if sep in WEB:
        chrome.append("web")
    if sep in PAGED:
        chrome.append("pdf")
    d["chrome"] = rng.choice(chrome)
    d["narrative"] = rng.choice(["none", "intro", "intro_outro"])
    if ntables > 1:
        joins = ["blank", "none"] + (["pagebreak"] if sep in PAGED else [])
        d["joiner"] = rng.choice(joins)
    d["footer"] = rng.choice(["none", "notes", "sign", "date"])
    st: dict[str, Any] = {}
    if sep == "ideo":
        st["n"] = rng.choice([1, 1, 2])
    elif sep in ("layout", "layout_shift"):
        st["gap"] = rng.choice([2, 2, 3, 4])
        st["margin"] = rng.choice([0, 0, 2, 4, 8])
        st["cap"] = rng.choice([20, 24, 28, 34, 40])
        st["valign"] = rng.choice(["top", "middle"])
        st["blank"] = st["valign"] == "middle" or rng.random() < 0.4
        st["formfeed"] = rng.random() < 0.6
    elif sep == "box":
        st["rules"] = rng.choice(["every", "header"])
    elif sep == "grid":
        st["cap"] = rng.choice([16, 20, 24, 30])
    elif sep == "csv":
        st["eol"] = rng.choice(["\r\n", "\n"])
    elif sep == "md_br":
        st["br"] = rng.choice(["<br>", "<br/>", "<br>"])
        st["width"] = rng.choice([0, 24, 30, 40])
        st["title"] = rng.choice(["##", "plain", "**"])
    elif sep == "cell_wrap":
        st["width"] = rng.choice([24, 28, 32, 40])
    elif sep == "pipe_rowwrap":
        st["width"] = rng.choice([60, 70, 80, 90])
        st["outer"] = rng.random() < 0.5
    elif sep == "fwbar":
        st["outer"] = rng.random() < 0.6
    if sep in PAGED:
        st["pagefmt"] = rng.randrange(5)
    d["style"] = st
    return d


def draw_table(rng: random.Random, t: dict, dd: dict) -> dict:
    sep = dd["sep"]
    shape = table_shape(t)
    self_eval = t.get("form") == "self_evaluation"
    project = t["kind"] == "project"
    td: dict[str, Any] = {}
    titles = ["none", "plain", "two_line", "annex"] + (["intro_named"] if project else [])
    td["title"] = rng.choice(titles)
    # levels
    if shape["gappy"]:
        td["levels"] = "every"
    elif shape["canonical"]:
        modes = ["first", "every", "type_col", "outline", "first"]
        td["levels"] = rng.choice(modes + (["last", "last"] if shape["last_ok"] else []))
    else:
        td["levels"] = rng.choice(["first", "every", "type_col", "outline"])
    if td["levels"] in ("first", "last", "every"):
        if shape["canonical"]:
            td["l1mode"] = td["levels"]
            td["l2mode"] = td["levels"] if rng.random() < 0.7 else rng.choice(["first", "every"])
            if td["l1mode"] == "last" and td["l2mode"] != "last":
                td["l2mode"] = "last"
        else:
            td["l1mode"] = td["l2mode"] = td["levels"]
    td["names"] = rng.choice(["plain", "plain", "notes", "numbered"])
    td["ocr"] = (
        sep in OCR_SEPS
        and shape["canonical"]
        and td["levels"] in ("first", "last", "every", "type_col", "outline")
        and rng.random() < 0.15
    )
    if td["levels"] == "outline" and td["names"] == "plain" and rng.random() < 0.6:
        td["names"] = "numbered"
    td["no_l1"] = (
        shape["canonical"] and td["levels"] in ("first", "last", "every") and rng.random() < 0.3
    )
    if td["no_l1"]:
        td["ocr"] = False
    td["prefix"] = rng.choice(["none", "none", "paren", "dot", "ascii_paren"])
    td["prefix_scope"] = rng.choice(["block", "table"])
    # columns
    vs = [
        "single",
        "single",
        "single",
        "single",
        "num_unit",
        "unit_num",
        "num_op_unit",
        "op_num_unit",
        "op_unit_num",
    ]
    if unit_head_ok(t):
        vs += ["unit_head"] * 3
    td["vsplit"] = rng.choice(vs)
    td["op_eq"] = rng.random() < 0.5
    td["twohead"] = td["vsplit"] not in ("single", "unit_head") and rng.random() < 0.5
    if self_eval:
        td["twohead"] = rng.random() < 0.5
    td["heads"] = {
        "l1": rng.randrange(len(HEAD_L1)),
        "l2": rng.randrange(len(HEAD_L2)),
        "l3": rng.randrange(len(HEAD_L3)),
        "val": rng.randrange(len(HEAD_VAL)),
        "expl": rng.randrange(len(HEAD_EXPL_SELF if self_eval else HEAD_EXPL)),
        "op": rng.randrange(len(HEAD_OP)),
        "num": rng.randrange(len(HEAD_NUM)),
        "unit": rng.randrange(len(HEAD_UNIT)),
        "type": rng.randrange(len(HEAD_TYPE)),
        "outline": rng.randrange(len(HEAD_OUTLINE)),
    }
    has_expl = any(r.get("explanation") for r in t["indicators"])
    td["expl"] = rng.choice(["keep", "keep", "drop", "before_value"]) if has_expl else "none"
    extras = []
    if rng.random() < 0.3:
        extras.append("seq")
    if rng.random() < 0.35:
        extras.append(rng.choice(["source", "method", "weight"] if not self_eval else ["source"]))
    td["extra"] = extras
    td["vlabel"] = sep in ("layout", "layout_shift") and rng.random() < 0.6
    ph_ok = td["levels"] in ("first", "last", "every") and not shape["none_l2"]
    td["ph"] = rng.choice(["none", "slash", "dash"]) if ph_ok and rng.random() < 0.5 else "none"
    td["pagebreak"] = rng.choice([0, 1, 1, 2]) if sep in PAGED and len(t["indicators"]) >= 6 else 0
    td["repeat_header"] = rng.random() < 0.6
    td["xu"] = rng.random() < 0.4
    td["vals"] = sorted(v for v in ("cn", "range", "words", "fw") if rng.random() < 0.3)
    td["para_names"] = sep == "tab_para" and rng.random() < 0.6
    td["para"] = sep == "tab_para" or (
        sep in ("tabpad", "csv", "md_br", "grid") and rng.random() < 0.6
    )
    # header fields
    td["hdr"] = rng.choice(["grid2", "colon_cell", "fw_line"])
    td["hdr_fields"] = rng.choice(["all", "all", "min"])
    td["checkbox"] = project and rng.random() < 0.4
    if project:
        td["budget"] = rng.choice(
            ["yuan_label", "wan_label", "wan_value", "unit_line", "yuan_value"]
        )
    else:
        td["budget"] = rng.choice(["wan_label", "yuan_label", "unit_line", "wan_value"])
        td["dept_lines"] = rng.choice(["total", "lines_total", "lines_only"])
    td["comma"] = rng.random() < 0.4
    td["footer"] = rng.choice(["none", "none", "notes", "sign"])
    return td


def unit_head_ok(t: dict) -> bool:
    """Every numeric row writes its unit and most of them are ``%``: a 指标值（%） header is
    then a fair reading of the ``%`` rows and leaves the others alone."""
    nums = [r for r in t["indicators"] if r["kind"] == "numeric"]
    if not nums:
        return False
    pct = 0
    for r in nums:
        p = parse_simple(r)
        if not p or not p[2]:
            return False
        pct += p[2] == "%"
    return pct >= 0.6 * len(nums)


# ---------------------------------------------------------------- rows


def prepare_rows(t: dict, td: dict, rng: random.Random) -> list[IRow]:
    """Rendered cells of every indicator and placeholder row; the gold rows are rewritten to
    what is rendered (value_raw of rewritten values)."""
    self_eval = t.get("form") == "self_evaluation"
    rows: list[IRow] = []
    block_no: dict[tuple, int] = defaultdict(int)
    seq = 0
    split = td["vsplit"] not in ("single", "unit_head")
    ranges_made = 0
    for r in t["indicators"]:
        g = copy.deepcopy(r)
        g.pop("line", None)
        key = (g["level1"], g["level2"]) if td["prefix_scope"] == "block" else ("*",)
        block_no[key] += 1
        n = block_no[key]
        seq += 1
        prefix = {"none": "", "paren": f"（{n}）", "dot": f"{n}.", "ascii_paren": f"({n})"}[
            td["prefix"]
        ]
        row = IRow(g["level1"], g["level2"], g, name=prefix + g["level3"])
        if td.get("para_names") and len(row.name) > 10 and rng.random() < 0.4:
            row.name = break_paragraph(row.name, rng)
        raw = g["value_raw"] or ""
        p = parse_simple(g)
        # value rewrites (the gold follows)
        if "range" in td["vals"] and g["op"] == "range":
            m = re.match(r"^(\d+)%?-(\d+)%$", raw)
            if m:
                a, b = m.groups()
                raw = rng.choice(
                    [f"{a}%~{b}%", f"{a}～{b}%", f"{a}%—{b}%", f"{a}%至{b}%", f"{a}-{b}%"]
                )
        elif (
            "range" in td["vals"]
            and ranges_made < 2
            and p
            and p[0] in ("≥", "≧")
            and p[2] == "%"
            and "." not in p[1]
            and 60 <= int(p[1]) <= 94
            and rng.random() < 0.5
        ):
            a = int(p[1])
            b = a + rng.choice([3, 5])
            raw = rng.choice([f"{a}%~{b}%", f"{a}%-{b}%", f"{a}～{b}%", f"{a}-{b}%"])
            g.update(op="range", value=a, value_max=b, unit="%", per=None)
            ranges_made += 1
            p = None
        elif p and "cn" in td["vals"] and "." not in p[1] and 1 <= int(p[1]) <= 99:
            # not before 万/千/百 units: 七万张 would read as 70000 张
            unit_ok = (
                p[2]
                and unicodedata.east_asian_width(p[2][0]) == "W"
                and p[2][0] not in "万千百亿十"
            )
            if unit_ok and rng.random() < 0.7:
                k = int(p[1])
                raw = p[0] + cn_number(k, two=rng.random() < 0.5) + p[2]
                p = None
        elif p and "words" in td["vals"] and p[0] in ("≥", "≧", "≤", "≦") and rng.random() < 0.7:
            ge = p[0] in ("≥", "≧")
            unit = p[2]
            count = unit and unit[0] in "次人个件期套条间批"
            if ge:
                raw = rng.choice(
                    [f"不低于{p[1]}{unit}", f"{p[1]}{unit}以上"]
                    + ([f"不少于{p[1]}{unit}"] if count else [])
                )
            else:
                raw = rng.choice(
                    [f"不超过{p[1]}{unit}", f"{p[1]}{unit}以内", f"不高于{p[1]}{unit}"]
                )
            p = None
        # cells
        fw = "fw" in td["vals"] and rng.random() < 0.6
        if split and p:
            op, num, unit = p
            if not op and td["op_eq"]:
                op = "="
            if fw:
                num = fullwidth(num)
            if td["vsplit"] in ("num_unit", "unit_num"):
                row.num, row.unit = op + num, unit
            else:
                row.op, row.num, row.unit = op, num, unit
            # SPEC §3: value_raw joins operator, number and unit, in that order
            g["value_raw"] = op + num + unit
        elif split:
            row.num = fullwidth(raw) if fw else raw
            g["value_raw"] = row.num
        elif td["vsplit"] == "unit_head" and p and p[2] == "%":
            # the unit only in the header: the cell as written, unit from the header
            row.value = p[0] + (fullwidth(p[1]) if fw else p[1])
            g["value_raw"] = row.value
        else:
            row.value = fullwidth(raw) if fw else raw
            g["value_raw"] = row.value
        if td["expl"] == "drop":
            g["explanation"] = None
        row.expl = g.get("explanation") or ""
        if td.get("para") and len(row.expl) > 24:
            row.expl = break_paragraph(row.expl, rng)
        if self_eval:
            row.actual = g.get("actual_raw") or ""
            row.weight = fmt_num(g.get("weight"))
            row.score = fmt_num(g.get("score"))
        row.extra["seq"] = str(seq)
        for ex in td["extra"]:
            if ex in EXTRA_VALUES:
                row.extra[ex] = rng.choice(EXTRA_VALUES[ex][1])
            elif ex == "weight":
                row.extra[ex] = str(rng.choice([2, 3, 5, 5, 10, 10, 15]))
        rows.append(row)
    if td["ph"] != "none":
        rows = add_placeholders(rows, td, rng)
    return rows


def break_paragraph(s: str, rng: random.Random) -> str:
    """A paragraph break typed inside a long cell (Alt+Enter, Word paragraphs), after a
    sentence or clause mark near the middle, else at the middle."""
    marks = [i + 1 for i, c in enumerate(s) if c in "。；;，,：:" and 6 < i < len(s) - 4]
    if marks:
        i = min(marks, key=lambda k: abs(k - len(s) // 2))
    else:
        i = len(s) // 2 + rng.randrange(-3, 4)
    return s[:i] + "\n" + s[i:]


def add_placeholders(rows: list[IRow], td: dict, rng: random.Random) -> list[IRow]:
    fill = "/" if td["ph"] == "slash" else "——"
    out: list[IRow] = []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j].l1 == rows[i].l1:
            j += 1
        block = rows[i:j]
        out += block
        l1 = rows[i].l1
        present = {r.l2 for r in block}
        missing = [x for x in PLACEHOLDER_L2.get(l1 or "", []) if x not in present]
        # a level-1 that shows up again later keeps its level-2s to itself
        later = {r.l2 for r in rows[j:] if r.l1 == l1}
        missing = [x for x in missing if x not in later]
        if missing and rng.random() < 0.8:
            for l2 in rng.sample(missing, min(len(missing), rng.choice([1, 2, 3]))):
                out.append(IRow(l1, l2, None, name=fill, value=fill, num=fill, expl=fill, extra={}))
        i = j
    return out


# ---------------------------------------------------------------- levels


def deco(name: str | None, level: int, idx: int, td: dict, rng: random.Random) -> str:
    if not name:
        return ""
    canonical = name in CANON_L1 if level == 1 else name in L1_OF
    if not canonical or td["names"] == "plain":
        return name
    if td["names"] == "numbered":
        return f"{cn_ord(idx)}、{name}" if level == 1 else f"（{cn_ord(idx)}）{name}"
    pts = rng.choice([10, 20, 30, 40, 50]) if level == 1 else rng.choice([5, 10, 15, 20])
    return f"{name}（{pts}分）" if rng.random() < 0.5 else f"{name}（权重{pts}%）"


def blocks(keys: list) -> list[tuple[int, int]]:
    out, i = [], 0
    while i < len(keys):
        j = i
        while j < len(keys) and keys[j] == keys[i]:
            j += 1
        out.append((i, j - 1))
        i = j
    return out


def written(mode: str, n: int, keys: list) -> list[bool]:
    w = [False] * n
    for a, b in blocks(keys):
        if mode == "every":
            for k in range(a, b + 1):
                w[k] = True
        else:
            w[a if mode == "first" else b] = True
    return w


# ---------------------------------------------------------------- grid


def build_grid(t: dict, rows: list[IRow], td: dict, dd: dict, rng: random.Random) -> Grid:
    self_eval = t.get("form") == "self_evaluation"
    h = td["heads"]
    levels = td["levels"]
    # columns
    if levels in ("first", "last", "every"):
        lead = ([] if td["no_l1"] else ["l1"]) + ["l2", "l3"]
    elif levels == "type_col":
        lead = ["type", "l3"]
    else:
        lead = ["l3"]
    vs = td["vsplit"]
    value_cols = {
        "single": ["val"],
        "unit_head": ["val"],
        "num_unit": ["num", "unit"],
        "unit_num": ["unit", "num"],
        "num_op_unit": ["num", "op", "unit"],
        "op_num_unit": ["op", "num", "unit"],
        "op_unit_num": ["op", "unit", "num"],
    }[vs]
    if self_eval:
        value_cols = value_cols + ["actual"]
        tail = rng.choice([["weight", "score"], ["score", "weight"]])
    else:
        tail = []
    expl = ["expl"] if td["expl"] in ("keep", "before_value") else []
    extra = [e for e in td["extra"] if e != "seq"]
    if td["expl"] == "before_value":
        cols = lead + expl + value_cols + tail + extra
    else:
        cols = lead + value_cols + tail + expl + extra
    if self_eval and rng.random() < 0.5:
        cols.append("dev")
    if "seq" in td["extra"]:
        cols = ["seq"] + cols
    if td["vlabel"]:
        cols = ["vlabel"] + cols
    # header labels
    expl_heads = HEAD_EXPL_SELF if self_eval else HEAD_EXPL
    val_head = HEAD_VAL[h["val"]]
    if vs == "unit_head":
        val_head = re.sub(r"（.*）$", "", val_head) + "（%）"
    labels = {
        "vlabel": "",
        "seq": "序号",
        "l1": HEAD_L1[h["l1"]],
        "l2": HEAD_L2[h["l2"]],
        "l3": HEAD_L3[h["l3"]],
        "type": HEAD_TYPE[h["type"]],
        "val": val_head,
        "op": HEAD_OP[h["op"]],
        "num": HEAD_NUM[h["num"]] if vs not in ("num_unit", "unit_num") else val_head,
        "unit": HEAD_UNIT[h["unit"]],
        "expl": expl_heads[h["expl"]],
        "actual": rng.choice(["实际完成值", "全年实际值", "全年完成值"]),
        "weight": rng.choice(["分值", "权重"]) if self_eval else "指标权重",
        "score": rng.choice(["得分", "自评得分"]),
        "dev": "偏差原因分析及改进措施",
        "source": EXTRA_VALUES["source"][0][0],
        "method": EXTRA_VALUES["method"][0][0],
    }
    if levels == "outline":
        labels["l3"] = HEAD_OUTLINE[h["outline"]]
    for ex in extra:
        if ex in EXTRA_VALUES:
            labels[ex] = rng.choice(EXTRA_VALUES[ex][0])
    if td["twohead"]:
        group = "年度指标值" if self_eval else rng.choice(["指标值", "年度指标值"])
        sub = {
            # the unit only in the header stays in the value column's own (lower) cell
            "val": rng.choice(["目标值", "年度目标值"]) + ("（%）" if vs == "unit_head" else ""),
            "op": labels["op"],
            "num": "目标值" if self_eval else "数值",
            "unit": labels["unit"],
            "actual": labels["actual"],
        }
        top: list[str] = []
        bottom: list[str] = []
        first = True
        for c in cols:
            if c in sub:
                top.append(group if first else "")
                first = False
                bottom.append(sub[c])
            else:
                top.append(labels[c])
                bottom.append("")
        head_rows = [top, bottom]
    else:
        head_rows = [[labels[c] for c in cols]]
    items: list[tuple[str, Any]] = [("h", r) for r in head_rows]
    # data rows
    n = len(rows)
    l1_keys = [r.l1 for r in rows]
    l2_keys = [(r.l1, r.l2) for r in rows]
    l1_idx: dict[str | None, int] = {}
    l2_idx: dict[tuple, int] = {}
    l2_count: dict[str | None, int] = defaultdict(int)
    for r in rows:
        if r.l1 not in l1_idx:
            l1_idx[r.l1] = len(l1_idx)
        if (r.l1, r.l2) not in l2_idx and r.l2:
            l2_idx[(r.l1, r.l2)] = l2_count[r.l1]
            l2_count[r.l1] += 1
    l1_text = {k: deco(k, 1, i, td, rng) for k, i in l1_idx.items()}
    if td.get("ocr"):
        # one character of each level-1 misread, as OCR does (SPEC §1: resolved from the
        # level-2s below it)
        for k in l1_text:
            for a, b in OCR_CONFUSIONS:
                if a in l1_text[k] and rng.random() < 0.7:
                    l1_text[k] = l1_text[k].replace(a, b, 1)
                    break
    l2_text = {k: deco(k[1], 2, i, td, rng) for k, i in l2_idx.items()}

    def cells_for(r: IRow, l1: str, l2: str, name: str) -> list[str]:
        out = []
        for c in cols:
            out.append(
                {
                    "vlabel": "",
                    "seq": r.extra.get("seq", "") if r.gold else "",
                    "l1": l1,
                    "l2": l2,
                    "type": "",
                    "l3": name,
                    "val": r.value,
                    "op": r.op,
                    "num": r.num,
                    "unit": r.unit,
                    "expl": r.expl,
                    "actual": r.actual,
                    "weight": r.weight if self_eval else r.extra.get("weight", ""),
                    "score": r.score,
                    "dev": "",
                    "source": r.extra.get("source", ""),
                    "method": r.extra.get("method", ""),
                }[c]
            )
        return out

    if levels in ("first", "last", "every"):
        w1 = written(td["l1mode"], n, l1_keys)
        w2 = written(td["l2mode"], n, l2_keys)
        for i, r in enumerate(rows):
            l1 = l1_text.get(r.l1, "") if w1[i] else ""
            l2 = l2_text.get((r.l1, r.l2), "") if w2[i] else ""
            items.append(("g", cells_for(r, l1, l2, r.name)))
    else:
        prev1: Any = object()
        prev2: Any = object()
        for r in rows:
            sect: list[str] = []
            if r.l1 != prev1:
                sect.append(l1_text.get(r.l1, ""))
                prev2 = object()
            if (r.l1, r.l2) != prev2 and r.l2:
                sect.append(l2_text.get((r.l1, r.l2), ""))
            prev1, prev2 = r.l1, (r.l1, r.l2)
            for s in sect:
                if not s:
                    continue
                cells = [""] * len(cols)
                cells[cols.index("type" if levels == "type_col" else "l3")] = s
                items.append(("g", cells))
            items.append(("g", cells_for(r, "", "", r.name)))
    if td["pagebreak"]:
        items = insert_pagebreaks(items, head_rows, td, dd, rng)
    vlabel = rng.choice(["年度绩效指标", "绩效指标", "绩效目标"]) if td["vlabel"] else ""
    return Grid(items, cols, vlabel)


def page_foot(dd: dict, rng: random.Random) -> str:
    """The footer of the current page in the document's one format; the next page begins."""
    page = dd.setdefault("_page", rng.randrange(1, 6))
    total = dd.setdefault("_total", page + rng.randrange(4, 12))
    dd["_page"] = page + 1
    fmt = dd["style"].get("pagefmt", 0)
    return [f"- {page} -", f"— {page} —", f"第{page}页 共{total}页", f"第 {page} 页", f"{page}"][
        fmt
    ]


def page_furniture(dd: dict, rng: random.Random) -> list[str]:
    lines = [page_foot(dd, rng)]
    ff = "\f" if dd["sep"].startswith("layout") and dd["style"].get("formfeed") else ""
    head = dd.get("running_head")
    if head:
        lines.append(ff + head)
    elif ff:
        lines.append(ff)
    return lines


def insert_pagebreaks(
    items: list[tuple[str, Any]], head_rows: list, td: dict, dd: dict, rng: random.Random
) -> list[tuple[str, Any]]:
    data_pos = [i for i, (k, _) in enumerate(items) if k == "g"]
    if len(data_pos) < 6:
        return items
    k = td["pagebreak"]
    cut = sorted(rng.sample(data_pos[2:-2], min(k, len(data_pos) - 4)))
    out: list[tuple[str, Any]] = []
    for i, it in enumerate(items):
        if i in cut:
            out.append(("raw", PAGEBREAK))  # page furniture, numbered in document order
            if td["xu"]:
                out.append(("raw", rng.choice(["续表", "（续表）", "续表："])))
            if td["repeat_header"]:
                out += [("h", list(r)) for r in head_rows]
        out.append(it)
    return out


# ---------------------------------------------------------------- header fields


def wan_text(yuan: float, comma: bool) -> tuple[str, float]:
    """A 元 amount as 万元 text as tables print it (2 or 4 decimals), and the 元 amount that
    text means (rounded at 2 decimals where 4 would not do)."""
    d = Decimal(str(yuan)) / Decimal(10000)
    for places in (2, 4):
        q = d.quantize(Decimal(1).scaleb(-places))
        if q == d:
            return fmt_money(d, places, comma), float(q * 10000)
    q = d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return fmt_money(q, 2, comma), float(q * 10000)


def yuan_text(yuan: float, comma: bool) -> str:
    d = Decimal(str(yuan))
    places = 0 if d == d.to_integral() and not comma else 2
    return fmt_money(d, places, comma)


def checkbox(value: str, kind: str, rng: random.Random, sep: str) -> str:
    pool = {
        "attribute": ["新增项目", "延续性项目", "一次性项目", "经常性项目", "阶段性项目"],
        "category": ["特定目标类", "其他运转类", "人员类", "公共项目"],
    }[kind]
    others = [x for x in pool if x[:2] != value[:2]]
    opts = rng.sample(others, rng.choice([1, 2])) + [value]
    rng.shuffle(opts)
    on, off = rng.choice([("☑", "□"), ("■", "□"), ("√", "□")])
    return sep.join((on if o == value else off) + o for o in opts)


def build_fields(
    t: dict, td: dict, dd: dict, doc: dict, rng: random.Random, gold: dict
) -> tuple[list[str], list[list[str]], list[str]]:
    """(lines above the grid, header-field rows of the grid, unit lines) and the gold table's
    header fields set to what is rendered."""
    project = t["kind"] == "project"
    self_eval = t.get("form") == "self_evaluation"
    issuer = doc["issuer"]
    minimal = td["hdr_fields"] == "min"
    named = td["title"] != "intro_named"
    pairs: list[list[tuple[str, str]]] = []  # rows of (label, value)
    unit_lines: list[str] = []
    cb_sep = " " if (dd["sep"] == "ideo" or td["hdr"] == "fw_line") else "\u3000"

    def keep(f: str) -> bool:
        return t.get(f) is not None and not (minimal and f not in ("name", "budget_yuan"))

    for f in ("owner", "phone", "category", "attribute", "period", "fund_nature"):
        if not keep(f):
            gold[f] = None
    for f in ("annual_goal", "org", "policy"):
        if not keep(f) or (minimal and rng.random() < 0.7):
            gold[f] = None
    # budget
    b = t.get("budget_yuan")
    comma = td["comma"]
    money: list[tuple[str, str]] = []
    if b is not None:
        form = td["budget"]
        wan, wan_yuan = wan_text(b, comma)
        if form == "yuan_label":
            lab = (
                "预算资金（元）"
                if project
                else rng.choice(["资金总额（元）", "部门预算总额（元）"])
            )
            money.append((lab, yuan_text(b, comma)))
        elif form == "wan_label":
            lab = (
                rng.choice(["预算金额（万元）", "项目资金（万元）", "年度预算资金（万元）"])
                if project
                else rng.choice(["资金总额（万元）", "部门预算总额（万元）"])
            )
            money.append((lab, wan))
            gold["budget_yuan"] = wan_yuan
        elif form == "wan_value":
            lab = rng.choice(["预算资金", "项目金额"]) if project else "资金总额"
            money.append((lab, wan + rng.choice(["万元", " 万元"])))
            gold["budget_yuan"] = wan_yuan
        elif form == "yuan_value":
            money.append(("预算资金", yuan_text(b, comma) + "元"))
        else:  # unit_line
            if rng.random() < 0.5:
                unit_lines.append(rng.choice(["单位：万元", "金额单位：万元", "（单位：万元）"]))
                money.append((rng.choice(["预算资金", "项目资金"]) if project else "资金总额", wan))
                gold["budget_yuan"] = wan_yuan
            else:
                unit_lines.append(rng.choice(["单位：元", "金额单位：元", "（单位：元）"]))
                money.append(
                    (
                        rng.choice(["预算资金", "项目资金"]) if project else "资金总额",
                        yuan_text(b, comma),
                    )
                )
        if not project and td.get("dept_lines", "total") != "total":
            # department: 基本支出 + 项目支出 (+ 资金总额); the lines add up to the total
            lab, val = money.pop()
            cents = int(Decimal(str(gold["budget_yuan"])) * 100)
            in_wan = "万元" in lab or "万元" in val or any("万元" in u for u in unit_lines)
            suffix = "万元" if val.endswith("万元") else ""
            if in_wan:
                places = len(val.replace("万元", "").strip().partition(".")[2])
                step = 10 ** (6 - places)
            else:
                places = 2 if (comma or cents % 100) else 0
                step = 1 if places else 100
            basic = cents * rng.choice([18, 23, 31, 37]) // 100 // step * step
            proj = cents - basic

            def amount(c: int) -> str:
                d = Decimal(c) / (Decimal(1000000) if in_wan else Decimal(100))
                return fmt_money(d, places, comma) + suffix

            unit_head = "（万元）" if "（万元）" in lab else ("（元）" if "（元）" in lab else "")
            money.append(("基本支出" + unit_head, amount(basic)))
            money.append(("项目支出" + unit_head, amount(proj)))
            if td["dept_lines"] == "lines_total":
                money.append(("资金总额" + unit_head, amount(cents)))
    # labels
    if project:
        name_lab = rng.choice(["项目名称", "项目名称", "专项（项目）名称", "二级项目名称"])
        if named:
            pairs.append([(name_lab, t["name"])])
        if not minimal:
            pairs.append([(rng.choice(["主管部门", "主管部门及代码"]), issuer)])
            if rng.random() < 0.5:
                pairs.append([("实施单位", issuer)])
        op = []
        if gold.get("owner"):
            op.append((rng.choice(["项目负责人", "负责人"]), t["owner"]))
        if gold.get("phone"):
            op.append((rng.choice(["联系电话", "电话"]), t["phone"]))
        if op:
            pairs.append(op)
        for f, labs in (
            ("category", ["项目类别", "项目类型"]),
            ("attribute", ["项目属性", "项目性质"]),
            ("period", ["项目计划实施时间", "项目期", "实施周期", "项目起止时间"]),
        ):
            if gold.get(f):
                v = t[f]
                if f in ("category", "attribute") and td["checkbox"]:
                    v = checkbox(v, f, rng, cb_sep)
                pairs.append([(rng.choice(labs), v)])
        mrow = list(money)
        if gold.get("fund_nature"):
            if mrow and rng.random() < 0.6:
                pairs.append([mrow.pop(0), ("资金性质", t["fund_nature"])])
            else:
                mrow.append(("资金性质", t["fund_nature"]))
        pairs += [[m] for m in mrow]
        if gold.get("annual_goal"):
            goal_lab = (
                rng.choice(["年度总体目标", "年度绩效目标"])
                if self_eval
                else rng.choice(["年度目标", "年度绩效目标", "年度总体目标", "本年度绩效目标"])
            )
            pairs.append([(goal_lab, t["annual_goal"])])
        if gold.get("org"):
            pairs.append([("组织机构", t["org"])])
        if gold.get("policy"):
            pairs.append([("管理制度", t["policy"])])
    else:
        if td["title"] != "two_line" or rng.random() < 0.5:
            pairs.append([(rng.choice(["部门（单位）名称", "部门名称", "单位名称"]), t["name"])])
        pairs += [[m] for m in money]
        if gold.get("annual_goal"):
            pairs.append(
                [
                    (
                        rng.choice(["年度总体目标", "部门整体绩效目标", "年度绩效目标"]),
                        t["annual_goal"],
                    )
                ]
            )
    if td.get("para"):
        pairs = [
            [
                (lab, break_paragraph(v, rng) if len(v) > 30 and "\n" not in v else v)
                for lab, v in row
            ]
            for row in pairs
        ]
    lines: list[str] = []
    rows: list[list[str]] = []
    if td["hdr"] == "fw_line":
        flat = [p for row in pairs for p in row]
        i = 0
        while i < len(flat):
            k = rng.choice([1, 2, 2, 3])
            chunk = flat[i : i + k]
            # long values stand alone
            if any(len(v) > 30 for _, v in chunk) and k > 1:
                chunk = flat[i : i + 1]
            lines.append(
                rng.choice(["\u3000\u3000", "\u3000", "\u3000\u3000\u3000"]).join(
                    f"{lab}：{v.replace(chr(10), '')}" for lab, v in chunk
                )
            )
            i += len(chunk)
    elif td["hdr"] == "colon_cell":
        for row in pairs:
            rows.append([f"{lab}：{v}" for lab, v in row])
    else:
        for row in pairs:
            cells: list[str] = []
            for lab, v in row:
                cells += [lab, v]
            rows.append(cells)
    return lines, rows, unit_lines


# ---------------------------------------------------------------- table


def kind_title(t: dict, doc: dict, rng: random.Random) -> str:
    y = doc["year"]
    if t.get("form") == "self_evaluation":
        return rng.choice(
            [f"{y}年度项目支出绩效自评表", "项目支出绩效自评表", f"项目绩效自评表（{y}年度）"]
        )
    if t["kind"] == "department":
        return rng.choice(
            [
                f"{y}年部门整体支出绩效目标表",
                "部门整体支出绩效目标表",
                f"部门整体绩效目标表（{y}年度）",
            ]
        )
    return rng.choice(
        [
            f"{y}年度项目支出绩效目标申报表",
            "项目支出绩效目标表",
            f"项目绩效目标表（{y}年度）",
            f"{y}年项目支出绩效目标批复表",
        ]
    )


def render_table(
    t: dict, td: dict, dd: dict, doc: dict, rng: random.Random, no: int
) -> tuple[list[Part], dict]:
    gold = {k: copy.deepcopy(v) for k, v in t.items() if k != "indicators"}
    gold["table_no"] = no
    rows = prepare_rows(t, td, rng)
    gold_rows = []
    for r in rows:
        if r.gold is not None:
            r.gold["row_no"] = len(gold_rows) + 1
            gold_rows.append(r.gold)
    field_lines, field_rows, unit_lines = build_fields(t, td, dd, doc, rng, gold)
    grid = build_grid(t, rows, td, dd, rng)
    grid.items = [("f", r) for r in field_rows] + grid.items
    gold["indicators"] = gold_rows
    parts: list[Part] = []
    title = kind_title(t, doc, rng)
    issuer = doc["issuer"]
    head: list[str] = []
    if td["title"] == "plain":
        head.append(rng.choice([title, issuer + title]))
    elif td["title"] == "two_line":
        head += [issuer + str(doc["year"]) + "年", re.sub(r"^\d{4}年度?", "", title)]
    elif td["title"] == "annex":
        head.append(rng.choice(["附件3", "表4-2", f"附表2-{no}", f"附件{no + 1}：", "附件"]))
        head.append(title)
    elif td["title"] == "intro_named":
        name = t["name"]
        if t.get("form") == "self_evaluation":
            intros = [f"关于“{name}”项目绩效自评情况的公示", f"“{name}”项目支出绩效自评表"]
        else:
            intros = [
                f"关于“{name}”项目绩效目标的公示",
                f"“{name}”项目支出绩效目标表",
                f"关于“{name}”项目支出绩效目标的公开说明",
            ]
        head.append(rng.choice(intros))
    if td["title"] != "none" and rng.random() < 0.4:
        head.append(rng.choice([f"编制单位：{issuer}", f"填报单位（盖章）：{issuer}"]))
    head += unit_lines
    if head:
        parts.append(("lines", head))
    if field_lines:
        parts.append(("lines", field_lines))
    parts.append(("grid", grid))
    foot: list[str] = []
    if td["footer"] == "notes":
        foot += [
            "注：1.各单位可根据项目特点自行增加或减少二级指标，并细化三级指标。",
            "2.定量指标应填写具体数值，定性指标应描述达到的程度。",
        ]
    elif td["footer"] == "sign":
        foot.append(
            rng.choice(
                [
                    "单位负责人：\u3000\u3000\u3000\u3000财务负责人：\u3000\u3000\u3000\u3000填表人：",
                    "审核人：\u3000\u3000\u3000\u3000\u3000\u3000经办人：",
                ]
            )
        )
    if foot:
        parts.append(("lines", foot))
    return parts, gold


# ---------------------------------------------------------------- serializers


def cell_rows(g: Grid) -> list[list[str]]:
    return [c for k, c in g.items if k != "raw"]


def ser_simple(g: Grid, join: Callable[[list[str]], str], empty_keep: bool) -> list[str]:
    out = []
    for k, c in g.items:
        if k == "raw":
            out.append(c)
            continue
        cells = [x.replace("\n", "") for x in c]
        if not empty_keep:
            cells = [x for x in cells if x]
            if not cells:
                continue
        out.append(join(cells))
    return out


def ser_layout(g: Grid, st: dict, shift: bool) -> list[str]:
    out: list[str] = []
    gap, margin, cap = st["gap"], st["margin"], st["cap"]
    nowrap = {"vlabel", "seq", "l1", "l2", "type", "op", "num", "unit", "val", "weight", "score"}
    nowrap |= {"actual"}
    # segments: consecutive rows of the same kind family and width
    segs: list[tuple[str, list]] = []
    for k, c in g.items:
        fam = "raw" if k == "raw" else ("f" if k == "f" else "g")
        key = fam if fam == "raw" else f"{fam}{len(c)}"
        if segs and segs[-1][0] == key and fam != "raw":
            segs[-1][1].append((k, c))
        else:
            segs.append((key, [(k, c)]))
    for key, seg in segs:
        if key == "raw":
            out.append(seg[0][1])
            continue
        grid_seg = key.startswith("g")
        ncol = len(seg[0][1])
        roles = g.roles if grid_seg and ncol == len(g.roles) else [""] * ncol
        # one geometry per table: the same columns stand at the same place on every page
        same = [c for k, c in g.items if k != "raw" and (k == "f") != grid_seg and len(c) == ncol]
        nat = [max(dw(c[i].replace("\n", "")) for c in same) for i in range(ncol)]
        wcap = cap if grid_seg else max(2 * cap, 60)  # field values span the table
        width = [nat[i] if roles[i] in nowrap or nat[i] <= wcap else wcap for i in range(ncol)]
        if roles and roles[0] == "vlabel":
            width[0] = 2
        starts, pos = [], margin
        for w in width:
            starts.append(pos)
            pos += w + gap
        seg_lines: list[list[str]] = []
        vertical = g.vlabel if grid_seg and roles and roles[0] == "vlabel" else ""
        for ri, (_, cells) in enumerate(seg):
            if shift:
                if vertical and ri < len(vertical):
                    cells = [vertical[ri]] + cells[1:]
                line, cur = "", 0
                for i, c in enumerate(cells):
                    c = c.replace("\n", "")
                    if not c:
                        continue
                    at = max(starts[i], cur + (gap if line.strip() else 0))
                    line = pad(line, at) + c
                    cur = dw(line)
                seg_lines.append([line])
                continue
            pieces = [
                wrap(c, width[i]) if roles[i] not in nowrap else [c.replace("\n", "")]
                for i, c in enumerate(cells)
            ]
            hgt = max(len(p) for p in pieces)
            phys = []
            for j in range(hgt):
                parts = []
                for p in pieces:
                    off = (hgt - len(p)) // 2 if st["valign"] == "middle" else 0
                    parts.append(p[j - off] if 0 <= j - off < len(p) else "")
                phys.append(parts)
            if st["blank"] and ri and seg_lines:
                seg_lines.append([])
            seg_lines += phys
        if vertical and shift:
            g.vlabel = ""
        if vertical and not shift:
            label, g.vlabel = g.vlabel, ""
            k = 0
            for pl in seg_lines:
                if pl and k < len(label):
                    pl[0] = label[k]
                    k += 1
        for pl in seg_lines:
            if not pl or shift:
                out.append(pl[0].rstrip() if pl else "")
                continue
            line = ""
            for i, c in enumerate(pl):
                if c:
                    line = pad(line, starts[i]) + c
            out.append(line.rstrip())
    return out


def box_rule(widths: list[int], left: str, mid: str, right: str) -> str:
    return left + mid.join("─" * (w + 2) for w in widths) + right


Block = list[tuple[str, list[str]]]  # a run of rows between raw lines: (kind, cells)


def by_block(g: Grid, render: Callable[[Block], list[str]]) -> list[str]:
    """The lines of ``g``: raw lines as they are, the rows between them in blocks (field
    rows apart from grid rows), each block's lines as ``render`` draws them."""
    out: list[str] = []
    seg: Block = []
    for k, c in g.items:
        if seg and (k == "raw" or (seg[-1][0] == "f") != (k == "f")):
            out += render(seg)
            seg = []
        if k == "raw":
            out.append(c)
        else:
            seg.append((k, c))
    if seg:
        out += render(seg)
    return out


def ser_box(g: Grid, st: dict) -> list[str]:
    def block(seg: Block) -> list[str]:
        out: list[str] = []
        n = max(len(c) for _, c in seg)
        rows = [[x.replace("\n", "") for x in c] + [""] * (n - len(c)) for _, c in seg]
        widths = [max(dw(r[i]) for r in rows) for i in range(n)]
        out.append(box_rule(widths, "┌", "┬", "┐"))
        for i, (k, _) in enumerate(seg):
            out.append(
                "│"
                + "│".join(" " + pad(x, w) + " " for x, w in zip(rows[i], widths, strict=True))
                + "│"
            )
            last = i == len(seg) - 1
            nxt = seg[i + 1][0] if not last else ""
            if not last and (st["rules"] == "every" or (k == "h" and nxt != "h")):
                out.append(box_rule(widths, "├", "┼", "┤"))
        out.append(box_rule(widths, "└", "┴", "┘"))
        return out

    return by_block(g, block)


def ser_grid(g: Grid, st: dict) -> list[str]:
    cap = st["cap"]

    def block(seg: Block) -> list[str]:
        out: list[str] = []
        n = max(len(c) for _, c in seg)
        rows = [c + [""] * (n - len(c)) for _, c in seg]
        nat = [max(max(dw(p) for p in r[i].split("\n")) for r in rows) for i in range(n)]
        wcap = cap if seg[0][0] != "f" else max(2 * cap, 40)
        widths = [max(1, min(w, wcap)) for w in nat]
        rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        hrule = "+" + "+".join("=" * (w + 2) for w in widths) + "+"
        out.append(rule)
        for i, (k, _) in enumerate(seg):
            pieces = [wrap(x, widths[j]) for j, x in enumerate(rows[i])]
            hgt = max(len(p) for p in pieces)
            for j in range(hgt):
                out.append(
                    "|"
                    + "|".join(
                        " " + pad(p[j] if j < len(p) else "", widths[m]) + " "
                        for m, p in enumerate(pieces)
                    )
                    + "|"
                )
            nxt = seg[i + 1][0] if i + 1 < len(seg) else ""
            out.append(hrule if k == "h" and nxt != "h" else rule)
        return out

    return by_block(g, block)


def ser_md(g: Grid, st: dict) -> list[str]:
    out: list[str] = []
    seg: list[list[str]] = []
    br, width = st["br"], st["width"]

    def cell(x: str) -> str:
        x = x.replace("|", "\\|")
        pieces = []
        for para in x.split("\n"):
            pieces += wrap(para, width) if width and dw(para) > width else [para]
        return br.join(pieces)

    def flush() -> None:
        if not seg:
            return
        n = max(len(c) for c in seg)
        for i, c in enumerate(seg):
            c = c + [""] * (n - len(c))
            out.append("| " + " | ".join(cell(x) for x in c) + " |")
            if i == 0:
                out.append("|" + "|".join(["---"] * n) + "|")
        seg.clear()
        out.append("")

    for k, c in g.items:
        if k == "raw":
            flush()
            out.append(c)
            out.append("")
        else:
            seg.append(c)
    flush()
    return out


def ser_cells(g: Grid, colon: bool, width: int) -> list[str]:
    out = []
    for k, c in g.items:
        if k == "raw":
            out.append(c)
            continue
        for i, x in enumerate(c):
            x = x.replace("\n", "")
            if not x:
                continue
            if colon and k == "f" and i % 2 == 0 and len(c) > 1 and "：" not in x:
                x += "："
            out += wrap(x, width) if width else [x]
    return out


def ser_rowwrap(g: Grid, st: dict) -> list[str]:
    out = []
    for k, c in g.items:
        if k == "raw":
            out.append(c)
            continue
        line = " | ".join(x.replace("\n", "") for x in c)
        if st["outer"]:
            line = "| " + line + " |"
        out += wrap(line, st["width"])
    return out


def ser_tab_para(g: Grid) -> list[str]:
    out = []
    for k, c in g.items:
        if k == "raw":
            out.append(c)
            continue
        out += "\t".join(c).split("\n")
    return out


def serialize(parts: list[Part], dd: dict, width: int, rng: random.Random) -> list[str]:
    """Lines of one table in the document's separator style; ``width`` is the sheet width of
    the spreadsheet forms."""
    sep, st = dd["sep"], dd["style"]
    out: list[str] = []
    for kind, p in parts:
        if kind == "lines":
            for line in p:
                if sep == "csv":
                    out.append(csv_line([line] + [""] * (width - 1), st))
                elif sep == "tabpad":
                    out.append(line + "\t" * (width - 1))
                elif sep == "layout":
                    indent = max(0, (100 - dw(line)) // 2) if len(line) < 40 else 0
                    out.append(" " * (st["margin"] + indent) + line)
                elif sep == "md_br" and st["title"] != "plain" and "表" in line[-8:]:
                    out.append(f"## {line}" if st["title"] == "##" else f"**{line}**")
                    out.append("")
                else:
                    out.append(line)
            continue
        g = Grid(expand_pagebreaks(p.items, dd, rng), p.roles, p.vlabel)
        if sep == "ideo":
            joiner = "\u3000" * st["n"]
            out += ser_simple(g, joiner.join, False)
        elif sep in ("layout", "layout_shift"):
            out += ser_layout(g, st, sep == "layout_shift")
        elif sep == "tabpad":
            for c in cell_rows(g):
                c = c + [""] * (width - len(c))
                out.append("\t".join(excel_quote(x) for x in c))
        elif sep == "tab_para":
            out += ser_tab_para(g)
        elif sep == "fwbar":
            if st["outer"]:
                out += ser_simple(g, lambda c: "｜" + "｜".join(c) + "｜", True)
            else:
                out += ser_simple(g, "｜".join, True)
        elif sep == "box":
            out += ser_box(g, st)
        elif sep == "grid":
            out += ser_grid(g, st)
        elif sep == "csv":
            for c in cell_rows(g):
                out.append(csv_line(c + [""] * (width - len(c)), st))
        elif sep == "md_br":
            out += ser_md(g, st)
        elif sep == "cell_colon":
            out += ser_cells(g, True, 0)
        elif sep == "cell_wrap":
            out += ser_cells(g, False, st["width"])
        elif sep == "pipe_rowwrap":
            out += ser_rowwrap(g, st)
    return out


def expand_pagebreaks(items: list[tuple[str, Any]], dd: dict, rng: random.Random) -> list:
    out: list[tuple[str, Any]] = []
    for k, c in items:
        if k == "raw" and c == PAGEBREAK:
            out += [("raw", line) for line in page_furniture(dd, rng)]
        else:
            out.append((k, c))
    return out


def excel_quote(x: str) -> str:
    return '"' + x.replace('"', '""') + '"' if "\n" in x else x


def csv_line(cells: list[str], st: dict) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    return buf.getvalue().replace("\r\n", "\n").replace("\n", st["eol"])


# ---------------------------------------------------------------- documents


def web_top(doc: dict, rng: random.Random) -> list[str]:
    y, iss = doc["year"], doc["issuer"]
    return [
        rng.choice(
            [
                "您当前的位置：首页 > 政务公开 > 法定主动公开内容 > 财政预决算",
                "当前位置：首页 » 信息公开 » 预算公开",
                "首页 / 政府信息公开 / 财政信息 / 部门预决算",
            ]
        ),
        f"{iss}{y}年度预算绩效目标公开",
        rng.choice(
            [
                f"来源：{iss}\u3000发布时间：{y}-0{rng.randrange(1, 4)}-1{rng.randrange(0, 9)}\u3000浏览次数：{rng.randrange(50, 900)}",
                f"发布日期：{y}-02-2{rng.randrange(0, 9)}\u3000\u3000字号：[ 大 中 小 ]",
            ]
        ),
        "",
    ]


def web_bottom(doc: dict, rng: random.Random) -> list[str]:
    return [
        "",
        rng.choice(
            ["【打印本页】【关闭窗口】", "[ 打印 ] [ 关闭 ] [ 收藏 ]", "分享到：微信 微博 QQ空间"]
        ),
        "扫一扫在手机打开当前页",
        rng.choice(
            [
                f"主办单位：{doc['issuer']}\u3000网站标识码：{rng.randrange(1000000000, 9999999999)}",
                "版权所有 © 政府门户网站\u3000技术支持：信息中心",
            ]
        ),
    ]


def narrative(doc: dict, rng: random.Random, n_tables: int) -> list[str]:
    y, iss = doc["year"], doc["issuer"]
    return [
        rng.choice(
            [
                f"为加强预算绩效管理，根据《中共中央 国务院关于全面实施预算绩效管理的意见》要求，现将{iss}{y}年度绩效目标公开如下：",
                f"按照预算公开有关要求，现将我单位{y}年绩效目标表予以公开，接受社会监督。",
            ]
        ),
        "",
    ]


def render_doc(
    base: dict, tables: list[dict], sep: str, rng: random.Random, name: str
) -> tuple[str, dict, dict]:
    doc = {"year": base["year"], "issuer": base["issuer"]}
    dd = draw_doc(rng, sep, len(tables))
    if dd["chrome"] == "pdf" or dd.get("joiner") == "pagebreak" or sep.startswith("layout"):
        dd["running_head"] = rng.choice(
            [f"{doc['issuer']}{doc['year']}年部门预算", f"{doc['year']}年度预算绩效目标公开", ""]
        )
    tds = [draw_table(rng, t, dd) for t in tables]
    rendered = []
    gold_tables = []
    for i, (t, td) in enumerate(zip(tables, tds, strict=True), 1):
        parts, g = render_table(t, td, dd, doc, rng, i)
        rendered.append(parts)
        gold_tables.append(g)
    width = max(
        (len(c) for parts in rendered for kind, p in parts if kind == "grid" for c in cell_rows(p)),
        default=1,
    )
    lines: list[str] = []
    if dd["chrome"] == "web":
        lines += web_top(doc, rng)
    elif dd["chrome"] == "pdf" and dd.get("running_head"):
        lines += [dd["running_head"], ""]
    if dd["narrative"] != "none" and sep not in ("csv", "tabpad"):
        lines += narrative(doc, rng, len(tables))
    for i, parts in enumerate(rendered):
        if i:
            j = dd.get("joiner", "blank")
            if j == "blank":
                lines.append("" if sep != "csv" else csv_line([""] * width, dd["style"]))
            elif j == "pagebreak":
                lines += page_furniture(dd, rng)
        lines += serialize(parts, dd, width, rng)
    if dd["narrative"] == "intro_outro" and sep not in ("csv", "tabpad"):
        lines += ["", f"以上绩效目标经{doc['issuer']}审核确认。"]
    if dd["footer"] == "date" and sep not in ("csv", "tabpad"):
        lines += [
            "",
            f"{doc['issuer']}",
            f"{doc['year']}年{rng.randrange(1, 4)}月{rng.randrange(1, 28)}日",
        ]
    elif dd["footer"] == "sign" and sep not in ("csv", "tabpad"):
        lines += [
            "",
            "填报单位（盖章）：\u3000\u3000\u3000\u3000\u3000\u3000填报日期：\u3000\u3000年\u3000\u3000月\u3000\u3000日",
        ]
    elif dd["footer"] == "notes" and sep not in ("csv", "tabpad"):
        lines += ["", "说明：本表数据为年初预算数，执行中如有调整以调整后为准。"]
    if dd["chrome"] == "web":
        lines += web_bottom(doc, rng)
    elif dd["chrome"] == "pdf":
        lines += ["", page_foot(dd, rng)]
    eol = dd["style"].get("eol", "\n") if sep == "csv" else "\n"
    text = eol.join(lines).rstrip("\n") + "\n"
    dd.pop("_page", None)
    dd.pop("_total", None)
    gold = {"source": name, "year": base["year"], "issuer": base["issuer"], "tables": gold_tables}
    return text, gold, {"doc": dd, "tables": tds}


# ---------------------------------------------------------------- plan and checks


def load_bases(paths: list[str]) -> list[tuple[str, dict]]:
    out = []
    for p in paths:
        path = Path(p) if Path(p).is_absolute() else SHARED / p
        out.append((str(path.relative_to(WORK)), json.loads(path.read_text(encoding="utf-8"))))
    return out


def plan(bases: list[tuple[str, dict]], docs: int, rng: random.Random) -> list[tuple[int, str]]:
    """(base index, separator) per document: bases in turn (the 15-table one three times as
    often), separators dealt round so each gets its share; a base that needs empty cells kept
    is given a separator that keeps them."""
    weights = [3 if len(b["tables"]) > 5 else 1 for _, b in bases]
    deck = [i for i, w in enumerate(weights) for _ in range(w)]
    order: list[int] = []
    while len(order) < docs:
        d = deck[:]
        rng.shuffle(d)
        order += d
    order = order[:docs]
    seps: list[str] = []
    while len(seps) < docs:
        s = SEPS[:]
        rng.shuffle(s)
        seps += s
    out = []
    for k, bi in enumerate(order):
        sep = seps[k]
        if any(table_shape(t)["gappy"] for t in bases[bi][1]["tables"]) and sep not in KEEPS_EMPTY:
            # swap with the next document's separator that keeps empty cells
            for j in range(k + 1, docs):
                if seps[j] in KEEPS_EMPTY:
                    seps[k], seps[j] = seps[j], seps[k]
                    break
            else:
                seps[k] = rng.choice(sorted(KEEPS_EMPTY))
            sep = seps[k]
        out.append((bi, sep))
    return out


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"<br/?>", "", s)
    return re.sub(r"[\s|｜│┃─┌┐└┘├┤┬┴┼+=\-\"\\]", "", s)


def verify(raw: str, gold: dict, tdraws: list[dict]) -> list[str]:
    """Every gold table's name and every row's level-3 name, value and explanation are in the
    raw text (whitespace, separators and ``<br>`` ignored).  A text wrapped inside a column of
    fixed-width text is found piece by piece (each piece at least two characters); a value
    split over operator / number / unit columns by its number and its unit."""
    text = norm(raw)
    problems = []

    def has(s: str) -> bool:
        n = norm(s)
        if not n or n in text:
            return True
        while n:
            k = len(n)
            while k > 1 and n[:k] not in text:
                k -= 1
            if k < 2 and len(n) > 1:
                return False
            if k < 2 and n not in text:
                return False
            n = n[k:]
        return True

    numbers = {
        float(x)
        for x in re.findall(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", raw).replace(",", ""))
    }
    for t, td in zip(gold["tables"], tdraws, strict=True):
        if not has(t["name"]):
            problems.append(f"table {t['table_no']} name {t['name']!r}")
        for f in ("owner", "phone", "category", "attribute", "fund_nature"):
            if t.get(f) and not has(t[f]):
                problems.append(f"table {t['table_no']} {f} {t[f]!r}")
        b = t.get("budget_yuan")
        if b is not None and td.get("dept_lines") != "lines_only":
            if not any(abs(x - b) < 0.005 or abs(x * 10000 - b) < 0.005 for x in numbers):
                problems.append(f"table {t['table_no']} budget {b!r}")
        split = td["vsplit"] not in ("single", "unit_head")
        for r in t["indicators"]:
            if not has(r["level3"]):
                problems.append(f"table {t['table_no']} row {r['row_no']} level3 {r['level3']!r}")
            v = unicodedata.normalize("NFKC", r["value_raw"] or "")
            m = VAL_RE.match(v)
            if split and m:
                ok = has(m.group("num")) and has(m.group("unit") or "")
            else:
                ok = has(v)
            if not ok:
                problems.append(f"table {t['table_no']} row {r['row_no']} value {v!r}")
            e = r.get("explanation")
            if e and not has(e):
                problems.append(f"table {t['table_no']} row {r['row_no']} explanation {e[:12]!r}")
    return problems


def generate(out: Path, seed: int, docs: int, bases_arg: list[str]) -> dict:
    bases = load_bases(bases_arg)
    master = random.Random(seed)
    if out.exists():
        for sub in ("raw", "gold"):
            shutil.rmtree(out / sub, ignore_errors=True)
    (out / "raw").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"seed": seed, "docs": docs, "documents": []}
    totals = {"documents": 0, "tables": 0, "rows": 0}
    by_sep: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    problems_all = []
    for k, (bi, sep) in enumerate(plan(bases, docs, master), 1):
        rng = random.Random(f"{seed}:{k}")
        origin, base = bases[bi]
        tables = base["tables"]
        if len(tables) > 5:
            n = rng.choice([1, 2, 2, 3, 4])
            start = 0 if rng.random() < 0.3 else rng.randrange(0, len(tables) - n + 1)
            tables = tables[start : start + n]
        ext = ".md" if sep == "md_br" else ".txt"
        name = f"v{k:03d}{ext}"
        text, gold, draws = render_doc(base, tables, sep, rng, name)
        probs = verify(text, gold, draws["tables"])
        problems_all += [f"{name}: {p}" for p in probs]
        (out / "raw" / name).write_bytes(text.encode("utf-8"))
        (out / "gold" / f"v{k:03d}.gold.json").write_text(
            json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        nrows = sum(len(t["indicators"]) for t in gold["tables"])
        manifest["documents"].append(
            {
                "file": name,
                "origin": origin,
                "tables_kept": [t["table_no"] for t in tables],
                "tables": len(gold["tables"]),
                "indicators": nrows,
                "draws": draws,
            }
        )
        totals["documents"] += 1
        totals["tables"] += len(gold["tables"])
        totals["rows"] += nrows
        s = by_sep[sep]
        s[0] += 1
        s[1] += len(gold["tables"])
        s[2] += nrows
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(
        f"{out}: {totals['documents']} documents, {totals['tables']} tables, "
        f"{totals['rows']} indicator rows (seed {seed})"
    )
    for sep in SEPS:
        d, t, r = by_sep.get(sep, [0, 0, 0])
        print(f"  {sep:<13} {d:3d} docs {t:3d} tables {r:4d} rows")
    if problems_all:
        print(f"{len(problems_all)} gold items not found in their raw file:")
        for p in problems_all[:40]:
            print("  " + p)
    else:
        print(
            "check: every gold table (name, header fields, budget) and row (level-3, value,"
            " explanation) is in its raw file"
        )
    return totals


# ---------------------------------------------------------------- breakdown


def load_scorer() -> Any:
    """The shared scorer as a module (its matching and field comparison are reused)."""
    for p in (SHARED / "eval" / "score.py", ROOT / "tests" / "score.py"):
        if p.exists():
            spec = importlib.util.spec_from_file_location("variants_score", p)
            assert spec and spec.loader
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod
    sys.exit("no score.py found")


def breakdown(out: Path, parquet: Path) -> None:
    """Exact rows over gold rows (row recall with every field right) and tables found, per
    value of every draw: document draws over the document's tables, table draws over that
    table."""
    sc = load_scorer()
    targets = sc.load(parquet, "targets")
    indicators = sc.load(parquet, "indicators")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for d in manifest["documents"]:
        gold = json.loads((out / "gold" / (Path(d["file"]).stem + ".gold.json")).read_text("utf-8"))
        src = gold["source"]
        doc_t = [t for t in targets if Path(str(t.get("source", ""))).name == src]
        doc_i = [r for r in indicators if Path(str(r.get("source", ""))).name == src]
        pairs, _ = sc.match_tables(gold["tables"], doc_t)
        per_table = []
        for g, p in pairs:
            n = len(g["indicators"])
            exact = 0
            if p is not None:
                p_rows = sorted(
                    (r for r in doc_i if r.get("table_no") == p.get("table_no")),
                    key=lambda r: r.get("row_no") or 0,
                )
                for gr, pr in sc.match_rows(g["indicators"], p_rows):
                    if pr is not None and row_exact(sc, gr, pr):
                        exact += 1
            per_table.append((n, exact, p is not None))
        ddraws = dict(d["draws"]["doc"])
        if "running_head" in ddraws:
            ddraws["running_head"] = "yes" if ddraws["running_head"] else "no"
        feats_doc = {f"doc.{k}": v for k, v in ddraws.items() if k != "style"}
        feats_doc.update({f"style.{k}": v for k, v in ddraws.get("style", {}).items()})
        for (n, exact, found), td in zip(per_table, d["draws"]["tables"], strict=True):
            feats = {"all": "all", **feats_doc}
            for k, v in td.items():
                if k == "heads":
                    continue
                if isinstance(v, list):
                    if not v:
                        feats[f"table.{k}"] = "none"
                    for item in v:
                        feats[f"table.{k}.{item}"] = "yes"
                else:
                    feats[f"table.{k}"] = v
            for k, v in feats.items():
                s = stats[(k, json.dumps(v, ensure_ascii=False).strip('"'))]
                s[0] += 1
                s[1] += found
                s[2] += n
                s[3] += exact
    print(
        f"{'draw':<26} {'value':<18} {'tables':>6} {'found':>6} {'rows':>6} {'exact':>6}  exact/rows"
    )
    for (k, v), (nt, nf, nr, ne) in sorted(stats.items()):
        if k in ("style.margin", "style.gap"):
            continue
        print(f"{k:<26} {v[:18]:<18} {nt:6d} {nf:6d} {nr:6d} {ne:6d}  {ne / max(nr, 1):.3f}")


def row_exact(sc: Any, gr: dict, pr: dict) -> bool:
    for f in sc.ROW_FIELDS:
        if not sc.same(f, gr.get(f), pr.get(f)):
            return False
    for f in sc.OPTIONAL_ROW_FIELDS:
        if f in gr and not sc.same(f, gr.get(f), pr.get(f)):
            return False
    return sc.sim(gr.get("explanation"), pr.get("explanation")) >= 0.9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="output folder (raw/, gold/, manifest.json)")
    ap.add_argument("--seed", type=int, default=20260501)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument(
        "--bases", nargs="*", default=DEFAULT_BASES, help="gold files (under ../shared)"
    )
    ap.add_argument(
        "--breakdown",
        type=Path,
        metavar="PARQUET_DIR",
        help="instead of writing: exact rows per draw value of OUT scored against PARQUET_DIR",
    )
    a = ap.parse_args()
    if a.breakdown:
        breakdown(a.out, a.breakdown)
        return
    generate(a.out, a.seed, a.docs, a.bases)


if __name__ == "__main__":
    main()
