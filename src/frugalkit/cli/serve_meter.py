"""`frugalkit serve-meter --upstream URL`: meter a served model per request and per token."""

from __future__ import annotations

import asyncio
import json
import signal
from types import FrameType
from typing import Any

import typer

from frugalkit.cli.output import state, stderr, sync_store
from frugalkit.errors import InputError


def serve_meter(
    ctx: typer.Context,
    upstream: str = typer.Option(
        ..., help="The OpenAI-compatible server, e.g. http://127.0.0.1:8080."
    ),
    host: str = typer.Option("127.0.0.1", help="Interface the meter listens on."),
    port: int = typer.Option(8100, min=1, max=65535, help="TCP port clients call instead."),
    admin_host: str = typer.Option(
        "127.0.0.1", help="Interface of the admin routes (kept on loopback by default)."
    ),
    admin_port: int = typer.Option(
        None, min=1, max=65535, help="Port of /requests.json, /metrics, /health (default: PORT+1)."
    ),
    pid: int = typer.Option(
        None, help="The server's process (default: the one listening on the upstream's port)."
    ),
    window: float = typer.Option(300.0, min=1, max=86400, help="Seconds per report window."),
    sample: float = typer.Option(0.5, min=0.05, max=60, help="Seconds between meter readings."),
    timeout: float = typer.Option(300.0, min=0.1, max=3600, help="Upstream timeout per read, s."),
    country: str = typer.Option(None, help="Grid zone: ISO 3166 alpha-2 or alpha-3 code."),
    intensity: float = typer.Option(None, help="Grid intensity in gCO2e/kWh (overrides country)."),
    pue: float = typer.Option(1.0, help="Power usage effectiveness of the facility (>= 1)."),
    wue: float = typer.Option(0.0, help="On-site water usage effectiveness, L/kWh of IT energy."),
    params_b: float = typer.Option(
        None,
        min=0.001,
        max=100000,
        help="The model's size, billions of parameters (for EcoLogits).",
    ),
    label: str = typer.Option(None, help="Name of the reports (default: the upstream)."),
    log: str = typer.Option(None, help="Append each request's record to this JSON-lines file."),
) -> None:
    """Forward requests to UPSTREAM, measure its process tree and GPUs, and give each
    request its energy by its tokens and time. Live on the admin port: /requests.json and
    /metrics; a report per window and request kind goes to the store.

    Example: frugalkit serve-meter --upstream http://127.0.0.1:8080 --params-b 0.135
    """
    from frugalkit.i18n import gettext as _
    from frugalkit.impact import check_parameters, resolve_zone
    from frugalkit.serving import discover
    from frugalkit.serving.meter import ServingMeter, check_upstream, shown
    from frugalkit.serving.server import MeterServer
    from frugalkit.serving.windows import Config
    from frugalkit.settings import default_country

    upstream = check_upstream(upstream)
    admin_port = port + 1 if admin_port is None else admin_port
    if (admin_port == port and admin_host == host) or admin_port > 65535:
        raise InputError("--admin-port must be another port than --port, at most 65535")
    check_parameters(pue=pue, wue_l_per_kwh=wue, units=1)
    if label is not None and not 0 < len(label.strip()) <= 150:
        raise InputError("--label must have 1 to 150 characters")
    if log is not None:
        try:
            open(log, "a").close()
        except OSError as exc:
            raise InputError(f"--log {log}: {exc.strerror or exc}") from None
    root = discover.check_pid(pid) if pid is not None else None
    why = ""
    if root is None:
        root, why = discover.listener(upstream)
    config = Config(
        upstream=shown(upstream),
        label=label.strip() if label else f"served {shown(upstream)}",
        zone=resolve_zone(country or default_country(), intensity),
        pue=pue,
        wue_l_per_kwh=wue,
        scope="machine" if root is None else "process",
        params_b=params_b,
    )
    sync_store(ctx)  # fail on a bad store before serving, not after
    meter = ServingMeter(
        upstream,
        config,
        root_pid=root,
        timeout_s=timeout,
        sample_s=sample,
        window_s=window,
        log_path=log,
    )
    server = MeterServer(meter).listen(host, port, admin_port, admin_host)
    meter.start()  # fmt: skip
    err = stderr()
    measured = (
        _("process %(pid)s and its children") % {"pid": root}
        if root
        else _("the whole machine (%(why)s)") % {"why": why}
    )
    err.print(
        _("frugalkit serving meter on %(url)s, forwarding to %(upstream)s, measuring %(what)s")
        % {"url": f"http://{host}:{port}/", "upstream": config.upstream, "what": measured}
    )
    err.print(
        _("its figures: %(url)s") % {"url": f"http://{admin_host}:{admin_port}/requests.json"}
    )
    # uvicorn stops on SIGINT or SIGTERM, then raises the signal again once its own handlers
    # are gone: with the default ones the process died there, before the last window was
    # reported. Ending the meter so is its normal end.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stopped)
    try:
        _run(server.serve())
    except SystemExit:
        pass
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # the last window is being reported
            signal.signal(signum, signal.SIG_IGN)
        meter.stop()
        sync_store(ctx)
        if state(ctx).json:
            typer.echo(json.dumps({"reports": meter.reports}))
        else:
            err.print(_("%(n)s reports stored") % {"n": len(meter.reports)})


def _run(main: Any) -> None:
    """With uvloop where uvicorn[standard] brought it: the relay's hop is shorter."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def _stopped(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)
