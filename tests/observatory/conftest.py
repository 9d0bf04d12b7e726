"""Files of figures, good and bad, in the observatory's import format."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from frugalkit.observatory.importer import COLUMNS


def row(**changes: Any) -> dict[str, Any]:
    """A valid figure (a fictional source), with `changes`."""
    return {
        "metric": "dc_electricity_twh",
        "region": "FRA",
        "year": 2024,
        "value": 10.0,
        "unit": "TWh",
        "kind": "estimate",
        "case": "",
        "source_id": "test-agency-2026",
        "source": "Data centres in France",
        "publisher": "Test Agency",
        "published": "2026-03",
        "licence": "CC BY 4.0",
        "note": "",
        **changes,
    }


@pytest.fixture
def figures_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    """figures_file(rows, name="x.csv") -> a CSV file of `rows`."""

    def write(rows: list[dict[str, Any]], name: str = "figures.csv") -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write
