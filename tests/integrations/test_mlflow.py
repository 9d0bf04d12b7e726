"""A frugalkit report in MLflow (issue 25, item 4), against the real MLflow client with a local
SQLite tracking store: the report's figures as metrics equal to the report's own, the report
as an artefact, the method as tags, predictions per epoch, and a failed block logged too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

mlflow = pytest.importorskip("mlflow", reason="needs mlflow-skinny (frugalkit[mlflow])")

from frugalkit.integrations.mlflow_log import metrics_of, tracked  # noqa: E402


@pytest.fixture(scope="module")
def store_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite tracking store for the module (MLflow creates its tables in 3-4 s)."""
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"


@pytest.fixture
def client(store_uri: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    mlflow.set_tracking_uri(store_uri)
    mlflow.set_experiment(request.node.name[:200])  # each test its own experiment
    yield mlflow.tracking.MlflowClient()
    mlflow.set_tracking_uri("")


def test_a_tracked_training_logs_its_figures_report_and_predictions(client: Any) -> None:
    with mlflow.start_run() as active, tracked("train", phase="training", persist=False) as run:
        for epoch in range(1, 4):
            sum(i * i for i in range(100_000))
            run.progress(epoch, 6)
    report = run.report
    assert report is not None
    logged = client.get_run(active.info.run_id)
    for name, value in metrics_of(report).items():
        assert logged.data.metrics[name] == pytest.approx(value)
    assert logged.data.tags["frugalkit.report_id"] == report["id"]
    history = client.get_metric_history(active.info.run_id, "frugalkit.predicted_energy_kwh")
    assert [m.step for m in history] == [1, 2, 3]
    path = mlflow.artifacts.download_artifacts(
        run_id=active.info.run_id, artifact_path=f"frugalkit/report-{report['id']}.json"
    )
    assert json.loads(Path(path).read_text())["energy"] == report["energy"]


def test_a_failed_block_is_logged_with_its_status_in_a_run_of_its_own(client: Any) -> None:
    with pytest.raises(ZeroDivisionError), tracked("broken", persist=False):
        1 / 0  # noqa: B018
    experiment = mlflow.get_experiment_by_name(
        "test_a_failed_block_is_logged_with_its_status_in_a_run_of_its_own"
    )
    runs = client.search_runs(experiment_ids=[experiment.experiment_id])
    assert len(runs) == 1 and runs[0].data.tags["mlflow.runName"] == "broken"
    assert runs[0].data.tags["frugalkit.status"] == "failed"
    assert runs[0].data.metrics["frugalkit.duration_s"] >= 0
