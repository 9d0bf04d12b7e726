"""The Lightning callback on a real, tiny fit (lightning, CPU), logged through CSVLogger."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip(
    "torch", reason="the Lightning callback needs torch (make test installs it)"
)
lightning = pytest.importorskip("lightning")

from frugalkit.integrations.lightning_cb import FrugalkitCallback  # noqa: E402
from tests.integrations.tiny import TinyLightning as Tiny  # noqa: E402
from tests.integrations.tiny import labelled  # noqa: E402


def loader() -> Any:
    x, y = labelled(32)
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8)


def fit(tmp_path: Path, module: Tiny) -> FrugalkitCallback:
    callback = FrugalkitCallback("tiny-fit", country="FR")
    trainer = lightning.Trainer(
        max_epochs=3, callbacks=[callback], logger=lightning.pytorch.loggers.CSVLogger(tmp_path),
        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
        accelerator="cpu", default_root_dir=tmp_path,
    )  # fmt: skip
    trainer.fit(module, loader())
    return callback


def test_a_fit_is_one_run_and_its_loggers_get_the_predicted_cost_each_epoch(tmp_path: Path) -> None:
    callback = fit(tmp_path, Tiny())
    report = callback.report
    assert report is not None and report["status"] == "completed"
    assert report["prediction"]["done"] == 3 and report["prediction"]["unit"] == "epoch"
    (metrics,) = tmp_path.glob("lightning_logs/version_*/metrics.csv")
    rows = list(csv.DictReader(metrics.open()))
    predicted = [r for r in rows if r.get("frugalkit/predicted_energy_kwh")]
    assert len(predicted) == 3
    final = [r for r in rows if r.get("frugalkit/energy_kwh")]
    assert float(final[-1]["frugalkit/energy_kwh"]) == pytest.approx(
        report["energy"]["facility_kwh"]
    )


def test_a_fit_that_raises_is_stored_as_failed_with_its_error(tmp_path: Path) -> None:
    callback = FrugalkitCallback("doomed", country="FR")
    trainer = lightning.Trainer(max_epochs=3, callbacks=[callback], logger=False,
                                enable_checkpointing=False, enable_progress_bar=False,
                                enable_model_summary=False, accelerator="cpu",
                                default_root_dir=tmp_path)  # fmt: skip
    with pytest.raises(RuntimeError, match="NaN"):
        trainer.fit(Tiny(fail_at_epoch=1), loader())
    report = callback.report
    assert report is not None and report["status"] == "failed"
    assert "the loss went to NaN" in report["error"]
