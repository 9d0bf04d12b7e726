"""`frugalkit datacenter`: ISO/IEC 30134 KPIs from metered data, and tender scoring."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from frugalkit.cli.output import emit, opened_store
from frugalkit.cli.tables import headers
from frugalkit.datacenter.shown import criterion_figure
from frugalkit.i18n import gettext as _
from frugalkit.impact.display import NO_VALUE, percent, quantity

CRITERIA_HELP = "blue-angel, enefg, enefg-draft-2026-04 (`datacenter criteria`), or a YAML file."
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
        pue_head = "PUE (month: iPUE)" if monthly else "PUE"
        table = Table(
            *("period", "quality", "PUE cat.", pue_head, "WUE L/kWh"),
            *("REF", "ERF", "CER", "CUE kg/kWh"),
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
        category = data["years"][0]["wue_category"] if data["years"] else None
        console.print(Text(f"WUE category: {category or 'not stated in the facility file'}"))
        parts = ", ".join(f"{k.upper()} {v}" for k, v in data["standards"].items())
        console.print(Text(f"standards: {parts}"))
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


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """The registered facilities and their latest period."""
    from frugalkit.store.facilities import list_facilities

    with opened_store(ctx) as store:
        found = list_facilities(store)

    def render(console: Console) -> None:
        for f in found:
            latest = f.get("latest") or {}
            console.print(Text(f"{f['name']} ({f.get('country', '')}): {latest.get('period', '')}"))
        if not found:
            console.print("no facility yet: `frugalkit datacenter add FACILITY.yaml READINGS.csv`")

    emit(ctx, found, render)


@app.command("remove")
def remove(
    ctx: typer.Context, name: str = typer.Argument(..., help="The facility's name.")
) -> None:
    """Remove a registered facility from the store (its files are not touched)."""
    from frugalkit.store.facilities import delete_facility

    with opened_store(ctx) as store:
        delete_facility(store, name)
    emit(ctx, {"removed": name}, lambda c: c.print(Text(f"removed facility {name}")))


@app.command("report")
def report(
    ctx: typer.Context,
    facility: str = typer.Argument(..., help="A facility file (YAML), or a registered name."),
    readings: Path = typer.Argument(None, help="Its readings, with a facility file."),
    year: int = typer.Option(
        None, min=1960, max=2100, help="The calendar year reported (default: the latest)."
    ),
    against: int = typer.Option(
        None, min=1960, max=2100, help="The year compared with (default: the one before)."
    ),
    format_: str = typer.Option("table", "--format", help="table, json or csv."),
    output: Path = typer.Option(None, "--output", "-o", help="Write json or csv to this file."),
) -> None:
    """The EU's yearly data-centre report (Reg. (EU) 2024/1364, Annexes I-III): every field,
    those missing and how to supply them, and the change from the year before."""
    from frugalkit.datacenter.eu_report import to_csv
    from frugalkit.datacenter.service import eu_report, eu_report_of, facility_kpis
    from frugalkit.errors import InputError

    if format_ not in ("table", "json", "csv"):
        raise InputError(f"format must be table, json or csv (got {format_!r})")
    if readings is not None:
        data = facility_kpis(Path(facility), readings)
        result = eu_report(data["facility"], data["years"], year, against)
    else:
        with opened_store(ctx) as store:
            result = eu_report_of(store, facility, year, against)
    if format_ != "table":
        text = to_csv(result["report"]) if format_ == "csv" else json.dumps(result, indent=2)
        _write(text, output)
        return
    emit(ctx, result, lambda console: _render_report(console, result))


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        from frugalkit.errors import InputError

        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


def _value(value: object) -> str:
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _render_report(console: Console, result: dict[str, Any]) -> None:
    report, changes = result["report"], result["diff"]
    title = f"{report['facility']}: {report['year']}, due {report['deadline']}"
    table = Table(*headers("annex", "field", "value", "unit"), title=title)
    for f in report["fields"]:
        label = f"{f['symbol']} {f['label']}" if f["symbol"] else f["label"]
        table.add_row(
            Text(f"{f['annex']} {f['point']}"),
            Text(label),
            Text(_value(f["value"])),
            Text(f["unit"]),
        )
    console.print(table)
    for m in report["missing"]:
        console.print(Text(f"missing: Annex {m['annex']} {m['point']} {m['label']}: {m['fix']}"))
    for d in report["deviations"]:
        console.print(Text(f"deviation: {d}", style="yellow"))
    if report["pending"]:
        console.print(Text(f"pending change: {report['pending']}"))
    state = "complete" if report["complete"] else "incomplete"
    console.print(Text(f"the report is {state} ({report['quality']} data)", style="bold"))
    for warning in report["warnings"]:
        console.print(Text(f"warning: {warning}", style="yellow"))
    if changes:
        for row in changes["rows"]:
            if row["changed"] and row["change_pct"] is not None:
                console.print(
                    Text(
                        f"since {changes['year']}: {row['label']} {row['change_pct']:+.1f} % "
                        f"({_value(row['before'])} → {_value(row['after'])} {row['unit']})"
                    )
                )


def _verdict(entry: dict[str, Any]) -> str:
    data = _("data %(quality)s") % {"quality": _(entry["quality"])}
    line = f"{_(entry['verdict'])} ({entry['year']}, {data})"
    if entry["failed"]:
        line += f"; {_('Failed:')} {', '.join(entry['failed'])}"
    if entry["open"]:
        line += f"; {_('Open:')} {', '.join(entry['open'])}"
    if entry["score"] is not None:
        line += "; " + _("weighted score %(score)s") % {"score": percent(entry["score"])}
    return line


@app.command("criteria")
def criteria_list(ctx: typer.Context) -> None:
    """The criteria sets that ship: each with its legal or published version and date."""
    from frugalkit.datacenter.criteria import shipped, summary

    sets = [summary(s) for s in shipped()]

    def render(console: Console) -> None:
        for s in sets:
            console.print(Text(f"{s['id']}: {s['title']}", style="bold"))
            console.print(Text(f"   {s['status']}, {s['version']} ({s['version_date']})"))
            console.print(Text(f"   source: {s['source']}"))
            if s["note"]:
                console.print(Text(f"   {s['note']}"))

    emit(ctx, sets, render)


@app.command("score")
def score(
    ctx: typer.Context,
    facility: Path = typer.Argument(..., help="The facility file (YAML)."),
    readings: Path = typer.Argument(..., help="Its readings (CSV or XLSX)."),
    criteria: str = typer.Option("blue-angel", help=CRITERIA_HELP),
    year: int = typer.Option(
        None, min=1960, max=2100, help="The year scored (default: the latest)."
    ),
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
        pdf=None,
    )


@app.command("compare")
def compare(
    ctx: typer.Context,
    sites: list[str] = typer.Argument(None, help="FACILITY.yaml=READINGS.csv pairs."),
    criteria: str = typer.Option("blue-angel", help=CRITERIA_HELP),
    year: int = typer.Option(
        None, min=1960, max=2100, help="The year scored (default: the latest)."
    ),
    demo: bool = typer.Option(False, "--demo", help="Score the three demonstration tenders."),
    workload: str = typer.Option(None, help="An impact report id: its footprint at each site."),
    pdf: Path = typer.Option(None, help="Also write the comparison to this PDF file."),
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
    if pdf is not None:
        from frugalkit.datacenter.pdf import comparison_pdf

        try:
            pdf.write_bytes(comparison_pdf(data))
        except OSError as exc:
            raise InputError(f"cannot write {pdf}: {exc.strerror or exc}") from None

    def render(console: Console) -> None:
        chosen = data["criteria"]
        console.print(Text(f"{_(chosen['title'])}: {chosen['version']} ({_(chosen['status'])})"))
        console.print(Text(_("source: %(source)s") % {"source": chosen["source"]}))
        for rank, entry in enumerate(data["ranking"], 1):
            console.print(Text(f"{rank}. {entry['facility']}: {_verdict(entry)}", style="bold"))
            if entry["jurisdiction"]:
                console.print(Text(f"   {entry['jurisdiction']}"))
            if entry["scope"] is not None and entry["scope"]["result"] != "pass":
                scope = _("Scope %(result)s:") % {"result": _(entry["scope"]["result"])}
                console.print(Text(f"   {scope} {_(entry['scope']['label'])}"))
            for r in entry["results"]:
                # a share as a percentage against a percentage (issue 23: "0.870 >= 1.0")
                value = criterion_figure(r["value"], r["kpi"])
                threshold = criterion_figure(r["threshold"], r["kpi"])
                note = f" ({r['note']})" if r["note"] else ""
                console.print(
                    Text(
                        f"   {_(r['result']):<12} {r['provision']} {_(r['label'])}: "
                        f"{value} {r['op']} {threshold}{note}"
                    )
                )
        for f in data["workload"]:
            console.print(
                Text(
                    _(
                        "workload at %(site)s: %(energy)s, %(location)s location-based, "
                        "%(market)s market-based"
                    )
                    % {
                        "site": f["site"],
                        "energy": quantity(f["energy_kwh"] * 1000, "Wh"),
                        "location": quantity(f["ghg_location_g"], "gCO2e"),
                        "market": quantity(f["ghg_market_g"], "gCO2e"),
                    }
                )
            )

    emit(ctx, data, render)
