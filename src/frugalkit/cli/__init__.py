"""The `frugalkit` command. `main()` turns every user error into one red line."""

from frugalkit.cli.main import app, main

__all__ = ["app", "main"]
