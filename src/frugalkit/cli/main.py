"""Root of the CLI: global options, sub-command groups and the error boundary."""

from __future__ import annotations

import logging
import sys

import typer

from frugalkit import i18n
from frugalkit._version import __version__
from frugalkit.cli import (
    bench,
    challenge,
    config,
    datacenter,
    db,
    demo,
    jobs,
    library,
    measure,
    observatory,
    reports,
    serve,
    serve_meter,
    tokens,
)
from frugalkit.cli.output import error_line, state
from frugalkit.errors import FrugalkitError

app = typer.Typer(
    name="frugalkit",
    help="Measure, compare and reduce the environmental footprint of AI.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(reports.app, name="reports")
app.add_typer(bench.app, name="bench")
app.add_typer(challenge.app, name="challenge")
app.add_typer(db.app, name="db")
app.add_typer(config.app, name="config")
app.add_typer(tokens.app, name="tokens")
app.add_typer(jobs.app, name="jobs")
app.add_typer(observatory.app, name="observatory")
app.add_typer(library.app, name="library")
app.add_typer(datacenter.app, name="datacenter")
app.command("worker")(jobs.worker)
app.command("measure", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    measure.measure
)
app.command("serve")(serve.serve)
app.command("serve-meter")(serve_meter.serve_meter)
app.command("demo")(demo.demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"frugalkit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    json_output: bool = typer.Option(
        False, "--json", help="Print machine-readable JSON results on stdout."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show progress logs on stderr."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    cli_state = state(ctx)
    cli_state.json = json_output
    cli_state.debug = debug
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )


GLOBAL_FLAGS = ("--json", "--debug", "--verbose", "-v")


def hoist_global_flags(args: list[str]) -> list[str]:
    """Global flags are accepted after the sub-command too (`bench leaderboard --json`).

    Only before `--`: what follows belongs to the command that `measure` runs, and so does
    everything after `measure`'s own first argument when no `--` is given."""
    end = args.index("--") if "--" in args else len(args)
    command = next((i for i, a in enumerate(args[:end]) if not a.startswith("-")), None)
    if command is not None and args[command] == "measure" and "--" not in args:
        end = command + 1
    hoisted = [a for a in args[:end] if a in GLOBAL_FLAGS]
    rest = [a for a in args[:end] if a not in GLOBAL_FLAGS]
    return hoisted + rest + args[end:]


def main(argv: list[str] | None = None) -> int:
    """Entry point: returns the exit code instead of raising."""
    args = hoist_global_flags(sys.argv[1:] if argv is None else argv)
    language = i18n.current.set(i18n.from_environment())
    try:
        return _run(args)
    finally:
        i18n.current.reset(language)


def _run(args: list[str]) -> int:
    debug = "--debug" in args
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="frugalkit", standalone_mode=False)
    except FrugalkitError as exc:
        if debug:
            raise
        error_line(str(exc))
        return exc.exit_code
    except typer.Abort:
        error_line("interrupted")
        return 130
    except typer.exceptions.TyperException as exc:
        # Usage errors (unknown command, bad option): click's own short message.
        show = getattr(exc, "show", None)
        if show is None:
            raise
        show()
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        error_line("interrupted")
        return 130
    except Exception as exc:
        if debug:
            raise
        error_line(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return 1
    return result if isinstance(result, int) else 0
