"""A challenge under load, in one run: the sandbox's cost per evaluation against the same
evaluation unsandboxed (the TF-IDF text baseline, interleaved, medians), then 100 uploads
from 10 teams through the HTTP API into 2 local worker processes: upload latency and
upload-to-result latency.

Goals (issue 20): the sandbox adds under 10 % to a TF-IDF evaluation.

Run: `.venv/bin/python benchmarks/challenge.py [--uploads 100] [--teams 10] [--pairs 10]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml


def _challenge_file(folder: Path, uploads: int) -> Path:
    now = datetime.now(UTC)
    raw = {
        "id": "load",
        "title": {"en": "Load", "fr": "Charge"},
        "description": {"en": "Benchmark.", "fr": "Banc d'essai."},
        "tasks": [{"task": "text"}],
        "phases": [
            {"name": "open", "start": now - timedelta(hours=1), "end": now + timedelta(days=1)}
        ],
        "quotas": {"per_team_per_day": uploads, "per_team_total": uploads},
        "limits": {"repeats": 1, "memory_mb": 2048},
        "reference_hardware": "this machine",
    }
    path = folder / "challenge.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def sandbox_overhead(model: str, pairs: int) -> dict[str, float]:
    from frugalkit.bench import evaluate, get_task

    task = get_task("text")
    walls: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(pairs):
        for sandboxed in (True, False):
            started = time.monotonic()
            run = evaluate(task, model, repeats=1, sandboxed=sandboxed)
            assert run["status"] == "completed", run["reason"]
            walls[sandboxed].append(time.monotonic() - started)
    inside, outside = statistics.median(walls[True]), statistics.median(walls[False])
    return {
        "sandboxed_s": inside,
        "unsandboxed_s": outside,
        "overhead_pct": 100 * (inside - outside) / outside,
    }


def uploads(model: str, count: int, teams: int, folder: Path) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from frugalkit.challenge import add_team, create
    from frugalkit.jobs import LocalExecutor
    from frugalkit.settings import Settings
    from frugalkit.store.challenges import list_submissions
    from frugalkit.web.app import create_app

    settings = Settings.from_env()
    app = create_app(settings)
    store = app.state.store
    create(store, _challenge_file(folder, count))
    tokens = [add_team(store, "load", f"team {i}") for i in range(teams)]
    content = Path(model).read_bytes()
    latencies, jobs = [], []
    started = time.monotonic()
    with TestClient(app) as client:
        for i in range(count):
            sent = time.monotonic()
            answer = client.post(
                "/api/challenges/load/submissions",
                headers={"authorization": f"Bearer {tokens[i % teams]}"},
                files={"file": (f"model-{i}.joblib", content)},
                data={"task": "text"},
            )
            latencies.append(time.monotonic() - sent)
            assert answer.status_code == 202, answer.text
            jobs.append(answer.json()["job"])
        LocalExecutor(2).run(store, settings, jobs, lambda _: None)
    wall = time.monotonic() - started
    done = list_submissions(store, "load")
    assert all(s["state"] == "completed" for s in done), {s["state"] for s in done}
    to_result = [(s["ended_at"] - s["created_at"]).total_seconds() for s in done]
    app.state.store.close()
    return {
        "upload_ms_median": 1000 * statistics.median(latencies),
        "upload_ms_max": 1000 * max(latencies),
        "result_s_median": statistics.median(to_result),
        "result_s_max": max(to_result),
        "wall_s": wall,
        "evaluations_per_min": 60 * len(done) / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=100)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--pairs", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="frugalkit-challenge-bench-"))
    os.environ["FRUGALKIT_HOME"] = str(folder / "home")
    from frugalkit.bench import get_task
    from frugalkit.bench.baselines import train_baseline
    from frugalkit.sandbox import describe
    from frugalkit.settings import Settings

    model = str(train_baseline(Settings.from_env().home, get_task("text"), "tfidf-linear")["path"])
    print(f"isolation: {describe()}; {os.cpu_count()} CPUs")
    overhead = sandbox_overhead(model, args.pairs)
    print(
        f"TF-IDF evaluation, median of {args.pairs}: sandboxed {overhead['sandboxed_s']:.3f} s, "
        f"unsandboxed {overhead['unsandboxed_s']:.3f} s: "
        f"overhead {overhead['overhead_pct']:+.1f} % (goal < 10 %)"
    )
    load = uploads(model, args.uploads, args.teams, folder)
    print(
        f"{args.uploads} uploads from {args.teams} teams, 2 local workers: upload "
        f"{load['upload_ms_median']:.1f} ms median ({load['upload_ms_max']:.1f} max); "
        f"upload to result {load['result_s_median']:.1f} s median ({load['result_s_max']:.1f} max, "
        f"a queue of {args.uploads}); {load['evaluations_per_min']:.1f} evaluations a minute, "
        f"{load['wall_s']:.1f} s in all"
    )


if __name__ == "__main__":
    main()
