"""The jobs page and its JSON twin: queued work, its state, worker and errors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from frugalkit.errors import InputError
from frugalkit.jobs import list_jobs, reap
from frugalkit.web.twins import twin

NAVIGATION = ("/jobs", "Jobs")
STATES = ("queued", "running", "completed", "failed", "cancelled")


def build_router() -> APIRouter:
    router = APIRouter()

    @twin(router, "/jobs", "jobs.html", active="/jobs", summary="Jobs, newest first")
    def jobs(
        request: Request,
        state: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        if state is not None and state not in STATES:
            raise InputError(f"state must be one of {', '.join(STATES)} (got {state!r})")
        store = request.app.state.store
        reap(store, request.app.state.settings.job_stale_s)
        found = list_jobs(store, state, limit=limit)
        return {
            "state": state,
            "states": STATES,
            "limit": limit,
            "jobs": [j.model_dump(mode="json") for j in found],
        }

    return router
