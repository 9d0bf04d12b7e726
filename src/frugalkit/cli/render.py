"""How an impact report looks in a terminal: each figure, its equivalent and its method."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from frugalkit.impact import equivalents
from frugalkit.impact.display import quantity


def scaled(value: float, unit: str) -> str:
    """3 significant digits with a metric prefix: 0.00243 Wh -> '2.43 mWh' (the web's too)."""
    return quantity(value, unit)


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
    status = report["status"] + (f" (exit {report['exit_code']})" if report["exit_code"] else "")
    console.print(
        f"[bold]{report['name']}[/] · {report['phase']} · {status} · "
        f"{report['duration_s']:.2f} s · {report['scope']} scope · id {report['id'][:12]}"
    )
    table = Table("indicator", "value", "range", "in everyday terms")
    table.add_row(
        "energy",
        scaled(energy["facility_kwh"] * 1000, "Wh"),
        f"{scaled(energy['low_kwh'] * 1000, 'Wh')} to {scaled(energy['high_kwh'] * 1000, 'Wh')}",
        eq["energy"],
    )
    table.add_row(
        "greenhouse gases",
        scaled(ghg["location_based_g"], "gCO2e"),
        f"{scaled(ghg['low_g'], 'g')} to {scaled(ghg['high_g'], 'g')}",
        eq["ghg"],
    )
    table.add_row(
        "water",
        scaled(water["total_l"], "L"),
        f"on-site {scaled(water['onsite_l'], 'L')}",
        eq["water"],
    )
    table.add_row(
        "embodied",
        scaled(embodied["gwp_g"], "gCO2e"),
        f"{embodied['adpe_kgsbeq']:.2g} kgSbeq, {embodied['pe_mj']:.2g} MJ",
        "",
    )
    console.print(table)
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
            f"per {per_unit['functional_unit']} ({report['units']:g} in all): "
            f"{scaled(per_unit['energy_kwh'] * 1000, 'Wh')}, "
            f"{scaled(per_unit['ghg_g'], 'gCO2e')}, {scaled(per_unit['water_l'], 'L')}"
        )
    for window in report["windows"]:
        console.print(
            f"window {window['name']}: {window['duration_s']:.2f} s, "
            f"{scaled(window['it_kwh'] * 1000, 'Wh')} (IT)"
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
            how += f", {method['share']:.0%} of the device"
        value = scaled(energy[f"{component}_kwh"] * 1000, "Wh")
        console.print(f"  {component.upper()} {value}: {how}; {method['sampling']}")
    console.print(
        f"  facility = IT x PUE {energy['pue']:g}; GHG location-based, {ghg['zone_name']} "
        f"{ghg['intensity_g_per_kwh']:g} gCO2e/kWh ({ghg['year']}); water = WUE "
        f"{water['wue_l_per_kwh']:g} + off-site {water['offsite_l_per_kwh']:g} L/kWh; embodied: "
        + ", ".join(f"{i['count']} x {i['profile']} at {i['share']:.1%}" for i in embodied["items"])
    )
    console.print(f"[dim]sources: grid: {ghg['source']}. water: {water['source']}[/]")


def report_table(reports: list[dict[str, Any]]) -> Table:
    table = Table("id", "name", "phase", "status", "started (UTC)", "Wh", "gCO2e", "method")
    for r in reports:
        kinds = sorted({m["kind"] for m in r["methods"]})
        table.add_row(
            r["id"][:12],
            r["name"],
            r["phase"],
            r["status"],
            r["started_at"][:19].replace("T", " "),
            f"{r['energy']['facility_kwh'] * 1000:.3g}",
            f"{r['ghg']['location_based_g']:.3g}",
            "/".join(kinds),
        )
    return table
