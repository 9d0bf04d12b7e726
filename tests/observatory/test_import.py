"""Imports: every bad row is named with its reason, and nothing already stored changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frugalkit.observatory.releases import ensure_packaged, import_file
from frugalkit.settings import Settings
from frugalkit.store import observatory as stored
from frugalkit.store import open_store
from tests.observatory.conftest import row


def _state(settings: Settings) -> tuple[int, int, list[tuple[str, float]]]:
    with open_store(settings) as store:
        ensure_packaged(store)
        points = stored.list_points(store)
        return (
            len(stored.list_releases(store)),
            len(points),
            sorted((p["key"], p["value"]) for p in points),
        )


BAD_ROWS = [
    (row(value=10_000_000, unit="MWh"), "unit 'MWh' given, but dc_electricity_twh is in TWh"),
    (row(kind="projection", year=2030), "a projection must name its case"),
    (row(value=-1), "below 0 TWh"),
    (row(region="Atlantis"), "unknown region 'Atlantis'"),
    (row(metric="dc_magic"), "unknown metric 'dc_magic'"),
    (row(kind="rumour"), "kind"),
    (row(year=1850), "year"),
    (row(published="March 2026"), "published"),
    (row(case="Base"), "only a projection has a case"),
]


@pytest.mark.parametrize(("bad", "reason"), BAD_ROWS)
def test_a_bad_row_is_named_with_its_reason_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    cli, figures_file, settings: Settings, bad: dict[str, object], reason: str
) -> None:
    before = _state(settings)
    path = figures_file([row(region="DEU"), bad])
    result = cli("observatory", "import", str(path))
    assert result.exit_code == 2
    assert "line 3" in result.stderr and reason in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 3
    assert _state(settings) == before


def test_the_same_figure_twice_in_a_file_is_refused(cli, figures_file, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    before = _state(settings)
    result = cli("observatory", "import", str(figures_file([row(), row(value=11.0)])))
    assert result.exit_code == 2 and "line 3: duplicate of line 2" in result.stderr
    assert _state(settings) == before


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "figures.csv", "not a CSV file"),
        ("région;valeur\nFRA;10\n".encode(), "figures.csv", "missing column(s) metric"),
        (b"\xff\xfe\x00m\x00e", "figures.csv", "not a CSV file"),
        (b"\xe9t\xe9", "figures.csv", "not UTF-8"),
        (b'{"rows": [1, 2]}', "figures.json", "item 1: expected an object"),
        (b"[{", "figures.json", "figures.json is not JSON"),
        (b"PAR1 not really", "figures.parquet", "not a readable Parquet file"),
        (b"<xml/>", "figures.xlsx", "unsupported file type"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused_in_one_line(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, settings: Settings, content: bytes, name: str, reason: str
) -> None:
    before = _state(settings)
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("observatory", "import", str(path))
    assert result.exit_code == 2 and reason in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _state(settings) == before


def test_json_and_parquet_files_import_like_csv(tmp_path: Path, settings: Settings) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    json_path = tmp_path / "figures.json"
    json_path.write_text(json.dumps({"rows": [row(region="ESP")]}))
    parquet_path = tmp_path / "figures.parquet"
    pq.write_table(pyarrow.Table.from_pylist([row(region="ITA"), row(region="PRT")]), parquet_path)
    with open_store(settings) as store:
        ensure_packaged(store)
        assert import_file(store, json_path)["added"] == 1
        assert import_file(store, parquet_path)["added"] == 2
        regions = {p["region"] for p in stored.list_points(store, source_id="test-agency-2026")}
    assert regions == {"ESP", "ITA", "PRT"}


def test_every_packaged_figure_names_its_source_date_and_licence(settings: Settings) -> None:
    with open_store(settings) as store:
        ensure_packaged(store)
        sources = {s["id"]: s for s in stored.list_sources(store)}
        points = stored.list_points(store)
    assert len(points) > 400 and all(p["source_id"] in sources for p in points)
    assert all(s["published"] and s["licence"] for s in sources.values())
    assert sources["iea-2025-secondary"]["secondary"] is True
    regional = [p for p in points if p["source_id"] == "iea-2025" and p["region"] == "USA"]
    assert regional and not any(p["verified"] for p in regional)  # as charted: unchecked
    generation = [p for p in points if p["metric"] == "dc_generation_twh"]
    assert [p["value"] for p in generation] == [460]  # generation is not consumption


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested deeper than"),
        (json.dumps([row(note="a\x00b")]), "NUL"),
        (json.dumps([row()]).replace("10.0", "NaN"), "not a number JSON allows"),
    ],
)
def test_a_hostile_json_file_is_refused_in_one_line_on_both_back_ends(  # type: ignore[no-untyped-def]
    cli, database_url: str, tmp_path: Path, document: str, reason: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(document)
    result = cli("observatory", "import", str(path))
    assert result.exit_code == 2 and reason in result.stderr, result.stderr


def test_a_nul_character_in_a_parquet_cell_names_the_row(  # type: ignore[no-untyped-def]
    cli, database_url: str, tmp_path: Path
) -> None:
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "nul.parquet"
    pq.write_table(pyarrow.Table.from_pylist([row(), row(region="DEU", note="x\x00")]), path)
    result = cli("observatory", "import", str(path))
    assert result.exit_code == 2 and "row 2: note: a NUL character" in result.stderr, result.stderr
