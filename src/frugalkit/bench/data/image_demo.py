"""A built-in demonstration set for the wildfire-smoke task, synthesised for frugalkit.

Ground-camera scenes, 128 x 96: a sky gradient, one to three ridgelines, and, in half of
them, a smoke plume rising from a ridge and drifting with the wind, with its YOLO box.
Distractors appear in both classes: clouds (bright, soft, high in the sky), fog (a haze
band over the far ridges) and sun glare. Deterministic (seed 42). See IMAGE_DATACARD.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SEED = 42
VERSION = 1
PER_CLASS = 150
HEIGHT, WIDTH = 96, 128
Array = np.ndarray[Any, Any]
YY, XX = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)


def _blend(image: Array, colour: Array, alpha: Array) -> Array:
    return np.asarray(image * (1 - alpha[..., None]) + colour * alpha[..., None])


def _blob(cx: float, cy: float, rx: float, ry: float) -> Array:
    return np.asarray(np.exp(-(((XX - cx) / rx) ** 2 + ((YY - cy) / ry) ** 2)))


def scene(rng: np.random.Generator, smoke: bool) -> tuple[Array, list[list[float]]]:
    top = rng.uniform([60, 110, 180], [120, 170, 235])
    bottom = rng.uniform([170, 190, 210], [230, 235, 250])
    image = top + (bottom - top) * (YY / HEIGHT)[..., None]
    if rng.random() < 0.3:  # sun glare
        glare = np.clip(1.2 * _blob(rng.uniform(0, WIDTH), rng.uniform(0, 35), 10, 10), 0, 1)
        image = _blend(image, np.array([255, 250, 225]), glare)
    for _ in range(rng.integers(0, 4)):  # clouds: bright, soft, high
        cx, cy = rng.uniform(0, WIDTH), rng.uniform(5, 35)
        cloud = 0.85 * _blob(cx, cy, rng.uniform(8, 22), rng.uniform(3, 7))
        image = _blend(image, np.array([245, 245, 248]), np.clip(cloud, 0, 1))
    ridges = sorted(rng.uniform(45, 80, size=rng.integers(1, 4)))
    horizon = HEIGHT
    for depth, base in enumerate(ridges):
        phase, amp = rng.uniform(0, 6), rng.uniform(3, 9)
        line = base + amp * np.sin(XX[0] / rng.uniform(12, 30) + phase)
        colour = np.array([40, 70, 35]) * (1 + 0.35 * (len(ridges) - depth)) + rng.normal(0, 8, 3)
        image[line[None, :] <= YY] = np.clip(colour, 0, 255)
        horizon = min(horizon, int(line.min()))
    if rng.random() < 0.3:  # fog over the far ridges
        fog = 0.55 * np.exp(-(((YY - ridges[0]) / 8) ** 2))
        image = _blend(image, np.array([215, 218, 222]), fog)
    boxes: list[list[float]] = []
    if smoke:
        source_x, source_y = rng.uniform(15, WIDTH - 15), rng.uniform(ridges[0] - 2, ridges[0] + 6)
        height, drift = rng.uniform(15, 40), rng.uniform(-0.6, 0.6)
        density = np.zeros((HEIGHT, WIDTH), dtype=np.float32)
        for step in np.linspace(0, 1, 12):
            radius = 2 + 6 * step
            density += _blob(
                source_x + drift * height * step, source_y - height * step, radius, radius * 0.9
            )
        alpha = np.clip(density * rng.uniform(0.35, 0.7), 0, 0.85)
        grey = rng.uniform(150, 215)  # white-grey to grey smoke, faintly blue
        image = _blend(image, np.array([grey, grey, grey + 8]), alpha)
        ys, xs = np.nonzero(alpha > 0.1)
        x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
        box = [(x0 + x1) / 2 / WIDTH, (y0 + y1) / 2 / HEIGHT, (x1 - x0) / WIDTH, (y1 - y0) / HEIGHT]
        boxes.append([float(v) for v in box])
    image += rng.normal(0, 4, image.shape)  # sensor noise
    return np.clip(image, 0, 255).astype(np.uint8), boxes


def generate(
    per_class: int = PER_CLASS, seed: int = SEED
) -> tuple[list[Array], list[list[list[float]]]]:
    """(images, boxes per image): `per_class` scenes with smoke and without, shuffled."""
    rng = np.random.default_rng(seed)
    items = [scene(rng, smoke) for _ in range(per_class) for smoke in (True, False)]
    order = rng.permutation(len(items))
    return [items[i][0] for i in order], [items[i][1] for i in order]
