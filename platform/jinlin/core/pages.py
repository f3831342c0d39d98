"""Helpers for server-rendered pages: rendering with the caller's context, form errors, redirects."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.response import Redirect, Template

from jinlin.auth.principal import Principal
from jinlin.core.errors import DomainError
from jinlin.core.i18n import current_locale


def render(template: str, principal: Principal | None = None, *, status_code: int = 200, **context: Any) -> Template:
    context.setdefault("errors", {})
    return Template(
        template_name=template,
        context={"principal": principal, "locale": current_locale.get(), **context},
        status_code=status_code,
    )


def form_errors(exc: DomainError) -> dict[str, str]:
    """A domain error as {field: reason}; errors not tied to a field go under ``_form``."""
    errors = dict(exc.fields)
    errors.setdefault("_form", exc.message)
    return errors


def convert_form(raw: dict[str, Any], struct: type[msgspec.Struct]) -> Any:
    """Turn form text into a typed Struct; a bad field raises DomainError naming the field."""
    from jinlin.core.errors import Invalid

    cleaned = {k: v for k, v in raw.items() if v not in ("", None) and not k.startswith("_") and k != "next"}
    try:
        return msgspec.convert(cleaned, struct, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.partition(" - at `$.")[2].rstrip("`").split("[")[0] or "_form"
        reason = message.partition(" - at ")[0]
        if "missing required field `" in message:  # an emptied required field: name it, not the form
            field = field if field != "_form" else message.partition("missing required field `")[2].split("`")[0]
            reason = "required"
        raise Invalid("Check the highlighted fields", {field: reason}) from exc


def form_list(raw: Any) -> list[str]:
    """A multi-valued form field as a list (a single value arrives as a plain string)."""
    if raw is None or raw == "":
        return []
    return [raw] if isinstance(raw, str) else [v for v in raw if v]


def safe_next(target: str | None) -> str:
    """Only same-site paths: ``next`` must not redirect off the site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def redirect(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


async def form_data(request: Request) -> dict[str, Any]:
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = form.getall(key)
        out[key] = values if len(values) > 1 else values[0]
    return out
