"""The words the charts' scripts write (axis titles, legends, hover text), in the page's
language: read from the catalogue here and handed to app.js in base.html's #words
element, so that the scripts hold no translation of their own."""

from __future__ import annotations

from functools import cache

from frugalkit import i18n
from frugalkit.messages import N_

CHART_WORDS = (
    N_("submissions"), N_("Pareto front"), N_("Energy per 1,000 samples (log scale)"),
    N_("Accuracy (fraction correct)"), N_("energy (Wh)"), N_("greenhouse gases (gCO2e)"),
    N_("Energy"), N_("Greenhouse gases"), N_("WUE (L/kWh)"), N_("WUE, L/kWh"),
    N_("operational"), N_("embodied"), N_("tick 2 to 5 (%(ticked)s ticked)"),
    N_("observed"), N_("published anchor"), N_("World electricity in 2030 (TWh)"),
    N_("%(share)s %% of electricity use"), N_("%(low)s to %(high)s"), N_("secondary source"),
    N_("not verified"), N_("measurement"), N_("estimate"), N_("projection"),
)  # fmt: skip


@cache
def page_words(locale: str) -> dict[str, str]:
    """English message -> its translation, for every word a chart may write; {} in
    English (the scripts then write the message as it is)."""
    if locale == i18n.DEFAULT:
        return {}
    from frugalkit.observatory.records import METRICS
    from frugalkit.observatory.regions import AGGREGATES, region_name, regions
    from frugalkit.observatory.scenario import levers

    words = i18n.translations(locale).gettext
    found = {m: words(m) for m in CHART_WORDS}
    found |= {m.label: words(m.label) for m in METRICS.values()}
    found |= {lever.label: words(lever.label) for lever in levers().values()}
    for code in [r.code for r in AGGREGATES] + ["USA", "CHN"]:
        found[regions()[code].name] = region_name(code, locale)
    return {k: v for k, v in found.items() if k != v}
