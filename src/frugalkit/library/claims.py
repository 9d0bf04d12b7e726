"""What a sentence claims, in the parts that carry its meaning (issue 24: numbers matched
as substrings kept "0.4°C" for 0.45 and "100 GtCO2" for 1000, and dropped "1,000 GtCO2"
against "1000" and a French "0,45 °C" over an English passage):

- quantities: each number parsed as a value, in either language's way of writing it
  (1,000 = 1000 = 1 000 in English; 0,45 = 0.45 in French), with the unit after it;
- direction (rise or fall) and negation words, in English and French;
- the IPCC calibrated qualifiers (likelihood and confidence), the French ones mapped to
  the English terms of the same scale (IPCC AR6 WGI SPM, footnotes 4 and 5, and its French
  edition, "Résumé à l'intention des décideurs").

`disagreement(claim, source)` says what of a claim its source does not hold, or None.

>>> [q.value for q in quantities("1,000 GtCO2 and 1 000 GtCO2 and 1000 GtCO2")]
[1000.0, 1000.0, 1000.0]
>>> [(q.value, q.unit) for q in quantities("une hausse de 0,45 °C", "fr")]
[(0.45, '°C')]
>>> disagreement("Warming reached 0.4°C", "Warming reached 0.45°C since 1850")
'0.4 °C not in the cited passage'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frugalkit.library.passages import qualifiers_in
from frugalkit.library.retrieve import folded, language

# The units that follow a figure in these reports, by a canonical spelling.
UNITS = {
    "°c": "°C", "ºc": "°C", "degc": "°C", "%": "%", "percent": "%", "per cent": "%",
    "pour cent": "%", "gtco2-eq": "GtCO2-eq", "gtco2eq": "GtCO2-eq", "gt co2-eq": "GtCO2-eq",
    "gtco2": "GtCO2", "gt co2": "GtCO2", "gtc": "GtC", "ptc": "PtC", "mtco2": "MtCO2",
    "ppm": "ppm", "ppb": "ppb", "w m-2": "W m-2", "w m\u20132": "W m-2", "twh": "TWh",
    "gwh": "GWh", "kwh": "kWh", "mwh": "MWh", "gw": "GW", "mw": "MW", "kw": "kW", "m": "m",
    "cm": "cm", "mm": "mm", "km": "km", "years": "years", "year": "years", "ans": "years",
    "an": "years", "millions": "million", "million": "million", "billion": "billion",
    "milliards": "billion", "milliard": "billion",
}  # fmt: skip
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
# A figure: a sign, digits grouped by commas, spaces or no-break spaces, a decimal part.
NUMBER = re.compile(
    r"(?<![\w.,])([-\u2212\u2013]?)(\d{1,3}(?:(?:,|\s|\u00a0|\u202f)\d{3})+|\d+)(?:([.,])(\d+))?"
    rf"(?:\s?({_UNIT})(?![\w]))?",
    re.IGNORECASE,
)
UP = {
    "en": r"ris\w*|increas\w*|grow\w*|grew|higher|more|greater|exceed\w*|warm\w*|gain\w*|up",
    "fr": r"augment\w*|hausse\w*|cro[iî]\w*|plus|sup[ée]rieur\w*|d[ée]pass\w*|r[ée]chauff\w*",
}
DOWN = {
    "en": r"fall\w*|fell|decreas\w*|declin\w*|lower|less|fewer|reduc\w*|drop\w*|cool\w*|down",
    "fr": r"baiss\w*|diminu\w*|d[ée]cro[iî]\w*|moins|inf[ée]rieur\w*|r[ée]du\w*|recul\w*",
}
NEGATION = {
    "en": r"not|no|never|n't|cannot|none|neither|nor|without",
    "fr": r"ne|n'|pas|jamais|aucun\w*|sans|ni",
}
# The French qualifiers of the IPCC's French editions, on the English scale.
IN_ENGLISH = {
    "quasiment certain": "virtually certain", "quasi-certain": "virtually certain",
    "extrêmement probable": "extremely likely", "extrêmement probablement": "extremely likely",
    "très probable": "very likely", "très probablement": "very likely",
    "probablement": "likely", "aussi probable qu'improbable": "about as likely as not",
    "exceptionnellement improbable": "exceptionally unlikely",
    "très improbable": "very unlikely", "improbable": "unlikely", "probable": "likely",
    "degré de confiance très élevé": "very high confidence",
    "degré de confiance élevé": "high confidence",
    "degré de confiance moyen": "medium confidence",
    "degré de confiance très faible": "very low confidence",
    "degré de confiance faible": "low confidence",
}  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None

    def __str__(self) -> str:
        return f"{self.value:g}" + (f" {self.unit}" if self.unit else "")


def quantities(text: str, lang: str | None = None) -> list[Quantity]:
    """Every figure of `text` as a value with its unit. A comma before exactly three digits
    groups thousands in English and is a decimal point in French."""
    lang = lang or language(text)
    found = []
    for sign, whole, mark, decimals, unit in NUMBER.findall(text):
        digits = re.sub(r"[,\s\u00a0\u202f]", "", whole)
        if lang == "fr" and "," in whole and not mark:  # '1,000' in French is 1.000
            head, _, tail = whole.partition(",")
            digits, mark, decimals = head, ",", tail.replace(",", "")
        value = float(digits + (f".{decimals}" if mark else ""))
        if sign:
            value = -value
        found.append(Quantity(value, UNITS.get(unit.lower()) if unit else None))
    return found


def _words(pattern: str, text: str) -> bool:
    return re.search(rf"(?<!\w)(?:{pattern})(?!\w)", text.casefold()) is not None


def direction(text: str, lang: str) -> set[str]:
    return {name for name, words in (("up", UP), ("down", DOWN)) if _words(words[lang], text)}


def negated(text: str, lang: str) -> bool:
    return _words(NEGATION[lang], text)


def qualifiers(text: str) -> set[str]:
    """The calibrated qualifiers of `text`, on the English scale."""
    return {IN_ENGLISH.get(q.casefold(), q.casefold()) for q in qualifiers_in(text)}


def holds(claimed: Quantity, source: list[Quantity]) -> bool:
    return any(
        abs(found.value - claimed.value) <= 1e-9 * max(1.0, abs(claimed.value))
        and (claimed.unit is None or found.unit in (None, claimed.unit))
        for found in source
    )


def disagreement(claim: str, source: str, near: str | None = None) -> str | None:
    """What `claim` says that `source` (the cited passages) does not: a figure or its unit,
    a qualifier; or, against `near` (the cited sentence closest to the claim; `source` when
    not given), a direction or a negation. None when nothing. Each text is read in its own
    language, so a French claim may be checked against an English source."""
    from frugalkit.i18n import gettext

    near = near or source
    claim_lang, source_lang, near_lang = language(claim), language(source), language(near)
    held = quantities(source, source_lang)
    missing = [str(q) for q in quantities(claim, claim_lang) if not holds(q, held)]
    if missing:
        return gettext("%(what)s not in the cited passage") % {"what": ", ".join(missing)}
    extra = qualifiers(claim) - qualifiers(source)
    if extra:
        return gettext("%(what)s: not what the cited passage says") % {
            "what": ", ".join(sorted(extra))
        }
    said, found = direction(claim, claim_lang), direction(near, near_lang)
    if said and found and not said & found:
        return gettext("the cited passage says the opposite")
    if negated(claim, claim_lang) != negated(near, near_lang):
        return gettext("the cited passage does not say this (a negation differs)")
    return None


def unheld(question: str, passages: str) -> list[str]:
    """The figures and qualifiers a question asks about that none of `passages` holds (a
    budget "at 90 % likelihood" when the reports give 50 % and 67 %): then the reports do
    not answer it, however close their words."""
    held = quantities(passages)
    wanted = [str(q) for q in quantities(question) if not holds(q, held)]
    return wanted + sorted(qualifiers(question) - qualifiers(passages))


def places(question: str) -> set[str]:
    """The names a question asks about: its capitalised words past the first, acronyms
    aside (a term such as PUE or IPCC, not a place), folded.

    >>> sorted(places("How fast does the sea rise in Venice and Rotterdam, per the IPCC?"))
    ['rotterdam', 'venice']
    """
    names = re.findall(r"(?<=\s)([A-ZÀ-Ý][a-zà-ÿ][\w'-]*)", question)
    return {folded(n) for n in names}
