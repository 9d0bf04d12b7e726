"""A tender comparison as a printable PDF (fpdf2, the `frugalkit[datacenter]` extra): the
criteria set and its source, each bidder's score, every criterion with the figure and the
threshold, and the workload at each site. Core PDF fonts only, so the file opens anywhere;
text outside Latin-1 is transliterated or shown as '?'.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from frugalkit.errors import InputError

PLAIN = str.maketrans(
    {"≤": "<=", "≥": ">=", "\u2013": "-", "\u2014": "-", "…": "...", "₂": "2", "\u2019": "'"}
)


def _latin(text: object) -> str:
    return str(text).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def _line(pdf: Any, height_mm: float, text: str) -> None:
    """A paragraph across the page, the cursor back at the left margin below it."""
    pdf.multi_cell(0, height_mm, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _figure(value: float | None) -> str:
    return "not reported" if value is None else f"{value:.3g}"


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
    _line(pdf, 8, _latin(f"Tender comparison: {criteria['title']}"))
    pdf.set_font("Helvetica", "", 9)
    _line(pdf, 5, _latin(f"{criteria['version']} ({criteria['status']})."))
    _line(pdf, 5, _latin(f"Criteria source: {criteria['source']} {criteria['url']}"))
    if criteria["weighted"]:
        weights = ", ".join(f"{k} {v:g}" for k, v in criteria["weights"].items())
        _line(pdf, 5, _latin(f"Weights of this buyer's set: {weights}."))
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    _line(pdf, 5, _latin(f"Made by frugalkit on {made}."))
    if any(e["demonstration"] for e in data["ranking"]):
        pdf.set_font("Helvetica", "I", 9)
        _line(
            pdf, 5, "Demonstration tenders (marked so in their files): they describe no real site."
        )
    for rank, entry in enumerate(data["ranking"], 1):
        verdict = entry["verdict"]
        if entry["score"] is not None:
            verdict += f" (weighted score {entry['score'] * 100:.0f} %)"
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        _line(pdf, 7, _latin(f"{rank}. {entry['facility']}: {verdict}"))
        if entry["failed"]:
            pdf.set_font("Helvetica", "", 9)
            _line(pdf, 5, _latin(f"Failed: {', '.join(entry['failed'])}"))
        pdf.set_font("Helvetica", "", 9)
        k = entry["kpis"]
        _line(
            pdf,
            5,
            _latin(
                f"{entry['year']}, data {entry['quality']}; PUE {_figure(k['pue'])}, "
                f"WUE {_figure(k['wue'])} L/kWh, REF {_figure(k['ref'])}, CER {_figure(k['cer'])}"
            ),
        )
        with pdf.table(col_widths=(60, 15, 15, 10), text_align="LEFT") as table:
            table.row(("Criterion", "Figure", "Threshold", "Result"))
            for r in entry["results"]:
                threshold = f"{r['op']} {r['threshold']:g}"
                table.row(
                    tuple(
                        _latin(v)
                        for v in (
                            f"{r['label']} ({r['provision']})" if r["provision"] else r["label"],
                            _figure(r["value"]),
                            threshold,
                            r["result"],
                        )
                    )
                )
    if data["workload"]:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        _line(pdf, 7, "The workload at each site")
        pdf.set_font("Helvetica", "", 9)
        with pdf.table(col_widths=(40, 15, 20, 25, 25), text_align="LEFT") as table:
            table.row(("Site", "PUE", "Energy (Wh)", "gCO2e, location", "gCO2e, market"))
            for w in data["workload"]:
                cells = (
                    w["site"],
                    _figure(w["pue"]),
                    _figure(w["energy_kwh"] * 1000),
                    _figure(w["ghg_location_g"]),
                    _figure(w["ghg_market_g"]),
                )
                table.row(tuple(_latin(c) for c in cells))
    return bytes(pdf.output())
