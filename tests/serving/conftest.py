from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frugalkit.impact import resolve_zone
from frugalkit.measure import registry
from frugalkit.serving.ledger import Interval
from frugalkit.serving.meter import ServingMeter
from frugalkit.serving.server import MeterServer
from frugalkit.serving.windows import Config
from tests.net import free_port, wait_until_up

FAKE = Path(__file__).with_name("fake_upstream.py")


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, int]]:
    """The fake OpenAI-compatible server, in a process of its own: (url, pid)."""
    registry.reset()
    port = free_port()
    server = subprocess.Popen([sys.executable, str(FAKE), str(port)])
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/v1/models")
    yield url, server.pid
    server.kill()
    server.wait()
    registry.reset()


class Metered:
    """A serving meter on a thread of this process, and every interval it measured."""

    def __init__(self, upstream: str, pid: int | None, **options: Any) -> None:
        config = Config(
            upstream=upstream,
            label="test",
            zone=resolve_zone("FR", None),
            pue=1.2,
            wue_l_per_kwh=0.0,
            scope="process",
            params_b=0.135,
        )
        self.meter = ServingMeter(
            upstream, config, root_pid=pid, sample_s=0.05, settle_s=0.05, window_s=3600, **options
        )
        self.intervals: list[Interval] = []
        add = self.meter.ledger.add

        def keep(interval: Interval) -> None:
            self.intervals.append(interval)
            add(interval)

        self.meter.ledger.add = keep  # type: ignore[method-assign]
        self.port, self.admin_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin = f"http://127.0.0.1:{self.admin_port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.run(self.server.serve())

    def __enter__(self) -> Metered:
        self.server = MeterServer(self.meter).listen("127.0.0.1", self.port, self.admin_port)
        self.meter.start()
        self.thread.start()
        wait_until_up(f"{self.admin}/health")
        return self

    def __exit__(self, *_: object) -> None:
        self.server.request_exit()
        self.thread.join(10)
        if self.meter.sampler._thread.is_alive():
            self.meter.stop()

    def settled(self, count: int, deadline_s: float = 20.0) -> list[dict[str, Any]]:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if len(self.meter.records) >= count:
                return list(self.meter.records)
            time.sleep(0.05)
        raise AssertionError(f"{len(self.meter.records)} of {count} requests settled")


@pytest.fixture
def metered(upstream: tuple[str, int]) -> Iterator[Metered]:
    with Metered(*upstream, timeout_s=2.0) as found:
        yield found
