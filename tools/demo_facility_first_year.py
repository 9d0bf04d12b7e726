"""Write Nordic Hall's first year (2024) into its demonstration readings, from its 2025
readings: a hall still filling up (IT load at 80 %), so less efficient (overhead per kWh of
IT 30 % higher, water per kWh 20 % higher) and exporting half as much heat. Demonstration
figures, describing no real site; run once, kept for how they were made.
"""

import csv
from pathlib import Path

PATH = Path(__file__).parents[1] / "src/frugalkit/datacenter/data/demo/nordic-hall.csv"
IT_LOAD = 0.80
OVERHEAD = 1.30
WATER = 1.20
EXPORT = 0.50

rows = list(csv.DictReader(PATH.open()))
current = [r for r in rows if r["start"].startswith("2025")]
by_month: dict[str, dict[str, float]] = {}
for r in current:
    by_month.setdefault(r["start"], {})[r["meter"]] = float(r["value"])
first_year = []
for r in current:
    month = by_month[r["start"]]
    it = month["it-1"]
    value = float(r["value"])
    if r["meter"] == "grid-1":  # MWh; overhead above IT grows
        overhead_kwh = value * 1000 - it
        value = (it * IT_LOAD + overhead_kwh * IT_LOAD * OVERHEAD) / 1000
    elif r["meter"] == "water-1":
        value *= IT_LOAD * WATER
    elif r["meter"] == "heat-export":
        value *= IT_LOAD * EXPORT
    else:
        value *= IT_LOAD
    start, end = (
        t.replace("2025-", "2024-", 1).replace("2026-", "2025-", 1) for t in (r["start"], r["end"])
    )
    first_year.append({"meter": r["meter"], "start": start, "end": end, "value": f"{value:.6g}"})
if not any(r["start"].startswith("2024") for r in rows):
    with PATH.open("w", newline="") as file:
        writer = csv.DictWriter(file, ["meter", "start", "end", "value"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(first_year + rows)
