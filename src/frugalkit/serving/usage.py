"""What a request asked and what its answer used, from OpenAI-compatible bodies and streams.

Token counts come from the answer's `usage` where the server gives it (vLLM, llama.cpp,
Ollama and TGI do for a whole body; in a stream only when the client asked for
`stream_options.include_usage`). Else: completion tokens are the streamed chunks that carry
text (these servers send one token per chunk), and what is still missing is estimated from
the text's length, 4 characters a token, and marked so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from frugalkit.impact.llm_estimate import CHARS_PER_TOKEN

MAX_TOKENS = 10_000_000  # a count above this is not a count: the estimate is used instead
MAX_LINE_BYTES = 1 << 20  # a stream line longer than this is skipped, not held
KINDS = {
    "/v1/chat/completions": "chat",
    "/v1/completions": "completion",
    "/v1/embeddings": "embedding",
    "/api/chat": "chat",  # Ollama's own API
    "/api/generate": "completion",
    "/api/embed": "embedding",
    "/generate": "completion",  # TGI's own API
    "/generate_stream": "completion",
}


@dataclass
class Asked:
    """What a request body says: kind, model, whether it streams, its text's length."""

    kind: str
    model: str
    stream: bool
    prompt_chars: int


def kind_of(path: str) -> str:
    return KINDS.get("/" + path.strip("/"), "other")


def _text_chars(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(_text_chars(v) for v in value)
    if isinstance(value, dict):
        return sum(_text_chars(value.get(k)) for k in ("content", "text", "prompt", "input"))
    return 0


def asked(path: str, body: bytes) -> Asked:
    """The request's kind and model; an unreadable body is 'other', model '?'."""
    try:
        data = json.loads(body) if body else {}
    except (ValueError, UnicodeDecodeError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    model = data.get("model")
    text = sum(_text_chars(data.get(k)) for k in ("messages", "prompt", "input", "inputs"))
    return Asked(
        kind=kind_of(path),
        model=model[:100] if isinstance(model, str) and model.strip() else "?",
        stream=data.get("stream") is True,
        prompt_chars=text,
    )


def _whole(value: Any) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TOKENS
    return value if ok else None


def _usage(data: Any) -> tuple[int | None, int | None]:
    """(prompt, completion) from an OpenAI `usage`, Ollama's eval counts or TGI's details."""
    if not isinstance(data, dict):
        return None, None
    usage = data.get("usage")
    if isinstance(usage, dict):
        return _whole(usage.get("prompt_tokens")), _whole(usage.get("completion_tokens"))
    if "prompt_eval_count" in data or "eval_count" in data:
        return _whole(data.get("prompt_eval_count")), _whole(data.get("eval_count"))
    details = data.get("details")
    if isinstance(details, dict):
        return None, _whole(details.get("generated_tokens"))
    return None, None


def _answer_chars(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    chars = 0
    for choice in data.get("choices") or []:
        if isinstance(choice, dict):
            chars += _text_chars(choice.get("message")) + _text_chars(choice.get("text"))
            chars += _text_chars(choice.get("delta"))
    chars += _text_chars(data.get("message")) + _text_chars(data.get("response"))
    return chars + _text_chars(data.get("generated_text")) + _text_chars(data.get("token"))


class Counts:
    """Tokens of one exchange, filled from the answer as it arrives."""

    def __init__(self, asked: Asked) -> None:
        self._asked = asked
        self.prompt: int | None = None
        self.completion: int | None = None
        self.chunks = 0  # streamed chunks that carried text
        self.answer_chars = 0
        self.finished = False  # the stream said it was over ([DONE], Ollama's "done": true)
        self._pending = b""

    def body(self, raw: bytes) -> None:
        """A whole (non-streamed) answer."""
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return
        self._take(data)

    def stream(self, raw: bytes) -> None:
        """Bytes of a server-sent-event or JSON-lines stream, in any cut."""
        lines = (self._pending + raw).split(b"\n")
        self._pending = lines.pop()
        if len(self._pending) > MAX_LINE_BYTES:
            self._pending = b""
        for line in lines:
            line = line.strip()
            if line.startswith(b"data:"):
                line = line[5:].strip()
            if line == b"[DONE]":
                self.finished = True
            if not line.startswith(b"{"):
                continue  # [DONE], comments, event names
            try:
                data = json.loads(line)
            except (ValueError, UnicodeDecodeError):
                continue
            chars = _answer_chars(data)
            self.chunks += 1 if chars else 0
            self.finished = self.finished or (isinstance(data, dict) and data.get("done") is True)
            self._take(data, chars)

    def _take(self, data: Any, chars: int | None = None) -> None:
        prompt, completion = _usage(data)
        self.prompt = prompt if prompt is not None else self.prompt
        self.completion = completion if completion is not None else self.completion
        self.answer_chars += _answer_chars(data) if chars is None else chars

    def final(self) -> tuple[int, int, str]:
        """(prompt, completion, source): source is 'usage' where the server counted both,
        'counted' where chunks were counted, 'estimated' where length stood in."""
        self.stream(b"\n")
        source = "usage"
        completion = self.completion
        if completion is None and self.chunks:
            completion, source = self.chunks, "counted"
        if completion is None:
            completion, source = -(-self.answer_chars // CHARS_PER_TOKEN), "estimated"
        prompt = self.prompt
        if prompt is None:
            prompt, source = -(-self._asked.prompt_chars // CHARS_PER_TOKEN), "estimated"
        return prompt, completion, source
