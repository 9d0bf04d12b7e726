"""Images and YOLO boxes for the wildfire-smoke task.

A box is `[x_center, y_center, width, height]`, normalised to [0, 1] as in YOLO label
files (`class x_center y_center width height`, one line per box); an empty annotation
means no smoke.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import numpy as np

from frugalkit.errors import InputError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
Box = list[float]


def box_problem(box: Any) -> str | None:
    """Why a box is unusable, or None: four finite numbers, inside [0, 1], positive size."""
    try:
        x, y, w, h = (float(v) for v in box)
    except (TypeError, ValueError):
        return f"a box must be 4 numbers [x_center, y_center, width, height], got {box!r}"[:120]
    if not all(math.isfinite(v) for v in (x, y, w, h)):
        return "a box holds NaN or infinity"
    if w <= 0 or h <= 0:
        return f"a box has a negative or zero size ({w:g} x {h:g})"
    if x - w / 2 < -1e-6 or y - h / 2 < -1e-6 or x + w / 2 > 1 + 1e-6 or y + h / 2 > 1 + 1e-6:
        return f"a box lies outside [0, 1]: {[round(v, 3) for v in (x, y, w, h)]}"
    return None


def parse_yolo(text: str | None, name: str) -> list[Box]:
    boxes = []
    for number, line in enumerate((text or "").strip().splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 5:
            raise InputError(
                f"{name} line {number}: expected 'class x_center y_center width height'"
            )
        box = [float(v) for v in parts[1:]]
        problem = box_problem(box)
        if problem:
            raise InputError(f"{name} line {number}: {problem}")
        boxes.append(box)
    return boxes


def decode_image(value: Any, name: str) -> np.ndarray[Any, Any]:
    """An RGB uint8 array from a PIL image, encoded bytes, {bytes}, a path or an array."""
    if isinstance(value, np.ndarray):
        return value
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise InputError("reading images needs Pillow: pip install pillow") from None
    if isinstance(value, dict) and value.get("bytes"):
        value = value["bytes"]
    try:
        image: Image.Image
        if isinstance(value, bytes | bytearray):
            image = Image.open(io.BytesIO(bytes(value)))
        elif isinstance(value, str | Path):
            image = Image.open(value)
        elif isinstance(value, Image.Image):
            image = value
        else:
            raise InputError(f"{name}: not an image ({type(value).__name__})")
        return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InputError(
            f"{name}: not a readable image ({str(exc).splitlines()[0][:120]})"
        ) from None


def folder_rows(folder: Path) -> list[dict[str, Any]]:
    """A YOLO folder: images/NAME.jpg with labels/NAME.txt (none or empty: no smoke)."""
    images = folder / "images"
    if not images.is_dir():
        raise InputError(f"{folder} is not a YOLO folder: it has no images/ (and labels/)")
    rows = []
    for path in sorted(p for p in images.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        label = folder / "labels" / f"{path.stem}.txt"
        rows.append(
            {"image": str(path), "annotations": label.read_text() if label.exists() else ""}
        )
    if not rows:
        raise InputError(f"{images} holds no .jpg or .png image")
    return rows
