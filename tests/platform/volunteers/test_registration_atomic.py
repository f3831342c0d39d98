"""志愿者注册 is one state change: a failure after the account is written leaves no account behind."""

import pytest

from factories import make_world
from jinlin.accounts.tables import Account
from jinlin.orgs.tables import Registration
from jinlin.volunteers import service
from jinlin.volunteers.schemas import RegisterIn
from jinlin.volunteers.tables import VolunteerProfile


def _form(w) -> RegisterIn:
    return RegisterIn(
        username="xiaoli",
        password="long-enough-1",
        display_name="小李",
        phone="13912340000",
        party_member=True,
        community_id=w.orgs["comm_a"]["id"],
    )


async def test_a_registration_that_fails_after_the_account_part_leaves_nothing_and_can_be_tried_again(
    client, monkeypatch
):
    w = await make_world()

    async def broken_record(*args, **kwargs):
        raise RuntimeError("the audit write failed")

    monkeypatch.setattr(service, "record", broken_record)
    with pytest.raises(RuntimeError):
        await service.register(_form(w), "127.0.0.1")
    assert not await Account.exists().where(Account.username == "xiaoli")
    assert await VolunteerProfile.count() == 0
    assert not await Registration.exists().where(Registration.kind == "party_member")

    monkeypatch.undo()
    _, account_id = await service.register(_form(w), "127.0.0.1")
    assert await VolunteerProfile.exists().where(VolunteerProfile.account == account_id)
