"""Calibrate the observatory's scenario presets on their anchors, and rewrite presets.json.

    python tools/calibrate_presets.py

Each preset's `calibrated` levers are solved (Brent's method) so that the preset meets its
anchors; the other levers keep the values written in the file. Run it again whenever the
scenario model or an anchor changes; the tests check every preset against its anchors.
"""

from __future__ import annotations

import json
from pathlib import Path

from scipy.optimize import brentq

from frugalkit.observatory import scenario

PATH = Path(scenario.__file__).parent / "data" / "presets.json"


def _solve(
    preset_name: str,
    presets: dict,
    lever: str,
    region: str,
    year: int,
    target: float,
    output: str = "electricity_twh",
    low: float = -20.0,
    high: float = 200.0,
) -> float:
    def gap(x: float) -> float:
        presets[preset_name]["levers"][lever] = x
        scenario.presets_file.cache_clear()
        return (
            scenario.value_at(scenario.run(preset_name=preset_name), region, year, output) - target
        )

    value = round(brentq(gap, low, high, xtol=1e-6), 4)
    presets[preset_name]["levers"][lever] = value
    return value


def main() -> None:
    document = json.loads(PATH.read_text())
    presets = document["presets"]
    original = scenario.presets_file
    scenario.presets_file = lambda: document  # type: ignore[assignment]
    scenario.presets_file.cache_clear = lambda: None  # type: ignore[attr-defined]
    try:
        base = presets["iea-base"]
        base["region_adjust_pp"] = {r: 0.0 for r in scenario.REGIONS}
        for anchor in base["anchors"]:
            if anchor["region"] in scenario.REGIONS:
                region = anchor["region"]

                def gap(x: float, region: str = region, target: float = anchor["value"]) -> float:
                    base["region_adjust_pp"][region] = x
                    result = scenario.run(preset_name="iea-base")
                    return scenario.value_at(result, region, 2030, "electricity_twh") - target

                base["region_adjust_pp"][region] = round(brentq(gap, -30, 60, xtol=1e-6), 4)
        _solve("iea-base", presets, "growth_after_2030_pct", "world", 2035, 1200, low=0, high=200)
        _solve("iea-base", presets, "intensity_change_pct", "world", 2030, 320, "emissions_mt")
        _solve("iea-base", presets, "intensity_after_2030_pct", "world", 2035, 300, "emissions_mt")
        fits = {  # each preset's levers, solved in turn: a 2030 figure first, then 2035
            "iea-high-efficiency": [("efficiency_gain_pct", 2035, 970, "electricity_twh")],
            "iea-lift-off": [
                ("capacity_growth_pct", 2030, 1264, "electricity_twh"),
                ("growth_after_2030_pct", 2035, 500, "emissions_mt"),
            ],
            "iea-headwinds": [
                ("capacity_growth_pct", 2030, 669, "electricity_twh"),
                ("growth_after_2030_pct", 2035, 700, "electricity_twh"),
            ],
        }
        for name, steps in fits.items():
            fitted = {lever for lever, *_ in steps}
            fixed = {k: v for k, v in presets[name]["levers"].items() if k not in fitted}
            presets[name]["levers"] = {**base["levers"], **fixed}
            presets[name]["region_adjust_pp"] = dict(base["region_adjust_pp"])
            for lever, year, target, output in steps:
                low, high = (0, 200) if lever in ("growth_after_2030_pct",) else (-20, 60)
                if lever == "efficiency_gain_pct":
                    low = 0
                _solve(name, presets, lever, "world", year, target, output, low=low, high=high)
    finally:
        scenario.presets_file = original  # type: ignore[assignment]
    PATH.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    for name in presets:
        result = scenario.run(preset_name=name)
        for anchor in result["anchors"] + result["checks"]:
            print(
                f"{name}: {anchor['region']} {anchor['year']} {anchor['metric']} "
                f"{anchor['value']} -> {anchor['model']:.1f} ({anchor['deviation']:+.2%})"
            )


if __name__ == "__main__":
    main()
