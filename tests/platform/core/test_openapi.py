"""The OpenAPI document describes the whole public API of API.md, and its viewer works without a CDN."""

import pytest

# Every resource path of API.md (under /api/v1); outside tools test against these.
CONTRACT_PATHS = [
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/areas"),
    ("post", "/api/v1/areas"),
    ("post", "/api/v1/areas/import"),
    ("get", "/api/v1/areas/{area_id}"),
    ("patch", "/api/v1/areas/{area_id}"),
    ("get", "/api/v1/organizations"),
    ("post", "/api/v1/organizations"),
    ("post", "/api/v1/organizations/{organization_id}/registrations"),
    ("get", "/api/v1/accounts"),
    ("post", "/api/v1/accounts"),
    ("get", "/api/v1/needs"),
    ("post", "/api/v1/needs"),
    ("post", "/api/v1/needs/{need_id}/publish"),
    ("post", "/api/v1/needs/{need_id}/cancel"),
    ("post", "/api/v1/needs/{need_id}/resolve"),
    ("post", "/api/v1/needs/{need_id}/close"),
    ("get", "/api/v1/needs/export.xlsx"),
    ("post", "/api/v1/needs/import"),
    ("get", "/api/v1/offers"),
    ("post", "/api/v1/offers"),
    ("post", "/api/v1/offers/{offer_id}/publish"),
    ("post", "/api/v1/offers/{offer_id}/pause"),
    ("post", "/api/v1/offers/{offer_id}/withdraw"),
    ("get", "/api/v1/matches"),
    ("post", "/api/v1/matches"),
    ("post", "/api/v1/matches/{match_id}/accept"),
    ("post", "/api/v1/matches/{match_id}/decline"),
    ("post", "/api/v1/matches/{match_id}/start"),
    ("post", "/api/v1/matches/{match_id}/complete"),
    ("post", "/api/v1/matches/{match_id}/cancel"),
    ("get", "/api/v1/matches/{match_id}/ratings"),
    ("post", "/api/v1/matches/{match_id}/ratings"),
    ("get", "/api/v1/match-runs"),
    ("post", "/api/v1/match-runs"),
    ("get", "/api/v1/match-runs/{run_id}"),
    ("get", "/api/v1/calls"),
    ("post", "/api/v1/calls"),
    ("post", "/api/v1/calls/{call_id}/responses"),
    ("post", "/api/v1/calls/{call_id}/close"),
    ("get", "/api/v1/twinnings"),
    ("post", "/api/v1/twinnings/{twinning_id}/accept"),
    ("post", "/api/v1/twinnings/{twinning_id}/end"),
    ("post", "/api/v1/volunteers/register"),
    ("get", "/api/v1/volunteers/{volunteer_id}/hours"),
    ("get", "/api/v1/activities"),
    ("post", "/api/v1/activities"),
    ("post", "/api/v1/activities/{activity_id}/publish"),
    ("post", "/api/v1/activities/{activity_id}/cancel"),
    ("post", "/api/v1/shifts/{shift_id}/signups"),
    ("post", "/api/v1/signups/{signup_id}/cancel"),
    ("post", "/api/v1/shifts/{shift_id}/check-in"),
    ("post", "/api/v1/shifts/{shift_id}/check-out"),
    ("get", "/api/v1/communities/{community_id}/profile"),
    ("put", "/api/v1/communities/{community_id}/profile"),
    ("get", "/api/v1/reports/kpis"),
]


def _normalise(path: str) -> str:
    """``/needs/{need_id}`` and ``/needs/{id}`` are the same path to a client."""
    import re

    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/")) or "/"


@pytest.fixture
async def schema(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


async def test_every_path_of_the_api_contract_is_in_the_openapi_document(schema):
    served = {(method, _normalise(path)) for path, ops in schema["paths"].items() for method in ops}
    missing = [f"{m.upper()} {p}" for m, p in CONTRACT_PATHS if (m, _normalise(p)) not in served]
    assert not missing, f"missing from /schema/openapi.json: {missing}"


async def test_request_bodies_are_described(schema):
    login = schema["paths"]["/api/v1/auth/login"]["post"]
    assert "requestBody" in login


async def test_the_interactive_viewer_loads_its_assets_from_this_server(client):
    page = await client.get("/schema/swagger")
    assert page.status_code == 200
    assert "/vendor/swagger/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    asset = await client.get("/vendor/swagger/swagger-ui-bundle.js")
    assert asset.status_code == 200


async def test_healthz_reports_the_database_and_the_eager_broker(client):
    body = (await client.get("/healthz")).json()
    assert body == {"status": "ok", "database": "ok", "broker": "eager"}
