"""The store on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from frugalkit.errors import InputError, NotFoundError
from frugalkit.settings import Settings
from frugalkit.store import (
    ReportRow,
    delete_report,
    get_report,
    list_reports,
    open_store,
    read_schema_state,
    report_totals,
    save_reports,
)


def row(report_id: str, minutes: int = 0, energy_kwh: float = 0.001) -> ReportRow:
    started = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    return ReportRow(
        id=report_id,
        schema_version=1,
        name="train",
        phase="training",
        status="completed",
        started_at=started,
        ended_at=started + timedelta(seconds=5),
        energy_kwh=energy_kwh,
        ghg_g=energy_kwh * 56.0,
        payload={"id": report_id, "note": "é ✓"},
    )


def test_first_use_creates_the_schema(database_url: str) -> None:
    settings = Settings.from_env()
    assert read_schema_state(settings).current is None
    with open_store(settings) as store:
        assert report_totals(store)["reports"] == 0
    state = read_schema_state(settings)
    assert state.up_to_date and state.current == "0003"


def test_sqlite_runs_in_wal_mode_with_foreign_keys() -> None:
    """The default store: SQLite in FRUGALKIT_HOME."""
    with open_store(Settings.from_env()) as store, store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_save_list_get_delete(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        assert save_reports(store, [row("aaa-1", 0), row("bbb-2", 10, 0.002)]) == 2
        assert [r["id"] for r in list_reports(store)] == ["bbb-2", "aaa-1"]
        assert get_report(store, "aaa")["note"] == "é ✓"
        assert report_totals(store) == pytest.approx(
            {"reports": 2, "energy_kwh": 0.003, "ghg_g": 0.003 * 56.0}
        )
        assert delete_report(store, "bbb") == "bbb-2"
        with pytest.raises(NotFoundError):
            get_report(store, "bbb-2")


def test_saving_the_same_report_twice_keeps_one(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        assert save_reports(store, [row("same")]) == 1
        changed = row("same", energy_kwh=99.0)
        assert save_reports(store, [changed]) == 0
        assert report_totals(store)["reports"] == 1
        assert report_totals(store)["energy_kwh"] == pytest.approx(0.001)


def test_ambiguous_prefix_is_refused(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        save_reports(store, [row("abc-1"), row("abc-2")])
        with pytest.raises(InputError, match="ambiguous"):
            get_report(store, "abc")


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from frugalkit.settings import Settings
    from frugalkit.store import open_store, save_reports

    tag = sys.argv[1]
    now = datetime.now(UTC)
    with open_store(Settings.from_env()) as store:
        for i in range(1000):
            save_reports(store, [{
                "id": f"{tag}-{i}", "schema_version": 1, "name": tag, "phase": "inference",
                "status": "completed", "started_at": now, "ended_at": now,
                "energy_kwh": 1e-6, "ghg_g": 1e-4, "payload": {"i": i},
            }])
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
