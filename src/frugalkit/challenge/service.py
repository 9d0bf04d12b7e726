"""What organisers and teams do: create a challenge, add teams, upload, see boards.

Uploads are stored by content hash in the store (every worker of a shared store reads
them there), checked against the phase, the kinds allowed, the size limit and the team's
quota, then queued as a job (`challenge.jobs`) that evaluates them in the sandbox.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frugalkit.bench.tasks import TASKS
from frugalkit.challenge.spec import ChallengeSpec, load_spec, parse_spec, parse_text
from frugalkit.errors import AccessError, InputError, NotFoundError
from frugalkit.i18n import gettext
from frugalkit.messages import metric_label
from frugalkit.store import Store
from frugalkit.store import challenges as stored

TOKEN_PREFIX = "fkt_"
KIND = "frugalkit.challenge.jobs:run"  # the job that evaluates an upload
SUFFIX_KIND = {".py": "python", ".zip": "zip", ".joblib": "joblib", ".pkl": "joblib"}
SUFFIX_KIND[".onnx"] = "onnx"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
SHIPPED = Path(__file__).with_name("data")


def shipped_challenge(name: str = "frugal-ai-2025") -> Path:
    """A challenge file that ships with frugalkit (the 2025 Frugal AI Challenge)."""
    return SHIPPED / f"{name}.yaml"


def create(store: Store, path: str | Path) -> ChallengeSpec:
    spec = load_spec(path)
    stored.save_challenge(store, spec.id, spec.title.en[:300], spec.model_dump(mode="json"))
    return spec


def create_from_text(store: Store, text: str) -> ChallengeSpec:
    """A challenge sent over the API: built-in or hub data only (an organiser's own files
    are registered on the server, with the CLI, where their paths mean something)."""
    spec = parse_text(text, "the challenge file")
    local = [t.task for t in spec.tasks if t.data and Path(t.data).expanduser().exists()]
    if local or any(t.data and t.data.startswith((".", "/", "~")) for t in spec.tasks):
        raise InputError(
            "over the API a task's data is the built-in set or a hub id; register your own "
            "files on the server with `frugalkit challenge create FILE`"
        )
    stored.save_challenge(store, spec.id, spec.title.en[:300], spec.model_dump(mode="json"))
    return spec


def spec_of(store: Store, challenge_id: str) -> tuple[ChallengeSpec, dict[str, Any]]:
    found = stored.get_challenge(store, challenge_id)
    return parse_spec(found["spec"]), found


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_team(store: Store, challenge_id: str, name: str) -> str:
    """A new team; returns its token (shown once; only its hash is kept)."""
    stored.get_challenge(store, challenge_id)
    name = " ".join(name.split())
    if not 1 <= len(name) <= 100:
        raise InputError("a team name has 1 to 100 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    stored.add_team(store, os.urandom(8).hex(), challenge_id, name, _digest(token))
    return token


def team_of(store: Store, challenge_id: str, token: str | None) -> dict[str, Any]:
    """The team a token names, for this challenge only; else AccessError (a 403)."""
    team = stored.team_by_digest(store, _digest(token)) if token else None
    if team is None or team["challenge_id"] != challenge_id:
        raise AccessError(f"this is not a team token of challenge {challenge_id}")
    return team


def kind_of_upload(filename: str, spec: ChallengeSpec) -> str:
    suffix = Path(filename).suffix.lower()
    kind = SUFFIX_KIND.get(suffix)
    if kind is None:
        raise InputError(f"{filename!r}: upload a .py, .zip, .joblib or .onnx file")
    if kind not in spec.kinds:
        raise InputError(f"{filename!r}: this challenge takes {', '.join(spec.kinds)} submissions")
    return kind


def upload(
    store: Store,
    challenge_id: str,
    team: dict[str, Any],
    task_id: str,
    filename: str,
    content: bytes,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Check, store and queue one upload; returns the submission (state 'queued')."""
    from frugalkit.jobs import submit

    spec, _ = spec_of(store, challenge_id)
    now = now or datetime.now(UTC)
    phase = spec.phase_at(now)
    if phase is None:
        upcoming = spec.next_phase(now)
        raise InputError(
            f"challenge {challenge_id} takes no submission now: "
            + (
                f"phase {upcoming.name!r} opens {upcoming.start:%Y-%m-%d %H:%M} UTC"
                if upcoming
                else "its last phase has ended"
            )
        )
    spec.task(task_id)
    kind = kind_of_upload(filename, spec)
    if not content:
        raise InputError("the uploaded file is empty")
    if len(content) > spec.limits.upload_mb << 20:
        raise InputError(f"an upload is at most {spec.limits.upload_mb} MB")
    name = SAFE_NAME.sub("_", Path(filename).name)[-120:] or "submission"
    sha = hashlib.sha256(content).hexdigest()
    stored.put_file(store, sha, content)
    row = {
        "id": os.urandom(8).hex(),
        "challenge_id": challenge_id,
        "team_id": team["id"],
        "task": task_id,
        "filename": name,
        "sha256": sha,
        "kind": kind,
        "phase": phase.name,
        "state": "queued",
        "reason": None,
        "created_at": now,
        "ended_at": None,
        "job_id": None,
        "public_score": None,
        "private_score": None,
        "energy_wh_per_1000": None,
        "payload": {},
    }
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    stored.insert_submission(
        store, row, day, spec.quotas.per_team_per_day, spec.quotas.per_team_total
    )
    (job,) = submit(store, KIND, [{"submission_id": row["id"]}])
    stored.update_submission(store, row["id"], job_id=job.id)
    return {**row, "job_id": job.id}


def phase_ended(spec: ChallengeSpec, phase_name: str, now: datetime) -> bool:
    phase = next((p for p in spec.phases if p.name == phase_name), None)
    return phase is not None and phase.end <= now


def visible(submission: dict[str, Any], spec: ChallengeSpec, now: datetime) -> dict[str, Any]:
    """A submission as a team or the public may see it: the private score only once its
    phase has ended; never the file or its hash."""
    shown = {k: submission[k] for k in ("id", "task", "filename", "kind", "phase", "state")}
    shown |= {k: submission[k] for k in ("reason", "created_at", "ended_at")}
    shown["public_score"] = submission["public_score"]
    shown["energy_wh_per_1000"] = submission["energy_wh_per_1000"]
    revealed = phase_ended(spec, submission["phase"], now)
    shown["private_score"] = submission["private_score"] if revealed else None
    shown["private_revealed"] = revealed
    return shown


def mine(store: Store, challenge_id: str, team: dict[str, Any]) -> list[dict[str, Any]]:
    spec, _ = spec_of(store, challenge_id)
    now = datetime.now(UTC)
    return [visible(s, spec, now) for s in stored.list_submissions(store, challenge_id, team["id"])]


def board(
    store: Store, challenge_id: str, task_id: str, now: datetime | None = None
) -> dict[str, Any]:
    """Each team's best completed submission on one task, ranked by the challenge's rule:
    on the public part during a phase, on the private part once that phase has ended."""
    spec, found = spec_of(store, challenge_id)
    task = spec.task(task_id)
    now = now or datetime.now(UTC)
    teams = {t["id"]: t["name"] for t in stored.list_teams(store, challenge_id)}
    best: dict[str, dict[str, Any]] = {}
    for submission in stored.list_submissions(store, challenge_id):
        if submission["task"] != task_id or submission["state"] != "completed":
            continue
        entry = visible(submission, spec, now) | {"team": teams.get(submission["team_id"], "?")}
        entry["score"] = (
            entry["private_score"] if entry["private_revealed"] else entry["public_score"]
        )
        held = best.get(submission["team_id"])
        if held is None or _key(spec, entry) < _key(spec, held):
            best[submission["team_id"]] = entry
    ranked = sorted(best.values(), key=lambda e: _key(spec, e))
    for rank, entry in enumerate(ranked, 1):
        entry["rank"] = rank if _ranked(spec, entry) else None
    # Public labels: the built-in sets (their generator ships with frugalkit) and hub
    # datasets (anyone can download them); only the organiser's own files (made absolute
    # when the challenge was created) stay on the server.
    public_labels = task.data is None or not Path(task.data).is_absolute()
    return {
        "challenge": {
            "id": spec.id,
            "title": spec.title.model_dump(),
            "published_at": found["published_at"],
        },
        "task": {"id": task_id, "title": TASKS[task_id].title, "metric": task.metric},
        "ranking": spec.ranking.model_dump(),
        "rule": ranking_rule(spec, task.metric),
        "public_data": public_labels,
        "reference_hardware": spec.reference_hardware,
        "entries": ranked,
    }


def _ranked(spec: ChallengeSpec, entry: dict[str, Any]) -> bool:
    return entry["score"] is not None and entry["score"] >= spec.ranking.floor


def _key(spec: ChallengeSpec, entry: dict[str, Any]) -> tuple[float, ...]:
    score = entry["score"] if entry["score"] is not None else -1.0
    energy = entry["energy_wh_per_1000"] if entry["energy_wh_per_1000"] is not None else 1e300
    if spec.ranking.by == "energy":
        return (0.0 if _ranked(spec, entry) else 1.0, energy, -score)
    return (-score, energy)


def ranking_rule(spec: ChallengeSpec, metric: str) -> str:
    """The rule in words, in the reader's language."""
    if spec.ranking.by == "energy":
        return gettext(
            "lowest energy per 1,000 samples first, among entries with %(metric)s of at least "
            "%(floor)s; each team's best entry"
        ) % {"metric": metric_label(metric), "floor": f"{spec.ranking.floor:g}"}
    return gettext(
        "highest %(metric)s first, lower energy per 1,000 samples breaking ties; "
        "each team's best entry"
    ) % {"metric": metric_label(metric)}


def rerun_finals(store: Store, challenge_id: str) -> list[str]:
    """Queue each team's best entry of every task again (on the reference hardware's
    workers); their scores and energy are replaced by the new evaluation's."""
    from frugalkit.jobs import submit

    spec, _ = spec_of(store, challenge_id)
    ids = [e["id"] for t in spec.tasks for e in board(store, challenge_id, t.task)["entries"]]
    for submission_id, job in zip(
        ids, submit(store, KIND, [{"submission_id": i} for i in ids]), strict=True
    ):
        stored.update_submission(store, submission_id, state="queued", job_id=job.id)
    return ids


def _cancel(store: Store, removed: dict[str, Any]) -> dict[str, Any]:
    """Cancel the removed submissions' jobs still queued or running (a running one's worker
    stops it, and finds no submission to record into)."""
    from frugalkit.store.jobs import request_cancel

    for job_id in removed.pop("job_ids"):
        with contextlib.suppress(NotFoundError):
            request_cancel(store, job_id)
    return removed


def remove_team(store: Store, challenge_id: str, name: str) -> dict[str, Any]:
    """Remove a team: its token stops working, its entries leave the boards."""
    return _cancel(store, stored.remove_team(store, challenge_id, name))


def remove_challenge(store: Store, challenge_id: str) -> dict[str, Any]:
    """Remove a challenge with its teams, submissions and uploaded files."""
    return _cancel(store, stored.remove_challenge(store, challenge_id))
