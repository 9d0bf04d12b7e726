from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from frugalkit.measure import registry


@pytest.fixture(autouse=True)
def fresh_meters() -> Iterator[None]:
    """Each test discovers hardware anew (some swap in fake hardware)."""
    registry.reset()
    yield
    registry.reset()


@pytest.fixture
def jobs() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Two processes standing for two users' jobs on one GPU."""
    started = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
               for _ in range(2)]  # fmt: skip
    yield started
    for job in started:
        job.kill()
        job.wait()
