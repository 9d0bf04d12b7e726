"""`frugalkit bench`: the Frugal AI Challenge engine (not built yet)."""

import typer

from frugalkit.cli.output import stdout

app = typer.Typer(help="Evaluate models on accuracy and energy (not built yet).")


@app.callback(invoke_without_command=True)
def bench(ctx: typer.Context) -> None:
    """The Frugal AI Challenge engine: text, image and audio tasks (not built yet)."""
    if ctx.invoked_subcommand is None:
        stdout().print(
            "frugalkit bench is not built yet: the Frugal AI Challenge tasks (text, image, "
            "audio) arrive in a later release."
        )
