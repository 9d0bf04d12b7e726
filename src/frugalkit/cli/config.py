"""`frugalkit config`: what settings are in force and where they come from."""

import typer
from rich.console import Console
from rich.table import Table

from frugalkit.cli.output import emit, state
from frugalkit.cli.tables import headers

app = typer.Typer(help="Show the configuration.", no_args_is_help=True)


@app.command("show")
def show(ctx: typer.Context) -> None:
    """Show the settings in force (FRUGALKIT_HOME, FRUGALKIT_DATABASE_URL)."""
    data = state(ctx).settings.as_dict()

    def render(console: Console) -> None:
        table = Table(*headers("setting", "value"), show_header=True)
        for key, value in data.items():
            table.add_row(key, value)
        console.print(table)

    emit(ctx, data, render)
