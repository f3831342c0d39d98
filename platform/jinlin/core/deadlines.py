"""限时办结: the one definition of "overdue", shared by needs, residents' reports, pages, filters, API and KPIs.

An open item is overdue when it is past its respond-by time without a response, or past its resolve-by
time without resolution. Each feature says what "open" and "responded" mean for its rows and calls these
two helpers: ``is_overdue`` for a row already in hand, ``overdue_clause`` for a query (both databases).
"""

from __future__ import annotations

from datetime import datetime

from piccolo.columns import Column
from piccolo.columns.combination import Combinable


def is_overdue(
    now: datetime,
    *,
    is_open: bool,
    respond_by: datetime | None,
    responded_at: datetime | None,
    resolve_by: datetime | None,
) -> bool:
    if not is_open:
        return False
    if resolve_by is not None and now > resolve_by:
        return True
    return respond_by is not None and responded_at is None and now > respond_by


def overdue_clause(
    now: datetime, *, open_clause: Combinable, respond_by: Column, responded_at: Column, resolve_by: Column
) -> Combinable:
    """The same rule as ``is_overdue`` as a WHERE clause."""
    late_response = (respond_by < now) & responded_at.is_null()
    return open_clause & ((resolve_by < now) | late_response)
