"""The fields of a bench run that more than one part of the bench builds: a run without
scores (queued, running, failed) and the key of the test set a run was scored on."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class BenchRun(BaseModel):
    """One evaluation of a submission on a task: what ran, on which test set, how it
    scored and what it cost. Energies in Wh and greenhouse gases in gCO2e, per 1,000
    samples; `payload` holds metrics, energy details, methods, timings and report ids."""

    model_config = ConfigDict(extra="ignore")  # 'reports' travels beside it until stored

    id: str = Field(min_length=8, max_length=64)
    task: str
    submission: str = Field(max_length=500)
    submission_key: str = Field(max_length=500, description="content hash of a file, or the spec")
    test_set: str = Field(max_length=300, description="data name, split and hash of the samples")
    kind: Literal["python", "joblib", "onnx", "http"]
    description: str
    status: Literal["queued", "running", "completed", "failed"]
    reason: str | None
    created_at: datetime
    private: bool
    samples: int = Field(ge=0)
    accuracy: float | None = Field(ge=0, le=1)
    energy_wh_per_1000: float | None = Field(ge=0)
    ghg_g_per_1000: float | None = Field(ge=0)
    energy_method: Literal["counter", "estimate", "reported", "none"]
    hardware: str
    payload: dict[str, Any]


class LeaderboardEntry(BaseModel):
    """A run on a board: its scores, rank (shared where bands overlap), score in points,
    Pareto mark and stars (see bench/scoring.py for the rules)."""

    id: str
    submission: str
    submission_key: str
    kind: str
    description: str
    accuracy: float
    mean_iou: float | None = None
    energy_wh_per_1000: float
    energy_low_wh_per_1000: float | None = Field(None, description="low end of the band")
    energy_high_wh_per_1000: float | None = Field(None, description="high end of the band")
    ghg_g_per_1000: float
    energy_method: str
    hardware: str
    created_at: datetime
    samples: int | None = None
    rank: int | None = Field(description="1 + entries clearly better; none below chance")
    tied: bool = Field(description="another entry shares this rank: their bands overlap")
    score_points: float = Field(description="100 x (accuracy - k x log10(Wh per 1,000))")
    score_low_points: float
    score_high_points: float
    chance_floor: float = Field(description="the accuracy to pass to be ranked")
    pareto: bool
    stars: int | None = Field(None, ge=1, le=5, description="5: the most frugal fifth")


class Leaderboard(BaseModel):
    """One task's board on one test set, as the CLI and the web show it."""

    task: dict[str, str]
    test_set: str | None
    test_sets: list[dict[str, Any]]
    points_per_decade: float
    include_reported: bool
    entries: list[LeaderboardEntry]
    rule: str = Field(description="how the board ranks, in words")
    reported: list[dict[str, Any]] = Field(description="self-reported runs, not ranked")
