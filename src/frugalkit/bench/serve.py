"""Serve any submission through the original Frugal AI Challenge protocol.

`POST /text` with `{"test_size": 0.2, "test_seed": 42, "dataset_name": "..."}` answers
the original fields, so existing clients work unchanged. As in the original, data loading
and splitting come first and only inference is measured.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from frugalkit.bench.data import load_task_data
from frugalkit.bench.metrics import score
from frugalkit.bench.predictions import BadPredictions, normalise
from frugalkit.bench.submissions import describe, load_predictor
from frugalkit.bench.tasks import TASKS, Task
from frugalkit.errors import FrugalkitError

# CodeCarbon's record minus what the original left out of `emissions_data`.
DROPPED = ("timestamp", "project_name", "experiment_id", "latitude", "longitude")


class EvaluationRequest(BaseModel):
    test_size: float = Field(0.2, gt=0, lt=1)
    test_seed: int = 42
    dataset_name: str | None = None


def create_submission_app(
    submission: str, *, data: str | None = None, username: str = "frugalkit", space_url: str = ""
) -> FastAPI:
    """An app with only the protocol's routes; `data` overrides dataset_name."""
    app = FastAPI(title="frugalkit submission")
    add_submission_routes(app, submission, data=data, username=username, space_url=space_url)
    return app


def add_submission_routes(
    app: FastAPI,
    submission: str,
    *,
    data: str | None = None,
    username: str = "frugalkit",
    space_url: str = "",
) -> None:
    """POST /text, /image and /audio answering for `submission`, on any FastAPI app."""
    from frugalkit.impact.exports import codecarbon_row
    from frugalkit.measure import track

    predictor = load_predictor(submission)
    description = describe(predictor)

    def evaluate(task: Task, request: EvaluationRequest) -> dict[str, Any]:
        dataset_name = request.dataset_name or task.hub_dataset
        # A client names one of the known datasets, never a path on this server.
        accepted = [task.hub_dataset, task.builtin, *([data] if data else [])]
        if dataset_name not in accepted:
            named = f"{task.hub_dataset} or {task.builtin}"
            own = " (or the name of the data this server was started with)" if data else ""
            raise HTTPException(
                status_code=422, detail=f"dataset_name must be {named}{own}; no file is opened"
            )
        try:
            task_data = load_task_data(
                task, data or dataset_name, test_size=request.test_size, seed=request.test_seed
            )
        except FrugalkitError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        with track(
            f"{task.id}:inference",
            phase="inference",
            units=len(task_data.test),
            functional_unit="sample",
            persist=False,
        ) as run:
            raw = predictor.predict(task_data.test.inputs)
        try:
            predicted = normalise(task, raw, len(task_data.test))
        except BadPredictions as exc:
            raise HTTPException(status_code=500, detail=f"the submission's output: {exc}") from None
        report = run.report
        assert report is not None
        metrics = score(task, task_data.test.labels, predicted)
        record = {k: v for k, v in codecarbon_row(report).items() if k not in DROPPED}
        if task.kind == "detection":  # the original image route's fields
            scores = {k: metrics[k] for k in ("classification_accuracy", "mean_iou")}
        else:
            scores = {"accuracy": metrics["accuracy"]}
        return {
            "username": username,
            "space_url": space_url,
            "submission_timestamp": datetime.now(UTC).isoformat(),
            "model_description": description,
            **scores,
            "energy_consumed_wh": record["energy_consumed"] * 1000,
            "emissions_gco2eq": record["emissions"] * 1000,
            "emissions_data": record,
            "api_route": f"/{task.id}",
            "dataset_config": {
                "dataset_name": dataset_name,
                "test_size": request.test_size,
                "test_seed": request.test_seed,
            },
        }

    for task in TASKS.values():
        app.add_api_route(
            f"/{task.id}",
            _route(evaluate, task),
            methods=["POST"],
            summary=task.title,
            tags=["challenge"],
        )


def _route(evaluate: Any, task: Task) -> Any:
    def route(request: EvaluationRequest) -> dict[str, Any]:
        return evaluate(task, request)  # type: ignore[no-any-return]

    return route
