"""Property-based API testing: requests generated from the OpenAPI spec find no 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from frugalkit.settings import Settings
from frugalkit.web import create_app

# Loaded at import, as schemathesis requires: an app on a store of its own.
_HOME = Path(tempfile.mkdtemp(prefix="frugalkit-schemathesis-"))
APP = create_app(Settings(home=_HOME, database_url=f"sqlite:///{_HOME / 'api.db'}"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


# One test per operation, each with its own id: schemathesis's own parametrisation names
# all 36 alike, and pytest-xdist, which schedules by id, then ran only one of them.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_server_error(operation: Any) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        response = case.call()
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path}: {response.text[:300]}"
        )

    check()
