"""Meters: each knows one kind of hardware and reports cumulative energy per domain.

A meter's `read()` returns joules since the meter was created, per domain; a window
subtracts two readings. Meters that need polling (GPUs without an energy counter, the
memory estimate, RAPL's wrap guard) poll only while a run holds them (`acquire`).
"""

from frugalkit.measure.meters.base import Meter, MeterUnavailable

__all__ = ["Meter", "MeterUnavailable"]
