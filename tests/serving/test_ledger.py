"""The ledger: a served model's measured energy split over its requests (serving/ledger.py)."""

from __future__ import annotations

import random

import pytest

from frugalkit.serving.ledger import Exchange, Interval, Ledger


def interval(start_s: float, end_s: float, gpu_j: float, cpu_j: float = 0.0) -> Interval:
    joules = {"cpu": cpu_j, "gpu": gpu_j, "ram": 0.0}
    return Interval(
        start_s,
        end_s,
        joules,
        {k: v * 0.9 for k, v in joules.items()},
        {k: v * 1.1 for k, v in joules.items()},
    )


def exchange(
    name: str,
    start_s: float,
    *,
    prompt: int,
    completion: int,
    stream: bool = False,
    first_s: float | None = None,
) -> Exchange:
    found = Exchange(
        id=name,
        kind="chat",
        model="m",
        stream=stream,
        start_s=start_s,
        started_at_s=0.0,
        first_byte_s=first_s,
    )
    found.prompt_tokens, found.completion_tokens, found.outcome = prompt, completion, "ok"
    return found


def test_one_request_alone_is_given_what_was_measured_while_it_ran_and_idle_the_rest() -> None:
    ledger = Ledger()
    a = exchange("a", 1.0, prompt=10, completion=30)
    ledger.open(a)
    ledger.add(interval(0.0, 1.0, 50.0))  # before it: idle
    ledger.add(interval(1.0, 2.0, 200.0))
    ledger.close(a, 2.0)
    ledger.add(interval(2.0, 3.0, 40.0))  # after it: idle
    assert ledger.settle() == [a]
    assert a.energy_j == pytest.approx(200.0)
    assert sum(a.low_j.values()) == pytest.approx(180.0)
    idle, _, _ = ledger.take_idle()
    assert idle["gpu"] == pytest.approx(90.0)
    assert ledger.take_idle()[0]["gpu"] == 0.0  # taken once


def test_concurrent_requests_share_an_interval_by_the_tokens_each_processed_in_it() -> None:
    ledger = Ledger()
    small = exchange("small", 0.0, prompt=0, completion=10)
    large = exchange("large", 0.0, prompt=0, completion=30)
    for e in (small, large):
        ledger.open(e)
    ledger.add(interval(0.0, 1.0, 400.0))
    ledger.close(small, 1.0)
    ledger.close(large, 1.0)
    ledger.settle()
    assert small.energy_j == pytest.approx(100.0)
    assert large.energy_j == pytest.approx(300.0)


def test_a_streamed_requests_prompt_counts_before_its_first_byte_and_its_answer_after() -> None:
    ledger = Ledger()
    # prompt of 100 tokens in [0, 1), then 100 completion tokens in [1, 2): one interval each
    streamed = exchange("s", 0.0, prompt=100, completion=100, stream=True, first_s=1.0)
    other = exchange("o", 0.0, prompt=0, completion=100)  # 50 tokens in each interval
    for e in (streamed, other):
        ledger.open(e)
    ledger.add(interval(0.0, 1.0, 300.0))
    ledger.add(interval(1.0, 2.0, 300.0))
    for e in (streamed, other):
        ledger.close(e, 2.0)
    ledger.settle()
    # first interval: 100 vs 50 tokens; second: 100 vs 50 again
    assert streamed.energy_j == pytest.approx(400.0)
    assert other.energy_j == pytest.approx(200.0)


def test_an_interval_waits_for_every_request_active_in_it_before_it_is_split() -> None:
    ledger = Ledger()
    early, late = (
        exchange("e", 0.0, prompt=0, completion=10),
        exchange("l", 0.5, prompt=0, completion=10),
    )
    for e in (early, late):
        ledger.open(e)
    ledger.add(interval(0.0, 1.0, 100.0))
    ledger.close(early, 1.0)
    assert ledger.settle() == []  # `late` ran in that interval: its tokens are not known yet
    ledger.add(interval(1.0, 2.0, 100.0))
    ledger.close(late, 2.0)
    assert ledger.settle() == [early, late]
    assert early.energy_j + late.energy_j == pytest.approx(200.0)


def test_requests_without_tokens_share_by_the_time_they_were_there() -> None:
    ledger = Ledger()
    failed = [exchange(name, 0.0, prompt=0, completion=0) for name in "ab"]
    for e in failed:
        ledger.open(e)
    ledger.add(interval(0.0, 1.0, 60.0))
    ledger.close(failed[0], 0.25)
    ledger.close(failed[1], 0.75)
    ledger.settle()
    assert [e.energy_j for e in failed] == pytest.approx([15.0, 45.0])


def test_requests_and_idle_add_up_to_the_measured_energy_whatever_the_overlaps() -> None:
    rng = random.Random(25)
    ledger = Ledger()
    measured = 0.0
    requests = []
    for n in range(200):
        start = rng.uniform(0, 100)
        e = exchange(
            str(n),
            start,
            prompt=rng.randint(0, 500),
            completion=rng.randint(0, 300),
            stream=rng.random() < 0.5,
            first_s=start + rng.uniform(0, 0.5),
        )
        ledger.open(e)
        requests.append((e, start + rng.uniform(0.01, 8)))
    for e, end in requests:
        ledger.close(e, end)
    t = 0.0
    while t < 110:
        joules = rng.uniform(0, 500)
        ledger.add(interval(t, t + 0.5, joules, cpu_j=joules / 3))
        measured += joules * 4 / 3
        t += 0.5
    final = ledger.settle()
    assert len(final) == 200
    idle = sum(ledger.take_idle()[0].values())
    assert sum(e.energy_j for e, _ in requests) + idle == pytest.approx(measured, rel=1e-9)
