"""The spool between fast trackers and the store: nothing lost, nothing corrupt kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
