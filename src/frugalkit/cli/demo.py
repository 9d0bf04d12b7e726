"""`frugalkit demo`: what `make run` runs on the built-in defaults.

Trains and evaluates a small logistic-regression model on generated data, measured with
`frugalkit.track` in three windows, then prints the report and the store's totals.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

from frugalkit.cli.output import emit, opened_store, state
from frugalkit.cli.render import summary
from frugalkit.store.engine import redact_url

SAMPLES = 20_000
FEATURES = 64
EPOCHS = 300
SEED = 42


def _workload(run: Any) -> float:
    """Fit a logistic regression by gradient descent; returns test accuracy."""
    import numpy as np

    with run.window("prepare"):
        rng = np.random.default_rng(SEED)
        weights_true = rng.normal(size=FEATURES)
        x = rng.normal(size=(SAMPLES, FEATURES))
        y = (x @ weights_true + rng.normal(scale=2.0, size=SAMPLES) > 0).astype(float)
        split = int(SAMPLES * 0.8)
    with run.window("train"):
        weights = np.zeros(FEATURES)
        for _ in range(EPOCHS):
            p = 1.0 / (1.0 + np.exp(-(x[:split] @ weights)))
            weights -= 0.5 * x[:split].T @ (p - y[:split]) / split
    with run.window("inference"):
        predicted = (x[split:] @ weights > 0).astype(float)
    return float((predicted == y[split:]).mean())


def demo(
    ctx: typer.Context,
    country: str = typer.Option(None, help="Grid zone (ISO 3166 code); default: world."),
) -> None:
    """Measure a small built-in training job, store its report, summarise the store."""
    import frugalkit

    settings = state(ctx).settings
    with opened_store(ctx):
        pass  # a bad store fails here, before any work
    with frugalkit.track(
        "demo-logistic-regression",
        phase="training",
        units=SAMPLES,
        functional_unit="sample",
        country=country,
    ) as run:
        accuracy = _workload(run)
    with opened_store(ctx) as store:
        from frugalkit.store import report_totals

        totals = report_totals(store)
    report = run.report
    assert report is not None
    store_summary = {"database_url": redact_url(settings.database_url), **totals}
    data = {
        "accuracy": accuracy,
        "report": report,
        "store": store_summary,
        "web": "frugalkit serve  ->  http://127.0.0.1:8000/",
    }

    def render(console: Console) -> None:
        console.print(f"demo model accuracy on held-out data: {accuracy:.3f}")
        summary(console, report)
        console.print(
            f"[bold]store[/] {store_summary['database_url']}: {totals['reports']} reports, "
            f"{totals['energy_kwh'] * 1000:.3g} Wh, {totals['ghg_g']:.3g} gCO2e in all"
        )
        console.print(f"web app: {data['web']}")

    emit(ctx, data, render)
