"""Extract the messages of the templates and web code into the French catalogue, keep the
translations already there, and compile it (Babel). Run after changing a page's words:

    python tools/i18n.py          # update locale/fr/LC_MESSAGES/frugalkit.po and .mo
    python tools/i18n.py --check  # exit 1 when the catalogue is stale or a message untranslated
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "frugalkit"
PO = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "frugalkit.po"
MO = PO.with_suffix(".mo")
METHODS = [("web/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


# Data files whose words reach pages: (file, the fields read out, as paths with * for a list).
DATA = [
    ("observatory/data/presets.json",
     ["levers.*.label", "levers.*.why", "presets.*.label", "observed.*.label",
      "observed.*.source"]),
    ("datacenter/data/criteria/*.yaml", ["title", "note", "scope.label", "criteria.*.label"]),
    ("datacenter/data/eu-2024-1364.yaml", ["fields.*.label", "pending"]),
    ("impact/data/equivalents.json", ["*.source"]),
]  # fmt: skip


def _walk(node: Any, path: list[str]) -> list[str]:
    if not path:
        return [node] if isinstance(node, str) and node else []
    head, rest = path[0], path[1:]
    if head == "*":
        children = node.values() if isinstance(node, dict) else node
        children = children if isinstance(children, list | type({}.values())) else []
        return [m for child in children for m in _walk(child, rest)]
    return _walk(node.get(head), rest) if isinstance(node, dict) else []


def data_messages() -> list[tuple[str, str]]:
    """(message, file) for every field of DATA that a page shows through `_()`."""
    found = []
    for pattern, fields in DATA:
        for path in sorted(PACKAGE.glob(pattern)):
            text = path.read_text()
            tree = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
            for field in fields:
                for message in _walk(tree, field.split(".")):
                    found.append((message, str(path.relative_to(PACKAGE))))
    return found


# The OpenAPI description's words: each route's summary, each parameter's description and
# the app's summary (web/docs.py translates the served schema with them).
ROUTE_WORDS = re.compile(r'\b(?:summary|description)="([^"]+)"')


def route_messages() -> list[tuple[str, str]]:
    found = []
    for path in sorted((PACKAGE / "web").glob("*.py")):
        for message in ROUTE_WORDS.findall(path.read_text()):
            found.append((message, str(path.relative_to(PACKAGE))))
    return found


def extracted() -> Catalog:
    catalog = Catalog(locale="fr", domain="frugalkit", project="frugalkit")
    for message, path in data_messages() + route_messages():
        catalog.add(message, None, [(path, 0)])
    # _() and ngettext() where a message is shown, N_() and plural() where it is only named
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "plural": (1, 2)}
    for path, line, message, comments, context in extract_from_dir(
        PACKAGE, METHODS, OPTIONS, keywords=keywords
    ):
        catalog.add(message, None, [(path, line)], auto_comments=comments, context=context)
    return catalog


def updated() -> Catalog:
    with PO.open("rb") as file:
        catalog = read_po(file, locale="fr")
    catalog.update(extracted(), no_fuzzy_matching=True)
    return catalog


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    def empty(string: Any) -> bool:  # a plural's translation is a tuple of its forms
        return not all(string) if isinstance(string, tuple) else not string

    return [str(m.id) for m in catalog if m.id and (empty(m.string) or m.fuzzy)]


def main(check: bool) -> int:
    catalog = updated()
    missing = untranslated(catalog)
    if check:
        with PO.open("rb") as file:
            stored = read_po(file, locale="fr")
        stale = {m.id for m in catalog if m.id} != {m.id for m in stored if m.id}
        outdated = not MO.is_file() or MO.read_bytes() != compiled(stored)
        for problem, found in (("stale .po", stale), ("stale .mo", outdated)):
            if found:
                print(f"{problem}: run python tools/i18n.py", file=sys.stderr)
        for message in missing:
            print(f"untranslated: {message!r}", file=sys.stderr)
        return int(stale or outdated or bool(missing))
    with PO.open("wb") as file:
        write_po(file, catalog, width=100, omit_header=False, sort_output=True)
    MO.write_bytes(compiled(catalog))
    print(f"{len(catalog)} messages, {len(missing)} untranslated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
