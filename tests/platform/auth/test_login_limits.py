"""The login limit: atomic, keyed on the real address, and never a lock-out of the account's owner."""

import asyncio
import dataclasses
import json

import httpx
import pytest

from factories import PASSWORD, make_world
from jinlin.core import http as core_http
from jinlin.core.settings import _proxies, get_settings


def client_from(app, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)), base_url="http://testserver"
    )


async def wrong(client, username="admin_b", **kw):
    return await client.post("/api/v1/auth/login", json={"username": username, "password": "wrong-password"}, **kw)


async def test_fifty_parallel_wrong_passwords_get_at_most_five_answers_and_the_rest_429(client):
    await make_world()
    answers = await asyncio.gather(*(wrong(client) for _ in range(50)))
    codes = [a.status_code for a in answers]
    assert codes.count(401) == get_settings().login_attempts_per_minute
    assert codes.count(429) == 50 - codes.count(401)


async def test_a_forged_forwarded_for_header_does_not_give_fresh_attempts(client):
    await make_world()
    codes = [(await wrong(client, headers={"X-Forwarded-For": f"198.51.100.{i}"})).status_code for i in range(8)]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429] * 3


async def test_forwarded_for_is_believed_only_from_a_configured_proxy(client, monkeypatch):
    settings = dataclasses.replace(get_settings(), trusted_proxies=_proxies({"JINLIN_TRUSTED_PROXIES": "10.0.0.0/8"}))
    monkeypatch.setattr(core_http, "get_settings", lambda: settings)

    class Req:
        def __init__(self, peer, forwarded):
            self.client = type("C", (), {"host": peer})
            self.headers = {"x-forwarded-for": forwarded}

    assert core_http.client_address(Req("10.0.0.5", "203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    assert core_http.client_address(Req("192.0.2.1", "203.0.113.7")) == "192.0.2.1"


async def test_an_attacker_elsewhere_cannot_lock_the_owner_out(app, client):
    await make_world()
    async with client_from(app, "203.0.113.66") as attacker:
        for _ in range(6):
            await wrong(attacker)
        assert (await wrong(attacker)).status_code == 429
    right = await client.post("/api/v1/auth/login", json={"username": "admin_b", "password": PASSWORD})
    assert right.status_code == 200


async def test_right_passwords_do_not_use_up_the_limit(client):
    await make_world()
    for _ in range(12):
        r = await client.post("/api/v1/auth/login", json={"username": "admin_a", "password": PASSWORD})
        assert r.status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
async def test_the_json_login_refuses_other_content_types(client, content_type):
    await make_world()
    body = json.dumps({"username": "admin_a", "password": PASSWORD})
    r = await client.post("/api/v1/auth/login", content=body, headers={"content-type": content_type})
    assert r.status_code == 400
    assert "content-type" in r.json()["error"]["fields"]
    assert "set-cookie" not in r.headers or "jinlin_session" not in r.headers["set-cookie"]
