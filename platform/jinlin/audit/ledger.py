"""The audit log read as a ledger: action and object names people use, changed fields with labels, links.

Action and field names are looked up as prefixed msgids ("audit action: create", "audit field: quantity")
so a code never borrows the translation of a same-spelled word elsewhere; an unknown one shows as is.
"""

from __future__ import annotations

from typing import Any

from jinlin.core.i18n import gettext

# object type -> the page of one object (its name is the row's summary)
OBJECTS: dict[str, str | None] = {
    "need": "/needs/{id}",
    "offer": "/offers/{id}",
    "match": "/matches/{id}",
    "match_run": "/runs/{id}",
    "area": "/areas/{id}",
    "organization": "/organizations/{id}",
    "account": "/accounts/{id}",
    "call": "/calls/{id}",
    "activity": "/activities/{id}",
    "shift": "/shifts/{id}/manage",
    "twinning": "/twinnings/{id}",
    "community_profile": "/communities/{id}/profile",
}

ACTIONS = (
    "create",
    "update",
    "delete",
    "import",
    "publish",
    "start",
    "finish",
    "fail",
    "cancel",
    "propose",
    "accept",
    "decline",
    "complete",
    "expire",
    "rate",
    "resolve",
    "close",
    "pause",
    "resume",
    "withdraw",
    "login",
    "logout",
    "register",
    "end",
    "respond",
    "match",
    "sign_up",
    "check_in",
    "check_out",
    "no_show",
    "verify_hours",
    "add_honorary_hours",
    "request_join",
    "approved",
    "rejected",
    "promote",
    "accepted",
    "declined",
    "set_by_hand",
)


def _word(kind: str, code: str) -> str:
    key = f"audit {kind}: {code}"
    text = gettext(key)
    return code if text == key else text


def action_label(code: str) -> str:
    return _word("action", code)


def field_label(code: str) -> str:
    return _word("field", code)


def object_label(object_type: str) -> str:
    return _word("object", object_type)


def object_href(object_type: str, object_id: int | None) -> str | None:
    pattern = OBJECTS.get(object_type)
    return pattern.format(id=object_id) if pattern and object_id is not None else None


def value_text(value: Any) -> str:
    """A stored value as people read it: codes (statuses, colours, roles) translated, nothing as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str):
        return gettext(value)
    if isinstance(value, list):
        return "、".join(value_text(v) for v in value)
    return str(value)


def changes(raw: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """[(field label, before or the value, after or None)]."""
    out: list[tuple[str, str, str | None]] = []
    for key, value in raw.items():
        if isinstance(value, list) and len(value) == 2 and not key.endswith("memberships"):
            out.append((field_label(key), value_text(value[0]), value_text(value[1])))
        else:
            out.append((field_label(key), value_text(value), None))
    return out
