"""Catalogues: enough sourced entries, search that forgives accents, entries from YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from frugalkit.observatory import catalogue

SOURCES = (
    "    sources:\n      - {title: Annual report, publisher: Example utility, "
    'published: 2025-06, url: "https://example.org/r"}\n'
)
ENTRY = """catalogue: case-studies
entries:
  - id: heat-pump-control
    title: Heat pumps controlled by forecasts
    summary: A réseau de chaleur operator schedules heat pumps with weather forecasts.
    category: buildings
    tags: [Heating, forecasting]
    date: 2025-06
    region: FRA
    sources:
      - {title: Annual report, publisher: Example utility, published: 2025-06, url: "https://example.org/r"}
"""


@pytest.mark.parametrize("name", ["case-studies", "innovations"])
def test_each_catalogue_has_at_least_12_dated_sourced_entries(name: str) -> None:
    entries = catalogue.packaged()[name]
    assert len(entries) >= 12
    assert all(e.sources and e.date and e.tags for e in entries)
    assert len({e.category for e in entries}) >= 4


def test_the_coalition_directory_lists_members_by_type_and_initiatives() -> None:
    entries = catalogue.packaged()["coalition"]
    by_type = {e.category for e in entries}
    assert {"company", "research centre", "investor", "initiative", "supporting country"} <= by_type
    companies = [e.title for e in entries if e.category == "company"]
    assert len(companies) == 39 and "Hugging Face" in companies


def test_search_ignores_case_and_accents_and_filters_by_tag_and_category() -> None:
    assert [e.id for e in catalogue.search(None, "case-studies", "WIND")] == [
        "deepmind-wind-forecasting"
    ]
    assert catalogue.search(None, "coalition", "oreal")[0].title == "L'Oréal"
    grids = catalogue.search(None, "case-studies", category="power grids")
    assert grids and all(e.category == "power grids" for e in grids)
    tagged = catalogue.search(None, "innovations", tag="batteries")
    assert tagged and all("batteries" in e.tags for e in tagged)


def test_entries_added_from_yaml_are_found_and_readded_without_duplicates(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(ENTRY, encoding="utf-8")
    first = cli("--json", "observatory", "cases", "reseau", "--add", str(path))
    assert first.exit_code == 0, first.stderr
    assert "1 entries added" in first.stderr and '"heat-pump-control"' in first.stdout
    again = cli("observatory", "cases", "--add", str(path))
    assert "0 entries added" in again.stderr
    tagged = cli("--json", "observatory", "cases", "--tag", "heating")
    assert tagged.stdout.count('"heat-pump-control"') == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("catalogue: case-studies\nentries: [{id: x", "not valid YAML (line"),
        ("catalogue: gossip\nentries: []", "catalogue must be one of"),
        (ENTRY.replace("date: 2025-06", "date: last June"), "entry 1 (heat-pump-control): date"),
        (ENTRY.replace("region: FRA", "region: Narnia"), "unknown region 'Narnia'"),
        (ENTRY.replace("heat-pump-control", "deepmind-wind-forecasting"), "is a packaged entry"),
        (
            ENTRY.replace(SOURCES, "    sources: []\n"),
            "sources",
        ),
        (ENTRY.replace('url: "https://example.org/r"', 'url: "javascript:alert(1)"'), "url"),
    ],
)
def test_a_bad_yaml_file_is_refused_naming_the_entry_and_nothing_is_added(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("observatory", "cases", "--add", str(path))
    assert result.exit_code == 2 and reason in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "heat-pump-control" not in cli("--json", "observatory", "cases").stdout
