"""Domain errors. One table in ``core.http`` maps them to API.md's envelope and to page messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose; ``status`` is the HTTP status it maps to."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        fields: dict[str, str] | None = None,
        code: str | None = None,
        params: dict[str, object] | None = None,
    ) -> None:
        # ``message`` is an English msgid; with ``params`` it is a template ("The offer has {n} left"), so
        # the catalogs translate it whatever the numbers. The API's envelope carries the English text.
        self.msgid = message
        self.params = params or {}
        self.message = message.format(**self.params) if params else message
        super().__init__(self.message)
        self.fields = fields or {}
        if code is not None:
            self.code = code

    def localized(self) -> str:
        """The message in the reader's language (pages show this); codes among the values are translated too."""
        from jinlin.core.i18n import gettext, translate

        return translate(
            self.msgid, None, **{k: gettext(v) if isinstance(v, str) else v for k, v in self.params.items()}
        )


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
        self.thing, self.action = thing, action

    def localized(self) -> str:
        from jinlin.core.i18n import gettext, translate

        whole = gettext(self.message)  # a feature may word one whole case itself ("结对已在帮扶中")
        if whole != self.message:
            return whole

        def word(kind: str, value: str) -> str:
            key = f"{kind}: {value}"  # prefixed msgids: "match" the noun is not "match" the verb
            text = gettext(key)
            return value if text == key else text

        return translate(
            "{thing} is {current}; cannot {action}",
            thing=word("thing", self.thing),
            current=gettext(self.current),
            action=word("action", self.action),
        )


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    # Seconds until a token is back (the answer's Retry-After header), when the caller knows.
    retry_after_s: int | None = None

    @classmethod
    def after(cls, message: str, seconds: float) -> RateLimited:
        exc = cls(message)
        exc.retry_after_s = max(1, int(seconds + 0.999))
        return exc
