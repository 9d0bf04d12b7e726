"""The reader's language for each request (issue 23): `?lang=fr` (kept in a cookie for
the next pages), else the `lang` cookie, else `Accept-Language`; then English. Pages,
numbers and dates follow it; `Content-Language` says which, and `Vary` tells caches."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frugalkit import i18n

COOKIE_MAX_AGE_S = 365 * 24 * 3600


class Language:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = (query.get("lang") or [""])[0]
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
        except Exception:  # a malformed cookie header: as if there were none
            cookie = SimpleCookie()
        kept = cookie["lang"].value if "lang" in cookie else None
        locale = i18n.negotiate(asked if asked in i18n.LANGUAGES else kept,
                                headers.get(b"accept-language", b"").decode("latin-1"))  # fmt: skip
        token = i18n.current.set(locale)

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-language", locale.encode()))
                headers.append((b"vary", b"Accept-Language, Cookie"))
                if asked in i18n.LANGUAGES and asked != kept:
                    value = f"lang={asked}; Max-Age={COOKIE_MAX_AGE_S}; Path=/; SameSite=Lax"
                    headers.append((b"set-cookie", value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, tagged)
        finally:
            i18n.current.reset(token)
