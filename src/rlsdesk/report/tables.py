"""The one way the sheet makes a table of data: light rules, a repeated header, rows that
may break inside a cell, so that no case, however long its names, fails to print."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Table

from rlsdesk.report.styles import grid_style


def data_table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    extra: Sequence[tuple[Any, ...]] = (),
    header: bool = True,
    rules: bool = True,
    split_rows: bool = True,
) -> Table:
    """A table whose header repeats on each page and whose rows split when taller than the
    space left: a row taller than a whole page (80 medicines in one cell, a 200-character
    word) would otherwise stop the build with a LayoutError. ``split_rows=False`` keeps each
    row whole (a recommendation is never split across pages): only for rows of bounded size."""
    return Table(
        [list(row) for row in rows],
        colWidths=list(widths),
        repeatRows=1 if header else 0,
        splitInRow=1 if split_rows else 0,
        style=grid_style(extra, header=header, rules=rules),
    )
