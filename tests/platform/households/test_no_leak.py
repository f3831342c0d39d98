"""No resident data anywhere else: a marker name, phone and ID number posted and used everywhere a grid worker
would, then every table of the database and every captured log line is searched for them."""

import logging

from factories import csrf_token, login, make_records_world, page_login
from jinlin.core import db

NAME = "泄露标记钱某某"
PHONE = "13700001357"
ID_NUMBER = "110101194501017777"


async def test_a_residents_name_phone_and_id_reach_no_other_table_and_no_log(client, frozen_clock, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    w = await make_records_world()
    hid = w.orgs["household"]["id"]
    grid = await login(client, "grid_a")
    r = await client.post(
        f"/api/v1/households/{hid}/residents",
        headers=grid,
        json={
            "name": NAME,
            "phone": PHONE,
            "id_number": ID_NUMBER,
            "focus_groups": ["disabled", "minimum_living_allowance"],
            "care_note": f"{NAME}需要轮椅",
        },
    )
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    # Reads, reveal, search, export, visits with a follow-up need, refusals carrying the data in their input.
    await client.get(f"/api/v1/households/{hid}", headers=grid, params={"purpose": "走访前核对"})
    await client.post(f"/api/v1/residents/{rid}/reveal-id", headers=grid, json={"reason": "核对低保材料"})
    await client.post("/api/v1/residents/search", headers=grid, json={"id_number": ID_NUMBER, "purpose": "核对"})
    await client.get("/api/v1/households/export.xlsx", headers=grid)
    r = await client.post(
        "/api/v1/visits",
        headers=grid,
        json={
            "household_id": hid,
            "findings": f"{NAME}情况稳定，电话{PHONE}",
            "follow_up": f"为{NAME}联系轮椅",
            "need": {"title": "残疾人轮椅租借", "category": "disability_support"},
        },
    )
    assert r.status_code == 201, r.text
    for bad in (
        {"household_id": hid, "need": {"title": f"给{NAME}送轮椅"}},
        {"household_id": hid, "need": {"title": f"联系{PHONE}"}},
        {"household_id": hid, "method": NAME},
    ):
        r = await client.post("/api/v1/visits", headers=grid, json=bad)
        assert r.status_code == 400 and NAME not in r.text and PHONE not in r.text
    r = await client.patch(f"/api/v1/residents/{rid}", headers=grid, json={"phone": f"{NAME}{PHONE}"})
    assert r.status_code == 400 and NAME not in r.text and PHONE not in r.text
    r = await client.post(
        f"/api/v1/households/{hid}/residents", headers=grid, json={"name": NAME, "id_number": ID_NUMBER}
    )
    assert r.status_code == 409 and ID_NUMBER not in r.text
    r = await client.get(f"/api/v1/residents/{rid}", headers=await login(client, "liaison"))
    assert r.status_code == 404 and NAME not in r.text
    meeting = await client.post(
        "/api/v1/meetings",
        headers=grid,
        json={
            "grid_id": w.areas["grid_a1"]["id"],
            "held_on": "2026-11-19",
            "action_items": [{"title": "协调轮椅租借", "due_on": "2026-11-30"}],
        },
    )
    item = meeting.json()["action_items"][0]["id"]
    assert (await client.post(f"/api/v1/action-items/{item}/need", headers=grid, json={})).status_code == 200
    await page_login(client, "grid_a")
    token = await csrf_token(client, f"/households/{hid}")
    r = await client.post(f"/households/{hid}/residents/{rid}/reveal", data={"_csrf_token": token, "reason": ""})
    assert r.status_code == 400 and ID_NUMBER not in r.text

    found = []
    for table in db.all_tables():
        for row in await table.select():
            text = str(row)
            # Every table, the residents' own included: there the values are sealed.
            found += [(table._meta.tablename, s) for s in (NAME, PHONE, ID_NUMBER) if s in text]
    assert found == []
    logged = "\n".join(r.getMessage() for r in caplog.records) + capsys.readouterr().err
    assert logged  # the requests were logged: the search below is not vacuous
    for secret in (NAME, PHONE, ID_NUMBER):
        assert secret not in logged
