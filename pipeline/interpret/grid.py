"""Grid: the rows of an indicator grid → indicators.

In:  grid rows, their ``Grid`` (column roles) and ``Config``.  Out: ``Indicator``s and
notes (line, code, message, row_no).
"""

from __future__ import annotations

import re

from ..config import Config, norm_key
from ..model import Cell, Indicator, Row
from .align import _indicator, assign_positional, assign_roles
from .cells import _PAGE_NO, _SEQ, Token, _value_alone, is_qualitative_value
from .centred import Place, assign, assign_one_column, is_centred, off_middle
from .columns import is_columnar, parse_columns
from .headings import Headings, TreeState, classify, take_headings, update_tree
from .schema import DEFAULT_ROLES, Grid, _tokens, header_grid
from .stream import _parse_stream, _split_row


def _indicators_follow(rows: list[Row], k: int, cfg: Config) -> bool:
    """True when one of the next rows still looks like an indicator row (a heading or a
    value cell): a 说明/注 line inside the grid (an explanation) does not end it."""
    for row in rows[k + 1 : k + 4]:
        for t in row.texts:
            if not t:
                continue
            if classify(t, cfg) != (None, None):
                return True
            if _value_alone(t) and not _PAGE_NO.fullmatch(t) and not re.fullmatch(r"\d{1,3}", t):
                return True
    return False


def _is_stop(row: Row, cfg: Config) -> bool:
    first = next((t for t in row.texts if t), "")
    return norm_key(first).startswith(cfg.grid_stop) if first else False


def _header_word(toks: list[Token], cfg: Config) -> bool:
    """A line holding only a header word or a section label (a repeated header)."""
    return len(toks) == 1 and bool(cfg.header_role(toks[0].text) or cfg.is_section(toks[0].text))


def parse_grid(
    rows: list[Row], grid: Grid | None, cfg: Config
) -> tuple[list[Indicator], list[tuple[int, str, str, int | None]]]:
    """Indicator rows of a grid → indicators (and notes: line, code, message, row_no)."""
    notes: list[tuple[int, str, str, int | None]] = []
    out: list[Indicator] = []
    state = TreeState()
    if grid is not None:
        rows = fold_wrapped_lines(rows, grid, cfg)
        if is_columnar(rows, grid):
            return parse_columns(rows, grid, cfg)
    clean = grid is not None and _grid_is_clean(rows[1:] if rows else rows, grid, cfg)
    roles = grid.content_roles if grid else DEFAULT_ROLES
    # token lists per row, with run-together cells split
    row_tokens: list[list[Token]] = []
    numbered = grid is not None and "seq" in grid.roles.values()
    # in a grid laid out on the page (PDF, scan), a section column left of the level
    # columns (绩效指标 down its side, cut into fragments like 标) holds no heading
    first = min(
        (c for c, r in (grid.roles.items() if grid else ()) if r in ("level1", "level12")),
        default=None,
    )
    for row in rows:
        # a line of one cell keeps a header word: it may end a wrapped cell (…得分或不 +
        # 得分); the stream decides, other grids drop it below
        single = sum(1 for c in row.cells if c.text.strip()) == 1
        toks = [t for t in _tokens(row, cfg, not single) if not _PAGE_NO.fullmatch(t.text)]
        if first is not None and grid is not None and row.bbox and len(row.cells) == grid.width:
            toks = [t for t in toks if t.col >= first or t.col in grid.roles]
        if numbered and not single and toks and _SEQ.fullmatch(toks[0].text):
            toks = toks[1:]  # the 序号 cell
        if header_grid(row, cfg) is not None:  # a header row may carry the first level-1
            toks = [
                t
                for t in toks
                if not cfg.header_role(t.text, loose=True) and not cfg.is_section(t.text)
            ]
        row_tokens.append(toks)
    singles = [t[0].text for t in row_tokens if len(t) == 1]
    multi = sum(1 for t in row_tokens if len(t) >= 2)
    if len(singles) > 2 * max(multi, 1):
        # one cell per line (values stand alone on their lines) or cells run together
        alone = sum(1 for t in singles if _value_alone(t) or is_qualitative_value(t))
        if alone >= max(3, 0.1 * len(singles)):
            columns = tuple(r for _, r in sorted(grid.roles.items())) if grid else ()
            return _parse_stream(row_tokens, cfg, state, notes, roles, columns)
        row_tokens = [_split_row(t, cfg, roles) for t in row_tokens]
    row_tokens = [t for t in row_tokens if not _header_word(t, cfg)]
    entries = [(take_headings(t, cfg, grid if clean else None), t) for t in row_tokens if t]
    heads = [(h, len(t) > h.used) for h, t in entries]
    place = label_places(entries)
    centred = is_centred(heads, cfg) and not (place is not None and top_aligned(entries))
    held = assign(heads, cfg, place) if centred else []
    roles_written = set(grid.roles.values()) if grid else set()
    if centred and "level12" in roles_written and not {"level1", "level2"} & roles_written:
        # one heading column (指标类型) holding both levels: each label is a merged cell of
        # its own, at the middle of its rows where a cut puts every label there, else at
        # the top (labels written where their merged cells start: rows follow them)
        labels = [i for i, (h, _) in enumerate(heads) if h.used]
        if labels and labels[0] == 0 and off_middle(len(heads), labels) > 0:
            centred, held = False, []
        else:
            held = assign_one_column(heads)
    for k, (h, toks) in enumerate(entries):
        content = toks[h.used :]
        if centred:  # the row's levels are those of the blocks it lies in
            state = TreeState()
            row_flags, tree_notes = update_tree(state, held[k], cfg)
            tree_notes = tree_notes if h.used else []
        else:
            row_flags, tree_notes = update_tree(state, h, cfg)
        row = toks[0].row
        if not content:
            for code, msg in tree_notes:
                notes.append((row.line, code, msg, None))
            continue
        if not (clean and grid):
            # a 指标方向 cell (正向/反向) is none of the roles read by order
            content = content[:1] + [
                t for t in content[1:] if norm_key(t.text) not in cfg.direction_words
            ]
        parts = assign_positional(content, grid) if clean and grid else assign_roles(content, roles)
        if "level3" not in parts or (
            "value" not in parts and "explanation" not in parts and "actual" not in parts
        ):
            if "level3" in parts and len(content) == 1 and h.used == 0:
                notes.append(
                    (
                        row.line,
                        "row_incomplete",
                        f"cell {content[0].text[:30]!r} has no value",
                        None,
                    )
                )
                continue
        ind = _indicator(len(out) + 1, state, parts, row, row_flags)
        for code, msg in tree_notes:
            notes.append((row.line, code, msg, ind.row_no))
        out.append(ind)
    return out, notes


def _label_cells(h: Headings, toks: list[Token]) -> tuple[Cell | None, Cell | None]:
    """The cells of a row's level-1 and level-2 labels (the leading tokens
    ``take_headings`` used)."""
    used = toks[: h.used]
    c1 = c2 = None
    k = 0
    if (h.l1 is not None or h.l1_unknown is not None) and k < len(used):
        c1 = used[k].row.cells[used[k].col]
        k += 1
    if h.l2 is not None and k < len(used):
        c2 = used[k].row.cells[used[k].col]
    return c1, c2


def label_places(entries: list[tuple[Headings, list[Token]]]) -> tuple[Place, Place] | None:
    """Where a grid's rows and their level-1 / level-2 labels sit on the page (rows read
    from a PDF page carry boxes), or None.  A row's extent is that of its content cells
    (a label centred between two rows reaches into both)."""
    spans: list[tuple[float, float]] = []
    y1: list[float | None] = []
    y2: list[float | None] = []
    for h, toks in entries:
        row = toks[0].row
        if row.bbox is None:
            return None
        # the row's own extent: its content, not the labels that may reach past it
        own = [
            row.cells[t.col].bbox
            for t in toks[h.used :]
            if t.col < len(row.cells) and row.cells[t.col].bbox is not None
        ]
        box = row.bbox
        spans.append((min(b[1] for b in own), max(b[3] for b in own)) if own else (box[1], box[3]))
        ys: list[float | None] = []
        for c in _label_cells(h, toks):
            if c is not None and c.bbox is None:
                return None
            ys.append(None if c is None or c.bbox is None else (c.bbox[1] + c.bbox[3]) / 2)
        y1.append(ys[0])
        y2.append(ys[1])
    return Place(tuple(spans), tuple(y1)), Place(tuple(spans), tuple(y2))


def top_aligned(entries: list[tuple[Headings, list[Token]]]) -> bool:
    """True when the grid's labels sit at the top of their rows, not at their middle:
    every label in a row taller than itself (by over a quarter of the label's height)
    starts where its row starts.  Merged cells printed top-aligned are read top-down."""
    seen = 0
    for h, toks in entries:
        row = toks[0].row
        for c in _label_cells(h, toks):
            if c is None or c.bbox is None or row.bbox is None:
                continue
            height = c.bbox[3] - c.bbox[1]
            if (row.bbox[3] - row.bbox[1]) - height <= 0.25 * height:
                continue  # as tall as its row: no telling
            if abs(c.bbox[1] - row.bbox[1]) > 1.0:
                return False
            seen += 1
    return seen >= 2


def fold_wrapped_lines(rows: list[Row], grid: Grid, cfg: Config) -> list[Row]:
    """Borderless grids read from a scan come out one printed line per row (the PDF
    reader already joins a borderless table's lines into rows), multi-line cells
    centred on the line that holds the value.  Each line without a value (and that is not
    a bare heading, i.e. a placeholder row) joins the nearer value line, by its position on
    the page, and the texts of each column are joined in reading order."""
    value_col = next((c for c, r in grid.roles.items() if r == "value"), None)
    if (
        value_col is None
        or not rows
        or any(r.bbox is None or len(r.cells) != grid.width for r in rows[1:])
    ):
        return rows
    body = rows[1:]
    if any(r.spans for r in body):
        return rows  # a ruled grid: wrapped text stays inside its cells
    anchors = [i for i, r in enumerate(body) if r.cells[value_col].text.strip()]

    def heading_only(r: Row) -> bool:
        texts = [t for t in r.texts if t]
        return bool(texts) and all(classify(t, cfg) != (None, None) for t in texts)

    loose = [
        i
        for i, r in enumerate(body)
        if i not in set(anchors) and any(r.texts) and not heading_only(r)
    ]
    if len(anchors) < 2 or len(loose) < 0.3 * len(body):
        return rows  # a ruled grid: wrapped text stays inside its cells
    by_gap = row_groups(body)
    if by_gap is not None:
        return [rows[0], *(_join_lines(body, g, grid) for g in by_gap)]
    groups: dict[int, list[int]] = {a: [a] for a in anchors}
    for i in loose:
        before = max((a for a in anchors if a < i), default=None)
        after = min((a for a in anchors if a > i), default=None)
        if before is None or after is None:
            target = after if before is None else before
        else:
            mid = body[i].bbox[1]
            target = before if mid - body[before].bbox[1] <= body[after].bbox[1] - mid else after
        groups[target].append(i)
    out = [rows[0]]
    used = {i for g in groups.values() for i in g}
    for i, r in enumerate(body):
        if i in groups:
            members = sorted(groups[i], key=lambda k: body[k].bbox[1])
            cells = [
                Cell("".join(body[k].cells[c].text for k in members), conf=r.cells[c].conf)
                for c in range(grid.width)
            ]
            out.append(Row(cells, r.line, r.page, r.table_id, r.bbox))
        elif i not in used:
            out.append(r)
    return out


ROW_GAP = 1.2  # a step between lines this much over the line pitch ends a table row


def row_groups(lines: list[Row]) -> list[list[int]] | None:
    """Printed lines of a borderless grid → table rows, by the space between lines.

    Lines of one cell follow at the line pitch, and the lines of a row's other cells,
    centred on it, fall between them; cell padding puts more space between two rows.  The
    pitch is the shortest step seen twice between successive lines of one column (lines of
    one column never overlap); a step between
    consecutive lines of more than
    ``ROW_GAP`` pitches (or a new page) starts a row.  None when the steps show no such
    gaps (rows packed tight: the caller falls back to the value lines)."""
    steps = []  # between successive lines of one column: a wrapped cell's line pitch
    width = max((len(r.cells) for r in lines), default=0)
    for c in range(width):
        prev: Row | None = None
        for r in lines:
            if c < len(r.cells) and r.cells[c].text and r.bbox:
                if prev is not None and prev.page == r.page:
                    steps.append(round(r.bbox[1] - prev.bbox[1], 1))
                prev = r
    if len(steps) < 4:
        return None
    # lines of one column never overlap, so the shortest step seen twice is the pitch
    seen = [x for x in sorted(set(steps)) if x > 0 and sum(abs(y - x) <= 0.5 for y in steps) >= 2]
    if not seen:
        return None
    pitch = seen[0]
    groups: list[list[int]] = [[0]]
    for i in range(1, len(lines)):
        a, b = lines[i - 1], lines[i]
        if a.page != b.page or b.bbox[1] - a.bbox[1] > ROW_GAP * pitch:
            groups.append([])
        groups[-1].append(i)
    if len(groups) < 3 or max(len(g) for g in groups) > 15:
        return None
    return groups


def _join_lines(lines: list[Row], group: list[int], grid: Grid) -> Row:
    """One table row from its printed lines: each column's texts joined in order."""
    first = lines[group[0]]
    cells = []
    for c in range(grid.width):
        parts = [lines[k].cells[c] for k in group if lines[k].cells[c].text]
        confs = [x.conf for x in parts if x.conf is not None]
        cells.append(Cell("".join(x.text for x in parts), conf=min(confs) if confs else None))
    bbox = (
        min(lines[k].bbox[0] for k in group),
        first.bbox[1],
        max(lines[k].bbox[2] for k in group),
        max(lines[k].bbox[3] for k in group),
    )
    return Row(cells, first.line, first.page, first.table_id, bbox)


def _grid_is_clean(rows: list[Row], grid: Grid, cfg: Config) -> bool:
    """True when every heading sits in its own column and rows have the header's width."""
    if not rows:
        return False
    col_of = {r: c for c, r in grid.roles.items()}
    for row in rows:
        if len(row.cells) != grid.width:
            return False
        for t in _tokens(row, cfg, drop_header=False):
            if cfg.is_section(t.text) or cfg.header_role(t.text):
                continue
            m1, m2 = classify(t.text, cfg)
            if m1 is not None and m2 is None and col_of.get("level1") not in (None, t.col):
                return False
            if m2 is not None and m1 is None and col_of.get("level2") not in (None, t.col):
                return False
            if grid.roles.get(t.col) is None:
                return False
    return True
