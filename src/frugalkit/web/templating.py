"""The pages' Jinja environment: gettext from the catalogue of the reader's language
(web/language.py sets it per request), and filters that write every figure and date the
way impact/display.py and i18n.py do, in that language (issue 23)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from frugalkit import i18n
from frugalkit._version import __version__
from frugalkit.datacenter.shown import criterion_figure
from frugalkit.impact.display import (
    MAX_DIGITS,
    NO_VALUE,
    change,
    decimal,
    fraction,
    number,
    per_1000,
    percent,
    quantity,
    significant_digits,
)
from frugalkit.messages import language_name, metric_label
from frugalkit.observatory.records import series_title
from frugalkit.observatory.regions import region_name, regions
from frugalkit.web.page_words import page_words

locale = i18n.current.get


def figure(
    value: float | None,
    unit: str | None = None,
    low: float | None = None,
    high: float | None = None,
    digits: int | None = None,
) -> str:
    """A figure as the site writes it: with a unit, a metric prefix and the digits its band
    allows ('434 µWh'); without one, 3 significant figures and never an exponent."""
    if value is None or unit is None:
        return NO_VALUE if value is None else number(value, MAX_DIGITS, locale())
    return quantity(value, unit, low, high, digits, locale())


def as_published(value: float | None) -> str:
    """A published figure as its publisher gave it: no rounding, thousands separated the
    reader's way ('1,200' in English, '1 200' in French)."""
    if value is None:
        return NO_VALUE
    if float(value).is_integer():
        return decimal(value, 0, locale())
    text = f"{value:.6g}"
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return decimal(float(text), decimals, locale())


def html(template: str, value: object) -> Markup:
    """`value` (data: a team's name, a source's title) inside a tag the template writes:
    the value is escaped by Markup's own formatting, never marked safe.

    >>> str(html('<span lang="en">%s</span>', "<b>x</b>"))
    '<span lang="en">&lt;b&gt;x&lt;/b&gt;</span>'
    """
    return Markup(template) % (value,)


def code(text: str) -> Markup:
    """A command shown as code inside a translated sentence."""
    return html("<code>%s</code>", text)


def zone_label(code: str | None, name: str) -> str:
    """A grid zone in the reader's language: a country or the world by its code (CLDR,
    the catalogue), any other zone by the name its data gives."""
    if code == "WOR":  # impact/zones.py's code for the world average
        code = "world"
    for candidate in (code or "", (code or "").lower()):
        if candidate in regions():
            return region_name(candidate, locale())
    return name


def in_language(request: Any, code: str) -> str:
    """This page's address in another language: its query kept, `lang` replaced (a
    library answer or a filtered board stays what it was)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return "?" + urlencode([*query, ("lang", code)])


def make_templates(directory: Path, navigation: list[tuple[str, str]]) -> Jinja2Templates:
    templates = Jinja2Templates(directory=directory)
    env = templates.env
    env.globals.update(navigation=navigation, version=__version__)
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        # tr(): a word from data (a status, a label of a data file) through the catalogue,
        # as it is: never %-formatted as _() is ("50 % of" would break a format).
        tr=i18n.gettext,
        current_locale=locale,
        languages=list(i18n.NAMES.items()),
        per_1000=lambda entry: per_1000(entry, locale()),
        metric_label=metric_label,
        language_name=language_name,
        page_words=lambda: page_words(locale()),
        region_label=lambda code: region_name(code, locale()),
        zone_label=zone_label,
        in_language=in_language,
        html=html,
        code=code,
        series_title=lambda entry: series_title(entry, locale()),
        criterion_figure=lambda value, kpi: criterion_figure(value, kpi, locale()),
        digits_of=significant_digits,
    )
    env.filters.update(
        day=lambda value: i18n.day(value),
        moment=lambda value: i18n.moment(value),
        figure=figure,
        as_published=as_published,
        fraction=lambda value: fraction(value, locale()),
        number=lambda value, digits=MAX_DIGITS: number(value, digits, locale()),
        decimals=lambda value, n=0: decimal(value, n, locale()),
        change=lambda value: change(value, locale()),
        percent=lambda value: percent(value, locale=locale()),
    )
    # `|tojson` escapes <, >, & and ' so that data can never close its <script> element.
    env.policies["json.dumps_kwargs"] = {"default": str, "sort_keys": False}
    return templates
