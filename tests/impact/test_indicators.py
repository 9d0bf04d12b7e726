"""Impact arithmetic checked by hand, and the factor files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from frugalkit.errors import DataFileError
from frugalkit.impact import data, resolve_zone
from frugalkit.impact.assess import build_report
from frugalkit.impact.embodied import allocate, hardware_items, profile
from frugalkit.impact.equivalents import equivalents
from frugalkit.impact.report import ImpactReport


def test_zone_by_alpha2_alpha3_and_name() -> None:
    assert resolve_zone("FR").code == resolve_zone("FRA").code == resolve_zone("France").code
    assert resolve_zone("FR").intensity_g_per_kwh == pytest.approx(56.039)
    assert resolve_zone("US").intensity_g_per_kwh == pytest.approx(369.473)
    assert resolve_zone("FR").water_l_per_kwh == pytest.approx(3.6737)


def test_the_world_default_is_on_the_country_values_basis() -> None:
    """Issue 22: 475 was IEA 2019 (direct emissions) beside OWID life-cycle country values.
    The default is now the generation-weighted mean of the shipped OWID country values
    (codecarbon 3.3.2 global_energy_mix.json, as in observatory/data/owid_countries.csv)."""
    import csv
    from pathlib import Path

    import frugalkit.observatory

    owid = Path(frugalkit.observatory.__file__).parent / "data" / "owid_countries.csv"
    rows = list(csv.DictReader(owid.open(encoding="utf-8")))
    twh = {
        r["region"]: float(r["value"]) for r in rows if r["metric"] == "electricity_generation_twh"
    }
    g = {r["region"]: float(r["value"]) for r in rows if r["metric"] == "grid_intensity_g_per_kwh"}
    mean = sum(twh[c] * g[c] for c in twh) / sum(twh.values())
    world = resolve_zone(None)
    assert world.code == "WOR" and world.intensity_g_per_kwh == pytest.approx(mean, abs=0.05)
    assert "life-cycle" in world.intensity_source and "IEA" not in world.intensity_source
    assert world.water_l_per_kwh == pytest.approx(3.908)


def test_a_factor_taken_at_the_worlds_value_is_said_so_on_the_report() -> None:
    """EcoLogits 0.11.3 electricity_mixes.json: 165 of 215 zones carry world_fallback
    warnings (77 for ADPe, PE and water; 88 for water alone)."""
    from frugalkit.impact.data import field

    zones = field("electricity_mix", "zones")
    assert sum(1 for z in zones.values() if z["world_fallback"]) == 165
    assert sum(1 for z in zones.values() if z["pe_mj_per_kwh"] < 3.6) == 95  # not total PE
    assert resolve_zone("FR").mix_fallback == []
    fallback = next(code for code, z in zones.items() if "pe" in z["world_fallback"])
    assert resolve_zone(fallback).mix_fallback == ["ADPe", "PE", "off-site water"]


def test_every_country_has_a_source_year_and_alpha2() -> None:
    grid = data.load("grid_intensity")
    assert "Our World in Data" in grid["source"] and grid["licence"]
    rows = list(grid["countries"].values())
    for row in rows:
        assert row["alpha2"] and row["year"] >= 2000 and row["intensity_g_per_kwh"] >= 0
    assert sum(row["year"] >= 2022 for row in rows) / len(rows) > 0.9  # a recent year


def component(name: str, kwh: float) -> dict[str, object]:
    return {
        "component": name,
        "energy_kwh": kwh,
        "low_kwh": kwh * 0.5,
        "high_kwh": kwh * 1.5,
        "kind": "estimate",
        "meter": "estimate",
        "sampling": "s",
        "share": None,
        "note": "",
    }


def report_for(pue: float = 1.5, wue: float = 1.8, units: float = 1000) -> dict[str, object]:
    host = {
        "hostname": "h",
        "os": "Linux",
        "python": "3.11",
        "cpu_model": "AMD EPYC",
        "logical_cpus": 48,
        "ram_total_gb": 64.0,
        "gpus": [],
    }
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return build_report(
        report_id="abcdef0123456789",
        name="t",
        phase="inference",
        functional_unit="sample",
        units=units,
        started_at=start,
        ended_at=start,
        duration_s=3600.0,
        status="completed",
        exit_code=None,
        error=None,
        scope="process",
        command=None,
        host=host,
        components=[component("cpu", 1.5), component("ram", 0.5)],
        windows=[],
        zone=resolve_zone("FR"),
        pue=pue,
        wue_l_per_kwh=wue,
    )


def test_report_arithmetic_by_hand() -> None:
    r = report_for()
    ImpactReport.model_validate(r)
    energy, ghg, water = r["energy"], r["ghg"], r["water"]  # type: ignore[index]
    assert energy["it_kwh"] == pytest.approx(2.0)
    assert energy["facility_kwh"] == pytest.approx(3.0)  # PUE applied once
    assert (energy["low_kwh"], energy["high_kwh"]) == pytest.approx((1.5, 4.5))
    assert ghg["location_based_g"] == pytest.approx(3.0 * 56.039)
    assert water["onsite_l"] == pytest.approx(2.0 * 1.8)  # IT energy x WUE
    assert water["offsite_l"] == pytest.approx(2.0 * 1.5 * 3.6737)  # IT x PUE x EWIF
    assert r["per_unit"]["ghg_g"] == pytest.approx(3.0 * 56.039 / 1000)  # type: ignore[index]
    # 1 h of half of a 96-thread, 900 kgCO2e server living 4 years
    expected_g = 900_000 * 3600 / (4 * 365 * 24 * 3600) * 0.5
    assert r["embodied"]["gwp_g"] == pytest.approx(expected_g)  # type: ignore[index]


def test_embodied_gpu_allocation() -> None:
    items = hardware_items(3600.0, logical_cpus=24, gpu_count=2)
    host, gpus = items
    assert host["profile"] == "server_gpu_8x" and host["share"] == pytest.approx(0.25)
    assert gpus["count"] == 2
    assert gpus["gwp_g"] == pytest.approx(2 * 273_000 * 3600 / (3 * 365 * 24 * 3600))


def test_allocation_is_linear_in_time_and_share() -> None:
    p = profile("server_compute_low")
    one = allocate(p, 100.0, 0.5)["pe_mj"]
    assert allocate(p, 200.0, 0.5)["pe_mj"] == pytest.approx(2 * one)
    assert allocate(p, 100.0, 1.0)["pe_mj"] == pytest.approx(2 * one)


def test_equivalents_use_their_sources() -> None:
    eq = {e["key"]: e for e in equivalents(ghg_g=488.0, energy_kwh=0.038, water_l=0.25)}
    assert eq["ghg"]["text"] == "2 km by car"
    assert eq["energy"]["text"] == "2 phone charges"
    assert eq["water"]["text"] == "1 glass of water"
    assert "EPA" in eq["ghg"]["source"]


@pytest.mark.parametrize(
    ("indicator", "amount", "text"),
    [
        ("energy", 2.1e-5 * 19, "0.14 seconds of a 10 W LED bulb"),  # was '2.1e-05 phone charges'
        ("energy", 2e-8, "under 0.1 milliseconds of a 10 W LED bulb"),  # below every step: a bound
        ("energy", 50.0, "2.6 phone charges"),
        ("ghg", 9e-8 * 244, "under 0.1 millimetres by car"),  # was '9e-08 km by car'
        ("ghg", 2.44, "10 metres by car"),
        ("water", 0.001, "0.2 teaspoons of water"),
        ("water", 0.0002, "4 drops of water"),
    ],
)
def test_each_equivalent_lands_in_a_readable_range(
    indicator: str, amount: float, text: str
) -> None:
    from frugalkit.impact.equivalents import everyday

    assert everyday(indicator, amount)["text"] == text


@pytest.mark.parametrize(
    ("value", "unit", "band", "text"),
    [
        (0.000434, "Wh", None, "434 µWh"),
        (0.000434, "Wh", (0.000217, 0.000651), "430 µWh"),  # ±50 %: two figures
        (2.51e-08, "Wh", None, "25.1 nWh"),  # was '2.51e-08' and wrapped inside the token
        (999.6, "Wh", None, "1.00 kWh"),
        (3.0, "L", (0.0, 6.0), "3 L"),  # ±100 %: one figure
        (0.0, "gCO2e", None, "0 gCO2e"),
    ],
)
def test_one_way_to_write_a_figure(
    value: float, unit: str, band: tuple[float, float] | None, text: str
) -> None:
    from frugalkit.impact.display import quantity

    assert quantity(value, unit, *(band or (None, None))) == text


@pytest.mark.parametrize("content", [None, "{not json", "[1, 2]"])
def test_missing_or_corrupt_data_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None
) -> None:
    if content is not None:
        (tmp_path / "grid_intensity.json").write_text(content)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    data.load.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"grid_intensity\.json is (missing|corrupt)"):
            resolve_zone("FR")
    finally:
        data.load.cache_clear()


def test_a_data_file_missing_a_key_is_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "grid_intensity.json").write_text(json.dumps({"source": "x"}))
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    data.load.cache_clear()
    try:
        with pytest.raises(DataFileError, match="no countries"):
            resolve_zone("FR")
    finally:
        data.load.cache_clear()


def test_measure_says_when_a_factor_is_the_worlds(cli) -> None:  # type: ignore[no-untyped-def]
    shown = cli("measure", "--country", "AFG", "--", "true")
    assert shown.exit_code == 0 and "taken at the world's value" in shown.stdout + shown.stderr
    france = cli("measure", "--country", "FR", "--", "true")
    assert "world's value" not in france.stdout + france.stderr
