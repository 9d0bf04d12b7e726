"""A training's whole cost predicted early (issue 25, item 6): after N of M epochs the run
says what the whole will cost, with a band, in the API and on the report; the warm-up epoch
is left out once there are three; bad progress marks are refused with a clear error."""

from __future__ import annotations

import pytest

from frugalkit.errors import InputError
from frugalkit.measure.forecast import predict
from frugalkit.measure.tracker import Run


def test_the_whole_is_predicted_from_the_steady_epochs_after_the_warm_up() -> None:
    # epoch 1 costs 3 kWh (warm-up), the next ones 1 kWh each (band: the meters' 0.9-1.1)
    marks = [(1, 100.0, 3.0, 2.7, 3.3), (2, 150.0, 4.0, 3.6, 4.4), (3, 200.0, 5.0, 4.5, 5.5)]
    whole = predict(marks, 10, intensity_g_per_kwh=50.0, pue=1.2, unit="epoch")
    assert whole["it_kwh"] == pytest.approx(5.0 + 7 * 1.0)
    assert whole["facility_kwh"] == pytest.approx(12.0 * 1.2)
    assert whole["ghg_g"] == pytest.approx(12.0 * 1.2 * 50.0)
    assert whole["duration_s"] == pytest.approx(200.0 + 7 * 50.0)
    assert whole["low_kwh"] == pytest.approx((4.5 + 7 * 0.9) * 1.2)
    assert whole["high_kwh"] == pytest.approx((5.5 + 7 * 1.1) * 1.2)
    assert "warm-up" in whole["method"]


def test_with_one_epoch_the_band_is_the_meters_and_it_says_so() -> None:
    whole = predict([(1, 60.0, 2.0, 1.8, 2.2)], 5, 100.0, 1.0, "epoch")
    assert whole["it_kwh"] == pytest.approx(10.0)
    assert (whole["low_kwh"], whole["high_kwh"]) == pytest.approx((9.0, 11.0))
    assert "single interval" in whole["method"]


def test_a_run_predicts_its_whole_cost_and_the_report_keeps_the_last_prediction() -> None:
    with Run("training", persist=False) as run:
        for epoch in range(1, 4):
            sum(i * i for i in range(200_000))  # an epoch of work
            prediction = run.progress(epoch, 12)
        assert prediction["done"] == 3 and prediction["total"] == 12
        assert prediction["it_kwh"] > 0 and prediction["low_kwh"] <= prediction["high_kwh"]
    report = run.report
    assert report is not None and report["prediction"]["done"] == 3
    assert report["prediction"]["it_kwh"] > report["energy"]["it_kwh"]  # 9 epochs still to go
    from frugalkit.impact.report import ImpactReport

    assert ImpactReport.model_validate(report).prediction is not None


@pytest.mark.parametrize(("done", "total"), [(0, 10), (11, 10), (2, float("nan")), (1, 1e999)])
def test_bad_progress_is_refused(done: float, total: float) -> None:
    with Run("training", persist=False) as run, pytest.raises(InputError):
        run.progress(done, total)


def test_a_total_beyond_reason_is_refused_and_the_report_stays_valid() -> None:
    from frugalkit.impact.report import ImpactReport

    with Run("training", persist=False) as run:
        sum(i * i for i in range(100_000))
        run.progress(1, 3)
        with pytest.raises(InputError, match="world's electricity"):
            run.progress(2, 1e300)
    assert run.report is not None and run.report["prediction"]["total"] == 3
    ImpactReport.model_validate(run.report)


def test_progress_must_move_forward_and_happen_inside_the_run() -> None:
    run = Run("training", persist=False)
    with pytest.raises(InputError, match="not running"):
        run.progress(1, 10)
    with run:
        run.progress(2, 10)
        with pytest.raises(InputError, match="forward"):
            run.progress(2, 10)


def test_the_prediction_is_shown_in_the_terminal_and_on_the_page_in_both_languages(
    tmp_path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from fastapi.testclient import TestClient
    from rich.console import Console

    from frugalkit.cli.render import summary
    from frugalkit.impact.report import ImpactReport
    from frugalkit.settings import Settings
    from frugalkit.store import open_store
    from frugalkit.store.reports import save_reports
    from frugalkit.web import create_app

    monkeypatch.setenv("FRUGALKIT_HOME", str(tmp_path))
    with Run("<b>training</b>", persist=False) as run:
        run.progress(1, 4, unit="<i>epoch</i>")
    assert run.report is not None
    console = Console(record=True, width=300)
    summary(console, run.report)
    assert "Predicted for the whole run after 1 of 4 <i>epoch</i>" in console.export_text()
    settings = Settings.from_env()
    with open_store(settings) as store:
        save_reports(store, [ImpactReport.model_validate(run.report)])
    with TestClient(create_app(settings)) as client:
        for language, words in (("en", "Predicted for the whole run"), ("fr", "Prévu pour")):
            page = client.get(f"/reports/{run.report['id']}", headers={"Accept-Language": language})
            assert words in page.text, language
            assert "<i>epoch</i>" not in page.text and "&lt;i&gt;epoch&lt;/i&gt;" in page.text
