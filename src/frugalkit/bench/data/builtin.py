"""The built-in demonstration sets, as rows with the task's columns."""

from __future__ import annotations

from typing import Any

from frugalkit.bench.tasks import Task


def builtin_rows(task: Task) -> list[dict[str, Any]]:
    if task.id == "text":
        from frugalkit.bench.data.text_demo import generate

        quotes, labels = generate()
        return [{"quote": q, "label": label} for q, label in zip(quotes, labels, strict=True)]
    raise NotImplementedError(f"no built-in data for task {task.id}")
