"""The spool between fast trackers and the store: nothing lost, nothing corrupt kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from frugalkit.measure import ingest, spool, track
from frugalkit.settings import Settings
from frugalkit.store import list_reports, open_store

WRITER = "import frugalkit\nfor _ in range(50):\n    frugalkit.track('w').start().stop()\n"


def test_concurrent_trackers_in_many_processes_lose_nothing(home: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WRITER]) for _ in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    settings = Settings.from_env()
    with open_store(settings) as store:
        result = ingest.ingest(store, settings)
        assert (result.stored, result.rejected) == (200, 0)
        assert len(list_reports(store, limit=1000)) == 200
    assert (settings.spool_dir / spool.SPOOL_FILE).read_text() == ""


def test_a_corrupt_line_is_set_aside_and_the_rest_ingested(home: Path) -> None:
    with track("good") as run:
        pass
    settings = Settings.from_env()
    path = settings.spool_dir / spool.SPOOL_FILE
    with path.open("a") as f:
        f.write('{"id": "truncated-by-a-crash", "name"\n')
        f.write(json.dumps({**(run.report or {}), "id": "bad-units-report", "units": -1}) + "\n")
    with open_store(settings) as store:
        result = ingest.ingest(store, settings)
        assert (result.stored, result.rejected) == (1, 2)
        assert [r["name"] for r in list_reports(store)] == ["good"]
    rejected = [
        json.loads(x) for x in (settings.spool_dir / spool.REJECTED_FILE).read_text().splitlines()
    ]
    assert len(rejected) == 2
    assert "field units" in rejected[1]["reason"]
    assert "truncated-by-a-crash" in rejected[0]["line"]


def test_ingesting_twice_stores_once(home: Path) -> None:
    with track("once"):
        pass
    settings = Settings.from_env()
    line = (settings.spool_dir / spool.SPOOL_FILE).read_text()
    with open_store(settings) as store:
        ingest.ingest(store, settings)
        (settings.spool_dir / spool.SPOOL_FILE).write_text(line)  # as if a crash kept it
        assert ingest.ingest(store, settings).stored == 0
        assert len(list_reports(store)) == 1


def test_no_line_can_poison_the_spool(database_url: str, home: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Bad encoding, bad JSON, infinity, NaN, a NUL, a conflicting id: each line is set
    aside with its reason, the good ones are stored, and `measure` still runs."""
    from tests.factories import report_dict

    settings = Settings.from_env()
    settings.spool_dir.mkdir(parents=True, exist_ok=True)
    good = report_dict("good-report-1")
    lines = [
        b"\xff\xfe not utf-8 \x80",
        b'{"id": "cut-short", "name"',
        json.dumps(good).encode(),
        json.dumps(good).replace('"facility_kwh": 0.001', '"facility_kwh": Infinity').encode(),
        json.dumps({**good, "id": "nan-report-1"})
        .replace('"share": null', '"share": NaN')
        .encode(),
        json.dumps({**report_dict("nul-report-1"), "name": "a\u0000b"}).encode(),
        json.dumps(report_dict("good-report-1", energy_kwh=5.0)).encode(),  # same id, other values
        json.dumps(report_dict("good-report-2")).encode(),
    ]
    (settings.spool_dir / spool.SPOOL_FILE).write_bytes(b"\n".join(lines) + b"\n")
    result = cli("--json", "measure", "--", "true")  # ingests first, then runs its command
    assert result.exit_code == 0, result.stderr
    measured = json.loads(result.stdout)["id"]
    with open_store(settings) as store:
        ids = {r["id"] for r in list_reports(store, limit=100)}
    assert ids == {"good-report-1", "good-report-2", measured}
    rejected = [
        json.loads(x) for x in (settings.spool_dir / spool.REJECTED_FILE).read_text().splitlines()
    ]
    reasons = [r["reason"] for r in rejected]
    assert len(rejected) == 6
    assert "not UTF-8" in reasons[0] and "line_base64" in rejected[0]
    assert "not JSON" in reasons[1]
    assert "Infinity" in reasons[2] and "NaN" in reasons[3]
    assert "NUL" in reasons[4]
    assert "already stored with other values" in reasons[5]
    assert (settings.spool_dir / spool.SPOOL_FILE).read_bytes() == b""


def test_an_unreachable_database_keeps_the_spool(home: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A database error that is not a line's fault rejects nothing."""
    from sqlalchemy.exc import OperationalError

    with track("kept"):
        pass
    settings = Settings.from_env()
    path = settings.spool_dir / spool.SPOOL_FILE
    before = path.read_bytes()

    def down(*_a: object, **_k: object) -> int:
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    with open_store(settings) as store:
        monkeypatch.setattr("frugalkit.store.save_reports", down)
        with pytest.raises(OperationalError):
            ingest.ingest(store, settings)
    assert path.read_bytes() == before
    assert not (settings.spool_dir / spool.REJECTED_FILE).exists()
