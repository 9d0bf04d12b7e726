"""The library's pages and JSON twins: ask a question, read the cited answer and its
footprint; the indexed documents, each served locally at the cited page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import FileResponse, Response

from frugalkit.errors import NotFoundError
from frugalkit.library import service
from frugalkit.library.generate import Endpoint
from frugalkit.library.records import Filters
from frugalkit.store.tokens import token_name
from frugalkit.web.auth import bearer, readable, session_name
from frugalkit.web.throttle import Throttle
from frugalkit.web.twins import twin

NAVIGATION = ("/library", "Library")


def signed_in(request: Request) -> str | None:
    """The caller's token name (bearer header or browser session), else None."""
    token = bearer(request)
    if token is not None:
        return token_name(request.app.state.store, token)
    return session_name(request)


def build_router() -> APIRouter:
    router = APIRouter()
    model_calls = Throttle()

    @twin(
        router,
        "/library",
        "library.html",
        active="/library",
        summary="Ask the indexed reports; every sentence of the answer is cited",
    )
    def library(
        request: Request,
        q: Annotated[str, Query(max_length=service.MAX_QUESTION_CHARS)] = "",
        audience: str = "citizen",
        document: str | None = None,
        generate: bool = False,
    ) -> dict[str, Any]:
        settings = request.app.state.settings
        who = signed_in(request) if generate else None
        if generate and who is None:  # a paid model is called for signed-in users only
            raise HTTPException(401, "sign in (/login) to have a model write the answer")
        with service.open_index(settings) as index:
            filters = Filters(document=document or None)
            answer = None
            if q.strip() and generate:
                with model_calls.slot(who or "?"):
                    answer = service.ask(settings, index, q, audience, filters, True, keep=False)
            elif q.strip():  # reading a page stores nothing: no answer, no report
                answer = service.ask(settings, index, q, audience, filters, keep=False)
            return {
                "q": q,
                "audience": audience,
                "document": document,
                "generate": generate,
                "can_generate": Endpoint.from_env() is not None,
                "answer": answer,
                "documents": index.documents(),
            }

    @twin(
        router,
        "/library/documents/{document_id}",
        "library_document.html",
        active="/library",
        summary="One indexed document",
    )
    def document_view(request: Request, document_id: str) -> dict[str, Any]:
        with service.open_index(request.app.state.settings) as index:
            return {"document": index.document(document_id)}

    @router.get(
        "/library/documents/{document_id}/file",
        dependencies=[Depends(readable)],
        tags=["api"],
        summary="The stored PDF (open it at #page=N)",
    )
    def document_file(request: Request, document_id: str) -> FileResponse:
        with service.open_index(request.app.state.settings) as index:
            document = index.document(document_id)
            path = index.file_path(document)
        if path.suffix != ".pdf":  # a stored web page is never served: it could carry scripts
            raise NotFoundError(f"{document['title']} is a web page: open it at its address")
        if not path.is_file():
            raise NotFoundError(f"the stored copy of {document['title']} is missing")
        return FileResponse(
            path, media_type="application/pdf", headers={"content-disposition": "inline"}
        )

    @router.get(
        "/library/documents/{document_id}/pages/{number}.png",
        dependencies=[Depends(readable)],
        tags=["api"],
        summary="A page of a stored PDF as an image (a cited figure's page)",
    )
    def document_page(
        request: Request,
        document_id: str,
        number: Annotated[int, Path(ge=1, le=10_000)],
        figure: bool = False,
    ) -> Response:
        from frugalkit.library.render import page_png

        with service.open_index(request.app.state.settings) as index:
            document = index.document(document_id)
            path = index.file_path(document)
        if path.suffix != ".pdf" or not path.is_file():
            raise NotFoundError(f"{document['title']} has no stored PDF to draw")
        if number > int(document["pages"] or 0):
            raise NotFoundError(f"{document['title']} has {document['pages']} pages")
        headers = {"cache-control": "max-age=86400"}
        return Response(page_png(path, number, figure), media_type="image/png", headers=headers)

    return router
