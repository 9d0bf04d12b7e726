"""Property-based API testing: requests generated from the OpenAPI spec find no 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from frugalkit.settings import Settings
from frugalkit.web import create_app

# Loaded at import, as schemathesis requires: an app on a store of its own.
_HOME = Path(tempfile.mkdtemp(prefix="frugalkit-schemathesis-"))
APP = create_app(Settings(home=_HOME, database_url=f"sqlite:///{_HOME / 'api.db'}"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
