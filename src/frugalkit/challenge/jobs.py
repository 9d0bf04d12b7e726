"""A challenge submission's evaluation, as a job (local worker or Ray): always in the
sandbox, on the test set that stays on the server, scored apart on its public and private
parts. Its impact reports are stored; the bench's own boards are left to the bench.

Inputs: `submission_id`.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frugalkit.bench import evaluate
from frugalkit.bench.metrics import score
from frugalkit.bench.tasks import Task
from frugalkit.challenge.service import KIND, spec_of
from frugalkit.challenge.spec import ChallengeSpec
from frugalkit.errors import FrugalkitError, NotFoundError
from frugalkit.store import Store, save_reports
from frugalkit.store import challenges as stored

__all__ = ["KIND", "lost", "run"]
METRIC_KEYS = {"classification_accuracy": "accuracy"}  # the image task's accuracy key


def public_indices(challenge_id: str, task_id: str, samples: int, fraction: float) -> set[int]:
    """Which test samples are public: a hash of the challenge, task and index, so that
    the split is fixed, the same on every worker, and unknown to the submission."""
    chosen = set()
    for index in range(samples):
        digest = hashlib.sha256(f"{challenge_id}:{task_id}:{index}".encode()).digest()
        if int.from_bytes(digest[:8], "big") / 2**64 < fraction:
            chosen.add(index)
    return chosen


def _part_score(task: Task, metric: str, truth: list[Any], predicted: list[Any]) -> float | None:
    if not truth:
        return None
    metrics = score(task, truth, predicted)
    value = metrics.get(metric, metrics.get(METRIC_KEYS.get(metric, metric)))
    return float(value) if value is not None else None


def split_scores(
    challenge_id: str, task: Task, metric: str, fraction: float, scoring: dict[str, Any]
) -> tuple[float | None, float | None]:
    truth, predicted = scoring["labels"], scoring["predictions"]
    public = public_indices(challenge_id, task.id, len(truth), fraction)
    parts: list[tuple[list[Any], list[Any]]] = [([], []), ([], [])]
    for index, (label, guess) in enumerate(zip(truth, predicted, strict=True)):
        part = parts[0 if index in public else 1]
        part[0].append(label)
        part[1].append(guess)
    return (
        _part_score(task, metric, *parts[0]),
        _part_score(task, metric, *parts[1]),
    )


def _evaluate(spec: ChallengeSpec, submission: dict[str, Any], content: bytes) -> dict[str, Any]:
    task = spec.task(submission["task"])
    limits = spec.limits
    with tempfile.TemporaryDirectory(prefix="frugalkit-upload-") as folder:
        path = Path(folder) / submission["filename"]
        path.write_bytes(content)
        named = f"{path}:predict" if submission["kind"] == "python" else str(path)
        return evaluate(
            task.bench_task(),
            named,
            data=task.data,
            repeats=limits.repeats,
            test_size=task.test_size,
            seed=task.seed,
            time_limit_s=limits.time_s,
            memory_limit_mb=limits.memory_mb,
            gpu_memory_limit_mb=limits.gpu_memory_mb,
            cpu_time_limit_s=limits.cpu_time_s,
            private=True,  # the fixed failure sentences only: the test set is the server's
            sandboxed=True,
            gpu=limits.gpu_memory_mb is not None,
            keep_predictions=True,
        )


def run(store: Store, inputs: dict[str, Any]) -> dict[str, Any]:
    """Evaluate and record; whatever goes wrong, the submission never stays 'running'."""
    try:
        return _run(store, inputs)
    except NotFoundError:  # the submission (its team, its challenge) was removed meanwhile
        return {"id": inputs["submission_id"], "state": "removed", "reason": "removed"}
    except Exception as exc:
        lost(store, inputs, f"internal error: {type(exc).__name__}")
        raise


def _run(store: Store, inputs: dict[str, Any]) -> dict[str, Any]:
    from frugalkit.impact.gate import validate_report

    submission = stored.get_submission(store, inputs["submission_id"])
    stored.update_submission(store, submission["id"], state="running")
    try:
        spec, _ = spec_of(store, submission["challenge_id"])
        result = _evaluate(spec, submission, stored.get_file(store, submission["sha256"]))
    except FrugalkitError as exc:  # the sandbox cannot start here, a data file is gone...
        reason = f"the evaluation could not start: {exc}"[:900]
        stored.update_submission(
            store, submission["id"], state="failed", reason=reason, ended_at=datetime.now(UTC)
        )
        return {"id": submission["id"], "state": "failed", "reason": reason}
    scoring = result.pop("scoring", None)
    save_reports(store, [validate_report(r) for r in result.pop("reports", [])])
    fields: dict[str, Any] = {"ended_at": datetime.now(UTC), "reason": result["reason"]}
    if result["status"] == "completed" and scoring is not None:
        task = spec.task(submission["task"])
        public, private = split_scores(
            spec.id, task.bench_task(), task.metric, spec.public_fraction, scoring
        )
        fields |= {
            "state": "completed",
            "public_score": public,
            "private_score": private,
            "energy_wh_per_1000": result["energy_wh_per_1000"],
        }
    else:
        fields["state"] = "failed"
    payload = result.get("payload", {})
    fields["payload"] = {
        "run_id": result["id"],
        "samples": result.get("samples"),
        "energy_method": result.get("energy_method"),
        "hardware": result.get("hardware"),
        "isolation": payload.get("isolation"),
        "report_ids": payload.get("report_ids", []),
        "description": result.get("description", "")[:200],
    }
    stored.update_submission(store, submission["id"], **fields)
    return {"id": submission["id"], "state": fields["state"], "reason": fields["reason"]}


def lost(store: Store, inputs: dict[str, Any], reason: str) -> None:
    """The job's worker died (or its evaluation broke) before it recorded the
    submission: say so on it."""
    stored.update_submission(
        store,
        inputs["submission_id"],
        state="failed",
        reason=f"the evaluation's worker died: {reason}"[:900],
        ended_at=datetime.now(UTC),
    )
