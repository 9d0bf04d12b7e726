"""A served model's measured energy split over the requests it answered (issue 25, item 2).

The server's process tree is metered in short intervals (`sampler.py`). Each interval's
energy goes to the requests active in it, in proportion to the tokens each processed in
that interval: a streamed request's prompt tokens spread evenly from its arrival to its
first byte (prefill), its completion tokens from its first byte to its end (decode); a
request answered in one body spreads all of its tokens over its whole life. Where no
active request has tokens (errors, timeouts), the interval is split by time present. An
interval with no request at all is the server's idle energy: stated apart, charged to
nobody. So the requests' energies and the idle energy add up to the measured energy.

An interval is split once every request active in it has ended (its tokens are known then);
a request is final once every interval up to its end is split. Times are monotonic seconds,
energies joules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

COMPONENTS = ("cpu", "gpu", "ram")
METHOD = (
    "the server's measured energy in each interval, split among the requests active in it "
    "by the tokens each processed there (prompt tokens before the first byte, completion "
    "tokens after it); intervals with no request are the server's idle energy, charged to "
    "nobody"
)


@dataclass
class Interval:
    """The server's energy between two meter readings, joules per component, with the
    meters' band (low_j, high_j) per component."""

    start_s: float
    end_s: float
    joules: dict[str, float]
    low_j: dict[str, float]
    high_j: dict[str, float]
    idle_j: float = 0.0  # GPU idle power the meter stated apart (measure/gpu_share.py)


@dataclass
class Exchange:
    """One request through the meter and the energy it was given (joules)."""

    id: str
    kind: str
    model: str
    stream: bool
    start_s: float
    started_at_s: float  # wall clock, seconds since the epoch
    end_s: float | None = None
    first_byte_s: float | None = None
    status: int = 0
    outcome: str = "open"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_source: str = "usage"
    joules: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0.0))
    low_j: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0.0))
    high_j: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0.0))

    @property
    def energy_j(self) -> float:
        return sum(self.joules.values())

    @property
    def latency_s(self) -> float:
        return 0.0 if self.end_s is None else self.end_s - self.start_s

    def tokens_in(self, start_s: float, end_s: float) -> float:
        """The tokens this request processed between start_s and end_s (see module doc)."""
        assert self.end_s is not None
        first = self.first_byte_s if self.stream and self.first_byte_s else None
        if first is None:
            total = self.prompt_tokens + self.completion_tokens
            return _spread(total, self.start_s, self.end_s, start_s, end_s)
        return _spread(self.prompt_tokens, self.start_s, first, start_s, end_s) + _spread(
            self.completion_tokens, first, self.end_s, start_s, end_s
        )


def _overlap_s(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _spread(tokens: int, from_s: float, to_s: float, start_s: float, end_s: float) -> float:
    if tokens <= 0:
        return 0.0
    if to_s - from_s <= 1e-9:  # all at one instant: the interval that holds it
        return float(tokens) if start_s <= from_s < end_s else 0.0
    return tokens * _overlap_s(from_s, to_s, start_s, end_s) / (to_s - from_s)


class Ledger:
    """Requests and intervals in, final requests and idle energy out. Thread-safe: the proxy
    opens and closes requests, the sampler adds intervals, the window settles."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, Exchange] = {}
        self._closed: list[Exchange] = []
        self._intervals: list[Interval] = []
        self._split_until_s = float("-inf")
        self._idle = _zeros()  # since the last take_idle(): joules, low_j, high_j

    def open(self, exchange: Exchange) -> None:
        with self._lock:
            self._open[exchange.id] = exchange

    def close(self, exchange: Exchange, end_s: float) -> None:
        with self._lock:
            exchange.end_s = end_s
            if self._open.pop(exchange.id, None) is not None:
                self._closed.append(exchange)

    def add(self, interval: Interval) -> None:
        with self._lock:
            self._intervals.append(interval)

    def in_flight(self) -> int:
        with self._lock:
            return len(self._open)

    def settle(self) -> list[Exchange]:
        """Split every interval whose requests have all ended; return the requests now
        final (each once), oldest first."""
        with self._lock:
            while self._intervals and self._split(self._intervals[0]):
                self._split_until_s = self._intervals.pop(0).end_s
            final: list[Exchange] = []
            waiting: list[Exchange] = []
            for e in self._closed:  # closed requests have an end
                (
                    final if e.end_s is not None and e.end_s <= self._split_until_s else waiting
                ).append(e)
            self._closed = waiting
        return sorted(final, key=lambda e: e.start_s)

    def _split(self, interval: Interval) -> bool:
        a, b = interval.start_s, interval.end_s
        if any(e.start_s < b for e in self._open.values()):
            return False  # a request still running was active here: its tokens are unknown
        active = [e for e in self._closed if e.start_s < b and e.end_s is not None and e.end_s > a]
        for idle in self._idle:
            idle["gpu"] = idle.get("gpu", 0.0) + interval.idle_j
        if not active:
            for idle, theirs in zip(self._idle, _parts(interval), strict=True):
                for component, joules in theirs.items():
                    idle[component] = idle.get(component, 0.0) + joules
            return True
        weights = [e.tokens_in(a, b) for e in active]
        if sum(weights) <= 0:
            weights = [_overlap_s(e.start_s, e.end_s or b, a, b) for e in active]
        if sum(weights) <= 0:
            weights = [1.0] * len(active)
        total = sum(weights)
        for exchange, weight in zip(active, weights, strict=True):
            part = weight / total
            for mine, theirs in zip(_parts(exchange), _parts(interval), strict=True):
                for component, joules in theirs.items():
                    mine[component] = mine.get(component, 0.0) + joules * part
        return True

    def take_idle(self) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """The idle energy (joules, low_j, high_j per component) since the last call."""
        with self._lock:
            idle, self._idle = self._idle, _zeros()
        return idle


def _zeros() -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    return (
        dict.fromkeys(COMPONENTS, 0.0),
        dict.fromkeys(COMPONENTS, 0.0),
        dict.fromkeys(COMPONENTS, 0.0),
    )


def _parts(
    item: Interval | Exchange,
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    return item.joules, item.low_j, item.high_j
