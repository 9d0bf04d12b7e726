"""The store: SQLite by default, PostgreSQL when FRUGALKIT_DATABASE_URL says so."""

from frugalkit.store.bench import get_run, list_runs, save_run
from frugalkit.store.engine import parse_url
from frugalkit.store.reports import (
    delete_report,
    get_report,
    list_reports,
    report_totals,
    running_reports,
    save_reports,
    search_reports,
)
from frugalkit.store.store import (
    SchemaState,
    Store,
    open_store,
    read_schema_state,
    schema_state,
    upgrade,
)

__all__ = [
    "SchemaState",
    "Store",
    "delete_report",
    "get_report",
    "get_run",
    "list_reports",
    "list_runs",
    "open_store",
    "parse_url",
    "read_schema_state",
    "report_totals",
    "running_reports",
    "save_reports",
    "save_run",
    "schema_state",
    "search_reports",
    "upgrade",
]
