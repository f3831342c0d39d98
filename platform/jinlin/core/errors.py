"""Domain errors. One table in ``core.http`` maps them to API.md's envelope and to page messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose; ``status`` is the HTTP status it maps to."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code is not None:
            self.code = code


class Invalid(DomainError):
    status = 400
    code = "invalid"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class MustChangePassword(Forbidden):
    """Pages refuse everything but the password form until a one-time password is replaced."""

    code = "password_change_required"


class NotFound(DomainError):
    """Absent, or not visible to the caller (out-of-scope reads answer 404, never 200)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """A state conflict: wrong status, capacity taken, duplicate."""

    status = 409
    code = "conflict"


class WrongStatus(Conflict):
    code = "wrong_status"

    def __init__(self, thing: str, current: str, action: str) -> None:
        super().__init__(f"{thing} is {current}; cannot {action}", {"status": current})
        self.current = current


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
