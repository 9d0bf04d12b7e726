"""Metered facility data: readings (CSV or XLSX: meter, start, end, value) at any interval
from 15 minutes to a year, for the meters a facility file names. Units are converted
(kWh, MWh, GJ...; m³, L); negative values, unknown meters and overlapping intervals are
refused with the row named; gaps are measured per meter and month.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from frugalkit.datacenter.facility import TO_KWH, TO_L, Facility, window
from frugalkit.errors import InputError
from frugalkit.impact.report import MAX_ENERGY_KWH

MAX_ROWS = 50_000_000
# A worksheet holds at most 1,048,576 rows (Microsoft, "Excel specifications and limits").
MAX_SHEET_ROWS = 1_048_576


@dataclass
class Readings:
    """Readings in canonical units (kWh, L), as arrays: meter index, start and end (Unix
    seconds), value."""

    meter: np.ndarray
    start: np.ndarray
    end: np.ndarray
    value: np.ndarray
    problems: list[str] = field(default_factory=list)


def _seconds(text: str, row: int) -> int:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"row {row}: {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def read_readings(path: Path, facility: Facility) -> Readings:
    """The readings of `path`; InputError naming the first bad row, nothing kept. With
    pyarrow installed, columns are parsed in bulk (millions of 15-minute readings)."""
    factor = np.array(
        [(TO_L if m.role.startswith("water") else TO_KWH)[m.unit] for m in facility.meters]
    )
    if path.suffix.lower() == ".xlsx":
        readings = _read_workbook(path, facility)
    else:
        try:
            readings = _read_columns(path, facility)
        except ImportError:
            readings = _read_rows(path, facility)
    if len(readings.value):
        with np.errstate(over="ignore"):  # a huge reading becomes inf: refused just below
            readings.value = readings.value * factor[readings.meter]
        _check_bounds(readings, facility)
        _check_dates(readings, facility)
    _check_intervals(readings, facility)
    return readings


def _check_dates(readings: Readings, facility: Facility) -> None:
    """No meter reads before its facility was commissioned, nor after now: a 200-byte file
    spanning the years 1000 to 9000 took 50 s and 1 GB in monthly totals (issue 21)."""
    year = window(facility.commissioned)[0].year  # from its year's start: tests, fit-out
    first = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    last = int(datetime.now(UTC).timestamp()) + 86_400  # a day of clock skew
    bad = (readings.start < first) | (readings.end > last)
    if bad.any():
        row = int(np.argmax(bad))
        raise InputError(
            f"row {row + 2}: a reading outside {year} (the facility's commissioning year) to today"
        )


def _check_bounds(readings: Readings, facility: Facility) -> None:
    """After unit conversion: finite (1e308 MWh is finite, its kWh are not), and no
    energy reading above the world's electricity of a year (impact/data/bounds.json,
    Ember 2025). Water has no such published bound here: finite only."""
    water = np.array([m.role.startswith("water") for m in facility.meters])[readings.meter]
    bad = ~np.isfinite(readings.value) | (~water & (readings.value > MAX_ENERGY_KWH))
    if bad.any():
        row = int(np.argmax(bad))
        meter = facility.meters[int(readings.meter[row])]
        raise InputError(
            f"row {row + 2}: meter {meter.id}'s reading is over {MAX_ENERGY_KWH:.3g} kWh (the "
            "world's electricity of a year) or not finite once in kWh or L"
        )


def _read_columns(path: Path, facility: Facility) -> Readings:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pv

    types = {
        "meter": pa.string(),
        "start": pa.timestamp("s", tz="UTC"),
        "end": pa.timestamp("s", tz="UTC"),
        "value": pa.float64(),
    }
    try:
        table = pv.read_csv(path, convert_options=pv.ConvertOptions(column_types=types))
    except (pa.ArrowInvalid, OSError):
        return _read_rows(path, facility)  # the row-by-row reader names the bad row
    if table.column_names[:4] != ["meter", "start", "end", "value"]:
        raise InputError(f"{path.name}: expected the columns meter,start,end,value")
    for column in ("meter", "start", "end", "value"):
        if table[column].null_count:
            row = int(pc.index(pc.is_null(table[column]), True).as_py()) + 2
            raise InputError(f"row {row}: no {column}")
    index = {m.id: i for i, m in enumerate(facility.meters)}
    names = table["meter"].combine_chunks().dictionary_encode()
    known = np.array([index.get(str(n), -1) for n in names.dictionary.to_pylist()], dtype=np.int32)
    meter = known[names.indices.to_numpy(zero_copy_only=False)] if len(table) else known[:0]
    if (meter < 0).any():
        row = int(np.argmax(meter < 0))
        name = table["meter"][row].as_py()
        raise InputError(f"row {row + 2}: meter {name!r} is not in the facility file")
    value = table["value"].to_numpy().astype(np.float64)
    bad = ~(np.isfinite(value) & (value >= 0))
    if bad.any():
        row = int(np.argmax(bad))
        raise InputError(f"row {row + 2}: a reading must be a finite number ≥ 0 (got {value[row]})")
    return Readings(
        meter=meter.astype(np.int32),
        start=table["start"].cast(pa.int64()).to_numpy(),
        end=table["end"].cast(pa.int64()).to_numpy(),
        value=value,
    )


def _read_workbook(path: Path, facility: Facility) -> Readings:
    """The first sheet of an XLSX workbook (openpyxl, `frugalkit[datacenter]`), with the
    same columns as the CSV; cells may be dates or ISO text."""
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            "reading XLSX needs openpyxl: pip install 'frugalkit[datacenter]'"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InputError(f"{path.name} is not a readable XLSX workbook ({exc})") from None
    if not book.worksheets:
        raise InputError(f"{path.name} has no sheet")
    sheet = book.worksheets[0]
    if (sheet.max_row or 0) > MAX_SHEET_ROWS:  # the sheet's declared size, before any row
        raise InputError(f"{path.name}: more than {MAX_SHEET_ROWS:,} rows, Excel's own limit")
    rows = sheet.iter_rows(values_only=True, max_row=MAX_SHEET_ROWS + 1)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    if header[:4] != ["meter", "start", "end", "value"]:
        raise InputError(f"{path.name}: expected the columns meter,start,end,value")
    text = (  # row by row: _parse stops at the row limit without reading the rest
        [
            str(c.isoformat() if hasattr(c, "isoformat") else c) if c is not None else ""
            for c in r[:4]
        ]
        for r in rows
    )
    try:
        return _parse(text, facility, path.name, MAX_SHEET_ROWS)
    finally:
        book.close()


def _read_rows(path: Path, facility: Facility) -> Readings:
    """Row by row (no pyarrow, or a file pyarrow cannot parse): names the first bad row."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            header = [h.strip() for h in next(reader, [])]
            if header[:4] != ["meter", "start", "end", "value"]:
                raise InputError(f"{path.name}: expected the columns meter,start,end,value")
            return _parse(reader, facility, path.name)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read {path.name} as CSV: {exc}") from None


def _parse(rows: Any, facility: Facility, name: str, most: int = MAX_ROWS) -> Readings:
    """Readings from rows of text (meter, start, end, value), the header already read."""
    index = {m.id: i for i, m in enumerate(facility.meters)}
    meters, starts, ends, values = [], [], [], []
    for row, fields in enumerate(rows, 2):
        if row > most + 1:
            raise InputError(f"{name}: more than {most:,} readings; split it")
        if len(fields) < 4:
            raise InputError(f"row {row}: expected 4 values, got {len(fields)}")
        if fields[0] not in index:
            raise InputError(f"row {row}: meter {fields[0]!r} is not in the facility file")
        try:
            value = float(fields[3])
        except ValueError:
            raise InputError(f"row {row}: {fields[3]!r} is not a number") from None
        if not value >= 0 or value == float("inf"):
            raise InputError(f"row {row}: a reading must be a finite number ≥ 0 (got {fields[3]})")
        meters.append(index[fields[0]])
        starts.append(_seconds(fields[1], row))
        ends.append(_seconds(fields[2], row))
        values.append(value)
    return Readings(
        meter=np.array(meters, dtype=np.int32),
        start=np.array(starts, dtype=np.int64),
        end=np.array(ends, dtype=np.int64),
        value=np.array(values, dtype=np.float64),
    )


def _check_intervals(readings: Readings, facility: Facility) -> None:
    """Empty or reversed intervals are refused; overlaps within a meter too (the same
    energy would count twice)."""
    bad = np.nonzero(readings.end <= readings.start)[0]
    if len(bad):
        raise InputError(f"row {int(bad[0]) + 2}: its end is not after its start")
    order = np.lexsort((readings.start, readings.meter))
    same = readings.meter[order][1:] == readings.meter[order][:-1]
    overlap = same & (readings.start[order][1:] < readings.end[order][:-1])
    if overlap.any():
        first = int(order[1:][overlap][0])
        meter = facility.meters[int(readings.meter[first])].id
        raise InputError(
            f"row {first + 2}: meter {meter!r} has overlapping readings; each moment once"
        )
