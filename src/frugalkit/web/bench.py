"""The bench: the tasks, each task's leaderboard (cached), a run, and queued evaluations
of HTTP submissions (as jobs)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError

from frugalkit import i18n
from frugalkit.bench import TASKS, get_task, remote_guard
from frugalkit.bench.jobs import KIND
from frugalkit.bench.records import BenchRun, Leaderboard, unscored
from frugalkit.bench.service import board_csv
from frugalkit.bench.submissions import kind_of
from frugalkit.errors import FrugalkitError
from frugalkit.impact.display import finite
from frugalkit.jobs import list_jobs, submit
from frugalkit.store import save_run
from frugalkit.web import views
from frugalkit.web.auth import Reader, Writer, bounded, readable
from frugalkit.web.twins import twin

NAVIGATION = ("/bench", "Bench")
REMOTE_TIMEOUT_S = 600.0
MAX_WAITING = 32  # queued jobs past which a new evaluation is refused (503)
MAX_RUN_BODY_BYTES = 64 * 1024  # a URL and four settings


@dataclass
class LeaderboardQuery:
    """The query of a leaderboard: its page, its filters and how it ranks."""

    limit: Annotated[int, Query(ge=1, le=1000)] = 100
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0  # an SQL INTEGER on either back-end
    points_per_decade: Annotated[float, Query(ge=0, le=10)] = 0.05
    kind: str | None = None
    method: str | None = None
    hardware: str | None = None
    test_set: str | None = None
    include_reported: bool = False


BoardQuery = Annotated[LeaderboardQuery, Depends()]


class RunRequest(BaseModel):
    task: str = Field(description="text, image or audio")
    submission: str = Field(description="http(s) URL of a server speaking the challenge protocol")
    data: str | None = Field(None, description="dataset_name sent to the server")
    test_size: float = Field(0.2, gt=0, lt=1)
    seed: int = 42


def build_router() -> APIRouter:
    router = APIRouter(tags=["api"])

    @twin(router, "/bench", "bench.html", active="/bench", summary="The tasks")
    def bench(request: Request) -> dict[str, Any]:
        return {"tasks": [{"id": t.id, "title": t.title, "kind": t.kind} for t in TASKS.values()]}

    @twin(
        router,
        "/bench/runs/{run_id}",
        "run.html",
        active="/bench",
        summary="One run, or the state of a queued one",
        response_model=BenchRun,
    )
    def run(request: Request, run_id: str) -> dict[str, Any]:
        return views.run_page(request.app.state.store, run_id)

    async def leaderboard(request: Request, task: str, board: BoardQuery) -> Response:
        """A task's leaderboard on one test set; rendered once per change of its runs."""
        state = request.app.state
        as_json = request.url.path.startswith("/api/")
        query = asdict(board)

        def render() -> bytes:
            data = views.leaderboard_page(state.store, state.leaderboards, task, **query)
            if as_json:
                return json.dumps(finite(data), default=str).encode()
            page = state.templates.TemplateResponse(
                request, "leaderboard.html", {"active": "/bench", "data": data}
            )
            return bytes(page.body)

        key = (as_json, i18n.current.get(), task, *query.values())
        body = state.leaderboards.response(state.store, task, key, render)
        if as_json:
            return Response(body, media_type="application/json")
        return HTMLResponse(body)

    readers = [Depends(readable)]
    router.add_api_route(
        "/bench/{task}/leaderboard",
        leaderboard,
        methods=["GET"],
        include_in_schema=False,
        dependencies=readers,
        response_class=HTMLResponse,
    )
    router.add_api_route(
        "/api/bench/{task}/leaderboard",
        leaderboard,
        methods=["GET"],
        dependencies=readers,
        summary="A task's leaderboard (twin of /bench/{task}/leaderboard)",
        response_model=Leaderboard,
    )

    @router.get(
        "/api/bench/{task}/leaderboard.csv",
        summary="A task's leaderboard as CSV (the page's filters apply)",
        response_class=Response,
    )
    def leaderboard_csv(request: Request, task: str, _: Reader, board: BoardQuery) -> Response:
        state = request.app.state
        query = {**asdict(board), "limit": 1000, "offset": 0}  # the whole board
        data = views.leaderboard_page(state.store, state.leaderboards, task, **query)
        return Response(
            board_csv(data["entries"]),
            media_type="text/csv",
            headers={"content-disposition": f'attachment; filename="{task}-leaderboard.csv"'},
        )

    @router.post(
        "/api/bench/runs",
        status_code=202,
        summary="Queue the evaluation of an HTTP submission",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": RunRequest.model_json_schema()}},
            }
        },
    )
    async def queue_run(request: Request, token: Writer) -> dict[str, Any]:
        """The token first, then at most 64 KiB of body: FastAPI reads a declared body
        before any dependency, so an anonymous caller made the server read it all."""
        bounded(request, MAX_RUN_BODY_BYTES, "an evaluation request")
        try:
            body = RunRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
        return await run_in_threadpool(_queue, request, body, token)

    return router


def _queue(request: Request, body: RunRequest, token: str) -> dict[str, Any]:
    try:
        task = get_task(body.task)
        if kind_of(body.submission) != "http":
            raise HTTPException(
                422, "the web API evaluates http(s) submissions only; run others with the CLI"
            )
        if body.data not in (None, task.hub_dataset, task.builtin):
            raise HTTPException(
                422, f"data must be {task.hub_dataset} or {task.builtin}; no file is opened"
            )
        remote_guard.check_remote_url(body.submission, request.app.state.settings.remote_allow)
    except FrugalkitError as exc:
        raise HTTPException(422, str(exc)) from None
    store = request.app.state.store
    waiting = len(list_jobs(store, state="queued", limit=MAX_WAITING + 1))
    if waiting >= MAX_WAITING:
        raise HTTPException(
            503,
            f"the evaluation queue is full ({waiting} waiting); try again later",
            headers={"retry-after": "60"},
        )
    run_id = os.urandom(8).hex()
    queued = {
        "id": run_id,
        "task": task.id,
        "submission": body.submission,
        "kind": "http",
        "created_at": datetime.now(UTC),
        "private": False,
        **unscored("queued", "reported", "remote", payload={"queued_by": token}),
    }

    save_run(store, queued)
    inputs = {
        "task": task.id,
        "submission": body.submission,
        "data": body.data,
        "test_size": body.test_size,
        "seed": body.seed,
        "time_limit_s": REMOTE_TIMEOUT_S,
        "run_id": run_id,
        # The worker checks the host again and connects to the address it checked.
        "remote_allow": request.app.state.settings.remote_allow,
    }
    [job] = submit(store, KIND, [inputs])
    return {"id": run_id, "state": "queued", "url": f"/api/bench/runs/{run_id}", "job": job.id}
