"""`frugalkit demo`: what `make run` runs on the built-in defaults."""

import typer
from rich.console import Console

from frugalkit.cli.output import emit, state
from frugalkit.store import open_store, report_totals
from frugalkit.store.engine import redact_url


def demo(ctx: typer.Context) -> None:
    """Summarise the store and say where the web app is."""
    settings = state(ctx).settings
    with open_store(settings) as store:
        totals = report_totals(store)
    data = {
        "database_url": redact_url(settings.database_url),
        **totals,
        "web": "frugalkit serve  ->  http://127.0.0.1:8000/",
    }

    def render(console: Console) -> None:
        console.print(f"[bold]frugalkit store[/] {data['database_url']}")
        console.print(
            f"  {totals['reports']} reports, {totals['energy_kwh']:.6f} kWh, "
            f"{totals['ghg_g']:.3f} gCO2e"
        )
        console.print(f"web app: {data['web']}")

    emit(ctx, data, render)
