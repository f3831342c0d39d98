"""HTTP plumbing shared by every feature: the error envelope, the caller's Principal, paging, locale.

API errors follow API.md: ``{"error": {"code", "message", "fields"}}``. Pages get the same errors
rendered in the user's language, and a 401 on a page redirects to the login form.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from jinlin.auth.principal import Principal
from jinlin.auth.service import principal_for_token
from jinlin.core.errors import DomainError, Invalid, MustChangePassword, NotAuthenticated
from jinlin.core.i18n import current_locale, gettext, pick_locale
from jinlin.core.pagination import PageRequest, page_request
from jinlin.core.settings import get_settings

SESSION_COOKIE = "jinlin_session"
LOCALE_COOKIE = "jinlin_locale"

_HTTP_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def client_address(request: Request) -> str:
    """The caller's address; X-Forwarded-For counts only when the peer is a configured proxy
    (``JINLIN_TRUSTED_PROXIES``), and then its right-most address not itself a proxy."""
    peer = request.client.host if request.client else "unknown"
    proxies = get_settings().trusted_proxies
    if not proxies or not _in(peer, proxies):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, proxies):
            return hop[:64]
    return peer


def _in(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def require_json(request: Request) -> None:
    """Refuse a JSON endpoint's body sent as a form or text/plain: a cross-site form can send those
    without a CORS preflight (login CSRF), but not application/json."""
    if request.content_type[0] != "application/json":
        raise Invalid(
            "Send the body as application/json",
            {"content-type": "must be application/json"},
            code="unsupported_media_type",
        )


def envelope(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _without_value(reason: str) -> str:
    """msgspec quotes a rejected enum value ("Invalid enum value 'x'"): never echo input (it may be personal)."""
    return reason.split(" '", 1)[0] if reason.startswith("Invalid enum value") else reason


def _validation_fields(exc: ValidationException) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or "body")
            # msgspec says "Expected `int`, got `str` - at `$.quantity`"; keep the first clause.
            fields[key.removeprefix("$.")] = _without_value(str(item.get("message", "invalid")).split(" - at ")[0])
    if not fields and exc.detail:
        detail = str(exc.detail)
        if " - at `$." in detail:
            reason, _, where = detail.partition(" - at `$.")
            fields[where.rstrip("`").split("[")[0]] = _without_value(reason)
    return fields


def _same_site_referer(request: Request) -> str:
    """The page the user came from (a path on this site), for a "back" link; "" otherwise."""
    referer, base = request.headers.get("referer", ""), str(request.base_url).rstrip("/")
    path = referer[len(base) :] if referer.startswith(base + "/") else ""
    return path if path.startswith("/") and not path.startswith("//") else ""


def _error_page(request: Request, status: int, code: str, message: str, fields: dict[str, str]) -> Response:
    """An error page in the normal layout: menu, account and language stay (``message`` already translated)."""
    if status == 401:
        return Redirect(path=f"/login?next={quote(request.url.path)}")
    if code == MustChangePassword.code:
        return Redirect(path=PASSWORD_CHANGE_PATH)
    principal = getattr(request.state, "principal", None)
    return Template(
        template_name="error.html",
        context={
            "status": status,
            "code": code,
            "message": message,
            "fields": fields,
            "principal": principal,
            "locale": current_locale.get(),
            "back": _same_site_referer(request),
        },
        status_code=status,
    )


def domain_error_handler(request: Request, exc: DomainError) -> Response:
    retry_after = getattr(exc, "retry_after_s", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    if is_api(request):
        return Response(envelope(exc.code, exc.message, exc.fields), status_code=exc.status, headers=headers)
    page = _error_page(request, exc.status, exc.code, exc.localized(), exc.fields)
    if headers:
        page.headers.update(headers)
    return page


def http_error_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    fields = _validation_fields(exc) if isinstance(exc, ValidationException) else {}
    code = _HTTP_CODES.get(status, "error")
    message = str(exc.detail) if exc.detail else code
    if isinstance(exc, ValidationException):
        message = "Invalid request"
        code = "invalid"
    if is_api(request) or request.url.path.startswith("/schema"):
        return Response(envelope(code, message, fields), status_code=status, headers=exc.headers)
    return _error_page(request, status, code, gettext(message), fields)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    request.logger.exception("unhandled error", exc_info=exc)
    if is_api(request):
        return Response(envelope("internal", "Internal error"), status_code=HTTP_500_INTERNAL_SERVER_ERROR)
    return _error_page(request, 500, "internal", gettext("Something went wrong"), {})


def unstorable_input_handler(request: Request, exc: Exception) -> Response:
    """A safety net for input no check caught: JSON nested too deep, a number beyond what the database
    holds, text it cannot store (NUL). A 400, never a 500."""
    from jinlin.core.guard import body_error_status

    return domain_error_handler(request, Invalid("Invalid request", body_error_status(exc)))


# Unique indexes whose violation names a field other than their last column.
UNIQUE_FIELDS = {"match_one_live_pair": "offer_id"}


def unique_violation_handler(request: Request, exc: Exception) -> Response:
    """Two concurrent writes raced past a service's own check and the database kept one: a 409 naming the
    field, as the service would have answered."""
    text = str(exc)
    from jinlin.core.errors import Conflict

    if type(exc).__name__ == "IntegrityError" and "UNIQUE constraint failed" not in text:
        # SQLite's other integrity errors (a missing referenced row, a NULL): the input, not a race.
        return domain_error_handler(
            request, Invalid("Invalid request", {"_form": "refers to something that does not exist"})
        )
    name = getattr(exc, "constraint_name", None) or ""
    field = UNIQUE_FIELDS.get(name, "")
    if not field and "UNIQUE constraint failed:" in text:  # SQLite: "... failed: match.need_id, match.offer_id"
        field = text.rsplit(".", 1)[-1].strip()
    if not field and "Key (" in text:  # PostgreSQL: "Key (username)=(x) already exists."
        field = text.split("Key (", 1)[1].split(")", 1)[0].split(",")[-1].strip()

    return domain_error_handler(
        request, Conflict("Already exists", {field or "_form": "already exists"}, code="duplicate")
    )


def _unique_errors() -> tuple[type[Exception], ...]:
    import sqlite3

    from asyncpg.exceptions import UniqueViolationError

    return (sqlite3.IntegrityError, UniqueViolationError)


def _database_data_errors() -> tuple[type[Exception], ...]:
    try:
        from asyncpg.exceptions import DataError
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return ()
    return (DataError,)


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    RecursionError: unstorable_input_handler,
    OverflowError: unstorable_input_handler,
    **dict.fromkeys(_database_data_errors(), unstorable_input_handler),
    **dict.fromkeys(_unique_errors(), unique_violation_handler),
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error_handler,
}


def _token_from(request: Request) -> str | None:
    if is_api(request):
        # The API takes bearer tokens only, so a session cookie can't be replayed cross-site.
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return request.cookies.get(SESSION_COOKIE)


async def optional_principal(request: Request) -> Principal | None:
    token = _token_from(request)
    principal = await principal_for_token(token) if token else None
    if principal is not None:
        current_locale.set(pick_locale(principal.locale))
        request.state.principal = principal
    return principal


# Pages a person with a one-time password may still open: where they set their own, and leaving.
PASSWORD_CHANGE_PATH = "/accounts/me"
_OPEN_WITH_ONE_TIME_PASSWORD = (PASSWORD_CHANGE_PATH, "/logout", "/locale", "/static")
# The API's equivalents (logging out and changing one's own password are checked by method too).
_API_OPEN_WITH_ONE_TIME_PASSWORD = ("/api/v1/me", "/api/v1/auth/me")


async def provide_principal(request: Request) -> Principal:
    principal = await optional_principal(request)
    if principal is None:
        raise NotAuthenticated("Log in first")
    if principal.must_change_password and not _open_with_one_time_password(request, principal):
        raise MustChangePassword("Choose your own password first")
    return principal


def _open_with_one_time_password(request: Request, principal: Principal) -> bool:
    path, method = request.url.path, request.method
    if is_api(request):
        return (
            (method == "POST" and path == "/api/v1/auth/logout")
            or (method == "GET" and path in _API_OPEN_WITH_ONE_TIME_PASSWORD)
            or (method == "PATCH" and path == f"/api/v1/accounts/{principal.account_id}")
        )
    return path.startswith(_OPEN_WITH_ONE_TIME_PASSWORD) or path == f"/accounts/{principal.account_id}"


async def provide_paging(
    limit: FromQuery[int | None] = None, cursor: FromQuery[str | None] = None, offset: FromQuery[int | None] = None
) -> PageRequest:
    return page_request(limit, cursor, offset)


async def set_request_locale(request: Request) -> None:
    """before_request: the locale until a Principal says otherwise (cookie, then settings), then the
    checks every request gets (``core.guard``).

    Async on purpose: Litestar runs a sync hook in a worker thread, where setting the context variable
    would be lost before the handler runs.
    """
    current_locale.set(pick_locale(request.cookies.get(LOCALE_COOKIE), get_settings().locale))
    from jinlin.core.guard import check_request

    check_request(request)
