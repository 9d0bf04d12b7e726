"""Tiny files and numbers that are not figures (issue 21), each made in the test: refused
in one line, while reading, with nothing stored."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from frugalkit import safeyaml
from frugalkit.errors import InputError

# Nine levels of nine aliases each: 400 bytes that expand to 9^9 strings (issue 21: a
# catalogue like this took 27-78 s and 5.5 GB before a MemoryError).
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(BOMB)
    started = time.monotonic()
    with pytest.raises(InputError, match="anchors and aliases are not accepted"):
        safeyaml.load(path)
    assert time.monotonic() - started < 1


def test_deep_nesting_and_a_large_file_are_refused_before_building(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError, match="nested deeper than 32 levels"):
        safeyaml.load(deep)
    big = tmp_path / "facility.yaml"
    big.write_text("name: x\n" + "# padding\n" * 1_600_000)  # 16 MB
    with pytest.raises(InputError, match=r"facility.yaml is over 1,024 KiB"):
        safeyaml.load(big)


@pytest.mark.parametrize("where", ["facility", "criteria"])
def test_the_cli_refuses_an_alias_bomb_in_one_line(cli: Any, tmp_path: Path, where: str) -> None:
    demo = Path(__file__).parents[2] / "src/frugalkit/datacenter/data/demo"
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    facility = bomb if where == "facility" else demo / "nordic-hall.yaml"
    options = ["--criteria", str(bomb)] if where == "criteria" else []
    result = cli("datacenter", "score", str(facility), str(demo / "nordic-hall.csv"), *options)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "anchors and aliases" in lines[0], result.stderr


@pytest.mark.parametrize(("field", "value"), [("threshold", ".nan"), ("weight", ".inf")])
def test_criteria_that_are_not_numbers_are_refused(tmp_path: Path, field: str, value: str) -> None:
    """`threshold: .nan` made every site fail `1.29 <= nan` (issue 21)."""
    from frugalkit.datacenter import criteria

    numbers = {"threshold": "1.5", "weight": "1.0", field: value}
    path = tmp_path / "mine.yaml"
    path.write_text(
        "id: mine\ntitle: Mine\nsource: our tender\ncriteria:\n"
        "  - id: x\n    label: x\n    kpi: pue\n    op: '<='\n"
        f"    threshold: {numbers['threshold']}\n    weight: {numbers['weight']}\n"
    )
    with pytest.raises(InputError, match=field):
        criteria.load(str(path))


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "11"])
def test_points_per_decade_must_be_a_figure(cli: Any, value: str) -> None:
    result = cli("bench", "leaderboard", "--points-per-decade", value)
    assert result.exit_code == 2
    assert "points per decade must be a number from 0 to 10" in result.stderr


def test_a_json_boolean_is_not_a_figure(cli: Any, tmp_path: Path) -> None:
    from tests.observatory.conftest import row

    path = tmp_path / "figures.json"
    path.write_text(json.dumps({"rows": [row(value=True)]}))
    result = cli("observatory", "import", str(path))
    assert result.exit_code != 0
    assert "value must be a number (got True)" in result.stderr


def test_json_output_never_says_infinity(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--json` is standard JSON: a figure that overflowed is null."""
    from frugalkit.impact.display import finite

    assert finite({"a": [float("inf"), 1.5, float("nan")], "b": "x"}) == {
        "a": [None, 1.5, None],
        "b": "x",
    }
    json.loads(cli("--json", "bench", "tasks").stdout)


DEMO = Path(__file__).parents[2] / "src/frugalkit/datacenter/data/demo"


def _facility() -> Any:
    from frugalkit.datacenter.facility import load_facility

    return load_facility(DEMO / "nordic-hall.yaml")


def test_readings_outside_the_facilitys_life_are_refused(tmp_path: Path) -> None:
    """A 200-byte file spanning the years 1000 to 9000 took 50 s and 1 GB (issue 21)."""
    from frugalkit.datacenter.facility import window
    from frugalkit.datacenter.meters import read_readings

    facility = _facility()
    meter = facility.meters[0].id
    path = tmp_path / "r.csv"
    path.write_text(
        "meter,start,end,value\n"
        f"{meter},1000-01-01T00:00:00Z,1000-01-01T00:15:00Z,1\n"
        f"{meter},9000-01-01T00:00:00Z,9000-01-01T00:15:00Z,1\n"
    )
    started = time.monotonic()
    with pytest.raises(InputError, match=f"outside {window(facility.commissioned)[0].year}"):
        read_readings(path, facility)
    assert time.monotonic() - started < 2


def test_a_workbook_that_declares_millions_of_rows_is_refused_unread(tmp_path: Path) -> None:
    """A 5 MB XLSX of 6 million rows ran past 300 s: every row was read before the limit."""
    import zipfile

    openpyxl = pytest.importorskip("openpyxl")
    from frugalkit.datacenter.meters import read_readings

    book = openpyxl.Workbook()
    book.active.append(["meter", "start", "end", "value"])
    small = tmp_path / "small.xlsx"
    book.save(small)
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(big, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'ref="A1:D1"', b'ref="A1:D6000000"')
            target.writestr(item, data)
    with pytest.raises(InputError, match=r"more than 1,048,576 rows, Excel's own limit"):
        read_readings(big, _facility())


@pytest.mark.parametrize("year", ["10000", "1959"])
def test_a_year_out_of_range_is_refused_in_one_line(cli: Any, year: str) -> None:
    """`--year 10000` was "internal error: ValueError" (issue 21)."""
    result = cli("datacenter", "report", str(DEMO / "nordic-hall.yaml"),
                 str(DEMO / "nordic-hall.csv"), "--year", year)  # fmt: skip
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "--year" in result.stderr


def test_a_parquet_file_of_too_many_rows_is_refused_unread(cli: Any, tmp_path: Path) -> None:
    """A 75 KiB Parquet of repeated rows took 2.75 GB (issue 21): its row count decides."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from frugalkit.observatory.importer import MAX_ROWS
    from tests.observatory.conftest import row

    one = pa.Table.from_pylist([row()])
    path = tmp_path / "repeated.parquet"
    block = one.take(pa.array([0] * 200_000))  # one row repeated, built in one call
    with pq.ParquetWriter(path, one.schema) as writer:
        for _ in range(MAX_ROWS // 200_000 + 1):
            writer.write_table(block)
    assert path.stat().st_size < 2_000_000  # a small file that holds many rows
    started = time.monotonic()
    result = cli("observatory", "import", str(path))
    assert result.exit_code != 0 and f"more than {MAX_ROWS:,} rows" in result.stderr
    assert time.monotonic() - started < 5


def test_a_million_unknown_columns_make_one_short_line(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    from frugalkit.observatory.importer import REQUIRED

    unknown = [f"c{i}" for i in range(1_000_000)]
    path.write_text(",".join([*REQUIRED, *unknown]) + "\n")
    result = cli("observatory", "import", str(path))
    assert result.exit_code != 0
    assert len(result.stderr) < 2000 and "more" in result.stderr
