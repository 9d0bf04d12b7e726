"""`frugalkit serve-meter` as a user runs it: bad input, windows stored, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.net import free_port, wait_until_up


def frugalkit(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FRUGALKIT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "frugalkit", *args], capture_output=True,
                          text=True, env=env, timeout=60)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--upstream", "ftp://x"], "--upstream must be an http(s) URL"),
        (["--upstream", "http://127.0.0.1:99999"], "--upstream has a bad port"),
        (["--upstream", "http://127.0.0.1:8080", "--pid", "999999999"], "no such process"),
        (["--upstream", "http://127.0.0.1:8080", "--log", "/proc/nope/x.jsonl"], "--log"),
        (["--upstream", "http://127.0.0.1:8080", "--pue", "0.5"], "pue"),
        (
            ["--upstream", "http://127.0.0.1:8080", "--port", "8100", "--admin-port", "8100"],
            "--admin-port must be another port",
        ),
        (["--upstream", "http://127.0.0.1:8080", "--host", "192.0.2.1"], "cannot listen on"),
    ],
)
def test_bad_input_is_one_clear_line(home: Path, args: list[str], message: str) -> None:
    found = frugalkit(home, "serve-meter", *args)
    assert found.returncode != 0
    assert message in found.stderr and "Traceback" not in found.stderr
    assert len(found.stderr.strip().splitlines()) == 1


def test_windows_already_reported_survive_a_kill_9(home: Path, upstream: tuple[str, int]) -> None:
    url, _pid = upstream
    port, admin = free_port(), free_port()
    meter = subprocess.Popen(
        [sys.executable, "-m", "frugalkit", "serve-meter", "--upstream", url, "--port", str(port),
         "--admin-port", str(admin), "--window", "1", "--sample", "0.1"],
        env={**os.environ, "FRUGALKIT_HOME": str(home)}, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{admin}/health", deadline_s=60)
        body = {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
        for _ in range(3):
            assert httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=body).is_success
        settled_at = None  # how many reports there were once the 3 requests were final
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            live = httpx.get(f"http://127.0.0.1:{admin}/requests.json").json()
            if settled_at is None and len(live["requests"]) == 3:
                settled_at = len(live["reports"])
            if settled_at is not None and len(live["reports"]) > settled_at:
                break  # the window holding them was reported
            time.sleep(0.1)
        meter.send_signal(signal.SIGKILL)
    finally:
        meter.kill()
        meter.wait()
    listed = frugalkit(home, "--json", "reports", "list")
    assert listed.returncode == 0, listed.stderr
    served = [r for r in json.loads(listed.stdout) if r["name"].startswith("served ")]
    chat = [r for r in served if r["serving"]["kind"] == "chat"]
    assert sum(r["serving"]["requests"] for r in chat) == 3
    # model 'm' is unknown to EcoLogits and no size was given: said, and the report stored
    assert "does not know 'm'" in chat[0]["serving"]["estimate"]["why"]
    shown = frugalkit(home, "reports", "show", chat[0]["id"])
    assert f"chat requests to {url}, 0 failed" in " ".join(shown.stdout.split())
    assert {r["id"] for r in served} <= set(live["reports"])
