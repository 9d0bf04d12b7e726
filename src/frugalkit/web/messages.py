"""Words that reach pages from data rather than from a template (a status, a phase, a
task's title, a navigation label): named here so that `tools/i18n.py` extracts them into
the catalogue; the templates translate them with `_()`."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a message for extraction; translated where it is shown."""
    return message


DATA_WORDS = (
    # navigation (web/*.py NAVIGATION)
    N_("Home"), N_("Bench"), N_("Challenges"), N_("Reports"), N_("Observatory"),
    N_("Library"), N_("Data centres"), N_("Jobs"),
    # run and report states, phases, methods
    N_("running"), N_("completed"), N_("failed"), N_("interrupted"), N_("queued"),
    N_("cancelled"), N_("training"), N_("inference"), N_("evaluation"), N_("service"),
    N_("other"), N_("estimate"), N_("counter"), N_("reported"), N_("counter/estimate"),
    # the tasks (bench/tasks.py)
    N_("Climate disinformation: classify a quote into the eight CARDS claim types"),
    N_("Wildfire smoke: detect smoke, and where, in ground-camera photos"),
    N_("Illegal logging: detect chainsaws in 3-s forest recordings (12 kHz)"),
)  # fmt: skip
