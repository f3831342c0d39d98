"""Key rotation: re-encrypt every sealed value with the current key (``jinlin pii rotate-key``): residents'
records, visit notes and organisations' robot tokens and secrets.

Put the new key first in ``JINLIN_PII_KEY`` and keep the old one after it; run the command; then the old key
can be dropped. The search hash uses its own key, so exact-match search keeps working throughout.
"""

from __future__ import annotations

from typing import Any

from piccolo.table import Table

from jinlin.core.crypto import Keyring, keyring
from jinlin.core.db import write_transaction
from jinlin.households.tables import Resident

BATCH = 500


def _sealed_columns() -> list[tuple[type[Table], list[Any]]]:
    from jinlin.notifications.tables import Robot
    from jinlin.visits.tables import Visit

    return [
        (Resident, [Resident.name_enc, Resident.phone_enc, Resident.id_number_enc, Resident.care_note_enc]),
        (Visit, [Visit.findings_enc, Visit.follow_up_enc]),
        (Robot, [Robot.token_enc, Robot.secret_enc]),
    ]


async def rotate(ring: Keyring | None = None) -> int:
    """Re-encrypt values sealed under an older key; returns how many values changed. Safe to run twice."""
    ring = ring or keyring()
    changed = 0
    for table, columns in _sealed_columns():
        last_id = 0
        while True:
            rows = (
                await table.select(table._meta.primary_key, *columns)
                .where(table._meta.primary_key > last_id)
                .order_by(table._meta.primary_key)
                .limit(BATCH)
            )
            if not rows:
                break
            last_id = rows[-1]["id"]
            async with write_transaction():
                for row in rows:
                    values = {
                        c: ring.encrypt(ring.decrypt(row[c._meta.name]))
                        for c in columns
                        if not ring.is_current(row[c._meta.name])
                    }
                    if values:
                        await table.update(values).where(table._meta.primary_key == row["id"])
                        changed += len(values)
    return changed
