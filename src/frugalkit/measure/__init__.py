"""Measurement: meters for the hardware, runs that turn readings into ImpactReports."""

from frugalkit.measure.tracker import Run, track

__all__ = ["Run", "track"]
