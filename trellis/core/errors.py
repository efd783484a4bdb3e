"""One hierarchy of domain errors.

Views turn them into form errors or messages, the API into RFC 7807 problem documents,
and commands into a clear line on stderr with a non-zero exit. A user never sees a stack trace.
"""

from __future__ import annotations

from typing import Any


class TrellisError(Exception):
    """Base class: a machine-readable ``code`` and a plain-English ``message``."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.extra = extra

    def as_problem(self) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": f"https://trellis.example.org/problems/{self.code}",
            "title": self.message,
            "status": self.status,
            "code": self.code,
        }
        if self.field:
            problem["field"] = self.field
        problem.update(self.extra)
        return problem


class ValidationFailed(TrellisError):
    """Input is not acceptable. ``errors`` maps a field (or row) to its messages."""

    code = "validation_failed"
    status = 422

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.errors = errors or {}

    @classmethod
    def of(cls, errors: dict[str, list[str]], message: str = "") -> ValidationFailed:
        """The failure for these field errors; its message is ``message`` or else the first field's first error."""
        return cls(message or next(iter(errors.values()), ["The input is not valid."])[0], errors=errors)

    def as_problem(self) -> dict[str, Any]:
        problem = super().as_problem()
        problem["errors"] = self.errors
        return problem


class PermissionDenied(TrellisError):
    code = "permission_denied"
    status = 403


class NotFound(TrellisError):
    code = "not_found"
    status = 404


class InvalidTransition(TrellisError):
    code = "invalid_transition"
    status = 409


class DeadlinePassed(TrellisError):
    code = "deadline_passed"
    status = 409


class NotEligible(TrellisError):
    code = "not_eligible"
    status = 409


class ConflictOfInterest(TrellisError):
    code = "conflict_of_interest"
    status = 403


class UnsafeUpload(ValidationFailed):
    code = "unsafe_upload"
