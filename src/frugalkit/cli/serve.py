"""`frugalkit serve`: the web app."""

import typer

from frugalkit.cli.output import state, stderr


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    submission: str = typer.Option(
        None, help="Also answer the challenge's POST /text, /image, /audio for this submission."
    ),
    workers: int = typer.Option(
        1, min=0, help="Job workers in the server (queued evaluations); 0: none."
    ),
    header_timeout: float = typer.Option(
        10.0, min=0.1, max=600, help="Close a connection whose request headers take longer, s."
    ),
    max_connections: int = typer.Option(
        1000, min=1, max=1_000_000, help="Open connections at most; more are closed at once."
    ),
) -> None:
    """Serve the web app and its JSON API (OpenAPI at /docs)."""
    from frugalkit.web import create_app
    from frugalkit.web.server import run

    web_app = create_app(state(ctx).settings, submission=submission, workers=workers)
    from frugalkit.i18n import gettext as _

    stderr().print(
        _("frugalkit web app on %(url)s (API docs at /docs)") % {"url": f"http://{host}:{port}/"}
    )
    run(web_app, host, port, header_timeout_s=header_timeout, max_connections=max_connections)
