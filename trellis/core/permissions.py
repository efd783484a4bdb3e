"""Permission decisions: every check returns a Decision with a reason a person can read."""

from __future__ import annotations

from dataclasses import dataclass

from trellis.core.errors import PermissionDenied


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


def allow(reason: str = "") -> Decision:
    return Decision(True, reason)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


def require(decision: Decision) -> None:
    """Raise PermissionDenied unless the decision allows the action (services call this)."""
    if not decision.allowed:
        raise PermissionDenied(decision.reason or "You do not have permission to do that.")
