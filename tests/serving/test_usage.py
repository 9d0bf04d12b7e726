"""Token counts read from OpenAI-compatible answers, whole or streamed (serving/usage.py)."""

from __future__ import annotations

import json

from frugalkit.serving.usage import Counts, asked


def sse(*events: dict[str, object]) -> bytes:
    return (
        b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"
    )


CHAT = json.dumps(
    {"model": "smollm2", "messages": [{"role": "user", "content": "x" * 40}]}
).encode()


def test_a_request_says_its_kind_model_and_whether_it_streams() -> None:
    found = asked("/v1/chat/completions", CHAT)
    assert (found.kind, found.model, found.stream, found.prompt_chars) == (
        "chat",
        "smollm2",
        False,
        40,
    )
    assert asked("/v1/embeddings", b"{}").kind == "embedding"
    assert asked("/v1/whatever", b"not json").model == "?"
    assert asked("/v1/completions", b'{"stream": true, "model": 5}').stream is True


def test_a_whole_answer_gives_its_usage() -> None:
    counts = Counts(asked("/v1/chat/completions", CHAT))
    counts.body(
        json.dumps({"choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 7}}).encode()
    )
    assert counts.final() == (12, 7, "usage")


def test_a_stream_cut_anywhere_gives_the_same_counts() -> None:
    chunks = [{"choices": [{"delta": {"content": f"tok{i}"}}]} for i in range(9)]
    raw = sse(*chunks, {"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 9}})
    for cut in (1, 3, 7, 64, len(raw)):
        counts = Counts(asked("/v1/chat/completions", CHAT))
        for i in range(0, len(raw), cut):
            counts.stream(raw[i : i + cut])
        assert counts.final() == (11, 9, "usage")
        assert counts.chunks == 9


def test_a_stream_without_usage_counts_its_chunks_and_estimates_the_prompt() -> None:
    counts = Counts(asked("/v1/chat/completions", CHAT))
    counts.stream(sse(*[{"choices": [{"delta": {"content": "ab"}}]} for _ in range(5)]))
    assert counts.final() == (10, 5, "estimated")  # 40 characters of prompt, 4 a token


def test_counts_that_are_not_counts_are_replaced_by_the_estimate() -> None:
    for bad in ("12", -3, 10**15, True, None, 1.5):
        counts = Counts(asked("/v1/chat/completions", CHAT))
        answer = {
            "choices": [{"message": {"content": "y" * 80}}],
            "usage": {"prompt_tokens": bad, "completion_tokens": bad},
        }
        counts.body(json.dumps(answer).encode())
        assert counts.final() == (10, 20, "estimated"), bad


def test_ollama_and_tgi_counts_are_read_too() -> None:
    counts = Counts(asked("/api/chat", CHAT))
    counts.stream(
        b'{"message": {"content": "a"}}\n{"done": true, "prompt_eval_count": 8, "eval_count": 3}\n'
    )
    assert counts.final() == (8, 3, "usage")
    counts = Counts(asked("/generate", b'{"inputs": "abcd"}'))
    counts.body(b'{"generated_text": "xyz", "details": {"generated_tokens": 4}}')
    assert counts.final() == (1, 4, "estimated")
