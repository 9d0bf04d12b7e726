"""The README's `bench run` and `run-many` commands, pasted as written into a folder that
holds the files they name (issue 20: the first one failed on a relative path). Lines
that need a GPU or a remote server are left to the tests that have one."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import joblib
import pytest

from frugalkit.bench import get_task
from frugalkit.bench.data import load_task_data

README = Path(__file__).parents[2] / "README.md"
FRUGALKIT = str(Path(sys.executable).with_name("frugalkit"))
TEXT = get_task("text")
pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S)
    lines = [line.split("  #")[0].strip() for block in blocks for line in block.splitlines()]
    wanted = ("frugalkit bench run ", "frugalkit bench run-many ")
    return [line for line in lines if line.startswith(wanted)]


def _pipeline() -> object:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    data = load_task_data(TEXT)
    model = Pipeline(
        [("tfidf", TfidfVectorizer(lowercase=False)), ("clf", LogisticRegression(max_iter=500))]
    )
    return model.fit(data.train.inputs, data.train.labels)


def _files(folder: Path) -> None:
    """Every file the README's commands name, made as a user would have them."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import StringTensorType

    predict = "def predict(quotes):\n    return ['7_fossil_fuels_needed' if 'coal' in q else '0_not_relevant' for q in quotes]\n"  # noqa: E501
    (folder / "submissions").mkdir()
    for name in ("my_model.py", "a.py", "submissions/one.py", "submissions/two.py"):
        (folder / name).write_text(predict)
    model = _pipeline()
    for name in ("pipeline.joblib", "b.joblib"):
        joblib.dump(model, folder / name)
    options = {id(model.steps[1][1]): {"zipmap": False}}  # type: ignore[attr-defined]
    onnx = to_onnx(model, initial_types=[("input", StringTensorType([None, 1]))], options=options)
    for name in ("model.onnx", "c.onnx"):
        (folder / name).write_bytes(onnx.SerializeToString())
    data = load_task_data(TEXT)
    table = pa.table({"quote": data.test.inputs, "label": data.test.labels})
    pq.write_table(table, folder / "quotes.parquet")
    with zipfile.ZipFile(folder / "bundle.zip", "w") as bundle:
        bundle.writestr("submission.py", "from rules import predict\n")
        bundle.writestr("rules.py", predict)


def test_the_readme_names_its_bench_commands() -> None:
    commands = readme_commands()
    assert "frugalkit bench run --task text --submission my_model.py:predict" in commands
    assert any("run-many" in c for c in commands)


def test_every_readme_bench_command_runs_as_written(tmp_path: Path) -> None:
    _files(tmp_path)
    env = {**os.environ, "FRUGALKIT_HOME": str(tmp_path / "home")}
    ran = 0
    for command in readme_commands():
        if "--gpu" in command or "https://" in command or "--executor ray" in command:
            continue
        argv = shlex.split(command)
        done = subprocess.run(
            [FRUGALKIT, *argv[1:]], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, f"{command}\n{done.stderr[-1500:]}"
        assert "accuracy" in done.stdout or "completed" in done.stdout, command
        ran += 1
    assert ran >= 6
