"""How an impact report looks in a terminal: each figure, its equivalent and its method."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from frugalkit.cli.tables import NUMERIC, table
from frugalkit.impact import equivalents
from frugalkit.impact.display import percent, quantity, significant_digits


def summary(console: Console, report: dict[str, Any]) -> None:
    """Each indicator with its band and an everyday equivalent, then how it was obtained."""
    energy, ghg, water, embodied = (
        report["energy"],
        report["ghg"],
        report["water"],
        report["embodied"],
    )
    eq = {
        e["key"]: e["text"]
        for e in equivalents(
            ghg_g=ghg["location_based_g"],
            energy_kwh=energy["facility_kwh"],
            water_l=water["total_l"],
        )
    }
    digits = significant_digits(energy["facility_kwh"], energy["low_kwh"], energy["high_kwh"])
    status = report["status"] + (f" (exit {report['exit_code']})" if report["exit_code"] else "")
    console.print(
        f"[bold]{report['name']}[/] · {report['phase']} · {status} · "
        f"{quantity(report['duration_s'], 's')} · {report['scope']} scope · id {report['id'][:12]}"
    )
    drawn = table("indicator", ("value", NUMERIC), "range", "in everyday terms")
    drawn.add_row(
        "energy",
        quantity(energy["facility_kwh"] * 1000, "Wh", digits=digits),
        f"{quantity(energy['low_kwh'] * 1000, 'Wh', digits=digits)} to "
        f"{quantity(energy['high_kwh'] * 1000, 'Wh', digits=digits)}",
        eq["energy"],
    )
    drawn.add_row(
        "greenhouse gases",
        quantity(ghg["location_based_g"], "gCO2e", digits=digits),
        f"{quantity(ghg['low_g'], 'gCO2e', digits=digits)} to "
        f"{quantity(ghg['high_g'], 'gCO2e', digits=digits)}",
        eq["ghg"],
    )
    drawn.add_row(
        "water",
        quantity(water["total_l"], "L", digits=digits),
        f"on-site {quantity(water['onsite_l'], 'L')}",
        eq["water"],
    )
    drawn.add_row(
        "embodied",
        quantity(embodied["gwp_g"], "gCO2e"),
        f"{quantity(embodied['adpe_kgsbeq'] * 1000, 'gSbeq')}, "
        f"{quantity(embodied['pe_mj'] * 1e6, 'J')} of primary energy",
        "",
    )
    console.print(drawn)
    fallback = report.get("resources", {}).get("world_fallback") or []
    if fallback:
        console.print(
            f"note: {', '.join(fallback)} of {report['ghg']['zone_name']} taken at the world's "
            "value (EcoLogits has none of its own for this zone)",
            highlight=False,
        )
    per_unit = report["per_unit"]
    if report["units"] != 1:
        console.print(
            f"per {per_unit['functional_unit']} ({report['units']:,g} in all): "
            f"{quantity(per_unit['energy_kwh'] * 1000, 'Wh', digits=digits)}, "
            f"{quantity(per_unit['ghg_g'], 'gCO2e', digits=digits)}, "
            f"{quantity(per_unit['water_l'], 'L', digits=digits)}"
        )
    for window in report["windows"]:
        console.print(
            f"window {window['name']}: {quantity(window['duration_s'], 's')}, "
            f"{quantity(window['it_kwh'] * 1000, 'Wh')} (IT)"
        )
    console.print("[bold]method[/]")
    for method in report["methods"]:
        component = method["component"]
        how = (
            method["kind"]
            if method["meter"] == method["kind"]
            else f"{method['kind']} ({method['meter']})"
        )
        if method["share"] is not None:
            how += f", {percent(method['share'])} of the device"
        value = quantity(energy[f"{component}_kwh"] * 1000, "Wh")
        console.print(f"  {component.upper()} {value}: {how}; {method['sampling']}")
    console.print(
        f"  facility = IT x PUE {energy['pue']:g}; GHG location-based, {ghg['zone_name']} "
        f"{quantity(ghg['intensity_g_per_kwh'], 'gCO2e/kWh')} ({ghg['year']}); water = WUE "
        f"{quantity(water['wue_l_per_kwh'], 'L/kWh')} + off-site "
        f"{quantity(water['offsite_l_per_kwh'], 'L/kWh')}; embodied: "
        + ", ".join(
            f"{i['count']} x {i['profile']} at {percent(i['share'])}" for i in embodied["items"]
        )
    )
    console.print(f"[dim]sources: grid: {ghg['source']}. water: {water['source']}[/]")


def report_table(reports: list[dict[str, Any]]) -> Any:
    """id, name (its phase and method below), status, start, energy and GHG at their
    bands' digits: in 80 columns the name wraps and no figure is cut."""
    drawn = table("id", "name", "status", ("started (UTC)", NUMERIC), ("energy", NUMERIC),
                  ("GHG", NUMERIC))  # fmt: skip
    for r in reports:
        kinds = "/".join(sorted({m["kind"] for m in r["methods"]}))
        energy, ghg = r["energy"], r["ghg"]
        drawn.add_row(
            r["id"][:8], f"{r['name']}\n[dim]{r['phase']} · {kinds}[/]", r["status"],
            r["started_at"][:16].replace("T", " "),
            quantity(energy["facility_kwh"] * 1000, "Wh", energy["low_kwh"] * 1000,
                     energy["high_kwh"] * 1000),
            quantity(ghg["location_based_g"], "gCO2e", ghg["low_g"], ghg["high_g"]),
        )  # fmt: skip
    return drawn
