"""40 small evaluations (the TF-IDF text baseline, 1 repeat each) run three ways in one
run: sequentially in this process, through the local executor (2 worker processes) and
through a local Ray cluster (2 CPUs); plus the scheduling overhead per job, from 40 empty
probe jobs through one local worker.

Goals (issue 11): scheduling overhead per job under 5 % of one TF-IDF evaluation, and two
workers on two cores in at most 0.6 of the sequential time.

Run: `.venv/bin/python benchmarks/jobs_throughput.py [--jobs 40] [--skip-ray]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=40)
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    os.environ["FRUGALKIT_HOME"] = tempfile.mkdtemp(prefix="frugalkit-jobs-bench-")
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    from frugalkit.bench import evaluate, get_task
    from frugalkit.bench.baselines import train_baseline
    from frugalkit.bench.jobs import KIND
    from frugalkit.jobs import LocalExecutor, RayExecutor, submit
    from frugalkit.jobs.probe import KIND as PROBE
    from frugalkit.settings import Settings
    from frugalkit.store import open_store

    settings = Settings.from_env()
    task = get_task("text")
    model = str(train_baseline(settings.home, task, "tfidf-linear")["path"])
    inputs = [{"task": "text", "submission": model, "repeats": 1}] * args.jobs
    figures: dict[str, float] = {}

    started = time.monotonic()
    for _ in range(args.jobs):
        assert evaluate(task, model, repeats=1)["status"] == "completed"
    figures["sequential_s"] = time.monotonic() - started

    with open_store(settings) as store:
        executors = [("local, 2 workers", LocalExecutor(2))]
        if not args.skip_ray:
            executors.append(("ray, 2 CPUs", RayExecutor(num_cpus=2)))
        for name, executor in executors:
            executor.start()  # Ray's start-up is not per-job work
            ids = [j.id for j in submit(store, KIND, inputs)]
            started = time.monotonic()
            jobs = executor.run(store, settings, ids, lambda _jobs: None)
            figures[f"{name}_s"] = time.monotonic() - started
            assert {j.state for j in jobs} == {"completed"}, {j.state for j in jobs}
        ids = [j.id for j in submit(store, PROBE, [{"seconds": 0}] * args.jobs)]
        started = time.monotonic()
        LocalExecutor(1).run(store, settings, ids, lambda _jobs: None)
        figures["probe_total_s"] = time.monotonic() - started

    per_eval_s = figures["sequential_s"] / args.jobs
    overhead_s = figures["probe_total_s"] / args.jobs
    print(f"{args.jobs} TF-IDF evaluations, 1 repeat each, on {os.cpu_count()} cores")
    print(
        f"  sequential, in process        {figures['sequential_s']:7.1f} s  "
        f"({per_eval_s:.2f} s per evaluation)"
    )
    for name, _ in executors:
        wall = figures[f"{name}_s"]
        print(f"  {name:<29} {wall:7.1f} s  ({wall / figures['sequential_s']:.2f} of sequential)")
    print(
        f"  scheduling overhead per job   {overhead_s * 1000:7.1f} ms "
        f"({overhead_s / per_eval_s:.1%} of one evaluation; 40 empty probe jobs, 1 worker)"
    )


if __name__ == "__main__":
    main()
