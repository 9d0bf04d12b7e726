"""A Hugging Face `Trainer`'s training measured as a frugalkit run (`frugalkit[hf]`).

    from frugalkit.integrations.hf_trainer import FrugalkitCallback

    trainer = Trainer(model, args, train_dataset=data)
    FrugalkitCallback.attach(trainer, country="FR")
    trainer.train()

The run starts when training begins and ends with it; its report is stored like any run's
(`callback.report` holds it). At each of the Trainer's log events the whole training's predicted
cost (measure/forecast.py, from the steps done of `max_steps`) is added to the logged
values, as `frugalkit_predicted_energy_kwh`...; at the end, the report's figures
(`frugalkit_energy_kwh`...) close the Trainer's `log_history`.
`attach` puts the callback first, so that the reporting integrations the Trainer already
has (MLflow, W&B, TensorBoard) log these figures too. Only the main process measures: in a
distributed run each other process is a machine's part of its own.
"""

from __future__ import annotations

from typing import Any

from transformers import TrainerCallback

from frugalkit.integrations.figures import figures, predicted, prefixed
from frugalkit.measure.tracker import Run

PREFIX = "frugalkit_"


class FrugalkitCallback(TrainerCallback):  # type: ignore[misc]  # Any: see pyproject
    def __init__(self, name: str = "hf-trainer", **run_options: Any) -> None:
        self.name = name
        self.options = {"phase": "training", **run_options}
        self.run: Run | None = None
        self.report: dict[str, Any] | None = None
        self._last_done = 0

    @classmethod
    def attach(
        cls, trainer: Any, name: str = "hf-trainer", **run_options: Any
    ) -> FrugalkitCallback:
        """A new callback, first among the trainer's (before its reporting callbacks)."""
        callback = cls(name, **run_options)
        trainer.callback_handler.callbacks.insert(0, callback)
        return callback

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if state.is_world_process_zero and self.run is None:
            self.run = Run(self.name, **self.options).start()

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kwargs: Any) -> None:
        if self.run is None or logs is None or not state.max_steps or state.global_step <= 0:
            return
        done = min(state.global_step, state.max_steps)
        if done <= self._last_done:  # the Trainer's closing summary logs at the last step again
            return
        self._last_done = done
        prediction = self.run.progress(done, state.max_steps, "step")
        logs.update(prefixed(PREFIX, predicted(prediction)))

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.run is None:
            return
        run, self.run = self.run, None
        self.report = run.stop()
        state.log_history.append(
            {**prefixed(PREFIX, figures(self.report)), "step": state.global_step}
        )
