"""frugalkit's measurement overhead beside CodeCarbon 3.x, in one run on this machine.

Prints, for both tools:
1. a fresh process that imports the tool and measures one empty window (interpreter
   start included): wall time and peak memory added over a bare interpreter;
2. the wall-time overhead on a ~10 s CPU-bound workload;
3. the energy each tool reports for that same workload.

Run: `make bench` (installs CodeCarbon as a benchmark-only dependency). Options:
--repeats N (default 5 for 1., 3 for 2.), --workload-s S (default 10).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PY = sys.executable
BARE = "pass"
FRUGALKIT_EMPTY = "import frugalkit\nwith frugalkit.track('empty'):\n    pass\n"
CODECARBON_EMPTY = (
    "from codecarbon import EmissionsTracker\n"
    "t = EmissionsTracker(save_to_file=False, log_level='error')\n"
    "t.start()\nt.stop()\n"
)
# Fixed work (not fixed time), so that both tools measure the same thing.
WORKLOAD = "def work(n):\n    s = 0\n    for i in range(n):\n        s += i * i % 7\n    return s\n"
FRUGALKIT_RUN = (
    "import json, time, frugalkit\n"
    "from frugalkit.measure import registry\n" + WORKLOAD + "t0 = time.perf_counter()\n"
    "run = frugalkit.track('w').start()\n"
    "t1 = time.perf_counter()\n"
    "work({n})\n"
    "t2 = time.perf_counter()\n"
    "run.stop()\n"
    "t3 = time.perf_counter()\n"
    "pollers = [getattr(m, '_poller', None) for m in registry.meters('process')]\n"
    "poll_s = sum(p.busy_s for p in pollers if p)\n"
    "ticks = sum(p.ticks for p in pollers if p)\n"
    "e = dict(run.report['energy'])\n"
    "e['self_s'] = (t1 - t0) + (t3 - t2) + poll_s\n"
    "e['edges_s'] = (t1 - t0) + (t3 - t2)\n"
    "e['poll_s'] = poll_s\n"
    "e['ticks'] = ticks\n"
    "e['work_s'] = t2 - t1\n"
    "print(json.dumps(e))\n"
)
CODECARBON_RUN = (
    "import json\nfrom codecarbon import EmissionsTracker\n"
    + WORKLOAD
    + "t = EmissionsTracker(save_to_file=False, log_level='error', "
    "tracking_mode='{mode}')\nt.start()\nwork({n})\nt.stop()\nd = t.final_emissions_data\n"
    "print(json.dumps({{'cpu_kwh': d.cpu_energy, 'ram_kwh': d.ram_energy, "
    "'facility_kwh': d.energy_consumed, 'cpu_power_w': d.cpu_power, "
    "'ram_power_w': d.ram_power}}))\n"
)
PLAIN_RUN = WORKLOAD + "work({n})\n"


def run_child(code: str, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of a fresh interpreter running `code`."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run([sys.executable, '-c', sys.argv[1]], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "sys.stdout.write(f'{wall} {peak}\\n' + p.stdout)\n"
        "sys.exit(p.returncode)\n"
    )
    out = subprocess.run(
        [PY, "-c", wrapper, code], capture_output=True, text=True, env=env, check=True
    )
    first, _, rest = out.stdout.partition("\n")
    wall, peak = (float(v) for v in first.split())
    return wall, peak, rest


def startup(repeats: int, env: dict[str, str]) -> None:
    print("1. import + one empty measured window, fresh process (median of", repeats, "runs)")
    print(f"   {'':28} {'wall ms':>9} {'peak MiB':>9} {'added MiB':>10}")
    bare = [run_child(BARE, env) for _ in range(repeats)]
    bare_wall = statistics.median(b[0] for b in bare)
    bare_peak = statistics.median(b[1] for b in bare)
    print(f"   {'python -c pass':28} {bare_wall * 1000:9.1f} {bare_peak:9.1f} {'':>10}")
    for label, code in (
        ("frugalkit", FRUGALKIT_EMPTY),
        ("codecarbon " + _cc_version(), CODECARBON_EMPTY),
    ):
        runs = [run_child(code, env) for _ in range(repeats)]
        wall = statistics.median(r[0] for r in runs)
        peak = statistics.median(r[1] for r in runs)
        print(f"   {label:28} {wall * 1000:9.1f} {peak:9.1f} {peak - bare_peak:10.1f}")


def _cc_version() -> str:
    import codecarbon

    return str(codecarbon.__version__)


def calibrate(target_s: float, env: dict[str, str]) -> int:
    n = 2_000_000
    wall, _, _ = run_child(PLAIN_RUN.format(n=n), env)
    return int(n * target_s / max(wall - 0.03, 0.01))


def overhead(repeats: int, target_s: float, env: dict[str, str]) -> None:
    n = calibrate(target_s, env)
    print(
        f"\n2./3. a CPU-bound workload of {n:,} iterations (~{target_s:g} s), "
        f"{repeats} runs each, interleaved"
    )
    results: dict[str, list[tuple[float, dict[str, float]]]] = {}
    variants = {
        "no measurement": PLAIN_RUN.format(n=n),
        "frugalkit (process)": FRUGALKIT_RUN.format(n=n),
        "codecarbon (process)": CODECARBON_RUN.format(n=n, mode="process"),
        "codecarbon (machine)": CODECARBON_RUN.format(n=n, mode="machine"),
    }
    for _ in range(repeats):
        for label, code in variants.items():
            wall, _, out = run_child(code, env)
            energy = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
            results.setdefault(label, []).append((wall, energy))
    base = min(w for w, _ in results["no measurement"])
    print("   wall: min and median of the runs; overhead on the minimum (least disturbed run)")
    columns = ("min s", 7), ("median s", 9), ("overhead", 9), ("CPU Wh", 8), ("RAM Wh", 8)
    header = f"{'':24} " + " ".join(f"{name:>{width}}" for name, width in columns) + " total Wh"
    print("   " + header)
    for label, runs in results.items():
        walls = [w for w, _ in runs]
        wall = min(walls)
        over = f"{(wall - base) / base * 100:+8.2f}%" if label != "no measurement" else ""
        energy = sorted(runs, key=lambda run: run[0])[len(runs) // 2][1]  # the median run's
        figures = ""
        if energy:
            cpu, ram, total = (
                energy.get(k, 0.0) * 1000 for k in ("cpu_kwh", "ram_kwh", "facility_kwh")
            )
            figures = f"{cpu:8.4f} {ram:8.4f} {total:9.4f}"
        print(f"   {label:24} {wall:7.2f} {statistics.median(walls):9.2f} {over:>9} {figures}")
        if "cpu_power_w" in energy:
            print(
                f"   {'':24} CodeCarbon's power: CPU {energy['cpu_power_w']:.2f} W, "
                f"RAM {energy['ram_power_w']:.2f} W"
            )
        if "self_s" in energy:
            share = energy["self_s"] / energy["work_s"] * 100
            print(
                f"   {'':24} frugalkit's own time: {energy['edges_s'] * 1000:.1f} ms at the "
                "window edges "
                f"+ {energy['poll_s'] * 1000:.1f} ms of CPU in {energy['ticks']} polls "
                f"= {share:.3f} % of the workload"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workload-s", type=float, default=10.0)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="frugalkit-bench-")
    env = {**os.environ, "FRUGALKIT_HOME": home}
    print(
        f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    startup(args.repeats, env)
    overhead(max(args.repeats - 2, 1), args.workload_s, env)


if __name__ == "__main__":
    main()
