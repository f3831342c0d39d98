"""Keeping residents out of shared text: a need made from a visit or a meeting must not name anyone."""

from __future__ import annotations

from typing import Any

from jinlin.core.crypto import keyring, normalise_id
from jinlin.core.errors import Invalid
from jinlin.households.tables import Household, Resident

PHONE_DIGITS = 7  # this many digits in a title look like a phone or ID number


async def refuse_personal_data(
    text: str, *, household_id: int | None = None, grid_id: int | None = None, field: str = "need_title"
) -> None:
    """Invalid when ``text`` holds a resident's name, phone or ID number (of the household or grid given), or
    anything shaped like a phone or ID number. The message never repeats what it found."""
    refused = Invalid(
        "A need is shared: leave out names, phone and ID numbers",
        {field: "must not contain residents' names, phones or ID numbers"},
    )
    if sum(ch.isdigit() for ch in text) >= PHONE_DIGITS:
        raise refused
    where: Any = (
        Resident.household == household_id
        if household_id is not None
        else Resident.household.is_in(Household.select(Household.id).where(Household.grid == grid_id))
    )
    ring = keyring()
    squashed = normalise_id(text)
    for r in await Resident.select(Resident.name_enc, Resident.phone_enc, Resident.id_number_enc).where(where):
        name, phone, number = (
            ring.decrypt(r["name_enc"]),
            ring.decrypt(r["phone_enc"]),
            ring.decrypt(r["id_number_enc"]),
        )
        if (
            (len(name) >= 2 and name in text)
            or (phone and normalise_id(phone) in squashed)
            or (number and number[-6:] in squashed)
        ):
            raise refused
