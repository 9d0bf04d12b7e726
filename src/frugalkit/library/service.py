"""Add reports to the library and answer questions from them, each measured: an impact
report per added document and per answer, stored with the store's other reports."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from frugalkit.errors import InputError
from frugalkit.impact.gate import validate_report
from frugalkit.library import generate
from frugalkit.library.answer import GENERATIVE_NOTICE, NOTICE, card, compose
from frugalkit.library.html import read_html
from frugalkit.library.index import Index
from frugalkit.library.passages import apparatus, cut
from frugalkit.library.pdf import MAX_PDF_BYTES, read_pdf
from frugalkit.library.records import Filters, Library, now
from frugalkit.library.retrieve import dense_model, language, search, term_weights
from frugalkit.library.tables import add_cells
from frugalkit.library.titles import title_of
from frugalkit.measure import track
from frugalkit.messages import N_
from frugalkit.settings import Settings
from frugalkit.store import open_store, parse_url, save_reports

DEMO_DIR = Path(__file__).parent / "data"
DEMO_FILES = {"demo-report-en.pdf": "en", "demo-report-fr.pdf": "fr"}
DOWNLOAD_TIMEOUT_S = 300  # in all: one byte every 10 s once held a download for ever
MAX_QUESTION_CHARS = 500
AUDIENCES = ("citizen", "expert")


def open_index(settings: Settings) -> Library:
    """The library of this store: in its PostgreSQL database, or in a SQLite file beside a
    SQLite store (issue 24: two web servers on one PostgreSQL must see one library)."""
    home = settings.ensure_home()
    if parse_url(settings.database_url).get_backend_name() == "postgresql":
        from frugalkit.library.pg_index import PgIndex

        return PgIndex(settings.database_url, home)
    return Index(home)


def _store_report(settings: Settings, report: dict[str, Any] | None) -> str | None:
    if report is None:
        return None
    with open_store(settings) as store:
        save_reports(store, [validate_report(report, "library run")])
    return str(report["id"])


EMBED_BATCH = 32  # passages embedded at a time: progress moves every few seconds


def add_file(
    settings: Settings,
    index: Library,
    path: Path,
    on_step: Callable[[str, int, int], None] | None = None,
    **meta: Any,
) -> tuple[dict[str, Any], bool]:
    """Index one PDF or HTML report (all or nothing); (document, added): an unchanged
    file already indexed is not added twice. `on_step(what, done, total)` hears of the
    reading and of each batch of passages embedded (issue 23: a bar stuck at 0 % for
    a minute on one long report)."""
    step = on_step or (lambda what, done, total: None)
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if index.has(digest):
        return index.document(digest), False
    with track(
        f"library ingest {path.name[:150]}",
        phase="other",
        functional_unit="document",
        announce=False,
    ) as run:
        is_html = path.suffix.lower() in (".html", ".htm")
        step("reading", 0, 1)
        text = None
        if is_html:
            title, passages = read_html(path)
            pages, without_text = 0, []
        else:
            text = read_pdf(path)
            title, passages = text.title, cut(text)
            add_cells(path, passages)
            pages, without_text = len(text.pages), [p.number for p in text.pages if not p.has_text]
        model = dense_model()
        embeddings: list[bytes | None] = [None] * len(passages)
        # the references and the table of contents are searched by words only (passages.py)
        wanted = [i for i, p in enumerate(passages) if not apparatus(p.section)]
        if model is not None and wanted:
            for start in range(0, len(wanted), EMBED_BATCH):
                step("embedding", start, len(wanted))
                batch = wanted[start : start + EMBED_BATCH]
                vectors = model.passage([passages[i].text for i in batch])
                for i, vector in zip(batch, vectors, strict=True):
                    embeddings[i] = bytes(vector.astype("float32").tobytes())
        step("embedding", len(wanted), len(wanted))
    document = {
        "id": digest,
        "title": meta.get("title") or title_of(title, text, path),
        "body": meta.get("body") or "unknown",
        "year": meta.get("year"),
        "report_type": meta.get("report_type") or "report",
        "language": meta.get("language") or _language(passages),
        "url": meta.get("url") or "",
        "licence": meta.get("licence") or "not stated",
        "file": f"{digest}{'.html' if is_html else '.pdf'}",
        "pages": pages,
        "pages_without_text": without_text,
        "passages": len(passages),
        "demonstration": bool(meta.get("demonstration")),
        "report_id": None,
        "added_at": now(),
    }
    document["report_id"] = _store_report(settings, run.report)
    index.add(document, passages, embeddings, path)
    return document, True


def _language(passages: list[Any]) -> str:
    return language(" ".join(p.text for p in passages[:20]))


def add_url(
    settings: Settings, index: Library, url: str, **meta: Any
) -> tuple[dict[str, Any], bool]:
    """Download a PDF (at most MAX_PDF_BYTES, within DOWNLOAD_TIMEOUT_S in all) and index
    it. Public hosts only, unless FRUGALKIT_REMOTE_ALLOW names it (`frugalkit.outbound`)."""
    import httpx

    from frugalkit import outbound

    if not url.startswith(("http://", "https://")):
        raise InputError(f"{url!r} is not an http(s) URL")
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / outbound.file_name(url)
        try:
            with outbound.stream(
                "GET",
                url,
                allow=settings.remote_allow,
                deadline_s=DOWNLOAD_TIMEOUT_S,
                what=f"the report at {url[:100]}",
            ) as answer:
                answer.raise_for_status()
                size = 0
                with target.open("wb") as file:
                    for chunk in answer.iter_bytes():
                        size += len(chunk)
                        if size > MAX_PDF_BYTES:
                            raise InputError(f"{url} is larger than {MAX_PDF_BYTES / 1e6:.0f} MB")
                        file.write(chunk)
        except httpx.HTTPError as exc:
            raise InputError(f"cannot download {url}: {exc}") from None
        return add_file(settings, index, target, url=url, **meta)


def add_demo(settings: Settings, index: Library) -> list[dict[str, Any]]:
    """The demonstration reports that ship with frugalkit (idempotent)."""
    added = []
    for name, lang in DEMO_FILES.items():
        document, _ = add_file(
            settings,
            index,
            DEMO_DIR / name,
            body="frugalkit (demonstration)",
            year=2026,
            report_type="summary for policymakers",
            language=lang,
            demonstration=True,
            licence="CC0 (written by the frugalkit project)",
        )
        added.append(document)
    return added


def ask(
    settings: Settings,
    index: Library,
    question: str,
    audience: str = "citizen",
    filters: Filters | None = None,
    generative: bool = False,
    keep: bool = True,
) -> dict[str, Any]:
    """An answer with its citations and its measured footprint, stored with its impact
    report unless `keep` is False (a page read by anyone stores nothing). `generative`:
    from the configured model endpoint, checked sentence by sentence against the passages."""
    question = " ".join(question.split())
    if not question:
        raise InputError("ask a question")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"a question has at most {MAX_QUESTION_CHARS} characters")
    if audience not in AUDIENCES:
        raise InputError(f"audience must be one of {', '.join(AUDIENCES)} (got {audience!r})")
    endpoint = generate.Endpoint.from_env() if generative else None
    if generative and endpoint is None:
        raise InputError("no model endpoint: set FRUGALKIT_LLM_URL (and FRUGALKIT_LLM_MODEL)")
    if not index.documents():
        raise InputError("the library is empty: `frugalkit library add FILE` (or --demo)")
    started = time.perf_counter()
    with track(
        "library answer", phase="inference", functional_unit="answer", announce=False
    ) as run:
        asked_in = language(question)
        hits = search(index, question, filters)
        composed = compose(question, hits, audience, asked_in, term_weights(index))
        generated = generate.answer(endpoint, question, hits, audience) if endpoint else None
    if generated is not None:
        composed = _generated(composed, generated, hits, asked_in)
    report_id = _store_report(settings, run.report) if keep else None
    report = run.report or {}
    answer = {
        "id": uuid.uuid4().hex[:16],
        "question": question,
        "language": asked_in,
        "audience": audience,
        **composed,
        "notice": GENERATIVE_NOTICE
        if composed.get("mode", "").startswith("generative")
        else NOTICE,
        "created_at": now(),
        "duration_s": time.perf_counter() - started,
        "report_id": report_id,
        "footprint": {
            "energy_wh": report.get("energy", {}).get("facility_kwh", 0.0) * 1000,
            "ghg_g": report.get("ghg", {}).get("location_based_g", 0.0),
            "method": ", ".join(sorted({m["kind"] for m in report.get("methods", [])}))
            or "estimate",
            "remote": generated["remote"] if generated else None,
        },
    }
    if keep:
        index.save_answer(answer)
    return answer


def _generated(
    extractive: dict[str, Any], generated: dict[str, Any], hits: list[dict[str, Any]], asked_in: str
) -> dict[str, Any]:
    """The model's checked sentences with their source cards; when none survives the
    check, the extractive answer, with what the model said and why it was dropped."""
    info = {k: generated[k] for k in ("model", "dropped", "refused", "usage", "latency_s")}
    if not generated["sentences"]:
        return {
            **extractive,
            "mode": N_("extractive (the model's answer was not supported)"),
            "generation": info,
        }
    cards: list[dict[str, Any]] = []
    lines = []
    for sentence in generated["sentences"]:
        numbers = []
        for n in sentence["cites"]:
            hit = hits[n - 1]
            if hit["id"] not in [c["passage_id"] for c in cards]:
                cards.append(card(len(cards) + 1, hit))
            numbers.append(next(c["n"] for c in cards if c["passage_id"] == hit["id"]))
        lines.append({"text": sentence["text"], "cites": numbers, "language": asked_in})
    return {
        "status": "answered",
        "mode": f"generative ({generated['model']}), every sentence checked",
        "text": " ".join(f"{x['text']} " + "".join(f"[{n}]" for n in x["cites"]) for x in lines),
        "sentences": lines,
        "sources": cards,
        "closest": [],
        "generation": info,
        "language": asked_in,
    }


def reindex(settings: Settings, index: Library) -> list[dict[str, Any]]:
    """Read every stored document again with this version's reader; metadata kept."""
    done = []
    for document in index.documents():
        stored = index.file_path(document)
        if not stored.is_file():
            raise InputError(f"the stored copy of {document['title']} is missing: add it again")
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / stored.name
            shutil.copyfile(stored, copy)
            index.remove(document["id"])
            meta = {
                k: document[k]
                for k in (
                    "title",
                    "body",
                    "year",
                    "report_type",
                    "language",
                    "url",
                    "licence",
                    "demonstration",
                )
            }
            done.append(add_file(settings, index, copy, **meta)[0])
    return done
