"""Runs: measurement windows over this process tree or the whole machine.

>>> with track("fit", phase="training", units=4872) as run:   # doctest: +SKIP
...     with run.window("preprocess"):
...         X = vectorise(texts)
...     model.fit(X, y)
>>> run.report["energy"]["facility_kwh"]                       # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import functools
import os
import signal
import threading
from contextlib import contextmanager

from frugalkit.errors import InputError
from frugalkit.impact import build_report, check_parameters, resolve_zone
from frugalkit.measure import host, registry, spool
from frugalkit.measure.attribution import Snapshot, attribute, snapshot
from frugalkit.settings import default_country

TYPE_CHECKING = False  # typing is imported by type checkers only: tracking must start fast
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime
    from types import FrameType, TracebackType
    from typing import Any, TypeVar

    from frugalkit.measure.proctree import Root

    F = TypeVar("F", bound=Callable[..., Any])

PHASES = ("training", "inference", "evaluation", "service", "other")
SCOPES = ("process", "machine")
ID_BYTES = 16  # a random 128-bit id, as uuid4 without importing uuid


class Run:
    """One measured run. Use as a context manager, a decorator, or start()/stop().

    Energies are in kWh. After stop(), `report` holds the ImpactReport as a dict, and
    the report is appended to the spool (ingested into the store by the CLI or web app).
    """

    def __init__(
        self,
        name: str,
        *,
        phase: str = "other",
        units: float = 1,
        functional_unit: str = "run",
        country: str | None = None,
        intensity_g_per_kwh: float | None = None,
        pue: float = 1.0,
        wue_l_per_kwh: float = 0.0,
        scope: str = "process",
        host_profile: str | None = None,
        command: list[str] | None = None,
        persist: bool = True,
        announce: bool = False,
        root_pid: Root | None = None,
    ) -> None:
        for field, text, longest in (("name", name, 200), ("unit", functional_unit, 100)):
            if not text.strip() or len(text) > longest or "\x00" in text:
                raise InputError(f"{field} must have 1 to {longest} characters, none of them NUL")
        if phase not in PHASES:
            raise InputError(f"phase must be one of {', '.join(PHASES)} (got {phase!r})")
        if scope not in SCOPES:
            raise InputError(f"scope must be one of {', '.join(SCOPES)} (got {scope!r})")
        check_parameters(pue=pue, wue_l_per_kwh=wue_l_per_kwh, units=units)
        self._params: dict[str, Any] = {
            "phase": phase,
            "units": units,
            "functional_unit": functional_unit,
            "country": country,
            "intensity_g_per_kwh": intensity_g_per_kwh,
            "pue": pue,
            "wue_l_per_kwh": wue_l_per_kwh,
            "scope": scope,
            "host_profile": host_profile,
            "command": command,
            "persist": persist,
            "announce": announce,
            "root_pid": root_pid,
        }
        self.name = name
        self.zone = resolve_zone(country or default_country(), intensity_g_per_kwh)
        self.report: dict[str, Any] | None = None
        self.spool_path: str | None = None
        self._start: Snapshot | None = None
        self._windows: list[dict[str, Any]] = []
        self._marks: list[tuple[float, float, float, float, float]] = []
        self._prediction: dict[str, Any] | None = None
        self._meters: list[Any] = []
        self._id = ""
        self._root_pid: Root = os.getpid()
        self._previous_sigterm: Any = None

    @property
    def id(self) -> str:
        """The report id, known from start() on ('' before)."""
        return self._id

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> Run:
        if self._start is not None or self.report is not None:
            raise InputError(f"run {self.name!r} was already started; a Run measures once")
        root_pid = self._params["root_pid"]
        self._root_pid = os.getpid() if root_pid is None else root_pid
        self._meters = (
            registry.meters(self._params["scope"])
            if root_pid is None
            else registry.meters_of_tree(root_pid)
        )
        for meter in self._meters:
            meter.acquire()
        self._install_sigterm()
        atexit.register(self._at_exit)
        self._start = snapshot(self._meters, self._root_pid)
        self._id = os.urandom(ID_BYTES).hex()
        if self._params["announce"] and self._params["persist"]:
            self._announce()
        return self

    def _announce(self) -> None:
        """Spool a provisional 'running' record naming this process, so that a run whose
        process is killed outright still shows, as interrupted (see measure.ingest)."""
        from frugalkit.measure.liveness import this_process

        assert self._start is not None
        report = self._build(self._start, self._start, [], "running", None, None)
        report["process"] = this_process()
        self._persist(report)

    def stop(
        self, status: str = "completed", exit_code: int | None = None, error: str | None = None
    ) -> dict[str, Any]:
        """End the run, build its report, persist it; returns the report."""
        if self._start is None:
            raise InputError(f"run {self.name!r} was not started")
        end = snapshot(self._meters, self._root_pid)
        start, self._start = self._start, None
        for meter in self._meters:
            meter.release()
        atexit.unregister(self._at_exit)
        self._restore_sigterm()
        components = attribute(self._meters, start, end, self._params["scope"])
        self.report = self._build(start, end, components, status, exit_code, error)
        if self._params["persist"]:
            self._persist(self.report)
        return self.report

    def _build(
        self,
        start: Snapshot,
        end: Snapshot,
        components: list[dict[str, Any]],
        status: str,
        exit_code: int | None,
        error: str | None,
    ) -> dict[str, Any]:
        p = self._params
        zone, grid = self.zone, ("yearly", "")
        if status != "running" and p["intensity_g_per_kwh"] is None:
            zone, grid = _live_grid(zone, utc(start.wall_s), utc(end.wall_s))
        return build_report(
            report_id=self._id,
            name=self.name,
            phase=p["phase"],
            functional_unit=p["functional_unit"],
            units=p["units"],
            started_at=utc(start.wall_s),
            ended_at=utc(end.wall_s),
            duration_s=end.monotonic_s - start.monotonic_s,
            status=status,
            exit_code=exit_code,
            error=error,
            scope=p["scope"],
            command=p["command"],
            host=host.describe(registry.gpus()),
            components=components,
            windows=self._windows,
            zone=zone,
            grid=grid,
            pue=p["pue"],
            wue_l_per_kwh=p["wue_l_per_kwh"],
            host_profile=p["host_profile"],
            prediction=self._prediction,
        )

    def _persist(self, report: dict[str, Any]) -> None:
        try:
            self.spool_path = spool.append(report)
        except OSError as exc:
            # Never lose a measurement: fall back to a file in the working directory.
            fallback = os.path.abspath(f"frugalkit-report-{report['id']}.json")
            with open(fallback, "w", encoding="utf-8") as f:
                import json

                json.dump(report, f)
            import logging

            logging.getLogger("frugalkit.measure").error(
                "could not write the spool (%s); report saved to %s", exc, fallback
            )

    @contextmanager
    def window(self, name: str) -> Iterator[None]:
        """A named part of the run (preprocess, inference...), measured on its own."""
        if self._start is None:
            raise InputError(f"run {self.name!r} is not running: open windows inside it")
        start = snapshot(self._meters, self._root_pid)
        try:
            yield
        finally:
            end = snapshot(self._meters, self._root_pid)
            parts = {
                c["component"]: c["energy_kwh"]
                for c in attribute(self._meters, start, end, self._params["scope"])
            }
            self._windows.append(
                {
                    "name": name,
                    "offset_s": start.monotonic_s - self._start.monotonic_s,
                    "duration_s": end.monotonic_s - start.monotonic_s,
                    **{f"{c}_kwh": parts.get(c, 0.0) for c in ("cpu", "gpu", "ram")},
                    "it_kwh": sum(parts.values()),
                }
            )

    def progress(self, done: float, total: float, unit: str = "epoch") -> dict[str, Any]:
        """`done` of `total` epochs (or steps) are over: the whole run's predicted energy,
        emissions and time, with a band (measure/forecast.py); the last one is on the report."""
        from frugalkit.measure import forecast

        if self._start is None:
            raise InputError(f"run {self.name!r} is not running: report progress inside it")
        forecast.check(done, total, self._marks)
        now = snapshot(self._meters, self._root_pid)
        parts = attribute(self._meters, self._start, now, self._params["scope"])
        self._marks.append(forecast.mark(done, now.monotonic_s - self._start.monotonic_s, parts))
        zone, pue = self.zone.intensity_g_per_kwh, self._params["pue"]
        self._prediction = forecast.predict(self._marks, total, zone, pue, unit)
        return self._prediction

    # -- context manager and decorator -------------------------------------------------
    def __enter__(self) -> Run:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.stop("completed")
        elif issubclass(exc_type, KeyboardInterrupt | SystemExit):
            code = exc.code if isinstance(exc, SystemExit) else None
            if isinstance(exc, SystemExit) and code in (0, None):
                self.stop("completed", exit_code=0)
            else:
                self.stop(
                    "interrupted",
                    exit_code=code if isinstance(code, int) else None,
                    error=exc_type.__name__,
                )
        else:
            self.stop("failed", error=f"{exc_type.__name__}: {exc}")

    def __call__(self, func: F) -> F:
        """Decorate a function: each call is measured as a fresh run."""

        @functools.wraps(func)
        def measured(*args: Any, **kwargs: Any) -> Any:
            with Run(self.name, **self._params):
                return func(*args, **kwargs)

        return measured  # type: ignore[return-value]

    # -- interruptions -------------------------------------------------------------------
    def _install_sigterm(self) -> None:
        """Turn SIGTERM into SystemExit so that the run is stopped and stored."""
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            self._previous_sigterm = signal.SIG_DFL
            signal.signal(signal.SIGTERM, _raise_system_exit)

    def _restore_sigterm(self) -> None:
        if (
            self._previous_sigterm is not None
            and threading.current_thread() is threading.main_thread()
        ):
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    def _at_exit(self) -> None:
        if self._start is not None:
            self.stop("interrupted", error="the process exited before the run was stopped")


def _live_grid(zone: Any, start: datetime, end: datetime) -> tuple[Any, tuple[str, str]]:
    """The hour's grid intensity where a provider is set (impact/grid_live.py)."""
    from frugalkit.errors import ConfigError
    from frugalkit.settings import Settings

    try:
        settings = Settings.from_env()
    except ConfigError as exc:  # a bad setting must not cost the run its report
        return zone, ("yearly", f"yearly value kept: {exc}")
    if settings.grid_provider == "yearly":
        return zone, ("yearly", "")
    from frugalkit.impact.grid_live import live_zone

    live, how = live_zone(settings, zone, start, end)
    return (live, (how, "")) if live is not zone else (zone, ("yearly", how))


def utc(epoch_s: float) -> datetime:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch_s, UTC)


def _raise_system_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def track(name: str, **options: Any) -> Run:
    """Measure a block, a function or a start()/stop() pair. Options are Run's."""
    return Run(name, **options)


__all__ = ["Run", "track"]
