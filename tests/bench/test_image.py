"""The wildfire-smoke task: boxes, images from files, their defects, the baseline."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.baselines import train_baseline
from frugalkit.bench.data import load_task_data
from frugalkit.bench.data.image import decode_image, parse_yolo
from frugalkit.bench.metrics import detection_metrics, iou
from frugalkit.bench.predictions import BadPredictions, normalise
from frugalkit.bench.serve import create_submission_app
from frugalkit.errors import InputError

IMAGE = get_task("image")


def test_iou_and_the_original_metrics() -> None:
    assert iou([0.5, 0.5, 0.4, 0.4], [0.6, 0.5, 0.4, 0.4]) == pytest.approx(0.12 / 0.2)
    truth = [[[0.5, 0.5, 0.2, 0.2]], [], [[0.3, 0.3, 0.2, 0.2]], []]
    predicted = [
        {"smoke": True, "boxes": [[0.9, 0.9, 0.1, 0.1], [0.5, 0.5, 0.2, 0.2]]},  # best box counts
        {"smoke": True, "boxes": [[0.2, 0.2, 0.1, 0.1]]},  # false alarm
        {"smoke": False, "boxes": []},  # missed: IoU 0
        {"smoke": False, "boxes": []},
    ]
    metrics = detection_metrics(truth, predicted)
    assert metrics["classification_accuracy"] == 0.5
    assert metrics["mean_iou"] == pytest.approx(0.5)  # (1.0 + 0.0) / 2 images with smoke
    assert (metrics["precision_smoke"], metrics["recall_smoke"]) == (0.5, 0.5)


@pytest.mark.parametrize(
    ("prediction", "reason"),
    [
        ({"smoke": True, "boxes": [[0.95, 0.5, 0.2, 0.2]]}, "outside [0, 1]"),
        ({"smoke": True, "boxes": [[0.5, 0.5, -0.1, 0.2]]}, "negative or zero size"),
        ({"smoke": True, "boxes": [[0.5, float("nan"), 0.1, 0.1]]}, "NaN"),
        ({"smoke": "maybe", "boxes": []}, "smoke must be true or false"),
        ("smoke", "not boxes"),
    ],
)
def test_unusable_predictions_are_refused(prediction: object, reason: str) -> None:
    with pytest.raises(BadPredictions, match=re.escape(reason)):
        normalise(IMAGE, [prediction], 1)


def test_a_list_of_boxes_is_a_prediction_too() -> None:
    assert normalise(IMAGE, [[], [[0.5, 0.5, 0.2, 0.2]]], 2) == [
        {"smoke": False, "boxes": []},
        {"smoke": True, "boxes": [[0.5, 0.5, 0.2, 0.2]]},
    ]


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_yolo_folder(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    for i in range(10):
        (tmp_path / "images" / f"cam{i}.png").write_bytes(_png((i * 20, 100, 200)))
        if i % 2:
            (tmp_path / "labels" / f"cam{i}.txt").write_text("0 0.5 0.4 0.2 0.3\n")
    (tmp_path / "labels" / "cam2.txt").write_text("")  # empty: no smoke
    data = load_task_data(IMAGE, str(tmp_path))
    assert (len(data.train), len(data.test)) == (8, 2)
    everything = data.train.labels + data.test.labels
    assert sorted(len(b) for b in everything) == [0] * 5 + [1] * 5
    assert data.train.inputs[0].shape == (24, 32, 3)


def test_bad_annotations_and_corrupt_images(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="line 1: a box lies outside"):
        parse_yolo("0 0.9 0.5 0.4 0.2", "cam1.txt")
    with pytest.raises(InputError, match="expected 'class x_center"):
        parse_yolo("0 0.5 0.5", "cam1.txt")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated jpeg")
    with pytest.raises(InputError, match=r"broken\.jpg: not a readable image"):
        decode_image(str(broken), str(broken))
    with pytest.raises(InputError, match="row 4: not a readable image"):
        decode_image({"bytes": b"GIF89a nonsense"}, "row 4")


def test_grid_baseline_clearly_beats_majority_on_both_metrics(home: Path) -> None:
    runs = {}
    for name in ("majority", "grid-cells"):
        card = train_baseline(home, IMAGE, name)
        runs[name] = evaluate(IMAGE, card["path"], repeats=1)
        assert runs[name]["status"] == "completed", runs[name].get("reason")
    grid, majority = (runs[n]["payload"]["metrics"] for n in ("grid-cells", "majority"))
    assert grid["classification_accuracy"] >= majority["classification_accuracy"] + 0.2
    assert grid["mean_iou"] >= majority["mean_iou"] + 0.2
    assert set(runs["grid-cells"]["payload"]["energy"]["windows_wh_median"]) == {
        "preprocess",
        "model",
    }


def test_image_route_answers_the_original_fields(home: Path) -> None:
    card = train_baseline(home, IMAGE, "majority")
    client = TestClient(create_submission_app(card["path"]))
    body = {"test_size": 0.2, "test_seed": 42, "dataset_name": "frugalkit/image-demo"}
    answer = client.post("/image", json=body).json()
    assert {"classification_accuracy", "mean_iou"} <= set(answer) and "accuracy" not in answer
    assert answer["api_route"] == "/image"
    assert 0 <= answer["mean_iou"] <= 1


def test_builtin_scenes_are_deterministic_with_valid_boxes() -> None:
    data = load_task_data(IMAGE)
    again = load_task_data(IMAGE)
    assert all(
        np.array_equal(a, b) for a, b in zip(data.test.inputs, again.test.inputs, strict=True)
    )
    boxes = [b for image_boxes in data.train.labels for b in image_boxes]
    assert len(boxes) > 100 and all(0 < w <= 1 and 0 < h <= 1 for _, _, w, h in boxes)
