"""Rebuild frugalkit's packaged factor files from the packages that publish the figures.

Run by hand when a source publishes new figures (needs `pip install codecarbon ecologits
boaviztapi pycountry` in a scratch environment; frugalkit never imports them):

    python tools/build_factor_data.py SITE_PACKAGES_DIR

Writes src/frugalkit/impact/data/{grid_intensity,electricity_mix,cpu_tdp}.json and
src/frugalkit/observatory/data/owid_countries.csv (the observatory's country rows). The other
data files (embodied, power, equivalents) are short and edited by hand, each naming its
sources.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "frugalkit" / "impact" / "data"


def _write(name: str, document: dict[str, object]) -> None:
    _changes(name, document)
    path = OUT / name
    if name == "cpu_tdp.json":  # the long table stays compact: it is read on every run
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(document, indent=1, ensure_ascii=False)
    path.write_text(text + "\n")
    print(f"wrote {path}")


def _world_default(mix: dict[str, dict[str, object]]) -> dict[str, object]:
    """The world's intensity on the country values' own basis (life-cycle, OWID): their
    generation-weighted mean, not codecarbon's IEA 2019 direct-emission fallback."""
    rows = [r for r in mix.values() if float(str(r.get("total_TWh") or 0)) > 0]
    twh = sum(float(str(r["total_TWh"])) for r in rows)
    mean = sum(float(str(r["carbon_intensity"])) * float(str(r["total_TWh"])) for r in rows) / twh
    years = sorted({int(str(r["year"])) for r in rows})
    return {
        "intensity_g_per_kwh": round(mean, 1),
        "source": f"generation-weighted mean of the {len(rows)} countries' life-cycle values "
        f"in the same Our World in Data set (codecarbon 3.3.2), latest year of each "
        f"({years[0]}-{years[-1]}, mostly 2022-2023): one basis with the country values",
        "year": 2022,
    }


def _changes(name: str, new: dict[str, object]) -> None:
    """Print what a rebuild changes in a data file: added, removed and changed keys."""
    path = OUT / name
    old = json.loads(path.read_text()) if path.exists() else {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            before, after = old.get(key), new.get(key)
            if isinstance(before, dict) and isinstance(after, dict):
                changed = [k for k in set(before) | set(after) if before.get(k) != after.get(k)]
                print(f"{name}: {key}: {len(changed)} entries changed, e.g. {sorted(changed)[:5]}")
            else:
                print(f"{name}: {key}: {str(before)[:80]} -> {str(after)[:80]}")


def grid(site: Path) -> None:
    import pycountry

    mix = json.loads((site / "codecarbon/data/private_infra/global_energy_mix.json").read_text())
    countries = {}
    for alpha3, row in sorted(mix.items()):
        country = pycountry.countries.get(alpha_3=alpha3)
        countries[alpha3] = {
            "alpha2": country.alpha_2 if country else None,
            "name": row["country_name"],
            "intensity_g_per_kwh": round(float(row["carbon_intensity"]), 3),
            "year": int(row["year"]),
        }
    _write(
        "grid_intensity.json",
        {
            "what": "Life-cycle carbon intensity of electricity generation per country",
            "unit": "gCO2e/kWh",
            "source": "Our World in Data, 'Carbon intensity of electricity generation' "
            "(from Ember and the Energy Institute), as shipped in codecarbon 3.3.2 "
            "data/private_infra/global_energy_mix.json",
            "url": "https://ourworldindata.org/grapher/carbon-intensity-electricity",
            "licence": "CC BY 4.0 (Our World in Data)",
            "world_default": _world_default(mix),
            "countries": countries,
        },
    )


def electricity_mix(site: Path) -> None:
    data = json.loads((site / "ecologits/data/electricity_mixes.json").read_text())
    zones = {}
    for row in data["electricity_mixes"]:
        zones[row["name"]] = {
            "water_l_per_kwh": row["wue"],
            "adpe_kgsbeq_per_kwh": row["adpe"],
            "pe_mj_per_kwh": row["pe"],
            "world_fallback": sorted(w.split("-")[-2] for w in (row["warnings"] or [])),
        }
    _write(
        "electricity_mix.json",
        {
            "what": "Off-site water (consumption for generation), abiotic depletion and "
            "primary energy per kWh of electricity, per country (WOR = world)",
            "unit": {"water": "L/kWh", "adpe": "kgSbeq/kWh", "pe": "MJ/kWh"},
            "source": "EcoLogits 0.11.3 data/electricity_mixes.json (ADEME Base Empreinte "
            "for ADPe and PE; water from Li et al., 'Making AI less thirsty', "
            "arXiv:2304.03271, after Macknick et al. 2012)",
            "url": "https://github.com/genai-impact/ecologits",
            "licence": "MPL-2.0 (EcoLogits)",
            "year": 2025,
            "zones": zones,
        },
    )


def _norm(name: str) -> str:
    return " ".join(name.split())


def cpu_tdp(site: Path) -> None:
    models: dict[str, list[float | int | None]] = {}
    with (site / "codecarbon/data/hardware/cpu_power.csv").open() as f:
        for row in csv.DictReader(f):
            try:
                tdp = float(row["TDP"])
            except ValueError:  # a few rows are malformed upstream ("27.29.5"): skip them
                continue
            models[_norm(row["Name"])] = [tdp, None]
    per_thread = []
    with (site / "boaviztapi/data/crowdsourcing/cpu_specs.csv").open() as f:
        for row in csv.DictReader(f):
            if not row["tdp"] or not row["threads"]:
                continue
            tdp, threads = float(row["tdp"]), int(float(row["threads"]))
            models[_norm(row["name"])] = [tdp, threads]
            if "EPYC" in row["name"] or "Xeon" in row["name"]:
                per_thread.append(tdp / threads)
    default = round(statistics.median(per_thread), 2)
    _write(
        "cpu_tdp.json",
        {
            "what": "Thermal design power (TDP) of CPU models and their hardware threads",
            "unit": {"tdp_w": "W"},
            "source": "codecarbon 3.3.2 data/hardware/cpu_power.csv (TDP only; MIT) and "
            "Boavizta API 2.5.0 data/crowdsourcing/cpu_specs.csv (TDP and threads, from "
            "TechPowerUp; AGPL-3.0 data, figures are facts); Boavizta wins where both list "
            "a model",
            "year": 2025,
            "default_w_per_thread": default,
            "columns": ["tdp_w", "threads"],
            "default_source": f"median TDP per thread over the {len(per_thread)} AMD EPYC "
            "and Intel Xeon models of Boavizta's cpu_specs.csv",
            "models": dict(sorted(models.items())),
        },
    )


OWID_SOURCE = {
    "source_id": "owid-2024",
    "source": "Electricity generation and carbon intensity by country (Our World in Data, "
    "as shipped in codecarbon 3.3.2)",
    "publisher": "Our World in Data (from Ember and the Energy Institute)",
    "published": "2024",
    "licence": "CC BY 4.0",
    "url": "https://ourworldindata.org/grapher/carbon-intensity-electricity",
}


def owid_countries(site: Path) -> None:
    """The observatory's per-country rows, in its own import format (see observatory)."""
    mix = json.loads((site / "codecarbon/data/private_infra/global_energy_mix.json").read_text())
    path = OUT.parent.parent / "observatory" / "data" / "owid_countries.csv"
    columns = ["metric", "region", "year", "value", "unit", "kind", "case", *OWID_SOURCE, "note"]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns, lineterminator="\n")
        writer.writeheader()
        for alpha3, row in sorted(mix.items()):
            common = {"region": alpha3, "year": int(row["year"]), "case": "", **OWID_SOURCE}
            writer.writerow(
                {
                    **common,
                    "metric": "electricity_generation_twh",
                    "value": round(float(row["total_TWh"]), 3),
                    "unit": "TWh",
                    "kind": "measurement",
                    "note": "",
                }
            )
            writer.writerow(
                {
                    **common,
                    "metric": "grid_intensity_g_per_kwh",
                    "value": round(float(row["carbon_intensity"]), 3),
                    "unit": "gCO2/kWh",
                    "kind": "estimate",
                    "note": "life-cycle emissions of generation",
                }
            )
    print(f"wrote {path}")


if __name__ == "__main__":
    site_packages = Path(sys.argv[1])
    grid(site_packages)
    electricity_mix(site_packages)
    cpu_tdp(site_packages)
    owid_countries(site_packages)
