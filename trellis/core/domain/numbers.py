"""Numbers as people and JSON files write them: 1520, 1520.50, "1,520.50", "£1520". Pure."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_number(raw: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or a string such as "1,520.50" or "£1520"; None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw)) if math.isfinite(raw) else None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, str) and len(raw) <= 40:
        text = raw.strip().replace(",", "").replace(" ", "")
        if text.startswith("£"):
            text = text[1:]
        elif text.startswith("-£"):
            text = "-" + text[2:]
        if _NUMBER.match(text):
            try:
                return Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
                return None
    return None
