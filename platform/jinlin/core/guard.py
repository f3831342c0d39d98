"""Checks every request gets before its handler runs, so whole classes of bad input answer 4xx:

- an id in the path that cannot exist (beyond 64 bits) is 404; such a number in a query is 400;
- a query parameter the API endpoint does not know is 400 naming it (a typo must not return everything);
- a NUL character in the query is 400.

What a body may hold is checked by ``core.schemas.Body``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from jinlin.core.errors import Invalid, NotFound
from jinlin.core.schemas import MAX_ID

_expected: dict[tuple[int, tuple[str, ...]], frozenset[str]] = {}


def _expected_query(request: Request) -> frozenset[str]:
    """The query parameter names the handler (and its dependencies) declare."""
    handler = request.route_handler
    key = (id(handler), tuple(sorted(request.path_params)))
    if key not in _expected:
        model = handler.create_kwargs_model(path_parameters=dict.fromkeys(request.path_params))  # type: ignore[arg-type]
        _expected[key] = frozenset(p.field_alias for p in model.expected_query_params)
    return _expected[key]


def _too_big(value: str) -> bool:
    text = value.strip().lstrip("+-")
    return text.isdigit() and int(text) > MAX_ID


def check_request(request: Request) -> None:
    for value in request.path_params.values():
        if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            raise NotFound("Not found")
    fields: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            fields[name.replace("\x00", "")] = "must not contain NUL characters"
        elif _too_big(value):
            fields[name] = "out of range"
    if request.url.path.startswith("/api/"):
        unknown = sorted(set(request.query_params) - _expected_query(request))
        fields.update(dict.fromkeys(unknown, "unknown query parameter"))
    if fields:
        raise Invalid("Check the query parameters", fields)


def body_error_status(exc: BaseException) -> dict[str, Any]:
    """Input the decoder or the database refused: too deep, too large a number, text the database cannot hold."""
    if isinstance(exc, RecursionError):
        return {"body": "nested too deeply"}
    return {"_form": "a value is out of range or holds characters that cannot be stored"}
