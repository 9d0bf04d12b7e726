"""Generative answers from an OpenAI-compatible endpoint (llama.cpp server, Ollama, vLLM or
a hosted API), set by FRUGALKIT_LLM_URL (e.g. http://127.0.0.1:8080/v1) and
FRUGALKIT_LLM_MODEL. The prompt requires a `[n]` citation on every sentence; a checker drops
every sentence whose cited passage does not hold its numbers and most of its words. The
model's footprint is estimated with EcoLogits' method and data (`ecologits`, offline) from
its parameter count and the tokens it wrote, and labelled as an estimate.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from frugalkit.errors import ConfigError, InputError
from frugalkit.i18n import gettext
from frugalkit.impact.llm_estimate import CHARS_PER_TOKEN
from frugalkit.library.answer import MIN_CROSS_SIMILARITY, SENTENCES, coverage, sentences
from frugalkit.library.claims import disagreement

CITATION = re.compile(r"\[(\d{1,2})\]")
MIN_SENTENCE_COVERAGE = 0.5
# A claim in another language than its passage: the same dense gate as an extractive answer's
# (answer.MIN_CROSS_SIMILARITY, measured there).
NOT_IN_SOURCES = "NOT IN SOURCES"
MAX_ANSWER_TOKENS = 400
# A reply longer than the tokens asked for could hold (a token is about 4 characters of
# English; 8 leaves room for other scripts) is cut there: a 300 kB reply was stored whole.
MAX_REPLY_CHARS = MAX_ANSWER_TOKENS * 8
MAX_DROPPED = 20
STYLE = {
    "citizen": "Write for a citizen: plain words, at most two short sentences.",
    "expert": "Write for an expert: precise, at most four sentences, keep calibrated language.",
}


@dataclass(frozen=True)
class Endpoint:
    url: str
    model: str
    key: str = ""
    timeout_s: float = 60.0
    provider: str = "huggingface_hub"  # whose data-centre PUE and WUE EcoLogits applies
    params_b: float | None = None  # billions of parameters, when EcoLogits does not know the model

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Endpoint | None:
        env = os.environ if env is None else env
        url = env.get("FRUGALKIT_LLM_URL", "").strip().rstrip("/")
        if not url:
            return None
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"FRUGALKIT_LLM_URL must be an http(s) URL (got {url!r})")
        try:
            timeout = float(env.get("FRUGALKIT_LLM_TIMEOUT_S", "60"))
            params = env.get("FRUGALKIT_LLM_PARAMS_B", "").strip()
            return cls(
                url=url,
                model=env.get("FRUGALKIT_LLM_MODEL", "default").strip(),
                key=env.get("FRUGALKIT_LLM_KEY", ""),
                timeout_s=timeout,
                provider=env.get("FRUGALKIT_LLM_PROVIDER", "huggingface_hub"),
                params_b=float(params) if params else None,
            )
        except ValueError as exc:
            raise ConfigError(f"a FRUGALKIT_LLM_* setting is not a number: {exc}") from None


def prompt(question: str, hits: list[dict[str, Any]], audience: str) -> list[dict[str, str]]:
    passages = "\n\n".join(
        f"[{i}] ({hit['title']}, {hit['section']}, page {hit['printed_page'] or hit['pdf_page']}) "
        f"{hit['text']}"
        for i, hit in enumerate(hits, 1)
    )
    system = (
        "You answer questions from the numbered passages of environmental reports, and from "
        "nothing else. End every sentence with the number of the passage that supports it, "
        f"as [1]. Copy numbers and calibrated language ('high confidence', 'likely') exactly. "
        f"If the passages do not answer the question, reply exactly: {NOT_IN_SOURCES}. "
        f"{STYLE[audience]} Answer in the language of the question."
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Passages:\n\n{passages}\n\nQuestion: {question}"},
    ]


def complete(
    endpoint: Endpoint, messages: list[dict[str, str]]
) -> tuple[str, dict[str, Any], float]:
    """The model's text, its token usage, and the request's latency in seconds."""
    import httpx

    headers = {"authorization": f"Bearer {endpoint.key}"} if endpoint.key else {}
    body = {
        "model": endpoint.model,
        "messages": messages,
        "temperature": 0,
        "max_tokens": MAX_ANSWER_TOKENS,
    }
    started = time.perf_counter()
    try:
        response = httpx.post(
            f"{endpoint.url}/chat/completions",
            json=body,
            headers=headers,
            timeout=endpoint.timeout_s,
        )
        response.raise_for_status()
        data = response.json()
        text = data["choices"][0]["message"]["content"]
        if not isinstance(text, str):
            raise TypeError("content is not text")
    except httpx.TimeoutException:
        raise InputError(
            f"the model endpoint {endpoint.url} did not answer within {endpoint.timeout_s:g} s"
        ) from None
    except httpx.HTTPError as exc:
        raise InputError(f"the model endpoint {endpoint.url} failed: {exc}") from None
    except (ValueError, KeyError, IndexError, TypeError):
        raise InputError(
            f"the model endpoint {endpoint.url} answered something that is not a chat completion"
        ) from None
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return text, usage, time.perf_counter() - started


def _closest(claim: str, cited: list[dict[str, Any]]) -> tuple[str, float]:
    """The sentence of the cited passages nearest the claim, and how near: by the share of
    the claim's words it holds, or by dense similarity across languages."""
    from frugalkit.library.retrieve import dense_model, language, sentence_vectors

    candidates = [s for hit in cited for s in sentences(hit["text"])] or [""]
    model = dense_model()
    if model is None or language(claim) == language(candidates[0]):
        scored = [(coverage(claim, s), s) for s in candidates]
    else:
        import numpy as np

        query = np.asarray(model.query(claim), dtype=np.float32)
        vectors = sentence_vectors(candidates)
        scored = [(float(v @ query), s) for v, s in zip(vectors, candidates, strict=True)]
    near, sentence = max(scored)
    return sentence, near


def check(
    text: str, hits: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """(kept sentences with their citations, dropped sentences with the reason). A sentence
    is kept only if it cites a passage shown, and that passage holds each of its figures as
    a value with its unit, its qualifiers, its direction and its negation (library/claims.py),
    and most of its words (in another language: a close dense match)."""
    from frugalkit.library.retrieve import language

    kept, dropped, seen = [], [], set()
    for sentence in sentences(text[:MAX_REPLY_CHARS]):
        # Only the passages shown count: [99] or [0] (which once meant the last) are ignored.
        cites = sorted({int(n) for n in CITATION.findall(sentence) if 1 <= int(n) <= len(hits)})
        plain = re.sub(r"\s+([.,;:!?])", r"\1", CITATION.sub("", sentence)).strip()
        if plain.lower() in seen:  # the same sentence again adds nothing
            continue
        seen.add(plain.lower())
        cited = [hits[n - 1] for n in cites]
        if not cited:
            dropped.append({"text": plain, "reason": gettext("cites no passage")})
            continue
        source = " ".join(hit["text"] for hit in cited)
        near, how_near = _closest(plain, cited)
        problem = disagreement(plain, source, near)
        across = language(plain) != language(source)
        weak = how_near < (MIN_CROSS_SIMILARITY if across else MIN_SENTENCE_COVERAGE)
        if problem is None and weak:
            problem = gettext("the cited passage does not say this")
        if problem is not None:
            dropped.append({"text": plain, "reason": problem})
        else:
            kept.append({"text": plain, "cites": cites})
    return kept, dropped[:MAX_DROPPED]


def checked_usage(usage: dict[str, Any], text: str) -> dict[str, int]:
    """The reply's token counts where they are whole numbers the request allows (the
    completion at most MAX_ANSWER_TOKENS, as asked); else the count from its length,
    marked so. 'abc', -5 or 10^15 were stored as they came (5.07e10 Wh for one answer)."""

    def whole(value: Any, most: int) -> int | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= most
        return value if ok else None

    completion = whole(usage.get("completion_tokens"), MAX_ANSWER_TOKENS)
    prompt_tokens = whole(usage.get("prompt_tokens"), 1_000_000)
    found: dict[str, int] = {}
    if completion is None:
        found["completion_tokens"] = min(max(1, len(text) // CHARS_PER_TOKEN), MAX_ANSWER_TOKENS)
        found["completion_tokens_estimated"] = 1
    else:
        found["completion_tokens"] = completion
    if prompt_tokens is not None:
        found["prompt_tokens"] = prompt_tokens
    return found


def estimate(endpoint: Endpoint, output_tokens: int, latency_s: float) -> dict[str, Any]:
    """The remote model's energy and emissions for this answer, by EcoLogits' method."""
    from frugalkit.impact.llm_estimate import estimate as ecologits

    found = ecologits(
        endpoint.model,
        output_tokens,
        latency_s,
        provider=endpoint.provider,
        params_b=endpoint.params_b,
    )
    if not found["available"] and "does not know" in found["why"]:
        found["why"] = f"EcoLogits does not know {endpoint.model!r}: set FRUGALKIT_LLM_PARAMS_B"
    return found


def answer(
    endpoint: Endpoint, question: str, hits: list[dict[str, Any]], audience: str
) -> dict[str, Any]:
    """The generated, checked answer: kept sentences, dropped ones and the remote estimate."""
    text, usage, latency = complete(endpoint, prompt(question, hits, audience))
    refused = NOT_IN_SOURCES.lower() in text.lower() and len(text) < 3 * len(NOT_IN_SOURCES)
    kept, dropped = ([], []) if refused else check(text, hits)
    usage = checked_usage(usage, text)
    tokens = usage["completion_tokens"]
    return {
        "model": endpoint.model,
        "raw": text[:MAX_REPLY_CHARS],
        "sentences": kept[: SENTENCES[audience] + 2],
        "dropped": dropped,
        "refused": refused,
        "usage": usage,
        "latency_s": latency,
        "remote": estimate(endpoint, tokens, latency),
    }
