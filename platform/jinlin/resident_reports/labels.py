"""English msgids for the codes of residents' reports (Chinese in resident_reports.po)."""

from __future__ import annotations

LABELS = {
    "category": {
        "environment": "Environment and sanitation",
        "facilities": "Broken facilities",
        "safety": "Safety hazard",
        "neighbours": "Neighbour dispute",
        "property": "Property management",
        "elder_care": "Help for the elderly",
        "parking": "Parking",
        "other": "Something else",
    },
    "status": {
        "submitted": "Waiting to be accepted",
        "accepted": "Being handled",
        "referred": "Referred for outside help",
        "resolved": "Resolved, waiting for the rating",
        "closed": "Closed",
        "merged": "Linked to an earlier report",
    },
    "source": {"resident": "From a resident", "visit": "From a household visit"},
    "satisfaction": {"satisfied": "Satisfied", "basically": "Basically satisfied", "unsatisfied": "Not satisfied"},
    "level": {"grid": "Grid", "community": "Community", "street": "Street", "county": "County"},
    "event": {
        "dispatch": "Dispatched",
        "accept": "Accepted",
        "triage": "Colour set",
        "resolve": "Resolved",
        "refer": "Turned into a need",
        "transfer": "Transferred",
        "reassign": "Reassigned",
        "chase": "Chased",
        "remind": "Reminder sent",
        "escalate": "Escalated",
        "rate": "Rated",
        "reopen": "Reopened",
        "duplicate": "A near-duplicate was linked",
    },
    "rate": {
        "response_rate": "Response rate",
        "resolution_rate": "Resolution rate",
        "satisfaction_rate": "Satisfaction rate",
        "on_time_rate": "On-time rate",
        "first_time_rate": "First-time resolution rate",
        "chase_rate": "Chase rate",
        "reopen_rate": "Reopen rate",
    },
    "group": {"worker": "Handler", "grid": "Grid", "community": "Community", "street": "Street"},
}


def report_label(kind: str, code: str | None) -> str:
    return LABELS.get(kind, {}).get(code or "", code or "")
