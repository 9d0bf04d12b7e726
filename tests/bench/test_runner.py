"""Evaluations in their own process: every submission kind, and every way one can fail."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from frugalkit.bench import evaluate, get_task
from frugalkit.impact.report import ImpactReport

TEXT = get_task("text")


def test_python_function_submission_is_measured_and_scored(submissions: Path) -> None:
    run = evaluate(TEXT, f"{submissions}/good.py:keyword", repeats=2)
    assert run["status"] == "completed", run.get("reason")
    assert (
        run["kind"] == "python" and run["description"] == "keyword rules: coal means fossil fuels"
    )
    assert run["samples"] == 80
    metrics = run["payload"]["metrics"]
    assert 0 < run["accuracy"] < 1 and run["accuracy"] == metrics["accuracy"]
    assert sum(map(sum, metrics["confusion_matrix"])) == 80
    energy = run["payload"]["energy"]
    assert energy["repeats"] == 2
    assert energy["inference_wh_min"] <= energy["inference_wh_median"] <= energy["inference_wh_max"]
    ranked_wh = energy["inference_wh_max" if energy["repeats_disagree"] else "inference_wh_median"]
    assert run["energy_wh_per_1000"] == pytest.approx(ranked_wh * 1000 / 80)
    assert run["energy_method"] == "estimate"
    reports = run["reports"]
    assert [r["phase"] for r in reports] == ["evaluation", "inference", "inference"]
    for report in reports:
        ImpactReport.model_validate(report)
    assert reports[1]["units"] == 80 and reports[1]["functional_unit"] == "sample"


def test_class_with_predict_and_integer_labels(submissions: Path) -> None:
    by_class = evaluate(TEXT, f"{submissions}/good.py:ByLength", repeats=1)
    assert by_class["status"] == "completed" and by_class["description"] == "length rule"
    keyword = evaluate(TEXT, f"{submissions}/good.py:keyword", repeats=1)
    indices = evaluate(TEXT, f"{submissions}/good.py:indices", repeats=1)
    assert indices["accuracy"] == keyword["accuracy"]


def test_module_submission(submissions: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module found only through the user's own PYTHONPATH is not in the sandbox (it
    shows no folder of the host but Python's and its packages), so it needs --trusted,
    and the refusal names the module."""
    monkeypatch.setenv("PYTHONPATH", str(submissions))
    sandboxed = evaluate(TEXT, "good:keyword", repeats=1)
    assert sandboxed["status"] == "failed"
    assert "submission module 'good' cannot be imported" in sandboxed["reason"]
    assert evaluate(TEXT, "good:keyword", repeats=1, sandboxed=False)["status"] == "completed"


def test_joblib_pipeline(tfidf_model: Path) -> None:
    run = evaluate(TEXT, str(tfidf_model), repeats=1)
    assert run["status"] == "completed"
    assert run["accuracy"] > 0.8
    assert "TF-IDF" in run["description"]


def test_onnx_model(tmp_path: Path) -> None:
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import StringTensorType
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from frugalkit.bench.data import load_task_data

    data = load_task_data(TEXT)
    # lowercase=False: onnxruntime's lower-casing needs a system locale CI may not have
    model = Pipeline(
        [("tfidf", TfidfVectorizer(lowercase=False)), ("clf", LogisticRegression(max_iter=500))]
    )
    model.fit(data.train.inputs, data.train.labels)
    options = {id(model.steps[1][1]): {"zipmap": False}}
    onnx_model = to_onnx(
        model, initial_types=[("input", StringTensorType([None, 1]))], options=options
    )
    path = tmp_path / "model.onnx"
    path.write_bytes(onnx_model.SerializeToString())
    run = evaluate(TEXT, str(path), repeats=1)
    assert run["status"] == "completed", run.get("reason")
    assert run["kind"] == "onnx"
    assert run["accuracy"] == pytest.approx(model.score(data.test.inputs, data.test.labels))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("raises", "the submission raised an exception in predict(): ValueError: secret sample"),
        ("too_few", "predict() returned unusable predictions: predict() returned 79 predictions"),
        ("unknown", "predict() returned unusable predictions: prediction 0 is an unknown label"),
        ("nan", "predict() returned unusable predictions: prediction 0 is nan"),
        ("crash", "the evaluation process ended without answering during predict(): exit code 3"),
    ],
)
def test_a_bad_submission_is_a_failed_run_with_its_reason(
    submissions: Path, name: str, reason: str
) -> None:
    run = evaluate(TEXT, f"{submissions}/bad.py:{name}", repeats=1)
    assert run["status"] == "failed"
    assert run["reason"].startswith(reason)
    assert "\n" not in run["reason"]
    assert run["reports"] == [] and run["accuracy"] is None


def test_private_test_set_keeps_samples_out(submissions: Path) -> None:
    failed = evaluate(TEXT, f"{submissions}/bad.py:raises", repeats=1, private=True)
    assert failed["reason"] == "the submission raised an exception in predict()"
    ok = evaluate(TEXT, f"{submissions}/good.py:keyword", repeats=1, private=True)
    assert ok["private"] and "confusion_matrix" not in ok["payload"]["metrics"]
    assert "accuracy" in ok["payload"]["metrics"]


def test_time_limit_kills_the_whole_process_tree(
    submissions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trusted path's supervisor (the sandbox's group is killed whole: test_sandbox)."""
    pidfile = tmp_path / "grandchild.pid"  # where bad.py:sleeps writes its child's pid
    started = time.monotonic()
    run = evaluate(TEXT, f"{submissions}/bad.py:sleeps", repeats=1, time_limit_s=5, sandboxed=False)
    assert time.monotonic() - started < 30
    assert (
        run["status"] == "failed"
        and run["reason"] == "exceeded the time limit of 5 s during predict()"
    )
    grandchild = int(pidfile.read_text())
    time.sleep(0.2)
    assert not _running(grandchild)


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan waits for PID 1 to reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_memory_limit(submissions: Path) -> None:
    run = evaluate(TEXT, f"{submissions}/bad.py:hog", repeats=1, memory_limit_mb=1536)
    assert run["status"] == "failed"
    assert "memory limit" in run["reason"]


def test_unknown_spec_is_refused_before_running() -> None:
    from frugalkit.errors import InputError

    with pytest.raises(InputError, match=r"expected path\.py:NAME"):
        evaluate(TEXT, "model.bin", repeats=1)
