"""Submissions: anything with `predict(list_of_inputs) -> list_of_labels`.

A submission is named by a spec:
- `path/to/model.py:NAME` or `package.module:NAME`: a function, an object with
  `predict`, or a class (instantiated without arguments) with `predict`;
- `bundle.zip` (or `bundle.zip:NAME`): a folder zipped, with `submission.py` at its top
  whose `predict` (or NAME) is the predictor, and the files it needs;
- `model.joblib` (or .pkl): a saved scikit-learn estimator or pipeline;
- `model.onnx`: an ONNX model run by onnxruntime (first input fed the samples, first
  output read as the labels);
- `http://host:port` or `https://...`: a server speaking the Frugal AI Challenge
  protocol (`POST /text`, `/image`, `/audio`), evaluated by `frugalkit.bench.remote`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from frugalkit.errors import InputError

SPEC_HELP = (
    "expected path.py:NAME, module:NAME, a .zip, .joblib or .onnx file, or an http(s):// URL"
)


class Predictor(Protocol):
    def predict(self, inputs: Sequence[Any]) -> Sequence[Any]: ...


def kind_of(spec: str) -> str:
    """'http', 'joblib', 'onnx' or 'python'."""
    lowered = spec.lower()
    if lowered.startswith(("http://", "https://")):
        return "http"
    if lowered.endswith((".joblib", ".pkl")):
        return "joblib"
    if lowered.endswith(".onnx"):
        return "onnx"
    if ":" in spec or lowered.endswith(".zip"):
        return "python"
    raise InputError(f"submission {spec!r}: {SPEC_HELP}")


class FunctionPredictor:
    def __init__(self, function: Callable[[Sequence[Any]], Sequence[Any]]) -> None:
        self.function = function
        self.description = (
            (function.__doc__ or "").strip().splitlines()[0]
            if function.__doc__
            else function.__name__
        )

    def predict(self, inputs: Sequence[Any]) -> Sequence[Any]:
        return self.function(inputs)


class OnnxPredictor:
    """An ONNX model: samples in as a column tensor, labels out of the first output."""

    def __init__(self, path: Path) -> None:
        try:
            import onnxruntime
        except ImportError:
            raise InputError(
                "ONNX submissions need onnxruntime: pip install 'frugalkit[onnx]'"
            ) from None
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: no noise on stderr
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.input = self.session.get_inputs()[0]
        self.description = f"ONNX model {path.name}"

    def predict(self, inputs: Sequence[Any]) -> Sequence[Any]:
        import numpy as np

        batch = np.array(list(inputs))
        if "string" in self.input.type:
            batch = batch.astype(object)
        if len(self.input.shape) == 2 and batch.ndim == 1:
            batch = batch.reshape(-1, 1)
        labels = self.session.run(None, {self.input.name: batch})[0]
        return [
            label.decode() if isinstance(label, bytes) else label
            for label in np.asarray(labels).ravel().tolist()
        ]


def _import_object(spec: str) -> Any:
    target, _, name = spec.rpartition(":")
    if not target or not name:
        raise InputError(f"submission {spec!r}: {SPEC_HELP}")
    if target.endswith(".py"):
        path = Path(target).expanduser().resolve()
        if not path.exists():
            raise InputError(f"submission file {path} does not exist")
        module_name = f"frugalkit_submission_{abs(hash(str(path)))}"
        module_spec = importlib.util.spec_from_file_location(module_name, path)
        assert module_spec is not None and module_spec.loader is not None
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        sys.path.insert(0, str(path.parent))  # so the submission can import its neighbours
        module_spec.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(target)
        except ImportError as exc:
            raise InputError(f"submission module {target!r} cannot be imported: {exc}") from None
    if not hasattr(module, name):
        raise InputError(f"submission {spec!r}: {target} has no attribute {name!r}")
    return getattr(module, name)


def load_predictor(spec: str) -> Predictor:
    """The predictor a spec names (not for http specs). Runs the submission's own code."""
    kind = kind_of(spec)
    if kind == "http":
        raise InputError("an http(s) submission is evaluated remotely, not loaded")
    if kind == "joblib":
        path = Path(spec).expanduser()
        if not path.exists():
            raise InputError(f"submission file {path} does not exist")
        import joblib

        model = joblib.load(path)
        if not hasattr(model, "predict"):
            raise InputError(f"{path} holds a {type(model).__name__}, which has no predict()")
        return model  # type: ignore[no-any-return]
    if kind == "onnx":
        path = Path(spec).expanduser()
        if not path.exists():
            raise InputError(f"submission file {path} does not exist")
        return OnnxPredictor(path)
    obj = _import_object(spec)
    if isinstance(obj, type):
        obj = obj()
    if hasattr(obj, "predict"):
        return obj  # type: ignore[no-any-return]
    if callable(obj):
        return FunctionPredictor(obj)
    raise InputError(f"submission {spec!r} is neither a function nor an object with predict()")


def describe(predictor: Any) -> str:
    """A one-line description: the predictor's `description`, else its class and steps."""
    text = getattr(predictor, "description", None)
    if isinstance(text, str) and text:
        return text.splitlines()[0][:200]
    steps = getattr(predictor, "steps", None)
    if steps:
        return "scikit-learn pipeline: " + " -> ".join(type(step).__name__ for _, step in steps)
    return type(predictor).__name__
