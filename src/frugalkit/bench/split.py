"""The challenge's deterministic split, exactly as Hugging Face `datasets` makes it."""

from __future__ import annotations

import math

import numpy as np


def train_test_indices(
    n_samples: int, test_size: float = 0.2, seed: int = 42
) -> tuple[list[int], list[int]]:
    """Indices of the train and test parts: the same as
    `Dataset.train_test_split(test_size=test_size, seed=seed)` in Hugging Face datasets
    (n_test = ceil(test_size x n); a permutation from numpy's default_rng(seed); the
    first n_test indices are the test part), so a split made here matches the one the
    original challenge evaluated on.

    >>> train, test = train_test_indices(10, 0.2, 42)
    >>> len(train), len(test)
    (8, 2)
    """
    from frugalkit.errors import InputError

    if not 0 < test_size < 1:
        raise InputError(f"test_size must be between 0 and 1 (got {test_size})")
    n_test = math.ceil(test_size * n_samples)
    if n_samples - n_test < 1:
        raise InputError(f"{n_samples} samples are too few to split with test_size {test_size}")
    permutation = np.random.default_rng(seed).permutation(n_samples)
    return [int(i) for i in permutation[n_test:]], [int(i) for i in permutation[:n_test]]
