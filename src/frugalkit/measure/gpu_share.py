"""A shared GPU's energy in a window split between the processes that used it (issue 25).

NVML counts a whole device: two jobs on one GPU each reported all of it. Here a window's
device energy is cut in two:
- idle: the device's idle power (the lowest draw read while no compute process ran, see
  `meters/gpu_activity.py`) times the window, stated apart and charged to nobody;
- active: the rest, split by each process's share of the SM utilisation samples in the
  window (% x seconds); where the driver gives no samples, by its share of GPU memory held
  (byte x seconds).
The shares of all processes add up to one, so the jobs' energies and the idle part add up to
the device's counter. A GPU in MIG mode is shared by its instances in use, by their compute
slices, then within each by memory held. The band spans both shares (SM and memory) where
both exist: they are two readings of "how much of the GPU was this job's", and neither is
exact (NVIDIA publishes no per-process energy). Where the driver reports neither, the whole
device is counted, as before, and the note says so. Process ids are NVML's: inside a
container with its own PID namespace they are the host's: when none of the GPU's processes is
visible here, the whole device is counted, as before, and the note says why.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def _window(before: dict[int, float], after: dict[int, float]) -> dict[int, float]:
    return {pid: max(v - before.get(pid, 0.0), 0.0) for pid, v in after.items()}


def _share(used: dict[int, float], mine: set[int]) -> float | None:
    total = sum(used.values())
    return None if total <= 0 else sum(v for pid, v in used.items() if pid in mine) / total


def _mig_share(used: dict[int, float], after: dict[str, Any], mine: set[int]) -> float:
    """Under MIG: the parent GPU's active energy shared by the instances that held work, in
    proportion to their compute slices, then within each instance by memory held."""
    slices: list[int] = after["instance_slices"]
    instance_of: dict[int, int] = after["instance_of"]
    held: dict[int, float] = {}
    for pid, amount in used.items():
        slot = instance_of.get(pid)
        if slot is not None and amount > 0:
            held[slot] = held.get(slot, 0.0) + amount
    busy_slices = sum(slices[slot] for slot in held)
    if busy_slices <= 0:
        return 0.0
    return sum(
        slices[slot] / busy_slices * amount / held[slot]
        for pid, amount in used.items()
        if pid in mine and (slot := instance_of.get(pid)) in held
    )


def _whole(device_j: float, why: str) -> dict[str, Any]:
    return {"j": device_j, "low_j": device_j, "high_j": device_j, "idle_j": 0.0, "share": None,
            "method": f"{why}: the whole device counted"}  # fmt: skip


def _visible(pid: int) -> bool:
    return os.path.exists(f"/proc/{pid}")


def split(
    device_j: float,
    window_s: float,
    before: dict[str, Any],
    after: dict[str, Any],
    mine: set[int],
    visible: Callable[[int], bool] = _visible,
) -> dict[str, Any]:
    """This run's part of one device's `device_j` joules over `window_s` seconds, from the
    device's activity totals at the window's edges and the run's process ids `mine`."""
    sm = _share(_window(before["sm_pct_s"], after["sm_pct_s"]), mine)
    memory = _share(_window(before["memory_byte_s"], after["memory_byte_s"]), mine)
    if after.get("instance_slices") and memory is not None:
        memory = _mig_share(_window(before["memory_byte_s"], after["memory_byte_s"]), after, mine)
    if sm is None and memory is None:
        if after["sm_supported"] or after["memory_supported"]:
            return {"j": 0.0, "low_j": 0.0, "high_j": 0.0, "idle_j": device_j, "share": 0.0,
                    "method": "no process used the GPU in the window: all idle"}  # fmt: skip
        return _whole(device_j, "no per-process samples from the driver")
    users = set(after["sm_pct_s"]) | set(after["memory_byte_s"])
    if not mine & users and not any(visible(pid) for pid in users):
        # inside a container with its own PID namespace NVML names the host's processes:
        # none is this run's, and none is even visible, so the split cannot be made
        return _whole(device_j, "the GPU's processes are not visible here (another PID "
                      "namespace, as in a container)")  # fmt: skip
    idle_w = after["idle_w"]
    idle_j = min(idle_w * window_s, device_j) if idle_w is not None else 0.0
    active_j = device_j - idle_j
    share = sm if sm is not None else memory
    assert share is not None
    other = memory if memory is not None else share
    low, high = min(share, other), max(share, other)
    how = "SM utilisation samples" if sm is not None else "GPU memory held (no SM samples)"
    if after.get("instance_slices"):
        how = ("MIG instances in use, by their compute slices, then of the GPU memory held "
               "within each (NVML gives no per-process SM samples under MIG)")  # fmt: skip
    idle = (
        f"idle {idle_w:.0f} W stated apart" if idle_w is not None
        else "idle power never observed (the GPU was never free): idle is in the shares"
    )  # fmt: skip
    if share == 0:
        how += "; the run's processes held nothing on this GPU while others did"
    return {
        "j": active_j * share,
        "low_j": active_j * low,
        "high_j": active_j * high,
        "idle_j": idle_j,
        "share": share,
        "method": f"split by the run's share of {how}; {idle}",
    }
