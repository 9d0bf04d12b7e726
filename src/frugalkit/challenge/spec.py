"""A challenge as its organiser writes it (`challenge.yaml`), validated into one typed record.

A challenge has a title and description in English and French; tasks (one of the bench's
tasks, on its built-in set, a hub dataset or the organiser's own file, which stays on the
server: its labels never reach a submission); phases with UTC start and end; the public
fraction of the test set scored during a phase (the private rest is shown once the phase
has ended); quotas per team per UTC day and in all; limits; the submission kinds allowed;
the ranking rule and the reference hardware, stated. A bad file is refused in one line that
names the field.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from frugalkit import safeyaml
from frugalkit.bench.tasks import TASKS, Task, with_labels
from frugalkit.errors import InputError

MAX_SPEC_BYTES = 256 * 1024
METRICS = ("accuracy", "macro_f1", "mean_iou", "classification_accuracy")
Kind = Literal["python", "zip", "joblib", "onnx"]
KINDS: tuple[Kind, ...] = ("python", "zip", "joblib", "onnx")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Text(Strict):
    en: str = Field(min_length=1, max_length=20_000)
    fr: str = Field(min_length=1, max_length=20_000)


class ChallengeTask(Strict):
    """`task`: a bench task id; `data`: the organiser's file or folder (relative to the
    challenge file), a hub id, or nothing for the built-in demonstration set (public)."""

    task: Literal["text", "image", "audio"]
    data: str | None = Field(None, max_length=500)
    test_size: float = Field(0.2, gt=0, lt=1)
    seed: int = 42
    metric: Literal["accuracy", "macro_f1", "mean_iou", "classification_accuracy"] = "accuracy"
    labels: list[str] | None = Field(
        None, min_length=2, max_length=1000, description="the organiser's own label set"
    )

    def bench_task(self) -> Task:
        """The bench's task, with the organiser's label set when there is one."""
        return with_labels(TASKS[self.task], tuple(self.labels) if self.labels else None)

    @model_validator(mode="after")
    def _metric_fits(self) -> ChallengeTask:
        detection = TASKS[self.task].kind == "detection"
        if self.labels is not None:
            if detection:
                raise ValueError("the image task's labels are boxes: no label set of its own")
            if self.data is None:
                raise ValueError("a label set of its own needs the organiser's own data")
            if len(set(self.labels)) != len(self.labels) or not all(
                0 < len(label) <= 100 and label.strip() == label for label in self.labels
            ):
                raise ValueError("labels must be distinct, 1 to 100 characters, no edge spaces")
        if detection and self.metric not in ("classification_accuracy", "mean_iou", "accuracy"):
            raise ValueError(f"metric {self.metric} is not computed for the image task")
        if not detection and self.metric in ("mean_iou", "classification_accuracy"):
            raise ValueError(f"metric {self.metric} is for the image task only")
        return self


class Phase(Strict):
    name: str = Field(min_length=1, max_length=100)
    start: datetime
    end: datetime

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.end <= self.start:
            raise ValueError("end must come after start")
        return self


class Quotas(Strict):
    per_team_per_day: int = Field(5, ge=1, le=10_000)
    per_team_total: int = Field(100, ge=1, le=1_000_000)


class Limits(Strict):
    time_s: float = Field(600, gt=0, le=7 * 24 * 3600)
    memory_mb: int = Field(4096, ge=128, le=1_048_576)
    gpu_memory_mb: int | None = Field(None, ge=1)
    cpu_time_s: float | None = Field(None, gt=0)
    upload_mb: int = Field(50, ge=1, le=2048)
    repeats: int = Field(3, ge=1, le=100)


class Ranking(Strict):
    """`by: metric`: the higher metric first, lower energy breaking ties; `by: energy`:
    the lower energy first among entries whose metric reaches `floor`."""

    by: Literal["metric", "energy"] = "metric"
    floor: float = Field(0.0, ge=0, le=1)


class ChallengeSpec(Strict):
    id: str = Field(description="a slug: lower-case letters, digits and hyphens")
    title: Text
    description: Text
    tasks: list[ChallengeTask] = Field(min_length=1, max_length=10)
    phases: list[Phase] = Field(min_length=1, max_length=20)
    public_fraction: float = Field(0.5, gt=0, lt=1)
    quotas: Quotas = Quotas.model_validate({})
    limits: Limits = Limits.model_validate({})
    kinds: list[Kind] = Field(default_factory=lambda: list(KINDS), min_length=1)
    ranking: Ranking = Ranking.model_validate({})
    reference_hardware: str = Field(min_length=1, max_length=300)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("must be 2-63 lower-case letters, digits and hyphens")
        return value

    @model_validator(mode="after")
    def _phases_apart(self) -> ChallengeSpec:
        ordered = sorted(self.phases, key=lambda p: p.start)
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise ValueError(f"phases {before.name!r} and {after.name!r} overlap")
        if len({t.task for t in self.tasks}) != len(self.tasks):
            raise ValueError("each task may appear once")
        return self

    def phase_at(self, when: datetime) -> Phase | None:
        return next((p for p in self.phases if p.start <= when < p.end), None)

    def next_phase(self, when: datetime) -> Phase | None:
        upcoming = [p for p in self.phases if p.start > when]
        return min(upcoming, key=lambda p: p.start) if upcoming else None

    def task(self, task_id: str) -> ChallengeTask:
        for task in self.tasks:
            if task.task == task_id:
                return task
        raise InputError(
            f"challenge {self.id} has no task {task_id!r}; tasks: "
            + ", ".join(t.task for t in self.tasks)
        )


def _field(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"]) or "the file"


def parse_spec(raw: dict[str, Any], base: Path | None = None) -> ChallengeSpec:
    """Validate a parsed challenge file; own data files are made absolute from `base`."""
    try:
        spec = ChallengeSpec.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InputError(f"challenge file: field {_field(first)}: {message}") from None
    if base is None:
        return spec
    tasks = []
    for task in spec.tasks:
        if task.data is None:
            tasks.append(task)
            continue
        local = (base / task.data).expanduser()
        if local.exists() or task.data.startswith((".", "/")):
            if not local.exists():
                raise InputError(f"challenge file: field tasks.{task.task}.data: {local} not found")
            task = task.model_copy(update={"data": str(local.resolve())})
        tasks.append(task)
    return spec.model_copy(update={"tasks": tasks})


def _raw(text: str, name: str) -> dict[str, Any]:
    raw = safeyaml.loads(text, name, MAX_SPEC_BYTES)
    if not isinstance(raw, dict):
        raise InputError(f"{name}: a challenge file is a mapping (id:, title:, tasks: ...)")
    return raw


def parse_text(text: str, name: str) -> ChallengeSpec:
    return parse_spec(_raw(text, name))


def load_spec(path: str | Path) -> ChallengeSpec:
    """Read and validate `challenge.yaml`; own data paths are relative to its folder."""
    file = Path(path).expanduser()
    raw = safeyaml.load(file, MAX_SPEC_BYTES)
    if not isinstance(raw, dict):
        raise InputError(f"{file}: a challenge file is a mapping (id:, title:, tasks: ...)")
    return parse_spec(raw, file.parent)
