"""Login, logout and the language switch for the pages."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from jinlin.accounts import service as accounts
from jinlin.auth import service
from jinlin.auth.api import session_cookie
from jinlin.auth.principal import Principal
from jinlin.core.errors import DomainError
from jinlin.core.http import LOCALE_COOKIE, SESSION_COOKIE, client_address
from jinlin.core.i18n import current_locale, pick_locale
from jinlin.core.pages import form_data, form_errors, redirect, render, safe_next


@get("/login", include_in_schema=False)
async def login_form(
    maybe_principal: NamedDependency[Principal | None], next: FromQuery[str | None] = None
) -> Template | Redirect:
    if maybe_principal is not None:
        return redirect(safe_next(next))
    return render("auth/login.html", None, next=safe_next(next), username="", register_link=True)


@post("/login", include_in_schema=False)
async def login_submit(request: Request) -> Template | Redirect:
    form = await form_data(request)
    username = str(form.get("username", "")).strip()
    try:
        token, account = await service.login(username, str(form.get("password", "")), client_address(request))
    except DomainError as exc:
        return render(
            "auth/login.html",
            None,
            status_code=exc.status,
            errors=form_errors(exc),
            next=safe_next(form.get("next")),
            username=username,
            register_link=True,
        )
    response = redirect(safe_next(form.get("next")))
    response.cookies.append(session_cookie(token))
    response.cookies.append(Cookie(key=LOCALE_COOKIE, value=account.locale, path="/", samesite="lax"))
    return response


@post("/logout", include_in_schema=False)
async def logout_submit(principal: NamedDependency[Principal]) -> Redirect:
    await service.logout(principal)
    response = redirect("/login")
    response.cookies.append(Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/"))
    return response


@post("/locale", include_in_schema=False)
async def switch_locale(request: Request, maybe_principal: NamedDependency[Principal | None]) -> Response:
    """Remembered per account (and in a cookie for the login page)."""
    form = await form_data(request)
    locale = pick_locale(str(form.get("locale", "")))
    if maybe_principal is not None:
        await accounts.set_locale(maybe_principal, locale)
    current_locale.set(locale)
    response = redirect(safe_next(form.get("next")))
    response.cookies.append(Cookie(key=LOCALE_COOKIE, value=locale, path="/", samesite="lax", max_age=365 * 86400))
    return response


ROUTES = [login_form, login_submit, logout_submit, switch_locale]
