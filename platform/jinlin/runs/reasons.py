"""A proposal's reasons in the user's language. The matcher writes short English phrases, some with
values in them ("3.2 km away", "colour red", "strengths meet weaknesses: funding_gap, staff_load");
the fixed ones are msgids, the others are taken apart here and put together again through the catalog."""

from __future__ import annotations

import re

from jinlin.core.i18n import gettext, translate
from jinlin.twinning.weakness import LABELS as WEAKNESS_LABELS

_KM = re.compile(r"(\d+(?:\.\d+)?) km away")
_PREFIXED = {
    "colour ": "colour {value}",
    "reputation ": "reputation {value}",
    "weight ": "weight {value}",
    "pledged to call ": "pledged to call {value}",
}


def reason_text(text: str) -> str:
    if m := _KM.fullmatch(text):
        return translate("{km} km away", km=m.group(1))
    if text.startswith("strengths meet weaknesses: "):
        parts = [gettext(WEAKNESS_LABELS.get(p.strip(), p.strip())) for p in text.split(": ", 1)[1].split(",")]
        return translate("strengths meet weaknesses: {parts}", parts=gettext(", ").join(parts))
    for prefix, msgid in _PREFIXED.items():
        if text.startswith(prefix):
            value = text[len(prefix) :]
            return translate(msgid, value=gettext(value) if prefix == "colour " else value)
    return gettext(text)
