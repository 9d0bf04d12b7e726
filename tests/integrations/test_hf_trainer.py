"""The Hugging Face Trainer callback on a real, tiny Trainer run (transformers, CPU)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip(
    "torch", reason="the Trainer callback needs torch (make test installs it)"
)
transformers = pytest.importorskip("transformers")

from frugalkit.integrations.hf_trainer import FrugalkitCallback  # noqa: E402
from tests.integrations.tiny import Tiny, labelled  # noqa: E402


class Seen(transformers.TrainerCallback):  # type: ignore[misc]
    """A reporting callback after ours (as MLflow's or W&B's would be)."""

    def __init__(self) -> None:
        self.logged: list[dict[str, float]] = []

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
        self.logged.append(dict(logs or {}))


def test_a_training_is_one_run_and_its_logs_carry_the_predicted_cost(tmp_path: Path) -> None:
    x, y = labelled(64)
    data = [{"x": x[i], "labels": int(y[i])} for i in range(64)]
    args = transformers.TrainingArguments(
        output_dir=str(tmp_path / "out"), per_device_train_batch_size=8, max_steps=16,
        logging_steps=4, report_to=[], save_strategy="no", use_cpu=True, disable_tqdm=True,
    )  # fmt: skip
    seen = Seen()
    trainer = transformers.Trainer(model=Tiny(), args=args, train_dataset=data, callbacks=[seen])
    callback = FrugalkitCallback.attach(trainer, "tiny", country="FR")
    trainer.train()
    report = callback.report
    assert report is not None and report["status"] == "completed"
    assert (report["name"], report["phase"], report["ghg"]["zone"]) == ("tiny", "training", "FRA")
    marks = [logs for logs in seen.logged if "frugalkit_predicted_energy_kwh" in logs]
    assert len(marks) == 4  # every log event, at steps 4, 8, 12, 16
    assert all(m["frugalkit_predicted_energy_low_kwh"] <= m["frugalkit_predicted_energy_kwh"]
               <= m["frugalkit_predicted_energy_high_kwh"] for m in marks)  # fmt: skip
    last = trainer.state.log_history[-1]
    assert last["frugalkit_energy_kwh"] == report["energy"]["facility_kwh"] > 0
    assert report["prediction"]["done"] == 16 and report["prediction"]["unit"] == "step"
