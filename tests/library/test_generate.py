"""Generative answers against a fake OpenAI-compatible server on 127.0.0.1: supported
sentences kept with their citations, unsupported ones dropped and shown, a slow or
nonsensical endpoint one clear line. Nothing calls a hosted model."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from frugalkit.errors import InputError
from frugalkit.library import service
from frugalkit.library.index import Index
from frugalkit.settings import Settings

QUESTION = "How much water did evaporative cooling consume in 2024?"


class FakeModel(BaseHTTPRequestHandler):
    reply: str = ""
    delay_s: float = 0.0
    raw: bytes | None = None
    seen: ClassVar[list[dict]] = []  # type: ignore[type-arg]

    def do_POST(self) -> None:  # the http.server API names it so
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        FakeModel.seen.append(body)
        time.sleep(FakeModel.delay_s)
        payload = FakeModel.raw or json.dumps({
            "choices": [{"message": {"role": "assistant", "content": FakeModel.reply}}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 60},
        }).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (the CLI refusing a reply) is no traceback here: it
    would land in the stderr that the tests read."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeModel]]:
    server = QuietServer(("127.0.0.1", 0), FakeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeModel.reply, FakeModel.delay_s, FakeModel.raw, FakeModel.seen = "", 0.0, None, []
    monkeypatch.setenv("FRUGALKIT_LLM_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("FRUGALKIT_LLM_MODEL", "fake-8b")
    monkeypatch.setenv("FRUGALKIT_LLM_PARAMS_B", "8")
    monkeypatch.setenv("FRUGALKIT_LLM_TIMEOUT_S", "2")
    yield FakeModel
    server.shutdown()


def _ask(library: Index) -> dict:  # type: ignore[type-arg]
    return service.ask(Settings.from_env(), library, QUESTION, "expert", generative=True)


def _cite(library: Index, statement: str) -> int:
    """Where the passage of `statement` sits in the prompt the model received."""
    prompt = FakeModel.seen[-1]["messages"][1]["content"]
    for n in range(1, 6):
        if f"[{n}] (" in prompt and prompt.split(f"[{n}] (", 1)[1].split(")", 1)[
            1
        ].lstrip().startswith(statement + " "):
            return n
    raise AssertionError(f"{statement} not in the prompt")


def test_supported_sentences_are_kept_and_an_invented_number_is_dropped(  # type: ignore[no-untyped-def]
    library: Index, model
) -> None:
    model.reply = "Placeholder."
    _ask(library)  # learn where C.1 sits in the prompt
    n = _cite(library, "C.1")
    model.reply = (
        "Evaporative cooling consumed 12 million cubic metres of water in 2024 "
        f"(medium confidence) [{n}]. "
        f"Evaporative cooling consumed 19 million cubic metres of water in 2023 [{n}]. "
        "Data centres are powered by unicorns."
    )
    answer = _ask(library)
    assert answer["status"] == "answered" and answer["mode"].startswith("generative (fake-8b)")
    assert [s["text"] for s in answer["sentences"]] == [
        "Evaporative cooling consumed 12 million cubic metres of water in 2024 (medium confidence)."
    ]
    assert answer["sources"][0]["paragraph_id"] == "C.1"
    reasons = {d["reason"] for d in answer["generation"]["dropped"]}
    assert "19 million, 2023 not in the cited passage" in reasons and "cites no passage" in reasons
    remote = answer["footprint"]["remote"]
    assert remote["available"] and 0 < remote["energy_wh_low"] <= remote["energy_wh_high"]
    assert "estimate" in remote["method"] and "60 output tokens" in remote["method"]
    prompt = model.seen[-1]["messages"][0]["content"]
    assert "[1]" in prompt and "NOT IN SOURCES" in prompt


def test_when_no_sentence_survives_the_extractive_answer_is_given(library: Index, model) -> None:  # type: ignore[no-untyped-def]
    model.reply = "Cooling used 99 litres [1]."
    answer = _ask(library)
    assert answer["mode"].startswith("extractive (the model's answer was not supported)")
    assert answer["status"] == "answered" and answer["generation"]["dropped"]


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"delay_s": 3.0}, "did not answer within 2 s"),
        ({"raw": b"<html>hello</html>"}, "not a chat completion"),
        ({"raw": b'{"choices": []}'}, "not a chat completion"),
    ],
)
def test_a_slow_or_nonsensical_endpoint_is_one_line_and_stores_nothing(  # type: ignore[no-untyped-def]
    cli,
    library: Index,
    model,
    setup: dict,
    reason: str,  # type: ignore[type-arg]
) -> None:
    for key, value in setup.items():
        setattr(model, key, value)
    before = len(library.answers())
    result = cli("library", "ask", QUESTION, "--generate")
    assert result.exit_code == 2 and reason in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert len(library.answers()) == before


def test_generative_without_an_endpoint_says_what_to_set(cli, library: Index) -> None:  # type: ignore[no-untyped-def]
    result = cli("library", "ask", QUESTION, "--generate")
    assert result.exit_code == 2 and "set FRUGALKIT_LLM_URL" in result.stderr
    with pytest.raises(InputError):
        _ask(library)


SUPPORTED = "Evaporative cooling consumed 12 million cubic metres of water in 2024"


@pytest.mark.parametrize("extra", ["[99]", "[0]", "[6][7][8]"])
def test_citations_outside_the_passages_shown_are_ignored(  # type: ignore[no-untyped-def]
    library: Index, model, extra: str
) -> None:
    """`[1][99]` crashed the answer (IndexError); `[0]` attached the last passage
    (hits[-1]), which nobody cited (issue 21)."""
    model.reply = "Placeholder."
    _ask(library)
    n = _cite(library, "C.1")
    model.reply = f"{SUPPORTED} [{n}]{extra}. Something else entirely {extra}."
    answer = _ask(library)
    assert [s["cites"] for s in answer["sentences"]] == [[1]]
    assert [c["paragraph_id"] for c in answer["sources"]] == ["C.1"]
    assert {d["reason"] for d in answer["generation"]["dropped"]} == {"cites no passage"}


@pytest.mark.parametrize("tokens", ["abc", -5, 10**15, True])
def test_token_usage_is_checked_and_capped_by_what_was_asked(  # type: ignore[no-untyped-def]
    library: Index, model, tokens: object
) -> None:
    """10^15 tokens was stored as 5.07e10 Wh for one answer."""
    from frugalkit.library.generate import MAX_ANSWER_TOKENS

    model.reply = "Not in the sources."
    model.raw = json.dumps({
        "choices": [{"message": {"role": "assistant", "content": SUPPORTED + "."}}],
        "usage": {"completion_tokens": tokens},
    }).encode()  # fmt: skip
    answer = _ask(library)
    used = answer["generation"]["usage"]
    assert 0 < used["completion_tokens"] <= MAX_ANSWER_TOKENS
    assert used["completion_tokens_estimated"] == 1
    assert answer["footprint"]["remote"]["energy_wh_high"] < 10  # one short answer


def test_a_huge_repetitive_reply_is_capped(library: Index, model) -> None:  # type: ignore[no-untyped-def]
    from frugalkit.library.generate import MAX_DROPPED, MAX_REPLY_CHARS

    model.reply = "Placeholder."
    _ask(library)
    n = _cite(library, "C.1")
    model.reply = f"{SUPPORTED} [{n}]. " * 4 + "Unicorns power data centres. " * 10_000
    answer = _ask(library)
    assert len(answer["sentences"]) == 1  # the same sentence four times is one
    assert len(answer["generation"]["dropped"]) <= MAX_DROPPED
    assert len(json.dumps(answer)) < 4 * MAX_REPLY_CHARS


def test_a_generated_answer_says_a_model_wrote_it(library: Index, model) -> None:  # type: ignore[no-untyped-def]
    model.reply = "Placeholder."
    _ask(library)
    model.reply = f"{SUPPORTED} [{_cite(library, 'C.1')}]."
    answer = _ask(library)
    assert answer["mode"].startswith("generative")
    assert "Written by a language model" in answer["notice"]
    assert "not written by a model" not in answer["notice"]
