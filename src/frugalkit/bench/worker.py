"""The submission's process: `python -m frugalkit.bench.worker TASK CMD_FD REPLY_FD [LABELS]`
(LABELS: a JSON list, when a challenge's organiser set labels of their own).

It holds neither the labels nor the data's location, nor any setting of the platform
(the runner scrubs its environment and starts it in an empty directory). It obeys the
runner's commands on CMD_FD: `load` the submission, `predict` the inputs it is sent
(materialising and checking the predictions before it answers, so that all the work
falls inside the window the runner measures from outside), `exit`. Around a scikit-learn
pipeline's steps it asks the runner to mark windows, so that feature extraction and the
model are measured apart. It answers in JSON on REPLY_FD; what it says is checked again.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from typing import Any

from frugalkit.bench.frames import read_frame, write_frame
from frugalkit.bench.predictions import BadPredictions, normalise
from frugalkit.bench.submissions import describe, load_predictor
from frugalkit.bench.tasks import get_task, with_labels


class Channel:
    def __init__(self, commands: int, replies: int) -> None:
        self.commands, self.replies = commands, replies

    def receive(self) -> dict[str, Any]:
        message: dict[str, Any] = pickle.loads(read_frame(self.commands, limit=1 << 40))
        return message

    def send(self, message: dict[str, Any]) -> None:
        write_frame(self.replies, json.dumps(message, default=str).encode())

    def mark(self, window: str) -> None:
        """Ask the runner to start measuring window `window` (None: no window)."""
        self.send({"mark": window})
        self.receive()  # the runner's go-ahead, once it has read its meters


def predict_in_windows(predictor: Any, inputs: list[Any], channel: Channel) -> Any:
    """predict(), with a scikit-learn pipeline's feature extraction measured apart from
    its model: one participant found MFCC extraction cost 12 times training plus
    inference, so the two are reported separately."""
    steps = getattr(predictor, "steps", None)
    if not isinstance(steps, list) or len(steps) < 2:
        return predictor.predict(inputs)
    features = inputs
    channel.mark("preprocess")
    for _, step in steps[:-1]:  # the steps themselves: a slice would re-check fitting
        if step is not None and step != "passthrough":
            features = step.transform(features)
    channel.mark("model")
    return steps[-1][1].predict(features)


def _failure(stage: str, exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, SystemExit):
        return {"ok": False, "stage": stage, "cause": "exit", "detail": f"sys.exit({exc.code!r})"}
    if isinstance(exc, MemoryError):
        return {"ok": False, "stage": stage, "cause": "memory", "detail": "MemoryError"}
    if isinstance(exc, BadPredictions):
        return {"ok": False, "stage": stage, "cause": "predictions", "detail": str(exc)}
    detail = f"{type(exc).__name__}: {exc}"
    return {"ok": False, "stage": stage, "cause": "raised", "detail": detail}


def serve(task_id: str, channel: Channel, labels: tuple[str, ...] | None = None) -> None:
    task = with_labels(get_task(task_id), labels)
    predictor: Any = None
    while True:
        command = channel.receive()
        if command["op"] == "exit":
            return
        if command["op"] == "load":
            try:
                if command.get("search_path"):
                    sys.path.append(command["search_path"])
                predictor = load_predictor(command["submission"])
                channel.send({"ok": True, "description": describe(predictor)})
            except BaseException as exc:  # SystemExit and KeyboardInterrupt included
                channel.send(_failure("loading the submission", exc))
        elif command["op"] == "predict":
            inputs = command["inputs"]
            try:
                raw = predict_in_windows(predictor, inputs, channel)
                predictions = normalise(task, raw, len(inputs))  # a generator runs here
                channel.send({"ok": True, "predictions": predictions})
            except BaseException as exc:
                channel.send(_failure("predict()", exc))


def main(argv: list[str]) -> int:
    task_id, commands, replies = argv[0], int(argv[1]), int(argv[2])
    labels = tuple(json.loads(argv[3])) if len(argv) > 3 else None  # an organiser's label set
    serve(task_id, Channel(commands, replies), labels)
    os.close(replies)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
