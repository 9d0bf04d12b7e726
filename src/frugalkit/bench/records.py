"""The fields of a bench run that more than one part of the bench builds: a run without
scores (queued, running, failed) and the key of the test set a run was scored on."""

from __future__ import annotations

import hashlib
from typing import Any

from frugalkit.bench.data import TaskData


def unscored(status: str, energy_method: str, hardware: str, **fields: Any) -> dict[str, Any]:
    """The fields of a run without scores: failed, queued or running."""
    return {
        "description": "",
        "status": status,
        "reason": None,
        "samples": 0,
        "accuracy": None,
        "energy_wh_per_1000": None,
        "ghg_g_per_1000": None,
        "energy_method": energy_method,
        "hardware": hardware,
        "reports": [],  # what evaluate() returns: a run and the impact reports it made
        **fields,
    }


def _input_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if hasattr(value, "tobytes"):
        return bytes(value.tobytes())
    return repr(value).encode()


def test_set_key(data: TaskData) -> str:
    """The test set a run was scored on: its name, split and a hash of inputs and labels,
    so that only runs on the very same samples are ranked together."""
    digest = hashlib.sha256()
    for value, label in zip(data.test.inputs, data.test.labels, strict=True):
        digest.update(_input_bytes(value))
        digest.update(repr(label).encode())
    return f"{data.name} ({data.split}) #{digest.hexdigest()[:12]}"
