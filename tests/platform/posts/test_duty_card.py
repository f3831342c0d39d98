import io

import zxingcpp
from PIL import Image

from factories import login, make_area, make_world, page_login
from jinlin.posts.tables import Post
from support import unmasked_phones


async def _building_with_people(w):
    compound = await make_area("幸福小区", "compound", w.areas["grid_a1"])
    building = await make_area("1号楼", "building", compound)
    await Post.insert(
        Post(
            area=building["id"],
            kind="building_head",
            contact_name="李大姐",
            contact_phone="13900005678",
            note="钥匙在她家",
        ),
        Post(area=w.areas["grid_a1"]["id"], kind="full_time_grid_worker", account=w.accounts["grid_a"]),
        Post(
            area=w.areas["grid_a1"]["id"],
            kind="department_staff",
            department="civil_affairs",
            contact_name="王民政",
            contact_phone="13800001234",
        ),
    )
    return building


async def test_the_duty_card_is_readable_without_logging_in_and_shows_no_unmasked_phone(client):
    w = await make_world()
    from jinlin.accounts.tables import Account

    await Account.update({Account.phone: "13511112222"}).where(Account.id == w.accounts["grid_a"])
    building = await _building_with_people(w)
    r = await client.get(f"/cards/{building['id']}")
    assert r.status_code == 200
    html = r.text
    assert "李大姐" in html and "grid_a" in html and "王民政" in html and "民政" in html
    assert "测试县" in html and "网格A1" in html  # the area's path
    assert f'href="/report/{building["id"]}"' in html
    assert "139****5678" in html
    for phone in ("13900005678", "13800001234", "13511112222"):
        assert phone not in html
    assert unmasked_phones(html) == []
    assert "钥匙在她家" not in html  # notes are for staff
    assert 'data-testid="call"' not in html


async def test_staff_covering_the_area_get_a_call_button_and_others_do_not(client):
    w = await make_world()
    building = await _building_with_people(w)
    await page_login(client, "admin_a")
    html = (await client.get(f"/cards/{building['id']}")).text
    assert 'href="tel:13900005678"' in html
    client.cookies.clear()
    await page_login(client, "admin_c")
    html = (await client.get(f"/cards/{building['id']}")).text
    assert "13900005678" not in html


async def test_the_qr_code_decodes_to_the_cards_url(client):
    w = await make_world()
    building = await _building_with_people(w)
    png = (await client.get(f"/cards/{building['id']}/qr.png")).content
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [d.text for d in decoded] == [f"http://testserver/cards/{building['id']}"]
    html = (await client.get(f"/cards/{building['id']}")).text
    assert "<svg" in html and f"http://testserver/cards/{building['id']}" in html


async def test_the_printed_sheet_carries_the_qr_and_is_always_masked(client):
    w = await make_world()
    building = await _building_with_people(w)
    await page_login(client, "admin_a")
    html = (await client.get(f"/cards/{building['id']}/print?size=a4")).text
    assert "sheet a4" in html and "<svg" in html and "13900005678" not in html


async def test_a_community_or_street_has_no_duty_card(client):
    w = await make_world()
    assert (await client.get(f"/cards/{w.areas['comm_a']['id']}")).status_code == 404
    assert (await client.get(f"/cards/{w.areas['comm_a']['id']}/qr.png")).status_code == 404


async def test_changing_the_card_text_is_scoped_and_audited(client):
    from jinlin.audit.tables import AuditEvent

    w = await make_world()
    grid = w.areas["grid_a1"]["id"]
    body = {"service_hours": "工作日 8:30-17:30", "notice": "有事请找网格员"}
    assert (
        await client.put(f"/api/v1/areas/{grid}/duty-card", json=body, headers=await login(client, "admin_b"))
    ).status_code == 403
    r = await client.put(f"/api/v1/areas/{grid}/duty-card", json=body, headers=await login(client, "admin_a"))
    assert r.status_code == 200
    assert "工作日 8:30-17:30" in (await client.get(f"/cards/{grid}")).text
    assert await AuditEvent.exists().where(AuditEvent.object_type == "duty_card")
