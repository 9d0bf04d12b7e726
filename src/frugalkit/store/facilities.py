"""Stored facilities: plain dicts in and out (frugalkit.datacenter owns their meaning)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from frugalkit.errors import NotFoundError
from frugalkit.store.models import FacilityRow
from frugalkit.store.store import Store


def save_facility(store: Store, name: str, country: str, payload: dict[str, Any]) -> None:
    with store.session() as session, session.begin():
        session.merge(
            FacilityRow(name=name, country=country, payload=payload, updated_at=datetime.now(UTC))
        )


def get_facility(store: Store, name: str) -> dict[str, Any]:
    with store.session() as session:
        row = session.get(FacilityRow, name)
        if row is None:
            known = ", ".join(session.scalars(select(FacilityRow.name))) or "none yet"
            raise NotFoundError(
                f"no facility {name!r} (registered: {known}); `frugalkit datacenter add` one"
            )
        return dict(row.payload)


def list_facilities(store: Store) -> list[dict[str, Any]]:
    with store.session() as session:
        return [
            dict(r.payload) for r in session.scalars(select(FacilityRow).order_by(FacilityRow.name))
        ]


def delete_facility(store: Store, name: str) -> None:
    """Remove a registered facility (its files stay where they are)."""
    with store.session() as session, session.begin():
        row = session.get(FacilityRow, name)
        if row is None:
            raise NotFoundError(f"no facility {name!r}; `frugalkit datacenter list` shows them")
        session.delete(row)
