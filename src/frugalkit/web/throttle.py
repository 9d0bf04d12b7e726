"""Calls that cost money or minutes (a model's answer): a few per client per minute, and
a few at once for the whole server, refused at once rather than queued, so that slow
answers never hold the threads that serve every other page (issue 21: 45 slow generative
questions held /healthz for 17.7 s)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException

PER_CLIENT_PER_MINUTE = 10
AT_ONCE = 2
WINDOW_S = 60.0


class Throttle:
    def __init__(self, per_minute: int = PER_CLIENT_PER_MINUTE, at_once: int = AT_ONCE) -> None:
        self.per_minute = per_minute
        self._running = threading.BoundedSemaphore(at_once)
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _admit(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            calls = self._calls.setdefault(client, deque())
            while calls and calls[0] <= now - WINDOW_S:
                calls.popleft()
            if len(calls) >= self.per_minute:
                wait_s = int(calls[0] + WINDOW_S - now) + 1
                raise HTTPException(
                    429,
                    f"at most {self.per_minute} model answers a minute; try again in {wait_s} s",
                    headers={"retry-after": str(wait_s)},
                )
            calls.append(now)
            if len(self._calls) > 10_000:  # forget idle clients: the table stays small
                for key in [k for k, v in self._calls.items() if not v][:5000]:
                    del self._calls[key]

    @contextmanager
    def slot(self, client: str) -> Iterator[None]:
        """Hold one of the server's model slots for `client`, or answer 429/503 now."""
        self._admit(client)
        if not self._running.acquire(blocking=False):
            raise HTTPException(
                503, "the model is answering other questions; try again shortly",
                headers={"retry-after": "10"},
            )  # fmt: skip
        try:
            yield
        finally:
            self._running.release()
