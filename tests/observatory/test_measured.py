"""Measured series: only what an owner shared, with the method it was measured by."""

from __future__ import annotations

from frugalkit.impact.report import ImpactReport
from frugalkit.observatory.measured import series, share
from frugalkit.settings import Settings
from frugalkit.store import open_store, save_reports
from tests.factories import report_dict


def _report(report_id: str, phase: str, kwh: float, units: float = 500) -> ImpactReport:
    data = report_dict(report_id, name=f"{phase}-job", phase=phase, units=units)
    data["energy"]["facility_kwh"] = kwh
    return ImpactReport.model_validate(data)


def test_shared_reports_become_series_and_unshared_ones_do_not(database_url: str) -> None:
    with open_store(Settings.from_env()) as store:
        save_reports(
            store,
            [
                _report("inference-aaaa", "inference", 0.002),
                _report("inference-bbbb", "inference", 0.004),
                _report("training-cccc", "training", 1.5),
                _report("private-dddd", "inference", 9.0),
            ],
        )
        for record in ("inference-aaaa", "inference-bbbb", "training-cccc"):
            share(store, record)
        data = series(store)
        assert (data["shared_reports"], data["shared_runs"]) == (3, 0)
        [inference] = data["inference"]
        # 0.002 and 0.004 kWh for 500 units: 4 and 8 Wh per 1,000, median 6
        assert inference["median_wh_per_1000"] == 6.0 and inference["runs"] == 2
        assert inference["method"] in ("counter", "estimate", "mixed")
        assert [t["energy_kwh"] for t in data["training"]] == [1.5]
        assert sum(z["runs"] for z in data["by_zone_month"]) == 3
        share(store, "inference-bbbb", shared=False)
        assert series(store)["inference"][0]["runs"] == 1


def test_sharing_an_unknown_id_says_how_to_find_ids(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("observatory", "share", "no-such-id")
    assert result.exit_code == 4 and "no report or bench run" in result.stderr
