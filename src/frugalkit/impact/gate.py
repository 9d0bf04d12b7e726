"""The gate every ImpactReport passes on its way in (spool, file import, HTTP API, bench).

Text is decoded strictly (UTF-8, a BOM accepted), JSON parsed strictly (finite numbers
only, bounded depth), the schema applied, and no string may hold a NUL character (which
PostgreSQL refuses). Every refusal is an InputError that names the line and the field.

>>> parse_json('{"a": NaN}')                                   # doctest: +SKIP
InputError: not JSON: NaN is not a number JSON allows (finite numbers only)
"""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import ValidationError

from frugalkit.errors import InputError
from frugalkit.impact.report import ImpactReport

# A report is 4 levels deep; anything much deeper is hostile or broken.
MAX_DEPTH = 32


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text (a leading byte-order mark is dropped), or InputError with the offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source} is not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8"
        ) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows (finite numbers only)")


def parse_json(text: str, source: str = "the input") -> Any:
    """A JSON value with finite numbers only and at most MAX_DEPTH levels of nesting."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source} is not JSON: {exc.msg} (line {exc.lineno})") from None
    except ValueError as exc:
        raise InputError(f"{source} is not JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{source} is nested deeper than {MAX_DEPTH} levels") from None
    _check_values(value, source)
    return value


def _check_values(value: Any, source: str) -> None:
    """Depth, NUL characters and overflowing numbers (1e999 parses as inf), iteratively."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"{source} is nested deeper than {MAX_DEPTH} levels")
        where = f" at {path}" if path else ""
        if isinstance(item, str) and "\x00" in item:
            raise InputError(f"{source}: a NUL character{where}; remove it")
        if isinstance(item, float) and not math.isfinite(item):
            raise InputError(f"{source}: {item} is not a finite number{where}")
        if isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    raise InputError(f"{source}: a NUL character in a key{where}; remove it")
                stack.append((child, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))


def first_problem(error: ValidationError) -> str:
    """'field.sub: what is wrong', from the first error pydantic found."""
    first = error.errors()[0]
    # a dict key that fails is located as "[key]", then an empty part: "reported.abc"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "[key]").rstrip(".")
    message = str(first.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def validate_report(payload: Any, source: str = "report") -> ImpactReport:
    """An ImpactReport, or InputError naming the first field that fails the schema."""
    _check_values(payload, source)
    try:
        return ImpactReport.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "report"
        raise InputError(
            f"{source} rejected: field {where}: {first['msg']} ({exc.error_count()} error(s))"
        ) from None


def parse_reports(data: bytes, source: str) -> list[ImpactReport]:
    """Reports from a JSON document (one report or a list) or JSON lines; all or nothing.

    A refusal names the line (JSON lines) or the list index (a JSON list)."""
    text = decode_text(data, source)
    if not text.strip():
        raise InputError(f"{source} holds no report")
    try:
        document = parse_json(text, source)
    except InputError:
        document = None
        if "\n" not in text.strip():
            raise
    if document is not None:
        items = document if isinstance(document, list) else [document]
        if not items:
            raise InputError(f"{source} holds no report")
        return [
            validate_report(p, f"{source} item {i}" if isinstance(document, list) else source)
            for i, p in enumerate(items, start=1)
        ]
    reports = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            where = f"{source} line {number:,}"
            reports.append(validate_report(parse_json(line, where), where))
    return reports
