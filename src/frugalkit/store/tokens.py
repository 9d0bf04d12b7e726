"""API tokens: `frugalkit tokens create|list|revoke`; only a hash is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from frugalkit.errors import InputError, NotFoundError
from frugalkit.store.models import ApiTokenRow
from frugalkit.store.store import Store

PREFIX = "fk_"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, name: str) -> str:
    """A new secret for `name`, shown once; its SHA-256 is stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InputError("a token name must have 1 to 100 characters")
    secret = PREFIX + secrets.token_urlsafe(32)
    with store.session() as session, session.begin():
        if session.get(ApiTokenRow, name) is not None:
            raise InputError(f"a token named {name!r} exists; revoke it or choose another name")
        session.add(
            ApiTokenRow(name=name, token_sha256=_digest(secret), created_at=datetime.now(UTC))
        )
    return secret


def list_tokens(store: Store) -> list[dict[str, Any]]:
    with store.session() as session:
        rows = session.scalars(select(ApiTokenRow).order_by(ApiTokenRow.created_at))
        return [
            {"name": r.name, "created_at": r.created_at, "revoked_at": r.revoked_at} for r in rows
        ]


def revoke_token(store: Store, name: str) -> None:
    with store.session() as session, session.begin():
        row = session.get(ApiTokenRow, name)
        if row is None:
            raise NotFoundError(f"no token named {name!r}; `frugalkit tokens list` shows them")
        row.revoked_at = row.revoked_at or datetime.now(UTC)


def token_name(store: Store, secret: str) -> str | None:
    """The name of a valid, unrevoked token, else None."""
    with store.session() as session:
        row = session.scalars(
            select(ApiTokenRow).where(ApiTokenRow.token_sha256 == _digest(secret))
        ).first()
        return row.name if row is not None and row.revoked_at is None else None


def token_digest(store: Store, name: str) -> str | None:
    """The stored SHA-256 of an unrevoked token named `name` (keys its browser sessions)."""
    with store.session() as session:
        row = session.get(ApiTokenRow, name)
        return row.token_sha256 if row is not None and row.revoked_at is None else None
