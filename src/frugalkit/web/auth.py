"""Who may read and write: bearer tokens for scripts, a session cookie for browsers.

Reads are public unless FRUGALKIT_WEB_PRIVATE=1; then every page and JSON route checks
the caller *before* looking anything up, so an unknown id and a forbidden one answer the
same 401. A browser signs in at /login with a token; the cookie it gets carries the
token's name, an expiry and an HMAC keyed by the token's stored hash: no session table,
and revoking the token ends its sessions. Writes take the bearer header only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frugalkit.store.tokens import token_digest, token_name

COOKIE = "frugalkit_session"
SESSION_S = 12 * 3600
MAX_FORM_BYTES = 4096


def bounded(request: Request, limit_bytes: int, what: str) -> None:
    """Refuse a body over `limit_bytes` from its Content-Length, before reading it."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise HTTPException(411, f"{what} needs a Content-Length header")
    if int(declared) > limit_bytes:
        raise HTTPException(413, f"{what} is at most {limit_bytes >> 10:,} KiB")


def same_origin(request: Request) -> None:
    """A form posted from another site is refused: it could sign a visitor out, into an
    account or a team of the attacker's, or upload in the visitor's name."""
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site")
    host = request.headers.get("host", "")
    if site not in (None, "same-origin", "none") or (
        origin is not None and origin.split("://", 1)[-1] != host
    ):
        raise HTTPException(403, "this form can only be sent from this site's own pages")


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _signature(digest: str, message: str) -> str:
    return hmac.new(digest.encode(), message.encode(), hashlib.sha256).hexdigest()


def session_cookie(name: str, digest: str, now_s: float | None = None) -> str:
    encoded = base64.urlsafe_b64encode(name.encode()).decode()
    message = f"{encoded}.{int((now_s or time.time()) + SESSION_S)}"
    return f"{message}.{_signature(digest, message)}"


def session_name(request: Request) -> str | None:
    """The token name behind a valid, unexpired session cookie, else None."""
    value = request.cookies.get(COOKIE, "")
    encoded, _, rest = value.partition(".")
    expiry, _, signature = rest.partition(".")
    if not (expiry.isdigit() and int(expiry) > time.time() and signature):
        return None
    try:
        name = base64.urlsafe_b64decode(encoded.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    digest = token_digest(request.app.state.store, name)
    expected = _signature(digest, f"{encoded}.{expiry}") if digest else ""
    return name if digest and hmac.compare_digest(expected, signature) else None


def require_token(request: Request) -> str:
    """The name of the caller's valid bearer token, or 401."""
    token = bearer(request)
    if token is None:
        raise HTTPException(
            401, "a token is required: Authorization: Bearer <token> (frugalkit tokens create)"
        )
    name = token_name(request.app.state.store, token)
    if name is None:
        raise HTTPException(401, "this token is unknown or revoked")
    return name


async def readable(request: Request) -> None:
    """Reads are public unless FRUGALKIT_WEB_PRIVATE=1: then a token or a session.
    (async: public reads take no thread-pool hop; the private check is one indexed read.)"""
    if not request.app.state.private:
        return
    if bearer(request) is not None:
        require_token(request)
    elif session_name(request) is None:
        raise HTTPException(401, "this frugalkit is private: sign in at /login with a token")


Reader = Annotated[None, Depends(readable)]
Writer = Annotated[str, Depends(require_token)]


def _safe_next(target: str) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/") -> Response:
        return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
            request,
            "login.html",
            {
                "active": "",
                "next": _safe_next(next),
                "error": None,
                "private": request.app.state.private,
            },
        )

    @router.post("/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        same_origin(request)
        bounded(request, MAX_FORM_BYTES, "a sign-in form")
        body = (await request.body())[:MAX_FORM_BYTES].decode("utf-8", "replace")
        form = {k: v[0] for k, v in parse_qs(body).items()}
        target = _safe_next(form.get("next", "/"))
        store = request.app.state.store
        name = token_name(store, form.get("token", "").strip())
        digest = token_digest(store, name) if name else None
        if name is None or digest is None:
            return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
                request,
                "login.html",
                {
                    "active": "",
                    "next": target,
                    "error": "This token is unknown or revoked.",
                    "private": request.app.state.private,
                },
                status_code=401,
            )
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE,
            session_cookie(name, digest),
            max_age=SESSION_S,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @router.post("/logout")
    def logout(request: Request) -> Response:
        same_origin(request)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")
        return response

    return router
