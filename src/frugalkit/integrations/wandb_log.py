"""A frugalkit report in Weights & Biases (`frugalkit[wandb]`): the report's figures logged
to the active run and kept in its summary, the report itself as an artifact, the method in
the summary, so that a model's footprint sits beside its loss in the W&B UI (offline mode
included: `wandb.init(mode="offline")`, synced later).

    from frugalkit.integrations.wandb_log import tracked

    with wandb.init(project="p"), tracked("train", phase="training") as run:
        for epoch in range(10):
            ...
            run.progress(epoch + 1, 10)   # the whole run's predicted cost, logged per epoch

Names start with "frugalkit/" (W&B groups them in a panel section) and carry their unit.
Without an active W&B run, one is started for the report (project "frugalkit") and ended.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Any

from frugalkit.integrations.figures import figures, method_tags, predicted, prefixed
from frugalkit.integrations.logged import tracked_into
from frugalkit.measure.tracker import Run

PREFIX = "frugalkit/"


def log_report(report: dict[str, Any], run: Any = None) -> None:
    """Log `report` into `run` (default: the active W&B run; one is started if none)."""
    import wandb

    run = run or wandb.run
    started = run is None
    if run is None:
        run = wandb.init(project="frugalkit", name=report["name"], job_type=report["phase"])
    try:
        values = prefixed(PREFIX, figures(report))
        run.log(values)
        run.summary.update({**values, **prefixed(PREFIX, method_tags(report))})  # type: ignore[arg-type]
        artifact = wandb.Artifact(f"frugalkit-report-{report['id'][:16]}", type="frugalkit-report")
        with artifact.new_file("report.json", mode="w", encoding="utf-8") as f:
            json.dump(report, f)
        run.log_artifact(artifact)
    finally:
        if started:
            run.finish()


def _log_prediction(prediction: dict[str, Any], done: float) -> None:
    import wandb

    if wandb.run is not None:
        wandb.run.log({**prefixed(PREFIX, predicted(prediction)), f"{PREFIX}progress": done})


def tracked(name: str, **options: Any) -> AbstractContextManager[Run]:
    """Measure the block as a frugalkit run and log its report to W&B at the end, however it
    ends; progress marks are logged as they come."""
    return tracked_into(log_report, _log_prediction, name, **options)
