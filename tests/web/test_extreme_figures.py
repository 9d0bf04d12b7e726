"""One stored figure must not break a route for everyone (issue 21: two reports of
facility_kwh 1e308 broke /api/home; one reading of 1e308 MWh broke /api/datacenters).
Figures are bounded where they enter; what is stored already still renders. On SQLite
and PostgreSQL."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frugalkit.impact.report import MAX_ENERGY_KWH
from frugalkit.measure import track
from frugalkit.settings import Settings
from frugalkit.store.tokens import create_token
from frugalkit.web.app import create_app


def _report() -> dict[str, Any]:
    with track("extreme", persist=False) as run:
        sum(range(1000))
    assert run.report is not None
    return copy.deepcopy(run.report)


def test_the_ceiling_is_the_worlds_electricity_of_a_year() -> None:
    """Ember, Global Electricity Review 2025: solar 2,131 TWh was 6.9 % of 2024's world
    generation, so about 30,900 TWh, i.e. 3.09e13 kWh (impact/data/bounds.json)."""
    assert pytest.approx(2131e9 / 0.069, rel=0.01) == MAX_ENERGY_KWH


def test_an_energy_over_the_ceiling_is_refused_naming_the_field(database_url: str) -> None:
    app = create_app(Settings.from_env())
    token = create_token(app.state.store, "extreme")
    report = _report()
    report["energy"]["facility_kwh"] = report["energy"]["high_kwh"] = 1e308
    with TestClient(app) as client:
        answer = client.post(
            "/api/reports", json=report, headers={"authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 422 and "energy.facility_kwh" in answer.text
    app.state.store.close()


def test_a_stored_extreme_record_still_renders_everywhere(database_url: str) -> None:
    """A record stored before the bound existed (or written around it) answers null,
    never 500."""
    from sqlalchemy import update

    from frugalkit.impact.gate import validate_report
    from frugalkit.store import save_reports
    from frugalkit.store.models import ImpactReportRow

    app = create_app(Settings.from_env())
    store = app.state.store
    for i in range(2):
        report = _report()
        report["id"] = f"extreme{i:04d}"
        save_reports(store, [validate_report(report)])
        report["energy"]["facility_kwh"] = report["energy"]["high_kwh"] = 1e308
        with store.session() as session, session.begin():
            session.execute(
                update(ImpactReportRow)
                .where(ImpactReportRow.id == report["id"])
                .values(payload=report, energy_kwh=1e308)
            )
    with TestClient(app) as client:
        paths = ("/api/home", "/api/reports", "/api/reports/extreme0000", "/", "/reports")
        for path in (*paths, "/api/observatory/measured", "/observatory/measured"):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.text[:200])
            assert "Infinity" not in answer.text and "NaN" not in answer.text
    app.state.store.close()


def test_a_reading_over_the_ceiling_after_conversion_is_refused(tmp_path: Path) -> None:
    import yaml

    from frugalkit.datacenter.facility import load_facility
    from frugalkit.datacenter.meters import read_readings
    from frugalkit.errors import InputError

    demo = Path(__file__).parents[2] / "src/frugalkit/datacenter/data/demo"
    facility = yaml.safe_load((demo / "nordic-hall.yaml").read_text())
    meter = facility["meters"][0]
    meter["unit"] = "MWh"
    (tmp_path / "f.yaml").write_text(yaml.safe_dump(facility))
    row = f"{meter['id']},2025-01-01T00:00:00Z,2025-01-01T00:15:00Z,1e308\n"
    (tmp_path / "r.csv").write_text("meter,start,end,value\n" + row)
    with pytest.raises(InputError, match=r"row 2: meter .* over 3.09e\+13 kWh"):
        read_readings(tmp_path / "r.csv", load_facility(tmp_path / "f.yaml"))


def test_a_facility_can_be_listed_and_removed(cli: Any, database_url: str) -> None:  # type: ignore[no-untyped-def]
    demo = Path(__file__).parents[2] / "src/frugalkit/datacenter/data/demo"
    added = cli("datacenter", "add", str(demo / "nordic-hall.yaml"), str(demo / "nordic-hall.csv"))
    assert added.exit_code == 0
    assert "Nordic Hall" in cli("datacenter", "list").stdout
    assert cli("datacenter", "remove", "Nordic Hall (demonstration)").exit_code == 0
    assert "no facility yet" in cli("datacenter", "list").stdout
    gone = cli("datacenter", "remove", "Nordic Hall (demonstration)")
    assert gone.exit_code == 4 and "no facility" in gone.stderr
