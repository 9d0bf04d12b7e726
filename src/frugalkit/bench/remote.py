"""Evaluate a server that speaks the Frugal AI Challenge protocol.

frugalkit POSTs `{"test_size", "test_seed", "dataset_name"}` to `/<task>` and reads the
original answer. The server computes its own accuracy and measures its own energy
(CodeCarbon in the original template): frugalkit records both as *reported by the
submission*, never as measured.
"""

from __future__ import annotations

import math
from typing import Any

from frugalkit.bench.tasks import Task
from frugalkit.errors import InputError

# The challenge's answer is one JSON object of a few kB.
MAX_ANSWER_BYTES = 1024 * 1024

REQUIRED = ("energy_consumed_wh", "emissions_gco2eq")


def _number(answer: dict[str, Any], key: str, low: float, high: float) -> float:
    value = answer.get(key)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or math.isnan(value)
        or not low <= value <= high
    ):
        raise ValueError(f"field {key} is {value!r}, expected a number in [{low:g}, {high:g}]")
    return float(value)


def _post(url: str, body: dict[str, Any], timeout_s: float, allow: str | None) -> Any:
    """POST `body`; with `allow` (a server's evaluation of a URL someone queued), only to
    the address checked now, within `timeout_s` in all (`frugalkit.outbound`)."""
    import httpx

    if allow is None:  # the user's own command: their own network is theirs to use
        return httpx.post(url, json=body, timeout=timeout_s)
    from frugalkit import outbound

    with outbound.stream(
        "POST", url, allow=allow, deadline_s=timeout_s, what="the submission", json=body
    ) as response:
        response.read(MAX_ANSWER_BYTES)
        return response.response


def evaluate_remote(
    task: Task,
    url: str,
    *,
    data: str | None,
    test_size: float,
    seed: int,
    timeout_s: float,
    allow: str | None = None,
) -> dict[str, Any]:
    import httpx

    dataset_name = data or task.hub_dataset
    body = {"test_size": test_size, "test_seed": seed, "dataset_name": dataset_name}
    endpoint = url.rstrip("/") + f"/{task.id}"
    from frugalkit.bench.records import unscored

    failed = unscored(
        "failed", "reported", "remote", payload={"endpoint": endpoint, "request": body}
    )
    try:
        response = _post(endpoint, body, timeout_s, allow)
    except InputError as exc:
        return {**failed, "reason": str(exc)[:900]}
    except httpx.TimeoutException:
        return {**failed, "reason": f"{endpoint} did not answer within {timeout_s:g} s"}
    except httpx.HTTPError as exc:
        return {**failed, "reason": f"cannot reach {endpoint}: {type(exc).__name__}"}
    if response.status_code != 200:
        return {**failed, "reason": f"{endpoint} answered HTTP {response.status_code}"}
    try:
        answer = response.json()
        if not isinstance(answer, dict):
            raise ValueError("the answer is not a JSON object")
        accuracy_key = "classification_accuracy" if task.kind == "detection" else "accuracy"
        accuracy = _number(answer, accuracy_key, 0.0, 1.0)
        energy_wh = _number(answer, "energy_consumed_wh", 0.0, 1e9)
        ghg_g = _number(answer, "emissions_gco2eq", 0.0, 1e12)
    except ValueError as exc:
        reason = (
            str(exc) if "field" in str(exc) or "object" in str(exc) else "the answer is not JSON"
        )
        return {
            **failed,
            "reason": f"{endpoint} answered something that is not the challenge's JSON: {reason}",
        }
    samples, samples_note, test_set = _test_samples(task, dataset_name, test_size, seed)
    if not samples:
        return {**failed, "reason": f"cannot put the reported energy per sample: {samples_note}"}
    per_1000 = 1000 / samples
    return {
        "description": str(answer.get("model_description", ""))[:500],
        "status": "completed",
        "reason": None,
        "samples": samples,
        "accuracy": accuracy,
        "energy_wh_per_1000": energy_wh * per_1000,
        "ghg_g_per_1000": ghg_g * per_1000,
        "energy_method": "reported",
        "hardware": "remote (reported by the submission)",
        "test_set": test_set,
        "payload": {
            "endpoint": endpoint,
            "request": body,
            "metrics": {"accuracy": accuracy, **_extra_metrics(task, answer)},
            "energy": {
                "inference_wh_median": energy_wh,
                "energy_wh_per_1000": energy_wh * per_1000,
            },
            "reported": {
                k: answer.get(k)
                for k in ("username", "space_url", "submission_timestamp", "emissions_data")
            },
            "samples_note": samples_note,
        },
        "reports": [],
    }


def _test_samples(
    task: Task, dataset_name: str, test_size: float, seed: int
) -> tuple[int, str, str]:
    """How many samples the server evaluated, and on which test set: counted on a local
    copy of the same data when there is one, else the challenge's split of the reference
    dataset."""
    from frugalkit.bench.data import load_task_data
    from frugalkit.bench.records import test_set_key
    from frugalkit.errors import FrugalkitError

    try:
        data = load_task_data(task, dataset_name, test_size=test_size, seed=seed)
        count = len(data.test)
        note = f"{count} test samples, counted on a local copy of {dataset_name}"
        return count, note, test_set_key(data)
    except FrugalkitError:
        unknown = f"{dataset_name} (seed {seed}, test {test_size:g}) #unverified"
        if not task.reference_samples:
            return 0, f"no local copy of {dataset_name} to count its test samples", unknown
        count = math.ceil(test_size * task.reference_samples)
        note = f"assumed {count} test samples: ceil({test_size:g} x {task.reference_samples})"
        return count, note, unknown


def _extra_metrics(task: Task, answer: dict[str, Any]) -> dict[str, float]:
    if task.kind != "detection":
        return {}
    try:
        return {"mean_iou": _number(answer, "mean_iou", 0.0, 1.0)}
    except ValueError:
        return {}
