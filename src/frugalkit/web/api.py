"""The JSON API: a twin for every page, and the token-protected write endpoints."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from frugalkit.web import views
from frugalkit.web.auth import Reader, Writer

MAX_BODY_BYTES = 2 * 1024 * 1024  # a report is a few kB; a batch of 100 fits
MAX_BATCH = 500
REMOTE_TIMEOUT_S = 600.0
MAX_WAITING = 32  # queued jobs past which a new evaluation is refused (503)


class RunRequest(BaseModel):
    task: str = Field(description="text, image or audio")
    submission: str = Field(description="http(s) URL of a server speaking the challenge protocol")
    data: str | None = Field(None, description="dataset_name sent to the server")
    test_size: float = Field(0.2, gt=0, lt=1)
    seed: int = 42


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api", tags=["api"])

    @router.get("/home", summary="Totals, latest reports and runs (twin of /)")
    def home(request: Request, _: Reader) -> dict[str, Any]:
        return views.home(request.app.state.fresh_store())

    @router.get(
        "/bench/{task}/leaderboard",
        summary="A task's leaderboard (twin of /bench/{task}/leaderboard)",
    )
    async def leaderboard(
        request: Request,
        task: str,
        _: Reader,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
        points_per_decade: Annotated[float, Query(ge=0, le=10)] = 0.05,
        kind: str | None = None,
        method: str | None = None,
        hardware: str | None = None,
        test_set: str | None = None,
        include_reported: bool = False,
    ) -> Response:
        state = request.app.state
        query: dict[str, Any] = {
            "limit": limit,
            "offset": offset,
            "points_per_decade": points_per_decade,
            "kind": kind,
            "method": method,
            "hardware": hardware,
            "test_set": test_set,
            "include_reported": include_reported,
        }

        def render() -> bytes:
            data = views.leaderboard_page(state.store, state.leaderboards, task, **query)
            return json.dumps(data, default=str).encode()

        key = ("api-leaderboard", task, *query.values())
        body = state.leaderboards.response(state.store, task, key, render)
        return Response(body, media_type="application/json")

    @router.get(
        "/bench/runs/{run_id}",
        summary="One run, or the state of a queued one (twin of /bench/runs/{id})",
    )
    def run(request: Request, run_id: str, _: Reader) -> dict[str, Any]:
        return views.run_page(request.app.state.store, run_id)

    @router.get("/reports", summary="Impact reports, newest first (twin of /reports)")
    def reports(
        request: Request, _: Reader, limit: Annotated[int, Query(ge=1, le=1000)] = 200
    ) -> dict[str, Any]:
        return views.reports_page(request.app.state.fresh_store(), limit)

    @router.get("/reports/{report_id}", summary="One impact report (twin of /reports/{id})")
    def report(request: Request, report_id: str, _: Reader) -> dict[str, Any]:
        return views.report_page(request.app.state.fresh_store(), report_id)

    @router.get(
        "/reports/{report_id}/export",
        summary="A report as JSON, a CodeCarbon CSV row or a model-card block",
    )
    def export(
        request: Request,
        report_id: str,
        _: Reader,
        format: Annotated[str, Query(pattern="^(json|codecarbon|model-card)$")] = "json",
    ) -> Response:
        from frugalkit.impact.exports import to_codecarbon_csv, to_json, to_model_card

        report = views.report_page(request.app.state.fresh_store(), report_id)["report"]
        body, media, suffix = {
            "json": (to_json, "application/json", "json"),
            "codecarbon": (lambda r: to_codecarbon_csv([r]), "text/csv", "csv"),
            "model-card": (to_model_card, "application/yaml", "yaml"),
        }[format]
        name = f"frugalkit-{report['id'][:12]}-{format}.{suffix}"
        return Response(
            body(report),
            media_type=media,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    @router.get("/compare", summary="2 to 5 runs or reports side by side (twin of /compare)")
    def compare(request: Request, _: Reader, ids: str) -> dict[str, Any]:
        return views.compare_page(request.app.state.fresh_store(), [i for i in ids.split(",") if i])

    @router.post(
        "/reports", status_code=201, summary="Ingest ImpactReports (one, or a list of up to 500)"
    )
    async def ingest(request: Request, token: Writer) -> JSONResponse:
        from frugalkit.errors import ConflictError, InputError
        from frugalkit.impact.gate import decode_text, parse_json, validate_report
        from frugalkit.store import save_reports

        body = await _limited_body(request)
        try:
            document = parse_json(decode_text(body, "the body"), "the body")
        except InputError as exc:
            raise HTTPException(400, str(exc)) from None
        payloads = document if isinstance(document, list) else [document]
        if not payloads or len(payloads) > MAX_BATCH:
            raise HTTPException(422, f"send 1 to {MAX_BATCH} reports")
        try:  # all validated before anything is stored
            reports = [
                validate_report(p, f"report {i}" if len(payloads) > 1 else "report")
                for i, p in enumerate(payloads, start=1)
            ]
            stored = save_reports(request.app.state.store, reports)
        except InputError as exc:
            raise HTTPException(422, str(exc)) from None
        except ConflictError as exc:
            raise HTTPException(409, str(exc)) from None
        return JSONResponse(
            {
                "received": len(reports),
                "stored": stored,
                "already_stored": len(reports) - stored,
                "by": token,
            },
            201 if stored else 200,
        )

    @router.post(
        "/bench/runs", status_code=202, summary="Queue the evaluation of an HTTP submission"
    )
    def queue_run(request: Request, body: RunRequest, token: Writer) -> dict[str, Any]:
        return _queue(request, body, token)

    return router


async def _limited_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"the body is over {MAX_BODY_BYTES // 1024} KiB")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"the body is over {MAX_BODY_BYTES // 1024} KiB")
    return body


def _queue(request: Request, body: RunRequest, token: str) -> dict[str, Any]:
    import os

    from frugalkit.bench import get_task
    from frugalkit.bench.jobs import KIND
    from frugalkit.bench.records import unscored
    from frugalkit.bench.remote_guard import check_remote_url
    from frugalkit.bench.submissions import kind_of
    from frugalkit.errors import FrugalkitError
    from frugalkit.jobs import list_jobs, submit
    from frugalkit.store import save_run

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
        check_remote_url(body.submission, request.app.state.settings.remote_allow)
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
    }
    [job] = submit(store, KIND, [inputs])
    return {"id": run_id, "state": "queued", "url": f"/api/bench/runs/{run_id}", "job": job.id}
