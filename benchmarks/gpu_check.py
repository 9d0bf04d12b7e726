"""End to end on a machine with an NVIDIA GPU: a PyTorch submission on the text task,
evaluated by frugalkit's runner under its default limits, and its GPU energy compared with
an independent NVML reading of the same device over the same evaluation. Then two jobs on
one GPU at once (issue 25): each measured by its own run, their energies plus the idle part
stated apart against the device's own counter over the same window (goal: within 5 %).

Needs torch and nvidia-ml-py. Prints one JSON object; exits 2 without a GPU. The worker's
default limits must not stop CUDA (the runner used to cap address space: "cudaGetDeviceCount
... out of memory"). Run: `python benchmarks/gpu_check.py [--repeats 3] [--size 4096]`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

SUBMISSION = '''
import torch
LABELS = {labels!r}
SIZE = {size}
DEVICE = "cuda"
WEIGHTS = torch.randn(SIZE, SIZE, device=DEVICE)
HEAD = torch.randn(SIZE, len(LABELS), device=DEVICE)


def predict(quotes):
    """hashed bag of words, {loops} x {size}x{size} matmuls per batch on CUDA"""
    features = torch.zeros(len(quotes), SIZE, device=DEVICE)
    for row, quote in enumerate(quotes):
        for word in quote.lower().split():
            features[row, hash(word) % SIZE] += 1.0
    hidden = features
    for _ in range({loops}):
        hidden = torch.tanh(hidden @ WEIGHTS)
    logits = hidden @ HEAD
    torch.cuda.synchronize()
    return [LABELS[i] for i in logits.argmax(dim=1).tolist()]
'''


def nvml_energy_j(only_first: bool = False) -> float:
    import pynvml

    pynvml.nvmlInit()
    total_mj = 0
    for index in range(1 if only_first else pynvml.nvmlDeviceGetCount()):
        handle = pynvml.nvmlDeviceGetHandleByIndex(index)
        total_mj += pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)
    return total_mj / 1000.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--loops", type=int, default=200)
    args = parser.parse_args()
    try:
        before_j = nvml_energy_j()
    except Exception as exc:  # no pynvml, no driver, no GPU
        print(json.dumps({"gpu": None, "skipped": f"no NVIDIA GPU through NVML: {exc}"}))
        return 2
    os.environ.setdefault("FRUGALKIT_HOME", tempfile.mkdtemp(prefix="frugalkit-gpu-"))
    from frugalkit.bench import evaluate, get_task

    task = get_task("text")
    folder = Path(tempfile.mkdtemp(prefix="frugalkit-gpu-sub-"))
    path = folder / "torch_model.py"
    path.write_text(SUBMISSION.format(labels=task.labels, size=args.size, loops=args.loops))
    started = time.monotonic()
    run = evaluate(task, f"{path}:predict", repeats=args.repeats)
    wall_s = time.monotonic() - started
    independent_wh = (nvml_energy_j() - before_j) / 3600
    if run["status"] != "completed":
        print(json.dumps({"status": "failed", "reason": run["reason"]}))
        return 1
    energy = run["payload"]["energy"]
    # what each phase was charged, plus the GPU's idle part stated apart (not charged)
    load_gpu_wh = next(
        _charged_and_idle_wh(r) for r in run["reports"] if r["name"].endswith(":load")
    )
    inference_gpu_wh = sum(
        _charged_and_idle_wh(r) for r in run["reports"] if r["name"].endswith(":inference")
    )
    print(
        json.dumps(
            {
                "status": run["status"],
                "hardware": run["hardware"],
                "accuracy": run["accuracy"],
                "repeats": args.repeats,
                "samples": run["samples"],
                "gpu_wh_per_repeat_median": energy["components_wh_median"]["gpu"],
                "gpu_wh_frugalkit_load_plus_inference": load_gpu_wh + inference_gpu_wh,
                "gpu_wh_independent_nvml_whole_evaluation": independent_wh,
                "ratio_frugalkit_to_independent": (load_gpu_wh + inference_gpu_wh) / independent_wh
                if independent_wh
                else None,
                "energy_wh_per_1000": run["energy_wh_per_1000"],
                "peak_rss_mb": run["payload"]["peak_rss_mb"],
                "wall_s": wall_s,
                "two_jobs_on_one_gpu": two_jobs(args.size),
            },
            indent=2,
        )
    )
    return 0


def _charged_and_idle_wh(report: dict[str, object]) -> float:
    gpu = next(m for m in report["methods"] if m["component"] == "gpu")  # type: ignore[attr-defined]
    return (report["energy"]["gpu_kwh"] + (gpu["idle_kwh"] or 0.0)) * 1000  # type: ignore[index]


JOB = """
import sys, time, torch
size, seconds = int(sys.argv[1]), float(sys.argv[2])
a = torch.randn(size, size, device="cuda")
end = time.monotonic() + seconds
while time.monotonic() < end:
    a = torch.tanh(a @ a)
    torch.cuda.synchronize()
    time.sleep(float(sys.argv[3]))  # a lighter job leaves the GPU idle part of the time
"""


def two_jobs(size: int, seconds: float = 20.0) -> dict[str, object]:
    """Two processes on GPU 0 at once, a heavy one and a light one, each measured by a run
    bound to its process; the device's NVML counter read over the same window."""
    import subprocess

    from frugalkit.measure.tracker import Run

    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "0"}
    before_j = nvml_energy_j(only_first=True)
    started = time.monotonic()
    jobs = [subprocess.Popen([sys.executable, "-c", JOB, str(size), str(seconds), pause],
                             env=env) for pause in ("0", "0.05")]  # fmt: skip
    runs = [Run(f"job-{i}", root_pid=job.pid, persist=False).start() for i, job in enumerate(jobs)]
    for job in jobs:
        job.wait()
    reports = [r.stop() for r in runs]
    device_wh = (nvml_energy_j(only_first=True) - before_j) / 3600
    charged = [r["energy"]["gpu_kwh"] * 1000 for r in reports]
    methods = [next(m for m in r["methods"] if m["component"] == "gpu") for r in reports]
    idle_wh = max((m["idle_kwh"] or 0.0) * 1000 for m in methods)
    total = sum(charged) + idle_wh
    return {
        "wall_s": time.monotonic() - started,
        "device_wh_nvml": device_wh,
        "charged_wh": charged,
        "shares": [m["share"] for m in methods],
        "idle_wh_stated_apart": idle_wh,
        "sum_over_device": total / device_wh if device_wh else None,
        "within_5_percent": bool(device_wh) and abs(total / device_wh - 1) <= 0.05,
        "methods": [m["note"] for m in methods],
    }


if __name__ == "__main__":
    sys.exit(main())
