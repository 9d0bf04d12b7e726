"""`frugalkit reports`: stored impact reports."""

import typer

app = typer.Typer(help="List, show, export and delete impact reports.", no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List stored reports, newest first."""
