"""`frugalkit measure -- COMMAND`: run a command and measure its process tree."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import typer

from frugalkit.cli.output import emit, error_line, opened_store, state, sync_store
from frugalkit.cli.render import summary
from frugalkit.errors import InputError

COMMAND_NOT_FOUND = 127
CANNOT_EXECUTE = 126
STDERR_FD = 2
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def measure(
    ctx: typer.Context,
    command: list[str] = typer.Argument(None, help="The command to run, after --."),
    name: str = typer.Option(None, help="Run name (default: the command's name)."),
    phase: str = typer.Option("other", help="training, inference, evaluation, service or other."),
    units: float = typer.Option(1.0, help="Count of functional units (samples, tokens...)."),
    functional_unit: str = typer.Option("run", "--unit", help="What one unit is, e.g. sample."),
    country: str = typer.Option(None, help="Grid zone: ISO 3166 alpha-2 or alpha-3 code."),
    intensity: float = typer.Option(None, help="Grid intensity in gCO2e/kWh (overrides country)."),
    pue: float = typer.Option(1.0, help="Power usage effectiveness of the facility (>= 1)."),
    wue: float = typer.Option(0.0, help="On-site water usage effectiveness, L/kWh of IT energy."),
    scope: str = typer.Option("process", help="process (this command's tree) or machine."),
    facility: str = typer.Option(
        None, help="A registered data centre (datacenter add): its PUE, WUE and grid zone apply."
    ),
    start_below: float = typer.Option(
        None, help="Start only once the live grid intensity is below this, gCO2e/kWh."
    ),
    max_wait: str = typer.Option("6h", help="With --start-below: the longest wait (30m, 6h)."),
) -> None:
    """Run COMMAND, measure its energy, carbon, water and embodied impacts, store the
    report and exit with the command's own exit code.

    Example: frugalkit measure --phase training --country FR -- python train.py
    """
    from frugalkit.measure import Run

    if not command:
        raise InputError(
            "give the command to measure after --, e.g. frugalkit measure -- python train.py"
        )
    if facility is not None:
        pue, wue, country = _hosted_at(ctx, facility, pue, wue, country)
    if shutil.which(command[0]) is None:
        error_line(f"command not found: {command[0]}")
        raise typer.Exit(COMMAND_NOT_FOUND)
    if start_below is not None:
        _wait_for_greener(start_below, max_wait, country)
    run = Run(
        name or Path(command[0]).name,
        phase=phase,
        units=units,
        functional_unit=functional_unit,
        country=country,
        intensity_g_per_kwh=intensity,
        pue=pue,
        wue_l_per_kwh=wue,
        scope=scope,
        command=list(command),
        announce=True,
    )
    as_json = state(ctx).json
    sync_store(ctx)  # fail on a bad store before the command runs, not after
    try:
        return_code, interrupted = _run_measured(run, command, quiet_stdout=as_json)
    except OSError as exc:  # found on PATH but not executable, for example
        run.stop("failed", exit_code=CANNOT_EXECUTE, error=str(exc))
        sync_store(ctx)
        error_line(f"cannot run {command[0]}: {exc.strerror or exc}")
        raise typer.Exit(CANNOT_EXECUTE) from None
    status = "interrupted" if interrupted else "completed" if return_code == 0 else "failed"
    report = run.stop(status, exit_code=return_code)
    sync_store(ctx)  # ingest the spooled report
    emit(ctx, report, lambda console: summary(console, report))
    raise typer.Exit(return_code if return_code >= 0 else 128 - return_code)


def _wait_for_greener(below_g: float, max_wait: str, country: str | None) -> None:
    """Hold the command until the grid is below `below_g` (impact/grid_live.py), saying why
    it starts; refused without a live provider."""
    from frugalkit.errors import ConfigError
    from frugalkit.impact.grid_live import seconds, wait_for_greener
    from frugalkit.impact.zones import resolve_zone
    from frugalkit.settings import Settings, default_country

    settings = Settings.from_env()
    if settings.grid_provider == "yearly":
        raise ConfigError(
            "--start-below needs a live grid provider with a forecast: set "
            "FRUGALKIT_GRID_PROVIDER to gb or electricitymaps"
        )
    if not below_g > 0 or below_g == float("inf"):
        raise InputError(f"--start-below must be a positive gCO2e/kWh (got {below_g})")
    zone = resolve_zone(country or default_country())
    started = wait_for_greener(settings, zone, below_g, seconds(max_wait))
    why = {
        "below": "the grid is below the threshold",
        "max wait": "the longest wait is over",
        "no live figure": f"no live figure ({started.get('reason', '')})",
    }[started["started"]]
    error_line(f"starting after {started['waited_s']:.0f} s: {why}")


def _hosted_at(
    ctx: typer.Context, name: str, pue: float, wue: float, country: str | None
) -> tuple[float, float, str]:
    """The facility's PUE, WUE and zone; refused when set twice."""
    from frugalkit.datacenter.service import hosting

    if pue != 1.0 or wue != 0.0 or country is not None:
        raise InputError("--facility sets PUE, WUE and the grid zone: give it or them, not both")
    with opened_store(ctx) as store:
        site = hosting(store, name)
    return float(site["pue"]), float(site["wue"]), str(site["country"])


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    """In the child, before exec: be killed if `frugalkit measure` dies (even by kill -9),
    so that no command runs on unmeasured (Linux PR_SET_PDEATHSIG)."""

    def arm() -> None:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent_pid:  # the parent died before the signal was armed
                os._exit(CANNOT_EXECUTE)

    return arm


def _run_measured(run: Any, command: list[str], quiet_stdout: bool) -> tuple[int, bool]:
    """Run the command inside the measured window; forward SIGINT and SIGTERM to it."""
    interrupted = False
    child: subprocess.Popen[bytes] | None = None

    def forward(signum: int, _frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    run.start()
    try:
        # With --json, stdout carries the report only: the command's output goes to stderr.
        child = subprocess.Popen(
            command,
            stdout=STDERR_FD if quiet_stdout else None,
            preexec_fn=_die_with_parent(os.getpid()),
        )
        return_code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return return_code, interrupted or return_code in (-signal.SIGINT, -signal.SIGTERM)
