"""The Frugal AI Challenge tasks: what is predicted, from what data, judged how."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Task:
    """A task. `labels` in a fixed order (it orders the confusion matrix); the functional
    unit is one sample, so energy is reported per 1,000 samples."""

    id: str
    title: str
    labels: tuple[str, ...]
    hub_dataset: str
    input_column: str
    label_column: str
    builtin: str  # name of the built-in demonstration set
    reference_samples: int  # rows the original split tested from (0: unknown here)
    kind: str = "classification"  # or "detection" (boxes)
    positive: str | None = None  # the class whose precision and recall are reported
    metrics: tuple[str, ...] = ("accuracy", "macro_f1", "per_class_recall", "confusion_matrix")
    functional_unit: str = "sample"
    extra_columns: tuple[str, ...] = field(default=())


TEXT = Task(
    id="text",
    title="Climate disinformation: classify a quote into the eight CARDS claim types",
    labels=(
        "0_not_relevant",
        "1_not_happening",
        "2_not_human",
        "3_not_bad",
        "4_solutions_harmful_unnecessary",
        "5_science_unreliable",
        "6_proponents_biased",
        "7_fossil_fuels_needed",
    ),
    hub_dataset="QuotaClimat/frugalaichallenge-text-train",
    input_column="quote",
    label_column="label",
    builtin="frugalkit/text-demo",
    reference_samples=6091,  # 4,872 train + 1,219 test after the challenge's split
    extra_columns=("source", "url", "language", "subsource"),
)

AUDIO = Task(
    id="audio",
    title="Illegal logging: detect chainsaws in 3-s forest recordings (12 kHz)",
    labels=("chainsaw", "environment"),  # 0 = chainsaw, 1 = environment, as rfcx/frugalai
    hub_dataset="rfcx/frugalai",
    input_column="audio",
    label_column="label",
    builtin="frugalkit/audio-demo",
    reference_samples=0,
    positive="chainsaw",
)

IMAGE = Task(
    id="image",
    title="Wildfire smoke: detect smoke, and where, in ground-camera photos",
    labels=("smoke", "no_smoke"),
    hub_dataset="pyronear/pyro-sdis",
    input_column="image",
    label_column="annotations",  # YOLO lines; an empty annotation means no smoke
    builtin="frugalkit/image-demo",
    reference_samples=4099,  # the original evaluated on the 4,099 validation images
    kind="detection",
    positive="smoke",
    metrics=("classification_accuracy", "mean_iou", "precision_smoke", "recall_smoke"),
    extra_columns=("image_name", "partner", "camera", "date"),
)

TASKS: dict[str, Task] = {TEXT.id: TEXT, IMAGE.id: IMAGE, AUDIO.id: AUDIO}


def with_labels(task: Task, labels: tuple[str, ...] | None) -> Task:
    """The task with an organiser's own label set (a classification task only); its
    positive class kept only if the new set has it."""
    from dataclasses import replace

    if not labels or labels == task.labels:
        return task
    return replace(task, labels=labels, positive=task.positive if task.positive in labels else None)


def get_task(task_id: str) -> Task:
    from frugalkit.errors import InputError

    if task_id not in TASKS:
        raise InputError(f"unknown task {task_id!r}; tasks: {', '.join(TASKS)}")
    return TASKS[task_id]
