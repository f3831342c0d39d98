"""Typed page forms: one way to turn a browser form into the API's own request Struct.

``convert_form(raw, Struct)`` reads each field by the Struct's declared type, so a form cannot send what
the API would refuse: lists from repeated fields (or a comma-separated text box), check boxes as booleans,
``<input type="datetime-local">`` values ("2026-12-01T09:30") read in the county's time zone
(``JINLIN_TIME_ZONE``), numbers through msgspec's own checks. Every refusal is an ``Invalid`` naming the
field, with a message in the user's language (``field_message``), so the page re-renders the form with
the field marked and what was typed kept.
"""

from __future__ import annotations

import re
import types
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request

from jinlin.core.errors import DomainError, Invalid
from jinlin.core.i18n import translate
from jinlin.core.settings import get_settings

TRUE = {"on", "1", "true", "yes", "是"}
FALSE = {"off", "0", "false", "no", "否"}
# Fields a page adds to every form that no request Struct has.
FORM_ONLY = {"next"}


def county_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().time_zone)


def _base(tp: Any) -> Any:
    """The type a field holds once Optional, Unset and Annotated are peeled off."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            rest = [a for a in get_args(tp) if a not in (type(None), msgspec.UnsetType)]
            if len(rest) != 1:
                return tp
            tp = rest[0]
        else:
            return tp


@cache
def _field_types(struct: type[msgspec.Struct]) -> dict[str, Any]:
    hints = get_type_hints(struct, include_extras=True)
    return {name: _base(hints[name]) for name in struct.__struct_fields__}


def _as_list(value: Any, item: Any) -> list[Any]:
    values = value if isinstance(value, list) else [value]
    out: list[Any] = []
    for v in values:
        if isinstance(v, str) and _base(item) is str:
            out.extend(p.strip() for p in v.replace("，", ",").split(",") if p.strip())
        elif v not in ("", None):
            out.append(v.strip() if isinstance(v, str) else v)
    return out


def local_datetime(text: str) -> str:
    """A browser date-time without an offset, read in the county's time zone; others pass unchanged."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return text  # msgspec names the field
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=county_zone())
    return parsed.isoformat()


def _coerce(value: Any, tp: Any) -> Any:
    origin = get_origin(tp)
    if origin in (list, set, frozenset, tuple) or tp in (list, set):
        args = get_args(tp)
        return _as_list(value, args[0] if args else str)
    if isinstance(value, list):  # a repeated field where one value is expected: the last one wins
        value = value[-1] if value else ""
    if isinstance(value, str):
        value = value.strip()
    if tp is bool and isinstance(value, str):
        low = value.lower()
        return True if low in TRUE else False if low in FALSE else value
    if tp is datetime and isinstance(value, str):
        return local_datetime(value)
    return value


def convert_form(raw: dict[str, Any], struct: type[msgspec.Struct]) -> Any:
    """Form text → the typed Struct; a bad field raises ``Invalid`` naming it (message in the user's language).

    Empty text means "not given" (the Struct's default applies, or "required"). Keys starting with ``_``
    (the CSRF token, submit buttons) and ``next`` are the page's own.
    """
    types_ = _field_types(struct)
    cleaned: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("_") or key in FORM_ONLY or value in ("", None):
            continue
        tp = types_.get(key)
        if "password" in key:  # typed exactly: spaces in a password are the user's
            cleaned[key] = value
            continue
        coerced = _coerce(value, tp) if tp is not None else value
        if coerced == [] and not isinstance(value, list) and value == "":
            continue
        cleaned[key] = coerced
    try:
        return msgspec.convert(cleaned, struct, strict=False)
    except msgspec.ValidationError as exc:
        field, reason = split_validation_error(str(exc))
        raise Invalid("Check the highlighted fields", {field: field_message(reason)}) from exc


def split_validation_error(message: str) -> tuple[str, str]:
    """msgspec's "Expected `int`, got `str` - at `$.quantity[0]`" as ("quantity", "Expected `int`, got `str`")."""
    reason, _, where = message.partition(" - at `$.")
    field = where.rstrip("`").split("[")[0].split(".")[0]
    if reason.startswith("Object missing required field `"):
        return field or reason.split("`")[1], "required"
    if reason.startswith("Object contains unknown field `"):
        return field or reason.split("`")[1], "unknown field"
    return field or "_form", reason


# msgspec's wording → (English msgid, values); the msgids are translated in core.po.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Expected `(?:int|float)` >= (?P<n>[-\d.e]+)$"), "must be at least {n}"),
    (re.compile(r"^Expected `(?:int|float)` > (?P<n>[-\d.e]+)$"), "must be more than {n}"),
    (re.compile(r"^Expected `(?:int|float)` <= (?P<n>[-\d.e]+)$"), "must be at most {n}"),
    (re.compile(r"^Expected `(?:int|float)` < (?P<n>[-\d.e]+)$"), "must be less than {n}"),
    (re.compile(r"^Expected `str` of length >= 1$"), "required"),
    (re.compile(r"^Expected `str` of length >= (?P<n>\d+)$"), "at least {n} characters"),
    (re.compile(r"^Expected `str` of length <= (?P<n>\d+)$"), "at most {n} characters"),
    (re.compile(r"^Expected `(?:array|set)` of length >= 1$"), "choose at least one"),
    (re.compile(r"^Expected `(?:array|set)` of length <= (?P<n>\d+)$"), "choose at most {n}"),
    (re.compile(r"^Expected `int`(?:, got `.*`)?$"), "must be a whole number"),
    (re.compile(r"^Expected `(?:float|number)`(?:, got `.*`)?$"), "must be a number"),
    (re.compile(r"^Expected `bool`(?:, got `.*`)?$"), "must be yes or no"),
    (re.compile(r"^Expected `datetime`(?:, got `.*`)?$|^Invalid RFC3339 encoded datetime$"), "must be a date and time"),
    (re.compile(r"^Expected `date`(?:, got `.*`)?$|^Invalid RFC3339 encoded date$"), "must be a date"),
    (re.compile(r"^Invalid enum value .*$|^Expected `str` matching .*$"), "not one of the choices"),
    (re.compile(r"^Expected `(?:array|object)`(?:, got `.*`)?$"), "invalid value"),
]


def field_message(reason: str) -> str:
    """A field's problem in the user's language: msgspec's wording mapped to our msgids, others looked up."""
    for pattern, msgid in _PATTERNS:
        found = pattern.match(reason)
        if found:
            return translate(msgid, **found.groupdict())
    return translate(reason)


def form_errors(exc: DomainError) -> dict[str, str]:
    """A domain error as {field: reason in the user's language}; errors not tied to a field go under ``_form``."""
    errors = {field: field_message(reason) for field, reason in exc.fields.items()}
    errors.setdefault("_form", exc.localized())  # a template with its values, in the reader's language
    return errors


async def form_data(request: Request) -> dict[str, Any]:
    """The submitted form as {name: value}, or {name: [values]} for a repeated field."""
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getall(key) if isinstance(v, str)]
        if values:
            out[key] = values if len(values) > 1 else values[0]
    return out


def kept_values(raw: dict[str, Any], struct: type[msgspec.Struct]) -> dict[str, Any]:
    """What the user typed, to re-display after a refusal: list fields as lists of text (never a bare string,
    so a template's ``in`` test compares whole values)."""
    types_ = _field_types(struct)
    out = dict(raw)
    for key, value in raw.items():
        tp = types_.get(key)
        is_list = tp is not None and (get_origin(tp) in (list, set, frozenset, tuple) or tp in (list, set))
        if is_list and isinstance(value, str) and get_args(tp) and _base(get_args(tp)[0]) is str:
            continue  # a comma-separated text box: shown again as typed
        if is_list:
            out[key] = [str(v) for v in (value if isinstance(value, list) else [value]) if v not in ("", None)]
    return out


async def decode_form(request: Request, struct: type[msgspec.Struct], **fixed: Any) -> tuple[Any, dict[str, Any]]:
    """``(typed body, raw form)`` of a page's POST: the raw form to re-display if the service refuses.
    ``fixed`` values (ids from the path, a submit button's meaning) override the form's."""
    raw = {**await form_data(request), **fixed}
    return convert_form(raw, struct), raw
