"""`frugalkit demo`: what `make run` runs on the built-in defaults.

For every task: train its baselines if they are not trained yet (each training
measured), evaluate each in an isolated process on the built-in data (inference
measured, 3 repeats), then print the leaderboards and the store's totals.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from frugalkit.cli.boards import render_leaderboard
from frugalkit.cli.output import emit, opened_store, prose, state, stderr, sync_store
from frugalkit.i18n import day, ngettext
from frugalkit.i18n import gettext as _
from frugalkit.impact.display import change, quantity


def _sandbox_or_notice(log: Any) -> bool:
    """The demo's submissions are frugalkit's own baselines: without bubblewrap they run
    unsandboxed, and their records say so (a challenge refuses instead)."""
    from frugalkit.sandbox import SandboxUnavailable, version

    try:
        version()
    except SandboxUnavailable as exc:
        log.print(_("%(why)s: the demo's own baselines run unsandboxed") % {"why": exc})
        return False
    return True


def demo(
    ctx: typer.Context,
    country: str = typer.Option(None, help="Grid zone of this machine (ISO 3166); default: world."),
    repeats: int = typer.Option(3, help="Inference repeats per evaluation."),
) -> None:
    """Train and evaluate the baselines of every task; print the leaderboards."""
    from frugalkit.bench import TASKS, evaluate
    from frugalkit.bench.baselines import baseline_names, baseline_path, train_baseline
    from frugalkit.bench.service import board, record
    from frugalkit.store import report_totals

    settings = state(ctx).settings
    sync_store(ctx)  # a bad store fails here, before any work
    log = stderr()
    sandboxed = _sandbox_or_notice(log)
    boards: dict[str, dict[str, Any]] = {}
    for task in TASKS.values():
        for name in baseline_names(task):
            path = baseline_path(settings.home, task, name)
            if not path.exists():
                log.print(_("training baseline %(name)s") % {"name": f"{task.id}/{name}"})
                train_baseline(settings.home, task, name, country=country)
            log.print(_("evaluating %(name)s") % {"name": f"{task.id}/{name}"})
            result = evaluate(
                task, str(path), repeats=repeats, country=country, sandboxed=sandboxed
            )
            with opened_store(ctx) as store:
                record(store, result)
        with opened_store(ctx) as store:  # the built-in set's board, whatever else is stored
            boards[task.id] = board(store, task, result.get("test_set"))
    answers = _library_demo(settings)
    from frugalkit.datacenter.service import compare, demo_pairs

    tenders = compare(demo_pairs(), "blue-angel")
    with opened_store(ctx) as store:
        eu = _eu_demo(store)
        totals = report_totals(store)
    store_summary = {"database_url": settings.redacted_url, **totals}
    data = {
        "leaderboards": boards,
        "library": answers,
        "tenders": tenders,
        "eu_report": eu,
        "store": store_summary,
        "web": "frugalkit serve  ->  http://127.0.0.1:8000/",
    }

    def render(console: Console) -> None:
        for ranked in boards.values():
            render_leaderboard(console, ranked)
        for answer in answers:
            console.print(Text(_("library: %(q)s") % {"q": answer["question"]}, style="bold"))
            console.print(Text(f"  {answer['text']}"))
            for c in answer["sources"]:
                console.print(Text(f"  [{c['n']}] {c['title']}: {c['where']}"), style="dim")
        title = tenders["criteria"]["title"]
        console.print(
            Text(_("tenders checked against %(title)s:") % {"title": _(title)}, style="bold")
        )
        for rank, entry in enumerate(tenders["ranking"], 1):
            failed = entry["failed"] + entry["open"]
            not_met = ", ".join(failed) or _("none")
            console.print(
                Text(
                    f"  {rank}. {entry['facility']}: {_(entry['verdict'])} "
                    + _("(not met: %(which)s)") % {"which": not_met}
                )
            )
        report, pue = eu["report"], eu["pue_change_pct"]
        count = len(report["missing"])
        state = (
            _("every field present")
            if report["complete"]
            else ngettext("%(num)s field missing", "%(num)s fields missing", count) % {"num": count}
        )
        line = _("EU report %(year)s of %(site)s: %(state)s, due %(deadline)s") % {
            "year": report["year"],
            "site": report["facility"],
            "state": state,
            "deadline": day(report["deadline"]),
        }
        if pue is not None:
            line += "; " + _("PUE %(change)s since %(year)s") % {
                "change": change(pue),
                "year": report["year"] - 1,
            }
        prose(console, line, style="bold")
        # the store's address on a line of its own: a long one pushed its totals' figures
        # across the 80-column edge, a number on one line and its unit on the next
        prose(console, f"{_('store')} {store_summary['database_url']}:", style="bold")
        prose(
            console,
            "  "
            + _("%(count)s impact reports, %(energy)s, %(ghg)s in all")
            % {
                "count": totals["reports"],
                "energy": quantity(totals["energy_kwh"] * 1000, "Wh"),
                "ghg": quantity(totals["ghg_g"], "gCO2e"),
            },
        )
        console.print(_("web app: %(how)s") % {"how": data["web"]})

    emit(ctx, data, render)


def _eu_demo(store: Any) -> dict[str, Any]:
    """The demonstration facility registered, and its latest EU yearly report."""
    from frugalkit.datacenter.service import demo_pairs, eu_report_of, register

    facility = register(store, *demo_pairs()[0])
    result = eu_report_of(store, facility["name"])
    rows = (result["diff"] or {}).get("rows", [])
    pue = next((r["change_pct"] for r in rows if r["key"] == "PUE"), None)
    return {"report": result["report"], "pue_change_pct": pue}


LIBRARY_QUESTIONS = (
    "How much water did evaporative cooling consume in 2024?",
    "Quel était le PUE moyen des grands sites en 2024 ?",
)


def _library_demo(settings: Any) -> list[dict[str, Any]]:
    """The demonstration reports indexed (once), and a question asked in each language."""
    from frugalkit.library import service

    with service.open_index(settings) as index:
        service.add_demo(settings, index)
        return [service.ask(settings, index, q) for q in LIBRARY_QUESTIONS]
