from __future__ import annotations

from collections.abc import Iterator

import pytest

from frugalkit.measure import registry


@pytest.fixture(autouse=True)
def fresh_meters() -> Iterator[None]:
    """Each test discovers hardware anew (some swap in fake hardware)."""
    registry.reset()
    yield
    registry.reset()
