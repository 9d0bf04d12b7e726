"""A year of 15-minute readings for 200 meters (about 7 million rows) ingested and turned
into monthly and yearly KPIs. Goal: under 30 s on two cores, memory under 1 GiB. The peer,
in the same run: the row-by-row reader (what a script without a columnar CSV reader does),
on the first 10 % of the rows.

Run: `.venv/bin/python benchmarks/datacenter.py [--meters 200]`
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROLES = ("grid", "it", "cooling", "heat_removed", "water_potable")
QUARTERS_PER_YEAR = 365 * 96


def write(folder: Path, meters: int, rows_per_meter: int) -> tuple[Path, Path]:
    facility = {
        "name": "Benchmark Hall",
        "country": "FRA",
        "commissioned": 2020,
        "it_metering": "pdu_output",
        "installed_it_kw": 5000,
        "meters": [
            {
                "id": f"m{i}",
                "role": ROLES[i % len(ROLES)],
                "unit": "m3" if ROLES[i % len(ROLES)].startswith("water") else "kWh",
            }
            for i in range(meters)
        ],
    }
    facility_path = folder / "hall.yaml"
    facility_path.write_text(yaml.safe_dump(facility))
    start = np.datetime64("2025-01-01T00:00:00")
    stamps = (start + np.arange(rows_per_meter + 1) * np.timedelta64(15, "m")).astype(str)
    rng = np.random.default_rng(1)
    readings = folder / "readings.csv"
    with readings.open("w") as file:
        file.write("meter,start,end,value\n")
        for m in range(meters):
            scale = 1.3 if ROLES[m % len(ROLES)] == "grid" else 1.0  # a PUE about 1.3
            values = (rng.uniform(10, 20, rows_per_meter) * scale).round(3).astype(str)
            lines = np.char.add(
                np.char.add(
                    np.char.add(np.char.add(np.char.add(f"m{m},", stamps[:-1]), "Z,"), stamps[1:]),
                    "Z,",
                ),
                values,
            )
            file.write("\n".join(lines.tolist()) + "\n")
    return facility_path, readings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meters", type=int, default=200)
    args = parser.parse_args()
    from frugalkit.datacenter import eu_report
    from frugalkit.datacenter import meters as meter_io
    from frugalkit.datacenter.facility import load_facility
    from frugalkit.datacenter.kpis import compute

    with tempfile.TemporaryDirectory() as scratch:
        facility_path, readings_path = write(Path(scratch), args.meters, QUARTERS_PER_YEAR)
        rows = args.meters * QUARTERS_PER_YEAR
        print(f"{rows:,} readings, {readings_path.stat().st_size / 1e6:.0f} MB of CSV")
        facility = load_facility(facility_path)
        started = time.perf_counter()
        readings = meter_io.read_readings(readings_path, facility)
        read_s = time.perf_counter() - started
        result = compute(facility, readings)
        total_s = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        year = result["years"][0]
        print(
            f"  columnar reader + KPIs: {total_s:.1f} s ({read_s:.1f} s reading), "
            f"peak RSS {peak_mib:.0f} MiB, {len(result['months'])} months, "
            f"year {year['period']} PUE {year['kpis']['pue']:.3f} ({year['quality']})"
        )
        started = time.perf_counter()
        report = eu_report.build(facility.model_dump(), year)
        print(
            f"  EU yearly report from those KPIs: {(time.perf_counter() - started) * 1000:.1f} ms, "
            f"{len(report['fields'])} fields, {len(report['missing'])} missing"
        )
        sample = Path(scratch) / "sample.csv"
        with readings_path.open() as source, sample.open("w") as target:
            for i, line in enumerate(source):
                if i > rows // 10:
                    break
                target.write(line)
        started = time.perf_counter()
        meter_io._read_rows(sample, facility)
        row_s = time.perf_counter() - started
        print(
            f"  peer: row-by-row reader, {rows // 10:,} readings: {row_s:.1f} s "
            f"(about {row_s * 10:.0f} s for all)"
        )


if __name__ == "__main__":
    main()
