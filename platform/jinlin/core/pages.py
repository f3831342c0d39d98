"""Helpers for server-rendered pages: rendering with the caller's context, typed forms (``core.forms``),
redirects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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


async def render_import(
    template: str, principal: Principal, headers: list[str], run: Callable[[], Awaitable[list[int] | Redirect]]
) -> Template | Redirect:
    """An Excel import page after an upload: ``run`` imports; bad rows, a refusal or the count are shown
    (or ``run``'s redirect to the progress page of a background import)."""
    from jinlin.core.errors import DomainError
    from jinlin.core.tabular import ImportRejected

    try:
        ids = await run()
    except ImportRejected as exc:
        return render(
            template,
            principal,
            status_code=400,
            headers=headers,
            row_errors=exc.errors,
            errors={"_form": "Nothing was imported. Fix these rows and upload the file again."},
        )
    except DomainError as exc:
        return render(
            template, principal, status_code=exc.status, headers=headers, row_errors=[], errors=form_errors(exc)
        )
    if isinstance(ids, Redirect):
        return ids
    return render(template, principal, headers=headers, row_errors=[], imported=len(ids))
