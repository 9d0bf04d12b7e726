"""A frugalkit run whose progress marks and final report go to a logging library as they
happen: the shared shape of the MLflow and Weights & Biases integrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from frugalkit.measure.tracker import Run

OnProgress = Callable[[dict[str, Any], float], None]  # (prediction, done)
OnReport = Callable[[dict[str, Any]], None]


class LoggedRun(Run):
    """A Run whose every progress mark is handed to `on_progress`, with its step."""

    def __init__(self, name: str, on_progress: OnProgress, **options: Any) -> None:
        super().__init__(name, **options)
        self._on_progress = on_progress

    def progress(self, done: float, total: float, unit: str = "epoch") -> dict[str, Any]:
        prediction = super().progress(done, total, unit)
        self._on_progress(prediction, done)
        return prediction


@contextmanager
def tracked_into(
    on_report: OnReport, on_progress: OnProgress, name: str, **options: Any
) -> Iterator[Run]:
    """Measure the block and hand its report to `on_report` at the end, however the block
    ends (a failed run is logged with its status)."""
    run = LoggedRun(name, on_progress, **options)
    try:
        with run:
            yield run
    finally:
        if run.report is not None:
            on_report(run.report)
