"""Helpers for server-rendered pages: rendering with the caller's context, typed forms (``core.forms``),
redirects."""

from __future__ import annotations

from typing import Any

from litestar.response import Redirect, Template

from jinlin.auth.principal import Principal
from jinlin.core.forms import convert_form, decode_form, form_data, form_errors  # noqa: F401 - the pages' one import
from jinlin.core.i18n import current_locale


def render(template: str, principal: Principal | None = None, *, status_code: int = 200, **context: Any) -> Template:
    context.setdefault("errors", {})
    return Template(
        template_name=template,
        context={"principal": principal, "locale": current_locale.get(), **context},
        status_code=status_code,
    )


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
