"""How a bench board and a run read in a terminal: every figure through the one
formatter (impact/display.py), at the precision its band allows, in 80 columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from frugalkit.cli.output import prose
from frugalkit.cli.tables import NUMERIC, table
from frugalkit.i18n import gettext as _
from frugalkit.i18n import ngettext
from frugalkit.impact.display import NO_VALUE, decimal, fraction, per_1000, quantity
from frugalkit.messages import N_

METHOD_MARK = {"counter": N_("measured"), "estimate": N_("estimated"), "reported": N_("reported")}


def _method(kind: str) -> str:
    return _(METHOD_MARK.get(kind, kind))


def _rank(entry: dict[str, Any]) -> str:
    if entry["rank"] is None:
        return NO_VALUE
    return f"{entry['rank']}=" if entry["tied"] else str(entry["rank"])


def render_leaderboard(console: Console, ranked: dict[str, Any]) -> None:
    task, board = ranked["task"]["id"], ranked["entries"]
    if not board:
        console.print(_("no completed run on task %(task)s yet") % {"task": task})
        return
    detection = ranked["task"]["kind"] == "detection"
    drawn = table(
        ("#", NUMERIC), _("submission"), (_("accuracy"), NUMERIC),
        *((("IoU", NUMERIC),) if detection else ()),
        (_("energy/1k"), NUMERIC), (_("score"), NUMERIC), (_("stars"), NUMERIC), _("front"), "id",
        title=_("%(task)s leaderboard on %(test_set)s") % {"task": task,
                                                           "test_set": ranked["test_set"]},
    )  # fmt: skip
    for e in board:
        name = Path(e["submission"]).stem if e["kind"] in ("joblib", "onnx") else e["submission"]
        stars = NO_VALUE if e["rank"] is None else "★" * e["stars"] + "☆" * (5 - e["stars"])
        drawn.add_row(
            _rank(e), name, fraction(e["accuracy"]),
            *((fraction(e.get("mean_iou")),) if detection else ()),
            per_1000(e)[0], decimal(e["score_points"], 1), stars,
            "Pareto" if e["pareto"] else "", e["id"][:6],
        )  # fmt: skip
    console.print(drawn)
    prose(console, ranked["rule"])
    below = [e for e in board if e["rank"] is None]
    if below:
        prose(
            console,
            _(
                "%(count)s below chance, not ranked: accuracy at or under %(floor)s (guessing "
                "among the task's labels)"
            )
            % {"count": len(below), "floor": fraction(below[0]["chance_floor"])},
        )
    if ranked["reported"]:
        count = len(ranked["reported"])
        console.print(
            ngettext(
                "%(num)s run with self-reported figures is not ranked (--include-reported "
                "ranks it)",
                "%(num)s runs with self-reported figures are not ranked (--include-reported "
                "ranks them)",
                count,
            )
            % {"num": count}
        )
    methods = sorted({_method(e["energy_method"]) for e in board})
    prose(
        console,
        _(
            "energy per 1,000 samples, %(methods)s; `frugalkit bench show RUN` for its "
            "greenhouse gases and more"
        )
        % {"methods": " / ".join(methods)},
    )


def summary_line(run: dict[str, Any]) -> str:
    if run["status"] != "completed":
        return f"{_('failed')}: {run['reason']}"
    energy = run.get("payload", {}).get("energy", {})
    wh, ghg = per_1000({**energy, **run})
    return _("accuracy %(accuracy)s, %(energy)s and %(ghg)s per 1,000 samples (%(method)s)") % {
        "accuracy": fraction(run["accuracy"]),
        "energy": wh,
        "ghg": ghg,
        "method": _method(run["energy_method"]),
    }


def details(found: dict[str, Any]) -> list[str]:
    """What `bench show` adds below the summary line."""
    payload = found["payload"]
    metrics, energy = payload["metrics"], payload["energy"]
    lines = []
    if "macro_f1" in metrics:
        lines.append(
            _("macro-F1 %(f1)s on %(samples)s samples (%(data)s, split %(split)s)")
            % {
                "f1": fraction(metrics["macro_f1"]),
                "samples": decimal(found["samples"], 0),
                "data": payload["data"],
                "split": payload["split"],
            }
        )
    if "inference_wh_min" in energy:
        lines.append(
            _(
                "inference: median %(median)s, range %(low)s to %(high)s over %(repeats)s "
                "repeats of %(time)s; loading the model %(load)s"
            )
            % {
                "median": quantity(energy["inference_wh_median"], "Wh"),
                "low": quantity(energy["inference_wh_min"], "Wh"),
                "high": quantity(energy["inference_wh_max"], "Wh"),
                "repeats": energy["repeats"],
                "time": quantity(energy["inference_s_median"], "s"),
                "load": quantity(payload["load"]["wh"], "Wh"),
            }
        )
    windows = energy.get("windows_wh_median", {})
    if set(windows) >= {"preprocess", "model"}:
        lines.append(
            _(
                "of which feature extraction %(features)s and the model %(model)s (IT energy, "
                "medians)"
            )
            % {
                "features": quantity(windows["preprocess"], "Wh"),
                "model": quantity(windows["model"], "Wh"),
            }
        )
    lines.append(_("hardware: %(hardware)s") % {"hardware": found["hardware"]})
    for m in payload.get("methods", []):
        lines.append(f"  {m['component']}: {_(m['kind'])} ({m['meter']}); {m['sampling']}")
    return lines
