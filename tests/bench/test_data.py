"""Task data: the split the original used, the loaders and their errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from frugalkit.bench import get_task
from frugalkit.bench.data import load_task_data
from frugalkit.bench.data.text_demo import generate
from frugalkit.bench.split import train_test_indices
from frugalkit.errors import InputError

TEXT = get_task("text")


def test_split_is_hugging_face_datasets_own() -> None:
    """ceil(0.2 x 6,091) = 1,219 test rows, the first of default_rng(42)'s permutation."""
    train, test = train_test_indices(6091, 0.2, 42)
    assert (len(train), len(test)) == (4872, 1219)
    permutation = np.random.default_rng(42).permutation(6091)
    assert test == permutation[: math.ceil(0.2 * 6091)].tolist()
    assert sorted(train + test) == list(range(6091))


def test_builtin_set_is_balanced_and_deterministic() -> None:
    quotes, labels = generate()
    assert len(quotes) == len(set(quotes)) == 400
    assert {labels.count(label) for label in TEXT.labels} == {50}
    assert generate() == (quotes, labels)
    data = load_task_data(TEXT)
    assert (len(data.train), len(data.test)) == (320, 80)
    assert data.name == "frugalkit/text-demo"


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    elif path.suffix == ".csv":
        import csv

        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    return path


ROWS = [{"quote": f"quote {i}", "label": TEXT.labels[i % 8], "source": "test"} for i in range(40)]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_local_files_with_the_challenge_columns(tmp_path: Path, suffix: str) -> None:
    data = load_task_data(TEXT, str(write(tmp_path / f"d{suffix}", ROWS)))
    assert (len(data.train), len(data.test)) == (32, 8)
    assert set(data.test.labels) <= set(TEXT.labels)


def test_integer_labels_are_class_indices(tmp_path: Path) -> None:
    rows = [{"quote": f"q{i}", "label": i % 8} for i in range(20)]
    data = load_task_data(TEXT, str(write(tmp_path / "d.jsonl", rows)))
    assert set(data.train.labels + data.test.labels) == set(TEXT.labels)


def test_a_folder_keeps_its_own_split(tmp_path: Path) -> None:
    write(tmp_path / "train.csv", ROWS[:30])
    write(tmp_path / "test.jsonl", ROWS[30:])
    data = load_task_data(TEXT, str(tmp_path))
    assert (len(data.train), len(data.test), data.split) == (30, 10, "own")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"text": "x", "label": "0_not_relevant"}],
            "lacks column quote; expected columns quote, label",
        ),
        ([{"quote": "x", "label": "9_made_up"}], "unknown label '9_made_up'"),
        ([], "holds no rows"),
    ],
)
def test_malformed_data_names_what_is_expected(tmp_path: Path, rows, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(InputError, match=message):
        load_task_data(TEXT, str(path))


def test_corrupt_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "d.parquet"
    broken.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"cannot read .*expected columns quote, label"):
        load_task_data(TEXT, str(broken))
    with pytest.raises(InputError, match="does not exist"):
        load_task_data(TEXT, str(tmp_path / "missing.csv"))


class _FakeSplit:
    def __init__(self, rows: list[dict[str, object]]) -> None:
        self.rows = rows

    def to_list(self) -> list[dict[str, object]]:
        return self.rows


def _fake_datasets(splits: dict[str, list[dict[str, object]]], calls: list[str]):  # type: ignore[no-untyped-def]
    import types

    module = types.ModuleType("datasets")

    def stand_in(name: str) -> dict[str, _FakeSplit]:
        calls.append(name)
        if name == "missing/dataset":
            raise FileNotFoundError(name)
        return {split: _FakeSplit(rows) for split, rows in splits.items()}

    module.load_dataset = stand_in  # type: ignore[attr-defined]
    return module


def test_the_hub_loader_uses_its_own_test_split_or_the_challenge_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real hub code path, on a stand-in `datasets` module (no network here)."""
    import sys

    calls: list[str] = []
    rows = [{"quote": f"q{i}", "label": TEXT.labels[i % 8]} for i in range(50)]
    monkeypatch.setitem(sys.modules, "datasets", _fake_datasets({"train": rows}, calls))
    data = load_task_data(TEXT, TEXT.hub_dataset)
    assert calls == [TEXT.hub_dataset]
    assert (len(data.train), len(data.test), data.split) == (40, 10, "seed 42, test 0.2")

    with_test = {"train": rows[:30], "test": rows[30:]}
    monkeypatch.setitem(sys.modules, "datasets", _fake_datasets(with_test, calls))
    data = load_task_data(TEXT, "someone/own-split")
    assert (len(data.train), len(data.test), data.split) == (30, 20, "own")

    with pytest.raises(InputError, match="cannot load 'missing/dataset' from the Hugging Face hub"):
        load_task_data(TEXT, "missing/dataset")


def test_without_the_datasets_package_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "datasets", None)  # import fails
    with pytest.raises(InputError, match=r"pip install 'frugalkit\[data\]'"):
        load_task_data(TEXT, TEXT.hub_dataset)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_byte_order_mark_is_accepted(tmp_path: Path, suffix: str) -> None:
    """Spreadsheets save CSV with a BOM; it used to hide the first column ('lacks quote')."""
    path = write(tmp_path / f"d{suffix}", ROWS)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_task_data(TEXT, str(path)).test) == 8


def test_a_bad_json_line_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", ROWS)
    lines = path.read_text().splitlines()
    lines[29] = '{"quote": "cut'
    path.write_text("\n".join(lines))
    with pytest.raises(InputError, match=r"d\.jsonl line 30 is not JSON"):
        load_task_data(TEXT, str(path))
