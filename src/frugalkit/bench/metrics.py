"""Classification metrics, computed from labels alone (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frugalkit.bench.tasks import Task


def confusion_matrix(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """Rows: true label, columns: predicted label, in the order of `labels`.

    >>> confusion_matrix(["a", "b", "b"], ["a", "a", "b"], ["a", "b"])
    [[1, 0], [1, 1]]
    """
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for true, guess in zip(truth, predicted, strict=True):
        matrix[index[true]][index[guess]] += 1
    return matrix


def classification_metrics(
    truth: Sequence[str],
    predicted: Sequence[str],
    labels: Sequence[str],
    positive: str | None = None,
) -> dict[str, Any]:
    """accuracy, macro-F1 (over the labels present in truth or predictions), per-class
    recall (None for a class absent from the truth) and the confusion matrix."""
    matrix = confusion_matrix(truth, predicted, labels)
    total = sum(map(sum, matrix))
    correct = sum(matrix[i][i] for i in range(len(labels)))
    recall: dict[str, float | None] = {}
    f1_scores = []
    for i, label in enumerate(labels):
        actual = sum(matrix[i])
        guessed = sum(row[i] for row in matrix)
        recall[label] = matrix[i][i] / actual if actual else None
        if actual or guessed:
            precision = matrix[i][i] / guessed if guessed else 0.0
            rec = matrix[i][i] / actual if actual else 0.0
            f1_scores.append(2 * precision * rec / (precision + rec) if precision + rec else 0.0)
    extra = {}
    if positive is not None:
        i = list(labels).index(positive)
        guessed = sum(row[i] for row in matrix)
        extra[f"precision_{positive}"] = matrix[i][i] / guessed if guessed else 0.0
        extra[f"recall_{positive}"] = recall[positive] or 0.0
    return {
        **extra,
        "accuracy": correct / total if total else 0.0,
        "macro_f1": sum(f1_scores) / len(f1_scores) if f1_scores else 0.0,
        "per_class_recall": recall,
        "confusion_matrix": matrix,
        "labels": list(labels),
        "samples": total,
    }


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two [x_center, y_center, width, height] boxes.

    >>> round(iou([0.5, 0.5, 0.2, 0.2], [0.5, 0.5, 0.2, 0.2]), 9)
    1.0
    >>> iou([0.2, 0.2, 0.1, 0.1], [0.8, 0.8, 0.1, 0.1])
    0.0
    """
    ax0, ay0, ax1, ay1 = a[0] - a[2] / 2, a[1] - a[3] / 2, a[0] + a[2] / 2, a[1] + a[3] / 2
    bx0, by0, bx1, by1 = b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def detection_metrics(
    truth: Sequence[list[list[float]]], predicted: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """As the original image task: `classification_accuracy` (smoke present when the
    annotation is not empty) and `mean_iou` over the images that have smoke, each
    counting the best IoU between a predicted box and any true box (0 without one);
    plus precision and recall of smoke."""
    pairs = list(zip(truth, predicted, strict=True))
    has = [bool(t) for t, _ in pairs]
    said = [p["smoke"] for _, p in pairs]
    hits = sum(h and s for h, s in zip(has, said, strict=True))
    ious = [
        max((iou(p, t) for p in pred["boxes"] for t in true), default=0.0)
        for true, pred in pairs
        if true
    ]
    accuracy = sum(h == s for h, s in zip(has, said, strict=True)) / len(pairs) if pairs else 0.0
    return {
        "accuracy": accuracy,
        "classification_accuracy": accuracy,
        "mean_iou": sum(ious) / len(ious) if ious else 0.0,
        "precision_smoke": hits / sum(said) if sum(said) else 0.0,
        "recall_smoke": hits / sum(has) if sum(has) else 0.0,
        "samples": len(pairs),
        "with_smoke": sum(has),
    }


def score(task: Task, truth: Sequence[Any], predicted: Sequence[Any]) -> dict[str, Any]:
    """The task's metrics; every task reports an `accuracy` the leaderboard ranks on."""
    if task.kind == "detection":
        return detection_metrics(truth, predicted)
    return classification_metrics(truth, predicted, task.labels, task.positive)
