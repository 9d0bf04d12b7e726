"""One control group per sandbox: the limits the kernel enforces on the whole of it, the
CPU time and memory it used (whatever its processes did to each other), and its end.

cgroup v1 (one hierarchy per controller: memory, pids, cpuacct, freezer) and cgroup v2
(one unified hierarchy) are both handled. The group is made below the runner's own group,
or below FRUGALKIT_CGROUP_PARENT (a delegated v2 directory, for a runner that is not
root). Memory counts what its processes map and what they put in tmpfs, /dev/shm and
memfds (shmem is charged to the group that touches it), so a limit here covers all three.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from frugalkit.errors import ConfigError

ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpuacct", "freezer")
V2_CONTROLLERS = ("memory", "pids", "cpu")
NS_PER_S = 1e9
US_PER_S = 1e6


class CgroupUnavailable(ConfigError):
    """No control group can be made here; the message says what to set up."""


def _own_paths() -> dict[str, str]:
    """controller -> this process's group path, from /proc/self/cgroup ('' -> v2)."""
    found: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            found[name] = path
    return found


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def _read_int(path: Path, default: int = 0) -> int:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return default


def _flat_keys(path: Path) -> dict[str, int]:
    """A 'key value' file (memory.stat, pids.events, cpu.stat, memory.events)."""
    values: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            with contextlib.suppress(ValueError):
                values[key] = int(value)
    return values


class Cgroup:
    """A new, empty group named `name` with `memory_bytes` and `pids_max` enforced by the
    kernel. `cpu_s()` and `memory_bytes()` measure it; `kill()` ends every process in it;
    `remove()` deletes it. Use `Cgroup.create`."""

    def __init__(self, version: int, dirs: dict[str, Path], label: str) -> None:
        self.version = version
        self.dirs = dirs  # controller -> directory (v2: one directory under the key "")
        self.label = label

    # -- making one --------------------------------------------------------------------
    @classmethod
    def create(cls, name: str, *, memory_bytes: int, pids_max: int) -> Cgroup:
        parent = os.environ.get("FRUGALKIT_CGROUP_PARENT", "")
        if parent or (ROOT / "cgroup.controllers").exists():
            group = cls._create_v2(Path(parent) if parent else None, name)
        else:
            group = cls._create_v1(name)
        try:
            group._limit(memory_bytes, pids_max)
        except OSError as exc:
            group.remove()
            raise CgroupUnavailable(f"cannot set the sandbox's limits: {exc}") from None
        return group

    @classmethod
    def _create_v1(cls, name: str) -> Cgroup:
        own = _own_paths()
        dirs: dict[str, Path] = {}
        try:
            for controller in V1_CONTROLLERS:
                if controller not in own or not (ROOT / controller).is_dir():
                    raise CgroupUnavailable(
                        f"the cgroup v1 controller {controller!r} is not mounted at "
                        f"{ROOT / controller}"
                    )
                directory = ROOT / controller / own[controller].lstrip("/") / name
                directory.mkdir()
                dirs[controller] = directory
        except OSError as exc:
            cls(1, dirs, name).remove()
            raise CgroupUnavailable(
                f"cannot make a control group ({exc.strerror}: {exc.filename}); run the "
                "evaluation as root, or on cgroup v2 set FRUGALKIT_CGROUP_PARENT to a "
                "delegated group"
            ) from None
        return cls(1, dirs, name)

    @classmethod
    def _create_v2(cls, parent: Path | None, name: str) -> Cgroup:
        base = parent or ROOT / _own_paths().get("", "/").lstrip("/")
        try:
            enabled = set((base / "cgroup.subtree_control").read_text().split())
            missing = [c for c in V2_CONTROLLERS if c not in enabled]
            if missing:
                _write(base / "cgroup.subtree_control", " ".join(f"+{c}" for c in missing))
            directory = base / name
            directory.mkdir()
        except OSError as exc:
            raise CgroupUnavailable(
                f"cannot make a control group under {base} ({exc.strerror}); set "
                "FRUGALKIT_CGROUP_PARENT to a cgroup v2 directory delegated to this user "
                "whose own processes live elsewhere (systemd-run --user -p Delegate=yes)"
            ) from None
        return cls(2, {"": directory}, name)

    def _limit(self, memory_bytes: int, pids_max: int) -> None:
        if self.version == 1:
            memory = self.dirs["memory"]
            _write(memory / "memory.limit_in_bytes", str(memory_bytes))
            swap = memory / "memory.memsw.limit_in_bytes"
            if swap.exists():  # memory + swap: no escape into swap either
                _write(swap, str(memory_bytes))
            _write(self.dirs["pids"] / "pids.max", str(pids_max))
        else:
            directory = self.dirs[""]
            _write(directory / "memory.max", str(memory_bytes))
            if (directory / "memory.swap.max").exists():
                _write(directory / "memory.swap.max", "0")
            _write(directory / "pids.max", str(pids_max))

    # -- joining -----------------------------------------------------------------------
    @property
    def procs_files(self) -> list[str]:
        """The files a process writes its pid to in order to join (every hierarchy)."""
        return [str(d / "cgroup.procs") for d in self.dirs.values()]

    def pids(self) -> list[int]:
        directory = self.dirs["memory"] if self.version == 1 else self.dirs[""]
        try:
            return [int(p) for p in (directory / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    # -- measuring ---------------------------------------------------------------------
    def cpu_s(self) -> float:
        """CPU time (user + system) of every process that ever ran in the group, s."""
        if self.version == 1:
            return _read_int(self.dirs["cpuacct"] / "cpuacct.usage") / NS_PER_S
        return _flat_keys(self.dirs[""] / "cpu.stat").get("usage_usec", 0) / US_PER_S

    def memory_bytes(self) -> int:
        """Memory its processes hold now: anonymous memory plus shmem (tmpfs, /dev/shm,
        memfds). Page cache of the libraries it read is left out: the kernel reclaims it
        before it would count against the limit."""
        if self.version == 1:
            stat = _flat_keys(self.dirs["memory"] / "memory.stat")
            return stat.get("total_rss", 0) + stat.get("total_shmem", 0)
        stat = _flat_keys(self.dirs[""] / "memory.stat")
        return stat.get("anon", 0) + stat.get("shmem", 0)

    def oom_kills(self) -> int:
        """How many times the kernel hit the memory limit (v1: failures to charge)."""
        if self.version == 1:
            control = _flat_keys(self.dirs["memory"] / "memory.oom_control")
            return control.get("oom_kill", _read_int(self.dirs["memory"] / "memory.failcnt"))
        return _flat_keys(self.dirs[""] / "memory.events").get("oom_kill", 0)

    def pids_refused(self) -> int:
        """How many forks the process limit refused."""
        directory = self.dirs["pids"] if self.version == 1 else self.dirs[""]
        return _flat_keys(directory / "pids.events").get("max", 0)

    # -- ending ------------------------------------------------------------------------
    def kill(self, timeout_s: float = 5.0) -> None:
        """SIGKILL every process of the group, frozen first so that none can fork away."""
        if self.version == 2 and (self.dirs[""] / "cgroup.kill").exists():
            with contextlib.suppress(OSError):
                _write(self.dirs[""] / "cgroup.kill", "1")
        else:
            freezer = self.dirs.get("freezer")
            if freezer is not None:
                with contextlib.suppress(OSError):
                    _write(freezer / "freezer.state", "FROZEN")
            for pid in self.pids():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if freezer is not None:
                with contextlib.suppress(OSError):
                    _write(freezer / "freezer.state", "THAWED")  # the kill lands on thaw
        deadline = time.monotonic() + timeout_s
        while self.pids() and time.monotonic() < deadline:
            for pid in self.pids():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)

    def remove(self) -> None:
        """Delete the group (after kill()); a group that still has processes is left."""
        for directory in self.dirs.values():
            for _ in range(50):
                try:
                    directory.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)  # processes killed a moment ago are still leaving
