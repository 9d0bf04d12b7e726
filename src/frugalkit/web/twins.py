"""One handler, two renderings: a page at PATH and its JSON twin at /api/PATH come from
the same function, with the same query parameters, so they cannot drift apart.

    @twin(router, "/jobs", "jobs.html", active="/jobs")
    def jobs(request: Request, state: str | None = None) -> dict[str, Any]:
        return {...}
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, Response

from frugalkit.impact.display import finite
from frugalkit.web.auth import readable

DataView = Callable[..., dict[str, Any]]


class FiniteJSONResponse(JSONResponse):
    """The app's JSON: any value that is stored can be rendered (see `finite`)."""

    def render(self, content: Any) -> bytes:
        return super().render(finite(content))


def twin(
    router: APIRouter,
    path: str,
    template: str,
    *,
    active: str,
    summary: str = "",
    api_path: str | None = None,
    response_model: Any = None,
) -> Callable[[DataView], DataView]:
    """Route `view` at `path` (HTML through `template`) and at `/api{path}` (JSON), or
    `api_path` when given."""

    def register(view: DataView) -> DataView:
        @functools.wraps(view)
        def endpoint(request: Request, *args: Any, **kwargs: Any) -> Response:
            data = view(request, *args, **kwargs)
            if request.url.path.startswith("/api/"):
                return FiniteJSONResponse(jsonable_encoder(data))
            response: Response = request.app.state.templates.TemplateResponse(
                request, template, {"active": active, "data": data}
            )
            return response

        dependencies = [Depends(readable)]
        router.add_api_route(
            path,
            endpoint,
            methods=["GET"],
            include_in_schema=False,
            dependencies=dependencies,
            response_class=HTMLResponse,
        )
        router.add_api_route(
            api_path or f"/api{path}",
            endpoint,
            methods=["GET"],
            dependencies=dependencies,
            summary=summary or f"JSON twin of {path}",
            tags=["api"],
            response_model=response_model,  # documents the record in /openapi.json
        )
        return view

    return register
