"""The examples in the modules' docstrings hold (two were wrong while nothing ran them)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "frugalkit.i18n",
    "frugalkit.impact.display",
    "frugalkit.impact.embodied",
    "frugalkit.impact.equivalents",
    "frugalkit.impact.exports",
    "frugalkit.impact.indicators",
    "frugalkit.impact.kpis",
    "frugalkit.impact.zones",
    "frugalkit.impact.grid_live",
    "frugalkit.measure.meters.estimate",
    "frugalkit.bench.metrics",
    "frugalkit.bench.scoring",
    "frugalkit.bench.split",
    "frugalkit.bench.staging",
    "frugalkit.datacenter.shown",
    "frugalkit.library.answer",
    "frugalkit.library.claims",
    "frugalkit.library.passages",
    "frugalkit.web.templating",
    "frugalkit.observatory.regions",
]


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
