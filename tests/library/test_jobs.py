"""Adding many reports as jobs (issue 24 item 5): `library add --workers N` runs one job per
document in worker processes; a document that fails fails alone, with its reason."""

from __future__ import annotations

import json
from pathlib import Path

from frugalkit.library import service
from frugalkit.library.jobs import threads_each
from frugalkit.settings import Settings
from tests.library.conftest import demo_copy


def test_documents_added_by_two_workers_all_land(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = [demo_copy(tmp_path, name) for name in ("one", "two", "three")]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n this is not a whole PDF")
    result = cli("--json", "library", "add", *map(str, [*files, broken]), "--workers", "2")
    assert result.exit_code == 1, result.stderr
    rows = json.loads(result.stdout)
    assert [r["status"] for r in rows] == ["completed"] * 3 + ["failed"]
    assert rows[3]["reason"] and "Traceback" not in rows[3]["reason"]
    assert all(r["passages"] == 17 and r["added"] for r in rows[:3])
    with service.open_index(Settings.from_env()) as index:
        assert sorted(d["id"] for d in index.documents()) == sorted(r["document"] for r in rows[:3])
    again = json.loads(cli("--json", "library", "add", str(files[0]), "--workers", "2").stdout)
    assert again[0]["added"] is False  # the same file is indexed once


def test_queued_documents_wait_for_a_worker(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = demo_copy(tmp_path, "queued")
    result = cli("--json", "library", "add", str(file), "--queue-only")
    assert result.exit_code == 0
    with service.open_index(Settings.from_env()) as index:
        assert index.documents() == []
    assert cli("worker", "--exit-when-idle").exit_code == 0
    with service.open_index(Settings.from_env()) as index:
        assert [d["passages"] for d in index.documents()] == [17]


def test_a_missing_file_fails_before_any_job(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("library", "add", str(tmp_path / "nowhere.pdf"), "--workers", "2")
    assert result.exit_code == 2 and "no such file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(cli("--json", "jobs", "list").stdout) == []


def test_each_worker_gets_its_share_of_the_cores(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert [threads_each(n) for n in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]
