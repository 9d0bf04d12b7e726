"""Packaged factor files. Each names its source, year and licence inside itself."""

from __future__ import annotations

import json
import os
from functools import cache

from frugalkit.errors import DataFileError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")


@cache
def load(name: str) -> dict[str, Any]:
    """Read `data/<name>.json`; a missing or corrupt file raises DataFileError naming it."""
    path = os.path.join(DATA_DIR, f"{name}.json")
    try:
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
    except FileNotFoundError:
        raise DataFileError(f"frugalkit data file {path} is missing; reinstall frugalkit") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(
            f"frugalkit data file {path} is corrupt ({exc}); reinstall frugalkit"
        ) from None
    if not isinstance(document, dict):
        raise DataFileError(f"frugalkit data file {path} is corrupt (not a JSON object)")
    return document


def field(name: str, *keys: str) -> Any:
    """A nested entry of a data file; a missing key is a corrupt file, named as such."""
    value: Any = load(name)
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            path = os.path.join(DATA_DIR, f"{name}.json")
            raise DataFileError(
                f"frugalkit data file {path} is corrupt (no {'.'.join(keys)}); reinstall frugalkit"
            )
        value = value[key]
    return value
