"""The authorisation matrix: every route of the app (API and pages), each of the 8 roles and anonymous,
on an object inside and one outside the role's scope (named in the path, or in the query or body as
``"@grid_id"``).

``MATRIX`` has one entry per route, generated from the app: a new route without an entry fails
``test_every_route_has_an_entry``. An entry says which roles may use the route on an object inside their
scope and which on one outside it. Reads are tried for every role; writes are tried for every role that
must be refused (a write that is allowed would change the shared world; the features' own tests cover
them), and after each refused write every table's row count is compared, the audit log included, so
"refused" also means "nothing changed". The allowed sets of writes were checked once by sending every
allowed write and restoring the database after each (2026-11-30): 40 entries that claimed more than their
service allows were narrowed. That check is not part of the suite: restoring a live SQLite file under the
app's connections hung in a full run. A read of residents' records (``audited``) must be logged in the
access ledger when allowed and not when refused.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from authz_rules import MATRIX
from authz_world import MISSING, PUBLIC, ROLES, R, build, fingerprint, record_reads
from litestar.routes import HTTPRoute

SKIPPED_PREFIXES = ("/static", "/vendor", "/schema")


def app_routes(app) -> list[str]:
    keys = []
    for route in app.routes:
        if isinstance(route, HTTPRoute) and not route.path.startswith(SKIPPED_PREFIXES):
            keys.extend(f"{m} {route.path}" for m in sorted(route.methods) if m not in ("HEAD", "OPTIONS"))
    return sorted(keys)


def test_every_route_has_an_entry(app):
    missing = [k for k in app_routes(app) if k not in MATRIX]
    stale = [k for k in MATRIX if k not in set(app_routes(app))]
    assert not missing, "routes without an authorisation entry:\n" + "\n".join(missing)
    assert not stale, "entries for routes that no longer exist:\n" + "\n".join(stale)


def fill(path: str, ids: dict[str, tuple[int, int]], where: str, rule: R) -> str | None:
    def one(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if kind == "str":
            value = rule.params.get(name, "x")
            if value.startswith("@"):  # an object's text key, e.g. a report's tracking code
                return str(ids[value[1:]][0 if where == "inside" else 1])
            return value
        key = rule.params.get(name, name)
        pair = ids.get(key, (MISSING, MISSING))
        return str(pair[0] if where == "inside" else pair[1])

    return re.sub(r"\{(\w+):(\w+)\}", one, path)


def outcome(response) -> str:
    if response.status_code in (401, 403, 404):
        return "refused"
    if response.status_code in (302, 303, 307) and response.headers.get("location", "").startswith("/login"):
        return "refused"
    if response.status_code < 400:
        return "allowed"
    return str(response.status_code)


def resolve(value: Any, ids: dict[str, tuple[int, int]], where: str) -> Any:
    """``"@need_id"`` in a body or query is the inside (or outside) object of that name."""
    if isinstance(value, str) and value.startswith("@"):
        return ids[value[1:]][0 if where == "inside" else 1]
    if isinstance(value, list):
        return [resolve(v, ids, where) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, ids, where) for k, v in value.items()}
    return value


def names_an_object(value: Any) -> bool:
    """Whether a query or body names an object (``"@grid_id"``): then it is tried inside and outside too."""
    if isinstance(value, str):
        return value.startswith("@")
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, list | tuple) and any(names_an_object(v) for v in value)


async def _call(
    client,
    method: str,
    path: str,
    rule: R,
    headers: dict[str, str],
    csrf: dict[str, str],
    ids: dict[str, tuple[int, int]],
    where: str,
):
    body = resolve(rule.body, ids, where)
    query = resolve(rule.query, ids, where)
    upload = body.pop("__file__", None)
    kwargs: dict[str, Any] = {"params": query}
    if upload is not None:
        kwargs["files"] = {"file": ("rows.csv", upload.encode(), "text/csv")}
    if path.startswith("/api/"):
        if method != "GET" and upload is None:
            kwargs["json"] = body
        return await client.request(method, path, headers=headers, **kwargs)
    page_headers = {"x-csrftoken": csrf["x-csrftoken"], "cookie": csrf["cookie"]}
    if headers:
        page_headers["cookie"] += f"; jinlin_session={headers['Authorization'].split()[1]}"
    if method != "GET":
        kwargs["data"] = {k: str(v) for k, v in {**body, "_csrf_token": csrf["x-csrftoken"]}.items()}
    return await client.request(method, path, headers=page_headers, **kwargs)


async def _csrf(client) -> dict[str, str]:
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    cookie = page.cookies.get("jinlin_csrf")
    client.cookies.clear()
    return {"x-csrftoken": token, "cookie": f"jinlin_csrf={cookie}"}


async def test_every_route_answers_each_role_as_the_matrix_says(app, client, frozen_clock, backend):
    if backend != "sqlite":
        pytest.skip("who may do what doesn't depend on the database; one run keeps the matrix fast")
    ids, headers = await build(client)
    client.cookies.clear()
    csrf = await _csrf(client)
    wrong: list[str] = []
    for key in app_routes(app):
        rule = MATRIX[key]
        method, path = key.split(" ", 1)
        has_object = "{" in path or names_an_object((rule.query, rule.body))
        for where in ("inside", "outside") if has_object else ("inside",):
            url = fill(path, ids, where, rule)
            for role in ["anonymous", *ROLES]:
                expected = "allowed" if rule.allowed(role, where) else "refused"
                if method != "GET" and expected == "allowed":
                    continue
                before = await fingerprint() if method != "GET" else None
                reads = await record_reads() if rule.audited else 0
                response = await _call(client, method, url, rule, headers.get(role, {}), csrf, ids, where)
                got = outcome(response)
                if got != expected:
                    wrong.append(f"{key} {where} {role}: expected {expected}, got {got} ({response.status_code})")
                elif before is not None and await fingerprint() != before:
                    wrong.append(f"{key} {where} {role}: refused, but something changed")
                elif rule.audited and (await record_reads() > reads) != (got == "allowed"):
                    wrong.append(f"{key} {where} {role}: {got}, but the record access was logged wrongly")
    assert not wrong, f"{len(wrong)} cells differ from the matrix:\n" + "\n".join(wrong)


# A form page (``GET …/new``, ``…/edit``, ``…/import``) shows data and promises an action: it answers exactly
# those who may send it, inside and outside their scope. Its POST entry is the truth the matrix tests on
# refusals; the GET is tested on both sides, so the two together pin the rule down.
FORM_PAGE = re.compile(r"/(new|edit|import)(/\{[^}]+\})?$")
# Forms whose GET and POST are known to disagree, each with the reason it is left (empty when all agree).
# The matrix sends one body per route, naming 社区A's side; these forms also serve others for their own side,
# which that body is not (their own tests send those).
_OWN_SIDE = "the matrix's body names 社区A's side; {who} send(s) this form for their own"
FORM_PAGES_LEFT: dict[str, str] = {
    "GET /accounts/new": _OWN_SIDE.format(who="a liaison (their unit's liaisons)"),
    "GET /activities/new": _OWN_SIDE.format(who="units' liaisons and team leaders (their own activities)"),
    "GET /calls/new": _OWN_SIDE.format(who="the street office (its own calls)"),
    "GET /offers/new": _OWN_SIDE.format(who="a team leader (the team's offers)"),
}


def _who(rule: R, where: str) -> frozenset[str] | str:
    if rule.inside == PUBLIC:
        return PUBLIC
    return frozenset(r for r in ["anonymous", *ROLES] if rule.allowed(r, where))


def test_a_form_page_answers_exactly_those_who_may_send_it(app):
    routes = set(app_routes(app))
    forms = [k for k in routes if k.startswith("GET ") and not k.startswith("GET /api/") and FORM_PAGE.search(k)]
    assert forms, "the pattern finds no form pages: it no longer matches the app's paths"
    wrong = []
    for key in sorted(forms):
        if key in FORM_PAGES_LEFT:
            continue
        post = "POST " + key.removeprefix("GET ")
        if post not in routes:
            wrong.append(f"{key}: a form page without a POST of the same path")
            continue
        for where in ("inside", "outside"):
            shown, sent = _who(MATRIX[key], where), _who(MATRIX[post], where)
            if shown != sent:
                wrong.append(f"{key} {where}: the form answers {sorted(shown)}, the POST {sorted(sent)}")
    assert not wrong, "form pages and their POST disagree:\n" + "\n".join(wrong)
