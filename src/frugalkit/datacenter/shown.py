"""A criterion's figure and threshold as a person reads them, on the page, in the CLI
and in the tender PDF (issue 23: "100 % renewable ... 0.870 >= 1.0" read as a fraction
against a percentage): shares in per cent, power in kW, the rest with 3 significant figures."""

from __future__ import annotations

from frugalkit.impact.display import NO_VALUE, number, percent, quantity

# KPIs stored as a fraction of 1 (ISO/IEC 30134-3 REF and -6 ERF are ratios; the
# renewable share and CPU utilisation are shares too): shown in per cent.
SHARES = {"ref", "erf", "erf_planned", "unsubsidised_renewable_share", "cpu_utilisation"}
POWER_KW = {"rated_connection_kw"}
YES_NO = {"natural_refrigerants"}


def criterion_figure(value: float | None, kpi: str, locale: str | None = None) -> str:
    """
    >>> criterion_figure(0.87, "ref"), criterion_figure(1.0, "unsubsidised_renewable_share")
    ('87\xa0%', '100\xa0%')
    >>> criterion_figure(1.234, "pue"), criterion_figure(300, "rated_connection_kw")
    ('1.23', '300 kW')
    """
    if value is None:
        return NO_VALUE
    if kpi in SHARES:
        return percent(value, 3, locale)
    if kpi in POWER_KW:
        return quantity(value * 1000, "W", locale=locale)
    if kpi in YES_NO:
        return "1" if value else "0"
    return number(value, 3, locale)
