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


def score(task: Task, truth: Sequence[Any], predicted: Sequence[Any]) -> dict[str, Any]:
    """The task's metrics; every task reports an `accuracy` the leaderboard ranks on."""
    return classification_metrics(truth, predicted, task.labels, task.positive)
