"""README.md as a newcomer reads it (issue 23): `make run`, then every command block,
pasted as written, in order, into a folder that holds the files the commands name
(tests/cli/readme_files.py). A line that fails fails the test, with its README line.

Written once here, the only liberties taken:
- `"$REPORT_ID"`, `"$RUN_ID"`, `"$JOB_ID"`, `"$DOC_ID"` are the newest stored ones (the
  newest queued job, where one is queued) and `"$TOKEN"` the last token a command printed,
  as the README tells its reader to set them;
- a command that serves (`serve`, `serve-meter`, `worker`, `serve-submission`) runs until it
  answers (or, for a worker, for 3 s) and is then stopped with SIGTERM; `curl` lines get a
  `frugalkit serve`;
- `--generate` asks a fake OpenAI-compatible model on 127.0.0.1 (as test_generate.py);
- the cluster block runs on a fresh database of the test's PostgreSQL and a local
  `ray start --head`, named in place of `db-host` and `head-host` (skipped without one);
- lines that need the internet or a GPU are skipped, and the test names each."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli import readme_files
from tests.library.test_generate import FakeModel, QuietServer

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
SERVING = re.compile(r"\bfrugalkit (serve|worker(?! --exit-when-idle)|bench serve-submission)\b")
PG_ENV = "FRUGALKIT_TEST_DATABASE_URL"
PG_EXAMPLE = "postgresql://frugalkit:secret@db-host/frugalkit"
pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


@dataclass
class Block:
    line: int  # README line of the opening fence
    language: str
    text: str

    def commands(self) -> list[tuple[int, str]]:
        """Logical lines (continuations joined), without comment-only lines."""
        out: list[tuple[int, str]] = []
        pending, start = "", 0
        for offset, raw in enumerate(self.text.splitlines(), start=self.line + 1):
            if not pending:
                start = offset
            pending += raw.rstrip()
            if pending.endswith("\\"):
                pending = pending[:-1] + " "
                continue
            if pending.strip() and not pending.lstrip().startswith("#"):
                out.append((start, pending.strip()))
            pending = ""
        return out


def blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^```(sh|python)\n(.*?)^```", text, flags=re.S | re.M):
        found.append(Block(text[: match.start()].count("\n") + 1, match[1], match[2]))
    return found


def _free(port: int) -> int:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return port
        except OSError:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])


@dataclass
class Session:
    """One reader's shell: a folder, an environment, the ids printed so far."""

    folder: Path
    env: dict[str, str]
    ports: dict[str, int] = field(default_factory=dict)
    server: subprocess.Popen[str] | None = None
    skipped: list[str] = field(default_factory=list)
    ran: int = 0

    def local(self, command: str) -> str:
        for written, port in self.ports.items():
            command = command.replace(f"localhost:{written}", f"localhost:{port}")
            command = command.replace(f"127.0.0.1:{written}", f"127.0.0.1:{port}")
            command = command.replace(f"--port {written}", f"--port {port}")
        if re.search(r"\bfrugalkit serve\b", command) and "--port" not in command:
            command += f" --port {self.ports['8000']}"
        return command

    def ids(self) -> None:
        """What a reader would copy from `reports list`, `jobs list`, `library list`."""
        from frugalkit.jobs import list_jobs
        from frugalkit.library import service
        from frugalkit.settings import Settings
        from frugalkit.store import open_store
        from frugalkit.store.bench import list_runs
        from frugalkit.store.reports import list_reports

        settings = Settings.from_env(self.env)
        with open_store(settings) as store:
            reports = list_reports(store, limit=1)
            runs = list_runs(store)[:1]
            jobs = list_jobs(store, state="queued") or list_jobs(store)
        index = service.open_index(settings)
        documents = index.documents()
        index.close()
        for name, rows in (("REPORT_ID", reports), ("RUN_ID", runs)):
            if rows:
                self.env[name] = rows[0]["id"]
        if jobs:
            self.env["JOB_ID"] = jobs[0].id
        if documents:
            self.env["DOC_ID"] = documents[-1]["id"]

    def run(self, where: str, command: str) -> None:
        if "https://" in command:
            self.skipped.append(f"{where} (needs the internet): {command}")
            return
        if "--gpu" in command and shutil.which("nvidia-smi") is None:
            self.skipped.append(f"{where} (needs an NVIDIA GPU): {command}")
            return
        if command.startswith("export "):
            for assignment in shlex.split(command)[1:]:
                name, _, value = assignment.partition("=")
                self.env[name] = value
            self.ran += 1
            return
        command = self.local(command)
        if command.startswith("curl "):
            self.serve_for_curl()
        elif SERVING.search(command):
            self.stop_server()
            self.serves(where, command)
            self.ran += 1
            return
        self.ids()
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command], cwd=self.folder, env=self.env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, f"{where}: {command}\n{done.stderr[-2000:]}"
        assert "Traceback" not in done.stderr, f"{where}: {command}\n{done.stderr[-2000:]}"
        if command.startswith("curl "):
            assert '"detail"' not in done.stdout, f"{where}: {command}\n{done.stdout[:500]}"
        token = re.search(r"\bfkt?_[A-Za-z0-9_-]{20,}", done.stdout)
        if token:
            self.env["TOKEN"] = token[0]
        self.ran += 1

    def serves(self, where: str, command: str) -> None:
        """Started, answering (a worker: alive 3 s later), then stopped cleanly."""
        process = subprocess.Popen(
            ["bash", "-c", f"exec {command}" if command.startswith("frugalkit") else command],
            cwd=self.folder, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, start_new_session=True,
        )  # fmt: skip
        port = re.search(r"--port (\d+)", command)
        deadline = time.monotonic() + (3 if port is None else 60)
        answered = port is None
        while time.monotonic() < deadline and process.poll() is None:
            if port is not None and _answers(int(port[1])):
                answered = True
                break
            time.sleep(0.3)
        alive = process.poll() is None
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
        assert alive and answered, f"{where}: {command}\n{stderr[-2000:]}"
        assert "Traceback" not in stderr, f"{where}: {command}\n{stderr[-2000:]}"

    def serve_for_curl(self) -> None:
        if self.server is not None:
            return
        port = self.ports["8000"]
        self.server = subprocess.Popen(
            [str(BIN / "frugalkit"), "serve", "--port", str(port)], cwd=self.folder,
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not _answers(port):
            assert time.monotonic() < deadline, "frugalkit serve did not answer the curl lines"
            time.sleep(0.3)

    def stop_server(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except urllib.error.HTTPError:  # an answer all the same (a route-only server's 404)
        return True
    except OSError:
        return False


def _ray_head(env: dict[str, str]) -> tuple[str, dict[str, str]]:
    pytest.importorskip("ray", reason="the cluster block needs `pip install 'frugalkit[ray]'`")
    port = _free(6379)
    ray = str(BIN / "ray")
    options = ["--head", f"--port={port}", "--num-cpus=2", "--include-dashboard=false"]
    env = {**env, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    subprocess.run([ray, "start", *options], env=env, check=True, capture_output=True)
    return f"127.0.0.1:{port}", env


@pytest.mark.xdist_group("ray")  # `ray start --head` is the machine's cluster while it runs
def test_every_readme_command_runs_as_written(
    home: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    readme_files.everything(folder)
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path, "FRUGALKIT_HOME": str(home), "COLUMNS": "80"}
    model = QuietServer(("127.0.0.1", _free(8080)), FakeModel)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    FakeModel.reply = "La sensibilité climatique à l'équilibre est estimée à 3 °C [1]."
    ports = {"8000": _free(8000), "7860": _free(7860), "8100": _free(8100),
             "8080": model.server_port}  # fmt: skip
    session = Session(folder, env, ports)
    database = request.getfixturevalue("postgres_url") if os.environ.get(PG_ENV) else None
    try:
        for block in blocks():
            where = f"README.md line {block.line}"
            if block.language == "python":
                script = folder / "readme_example.py"
                script.write_text(block.text, encoding="utf-8")
                done = subprocess.run(
                    [sys.executable, str(script)], cwd=folder, env=session.env,
                    capture_output=True, text=True, timeout=300,
                )  # fmt: skip
                assert done.returncode == 0, f"{where}\n{done.stderr[-2000:]}"
                session.ran += 1
                continue
            saved, cluster = dict(session.env), PG_EXAMPLE in block.text
            if cluster:
                if not database:
                    session.skipped.append(f"{where} (needs {PG_ENV})")
                    continue
                address, session.env = _ray_head(session.env)
                text = block.text.replace(PG_EXAMPLE, database).replace("head-host:6379", address)
                block = Block(block.line, block.language, text)
            try:
                for number, command in block.commands():
                    if command.startswith("make "):
                        if command.startswith("make test"):
                            session.skipped.append(f"line {number}: `make test` is this run")
                            continue
                        done = subprocess.run(
                            command.split("#")[0].split(), cwd=ROOT, env=session.env,
                            capture_output=True, text=True, timeout=600,
                        )  # fmt: skip
                        assert done.returncode == 0, f"line {number}: {done.stderr[-2000:]}"
                        session.ran += 1
                        continue
                    session.run(f"README.md line {number}", command)
            finally:
                session.stop_server()
                if cluster:
                    subprocess.run([str(BIN / "ray"), "stop", "--force"], capture_output=True)
                session.env = saved
    finally:
        session.stop_server()
        model.shutdown()
    print("\n".join(["skipped:", *session.skipped]))
    assert session.ran >= 60
    assert all("internet" in s or "GPU" in s or "make test" in s or PG_ENV in s
               for s in session.skipped)  # fmt: skip
    assert len([s for s in session.skipped if "internet" in s]) <= 3


def test_the_readme_has_no_argument_notation_inside_its_commands() -> None:
    """`[--json | --csv]` or `show ID | remove ID` is not shell: a pasted line fails."""
    for block in blocks():
        for number, command in block.commands():
            notation = re.search(
                r"\[--|\| *(show|remove|jobs|library) |(?<![$\w])[A-Z_]*ID\b", command
            )
            assert notation is None, f"README.md line {number}: {command}"
    assert len(blocks()) >= 10
