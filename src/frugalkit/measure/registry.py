"""Process-wide meters, created on first use and shared by every run of a scope."""

from __future__ import annotations

import os
import sys
import threading

from frugalkit.measure import host
from frugalkit.measure.meters.base import MeterUnavailable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from frugalkit.measure.meters.base import Meter
    from frugalkit.measure.proctree import Root

# Where the NVIDIA kernel driver announces itself on Linux: without it, NVML cannot work
# and importing pynvml (tens of milliseconds) is skipped.
AMD_GPU_DRIVER = "/dev/kfd"  # ROCm's kernel driver: an AMD GPU is there to be read
NVIDIA_DRIVER = "/proc/driver/nvidia/version"
_lock = threading.Lock()
_meters: dict[str, list[Meter]] = {}
_gpus: list[dict[str, object]] = []


def _counters() -> list[Meter]:
    from frugalkit.measure.meters.rapl import RaplMeter

    found: list[Meter] = []
    try:
        found.append(RaplMeter())
    except MeterUnavailable as exc:
        warn_once("rapl", f"CPU and RAM energy will be estimated: {exc}")
    if os.path.exists(NVIDIA_DRIVER) or not os.path.isdir("/proc"):
        from frugalkit.measure.meters.nvml import NvmlMeter

        try:
            nvml = NvmlMeter()
            found.append(nvml)
            _gpus.extend({"index": d.index, "name": d.name} for d in nvml.devices)
        except MeterUnavailable:
            pass  # no GPU is the common case, not worth a word
    if os.path.exists(AMD_GPU_DRIVER) and not any(m.name == "nvml" for m in found):
        from frugalkit.measure.meters.amdsmi_meter import AmdSmiMeter

        try:
            amd = AmdSmiMeter()
            found.append(amd)
            _gpus.extend(amd.devices)
        except MeterUnavailable as exc:
            warn_once("amdsmi", f"AMD GPU energy will be estimated: {exc}")
    return found


def warn(message: str) -> None:
    """A warning on stderr. Through `logging` when the program uses it (so that its
    configuration applies); else written directly in logging's own default format,
    because importing logging costs ~8 ms on every run of a machine without counters."""
    if "logging" in sys.modules:
        sys.modules["logging"].getLogger("frugalkit.measure").warning(message)
    else:
        sys.stderr.write(f"{message}\n")


def warn_once(key: str, message: str) -> None:
    """`message` the first time on this machine since it started (issue 23: the RAPL notice
    on every command): a marker per user and message in the temporary directory. Every
    report states its method anyway."""
    import zlib

    folder = os.environ.get("TMPDIR") or "/tmp"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    marker = os.path.join(folder, f"frugalkit-{uid}-{key}-{zlib.crc32(message.encode()):08x}")
    try:
        with open(marker, "x"):
            pass
    except FileExistsError:
        return
    except OSError:
        pass  # no writable temporary directory: say it every time rather than never
    warn(f"{message} (said once on this machine; each report states its method)")


def meters(scope: str) -> list[Meter]:
    """Counters first (RAPL, NVML), then the estimate that fills what they do not cover."""
    from frugalkit.measure.meters.estimate import EstimateMeter

    with _lock:
        _ensure_counters()
        if scope not in _meters:
            _meters[scope] = [
                *_meters["counters"],
                EstimateMeter(scope, host.cpu_model(), host.virtualised()),
            ]
        return list(_meters[scope])


def _ensure_counters() -> list[Meter]:
    """The machine's counters, discovered once (call with _lock held)."""
    if "counters" not in _meters:
        _meters["counters"] = _counters()
    return _meters["counters"]


def meters_of_tree(root_pid: Root) -> list[Meter]:
    """Meters for another process's tree (the bench measures a submission from outside):
    the shared counters and an estimate of its own, bound to that root."""
    from frugalkit.measure.meters.estimate import EstimateMeter

    with _lock:
        counters = list(_ensure_counters())
    return [*counters, EstimateMeter("process", host.cpu_model(), host.virtualised(), root_pid)]


def gpus() -> list[dict[str, object]]:
    """The GPUs the NVML meter found (after `meters` ran)."""
    return list(_gpus)


def reset() -> None:
    """Forget every meter (tests swap in fake hardware)."""
    with _lock:
        _meters.clear()
        _gpus.clear()


def gpu_memory_by_pid() -> dict[int, int]:
    """GPU memory in bytes per process, from the shared NVML meter; {} without one."""
    with _lock:
        counters = list(_ensure_counters())
    for meter in counters:
        memory_by_pid = getattr(meter, "memory_by_pid", None)
        if memory_by_pid is not None:
            used: dict[int, int] = memory_by_pid()
            return used
    return {}
