"""One active resident per ID number, however the record arrives: added, edited, imported, or twenty at once.
Refusals name the field or row, never echo the number, and leave every record as it was."""

import asyncio
import io

from openpyxl import Workbook

from factories import ID_NUMBER, login, make_records_world
from jinlin.households.spreadsheet import H
from jinlin.households.tables import Household, Resident

OTHER = "370102196002022345"
NEW = "370102197003033456"


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    book.active.append(list(H.values()))
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _row(name: str, id_number: str, door: str = "7单元701") -> list:
    return ["网格A1", "7号楼", door, name, "女", 1958, "户主", "13800005555", id_number, "空巢老人", "", "", "是"]


async def test_an_import_repeating_an_id_number_or_one_already_recorded_imports_nothing(client):
    await make_records_world()
    admin = await login(client, "admin_a")
    before = (await Resident.count(), await Household.count())
    content = _xlsx([_row("甲", NEW), _row("乙", ID_NUMBER, "7单元702"), _row("丙", NEW, "7单元703"), _row("丁", "")])
    r = await client.post("/api/v1/households/import", headers=admin, files={"file": ("h.xlsx", content)})
    assert r.status_code == 400, r.text
    fields = r.json()["error"]["fields"]
    assert set(fields) == {"row 3", "row 4"}, fields  # 乙: already recorded; 丙: the same as row 2
    assert "2" in fields["row 4"]
    assert ID_NUMBER not in r.text and NEW not in r.text
    assert (await Resident.count(), await Household.count()) == before
    # The same file without the repeats goes in.
    content = _xlsx([_row("甲", NEW), _row("丁", "")])
    r = await client.post("/api/v1/households/import", headers=admin, files={"file": ("h.xlsx", content)})
    assert r.status_code == 201 and r.json()["imported"] == 2, r.text


async def test_the_import_error_is_in_chinese_on_the_page(client):
    from factories import csrf_token, page_login

    await make_records_world()
    await page_login(client, "admin_a")
    token = await csrf_token(client, "/households")
    content = _xlsx([_row("甲", NEW), _row("丙", NEW, "7单元703")])
    r = await client.post(
        "/households/import", data={"_csrf_token": token}, files={"file": ("h.xlsx", content)}, timeout=60
    )
    assert r.status_code == 400 and "与第 2 行的身份证号相同" in r.text and NEW not in r.text


async def test_editing_a_resident_to_anothers_id_number_is_refused_and_changes_nothing(client):
    w = await make_records_world()
    grid = await login(client, "grid_a")
    hid = w.orgs["household"]["id"]
    r = await client.post(f"/api/v1/households/{hid}/residents", headers=grid, json={"name": "乙", "id_number": OTHER})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    before = await Resident.select().where(Resident.id == rid).first()
    r = await client.patch(f"/api/v1/residents/{rid}", headers=grid, json={"id_number": ID_NUMBER, "name": "改名"})
    assert r.status_code == 409 and "id_number" in r.json()["error"]["fields"] and ID_NUMBER not in r.text
    assert await Resident.select().where(Resident.id == rid).first() == before
    # Their own number again is no conflict.
    r = await client.patch(f"/api/v1/residents/{rid}", headers=grid, json={"id_number": OTHER, "name": "乙"})
    assert r.status_code == 200, r.text


async def test_twenty_concurrent_adds_of_one_id_number_record_one_resident(client):
    w = await make_records_world()
    grid = await login(client, "grid_a")
    hid = w.orgs["household"]["id"]
    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/households/{hid}/residents", headers=grid, json={"name": f"同号{i}", "id_number": NEW}
            )
            for i in range(20)
        )
    )
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 1 and codes.count(409) == 19, codes
    assert all("id_number" in a.json()["error"]["fields"] for a in answers if a.status_code == 409)
    from jinlin.core.crypto import keyring

    assert await Resident.count().where(Resident.id_hash == keyring().search_hash(NEW)) == 1
