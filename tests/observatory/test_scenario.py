"""The scenario tool: presets meet their anchors, levers move the result as physics says."""

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
