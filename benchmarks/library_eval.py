"""The library's answers measured on real reports (issue 24, item 6): recall@5, answered,
refused near misses and citation precision, in every language direction, with the goals
printed beside each figure, and BM25 alone in the same run as the baseline.

    python benchmarks/library_eval.py              # the shared IPCC SPM pages the questions cover
    python benchmarks/library_eval.py --whole      # the whole SPMs, then the WGIII chapter
                                                   # added (about 10 minutes of indexing)

The reports are read from ../shared/corpus (never copied here); the questions are
benchmarks/library_questions/*.yaml. Indexes are kept in a temporary folder per run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
QUESTIONS = ROOT / "benchmarks" / "library_questions" / "wg1_spm_a1.yaml"
MORE = ROOT / "benchmarks" / "library_questions" / "wg1_spm_bcd.yaml"  # whole reports only
CHAPTER = ROOT / "benchmarks" / "library_questions" / "wg3_ch01.yaml"  # whole reports only
CHAPTER_PDF = "ipcc-ar6-wg3-ch01-fgd.pdf"
# The pages of each edition that hold statements A.1.1-A.1.7 (1-based PDF pages).
PAGES = {"en": [4, 5], "fr": [8, 9, 10]}
GOALS = {"recall@5": 0.95, "answered": 0.9, "refused": 0.95, "citation precision": 0.95}


def edition(language: str, folder: Path, whole: bool) -> Path:
    if language == "wg3":  # the chapter, whole
        return CORPUS / CHAPTER_PDF
    source = CORPUS / f"ipcc-ar6-wg1-spm-{language}.pdf"
    return source if whole else part(source, language, folder)


def part(source: Path, language: str, folder: Path, pages: list[int] | None = None) -> Path:
    """The pages of `source` that hold statements A.1.1-A.1.7 (or the 1-based `pages`), as a
    PDF in `folder` (the tests use it too: a copy in a temporary folder, never in the
    project)."""
    import pypdfium2 as pdfium

    pages = pages or PAGES[language]
    name = "a1" if pages == PAGES[language] else "-".join(map(str, pages))
    target = folder / f"spm-{language}-{name}.pdf"
    if not target.exists():
        original, part = pdfium.PdfDocument(source), pdfium.PdfDocument.new()
        part.import_pages(original, [p - 1 for p in pages])
        part.save(target)
        part.close()
        original.close()
    return target


def library(languages: tuple[str, ...], folder: Path, whole: bool) -> tuple[Any, Any, float]:
    """An index of the given editions; its settings, and the indexing time per page."""
    from frugalkit.library import service
    from frugalkit.settings import Settings

    home = folder / "-".join(languages)
    settings = Settings.from_env({"FRUGALKIT_HOME": str(home)})
    index = service.open_index(settings)
    started, pages = time.perf_counter(), 0
    for language in languages:
        document, _ = service.add_file(
            settings, index, edition(language, folder, whole), language=language,
            report_type="summary for policymakers", body="IPCC",
        )  # fmt: skip
        pages += document["pages"]
    return settings, index, (time.perf_counter() - started) / max(pages, 1)


def right(hit: dict[str, Any], question: dict[str, Any]) -> bool:
    """The passage answers: its statement id is the question's, or its text holds the
    question's phrase (a chapter has no statement ids), spaces and case aside."""
    if "answer" in question:
        return bool(hit["paragraph_id"] == question["answer"])
    return _plain(question["holds"]) in _plain(hit["text"])


def _plain(text: str) -> str:
    return "".join(text.casefold().split())


def evaluate(settings: Any, index: Any, asked: str, questions: dict[str, Any]) -> dict[str, float]:
    from frugalkit.library import service
    from frugalkit.library.retrieve import search

    found = answered = cited = correct_cites = refused = 0
    for q in questions["questions"]:
        hits = search(index, q[asked], k=5)
        found += any(right(h, q) for h in hits)
        answer = service.ask(settings, index, q[asked], keep=False)
        if answer["status"] == "answered":
            answered += 1
            cards = answer["sources"]
            cited += len(cards)
            correct_cites += sum(right(index.passages([c["passage_id"]])[c["passage_id"]], q)
                                 for c in cards)  # fmt: skip
    for q in questions["near"]:
        refused += service.ask(settings, index, q[asked], keep=False)["status"] != "answered"
    n, near = len(questions["questions"]), len(questions["near"])
    return {
        "recall@5": found / n,
        "answered": answered / n,
        "refused": refused / near,
        "citation precision": correct_cites / cited if cited else 0.0,
    }


def bm25_recall(index: Any, asked: str, questions: dict[str, Any]) -> float:
    from frugalkit.library.retrieve import Filters, bm25

    found = 0
    for q in questions["questions"]:
        rows = bm25(index, q[asked], Filters())[:5]
        got = index.passages(rows)
        found += any(right(got[r], q) for r in rows)
    return found / len(questions["questions"])


def measured(
    name: str, indexed: str, settings: Any, index: Any, per_page: float, questions: Any
) -> list[tuple[str, str, str, float, dict[str, float]]]:
    rows = []
    for asked in ("en", "fr"):
        figures = evaluate(settings, index, asked, questions)
        figures["BM25 recall@5"] = bm25_recall(index, asked, questions)
        rows.append((name, indexed, asked, per_page, figures))
    return rows


def added_chapter(settings: Any, index: Any, folder: Path) -> float:
    """The WGIII chapter added to a library; its indexing time per page."""
    from frugalkit.library import service

    started = time.perf_counter()
    document, _ = service.add_file(
        settings, index, edition("wg3", folder, True), language="en", report_type="chapter",
        body="IPCC",
    )  # fmt: skip
    return (time.perf_counter() - started) / max(document["pages"], 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--whole", action="store_true", help="index the whole SPMs")
    args = parser.parse_args()
    if not all((CORPUS / f"ipcc-ar6-wg1-spm-{lang}.pdf").is_file() for lang in PAGES):
        print(f"the IPCC SPMs are not in {CORPUS}: nothing to measure", file=sys.stderr)
        return 1
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    questions = yaml.safe_load(QUESTIONS.read_text())
    if args.whole:
        more = yaml.safe_load(MORE.read_text())
        questions = {k: questions[k] + more[k] for k in ("questions", "near")}
    sets = QUESTIONS.name + (f" and {MORE.name}" if args.whole else "")
    print(f"questions: {sets}, {len(questions['questions'])} answerable and "
          f"{len(questions['near'])} near misses in each language")  # fmt: skip
    chapter = yaml.safe_load(CHAPTER.read_text()) if args.whole else None
    if chapter:
        print(f"and {CHAPTER.name}: {len(chapter['questions'])} answerable and "
              f"{len(chapter['near'])} near misses, over all three reports")  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for indexed in (("en",), ("fr",), ("en", "fr")):
            settings, index, per_page = library(indexed, folder, args.whole)
            rows += measured("spm", "+".join(indexed), settings, index, per_page, questions)
            if chapter and indexed == ("en", "fr"):  # the chapter added: more documents
                per_page = added_chapter(settings, index, folder)
                rows += measured("spm", "en+fr+wg3", settings, index, per_page, questions)
                rows += measured("wg3", "en+fr+wg3", settings, index, per_page, chapter)
            index.close()
    keys = [*GOALS, "BM25 recall@5"]
    print(f"{'set':<4} {'indexed':<9} {'asked':<5} {'s/page':>6}  "
          + "  ".join(f"{k:>18}" for k in keys))  # fmt: skip
    for name, indexed, asked, per_page, figures in rows:
        cells = "  ".join(f"{figures[k]:>18.2f}" for k in keys)
        print(f"{name:<4} {indexed:<9} {asked:<5} {per_page:>6.1f}  {cells}")
    print("goals: " + ", ".join(f"{k} >= {v}" for k, v in GOALS.items()))
    missed = [f"{n} {i}/{a} {k}" for n, i, a, _, f in rows for k, v in GOALS.items() if f[k] < v]
    print("below goal: " + (", ".join(missed) if missed else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
