"""Load a task's data and split it as the challenge did.

Sources, by what `data` names:
- None or the task's built-in name: the demonstration set shipped with frugalkit;
- a path: a Parquet, CSV or JSONL file with the task's columns, or a folder holding
  train.* and test.* files (its own split);
- anything else: a Hugging Face hub dataset id, loaded through `datasets` (its `test`
  split if it has one, else the deterministic split).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frugalkit.bench.split import train_test_indices
from frugalkit.bench.tasks import Task
from frugalkit.errors import InputError
from frugalkit.impact.gate import decode_text, parse_json

FILE_SUFFIXES = (".parquet", ".csv", ".jsonl", ".json")


@dataclass(frozen=True)
class Samples:
    inputs: list[Any]
    labels: list[Any]  # labels, or for the image task each image's true boxes

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class TaskData:
    name: str  # what was loaded: a path, a hub id or the built-in set's name
    train: Samples
    test: Samples
    split: str  # "own" (the dataset's test split) or "seed 42, test 0.2" (deterministic)


def load_task_data(
    task: Task, data: str | None = None, *, test_size: float = 0.2, seed: int = 42
) -> TaskData:
    if data is None or data == task.builtin:
        from frugalkit.bench.data.builtin import builtin_rows

        return _split(task, task.builtin, builtin_rows(task), test_size, seed)
    path = Path(data).expanduser()
    if path.is_dir() and task.id in MEDIA:
        folder_rows = _media(task, "folder_rows")  # a YOLO folder, or clips + labels.csv
        return _split(task, str(path), folder_rows(path), test_size, seed)
    if path.is_dir():
        return _from_folder(task, path)
    if path.suffix.lower() in FILE_SUFFIXES or path.exists():
        return _split(task, str(path), _read_file(task, path), test_size, seed)
    return _from_hub(task, data, test_size, seed)


def _split(
    task: Task, name: str, rows: list[dict[str, Any]], test_size: float, seed: int
) -> TaskData:
    samples = _samples(task, rows, name)
    train_idx, test_idx = train_test_indices(len(samples), test_size, seed)

    def pick(indices: list[int]) -> Samples:
        return Samples([samples.inputs[i] for i in indices], [samples.labels[i] for i in indices])

    return TaskData(name, pick(train_idx), pick(test_idx), f"seed {seed}, test {test_size:g}")


def _from_folder(task: Task, folder: Path) -> TaskData:
    parts = {}
    for part in ("train", "test"):
        found = [folder / f"{part}{s}" for s in FILE_SUFFIXES if (folder / f"{part}{s}").exists()]
        if not found:
            raise InputError(f"{folder} holds no {part}.parquet, {part}.csv or {part}.jsonl")
        parts[part] = _samples(task, _read_file(task, found[0]), str(found[0]))
    return TaskData(str(folder), parts["train"], parts["test"], "own")


def _expected(task: Task) -> str:
    extra = f" (optional: {', '.join(task.extra_columns)})" if task.extra_columns else ""
    return f"expected columns {task.input_column}, {task.label_column}{extra}"


def _read_file(task: Task, path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise InputError(f"data file {path} does not exist; {_expected(task)}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            try:
                import pyarrow.parquet as pq
            except ImportError:
                raise InputError(
                    "reading Parquet needs pyarrow: pip install 'frugalkit[data]'"
                ) from None
            rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
        elif suffix == ".csv":
            # utf-8-sig: spreadsheets save CSV with a byte-order mark before the first column.
            with path.open(newline="", encoding="utf-8-sig") as f:
                rows = list(csv.DictReader(f))
        else:
            text = decode_text(path.read_bytes(), str(path))
            rows = (
                parse_json(text, str(path))
                if text.lstrip().startswith("[")
                else [
                    parse_json(line, f"{path} line {number:,}")
                    for number, line in enumerate(text.splitlines(), start=1)
                    if line.strip()
                ]
            )
    except InputError:
        raise
    except Exception as exc:  # pyarrow, csv and json each raise their own errors
        raise InputError(f"cannot read {path}: {_first_line(exc)}; {_expected(task)}") from None
    return rows


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _samples(task: Task, rows: list[dict[str, Any]], name: str) -> Samples:
    if not rows:
        raise InputError(f"{name} holds no rows; {_expected(task)}")
    if not all(isinstance(row, dict) for row in rows):
        raise InputError(f"{name} is not a table of records; {_expected(task)}")
    missing = [c for c in (task.input_column, task.label_column) if c not in rows[0]]
    if missing:
        raise InputError(f"{name} lacks column {', '.join(missing)}; {_expected(task)}")
    labels = [_truth(task, row.get(task.label_column), name, i) for i, row in enumerate(rows)]
    return Samples(
        [_input(task, row[task.input_column], name, i) for i, row in enumerate(rows)], labels
    )


# Tasks whose samples are media: the module that decodes them and reads their folders.
MEDIA = {
    "image": ("frugalkit.bench.data.image", "decode_image"),
    "audio": ("frugalkit.bench.data.audio", "decode_clip"),
}


def _media(task: Task, function: str) -> Any:
    """A function of the task's media module, imported only when that task is used."""
    import importlib

    return getattr(importlib.import_module(MEDIA[task.id][0]), function)


def _input(task: Task, value: Any, name: str, row: int) -> Any:
    """What a model is given: the quote as text, the image as an RGB array, the clip as
    a 3-s 12-kHz array. A decoding error names the file, or the row."""
    if task.id not in MEDIA:
        return value
    decode = _media(task, MEDIA[task.id][1])
    return decode(value, value if isinstance(value, str) else f"{name} row {row + 1}")


def _truth(task: Task, value: Any, name: str, row: int) -> Any:
    """A label, or for the image task the list of true boxes."""
    if task.kind == "detection":
        from frugalkit.bench.data.image import parse_yolo

        return parse_yolo(
            value if isinstance(value, str) or value is None else str(value),
            f"{name} row {row + 1}",
        )
    return _label(task, value, name, row)


def _label(task: Task, value: Any, name: str, row: int) -> str:
    """A label as the task names it; an integer class index is accepted too."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(task.labels):
        return task.labels[value]
    text = str(value).strip() if value is not None else ""
    if text.isdigit() and int(text) < len(task.labels) and text not in task.labels:
        return task.labels[int(text)]
    if text not in task.labels:
        raise InputError(
            f"{name} row {row + 1}: unknown label {text!r}; labels: {', '.join(task.labels)}"
        )
    return text


def _from_hub(task: Task, dataset_id: str, test_size: float, seed: int) -> TaskData:
    """The real challenge data (users have the network; tests never come here)."""
    if os.environ.get("HF_HUB_OFFLINE") == "1" and not _hub_cache_may_hold(dataset_id):
        raise InputError(f"{dataset_id}: HF_HUB_OFFLINE=1 and no local cache; use --data PATH")
    try:
        import datasets
    except ImportError:
        raise InputError(
            f"{dataset_id!r} is not a file here; to load it from the Hugging Face hub: "
            "pip install 'frugalkit[data]'"
        ) from None
    try:
        loaded = datasets.load_dataset(dataset_id)
    except Exception as exc:
        raise InputError(
            f"cannot load {dataset_id!r} from the Hugging Face hub ({type(exc).__name__}); "
            "use --data PATH with a local copy"
        ) from None
    if "test" in loaded:
        train = _samples(task, loaded["train"].to_list(), f"{dataset_id}[train]")
        test = _samples(task, loaded["test"].to_list(), f"{dataset_id}[test]")
        return TaskData(dataset_id, train, test, "own")
    return _split(task, dataset_id, loaded["train"].to_list(), test_size, seed)


def _hub_cache_may_hold(dataset_id: str) -> bool:
    cache = Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface"))
    return (cache / "hub" / f"datasets--{dataset_id.replace('/', '--')}").exists()
