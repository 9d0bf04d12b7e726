"""Baselines: each a scikit-learn estimator, saved with the impact report of its training.

- random: uniform over the labels (as the organisers' random baseline);
- majority: always the most frequent training label;
- tfidf-linear (text): TF-IDF of word 1-2-grams and character 2-5-grams, then a
  logistic regression. Frugal: trains in seconds on a CPU, predicts in microseconds;
- grid-cells (image): colour and texture statistics of a 6 x 8 grid of cells, a
  gradient-boosted tree per cell; the box spans the firing cells;
- logmel-linear (audio): mean and spread of 32 log-mel bands and the spectral flux of
  each clip (numpy), then a logistic regression.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frugalkit.bench.data import load_task_data
from frugalkit.bench.tasks import Task
from frugalkit.errors import InputError


def _random() -> Any:
    from sklearn.dummy import DummyClassifier

    model = DummyClassifier(strategy="uniform", random_state=42)
    model.description = "random baseline: uniform over the labels (seed 42)"
    return model


def _majority() -> Any:
    from sklearn.dummy import DummyClassifier

    model = DummyClassifier(strategy="most_frequent")
    model.description = "majority baseline: the most frequent training label"
    return model


def _tfidf_linear() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            ),
        ]
    )
    model = Pipeline(
        [("features", features), ("classifier", LogisticRegression(C=10.0, max_iter=2000))]
    )
    model.description = "TF-IDF word 1-2-grams + char 2-5-grams, logistic regression (scikit-learn)"
    return model


def _logmel_linear() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from frugalkit.bench.features import LogMelStats

    model = Pipeline(
        [
            ("logmel", LogMelStats()),
            ("scale", StandardScaler()),
            ("classifier", LogisticRegression(max_iter=2000)),
        ]
    )
    model.description = "log-mel band statistics (numpy) + logistic regression (scikit-learn)"
    return model


def _image_random() -> Any:
    from frugalkit.bench.image_models import RandomSmoke

    model = RandomSmoke(random_state=42)
    model.description = "random baseline: smoke half of the time, then one random box"
    return model


def _image_majority() -> Any:
    from frugalkit.bench.image_models import MajoritySmoke

    model = MajoritySmoke()
    model.description = "majority baseline: the most frequent answer, with the mean box"
    return model


def _grid_cells() -> Any:
    from sklearn.pipeline import Pipeline

    from frugalkit.bench.image_models import CellSmokeDetector, GridCellFeatures

    model = Pipeline([("cells", GridCellFeatures()), ("detector", CellSmokeDetector())])
    model.description = (
        "colour and texture of 6 x 8 grid cells + gradient-boosted trees; box from firing cells"
    )
    return model


BASELINES: dict[str, dict[str, Callable[[], Any]]] = {
    "text": {"random": _random, "majority": _majority, "tfidf-linear": _tfidf_linear},
    "image": {"random": _image_random, "majority": _image_majority, "grid-cells": _grid_cells},
    "audio": {"random": _random, "majority": _majority, "logmel-linear": _logmel_linear},
}


def baseline_names(task: Task) -> list[str]:
    return list(BASELINES.get(task.id, {}))


def baseline_path(home: Path, task: Task, name: str) -> Path:
    return home / "baselines" / task.id / f"{name}.joblib"


def train_baseline(
    home: Path, task: Task, name: str, data: str | None = None, country: str | None = None
) -> dict[str, Any]:
    """Train, measure and save one baseline; returns its card (path, report id...)."""
    import joblib

    from frugalkit.measure import track

    if name not in BASELINES.get(task.id, {}):
        raise InputError(
            f"no baseline {name!r} for task {task.id}; baselines: {', '.join(baseline_names(task))}"
        )
    task_data = load_task_data(task, data)
    model = BASELINES[task.id][name]()
    with track(
        f"baseline:{task.id}:{name}",
        phase="training",
        units=len(task_data.train),
        functional_unit="sample",
        country=country,
    ) as run:
        model.fit(task_data.train.inputs, task_data.train.labels)
    path = baseline_path(home, task, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    report = run.report
    assert report is not None
    card = {
        "task": task.id,
        "name": name,
        "path": str(path),
        "description": model.description,
        "data": task_data.name,
        "train_samples": len(task_data.train),
        "trained_at": datetime.now(UTC).isoformat(),
        "training_report_id": report["id"],
        "training_wh": report["energy"]["facility_kwh"] * 1000,
        "training_s": report["duration_s"],
    }
    path.with_suffix(".json").write_text(json.dumps(card, indent=2))
    return card
