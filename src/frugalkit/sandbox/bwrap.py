"""The bubblewrap command line of one sandbox (bubblewrap: the sandbox Flatpak uses).

Inside: its own PID, network, IPC and UTS namespaces (no other process, no network, not
even loopback); a read-only view of the system's programs and libraries and of Python
with its packages, nothing else of the host (no /etc/shadow, no home, no store, no data
file); the submission's own folder read-only at /submission; an empty writable /tmp and
/dev/shm of bounded size; a scrubbed environment; not root (a root runner drops to
`nobody` with setpriv, no capabilities, no_new_privs). Limits the namespaces cannot set
(memory, processes, CPU time) belong to the cgroup (`sandbox.cgroup`).
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from frugalkit.errors import ConfigError

SUBMISSION_DIR = "/submission"
WORK_DIR = "/tmp"
NOBODY = 65534
# Whole-system folders bound read-only (or re-made as the symlinks they are).
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Files of /etc that programs and the dynamic loader read; the rest of /etc stays out.
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives")
INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)"
)


class SandboxUnavailable(ConfigError):
    """The sandbox cannot start here; the message says what to install or set."""


def python_roots() -> list[str]:
    """Folders Python needs to run frugalkit's worker: its prefixes, its package
    folders and frugalkit's own (an editable install lives in a source tree)."""
    paths = {
        sys.base_prefix,
        sys.prefix,
        *(sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")),
        str(Path(__file__).resolve().parents[2]),  # the folder holding frugalkit
        str(Path(sys.executable).resolve().parent.parent),
    }
    kept: list[str] = []
    for path in sorted(os.path.realpath(p) for p in paths if os.path.isdir(p)):
        covered = any(path == k or path.startswith(k + "/") for k in kept)
        if not covered and not path.startswith("/usr/"):
            kept.append(path)
    return kept


def _parents(path: str) -> list[str]:
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _readable_dirs(paths: list[str]) -> list[str]:
    """bwrap makes missing parent folders 0700 (root's): make them 0755 first, so that
    `nobody` can walk to /root/.pyenv or a virtual environment under /home."""
    made: list[str] = []
    args: list[str] = []
    for path in paths:
        for parent in _parents(path):
            if parent not in made:
                made.append(parent)
                args += ["--perms", "0755", "--dir", parent]
    return args


def command(
    argv: list[str],
    *,
    submission_dir: str | None,
    env: dict[str, str],
    tmp_bytes: int,
    gpu: bool = False,
) -> list[str]:
    """The full command: bwrap's options, then (as root) setpriv, then `argv`."""
    args = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    args += ["--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    for path in SYSTEM:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for name in ETC:
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # A Python under /tmp (a virtual environment made there) is bound after the empty /tmp
    # is mounted: bound before, the tmpfs hid it and every run ended "exit code 127".
    roots = python_roots()
    hidden = [r for r in roots if any(r.startswith(t + "/") for t in (WORK_DIR, "/dev/shm"))]
    early = [r for r in roots if r not in hidden]
    args += _readable_dirs(early)
    for root in early:
        args += ["--ro-bind", root, root]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "01777", "--size", str(tmp_bytes), "--tmpfs", WORK_DIR]
    args += ["--perms", "01777", "--size", str(tmp_bytes), "--tmpfs", "/dev/shm"]
    args += _readable_dirs(hidden)
    for root in hidden:
        args += ["--ro-bind", root, root]
    if submission_dir is not None:
        args += ["--ro-bind", submission_dir, SUBMISSION_DIR]
    if gpu:
        args += gpu_binds()
    for key, value in sorted(env.items()):
        args += ["--setenv", key, value]
    args += ["--chdir", WORK_DIR, "--"]
    if os.geteuid() == 0:
        args += [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "--no-new-privs",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]
    return args + argv


def gpu_binds() -> list[str]:
    """NVIDIA's device nodes and the driver's sysfs, for a submission that asked for GPUs."""
    args: list[str] = []
    for node in sorted(glob.glob("/dev/nvidia*")):
        args += ["--dev-bind", node, node]
    for path in ("/sys", "/etc/nvidia"):
        if os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


@functools.cache
def version() -> str:
    """'bubblewrap 0.8.0'; raises SandboxUnavailable where it cannot run here."""
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable(f"the sandbox needs bubblewrap (bwrap), not found: {INSTALL_HINT}")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        raise SandboxUnavailable("the sandbox drops root with setpriv: apt-get install util-linux")
    probe = command(["true"], submission_dir=None, env={"PATH": "/usr/bin:/bin"}, tmp_bytes=1 << 20)
    try:
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"bubblewrap did not start: {exc}") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1][:300]
        raise SandboxUnavailable(
            f"bubblewrap cannot make its namespaces here ({why}); run as root, or allow "
            "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)"
        )
    out = subprocess.run(["bwrap", "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "bubblewrap"
