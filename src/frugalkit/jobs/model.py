"""The job record: one unit of queued work, typed, with its one home (`jobs.queue`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

State = Literal["queued", "running", "completed", "failed", "cancelled"]
FINAL = ("completed", "failed", "cancelled")


class Job(BaseModel):
    """A job. Times are UTC; `heartbeat_at` is renewed every few seconds while it runs."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str = Field(description="'module:function' of its handler, in frugalkit")
    inputs: dict[str, Any]
    state: State
    attempts: int = Field(ge=0, description="times a worker started it")
    max_attempts: int = Field(ge=1)
    worker: str | None = Field(description="host:pid (or Ray task) that runs or ran it")
    heartbeat_at: datetime | None
    cancel_requested: bool
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None

    @property
    def final(self) -> bool:
        return self.state in FINAL
