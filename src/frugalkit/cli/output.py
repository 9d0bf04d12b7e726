"""Where results and errors go: results to stdout (JSON with --json), the rest to stderr."""

from __future__ import annotations

import contextlib
import json
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from frugalkit.impact.display import finite
from frugalkit.settings import Settings

if TYPE_CHECKING:
    from frugalkit.store import Store


@dataclass
class CliState:
    json: bool = False
    debug: bool = False
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings


def state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def stdout() -> Console:
    return Console(soft_wrap=False)


def stderr() -> Console:
    return Console(stderr=True, soft_wrap=True)


def emit(ctx: typer.Context, data: Any, render: Callable[[Console], None]) -> None:
    """Print `data` as JSON with --json, else let `render` draw it for a person."""
    if state(ctx).json:
        # Standard JSON: a figure that overflowed is null, never `Infinity` (issue 21).
        sys.stdout.write(json.dumps(finite(data), indent=2, default=str) + "\n")
    else:
        render(stdout())


# Where a line may not break: inside a grouped number ('1 000', French) and between a
# figure and its unit ('17.4 mgCO2e'). Rich breaks at any space, a no-break one included,
# so a sentence with figures is wrapped here (textwrap breaks at ASCII spaces only).
_KEEP = re.compile(
    r"(?<=\d)[ \u202f](?=\d{3}(?!\d))"
    r"|(?<=\d) (?=[kMGTmµnp]?(?:Wh|W|gCO2e|g|L|J|s|ms|%|TWh|Mt|kW|MB|GiB)(?![\w]))"
)


def prose(console: Console, text: str, style: str | None = None) -> None:
    """A sentence for a person, wrapped to the terminal without splitting a figure; its
    text is printed as it is (no markup read from data)."""
    from rich.text import Text

    kept = _KEEP.sub("\u00a0", text)
    width = max(console.width - 1, 20)
    lines = [
        "\n".join(
            textwrap.wrap(
                part,
                width,
                subsequent_indent=" " * (len(part) - len(part.lstrip(" "))),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
        for part in kept.split("\n")
    ]
    # wrapped: the kept spaces are plain again (a terminal shows both alike; greps match)
    console.print(Text("\n".join(lines).replace("\u00a0", " "), style=style or ""), soft_wrap=True)


def error_line(message: str) -> None:
    from frugalkit.i18n import gettext as _

    stderr().print(f"[bold red]{_('error:')}[/] {message}", markup=True, highlight=False)


@contextlib.contextmanager
def opened_store(ctx: typer.Context) -> Iterator[Store]:
    """The store, with every spooled report ingested first."""
    from frugalkit.measure.ingest import ingest
    from frugalkit.store import open_store

    settings = state(ctx).settings
    with open_store(settings) as store:
        ingest(store, settings)
        yield store


def sync_store(ctx: typer.Context) -> None:
    """Open the store and ingest the spool: fails early on a bad configuration, before
    any long work, and stores what trackers have spooled."""
    with opened_store(ctx):
        pass
