"""The serving meter in front of a fake OpenAI-compatible server: forwarding, streams,
failures, and every joule accounted for (serving/proxy.py, meter.py, windows.py)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from frugalkit.impact.indicators import J_PER_KWH, WH_PER_KWH
from frugalkit.impact.report import ImpactReport
from tests.net import free_port
from tests.serving.conftest import Metered


def chat(model: str = "smollm2", *, stream: bool = False, tokens: int = 20) -> dict[str, object]:
    return {
        "model": model,
        "stream": stream,
        "max_tokens": tokens,
        "messages": [{"role": "user", "content": "Why is the sky blue? " * 8}],
    }


def test_answers_and_streams_arrive_as_the_server_sent_them(
    metered: Metered, upstream: tuple[str, int]
) -> None:
    direct = httpx.post(f"{upstream[0]}/v1/chat/completions", json=chat())
    through = httpx.post(f"{metered.url}/v1/chat/completions", json=chat())
    assert through.status_code == 200 and through.json() == direct.json()
    with httpx.stream("POST", f"{metered.url}/v1/chat/completions", json=chat(stream=True)) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        body = b"".join(r.iter_raw())
    assert body.count(b"tok ") == 20 and body.endswith(b"data: [DONE]\n\n")
    assert httpx.get(f"{metered.url}/v1/models").json()["data"][0]["id"] == "fake"  # unmetered
    rows = metered.settled(2)
    assert len(rows) == 2
    whole, streamed = rows
    assert (whole["prompt_tokens"], whole["completion_tokens"], whole["tokens_source"]) == (
        42,
        20,
        "usage",
    )
    assert (
        streamed["stream"]
        and streamed["ttft_s"] is not None
        and streamed["ttft_s"] <= streamed["latency_s"]
    )
    for row in rows:
        assert row["outcome"] == "ok" and row["energy_wh"] > 0
        assert row["low_wh"] <= row["energy_wh"] <= row["high_wh"]
        assert row["wh_per_1k_tokens"] == pytest.approx(row["energy_wh"] / 62 * 1000)
        assert row["ghg_g"] == pytest.approx(row["energy_wh"] / 1000 * 52, rel=0.5)  # FR grid
        assert row["estimate"]["available"] and row["estimate"]["energy_wh_high"] > 0


def test_concurrent_requests_and_idle_add_up_to_the_energy_measured(metered: Metered) -> None:
    async def many() -> list[int]:
        async with httpx.AsyncClient(base_url=metered.url, timeout=20) as client:
            answers = await asyncio.gather(
                *[
                    client.post(
                        "/v1/chat/completions", json=chat(stream=n % 2 == 0, tokens=10 + 5 * n)
                    )
                    for n in range(12)
                ]
            )
        return [a.status_code for a in answers]

    small = httpx.post(f"{metered.url}/v1/chat/completions", json=chat(tokens=5))
    large = httpx.post(f"{metered.url}/v1/chat/completions", json=chat(tokens=200))
    assert small.status_code == large.status_code == 200
    assert asyncio.run(many()) == [200] * 12
    rows = metered.settled(14)
    reports = metered.meter.stop()
    measured_j = sum(sum(i.joules.values()) for i in metered.intervals)
    given_j = sum(r["energy_wh"] for r in rows) / 1.2 / WH_PER_KWH * J_PER_KWH
    idle_j = (
        sum(r["serving"]["idle_kwh"] for r in reports if r["serving"]["kind"] == "idle") * J_PER_KWH
    )
    assert measured_j > 0
    assert given_j + idle_j == pytest.approx(measured_j, rel=1e-6)
    # alone, the longer answer (0.4 s of work against 0.01 s) was given more energy
    assert rows[1]["energy_wh"] > 3 * rows[0]["energy_wh"]


def test_a_window_makes_one_valid_report_per_request_kind_and_one_for_idle(
    metered: Metered,
) -> None:
    for _ in range(3):
        httpx.post(f"{metered.url}/v1/chat/completions", json=chat())
    metered.settled(3)
    reports = metered.meter.close_window()
    kinds = {r["serving"]["kind"]: r for r in reports}
    assert set(kinds) <= {"chat", "idle"} and "chat" in kinds
    served = kinds["chat"]
    ImpactReport.model_validate(served)
    assert served["units"] == 3 and served["functional_unit"] == "request"
    assert served["serving"]["requests"] == 3 and served["serving"]["completion_tokens"] == 60
    assert served["serving"]["distributions"]["wh"]["p50"] > 0
    assert served["serving"]["estimate"]["available"]
    assert served["energy"]["facility_kwh"] == pytest.approx(
        sum(r["energy_wh"] for r in metered.meter.records) / WH_PER_KWH
    )
    assert metered.meter.reports == [r["id"] for r in reports]
    if "idle" in kinds:
        ImpactReport.model_validate(kinds["idle"])


def test_a_server_error_passes_through_and_is_counted_as_failed(metered: Metered) -> None:
    answer = httpx.post(f"{metered.url}/v1/chat/completions", json=chat("error"))
    assert answer.status_code == 500 and answer.json()["error"]["message"] == "boom"
    (row,) = metered.settled(1)
    assert (row["status"], row["outcome"]) == (500, "upstream_error")
    assert "estimate" not in row


def test_a_silent_server_times_out_with_a_clear_error(metered: Metered) -> None:
    answer = httpx.post(f"{metered.url}/v1/chat/completions", json=chat("slow"), timeout=20)
    assert answer.status_code == 504
    assert "no answer within 2 s" in answer.json()["error"]["message"]
    (row,) = metered.settled(1)
    assert row["outcome"] == "timeout"


def test_a_stream_the_server_breaks_reaches_the_client_broken(metered: Metered) -> None:
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream(
            "POST", f"{metered.url}/v1/chat/completions", json=chat("break", stream=True)
        ) as r,
    ):
        b"".join(r.iter_raw())
    (row,) = metered.settled(1)
    assert row["outcome"] == "broken_stream" and row["completion_tokens"] == 3
    assert row["tokens_source"] == "counted" or row["tokens_source"] == "estimated"


def test_a_client_that_hangs_up_mid_stream_is_recorded(metered: Metered) -> None:
    with httpx.stream(
        "POST", f"{metered.url}/v1/chat/completions", json=chat(stream=True, tokens=2000)
    ) as r:
        next(r.iter_raw())
    (row,) = metered.settled(1)
    assert row["outcome"] == "client_gone"


def test_an_unreachable_server_is_a_502_and_costs_no_tokens(upstream: tuple[str, int]) -> None:
    with Metered(f"http://127.0.0.1:{free_port()}", None) as metered:
        answer = httpx.post(f"{metered.url}/v1/chat/completions", json=chat())
        assert answer.status_code == 502
        (row,) = metered.settled(1)
        assert row["outcome"] == "unreachable" and row["prompt_tokens"] == 0


def test_a_huge_body_is_relayed_whole_and_read_only_in_part(
    metered: Metered, upstream: tuple[str, int]
) -> None:
    huge = b'{"model": "big", "messages": [{"role": "user", "content": "' + b"x" * (33 << 20)
    direct = httpx.post(f"{upstream[0]}/v1/chat/completions", content=huge, timeout=60)
    through = httpx.post(f"{metered.url}/v1/chat/completions", content=huge, timeout=60)
    assert through.status_code == direct.status_code  # the server judged it, not the meter
    (row,) = metered.settled(1)
    assert row["model"] == "?"  # only its first MiB was read: not JSON there


def test_the_live_json_and_metrics_show_the_requests(metered: Metered) -> None:
    httpx.post(f"{metered.url}/v1/chat/completions", json=chat())
    metered.settled(1)
    live = httpx.get(f"{metered.admin}/requests.json").json()
    assert live["requests"][0]["kind"] == "chat"
    assert live["distributions"]["chat"]["energy_wh"]["p50"] > 0
    text = httpx.get(f"{metered.admin}/metrics").text
    assert 'frugalkit_serving_requests_total{kind="chat",outcome="ok"} 1.0' in text
    assert 'frugalkit_serving_tokens_total{kind="chat",type="completion"} 20.0' in text
    assert json.dumps(live)  # plain JSON


def test_pipelined_requests_on_one_connection_are_told_apart(metered: Metered) -> None:
    import socket

    def raw(tokens: int) -> bytes:
        body = json.dumps(chat(tokens=tokens)).encode()
        head = (f"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json"
                f"\r\ncontent-length: {len(body)}\r\n\r\n")  # fmt: skip
        return head.encode() + body

    with socket.create_connection(("127.0.0.1", metered.port)) as sock:
        sock.sendall(raw(5) + raw(7))
        sock.settimeout(10)
        received = b""
        while received.count(b'"completion_tokens":') < 2 and (data := sock.recv(65536)):
            received += data
    rows = metered.settled(2)
    assert [r["completion_tokens"] for r in rows] == [5, 7]
    assert all(r["tokens_source"] == "usage" for r in rows)


def test_bytes_that_are_not_http_are_relayed_and_the_meter_keeps_serving(metered: Metered) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", metered.port)) as sock:
        sock.sendall(b"\x16\x03\x01 not HTTP at all\r\n\r\n")
        sock.settimeout(10)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400")  # the server's own answer, relayed
    assert httpx.post(f"{metered.url}/v1/chat/completions", json=chat()).status_code == 200
    assert metered.settled(1)[0]["outcome"] == "ok"


def test_a_client_that_leaves_after_done_had_its_whole_answer(metered: Metered) -> None:
    with httpx.stream("POST", f"{metered.url}/v1/chat/completions",
                      json=chat("lingering", stream=True)) as r:  # fmt: skip
        seen = b""
        for chunk in r.iter_raw():
            seen += chunk
            if b"[DONE]" in seen:
                break  # as the OpenAI client does
    (row,) = metered.settled(1)
    assert (row["outcome"], row["status"], row["completion_tokens"]) == ("ok", 200, 20)
