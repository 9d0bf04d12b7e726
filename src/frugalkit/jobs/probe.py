"""A probe job, `frugalkit.jobs.probe:run`: waits `seconds` (default 0) and says where it
ran (or, given `fail_as`, that its run failed). For checking a cluster end to end and
measuring the scheduling overhead per job (`benchmarks/jobs_throughput.py`); a cancel ends
the wait."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from frugalkit.store import Store

KIND = "frugalkit.jobs.probe:run"


def run(store: Store, inputs: dict[str, Any]) -> dict[str, Any]:
    from frugalkit.jobs.worker import on_cancel

    started = time.monotonic()
    stopped = threading.Event()
    on_cancel(stopped.set)
    stopped.wait(float(inputs.get("seconds", 0)))
    found = {"pid": os.getpid(), "host": os.uname().nodename, "s": time.monotonic() - started}
    if inputs.get("fail_as"):  # a run that ends and says it failed, as a bench run may
        found |= {"status": "failed", "reason": str(inputs["fail_as"])}
    return found
