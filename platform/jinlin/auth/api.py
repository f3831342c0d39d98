"""/api/v1/auth: login (token plus a session cookie for the pages), logout, me."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import JSONBody

from jinlin.auth import service
from jinlin.auth.principal import Principal
from jinlin.auth.schemas import LoginIn, LoginOut, MembershipOut, MeOut
from jinlin.core.http import SESSION_COOKIE, client_address, require_json
from jinlin.core.settings import get_settings


def me_out(principal: Principal) -> MeOut:
    return MeOut(
        id=principal.account_id,
        username=principal.username,
        display_name=principal.display_name,
        locale=principal.locale,
        memberships=[
            MembershipOut(
                organization_id=m.organization_id,
                organization_name=m.organization_name,
                organization_kind=m.organization_kind,
                role=m.role,
            )
            for m in principal.memberships
        ],
    )


def session_cookie(token: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        httponly=True,
        samesite="lax",
        path="/",
        secure=get_settings().secure_cookies,
        max_age=int(service.TOKEN_LIFETIME.total_seconds()),
    )


@post("/auth/login", tags=["auth"], status_code=200)
async def login(request: Request, data: JSONBody[LoginIn]) -> Response[LoginOut]:
    require_json(request)
    token, account = await service.login(data.username, data.password, client_address(request))
    principal = await service.load_principal(account.id)
    assert principal is not None
    return Response(LoginOut(token=token, account=me_out(principal)), cookies=[session_cookie(token)])


@post("/auth/logout", tags=["auth"], status_code=200)
async def logout(principal: NamedDependency[Principal]) -> Response[dict[str, str]]:
    await service.logout(principal)
    return Response({"status": "logged_out"}, cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")])


@get(["/auth/me", "/me"], tags=["auth"])
async def me(principal: NamedDependency[Principal]) -> MeOut:
    return me_out(principal)


ROUTES = [login, logout, me]
