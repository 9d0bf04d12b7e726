"""`frugalkit db`: the store's schema and contents."""

from typing import Any

import typer
from rich.console import Console

from frugalkit.cli.output import emit, state
from frugalkit.i18n import gettext as _

app = typer.Typer(help="Create, migrate and inspect the store.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Create the database schema or bring it up to date."""
    from frugalkit.store import open_store, read_schema_state

    settings = state(ctx).settings
    open_store(settings).close()
    schema = read_schema_state(settings)
    data = {"database_url": settings.redacted_url, "revision": schema.current}
    said = _("database at revision %(revision)s (up to date)") % {"revision": schema.current}
    emit(ctx, data, lambda c: c.print(said))


@app.command("status")
def status(ctx: typer.Context) -> None:
    """Show the backend, the schema revision and what is stored. Changes nothing."""
    from frugalkit.store import open_store, parse_url, read_schema_state, report_totals

    settings = state(ctx).settings
    schema = read_schema_state(settings)
    data: dict[str, Any] = {
        "backend": parse_url(settings.database_url).get_backend_name(),
        "database_url": settings.redacted_url,
        "revision": schema.current,
        "head": schema.head,
        "up_to_date": schema.up_to_date,
    }
    if schema.up_to_date:
        with open_store(settings, migrate=False) as store:
            data.update(report_totals(store))

    def render(console: Console) -> None:
        console.print(f"{_('backend'):<10}{data['backend']}  ({data['database_url']})")
        if schema.too_new:
            state_text = _("newer than this frugalkit: upgrade frugalkit")
        elif schema.up_to_date:
            state_text = _("up to date")
        else:
            state_text = _("run `frugalkit db upgrade`")
        revision = _("%(current)s of %(head)s") % {
            "current": schema.current or _("none"),
            "head": schema.head,
        }
        console.print(f"{_('revision'):<10}{revision} ({state_text})")
        if "reports" in data:
            console.print(f"{_('reports'):<10}{data['reports']}")

    emit(ctx, data, render)
