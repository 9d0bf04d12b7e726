"""Catalogues: case studies of AI optimising energy systems, breakthrough innovations and
the coalition's directory. Packaged entries come from `data/catalogues/*.yaml`; users add
theirs from YAML files of the same form (stored, so that the server shows them too).

    catalogue: case-studies
    entries:
      - id: my-case
        title: ...
        summary: ...
        category: buildings
        tags: [heating]
        date: 2025-04
        sources: [{title: ..., publisher: ..., published: 2025-04, url: https://...}]
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frugalkit import safeyaml
from frugalkit.errors import InputError
from frugalkit.impact.gate import first_problem
from frugalkit.messages import N_
from frugalkit.observatory.records import PARTIAL_DATE
from frugalkit.observatory.regions import check_region
from frugalkit.store import Store
from frugalkit.store import observatory as stored

CatalogueName = Literal["case-studies", "innovations", "coalition"]
CATALOGUES: dict[str, str] = {
    "case-studies": N_("AI optimising energy systems"),
    "innovations": N_("Breakthrough innovations"),
    "coalition": N_("The Coalition for Sustainable AI"),
}
DATA_DIR = Path(__file__).parent / "data" / "catalogues"
MAX_FILE_BYTES = 5_000_000


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2, max_length=300)
    publisher: str = Field(min_length=2, max_length=200)
    published: str = Field(pattern=PARTIAL_DATE)
    url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")


class Entry(BaseModel):
    """One catalogue entry; `date` is when it happened or was published (ISO, partial)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=2, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=2, max_length=200)
    summary: str = Field(min_length=10, max_length=2000)
    category: str = Field(min_length=2, max_length=60)
    tags: list[str] = Field(default_factory=list, max_length=20)
    date: str = Field(pattern=PARTIAL_DATE)
    region: str = "world"
    sources: list[Citation] = Field(min_length=1, max_length=10)

    def model_post_init(self, _context: Any) -> None:
        self.region = check_region(self.region)
        self.tags = [t.strip().lower()[:40] for t in self.tags if t.strip()]


def parse_document(text: str, name: str) -> tuple[str, list[Entry]]:
    """The catalogue a YAML document is for and its entries; InputError naming the entry
    and field at fault."""
    document = safeyaml.loads(text, name)
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise InputError(f"{name}: expected 'catalogue: NAME' and a list of 'entries'")
    catalogue = document.get("catalogue")
    if catalogue not in CATALOGUES:
        raise InputError(
            f"{name}: catalogue must be one of {', '.join(CATALOGUES)} (got {catalogue!r})"
        )
    entries, seen = [], set()
    for number, raw in enumerate(document["entries"], 1):
        label = f"entry {number}" + (f" ({raw.get('id')})" if isinstance(raw, dict) else "")
        if not isinstance(raw, dict):
            raise InputError(f"{name}: {label} is not a mapping of fields")
        raw = {k: str(v) if k == "date" else v for k, v in raw.items()}
        for source in raw.get("sources") or []:
            if isinstance(source, dict) and "published" in source:
                source["published"] = str(source["published"])
        try:
            entry = Entry(**raw)
        except (ValidationError, ValueError, TypeError) as exc:
            reason = first_problem(exc) if isinstance(exc, ValidationError) else str(exc)
            raise InputError(f"{name}: {label}: {reason}") from None
        if entry.id in seen:
            raise InputError(f"{name}: {label}: id {entry.id!r} appears twice")
        seen.add(entry.id)
        entries.append(entry)
    return str(catalogue), entries


@cache
def packaged() -> dict[str, list[Entry]]:
    found: dict[str, list[Entry]] = {name: [] for name in CATALOGUES}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        catalogue, entries = parse_document(path.read_text(encoding="utf-8"), path.name)
        found[catalogue].extend(entries)
    return found


def add_file(store: Store, path: Path) -> tuple[str, int]:
    """Add (or update) the entries of a YAML file; (catalogue, entries written)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{path.name} is larger than {MAX_FILE_BYTES:,} bytes")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    catalogue, entries = parse_document(text, path.name)
    taken = {e.id for items in packaged().values() for e in items}
    for entry in entries:
        if entry.id in taken:
            raise InputError(f"{path.name}: id {entry.id!r} is a packaged entry; choose another id")
    return catalogue, stored.add_entries(store, catalogue, [e.model_dump() for e in entries])


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(
    store: Store | None,
    catalogue: str,
    query: str = "",
    tag: str | None = None,
    category: str | None = None,
) -> list[Entry]:
    """Entries of `catalogue` whose text holds every word of `query` (case and accents
    ignored), with `tag` and in `category` when given; newest first."""
    if catalogue not in CATALOGUES:
        raise InputError(f"catalogue must be one of {', '.join(CATALOGUES)} (got {catalogue!r})")
    entries = list(packaged()[catalogue])
    if store is not None:
        entries += [Entry(**e) for name, e in stored.list_entries(store) if name == catalogue]
    words = _folded(query).split()
    found = []
    for entry in entries:
        text = _folded(" ".join([entry.title, entry.summary, entry.category, *entry.tags]))
        if (
            all(w in text for w in words)
            and (tag is None or tag.lower() in entry.tags)
            and (category is None or entry.category == category)
        ):
            found.append(entry)
    return sorted(found, key=lambda e: (e.date, e.id), reverse=True)


def facets(entries: list[Entry]) -> dict[str, list[str]]:
    """The categories and tags present, for filter menus."""
    return {
        "categories": sorted({e.category for e in entries}),
        "tags": sorted({t for e in entries for t in e.tags}),
    }
