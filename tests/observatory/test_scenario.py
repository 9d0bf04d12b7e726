"""The scenario tool: presets meet their anchors, levers move the result as physics says,
2024 is observed (issue 22: the 2024 PUE and load factor were levers that acted backwards).

Figures cited: IEA, Energy and AI (2025): 415 TWh in 2024 split USA 183, China 102, Europe
68, Asia Pacific 48, rest 15; Base 945 TWh (2030) and about 1,200 (2035); emissions 180 Mt
(2024), a peak of about 320 Mt around 2030 (p. 87), 300 Mt in 2035, up to 500 Mt in
Lift-Off; Headwinds about 700 TWh in 2035 (secondary); accelerated servers 15 % of demand in
2024 (p. 56), +30 %/yr and conventional +9 %/yr (p. 63)."""

from __future__ import annotations

import pytest

from frugalkit.errors import InputError
from frugalkit.observatory import scenario


@pytest.mark.parametrize("name", list(scenario.presets_file()["presets"]))
def test_every_preset_meets_the_figures_it_is_calibrated_on_within_2_percent(name: str) -> None:
    result = scenario.run(preset_name=name)
    assert result["anchors"], f"{name} names no anchor"
    for anchor in result["anchors"]:
        assert abs(anchor["deviation"]) <= scenario.TOLERANCE, anchor


def test_electricity_is_capacity_times_load_times_hours_times_pue() -> None:
    result = scenario.run({"pue_2035": 1.2, "load_factor_2035": 0.7})
    for region, rows in result["regions"].items():
        year_2035 = rows[-1]
        assert year_2035["electricity_twh"] == pytest.approx(
            year_2035["it_capacity_gw"] * 0.7 * 8760 * 1.2 / 1000
        ), region
    first = result["world"][0]
    assert first["electricity_twh"] == pytest.approx(183 + 102 + 68 + 48 + 15)  # IEA 2024 split


def test_a_lower_pue_and_efficiency_gains_lower_2035_and_a_cleaner_grid_lowers_emissions() -> None:
    base = scenario.run()["world"][-1]
    leaner = scenario.run({"pue_2035": 1.2, "efficiency_gain_pct": 2})["world"][-1]
    cleaner = scenario.run({"intensity_change_pct": -10})["world"][-1]
    assert leaner["electricity_twh"] < base["electricity_twh"]
    assert cleaner["electricity_twh"] == pytest.approx(base["electricity_twh"])
    assert cleaner["emissions_mt"] < base["emissions_mt"]


def test_sensitivity_ranks_the_levers_by_their_effect_on_2030() -> None:
    rows = scenario.sensitivity()
    spans = [r["span_twh"] for r in rows]
    assert spans == sorted(spans, reverse=True) and spans[0] > 0
    assert {r["lever"] for r in rows} == set(scenario.levers())
    # levers that only act after 2030, or on emissions and shares, do not move 2030's TWh
    untouched = {r["lever"] for r in rows if r["span_twh"] < 1e-9}
    assert {"growth_after_2030_pct", "intensity_change_pct", "electricity_growth_pct"} <= untouched
    effect = {r["lever"]: r["effect_twh"] for r in rows}
    assert effect["pue_2035"] > 0 and effect["capacity_growth_pct"] > 0  # raising it raises TWh
    assert effect["efficiency_gain_pct"] < 0


@pytest.mark.parametrize("lever", list(scenario.levers()))
def test_no_lever_changes_2024_which_is_observed(lever: str) -> None:
    spec = scenario.levers()[lever]
    for value in (spec.minimum, spec.maximum):
        first = scenario.run({lever: value})
        assert first["world"][0]["electricity_twh"] == pytest.approx(416)  # 183+102+68+48+15
        assert first["world"][0]["emissions_mt"] == pytest.approx(
            scenario.run()["world"][0]["emissions_mt"]
        )


def test_each_lever_means_what_its_name_says() -> None:
    def world(year: int, **levers: float) -> float:
        return scenario.value_at(scenario.run(levers), "world", year, "electricity_twh")

    assert world(2035, pue_2035=1.2) < world(2035) < world(2035, pue_2035=1.8)
    assert world(2030, capacity_growth_pct=12) > world(2030)
    assert world(2030, accelerated_growth_pct=35) > world(2030)
    assert world(2035, growth_after_2030_pct=60) > world(2035)
    assert world(2035, load_factor_2035=0.4) < world(2035)
    assert world(2035, efficiency_gain_pct=3) < world(2035)
    assert "pue_2024" not in scenario.levers() and "load_factor_2024" not in scenario.levers()


def test_the_models_own_2024_emissions_meet_ieas_180_mt_unfitted() -> None:
    """Each region at its own 2024 intensity (Ember for the USA and China, the generation-
    weighted OWID mean for IEA's other regions), never the world's for all."""
    result = scenario.run()
    (check,) = result["checks"]
    assert check["value"] == 180 and abs(check["deviation"]) <= scenario.TOLERANCE
    basis = result["intensity_basis"]
    assert "Ember" in basis["USA"] and "OWID" in basis["iea-europe"]
    assert scenario.baseline()["intensity_g_per_kwh"]["iea-europe"] < 473  # not the world's


def test_the_2024_facts_and_the_base_growth_rates_are_ieas_not_fitted() -> None:
    observed = scenario.observed()
    assert observed["accelerated_share_pct"]["value"] == 15
    assert "p. 56" in observed["accelerated_share_pct"]["source"]
    base = scenario.preset("iea-base")
    assert (
        base["levers"]["capacity_growth_pct"] == 9
        and base["levers"]["accelerated_growth_pct"] == 30
    )
    assert "capacity_growth_pct" not in base["calibrated"]


@pytest.mark.parametrize(
    ("levers", "message"),
    [
        ({"pue_2035": 0.5}, "pue_2035 must be between 1 and 3"),
        ({"warp_drive": 1.0}, "unknown lever 'warp_drive'"),
    ],
)
def test_a_lever_out_of_range_or_unknown_is_refused(levers: dict[str, float], message: str) -> None:
    with pytest.raises(InputError, match=message):
        scenario.run(levers)


def test_an_unknown_preset_is_refused() -> None:
    with pytest.raises(InputError, match="unknown preset 'iea-optimistic'"):
        scenario.run(preset_name="iea-optimistic")
