"""The check-in QR code, rendered by the server (segno, SVG): it opens the shift's check-in page."""

from __future__ import annotations

import io

import segno

from jinlin.activities.service import can_manage, shift_and_activity
from jinlin.auth.principal import Principal
from jinlin.core.errors import Forbidden


def checkin_path(shift_id: int, code: str) -> str:
    return f"/shifts/{shift_id}/check-in?code={code}"


def qr_svg(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=6, border=2)
    return buffer.getvalue()


async def checkin_qr_svg(principal: Principal, shift_id: int, base_url: str = "") -> bytes:
    shift, activity = await shift_and_activity(principal, shift_id)
    if not can_manage(principal, activity):
        raise Forbidden("Only the organisers see the check-in code")
    return qr_svg(base_url.rstrip("/") + checkin_path(shift_id, shift["checkin_code"]))
