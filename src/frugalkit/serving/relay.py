"""The serving meter's traffic side: each client connection relayed byte for byte to the
upstream server (vLLM, llama.cpp, Ollama, TGI), and read on the way by llhttp's parser
(httptools), never rewritten.

Relaying bytes, not re-serving requests, is what keeps the meter's added latency near a
socket hop's: a proxy that parsed and rebuilt each request (Starlette and httpx) added
3.5 ms a request on loopback (benchmarks/serve_meter.py). It also keeps every header,
chunk and stream exactly as the server sent it. A POST is metered: its kind, model and
`stream` from its body; its status, first byte, end and tokens from the answer
(serving/usage.py). What the meter cannot read (a HEAD on the connection, a body that does
not parse) is relayed all the same; that exchange is metered with estimated tokens.

Ends: the server closes mid-answer, the client's connection is closed too (it sees the
break, never a silent truncation): `broken_stream`; no byte for `timeout_s` while an answer
is due: the client gets a 504 if nothing was sent yet, else the break: `timeout`; the
server cannot be reached: a 502, `unreachable`; the client goes away: the server's
connection is closed, as the client's own would have been: `client_gone`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import ssl
import time
from collections import deque
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httptools

from frugalkit.serving import usage
from frugalkit.serving.ledger import Exchange

if TYPE_CHECKING:
    from frugalkit.serving.meter import ServingMeter

READ_BYTES = 1 << 16
MAX_REQUEST_BODY_READ = 1 << 20  # read for its model and `stream`; the rest only relayed
MAX_ANSWER_READ = 8 << 20  # a whole answer is read for its usage up to this size
CONNECT_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 10_000  # more are closed as they open, before they cost a descriptor more


def error_response(status: int, reason: str, message: str) -> bytes:
    """An error in OpenAI's shape, so that clients show the message."""
    error = {"message": message, "type": "frugalkit_serve_meter", "code": status}
    body = json.dumps({"error": error})
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")  # fmt: skip
    return head.encode() + body.encode()


class _Pending:
    """One request on the connection, from its first byte to the end of its answer."""

    def __init__(self, meter: ServingMeter) -> None:
        self.start_s, self.started_at_s = time.monotonic(), time.time()
        self.method = b""  # known once the headers are read
        self.path = ""
        self.body = bytearray()
        self.exchange: Exchange | None = None
        self.counts: usage.Counts | None = None
        self.streamed = False
        self.answer = bytearray()
        self.meter = meter

    def begin(self) -> None:
        asked = usage.asked(self.path, bytes(self.body))
        self.counts = usage.Counts(asked)
        self.streamed = asked.stream
        if self.method == b"POST":
            self.exchange = Exchange(id=os.urandom(8).hex(), kind=asked.kind, model=asked.model,
                                     stream=asked.stream, start_s=self.start_s,
                                     started_at_s=self.started_at_s)  # fmt: skip
            self.meter.ledger.open(self.exchange)

    def end(self, outcome: str, status: int) -> None:
        exchange, counts = self.exchange, self.counts
        if exchange is None or counts is None:
            return
        if not self.streamed:
            counts.body(bytes(self.answer))
        if outcome in ("client_gone", "broken_stream") and counts.finished:
            # the stream had said it was over: a client that closes after [DONE], before the
            # body's last chunk, had its whole answer (the OpenAI client does)
            outcome, status = "ok", status or 200
        exchange.status, exchange.outcome = status, outcome
        if outcome != "unreachable":  # a request the server never saw is given no tokens
            found = counts.final()
            exchange.prompt_tokens, exchange.completion_tokens, exchange.tokens_source = found
        self.meter.ledger.close(exchange, time.monotonic())
        self.exchange = None


class Connection:
    """One client connection and its upstream connection."""

    def __init__(
        self, meter: ServingMeter, upstream: tuple[str, int, ssl.SSLContext | None]
    ) -> None:
        self.meter = meter
        self.upstream = upstream
        self.queue: deque[_Pending] = deque()  # sent, answer not finished: HTTP/1.1 order
        self.reading: _Pending | None = None  # the request being read
        self.answering: _Pending | None = None
        self.status = 0
        self.blind = False  # the answers can no longer be told apart: relay only
        self.sent_to_client = False
        self.last_upstream_s = time.monotonic()
        self.requests = httptools.HttpRequestParser(self)
        self.answers = httptools.HttpResponseParser(_AnswerSide(self))

    # -- the request side's parser callbacks
    def on_message_begin(self) -> None:
        self.reading = _Pending(self.meter)

    def on_url(self, url: bytes) -> None:
        if self.reading is not None:
            self.reading.path += url.decode("latin-1")

    def on_headers_complete(self) -> None:
        if self.reading is not None:
            self.reading.method = self.requests.get_method()
            self.reading.path = urlsplit(self.reading.path).path
            self.blind = self.blind or self.reading.method == b"HEAD"  # an answer without body

    def on_body(self, body: bytes) -> None:
        if self.reading is not None and len(self.reading.body) < MAX_REQUEST_BODY_READ:
            self.reading.body += body

    def on_message_complete(self) -> None:
        if self.reading is not None:
            self.reading.begin()
            self.queue.append(self.reading)
            self.reading = None

    # -- relaying
    async def run(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        first = await client_r.read(READ_BYTES)
        if not first:
            client_w.close()
            return
        self._read_request(first)
        host, port, context = self.upstream
        try:
            up_r, up_w = await asyncio.wait_for(
                asyncio.open_connection(host, port, ssl=context), CONNECT_TIMEOUT_S
            )
        except (OSError, TimeoutError) as exc:
            self._end_all("unreachable", 502)
            why = f"the upstream server could not be reached: {type(exc).__name__}"
            client_w.write(error_response(502, "Bad Gateway", why))
            await _close(client_w)
            return
        up_w.write(first)
        upward = asyncio.create_task(self._upward(client_r, up_w))
        downward = asyncio.create_task(self._downward(up_r, client_w))
        done, _ = await asyncio.wait({upward, downward}, return_when=asyncio.FIRST_COMPLETED)
        outcome = "client_gone" if upward in done else "broken_stream"
        for task in (upward, downward):
            task.cancel()
        if downward in done and not downward.cancelled() and downward.result() == "timeout":
            outcome = "timeout"
            if not self.sent_to_client and self.queue:
                message = f"the upstream server gave no answer within {self.meter.timeout_s:g} s"
                client_w.write(error_response(504, "Gateway Timeout", message))
        if self.blind:
            outcome = "unobserved"
        self._end_all(outcome, 504 if outcome == "timeout" else self.status)
        await asyncio.gather(_close(up_w), _close(client_w))

    def _read_request(self, data: bytes) -> None:
        try:
            self.requests.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.blind = True
        except httptools.HttpParserError:
            self.blind = True

    async def _upward(self, client_r: asyncio.StreamReader, up_w: asyncio.StreamWriter) -> None:
        while data := await client_r.read(READ_BYTES):
            self.last_upstream_s = time.monotonic() if not self.queue else self.last_upstream_s
            self._read_request(data)
            up_w.write(data)
            await up_w.drain()

    async def _downward(self, up_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> str:
        timeout_s = self.meter.timeout_s
        while True:
            try:
                data = await asyncio.wait_for(up_r.read(READ_BYTES), timeout_s / 4)
            except TimeoutError:
                waiting = self.queue and time.monotonic() - self.last_upstream_s >= timeout_s
                if waiting:
                    return "timeout"
                continue
            if not data:
                return "closed"
            self.last_upstream_s = time.monotonic()
            if not self.blind:
                try:
                    self.answers.feed_data(data)
                except httptools.HttpParserError:
                    self.blind = True
            client_w.write(data)
            self.sent_to_client = True
            await client_w.drain()

    def _end_all(self, outcome: str, status: int) -> None:
        for pending in (*self.queue, self.reading):
            if pending is not None:
                pending.end(outcome, status)
        self.queue.clear()


class _AnswerSide:
    """The answer side's parser callbacks: the oldest request sent is the one answered."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def on_headers_complete(self) -> None:
        c = self.c
        c.status = c.answers.get_status_code()
        c.answering = c.queue[0] if c.queue and c.status >= 200 else None  # 1xx: not the answer
        if c.answering is not None and c.answering.exchange is not None:
            c.answering.exchange.first_byte_s = time.monotonic()

    def on_header(self, name: bytes, value: bytes) -> None:
        c = self.c
        if (
            name.lower() == b"content-type"
            and c.queue
            and (b"event-stream" in value or b"ndjson" in value)
        ):
            c.queue[0].streamed = True

    def on_body(self, body: bytes) -> None:
        pending = self.c.answering
        if pending is None or pending.counts is None:
            return
        if pending.streamed:
            pending.counts.stream(body)
        elif len(pending.answer) < MAX_ANSWER_READ:
            pending.answer += body

    def on_message_complete(self) -> None:
        c = self.c
        if c.answering is None:
            return
        c.queue.popleft().end("ok" if c.status < 400 else "upstream_error", c.status)
        c.answering = None
        c.sent_to_client = False  # the next answer has sent nothing yet


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


def upstream_address(url: str) -> tuple[str, int, ssl.SSLContext | None]:
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    context = ssl.create_default_context() if secure else None
    return parts.hostname or "", parts.port or (443 if secure else 80), context


async def serve(meter: ServingMeter, listening: socket.socket) -> asyncio.Server:
    """Listen for clients; each connection is relayed on its own."""
    address = upstream_address(meter.upstream)
    open_connections = 0

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        nonlocal open_connections
        if open_connections >= MAX_CONNECTIONS:
            client_w.close()
            return
        open_connections += 1
        try:
            await Connection(meter, address).run(client_r, client_w)
        except (OSError, asyncio.IncompleteReadError):
            pass  # a connection reset: its exchanges were ended in run()
        finally:
            open_connections -= 1

    return await asyncio.start_server(handle, sock=listening, limit=READ_BYTES)
