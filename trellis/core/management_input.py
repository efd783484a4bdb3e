"""Reading the JSON file a command-line engine is given (``trellis fcr --input``, ``trellis evaluate --bids``):
checked for size and encoding, numbers kept exact as ``Decimal``, and every problem a plain ``CommandError``
naming the option — so bad input is one clear line on stderr and nothing on stdout."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import CommandError

from trellis.core.errors import ValidationFailed


def read_json_file(filename: str, *, option: str, what: str, max_bytes: int) -> object:
    """The parsed JSON in ``filename`` (given as ``option``; ``what`` says what it should hold)."""
    path = Path(filename)
    if not path.is_file():
        raise CommandError(f"{option}: there is no file at {filename}.")
    if path.stat().st_size > max_bytes:
        raise CommandError(f"{option}: {path.name} is larger than {max_bytes // 1_000_000} MB.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{option}: {filename} cannot be read as UTF-8 text ({exc.__class__.__name__}).") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{option}: {path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    except RecursionError:
        raise CommandError(f"{option}: {path.name} is nested too deeply to be {what}.") from None


def field_errors(exc: ValidationFailed) -> CommandError:
    """A validation failure as one line per field, under its summary."""
    lines = "\n".join(f"  {path}: {' '.join(messages)}" for path, messages in exc.errors.items())
    return CommandError(f"{exc.message}\n{lines}" if lines else exc.message)
