"""Chinese labels of the code lists for spreadsheets (pages translate through ``_()`` instead)."""

from __future__ import annotations

import re

from jinlin.catalog.codes import BENEFICIARY_LABELS, CATEGORY_LABELS, COLOUR_LABELS
from jinlin.core.i18n import gettext

SPLIT = re.compile(r"[、,，;；/\s]+")
YES = {"是", "y", "yes", "true", "1", "可", "可以"}
NO = {"否", "n", "no", "false", "0", "不可", "不可以"}


def zh(msgid: str) -> str:
    return gettext(msgid, "zh_CN")


def category_zh(code: str) -> str:
    return zh(CATEGORY_LABELS.get(code, code))


def beneficiary_zh(code: str) -> str:
    return zh(BENEFICIARY_LABELS.get(code, code))


def colour_zh(code: str) -> str:
    return zh(COLOUR_LABELS.get(code, code))


def _lookup(labels: dict[str, str], text: str) -> str | None:
    text = text.strip()
    if text in labels:
        return text
    for code, label in labels.items():
        if text in (zh(label), label, label.lower()):
            return code
    return None


def category_code(text: str) -> str | None:
    return _lookup(CATEGORY_LABELS, text)


def beneficiary_code(text: str) -> str | None:
    return _lookup(BENEFICIARY_LABELS, text)


def colour_code(text: str) -> str | None:
    return _lookup(COLOUR_LABELS, text)


def split_list(text: str) -> list[str]:
    return [p for p in SPLIT.split(text.strip()) if p]


def yes_no(text: str) -> bool | None:
    value = text.strip().lower()
    return True if value in YES else False if value in NO else None
