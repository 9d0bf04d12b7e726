"""A library with the demonstration reports in it, and the shared IPCC report when present."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.library_eval import PAGES, part
from frugalkit.library import service
from frugalkit.library.index import FILES_DIR, INDEX_FILE, Index
from frugalkit.settings import Settings

IPCC = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ipcc-ar6-wg1-spm-fr.pdf"


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demonstration reports indexed once (embedding them takes seconds)."""
    home = tmp_path_factory.mktemp("library-home")
    settings = Settings.from_env({"FRUGALKIT_HOME": str(home)})
    index = service.open_index(settings)
    service.add_demo(settings, index)
    index.close()
    return home


@pytest.fixture
def library(settings: Settings, demo_home: Path) -> Iterator[Index]:
    """This test's own copy of the indexed demonstration reports."""
    settings.ensure_home()
    shutil.copyfile(demo_home / INDEX_FILE, settings.home / INDEX_FILE)
    shutil.copytree(demo_home / FILES_DIR, settings.home / FILES_DIR)
    index = service.open_index(settings)
    yield index
    index.close()


@pytest.fixture
def ipcc() -> Path:
    if not IPCC.is_file():
        pytest.skip(f"the IPCC report is not at {IPCC} (shared/corpus, never copied here)")
    return IPCC


def demo_copy(folder: Path, name: str, language: str = "fr") -> Path:
    """A demonstration report as a new file (a comment appended: not 'already indexed')."""
    path = folder / f"{name}.pdf"
    source = service.DEMO_DIR / f"demo-report-{language}.pdf"
    path.write_bytes(source.read_bytes() + f"\n% {name}\n".encode())
    return path


def references_at_the_end(monkeypatch: pytest.MonkeyPatch, count: int = 3) -> None:
    """Documents added from now on end with `count` passages of a 'References' section."""
    from frugalkit.library.passages import cut

    def with_references(document):  # type: ignore[no-untyped-def]
        passages = cut(document)
        for passage in passages[-count:]:
            passage.section = "References"
        return passages

    monkeypatch.setattr(service, "cut", with_references)


# A process that adds the file it is given to the library of its environment's store.
ADDER = """
import sys
from pathlib import Path
from frugalkit.library import service
from frugalkit.settings import Settings
settings = Settings.from_env()
index = service.open_index(settings)
service.add_file(settings, index, Path(sys.argv[1]))
index.close()
"""


def _part(language: str, folder: Path) -> Path:
    source = IPCC.with_name(f"ipcc-ar6-wg1-spm-{language}.pdf")
    if not source.is_file():
        pytest.skip(f"{source} is absent (shared/corpus, never copied here)")
    return part(source, language, folder)


@pytest.fixture(scope="session")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Both editions in one library; one edition alone is the library filtered to it.
    Indexed once for all test processes (20 s each), under a lock in their shared temporary
    folder; the tests only read it."""
    import fcntl
    import json

    shared = tmp_path_factory.getbasetemp().parent / "both-editions"
    shared.mkdir(exist_ok=True)
    settings = Settings.from_env({"FRUGALKIT_HOME": str(shared / "home")})
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "ids.json"
        if not done.exists():
            index = service.open_index(settings)
            ids = {}
            for language in PAGES:
                document, _ = service.add_file(
                    settings, index, _part(language, shared), language=language,
                    report_type="summary for policymakers", body="IPCC",
                )  # fmt: skip
                ids[language] = document["id"]
            index.close()
            done.write_text(json.dumps(ids))
        ids = json.loads(done.read_text())
    index = service.open_index(settings)
    yield {"settings": settings, "index": index, "ids": ids}
    index.close()
