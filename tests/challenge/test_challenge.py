"""A challenge as its organiser and its teams use it: the file, teams, uploads through the
API, evaluation in the sandbox by a worker, quotas, phases, boards public then private,
and a team that tries to reach another's submissions. On SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from frugalkit.challenge import add_team, board, create, load_spec, shipped_challenge, upload
from frugalkit.challenge.jobs import public_indices
from frugalkit.errors import InputError, QuotaError
from frugalkit.jobs import work
from frugalkit.settings import Settings
from frugalkit.store import Store, open_store
from frugalkit.store.challenges import list_submissions
from frugalkit.web.app import create_app

HOSTILE = '<script>alert("x")</script>\r=HYPERLINK("evil")'
NOW = datetime.now(UTC)
SUBMISSION = b"def predict(quotes):\n    return ['0_not_relevant'] * len(quotes)\n"


def _challenge_file(folder: Path, **changes: Any) -> Path:
    raw: dict[str, Any] = {
        "id": "demo",
        "title": {"en": f"Demo {HOSTILE}", "fr": "Démo"},
        "description": {"en": "A test challenge.", "fr": "Un défi de test."},
        "tasks": [{"task": "text", "metric": "accuracy"}],
        "phases": [
            {
                "name": "open",
                "start": (NOW - timedelta(days=1)).isoformat(),
                "end": (NOW + timedelta(days=1)).isoformat(),
            }
        ],
        "public_fraction": 0.5,
        "quotas": {"per_team_per_day": 3, "per_team_total": 10},
        "limits": {"time_s": 120, "memory_mb": 1024, "repeats": 1},
        "reference_hardware": "the CI machine",
        **changes,
    }
    path = folder / "challenge.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return path


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """The store on each back-end (quotas, concurrency and the API run on both)."""
    opened = open_store(Settings.from_env())
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(settings: Settings) -> Iterator[Store]:
    """SQLite only, for tests whose weight is the sandboxed evaluation, not the store."""
    opened = open_store(settings)
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tasks": [{"task": "text", "metric": "mean_iou"}]}, "tasks.0"),
        ({"id": "Bad Id!"}, "id"),
        ({"public_fraction": 1.5}, "public_fraction"),
        ({"tasks": [{"task": "text", "test_size": 1}]}, "tasks.0.test_size"),
        ({"color": "red"}, "color"),
        ({"quotas": {"per_team_per_day": 0}}, "quotas.per_team_per_day"),
        (
            {
                "phases": [
                    {"name": "a", "start": "2026-01-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"},
                    {"name": "b", "start": "2026-02-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"},
                ]
            },
            "the file",
        ),
    ],
)
def test_a_bad_challenge_file_is_one_line_naming_the_field(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError, match=f"field {field}") as refused:
        load_spec(_challenge_file(tmp_path, **change))
    assert "\n" not in str(refused.value)


def test_the_shipped_2025_challenge_names_the_three_tasks() -> None:
    spec = load_spec(shipped_challenge())
    assert [t.task for t in spec.tasks] == ["text", "image", "audio"]
    assert spec.phase_at(datetime(2027, 1, 1, tzinfo=UTC)) is not None


def test_the_public_part_is_fixed_and_about_its_fraction() -> None:
    chosen = public_indices("demo", "text", 2000, 0.3)
    assert chosen == public_indices("demo", "text", 2000, 0.3)
    assert 0.26 < len(chosen) / 2000 < 0.34


needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")


@needs_bwrap
def test_a_whole_challenge_through_the_api(
    tmp_path: Path, database_url: str, settings: Settings
) -> None:
    app = create_app(Settings.from_env())
    store = app.state.store
    create(store, _challenge_file(tmp_path))
    one, two = add_team(store, "demo", HOSTILE), add_team(store, "demo", "Team two")
    with TestClient(app) as client:

        def send(token: str, body: bytes = SUBMISSION, name: str = "m.py") -> Any:
            return client.post(
                "/api/challenges/demo/submissions",
                headers={"authorization": f"Bearer {token}"},
                files={"file": (name, body)},
                data={"task": "text"},
            )

        assert send(one).status_code == 202
        assert send(two, name=f"cr\r={HOSTILE}.py").status_code == 202
        assert send("fkt_not-a-token").status_code == 403
        ran = work(store, stale_s=60, exit_when_idle=True)
        assert ran == 2
        mine = client.get(
            "/api/challenges/demo/mine", headers={"authorization": f"Bearer {one}"}
        ).json()
        assert [s["state"] for s in mine["submissions"]] == ["completed"], mine
        assert mine["submissions"][0]["public_score"] is not None
        assert mine["submissions"][0]["private_score"] is None  # the phase has not ended
        assert mine["team"] == " ".join(HOSTILE.split())
        # The quota: 3 a day; the 4th is a 429 that says when.
        assert [send(one).status_code for _ in range(2)] == [202, 202]
        over = send(one)
        assert over.status_code == 429
        assert int(over.headers["retry-after"]) > 0
        assert "next one is allowed from" in over.json()["detail"]
        # Pages escape every name they show.
        page = client.get("/challenges/demo").text
        assert "<script>alert" not in page and "&lt;script&gt;" in page
        assert "Public test set" in page
        # Another team's page with this team's cookie: only its own submissions.
        client.cookies.set("frugalkit_team_demo", two)
        theirs = client.get("/challenges/demo/mine").text
        table = theirs.split("<tbody>")[1]
        assert "Team two" in theirs and "text · " in table and "m.py" not in table
    after = board(store, "demo", "text", now=NOW + timedelta(days=2))
    assert all(e["private_revealed"] and e["score"] is not None for e in after["entries"])
    during = board(store, "demo", "text")
    assert not any(e["private_revealed"] for e in during["entries"])
    app.state.store.close()


def test_uploads_outside_a_phase_or_of_the_wrong_kind_are_refused(
    tmp_path: Path, store: Store
) -> None:
    later = {
        "name": "later",
        "start": (NOW + timedelta(days=3)).isoformat(),
        "end": (NOW + timedelta(days=4)).isoformat(),
    }
    create(store, _challenge_file(tmp_path, phases=[later], kinds=["joblib"]))
    team = {"id": "x", "challenge_id": "demo"}
    with pytest.raises(InputError, match="phase 'later' opens"):
        upload(store, "demo", team, "text", "m.py", SUBMISSION)
    with pytest.raises(InputError, match="takes joblib submissions"):
        upload(
            store, "demo", team, "text", "m.py", SUBMISSION, now=NOW + timedelta(days=3, hours=1)
        )


def test_concurrent_uploads_of_two_teams_lose_none_and_keep_the_quota(
    tmp_path: Path, store: Store
) -> None:
    create(store, _challenge_file(tmp_path))
    teams = []
    for name in ("alpha", "beta"):
        add_team(store, "demo", name)
    from frugalkit.store.challenges import list_teams

    teams = list_teams(store, "demo")
    outcomes: list[str] = []

    def attempt(team: dict[str, Any], i: int) -> None:
        try:
            upload(store, "demo", team, "text", f"m{i}.py", SUBMISSION + str(i).encode())
            outcomes.append("ok")
        except QuotaError:
            outcomes.append("quota")

    threads = [threading.Thread(target=attempt, args=(t, i)) for t in teams for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = list_submissions(store, "demo")
    assert outcomes.count("ok") == len(stored) == 6  # 3 a day for each of the two teams
    assert {s["team_id"] for s in stored} == {t["id"] for t in teams}


def test_a_large_upload_is_refused_before_its_body_is_read(
    tmp_path: Path, settings: Settings
) -> None:
    app = create_app(settings)
    create(app.state.store, _challenge_file(tmp_path, limits={"upload_mb": 1}))
    token = add_team(app.state.store, "demo", "big")
    with TestClient(app) as client:
        answer = client.post(
            "/api/challenges/demo/submissions",
            headers={"authorization": f"Bearer {token}"},
            files={"file": ("m.py", b"#" * (3 << 20))},
        )
        assert answer.status_code == 413
        anonymous = client.post("/api/challenges/demo/submissions", files={"file": ("m.py", b"x")})
        assert anonymous.status_code == 403
    app.state.store.close()


def test_the_cli_runs_a_challenge(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent(SUBMISSION.decode()))
    assert cli("challenge", "create", "frugal-ai-2025").exit_code == 0
    token = cli("challenge", "team-add", "frugal-ai-2025", "cli team").stdout.strip()
    if shutil.which("bwrap"):
        sent = cli("challenge", "submit", "frugal-ai-2025", str(path), "--token", token, "--wait")
        assert sent.exit_code == 0 and "public" in sent.stdout
        shown = cli("challenge", "board", "frugal-ai-2025")
        assert "cli team" in shown.stdout and "labels are public" in shown.stdout
    refused = cli("challenge", "mine", "frugal-ai-2025", "--token", "fkt_wrong")
    assert refused.exit_code == 8 and "not a team token" in refused.stderr


RAY_SCRIPT = """
import sys
from frugalkit.jobs import RayExecutor
from frugalkit.settings import Settings
from frugalkit.store import open_store
settings = Settings.from_env()
with open_store(settings) as store:
    jobs = RayExecutor(num_cpus=2).run(store, settings, sys.argv[1:], lambda _: None)
    print(" ".join(job.worker or "" for job in jobs))
"""


@needs_bwrap
def test_uploads_of_two_teams_evaluated_on_a_local_ray_cluster(
    tmp_path: Path, settings: Settings
) -> None:
    """Each upload is one Ray task that claims its job in the shared store and evaluates
    it in the sandbox on the Ray worker (SQLite here: tests/jobs runs Ray on PostgreSQL)."""
    store = open_store(settings)
    import os
    import subprocess
    import sys

    pytest.importorskip("ray", reason="the Ray executor needs `pip install 'frugalkit[ray]'`")
    create(store, _challenge_file(tmp_path))
    from frugalkit.challenge.service import team_of

    jobs = []
    for name in ("ray one", "ray two"):
        team = team_of(store, "demo", add_team(store, "demo", name))
        jobs.append(upload(store, "demo", team, "text", "m.py", SUBMISSION)["job_id"])
    done = subprocess.run(
        [sys.executable, "-c", RAY_SCRIPT, *jobs],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "RAY_AUTH_MODE": "disabled"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() and all(w.endswith(":ray") for w in done.stdout.split())
    states = {s["state"] for s in list_submissions(store, "demo")}
    store.close()
    assert states == {"completed"}


def test_organiser_routes_take_a_write_token_never_a_team_token(
    tmp_path: Path, settings: Settings
) -> None:
    from frugalkit.store.tokens import create_token

    app = create_app(settings)
    store = app.state.store
    admin = create_token(store, "organiser")
    text = _challenge_file(tmp_path).read_text()
    with TestClient(app) as client:
        made = client.post(
            "/api/challenges", content=text, headers={"authorization": f"Bearer {admin}"}
        )
        assert made.status_code == 201, made.text
        team = client.post(
            "/api/challenges/demo/teams",
            json={"name": "api team"},
            headers={"authorization": f"Bearer {admin}"},
        ).json()["token"]
        as_team = {"authorization": f"Bearer {team}"}
        assert (
            client.post(
                "/api/challenges/demo/teams", json={"name": "x"}, headers=as_team
            ).status_code
            == 401
        )
        again = text.replace("id: demo", "id: other")
        assert client.post("/api/challenges", content=again, headers=as_team).status_code == 401
        own = text.replace("task: text", f"task: text\n  data: {tmp_path}/labels.csv")
        (tmp_path / "labels.csv").write_text("quote,label\n")
        refused = client.post(
            "/api/challenges",
            content=own.replace("id: demo", "id: own"),
            headers={"authorization": f"Bearer {admin}"},
        )
        assert refused.status_code == 422 and "register your own files" in refused.text
    app.state.store.close()


@pytest.mark.parametrize(
    "text",
    [
        "id: &a demo\ntitle: *a\n",
        "a: &x [1]\nb: [*x, *x]\n",
    ],
)
def test_yaml_anchors_and_aliases_are_refused_before_expansion(tmp_path: Path, text: str) -> None:
    path = tmp_path / "challenge.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match="anchors and aliases are not accepted"):
        load_spec(path)


def test_emphasis_in_a_description_is_not_an_alias(tmp_path: Path) -> None:
    path = _challenge_file(
        tmp_path, description={"en": "*Frugal* models & R&D", "fr": "*Sobre* & co"}
    )
    assert load_spec(path).description.en == "*Frugal* models & R&D"


@needs_bwrap
def test_rerun_evaluates_the_best_entries_again_and_publish_marks_the_boards(
    tmp_path: Path, sqlite_store: Store
) -> None:
    from frugalkit.challenge.service import rerun_finals, team_of
    from frugalkit.store.challenges import get_challenge, publish_challenge

    create(sqlite_store, _challenge_file(tmp_path))
    team = team_of(sqlite_store, "demo", add_team(sqlite_store, "demo", "solo"))
    first = upload(sqlite_store, "demo", team, "text", "m.py", SUBMISSION)
    work(sqlite_store, stale_s=60, exit_when_idle=True)
    assert rerun_finals(sqlite_store, "demo") == [first["id"]]
    assert {s["state"] for s in list_submissions(sqlite_store, "demo")} == {"queued"}
    work(sqlite_store, stale_s=60, exit_when_idle=True)
    assert {s["state"] for s in list_submissions(sqlite_store, "demo")} == {"completed"}
    publish_challenge(sqlite_store, "demo")
    assert get_challenge(sqlite_store, "demo")["published_at"] is not None


HUNT = b"""
import csv, glob, os
def _labels():
    for root in ("/", "/proc"):
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in ("sys", "dev", "usr")][:50]
            for name in files:
                if name.endswith(".csv"):
                    try:
                        rows = list(csv.DictReader(open(os.path.join(folder, name))))
                        if rows and "label" in rows[0]:
                            return {r["quote"]: r["label"] for r in rows}
                    except (OSError, UnicodeDecodeError, csv.Error):
                        pass
    return {}
def predict(quotes):
    found = _labels()
    return [found.get(q, "0_not_relevant") for q in quotes]
"""


@needs_bwrap
def test_an_organisers_own_labels_never_reach_a_submission(
    tmp_path: Path, sqlite_store: Store
) -> None:
    """Own data, random labels: a submission that walks every folder it can see (and
    /proc) for the labels file scores as a guess would, on both parts."""
    import random

    from frugalkit.bench import get_task
    from frugalkit.challenge.service import team_of

    rng = random.Random(7)
    labels = get_task("text").labels
    private = tmp_path / "organiser-only"
    private.mkdir()
    rows = [f'"quote {i} on the climate",{rng.choice(labels)}' for i in range(400)]
    (private / "test.csv").write_text("quote,label\n" + "\n".join(rows) + "\n")
    (private / "train.csv").write_text("quote,label\n" + "\n".join(rows[:50]) + "\n")
    tasks = [{"task": "text", "data": "organiser-only"}]  # train.csv and test.csv
    (tmp_path / "ch").mkdir()
    path = _challenge_file(tmp_path / "ch", tasks=tasks)
    path.rename(tmp_path / "challenge.yaml")
    create(sqlite_store, tmp_path / "challenge.yaml")
    team = team_of(sqlite_store, "demo", add_team(sqlite_store, "demo", "hunters"))
    upload(sqlite_store, "demo", team, "text", "hunt.py", HUNT)
    work(sqlite_store, stale_s=60, exit_when_idle=True)
    (done,) = list_submissions(sqlite_store, "demo")
    assert done["state"] == "completed", done["reason"]
    assert done["public_score"] < 0.3 and done["private_score"] < 0.3  # chance is 1/8
    assert done["payload"]["samples"] == 400


@needs_bwrap
def test_an_organisers_own_label_set(tmp_path: Path, sqlite_store: Store) -> None:
    """Labels of the organiser's own ('coal' / 'other' on the text task): a submission
    that answers in them is scored on them; one that answers the bench's labels fails."""
    from frugalkit.challenge.service import team_of

    data = tmp_path / "own"
    data.mkdir()
    rows = [
        f'"{"coal" if i % 2 else "wind"} quote {i}",{"coal" if i % 2 else "other"}'
        for i in range(200)
    ]
    for name, part in (("train.csv", rows[:40]), ("test.csv", rows[40:])):
        (data / name).write_text("quote,label\n" + "\n".join(part) + "\n")
    tasks = [{"task": "text", "data": "own", "labels": ["coal", "other"], "metric": "macro_f1"}]
    create(sqlite_store, _challenge_file(tmp_path, tasks=tasks))
    team = team_of(sqlite_store, "demo", add_team(sqlite_store, "demo", "own labels"))
    right = b"def predict(q):\n    return ['coal' if 'coal' in x else 'other' for x in q]\n"
    upload(sqlite_store, "demo", team, "text", "right.py", right)
    upload(sqlite_store, "demo", team, "text", "bench.py", SUBMISSION)  # answers 0_not_relevant
    work(sqlite_store, stale_s=60, exit_when_idle=True)
    done = {s["filename"]: s for s in list_submissions(sqlite_store, "demo")}
    assert done["right.py"]["state"] == "completed", done["right.py"]["reason"]
    assert done["right.py"]["public_score"] == 1.0 and done["right.py"]["private_score"] == 1.0
    assert done["bench.py"]["state"] == "failed"
    assert "unusable predictions" in done["bench.py"]["reason"]


def test_a_label_set_needs_own_data_and_a_classification_task(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="needs the organiser's own data"):
        load_spec(_challenge_file(tmp_path, tasks=[{"task": "text", "labels": ["a", "b"]}]))
    with pytest.raises(InputError, match="labels are boxes"):
        load_spec(
            _challenge_file(
                tmp_path, tasks=[{"task": "image", "data": "x", "labels": ["a", "b"],
                                  "metric": "mean_iou"}]
            )
        )  # fmt: skip


def test_the_2025_challenge_on_the_hub_names_the_challenges_own_datasets() -> None:
    """REFERENCE.md (the 2025 protocol): text QuotaClimat/frugalaichallenge-text-train,
    image pyronear/pyro-sdis, audio rfcx/frugalai. Loading them needs the hub; the file
    itself is checked here, offline."""
    spec = load_spec(shipped_challenge("frugal-ai-2025-hub"))
    assert {t.task: t.data for t in spec.tasks} == {
        "text": "QuotaClimat/frugalaichallenge-text-train",
        "image": "pyronear/pyro-sdis",
        "audio": "rfcx/frugalai",
    }
    offline = load_spec(shipped_challenge())
    assert all(t.data is None for t in offline.tasks) and offline.id != spec.id


def test_only_an_organisers_own_labels_make_a_private_board(tmp_path: Path, store: Store) -> None:
    """Built-in and hub test sets have public labels: their boards say so; an organiser's
    own file does not."""
    (tmp_path / "own").mkdir()
    for name in ("train.csv", "test.csv"):
        (tmp_path / "own" / name).write_text('quote,label\n"a",0_not_relevant\n')
    tasks = [
        {"task": "text", "data": "own"},
        {"task": "audio", "data": "rfcx/frugalai"},
        {"task": "image", "metric": "mean_iou"},
    ]
    create(store, _challenge_file(tmp_path, tasks=tasks))
    public = {t: board(store, "demo", t)["public_data"] for t in ("text", "audio", "image")}
    assert public == {"text": False, "audio": True, "image": True}


def test_removing_a_team_or_a_challenge_takes_its_entries_tokens_jobs_and_files(
    tmp_path: Path, store: Store
) -> None:
    from frugalkit.challenge.jobs import run
    from frugalkit.challenge.service import remove_challenge, remove_team, team_of
    from frugalkit.errors import AccessError, NotFoundError
    from frugalkit.store.challenges import get_file
    from frugalkit.store.jobs import get_job

    create(store, _challenge_file(tmp_path))
    tokens = {name: add_team(store, "demo", name) for name in ("alpha", "beta")}
    teams = {name: team_of(store, "demo", token) for name, token in tokens.items()}
    shared = upload(store, "demo", teams["alpha"], "text", "m.py", SUBMISSION)
    own = upload(store, "demo", teams["alpha"], "text", "own.py", SUBMISSION + b"# alpha\n")
    upload(store, "demo", teams["beta"], "text", "m.py", SUBMISSION)

    assert remove_team(store, "demo", "alpha") == {"team": "alpha", "submissions": 2}
    with pytest.raises(AccessError):
        team_of(store, "demo", tokens["alpha"])
    assert [s["team_id"] for s in list_submissions(store, "demo")] == [teams["beta"]["id"]]
    assert get_job(store, own["job_id"])["state"] == "cancelled"
    assert get_file(store, shared["sha256"]) == SUBMISSION  # beta's upload is the same file
    with pytest.raises(NotFoundError):
        get_file(store, own["sha256"])
    # A worker that had claimed the removed entry records nothing and breaks nothing.
    assert run(store, {"submission_id": own["id"]})["state"] == "removed"
    with pytest.raises(NotFoundError, match="no team named 'alpha'"):
        remove_team(store, "demo", "alpha")

    assert remove_challenge(store, "demo") == {"challenge": "demo", "teams": 1, "submissions": 1}
    assert list_submissions(store, "demo") == []
    with pytest.raises(NotFoundError):
        get_file(store, shared["sha256"])
    with pytest.raises(NotFoundError, match="no challenge 'demo'"):
        remove_challenge(store, "demo")
    create(store, _challenge_file(tmp_path))  # the id is free again
    assert add_team(store, "demo", "alpha").startswith("fkt_")


def test_the_cli_removes_a_team_and_a_challenge_in_one_line(cli: Any) -> None:
    assert cli("challenge", "create", "frugal-ai-2025").exit_code == 0
    assert cli("challenge", "team-add", "frugal-ai-2025", "gone").exit_code == 0
    removed = cli("challenge", "team-remove", "frugal-ai-2025", "gone")
    assert removed.exit_code == 0 and "removed team gone" in removed.stdout
    again = cli("challenge", "team-remove", "frugal-ai-2025", "gone")
    assert again.exit_code != 0 and again.stderr.count("\n") == 1 and "no team" in again.stderr
    assert cli("challenge", "remove", "frugal-ai-2025").exit_code == 0
    assert "frugal-ai-2025" not in cli("challenge", "list").stdout
