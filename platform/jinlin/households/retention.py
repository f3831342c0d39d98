"""Retention (PIPL: no longer than necessary): personal fields of moved-out residents are cleared after the
county's period (``JINLIN_PII_RETENTION_DAYS``, default 3 years). The resident row, its focus groups and the
household's counts stay, so history and statistics survive without the person.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from jinlin.audit.service import record
from jinlin.core import clock
from jinlin.core.db import write_transaction
from jinlin.core.settings import get_settings
from jinlin.households.tables import Household, Resident


async def clear_expired(now: datetime | None = None, retention_days: int | None = None) -> int:
    """Clear what the period allows no longer; safe to run twice (cleared rows are skipped)."""
    now = now or clock.now()
    cutoff = now - timedelta(days=retention_days if retention_days is not None else get_settings().pii_retention_days)
    async with write_transaction():
        cleared = (
            await Resident.update(
                {
                    Resident.name_enc: "",
                    Resident.phone_enc: "",
                    Resident.id_number_enc: "",
                    Resident.id_hash: "",
                    Resident.care_note_enc: "",
                    Resident.extra_tags: [],
                    Resident.birth_year: None,
                    Resident.relation: "",
                    Resident.cleared_at: now,
                    Resident.updated_at: now,
                }
            )
            .where((Resident.status == "moved_out") & (Resident.moved_out_at < cutoff) & Resident.cleared_at.is_null())
            .returning(Resident.household)
        )
        households = sorted({r["household"] for r in cleared})
        if households:
            from jinlin.visits.tables import Visit

            # What was found on visits may name the people; the visit itself (date, method) is kept.
            moved = [
                h["id"]
                for h in await Household.select(Household.id).where(
                    Household.id.is_in(households) & (Household.status == "moved_out")
                )
            ]
            if moved:
                await Visit.update({Visit.findings_enc: "", Visit.follow_up_enc: ""}).where(
                    Visit.household.is_in(moved)
                )
            await record(
                None, "retention_clear", "resident", None, {"residents": len(cleared), "households": len(households)}
            )
    return len(cleared)
