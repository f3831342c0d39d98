"""What each notification kind is worth: its urgency and who gets it on which channel unless they choose.

Kinds not listed here (features add new ones freely) get defaults from the urgency ``notify`` was given:
``high`` goes by SMS and e-mail, ``normal`` by e-mail, ``low`` into the daily e-mail digest.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinlin.core.i18n import gettext as _

URGENCIES = ("low", "normal", "high")


@dataclass(frozen=True, slots=True)
class KindDefaults:
    urgency: str
    channels: tuple[str, ...]
    digest: bool = False
    label: str = ""  # English msgid for the preferences page


KINDS: dict[str, KindDefaults] = {
    "call_issued": KindDefaults("high", ("sms", "email"), label="A call for help for my unit (号召)"),
    "call_response": KindDefaults("normal", ("email",), label="A unit pledged to my call"),
    "match_proposed": KindDefaults("normal", ("email",), label="A match was proposed"),
    "match_accepted": KindDefaults("normal", ("email",), label="A match was accepted"),
    "match_declined": KindDefaults("normal", ("email",), label="A match was declined"),
    "match_completed": KindDefaults("normal", ("email",), label="A match was completed"),
    "shift_reminder": KindDefaults("normal", ("sms",), label="Reminder before my shift"),
    "roster_invited": KindDefaults("normal", ("sms", "email"), label="An invitation to a shift"),
    "waitlist_promoted": KindDefaults("normal", ("sms",), label="A place opened on a shift"),
    "signup_cancelled": KindDefaults("normal", ("sms",), label="My place on a shift was cancelled"),
    "rated": KindDefaults("low", ("email",), digest=True, label="Someone rated our work"),
    "twinning_rated": KindDefaults("low", ("email",), digest=True, label="A twinning was rated"),
    "twinning_proposed": KindDefaults("normal", ("email",), label="A twinning was proposed"),
    "party_member_registered": KindDefaults(
        "low", ("email",), digest=True, label="A party member reported to our community"
    ),
    "team_join_requested": KindDefaults("low", ("email",), digest=True, label="Someone asks to join our team"),
    "need_red": KindDefaults("high", ("sms", "email"), label="A red (most urgent) need"),
    "escalation": KindDefaults("high", ("sms", "email"), label="An overdue item was escalated to me"),
}


def urgency_of(kind: str, given: str = "") -> str:
    if given in URGENCIES:
        return given
    if kind in KINDS:
        return KINDS[kind].urgency
    if "escalat" in kind or kind.endswith("_red"):
        return "high"
    return "normal"


def defaults_for(kind: str, roles: frozenset[str], urgency: str = "") -> tuple[tuple[str, ...], bool]:
    """(channels, digest) for an account with ``roles`` that has not chosen for ``kind``."""
    spec = KINDS.get(kind)
    level = urgency_of(kind, urgency)
    if spec is None:
        if level == "high":
            return ("sms", "email"), False
        return ("email",), level == "low"
    channels, digest = spec.channels, spec.digest
    # County and street staff see many proposals across their area: a daily digest instead of one mail each.
    if kind.startswith("match_") and roles & {"county_admin", "street_admin"} and level != "high":
        digest = True
    return channels, digest


def label(kind: str) -> str:
    spec = KINDS.get(kind)
    return _(spec.label) if spec and spec.label else kind


def is_urgent(kind: str, urgency: str = "") -> bool:
    return urgency_of(kind, urgency) == "high"
