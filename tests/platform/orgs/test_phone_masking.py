from factories import login, make_world
from jinlin.core.security import mask_phone


def test_mask_phone_keeps_the_first_three_and_last_four_digits():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("") == ""
    assert "2345" not in mask_phone("1234")


async def test_a_units_phone_is_masked_for_staff_of_another_area(client):
    w = await make_world()
    village = w.orgs["village"]["id"]  # in the west street
    seen = (await client.get(f"/api/v1/organizations/{village}", headers=await login(client, "admin_a"))).json()
    assert seen["contact_phone"] == "137****5678" and seen["contact_phone_masked"] is True


async def test_a_units_phone_is_plain_for_staff_covering_its_area_and_for_its_members(client):
    w = await make_world()
    village = w.orgs["village"]["id"]
    for username in ("street_west", "county", "liaison2"):
        seen = (await client.get(f"/api/v1/organizations/{village}", headers=await login(client, username))).json()
        assert seen["contact_phone"] == "13712345678", username


async def test_a_community_phone_is_masked_for_a_unit_liaison_in_lists_too(client):
    w = await make_world()
    h = await login(client, "liaison")
    items = (await client.get("/api/v1/organizations?kind=community", headers=h)).json()["items"]
    by_id = {o["id"]: o for o in items}
    assert by_id[w.orgs["comm_a"]["id"]]["contact_phone"] == "138****1111"
    assert "13800001111" not in str(items)
