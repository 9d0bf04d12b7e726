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

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from frugalkit.measure.tracker import Run

PREFIX = "frugalkit."


def metrics_of(report: dict[str, Any]) -> dict[str, float]:
    """The report's figures under MLflow metric names, each with its unit."""
    energy, ghg, water = report["energy"], report["ghg"], report["water"]
    return {
        f"{PREFIX}energy_kwh": energy["facility_kwh"],
        f"{PREFIX}energy_low_kwh": energy["low_kwh"],
        f"{PREFIX}energy_high_kwh": energy["high_kwh"],
        f"{PREFIX}cpu_kwh": energy["cpu_kwh"],
        f"{PREFIX}gpu_kwh": energy["gpu_kwh"],
        f"{PREFIX}ram_kwh": energy["ram_kwh"],
        f"{PREFIX}ghg_g": ghg["location_based_g"],
        f"{PREFIX}water_l": water["total_l"],
        f"{PREFIX}embodied_gwp_g": report["embodied"]["gwp_g"],
        f"{PREFIX}duration_s": report["duration_s"],
    }


def log_report(report: dict[str, Any]) -> None:
    """Log `report` into the active MLflow run (one is started if none is active)."""
    import mlflow

    started = mlflow.active_run() is None
    if started:
        mlflow.start_run(run_name=report["name"])
    try:
        mlflow.log_metrics(metrics_of(report))
        mlflow.log_dict(report, f"frugalkit/report-{report['id']}.json")
        mlflow.set_tags({
            f"{PREFIX}report_id": report["id"],
            f"{PREFIX}status": report["status"],
            f"{PREFIX}method": ", ".join(sorted({m["kind"] for m in report["methods"]})),
            f"{PREFIX}grid": f"{report['ghg']['zone']} {report['ghg']['resolution']}",
        })  # fmt: skip
    finally:
        if started:
            mlflow.end_run()


class _Logged(Run):
    """A Run whose progress marks also go to MLflow, as metrics at that step."""

    def progress(self, done: float, total: float, unit: str = "epoch") -> dict[str, Any]:
        import mlflow

        prediction = super().progress(done, total, unit)
        predicted = {
            f"{PREFIX}predicted_energy_kwh": prediction["facility_kwh"],
            f"{PREFIX}predicted_ghg_g": prediction["ghg_g"],
        }
        mlflow.log_metrics(predicted, step=int(done))
        return prediction


@contextmanager
def tracked(name: str, **options: Any) -> Iterator[Run]:
    """Measure the block as a frugalkit run and log its report to MLflow at the end, however
    the block ends (a failed run is logged with its status)."""
    run = _Logged(name, **options)
    try:
        with run:
            yield run
    finally:
        if run.report is not None:
            log_report(run.report)
