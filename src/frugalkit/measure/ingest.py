"""Ingest the spool into the store, validating every report at the gate.

A line is removed only after the store has committed it. A line that fails for any
reason of its own (encoding, JSON, schema, a conflicting id, a value the database
refuses) moves to `rejected.jsonl` with the reason, and the other lines go on; a database
that cannot be reached keeps the whole spool for the next try. Runs whose measuring
process died (`kill -9`, a reboot) are then marked interrupted.
"""

from __future__ import annotations

import base64
import fcntl
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from frugalkit.measure.spool import REJECTED_FILE, SPOOL_FILE, _append_line
from frugalkit.settings import Settings

if TYPE_CHECKING:
    from frugalkit.impact.report import ImpactReport
    from frugalkit.store import Store

log = logging.getLogger("frugalkit.measure")


@dataclass(frozen=True)
class Ingested:
    stored: int
    rejected: int
    lost: int = 0


def _reject(settings: Settings, number: int, line: bytes, reason: str) -> None:
    log.warning("spooled report on line %d rejected: %s", number, reason)
    record: dict[str, Any] = {"reason": reason}
    try:
        record["line"] = line.decode("utf-8")
    except UnicodeDecodeError:
        record["line_base64"] = base64.b64encode(line).decode("ascii")
    _append_line(settings.spool_dir / REJECTED_FILE, json.dumps(record) + "\n")


def _line_fault(exc: BaseException) -> bool:
    """Whether a store error belongs to the line being stored, not to the database as a
    whole: a server gone or a disk full (OperationalError) keeps the spool for later."""
    from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError

    from frugalkit.errors import ConflictError

    if isinstance(exc, ConflictError | DataError | IntegrityError):
        return True
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)


def _store_lines(
    store: Store, settings: Settings, reports: list[tuple[int, bytes, ImpactReport]]
) -> tuple[int, int]:
    """Store all at once; when that fails on a line's fault, one by one. (stored, rejected)"""
    from sqlalchemy.exc import StatementError

    from frugalkit.errors import ConflictError
    from frugalkit.store import save_reports

    try:
        return save_reports(store, [r for _, _, r in reports]), 0
    except (ConflictError, StatementError) as exc:
        if not _line_fault(exc):
            raise
    stored = rejected = 0
    for number, line, report in reports:
        try:
            stored += save_reports(store, [report])
        except (ConflictError, StatementError) as exc:
            if not _line_fault(exc):
                raise
            rejected += 1
            orig = getattr(exc, "orig", None)
            reason = str(orig if orig is not None else exc).strip().splitlines()[0]
            _reject(settings, number, line, reason)
    return stored, rejected


def ingest(store: Store, settings: Settings) -> Ingested:
    """Move every spooled report into the store, then mark lost runs interrupted."""
    from frugalkit.errors import InputError
    from frugalkit.impact.gate import decode_text, parse_json, validate_report

    path = settings.spool_dir / SPOOL_FILE
    stored = rejected = 0
    if path.exists() and path.stat().st_size > 0:
        with path.open("r+b") as spool:
            fcntl.flock(spool, fcntl.LOCK_EX)
            reports = []
            for number, line in enumerate(spool.read().split(b"\n"), start=1):
                if not line.strip():
                    continue
                where = f"spool line {number}"
                try:
                    report = validate_report(parse_json(decode_text(line, where), where), where)
                    reports.append((number, line, report))
                except InputError as exc:
                    rejected += 1
                    _reject(settings, number, line, str(exc))
            stored, refused = _store_lines(store, settings, reports)
            rejected += refused
            spool.truncate(0)
    return Ingested(stored, rejected, mark_lost_runs(store))


def mark_lost_runs(store: Store) -> int:
    """Runs recorded as running whose measuring process no longer exists on this machine
    become interrupted, with LOST_RUN_ERROR. Returns how many."""
    from frugalkit.impact.report import ImpactReport
    from frugalkit.measure.liveness import is_gone
    from frugalkit.store import running_reports, save_reports
    from frugalkit.store.reports import LOST_RUN_ERROR

    lost = [
        ImpactReport.model_validate(
            {**payload, "status": "interrupted", "error": LOST_RUN_ERROR, "process": None}
        )
        for payload in running_reports(store)
        if is_gone(payload["host"]["hostname"], payload.get("process"))
    ]
    return save_reports(store, lost) if lost else 0
