"""frugalkit: measure, compare and reduce the environmental footprint of AI.

`import frugalkit` stays light (a few milliseconds): everything heavy is imported on
first use, so that tracking a run costs almost nothing.

>>> import frugalkit
>>> with frugalkit.track("train", phase="training", units=4872) as run:  # doctest: +SKIP
...     model.fit(X, y)
"""

from __future__ import annotations

from frugalkit._version import __version__

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs milliseconds
if TYPE_CHECKING:
    from typing import Any

    from frugalkit.measure import Run, track

__all__ = ["Run", "__version__", "track"]


def __getattr__(name: str) -> Any:
    if name in ("track", "Run"):
        from frugalkit import measure

        return getattr(measure, name)
    raise AttributeError(f"module 'frugalkit' has no attribute {name!r}")
