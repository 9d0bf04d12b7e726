"""French and English (issue 23: not one word of French outside French documents, for a
French ministry's initiative): gettext catalogues read with Babel, the reader's locale
for each request or command, and dates in the locale's own form (CLDR, through Babel).

The catalogue is `locale/fr/LC_MESSAGES/frugalkit.po`; `tools/i18n.py` extracts the
messages from the templates and code and compiles the `.mo` beside it (a test checks that
the compiled catalogue is the source's)."""

from __future__ import annotations

import contextvars
import functools
from datetime import date, datetime
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "fr")
DEFAULT = "en"
NAMES = {"en": "English", "fr": "Français"}
DOMAIN = "frugalkit"
LOCALE_DIR = Path(__file__).parent / "locale"
current: contextvars.ContextVar[str] = contextvars.ContextVar("frugalkit_locale", default=DEFAULT)


@functools.cache
def translations(locale: str) -> Any:
    """The compiled catalogue of `locale` (English: the messages as written)."""
    from babel.support import NullTranslations, Translations

    if locale == DEFAULT:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale], DOMAIN)


def gettext(message: str) -> str:
    return str(translations(current.get()).gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    return str(translations(current.get()).ngettext(singular, plural, n))


def negotiate(asked: str | None = None, accept_language: str | None = None) -> str:
    """`asked` (a ?lang= or a cookie) when it is a language we have, else the first of the
    Accept-Language header's that we have, by its q weights; else English."""
    if asked in LANGUAGES:
        return str(asked)
    weighted = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        weighted.append((-q, position, tag.strip().lower().split("-")[0]))
    for _q, _position, language in sorted(weighted):
        if language in LANGUAGES and _q < 0:
            return language
    return DEFAULT


def from_environment(environ: dict[str, str] | None = None) -> str:
    """The language of a command: FRUGALKIT_LANG, else gettext's own order (LANGUAGE
    unless the locale is C, then LC_ALL, LC_MESSAGES, LANG); the first we have.

    >>> from_environment({"LANG": "fr_FR.UTF-8"}), from_environment({"LC_ALL": "C"})
    ('fr', 'en')
    >>> from_environment({"LANGUAGE": "de:fr", "LANG": "de_DE.UTF-8"})
    'fr'
    """
    import os

    env = os.environ if environ is None else environ
    chosen = [env.get("FRUGALKIT_LANG", "")]
    posix = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    if posix not in ("C", "POSIX") and not posix.startswith("C."):
        chosen += env.get("LANGUAGE", "").split(":")
    chosen.append(posix)
    for value in chosen:
        language = value.split(".")[0].split("_")[0].split("-")[0].lower()
        if language in LANGUAGES:
            return language
    return DEFAULT


def day(value: date | datetime | str | None, locale: str | None = None) -> str:
    """'1 Dec 2026' in English, '1 déc. 2026' in French."""
    if value is None or value == "":
        return "\u2013"
    from babel.dates import format_date

    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return str(format_date(value, format="medium", locale=locale or current.get()))


def moment(value: datetime | str | None, locale: str | None = None) -> str:
    """A UTC time: '1 Dec 2026, 15:39' / '1 déc. 2026, 15:39'."""
    if value is None or value == "":
        return "\u2013"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return f"{day(value, locale)}, {value:%H:%M}"
