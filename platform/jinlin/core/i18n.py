"""UI text through gettext catalogs: msgids are English, ``zh_CN`` is the default locale.

Each feature keeps its own catalog file, ``frontend/translations/<locale>/LC_MESSAGES/<feature>.po``;
they are merged at start-up, so features never edit one shared file. The locale of the current
request lives in a context variable that the templates' ``_()`` reads.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from jinlin.core.settings import LOCALES, REPO_ROOT

TRANSLATIONS_DIR = REPO_ROOT / "frontend" / "translations"
current_locale: ContextVar[str] = ContextVar("current_locale", default="zh_CN")


@cache
def catalog(locale: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = TRANSLATIONS_DIR / locale / "LC_MESSAGES"
    for po_file in sorted(Path(folder).glob("*.po")):
        with po_file.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    value = message.string if isinstance(message.string, str) else message.string[0]
                    merged[key] = value
    return merged


def gettext(message: str, locale: str | None = None) -> str:
    return catalog(locale or current_locale.get()).get(message, message)


def ngettext(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    # Chinese has one plural form; English uses the msgid forms.
    loc = locale or current_locale.get()
    if loc == "zh_CN":
        return gettext(singular, loc)
    return gettext(singular if n == 1 else plural, loc)


def translate(message: str, locale: str | None = None, **values: object) -> str:
    """gettext, then ``str.format`` with ``values`` (the translated text may reorder them)."""
    text = gettext(message, locale)
    return text.format(**values) if values else text


def pick_locale(*candidates: str | None) -> str:
    for candidate in candidates:
        if candidate in LOCALES:
            return candidate
    return "zh_CN"
