"""`frugalkit observatory`: sourced figures, imports, scenarios, catalogues, measured AI."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from frugalkit import i18n
from frugalkit.cli.output import emit, opened_store, prose
from frugalkit.cli.tables import NUMERIC, headers, table
from frugalkit.i18n import gettext as _
from frugalkit.impact.display import change, number, percent
from frugalkit.observatory.regions import region_name

app = typer.Typer(
    help="Energy-and-AI figures with their sources, demand scenarios and catalogues.",
    no_args_is_help=True,
)


# Column heads that fit 80 columns; the footer names each in full.
SHORT_REGION = {
    "CHN": "China",
    "iea-europe": "Europe",
    "iea-asia-pacific-ex-china": "Asia-Pac.",
    "iea-rest-of-world": "Rest",
}


def _table(*columns: str) -> Table:
    return Table(*columns, show_lines=False)


def _cells(*values: object) -> list[Text]:
    """Table cells as plain text: data is never read as Rich markup."""
    return [Text("" if v is None else str(v)) for v in values]


@app.command("sources")
def sources(ctx: typer.Context) -> None:
    """Where the figures come from, and the releases that brought them."""
    from frugalkit.observatory.releases import ensure_packaged
    from frugalkit.store import observatory as stored

    with opened_store(ctx) as store:
        ensure_packaged(store)
        found, releases = stored.list_sources(store), stored.list_releases(store)

    def render(console: Console) -> None:
        table = _table(*headers("source", "title", "publisher", "published", "licence", "note"))
        for s in found:
            note = "secondary source" if s["secondary"] else ""
            table.add_row(
                *_cells(s["id"], s["title"], s["publisher"], s["published"], s["licence"], note)
            )
        console.print(table)
        history = _table(
            *headers("release", "created (UTC)", "label", "added", "changed", "unchanged")
        )
        for r in releases:
            history.add_row(
                *_cells(
                    r["id"],
                    str(r["created_at"])[:19],
                    r["label"],
                    r["added"],
                    r["changed"],
                    r["unchanged"],
                )
            )
        console.print(history)
        presets = _table(*headers("preset", "label", "fitted on (source, year, value)"))
        for name, p in preset_list.items():
            on = "; ".join(f"{a['source']} {a['year']} {a['value']:g}" for a in p["anchors"])
            presets.add_row(*_cells(name, p["label"], on))
        console.print(presets)

    from frugalkit.observatory.scenario import presets_file

    preset_list = presets_file()["presets"]
    emit(ctx, {"sources": found, "releases": releases, "presets": preset_list}, render)


@app.command("series")
def series(
    ctx: typer.Context,
    metric: str = typer.Option(None, help="Only this metric, e.g. dc_electricity_twh."),
    region: str = typer.Option(None, help="Only this region: world, eu27, USA, ..."),
    source: str = typer.Option(None, help="Only this source id."),
) -> None:
    """List the series: one source's metric for one region and case."""
    from frugalkit.observatory.dashboard import check_metric
    from frugalkit.observatory.releases import ensure_packaged
    from frugalkit.store import observatory as stored

    if metric:
        check_metric(metric)
    wanted_region = _region(region)
    with opened_store(ctx) as store:
        ensure_packaged(store)
        found = stored.series_summary(store, metric=metric, region=wanted_region, source_id=source)

    def render(console: Console) -> None:
        if not found:
            console.print("no series")
            return
        table = _table(*headers("series", "unit", "kind", "years", "figures"))
        for s in found:
            years = (
                f"{s['first_year']} to {s['last_year']}"
                if s["first_year"] != s["last_year"]
                else s["first_year"]
            )
            table.add_row(
                *_cells(s["series"], s["unit"], ", ".join(s["kinds"]), years, s["points"])
            )
        console.print(table)

    emit(ctx, found, render)


def _region(region: str | None) -> str | None:
    """The region's canonical code ('usa' -> 'USA'), or InputError naming the known ones."""
    from frugalkit.errors import InputError
    from frugalkit.observatory.regions import check_region

    if region is None:
        return None
    try:
        return check_region(region)
    except ValueError as exc:
        raise InputError(str(exc)) from None


@app.command("show")
def show(
    ctx: typer.Context,
    series_id: str = typer.Argument(..., help="A series id, as `observatory series` prints."),
    release: int = typer.Option(None, min=1, help="As it was at this release."),
) -> None:
    """Every figure of one series, with its kind, case and source."""
    from frugalkit.errors import NotFoundError
    from frugalkit.observatory.releases import ensure_packaged
    from frugalkit.store import observatory as stored

    with opened_store(ctx) as store:
        ensure_packaged(store)
        points = stored.list_points(store, series=series_id, release=release)
        sources = {s["id"]: s for s in stored.list_sources(store)}
    if not points:
        raise NotFoundError(f"no series {series_id!r}; `frugalkit observatory series` lists them")
    source = sources.get(points[0]["source_id"], {})

    def render(console: Console) -> None:
        console.print(
            Text(
                f"{series_id}: {source.get('title')} ({source.get('publisher')}, "
                f"{source.get('published')}; licence {source.get('licence')})"
            )
        )
        table = _table(*headers("year", "value", "unit", "kind", "case", "verified", "note"))
        for p in points:
            table.add_row(
                *_cells(
                    p["year"],
                    f"{p['value']:g}",
                    p["unit"],
                    p["kind"],
                    p["case"],
                    "yes" if p["verified"] else "no",
                    p["note"],
                )
            )
        console.print(table)

    emit(ctx, {"series": series_id, "source": source, "points": points}, render)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV, JSON or Parquet file of figures."),
    label: str = typer.Option(None, help="What this release is (default: the file's name)."),
) -> None:
    """Import figures as a new release; every row is checked first, nothing is stored if
    one is wrong."""
    from frugalkit.observatory.releases import ensure_packaged, import_file

    with opened_store(ctx) as store:
        ensure_packaged(store)
        release = import_file(store, file, label)

    def render(console: Console) -> None:
        if release["id"] is None:
            console.print(
                _("nothing changed: %(count)s figures already stored")
                % {"count": release["unchanged"]}
            )
            return
        console.print(
            _("release %(id)s: %(added)s added, %(changed)s changed, %(unchanged)s unchanged")
            % {k: release[k] for k in ("id", "added", "changed", "unchanged")}
        )
        for moved in release["diff"]["changed"][:20]:
            console.print(
                Text(f"  {moved['key']}: {moved['old']['value']:g} -> {moved['new']['value']:g}")
            )

    emit(ctx, release, render)


@app.command("scenario")
def scenario(
    ctx: typer.Context,
    preset: str = typer.Option(
        "iea-base", help="iea-base, iea-high-efficiency, iea-lift-off or iea-headwinds."
    ),
    set_: list[str] = typer.Option(
        None, "--set", help="A lever, e.g. --set pue_2035=1.3 (repeatable)."
    ),
    sensitivity: bool = typer.Option(False, help="Also show which lever moves 2030 most."),
) -> None:
    """Data-centre electricity to 2035 by region: capacity x load x 8,760 h x PUE."""
    from frugalkit.observatory import scenario as model

    changes = _levers(set_ or [])
    result = model.run(changes, preset)
    if sensitivity:
        result["sensitivity"] = model.sensitivity(changes, preset)

    def render(console: Console) -> None:
        label = _(model.preset(preset)["label"])
        console.print(Text(_("preset %(id)s: %(label)s") % {"id": preset, "label": label}))
        short = [SHORT_REGION.get(r, r) for r in model.REGIONS]
        drawn = table(
            "year", ("world TWh", NUMERIC), ("share", NUMERIC), ("Mt CO2", NUMERIC),
            *((s, NUMERIC) for s in short),
        )  # fmt: skip
        for i, row in enumerate(result["world"]):
            drawn.add_row(
                *_cells(
                    row["year"], number(round(row["electricity_twh"])),
                    percent(row["share_pct"] / 100, 3), number(round(row["emissions_mt"])),
                    *(number(round(result["regions"][r][i]["electricity_twh"]))
                      for r in model.REGIONS),
                )
            )  # fmt: skip
        console.print(drawn)
        named = zip(short, model.REGIONS, strict=True)
        here = i18n.current.get()
        footer = "; ".join(
            f"{s} = {region_name(r, here)}" for s, r in named if s != region_name(r, here)
        )
        prose(console, _("TWh by region: %(names)s") % {"names": footer})
        for o in result["observed"].values():
            prose(
                console,
                _("observed 2024, not a lever: %(label)s %(value)s")
                % {"label": _(o["label"]), "value": number(o["value"])},
            )
        fitted = ", ".join(model.preset(preset).get("calibrated", []))
        prose(
            console,
            _("fitted on the anchors below: %(levers)s; the rest is the model's own")
            % {"levers": fitted},
        )
        for kind, rows in (
            (_("anchor (fitted)"), result["anchors"]),
            (_("model's own"), result["checks"]),
        ):
            for a in rows:
                said = _("this scenario %(model)s (%(gap)s).") % {
                    "model": number(round(a["model"])),
                    "gap": change(a["deviation"] * 100),
                }
                prose(
                    console,
                    f"{kind} {a['source']} {a['metric']} {a['region']} {a['year']} "
                    f"{a['case']}: {number(a['value'])}; {said}",
                )
        for s in result.get("sensitivity", []):
            prose(
                console,
                _("%(lever)s: %(low)s to %(high)s -> 2030 world %(twh_low)s to %(twh_high)s TWh")
                % {
                    "lever": s["lever"],
                    "low": number(s["from"]),
                    "high": number(s["to"]),
                    "twh_low": number(round(s["twh_low"])),
                    "twh_high": number(round(s["twh_high"])),
                },
            )

    emit(ctx, result, render)


def _levers(settings: list[str]) -> dict[str, float]:
    from frugalkit.errors import InputError

    levers = {}
    for item in settings:
        name, sep, value = item.partition("=")
        try:
            levers[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--set takes LEVER=NUMBER (got {item!r})") from None
        if not sep:
            raise InputError(f"--set takes LEVER=NUMBER (got {item!r})")
    return levers


@app.command("cases")
def cases(
    ctx: typer.Context,
    query: str = typer.Argument("", help="Words to find (case and accents ignored)."),
    catalogue: str = typer.Option("case-studies", help="case-studies, innovations or coalition."),
    tag: str = typer.Option(None, help="Only entries with this tag."),
    category: str = typer.Option(None, help="Only this category (sector, field or member type)."),
    add: Path = typer.Option(None, help="Add the entries of this YAML file first."),
) -> None:
    """Search the case studies, innovations and coalition directory; add entries from YAML."""
    from frugalkit.observatory import catalogue as catalogues

    with opened_store(ctx) as store:
        if add is not None:
            name, written = catalogues.add_file(store, add)
            typer.echo(f"{written} entries added or updated in {name}", err=True)
        found = catalogues.search(store, catalogue, query, tag, category)
    data = [e.model_dump() for e in found]

    def render(console: Console) -> None:
        if not found:
            console.print("no entry")
            return
        table = _table(*headers("id", "date", "category", "title", "source"))
        for e in found:
            table.add_row(*_cells(e.id, e.date, e.category, e.title, e.sources[0].publisher))
        console.print(table)

    emit(ctx, data, render)


@app.command("share")
def share(
    ctx: typer.Context,
    record_id: str = typer.Argument(..., help="An impact report or bench run id (or prefix)."),
    undo: bool = typer.Option(False, "--undo", help="Stop sharing it."),
) -> None:
    """Opt a report or bench run in to the observatory's measured series (or out)."""
    from frugalkit.observatory.measured import share as share_record

    with opened_store(ctx) as store:
        kind, full_id = share_record(store, record_id, not undo)
    data = {"kind": kind, "id": full_id, "shared": not undo}
    emit(
        ctx,
        data,
        lambda c: c.print(Text(f"{kind} {full_id} {'shared' if not undo else 'no longer shared'}")),
    )


@app.command("measured")
def measured(ctx: typer.Context) -> None:
    """The measured series from shared reports and runs."""
    from frugalkit.observatory.measured import series as measured_series

    with opened_store(ctx) as store:
        data = measured_series(store)

    def render(console: Console) -> None:
        table = _table(*headers("task", "hardware", "model kind", "median", "runs", "method"))
        for row in data["inference"]:
            table.add_row(
                *_cells(
                    row["task"],
                    row["hardware"],
                    row["model_kind"],
                    f"{row['median_wh_per_1000']:.3g} {row['unit']}",
                    row["runs"],
                    row["method"],
                )
            )
        console.print(table)
        totals = _table(*headers("zone", "month", "runs", "kWh", "gCO2e", "method"))
        for row in data["by_zone_month"]:
            totals.add_row(
                *_cells(
                    row["zone"],
                    row["month"],
                    row["runs"],
                    f"{row['energy_kwh']:.3g}",
                    f"{row['ghg_g']:.3g}",
                    row["method"],
                )
            )
        console.print(totals)

    emit(ctx, data, render)
