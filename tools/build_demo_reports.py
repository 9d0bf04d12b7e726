"""Write the library's demonstration reports (English and French PDF editions).

    .venv/bin/python tools/build_demo_reports.py      (needs `pip install fpdf2`)

A short, fictional assessment written by the frugalkit project so that `make run`, the tests
and the evaluation have a report to read: a cover page (so printed and PDF page numbers
differ), a table of contents in the PDF outline, headings, numbered statements with
calibrated language and references in braces, a table and a figure with captions. It is
labelled as a demonstration on every page; its figures describe no real assessment.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parents[1] / "src" / "frugalkit" / "library" / "data"

EN = {
    "file": "demo-report-en.pdf",
    "title": "Data Centres and the Energy Transition",
    "subtitle": "Summary for Policymakers (demonstration)",
    "label": "frugalkit demonstration report - not a real assessment",
    "page": "Page",
    "sections": [
        (
            "A. Electricity use of data centres",
            [
                (
                    "A.1",
                    "Data centres in the demonstration region used 42 TWh of electricity in 2024, "
                    "about 3 % of the region's electricity use (high confidence). {1.2, 1.3}",
                ),
                (
                    "A.1.1",
                    "Computing equipment accounted for about 60 % of that electricity, cooling "
                    "for about 30 % and power distribution losses for the rest (medium "
                    "confidence). {1.4}",
                ),
                (
                    "A.1.2",
                    "Servers dedicated to artificial intelligence used 7 TWh in 2024, three "
                    "times more than in 2021 (high confidence). {1.5, Table SPM.1}",
                ),
                (
                    "A.2",
                    "Without new measures, the electricity use of data centres is likely to "
                    "reach 70 TWh in 2030. {2.1, Figure SPM.1}",
                ),
                (
                    "A.2.1",
                    "The range of projections for 2030 spans 55 to 90 TWh across the four "
                    "scenarios assessed (medium confidence). {2.2}",
                ),
            ],
        ),
        (
            "B. Efficiency and cooling",
            [
                (
                    "B.1",
                    "The average power usage effectiveness (PUE) of large sites fell from 1.6 in "
                    "2015 to 1.35 in 2024 (high confidence). {3.1, Table SPM.1}",
                ),
                (
                    "B.1.1",
                    "Free cooling with outside air is used at least part of the year by 70 % "
                    "of sites in the northern part of the region (medium confidence). {3.2}",
                ),
                (
                    "B.2",
                    "Reusing waste heat in district heating networks could supply heat to about "
                    "300,000 homes by 2030 (low confidence). {3.4}",
                ),
                (
                    "B.2.1",
                    "Heat reuse is very likely limited by the distance between data centres "
                    "and heating networks, which exceeds 10 km for half of the sites. {3.5}",
                ),
            ],
        ),
        (
            "C. Water",
            [
                (
                    "C.1",
                    "Evaporative cooling consumed 12 million cubic metres of water in 2024, "
                    "mostly in summer (medium confidence). {4.1}",
                ),
                (
                    "C.1.1",
                    "Sites cooled by closed loops consume about ten times less water per "
                    "kilowatt-hour than evaporative sites (high confidence). {4.2}",
                ),
                (
                    "C.2",
                    "During the 2022 drought, three sites reduced their water withdrawals by "
                    "switching to mechanical cooling, raising their electricity use by about "
                    "8 % (low confidence). {4.3}",
                ),
            ],
        ),
        (
            "D. Options for policymakers",
            [
                (
                    "D.1",
                    "Public reporting of energy, water and heat reuse by every site above 500 kW "
                    "would close most of the data gaps identified in this report (high "
                    "confidence). {5.1}",
                ),
                (
                    "D.2",
                    "Scheduling flexible computing in hours of low-carbon electricity could "
                    "reduce the emissions of AI training by 15 to 30 % at no extra energy cost "
                    "(medium confidence). {5.2, 5.3}",
                ),
            ],
        ),
    ],
    "table": (
        "Table SPM.1: Key figures of the demonstration region's data centres, 2024.",
        [
            ("Indicator", "2021", "2024"),
            ("Electricity (TWh)", "35", "42"),
            ("AI servers (TWh)", "2.3", "7"),
            ("Average PUE", "1.45", "1.35"),
            ("Water (million m3)", "10", "12"),
        ],
    ),
    "figure": (
        "Figure SPM.1: Projected electricity use of data centres in 2030 under four "
        "scenarios (TWh).",
        [("Low", 55), ("Central", 70), ("High", 80), ("Very high", 90)],
    ),
}

FR = {
    "file": "demo-report-fr.pdf",
    "title": "Centres de données et transition énergétique",
    "subtitle": "Résumé à l'intention des décideurs (démonstration)",
    "label": "rapport de démonstration frugalkit - pas une évaluation réelle",
    "page": "Page",
    "sections": [
        (
            "A. Consommation d'électricité des centres de données",
            [
                (
                    "A.1",
                    "Les centres de données de la région de démonstration ont consommé 42 TWh "
                    "d'électricité en 2024, soit environ 3 % de la consommation d'électricité "
                    "de la région (degré de confiance élevé). {1.2, 1.3}",
                ),
                (
                    "A.1.1",
                    "Les équipements informatiques représentaient environ 60 % de cette "
                    "électricité, le refroidissement environ 30 % et les pertes de "
                    "distribution le reste (degré de confiance moyen). {1.4}",
                ),
                (
                    "A.1.2",
                    "Les serveurs dédiés à l'intelligence artificielle ont consommé 7 TWh en "
                    "2024, trois fois plus qu'en 2021 (degré de confiance élevé). "
                    "{1.5, Tableau RID.1}",
                ),
                (
                    "A.2",
                    "Sans nouvelles mesures, la consommation d'électricité des centres de "
                    "données atteindra probablement 70 TWh en 2030. {2.1, Figure RID.1}",
                ),
                (
                    "A.2.1",
                    "L'éventail des projections pour 2030 va de 55 à 90 TWh selon les quatre "
                    "scénarios évalués (degré de confiance moyen). {2.2}",
                ),
            ],
        ),
        (
            "B. Efficacité et refroidissement",
            [
                (
                    "B.1",
                    "L'indicateur d'efficacité énergétique (PUE) moyen des grands sites est "
                    "passé de 1,6 en 2015 à 1,35 en 2024 (degré de confiance élevé). "
                    "{3.1, Tableau RID.1}",
                ),
                (
                    "B.1.1",
                    "Le refroidissement par l'air extérieur est utilisé au moins une partie de "
                    "l'année par 70 % des sites du nord de la région (degré de confiance "
                    "moyen). {3.2}",
                ),
                (
                    "B.2",
                    "La récupération de la chaleur fatale dans les réseaux de chaleur pourrait "
                    "chauffer environ 300 000 logements d'ici 2030 (degré de confiance "
                    "faible). {3.4}",
                ),
                (
                    "B.2.1",
                    "La récupération de chaleur est très probablement limitée par la distance "
                    "entre les centres de données et les réseaux de chaleur, supérieure à "
                    "10 km pour la moitié des sites. {3.5}",
                ),
            ],
        ),
        (
            "C. Eau",
            [
                (
                    "C.1",
                    "Le refroidissement par évaporation a consommé 12 millions de mètres cubes "
                    "d'eau en 2024, surtout en été (degré de confiance moyen). {4.1}",
                ),
                (
                    "C.1.1",
                    "Les sites refroidis en circuit fermé consomment environ dix fois moins "
                    "d'eau par kilowattheure que les sites à évaporation (degré de confiance "
                    "élevé). {4.2}",
                ),
                (
                    "C.2",
                    "Pendant la sécheresse de 2022, trois sites ont réduit leurs prélèvements "
                    "d'eau en passant au refroidissement mécanique, ce qui a augmenté leur "
                    "consommation d'électricité d'environ 8 % (degré de confiance faible). {4.3}",
                ),
            ],
        ),
        (
            "D. Options pour les décideurs",
            [
                (
                    "D.1",
                    "La publication par chaque site de plus de 500 kW de son énergie, de son eau "
                    "et de sa chaleur récupérée comblerait l'essentiel des lacunes de données "
                    "relevées dans ce rapport (degré de confiance élevé). {5.1}",
                ),
                (
                    "D.2",
                    "Programmer les calculs flexibles aux heures où l'électricité est bas "
                    "carbone pourrait réduire de 15 à 30 % les émissions de l'entraînement des "
                    "modèles d'IA sans énergie supplémentaire (degré de confiance moyen). "
                    "{5.2, 5.3}",
                ),
            ],
        ),
    ],
    "table": (
        "Tableau RID.1 : Chiffres clés des centres de données de la région de démonstration, 2024.",
        [
            ("Indicateur", "2021", "2024"),
            ("Électricité (TWh)", "35", "42"),
            ("Serveurs d'IA (TWh)", "2,3", "7"),
            ("PUE moyen", "1,45", "1,35"),
            ("Eau (millions de m3)", "10", "12"),
        ],
    ),
    "figure": (
        "Figure RID.1 : Consommation d'électricité projetée des centres de données en "
        "2030 selon quatre scénarios (TWh).",
        [("Bas", 55), ("Central", 70), ("Haut", 80), ("Très haut", 90)],
    ),
}


class Report(FPDF):
    def __init__(self, edition: dict) -> None:  # type: ignore[type-arg]
        super().__init__()
        self.edition = edition
        self.set_auto_page_break(True, margin=20)

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, f"{self.edition['label']} - {self.page_no() - 1}", align="C")


def build(edition: dict) -> None:  # type: ignore[type-arg]
    pdf = Report(edition)
    pdf.set_title(edition["title"])
    pdf.set_author("frugalkit project (demonstration)")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.ln(60)
    pdf.multi_cell(0, 11, edition["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.multi_cell(0, 8, edition["subtitle"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", "I", 10)
    pdf.multi_cell(0, 6, edition["label"], align="C", new_x="LMARGIN", new_y="NEXT")
    for number, (heading, statements) in enumerate(edition["sections"]):
        pdf.add_page()
        pdf.start_section(heading)
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        for statement_id, text in statements:
            bold = statement_id.count(".") == 1
            pdf.set_font("Helvetica", "B" if bold else "", 10)
            pdf.multi_cell(0, 5.5, f"{statement_id} {text}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        if number == 0:
            _figure(pdf, *edition["figure"])
        if number == 1:
            _table(pdf, *edition["table"])
    pdf.output(str(OUT / edition["file"]))
    print(f"wrote {OUT / edition['file']}")


def _table(pdf: FPDF, caption: str, rows: list[tuple[str, str, str]]) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 5.5, caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    with pdf.table(col_widths=(80, 30, 30), width=140) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)


def _figure(pdf: FPDF, caption: str, bars: list[tuple[str, int]]) -> None:
    pdf.ln(4)
    top = pdf.get_y()
    for i, (label, value) in enumerate(bars):
        x = 30 + i * 35
        height = value * 0.6
        pdf.set_fill_color(0, 114, 178)
        pdf.rect(x, top + 60 - height, 20, height, style="F")
        pdf.set_xy(x - 5, top + 62)
        pdf.set_font("Helvetica", "", 8)
        pdf.cell(30, 4, f"{label}: {value}", align="C")
    pdf.set_xy(pdf.l_margin, top + 70)
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 5.5, caption, new_x="LMARGIN", new_y="NEXT")


if __name__ == "__main__":
    for edition in (EN, FR):
        build(edition)
