"""`frugalkit library`: add reports, ask questions, get cited answers and their footprint."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from frugalkit.cli.output import emit, state, stderr
from frugalkit.i18n import gettext as _

app = typer.Typer(
    help="Answers from long environmental reports, each sentence cited, each answer measured.",
    no_args_is_help=True,
)


@app.command("add")
def add(
    ctx: typer.Context,
    sources: list[str] = typer.Argument(None, help="PDF files, folders of PDFs, or URLs."),
    demo: bool = typer.Option(False, "--demo", help="Add the demonstration reports."),
    title: str = typer.Option(None, help="The document's title (one source only)."),
    body: str = typer.Option(None, help="Who published it: IPCC, IPBES, UNEP..."),
    year: int = typer.Option(None, min=1900, max=2100, help="Year of publication."),
    report_type: str = typer.Option(None, help="e.g. 'summary for policymakers' (searched first)."),
    licence: str = typer.Option(None, help="The document's licence."),
    workers: int = typer.Option(
        1, min=1, max=64, help="Documents indexed at once, as jobs (local worker processes)."
    ),
    executor: str = typer.Option(None, help="local or ray: index as jobs (FRUGALKIT_EXECUTOR)."),
    queue_only: bool = typer.Option(
        False, help="Queue one job per document and print their ids; `frugalkit worker` runs them."
    ),
) -> None:
    """Index reports, one document per transaction (a failed one leaves the index as it was)."""
    from rich.progress import Progress

    from frugalkit.errors import InputError
    from frugalkit.library import service

    settings = state(ctx).settings
    meta = {
        "title": title,
        "body": body,
        "year": year,
        "report_type": report_type,
        "licence": licence,
    }
    targets = _targets(sources or [])
    if not targets and not demo:
        raise InputError("give PDF files, folders or URLs to add, or --demo")
    if workers > 1 or executor or queue_only:
        from frugalkit.cli.library_jobs import add_as_jobs

        add_as_jobs(ctx, [str(t) for t in targets], meta, workers, executor, queue_only, demo)
        return
    results = []
    with service.open_index(settings) as index:
        if demo:
            results += [(d, True) for d in service.add_demo(settings, index)]
        with Progress(console=stderr(), transient=True) as progress:
            task = progress.add_task(_("indexing"), total=len(targets))
            for number, target in enumerate(targets):
                name = str(target)[-40:]

                def moved(what: str, done: int, total: int, number: int = number,
                          name: str = name) -> None:  # fmt: skip
                    words = (
                        _("reading %(name)s") % {"name": name}
                        if what == "reading"
                        else _("%(name)s: %(done)s of %(total)s passages embedded")
                        % {"name": name, "done": done, "total": total}
                    )
                    share = done / total if total else 0.0
                    progress.update(task, description=words, completed=number + share)

                moved("reading", 0, 1)
                if isinstance(target, str):
                    results.append(service.add_url(settings, index, target, **meta))
                else:
                    results.append(service.add_file(settings, index, target, moved, **meta))
                progress.update(task, completed=number + 1)
    data = [{**d, "added": added} for d, added in results]

    def render(console: Console) -> None:
        for d in data:
            what = _("added") if d["added"] else _("already indexed")
            no_text = (
                ", " + _("%(count)s without text") % {"count": len(d["pages_without_text"])}
                if d["pages_without_text"]
                else ""
            )
            counts = _("%(pages)s pages%(no_text)s, %(passages)s passages") % {
                "pages": d["pages"],
                "no_text": no_text,
                "passages": d["passages"],
            }
            console.print(Text(f"{what}: {d['title']} ({d['id'][:12]}, {counts})"))

    emit(ctx, data, render)


def _targets(sources: list[str]) -> list[str | Path]:
    """The files and URLs to add: a folder gives its PDF and HTML files."""
    from frugalkit.errors import InputError

    targets: list[str | Path] = []
    for source in sources:
        path = Path(source)
        if source.startswith(("http://", "https://")):
            targets.append(source)
        elif path.is_dir():
            targets += sorted(
                p for p in path.iterdir() if p.suffix.lower() in (".pdf", ".html", ".htm")
            )
        elif path.exists():
            targets.append(path)
        else:
            raise InputError(f"{source}: no such file, folder or URL")
    return targets


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """The indexed documents."""
    from frugalkit.library import service

    with service.open_index(state(ctx).settings) as index:
        documents = index.documents()

    def render(console: Console) -> None:
        table = Table(
            "id", _("title"), _("body"), _("year"), _("type"), _("lang"), _("pages"), _("passages")
        )
        for d in documents:
            table.add_row(
                *(
                    Text(str(v))
                    for v in (
                        d["id"][:12],
                        d["title"],
                        d["body"],
                        d["year"] or "",
                        d["report_type"],
                        d["language"],
                        d["pages"],
                        d["passages"],
                    )
                )
            )
        console.print(table if documents else _("the library is empty"))

    emit(ctx, documents, render)


@app.command("show")
def show(
    ctx: typer.Context, document_id: str = typer.Argument(..., help="Id or unique prefix.")
) -> None:
    """One document: its metadata and pages without a text layer."""
    from frugalkit.library import service

    with service.open_index(state(ctx).settings) as index:
        document = index.document(document_id)
    emit(
        ctx, document, lambda c: c.print(Text("\n".join(f"{k}: {v}" for k, v in document.items())))
    )


@app.command("remove")
def remove(
    ctx: typer.Context, document_id: str = typer.Argument(..., help="Id or unique prefix.")
) -> None:
    """Remove a document, its passages and its stored copy."""
    from frugalkit.library import service

    with service.open_index(state(ctx).settings) as index:
        document = index.remove(document_id)
    emit(
        ctx,
        document,
        lambda c: c.print(
            Text(_("removed %(title)s") % {"title": f"{document['title']} ({document['id'][:12]})"})
        ),
    )


@app.command("reindex")
def reindex(ctx: typer.Context) -> None:
    """Index every stored document again (after an upgrade of frugalkit's reader)."""
    from frugalkit.library import service

    settings = state(ctx).settings
    with service.open_index(settings) as index:
        done = service.reindex(settings, index)
    emit(
        ctx, done, lambda c: c.print(_("%(count)s documents indexed again") % {"count": len(done)})
    )


@app.command("ask")
def ask(
    ctx: typer.Context,
    questions: list[str] = typer.Argument(..., help="One or more questions, in French or English."),
    audience: str = typer.Option(
        "citizen", help="citizen (short, plain) or expert (more, with references)."
    ),
    document: str = typer.Option(None, help="Only this document (id or prefix)."),
    body: str = typer.Option(None, help="Only documents of this body."),
    year: int = typer.Option(None, min=1900, max=2100, help="Only documents of this year."),
    generate: bool = typer.Option(
        False, "--generate", help="Write the answer with the model at FRUGALKIT_LLM_URL (checked)."
    ),
) -> None:
    """Answer from the indexed reports: each sentence cites its page, or 'not in the sources'."""
    from frugalkit.library import service
    from frugalkit.library.records import Filters

    settings = state(ctx).settings
    with service.open_index(settings) as index:
        answers = [
            service.ask(settings, index, q, audience, Filters(document, body, year), generate)
            for q in questions
        ]
    total_wh = sum(a["footprint"]["energy_wh"] for a in answers)

    def render(console: Console) -> None:
        from frugalkit.impact.display import quantity

        for a in answers:
            console.print(Text(_("Q: %(question)s") % {"question": a["question"]}, style="bold"))
            console.print(Text(a["text"]))
            for c in a["sources"] or a["closest"]:
                label = f"[{c['n']}]" if a["sources"] else _("closest:")
                page = _("(PDF page %(page)s)") % {"page": c["pdf_page"]}
                console.print(Text(f"  {label} {c['title']}: {c['where']} {page}"))
            for dropped in (a.get("generation") or {}).get("dropped", []):
                console.print(
                    Text(
                        "  "
                        + _("dropped: %(text)s (%(why)s)")
                        % {"text": dropped["text"], "why": dropped["reason"]}
                    ),
                    style="yellow",
                )
            f = a["footprint"]
            remote = f.get("remote") or {}
            if remote.get("available"):
                console.print(
                    Text(
                        "  "
                        + _("model: %(low)s to %(high)s (%(method)s)")
                        % {
                            "low": quantity(remote["energy_wh_low"], "Wh"),
                            "high": quantity(remote["energy_wh_high"], "Wh"),
                            "method": remote["method"],
                        }
                    ),
                    style="dim",
                )
            elif remote:
                console.print(
                    Text(
                        "  " + _("model footprint not estimated: %(why)s") % {"why": remote["why"]}
                    ),
                    style="dim",
                )
            console.print(
                Text(
                    "  "
                    + _("footprint: %(energy)s, %(ghg)s (%(method)s), %(time)s")
                    % {
                        "energy": quantity(f["energy_wh"], "Wh"),
                        "ghg": quantity(f["ghg_g"], "gCO2e"),
                        "method": ", ".join(_(m) for m in f["method"].split(", ")),
                        "time": quantity(a["duration_s"], "s"),
                    }
                ),
                style="dim",
            )
        if len(answers) > 1:
            console.print(
                Text(
                    _("session total: %(energy)s for %(count)s answers")
                    % {"energy": quantity(total_wh, "Wh"), "count": len(answers)}
                )
            )

    emit(ctx, {"answers": answers, "total_energy_wh": total_wh}, render)
