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
        return np.stack(
            [self._cells(np.asarray(image, dtype=np.float32) / 255.0) for image in images]
        )

    def _cells(self, image: Array) -> Array:
        height, width = image.shape[:2]
        grey = image.mean(axis=2)
        saturation = (image.max(axis=2) - image.min(axis=2)) / (image.max(axis=2) + 1e-6)
        dy, dx = (
            np.abs(np.diff(grey, axis=0, append=grey[-1:])),
            np.abs(np.diff(grey, axis=1, append=grey[:, -1:])),
        )
        overall = grey.mean()
        features = []
        for r in range(self.rows):
            for c in range(self.cols):
                ys = slice(r * height // self.rows, (r + 1) * height // self.rows)
                xs = slice(c * width // self.cols, (c + 1) * width // self.cols)
                cell = image[ys, xs]
                features.append(
                    [
                        *cell.reshape(-1, 3).mean(axis=0),
                        grey[ys, xs].std(),
                        saturation[ys, xs].mean(),
                        grey[ys, xs].mean() - overall,
                        dy[ys, xs].mean(),
                        dx[ys, xs].mean(),
                        (r + 0.5) / self.rows,
                    ]
                )
        return np.asarray(features, dtype=np.float32).ravel()


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
