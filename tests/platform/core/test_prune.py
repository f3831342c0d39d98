"""The periodic prune keeps growing tables bounded and leaves what is still needed."""

from datetime import timedelta

from factories import login, make_world
from jinlin.accounts.tables import AuthToken
from jinlin.core import clock
from jinlin.core.tasks import prune_body


async def test_dead_tokens_are_pruned_and_live_ones_kept(client, frozen_clock):
    await make_world()
    live = await login(client, "admin_a")
    await login(client, "admin_b")
    await AuthToken.update({AuthToken.expires_at: clock.now() - timedelta(days=8)}).where(
        AuthToken.account.username == "admin_b"
    )
    counts = await prune_body()
    assert counts["auth_tokens"] == 1
    assert (await client.get("/api/v1/me", headers=live)).status_code == 200
