"""What each page shows, as plain data: the HTML page and its JSON twin both call these,
so what a person sees and what a script reads cannot drift apart."""

from __future__ import annotations

from typing import Any

from frugalkit.bench import TASKS, get_task
from frugalkit.bench.scoring import POINTS_PER_DECADE
from frugalkit.bench.service import board, with_bands
from frugalkit.errors import InputError
from frugalkit.impact import equivalents
from frugalkit.store import (
    Store,
    get_report,
    get_run,
    list_runs,
    report_totals,
    search_reports,
)
from frugalkit.store.bench import runs_version

# Leaderboard filters: query parameter -> entry field.
FILTER_FIELDS = (("kind", "kind"), ("method", "energy_method"), ("hardware", "hardware"))
REPORT_FIELDS = ("id", "name", "phase", "status", "exit_code", "started_at", "duration_s")


def report_summary(report: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: report[k] for k in REPORT_FIELDS},
        "energy_wh": report["energy"]["facility_kwh"] * 1000,
        "energy_low_wh": report["energy"]["low_kwh"] * 1000,
        "energy_high_wh": report["energy"]["high_kwh"] * 1000,
        "ghg_g": report["ghg"]["location_based_g"],
        "water_l": report["water"]["total_l"],
        "method": "/".join(sorted({m["kind"] for m in report["methods"]})),
    }


def run_summary(run: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "id",
        "task",
        "submission",
        "kind",
        "status",
        "reason",
        "accuracy",
        "energy_wh_per_1000",
        "ghg_g_per_1000",
        "energy_method",
        "hardware",
        "created_at",
    )
    return {
        **{k: run[k] for k in keep},
        "submission": shown_name(run["submission"]),
        "demonstration": str(run.get("test_set") or "").startswith("frugalkit/"),
    }


def bench_internals() -> list[str]:
    """The bench's own load and inference reports: they belong to runs, which the boards
    show, and /reports lists them only when asked (`?bench=true`)."""
    return [f"{t}:{part}" for t in TASKS for part in ("load", "inference")]


def home(store: Store) -> dict[str, Any]:
    totals = report_totals(store)
    latest, listed = search_reports(store, limit=10, hide_names=bench_internals())
    return {
        # the count /reports lists, and apart the runs' own (issue 23: 63 here, 27 there)
        "totals": {**totals, "listed_reports": listed, "bench_reports": totals["reports"] - listed},
        "tasks": [{"id": t.id, "title": t.title} for t in TASKS.values()],
        "latest_reports": [report_summary(r) for r in latest],  # as /reports lists them
        "latest_runs": with_bands(store, [run_summary(r) for r in list_runs(store)[:10]]),
    }


class LeaderboardCache:
    """Ranked entries per task, recomputed only when the task's runs change; and the
    rendered responses (JSON or HTML bytes) of each query, under the same rule."""

    MAX_RESPONSES = 256
    # How stale a leaderboard may be: the runs' version is read from the store at most
    # this often (counting 10,000 runs per request costs more than serving the page).
    VERSION_TTL_S = 1.0

    def __init__(self) -> None:
        self._boards: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}
        self._responses: dict[tuple[Any, ...], tuple[Any, bytes]] = {}
        self._versions: dict[str, tuple[float, Any]] = {}

    def version(self, store: Store, task: str) -> Any:
        import time

        now = time.monotonic()
        checked = self._versions.get(task)
        if checked and now - checked[0] < self.VERSION_TTL_S:
            return checked[1]
        version = runs_version(store, task)
        self._versions[task] = (now, version)
        return version

    def response(self, store: Store, task: str, key: tuple[Any, ...], render: Any) -> bytes:
        """`render()`'s bytes for this query, rendered again only when runs change."""
        version = self.version(store, task) if task in TASKS else None
        cached = self._responses.get(key)
        if cached and cached[0] == version:
            return cached[1]
        body: bytes = render()
        if len(self._responses) >= self.MAX_RESPONSES:
            self._responses.clear()
        self._responses[key] = (version, body)
        return body

    def board(
        self,
        store: Store,
        task: str,
        test_set: str | None,
        points_per_decade: float,
        include_reported: bool,
    ) -> dict[str, Any]:
        version = self.version(store, task)
        key = (task, test_set, points_per_decade, include_reported)
        cached = self._boards.get(key)
        if cached and cached[0] == version:
            return cached[1]
        ranked = board(store, get_task(task), test_set, points_per_decade, include_reported)
        if len(self._boards) >= self.MAX_RESPONSES:
            self._boards.clear()
        self._boards[key] = (version, ranked)
        return ranked


def leaderboard_page(
    store: Store,
    cache: LeaderboardCache,
    task_id: str,
    *,
    limit: int = 100,
    offset: int = 0,
    points_per_decade: float = POINTS_PER_DECADE,
    kind: str | None = None,
    method: str | None = None,
    hardware: str | None = None,
    test_set: str | None = None,
    include_reported: bool = False,
) -> dict[str, Any]:
    if task_id not in TASKS:
        from frugalkit.errors import NotFoundError

        raise NotFoundError(f"no task {task_id!r}; tasks: {', '.join(TASKS)}")
    if not 1 <= limit <= 1000 or offset < 0:
        raise InputError("limit must be 1 to 1000 and offset >= 0")
    ranked = cache.board(store, task_id, test_set, points_per_decade, include_reported)
    entries = ranked["entries"]
    rows = [
        e
        for e in entries
        if (not kind or e["kind"] == kind)
        and (not method or e["energy_method"] == method)
        and (not hardware or e["hardware"] == hardware)
    ]
    return {
        **{k: v for k, v in ranked.items() if k != "entries"},
        "labels": len(TASKS[task_id].labels),
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "filters": {
            key: [
                {"value": value, "count": sum(e[field] == value for e in entries)}
                for value in sorted({e[field] for e in entries})
            ]
            for key, field in (
                ("kind", "kind"),
                ("method", "energy_method"),
                ("hardware", "hardware"),
            )
        },
        "chosen": {"kind": kind, "method": method, "hardware": hardware},
        "intensities_g_per_kwh": sorted(
            {
                round(e["ghg_g_per_1000"] / e["energy_wh_per_1000"] * 1000, 1)
                for e in rows
                if e["energy_wh_per_1000"]
            }
        ),
        "demonstration": bool(ranked["test_set"] and ranked["test_set"].startswith("frugalkit/")),
        "entries": [
            {**e, "submission": shown_name(e["submission"])} for e in rows[offset : offset + limit]
        ],
    }


def shown_name(spec: str) -> str:
    """A submission as the public pages name it: a URL whole, a file by its name only
    (the folders it sits in on the server are nobody's business)."""
    if spec.lower().startswith(("http://", "https://")):
        return spec
    return spec.rsplit("/", 1)[-1]


def run_page(store: Store, run_id: str) -> dict[str, Any]:
    run = get_run(store, run_id)
    task = get_task(run["task"])
    payload = dict(run["payload"] or {})
    if "data" in payload:
        payload["data"] = shown_name(str(payload["data"]))
    return {
        **run,
        "submission": shown_name(run["submission"]),
        "payload": payload,
        "labels": list(task.labels),
        "task_title": task.title,
        "demonstration": str(run.get("test_set") or "").startswith("frugalkit/"),
    }


def reports_page(
    store: Store,
    limit: int = 50,
    offset: int = 0,
    q: str | None = None,
    status: str | None = None,
    phase: str | None = None,
    zone: str | None = None,
    sort: str = "newest",
    bench: bool = False,
) -> dict[str, Any]:
    """A page of reports; the bench's own load and inference reports are hidden unless
    `bench` (they belong to runs, which the leaderboards show)."""
    if not 1 <= limit <= 1000 or offset < 0:
        raise InputError("limit must be 1 to 1000 and offset >= 0")
    internals = bench_internals()
    found, total = search_reports(
        store,
        limit=limit,
        offset=offset,
        text=q,
        status=status,
        phase=phase,
        zone=zone.upper() if zone else None,
        hide_names=() if bench else internals,
        sort=sort,
    )
    return {
        "reports": [report_summary(r) for r in found],
        "total": total,
        "offset": offset,
        "limit": limit,
        "query": {
            "q": q or "",
            "status": status or "",
            "phase": phase or "",
            "zone": zone or "",
            "sort": sort,
            "bench": bench,
        },
        "choices": {
            "status": ["running", "completed", "failed", "interrupted"],
            "phase": ["training", "inference", "evaluation", "service", "other"],
            "sort": ["newest", "oldest", "energy", "ghg", "name"],
        },
    }


def report_page(store: Store, report_id: str) -> dict[str, Any]:
    report = get_report(store, report_id)
    eq = equivalents(
        ghg_g=report["ghg"]["location_based_g"],
        energy_kwh=report["energy"]["facility_kwh"],
        water_l=report["water"]["total_l"],
    )
    return {"report": report, "equivalents": eq}
