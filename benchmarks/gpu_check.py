"""End to end on a machine with an NVIDIA GPU: a PyTorch submission on the text task,
evaluated by frugalkit's runner under its default limits, and its GPU energy compared with
an independent NVML reading of the same device over the same evaluation.

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


def nvml_energy_j() -> float:
    import pynvml

    pynvml.nvmlInit()
    total_mj = 0
    for index in range(pynvml.nvmlDeviceGetCount()):
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
    load_gpu_wh = next(
        r["energy"]["gpu_kwh"] * 1000 for r in run["reports"] if r["name"].endswith(":load")
    )
    inference_gpu_wh = sum(
        r["energy"]["gpu_kwh"] * 1000 for r in run["reports"] if r["name"].endswith(":inference")
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
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
