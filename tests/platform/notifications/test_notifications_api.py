"""Notifications reach every member of the organisation they are addressed to, and nobody else."""

from factories import login, make_world
from jinlin.notifications.service import notify


async def test_members_of_the_addressed_organisation_see_it_and_others_do_not(client):
    w = await make_world()
    await notify(
        kind="match_proposed",
        title="{org} proposed a match",
        params={"org": "社区A居委会"},
        organization_id=w.orgs["enterprise"]["id"],
        link="/matches/1",
    )
    liaison = await login(client, "liaison")
    body = (await client.get("/api/v1/notifications", headers=liaison)).json()
    assert body["total"] == 1
    assert body["items"][0]["text"] == "社区A居委会 proposed a match"
    other = await login(client, "liaison2")
    assert (await client.get("/api/v1/notifications", headers=other)).json()["total"] == 0


async def test_reading_all_clears_the_unread_count(client):
    w = await make_world()
    for _ in range(3):
        await notify(kind="rated", title="You were rated", account_id=w.accounts["volunteer"])
    headers = await login(client, "volunteer")
    assert (await client.get("/api/v1/notifications/unread-count", headers=headers)).json() == {"unread": 3}
    assert (await client.post("/api/v1/notifications/read-all", headers=headers)).json() == {"unread": 0}
    assert (await client.get("/api/v1/notifications/unread-count", headers=headers)).json() == {"unread": 0}
