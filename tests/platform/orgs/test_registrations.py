from factories import login, make_volunteer, make_world
from jinlin.audit.tables import AuditEvent
from jinlin.orgs.tables import Registration


async def test_a_unit_liaison_registers_their_unit_with_a_community_and_it_joins_the_roster(client):
    w = await make_world()
    h = await login(client, "liaison")
    unit, community = w.orgs["enterprise"]["id"], w.orgs["comm_a"]["id"]
    r = await client.post(
        f"/api/v1/organizations/{unit}/registrations",
        headers=h,
        json={"community_id": community, "kind": "unit", "note": "双报到"},
    )
    assert r.status_code == 201, r.text
    reg = r.json()
    assert reg["status"] == "active" and reg["organization_id"] == unit and reg["community_id"] == community
    roster = (
        await client.get(f"/api/v1/organizations/{community}/registrations", headers=await login(client, "admin_a"))
    ).json()
    assert [x["organization_name"] for x in roster["items"]] == ["鑫源建材有限公司"]
    event = await AuditEvent.select().where(AuditEvent.object_type == "registration").first()
    assert event["object_id"] == reg["id"] and event["action"] == "register"


async def test_registering_twice_with_the_same_community_is_a_conflict(client):
    w = await make_world()
    h = await login(client, "liaison")
    url = f"/api/v1/organizations/{w.orgs['enterprise']['id']}/registrations"
    body = {"community_id": w.orgs["comm_a"]["id"], "kind": "unit"}
    assert (await client.post(url, json=body, headers=h)).status_code == 201
    assert (await client.post(url, json=body, headers=h)).status_code == 409


async def test_a_unit_liaison_cannot_register_another_unit(client):
    w = await make_world()
    h = await login(client, "liaison")
    r = await client.post(
        f"/api/v1/organizations/{w.orgs['village']['id']}/registrations",
        headers=h,
        json={"community_id": w.orgs["comm_a"]["id"], "kind": "unit"},
    )
    assert r.status_code in (403, 404)
    assert await AuditEvent.count().where(AuditEvent.object_type == "registration") == 0


async def test_community_a_admin_cannot_register_a_unit_with_community_b(client):
    w = await make_world()
    h = await login(client, "admin_a")
    r = await client.post(
        f"/api/v1/organizations/{w.orgs['enterprise']['id']}/registrations",
        headers=h,
        json={"community_id": w.orgs["comm_b"]["id"], "kind": "unit"},
    )
    assert r.status_code == 403
    ok = await client.post(
        f"/api/v1/organizations/{w.orgs['enterprise']['id']}/registrations",
        headers=h,
        json={"community_id": w.orgs["comm_a"]["id"], "kind": "unit"},
    )
    assert ok.status_code == 201


async def test_registering_with_something_that_is_not_a_community_names_the_field(client):
    w = await make_world()
    h = await login(client, "county")
    r = await client.post(
        f"/api/v1/organizations/{w.orgs['enterprise']['id']}/registrations",
        headers=h,
        json={"community_id": w.orgs["east"]["id"], "kind": "unit"},
    )
    assert r.status_code == 400
    assert "community_id" in r.json()["error"]["fields"]


async def test_an_in_service_party_member_registers_with_a_community(client):
    w = await make_world()
    h = await login(client, "liaison")
    r = await client.post(
        f"/api/v1/organizations/{w.orgs['enterprise']['id']}/registrations",
        headers=h,
        json={"community_id": w.orgs["comm_b"]["id"], "kind": "party_member"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["account_id"] == w.accounts["liaison"] and r.json()["kind"] == "party_member"


async def test_ending_a_registration_takes_the_unit_off_the_roster_once(client):
    w = await make_world()
    h = await login(client, "liaison")
    reg = (
        await client.post(
            f"/api/v1/organizations/{w.orgs['enterprise']['id']}/registrations",
            headers=h,
            json={"community_id": w.orgs["comm_a"]["id"], "kind": "unit"},
        )
    ).json()
    admin_b = await login(client, "admin_b")
    assert (await client.post(f"/api/v1/registrations/{reg['id']}/end", headers=admin_b)).status_code in (403, 404)
    ended = await client.post(f"/api/v1/registrations/{reg['id']}/end", headers=await login(client, "admin_a"))
    assert ended.status_code == 200 and ended.json()["status"] == "ended" and ended.json()["ended_at"]
    again = await client.post(f"/api/v1/registrations/{reg['id']}/end", headers=h)
    assert again.status_code == 409
    assert again.json()["error"]["fields"]["status"] == "ended"
    assert (
        await AuditEvent.count().where((AuditEvent.object_type == "registration") & (AuditEvent.action == "end")) == 1
    )
    active = (
        await client.get(f"/api/v1/organizations/{w.orgs['comm_a']['id']}/registrations?status=active", headers=h)
    ).json()
    assert active["total"] == 0


async def _party_member_reporting_to_comm_c(client):
    """``party_c`` registers as a volunteer and reports (报到) to 社区C in the same step (no unit); ``vol_x``
    is another volunteer. (The registration answer, the member's bearer headers.)"""
    w = await make_world()
    await make_volunteer("vol_x")
    r = await client.post(
        "/api/v1/volunteers/register",
        json={
            "username": "party_c",
            "password": "correct-horse-1",
            "display_name": "党员丙",
            "phone": "13500005678",
            "party_member": True,
            "community_id": w.orgs["comm_c"]["id"],
        },
    )
    assert r.status_code == 201, r.text
    client.cookies.clear()
    return r, {"Authorization": f"Bearer {r.json()['token']}"}


async def test_a_party_member_who_reported_when_registering_ends_their_own_registration_and_only_they_do(client):
    r, member = await _party_member_reporting_to_comm_c(client)
    reg = await Registration.select().where(Registration.account == r.json()["account"]["id"]).first()
    assert reg["organization"] is None  # no unit: the 报到 names only the account

    # Another volunteer and a community admin elsewhere are refused, and the 报到 stays as it was.
    for other in ("vol_x", "admin_a"):
        refused = await client.post(f"/api/v1/registrations/{reg['id']}/end", headers=await login(client, other))
        assert refused.status_code in (403, 404), other
    assert (await Registration.select().where(Registration.id == reg["id"]).first()) == reg
    assert not await AuditEvent.exists().where(AuditEvent.object_type == "registration")

    ended = await client.post(f"/api/v1/registrations/{reg['id']}/end", headers=member)
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended" and ended.json()["account_id"] == r.json()["account"]["id"]
    assert (
        await AuditEvent.count().where((AuditEvent.object_type == "registration") & (AuditEvent.action == "end")) == 1
    )


async def test_a_registration_is_ended_by_those_who_keep_it_and_nobody_else(client):
    """Who ends a 报到 (``can_register``): the offices over the community, its admins and staff (not its grid
    workers), the unit's liaison or leader, and a party member their own."""
    w = await make_world()
    users = ["county", "street_east", "admin_a", "staff_a", "grid_a", "liaison", "leader", "volunteer"]
    h = {u: await login(client, u) for u in users}
    # The team's volunteer as a party member with 社区A; the enterprise with 社区B (not 社区A's to end).
    party = ("volunteer", "team", "comm_a", "party_member", {"county", "street_east", "admin_a", "staff_a", "leader"})
    unit = ("liaison", "enterprise", "comm_b", "unit", {"county", "street_east"})
    for registrant, org, community, kind, keepers in (party, unit):
        url = f"/api/v1/organizations/{w.orgs[org]['id']}/registrations"
        body = {"community_id": w.orgs[community]["id"], "kind": kind}
        allowed = keepers | {registrant}
        reg = (await client.post(url, json=body, headers=h[registrant])).json()
        for user in sorted(set(users) - allowed):
            r = await client.post(f"/api/v1/registrations/{reg['id']}/end", headers=h[user])
            assert r.status_code in (403, 404), (kind, user)
        assert (await Registration.select().where(Registration.id == reg["id"]).first())["status"] == "active"
        for user in sorted(allowed):
            r = await client.post(f"/api/v1/registrations/{reg['id']}/end", headers=h[user])
            assert r.status_code == 200 and r.json()["status"] == "ended", (kind, user, r.text)
            reg = (await client.post(url, json=body, headers=h[registrant])).json()


async def test_a_party_member_sees_and_ends_their_own_registration_on_their_account_page(client):
    from factories import csrf_token, page_login

    r, member = await _party_member_reporting_to_comm_c(client)
    mine = (await client.get("/api/v1/registrations/mine", headers=member)).json()
    assert [(m["community_name"], m["status"]) for m in mine] == [("社区C居委会", "active")]
    # Nobody else's list holds it.
    assert (await client.get("/api/v1/registrations/mine", headers=await login(client, "vol_x"))).json() == []

    await page_login(client, "party_c", "correct-horse-1")
    page = await client.get("/accounts/me", follow_redirects=True)
    assert page.status_code == 200 and "我的报到" in page.text and "社区C居委会" in page.text
    token = await csrf_token(client, f"/accounts/{r.json()['account']['id']}")
    ended = await client.post(f"/registrations/{mine[0]['id']}/end", data={"_csrf_token": token, "back": "me"})
    assert ended.status_code == 303 and ended.headers["location"] == "/accounts/me"
    page = await client.get("/accounts/me", follow_redirects=True)
    assert "结束报到" not in page.text  # ended: no button any more
    assert (await client.get("/api/v1/registrations/mine", headers=member)).json()[0]["status"] == "ended"


async def test_the_roster_offers_the_end_button_to_exactly_those_who_may_end(client):
    """The community's roster page shows "结束报到" to those the service lets end a 报到 (its admins and staff,
    the street office) and not to its grid worker, who is refused."""
    from factories import page_login

    w = await make_world()
    community, unit = w.orgs["comm_a"]["id"], w.orgs["enterprise"]["id"]
    r = await client.post(
        f"/api/v1/organizations/{unit}/registrations",
        headers=await login(client, "liaison"),
        json={"community_id": community, "kind": "unit"},
    )
    assert r.status_code == 201, r.text
    for username, shown in (("admin_a", True), ("staff_a", True), ("street_east", True), ("grid_a", False)):
        client.cookies.clear()
        await page_login(client, username)
        page = await client.get(f"/organizations/{community}")
        assert page.status_code == 200 and "鑫源建材有限公司" in page.text, username
        assert ("结束报到" in page.text) is shown, username
    refused = await client.post(f"/api/v1/registrations/{r.json()['id']}/end", headers=await login(client, "grid_a"))
    assert refused.status_code == 403
    assert (await Registration.select().where(Registration.id == r.json()["id"]).first())["status"] == "active"
    ended = await client.post(f"/api/v1/registrations/{r.json()['id']}/end", headers=await login(client, "staff_a"))
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
