"""A frugalkit report in MLflow (`frugalkit[mlflow]`, MLflow's Python client): the report's
figures as metrics of the active MLflow run, the report itself as a JSON artefact, and the
method as tags, so that a model's footprint sits beside its accuracy in the MLflow UI.

    from frugalkit.integrations.mlflow_log import tracked

    with mlflow.start_run(), tracked("train", phase="training") as run:
        for epoch in range(10):
            ...
            run.progress(epoch + 1, 10)   # the whole run's predicted cost, logged per epoch

Metric names start with "frugalkit." and carry their unit (kWh, g, L, s). Without an active
MLflow run, one is started for the report (and ended with it).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from frugalkit.integrations.figures import figures, method_tags, predicted, prefixed
from frugalkit.integrations.logged import tracked_into
from frugalkit.measure.tracker import Run

PREFIX = "frugalkit."


def metrics_of(report: dict[str, Any]) -> dict[str, float]:
    """The report's figures under MLflow metric names, each with its unit."""
    return prefixed(PREFIX, figures(report))


def log_report(report: dict[str, Any]) -> None:
    """Log `report` into the active MLflow run (one is started if none is active)."""
    import mlflow

    started = mlflow.active_run() is None
    if started:
        mlflow.start_run(run_name=report["name"])
    try:
        mlflow.log_metrics(metrics_of(report))
        mlflow.log_dict(report, f"frugalkit/report-{report['id']}.json")
        mlflow.set_tags({f"{PREFIX}{k}": v for k, v in method_tags(report).items()})
    finally:
        if started:
            mlflow.end_run()


def _log_prediction(prediction: dict[str, Any], done: float) -> None:
    import mlflow

    mlflow.log_metrics(prefixed(PREFIX, predicted(prediction)), step=int(done))


def tracked(name: str, **options: Any) -> AbstractContextManager[Run]:
    """Measure the block as a frugalkit run and log its report to MLflow at the end, however
    the block ends (a failed run is logged with its status); progress marks are logged as
    they come."""
    return tracked_into(log_report, _log_prediction, name, **options)
