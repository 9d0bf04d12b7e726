"""A tender comparison as a printable PDF (fpdf2, the `frugalkit[datacenter]` extra): the
criteria set and its source, each bidder's score, every criterion with the figure and the
threshold, and the workload at each site. Core PDF fonts only, so the file opens anywhere;
text outside Latin-1 is transliterated or shown as '?'.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frugalkit.datacenter.shown import criterion_figure
from frugalkit.errors import InputError
from frugalkit.i18n import gettext as _
from frugalkit.i18n import moment
from frugalkit.impact.display import number, percent, quantity

PLAIN = str.maketrans(
    {"≤": "<=", "≥": ">=", "\u2013": "-", "\u2014": "-", "…": "...", "₂": "2", "\u2019": "'",
     "\u202f": " ", "\u2212": "-", "\u201c": '"', "\u201d": '"', "\u0153": "oe"}
)  # fmt: skip
# French figures group thousands with a narrow no-break space (CLDR), outside Latin-1


def _latin(text: object) -> str:
    return str(text).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def _line(pdf: Any, height_mm: float, text: str) -> None:
    """A paragraph across the page, the cursor back at the left margin below it."""
    pdf.multi_cell(0, height_mm, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _figure(value: float | None, kpi: str = "") -> str:
    """As the page writes it (datacenter/shown.py), in the reader's language."""
    return _("not reported") if value is None else criterion_figure(value, kpi)


def comparison_pdf(data: dict[str, Any]) -> bytes:
    """The comparison that `service.compare` returned, as PDF bytes."""
    try:
        from fpdf import FPDF
    except ImportError:
        raise InputError("a PDF needs fpdf2: pip install 'frugalkit[datacenter]'") from None
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    criteria = data["criteria"]
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, 8, _latin(_("Tender comparison: %(title)s") % {"title": _(criteria["title"])}))
    pdf.set_font("Helvetica", "", 9)
    _line(pdf, 5, _latin(f"{criteria['version']} ({_(criteria['status'])})."))
    source = f"{criteria['source']} {criteria['url']}"
    _line(pdf, 5, _latin(_("Criteria source: %(source)s") % {"source": source}))
    if criteria["weighted"]:
        weights = ", ".join(f"{k} {number(v)}" for k, v in criteria["weights"].items())
        weighted = _("Weights of this buyer's set:")
        _line(pdf, 5, _latin(f"{weighted} {weights}."))
    made = moment(datetime.now(UTC))
    _line(pdf, 5, _latin(_("Made by frugalkit on %(when)s UTC.") % {"when": made}))
    if any(e["demonstration"] for e in data["ranking"]):
        pdf.set_font("Helvetica", "I", 9)
        words = _("Demonstration tenders (marked so in their files): they describe no real site.")
        _line(pdf, 5, _latin(words))
    for rank, entry in enumerate(data["ranking"], 1):
        verdict = _(entry["verdict"])
        if entry["score"] is not None:
            verdict += (
                " (" + _("weighted score %(score)s") % {"score": percent(entry["score"])} + ")"
            )
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        _line(pdf, 7, _latin(f"{rank}. {entry['facility']}: {verdict}"))
        if entry["failed"]:
            pdf.set_font("Helvetica", "", 9)
            _line(pdf, 5, _latin(f"{_('Failed:')} {', '.join(entry['failed'])}"))
        pdf.set_font("Helvetica", "", 9)
        k = entry["kpis"]
        quality = _("data %(quality)s") % {"quality": _(entry["quality"])}
        _line(
            pdf,
            5,
            _latin(
                f"{entry['year']}, {quality}; PUE {_figure(k['pue'])}, "
                f"WUE {_figure(k['wue'])} L/kWh, REF {_figure(k['ref'], 'ref')}, "
                f"CER {_figure(k['cer'])}"
            ),
        )
        with pdf.table(col_widths=(60, 15, 15, 10), text_align="LEFT") as table:
            table.row(tuple(_latin(_(h)) for h in ("Criterion", "Figure", "Threshold", "Result")))
            for r in entry["results"]:
                threshold = f"{r['op']} {criterion_figure(r['threshold'], r['kpi'])}"
                label = _(r["label"])
                table.row(
                    tuple(
                        _latin(v)
                        for v in (
                            f"{label} ({r['provision']})" if r["provision"] else label,
                            _figure(r["value"], r["kpi"]),
                            threshold,
                            _(r["result"]),
                        )
                    )
                )
    if data["workload"]:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        _line(pdf, 7, _latin(_("The workload at each site")))
        pdf.set_font("Helvetica", "", 9)
        with pdf.table(col_widths=(40, 15, 20, 25, 25), text_align="LEFT") as table:
            heads = (
                _("Site"),
                "PUE",
                _("Energy"),
                _("GHG, location-based"),
                _("GHG, market-based"),
            )
            table.row(tuple(_latin(h) for h in heads))
            for w in data["workload"]:
                cells = (
                    w["site"],
                    _figure(w["pue"]),
                    quantity(w["energy_kwh"] * 1000, "Wh"),
                    quantity(w["ghg_location_g"], "gCO2e"),
                    quantity(w["ghg_market_g"], "gCO2e"),
                )
                table.row(tuple(_latin(c) for c in cells))
    return bytes(pdf.output())
