"""Is the process that measures a run still alive? Linux /proc, robust to pid reuse.

A process is named by the machine's boot id, its pid and its start time in clock ticks
after boot (field 22 of /proc/PID/stat): a pid reused by another program, or the same pid
after a reboot, does not match.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id"
STAT_START_FIELD = 21  # 0-based index of `starttime` once the command name is cut off


def _boot_id() -> str | None:
    try:
        with open(BOOT_ID_PATH, encoding="ascii") as f:
            return f.read().strip()
    except OSError:
        return None


def _start_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name is in parentheses and may itself hold spaces or parentheses.
    fields = stat[stat.rindex(b")") + 2 :].split()
    if fields[0] in (b"Z", b"X"):
        return None  # dead, waiting for its parent to collect its exit status
    return int(fields[STAT_START_FIELD - 2])


def this_process() -> dict[str, Any] | None:
    """This process's reference, or None where /proc cannot tell (not Linux)."""
    boot_id, ticks = _boot_id(), _start_ticks(os.getpid())
    if boot_id is None or ticks is None:
        return None
    return {"boot_id": boot_id, "pid": os.getpid(), "start_ticks": ticks}


def is_gone(hostname: str, process: dict[str, Any] | None) -> bool:
    """True only when certain: the process ran on this machine and no longer exists.

    A run measured on another machine, or without a process reference, is left alone."""
    if process is None or hostname != os.uname().nodename:
        return False
    boot_id = _boot_id()
    if boot_id is None:
        return False
    if boot_id != process["boot_id"]:
        return True  # this machine restarted since
    return _start_ticks(int(process["pid"])) != int(process["start_ticks"])
