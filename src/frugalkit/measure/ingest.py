"""Ingest the spool into the store, validating every report against the schema.

A line is removed only after the store has committed it; a line that fails the schema
is moved to `rejected.jsonl` with the reason, never dropped.
"""

from __future__ import annotations

import fcntl
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from frugalkit.measure.spool import REJECTED_FILE, SPOOL_FILE, _append_line
from frugalkit.settings import Settings

if TYPE_CHECKING:
    from frugalkit.impact.report import ImpactReport
    from frugalkit.store import ReportRow, Store

log = logging.getLogger("frugalkit.measure")


def to_row(report: ImpactReport) -> ReportRow:
    return {
        "id": report.id,
        "schema_version": report.schema_version,
        "name": report.name,
        "phase": report.phase,
        "status": report.status,
        "started_at": report.started_at,
        "ended_at": report.ended_at,
        "energy_kwh": report.energy.facility_kwh,
        "ghg_g": report.ghg.location_based_g,
        "payload": report.model_dump(mode="json"),
    }


def validate(payload: Any) -> ImpactReport:
    """An ImpactReport, or InputError naming the first field that fails the schema."""
    from pydantic import ValidationError

    from frugalkit.errors import InputError
    from frugalkit.impact.report import ImpactReport

    try:
        return ImpactReport.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "report"
        raise InputError(
            f"report rejected: field {where}: {first['msg']} ({exc.error_count()} error(s))"
        ) from None


@dataclass(frozen=True)
class Ingested:
    stored: int
    rejected: int


def ingest(store: Store, settings: Settings) -> Ingested:
    """Move every spooled report into the store."""
    from frugalkit.errors import InputError
    from frugalkit.store import save_reports

    path = settings.spool_dir / SPOOL_FILE
    if not path.exists() or path.stat().st_size == 0:
        return Ingested(0, 0)
    with path.open("r+", encoding="utf-8") as spool:
        fcntl.flock(spool, fcntl.LOCK_EX)
        rows, rejected = [], 0
        for number, line in enumerate(spool.read().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append(to_row(validate(json.loads(line))))
            except (json.JSONDecodeError, InputError) as exc:
                rejected += 1
                reason = str(exc).splitlines()[0]
                log.warning("spooled report %d rejected: %s", number, reason)
                record = json.dumps({"reason": reason, "line": line}) + "\n"
                _append_line(settings.spool_dir / REJECTED_FILE, record)
        stored = save_reports(store, rows)
        spool.truncate(0)
    return Ingested(stored, rejected)
