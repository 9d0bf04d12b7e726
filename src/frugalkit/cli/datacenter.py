"""`frugalkit datacenter`: ISO/IEC 30134 KPIs from metered data, and tender scoring."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from frugalkit.cli.output import emit, opened_store
from frugalkit.impact.display import NO_VALUE

app = typer.Typer(
    help="Data-centre KPIs (PUE, WUE, REF, ERF, CER, CUE) and green procurement.",
    no_args_is_help=True,
)


def _fmt(value: float | None, digits: int = 2) -> str:
    return NO_VALUE if value is None else f"{value:.{digits}f}"


@app.command("kpis")
def kpis_(
    ctx: typer.Context,
    facility: Path = typer.Argument(..., help="The facility file (YAML): its meters and roles."),
    readings: Path = typer.Argument(..., help="Readings (CSV: meter,start,end,value)."),
    monthly: bool = typer.Option(False, help="Also show each month."),
) -> None:
    """KPIs by year (and month), each with its PUE category and data quality."""
    from frugalkit.datacenter.service import facility_kpis

    data = facility_kpis(facility, readings)

    def render(console: Console) -> None:
        table = Table(
            "period", "quality", "PUE cat.", "PUE", "WUE L/kWh", "REF", "ERF", "CER", "CUE kg/kWh"
        )
        rows = data["years"] + (data["months"] if monthly else [])
        for row in rows:
            k = row["kpis"]
            table.add_row(
                *(
                    Text(v)
                    for v in (
                        row["period"],
                        row["quality"],
                        str(row["pue_category"]),
                        _fmt(k["pue"]),
                        _fmt(k["wue"]),
                        _fmt(k["ref"]),
                        _fmt(k["erf"]),
                        _fmt(k["cer"], 1),
                        _fmt(k["cue"], 3),
                    )
                )
            )
        console.print(table)
        for row in data["years"]:
            for line in row["reading"]:
                console.print(Text(f"{row['period']}: {line}"))
        for warning in data["warnings"]:
            console.print(Text(f"warning: {warning}", style="yellow"))

    emit(ctx, data, render)


@app.command("add")
def add(
    ctx: typer.Context,
    facility: Path = typer.Argument(..., help="The facility file (YAML)."),
    readings: Path = typer.Argument(..., help="Its readings (CSV)."),
) -> None:
    """Register a facility with its latest year's KPIs (then `measure --facility NAME`)."""
    from frugalkit.datacenter.service import register

    with opened_store(ctx) as store:
        payload = register(store, facility, readings)
    latest = payload["latest"]
    emit(
        ctx,
        payload,
        lambda c: c.print(
            Text(
                f"registered {payload['name']}: {latest['period']} PUE {latest['kpis']['pue']:.2f} "
                f"({latest['quality']})"
            )
        ),
    )


@app.command("score")
def score(
    ctx: typer.Context,
    facility: Path = typer.Argument(..., help="The facility file (YAML)."),
    readings: Path = typer.Argument(..., help="Its readings (CSV or XLSX)."),
    criteria: str = typer.Option("blue-angel", help="blue-angel, enefg, or a criteria YAML file."),
    year: int = typer.Option(None, help="The year scored (default: the latest)."),
) -> None:
    """One facility against a criteria set: each criterion passed, failed or not reported."""
    ctx.invoke(
        compare,
        ctx=ctx,
        sites=[f"{facility}={readings}"],
        criteria=criteria,
        year=year,
        demo=False,
        workload=None,
    )


@app.command("compare")
def compare(
    ctx: typer.Context,
    sites: list[str] = typer.Argument(None, help="FACILITY.yaml=READINGS.csv pairs."),
    criteria: str = typer.Option("blue-angel", help="blue-angel, enefg, or a criteria YAML file."),
    year: int = typer.Option(None, help="The year scored (default: the latest)."),
    demo: bool = typer.Option(False, "--demo", help="Score the three demonstration tenders."),
    workload: str = typer.Option(None, help="An impact report id: its footprint at each site."),
) -> None:
    """Score facilities or tender answers against a criteria set, ranked."""
    from frugalkit.datacenter.service import compare as compare_sites
    from frugalkit.datacenter.service import demo_pairs
    from frugalkit.errors import InputError

    pairs = demo_pairs() if demo else []
    for site in sites or []:
        facility, sep, readings = site.partition("=")
        if not sep:
            raise InputError(f"give each site as FACILITY.yaml=READINGS.csv (got {site!r})")
        pairs.append((Path(facility), Path(readings)))
    if not pairs:
        raise InputError("give FACILITY.yaml=READINGS.csv pairs, or --demo")
    report = None
    if workload:
        from frugalkit.store import get_report

        with opened_store(ctx) as store:
            report = get_report(store, workload)
    data = compare_sites(pairs, criteria, year, report)

    def render(console: Console) -> None:
        console.print(Text(f"{data['criteria']['title']} ({data['criteria']['source']})"))
        for rank, entry in enumerate(data["ranking"], 1):
            score = NO_VALUE if entry["score"] is None else f"{entry['score'] * 100:.0f} %"
            console.print(
                Text(
                    f"{rank}. {entry['facility']}: {score} ({entry['year']}, {entry['quality']})",
                    style="bold",
                )
            )
            for r in entry["results"]:
                value = "not reported" if r["value"] is None else f"{r['value']:.3g}"
                console.print(
                    Text(f"   {r['result']:<12} {r['label']}: {value} {r['op']} {r['threshold']:g}")
                )
        for f in data["workload"]:
            console.print(
                Text(
                    f"workload at {f['site']}: {f['energy_kwh'] * 1000:.3g} Wh, "
                    f"{f['ghg_location_g']:.3g} gCO2e location-based, "
                    f"{f['ghg_market_g']:.3g} g market-based"
                )
            )

    emit(ctx, data, render)
