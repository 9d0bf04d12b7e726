"""Every cheat found against the bench, as a submission: none may raise its score.

The test set here is a private file the submission is never told about; the built-in
demonstration set is public (its generator ships with frugalkit), so no bench can keep
its labels from a submission that regenerates it.
"""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.data.text_demo import generate

TEXT = get_task("text")
CHANCE = 1 / len(TEXT.labels)

CHEATS = {
    # Reading the runner's truth from the call stack.
    "stack": """
        import inspect
        def predict(quotes):
            for frame in inspect.stack():
                for name in ("truth", "labels", "task_data", "data"):
                    value = frame.frame.f_locals.get(name)
                    labels = getattr(getattr(value, "test", None), "labels", value)
                    if isinstance(labels, list) and len(labels) == len(quotes):
                        return labels
            return [LABELS[0]] * len(quotes)
    """,
    # Reading the job (data location) from the command line, environment and folder.
    "job": """
        import csv, os, sys
        def predict(quotes):
            places = [*sys.argv, *os.environ.values(), *os.listdir(".")]
            for place in places:
                if place.endswith(".csv") and os.path.exists(place):
                    rows = list(csv.DictReader(open(place)))
                    by_quote = {r["quote"]: r["label"] for r in rows}
                    return [by_quote.get(q, LABELS[0]) for q in quotes]
            return [LABELS[0]] * len(quotes)
    """,
    # Writing a result of its own on the reply channel, then leaving.
    "forged": """
        import json, os, struct, sys
        def predict(quotes):
            fd = int(sys.argv[-1])
            body = json.dumps({"ok": True, "predictions": [LABELS[3]] * len(quotes)}).encode()
            os.write(fd, struct.pack("!Q", len(body)) + body)
            os._exit(0)
    """,
    # Opening the platform's store from inside the evaluation to lower a rival's score.
    "store": """
        import os
        FOUND = [k for k in os.environ if "DATABASE" in k or "TOKEN" in k or "SECRET" in k]
        FOUND += [os.environ.get("FRUGALKIT_HOME", ""), os.getcwd()]
        class Spy:
            description = "|".join(FOUND)
            def predict(self, quotes):
                return [LABELS[0]] * len(quotes)
    """,
}


@pytest.fixture
def private_csv(tmp_path: Path) -> Path:
    """A test set the submission is not told about: the demo quotes, in a private file."""
    quotes, labels = generate()
    path = tmp_path / "private" / "secret-test-set.csv"
    path.parent.mkdir()
    lines = ["quote,label"] + [f'"{q}",{label}' for q, label in zip(quotes, labels, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cheat.py"
    path.write_text(f"LABELS = {list(TEXT.labels)!r}\n" + textwrap.dedent(body))
    return path


@pytest.mark.parametrize("cheat", ["stack", "job", "forged"])
def test_a_cheat_does_not_raise_its_score(tmp_path: Path, private_csv: Path, cheat: str) -> None:
    spec = f"{_write(tmp_path, CHEATS[cheat])}:predict"
    run = evaluate(TEXT, spec, data=str(private_csv), repeats=1)
    if run["status"] == "completed":
        assert run["accuracy"] <= CHANCE + 0.05, f"{cheat} scored {run['accuracy']}"
    else:
        assert run["accuracy"] is None


def test_the_submission_sees_no_setting_secret_or_home_of_the_platform(
    tmp_path: Path, private_csv: Path, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    monkeypatch.setenv("FRUGALKIT_DATABASE_URL", f"sqlite:///{home / 'db.sqlite'}")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "do-not-leak")
    monkeypatch.setenv("FRUGALKIT_API_TOKEN", "fk_do-not-leak")
    spec = f"{_write(tmp_path, CHEATS['store'])}:Spy"
    run = evaluate(TEXT, spec, data=str(private_csv), repeats=1)
    assert run["status"] == "completed", run["reason"]
    found = run["description"].split("|")
    assert found[:-2] == []  # no database URL, token or secret in its environment
    assert found[-2] == found[-1]  # its FRUGALKIT_HOME is its own empty folder
    assert str(home) not in run["description"] and str(tmp_path) not in found[-1]


def _busy_text(lazy: bool) -> str:
    work = "sum(i * i for i in range(40_000))"
    body = (
        f"(LABELS[({work}) % 1] for q in quotes)"
        if lazy
        else f"[LABELS[({work}) % 1] for q in quotes]"
    )
    return f"def predict(quotes):\n    return {body}\n"


def test_a_generator_does_its_work_inside_the_measured_window(tmp_path: Path) -> None:
    runs = {}
    for lazy in (False, True):
        path = tmp_path / f"busy_{lazy}.py"
        path.write_text(f"LABELS = {list(TEXT.labels)!r}\n" + _busy_text(lazy))
        runs[lazy] = evaluate(TEXT, f"{path}:predict", repeats=3)
        assert runs[lazy]["status"] == "completed", runs[lazy]["reason"]
    ratio = runs[True]["energy_wh_per_1000"] / runs[False]["energy_wh_per_1000"]
    assert 0.5 < ratio < 2, f"the generator's energy is {ratio:.3g} x the list's"


def test_a_detached_process_is_killed_and_its_work_counted(tmp_path: Path) -> None:
    """`setsid` and a double fork used to leave the evaluation's process group. The
    sandbox's /tmp is its own: the pid file is a marker inside it, found on the host by
    the escaped process's command line."""
    pidfile = "/tmp/escaped.pid"
    body = f"""
        import os, subprocess, sys, time
        def predict(quotes):
            script = "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n" \\
                     "    open({pidfile!r}, 'w').write('frugalkit-escaped')\\n" \\
                     "    t = time.time()\\n    while time.time() - t < 1.0: pass\\n" \\
                     "    time.sleep(300)\\n"
            subprocess.Popen([sys.executable, "-c", script], start_new_session=True).wait()
            while not os.path.exists({pidfile!r}):
                time.sleep(0.01)
            time.sleep(1.5)  # the escaped process burns 1 s of CPU meanwhile
            return [LABELS[0]] * len(quotes)
    """
    run = evaluate(TEXT, f"{_write(tmp_path, body)}:predict", repeats=1)
    assert run["status"] == "completed", run["reason"]
    time.sleep(0.2)
    assert not [p for p in Path("/proc").glob("[0-9]*/cmdline") if _marked(p)]
    cpu_wh = run["payload"]["energy"]["components_wh_median"]["cpu"]
    per_s_wh = _one_cpu_second_wh(run)
    assert cpu_wh >= 0.8 * per_s_wh, "the detached process's CPU time was not counted"


def _marked(cmdline: Path) -> bool:
    try:
        return b"frugalkit-escaped" in cmdline.read_bytes()
    except OSError:
        return False


def _one_cpu_second_wh(run: dict[str, Any]) -> float:
    """The estimate's energy of one CPU-second on this machine, from the run's method."""
    from frugalkit.measure import host
    from frugalkit.measure.meters.estimate import cpu_power

    return cpu_power(host.cpu_model(), host.virtualised()).w_per_thread / 3600


def test_memory_of_all_the_processes_counts(tmp_path: Path) -> None:
    """Four children of 200 MB each under a 512 MB limit: the limit is the tree's."""
    body = """
        import subprocess, sys, time
        def predict(quotes):
            hog = "b = bytearray(b'x' * (200 * 1024 * 1024)); import time; time.sleep(60)"
            children = [subprocess.Popen([sys.executable, "-c", hog]) for _ in range(4)]
            time.sleep(30)
            return [LABELS[0]] * len(quotes)
    """
    run = evaluate(TEXT, f"{_write(tmp_path, body)}:predict", repeats=1, memory_limit_mb=512)
    assert run["status"] == "failed"
    assert run["reason"].startswith("exceeded the memory limit of 512 MB")


LEAKS = {
    "printed": (
        "import sys\ndef predict(quotes):\n    print('LEAK ' + quotes[0], file=sys.stderr)\n"
        "    sys.stdout.write(quotes[1])\n    raise SystemExit(3)\n"
    ),
    "raised": "def predict(quotes):\n    raise RuntimeError('LEAK ' + quotes[0])\n",
    "label": "def predict(quotes):\n    return ['LEAK ' + q for q in quotes]\n",
    "exit_code": "import os\ndef predict(quotes):\n    os._exit(len(quotes[0]) % 256)\n",
    "signal": "import os\ndef predict(quotes):\n    os.kill(os.getpid(), 1 + len(quotes[0]) % 15)\n",  # noqa: E501
}


@pytest.mark.parametrize("leak", sorted(LEAKS))
def test_a_private_run_stores_no_byte_of_the_submission(
    tmp_path: Path, private_csv: Path, leak: str
) -> None:
    path = tmp_path / "leak.py"
    path.write_text(LEAKS[leak])
    run = evaluate(TEXT, f"{path}:predict", data=str(private_csv), repeats=1, private=True)
    assert run["status"] == "failed"
    assert "LEAK" not in json.dumps(run, default=str)
    assert ":" not in run["reason"]  # the fixed sentence, without any detail
    public = evaluate(TEXT, f"{path}:predict", data=str(private_csv), repeats=1)
    assert public["reason"].startswith(run["reason"])  # the same words, detail added


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "import sys\ndef predict(q):\n    sys.exit(0)\n",
            "the submission called sys.exit() in predict(): sys.exit(0)",
        ),
        (
            "import ctypes\ndef predict(q):\n    ctypes.string_at(0)\n",
            "the evaluation process ended without answering during predict(): "
            "killed by SIGSEGV (a crash in native code)",
        ),
        (
            "import os\ndef predict(q):\n    os._exit(0)\n",
            "the evaluation process ended without answering during predict(): exit code 0",
        ),
        (
            "raise ImportError('no module x')\n",
            "the submission raised an exception in loading the submission: "
            "ImportError: no module x",
        ),
    ],
)
def test_each_failure_says_what_happened(tmp_path: Path, body: str, reason: str) -> None:
    path = tmp_path / "fails.py"
    path.write_text(body)
    run = evaluate(TEXT, f"{path}:predict", repeats=1)
    assert run["reason"] == reason


def test_caching_answers_across_repeats_does_not_lower_the_energy(tmp_path: Path) -> None:
    """Only the first repeat's predictions are scored: a cache made the others free."""
    honest = "def predict(quotes):\n    return [LABELS[{work} % 1] for q in quotes]\n"
    cached = (
        "CACHE = {{}}\ndef predict(quotes):\n"
        "    key = tuple(quotes)\n"
        "    if key not in CACHE:\n"
        "        CACHE[key] = [LABELS[{work} % 1] for q in quotes]\n"
        "    return CACHE[key]\n"
    )
    work = "sum(i * i for i in range(40_000))"
    runs = {}
    for name, body in (("honest", honest), ("cached", cached)):
        path = tmp_path / f"{name}.py"
        path.write_text(f"LABELS = {list(TEXT.labels)!r}\n" + body.format(work=work))
        runs[name] = evaluate(TEXT, f"{path}:predict", repeats=3)
        assert runs[name]["status"] == "completed", runs[name]["reason"]
    ratio = runs["cached"]["energy_wh_per_1000"] / runs["honest"]["energy_wh_per_1000"]
    assert ratio > 0.5, f"caching cut the ranked energy to {ratio:.3g} x"
    assert runs["cached"]["payload"]["energy"]["repeats_disagree"]
