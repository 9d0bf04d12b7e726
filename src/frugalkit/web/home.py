"""Home: what frugalkit measures, totals, the latest runs and reports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frugalkit.web import views
from frugalkit.web.twins import twin

NAVIGATION = ("/", "Home")


def build_router() -> APIRouter:
    router = APIRouter()

    @twin(router, "/", "home.html", active="/", api_path="/api/home", summary="Totals and latest")
    def home(request: Request) -> dict[str, Any]:
        return views.home(request.app.state.fresh_store())

    return router
