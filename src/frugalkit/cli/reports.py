"""`frugalkit reports`: list, show, export, import, delete; and the JSON schema."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from frugalkit.cli.output import emit, opened_store, stdout
from frugalkit.cli.render import report_table, summary
from frugalkit.errors import InputError
from frugalkit.i18n import gettext as _

app = typer.Typer(help="List, show, export and delete impact reports.", no_args_is_help=True)
FORMATS = ("json", "codecarbon", "model-card", "boamps")


@app.command("list")
def list_(
    ctx: typer.Context,
    limit: int = typer.Option(50, min=1, max=10_000, help="How many, newest first."),
    name: str = typer.Option(None, help="Only runs with this name."),
) -> None:
    """List stored reports, newest first."""
    from frugalkit.store import list_reports

    with opened_store(ctx) as store:
        reports = list_reports(store, limit=limit, name=name)
    emit(ctx, reports, lambda c: c.print(report_table(reports) if reports else _("no report yet")))


@app.command("show")
def show(
    ctx: typer.Context, report_id: str = typer.Argument(..., help="Id or unique prefix.")
) -> None:
    """Show one report: every indicator with its method and sources."""
    from frugalkit.store import get_report

    with opened_store(ctx) as store:
        report = get_report(store, report_id)
    emit(ctx, report, lambda console: summary(console, report))


@app.command("export")
def export(
    ctx: typer.Context,
    report_id: str = typer.Argument(..., help="Id or unique prefix."),
    format_: str = typer.Option("json", "--format", help="json, codecarbon, model-card or boamps."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file, not stdout."),
    training_type: str = typer.Option(None, help="model-card: pre-training or fine-tuning."),
) -> None:
    """Export a report as JSON, a CodeCarbon emissions.csv row, a model-card block or BoAmps
    JSON (Boavizta's format for sharing an AI task's energy)."""
    from frugalkit.impact.boamps import to_boamps
    from frugalkit.impact.exports import to_codecarbon_csv, to_json, to_model_card
    from frugalkit.store import get_report

    if format_ not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)} (got {format_!r})")
    with opened_store(ctx) as store:
        report = get_report(store, report_id)
    if format_ == "json":
        text = to_json(report)
    elif format_ == "codecarbon":
        text = to_codecarbon_csv([report], header=not (output and output.exists()))
    elif format_ == "boamps":
        text = to_boamps(report)
    else:
        text = to_model_card(report, training_type)
    if output is None:
        stdout().out(text, end="", highlight=False)
        return
    # An emissions.csv grows by one row per export, as CodeCarbon's does.
    try:
        with output.open("a" if format_ == "codecarbon" else "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


@app.command("import")
def import_(
    ctx: typer.Context, path: Path = typer.Argument(..., help="A report as JSON, or JSON lines.")
) -> None:
    """Validate reports against the schema and store them, all or nothing.

    The same report again is kept once; another report under a stored id is refused."""
    from frugalkit.impact.gate import parse_reports
    from frugalkit.store import save_reports

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    reports = parse_reports(data, str(path))  # all validated before anything is stored
    with opened_store(ctx) as store:
        stored = save_reports(store, reports)
    data_out = {"read": len(reports), "stored": stored, "already_stored": len(reports) - stored}
    emit(
        ctx,
        data_out,
        lambda c: c.print(
            _("%(stored)s stored, %(there)s already there")
            % {"stored": stored, "there": len(reports) - stored}
        ),
    )


@app.command("delete")
def delete(
    ctx: typer.Context,
    report_id: str = typer.Argument(..., help="Id or unique prefix."),
) -> None:
    """Delete one report."""
    from frugalkit.store import delete_report

    with opened_store(ctx) as store:
        deleted = delete_report(store, report_id)
    emit(ctx, {"deleted": deleted}, lambda c: c.print(_("deleted %(id)s") % {"id": deleted}))


@app.command("schema")
def schema(ctx: typer.Context) -> None:
    """Print the ImpactReport JSON schema."""
    from frugalkit.impact.report import ImpactReport

    document = ImpactReport.model_json_schema()
    stdout().out(json.dumps(document, indent=2), highlight=False)
