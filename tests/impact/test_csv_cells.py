"""Every CSV frugalkit writes (leaderboards, the EU report, observatory series, the
CodeCarbon export) goes through `csv_text`: no cell of it may become a formula in a
spreadsheet, however the name was written (issue 21: a bare CR split a cell into a new
row whose first cell was `=HYPERLINK(...)`). Read back with Python's own csv reader."""

from __future__ import annotations

import csv
import io

import pytest

from frugalkit.impact.exports import csv_text

HOSTILE = [
    "=1+1",
    "\r=1+1",
    "cr\r=HYPERLINK(2).py",
    "lf\n=HYPERLINK(2)",
    "crlf\r\n@SUM(A1)",
    " =1+1",
    "\t+1",
    "-2+3",
    '"quoted",=1',
    "plain name",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_no_cell_becomes_a_formula_or_a_new_row(name: str) -> None:
    text = csv_text([{"submission": name, "energy": 1.5}], ["submission", "energy"])
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and len(rows[1]) == 2  # the name stays one cell of one row
    cell = rows[1][0]
    for line in cell.split("\n")[:1]:  # a spreadsheet reads the cell from its start
        assert not line.lstrip(" ").startswith(("=", "+", "-", "@", "\t")), repr(cell)
    assert rows[1][1] == "1.5"  # figures stay figures
    assert "\r" not in text  # no line break a reader could take for the end of a row
