"""The store on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from frugalkit.errors import ConflictError, InputError, NotFoundError
from frugalkit.impact.report import ImpactReport
from frugalkit.settings import Settings
from frugalkit.store import (
    delete_report,
    get_report,
    list_reports,
    open_store,
    read_schema_state,
    report_totals,
    save_reports,
)
from tests.factories import make_report


def row(report_id: str, minutes: int = 0, energy_kwh: float = 0.001) -> ImpactReport:
    return make_report(report_id, minutes=minutes, energy_kwh=energy_kwh, name="train é ✓")


def test_first_use_creates_the_schema(database_url: str) -> None:
    settings = Settings.from_env()
    assert read_schema_state(settings).current is None
    with open_store(settings) as store:
        assert report_totals(store)["reports"] == 0
    state = read_schema_state(settings)
    assert state.up_to_date and state.current == "0008"


def test_sqlite_runs_in_wal_mode_with_foreign_keys() -> None:
    """The default store: SQLite in FRUGALKIT_HOME."""
    with open_store(Settings.from_env()) as store, store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_save_list_get_delete(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        assert save_reports(store, [row("aaa-0001", 0), row("bbb-0002", 10, 0.002)]) == 2
        assert [r["id"] for r in list_reports(store)] == ["bbb-0002", "aaa-0001"]
        assert get_report(store, "aaa")["name"] == "train é ✓"
        totals = report_totals(store)
        assert totals["reports"] == 2
        assert totals["energy_kwh"] == pytest.approx(0.003)
        assert totals["ghg_g"] == pytest.approx(0.003 * 56.039)
        assert delete_report(store, "bbb") == "bbb-0002"
        with pytest.raises(NotFoundError):
            get_report(store, "bbb-0002")


def test_saving_the_same_report_twice_keeps_one(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        assert save_reports(store, [row("same-id-1")]) == 1
        assert save_reports(store, [row("same-id-1")]) == 0
        assert report_totals(store)["reports"] == 1


def test_another_report_under_a_stored_id_is_refused_with_the_difference(
    database_url: str,
) -> None:
    with open_store(Settings.from_env()) as store:
        save_reports(store, [row("same-id-1")])
        with pytest.raises(ConflictError, match=r"energy\.cpu_kwh: 0\.001 stored, 99\.0 given"):
            save_reports(store, [row("other-id-1"), row("same-id-1", energy_kwh=99.0)])
        assert report_totals(store)["reports"] == 1  # the whole batch was refused
        assert report_totals(store)["energy_kwh"] == pytest.approx(0.001)


def test_a_final_report_replaces_the_provisional_running_record(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        save_reports(store, [make_report("run-0001", status="running", energy_kwh=0.0)])
        assert save_reports(store, [make_report("run-0001", energy_kwh=0.5)]) == 1
        stored = get_report(store, "run-0001")
        assert (stored["status"], stored["energy"]["cpu_kwh"]) == ("completed", 0.5)
        with pytest.raises(ConflictError):  # a final report is final
            save_reports(store, [make_report("run-0001", energy_kwh=0.7)])


def test_ambiguous_prefix_is_refused(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        save_reports(store, [row("abc-0001"), row("abc-0002")])
        with pytest.raises(InputError, match="ambiguous"):
            get_report(store, "abc")


WRITER = textwrap.dedent(
    """
    import sys
    from frugalkit.settings import Settings
    from frugalkit.store import open_store, save_reports
    from tests.factories import make_report

    tag = sys.argv[1]
    template = make_report(f"{tag}-00000", name=tag)
    with open_store(Settings.from_env()) as store:
        for i in range(1000):
            save_reports(store, [template.model_copy(update={"id": f"{tag}-{i:05d}"})])
    """
)


def test_two_processes_writing_1000_rows_each_lose_nothing(database_url: str) -> None:
    """Both writers start on a fresh database: the migration race is covered too."""
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, tag], stderr=subprocess.PIPE, text=True)
        for tag in ("left", "right")
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err
    with open_store(Settings.from_env()) as store:
        assert report_totals(store)["reports"] == 2000
        assert len(list_reports(store, name="left", limit=5000)) == 1000
        assert len(list_reports(store, name="right", limit=5000)) == 1000
