"""The store: SQLite by default, PostgreSQL when FRUGALKIT_DATABASE_URL says so."""

from frugalkit.store.reports import (
    ReportRow,
    delete_report,
    get_report,
    list_reports,
    report_totals,
    save_reports,
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
    "ReportRow",
    "SchemaState",
    "Store",
    "delete_report",
    "get_report",
    "list_reports",
    "open_store",
    "read_schema_state",
    "report_totals",
    "save_reports",
    "schema_state",
    "upgrade",
]
