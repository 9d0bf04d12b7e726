"""Tables a person reads in an 80-column terminal (issue 23: `reports list` cut every
number to `7.65e-…`): a figure is never wrapped nor cut, names wrap instead, and tables
have no vertical rules, so that a board's columns fit."""

from __future__ import annotations

from rich import box
from rich.table import Table

from frugalkit.i18n import gettext

NUMERIC = True


def table(
    *columns: str | tuple[str, bool], title: str | None = None, caption: str | None = None
) -> Table:
    """Columns by name; `(name, NUMERIC)` for a figure: right-aligned, never wrapped."""
    drawn = Table(box=box.SIMPLE_HEAD, title=title, caption=caption, pad_edge=False)
    for column in columns:
        name, numeric = column if isinstance(column, tuple) else (column, False)
        name = gettext(name)  # a column word of messages.COLUMNS, in the reader's language
        if numeric:
            drawn.add_column(name, justify="right", no_wrap=True)
        else:
            drawn.add_column(name, overflow="fold")
    return drawn


def headers(*names: str) -> list[str]:
    """Column names in the reader's language, for a rich Table drawn directly."""
    return [gettext(name) for name in names]
