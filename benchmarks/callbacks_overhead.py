"""What the Hugging Face Trainer and Lightning callbacks add to each training step, against
the same training without them, in the same run (issue 25, item 7).

A tiny model (a linear layer, batches of 8 on the CPU), so that the step itself is short
and the callback's part shows: `--steps` steps, logging every 10 (each log event takes a
progress mark: one reading of the meters), alternated `--repeats` times each way; the
median step time of each.

Run: `.venv/bin/python benchmarks/callbacks_overhead.py [--steps 400] [--repeats 3]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("FRUGALKIT_HOME", tempfile.mkdtemp(prefix="frugalkit-bench-"))

import lightning
import torch
import transformers

from frugalkit.integrations.hf_trainer import FrugalkitCallback as HfCallback
from frugalkit.integrations.lightning_cb import FrugalkitCallback as LightningCallback
from tests.integrations.tiny import Tiny, TinyLightning, labelled

LOG_EVERY = 10


def hf_step_ms(steps: int, with_callback: bool) -> float:
    x, y = labelled(512)
    rows = [{"x": x[i], "labels": int(y[i])} for i in range(len(x))]
    with tempfile.TemporaryDirectory() as out:
        args = transformers.TrainingArguments(
            output_dir=out, per_device_train_batch_size=8, max_steps=steps,
            logging_steps=LOG_EVERY, report_to=[], save_strategy="no", use_cpu=True,
            disable_tqdm=True, log_level="error",
        )  # fmt: skip
        trainer = transformers.Trainer(model=Tiny(), args=args, train_dataset=rows)
        if with_callback:
            HfCallback.attach(trainer, "bench")
        start = time.perf_counter()
        trainer.train()
        return (time.perf_counter() - start) / steps * 1000


def lightning_step_ms(steps: int, with_callback: bool) -> float:
    x, y = labelled(512)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8)
    epochs = max(1, steps // len(loader))
    callbacks = [LightningCallback("bench")] if with_callback else []
    with tempfile.TemporaryDirectory() as root:
        trainer = lightning.Trainer(
            max_epochs=epochs, callbacks=callbacks, logger=False, enable_checkpointing=False,
            enable_progress_bar=False, enable_model_summary=False, accelerator="cpu",
            default_root_dir=root,
        )  # fmt: skip
        start = time.perf_counter()
        trainer.fit(TinyLightning(), loader)
        return (time.perf_counter() - start) / (epochs * len(loader)) * 1000


def mark_us(marks: int = 2000) -> float:
    """One progress mark (a reading of the meters and the forecast): what each log event of
    the Trainer and each epoch end of Lightning costs, whatever the noise of a step."""
    from frugalkit.measure import track

    with track("marks", persist=False) as run:
        start = time.perf_counter()
        for done in range(1, marks + 1):
            run.progress(done, marks + 1, "step")
        return (time.perf_counter() - start) / marks * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    per_mark = mark_us()
    print(f"one progress mark: {per_mark:.0f} µs, so {per_mark / LOG_EVERY:.1f} µs a step when "
          f"logging every {LOG_EVERY} steps")  # fmt: skip
    for name, step_ms in (("Hugging Face Trainer", hf_step_ms), ("Lightning", lightning_step_ms)):
        step_ms(50, True)  # warm imports and caches
        without, with_cb = [], []
        for _ in range(args.repeats):
            without.append(step_ms(args.steps, False))
            with_cb.append(step_ms(args.steps, True))
        a, b = statistics.median(without), statistics.median(with_cb)
        print(f"{name}: {a:.3f} ms/step without, {b:.3f} ms/step with the callback: "
              f"{(b - a) * 1000:+.0f} µs/step ({(b / a - 1) * 100:+.1f} %)")  # fmt: skip


if __name__ == "__main__":
    main()
