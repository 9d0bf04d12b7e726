"""A Lightning fit measured as a frugalkit run (`frugalkit[lightning]`).

    from frugalkit.integrations.lightning_cb import FrugalkitCallback

    trainer = lightning.Trainer(max_epochs=10, callbacks=[FrugalkitCallback(country="FR")])
    trainer.fit(model, data)

The run starts with the fit and ends with it (failed, with the error, if the fit raises);
its report is stored like any run's (`callback.report`). At each training epoch's end the
whole fit's predicted cost (measure/forecast.py, from the epochs done of `max_epochs`, or
the steps of `max_steps`) is logged through the trainer's loggers as
`frugalkit/predicted_energy_kwh`...; at the end, the report's figures.
"""

from __future__ import annotations

from typing import Any

from lightning.pytorch import Callback

from frugalkit.integrations.figures import figures, predicted, prefixed
from frugalkit.measure.tracker import Run

PREFIX = "frugalkit/"


class FrugalkitCallback(Callback):  # type: ignore[misc]  # Any: see pyproject
    def __init__(self, name: str = "lightning-fit", **run_options: Any) -> None:
        self.name = name
        self.options = {"phase": "training", **run_options}
        self.run: Run | None = None
        self.report: dict[str, Any] | None = None

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        if trainer.is_global_zero and self.run is None:
            self.run = Run(self.name, **self.options).start()

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        if self.run is None:
            return
        if trainer.max_epochs and trainer.max_epochs > 0:
            done, total, unit = trainer.current_epoch + 1, trainer.max_epochs, "epoch"
        elif trainer.max_steps and trainer.max_steps > 0:
            done, total, unit = trainer.global_step, trainer.max_steps, "step"
        else:
            return  # an open-ended fit: no whole to predict
        if 0 < done <= total:
            prediction = self.run.progress(done, total, unit)
            self._log(trainer, prefixed(PREFIX, predicted(prediction)))

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        self._stop(trainer, "completed", None)

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        interrupted = isinstance(exception, KeyboardInterrupt)
        error = f"{type(exception).__name__}: {exception}"[:500]
        self._stop(trainer, "interrupted" if interrupted else "failed", error)

    def _stop(self, trainer: Any, status: str, error: str | None) -> None:
        if self.run is None:
            return
        run, self.run = self.run, None
        self.report = run.stop(status, error=error)
        self._log(trainer, prefixed(PREFIX, figures(self.report)))

    @staticmethod
    def _log(trainer: Any, values: dict[str, float]) -> None:
        for logger in trainer.loggers:
            logger.log_metrics(values, step=trainer.global_step)
