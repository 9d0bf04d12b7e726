"""Impact reports: the list, one report with its exports, side-by-side comparison, and
token-protected ingestion."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from frugalkit.impact.report import ImpactReport
from frugalkit.web import comparison, views
from frugalkit.web.auth import Reader, Writer
from frugalkit.web.twins import twin

NAVIGATION = ("/reports", "Reports")


@dataclass
class ReportsQuery:
    """The reports list's page, search, filters and order."""

    limit: Annotated[int, Query(ge=1, le=1000)] = 50
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0  # an SQL INTEGER on either back-end
    q: str | None = None
    status: str | None = None
    phase: str | None = None
    zone: str | None = None
    sort: str = "newest"
    bench: bool = False


class ReportPage(BaseModel):
    report: ImpactReport
    equivalents: Any


MAX_BODY_BYTES = 2 * 1024 * 1024  # a report is a few kB; a batch of 100 fits
MAX_BATCH = 500


def build_router() -> APIRouter:
    router = APIRouter(tags=["api"])

    @twin(router, "/reports", "reports.html", active="/reports", summary="Reports, newest first")
    def reports(request: Request, query: Annotated[ReportsQuery, Depends()]) -> dict[str, Any]:
        return views.reports_page(request.app.state.fresh_store(), **asdict(query))

    @twin(
        router,
        "/reports/{report_id}",
        "report.html",
        active="/reports",
        summary="One impact report and its everyday equivalents",
        response_model=ReportPage,
    )
    def report(request: Request, report_id: str) -> dict[str, Any]:
        return views.report_page(request.app.state.fresh_store(), report_id)

    @twin(router, "/compare", "compare.html", active="", summary="2 to 5 runs or reports")
    def compare(request: Request, ids: Annotated[list[str], Query()]) -> dict[str, Any]:
        """`ids=a,b` or `ids=a&ids=b` (the check boxes of a list)."""
        return comparison.compare_page(request.app.state.fresh_store(), ids)

    @router.get(
        "/api/reports/{report_id}/export",
        summary="A report as JSON, a CodeCarbon CSV row, a model-card block or BoAmps JSON",
    )
    def export(
        request: Request,
        report_id: str,
        _: Reader,
        format: Annotated[str, Query(pattern="^(json|codecarbon|model-card|boamps)$")] = "json",
    ) -> Response:
        from frugalkit.impact.boamps import to_boamps
        from frugalkit.impact.exports import to_codecarbon_csv, to_json, to_model_card

        report = views.report_page(request.app.state.fresh_store(), report_id)["report"]
        body, media, suffix = {
            "json": (to_json, "application/json", "json"),
            "codecarbon": (lambda r: to_codecarbon_csv([r]), "text/csv", "csv"),
            "model-card": (to_model_card, "application/yaml", "yaml"),
            "boamps": (to_boamps, "application/json", "json"),
        }[format]
        name = f"frugalkit-{report['id'][:12]}-{format}.{suffix}"
        return Response(
            body(report),
            media_type=media,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    @router.post(
        "/api/reports",
        status_code=201,
        summary="Ingest ImpactReports (one, or a list of up to 500)",
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
