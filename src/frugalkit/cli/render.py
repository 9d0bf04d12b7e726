"""How an impact report looks in a terminal: each figure, its equivalent and its method."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from frugalkit.cli.output import prose
from frugalkit.cli.tables import NUMERIC, table
from frugalkit.i18n import gettext as _
from frugalkit.impact import equivalents
from frugalkit.impact.display import number, percent, quantity, significant_digits
from frugalkit.messages import N_


def _span(low: str, high: str) -> str:
    return _("%(low)s to %(high)s") % {"low": low, "high": high}


def summary(console: Console, report: dict[str, Any]) -> None:
    """Each indicator with its band and an everyday equivalent, then how it was obtained."""
    energy, ghg, water, embodied = (
        report["energy"],
        report["ghg"],
        report["water"],
        report["embodied"],
    )
    eq = {
        e["key"]: e["text"]
        for e in equivalents(
            ghg_g=ghg["location_based_g"],
            energy_kwh=energy["facility_kwh"],
            water_l=water["total_l"],
        )
    }
    digits = significant_digits(energy["facility_kwh"], energy["low_kwh"], energy["high_kwh"])
    status = _(report["status"]) + (
        f" ({_('exit')} {report['exit_code']})" if report["exit_code"] else ""
    )
    scope = _("%(scope)s scope") % {"scope": _(report["scope"])}
    console.print(
        f"[bold]{report['name']}[/] · {_(report['phase'])} · {status} · "
        f"{quantity(report['duration_s'], 's')} · {scope} · id {report['id'][:12]}"
    )
    drawn = table(_("indicator"), (_("value"), NUMERIC), _("range"), _("in everyday terms"))
    drawn.add_row(
        _("energy"),
        quantity(energy["facility_kwh"] * 1000, "Wh", digits=digits),
        _span(
            quantity(energy["low_kwh"] * 1000, "Wh", digits=digits),
            quantity(energy["high_kwh"] * 1000, "Wh", digits=digits),
        ),
        eq["energy"],
    )
    drawn.add_row(
        _("greenhouse gases"),
        quantity(ghg["location_based_g"], "gCO2e", digits=digits),
        _span(
            quantity(ghg["low_g"], "gCO2e", digits=digits),
            quantity(ghg["high_g"], "gCO2e", digits=digits),
        ),
        eq["ghg"],
    )
    drawn.add_row(
        _("water"),
        quantity(water["total_l"], "L", digits=digits),
        _("on-site %(water)s") % {"water": quantity(water["onsite_l"], "L")},
        eq["water"],
    )
    drawn.add_row(
        _("embodied"),
        quantity(embodied["gwp_g"], "gCO2e"),
        _("%(adpe)s, %(energy)s of primary energy")
        % {
            "adpe": quantity(embodied["adpe_kgsbeq"] * 1000, "gSbeq"),
            "energy": quantity(embodied["pe_mj"] * 1e6, "J"),
        },
        "",
    )
    console.print(drawn)
    fallback = report.get("resources", {}).get("world_fallback") or []
    if fallback:
        prose(
            console,
            _(
                "note: %(what)s of %(zone)s taken at the world's value (EcoLogits has none of "
                "its own for this zone)"
            )
            % {"what": ", ".join(fallback), "zone": report["ghg"]["zone_name"]},
        )
    per_unit = report["per_unit"]
    if report["units"] != 1:
        prose(
            console,
            _("per %(unit)s (%(units)s in all): %(energy)s, %(ghg)s, %(water)s")
            % {
                "unit": per_unit["functional_unit"],
                "units": number(report["units"]),
                "energy": quantity(per_unit["energy_kwh"] * 1000, "Wh", digits=digits),
                "ghg": quantity(per_unit["ghg_g"], "gCO2e", digits=digits),
                "water": quantity(per_unit["water_l"], "L", digits=digits),
            },
        )
    for window in report["windows"]:
        prose(
            console,
            _("window %(name)s: %(time)s, %(energy)s (IT)")
            % {
                "name": window["name"],
                "time": quantity(window["duration_s"], "s"),
                "energy": quantity(window["it_kwh"] * 1000, "Wh"),
            },
        )
    if report.get("prediction"):
        prose(console, _prediction(report["prediction"]))
    if report.get("serving") and report["serving"]["kind"] != "idle":
        prose(console, _serving(report["serving"]))
    prose(console, _("method"), style="bold")
    for method in report["methods"]:
        component = method["component"]
        how = (
            _(method["kind"])
            if method["meter"] == method["kind"]
            else f"{_(method['kind'])} ({method['meter']})"
        )
        if method["share"] is not None:
            how += ", " + _("%(share)s of the device") % {"share": percent(method["share"])}
        if method.get("idle_kwh") is not None:  # a shared GPU's idle part, charged to nobody
            idle = quantity(method["idle_kwh"] * 1000, "Wh")
            how += ", " + _("%(energy)s idle, stated apart") % {"energy": idle}
        value = quantity(energy[f"{component}_kwh"] * 1000, "Wh")
        note = f" ({method['note']})" if method.get("note") else ""
        prose(console, f"  {component.upper()} {value}: {how}; {method['sampling']}{note}")
    items = ", ".join(
        _("%(count)s x %(profile)s at %(share)s")
        % {"count": i["count"], "profile": i["profile"], "share": percent(i["share"])}
        for i in embodied["items"]
    )
    prose(
        console,
        "  "
        + _(
            "facility = IT x PUE %(pue)s; GHG location-based, %(zone)s %(intensity)s (%(year)s); "
            "water = WUE %(wue)s + off-site %(offsite)s; embodied: %(items)s"
        )
        % {
            "pue": number(energy["pue"]),
            "zone": ghg["zone_name"],
            "intensity": quantity(ghg["intensity_g_per_kwh"], "gCO2e/kWh"),
            "year": ghg["year"],
            "wue": quantity(water["wue_l_per_kwh"], "L/kWh"),
            "offsite": quantity(water["offsite_l_per_kwh"], "L/kWh"),
            "items": items,
        },
    )
    sources = _("sources: grid: %(grid)s. water: %(water)s") % {
        "grid": ghg["source"],
        "water": water["source"],
    }
    prose(console, sources, style="dim")
    if ghg.get("note"):  # a live grid provider was asked and could not answer
        prose(console, _("grid intensity: %(note)s") % {"note": ghg["note"]})


PREDICTED = N_(
    "Predicted for the whole run after %(done)s of %(total)s %(unit)s: %(energy)s "
    "(%(low)s to %(high)s), %(ghg)s, %(duration)s in all."
)


def _prediction(f: dict[str, Any]) -> str:
    """What a run predicted of its whole at its last progress mark (measure/forecast.py)."""
    return _(PREDICTED) % {
        "done": f"{f['done']:g}",
        "total": f"{f['total']:g}",
        "unit": f["unit"],
        "energy": quantity(f["facility_kwh"] * 1000, "Wh"),
        "low": quantity(f["low_kwh"] * 1000, "Wh"),
        "high": quantity(f["high_kwh"] * 1000, "Wh"),
        "ghg": quantity(f["ghg_g"], "gCO2e"),
        "duration": quantity(f["duration_s"], "s"),
    }


def _serving(s: dict[str, Any]) -> str:
    """A serving meter's window (serving/windows.py), in one sentence."""
    text = _(
        "%(requests)s %(kind)s requests to %(upstream)s, %(failed)s failed: %(prompt)s prompt "
        "and %(completion)s completion tokens, %(per_1k)s per 1,000 tokens."
    ) % {
        "requests": s["requests"],
        "kind": _(s["kind"]),
        "upstream": s["upstream"],
        "failed": s["failed"],
        "prompt": s["prompt_tokens"],
        "completion": s["completion_tokens"],
        "per_1k": quantity(s["wh_per_1k_tokens"], "Wh") if s["wh_per_1k_tokens"] else "-",
    }
    estimate = s.get("estimate") or {}
    if estimate.get("available"):
        text += " " + _("EcoLogits' estimate for the same answers: %(low)s to %(high)s.") % {
            "low": quantity(estimate["energy_wh_low"], "Wh"),
            "high": quantity(estimate["energy_wh_high"], "Wh"),
        }
    return text


def report_table(reports: list[dict[str, Any]]) -> Any:
    """id, name (its phase and method below), status, start, energy and GHG at their
    bands' digits: in 80 columns the name wraps and no figure is cut."""
    drawn = table("id", _("name"), _("status"), (_("started (UTC)"), NUMERIC),
                  (_("energy"), NUMERIC), (_("GHG"), NUMERIC))  # fmt: skip
    for r in reports:
        kinds = "/".join(sorted({_(m["kind"]) for m in r["methods"]}))
        energy, ghg = r["energy"], r["ghg"]
        drawn.add_row(
            r["id"][:8], f"{r['name']}\n[dim]{_(r['phase'])} · {kinds}[/]", _(r["status"]),
            r["started_at"][:16].replace("T", " "),
            quantity(energy["facility_kwh"] * 1000, "Wh", energy["low_kwh"] * 1000,
                     energy["high_kwh"] * 1000),
            quantity(ghg["location_based_g"], "gCO2e", ghg["low_g"], ghg["high_g"]),
        )  # fmt: skip
    return drawn
