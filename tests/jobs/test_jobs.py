"""Jobs: queued in the store, run once each by local workers, on Ray, or by the web
server; a worker that dies is detected by its heartbeat."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frugalkit.jobs import cancel, get_job, list_jobs, submit, wait_for
from frugalkit.jobs.probe import KIND as PROBE
from frugalkit.settings import Settings
from frugalkit.store import list_runs, open_store

PY = sys.executable
RAY_OPTIONS = ["--repeats", "1", "--executor", "ray", "--workers", "2"]


def _worker(env: dict[str, str] | None = None, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PY, "-m", "frugalkit", "worker", *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_two_workers_run_each_job_exactly_once(database_url: str) -> None:
    settings = Settings.from_env()
    with open_store(settings) as store:
        ids = [j.id for j in submit(store, PROBE, [{"seconds": 0.05}] * 20)]
    workers = [_worker(None, "--exit-when-idle") for _ in range(2)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    with open_store(settings) as store:
        jobs = list_jobs(store, ids=ids)
    assert len(jobs) == 20 and {j.state for j in jobs} == {"completed"}
    assert {j.attempts for j in jobs} == {1}  # no job was claimed twice
    assert len({j.result["pid"] for j in jobs if j.result}) == 2  # both workers took some


@pytest.mark.parametrize(("max_attempts", "state"), [(2, "queued"), (1, "failed")])
def test_a_worker_killed_mid_job_is_detected_by_its_heartbeat(
    cli, home: Path, max_attempts: int, state: str
) -> None:  # type: ignore[no-untyped-def]
    with open_store(Settings.from_env()) as store:
        [job] = submit(store, PROBE, [{"seconds": 60}], max_attempts=max_attempts)
    worker = _worker({"FRUGALKIT_JOB_STALE_S": "1"})
    try:
        deadline = time.monotonic() + 30
        while json.loads(cli("--json", "jobs", "show", job.id).stdout)["state"] != "running":
            assert time.monotonic() < deadline, "the worker never took the job"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    time.sleep(1.5)
    os.environ["FRUGALKIT_JOB_STALE_S"] = "1"
    try:
        listed = json.loads(cli("--json", "jobs", "list").stdout)
    finally:
        del os.environ["FRUGALKIT_JOB_STALE_S"]
    [after] = [j for j in listed if j["id"] == job.id]
    assert after["state"] == state
    assert "stopped answering (no heartbeat for 1 s) on attempt 1" in after["error"]


def test_cancel_a_queued_and_a_running_job(home: Path) -> None:
    with open_store(Settings.from_env()) as store:
        queued, running = submit(store, PROBE, [{"seconds": 60}, {"seconds": 60}])
        assert cancel(store, queued.id).state == "cancelled"
        worker = _worker(None, "--exit-when-idle")
        deadline = time.monotonic() + 30
        while get_job(store, running.id).state != "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        cancel(store, running.id)
        [ended] = wait_for(store, [running.id], timeout_s=30)
        assert ended.state == "cancelled" and ended.result is not None
        assert ended.result["s"] < 30  # the wait ended early: the handler was told
        assert worker.wait(timeout=30) == 0


def test_a_server_restarted_with_queued_jobs_finishes_them(home: Path) -> None:
    from frugalkit.web import create_app

    settings = Settings.from_env()
    with open_store(settings) as store:
        ids = [j.id for j in submit(store, PROBE, [{"seconds": 0}] * 3)]
    app = create_app(settings, workers=1)
    with TestClient(app) as client:
        jobs = wait_for(app.state.store, ids, timeout_s=30)
        assert [j.state for j in jobs] == ["completed"] * 3
        listed = client.get("/api/jobs?state=completed").json()["jobs"]
        assert {j["id"] for j in listed} == set(ids)
        assert "completed" in client.get("/jobs").text
    app.state.store.close()


@pytest.mark.parametrize(
    ("env", "args", "code", "message"),
    [
        ({"FRUGALKIT_EXECUTOR": "spark"}, ["jobs", "list"], 2, "FRUGALKIT_EXECUTOR must be one of"),
        ({"FRUGALKIT_JOB_STALE_S": "-3"}, ["jobs", "list"], 2, "must be a number of seconds"),
        ({}, ["jobs", "show", "nope"], 4, "no job with id 'nope'"),
        ({}, ["jobs", "cancel", "nope"], 4, "no job with id 'nope'"),
        ({}, ["jobs", "list", "--state", "lost"], 2, "state must be one of"),
    ],
)
def test_bad_input_is_one_line(
    cli,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    code: int,
    message: str,
) -> None:  # type: ignore[no-untyped-def]
    with open_store(Settings.from_env()) as store:
        [kept] = submit(store, PROBE, [{"seconds": 0}])
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = cli(*args)
    assert result.exit_code == code
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    for key in env:
        monkeypatch.delenv(key)
    with open_store(Settings.from_env()) as store:
        assert get_job(store, kept.id).state == "queued"  # nothing lost


def test_an_unreachable_ray_cluster_is_one_line(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("ray", reason="the Ray executor needs `pip install 'frugalkit[ray]'`")
    monkeypatch.setenv("FRUGALKIT_RAY_ADDRESS", "127.0.0.1:1")
    model = tmp_path / "m.py"
    model.write_text("def predict(q):\n    return ['0_not_relevant'] * len(q)\n")
    result = cli("bench", "run-many", f"{model}:predict", "--executor", "ray")
    assert result.exit_code == 2
    assert "cannot reach the Ray cluster at 127.0.0.1:1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.xdist_group("ray")  # one Ray cluster per machine at a time
def test_six_evaluations_on_a_local_ray_cluster(database_url: str, tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the Ray executor needs `pip install 'frugalkit[ray]'`")
    specs = []
    for i in range(6):
        path = tmp_path / f"model{i}.py"
        path.write_text(f"def predict(quotes):\n    return [{i} for q in quotes]  # class {i}\n")
        specs.append(f"{path}:predict")
    done = subprocess.run(
        [PY, "-m", "frugalkit", "--json", "bench", "run-many", *specs, *RAY_OPTIONS],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "RAY_AUTH_MODE": "disabled"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(done.stdout)
    assert [r["status"] for r in rows] == ["completed"] * 6
    with open_store(Settings.from_env()) as store:
        runs = list_runs(store, task="text", status="completed")
        assert {r["id"] for r in runs} == {r["run"] for r in rows}
        jobs = list_jobs(store, ids=[r["job"] for r in rows])
        assert all(j.worker and j.worker.endswith(":ray") for j in jobs)


def test_a_job_whose_run_failed_is_failed_not_completed(settings: Settings) -> None:
    """Issue 23: a failed bench run's job said "completed" on /jobs."""
    from frugalkit.jobs import work

    with open_store(settings) as store:
        ok, bad = submit(store, PROBE, [{"seconds": 0}, {"seconds": 0, "fail_as": "out of memory"}])
        work(store, stale_s=60, exit_when_idle=True, jobs=[ok.id, bad.id])
        assert get_job(store, ok.id).state == "completed"
        failed = get_job(store, bad.id)
        assert failed.state == "failed" and failed.error == "out of memory"
