"""The RAPL notice once per machine, not on every command (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pytest

from frugalkit.measure import registry


def test_a_notice_is_said_once_then_again_only_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(registry, "warn", said.append)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    for _ in range(3):  # three commands on one machine
        registry.warn_once("rapl", "CPU and RAM energy will be estimated: no RAPL")
    assert len(said) == 1 and "said once on this machine" in said[0]
    registry.warn_once("rapl", "CPU and RAM energy will be estimated: another reason")
    assert len(said) == 2 and "another reason" in said[1]
