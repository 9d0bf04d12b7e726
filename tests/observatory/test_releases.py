"""Releases: an import adds or revises figures without overwriting, on both back-ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from frugalkit.observatory.releases import ensure_packaged, import_file
from frugalkit.settings import Settings
from frugalkit.store import observatory as stored
from frugalkit.store import open_store
from tests.observatory.conftest import row


def test_a_revision_is_a_new_release_and_the_old_figure_stays_readable(  # type: ignore[no-untyped-def]
    database_url: str, figures_file
) -> None:
    with open_store(Settings.from_env()) as store:
        ensure_packaged(store)
        first = import_file(store, figures_file([row(), row(region="DEU", value=20.0)]))
        assert (first["added"], first["changed"]) == (2, 0)
        same = import_file(store, figures_file([row()], "again.csv"))
        assert same["id"] is None and same["unchanged"] == 1  # nothing new: no release
        revised = import_file(store, figures_file([row(value=12.5, note="corrected")], "fix.csv"))
        assert (revised["added"], revised["changed"]) == (0, 1)
        change = revised["diff"]["changed"][0]
        assert (change["old"]["value"], change["new"]["value"]) == (10.0, 12.5)
        series = "test-agency-2026:dc_electricity_twh:FRA:observed"
        assert [p["value"] for p in stored.list_points(store, series=series)] == [12.5]
        then = stored.list_points(store, series=series, release=first["id"])
        assert [p["value"] for p in then] == [10.0]
        assert [r["id"] for r in stored.list_releases(store)] == [revised["id"], first["id"], 1]


def test_two_editions_of_a_figure_are_two_rows(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        ensure_packaged(store)
        base_2030 = stored.list_points(
            store, metric="dc_electricity_twh", region="world", year=2030, case="Base"
        )
    assert sorted((p["source_id"], p["value"]) for p in base_2030) == [
        ("iea-2025", 945.0),
        ("iea-2026", 950.0),
    ]


def test_packaged_figures_are_imported_once(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        ensure_packaged(store)
        ensure_packaged(store)
        assert len(stored.list_releases(store)) == 1


IMPORTER = """
import sys
from pathlib import Path
from frugalkit.observatory.releases import ensure_packaged, import_file
from frugalkit.settings import Settings
from frugalkit.store import open_store
with open_store(Settings.from_env()) as store:
    ensure_packaged(store)
    import_file(store, Path(sys.argv[1]))
"""


def test_two_processes_importing_at_once_never_store_a_figure_twice(  # type: ignore[no-untyped-def]
    database_url: str, figures_file, tmp_path: Path
) -> None:
    rows = [
        row(region=code, year=year)
        for code in ("FRA", "DEU", "ESP", "ITA")
        for year in range(1995, 2025)
    ]
    one = figures_file(rows, "one.csv")
    two = figures_file([{**r, "value": 99.0} for r in rows], "two.csv")
    procs = [
        subprocess.Popen([sys.executable, "-c", IMPORTER, str(path)], stderr=subprocess.PIPE)
        for path in (one, two)
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    with open_store(Settings.from_env()) as store:
        current = stored.list_points(store, source_id="test-agency-2026")
        releases = stored.list_releases(store)
    assert len(current) == len(rows) == len({p["key"] for p in current})
    assert len(releases) == 3  # packaged, then each import (the second changes every figure)


def test_an_import_killed_half_way_leaves_the_store_as_it_was(  # type: ignore[no-untyped-def]
    database_url: str, figures_file
) -> None:
    import signal
    import time

    with open_store(Settings.from_env()) as store:
        ensure_packaged(store)
        before = stored.list_points(store)
    from frugalkit.observatory.regions import regions

    countries = [code for code in regions() if code.isupper()][:150]
    rows = [
        row(region=code, year=year, metric=metric)
        for code in countries
        for year in range(1990, 2101)
        for metric in ("dc_electricity_twh", "electricity_generation_twh")
    ]
    big = figures_file(rows, "big.csv")
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(big)])
    time.sleep(2.5)  # about when the rows are checked and the transaction writes
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with open_store(Settings.from_env()) as store:
        after = stored.list_points(store)
        releases = stored.list_releases(store)
        assert after == before or len(after) == len(before) + len(rows)  # all or nothing
        assert len(releases) == (1 if after == before else 2)
        # and the next import works on what is there
        import_file(store, figures_file([row(region="AUT")], "after.csv"))
