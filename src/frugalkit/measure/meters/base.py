"""What every meter offers, and the polling helper some of them share."""

from __future__ import annotations

import threading
import time

TYPE_CHECKING = False  # the Protocol exists for type checkers; typing stays unimported
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol
else:
    Protocol = object


class MeterUnavailable(Exception):
    """This machine has no such meter; the message says how to enable it, if one can."""


class Meter(Protocol):
    name: str  # "rapl", "nvml", "estimate"
    kind: str  # "counter" or "estimate"

    def read(self) -> dict[str, float]:
        """Cumulative joules per domain since the meter was created."""

    def component_of(self, domain: str) -> str | None:
        """'cpu', 'gpu' or 'ram' for a domain that counts towards that total, else None."""

    def sampling(self, component: str) -> str:
        """How this meter takes its readings for `component`, in words."""

    def band(self, component: str) -> tuple[float, float]:
        """Low and high multipliers of the uncertainty band for `component`."""

    def acquire(self) -> None:
        """A run starts using the meter (starts polling if it needs to)."""

    def release(self) -> None:
        """A run stops using the meter (polling stops with the last one)."""


class Poller:
    """Calls `tick` every `interval_s` in a daemon thread while anyone holds it."""

    def __init__(self, name: str, interval_s: float, tick: Callable[[], None]) -> None:
        self._name, self._interval_s, self._tick = name, interval_s, tick
        self.ticks = 0
        self.busy_s = 0.0  # CPU time spent polling: frugalkit's own cost, for benchmarks
        self._holders = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> None:
        with self._lock:
            self._holders += 1
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._loop, name=f"frugalkit-{self._name}", daemon=True
                )
                self._thread.start()

    def release(self) -> None:
        with self._lock:
            self._holders = max(self._holders - 1, 0)
            thread = self._thread if self._holders == 0 else None
            if thread is not None:
                self._thread = None
                self._stop.set()
        if thread is not None:
            thread.join()

    def _loop(self) -> None:
        next_at = time.monotonic() + self._interval_s
        while not self._stop.wait(max(next_at - time.monotonic(), 0.0)):
            started = time.thread_time()  # CPU time of this thread: not GIL waits
            self._tick()
            self.busy_s += time.thread_time() - started
            self.ticks += 1
            next_at += self._interval_s
