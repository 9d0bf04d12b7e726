"""Check what a submission returned before anything is scored."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from frugalkit.bench.tasks import Task


class BadPredictions(Exception):
    """The submission's output cannot be scored; the message says why, in one line."""


def normalise(task: Task, predictions: Any, expected: int) -> list[str]:
    """Labels as the task names them. Integer class indices are accepted too."""
    try:
        values = list(predictions)
    except TypeError:
        raise BadPredictions(
            f"predict() returned a {type(predictions).__name__}, not a list"
        ) from None
    if len(values) != expected:
        raise BadPredictions(f"predict() returned {len(values)} predictions for {expected} samples")
    labels = []
    for position, value in enumerate(values):
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise BadPredictions(f"prediction {position} is {value!r}")
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and float(value).is_integer()
        ):
            index = int(value)
            if 0 <= index < len(task.labels):
                labels.append(task.labels[index])
                continue
        if value not in task.labels:
            raise BadPredictions(f"prediction {position} is an unknown label {str(value)[:40]!r}")
        labels.append(str(value))
    return labels


def same_everywhere(runs: Sequence[list[str]]) -> bool:
    return all(run == runs[0] for run in runs[1:])
