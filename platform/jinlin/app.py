"""The Litestar app, assembled in one place: every feature's API and page routes, templates,
static files, CSRF, OpenAPI, error handlers and the database lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from jinlin import __version__
from jinlin.core import clock, db
from jinlin.core.features import collect, discover_features  # noqa: F401 - discover_features kept importable here
from jinlin.core.headers import security_headers
from jinlin.core.health import healthz, livez
from jinlin.core.http import (
    EXCEPTION_HANDLERS,
    optional_principal,
    provide_paging,
    provide_principal,
    set_request_locale,
)
from jinlin.core.i18n import gettext, ngettext
from jinlin.core.nav import NavItem
from jinlin.core.openapi import describe_error_envelope
from jinlin.core.periodic import periodic_lifespan
from jinlin.core.settings import REPO_ROOT, Settings, get_settings
from jinlin.runs import registry

FRONTEND = REPO_ROOT / "frontend"
NODE_MODULES = FRONTEND / "node_modules"


def nav_items() -> list[NavItem]:
    return sorted(collect("pages", "NAV"), key=lambda n: n.order)


def jinja_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(FRONTEND / "templates")),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["NAV"] = nav_items()
    env.globals["version"] = __version__
    env.filters["local"] = clock.local
    panels = collect("pages", "PANELS")  # (home kind or "*", template): lazy panels on home pages
    env.globals["home_panels"] = lambda kind: [t for k, t in panels if k in (kind, "*")]
    org_panels = collect("pages", "ORG_PANELS")  # (organisation kind or "*", template) on organisation pages
    env.globals["org_panels"] = lambda kind: [t for k, t in org_panels if k in (kind, "*")]
    for name, fn in collect("pages", "TEMPLATE_GLOBALS"):
        env.globals[name] = fn
    for name, fn in collect("pages", "TEMPLATE_FILTERS"):
        env.filters[name] = fn
    return env


def static_routers() -> list[Router]:
    routers = [create_static_files_router(path="/static", directories=[FRONTEND / "static"], name="static")]
    for prefix, folder in (("htmx", "htmx.org/dist"), ("echarts", "echarts/dist"), ("swagger", "swagger-ui-dist")):
        routers.append(
            create_static_files_router(
                path=f"/vendor/{prefix}", directories=[NODE_MODULES / folder], name=f"vendor-{prefix}"
            )
        )
    return routers


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Litestar:
    """``manage_database=False`` leaves the engine to the caller (tests open it in their own loop)."""
    settings = settings or get_settings()
    # Run kinds are collected from the features like routes (a worker collects them on first use).
    registry.install(collect("runkinds", "RUN_KINDS"))

    @asynccontextmanager
    async def database_lifespan(app: Litestar) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        # Periodic jobs run here only in the embedded shape (eager Celery); beat runs them otherwise.
        async with db.lifespan_db(), periodic_lifespan(enabled=True):
            yield

    api = Router(path="/api/v1", route_handlers=collect("api", "ROUTES"))
    app = Litestar(
        route_handlers=[api, healthz, livez, *collect("pages", "ROUTES"), *static_routers()],
        dependencies={
            "principal": Provide(provide_principal),
            "maybe_principal": Provide(optional_principal),
            "paging": Provide(provide_paging),
        },
        before_request=set_request_locale,
        middleware=[security_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[database_lifespan],
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(jinja_environment())),
        plugins=[HTMXPlugin()],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="jinlin_csrf",
            exclude=["/api/", "/healthz", "/livez", "/schema"],
            cookie_secure=settings.secure_cookies,
        ),
        openapi_config=OpenAPIConfig(
            title="Jinlin API",
            version=__version__,
            path="/schema",
            render_plugins=[
                SwaggerRenderPlugin(
                    js_url="/vendor/swagger/swagger-ui-bundle.js",
                    css_url="/vendor/swagger/swagger-ui.css",
                    standalone_preset_js_url="/vendor/swagger/swagger-ui-standalone-preset.js",
                    favicon="<link rel='icon' type='image/svg+xml' href='/static/favicon.svg'>",
                )
            ],
        ),
        debug=settings.debug,
    )
    describe_error_envelope(app)
    return app
