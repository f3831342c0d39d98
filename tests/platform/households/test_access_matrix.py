"""Who sees a resident: the posts of its grid and the community's admins; nobody else, by page, API or export."""

import io
import re

import pytest
from openpyxl import load_workbook

from factories import ID_NUMBER, MARKER, account_id_of, grant_records, login, make_records_world
from jinlin.households.tables import RecordAccess, Resident

ALLOWED = ["grid_a", "admin_a"]
REFUSED = ["grid_a2", "street_east", "county", "liaison", "volunteer", "admin_b"]
MASKED = "3701**********1234"


def _cells(content: bytes) -> list:
    return [c for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in row]


async def _resident_id() -> int:
    return (await Resident.select(Resident.id).first())["id"]


async def _views() -> int:
    return await RecordAccess.count().where(RecordAccess.action == "view")


@pytest.mark.parametrize("username", ALLOWED)
async def test_the_grid_posts_and_community_admins_read_the_record_masked_and_audited(client, username):
    w = await make_records_world()
    rid, hid = await _resident_id(), w.orgs["household"]["id"]
    headers = await login(client, username)
    before = await _views()
    r = await client.get(f"/api/v1/residents/{rid}", headers=headers, params={"purpose": "月度走访前核对"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == MARKER and r.json()["id_number_masked"] == MASKED
    assert ID_NUMBER not in r.text
    r = await client.get(f"/api/v1/households/{hid}", headers=headers)
    assert r.status_code == 200 and MARKER in r.text and ID_NUMBER not in r.text
    assert await _views() == before + 2
    last = await RecordAccess.select().order_by(RecordAccess.id, ascending=False).first()
    assert last["account"] == w.accounts[username] and last["resident"] == rid and last["purpose"]
    await client.get("/", headers=headers)  # sets the session cookie's CSRF for pages
    page = await client.get(f"/households/{hid}")
    assert page.status_code == 200 and MARKER in page.text and MASKED in page.text and ID_NUMBER not in page.text
    assert await _views() == before + 3
    export = await client.get("/api/v1/households/export.xlsx", headers=headers)
    assert export.status_code == 200
    cells = _cells(export.content)
    assert MARKER in cells and MASKED in cells and ID_NUMBER not in cells
    assert any(isinstance(c, str) and c.startswith("导出人：" + username) for c in cells)
    assert await RecordAccess.count().where(RecordAccess.action == "export") == 1


@pytest.mark.parametrize("username", REFUSED)
async def test_everyone_else_sees_no_name_by_page_api_or_export(client, username):
    w = await make_records_world()
    rid, hid = await _resident_id(), w.orgs["household"]["id"]
    headers = await login(client, username)
    for path in (f"/api/v1/residents/{rid}", f"/api/v1/households/{hid}"):
        r = await client.get(path, headers=headers)
        assert r.status_code == 404 and MARKER not in r.text
    r = await client.post(f"/api/v1/residents/{rid}/reveal-id", headers=headers, json={"reason": "想看看"})
    assert r.status_code == 404 and ID_NUMBER not in r.text
    r = await client.get(
        "/api/v1/households/export.xlsx", headers=headers, params={"community_id": w.orgs["comm_a"]["id"]}
    )
    if username == "grid_a2":  # a post of another grid of the same community exports its own grid only
        assert r.status_code == 200 and MARKER not in _cells(r.content)
    else:
        assert r.status_code in (403, 404) and MARKER not in r.text
    page = await client.get(f"/households/{hid}")
    assert page.status_code == 404 and MARKER not in page.text
    listing = await client.get("/api/v1/households", headers=headers)
    assert listing.status_code == 200 and listing.json()["total"] == 0
    assert (
        await RecordAccess.count().where(
            (RecordAccess.account == w.accounts[username]) & (RecordAccess.action != "export")
        )
        == 0
    )


async def test_anonymous_callers_are_asked_to_log_in(client):
    w = await make_records_world()
    rid, hid = await _resident_id(), w.orgs["household"]["id"]
    assert (await client.get(f"/api/v1/residents/{rid}")).status_code == 401
    assert (await client.get("/api/v1/households/export.xlsx")).status_code == 401
    page = await client.get(f"/households/{hid}")
    assert page.status_code in (302, 303, 401) and MARKER not in page.text


async def test_street_and_county_staff_see_counts_per_focus_group_but_never_names(client):
    w = await make_records_world()
    for username in ("street_east", "county"):
        r = await client.get(
            "/api/v1/households/counts",
            headers=await login(client, username),
            params={"area_id": w.areas["east"]["id"]},
        )
        assert r.status_code == 200, r.text
        assert r.json()["by_group"] == {"empty_nest_elderly": 1} and r.json()["households"] == 1
        assert MARKER not in r.text
    r = await client.get(
        "/api/v1/households/counts",
        headers=await login(client, "street_west"),
        params={"area_id": w.areas["east"]["id"]},
    )
    assert r.status_code == 404


async def test_revealing_an_id_number_needs_a_reason_and_is_audited(client):
    await make_records_world()
    rid = await _resident_id()
    headers = await login(client, "grid_a")
    r = await client.post(f"/api/v1/residents/{rid}/reveal-id", headers=headers, json={})
    assert r.status_code == 400 and "reason" in r.text
    assert await RecordAccess.count().where(RecordAccess.action == "reveal_id") == 0
    r = await client.post(f"/api/v1/residents/{rid}/reveal-id", headers=headers, json={"reason": "办理低保复核"})
    assert r.status_code == 200 and r.json()["id_number"] == ID_NUMBER
    row = await RecordAccess.select().where(RecordAccess.action == "reveal_id").first()
    assert row["purpose"] == "办理低保复核" and row["resident"] == rid


async def test_a_purpose_grant_opens_the_records_until_it_ends_or_is_revoked(client, frozen_clock):
    w = await make_records_world()
    rid = await _resident_id()
    staff = await login(client, "staff_a")
    assert (await client.get(f"/api/v1/residents/{rid}", headers=staff)).status_code == 404
    admin = await login(client, "admin_a")
    ends = frozen_clock.now.replace(day=27).isoformat()
    r = await client.post(
        "/api/v1/access-grants",
        headers=admin,
        json={
            "account_id": w.accounts["staff_a"],
            "area_id": w.areas["grid_a1"]["id"],
            "purpose": "民政慰问名单核对",
            "ends_at": ends,
        },
    )
    assert r.status_code == 201, r.text
    grant_id = r.json()["id"]
    r = await client.get(f"/api/v1/residents/{rid}", headers=staff)
    assert r.status_code == 200 and r.json()["name"] == MARKER
    row = await RecordAccess.select().order_by(RecordAccess.id, ascending=False).first()
    assert row["basis"] == "grant" and row["purpose"] == "民政慰问名单核对"
    r = await client.patch(f"/api/v1/residents/{rid}", headers=staff, json={"care_note": "改"})
    assert r.status_code == 403
    frozen_clock.advance(days=8)
    assert (await client.get(f"/api/v1/residents/{rid}", headers=staff)).status_code == 404
    frozen_clock.advance(days=-8)
    assert (await client.post(f"/api/v1/access-grants/{grant_id}/revoke", headers=admin)).status_code == 200
    assert (await client.get(f"/api/v1/residents/{rid}", headers=staff)).status_code == 404
    r = await client.post(
        "/api/v1/access-grants",
        headers=staff,
        json={
            "account_id": w.accounts["staff_a"],
            "area_id": w.areas["grid_a1"]["id"],
            "purpose": "自己给自己",
            "ends_at": ends,
        },
    )
    assert r.status_code == 403


async def test_the_community_admin_reads_who_viewed_its_residents_and_why(client):
    w = await make_records_world()
    rid = await _resident_id()
    await client.get(f"/api/v1/residents/{rid}", headers=await login(client, "grid_a"), params={"purpose": "走访核对"})
    r = await client.get(
        "/api/v1/record-access",
        headers=await login(client, "admin_a"),
        params={"community_id": w.orgs["comm_a"]["id"], "resident_id": rid},
    )
    assert r.status_code == 200, r.text
    latest = r.json()["items"][0]
    assert latest["account_name"] == "grid_a" and latest["purpose"] == "走访核对" and latest["basis"] == "grid_post"
    assert MARKER not in r.text
    for username in ("grid_a", "admin_b", "street_east"):
        r = await client.get(
            "/api/v1/record-access",
            headers=await login(client, username),
            params={"community_id": w.orgs["comm_a"]["id"]},
        )
        assert r.status_code == 404


async def test_a_community_admin_grants_and_revokes_access_from_the_page(client, frozen_clock):
    from factories import csrf_token, page_login
    from jinlin.households.tables import AccessGrant

    w = await make_records_world()
    await page_login(client, "admin_a")
    token = await csrf_token(client, "/households/grants")
    body = {
        "_csrf_token": token,
        "account_id": str(w.accounts["staff_a"]),
        "area_id": str(w.areas["grid_a1"]["id"]),
        "purpose": "民政慰问名单核对",
        "ends_on": "2026-11-30",
    }
    r = await client.post("/households/grants", data={**body, "purpose": ""})
    assert r.status_code == 400 and await AccessGrant.count() == 0
    r = await client.post("/households/grants", data=body)
    assert r.status_code == 303, r.text
    page = await client.get("/households/grants")
    assert "民政慰问名单核对" in page.text and "staff_a" in page.text
    grant = await AccessGrant.select().first()
    assert grant["account"] == w.accounts["staff_a"]
    r = await client.post(f"/households/grants/{grant['id']}/revoke", data={"_csrf_token": token})
    assert r.status_code == 303 and (await AccessGrant.select().first())["revoked_at"] is not None


async def test_a_grant_without_a_time_zone_or_with_a_bad_area_is_refused_naming_the_field(client):
    w = await make_records_world()
    admin = await login(client, "admin_a")
    base = {"account_id": w.accounts["staff_a"], "area_id": w.areas["grid_a1"]["id"], "purpose": "核对"}
    r = await client.post("/api/v1/access-grants", headers=admin, json={**base, "ends_at": "2026-12-01T00:00:00"})
    assert r.status_code == 400 and "ends_at" in r.text
    r = await client.post(
        "/api/v1/access-grants",
        headers=admin,
        json={**base, "area_id": w.areas["grid_b1"]["id"], "ends_at": "2026-12-01T00:00:00+08:00"},
    )
    assert r.status_code == 403
    r = await client.post("/api/v1/access-grants", headers=admin, json={**base, "ends_at": "2029-12-01T00:00:00+08:00"})
    assert r.status_code == 400 and "ends_at" in r.text


async def test_a_grid_worker_whose_post_ended_no_longer_sees_the_grids_residents(client, frozen_clock):
    from jinlin.posts.tables import Post

    w = await make_records_world()
    rid = await _resident_id()
    headers = await login(client, "grid_a")
    assert (await client.get(f"/api/v1/residents/{rid}", headers=headers)).status_code == 200
    await Post.update({Post.ends_at: frozen_clock.now}).where(Post.account == w.accounts["grid_a"])
    r = await client.get(f"/api/v1/residents/{rid}", headers=headers)
    assert r.status_code == 404 and MARKER not in r.text


@pytest.mark.parametrize("grantee", ["liaison", "volunteer", "admin_c", "admin_b", "county", "admin_a"])
async def test_records_are_lent_only_to_staff_of_the_community_or_its_street(client, grantee):
    """A unit, a volunteer, another community (社区B is on the same street), the county office and the admin
    themselves are refused, naming the field, on the API and the page; nothing is stored or logged."""
    from factories import csrf_token, page_login
    from jinlin.audit.tables import AuditEvent
    from jinlin.households.tables import AccessGrant

    w = await make_records_world()
    grantee_id = w.accounts.get(grantee) or (await account_id_of(grantee))
    admin = await login(client, "admin_a")
    await page_login(client, "admin_a")
    token = await csrf_token(client, "/households/grants")
    audit_before = await AuditEvent.count()  # after logging in: a login is audited
    body = {"account_id": grantee_id, "area_id": w.areas["grid_a1"]["id"], "purpose": "核对"}
    r = await client.post("/api/v1/access-grants", headers=admin, json={**body, "ends_at": "2026-12-20T00:00:00+08:00"})
    assert r.status_code == 400 and "account_id" in r.json()["error"]["fields"], r.text
    form = (await client.get("/households/grants")).text
    offered = re.findall(r'<option value="(\d+)"', form.split('name="account_id"')[1].split("</select>")[0])
    assert offered and str(grantee_id) not in offered  # not offered either
    assert str(w.accounts["staff_a"]) in offered and str(w.accounts["street_east"]) in offered
    r = await client.post(
        "/households/grants",
        data={**body, "_csrf_token": token, "ends_on": "2026-12-20", "account_id": str(grantee_id)},
    )
    assert r.status_code == 400 and 'data-field="account_id"' in r.text
    assert await AccessGrant.count() == 0 and await AuditEvent.count() == audit_before


async def test_a_grant_stops_opening_records_when_its_holder_leaves_the_community(client, frozen_clock):
    from jinlin.accounts.tables import Membership

    w = await make_records_world()
    rid = await _resident_id()
    await grant_records(client, w, ends_at=frozen_clock.now.replace(day=27).isoformat())
    staff = await login(client, "staff_a")
    assert (await client.get(f"/api/v1/residents/{rid}", headers=staff)).status_code == 200
    # staff_a moves to another community's office: the grant, still unexpired, no longer opens anything.
    await Membership.update({Membership.organization: w.orgs["comm_b"]["id"]}).where(
        Membership.account == w.accounts["staff_a"]
    )
    staff = await login(client, "staff_a")
    assert (await client.get(f"/api/v1/residents/{rid}", headers=staff)).status_code == 404
