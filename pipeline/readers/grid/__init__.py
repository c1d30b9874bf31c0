"""The grid layer: text read as cells with boundary evidence → a table's grid.

In:  rows of cells from a reader (``Row.sep``, ``gap``, ``closed``, ``end``, cell boxes)
and ``Config``.  Out: the grid's header columns (``header``), its rows with one cell per
column (``align``), and the cell kinds both use (``kinds``).

All text-to-grid work lives here and in ``readers.text`` (which records the separators):
what a cell holds (``kinds``, ``cells``), which rows are a header and which roles its
columns may hold (``header``), which column each cell belongs to and where each row ends
(``align``: one cost model for lines of cells, fixed-width text and one cell per line,
wrapped cells included), cells run together with no separator (``runs``), and heads
written one cell a line (``heads``).  The interpreter receives grids and never splits
text again.
"""
