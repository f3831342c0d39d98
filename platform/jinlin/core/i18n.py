"""UI text through gettext catalogs: msgids are English, ``zh_CN`` is the default locale.

Each feature keeps its own catalog file, ``frontend/translations/<locale>/LC_MESSAGES/<feature>.po``;
Babel compiles each and merges them (``Translations.merge``) at start-up, so features never edit one
shared file; plurals follow each locale's own plural rule, and relative times come from Babel
(``format_timedelta``). The locale of the current request lives in a context variable that the
templates' ``_()`` reads.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import timedelta
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.dates import TIMEDELTA_UNITS, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from jinlin.core.settings import LOCALES, REPO_ROOT

TRANSLATIONS_DIR = REPO_ROOT / "frontend" / "translations"
current_locale: ContextVar[str] = ContextVar("current_locale", default="zh_CN")


def _compiled(po_file: Path, locale: str) -> Translations:
    with po_file.open("rb") as fh:
        po = read_po(fh, locale=locale)
    mo = BytesIO()
    write_mo(mo, po)  # fuzzy and untranslated entries are left out, as msgfmt does
    mo.seek(0)
    return Translations(mo)


def _merged(locale: str) -> Translations:
    """Every feature's catalog of ``locale``, compiled and merged (later files win on a clash, which a
    test forbids anyway)."""
    merged = Translations()
    for po_file in sorted((TRANSLATIONS_DIR / locale / "LC_MESSAGES").glob("*.po")):
        merged.merge(_compiled(po_file, locale))
    return merged


translations = cache(_merged)


@cache
def catalog(locale: str) -> dict[str, str]:
    """The merged singular messages (msgid → translation), for checks and tools (``catalog.__wrapped__``
    reads the files afresh)."""
    return {k: v for k, v in _merged(locale)._catalog.items() if isinstance(k, str) and k}


def gettext(message: str, locale: str | None = None) -> str:
    return translations(locale or current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    """The form for ``n`` by the locale's plural rule (Chinese has one form, English two)."""
    return translations(locale or current_locale.get()).ngettext(singular, plural, n)


def relative_time(delta: timedelta, locale: str | None = None) -> str:
    """ "3 hours", "2 days" in the locale's words (Babel), rounded to the largest sensible unit.

    Babel's answer depends only on the unit it picks, the rounded number and the locale, but finding the
    words costs about a millisecond (a list page shows a hundred countdowns): each answer is kept."""
    loc = babel_locale(locale or current_locale.get())
    key = (_unit_and_value(delta), loc)
    text = _RELATIVE.get(key)
    if text is None:
        text = format_timedelta(delta, threshold=2, format="short", locale=loc)
        if len(_RELATIVE) >= 10_000:
            _RELATIVE.clear()
        _RELATIVE[key] = text
    return text


_RELATIVE: dict[tuple[tuple[str, int, bool], str], str] = {}


def _unit_and_value(delta: timedelta) -> tuple[str, int, bool]:
    """What Babel's format_timedelta (threshold 2, default granularity "second") picks: the first unit
    with at least 2 of it, the rounded count, and the sign."""
    seconds = int(delta.days * 86400 + delta.seconds)
    for unit, per in TIMEDELTA_UNITS:
        value = abs(seconds) / per
        if value >= 2 or unit == "second":
            return unit, round(value), seconds < 0
    raise AssertionError("unreachable: 'second' is the last unit")


def babel_locale(locale: str) -> str:
    return "zh_Hans_CN" if locale == "zh_CN" else locale


def translate(message: str, locale: str | None = None, **values: object) -> str:
    """gettext, then ``str.format`` with ``values`` (the translated text may reorder them)."""
    text = gettext(message, locale)
    return text.format(**values) if values else text


def pick_locale(*candidates: str | None) -> str:
    for candidate in candidates:
        if candidate in LOCALES:
            return candidate
    return "zh_CN"
