"""`frugalkit challenge`: organisers' challenges, teams, uploads and boards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from frugalkit.cli.output import emit, opened_store, state

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
        lambda c: c.print(f"challenge {spec.id} created: {spec.title.en}{note}", highlight=False),
    )


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the challenges."""
    from frugalkit.store.challenges import list_challenges

    with opened_store(ctx) as store:
        found = list_challenges(store)

    def render(console: Console) -> None:
        table = Table("id", "title", "tasks", "phases")
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
            f"removed team {name} and its {removed['submissions']} submission(s)", highlight=False
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
            f"removed challenge {challenge}: {removed['teams']} team(s), "
            f"{removed['submissions']} submission(s)",
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
        spec, _ = spec_of(store, challenge)
        shown = visible(get_submission(store, queued["id"]), spec, datetime.now(UTC))
    emit(ctx, shown, lambda c: c.print(_line(shown), highlight=False))


def _line(s: dict[str, Any]) -> str:
    from frugalkit.impact.display import fraction, quantity

    if s["state"] != "completed":
        return f"submission {s['id']}: {s['state']}" + (f" ({s['reason']})" if s["reason"] else "")
    private = f", private {fraction(s['private_score'])}" if s["private_score"] is not None else ""
    energy = quantity(s["energy_wh_per_1000"], "Wh")
    public = fraction(s["public_score"])
    return f"submission {s['id']}: public {public}{private}, {energy} per 1,000 samples"


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
            ("#", NUMERIC), "team", (metric, NUMERIC), "part", ("energy/1k", NUMERIC), "phase"
        )
        for e in ranked["entries"]:
            part = "private" if e["private_revealed"] else "public"
            drawn.add_row(
                str(e["rank"] or NO_VALUE), e["team"], fraction(e["score"]), part,
                quantity(e["energy_wh_per_1000"], "Wh"), e["phase"],
            )  # fmt: skip
        console.print(drawn)
        console.print(f"ranking: {ranked['rule']}", highlight=False)
        if ranked["public_data"]:
            console.print(
                "the test set's labels are public (built-in or hub set): this board ranks "
                "nothing that server-side labels would",
                highlight=False,
            )

    emit(ctx, ranked, render)


@app.command("rerun")
def rerun(ctx: typer.Context, challenge: str = typer.Argument(..., help="Challenge id.")) -> None:
    """Queue every team's best entry again, for the reference hardware's workers."""
    from frugalkit.challenge.service import rerun_finals

    with opened_store(ctx) as store:
        queued = rerun_finals(store, challenge)
    emit(ctx, queued, lambda c: c.print(f"{len(queued)} entries queued again"))


@app.command("publish")
def publish(ctx: typer.Context, challenge: str = typer.Argument(..., help="Challenge id.")) -> None:
    """Mark the boards final (after the reference re-runs)."""
    from frugalkit.store.challenges import publish_challenge

    with opened_store(ctx) as store:
        publish_challenge(store, challenge)
    emit(ctx, {"published": challenge}, lambda c: c.print(f"challenge {challenge} published"))
