"""The household pages: a grid worker adds a household and a resident, edits and moves them out."""

import re

from factories import csrf_token, grant_records, make_records_world, page_login
from jinlin.households.tables import Household, Resident


def _resident_card(html: str) -> str:
    return html.split('data-testid="resident"')[1].split("</section>")[0]


async def test_a_grid_worker_keeps_a_household_from_the_pages(client):
    w = await make_records_world()
    await page_login(client, "grid_a")
    token = await csrf_token(client, "/households")
    r = await client.post(
        "/households/new",
        data={"_csrf_token": token, "grid_id": str(w.areas["grid_a2"]["id"]), "building": "7号楼", "door": "1单元101"},
    )
    assert r.status_code == 403 and await Household.count() == 1  # not this worker's grid
    r = await client.post(
        "/households/new",
        data={"_csrf_token": token, "grid_id": str(w.areas["grid_a1"]["id"]), "building": "7号楼", "door": "1单元101"},
    )
    assert r.status_code == 303
    url = r.headers["location"]
    hid = int(re.search(r"\d+$", url).group())
    r = await client.post(f"{url}/residents", data={"_csrf_token": token, "name": "", "birth_year": "1950"})
    assert r.status_code == 400 and 'data-field="name"' in r.text and 'value="1950"' in r.text
    r = await client.post(
        f"{url}/residents",
        data={
            "_csrf_token": token,
            "name": "页面居民",
            "gender": "male",
            "birth_year": "1950",
            "focus_groups": ["disabled", "minimum_living_allowance"],
            "consent_contact": "on",
        },
    )
    assert r.status_code == 303, r.text
    rid = (await Resident.select().where(Resident.household == hid).first())["id"]
    assert "低保家庭" in _resident_card((await client.get(url)).text)
    edit = await client.get(f"{url}/residents/{rid}/edit")
    assert edit.status_code == 200 and 'value="页面居民"' in edit.text
    r = await client.post(
        f"{url}/residents/{rid}/edit",
        data={"_csrf_token": token, "name": "页面居民", "phone": "13800001234", "focus_groups": "disabled"},
    )
    assert r.status_code == 303
    card = _resident_card((await client.get(url)).text)
    assert "13800001234" in card and "低保家庭" not in card and "残疾人" in card
    r = await client.post(f"{url}/residents/{rid}/move-out", data={"_csrf_token": token})
    assert r.status_code == 303
    assert (await Resident.select().where(Resident.id == rid).first())["status"] == "moved_out"
    assert (await Household.select().where(Household.id == hid).first())["member_count"] == 0


async def test_a_grant_reads_the_record_but_neither_opens_the_edit_form_nor_saves(client, frozen_clock):
    """A grant is for reading: its holder sees the record, but the edit form and the saves are refused (403)
    without showing the record again or logging a view, and nothing changes."""
    from factories import MARKER
    from jinlin.audit.tables import AuditEvent
    from jinlin.households.tables import RecordAccess

    w = await make_records_world()
    hid = w.orgs["household"]["id"]
    rid = (await Resident.select(Resident.id).first())["id"]
    await grant_records(client, w)
    client.cookies.clear()
    await page_login(client, "staff_a")
    page = await client.get(f"/households/{hid}")
    assert page.status_code == 200 and MARKER in page.text
    token = await csrf_token(client, "/households")

    async def state():
        return (
            await Resident.select().order_by(Resident.id),
            await RecordAccess.count(),
            await AuditEvent.count(),
        )

    before = await state()
    edit = await client.get(f"/households/{hid}/residents/{rid}/edit")
    assert edit.status_code == 403 and MARKER not in edit.text
    r = await client.post(f"/households/{hid}/residents", data={"_csrf_token": token, "name": "新居民"})
    assert r.status_code == 403 and MARKER not in r.text
    r = await client.post(f"/households/{hid}/residents/{rid}/edit", data={"_csrf_token": token, "name": "改名"})
    assert r.status_code == 403 and MARKER not in r.text
    assert await state() == before
