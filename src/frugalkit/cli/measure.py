"""`frugalkit measure`: run a command and measure it (not built yet)."""

import typer

app = typer.Typer(help="Measure the energy, carbon, water and embodied impacts of a run.")
