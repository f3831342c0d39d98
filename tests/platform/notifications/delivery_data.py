"""Test data for delivery: verified addresses inserted straight into the table (verification has its own test)."""

from __future__ import annotations

from jinlin.core import clock
from jinlin.notifications.tables import ContactPoint


async def verified(account_id: int, channel: str, address: str) -> None:
    await ContactPoint.insert(
        ContactPoint(
            account=account_id, channel=channel, key=f"{account_id}:{channel}", address=address, verified_at=clock.now()
        )
    )


def sms_requests(outside) -> list:
    return [r for r in outside.http.requests if r.path == "/sms"]
