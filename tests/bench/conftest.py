"""Submissions written on the fly, and a trained baseline shared by the module's tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from frugalkit.bench import get_task
from frugalkit.bench.baselines import train_baseline

LABELS = get_task("text").labels

SUBMISSIONS = {
    "good.py": """
        LABELS = {labels!r}

        def keyword(quotes):
            \"\"\"keyword rules: coal means fossil fuels\"\"\"
            return [LABELS[7] if "coal" in q else LABELS[0] for q in quotes]

        class ByLength:
            description = "length rule"
            def predict(self, quotes):
                return [LABELS[len(q) % 8] for q in quotes]

        def indices(quotes):
            return [7 if "coal" in q else 0 for q in quotes]
    """,
    "bad.py": """
        import math, os, subprocess, sys, time
        LABELS = {labels!r}
        PIDFILE = {pidfile!r}

        def raises(quotes):
            raise ValueError("secret sample: " + quotes[0])

        def too_few(quotes):
            return [LABELS[0]] * (len(quotes) - 1)

        def unknown(quotes):
            return ["not-a-label"] * len(quotes)

        def nan(quotes):
            return [math.nan] * len(quotes)

        def sleeps(quotes):
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
            with open(PIDFILE, "w") as f:
                f.write(str(child.pid))
            time.sleep(120)

        def hog(quotes):
            import numpy as np
            block = np.ones((3 * 1024**3) // 8)
            return [LABELS[0]] * len(quotes)

        def crash(quotes):
            os._exit(3)
    """,
}


@pytest.fixture
def submissions(tmp_path: Path) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name, body in SUBMISSIONS.items():
        text = body.format(labels=LABELS, pidfile=str(tmp_path / "grandchild.pid"))
        (folder / name).write_text(textwrap.dedent(text))
    return folder


@pytest.fixture
def tfidf_model(home: Path) -> Path:
    card = train_baseline(home, get_task("text"), "tfidf-linear")
    return Path(card["path"])
