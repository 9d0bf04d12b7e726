"""`frugalkit tokens`: tokens for the web app's write API."""

import typer
from rich.console import Console
from rich.table import Table

from frugalkit.cli.output import emit, opened_store
from frugalkit.cli.tables import headers
from frugalkit.i18n import gettext as _

app = typer.Typer(help="Create, list and revoke write-API tokens.", no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context, name: str = typer.Argument(..., help="Who or what uses it.")
) -> None:
    """Create a token; its secret is printed once and only its hash is stored."""
    from frugalkit.store.tokens import create_token

    with opened_store(ctx) as store:
        secret = create_token(store, name)
    emit(ctx, {"name": name, "token": secret}, lambda c: c.print(secret, highlight=False))


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List tokens (names and dates, never secrets)."""
    from frugalkit.store.tokens import list_tokens

    with opened_store(ctx) as store:
        tokens = list_tokens(store)

    def render(console: Console) -> None:
        table = Table(*headers("name", "created", "revoked"))
        for t in tokens:
            table.add_row(t["name"], str(t["created_at"])[:19], str(t["revoked_at"] or "")[:19])
        console.print(table)

    emit(ctx, tokens, render)


@app.command("revoke")
def revoke(ctx: typer.Context, name: str = typer.Argument(..., help="Token name.")) -> None:
    """Revoke a token: requests bearing it are refused from now on."""
    from frugalkit.store.tokens import revoke_token

    with opened_store(ctx) as store:
        revoke_token(store, name)
    emit(ctx, {"revoked": name}, lambda c: c.print(_("revoked %(name)s") % {"name": name}))
