"""The EU yearly report (Reg. (EU) 2024/1364): fields from the facility file and the
meters, each missing field named with its fix, the deadline, a year-on-year diff, and the
CLI's table, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from frugalkit.datacenter import eu_report
from frugalkit.datacenter.facility import load_facility
from frugalkit.datacenter.service import DEMO_DIR, facility_kpis
from frugalkit.datacenter.service import eu_report as report_of
from frugalkit.errors import InputError

NORDIC = (DEMO_DIR / "nordic-hall.yaml", DEMO_DIR / "nordic-hall.csv")
YEAR = "2025-{m:02d}-01T00:00:00+00:00,{end}"


def _year_rows(grid_mwh: float, it_kwh: float) -> list[str]:
    rows = []
    for m in range(1, 13):
        end = "2026-01-01T00:00:00+00:00" if m == 12 else f"2025-{m + 1:02d}-01T00:00:00+00:00"
        span = YEAR.format(m=m, end=end)
        rows += [f"grid,{span},{grid_mwh}", f"it,{span},{it_kwh}"]
    return rows


def _site(tmp_path: Path, rows: list[str], **changes: object) -> tuple[Path, Path]:
    facility = {
        "name": "Bare Hall",
        "country": "FRA",
        "commissioned": 2020,
        "it_metering": "ups_output",
        "installed_it_kw": 800,
        "meters": [
            {"id": "grid", "role": "grid", "unit": "MWh"},
            {"id": "it", "role": "it", "unit": "kWh"},
        ],
        **changes,
    }
    paths = tmp_path / "bare.yaml", tmp_path / "bare.csv"
    paths[0].write_text(yaml.safe_dump(facility))
    paths[1].write_text("meter,start,end,value\n" + "\n".join(rows) + "\n")
    return paths


def test_the_demonstration_report_is_complete_and_its_indicators_follow_annex_iii() -> None:
    data = facility_kpis(*NORDIC)
    result = report_of(data["facility"], data["years"])
    report = result["report"]
    values = {f["key"]: f["value"] for f in report["fields"]}
    assert report["year"] == 2025 and report["complete"] and report["missing"] == []
    assert report["deadline"] == "2026-05-15" and report["in_scope"]
    assert values["EDC"] == pytest.approx(values["grid_energy"])  # no on-site generation
    assert values["PUE"] == pytest.approx(values["EDC"] / values["EIT"])
    assert values["WUE"] == pytest.approx(values["WIN"] * 1000 / values["EIT"])  # L per kWh
    assert values["ERF"] == pytest.approx(values["EREUSE"] / values["EDC"])
    assert values["REF"] == pytest.approx(values["ERES-TOT"] / values["EDC"])
    # the same REF as the KPI table: the year's own guarantees of origin apply to both
    kpis = {r["period"]: r["kpis"] for r in data["years"]}
    assert values["REF"] == pytest.approx(kpis["2025"]["ref"])
    assert result["diff"]["year"] == 2024
    pue = next(r for r in result["diff"]["rows"] if r["key"] == "PUE")
    assert pue["change"] < 0 and pue["before"] == pytest.approx(kpis["2024"]["pue"])
    renewable = next(r for r in result["diff"]["rows"] if r["key"] == "ERES-GOO")
    assert (renewable["before"], renewable["after"]) == (9_500_000, 10_500_000)


def test_each_missing_field_is_named_with_how_to_supply_it(tmp_path: Path) -> None:
    data = facility_kpis(*_site(tmp_path, _year_rows(132, 100_000)))
    report = report_of(data["facility"], data["years"])["report"]
    missing = {m["key"]: m["fix"] for m in report["missing"]}
    assert not report["complete"]
    assert missing["owner"] == "add eu.owner to the facility file"
    assert missing["WIN"] == "computed from fields that are missing"
    assert missing["WIN-POT"] == "add a meter with the role water_potable and its readings"
    assert (
        missing["intake_air_setpoint"]
        == "add reported.2025.intake_air_setpoint_c to the facility file"
    )
    assert "onsite_energy" not in missing and "EDC" not in missing and "PUE" not in missing
    assert "refrigerants" in missing  # an empty list is not an answer


def test_a_part_year_or_a_small_site_is_said_so(tmp_path: Path) -> None:
    data = facility_kpis(*_site(tmp_path, _year_rows(132, 100_000)[:8], installed_it_kw=300))
    report = report_of(data["facility"], data["years"])["report"]
    assert report["quality"] == "estimated" and report["months"] == 4
    assert any("4 of 12 months" in w for w in report["warnings"])
    assert any("not required by Article 1" in w for w in report["warnings"])
    assert not report["in_scope"]


def test_renewables_above_the_total_and_it_above_the_total_are_warned(tmp_path: Path) -> None:
    contracts = {"guarantees_of_origin_kwh": 10**9, "ppa_kwh": 0}
    paths = _site(tmp_path, _year_rows(90, 100_000), renewable_contracts=contracts)
    data = facility_kpis(*paths)
    warnings = report_of(data["facility"], data["years"])["report"]["warnings"]
    assert any("ERES-TOT" in w for w in warnings) and any("EIT" in w for w in warnings)


def test_a_year_not_metered_is_refused_with_the_years_there_are() -> None:
    data = facility_kpis(*NORDIC)
    with pytest.raises(InputError, match="metered years: 2024, 2025"):
        report_of(data["facility"], data["years"], year=2019)
    with pytest.raises(InputError, match="to compare with"):
        report_of(data["facility"], data["years"], against=2019)


def test_the_deadlines_of_article_3() -> None:
    assert eu_report.deadline(2023) == date(2024, 9, 15)
    assert eu_report.deadline(2024) == date(2025, 5, 15)


@pytest.mark.parametrize(
    ("eu", "reason"),
    [
        ({"lau_code": "Paris"}, "lau_code"),
        ({"owner": "two\nlines"}, "owner"),
        ({"type": "hyperscale"}, "type"),
        ({"entry_into_operation": "2024-13"}, "entry_into_operation"),
        ({"total_floor_area_m2": 100, "computer_room_floor_area_m2": 500}, "larger than"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_a_bad_eu_section_is_refused_naming_the_field(
    tmp_path: Path, eu: dict[str, object], reason: str
) -> None:
    facility, _ = _site(tmp_path, [], eu=eu)
    with pytest.raises(InputError, match=reason):
        load_facility(facility)


def test_the_cli_report_as_a_table_json_and_csv(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = [str(p) for p in NORDIC]
    table = cli("datacenter", "report", *files)
    assert table.exit_code == 0, table.stderr
    assert "the report is complete" in table.stdout and "since 2024" in table.stdout
    as_json = cli("datacenter", "report", *files, "--year", "2024", "--format", "json")
    assert json.loads(as_json.stdout)["report"]["year"] == 2024
    out = tmp_path / "eu.csv"
    written = cli("datacenter", "report", *files, "--format", "csv", "-o", str(out))
    assert written.exit_code == 0, written.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert {r["key"] for r in rows} >= {"PDIT", "EDC", "EIT", "WIN", "EREUSE", "ERES-TOT", "PUE"}
    bad = cli("datacenter", "report", *files, "--format", "pdf")
    assert bad.exit_code == 2 and "format must be" in bad.stderr and "Traceback" not in bad.stderr
    unknown = cli("datacenter", "report", "Atlantis DC")
    assert unknown.exit_code == 4 and "datacenter add" in unknown.stderr


def test_a_registered_facility_reports_from_the_store(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("datacenter", "add", *(str(p) for p in NORDIC)).exit_code == 0
    result = cli("--json", "datacenter", "report", "Nordic Hall (demonstration)")
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["report"]["complete"] and body["diff"]["year"] == 2024


def test_compare_writes_a_pdf_from_the_cli(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "tenders.pdf"
    result = cli("datacenter", "compare", "--demo", "--pdf", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    unwritable = cli("datacenter", "compare", "--demo", "--pdf", str(tmp_path / "no" / "x.pdf"))
    assert unwritable.exit_code == 2 and "cannot write" in unwritable.stderr


def test_a_reported_year_that_is_not_a_year_is_named(tmp_path: Path) -> None:
    facility, _ = _site(tmp_path, [], reported={"last year": {"servers": 3}})
    with pytest.raises(InputError, match=r"reported\.last year: Input should be a valid integer"):
        load_facility(facility)


def test_eit_is_taken_at_the_ups_outputs_or_the_deviation_is_stated(tmp_path: Path) -> None:
    """Reg. (EU) 2024/1364 Annex II: EIT at the UPS outputs (REFERENCE.md, turn 3); backup
    generation reported apart (EDC-BG) and counted in EDC."""
    from frugalkit.datacenter.kpis import compute
    from frugalkit.datacenter.meters import read_readings

    facility = yaml.safe_load((DEMO_DIR / "sunbelt-park.yaml").read_text())
    facility["meters"] += [
        {"id": "ups-1", "role": "it", "unit": "kWh", "point": "ups_output"},
        {"id": "gen-1", "role": "backup_generation", "unit": "kWh", "source": "diesel"},
    ]
    (tmp_path / "f.yaml").write_text(yaml.safe_dump(facility))
    readings = (DEMO_DIR / "sunbelt-park.csv").read_text()
    readings += "ups-1,2025-01-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,17000000\n"
    readings += "gen-1,2025-01-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,3000\n"
    (tmp_path / "r.csv").write_text(readings)
    loaded = load_facility(tmp_path / "f.yaml")
    years = compute(loaded, read_readings(tmp_path / "r.csv", loaded))["years"]
    report = report_of(loaded.model_dump(mode="json"), years, 2025)["report"]
    values = {f["key"]: f["value"] for f in report["fields"]}
    assert values["EIT"] == pytest.approx(17_000_000) and report["deviations"] == []
    assert values["EDC-BG"] == pytest.approx(3000)
    assert values["EDC"] == pytest.approx(values["grid_energy"] + values["onsite_energy"] + 3000)
    plain = load_facility(DEMO_DIR / "sunbelt-park.yaml")
    rows = compute(plain, read_readings(DEMO_DIR / "sunbelt-park.csv", plain))["years"]
    deviated = report_of(plain.model_dump(mode="json"), rows, 2025)["report"]
    assert "not at the UPS outputs" in deviated["deviations"][0]
    assert "UPS" in next(f for f in deviated["fields"] if f["key"] == "EIT")["note"]
    assert {"WIN-POT", "ERES-GOO", "ERES-PPA", "ERES-OS", "CSERV", "CSTOR", "EDC-BG"} <= set(values)
    assert "23 April 2026" in deviated["pending"]
