"""Words that reach pages and commands from data rather than from a template (a status,
a phase, a task's title, a navigation label): named here so that `tools/i18n.py` extracts
them into the catalogue; the templates translate them with `_()`."""

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
    N_("other"), N_("process"), N_("machine"), N_("newest"), N_("oldest"), N_("energy"),
    N_("ghg"), N_("name"), N_("estimate"), N_("counter"), N_("reported"), N_("counter/estimate"),
    # data centres: criteria results, verdicts, data quality, status of a criteria set
    N_("pass"), N_("fail"), N_("exempt"), N_("not reported"), N_("not yet due"),
    N_("undetermined"), N_("incomplete"), N_("out of scope"), N_("interpolated"),
    N_("estimated"), N_("missing"), N_("complete"), N_("in force"), N_("draft"),
    N_("label"), N_("ups output"), N_("pdu output"), N_("it input"),
    # the observatory: kinds of figure, a series without a case
    N_("measurement"), N_("projection"), N_("observed"), N_("mixed"),
    # units of the scenario's levers (observatory/data/presets.json)
    N_("%/yr"), N_("ratio"), N_("fraction"),
    # words the commands write inside f-strings (which the extractor does not read)
    N_("Failed:"), N_("Open:"), N_("exit"), N_("method"), N_("error:"), N_("run"), N_("store"),
    N_("job"), N_("backend"), N_("revision"), N_("reports"),
    # the tasks (bench/tasks.py)
    N_("Climate disinformation: classify a quote into the eight CARDS claim types"),
    N_("Wildfire smoke: detect smoke, and where, in ground-camera photos"),
    N_("Illegal logging: detect chainsaws in 3-s forest recordings (12 kHz)"),
)  # fmt: skip


METRICS = {
    "accuracy": N_("accuracy"),
    "macro_f1": N_("macro F1"),
    "classification_accuracy": N_("classification accuracy (smoke or not)"),
    "mean_iou": N_("mean IoU of the boxes"),
    "samples": N_("samples"),
    "with_smoke": N_("samples with smoke"),
}


def metric_label(key: str) -> str:
    """A bench metric in the reader's language: 'precision_chainsaw' -> 'precision of
    chainsaw'; a metric this list does not know, as it is named."""
    from frugalkit.i18n import gettext

    if key in METRICS:
        return gettext(METRICS[key])
    for prefix, words in (("precision_", N_("precision of %(label)s")),
                          ("recall_", N_("recall of %(label)s"))):  # fmt: skip
        if key.startswith(prefix):
            return gettext(words) % {"label": key[len(prefix) :]}
    return key.replace("_", " ")


LANGUAGE_NAMES = {"en": N_("English"), "fr": N_("French")}


def language_name(code: str | None) -> str:
    """'fr' -> 'French' in English, 'français' in French; an unknown code as it is."""
    from frugalkit.i18n import gettext

    return gettext(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else str(code or "")


# The column words of the commands' tables (cli/tables.py translates them where drawn).
COLUMNS = (
    N_("GHG"), N_("Mt CO2"), N_("accuracy"), N_("added"), N_("annex"), N_("attempts"),
    N_("baseline"), N_("body"), N_("case"), N_("category"), N_("changed"), N_("created"),
    N_("created (UTC)"), N_("data (hub / built-in)"), N_("date"), N_("energy"), N_("energy/1k"),
    N_("error"), N_("field"), N_("figures"), N_("fitted on (source, year, value)"), N_("front"),
    N_("gCO2e"), N_("hardware"), N_("id"), N_("in everyday terms"), N_("indicator"), N_("kWh"),
    N_("kind"), N_("label"), N_("labels"), N_("lang"), N_("licence"), N_("median"),
    N_("method"), N_("model"), N_("model kind"), N_("month"), N_("name"), N_("note"),
    N_("pages"), N_("part"), N_("passages"), N_("phase"), N_("phases"), N_("preset"),
    N_("published"), N_("publisher"), N_("range"), N_("reason"), N_("release"), N_("report"),
    N_("revoked"), N_("run"), N_("runs"), N_("score"), N_("series"), N_("setting"), N_("share"),
    N_("source"), N_("stars"), N_("started (UTC)"), N_("state"), N_("status"), N_("submission"),
    N_("task"), N_("tasks"), N_("team"), N_("time"), N_("title"), N_("trained on"), N_("type"),
    N_("unchanged"), N_("unit"), N_("value"), N_("verified"), N_("what"), N_("worker"),
    N_("file"), N_("document"),
    N_("world TWh"), N_("year"), N_("years"), N_("zone"),
)  # fmt: skip
