"""Check what a submission returned before anything is scored."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from frugalkit.bench.tasks import Task


class BadPredictions(Exception):
    """The submission's output cannot be scored; the message says why, in one line."""


def normalise(task: Task, predictions: Any, expected: int) -> list[Any]:
    """Labels as the task names them (integer class indices accepted), or for the image
    task one {"smoke": bool, "boxes": [[x, y, w, h], ...]} per image."""
    try:
        values = list(predictions)
    except TypeError:
        raise BadPredictions(
            f"predict() returned a {type(predictions).__name__}, not a list"
        ) from None
    if len(values) != expected:
        raise BadPredictions(f"predict() returned {len(values)} predictions for {expected} samples")
    if task.kind == "detection":
        return [_detection(value, position) for position, value in enumerate(values)]
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


def same_everywhere(runs: Sequence[list[Any]]) -> bool:
    return all(run == runs[0] for run in runs[1:])


def _detection(value: Any, position: int) -> dict[str, Any]:
    """{"smoke": bool, "boxes": [...]}, or a plain list of boxes (empty: no smoke)."""
    from frugalkit.bench.data.image import box_problem

    if isinstance(value, dict):
        boxes = list(value.get("boxes") or [])
        smoke = value.get("smoke", bool(boxes))
    elif isinstance(value, list | tuple) or hasattr(value, "tolist"):
        boxes = list(value.tolist() if hasattr(value, "tolist") else value)
        smoke = bool(boxes)
    else:
        raise BadPredictions(f"prediction {position} is {str(value)[:40]!r}, not boxes")
    if hasattr(smoke, "item"):
        smoke = smoke.item()
    if not isinstance(smoke, bool | int) or isinstance(smoke, float):
        raise BadPredictions(f"prediction {position}: smoke must be true or false, got {smoke!r}")
    for box in boxes:
        problem = box_problem(box)
        if problem:
            raise BadPredictions(f"prediction {position}: {problem}")
    return {"smoke": bool(smoke), "boxes": [[float(v) for v in box] for box in boxes]}
