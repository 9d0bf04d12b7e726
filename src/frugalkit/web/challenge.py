"""Challenges: the list, each challenge's boards, a team's own submissions and uploads.

Teams use their challenge token: as a bearer header on the API, or (browsers) typed once
on the team page, which keeps it in an HttpOnly, SameSite=Strict cookie scoped to that
challenge's pages. The size of an upload is checked from its Content-Length, and the
token, before any byte of the body is read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import RedirectResponse, Response

from frugalkit import i18n
from frugalkit.challenge import add_team, board, mine, upload
from frugalkit.challenge.service import create_from_text, spec_of, team_of
from frugalkit.challenge.spec import MAX_SPEC_BYTES
from frugalkit.errors import AccessError, FrugalkitError
from frugalkit.store.challenges import list_challenges
from frugalkit.web.auth import Writer, bearer, bounded, same_origin
from frugalkit.web.twins import twin

NAVIGATION = ("/challenges", "Challenges")
COOKIE = "frugalkit_team"
FORM_OVERHEAD_BYTES = 64 * 1024  # multipart boundaries and the task field


def language(request: Request) -> str:
    """The reader's language, as the whole site negotiates it (web/language.py)."""
    return i18n.current.get()


def _team(request: Request, challenge_id: str) -> dict[str, Any]:
    token = bearer(request) or request.cookies.get(f"{COOKIE}_{challenge_id}")
    try:
        return team_of(request.app.state.store, challenge_id, token)
    except AccessError as exc:
        raise HTTPException(403, str(exc)) from None


async def _upload(request: Request, challenge_id: str, team: dict[str, Any]) -> dict[str, Any]:
    store = request.app.state.store
    spec, _ = spec_of(store, challenge_id)
    limit = (spec.limits.upload_mb << 20) + FORM_OVERHEAD_BYTES
    bounded(request, limit, "an upload")
    form = await request.form(max_files=1, max_fields=4, max_part_size=limit)
    file, task = form.get("file"), form.get("task") or spec.tasks[0].task
    if file is None or isinstance(file, str) or not isinstance(task, str):
        raise HTTPException(422, "send the submission as the multipart field 'file'")
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise HTTPException(413, f"an upload is at most {spec.limits.upload_mb} MB")
    return upload(store, challenge_id, team, task, file.filename or "submission", content)


def build_router() -> APIRouter:
    router = APIRouter(tags=["challenges"])

    @twin(router, "/challenges", "challenges.html", active="/challenges", summary="Challenges")
    def challenges(request: Request) -> dict[str, Any]:
        found = list_challenges(request.app.state.store)
        return {"language": language(request), "challenges": jsonable_encoder(found)}

    @twin(
        router,
        "/challenges/{challenge_id}",
        "challenge.html",
        active="/challenges",
        summary="A challenge and the board of one of its tasks",
    )
    def challenge(request: Request, challenge_id: str, task: str | None = None) -> dict[str, Any]:
        store = request.app.state.store
        spec, found = spec_of(store, challenge_id)
        chosen = task or spec.tasks[0].task
        now = datetime.now(UTC)
        phase = spec.phase_at(now)
        return {
            "language": language(request),
            "spec": spec.model_dump(mode="json"),
            "published_at": found["published_at"],
            "phase": phase.name if phase else None,
            "next_phase": (n := spec.next_phase(now)) and n.model_dump(mode="json"),
            "board": jsonable_encoder(board(store, challenge_id, chosen, now)),
        }

    @twin(
        router,
        "/challenges/{challenge_id}/mine",
        "challenge_mine.html",
        active="/challenges",
        summary="A team's own submissions (team token: bearer header or the team cookie)",
    )
    def my_submissions(request: Request, challenge_id: str) -> dict[str, Any]:
        store = request.app.state.store
        spec, _ = spec_of(store, challenge_id)
        page = {"language": language(request), "spec": spec.model_dump(mode="json")}
        signed_in = bearer(request) or request.cookies.get(f"{COOKIE}_{challenge_id}")
        if not signed_in and not request.url.path.startswith("/api/"):
            return page | {"team": None, "submissions": []}  # the page asks for the token
        team = _team(request, challenge_id)
        return page | {
            "team": team["name"],
            "submissions": jsonable_encoder(mine(store, challenge_id, team)),
        }

    @router.post(
        "/api/challenges/{challenge_id}/submissions",
        status_code=202,
        summary="Upload a submission as a team (multipart: file, task); queued for the sandbox",
    )
    async def api_upload(request: Request, challenge_id: str) -> dict[str, Any]:
        team = _team(request, challenge_id)  # before any byte of the body
        queued = await _upload(request, challenge_id, team)
        return {"id": queued["id"], "state": "queued", "job": queued["job_id"]}

    @router.post(
        "/api/challenges",
        status_code=201,
        summary="Create a challenge from its YAML file (organisers: a write-API token)",
    )
    async def api_create(request: Request, _: Writer) -> dict[str, Any]:
        bounded(request, MAX_SPEC_BYTES, "a challenge file")
        spec = create_from_text(
            request.app.state.store, (await request.body()).decode("utf-8", "replace")
        )
        return {"id": spec.id, "url": f"/challenges/{spec.id}"}

    @router.post(
        "/api/challenges/{challenge_id}/teams",
        status_code=201,
        summary="Add a team; its token is in the answer, once (organisers: a write-API token)",
    )
    async def api_add_team(request: Request, challenge_id: str, _: Writer) -> dict[str, Any]:
        bounded(request, 4096, "a team")
        body = await request.json()
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str):
            raise HTTPException(422, 'send {"name": "the team\'s name"}')
        return {"name": name, "token": add_team(request.app.state.store, challenge_id, name)}

    @router.post("/challenges/{challenge_id}/team", include_in_schema=False)
    async def sign_in(request: Request, challenge_id: str) -> Response:
        same_origin(request)
        bounded(request, 4096, "a sign-in form")
        token = str((await request.form(max_files=0, max_fields=2)).get("token", "")).strip()
        try:
            team_of(request.app.state.store, challenge_id, token)
        except AccessError as exc:
            raise HTTPException(403, str(exc)) from None
        response = RedirectResponse(f"/challenges/{challenge_id}/mine", status_code=303)
        response.set_cookie(
            f"{COOKIE}_{challenge_id}",
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path=f"/challenges/{challenge_id}",
        )
        return response

    @router.post("/challenges/{challenge_id}/mine", include_in_schema=False)
    async def page_upload(request: Request, challenge_id: str) -> Response:
        same_origin(request)
        team = _team(request, challenge_id)
        try:
            await _upload(request, challenge_id, team)
        except (FrugalkitError, HTTPException) as exc:  # shown above the form, not as JSON
            status = exc.status_code if isinstance(exc, HTTPException) else _status(exc)
            message = str(exc.detail) if isinstance(exc, HTTPException) else str(exc)
            data = my_submissions(request, challenge_id) | {"error": message}
            return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
                request,
                "challenge_mine.html",
                {"active": "/challenges", "data": data},
                status_code=status,
            )
        return RedirectResponse(f"/challenges/{challenge_id}/mine", status_code=303)

    return router


def _status(exc: FrugalkitError) -> int:
    from frugalkit.errors import QuotaError

    return 429 if isinstance(exc, QuotaError) else 422
