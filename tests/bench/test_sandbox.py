"""Every attack of issue 20 as a submission, run in the bubblewrap sandbox: none raises its
own score, touches another's, outlives its run or hides its work from the meters.

The test set is a CSV of 500 quotes with random labels, so a constant answer scores about
1/8 and only a submission that read the labels could score near 1.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.staging import resolve

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="needs Debian's bubblewrap (apt-get install bubblewrap)"
)
TEXT = get_task("text")
FRUGALKIT = str(Path(sys.executable).with_name("frugalkit"))


@pytest.fixture
def random_csv(tmp_path: Path) -> Path:
    rng = random.Random(20)
    path = tmp_path / "quotes.csv"
    rows = [f'"quote number {i} on the climate",{rng.choice(TEXT.labels)}' for i in range(500)]
    path.write_text("quote,label\n" + "\n".join(rows) + "\n")
    return path


def _submission(folder: Path, body: str, name: str = "attack.py") -> Path:
    path = folder / name
    path.write_text(f"LABELS = {list(TEXT.labels)!r}\n" + textwrap.dedent(body))
    return path


def _run(path: Path, data: Path, **options: Any) -> dict[str, Any]:
    options = {"repeats": 1, "time_limit_s": 60.0, **options}
    return evaluate(TEXT, f"{path}:predict", data=str(data), **options)


READ_LABELS = """
    import csv, glob, os
    def _labels():
        for cmdline in glob.glob("/proc/*/cmdline"):
            pid = cmdline.split("/")[2]
            args = open(cmdline, "rb").read().decode(errors="replace").split("\\0")
            for arg in args:
                for place in (arg, f"/proc/{pid}/cwd/{arg}"):
                    if place.endswith(".csv") and os.path.exists(place):
                        return {r["quote"]: r["label"] for r in csv.DictReader(open(place))}
        return {}
    def predict(quotes):
        found = _labels()
        return [found.get(q, LABELS[0]) for q in quotes]
"""


def test_the_runners_command_line_leads_to_no_label(tmp_path: Path, random_csv: Path) -> None:
    """The README's command from a folder holding the files: a relative submission and
    data file (issue 20: accuracy 1.000 on random labels through /proc/<runner>/cmdline)."""
    _submission(tmp_path, READ_LABELS, "my_model.py")
    done = subprocess.run(
        [
            *(FRUGALKIT, "--json", "bench", "run", "--task", "text"),
            *("--submission", "my_model.py:predict", "--data", "quotes.csv", "--repeats", "1"),
        ],
        cwd=tmp_path,
        env={**os.environ, "FRUGALKIT_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert run["status"] == "completed"
    assert run["accuracy"] < 0.3  # chance is 1/8; reading the labels gave 1.0
    assert run["payload"]["isolation"].startswith("bubblewrap")


SNOOP = """
    import os
    SEEN = []
    for root in ("/", "/root", "/home", "/work", "/tmp", os.environ.get("FRUGALKIT_HOME", "/")):
        for folder, dirs, files in os.walk(root):
            if any(folder == p or folder.startswith(p + "/") for p in PYTHON):
                dirs[:] = []  # Python and its packages: public files, bound read-only
                continue
            dirs[:] = [d for d in dirs if folder + d not in ("/proc", "/sys", "/usr", "/dev")]
            SEEN += [f for f in files if f.endswith((".db", ".sqlite", ".csv", ".jsonl", "shadow"))]
    for secret in ("/etc/shadow", "/etc/passwd", "/proc/1/environ"):
        try:
            SEEN.append(secret + ":" + open(secret).read()[:20])
        except OSError:
            pass
    SEEN.append(f"uid={os.getuid()}")
    SEEN += [k for k in os.environ if "DATABASE" in k or "TOKEN" in k]
    class Snoop:
        description = "|".join(SEEN)
        def predict(self, quotes):
            return [LABELS[0]] * len(quotes)
"""


def test_no_store_data_file_secret_or_root_is_within_reach(
    tmp_path: Path, random_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRUGALKIT_DATABASE_URL", f"sqlite:///{tmp_path}/store.db")
    (tmp_path / "store.db").write_bytes(b"")
    from frugalkit.sandbox.bwrap import python_roots

    path = _submission(tmp_path, f"PYTHON = {python_roots()!r}\n" + textwrap.dedent(SNOOP))
    run = evaluate(TEXT, f"{path}:Snoop", data=str(random_csv), repeats=1)
    assert run["status"] == "completed", run["reason"]
    assert run["description"] == "uid=65534"  # no file found, no secret read, not root


def test_writes_outside_its_tmp_fail_and_nothing_outlives_the_run(
    tmp_path: Path, random_csv: Path
) -> None:
    target = tmp_path / "outside"
    target.mkdir(mode=0o777)
    body = f"""
        import os, subprocess, sys
        def predict(quotes):
            for place in ({str(target)!r}, "/submission", "/usr", "/"):
                try:
                    open(os.path.join(place, "written"), "w").write("x")
                except OSError:
                    pass
            subprocess.Popen([sys.executable, "-c",
                "import os, time; os.setsid(); time.sleep(600)  # frugalkit-left-behind"],
                start_new_session=True)
            return [LABELS[0]] * len(quotes)
    """
    run = _run(_submission(tmp_path, body), random_csv)
    assert run["status"] == "completed", run["reason"]
    assert not (target / "written").exists()
    time.sleep(0.2)
    left = [p for p in Path("/proc").glob("[0-9]*/cmdline") if _reads(p, b"frugalkit-left-behind")]
    assert left == []


def _reads(cmdline: Path, marker: bytes) -> bool:
    try:
        return marker in cmdline.read_bytes()
    except OSError:
        return False


def test_no_connection_leaves_the_sandbox_not_even_to_loopback(
    tmp_path: Path, random_csv: Path
) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    accepted: list[object] = []

    def accept() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not accepted:
            try:
                accepted.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    body = f"""
        import socket
        def predict(quotes):
            try:
                socket.create_connection(("127.0.0.1", {server.getsockname()[1]}), timeout=2)
            except OSError:
                pass
            return [LABELS[0]] * len(quotes)
    """
    run = _run(_submission(tmp_path, body), random_csv)
    accepted.append("stop")
    thread.join()
    server.close()
    assert run["status"] == "completed", run["reason"]
    assert accepted == ["stop"]


def _busy(seconds: float) -> str:
    return textwrap.dedent(f"""
        import time
        def burn():
            end = time.process_time() + {seconds}
            while time.process_time() < end:
                pass
    """)


def test_killing_every_process_it_sees_hides_no_work(tmp_path: Path, random_csv: Path) -> None:
    """Issue 20: SIGKILLing its supervisor gave 0 Wh against 0.023 honest. Here it can
    kill nothing it does not own, and its forked child's CPU time still counts."""
    honest = _submission(
        tmp_path, _busy(1.0) + "def predict(q):\n    burn()\n    return [LABELS[0]] * len(q)\n"
    )
    sly = _submission(
        tmp_path,
        _busy(1.0)
        + textwrap.dedent("""
        import os, signal
        def predict(quotes):
            for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
                if pid != os.getpid():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
            child = os.fork()
            if child == 0:
                burn()
                os._exit(0)
            os.waitpid(child, 0)
            return [LABELS[0]] * len(quotes)
        """),
        "sly.py",
    )
    honest_wh = _run(honest, random_csv)["energy_wh_per_1000"]
    sly_run = _run(sly, random_csv)
    assert sly_run["status"] == "completed", sly_run["reason"]
    assert sly_run["energy_wh_per_1000"] > 0.7 * honest_wh


@pytest.mark.parametrize(
    "hog",
    [
        "os.write(os.memfd_create('x'), b'x' * (1 << 30))",
        "open('/dev/shm/hog', 'wb').write(b'x' * (512 << 20))",
        "open('/tmp/hog', 'wb').write(b'x' * (512 << 20))",
        "bytearray(1 << 30)",
    ],
    ids=["memfd", "dev-shm", "tmp", "heap"],
)
def test_memory_outside_the_heap_counts_against_the_limit(
    tmp_path: Path, random_csv: Path, hog: str
) -> None:
    body = f"import os\ndef predict(quotes):\n    {hog}\n    return [LABELS[0]] * len(quotes)\n"
    run = _run(_submission(tmp_path, body), random_csv, memory_limit_mb=256)
    assert run["status"] == "failed"
    assert "memory limit" in run["reason"] or "No space left" in run["reason"]


def test_a_fork_bomb_stays_inside_and_ends_with_its_run(tmp_path: Path, random_csv: Path) -> None:
    body = """
        import os
        def predict(quotes):
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
    """
    started = time.monotonic()
    run = _run(_submission(tmp_path, body), random_csv, time_limit_s=4.0)
    assert run["status"] == "failed"
    assert "time limit" in run["reason"]
    assert time.monotonic() - started < 60
    assert [p for p in Path("/proc").glob("[0-9]*/cmdline") if _reads(p, b"attack.py")] == []


def test_cpu_time_is_capped_for_the_whole_sandbox(tmp_path: Path, random_csv: Path) -> None:
    body = _busy(30.0) + "def predict(q):\n    burn()\n    return [LABELS[0]] * len(q)\n"
    run = _run(_submission(tmp_path, body), random_csv, cpu_time_limit_s=1.5)
    assert run["status"] == "failed"
    assert "CPU time limit of 1.5 s" in run["reason"]


def test_a_missing_or_relative_file_is_found_from_the_callers_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my_model.py").write_text("def predict(q):\n    return q\n")
    monkeypatch.chdir(tmp_path)
    assert resolve("my_model.py:predict") == f"{tmp_path}/my_model.py:predict"
    assert resolve("./my_model.py:predict") == f"{tmp_path}/my_model.py:predict"
    from frugalkit.errors import InputError

    with pytest.raises(InputError, match=r"nothere.joblib does not exist"):
        resolve("nothere.joblib")


def test_without_bubblewrap_the_run_refuses_and_says_what_to_install(
    tmp_path: Path, random_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frugalkit.sandbox import bwrap

    bwrap.version.cache_clear()
    monkeypatch.setattr(bwrap.shutil, "which", lambda name: None)
    (tmp_path / "m.py").write_text("def predict(q):\n    return ['0_not_relevant'] * len(q)\n")
    with pytest.raises(bwrap.SandboxUnavailable, match="apt-get install bubblewrap"):
        evaluate(TEXT, f"{tmp_path}/m.py:predict", data=str(random_csv), repeats=1)
    trusted = evaluate(
        TEXT, f"{tmp_path}/m.py:predict", data=str(random_csv), repeats=1, sandboxed=False
    )
    bwrap.version.cache_clear()
    assert trusted["status"] == "completed"
    assert trusted["payload"]["isolation"].startswith("none (trusted)")


def test_gpus_are_passed_in_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """NVIDIA's device nodes (/dev/nvidia0, nvidiactl, nvidia-uvm) are bound into the
    sandbox for a submission that asked for GPUs, and never otherwise."""
    from frugalkit.sandbox import bwrap

    nodes = ["/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm"]
    monkeypatch.setattr(bwrap.glob, "glob", lambda pattern: nodes)
    asked = bwrap.command(["true"], submission_dir=None, env={}, tmp_bytes=1 << 20, gpu=True)
    plain = bwrap.command(["true"], submission_dir=None, env={}, tmp_bytes=1 << 20)
    for node in nodes:
        assert asked[asked.index(node) - 1] == "--dev-bind"
        assert node not in plain
    assert "--unshare-net" in asked and "--unshare-pid" in asked


def test_a_python_installed_under_tmp_is_seen_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A virtual environment made under /tmp was hidden by the sandbox's own empty /tmp:
    every run ended "exit code 127". Its folder is bound after that /tmp is mounted."""
    from frugalkit.sandbox import bwrap

    prefix = tmp_path / "venv"
    prefix.mkdir()
    (prefix / "probe.txt").write_text("seen\n")
    assert str(prefix).startswith("/tmp/")
    monkeypatch.setattr(bwrap, "python_roots", lambda: [str(prefix)])
    argv = bwrap.command(
        ["cat", str(prefix / "probe.txt")], submission_dir=None, env={}, tmp_bytes=1 << 20
    )
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout == "seen\n", done.stderr
