"""`frugalkit challenge`: organisers' challenges, teams, uploads and boards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from frugalkit.cli.output import emit, opened_store, prose, state
from frugalkit.cli.tables import headers
from frugalkit.i18n import gettext as _
from frugalkit.messages import metric_label

app = typer.Typer(
    help="Run a challenge: phases, teams, uploaded submissions measured in a sandbox.",
    no_args_is_help=True,
)
TOKEN_HELP = "The team's token (or FRUGALKIT_TEAM_TOKEN)."


def _file(name: str) -> Path:
    """A path, or the name of a challenge file that ships with frugalkit."""
    from frugalkit.challenge import shipped_challenge

    path = Path(name)
    if not path.exists() and shipped_challenge(name).exists():
        return shipped_challenge(name)
    return path


@app.command("create")
def create(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="challenge.yaml, or frugal-ai-2025 (shipped)."),
) -> None:
    """Create a challenge from its file; its own data stays on this server."""
    from frugalkit.challenge import create as create_challenge
    from frugalkit.sandbox import SandboxUnavailable, require

    with opened_store(ctx) as store:
        spec = create_challenge(store, _file(file))
    try:
        require()
        note = ""
    except SandboxUnavailable as exc:
        note = f"; no submission can be evaluated on this machine until: {exc}"
    emit(
        ctx,
        spec.model_dump(mode="json"),
        lambda c: c.print(
            _("challenge %(id)s created: %(title)s") % {"id": spec.id, "title": spec.title.en}
            + note,
            highlight=False,
        ),
    )


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the challenges."""
    from frugalkit.store.challenges import list_challenges

    with opened_store(ctx) as store:
        found = list_challenges(store)

    def render(console: Console) -> None:
        table = Table(*headers("id", "title", "tasks", "phases"))
        for c in found:
            spec = c["spec"]
            phases = ", ".join(f"{p['name']} to {p['end'][:10]}" for p in spec["phases"])
            table.add_row(c["id"], c["title"], ", ".join(t["task"] for t in spec["tasks"]), phases)
        console.print(table)

    emit(ctx, found, render)


@app.command("team-add")
def team_add(
    ctx: typer.Context,
    challenge: str = typer.Argument(..., help="Challenge id."),
    name: str = typer.Argument(..., help="Team name."),
) -> None:
    """Add a team; its token (for this challenge and this team only) is printed once."""
    from frugalkit.challenge import add_team

    with opened_store(ctx) as store:
        token = add_team(store, challenge, name)
    emit(ctx, {"team": name, "token": token}, lambda c: c.print(token, highlight=False))


@app.command("team-remove")
def team_remove(
    ctx: typer.Context,
    challenge: str = typer.Argument(..., help="Challenge id."),
    name: str = typer.Argument(..., help="Team name."),
) -> None:
    """Remove a team: its token stops working; its submissions and their files are deleted."""
    from frugalkit.challenge.service import remove_team

    with opened_store(ctx) as store:
        removed = remove_team(store, challenge, name)
    emit(
        ctx,
        removed,
        lambda c: c.print(
            _("removed team %(name)s and its %(count)s submission(s)")
            % {"name": name, "count": removed["submissions"]},
            highlight=False,
        ),
    )


@app.command("remove")
def remove(ctx: typer.Context, challenge: str = typer.Argument(..., help="Challenge id.")) -> None:
    """Remove a challenge, its teams, submissions and uploaded files (impact reports stay)."""
    from frugalkit.challenge.service import remove_challenge

    with opened_store(ctx) as store:
        removed = remove_challenge(store, challenge)
    emit(
        ctx,
        removed,
        lambda c: c.print(
            _("removed challenge %(id)s: %(teams)s team(s), %(count)s submission(s)")
            % {"id": challenge, "teams": removed["teams"], "count": removed["submissions"]},
            highlight=False,
        ),
    )


@app.command("submit")
def submit(
    ctx: typer.Context,
    challenge: str = typer.Argument(..., help="Challenge id."),
    file: Path = typer.Argument(..., help="A .py, .zip, .joblib or .onnx file."),
    task: str = typer.Option("text", help="Task of the challenge."),
    token: str = typer.Option(None, envvar="FRUGALKIT_TEAM_TOKEN", help=TOKEN_HELP),
    wait: bool = typer.Option(False, help="Evaluate it here and now, then show the result."),
) -> None:
    """Upload a submission as a team; it is queued for a worker (`frugalkit worker`)."""
    from datetime import UTC, datetime

    from frugalkit.challenge import upload
    from frugalkit.challenge.service import spec_of, team_of, visible
    from frugalkit.errors import InputError
    from frugalkit.jobs import work
    from frugalkit.store.challenges import get_submission

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}") from None
    with opened_store(ctx) as store:
        team = team_of(store, challenge, token)
        queued = upload(store, challenge, team, task, file.name, content)
        if wait:
            work(
                store,
                stale_s=state(ctx).settings.job_stale_s,
                jobs=[queued["job_id"]],
                exit_when_idle=True,
            )
        spec, _stored = spec_of(store, challenge)
        shown = visible(get_submission(store, queued["id"]), spec, datetime.now(UTC))
    emit(ctx, shown, lambda c: c.print(_line(shown), highlight=False))


def _line(s: dict[str, Any]) -> str:
    from frugalkit.impact.display import fraction, quantity

    head = _("submission %(id)s") % {"id": s["id"]}
    if s["state"] != "completed":
        return f"{head}: {_(s['state'])}" + (f" ({s['reason']})" if s["reason"] else "")
    private = (
        ", " + _("private %(score)s") % {"score": fraction(s["private_score"])}
        if s["private_score"] is not None
        else ""
    )
    scores = _("public %(score)s") % {"score": fraction(s["public_score"])}
    energy = _("%(energy)s per 1,000 samples") % {"energy": quantity(s["energy_wh_per_1000"], "Wh")}
    return f"{head}: {scores}{private}, {energy}"


@app.command("mine")
def mine(
    ctx: typer.Context,
    challenge: str = typer.Argument(..., help="Challenge id."),
    token: str = typer.Option(None, envvar="FRUGALKIT_TEAM_TOKEN", help=TOKEN_HELP),
) -> None:
    """A team's own submissions, with their state and scores."""
    from frugalkit.challenge import mine as mine_of
    from frugalkit.challenge.service import team_of

    with opened_store(ctx) as store:
        found = mine_of(store, challenge, team_of(store, challenge, token))

    def render(console: Console) -> None:
        for submission in found:
            console.print(_line(submission), highlight=False)

    emit(ctx, found, render)


@app.command("board")
def board(
    ctx: typer.Context,
    challenge: str = typer.Argument(..., help="Challenge id."),
    task: str = typer.Option("text", help="Task of the challenge."),
) -> None:
    """The public board of one task: public scores during a phase, private after it."""
    from frugalkit.challenge import board as board_of
    from frugalkit.cli.tables import NUMERIC, table
    from frugalkit.impact.display import NO_VALUE, fraction, quantity

    with opened_store(ctx) as store:
        ranked = board_of(store, challenge, task)

    def render(console: Console) -> None:
        metric = ranked["task"]["metric"]
        drawn = table(
            ("#", NUMERIC), "team", (metric_label(metric), NUMERIC), "part",
            ("energy/1k", NUMERIC), "phase",
        )  # fmt: skip
        for e in ranked["entries"]:
            part = _("private") if e["private_revealed"] else _("public")
            drawn.add_row(
                str(e["rank"] or NO_VALUE), e["team"], fraction(e["score"]), part,
                quantity(e["energy_wh_per_1000"], "Wh"), e["phase"],
            )  # fmt: skip
        console.print(drawn)
        prose(console, _("ranking: %(rule)s") % {"rule": ranked["rule"]})
        if ranked["public_data"]:
            prose(
                console,
                _(
                    "the test set's labels are public (built-in or hub set): this board ranks "
                    "nothing that server-side labels would"
                ),
            )

    emit(ctx, ranked, render)


@app.command("rerun")
def rerun(ctx: typer.Context, challenge: str = typer.Argument(..., help="Challenge id.")) -> None:
    """Queue every team's best entry again, for the reference hardware's workers."""
    from frugalkit.challenge.service import rerun_finals

    with opened_store(ctx) as store:
        queued = rerun_finals(store, challenge)
    again = _("%(count)s entries queued again") % {"count": len(queued)}
    emit(ctx, queued, lambda c: c.print(again))


@app.command("publish")
def publish(ctx: typer.Context, challenge: str = typer.Argument(..., help="Challenge id.")) -> None:
    """Mark the boards final (after the reference re-runs)."""
    from frugalkit.store.challenges import publish_challenge

    with opened_store(ctx) as store:
        publish_challenge(store, challenge)
    said = _("challenge %(id)s published") % {"id": challenge}
    emit(ctx, {"published": challenge}, lambda c: c.print(said))
