"""Image-task baselines, as scikit-learn estimators whose predict() returns, per image,
{"smoke": bool, "boxes": [[x_center, y_center, width, height], ...]} (normalised)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

Array = np.ndarray[Any, Any]
Prediction = dict[str, Any]


class RandomSmoke(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Smoke with probability 1/2, and then one random box: the organisers' random baseline."""

    def __init__(self, random_state: int = 42) -> None:
        self.random_state = random_state

    def fit(self, images: Any, boxes: Any) -> RandomSmoke:
        self.rng_ = np.random.default_rng(self.random_state)
        return self

    def predict(self, images: Any) -> list[Prediction]:
        out = []
        for _ in range(len(images)):
            if self.rng_.random() < 0.5:
                out.append({"smoke": False, "boxes": []})
                continue
            w, h = self.rng_.uniform(0.05, 0.4, size=2)
            x, y = self.rng_.uniform(w / 2, 1 - w / 2), self.rng_.uniform(h / 2, 1 - h / 2)
            out.append({"smoke": True, "boxes": [[x, y, w, h]]})
        return out


class MajoritySmoke(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """The most frequent answer of the training set; when that is smoke, the mean box."""

    def fit(self, images: Any, boxes: Any) -> MajoritySmoke:
        with_smoke = [b for b in boxes if b]
        self.smoke_ = len(with_smoke) * 2 > len(boxes)
        self.box_ = np.mean([b[0] for b in with_smoke], axis=0).tolist() if with_smoke else None
        return self

    def predict(self, images: Any) -> list[Prediction]:
        answer = {"smoke": self.smoke_, "boxes": [self.box_] if self.smoke_ and self.box_ else []}
        return [dict(answer) for _ in range(len(images))]


class GridCellFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Colour and texture of each cell of a rows x cols grid, per image: mean R, G, B,
    grey contrast, saturation, brightness against the image's, vertical and horizontal
    gradients, and the cell's height in the frame."""

    def __init__(self, rows: int = 6, cols: int = 8) -> None:
        self.rows = rows
        self.cols = cols

    def fit(self, images: Any, boxes: Any = None) -> GridCellFeatures:
        self.n_cells_ = self.rows * self.cols  # nothing to learn; marks the step as fitted
        return self

    def transform(self, images: Any) -> Array:
        """Images of one size are processed as one batch (a camera's frames usually are)."""
        images = list(images)
        out = np.empty((len(images), self.rows * self.cols * 9), dtype=np.float32)
        by_shape: dict[tuple[int, ...], list[int]] = {}
        for i, image in enumerate(images):
            by_shape.setdefault(np.shape(image), []).append(i)
        for indices in by_shape.values():
            batch = np.stack([np.asarray(images[i]) for i in indices]).astype(np.float32) / 255.0
            out[indices] = self._cells(batch)
        return out

    def _cells(self, batch: Array) -> Array:
        """All cells of all images at once: cropped to a multiple of the grid, reshaped
        to (images, rows, cell height, cols, cell width) so each statistic is one numpy
        reduction."""
        n, height_px, width_px = batch.shape[:3]
        cell_h, cell_w = height_px // self.rows, width_px // self.cols
        batch = batch[:, : cell_h * self.rows, : cell_w * self.cols]
        grey = batch.mean(axis=3)
        brightest, darkest = batch.max(axis=3), batch.min(axis=3)
        saturation = (brightest - darkest) / (brightest + 1e-6)
        dy = np.abs(np.diff(grey, axis=1, append=grey[:, -1:]))
        dx = np.abs(np.diff(grey, axis=2, append=grey[:, :, -1:]))

        def per_cell(plane: Array) -> Array:
            return plane.reshape(n, self.rows, cell_h, self.cols, cell_w, *plane.shape[3:])

        colour = per_cell(batch).mean(axis=(2, 4))  # n, rows, cols, 3
        grey_cells = per_cell(grey)
        rows = (np.arange(self.rows) + 0.5) / self.rows
        height = np.broadcast_to(rows[None, :, None], (n, self.rows, self.cols))
        features = np.stack(
            [
                colour[..., 0],
                colour[..., 1],
                colour[..., 2],
                grey_cells.std(axis=(2, 4)),
                per_cell(saturation).mean(axis=(2, 4)),
                grey_cells.mean(axis=(2, 4)) - grey.mean(axis=(1, 2))[:, None, None],
                per_cell(dy).mean(axis=(2, 4)),
                per_cell(dx).mean(axis=(2, 4)),
                height,
            ],
            axis=-1,
        )
        return np.asarray(features.reshape(n, -1), dtype=np.float32)


class CellSmokeDetector(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A per-cell classifier (gradient-boosted trees) on GridCellFeatures: an image has
    smoke when a cell fires; its box spans the firing cells connected to the surest one."""

    def __init__(
        self, rows: int = 6, cols: int = 8, threshold: float = 0.5, min_cover: float = 0.25
    ) -> None:
        self.rows = rows
        self.cols = cols
        self.threshold = threshold
        self.min_cover = min_cover

    def _cell_boxes(self) -> list[tuple[float, float, float, float]]:
        return [
            (c / self.cols, r / self.rows, (c + 1) / self.cols, (r + 1) / self.rows)
            for r in range(self.rows)
            for c in range(self.cols)
        ]

    def _cover(self, boxes: list[list[float]]) -> Array:
        """Share of each cell covered by a true box."""
        cover = np.zeros(self.rows * self.cols)
        for i, (x0, y0, x1, y1) in enumerate(self._cell_boxes()):
            for x, y, w, h in boxes:
                ix = max(0.0, min(x1, x + w / 2) - max(x0, x - w / 2))
                iy = max(0.0, min(y1, y + h / 2) - max(y0, y - h / 2))
                cover[i] = max(cover[i], ix * iy * self.rows * self.cols)
        return cover

    def fit(self, features: Any, boxes: Any) -> CellSmokeDetector:
        from sklearn.ensemble import HistGradientBoostingClassifier

        cells = np.asarray(features).reshape(len(boxes) * self.rows * self.cols, -1)
        labels = np.concatenate([self._cover(b) >= self.min_cover for b in boxes])
        self.classifier_ = HistGradientBoostingClassifier(max_iter=150, random_state=0)
        self.classifier_.fit(cells, labels)
        return self

    def predict(self, features: Any) -> list[Prediction]:
        features = np.asarray(features)
        per_image = features.reshape(len(features), self.rows * self.cols, -1)
        probability = self.classifier_.predict_proba(per_image.reshape(-1, per_image.shape[2]))[
            :, 1
        ]
        return [self._answer(p) for p in probability.reshape(len(features), self.rows * self.cols)]

    def _answer(self, probability: Array) -> Prediction:
        if probability.max() < self.threshold:
            return {"smoke": False, "boxes": []}
        grid = (probability >= self.threshold).reshape(self.rows, self.cols)
        region = _connected(grid, divmod(int(probability.argmax()), self.cols))
        rows, cols = zip(*region, strict=True)
        x0, x1 = min(cols) / self.cols, (max(cols) + 1) / self.cols
        y0, y1 = min(rows) / self.rows, (max(rows) + 1) / self.rows
        return {"smoke": True, "boxes": [[(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0]]}


def _connected(grid: Array, start: tuple[int, int]) -> list[tuple[int, int]]:
    """The cells of `grid` connected (4-neighbourhood) to `start`."""
    seen, stack = {start}, [start]
    while stack:
        r, c = stack.pop()
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if (
                0 <= nr < grid.shape[0]
                and 0 <= nc < grid.shape[1]
                and grid[nr, nc]
                and (nr, nc) not in seen
            ):
                seen.add((nr, nc))
                stack.append((nr, nc))
    return sorted(seen)
